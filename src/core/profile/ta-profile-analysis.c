/* ta-profile-analysis.c — what the profile computes per connection beyond
 * conn.log: packet statistics while it is open (ta-flow-stats), and when it
 * ends the validation checklist (validated.csv), the IAT/size sequences
 * (sequences.jsonl, inflow/, outflow/), its feature row (features.csv) and,
 * at the end, its anomaly score (anomaly.csv) from an isolation forest
 * trained on the features' reservoir sample and scored in the pass that
 * writes features.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "ta-json.h"
#include "ta-profile-private.h"

static TaOut *
open_in (const char  *dir,
         const char  *name,
         GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return ta_out_open (path, TA_OUT_IN_PLACE, 0, error);
}

gboolean
ta_profile_analysis_init (TaProfile  *self,
                          GError    **error)
{
  TaProfileAnalysis *a = &self->analysis;
  TaSequencesOptions sopts = { 0 };

  if (self->options.relays != NULL && *self->options.relays != '\0')
    {
      a->relays = ta_relay_set_load (self->options.relays, error);
      if (a->relays == NULL)
        return FALSE;
      a->tagger = ta_relay_tagger_new (a->relays, self->addrs);
    }
  if (self->options.no_analysis)
    return TRUE;
  a->stats = ta_flow_stats_table_new (NULL);
  a->validator = ta_validator_new ();
  a->validated = open_in (self->dir, "validated.csv", error);
  if (a->validated == NULL)
    return FALSE;
  ta_validated_write_header (a->validated);
  sopts.min_packets = self->options.min_packets;
  /* RECTor's per-flow files only when asked for: thousands of small files
   * in every subset folder cost more than they give, and sequences.jsonl
   * holds the same sequences */
  sopts.no_flow_files = self->options.flow_files == 0;
  sopts.max_flow_files = self->options.flow_files;
  a->sequences = ta_sequences_writer_new (self->dir, &sopts, error);
  if (a->sequences == NULL)
    return FALSE;
  a->detector = ta_detector_new (NULL);
  a->features = ta_features_new (self->dir, NULL, error);
  return a->features != NULL;
}

void
ta_profile_analysis_add_packet (TaProfile      *self,
                                const TaConn   *conn,
                                const TaPacket *pkt,
                                gboolean        from_orig)
{
  if (self->analysis.stats != NULL)
    ta_flow_stats_add (self->analysis.stats, conn, pkt, from_orig);
}

void
ta_profile_analysis_conn_done (TaProfile    *self,
                               const TaConn *c)
{
  TaProfileAnalysis *a = &self->analysis;
  const TaFlowStats *stats;
  TaValidation v;
  char uid[20];

  if (a->tagger != NULL)
    ta_relay_tagger_add_conn (a->tagger, c);
  if (a->stats == NULL)
    return;
  stats = ta_flow_stats_lookup (a->stats, c->id);
  ta_conn_uid (c->id, uid);
  ta_validate_conn (a->validator, c, self->addrs, &v);
  ta_validated_write_row (a->validated, c, uid, self->addrs, &v);
  ta_features_add (a->features, c, stats);
  ta_detector_add_conn (a->detector, c);
  ta_sequences_writer_add (a->sequences, c, stats, self->addrs);
  ta_flow_stats_release (a->stats, c->id);
}

/* ---- the anomaly scores ---------------------------------------------------- */

typedef struct
{
  TaProfile *self;
  TaOut     *out;
} ScoreRun;

static void
score_row (guint64       conn_id,
           const double *row,
           guint         n_cols,
           gpointer      user_data)
{
  ScoreRun *run = user_data;
  TaProfileAnalysis *a = &run->self->analysis;
  double score = ta_iforest_score (a->forest, row);
  char uid[20];

  ta_conn_uid (conn_id, uid);
  ta_iforest_summary_add (a->scores, conn_id, score);
  ta_out_printf (run->out, "%" G_GUINT64_FORMAT ",%s,%.6f\n", conn_id, uid, score);
}

