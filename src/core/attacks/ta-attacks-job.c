/* ta-attacks-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-attack-agg.h"
#include "ta-attacks-job.h"
#include "ta-error.h"
#include "ta-event-mapping.h"
#include "ta-ground-truth.h"
#include "ta-ip-map.h"
#include "ta-labeler.h"
#include "ta-packet-reader.h"
#include "ta-read-stats.h"

#define PROGRESS_INTERVAL_US 100000
#define MAX_MESSAGES 50

TaAttacksOptions *
ta_attacks_options_new (void)
{
  return g_new0 (TaAttacksOptions, 1);
}

TaAttacksOptions *
ta_attacks_options_copy (const TaAttacksOptions *options)
{
  TaAttacksOptions *copy = g_new0 (TaAttacksOptions, 1);

  copy->inputs = g_strdupv (options->inputs);
  copy->ip_map = g_strdup (options->ip_map);
  copy->out = g_strdup (options->out);
  copy->grouped_out = g_strdup (options->grouped_out);
  copy->ground_truth = g_strdup (options->ground_truth);
  copy->event_mapping = g_strdup (options->event_mapping);
  copy->group_mapping = g_strdup (options->group_mapping);
  copy->force = options->force;
  return copy;
}

void
ta_attacks_options_free (TaAttacksOptions *options)
{
  if (options == NULL)
    return;
  g_strfreev (options->inputs);
  g_free (options->ip_map);
  g_free (options->out);
  g_free (options->grouped_out);
  g_free (options->ground_truth);
  g_free (options->event_mapping);
  g_free (options->group_mapping);
  g_free (options);
}

static void
label_count_clear (gpointer data)
{
  TaAttacksLabelCount *c = data;

  g_free (c->label);
}

void
ta_attacks_result_free (TaAttacksResult *result)
{
  if (result == NULL)
    return;
  g_free (result->out);
  g_free (result->grouped_out);
  g_free (result->ip_map_out);
  g_free (result->event_mapping_out);
  g_free (result->group_mapping_out);
  g_clear_pointer (&result->labels, g_array_unref);
  g_clear_pointer (&result->messages, g_ptr_array_unref);
  g_free (result);
}

/* The name without `_grouped_attacks.csv`, `_attacks.csv` or `.csv`, as the
 * TimeArcs view's companion-file lookup (ta_attack_find_*) strips it */
static char *
output_prefix (const char *base)
{
  static const char * const suffixes[] = { "_grouped_attacks.csv", "_attacks.csv", ".csv" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (base, suffixes[i]) && strlen (base) > strlen (suffixes[i]))
      return g_strndup (base, strlen (base) - strlen (suffixes[i]));
  return g_strdup (base);
}

char *
ta_attacks_companion_path (const char       *out,
                           TaAttacksCompanion companion)
{
  g_autofree char *dir = g_path_get_dirname (out);
  g_autofree char *base = g_path_get_basename (out);
  g_autofree char *prefix = output_prefix (base);
  g_autofree char *name = NULL;

  switch (companion)
    {
    case TA_ATTACKS_COMPANION_IP_MAP:
      name = g_strdup_printf ("%s_ip_map.json", prefix);
      break;
    case TA_ATTACKS_COMPANION_EVENT_MAPPING:
      name = g_strdup_printf ("event_type_mapping_%s.json", prefix);
      break;
    case TA_ATTACKS_COMPANION_GROUP_MAPPING:
    default:
      name = g_strdup_printf ("attack_group_mapping_%s.json", prefix);
      break;
    }
  return g_build_filename (dir, name, NULL);
}

static void
add_message (TaAttacksResult *result,
             char            *message)
{
  if (result->messages->len < MAX_MESSAGES)
    g_ptr_array_add (result->messages, message);
  else
    g_free (message);
}

static gint32
label_text_cb (const char *text,
               gsize       len,
               gpointer    user_data)
{
  TaEventMapping *mapping = user_data;
  g_autofree char *label = NULL;
  gint32 code = ta_event_mapping_lookup_len (mapping, text, len);

  if (code != TA_LABEL_NONE)
    return code;
  label = g_strndup (text, len);
  if (!g_utf8_validate (label, -1, NULL))
    return TA_LABEL_NONE;
  return ta_event_mapping_ensure (mapping, label);
}

static TaEventMapping *
default_group_mapping (void)
{
  TaEventMapping *groups = ta_event_mapping_new ();

  /* attack_group_mapping.json of the original */
  ta_event_mapping_ensure (groups, "spambot - client compromise");
  ta_event_mapping_ensure (groups, "ddos");
  ta_event_mapping_ensure (groups, "c2-based");
  ta_event_mapping_ensure (groups, "post-phishing c2");
  ta_event_mapping_ensure (groups, "other");
  return groups;
}

