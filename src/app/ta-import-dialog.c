/* ta-import-dialog.c — Import Packets…: packet files to attack CSVs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-import-dialog.h"

typedef enum
{
  ROW_INPUTS,
  ROW_GROUND_TRUTH,
  ROW_EVENT_MAPPING,
  ROW_IP_MAP,
  ROW_OUTPUT,
  N_ROWS
} Row;

/* The rows' ids in ui/ta-import-dialog.ui: ID_label, ID_button, ID_clear_button */
static const char * const row_ids[N_ROWS] = {
  "inputs", "ground_truth", "event_mapping", "ip_map", "output",
};

struct _TaImportDialog
{
  GtkWindow        parent_instance;

  /* Widgets */
  GtkLabel        *row_labels[N_ROWS];
  GtkWidget       *row_buttons[N_ROWS];
  GtkWidget       *clear_buttons[N_ROWS];
  GtkCheckButton  *grouped_check;
  GtkProgressBar  *progress;
  GtkLabel        *status;
  GtkWidget       *import_button;
  GtkWidget       *cancel_button;
  GtkWidget       *open_button;

  /* Owned */
  char           **inputs;
  char            *paths[N_ROWS];   /* ROW_INPUTS unused */
  TaAttacksJob    *job;             /* while running */
  TaAttacksResult *result;
  GError          *error;
  GtkNativeDialog *chooser;
  Row              chooser_row;
  gboolean         running;
  GSettings       *settings;        /* the window's, or NULL */
};

G_DEFINE_FINAL_TYPE (TaImportDialog, ta_import_dialog, GTK_TYPE_WINDOW)

enum
{
  FINISHED,
  OPEN_RESULT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_row (TaImportDialog *self,
            Row             row)
{
  g_autofree char *text = NULL;

  if (row == ROW_INPUTS)
    {
      guint n = self->inputs ? g_strv_length (self->inputs) : 0;

      if (n == 0)
        text = g_strdup (_("No packet files chosen"));
      else if (n == 1)
        text = g_path_get_basename (self->inputs[0]);
      else
        {
          g_autofree char *first = g_path_get_basename (self->inputs[0]);

          text = g_strdup_printf (ngettext ("%s and %u more file", "%s and %u more files", n - 1),
                                  first, n - 1);
        }
    }
  else if (self->paths[row] != NULL)
    text = g_path_get_basename (self->paths[row]);
  else if (row == ROW_IP_MAP)
    text = g_strdup (_("New (written next to the output)"));
  else if (row == ROW_OUTPUT)
    text = g_strdup (_("Not chosen"));
  else
    text = g_strdup (_("None"));
  gtk_label_set_text (self->row_labels[row], text);
  if (self->clear_buttons[row] != NULL)
    gtk_widget_set_visible (self->clear_buttons[row], self->paths[row] != NULL);
}

static void
update_sensitivity (TaImportDialog *self)
{
  gboolean ready = self->inputs != NULL && self->inputs[0] != NULL && self->paths[ROW_OUTPUT] != NULL;

  gtk_widget_set_sensitive (self->import_button, ready && !self->running);
  gtk_widget_set_sensitive (self->cancel_button, self->running);
  gtk_widget_set_visible (self->open_button, self->result != NULL && !self->running);
  for (guint r = 0; r < N_ROWS; r++)
    {
      gtk_widget_set_sensitive (self->row_buttons[r], !self->running);
      if (self->clear_buttons[r] != NULL)
        gtk_widget_set_sensitive (self->clear_buttons[r], !self->running);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->grouped_check), !self->running);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     TaImportDialog  *self)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      if (self->chooser_row == ROW_INPUTS)
        {
          g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
          g_autoptr(GPtrArray) paths = g_ptr_array_new ();
          guint n = g_list_model_get_n_items (files);

          for (guint i = 0; i < n; i++)
            {
              g_autoptr(GFile) file = g_list_model_get_item (files, i);
              char *path = g_file_get_path (file);

              if (path != NULL)
                g_ptr_array_add (paths, path);
            }
          g_ptr_array_add (paths, NULL);
          g_strfreev (self->inputs);
          self->inputs = (char **) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
        }
      else
        {
          g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);

          g_free (self->paths[self->chooser_row]);
          self->paths[self->chooser_row] = file ? g_file_get_path (file) : NULL;
        }
      update_row (self, self->chooser_row);
      update_sensitivity (self);
    }
  g_clear_object (&self->chooser);
}

