/* ta-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-application.h"
#include "ta-attack-data.h"
#include "ta-error.h"
#include "ta-import-dialog.h"
#include "ta-flow-panel.h"
#include "ta-ip-map.h"
#include "ta-timearcs-render.h"
#include "ta-selection-sidebar.h"
#include "ta-window.h"

#define N_RECENT 6

struct _TaWindow
{
  GtkApplicationWindow  parent_instance;

  /* template */
  GtkStack             *view_stack;
  GtkStack             *attacks_stack;
  GtkBox               *sidebar_slot;
  GtkBox               *flows_slot;
  GtkWidget            *flows_placeholder;
  GtkLabel             *flows_message;
  TaFlowPanel          *flow_panel;
  TaTimeArcsView       *view;
  GtkListBox           *legend_list;
  GtkLabel             *legend_title;
  GtkButton            *show_all_button;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkButton            *message_close;
  GtkLabel             *status_label;
  GtkAdjustment        *magnification_adjustment;
  GMenu                *recent_section;

  GSettings            *settings;
  GCancellable         *load_cancellable;   /* the load in progress */

  /* what is open */
  GPtrArray            *paths;            /* attack CSVs */
  char                 *ip_map_path;      /* explicit, or NULL */
  char                 *mapping_path;
  char                 *gt_path;
  TaIpMap              *ip_map;
  TaGroundTruth        *ground_truth;
  char                 *used_ip_map;
  char                 *used_mapping;
  char                 *used_groups;
  char                 *used_gt;
  char                 *summary;

  /* issue 7: the selection sidebar in sidebar_slot */
  TaSelectionSidebar   *selection_sidebar;
};

G_DEFINE_FINAL_TYPE (TaWindow, ta_window, GTK_TYPE_APPLICATION_WINDOW)

static void ta_window_setup_app (TaWindow *self);

TaWindow *
ta_window_new (GtkApplication *application)
{
  TaWindow *self = g_object_new (TA_TYPE_WINDOW, "application", application, NULL);

  /* "application" is set after constructed(): settings and accels here */
  ta_window_setup_app (self);
  return self;
}

TaSelection *
ta_window_get_selection (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return ta_timearcs_view_get_selection (self->view);
}

GtkBox *
ta_window_get_sidebar_slot (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return self->sidebar_slot;
}

GtkBox *
ta_window_get_flows_slot (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return self->flows_slot;
}

TaTimeArcsView *
ta_window_get_view (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return self->view;
}

void
ta_window_show_flows_page (TaWindow *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "flows");
}

void
ta_window_show_message (TaWindow   *self,
                        const char *message)
{
  g_return_if_fail (TA_IS_WINDOW (self));

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

static void
flows_slot_changed (TaWindow *self)
{
  /* hide the placeholder once someone put a real panel into the slot */
  GtkWidget *child;
  gboolean other = FALSE;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->flows_slot)); child;
       child = gtk_widget_get_next_sibling (child))
    if (child != self->flows_placeholder)
      other = TRUE;
  gtk_widget_set_visible (self->flows_placeholder, !other);
}

void
ta_window_open_folder (TaWindow *self,
                       GFile    *folder)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;

  g_return_if_fail (TA_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  flows_slot_changed (self);
  if (self->flow_panel != NULL)
    ta_flow_panel_open (self->flow_panel, folder);
  path = g_file_get_path (folder);
  /* the window says which folder it shows, as it does for attack files */
  base = g_file_get_basename (folder);
  gtk_window_set_title (GTK_WINDOW (self), base);
  if (gtk_widget_get_visible (self->flows_placeholder))
    {
      text = g_strdup_printf (_("“%s” is a folder. Subset folders open in the flow panel, "
                                "which is not part of this build yet. Open attack CSV files "
                                "to see the TimeArcs view."), path ? path : "?");
      gtk_label_set_text (self->flows_message, text);
    }
  /* a flow panel, when present, listens for this through the window's
   * "folder" data and the flows page */
  g_object_set_data_full (G_OBJECT (self), "ta-folder", g_object_ref (folder), g_object_unref);
  ta_window_show_flows_page (self);
}

/* issue 7: a finished extraction */
static void
on_extraction_folder (TaWindow   *self,
                      const char *path)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);

  ta_window_open_folder (self, folder);
}