static gboolean
write_features_and_scores (TaProfile  *self,
                           GError    **error)
{
  TaProfileAnalysis *a = &self->analysis;
  TaIforestOptions fopts = { .seed = 20081215 };  /* fixed: the same input gives the same scores */
  ScoreRun run = { self, NULL };
  const double *sample;
  guint n_sample = 0;

  a->scores = ta_iforest_summary_new (0, self->options.anomaly_threshold, 0);
  if (!ta_features_fit (a->features, error))
    return FALSE;
  sample = ta_features_get_sample (a->features, &n_sample);
  if (n_sample > 0 && ta_features_get_n_kept (a->features) > 0)
    a->forest = ta_iforest_fit_rows (sample, n_sample, ta_features_get_n_kept (a->features), &fopts);
  run.out = open_in (self->dir, "anomaly.csv", error);
  if (run.out == NULL)
    return FALSE;
  ta_out_puts (run.out, "conn_id,uid,score\n");
  if (!ta_features_finish (a->features, a->forest ? score_row : NULL, &run, error))
    {
      ta_out_abandon (run.out);
      return FALSE;
    }
  return ta_out_commit_file (run.out, error);
}

gboolean
ta_profile_analysis_finish (TaProfile  *self,
                            GError    **error)
{
  TaProfileAnalysis *a = &self->analysis;
  TaOut *summary;

  if (a->tagger != NULL)
    {
      TaOut *out = open_in (self->dir, "relays.csv", error);

      if (out == NULL)
        return FALSE;
      ta_relay_tagger_write (a->tagger, out);
      if (!ta_out_commit_file (out, error))
        return FALSE;
    }
  if (a->stats == NULL)
    return TRUE;
  if (!ta_out_commit_file (g_steal_pointer (&a->validated), error))
    return FALSE;
  summary = open_in (self->dir, "validation_summary.csv", error);
  if (summary == NULL)
    return FALSE;
  ta_validator_write_summary (a->validator, summary);
  if (!ta_out_commit_file (summary, error) ||
      !ta_sequences_writer_finish (a->sequences, error) ||
      !ta_detector_finish (a->detector, self->addrs, self->dir, error))
    return FALSE;
  return write_features_and_scores (self, error);
}

/* profile.json: "findings", by type, and the first twenty */
static void
append_findings (TaProfile *self,
                 GString   *s)
{
  const GPtrArray *f = ta_detector_get_findings (self->analysis.detector);
  guint by_type[TA_FINDING_N_TYPES] = { 0 };

  for (guint i = 0; i < f->len; i++)
    by_type[((const TaFinding *) g_ptr_array_index (f, i))->type]++;
  g_string_append_printf (s, "  \"findings\": {\"total\": %u, \"by_type\": {", f->len);
  for (guint t = 0, n = 0; t < TA_FINDING_N_TYPES; t++)
    if (by_type[t] > 0)
      g_string_append_printf (s, "%s\"%s\": %u", n++ ? ", " : "", ta_finding_type_id (t), by_type[t]);
  g_string_append (s, "}, \"first\": [");
  for (guint i = 0; i < MIN (f->len, 20); i++)
    {
      const TaFinding *x = g_ptr_array_index (f, i);

      g_string_append_printf (s, "%s{\"type\": \"%s\", \"label\": ", i ? ", " : "",
                              ta_finding_type_id (x->type));
      ta_json_append_string (s, x->mawilab);
      g_string_append_printf (s, ", \"start_us\": %" G_GINT64_FORMAT ", \"end_us\": %" G_GINT64_FORMAT
                              ", \"connections\": %" G_GUINT64_FORMAT ", \"evidence\": ",
                              x->start_us, x->end_us, x->conns);
      ta_json_append_string (s, x->evidence);
      g_string_append_c (s, '}');
    }
  g_string_append (s, "]},\n");
}