static void
choose_cb (GtkButton      *button,
           TaImportDialog *self)
{
  Row row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "row"));
  static const char *titles[N_ROWS] = {
    N_("Packet Files"), N_("Ground Truth"), N_("Event-Type Mapping"), N_("IP Map"), N_("Save Attack CSV"),
  };
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_(titles[row]), GTK_WINDOW (self),
                                        row == ROW_OUTPUT ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                          : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        row == ROW_OUTPUT ? _("_Save") : _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  switch (row)
    {
    case ROW_INPUTS:
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
      gtk_file_filter_set_name (filter, _("Packet CSVs and captures"));
      gtk_file_filter_add_pattern (filter, "*.csv");
      gtk_file_filter_add_pattern (filter, "*.csv.gz");
      gtk_file_filter_add_pattern (filter, "*.pcap");
      gtk_file_filter_add_pattern (filter, "*.pcap.gz");
      gtk_file_filter_add_pattern (filter, "*.pcapng");
      gtk_file_filter_add_pattern (filter, "*.pcapng.gz");
      gtk_file_filter_add_pattern (filter, "*.cap");
      break;
    case ROW_GROUND_TRUTH:
      gtk_file_filter_set_name (filter, _("Ground-truth CSV"));
      gtk_file_filter_add_pattern (filter, "*.csv");
      gtk_file_filter_add_pattern (filter, "*.csv.gz");
      break;
    case ROW_EVENT_MAPPING:
    case ROW_IP_MAP:
      gtk_file_filter_set_name (filter, _("JSON mapping"));
      gtk_file_filter_add_pattern (filter, "*.json");
      break;
    case ROW_OUTPUT:
    default:
      gtk_file_filter_set_name (filter, _("Attack CSV"));
      gtk_file_filter_add_pattern (filter, "*.csv");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), "imported_attacks.csv");
      break;
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (native);
  self->chooser_row = row;
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
clear_cb (GtkButton      *button,
          TaImportDialog *self)
{
  Row row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "row"));

  g_clear_pointer (&self->paths[row], g_free);
  update_row (self, row);
}

/* The job's message is the input being read (NULL once all are) */
static void
progress_cb (TaJob          *job,
             GParamSpec     *pspec,
             TaImportDialog *self)
{
  const char *file = ta_job_get_message (job);
  g_autofree char *base = file ? g_path_get_basename (file) : NULL;
  g_autofree char *text = NULL;
  unsigned long long packets = ta_job_get_items_done (job);
  guint n_files = g_strv_length (self->inputs);
  guint index = 0;

  if (!self->running)
    return;
  gtk_progress_bar_set_fraction (self->progress, CLAMP (ta_job_get_fraction (job), 0.0, 1.0));
  while (index + 1 < n_files && g_strcmp0 (self->inputs[index], file) != 0)
    index++;
  if (base != NULL)
    text = g_strdup_printf (_("%s (%u of %u) · %llu packets"), base, index + 1, n_files, packets);
  else
    text = g_strdup_printf (_("Writing · %llu packets"), packets);
  gtk_progress_bar_set_text (self->progress, text);
}

