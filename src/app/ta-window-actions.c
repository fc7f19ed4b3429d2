/* ta-window-actions.c — the main window's actions (win.*), file choosers,
 * keyboard accelerators and remembered settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-window-private.h"

typedef enum
{
  CHOOSE_ATTACKS,
  CHOOSE_FOLDER,
  CHOOSE_IP_MAP,
  CHOOSE_MAPPING,
  CHOOSE_GROUND_TRUTH,
  CHOOSE_EXPORT,
} ChooseKind;

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     TaWindow        *self)
{
  ChooseKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind"));
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
      g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      switch (kind)
        {
        case CHOOSE_ATTACKS:
          {
            g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);

            for (guint i = 0; i < g_list_model_get_n_items (files); i++)
              g_ptr_array_add (list, g_list_model_get_item (files, i));
            if (list->len > 0)
              ta_window_open_attack_files (self, (GFile **) list->pdata, list->len, NULL);
          }
          break;

        case CHOOSE_FOLDER:
          if (file)
            ta_window_open_folder (self, file);
          break;

        case CHOOSE_IP_MAP:
          ta_window_set_ip_map_path (self, path);
          break;

        case CHOOSE_MAPPING:
          ta_window_set_mapping_path (self, path);
          break;

        case CHOOSE_GROUND_TRUTH:
          ta_window_set_ground_truth_path (self, path);
          break;

        case CHOOSE_EXPORT:
          {
            g_autoptr(GError) error = NULL;

            if (path && !ta_timearcs_view_export (self->view, path, &error))
              ta_window_show_message (self, error->message);
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *pattern,
            const char     *pattern2)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  if (pattern2)
    gtk_file_filter_add_pattern (filter, pattern2);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
choose (TaWindow   *self,
        ChooseKind  kind)
{
  GtkFileChooserAction action = GTK_FILE_CHOOSER_ACTION_OPEN;
  const char *title = _("Open Attack Files");
  const char *accept = _("_Open");
  GtkFileChooserNative *native;

  switch (kind)
    {
    case CHOOSE_FOLDER:
      action = GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;
      title = _("Open Subset Folder");
      break;
    case CHOOSE_IP_MAP:
      title = _("Choose IP Map");
      accept = _("_Choose");
      break;
    case CHOOSE_MAPPING:
      title = _("Choose Event-Type Mapping");
      accept = _("_Choose");
      break;
    case CHOOSE_GROUND_TRUTH:
      title = _("Load Ground Truth");
      accept = _("_Load");
      break;
    case CHOOSE_EXPORT:
      action = GTK_FILE_CHOOSER_ACTION_SAVE;
      title = _("Export View");
      accept = _("_Export");
      break;
    case CHOOSE_ATTACKS:
    default:
      break;
    }

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, _("_Cancel"));
  g_object_set_data (G_OBJECT (native), "kind", GINT_TO_POINTER (kind));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  switch (kind)
    {
    case CHOOSE_ATTACKS:
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
      add_filter (GTK_FILE_CHOOSER (native), _("Attack CSV files"), "*.csv", "*.CSV");
      break;
    case CHOOSE_IP_MAP:
    case CHOOSE_MAPPING:
      add_filter (GTK_FILE_CHOOSER (native), _("JSON files"), "*.json", NULL);
      break;
    case CHOOSE_GROUND_TRUTH:
      add_filter (GTK_FILE_CHOOSER (native), _("CSV files"), "*.csv", "*.CSV");
      break;
    case CHOOSE_EXPORT:
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), "timearcs.png");
      add_filter (GTK_FILE_CHOOSER (native), _("PNG, SVG or PDF"), "*.png", "*.svg");
      break;
    case CHOOSE_FOLDER:
    default:
      break;
    }
  g_signal_connect (native, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_action (GSimpleAction *a, GVariant *p, gpointer self) { choose (self, CHOOSE_ATTACKS); }
static void
open_folder_action (GSimpleAction *a, GVariant *p, gpointer self) { choose (self, CHOOSE_FOLDER); }
static void
choose_ip_map_action (GSimpleAction *a, GVariant *p, gpointer self) { choose (self, CHOOSE_IP_MAP); }
static void
choose_mapping_action (GSimpleAction *a, GVariant *p, gpointer self) { choose (self, CHOOSE_MAPPING); }
static void
choose_gt_action (GSimpleAction *a, GVariant *p, gpointer self) { choose (self, CHOOSE_GROUND_TRUTH); }
static void
export_action (GSimpleAction *a, GVariant *p, gpointer self) { choose (self, CHOOSE_EXPORT); }

static void
open_recent_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  TaWindow *self = user_data;
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  ta_window_open_attack_files (self, &file, 1, NULL);
}

static void
reset_zoom_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_timearcs_view_reset_zoom (TA_WINDOW (self)->view);
}

static void
zoom_in_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_timearcs_view_zoom (TA_WINDOW (self)->view, 1 / 1.5);
}

static void
zoom_out_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_timearcs_view_zoom (TA_WINDOW (self)->view, 1.5);
}

static void
clear_selection_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_timearcs_view_clear_selection (TA_WINDOW (self)->view);
}

static void
toggle_label_mode_action (GSimpleAction *a, GVariant *p, gpointer user_data)
{
  TaWindow *self = user_data;

  g_action_group_change_action_state (G_ACTION_GROUP (self), "label-mode",
                                      g_variant_new_string (ta_timearcs_view_get_label_mode (self->view)
                                                            == TA_LABEL_MODE_TYPE ? "group" : "type"));
}

static void
change_label_mode (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  TaWindow *self = user_data;
  const char *mode = g_variant_get_string (value, NULL);

  g_simple_action_set_state (action, value);
  ta_timearcs_view_set_label_mode (self->view, g_str_equal (mode, "group") ? TA_LABEL_MODE_GROUP
                                                                         : TA_LABEL_MODE_TYPE);
  if (self->settings)
    g_settings_set_string (self->settings, "label-mode", mode);
}

static void
change_lens (GSimpleAction *action,
             GVariant      *value,
             gpointer       user_data)
{
  TaWindow *self = user_data;

  g_simple_action_set_state (action, value);
  ta_timearcs_view_set_lens (self->view, g_variant_get_boolean (value));
}

static void
change_ground_truth (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data)
{
  TaWindow *self = user_data;

  g_simple_action_set_state (action, value);
  ta_timearcs_view_set_show_ground_truth (self->view, g_variant_get_boolean (value));
}

static void
open_result_cb (TaImportDialog *dialog,
                const char     *attacks,
                const char     *grouped,
                const char     *ip_map,
                const char     *event_mapping,
                const char     *group_mapping,
                TaWindow       *self)
{
  const char *ground_truth = ta_import_dialog_get_ground_truth (dialog);
  g_autoptr(GFile) file = g_file_new_for_path (grouped != NULL ? grouped : attacks);
  GFile *files[] = { file };

  /* the import's own files, for this result only; the group mapping is
   * found next to it (attack_group_mapping_PREFIX.json); errors are shown
   * in the window */
  ta_window_open_attack_files_with (self, files, 1, ip_map, event_mapping, ground_truth, NULL);
}

