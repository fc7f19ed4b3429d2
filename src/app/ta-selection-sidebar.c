/* ta-selection-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-format.h"
#include "ta-ip-map.h"
#include "ta-selection-sidebar.h"

struct _TaSelectionSidebar
{
  GtkBox              parent_instance;

  TaSelection        *selection;
  char              **attack_files;
  GSettings          *settings;     /* NULL without the schema */
  char              **data_paths;
  char               *ip_map;
  char               *fallback_ip_map;  /* the attack files' IP map */
  char               *output_dir;

  TaExtractSpec      *spec;
  char               *problem;
  TaDebugSelection   *debug;        /* $TA_DEBUG_SELECTION, applied once */

  /* template */
  GtkLabel           *empty_label;
  GtkGrid            *details_grid;
  GtkLabel           *time_label;
  GtkLabel           *minutes_label;
  GtkLabel           *attack_label;
  GtkLabel           *packets_label;
  GtkLabel           *ips_count_label;
  GtkScrolledWindow  *ip_scroller;
  GtkListBox         *ip_list;
  GtkButton          *clear_button;
  GtkLabel           *command_hint;
  GtkFrame           *command_frame;
  GtkTextView        *command_view;
  GtkButton          *copy_button;
  GtkButton          *extract_button;
  GtkLabel           *notes_label;
  TaExtractionRunner *runner;
  GtkListBox         *data_list;
  GtkButton          *add_files_button;
  GtkButton          *add_folder_button;
  GtkLabel           *ip_map_label;
  GtkButton          *ip_map_button;
  GtkLabel           *output_label;
  GtkButton          *output_button;
};

G_DEFINE_FINAL_TYPE (TaSelectionSidebar, ta_selection_sidebar, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_SELECTION,
  PROP_ATTACK_FILES,
  N_PROPS
};

enum {
  OPEN_FOLDER,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void rebuild_command (TaSelectionSidebar *self);

/* ---------------------------------------------------------------------- */
/* settings                                                                */

/* ~/Documents/TimeArcs: the folder the Flatpak may write without asking */
static char *
default_output_dir (void)
{
  const char *docs = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (docs != NULL)
    return g_build_filename (docs, "TimeArcs", NULL);
  return g_build_filename (g_get_home_dir (), "Documents", "TimeArcs", NULL);
}

static void
load_settings (TaSelectionSidebar *self)
{
  if (self->settings == NULL)
    return;

  g_strfreev (self->data_paths);
  self->data_paths = g_settings_get_strv (self->settings, "data-paths");
  g_free (self->ip_map);
  self->ip_map = g_settings_get_string (self->settings, "ip-map");
  g_free (self->output_dir);
  self->output_dir = g_settings_get_string (self->settings, "output-dir");
  if (self->output_dir[0] == '\0')
    {
      g_free (self->output_dir);
      self->output_dir = default_output_dir ();
    }
}

static void
remove_data_path_cb (GtkButton          *button,
                     TaSelectionSidebar *self)
{
  const char *path = g_object_get_data (G_OBJECT (button), "path");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;

  for (guint i = 0; self->data_paths != NULL && self->data_paths[i] != NULL; i++)
    if (g_strcmp0 (self->data_paths[i], path) != 0)
      g_strv_builder_add (builder, self->data_paths[i]);
  paths = g_strv_builder_end (builder);
  ta_selection_sidebar_set_data_paths (self, (const char * const *) paths);
}

static void
update_settings_ui (TaSelectionSidebar *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->data_list))) != NULL)
    gtk_list_box_remove (self->data_list, child);

  for (guint i = 0; self->data_paths != NULL && self->data_paths[i] != NULL; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (self->data_paths[i]);
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_tooltip_text (label, self->data_paths[i]);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      g_object_set_data_full (G_OBJECT (remove), "path", g_strdup (self->data_paths[i]), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_data_path_cb), self);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), remove);
      gtk_list_box_append (self->data_list, row);
    }
  if (self->data_paths == NULL || self->data_paths[0] == NULL)
    {
      GtkWidget *label = gtk_label_new (_("None yet: add the packet CSVs or captures the attack files were made from, or their folder"));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_append (self->data_list, label);
    }

  if (self->ip_map != NULL && self->ip_map[0] != '\0')
    {
      gtk_label_set_label (self->ip_map_label, self->ip_map);
    }
  else if (self->fallback_ip_map != NULL)
    {
      g_autofree char *base = g_path_get_basename (self->fallback_ip_map);
      g_autofree char *text = g_strdup_printf (_("%s (the attack files’ map)"), base);
      gtk_label_set_label (self->ip_map_label, text);
    }
  else
    {
      gtk_label_set_label (self->ip_map_label, _("None"));
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->ip_map_label),
                               gtk_label_get_label (self->ip_map_label));
  gtk_label_set_label (self->output_label, self->output_dir != NULL ? self->output_dir : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->output_label), self->output_dir);
}