/* Legend */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  guint32 color = GPOINTER_TO_UINT (data);
  double r = MIN (width, height) / 2.0 - 1;

  cairo_arc (cr, width / 2.0, height / 2.0, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, ((color >> 16) & 0xff) / 255.0, ((color >> 8) & 0xff) / 255.0,
                        (color & 0xff) / 255.0);
  cairo_fill (cr);
}

/* 790668 → "790,668" whatever the locale (the C locale has no grouping) */
static char *
format_count (guint64 n)
{
  char digits[32];
  GString *out = g_string_new (NULL);
  int len = g_snprintf (digits, sizeof digits, "%llu", (unsigned long long) n);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static void
update_legend_states (TaWindow *self)
{
  GtkWidget *row;
  guint i = 0;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->legend_list)); row;
       row = gtk_widget_get_next_sibling (row), i++)
    {
      if (ta_timearcs_view_get_label_hidden (self->view, i))
        gtk_widget_add_css_class (row, "ta-hidden");
      else
        gtk_widget_remove_css_class (row, "ta-hidden");
    }
}

static void
rebuild_legend (TaWindow *self)
{
  TaArcModel *model = ta_timearcs_view_get_model (self->view);
  TaLabelMode mode = ta_timearcs_view_get_label_mode (self->view);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend_list))))
    gtk_list_box_remove (self->legend_list, child);

  gtk_label_set_text (self->legend_title, mode == TA_LABEL_MODE_GROUP ? _("Attack Groups") : _("Attack Types"));
  if (model == NULL)
    return;

  for (guint i = 0; i < ta_arc_model_get_n_labels (model, mode); i++)
    {
      const TaArcLabel *l = ta_arc_model_get_label (model, mode, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *swatch = gtk_drawing_area_new ();
      GtkWidget *name = gtk_label_new (l->name);
      g_autofree char *count_text = format_count (l->packets);
      GtkWidget *count = gtk_label_new (count_text);
      g_autofree char *tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n%s packets in %u arc",
                                                           "%s\n%s packets in %u arcs", l->arcs),
                                              l->name, count_text, l->arcs);
      GtkWidget *row;

      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 12);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 12);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                      GUINT_TO_POINTER (l->color), NULL);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (name, "ta-legend-name");
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "ta-legend-count");
      gtk_widget_add_css_class (count, "caption");
      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), count);
      gtk_widget_set_tooltip_text (box, tip);

      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_widget_add_css_class (row, "ta-legend-row");
      gtk_list_box_append (self->legend_list, row);
    }
  update_legend_states (self);
}

static void
on_legend_row_activated (GtkListBox    *box,
                         GtkListBoxRow *row,
                         TaWindow      *self)
{
  guint i = gtk_list_box_row_get_index (row);

  ta_timearcs_view_set_label_hidden (self->view, i, !ta_timearcs_view_get_label_hidden (self->view, i));
}

static void
on_show_all (GtkButton *button,
             TaWindow  *self)
{
  ta_timearcs_view_show_all_labels (self->view);
}

/* Status line */

static void
update_status (TaWindow *self)
{
  TaArcModel *model = ta_timearcs_view_get_model (self->view);
  TaSelection *sel = ta_timearcs_view_get_selection (self->view);
  g_autoptr(GString) s = g_string_new (NULL);

  if (model == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }
  if (!ta_selection_get_empty (sel))
    {
      guint n_ids = 0;
      g_autofree char *packets = format_count (ta_selection_get_packet_count (sel));

      ta_selection_get_ip_ids (sel, &n_ids);
      g_string_append_printf (s, _("Selected: %u IPs, %u arcs, %s packets"),
                              n_ids, ta_selection_get_arc_count (sel), packets);
      if (ta_selection_get_time_start_minute (sel) >= 0)
        {
          g_autofree char *a = ta_format_minute (ta_selection_get_time_start_minute (sel), FALSE);
          g_autofree char *b = ta_format_minute (ta_selection_get_time_end_minute (sel), FALSE);

          g_string_append_printf (s, _(", %s–%s UTC"), a, b);
        }
      g_string_append (s, _(" (Esc clears)  ·  "));
    }
  g_string_append (s, self->summary ? self->summary : "");
  gtk_label_set_text (self->status_label, s->str);
}

/* Loading */

