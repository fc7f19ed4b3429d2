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

/* Loading is a TaArcLoadJob in a worker thread: the attack files, the IP
 * map (20 k entries), the mappings and the ground truth (65 k rows), and
 * the model with its row order. The main thread applies the result; a
 * newer load or closing the window cancels an older one. */

typedef struct
{
  TaWindow  *window;
  GPtrArray *old_paths;      /* restored on failure */
  GPtrArray *recent;         /* GFile, added to recent files on success */
} LoadRequest;

static void
load_request_free (LoadRequest *req)
{
  g_object_unref (req->window);
  g_clear_pointer (&req->old_paths, g_ptr_array_unref);
  g_clear_pointer (&req->recent, g_ptr_array_unref);
  g_free (req);
}

/* The status line after a load */
static void
update_summary (TaWindow     *self,
                TaArcLoadJob *job,
                TaArcModel   *model)
{
  const char *mapping = ta_arc_load_job_get_event_mapping_path (job);
  const char *first = g_ptr_array_index (self->paths, 0);
  g_autofree char *base = g_path_get_basename (first);
  g_autofree char *mbase = mapping ? g_path_get_basename (mapping) : g_strdup (_("no mapping"));
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gint64 t0 = 0, t1 = 0;
  double seed_cost, final_cost;
  guint n_recs = 0;
  guint n_arcs = 0;

  ta_arc_model_get_minutes (model, &t0, &t1);
  ta_arc_model_get_order_cost (model, &seed_cost, &final_cost);
  a = ta_format_minute (t0, TRUE);
  b = ta_format_minute (t1, FALSE);
  ta_attack_data_get_records (ta_arc_load_job_get_data (job), &n_recs);
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

/* Main thread: show a finished load */
static void
load_paths (TaWindow     *self,
            TaArcLoadJob *job)
{
  g_autoptr(TaIpMap) ip_map = ta_arc_load_job_steal_ip_map (job);
  g_autoptr(TaGroundTruth) gt = ta_arc_load_job_steal_ground_truth (job);
  TaArcModel *model = ta_arc_load_job_steal_model (job);
  const char *ip_path = ta_arc_load_job_get_ip_map_path (job);
  g_autofree char *base = g_path_get_basename (g_ptr_array_index (self->paths, 0));

  ta_timearcs_view_set_model (self->view, model);
  ta_timearcs_view_set_ground_truth (self->view, gt, ip_map);

  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  self->ip_map = g_steal_pointer (&ip_map);
  g_clear_pointer (&self->ground_truth, ta_ground_truth_unref);
  self->ground_truth = g_steal_pointer (&gt);
  g_free (self->used_mapping);
  self->used_mapping = g_strdup (ta_arc_load_job_get_event_mapping_path (job));
  g_free (self->used_ip_map);
  self->used_ip_map = g_strdup (ip_path);
  /* the sidebar maps these attack files to data files */
  g_ptr_array_add (self->paths, NULL);
  ta_selection_sidebar_set_attack_files (self->selection_sidebar, (const char * const *) self->paths->pdata);
  g_ptr_array_remove_index (self->paths, self->paths->len - 1);
  ta_selection_sidebar_set_fallback_ip_map (self->selection_sidebar, ip_path);
  g_free (self->used_gt);
  self->used_gt = g_strdup (ta_arc_load_job_get_ground_truth_path (job));
  update_summary (self, job, model);

  gtk_window_set_title (GTK_WINDOW (self), base);
  ta_window_show_message (self, ta_arc_load_job_get_warnings (job));
  gtk_stack_set_visible_child_name (self->attacks_stack, "view");
  gtk_stack_set_visible_child_name (self->view_stack, "attacks");
  ta_window_update_status (self);
}

static void
load_failed (TaWindow     *self,
             LoadRequest  *req,
             const GError *error)
{
  /* keep what was open before */
  if (req->old_paths)
    {
      g_clear_pointer (&self->paths, g_ptr_array_unref);
      self->paths = g_steal_pointer (&req->old_paths);
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
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TaArcLoadJob *job = TA_ARC_LOAD_JOB (object);
  LoadRequest *req = user_data;
  TaWindow *self = req->window;
  g_autoptr(GError) error = NULL;

  /* a newer load replaced this one, or the window closed */
  if (self->load_job != job)
    {
      load_request_free (req);
      return;
    }
  g_clear_object (&self->load_job);

  if (!ta_job_run_finish (TA_JOB (job), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        load_failed (self, req, error);
      load_request_free (req);
      return;
    }

  load_paths (self, job);
  for (guint i = 0; req->recent && i < req->recent->len; i++)
    add_recent (g_ptr_array_index (req->recent, i));
  if (req->recent)
    ta_window_rebuild_recent (self);
  load_request_free (req);
}

/* Loads self->paths; old_paths (taken) come back if it fails */
static void
start_load (TaWindow  *self,
            GPtrArray *old_paths,
            GPtrArray *recent)
{
  LoadRequest *req = g_new0 (LoadRequest, 1);

  req->window = g_object_ref (self);
  req->old_paths = old_paths;
  req->recent = recent;

  ta_window_cancel_load (self);
  g_ptr_array_add (self->paths, NULL);
  self->load_job = ta_arc_load_job_new ((const char * const *) self->paths->pdata,
                                        self->mapping_path, self->ip_map_path, self->gt_path);
  g_ptr_array_remove_index (self->paths, self->paths->len - 1);
  ta_job_run_async (TA_JOB (self->load_job), load_done, req);
}

void
ta_window_cancel_load (TaWindow *self)
{
  if (self->load_job != NULL)
    ta_job_cancel (TA_JOB (self->load_job));
  g_clear_object (&self->load_job);
}

gboolean
ta_window_open_attack_files (TaWindow  *self,
                             GFile    **files,
                             guint      n_files,
                             GError   **error)
{
  return ta_window_open_attack_files_with (self, files, n_files, NULL, NULL, NULL, error);
}

/* Companion files chosen explicitly belong to the files they were chosen
 * for: a new set of files starts with none but those given here, and
 * picks up the rest next to its first file */
gboolean
ta_window_open_attack_files_with (TaWindow    *self,
                                  GFile      **files,
                                  guint        n_files,
                                  const char  *ip_map,
                                  const char  *mapping,
                                  const char  *ground_truth,
                                  GError     **error)
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

  g_free (self->ip_map_path);
  self->ip_map_path = g_strdup (ip_map);
  g_free (self->mapping_path);
  self->mapping_path = g_strdup (mapping);
  g_free (self->gt_path);
  self->gt_path = g_strdup (ground_truth);
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