/* profile.json: "validation" and "anomaly" */
void
ta_profile_analysis_append_json (TaProfile *self,
                                 GString   *s)
{
  TaProfileAnalysis *a = &self->analysis;
  g_autofree TaIforestScored *top = NULL;
  const guint64 *hist;
  guint n_bins = 0, n_top = 0;

  if (a->tagger != NULL)
    {
      TaRelaySummary rs;

      ta_relay_tagger_get_summary (a->tagger, &rs);
      g_string_append (s, "  \"relays\": {\"snapshot_published\": ");
      if (ta_relay_set_get_published (a->relays) != NULL)
        ta_json_append_string (s, ta_relay_set_get_published (a->relays));
      else
        g_string_append (s, "null");
      g_string_append_printf (s, ", \"relays_in_snapshot\": %u, \"relays_seen\": %u, \"connections\": %"
                              G_GUINT64_FORMAT ", \"bytes\": %" G_GUINT64_FORMAT ", \"roles\": {",
                              ta_relay_set_get_n_relays (a->relays), rs.relays, rs.connections, rs.bytes);
      for (guint i = 0; i < TA_RELAY_N_ROLES; i++)
        g_string_append_printf (s, "%s\"%s\": {\"addresses\": %u, \"connections\": %" G_GUINT64_FORMAT
                                ", \"bytes\": %" G_GUINT64_FORMAT ", \"bandwidth\": %" G_GUINT64_FORMAT "}",
                                i ? ", " : "", ta_relay_role_name (i), rs.roles[i].addresses,
                                rs.roles[i].connections, rs.roles[i].bytes, rs.roles[i].bandwidth);
      g_string_append (s, "}},\n");
    }
  if (a->stats == NULL || a->scores == NULL)
    return;
  g_string_append_printf (s, "  \"validation\": {\"connections\": %" G_GUINT64_FORMAT
                          ", \"valid\": %" G_GUINT64_FORMAT ", \"valid_with_warnings\": %"
                          G_GUINT64_FORMAT ", \"failed\": {",
                          ta_validator_get_n_conns (a->validator), ta_validator_get_n_valid (a->validator),
                          ta_validator_get_n_warned (a->validator));
  for (guint i = 0, n = 0; i < TA_CHECK_N; i++)
    {
      guint64 count = ta_validator_get_count (a->validator, i);

      if (count > 0)
        g_string_append_printf (s, "%s\"%s\": %" G_GUINT64_FORMAT, n++ ? ", " : "",
                                ta_check_get_info (i)->name, count);
    }
  g_string_append_printf (s, "}},\n  \"sequences\": {\"connections\": %" G_GUINT64_FORMAT
                          ", \"flow_files\": %" G_GUINT64_FORMAT ", \"flow_files_skipped\": %"
                          G_GUINT64_FORMAT "},\n",
                          ta_sequences_writer_get_n_written (a->sequences),
                          ta_sequences_writer_get_n_flow_files (a->sequences),
                          ta_sequences_writer_get_n_files_skipped (a->sequences));
  hist = ta_iforest_summary_histogram (a->scores, &n_bins);
  g_string_append_printf (s, "  \"anomaly\": {\"method\": \"isolation forest\", \"trees\": %u, "
                          "\"subsample\": %u, \"features\": %u, \"threshold\": %.3f, "
                          "\"scored\": %" G_GUINT64_FORMAT ", \"above\": %" G_GUINT64_FORMAT
                          ", \"share_above\": %.6f, \"histogram\": [",
                          a->forest ? ta_iforest_n_trees (a->forest) : 0,
                          a->forest ? ta_iforest_subsample (a->forest) : 0,
                          ta_features_get_n_kept (a->features),
                          ta_iforest_summary_threshold (a->scores), ta_iforest_summary_n (a->scores),
                          ta_iforest_summary_n_above (a->scores),
                          ta_iforest_summary_share_above (a->scores));
  for (guint i = 0; i < n_bins; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? ", " : "", hist[i]);
  g_string_append (s, "], \"top\": [");
  top = ta_iforest_summary_top (a->scores, &n_top);
  for (guint i = 0; i < n_top; i++)
    {
      char uid[20];

      ta_conn_uid (top[i].id, uid);
      g_string_append_printf (s, "%s{\"conn_id\": %" G_GUINT64_FORMAT ", \"uid\": \"%s\", \"score\": %.6f}",
                              i ? ", " : "", top[i].id, uid, top[i].score);
    }
  g_string_append (s, "]},\n");
  append_findings (self, s);
}

guint
ta_profile_analysis_n_findings (TaProfile *self)
{
  return self->analysis.detector ? ta_detector_get_findings (self->analysis.detector)->len : 0;
}

guint64
ta_profile_analysis_n_above (TaProfile *self)
{
  return self->analysis.scores ? ta_iforest_summary_n_above (self->analysis.scores) : 0;
}

void
ta_profile_analysis_clear (TaProfile *self)
{
  TaProfileAnalysis *a = &self->analysis;

  ta_out_abandon (g_steal_pointer (&a->validated));
  g_clear_pointer (&a->stats, ta_flow_stats_table_free);
  g_clear_pointer (&a->validator, ta_validator_free);
  g_clear_pointer (&a->sequences, ta_sequences_writer_free);
  g_clear_pointer (&a->features, ta_features_free);
  g_clear_pointer (&a->forest, ta_iforest_free);
  g_clear_pointer (&a->scores, ta_iforest_summary_free);
  g_clear_pointer (&a->tagger, ta_relay_tagger_free);
  g_clear_pointer (&a->detector, ta_detector_free);
  g_clear_pointer (&a->relays, ta_relay_set_free);
}