static char *
pick (const char *explicit_path,
      char       *found)
{
  if (explicit_path)
    {
      g_free (found);
      return g_strdup (explicit_path);
    }
  return found;
}

static void
add_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = { 0 };
  static char *groups[] = { (char *) "timearcs", NULL };

  data.display_name = NULL;
  data.mime_type = (char *) "text/csv";
  data.app_name = (char *) "TimeArcs";
  data.app_exec = (char *) "timearcs %u";
  data.groups = groups;
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
rebuild_recent (TaWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint n = 0;

  g_menu_remove_all (self->recent_section);
  for (GList *l = items; l && n < N_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autoptr(GMenuItem) item = NULL;

      if (!gtk_recent_info_has_group (info, "timearcs") || !gtk_recent_info_exists (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_section, item);
      n++;
    }
  if (n == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No recent files"), "win.none");

      g_menu_append_item (self->recent_section, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

/* Loading runs in a worker thread (GTask): parsing the attack files, the
 * IP map (20 k entries), the mappings and the ground truth (65 k rows), and
 * building the model with its row order. The main thread applies the
 * result; a newer load or closing the window cancels an older one. */

typedef struct
{
  /* in */
  GPtrArray     *paths;
  char          *explicit_mapping;
  char          *explicit_ip_map;
  char          *explicit_gt;
  GPtrArray     *old_paths;      /* restored on failure */
  GPtrArray     *recent;         /* GFile, added to recent files on success */
  /* out */
  TaAttackData  *data;
  TaArcModel    *model;
  TaIpMap       *ip_map;
  TaGroundTruth *gt;
  char          *mapping;
  char          *ip_path;
  char          *gt_path;
  GString       *warnings;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_pointer (&job->paths, g_ptr_array_unref);
  g_clear_pointer (&job->old_paths, g_ptr_array_unref);
  g_clear_pointer (&job->recent, g_ptr_array_unref);
  g_free (job->explicit_mapping);
  g_free (job->explicit_ip_map);
  g_free (job->explicit_gt);
  g_clear_pointer (&job->data, ta_attack_data_free);
  g_clear_pointer (&job->model, ta_arc_model_free);
  g_clear_pointer (&job->ip_map, ta_ip_map_free);
  g_clear_pointer (&job->gt, ta_ground_truth_unref);
  g_free (job->mapping);
  g_free (job->ip_path);
  g_free (job->gt_path);
  if (job->warnings)
    g_string_free (job->warnings, TRUE);
  g_free (job);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaLabelMap) types = NULL;
  g_autoptr(TaLabelMap) groups = NULL;
  g_autoptr(TaColorMap) type_colors = NULL;
  g_autoptr(TaColorMap) group_colors = NULL;
  g_autoptr(TaIpMap) ip_map = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *mapping = NULL;
  g_autofree char *group_path = NULL;
  g_autofree char *ip_path = NULL;
  g_autofree char *colors_path = NULL;
  g_autofree char *gcolors_path = NULL;
  g_autofree char *gt_path = NULL;
  GString *warnings = g_string_new (NULL);
  const char *first;

  job->warnings = warnings;
  for (guint i = 0; i < job->paths->len; i++)
    if (!ta_attack_data_load_file (data, g_ptr_array_index (job->paths, i), &local_error))
      {
        g_task_return_error (task, g_steal_pointer (&local_error));
        return;
      }
  if (g_task_return_error_if_cancelled (task))
    return;

  first = g_ptr_array_index (job->paths, 0);
  if (!ta_attack_data_has_groups (data))
    {
      /* group mode needs groups: learn code → group from the grouped file
       * made alongside, when there is one */
      g_autofree char *sibling = ta_attack_find_grouped_sibling (first);
      g_autoptr(TaAttackData) grouped = ta_attack_data_new ();

      if (sibling && ta_attack_data_load_file (grouped, sibling, NULL))
        ta_attack_data_apply_groups (data, grouped);
    }
  mapping = pick (job->explicit_mapping, ta_attack_find_event_mapping (first));
  group_path = ta_attack_find_group_mapping (first);
  ip_path = pick (job->explicit_ip_map, ta_attack_find_ip_map (first));
  colors_path = ta_attack_find_colors (first, FALSE);
  gcolors_path = ta_attack_find_colors (first, TRUE);
  gt_path = pick (job->explicit_gt, ta_attack_find_ground_truth (first));

#define LOAD_OPTIONAL(var, expr)                                            \
  G_STMT_START {                                                            \
    if ((var = (expr)) == NULL && local_error)                              \
      {                                                                     \
        g_string_append_printf (warnings, "%s%s", warnings->len ? "\n" : "", \
                                local_error->message);                      \
        g_clear_error (&local_error);                                       \
      }                                                                     \
  } G_STMT_END

  if (mapping)
    LOAD_OPTIONAL (types, ta_label_map_load (mapping, &local_error));
  else
    g_string_append_printf (warnings, "%s%s", warnings->len ? "\n" : "",
                            _("No event-type mapping found next to the file: arcs are labelled by their codes."));
  if (group_path)
    LOAD_OPTIONAL (groups, ta_label_map_load (group_path, &local_error));
  if (ip_path)
    LOAD_OPTIONAL (ip_map, ta_ip_map_load (ip_path, &local_error));
  else
    g_string_append_printf (warnings, "%s%s", warnings->len ? "\n" : "",
                            _("No IP map (ip_map.json) found next to the file: rows show IP ids."));
  if (colors_path)
    LOAD_OPTIONAL (type_colors, ta_color_map_load (colors_path, &local_error));
  if (gcolors_path)
    LOAD_OPTIONAL (group_colors, ta_color_map_load (gcolors_path, &local_error));
  if (gt_path)
    LOAD_OPTIONAL (gt, ta_ground_truth_load (gt_path, cancellable, &local_error));
#undef LOAD_OPTIONAL
  if (g_task_return_error_if_cancelled (task))
    return;

  if (types && groups && !ta_attack_data_check_mapping (data, types, groups, &local_error))
    {
      g_string_append_printf (warnings, "%s%s", warnings->len ? "\n" : "", local_error->message);
      g_string_append (warnings, _(" — choose the mapping the file was made with (menu → Choose Event Mapping…)."));
      g_clear_error (&local_error);
    }

  job->model = ta_arc_model_new (data, ip_map, types, groups, type_colors, group_colors);
  job->data = g_steal_pointer (&data);
  job->ip_map = g_steal_pointer (&ip_map);
  job->gt = g_steal_pointer (&gt);
  job->mapping = g_steal_pointer (&mapping);
  job->ip_path = g_steal_pointer (&ip_path);
  job->gt_path = g_steal_pointer (&gt_path);
  g_task_return_boolean (task, TRUE);
}

/* Main thread: show a finished load */
static void
load_paths (TaWindow *self,
            LoadJob  *job)
{
  g_autoptr(TaIpMap) ip_map = g_steal_pointer (&job->ip_map);
  g_autoptr(TaGroundTruth) gt = g_steal_pointer (&job->gt);
  TaAttackData *data = job->data;
  GString *warnings = job->warnings;
  const char *mapping = job->mapping;
  const char *ip_path = job->ip_path;
  const char *gt_path = job->gt_path;
  const char *first = g_ptr_array_index (self->paths, 0);
  TaArcModel *model = g_steal_pointer (&job->model);
  gint64 t0 = 0, t1 = 0;
  double seed_cost, final_cost;

  ta_timearcs_view_set_model (self->view, model);
  ta_timearcs_view_set_ground_truth (self->view, gt, ip_map);

  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  self->ip_map = g_steal_pointer (&ip_map);
  g_clear_pointer (&self->ground_truth, ta_ground_truth_unref);
  self->ground_truth = g_steal_pointer (&gt);
  g_free (self->used_mapping);
  self->used_mapping = g_strdup (mapping);
  g_free (self->used_ip_map);
  self->used_ip_map = g_strdup (ip_path);
  /* issue 7: the sidebar maps these attack files to data files */
  g_ptr_array_add (self->paths, NULL);
  ta_selection_sidebar_set_attack_files (self->selection_sidebar, (const char * const *) self->paths->pdata);
  g_ptr_array_remove_index (self->paths, self->paths->len - 1);
  ta_selection_sidebar_set_fallback_ip_map (self->selection_sidebar, ip_path);
  g_free (self->used_gt);
  self->used_gt = g_strdup (gt_path);
  ta_arc_model_get_minutes (model, &t0, &t1);
  ta_arc_model_get_order_cost (model, &seed_cost, &final_cost);
  {
    g_autofree char *a = ta_format_minute (t0, TRUE);
    g_autofree char *b = ta_format_minute (t1, FALSE);
    g_autofree char *base = g_path_get_basename (first);
    g_autofree char *mbase = mapping ? g_path_get_basename (mapping) : g_strdup (_("no mapping"));
    guint n_recs = 0;
    guint n_arcs = 0;

    ta_attack_data_get_records (data, &n_recs);
    ta_arc_model_get_arcs (model, &n_arcs);
    g_free (self->summary);
    self->summary = g_strdup_printf (_("%s%s · %s · %u records · %u arcs · %u IPs · %s–%s UTC"),
                                     base, self->paths->len > 1 ? _(" and more") : "",
                                     mbase, n_recs, n_arcs,
                                     ta_arc_model_get_n_rows (model), a, b);
    if (self->ground_truth)
      {
        g_autofree char *t = g_strdup_printf (_("%s · ground truth: %u spans, %u arcs unexplained"),
                                              self->summary,
                                              ta_timearcs_view_get_n_gt_spans (self->view),
                                              ta_timearcs_view_get_n_unexplained (self->view));

        g_free (self->summary);
        self->summary = g_steal_pointer (&t);
      }
    g_debug ("row order: total arc length %.0f (first-activity order %.0f)", final_cost, seed_cost);
  }

  {
    g_autofree char *base = g_path_get_basename (first);

    gtk_window_set_title (GTK_WINDOW (self), base);
  }
  ta_window_show_message (self, warnings->len ? warnings->str : NULL);
  gtk_stack_set_visible_child_name (self->attacks_stack, "view");
  gtk_stack_set_visible_child_name (self->view_stack, "attacks");
  update_status (self);
}


static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TaWindow *self = TA_WINDOW (object);
  GTask *task = G_TASK (result);
  LoadJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* a newer load replaced this one */
  if (g_task_get_cancellable (task) != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* keep what was open before */
      if (job->old_paths)
        {
          g_clear_pointer (&self->paths, g_ptr_array_unref);
          self->paths = g_steal_pointer (&job->old_paths);
        }
      if (ta_timearcs_view_get_model (self->view) == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Could not open the file: %s"), error->message);

          /* the message bar lives on the view page; show it there even when empty */
          gtk_stack_set_visible_child_name (self->attacks_stack, "view");
          ta_window_show_message (self, text);
        }
      else
        ta_window_show_message (self, error->message);
      return;
    }

  load_paths (self, job);
  for (guint i = 0; job->recent && i < job->recent->len; i++)
    add_recent (g_ptr_array_index (job->recent, i));
  if (job->recent)
    rebuild_recent (self);
}

/* Loads self->paths; old_paths (taken) come back if it fails */
static void
start_load (TaWindow  *self,
            GPtrArray *old_paths,
            GPtrArray *recent)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job = g_new0 (LoadJob, 1);

  job->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->paths->len; i++)
    g_ptr_array_add (job->paths, g_strdup (g_ptr_array_index (self->paths, i)));
  job->explicit_mapping = g_strdup (self->mapping_path);
  job->explicit_ip_map = g_strdup (self->ip_map_path);
  job->explicit_gt = g_strdup (self->gt_path);
  job->old_paths = old_paths;
  job->recent = recent;

  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_worker);
}