static gboolean
check_free (const char  *path,
            gboolean     force,
            GError     **error)
{
  if (path == NULL || force || !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  g_set_error (error, TA_ERROR, TA_ERROR_EXISTS,
               _("%s already exists (use --force to replace it)"), path);
  return FALSE;
}

TaAttacksResult *
ta_attacks_run (const TaAttacksOptions  *options,
                TaAttacksProgressFunc    progress,
                gpointer                 progress_data,
                GCancellable            *cancellable,
                GError                 **error)
{
  g_autoptr(TaAttacksResult) result = g_new0 (TaAttacksResult, 1);
  g_autoptr(TaIpMap) ip_map = NULL;
  g_autoptr(TaEventMapping) events = NULL;
  g_autoptr(TaEventMapping) groups = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaLabeler) labeler = NULL;
  g_autoptr(TaAttackAgg) agg = NULL;
  g_autoptr(GArray) totals = NULL;
  TaReadStats stats;
  TaReaderConfig config = { 0 };
  guint n_files;
  gint64 last_progress = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (options != NULL, NULL);

  if (options->inputs == NULL || options->inputs[0] == NULL || options->out == NULL ||
      options->ip_map == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("needs input files, an IP map and an output file"));
      return NULL;
    }
  n_files = g_strv_length (options->inputs);
  result->messages = g_ptr_array_new_with_free_func (g_free);
  result->out = g_strdup (options->out);
  result->grouped_out = g_strdup (options->grouped_out);
  result->ip_map_out = ta_attacks_companion_path (options->out, TA_ATTACKS_COMPANION_IP_MAP);
  result->event_mapping_out = ta_attacks_companion_path (options->out, TA_ATTACKS_COMPANION_EVENT_MAPPING);
  if (options->grouped_out != NULL)
    result->group_mapping_out = ta_attacks_companion_path (options->out, TA_ATTACKS_COMPANION_GROUP_MAPPING);

  /* refuse before reading anything */
  if (!check_free (result->out, options->force, error) ||
      !check_free (result->grouped_out, options->force, error) ||
      !check_free (result->ip_map_out, options->force, error) ||
      !check_free (result->event_mapping_out, options->force, error) ||
      !check_free (result->group_mapping_out, options->force, error))
    return NULL;
  if (options->grouped_out != NULL && strcmp (options->grouped_out, options->out) == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("the grouped output must differ from the output"));
      return NULL;
    }

  if (g_file_test (options->ip_map, G_FILE_TEST_EXISTS))
    ip_map = ta_ip_map_load (options->ip_map, error);
  else
    ip_map = ta_ip_map_new ();
  if (ip_map == NULL)
    return NULL;
  agg = ta_attack_agg_new (addrs, ip_map);
  events = options->event_mapping ? ta_event_mapping_load (options->event_mapping, error)
                                  : ta_event_mapping_new ();
  if (events == NULL)
    return NULL;
  if (options->grouped_out != NULL)
    {
      groups = options->group_mapping ? ta_event_mapping_load (options->group_mapping, error)
                                      : default_group_mapping ();
      if (groups == NULL)
        return NULL;
    }
  if (options->ground_truth != NULL)
    {
      const GPtrArray *problems;

      gt = ta_ground_truth_load (options->ground_truth, cancellable, error);
      if (gt == NULL)
        return NULL;
      result->gt_events = ta_ground_truth_get_n_events (gt);
      result->gt_blank_rows = ta_ground_truth_get_n_blank (gt);
      result->gt_bad_rows = ta_ground_truth_get_n_bad (gt);
      problems = ta_ground_truth_get_problems (gt);
      for (guint i = 0; i < problems->len; i++)
        add_message (result, g_strdup (problems->pdata[i]));
      if (result->gt_bad_rows > problems->len)
        add_message (result, g_strdup_printf (_("%s: %llu more bad rows"),
                                              options->ground_truth,
                                              (unsigned long long) (result->gt_bad_rows - problems->len)));
      labeler = ta_labeler_new (gt, events, addrs);
    }

  ta_read_stats_init (&stats);
  config.addrs = addrs;
  config.ip_map = ip_map;
  config.stats = &stats;
  config.label_func = label_text_cb;
  config.label_data = events;

  for (guint f = 0; f < n_files; f++)
    {
      const char *path = options->inputs[f];
      g_autoptr(TaPacketReader) reader = NULL;
      g_autoptr(GError) local = NULL;
      TaPacket pkt;
      guint64 n = 0;

      if (progress != NULL)
        {
          TaAttacksProgress p = { f, n_files, path, 0, 0, ta_attack_agg_get_n_packets (agg),
                                  (double) f / n_files };

          progress (&p, progress_data);
          last_progress = g_get_monotonic_time ();
        }
      if (g_cancellable_is_cancelled (cancellable))
        break;
      reader = ta_packet_reader_open (path, &config, &local);
      if (reader == NULL)
        {
          add_message (result, g_strdup (local->message));
          result->n_files_failed++;
          continue;
        }
      while (ta_packet_reader_next (reader, &pkt, &local))
        {
          gint32 code = pkt.label;

          if (labeler != NULL)
            {
              gint32 g = ta_labeler_label (labeler, &pkt);

              if (g != TA_LABEL_NORMAL)
                code = g;
              else if (code >= 0)
                result->column_labelled++;
            }
          else if (code >= 0)
            result->column_labelled++;
          ta_attack_agg_add (agg, &pkt, code);

          if (G_UNLIKELY ((++n & 0xffff) == 0))
            {
              gint64 now;

              if (g_cancellable_is_cancelled (cancellable))
                break;
              now = g_get_monotonic_time ();
              if (progress != NULL && now - last_progress >= PROGRESS_INTERVAL_US)
                {
                  TaAttacksProgress p = { f, n_files, path,
                                          ta_packet_reader_get_file_position (reader),
                                          ta_packet_reader_get_file_size (reader),
                                          ta_attack_agg_get_n_packets (agg), 0 };

                  p.fraction = (f + (p.file_size ? (double) p.file_position / p.file_size : 0)) / n_files;
                  progress (&p, progress_data);
                  last_progress = now;
                }
            }
        }
      if (local != NULL)
        {
          result->n_files_failed++;
          add_message (result, g_strdup_printf (_("%s (%llu packets before it were kept)"),
                                                local->message, (unsigned long long) n));
          if (n == 0)
            continue;
        }
      result->n_files_read++;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  if (result->n_files_read == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_NO_INPUT,
                   _("no input could be read: %s"),
                   result->messages->len ? (char *) result->messages->pdata[result->messages->len - 1] : "");
      goto out;
    }

  if (!ta_attack_agg_write (agg, options->out, events, NULL, options->force, error))
    goto out;
  if (options->grouped_out != NULL &&
      !ta_attack_agg_write (agg, options->grouped_out, events, groups, options->force, error))
    goto out;
  result->new_ids = ta_attack_agg_get_n_new_ids (agg);
  if (!ta_ip_map_save (ip_map, result->ip_map_out, error) ||
      !ta_event_mapping_save (events, result->event_mapping_out, error) ||
      (groups != NULL && !ta_event_mapping_save (groups, result->group_mapping_out, error)))
    goto out;

  if (progress != NULL)
    {
      TaAttacksProgress p = { n_files, n_files, NULL, 0, 0, ta_attack_agg_get_n_packets (agg), 1.0 };

      progress (&p, progress_data);
    }

  result->packets = ta_attack_agg_get_n_packets (agg);
  result->rows = ta_attack_agg_get_n_rows (agg);
  result->malformed = stats.malformed;
  result->ts_units = stats.ts_units;
  /* labels the mapping lacked: from the column and from the ground truth */
  result->new_labels = ta_event_mapping_get_n_added (events);
  if (labeler != NULL)
    {
      result->gt_matched = ta_labeler_get_n_matched (labeler);
      result->ambiguous = ta_labeler_get_n_ambiguous (labeler);
      result->conflicting = ta_labeler_get_n_conflicting (labeler);
    }
  for (guint i = 0; i < stats.examples->len; i++)
    add_message (result, g_strdup (stats.examples->pdata[i]));
  for (guint i = 0; i < stats.warnings->len; i++)
    add_message (result, g_strdup (stats.warnings->pdata[i]));

  totals = ta_attack_agg_get_label_totals (agg);
  result->labels = g_array_sized_new (FALSE, FALSE, sizeof (TaAttacksLabelCount), totals->len);
  g_array_set_clear_func (result->labels, label_count_clear);
  for (guint i = 0; i < totals->len; i++)
    {
      const TaAggLabelTotal *t = &g_array_index (totals, TaAggLabelTotal, i);
      TaAttacksLabelCount c = { t->code, g_strdup (ta_event_mapping_get_label (events, t->code)), t->packets };

      if (t->code == TA_LABEL_NORMAL)
        result->normal = t->packets;
      g_array_append_val (result->labels, c);
    }
  ok = TRUE;

