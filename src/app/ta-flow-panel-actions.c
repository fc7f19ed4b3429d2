/* ta-flow-panel-actions.c — the flow panel's actions: open, cancel, export,
 * and dropping a folder on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-export.h"
#include "ta-flow-panel-private.h"

/* ------------------------------------------------------------------ */
/* actions: open, cancel, export                                       */

static GtkWindow *
parent_window (TaFlowPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               TaFlowPanel     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        ta_flow_panel_open (self, file);
    }
  g_object_unref (dialog);
}

static void
action_open (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TaFlowPanel *self = TA_FLOW_PANEL (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Open Subset Folder"), parent_window (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Opens the folder again after it changed on disk */
static void
action_reload (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TaFlowPanel *self = TA_FLOW_PANEL (widget);

  if (self->folder != NULL)
    ta_flow_panel_open (self, ta_subset_folder_get_file (self->folder));
}

static void
action_cancel (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TaFlowPanel *self = TA_FLOW_PANEL (widget);

  if (self->load_job != NULL)
    ta_job_cancel (TA_JOB (self->load_job));
}

typedef enum
{
  EXPORT_DIAGRAM,
  EXPORT_TIMELINE,
  EXPORT_FLOWS,
} ExportKind;

static void
export_draw_diagram (cairo_t  *cr,
                     double    width,
                     double    height,
                     gpointer  user_data)
{
  TaFlowPanel *self = user_data;

  ta_ip_bars_renderer_draw (ta_ip_bars_get_renderer (self->ip_bars), cr, width, height);
}

static void
export_draw_timeline (cairo_t  *cr,
                      double    width,
                      double    height,
                      gpointer  user_data)
{
  TaFlowPanel *self = user_data;

  ta_flow_timeline_draw (self->timeline, cr, width, height);
}

static gboolean
export_drawing (TaFlowPanel  *self,
                ExportKind    kind,
                const char   *format_name,
                const char   *path,
                GError      **error)
{
  GtkWidget *source = kind == EXPORT_DIAGRAM ? GTK_WIDGET (self->ip_bars) : GTK_WIDGET (self->timeline);
  double w = MAX (gtk_widget_get_width (source), 400), h = MAX (gtk_widget_get_height (source), 200);
  TaExportFormat format = TA_EXPORT_PNG;
  gboolean ok;

  ta_export_format_from_suffix (format_name, &format);
  ok = ta_export_write (path, format, w, h,
                        kind == EXPORT_DIAGRAM ? export_draw_diagram : export_draw_timeline,
                        self, error);
  /* the renderers keep the geometry of their last draw for hit-testing:
   * draw again at the widget's own size */
  gtk_widget_queue_draw (source);
  return ok;
}

static gboolean
export_flows (TaFlowPanel  *self,
              GFile        *file,
              GError      **error)
{
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  GListModel *model = G_LIST_MODEL (self->flow_sort_model);
  guint n = g_list_model_get_n_items (model);
  g_autofree guint *indices = g_new (guint, MAX (n, 1));

  if (out == NULL)
    return FALSE;
  /* what the list shows, in its order */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaIndexItem) item = g_list_model_get_item (model, i);

      indices[i] = item->index;
    }
  return ta_flows_write_csv (self->folder, indices, n, G_OUTPUT_STREAM (out), NULL, error)
         && g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 TaFlowPanel     *self)
{
  ExportKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "kind"));
  const char *format = g_object_get_data (G_OBJECT (dialog), "format");
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->folder != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      gboolean ok;

      if (kind == EXPORT_FLOWS)
        ok = file != NULL && export_flows (self, file, &error);
      else if (path == NULL)
        {
          ok = FALSE;
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Choose a local file"));
        }
      else
        ok = export_drawing (self, kind, format, path, &error);
      gtk_label_set_text (self->flow_count_label,
                          ok ? _("Exported") : error ? error->message : _("Export failed"));
    }
  g_object_unref (dialog);
}

static void
start_export (TaFlowPanel *self,
              ExportKind   kind,
              const char  *format)
{
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->folder == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Export"), parent_window (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  name = kind == EXPORT_FLOWS ? g_strdup ("flows.csv")
         : g_strdup_printf ("%s.%s", kind == EXPORT_DIAGRAM ? "ip-bars" : "flow-timeline", format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data (G_OBJECT (dialog), "kind", GUINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (dialog), "format", g_strdup (format), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_export_diagram (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  start_export (TA_FLOW_PANEL (widget), EXPORT_DIAGRAM, g_variant_get_string (parameter, NULL));
}

static void
action_export_timeline (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  start_export (TA_FLOW_PANEL (widget), EXPORT_TIMELINE, g_variant_get_string (parameter, NULL));
}

static void
action_export_flows (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  start_export (TA_FLOW_PANEL (widget), EXPORT_FLOWS, "csv");
}

/* ------------------------------------------------------------------ */
/* drag and drop                                                       */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TaFlowPanel   *self)
{
  GdkFileList *list;
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  files = gdk_file_list_get_files (list);
  if (files == NULL)
    return FALSE;
  ta_flow_panel_open (self, files->data);
  g_slist_free (files);
  return TRUE;
}

/* ------------------------------------------------------------------ */

void
ta_flow_panel_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "flowpanel.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "flowpanel.cancel", NULL, action_cancel);
  gtk_widget_class_install_action (widget_class, "flowpanel.reload", NULL, action_reload);
  gtk_widget_class_install_action (widget_class, "flowpanel.export-diagram", "s", action_export_diagram);
  gtk_widget_class_install_action (widget_class, "flowpanel.export-timeline", "s", action_export_timeline);
  gtk_widget_class_install_action (widget_class, "flowpanel.export-flows", NULL, action_export_flows);
}

void
ta_flow_panel_init_drop (TaFlowPanel *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
