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
#include "ta-out-target.h"
#include "ta-event-mapping.h"
#include "ta-ground-truth.h"
#include "ta-ip-map.h"
#include "ta-labeler.h"
#include "ta-packet-reader.h"
#include "ta-read-stats.h"

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

/* The files an attacks run reads, which it never replaces; with_maps FALSE
 * leaves out the IP map and the mappings: their companion copies extend
 * them and may be written over them in place */
static GPtrArray *
run_inputs (const TaAttacksOptions *o,
            gboolean                with_maps)
{
  GPtrArray *in = g_ptr_array_new ();

  for (guint i = 0; o->inputs && o->inputs[i]; i++)
    g_ptr_array_add (in, o->inputs[i]);
  if (o->ground_truth)
    g_ptr_array_add (in, o->ground_truth);
  if (with_maps && o->ip_map)
    g_ptr_array_add (in, o->ip_map);
  if (with_maps && o->event_mapping)
    g_ptr_array_add (in, o->event_mapping);
  if (with_maps && o->group_mapping)
    g_ptr_array_add (in, o->group_mapping);
  g_ptr_array_add (in, NULL);
  return in;
}

static gboolean
check_free (const char             *path,
            const TaAttacksOptions *o,
            gboolean                with_maps,
            GError                **error)
{
  g_autoptr(GPtrArray) in = NULL;

  if (path == NULL)
    return TRUE;
  in = run_inputs (o, with_maps);
  return ta_out_target_check_file (path, o->force, (const char * const *) in->pdata, error);
}

struct _TaAttacksJob
{
  TaJob             parent_instance;

  TaAttacksOptions *options;
  TaAttacksResult  *result;     /* after a successful run */
};

G_DEFINE_FINAL_TYPE (TaAttacksJob, ta_attacks_job, TA_TYPE_JOB)

/* What one run reads into */
typedef struct
{
  const TaAttacksOptions *options;
  TaAttacksResult        *result;
  TaIpMap                *ip_map;
  TaEventMapping         *events;
  TaEventMapping         *groups;
  TaGroundTruth          *gt;
  TaAddrTable            *addrs;
  TaLabeler              *labeler;
  TaAttackAgg            *agg;
  TaReadStats             stats;
  TaReaderConfig          config;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->result, ta_attacks_result_free);
  g_clear_pointer (&run->ip_map, ta_ip_map_free);
  g_clear_pointer (&run->events, ta_event_mapping_free);
  g_clear_pointer (&run->groups, ta_event_mapping_free);
  g_clear_pointer (&run->labeler, ta_labeler_free);
  g_clear_pointer (&run->gt, ta_ground_truth_unref);
  g_clear_pointer (&run->agg, ta_attack_agg_free);
  g_clear_pointer (&run->addrs, ta_addr_table_free);
  ta_read_stats_clear (&run->stats);
}

/* The outputs' names, and a refusal before anything is read */
static gboolean
plan_outputs (Run     *run,
              GError **error)
{
  const TaAttacksOptions *options = run->options;
  TaAttacksResult *result = run->result;

  if (options->inputs == NULL || options->inputs[0] == NULL || options->out == NULL ||
      options->ip_map == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("needs input files, an IP map and an output file"));
      return FALSE;
    }
  result->messages = g_ptr_array_new_with_free_func (g_free);
  result->out = g_strdup (options->out);
  result->grouped_out = g_strdup (options->grouped_out);
  result->ip_map_out = ta_attacks_companion_path (options->out, TA_ATTACKS_COMPANION_IP_MAP);
  result->event_mapping_out = ta_attacks_companion_path (options->out, TA_ATTACKS_COMPANION_EVENT_MAPPING);
  if (options->grouped_out != NULL)
    result->group_mapping_out = ta_attacks_companion_path (options->out, TA_ATTACKS_COMPANION_GROUP_MAPPING);

  if (!check_free (result->out, options, TRUE, error) ||
      !check_free (result->grouped_out, options, TRUE, error) ||
      !check_free (result->ip_map_out, options, FALSE, error) ||
      !check_free (result->event_mapping_out, options, FALSE, error) ||
      !check_free (result->group_mapping_out, options, FALSE, error))
    return FALSE;
  if (options->grouped_out != NULL && strcmp (options->grouped_out, options->out) == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("the grouped output must differ from the output"));
      return FALSE;
    }
  return TRUE;
}

