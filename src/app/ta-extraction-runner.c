/* ta-extraction-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-error.h"
#include "ta-extraction-runner.h"
#include "ta-format.h"

struct _TaExtractionRunner
{
  GtkBox       parent_instance;

  TaJobQueue  *queue;
  TaJob       *job;           /* the running one, for its progress */

  GtkRevealer *error_revealer;
  GtkLabel    *error_label;
  GtkBox      *progress_box;
  GtkLabel    *title_label;
  GtkProgressBar *progress_bar;
  GtkLabel    *queued_label;
  GtkButton   *drop_queued_button;
  GtkButton   *cancel_button;
  GtkLabel    *done_label;
  char        *error;
};

G_DEFINE_FINAL_TYPE (TaExtractionRunner, ta_extraction_runner, GTK_TYPE_BOX)

enum {
  FOLDER_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_queued (TaExtractionRunner *self)
{
  guint n = ta_job_queue_get_n_pending (self->queue);
  g_autofree char *text = NULL;

  if (n > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more extraction queued",
                                         "%u more extractions queued", n), n);
  gtk_label_set_label (self->queued_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->queued_label), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->drop_queued_button), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_box),
                          ta_job_queue_get_running (self->queue) || n > 0);
}

void
ta_extraction_runner_show_error (TaExtractionRunner *self,
                                 const char         *message)
{
  g_return_if_fail (TA_IS_EXTRACTION_RUNNER (self));

  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

const char *
ta_extraction_runner_get_error (TaExtractionRunner *self)
{
  g_return_val_if_fail (TA_IS_EXTRACTION_RUNNER (self), NULL);

  return self->error;
}

static void
job_progress_cb (TaJob              *job,
                 GParamSpec         *pspec,
                 TaExtractionRunner *self)
{
  g_autofree char *eta = ta_format_duration_clock (ta_job_get_eta (job));
  g_autofree char *rows = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *text = NULL;
  double fraction = ta_job_get_fraction (job);

  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  else
    gtk_progress_bar_pulse (self->progress_bar);

  rows = ta_format_count_short ((double) ta_job_get_items_done (job));
  rate = ta_format_count_short (ta_job_get_rate (job));
  /* translators: "1.5 M rows · 1.2 M/s · ETA 0:02" */
  text = g_strdup_printf (_("%s rows · %s/s · ETA %s"), rows, rate, eta);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
forget_job (TaExtractionRunner *self)
{
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_func (self->job, job_progress_cb, self);
  g_clear_object (&self->job);
}

static void
job_started_cb (TaJobQueue         *queue,
                guint               id,
                TaJob              *job,
                const char         *output,
                TaExtractionRunner *self)
{
  g_autofree char *base = g_path_get_basename (output != NULL ? output : "");
  g_autofree char *title = g_strdup_printf (_("Extracting %s"), base);

  gtk_label_set_label (self->title_label, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);
  update_queued (self);

  forget_job (self);
  self->job = g_object_ref (job);
  g_signal_connect (job, "notify::items-done", G_CALLBACK (job_progress_cb), self);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (job_progress_cb), self);
}

static void
job_finished_cb (TaJobQueue         *queue,
                 guint               id,
                 const char         *output_dir,
                 const GError       *error,
                 TaExtractionRunner *self)
{
  g_autofree char *warned = NULL;

  /* inputs skipped, cut short or damaged part-way: said with the result */
  if (error == NULL && TA_IS_EXTRACT_JOB (self->job))
    {
      const TaReadStats *stats = ta_extract_job_get_read_stats (TA_EXTRACT_JOB (self->job));

      if (stats->warnings != NULL && stats->warnings->len > 0)
        {
          g_autoptr(GPtrArray) lines = g_ptr_array_new ();

          for (guint i = 0; i < stats->warnings->len && i < 5; i++)
            g_ptr_array_add (lines, stats->warnings->pdata[i]);
          g_ptr_array_add (lines, NULL);
          warned = g_strjoinv ("\n", (char **) lines->pdata);
        }
    }
  forget_job (self);
  update_queued (self);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_label_set_label (self->done_label, _("Extraction cancelled; nothing was kept."));
      gtk_widget_set_visible (GTK_WIDGET (self->done_label), TRUE);
      return;
    }
  if (error != NULL)
    {
      /* nothing matched: said as it is, and nothing is opened */
      g_autofree char *msg = g_error_matches (error, TA_ERROR, TA_ERROR_NO_MATCH)
                             ? g_strdup (error->message)
                             : g_strdup_printf (_("Extraction failed: %s"), error->message);

      ta_extraction_runner_show_error (self, msg);
      return;
    }

  {
    g_autoptr(GError) local_error = NULL;
    g_autofree char *summary = ta_folder_manifest_summary (output_dir, &local_error);
    g_autofree char *text = g_strdup_printf (_("Finished %s\n%s"), output_dir,
                                             summary != NULL ? summary : local_error->message);

    if (warned != NULL)
      {
        g_autofree char *all = g_strdup_printf (_("%s\nNot every input was read whole:\n%s"), text, warned);

        g_free (text);
        text = g_steal_pointer (&all);
      }

    gtk_label_set_label (self->done_label, text);
    gtk_widget_set_visible (GTK_WIDGET (self->done_label), TRUE);
  }

  g_signal_emit (self, signals[FOLDER_READY], 0, output_dir);
}

