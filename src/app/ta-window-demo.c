/* ta-window-demo.c — "Open the Demo Investigation": the synthetic network
 * of `timearcs-cli demo`, generated once into the user's data folder (with
 * progress and cancel, in a worker), then opened with its data folder
 * among the extraction's data paths, so click → Extract → flows works.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-demo-job.h"
#include "ta-format.h"
#include "ta-out-target.h"
#include "ta-window-private.h"

/* Opens the finished demo in @dir: attack file, data path, own companions */
static void
open_demo (TaWindow   *self,
           const char *dir)
{
  g_autofree char *attacks = g_build_filename (dir, TA_DEMO_ATTACK_FILE, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (attacks);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) old = NULL;

  /* the demo's folder first; the user's other data paths stay */
  g_strv_builder_add (builder, dir);
  if (self->settings != NULL)
    old = g_settings_get_strv (self->settings, "data-paths");
  for (guint i = 0; old != NULL && old[i] != NULL; i++)
    if (g_strcmp0 (old[i], dir) != 0)
      g_strv_builder_add (builder, old[i]);
  paths = g_strv_builder_end (builder);
  ta_selection_sidebar_set_data_paths (self->selection_sidebar, (const char * const *) paths);
  /* with its own mappings, IP map and ground truth (earlier explicit
   * choices belonged to earlier files) */
  ta_window_open_attack_files (self, &file, 1, NULL);
}

static void
show_progress (TaWindow *self,
               gboolean  running)
{
  gtk_widget_set_visible (GTK_WIDGET (self->demo_progress_box), running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "open-demo")),
                               !running);
}

static void
on_demo_progress (TaJob      *job,
                  GParamSpec *pspec,
                  TaWindow   *self)
{
  double f = ta_job_get_fraction (job);
  g_autofree char *done = ta_format_count (ta_job_get_items_done (job));
  g_autofree char *text = g_strdup_printf (_("%s — %s packets"), ta_job_get_message (job) ? ta_job_get_message (job) : "",
                                           done);

  gtk_progress_bar_set_fraction (self->demo_progress, f >= 0 ? f : 0);
  gtk_progress_bar_set_text (self->demo_progress, text);
}

static void
demo_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TaWindow) self = user_data;
  TaJob *job = TA_JOB (object);
  g_autoptr(GError) error = NULL;

  if (self->demo_job != TA_DEMO_JOB (job))
    return;   /* the window let go of it */
  show_progress (self, FALSE);
  if (!ta_job_run_finish (job, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *msg = g_strdup_printf (_("Could not make the demo investigation: %s"), error->message);

          ta_window_show_message (self, msg);
        }
    }
  else
    open_demo (self, ta_demo_job_get_result (TA_DEMO_JOB (job))->dir);
  g_clear_object (&self->demo_job);
}

void
ta_window_open_demo (TaWindow *self)
{
  g_autofree char *dir = ta_demo_default_dir ();
  g_autofree char *attacks = g_build_filename (dir, TA_DEMO_ATTACK_FILE, NULL);
  TaDemoOptions o = { dir, TA_DEMO_DEFAULT_SEED, TA_DEMO_DEFAULT_PACKETS, 0, 0, TRUE };

  if (self->demo_job != NULL)
    return;
  if (ta_out_target_is_demo_folder (dir) && g_file_test (attacks, G_FILE_TEST_IS_REGULAR))
    {
      open_demo (self, dir);   /* made before: open it again */
      return;
    }
  /* force: replaces only a demo folder (an unfinished one has no marker and
   * is refused, with a message naming it) */
  self->demo_job = ta_demo_job_new (&o);
  g_signal_connect_object (self->demo_job, "notify::items-done", G_CALLBACK (on_demo_progress), self, 0);
  g_signal_connect_object (self->demo_job, "notify::message", G_CALLBACK (on_demo_progress), self, 0);
  gtk_progress_bar_set_fraction (self->demo_progress, 0);
  gtk_progress_bar_set_text (self->demo_progress, _("Generating packets"));
  show_progress (self, TRUE);
  ta_job_run_async (TA_JOB (self->demo_job), demo_done, g_object_ref (self));
}

void
ta_window_cancel_demo (TaWindow *self)
{
  if (self->demo_job == NULL)
    return;
  ta_job_cancel (TA_JOB (self->demo_job));
  g_clear_object (&self->demo_job);
  if (self->demo_progress_box != NULL)
    show_progress (self, FALSE);
}
