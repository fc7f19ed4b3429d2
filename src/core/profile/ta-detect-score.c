/* ta-detect-score.c — findings against ground-truth events (see
 * ta-detect-score.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-detect-score.h"

static void
event_clear (gpointer p)
{
  TaScoreEvent *e = p;

  g_free (e->label);
  g_free (e->src);
  g_free (e->dst);
}

GArray *
ta_score_events_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (TaScoreEvent));

  g_array_set_clear_func (a, event_clear);
  return a;
}

static void
add_event (GArray     *events,
           const char *label,
           const char *src,
           const char *dst,
           gint64      start_us,
           gint64      end_us)
{
  TaScoreEvent e = { ta_finding_type_for_label (label), g_strdup (label), g_strdup (src),
                     g_strdup (dst), start_us, end_us };

  g_array_append_val (events, e);
}

void
ta_score_events_add_ground_truth (GArray        *events,
                                  TaGroundTruth *gt)
{
  const gint64 minute = G_GINT64_CONSTANT (60) * G_USEC_PER_SEC;

  for (guint i = 0; i < ta_ground_truth_get_n_events (gt); i++)
    {
      const TaGtEvent *e = ta_ground_truth_get_event (gt, i);

      add_event (events, ta_ground_truth_event_label (gt, e), ta_ground_truth_event_src (gt, e),
                 ta_ground_truth_event_dst (gt, e), e->start_min * minute, (e->stop_min + 1) * minute - 1);
    }
}

void
ta_score_events_add_mawilab (GArray    *events,
                             TaMawilab *labels)
{
  for (guint i = 0; i < ta_mawilab_get_n_events (labels); i++)
    {
      const TaMawilabEvent *e = ta_mawilab_get_event (labels, i);

      if (strcmp (e->label, "anomalous") == 0 || strcmp (e->label, "suspicious") == 0)
        add_event (events, e->taxonomy, e->src, e->dst, e->start_us, e->end_us);
    }
}

/* The names of a finding's addresses */
static GHashTable *
names_of (GArray      *addrs,
          TaAddrTable *table)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < addrs->len; i++)
    {
      const char *name = ta_addr_table_get_name (table, g_array_index (addrs, guint32, i));

      if (name != NULL)
        g_hash_table_add (set, (gpointer) name);
    }
  return set;
}

static gboolean
in_set (GHashTable *set,
        const char *addr)
{
  return addr == NULL || g_hash_table_contains (set, addr);
}

static gboolean
matches (const TaFinding    *f,
         GHashTable         *srcs,
         GHashTable         *dsts,
         const TaScoreEvent *e,
         gint64              slack_us)
{
  gint64 start = e->start_us == G_MININT64 ? G_MININT64 : e->start_us - slack_us;
  gint64 end = e->end_us == G_MAXINT64 ? G_MAXINT64 : e->end_us + slack_us;

  if (e->type != (gint) f->type || f->end_us < start || f->start_us > end)
    return FALSE;
  return (in_set (srcs, e->src) && in_set (dsts, e->dst)) ||
         (in_set (dsts, e->src) && in_set (srcs, e->dst));
}

void
ta_detect_score (const GPtrArray *findings,
                 TaAddrTable     *addrs,
                 GArray          *events,
                 gint64           slack_us,
                 TaDetectScore   *score)
{
  g_autofree gboolean *found = g_new0 (gboolean, MAX (events->len, 1));

  memset (score, 0, sizeof *score);
  for (guint j = 0; j < events->len; j++)
    {
      const TaScoreEvent *e = &g_array_index (events, TaScoreEvent, j);

      if (e->type < 0)
        score->n_events_untyped++;
      else
        score->types[e->type].n_events++;
    }
  for (guint i = 0; i < findings->len; i++)
    {
      const TaFinding *f = findings->pdata[i];
      g_autoptr(GHashTable) srcs = names_of (f->srcs, addrs);
      g_autoptr(GHashTable) dsts = names_of (f->dsts, addrs);
      gboolean any = FALSE;

      score->types[f->type].n_findings++;
      for (guint j = 0; j < events->len; j++)
        if (matches (f, srcs, dsts, &g_array_index (events, TaScoreEvent, j), slack_us))
          any = found[j] = TRUE;
      score->types[f->type].n_findings_matched += any;
    }
  for (guint j = 0; j < events->len; j++)
    {
      const TaScoreEvent *e = &g_array_index (events, TaScoreEvent, j);

      if (e->type >= 0 && found[j])
        score->types[e->type].n_events_found++;
    }
  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    {
      TaScoreType *s = &score->types[t];

      s->precision = s->n_findings > 0 ? (double) s->n_findings_matched / s->n_findings : -1;
      s->recall = s->n_events > 0 ? (double) s->n_events_found / s->n_events : -1;
    }
}