/* The packet files become the streaming data of the selection sidebar */
static void
remember_data_paths (TaImportDialog *self)
{
  if (self->settings != NULL)
    g_settings_set_strv (self->settings, "data-paths", (const char *const *) self->inputs);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(TaImportDialog) self = user_data;
  g_autoptr(GString) summary = g_string_new (NULL);

  self->running = FALSE;
  g_clear_error (&self->error);
  g_clear_pointer (&self->result, ta_attacks_result_free);
  if (ta_job_run_finish (TA_JOB (source), res, &self->error))
    self->result = ta_attacks_job_steal_result (TA_ATTACKS_JOB (source));
  g_signal_handlers_disconnect_by_func (source, progress_cb, self);
  g_clear_object (&self->job);

  if (self->result != NULL)
    {
      const TaAttacksResult *r = self->result;

      gtk_progress_bar_set_fraction (self->progress, 1.0);
      gtk_progress_bar_set_text (self->progress, _("Done"));
      g_string_append_printf (summary,
                              _("%llu packets from %u file(s) → %llu rows. Labelled: %llu, normal: %llu."),
                              (unsigned long long) r->packets, r->n_files_read,
                              (unsigned long long) r->rows,
                              (unsigned long long) (r->packets - r->normal),
                              (unsigned long long) r->normal);
      if (r->gt_events > 0)
        g_string_append_printf (summary, _("\nGround truth: %llu events matched %llu packets (%llu ambiguous)."),
                                (unsigned long long) r->gt_events, (unsigned long long) r->gt_matched,
                                (unsigned long long) r->ambiguous);
      if (r->malformed > 0)
        g_string_append_printf (summary, _("\n%llu malformed rows skipped."), (unsigned long long) r->malformed);
      for (guint i = 0; i < MIN (r->messages->len, 3); i++)
        g_string_append_printf (summary, "\n%s", (char *) r->messages->pdata[i]);
      remember_data_paths (self);
    }
  else if (g_error_matches (self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_progress_bar_set_fraction (self->progress, 0.0);
      gtk_progress_bar_set_text (self->progress, _("Cancelled"));
      g_string_append (summary, _("Cancelled; nothing was written."));
    }
  else
    {
      gtk_progress_bar_set_text (self->progress, _("Failed"));
      g_string_append (summary, self->error->message);
    }
  gtk_label_set_text (self->status, summary->str);
  update_sensitivity (self);
  g_signal_emit (self, signals[FINISHED], 0);
}

void
ta_import_dialog_start (TaImportDialog *self)
{
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  const char *out;

  g_return_if_fail (TA_IS_IMPORT_DIALOG (self));
  if (self->running || self->inputs == NULL || self->inputs[0] == NULL || self->paths[ROW_OUTPUT] == NULL)
    return;

  out = self->paths[ROW_OUTPUT];
  opts->inputs = g_strdupv (self->inputs);
  opts->out = g_strdup (out);
  opts->ip_map = self->paths[ROW_IP_MAP] ? g_strdup (self->paths[ROW_IP_MAP])
                                         : ta_attacks_companion_path (out, TA_ATTACKS_COMPANION_IP_MAP);
  opts->ground_truth = g_strdup (self->paths[ROW_GROUND_TRUTH]);
  opts->event_mapping = g_strdup (self->paths[ROW_EVENT_MAPPING]);
  if (gtk_check_button_get_active (self->grouped_check))
    {
      g_autofree char *dir = g_path_get_dirname (out);
      g_autofree char *base = g_path_get_basename (out);
      g_autofree char *name = NULL;

      if (g_str_has_suffix (base, "_attacks.csv"))
        base[strlen (base) - strlen ("_attacks.csv")] = 0;
      else if (g_str_has_suffix (base, ".csv"))
        base[strlen (base) - strlen (".csv")] = 0;
      name = g_strdup_printf ("%s_grouped_attacks.csv", base);
      opts->grouped_out = g_build_filename (dir, name, NULL);
    }
  /* the save chooser asked before replacing the output */
  opts->force = TRUE;

  self->running = TRUE;
  g_clear_pointer (&self->result, ta_attacks_result_free);
  g_clear_error (&self->error);
  self->job = ta_attacks_job_new (opts);
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_progress_bar_set_text (self->progress, _("Starting…"));
  gtk_label_set_text (self->status, "");
  update_sensitivity (self);
  g_signal_connect (self->job, "notify::fraction", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->job, "notify::items-done", G_CALLBACK (progress_cb), self);
  ta_job_run_async (TA_JOB (self->job), run_done_cb, g_object_ref (self));
}

static void
import_cb (GtkButton      *button,
           TaImportDialog *self)
{
  ta_import_dialog_start (self);
}

static void
cancel_cb (GtkButton      *button,
           TaImportDialog *self)
{
  if (self->job != NULL)
    ta_job_cancel (TA_JOB (self->job));
}

static void
open_cb (GtkButton      *button,
         TaImportDialog *self)
{
  const TaAttacksResult *r = self->result;

  if (r == NULL)
    return;
  g_signal_emit (self, signals[OPEN_RESULT], 0, r->out, r->grouped_out, r->ip_map_out,
                 r->event_mapping_out, r->group_mapping_out);
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_request_cb (GtkWindow *window)
{
  TaImportDialog *self = TA_IMPORT_DIALOG (window);

  /* closing while running cancels; the job finishes in the background */
  if (self->job != NULL)
    ta_job_cancel (TA_JOB (self->job));
  return FALSE;
}

static void
ta_import_dialog_dispose (GObject *object)
{
  TaImportDialog *self = TA_IMPORT_DIALOG (object);

  if (self->job != NULL)
    ta_job_cancel (TA_JOB (self->job));
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TA_TYPE_IMPORT_DIALOG);
  G_OBJECT_CLASS (ta_import_dialog_parent_class)->dispose (object);
}

static void
ta_import_dialog_finalize (GObject *object)
{
  TaImportDialog *self = TA_IMPORT_DIALOG (object);

  g_strfreev (self->inputs);
  for (guint r = 0; r < N_ROWS; r++)
    g_free (self->paths[r]);
  g_clear_object (&self->job);
  g_clear_pointer (&self->result, ta_attacks_result_free);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (ta_import_dialog_parent_class)->finalize (object);
}

static void
ta_import_dialog_class_init (TaImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ta_import_dialog_dispose;
  object_class->finalize = ta_import_dialog_finalize;
  window_class->close_request = close_request_cb;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[OPEN_RESULT] = g_signal_new ("open-result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                                       G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                       G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/ui/ta-import-dialog.ui");
  for (guint r = 0; r < N_ROWS; r++)
    {
      g_autofree char *label = g_strconcat (row_ids[r], "_label", NULL);
      g_autofree char *button = g_strconcat (row_ids[r], "_button", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, label, FALSE,
                                                 G_STRUCT_OFFSET (TaImportDialog, row_labels[r]));
      gtk_widget_class_bind_template_child_full (widget_class, button, FALSE,
                                                 G_STRUCT_OFFSET (TaImportDialog, row_buttons[r]));
      if (r == ROW_GROUND_TRUTH || r == ROW_EVENT_MAPPING || r == ROW_IP_MAP)
        {
          g_autofree char *clear = g_strconcat (row_ids[r], "_clear_button", NULL);

          gtk_widget_class_bind_template_child_full (widget_class, clear, FALSE,
                                                     G_STRUCT_OFFSET (TaImportDialog, clear_buttons[r]));
        }
    }
  gtk_widget_class_bind_template_child (widget_class, TaImportDialog, grouped_check);
  gtk_widget_class_bind_template_child (widget_class, TaImportDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, TaImportDialog, status);
  gtk_widget_class_bind_template_child (widget_class, TaImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, TaImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TaImportDialog, open_button);
  gtk_widget_class_bind_template_callback (widget_class, choose_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_cb);
}

static void
ta_import_dialog_init (TaImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* the choose and clear buttons share a handler: the row is on the button */
  for (guint r = 0; r < N_ROWS; r++)
    {
      g_object_set_data (G_OBJECT (self->row_buttons[r]), "row", GUINT_TO_POINTER (r));
      if (self->clear_buttons[r] != NULL)
        g_object_set_data (G_OBJECT (self->clear_buttons[r]), "row", GUINT_TO_POINTER (r));
      update_row (self, r);
    }
  update_sensitivity (self);
}

TaImportDialog *
ta_import_dialog_new (GtkWindow *parent)
{
  TaImportDialog *self = g_object_new (TA_TYPE_IMPORT_DIALOG, NULL);

  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
    }
  return self;
}