gboolean
ta_window_open_attack_files (TaWindow  *self,
                             GFile    **files,
                             guint      n_files,
                             GError   **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *recent;

  g_return_val_if_fail (TA_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (n_files > 0, FALSE);

  for (guint i = 0; i < n_files; i++)
    {
      char *path = g_file_get_path (files[i]);

      if (path == NULL)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Only local files can be opened"));
          ta_window_show_message (self, _("Only local files can be opened"));
          return FALSE;
        }
      g_ptr_array_add (paths, path);
    }

  recent = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (recent, g_object_ref (files[i]));
  {
    GPtrArray *old = g_steal_pointer (&self->paths);

    self->paths = g_steal_pointer (&paths);
    start_load (self, old, recent);
  }
  return TRUE;
}

static void
reload (TaWindow *self)
{
  if (self->paths->len > 0)
    start_load (self, NULL, NULL);
}

void
ta_window_set_ip_map_path (TaWindow   *self,
                           const char *path)
{
  g_free (self->ip_map_path);
  self->ip_map_path = g_strdup (path);
  reload (self);
}

void
ta_window_set_mapping_path (TaWindow   *self,
                            const char *path)
{
  g_free (self->mapping_path);
  self->mapping_path = g_strdup (path);
  reload (self);
}

void
ta_window_set_ground_truth_path (TaWindow   *self,
                                 const char *path)
{
  g_free (self->gt_path);
  self->gt_path = g_strdup (path);
  reload (self);
}