void
ta_selection_sidebar_set_data_paths (TaSelectionSidebar *self,
                                     const char * const *paths)
{
  g_return_if_fail (TA_IS_SELECTION_SIDEBAR (self));

  g_strfreev (self->data_paths);
  self->data_paths = g_strdupv ((char **) paths);
  if (self->data_paths == NULL)
    self->data_paths = g_new0 (char *, 1);
  if (self->settings != NULL)
    g_settings_set_strv (self->settings, "data-paths", (const char * const *) self->data_paths);
  update_settings_ui (self);
  rebuild_command (self);
}

void
ta_selection_sidebar_set_ip_map (TaSelectionSidebar *self,
                                 const char         *path)
{
  g_return_if_fail (TA_IS_SELECTION_SIDEBAR (self));

  g_free (self->ip_map);
  self->ip_map = g_strdup (path != NULL ? path : "");
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "ip-map", self->ip_map);
  update_settings_ui (self);
  rebuild_command (self);
}

void
ta_selection_sidebar_set_output_dir (TaSelectionSidebar *self,
                                     const char         *path)
{
  g_return_if_fail (TA_IS_SELECTION_SIDEBAR (self));

  g_free (self->output_dir);
  self->output_dir = path != NULL && path[0] != '\0' ? g_strdup (path) : default_output_dir ();
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "output-dir", path != NULL ? path : "");
  update_settings_ui (self);
  rebuild_command (self);
}

/* ---------------------------------------------------------------------- */
/* file choosers (GtkFileChooserNative: GTK 4.8)                            */

typedef enum { CHOOSE_FILES, CHOOSE_FOLDER, CHOOSE_IP_MAP, CHOOSE_OUTPUT } ChooseWhat;

static void
chooser_response_cb (GtkNativeDialog    *dialog,
                     int                 response,
                     TaSelectionSidebar *self)
{
  ChooseWhat what = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "what"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) paths = NULL;

      if (what == CHOOSE_FILES || what == CHOOSE_FOLDER)
        for (guint i = 0; self->data_paths != NULL && self->data_paths[i] != NULL; i++)
          g_strv_builder_add (builder, self->data_paths[i]);
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            g_strv_builder_add (builder, path);
        }
      paths = g_strv_builder_end (builder);

      switch (what)
        {
        case CHOOSE_FILES:
        case CHOOSE_FOLDER:
          ta_selection_sidebar_set_data_paths (self, (const char * const *) paths);
          break;
        case CHOOSE_IP_MAP:
          if (paths[0] != NULL)
            ta_selection_sidebar_set_ip_map (self, paths[0]);
          break;
        case CHOOSE_OUTPUT:
          if (paths[0] != NULL)
            ta_selection_sidebar_set_output_dir (self, paths[0]);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose (TaSelectionSidebar *self,
        ChooseWhat          what)
{
  static const char *titles[] = {
    N_("Add Packet Data Files"), N_("Add a Folder of Packet Data"),
    N_("Choose the IP Map"), N_("Choose Where Subsets Go"),
  };
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  gboolean folder = what == CHOOSE_FOLDER || what == CHOOSE_OUTPUT;

  native = gtk_file_chooser_native_new (_(titles[what]),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                               : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), what == CHOOSE_FILES);
  if (what == CHOOSE_IP_MAP)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("JSON files"));
      gtk_file_filter_add_suffix (filter, "json");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  g_object_set_data (G_OBJECT (native), "what", GINT_TO_POINTER (what));
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void add_files_cb  (TaSelectionSidebar *self) { choose (self, CHOOSE_FILES); }
static void add_folder_cb (TaSelectionSidebar *self) { choose (self, CHOOSE_FOLDER); }
static void ip_map_cb     (TaSelectionSidebar *self) { choose (self, CHOOSE_IP_MAP); }
static void output_cb     (TaSelectionSidebar *self) { choose (self, CHOOSE_OUTPUT); }