TaImportDialog *
ta_window_import_packets (TaWindow          *self,
                          const char *const *inputs)
{
  TaImportDialog *dialog = ta_import_dialog_new (GTK_WINDOW (self));

  ta_import_dialog_set_settings (dialog, self->settings);
  g_signal_connect_object (dialog, "open-result", G_CALLBACK (open_result_cb), self, 0);
  if (inputs != NULL && inputs[0] != NULL)
    ta_import_dialog_set_inputs (dialog, inputs);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
import_packets_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_window_import_packets (self, NULL);
}

static void
open_demo_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_window_open_demo (self);
}

static void
cancel_demo_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  ta_window_cancel_demo (self);
}

static void
none_action (GSimpleAction *a, GVariant *p, gpointer self)
{
}

static const GActionEntry win_entries[] = {
  { "open", open_action },
  { "open-folder", open_folder_action },
  { "open-recent", open_recent_action, "s" },
  { "choose-ip-map", choose_ip_map_action },
  { "choose-mapping", choose_mapping_action },
  { "choose-ground-truth", choose_gt_action },
  { "export", export_action },
  { "import-packets", import_packets_action },
  { "open-demo", open_demo_action },
  { "cancel-demo", cancel_demo_action },
  { "reset-zoom", reset_zoom_action },
  { "zoom-in", zoom_in_action },
  { "zoom-out", zoom_out_action },
  { "clear-selection", clear_selection_action },
  { "toggle-label-mode", toggle_label_mode_action },
  { "label-mode", NULL, "s", "'type'", change_label_mode },
  { "lens", NULL, NULL, "false", change_lens },
  { "ground-truth", NULL, NULL, "true", change_ground_truth },
  { "none", none_action },
};

void
ta_window_add_actions (TaWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
}

/* actions that need something open follow the view's model */
void
ta_window_update_actions (TaWindow *self)
{
  gboolean have = ta_timearcs_view_get_model (self->view) != NULL;
  const char *needs_model[] = { "export", "reset-zoom", "zoom-in", "zoom-out", "clear-selection",
                                "choose-ip-map", "choose-mapping", "choose-ground-truth",
                                "label-mode", "toggle-label-mode", "lens", "ground-truth" };
  GAction *none = g_action_map_lookup_action (G_ACTION_MAP (self), "none");

  for (guint i = 0; i < G_N_ELEMENTS (needs_model); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), needs_model[i])), have);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (none), FALSE);
}

/* Reads what the window remembers from its settings (none: defaults) */
void
ta_window_apply_settings (TaWindow *self)
{
  g_autofree char *mode = NULL;

  if (self->settings == NULL)
    return;
  mode = g_settings_get_string (self->settings, "label-mode");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_settings_bind (self->settings, "lens-magnification", self->magnification_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "label-mode",
                                      g_variant_new_string (g_str_equal (mode, "group") ? "group" : "type"));
}

void
ta_window_set_accels (GtkApplication *app)
{
  gtk_application_set_accels_for_action (app, "win.open", (const char *[]) { "<Primary>o", NULL });
  gtk_application_set_accels_for_action (app, "win.open-folder", (const char *[]) { "<Primary><Shift>o", NULL });
  gtk_application_set_accels_for_action (app, "win.export", (const char *[]) { "<Primary>e", NULL });
  gtk_application_set_accels_for_action (app, "win.lens", (const char *[]) { "<Shift>l", "<Shift>L", NULL });
  gtk_application_set_accels_for_action (app, "win.reset-zoom", (const char *[]) { "<Primary>0", "Home", NULL });
  gtk_application_set_accels_for_action (app, "win.zoom-in", (const char *[]) { "<Primary>plus", "<Primary>equal", NULL });
  gtk_application_set_accels_for_action (app, "win.zoom-out", (const char *[]) { "<Primary>minus", NULL });
  gtk_application_set_accels_for_action (app, "win.clear-selection", (const char *[]) { "Escape", NULL });
  gtk_application_set_accels_for_action (app, "win.toggle-label-mode", (const char *[]) { "<Primary>g", NULL });
}