out:
  ta_read_stats_clear (&stats);
  return ok ? g_steal_pointer (&result) : NULL;
}

/* ------------------------------------------------------------------ async */

typedef struct
{
  gatomicrefcount        ref_count;
  GMainContext          *context;
  TaAttacksProgressFunc  func;
  gpointer               data;
  GDestroyNotify         destroy;
  GMutex                 lock;
  TaAttacksProgress      latest;
  char                  *file;
  gboolean               pending;
} Relay;

static Relay *
relay_ref (Relay *relay)
{
  g_atomic_ref_count_inc (&relay->ref_count);
  return relay;
}

/* Not g_main_context_invoke: from a GTask worker, whose thread-default
 * context is the global default, it may run the function right there */
static void
attach_idle (GMainContext   *context,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[timearcs] attacks progress");
  g_source_attach (source, context);
  g_source_unref (source);
}

static gboolean
relay_free_cb (gpointer data)
{
  Relay *relay = data;

  if (relay->destroy != NULL)
    relay->destroy (relay->data);
  g_main_context_unref (relay->context);
  g_mutex_clear (&relay->lock);
  g_free (relay->file);
  g_free (relay);
  return G_SOURCE_REMOVE;
}

static void
relay_unref (gpointer data)
{
  Relay *relay = data;

  if (!g_atomic_ref_count_dec (&relay->ref_count))
    return;
  /* the progress data belongs to the caller's context (a widget, say):
   * release it there, not in the worker that may drop the last ref */
  if (g_main_context_is_owner (relay->context))
    relay_free_cb (relay);
  else
    attach_idle (relay->context, relay_free_cb, relay, NULL);
}