/* Actions */

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

static void
on_model_state_changed (TaWindow *self)
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

static void
on_message_close (GtkButton *button,
                  TaWindow  *self)
{
  ta_window_show_message (self, NULL);
}

static gboolean
ta_window_close_request (GtkWindow *window)
{
  TaWindow *self = (TaWindow *) window;

  if (self->settings)
    {
      int w, h;

      gtk_window_get_default_size (window, &w, &h);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && w > 0 && h > 0)
        {
          g_settings_set_int (self->settings, "window-width", w);
          g_settings_set_int (self->settings, "window-height", h);
        }
    }
  return GTK_WINDOW_CLASS (ta_window_parent_class)->close_request (window);
}

static void
ta_window_setup_app (TaWindow *self)
{
  GtkApplication *app;

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app && TA_IS_APPLICATION (app))
    self->settings = ta_application_get_settings (TA_APPLICATION (app));
  if (self->settings)
    {
      g_autofree char *mode = g_settings_get_string (self->settings, "label-mode");

      g_object_ref (self->settings);
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

  if (app)
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
}

static void
ta_window_dispose (GObject *object)
{
  TaWindow *self = (TaWindow *) object;

  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TA_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->ip_map_path, g_free);
  g_clear_pointer (&self->mapping_path, g_free);
  g_clear_pointer (&self->gt_path, g_free);
  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  g_clear_pointer (&self->ground_truth, ta_ground_truth_unref);
  g_clear_pointer (&self->used_ip_map, g_free);
  g_clear_pointer (&self->used_mapping, g_free);
  g_clear_pointer (&self->used_groups, g_free);
  g_clear_pointer (&self->used_gt, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (ta_window_parent_class)->dispose (object);
}