/* The IP map, the mappings and the ground truth */
static gboolean
load_mappings (Run           *run,
               GCancellable  *cancellable,
               GError       **error)
{
  const TaAttacksOptions *options = run->options;
  TaAttacksResult *result = run->result;

  if (g_file_test (options->ip_map, G_FILE_TEST_EXISTS))
    run->ip_map = ta_ip_map_load (options->ip_map, error);
  else
    run->ip_map = ta_ip_map_new ();
  if (run->ip_map == NULL)
    return FALSE;
  run->agg = ta_attack_agg_new (run->addrs, run->ip_map);
  run->events = options->event_mapping ? ta_event_mapping_load (options->event_mapping, error)
                                       : ta_event_mapping_new ();
  if (run->events == NULL)
    return FALSE;
  if (options->grouped_out != NULL)
    {
      run->groups = options->group_mapping ? ta_event_mapping_load (options->group_mapping, error)
                                           : default_group_mapping ();
      if (run->groups == NULL)
        return FALSE;
    }
  if (options->ground_truth != NULL)
    {
      const GPtrArray *problems;

      run->gt = ta_ground_truth_load (options->ground_truth, cancellable, error);
      if (run->gt == NULL)
        return FALSE;
      result->gt_events = ta_ground_truth_get_n_events (run->gt);
      result->gt_blank_rows = ta_ground_truth_get_n_blank (run->gt);
      result->gt_bad_rows = ta_ground_truth_get_n_bad (run->gt);
      problems = ta_ground_truth_get_problems (run->gt);
      for (guint i = 0; i < problems->len; i++)
        add_message (result, g_strdup (problems->pdata[i]));
      if (result->gt_bad_rows > problems->len)
        add_message (result, g_strdup_printf (_("%s: %llu more bad rows"),
                                              options->ground_truth,
                                              (unsigned long long) (result->gt_bad_rows - problems->len)));
      run->labeler = ta_labeler_new (run->gt, run->events, run->addrs);
    }
  return TRUE;
}

/* Labels and aggregates every packet of input @f. Progress: packets so
 * far, the fraction over all files (each counts the same), the file. */
static void
read_input (TaJob        *job,
            Run          *run,
            guint         f,
            GCancellable *cancellable)
{
  const char *path = run->options->inputs[f];
  guint n_files = g_strv_length (run->options->inputs);
  TaAttacksResult *result = run->result;
  g_autoptr(TaPacketReader) reader = NULL;
  g_autoptr(GError) local = NULL;
  TaPacket pkt;
  guint64 n = 0;

  ta_job_report (job, ta_attack_agg_get_n_packets (run->agg), 0, (double) f / n_files, path);
  reader = ta_packet_reader_open (path, &run->config, &local);
  if (reader == NULL)
    {
      add_message (result, g_strdup (local->message));
      result->n_files_failed++;
      return;
    }
  while (ta_packet_reader_next (reader, &pkt, &local))
    {
      gint32 code = pkt.label;

      if (run->labeler != NULL)
        {
          gint32 g = ta_labeler_label (run->labeler, &pkt);

          if (g != TA_LABEL_NORMAL)
            code = g;
          else if (code >= 0)
            result->column_labelled++;
        }
      else if (code >= 0)
        result->column_labelled++;
      ta_attack_agg_add (run->agg, &pkt, code);

      if (G_UNLIKELY ((++n & 0xffff) == 0))
        {
          if (g_cancellable_is_cancelled (cancellable))
            break;
          if (ta_job_report_due (job))
            {
              guint64 position = ta_packet_reader_get_file_position (reader);
              guint64 size = ta_packet_reader_get_file_size (reader);

              ta_job_report (job, ta_attack_agg_get_n_packets (run->agg), 0,
                             (f + (size ? (double) position / size : 0)) / n_files, path);
            }
        }
    }
  if (local != NULL)
    {
      result->n_files_failed++;
      add_message (result, g_strdup_printf (_("%s (%llu packets before it were kept)"),
                                            local->message, (unsigned long long) n));
      if (n == 0)
        return;
    }
  result->n_files_read++;
}

/* The counts of a successful run */
static void
fill_result (Run *run)
{
  TaAttacksResult *result = run->result;
  g_autoptr(GArray) totals = NULL;

  result->packets = ta_attack_agg_get_n_packets (run->agg);
  result->rows = ta_attack_agg_get_n_rows (run->agg);
  result->malformed = run->stats.malformed;
  result->truncated = run->stats.truncated;
  result->ts_units = run->stats.ts_units;
  /* labels the mapping lacked: from the column and from the ground truth */
  result->new_labels = ta_event_mapping_get_n_added (run->events);
  if (run->labeler != NULL)
    {
      result->gt_matched = ta_labeler_get_n_matched (run->labeler);
      result->ambiguous = ta_labeler_get_n_ambiguous (run->labeler);
      result->conflicting = ta_labeler_get_n_conflicting (run->labeler);
    }
  for (guint i = 0; i < run->stats.examples->len; i++)
    add_message (result, g_strdup (run->stats.examples->pdata[i]));
  for (guint i = 0; i < run->stats.warnings->len; i++)
    add_message (result, g_strdup (run->stats.warnings->pdata[i]));

  totals = ta_attack_agg_get_label_totals (run->agg);
  result->labels = g_array_sized_new (FALSE, FALSE, sizeof (TaAttacksLabelCount), totals->len);
  g_array_set_clear_func (result->labels, label_count_clear);
  for (guint i = 0; i < totals->len; i++)
    {
      const TaAggLabelTotal *t = &g_array_index (totals, TaAggLabelTotal, i);
      TaAttacksLabelCount c = { t->code, g_strdup (ta_event_mapping_get_label (run->events, t->code)), t->packets };

      if (t->code == TA_LABEL_NORMAL)
        result->normal = t->packets;
      g_array_append_val (result->labels, c);
    }
}