/* ---------------------------------------------------------------------- */
/* selection → labels, spec, command                                        */

static void
set_command_text (TaSelectionSidebar *self,
                  const char         *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->command_view);
  GtkTextIter start, end;

  gtk_text_buffer_set_text (buffer, text, -1);
  /* wrapped paths must not show hyphens that are not in the command */
  if (gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "no-hyphens") == NULL)
    gtk_text_buffer_create_tag (buffer, "no-hyphens", "insert-hyphens", FALSE, NULL);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_apply_tag_by_name (buffer, "no-hyphens", &start, &end);
}

static void
rebuild_command (TaSelectionSidebar *self)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  TaSelectionInfo info = { 0 };
  TaExtractSettings settings = { 0 };
  guint n_ips = 0;

  g_clear_pointer (&self->spec, ta_extract_spec_free);
  g_clear_pointer (&self->problem, g_free);

  if (self->selection == NULL || ta_selection_get_empty (self->selection))
    {
      self->problem = g_strdup (_("Make a selection in the TimeArcs view to build the command."));
    }
  else
    {
      info.ip_ids = ta_selection_get_ip_ids (self->selection, &n_ips);
      info.n_ips = n_ips;
      info.ip_names = ta_selection_get_ip_names (self->selection);
      info.first_minute = ta_selection_get_time_start_minute (self->selection);
      info.last_minute = ta_selection_get_time_end_minute (self->selection);
      info.has_time_range = info.first_minute >= 0 && info.last_minute >= 0;
      info.attack_types = ta_selection_get_attack_types (self->selection);
      info.attack_files = (const char * const *) self->attack_files;

      settings.data_paths = (const char * const *) self->data_paths;
      settings.ip_map = self->ip_map != NULL && self->ip_map[0] != '\0'
                          ? self->ip_map : self->fallback_ip_map;
      settings.output_parent = self->output_dir;

      self->spec = ta_extract_spec_new_for_selection (&info, &settings,
                                                      ta_job_queue_get_reserved (ta_extraction_runner_get_queue (self->runner)),
                                                      notes, &error);
      if (self->spec != NULL)
        line = ta_extract_spec_build_shell_line (self->spec, "timearcs-cli", TRUE, &error);
      if (line == NULL)
        {
          g_clear_pointer (&self->spec, ta_extract_spec_free);
          self->problem = g_strdup (error->message);
        }
    }

  /* the command, or why there is none */
  set_command_text (self, line != NULL ? line : "");
  gtk_label_set_label (self->command_hint, self->problem != NULL ? self->problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->command_hint), line == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->command_frame), line != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), line != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->extract_button), self->spec != NULL);

  if (notes->len > 0)
    {
      g_ptr_array_add (notes, NULL);
      {
        g_autofree char *joined = g_strjoinv ("\n", (char **) notes->pdata);
        gtk_label_set_label (self->notes_label, joined);
      }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->notes_label), notes->len > 0);
}