static void
ta_window_class_init (TaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ta_window_dispose;
  window_class->close_request = ta_window_close_request;

  g_type_ensure (TA_TYPE_TIMEARCS_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ta-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TaWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, attacks_stack);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, sidebar_slot);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, flows_slot);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, flows_placeholder);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, flows_message);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, view);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, legend_list);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, legend_title);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, show_all_button);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, message_close);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, magnification_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, recent_section);
}

static void
ta_window_init (TaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->paths = g_ptr_array_new_with_free_func (g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
  ta_import_dialog_install (GTK_WINDOW (self));

  g_object_bind_property (self->magnification_adjustment, "value", self->view, "magnification",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->view, "labels-changed", G_CALLBACK (rebuild_legend), self);
  g_signal_connect_swapped (self->view, "labels-changed", G_CALLBACK (on_model_state_changed), self);
  g_signal_connect_swapped (self->view, "hidden-changed", G_CALLBACK (update_legend_states), self);
  g_signal_connect_object (ta_timearcs_view_get_selection (self->view), "changed",
                           G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect (self->legend_list, "row-activated", G_CALLBACK (on_legend_row_activated), self);
  g_signal_connect (self->show_all_button, "clicked", G_CALLBACK (on_show_all), self);
  g_signal_connect (self->message_close, "clicked", G_CALLBACK (on_message_close), self);

  /* issue 7: selection sidebar; finished extractions open in the flows page */
  self->selection_sidebar = ta_selection_sidebar_new (ta_timearcs_view_get_selection (self->view));
  gtk_box_append (self->sidebar_slot, GTK_WIDGET (self->selection_sidebar));
  g_signal_connect_swapped (self->selection_sidebar, "open-folder",
                            G_CALLBACK (on_extraction_folder), self);

  on_model_state_changed (self);
  rebuild_recent (self);

  /* the flow panel (issue 8) fills the Flows page */
  self->flow_panel = TA_FLOW_PANEL (ta_flow_panel_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->flow_panel), TRUE);
  gtk_box_append (self->flows_slot, GTK_WIDGET (self->flow_panel));
  flows_slot_changed (self);
}