static void
cancel_clicked_cb (TaExtractionRunner *self)
{
  guint id = ta_job_queue_get_current_id (self->queue);

  if (id != 0)
    {
      ta_job_queue_cancel (self->queue, id);
      gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
    }
}

static void
drop_queued_cb (TaExtractionRunner *self)
{
  /* the waiting ones only; the running one keeps going */
  ta_job_queue_cancel_pending (self->queue);
}

static void
dismiss_error_cb (TaExtractionRunner *self)
{
  ta_extraction_runner_show_error (self, NULL);
}

static void
ta_extraction_runner_dispose (GObject *object)
{
  TaExtractionRunner *self = (TaExtractionRunner *) object;

  if (self->queue != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->queue, self);
      ta_job_queue_cancel_all (self->queue);
      forget_job (self);
      g_clear_object (&self->queue);
    }
  g_clear_pointer (&self->error, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), TA_TYPE_EXTRACTION_RUNNER);

  G_OBJECT_CLASS (ta_extraction_runner_parent_class)->dispose (object);
}

static void
ta_extraction_runner_class_init (TaExtractionRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ta_extraction_runner_dispose;

  signals[FOLDER_READY] =
    g_signal_new ("folder-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/ui/ta-extraction-runner.ui");
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, error_label);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, progress_box);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, title_label);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, queued_label);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, drop_queued_button);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TaExtractionRunner, done_label);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, drop_queued_cb);
}

static void
ta_extraction_runner_init (TaExtractionRunner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->queue = ta_job_queue_new ();
  g_signal_connect_swapped (self->queue, "job-added", G_CALLBACK (update_queued), self);
  g_signal_connect (self->queue, "job-started", G_CALLBACK (job_started_cb), self);
  g_signal_connect (self->queue, "job-finished", G_CALLBACK (job_finished_cb), self);
}

TaExtractionRunner *
ta_extraction_runner_new (void)
{
  return g_object_new (TA_TYPE_EXTRACTION_RUNNER, NULL);
}

guint
ta_extraction_runner_add (TaExtractionRunner  *self,
                          const TaExtractSpec *spec)
{
  g_autoptr(GError) error = NULL;
  guint id;

  g_return_val_if_fail (TA_IS_EXTRACTION_RUNNER (self), 0);

  id = ta_job_queue_add_extraction (self->queue, spec, &error);
  if (id == 0)
    {
      g_autofree char *msg = g_strdup_printf (_("Extraction failed: %s"), error->message);

      ta_extraction_runner_show_error (self, msg);
    }
  return id;
}

TaJobQueue *
ta_extraction_runner_get_queue (TaExtractionRunner *self)
{
  g_return_val_if_fail (TA_IS_EXTRACTION_RUNNER (self), NULL);

  return self->queue;
}
