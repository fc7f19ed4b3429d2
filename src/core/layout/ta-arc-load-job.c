/* ta-arc-load-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ta-arc-load-job.h"

struct _TaArcLoadJob
{
  TaJob          parent_instance;

  /* in */
  GStrv          paths;
  char          *explicit_mapping;
  char          *explicit_ip_map;
  char          *explicit_gt;
  /* out */
  TaAttackData  *data;
  TaArcModel    *model;
  TaIpMap       *ip_map;
  TaGroundTruth *gt;
  char          *mapping_path;
  char          *ip_map_path;
  char          *gt_path;
  GString       *warnings;
};

G_DEFINE_FINAL_TYPE (TaArcLoadJob, ta_arc_load_job, TA_TYPE_JOB)

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
warn (TaArcLoadJob *self,
      const char   *text)
{
  g_string_append_printf (self->warnings, "%s%s", self->warnings->len ? "\n" : "", text);
}

/* Keeps what @loaded returned; a failure becomes a warning */
static gpointer
optional (TaArcLoadJob *self,
          gpointer      loaded,
          GError      **error)
{
  if (loaded == NULL && *error != NULL)
    {
      warn (self, (*error)->message);
      g_clear_error (error);
    }
  return loaded;
}

static gboolean
load_attack_files (TaArcLoadJob  *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  guint n = g_strv_length (self->paths);

  self->data = ta_attack_data_new ();
  for (guint i = 0; i < n; i++)
    {
      ta_job_report (TA_JOB (self), i, n, -1, self->paths[i]);
      if (!ta_attack_data_load_file (self->data, self->paths[i], error))
        return FALSE;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (ta_attack_data_get_malformed (self->data) > 0)
    {
      GPtrArray *problems = ta_attack_data_get_problems (self->data);
      g_autofree char *text = g_strdup_printf (_("%llu malformed rows skipped; the first:"),
                                               (unsigned long long) ta_attack_data_get_malformed (self->data));

      warn (self, text);
      for (guint i = 0; i < problems->len; i++)
        warn (self, problems->pdata[i]);
    }
  if (!ta_attack_data_has_groups (self->data))
    {
      /* group mode needs groups: learn code → group from the grouped file
       * made alongside, when there is one */
      g_autofree char *sibling = ta_attack_find_grouped_sibling (self->paths[0]);
      g_autoptr(TaAttackData) grouped = ta_attack_data_new ();

      if (sibling && ta_attack_data_load_file (grouped, sibling, NULL))
        ta_attack_data_apply_groups (self->data, grouped);
    }
  return TRUE;
}

static gboolean
ta_arc_load_job_run (TaJob         *job,
                     GCancellable  *cancellable,
                     GError       **error)
{
  TaArcLoadJob *self = TA_ARC_LOAD_JOB (job);
  const char *first = self->paths[0];
  g_autoptr(TaLabelMap) types = NULL;
  g_autoptr(TaLabelMap) groups = NULL;
  g_autoptr(TaColorMap) type_colors = NULL;
  g_autoptr(TaColorMap) group_colors = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *group_path = NULL;
  g_autofree char *colors_path = NULL;
  g_autofree char *gcolors_path = NULL;

  if (!load_attack_files (self, cancellable, error))
    return FALSE;

  self->mapping_path = pick (self->explicit_mapping, ta_attack_find_event_mapping (first));
  group_path = ta_attack_find_group_mapping (first);
  self->ip_map_path = pick (self->explicit_ip_map, ta_attack_find_ip_map (first));
  colors_path = ta_attack_find_colors (first, FALSE);
  gcolors_path = ta_attack_find_colors (first, TRUE);
  self->gt_path = pick (self->explicit_gt, ta_attack_find_ground_truth (first));

  if (self->mapping_path)
    types = optional (self, ta_label_map_load (self->mapping_path, &local_error), &local_error);
  else
    warn (self, _("No event-type mapping found next to the file: arcs are labelled by their codes."));
  if (group_path)
    groups = optional (self, ta_label_map_load (group_path, &local_error), &local_error);
  if (self->ip_map_path)
    self->ip_map = optional (self, ta_ip_map_load (self->ip_map_path, &local_error), &local_error);
  else
    warn (self, _("No IP map (ip_map.json) found next to the file: rows show IP ids."));
  if (colors_path)
    type_colors = optional (self, ta_color_map_load (colors_path, &local_error), &local_error);
  if (gcolors_path)
    group_colors = optional (self, ta_color_map_load (gcolors_path, &local_error), &local_error);
  if (self->gt_path)
    self->gt = optional (self, ta_ground_truth_load (self->gt_path, cancellable, &local_error),
                         &local_error);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (types && groups && !ta_attack_data_check_mapping (self->data, types, groups, &local_error))
    {
      warn (self, local_error->message);
      g_string_append (self->warnings,
                       _(" — choose the mapping the file was made with (menu → Choose Event Mapping…)."));
      g_clear_error (&local_error);
    }

  self->model = ta_arc_model_new (self->data, self->ip_map, types, groups, type_colors, group_colors);
  ta_job_report (job, g_strv_length (self->paths), g_strv_length (self->paths), 1.0, NULL);
  return TRUE;
}

static void
ta_arc_load_job_finalize (GObject *object)
{
  TaArcLoadJob *self = TA_ARC_LOAD_JOB (object);

  g_strfreev (self->paths);
  g_free (self->explicit_mapping);
  g_free (self->explicit_ip_map);
  g_free (self->explicit_gt);
  g_clear_pointer (&self->model, ta_arc_model_free);
  g_clear_pointer (&self->data, ta_attack_data_free);
  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  g_clear_pointer (&self->gt, ta_ground_truth_unref);
  g_free (self->mapping_path);
  g_free (self->ip_map_path);
  g_free (self->gt_path);
  g_string_free (self->warnings, TRUE);
  G_OBJECT_CLASS (ta_arc_load_job_parent_class)->finalize (object);
}

static void
ta_arc_load_job_class_init (TaArcLoadJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ta_arc_load_job_finalize;
  TA_JOB_CLASS (klass)->run = ta_arc_load_job_run;
}

static void
ta_arc_load_job_init (TaArcLoadJob *self)
{
  self->warnings = g_string_new (NULL);
}

TaArcLoadJob *
ta_arc_load_job_new (const char * const *paths,
                     const char         *event_mapping,
                     const char         *ip_map,
                     const char         *ground_truth)
{
  TaArcLoadJob *self;

  g_return_val_if_fail (paths != NULL && paths[0] != NULL, NULL);

  self = g_object_new (TA_TYPE_ARC_LOAD_JOB, NULL);
  self->paths = g_strdupv ((char **) paths);
  self->explicit_mapping = g_strdup (event_mapping);
  self->explicit_ip_map = g_strdup (ip_map);
  self->explicit_gt = g_strdup (ground_truth);
  return self;
}

static gboolean
succeeded (TaArcLoadJob *self)
{
  return ta_job_get_state (TA_JOB (self)) == TA_JOB_STATE_SUCCEEDED;
}

TaAttackData *
ta_arc_load_job_get_data (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return succeeded (self) ? self->data : NULL;
}

TaArcModel *
ta_arc_load_job_steal_model (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return succeeded (self) ? g_steal_pointer (&self->model) : NULL;
}

TaIpMap *
ta_arc_load_job_steal_ip_map (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return succeeded (self) ? g_steal_pointer (&self->ip_map) : NULL;
}

TaGroundTruth *
ta_arc_load_job_steal_ground_truth (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return succeeded (self) ? g_steal_pointer (&self->gt) : NULL;
}

const char *
ta_arc_load_job_get_event_mapping_path (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return self->mapping_path;
}

const char *
ta_arc_load_job_get_ip_map_path (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return self->ip_map_path;
}

const char *
ta_arc_load_job_get_ground_truth_path (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return self->gt_path;
}

const char *
ta_arc_load_job_get_warnings (TaArcLoadJob *self)
{
  g_return_val_if_fail (TA_IS_ARC_LOAD_JOB (self), NULL);
  return self->warnings->len ? self->warnings->str : NULL;
}