static void
update_from_selection (TaSelectionSidebar *self)
{
  gboolean empty = self->selection == NULL || ta_selection_get_empty (self->selection);
  GtkWidget *child;

  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), empty);
  gtk_widget_set_visible (GTK_WIDGET (self->details_grid), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->ip_scroller), !empty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), !empty);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->ip_list))) != NULL)
    gtk_list_box_remove (self->ip_list, child);

  if (!empty)
    {
      gint64 first = ta_selection_get_time_start_minute (self->selection);
      gint64 last = ta_selection_get_time_end_minute (self->selection);
      const char * const *types = ta_selection_get_attack_types (self->selection);
      const char * const *names = ta_selection_get_ip_names (self->selection);
      guint n_ids = 0;
      const gint64 *ids = ta_selection_get_ip_ids (self->selection, &n_ids);
      g_autofree char *packets = NULL;
      g_autofree char *count = NULL;

      if (first >= 0 && last >= 0)
        {
          g_autofree char *a = ta_format_minute_as (first, "%Y-%m-%d %H:%M", "");
          g_autofree char *b = ta_format_minute_as (last + 1, "%H:%M", "");
          g_autofree char *t = g_strdup_printf (_("%s – %s"), a, b);
          g_autofree char *m = g_strdup_printf (ngettext ("%lld–%lld (%lld minute)",
                                                          "%lld–%lld (%lld minutes)",
                                                          (unsigned long) MIN (last - first + 1, 1000000)),
                                                (long long) first, (long long) last,
                                                (long long) (last - first + 1));
          gtk_label_set_label (self->time_label, t);
          gtk_label_set_label (self->minutes_label, m);
        }
      else
        {
          gtk_label_set_label (self->time_label, _("Any time"));
          gtk_label_set_label (self->minutes_label, "–");
        }

      if (types != NULL && types[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", (char **) types);
          gtk_label_set_label (self->attack_label, joined);
        }
      else
        gtk_label_set_label (self->attack_label, "–");

      packets = ta_format_count (ta_selection_get_packet_count (self->selection));
      gtk_label_set_label (self->packets_label, packets);
      count = g_strdup_printf ("%u", n_ids);
      gtk_label_set_label (self->ips_count_label, count);

      for (guint i = 0; i < n_ids; i++)
        {
          g_autofree char *text = g_strdup_printf ("%-15s  %" G_GINT64_FORMAT,
                                                   names != NULL && names[i] != NULL ? names[i] : "?",
                                                   ids[i]);
          GtkWidget *label = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_widget_add_css_class (label, "monospace");
          gtk_widget_set_margin_start (label, 6);
          gtk_widget_set_margin_end (label, 6);
          gtk_list_box_append (self->ip_list, label);
        }
    }

  rebuild_command (self);
}

static void
clear_clicked_cb (TaSelectionSidebar *self)
{
  if (self->selection != NULL)
    ta_selection_clear (self->selection);
}

static void
copy_clicked_cb (TaSelectionSidebar *self)
{
  g_autofree char *text = ta_selection_sidebar_get_command_text (self);

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
folder_ready_cb (TaExtractionRunner *runner,
                 const char         *path,
                 TaSelectionSidebar *self)
{
  g_signal_emit (self, signals[OPEN_FOLDER], 0, path);
}

guint
ta_selection_sidebar_extract (TaSelectionSidebar *self)
{
  guint id;

  g_return_val_if_fail (TA_IS_SELECTION_SIDEBAR (self), 0);

  if (self->spec == NULL)
    return 0;

  ta_extraction_runner_show_error (self->runner, NULL);
  id = ta_extraction_runner_add (self->runner, self->spec);
  /* the next command gets a fresh folder name: this one is reserved now */
  rebuild_command (self);
  return id;
}

static void
extract_clicked_cb (TaSelectionSidebar *self)
{
  ta_selection_sidebar_extract (self);
}

/* ---------------------------------------------------------------------- */

static void
ta_selection_sidebar_dispose (GObject *object)
{
  TaSelectionSidebar *self = (TaSelectionSidebar *) object;

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TA_TYPE_SELECTION_SIDEBAR);

  G_OBJECT_CLASS (ta_selection_sidebar_parent_class)->dispose (object);
}

static void
ta_selection_sidebar_finalize (GObject *object)
{
  TaSelectionSidebar *self = (TaSelectionSidebar *) object;

  g_strfreev (self->attack_files);
  g_strfreev (self->data_paths);
  g_free (self->ip_map);
  g_free (self->fallback_ip_map);
  g_free (self->output_dir);
  g_clear_pointer (&self->spec, ta_extract_spec_free);
  g_free (self->problem);
  if (self->debug != NULL)
    {
      ta_debug_selection_clear (self->debug);
      g_free (self->debug);
    }

  G_OBJECT_CLASS (ta_selection_sidebar_parent_class)->finalize (object);
}

/* $TA_DEBUG_SELECTION (see ta_debug_selection_parse()): a selection for
 * screenshots and debugging, names looked up in its IP map */
