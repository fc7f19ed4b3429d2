/* ta-window-load.c — the main window's loading: attack files and their
 * companion files read in a worker thread, the result shown on the main
 * thread; recent files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-error.h"
#include "ta-format.h"
#include "ta-window-private.h"

#define N_RECENT 6

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

void
ta_window_rebuild_recent (TaWindow *self)
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
  /* the sidebar maps these attack files to data files */
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
  ta_window_update_status (self);
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
    ta_window_rebuild_recent (self);
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