void
ta_import_dialog_set_inputs (TaImportDialog    *self,
                             const char *const *paths)
{
  g_return_if_fail (TA_IS_IMPORT_DIALOG (self));
  g_strfreev (self->inputs);
  self->inputs = g_strdupv ((char **) paths);
  update_row (self, ROW_INPUTS);
  update_sensitivity (self);
}

static void
set_path (TaImportDialog *self,
          Row             row,
          const char     *path)
{
  g_return_if_fail (TA_IS_IMPORT_DIALOG (self));
  g_free (self->paths[row]);
  self->paths[row] = g_strdup (path);
  update_row (self, row);
  update_sensitivity (self);
}

void
ta_import_dialog_set_ground_truth (TaImportDialog *self,
                                   const char     *path)
{
  set_path (self, ROW_GROUND_TRUTH, path);
}

void
ta_import_dialog_set_event_mapping (TaImportDialog *self,
                                    const char     *path)
{
  set_path (self, ROW_EVENT_MAPPING, path);
}

void
ta_import_dialog_set_ip_map (TaImportDialog *self,
                             const char     *path)
{
  set_path (self, ROW_IP_MAP, path);
}

void
ta_import_dialog_set_output (TaImportDialog *self,
                             const char     *path)
{
  set_path (self, ROW_OUTPUT, path);
}

gboolean
ta_import_dialog_is_running (TaImportDialog *self)
{
  return self->running;
}

const TaAttacksResult *
ta_import_dialog_get_result (TaImportDialog *self)
{
  return self->result;
}

const GError *
ta_import_dialog_get_error (TaImportDialog *self)
{
  return self->error;
}

const char *
ta_import_dialog_get_ground_truth (TaImportDialog *self)
{
  g_return_val_if_fail (TA_IS_IMPORT_DIALOG (self), NULL);
  return self->paths[ROW_GROUND_TRUTH];
}

void
ta_import_dialog_set_settings (TaImportDialog *self,
                               GSettings      *settings)
{
  g_return_if_fail (TA_IS_IMPORT_DIALOG (self));
  g_set_object (&self->settings, settings);
}