static void
apply_debug_selection_full (TaSelectionSidebar *self,
                            gboolean            last)
{
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  TaDebugSelection *d = self->debug;

  if (d == NULL || self->selection == NULL)
    return;

  if (self->ip_map != NULL && self->ip_map[0] != '\0')
    map = ta_ip_map_load (self->ip_map, NULL);
  else if (self->fallback_ip_map != NULL)
    map = ta_ip_map_load (self->fallback_ip_map, NULL);
  for (guint i = 0; i < d->ip_ids->len; i++)
    {
      gint64 id = g_array_index (d->ip_ids, gint64, i);
      const char *name = map != NULL ? ta_ip_map_lookup_id (map, id) : NULL;

      g_ptr_array_add (names, name != NULL ? g_strdup (name) : g_strdup_printf ("%lld", (long long) id));
    }
  g_ptr_array_add (names, NULL);

  ta_selection_set (self->selection,
                    (const gint64 *) d->ip_ids->data,
                    (const char * const *) names->pdata,
                    d->ip_ids->len,
                    d->has_time_range ? d->first_minute : -1,
                    d->has_time_range ? d->last_minute : -1,
                    (const char * const *) d->attack_types,
                    d->packets, 0);

  if (last)
    {
      ta_debug_selection_clear (d);
      g_clear_pointer (&self->debug, g_free);
    }
}

/* applied at once, and again (for the last time) after the attack files
 * are loaded, since loading them clears the view's selection */
static void
apply_debug_selection (TaSelectionSidebar *self)
{
  apply_debug_selection_full (self, FALSE);
}

static gboolean
apply_debug_selection_idle (gpointer data)
{
  g_autoptr(TaSelectionSidebar) self = data;

  apply_debug_selection_full (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
set_selection (TaSelectionSidebar *self,
               TaSelection        *selection)
{
  if (self->selection == selection)
    return;
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_set_object (&self->selection, selection);
  if (selection != NULL)
    g_signal_connect_swapped (selection, "changed", G_CALLBACK (update_from_selection), self);
  update_from_selection (self);
  apply_debug_selection (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION]);
}

static void
ta_selection_sidebar_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TaSelectionSidebar *self = TA_SELECTION_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SELECTION:
      g_value_set_object (value, self->selection);
      break;
    case PROP_ATTACK_FILES:
      g_value_set_boxed (value, self->attack_files);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_selection_sidebar_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TaSelectionSidebar *self = TA_SELECTION_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SELECTION:
      set_selection (self, g_value_get_object (value));
      break;
    case PROP_ATTACK_FILES:
      ta_selection_sidebar_set_attack_files (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_selection_sidebar_class_init (TaSelectionSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ta_selection_sidebar_dispose;
  object_class->finalize = ta_selection_sidebar_finalize;
  object_class->get_property = ta_selection_sidebar_get_property;
  object_class->set_property = ta_selection_sidebar_set_property;

  properties[PROP_SELECTION] =
    g_param_spec_object ("selection", NULL, NULL, TA_TYPE_SELECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTACK_FILES] =
    g_param_spec_boxed ("attack-files", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_FOLDER] =
    g_signal_new ("open-folder", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (TA_TYPE_EXTRACTION_RUNNER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/ui/ta-selection-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, empty_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, details_grid);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, time_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, minutes_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, attack_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, packets_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, ips_count_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, ip_scroller);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, ip_list);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, clear_button);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, command_hint);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, command_frame);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, command_view);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, copy_button);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, extract_button);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, notes_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, runner);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, data_list);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, add_files_button);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, add_folder_button);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, ip_map_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, ip_map_button);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, output_label);
  gtk_widget_class_bind_template_child (widget_class, TaSelectionSidebar, output_button);
}

static void
ta_selection_sidebar_init (TaSelectionSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->data_paths = g_new0 (char *, 1);
  self->ip_map = g_strdup ("");
  self->output_dir = default_output_dir ();

  if (g_getenv ("TA_DEBUG_SELECTION") != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->debug = g_new0 (TaDebugSelection, 1);
      if (!ta_debug_selection_parse (g_getenv ("TA_DEBUG_SELECTION"), self->debug, &error))
        {
          g_warning ("TA_DEBUG_SELECTION: %s", error->message);
          g_clear_pointer (&self->debug, g_free);
        }
      else
        {
          /* its settings stay in memory, never written to GSettings */
          if (self->debug->data_paths != NULL)
            {
              g_strfreev (self->data_paths);
              self->data_paths = g_strdupv (self->debug->data_paths);
            }
          if (self->debug->ip_map != NULL)
            {
              g_free (self->ip_map);
              self->ip_map = g_strdup (self->debug->ip_map);
            }
          if (self->debug->output_dir != NULL)
            {
              g_free (self->output_dir);
              self->output_dir = g_strdup (self->debug->output_dir);
            }
        }
    }

  g_signal_connect_swapped (self->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (copy_clicked_cb), self);
  g_signal_connect_swapped (self->extract_button, "clicked", G_CALLBACK (extract_clicked_cb), self);
  g_signal_connect_swapped (self->add_files_button, "clicked", G_CALLBACK (add_files_cb), self);
  g_signal_connect_swapped (self->add_folder_button, "clicked", G_CALLBACK (add_folder_cb), self);
  g_signal_connect_swapped (self->ip_map_button, "clicked", G_CALLBACK (ip_map_cb), self);
  g_signal_connect_swapped (self->output_button, "clicked", G_CALLBACK (output_cb), self);
  g_signal_connect (self->runner, "folder-ready", G_CALLBACK (folder_ready_cb), self);

  update_settings_ui (self);
  update_from_selection (self);
}