static gboolean
ta_attacks_job_run (TaJob         *job,
                    GCancellable  *cancellable,
                    GError       **error)
{
  TaAttacksJob *self = TA_ATTACKS_JOB (job);
  const TaAttacksOptions *options = self->options;
  Run run = { .options = options };
  gboolean ok = FALSE;
  guint n_files;

  run.result = g_new0 (TaAttacksResult, 1);
  run.addrs = ta_addr_table_new ();
  ta_read_stats_init (&run.stats);
  if (!plan_outputs (&run, error) || !load_mappings (&run, cancellable, error))
    goto out;

  run.config.addrs = run.addrs;
  run.config.ip_map = run.ip_map;
  run.config.stats = &run.stats;
  run.config.label_func = label_text_cb;
  run.config.label_data = run.events;

  n_files = g_strv_length (options->inputs);
  for (guint f = 0; f < n_files && !g_cancellable_is_cancelled (cancellable); f++)
    read_input (job, &run, f, cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  if (run.result->n_files_read == 0)
    {
      GPtrArray *messages = run.result->messages;

      g_set_error (error, TA_ERROR, TA_ERROR_NO_INPUT,
                   _("no input could be read: %s"),
                   messages->len ? (char *) messages->pdata[messages->len - 1] : "");
      goto out;
    }

  if (!ta_attack_agg_write (run.agg, options->out, run.events, NULL, options->force, error))
    goto out;
  if (options->grouped_out != NULL &&
      !ta_attack_agg_write (run.agg, options->grouped_out, run.events, run.groups, options->force, error))
    goto out;
  run.result->new_ids = ta_attack_agg_get_n_new_ids (run.agg);
  if (!ta_ip_map_save (run.ip_map, run.result->ip_map_out, error) ||
      !ta_event_mapping_save (run.events, run.result->event_mapping_out, error) ||
      (run.groups != NULL && !ta_event_mapping_save (run.groups, run.result->group_mapping_out, error)))
    goto out;

  ta_job_report (job, ta_attack_agg_get_n_packets (run.agg), 0, 1.0, NULL);
  fill_result (&run);
  self->result = g_steal_pointer (&run.result);
  ok = TRUE;

out:
  run_clear (&run);
  return ok;
}

static void
ta_attacks_job_finalize (GObject *object)
{
  TaAttacksJob *self = (TaAttacksJob *) object;

  ta_attacks_options_free (self->options);
  g_clear_pointer (&self->result, ta_attacks_result_free);

  G_OBJECT_CLASS (ta_attacks_job_parent_class)->finalize (object);
}

static void
ta_attacks_job_class_init (TaAttacksJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ta_attacks_job_finalize;
  TA_JOB_CLASS (klass)->run = ta_attacks_job_run;
}

static void
ta_attacks_job_init (TaAttacksJob *self)
{
}

TaAttacksJob *
ta_attacks_job_new (const TaAttacksOptions *options)
{
  TaAttacksJob *self;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (TA_TYPE_ATTACKS_JOB, NULL);
  self->options = ta_attacks_options_copy (options);
  return self;
}

const TaAttacksOptions *
ta_attacks_job_get_options (TaAttacksJob *self)
{
  g_return_val_if_fail (TA_IS_ATTACKS_JOB (self), NULL);
  return self->options;
}

const TaAttacksResult *
ta_attacks_job_get_result (TaAttacksJob *self)
{
  g_return_val_if_fail (TA_IS_ATTACKS_JOB (self), NULL);
  return self->result;
}

TaAttacksResult *
ta_attacks_job_steal_result (TaAttacksJob *self)
{
  g_return_val_if_fail (TA_IS_ATTACKS_JOB (self), NULL);
  return g_steal_pointer (&self->result);
}

TaAttacksResult *
ta_attacks_run (const TaAttacksOptions  *options,
                GError                 **error)
{
  g_autoptr(TaAttacksJob) job = NULL;

  g_return_val_if_fail (options != NULL, NULL);

  job = ta_attacks_job_new (options);
  if (!ta_job_run (TA_JOB (job), error))
    return NULL;
  return ta_attacks_job_steal_result (job);
}