static gboolean
relay_dispatch (gpointer data)
{
  Relay *relay = data;
  TaAttacksProgress p;
  g_autofree char *file = NULL;

  g_mutex_lock (&relay->lock);
  p = relay->latest;
  file = g_steal_pointer (&relay->file);
  relay->pending = FALSE;
  g_mutex_unlock (&relay->lock);
  p.file = file;
  relay->func (&p, relay->data);
  return G_SOURCE_REMOVE;
}

static void
relay_progress (const TaAttacksProgress *progress,
                gpointer                 user_data)
{
  Relay *relay = user_data;
  gboolean schedule;

  g_mutex_lock (&relay->lock);
  relay->latest = *progress;
  g_free (relay->file);
  relay->file = g_strdup (progress->file);
  schedule = !relay->pending;
  relay->pending = TRUE;
  g_mutex_unlock (&relay->lock);
  if (schedule)
    attach_idle (relay->context, relay_dispatch, relay_ref (relay), relay_unref);
}

typedef struct
{
  TaAttacksOptions *options;
  Relay            *relay;
} RunData;

static void
run_data_free (gpointer data)
{
  RunData *rd = data;

  ta_attacks_options_free (rd->options);
  if (rd->relay != NULL)
    relay_unref (rd->relay);
  g_free (rd);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *rd = task_data;
  GError *error = NULL;
  TaAttacksResult *result;

  result = ta_attacks_run (rd->options,
                           rd->relay ? relay_progress : NULL, rd->relay,
                           cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) ta_attacks_result_free);
}

void
ta_attacks_run_async (const TaAttacksOptions *options,
                      TaAttacksProgressFunc   progress,
                      gpointer                progress_data,
                      GDestroyNotify          progress_destroy,
                      GCancellable           *cancellable,
                      GAsyncReadyCallback     callback,
                      gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RunData *rd = g_new0 (RunData, 1);

  g_task_set_source_tag (task, ta_attacks_run_async);
  g_task_set_return_on_cancel (task, FALSE);
  rd->options = ta_attacks_options_copy (options);
  if (progress != NULL)
    {
      rd->relay = g_new0 (Relay, 1);
      g_atomic_ref_count_init (&rd->relay->ref_count);
      g_mutex_init (&rd->relay->lock);
      rd->relay->context = g_main_context_ref_thread_default ();
      rd->relay->func = progress;
      rd->relay->data = progress_data;
      rd->relay->destroy = progress_destroy;
    }
  else if (progress_destroy != NULL)
    progress_destroy (progress_data);
  g_task_set_task_data (task, rd, run_data_free);
  g_task_run_in_thread (task, run_thread);
}

TaAttacksResult *
ta_attacks_run_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ta_attacks_run_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