TaSelectionSidebar *
ta_selection_sidebar_new (TaSelection *selection)
{
  return g_object_new (TA_TYPE_SELECTION_SIDEBAR, "selection", selection, NULL);
}

/* Another part of the app (Import Packets…, the demo) or another window
 * changed a remembered path: follow it, so the command and Extract use
 * what the setting says (our own writes change nothing) */
static void
settings_changed_cb (GSettings          *settings,
                     const char         *key,
                     TaSelectionSidebar *self)
{
  g_auto(GStrv) paths = g_settings_get_strv (settings, "data-paths");
  g_autofree char *ip_map = g_settings_get_string (settings, "ip-map");
  g_autofree char *output_dir = g_settings_get_string (settings, "output-dir");

  if (self->debug != NULL ||
      (self->data_paths != NULL && g_strv_equal ((const char * const *) paths, (const char * const *) self->data_paths) &&
       g_strcmp0 (ip_map, self->ip_map) == 0 && (output_dir[0] == '\0' || g_strcmp0 (output_dir, self->output_dir) == 0)))
    return;
  load_settings (self);
  update_settings_ui (self);
  rebuild_command (self);
}

void
ta_selection_sidebar_set_settings (TaSelectionSidebar *self,
                                   GSettings          *settings)
{
  g_return_if_fail (TA_IS_SELECTION_SIDEBAR (self));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  /* TA_DEBUG_SELECTION's values stay in memory over the remembered ones */
  if (self->debug == NULL)
    load_settings (self);
  update_settings_ui (self);
  update_from_selection (self);
}

TaSelection *
ta_selection_sidebar_get_selection (TaSelectionSidebar *self)
{
  g_return_val_if_fail (TA_IS_SELECTION_SIDEBAR (self), NULL);

  return self->selection;
}

void
ta_selection_sidebar_set_attack_files (TaSelectionSidebar *self,
                                       const char * const *files)
{
  g_return_if_fail (TA_IS_SELECTION_SIDEBAR (self));

  g_strfreev (self->attack_files);
  self->attack_files = g_strdupv ((char **) files);
  rebuild_command (self);
  if (self->debug != NULL)
    g_idle_add (apply_debug_selection_idle, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACK_FILES]);
}

const TaExtractSpec *
ta_selection_sidebar_get_spec (TaSelectionSidebar *self)
{
  g_return_val_if_fail (TA_IS_SELECTION_SIDEBAR (self), NULL);

  return self->spec;
}

const char *
ta_selection_sidebar_get_problem (TaSelectionSidebar *self)
{
  g_return_val_if_fail (TA_IS_SELECTION_SIDEBAR (self), NULL);

  return self->problem;
}

char *
ta_selection_sidebar_get_command_text (TaSelectionSidebar *self)
{
  g_return_val_if_fail (TA_IS_SELECTION_SIDEBAR (self), NULL);

  if (self->spec == NULL)
    return NULL;
  return ta_extract_spec_build_shell_line (self->spec, "timearcs-cli", TRUE, NULL);
}

TaExtractionRunner *
ta_selection_sidebar_get_runner (TaSelectionSidebar *self)
{
  g_return_val_if_fail (TA_IS_SELECTION_SIDEBAR (self), NULL);

  return self->runner;
}

void
ta_selection_sidebar_set_fallback_ip_map (TaSelectionSidebar *self,
                                          const char         *path)
{
  g_return_if_fail (TA_IS_SELECTION_SIDEBAR (self));

  g_free (self->fallback_ip_map);
  self->fallback_ip_map = g_strdup (path);
  update_settings_ui (self);
  rebuild_command (self);
}
