/* ta-detect-series.c — the detectors that look past one window: beaconing
 * (the gaps between a pair's connection starts, Welford's running mean and
 * variance) and alpha flows (connections far above the byte distribution,
 * kept as candidates and judged at the end against a log histogram); the
 * type names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ta-detect-private.h"

#define SUB_BUCKETS 8                  /* per octave */
#define N_BUCKETS (64 * SUB_BUCKETS + 1)
#define MAX_CANDIDATES 65536

typedef struct
{
  DetKey      key;
  gint64      first_us;
  gint64      last_start;
  gint64      last_us;
  guint64     n;
  guint64     n_gaps;
  double      mean;          /* of the gaps, µs */
  double      m2;
  guint64     pkts;
  guint64     bytes;
  GHashTable *rows;
} Beacon;

struct _DetSeries
{
  const TaDetectOptions *o;
  TaDetector            *detector;
  GHashTable            *beacons;   /* DetKey* (in Beacon) -> Beacon* */
  GArray                *alpha;     /* TaConn candidates */
  guint64                hist[N_BUCKETS];
  guint64                n_conns;
  gint64                 next_sweep;
};

static void
beacon_free (gpointer p)
{
  Beacon *b = p;

  g_clear_pointer (&b->rows, g_hash_table_unref);
  g_free (b);
}

DetSeries *
det_series_new (const TaDetectOptions *options,
                TaDetector            *detector)
{
  DetSeries *self = g_new0 (DetSeries, 1);

  self->o = options;
  self->detector = detector;
  self->beacons = g_hash_table_new_full (det_key_hash, det_key_equal, NULL, beacon_free);
  self->alpha = g_array_new (FALSE, FALSE, sizeof (TaConn));
  self->next_sweep = G_MININT64;
  return self;
}

void
det_series_free (DetSeries *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->beacons);
  g_array_unref (self->alpha);
  g_free (self);
}

static guint
bucket_of (guint64 bytes)
{
  if (bytes == 0)
    return 0;
  return MIN (1 + (guint) floor (log2 ((double) bytes) * SUB_BUCKETS), N_BUCKETS - 1);
}

static double
bucket_low (guint b)
{
  return b == 0 ? 0 : exp2 ((double) (b - 1) / SUB_BUCKETS);
}

static void
beacon_add (DetSeries    *self,
            const TaConn *c)
{
  guint16 port = c->proto == 1 || c->proto == 58 ? c->orig_p : c->resp_p;
  DetKey key = { c->orig, c->resp, port, c->proto, KIND_BEACON };
  Beacon *b = g_hash_table_lookup (self->beacons, &key);

  if (b == NULL)
    {
      b = g_new0 (Beacon, 1);
      b->key = key;
      b->first_us = c->ts_first;
      b->last_start = c->ts_first;
      b->rows = det_rows_new ();
      g_hash_table_insert (self->beacons, &b->key, b);
    }
  else if (c->ts_first >= b->last_start)
    {
      double gap = (double) (c->ts_first - b->last_start), d = gap - b->mean;

      b->n_gaps++;
      b->mean += d / (double) b->n_gaps;
      b->m2 += d * (gap - b->mean);
      b->last_start = c->ts_first;
    }
  b->n++;
  b->first_us = MIN (b->first_us, c->ts_first);
  b->last_us = MAX (b->last_us, c->ts_last);
  b->pkts += c->orig_pkts + c->resp_pkts;
  b->bytes += c->orig_ip_bytes + c->resp_ip_bytes;
  det_rows_add_conn (b->rows, c, NULL);
}

void
det_series_add (DetSeries    *self,
                const TaConn *c)
{
  guint64 bytes = c->orig_bytes + c->resp_bytes;

  self->n_conns++;
  self->hist[bucket_of (bytes)]++;
  if (bytes >= self->o->alpha_min_bytes && self->alpha->len < MAX_CANDIDATES)
    g_array_append_val (self->alpha, *c);
  beacon_add (self, c);
}

static void
beacon_judge (DetSeries *self,
              Beacon    *b)
{
  const TaDetectOptions *o = self->o;
  double sd, cv;
  DetFinding *f;

  if (b->n < o->beacon_min_conns || b->n_gaps + 1 < o->beacon_min_conns ||
      b->mean < (double) o->beacon_min_gap_us)
    return;
  sd = sqrt (b->m2 / (double) MAX (b->n_gaps - 1, 1));
  cv = sd / b->mean;
  if (cv > o->beacon_max_cv)
    return;
  f = det_finding_new (TA_FINDING_BEACONING, &b->key, 0);
  f->pub.mawilab = g_strdup ("point_to_point_periodic");
  f->pub.evidence = g_strdup_printf ("conns=%" G_GUINT64_FORMAT " mean_gap_s=%.1f cv=%.3f", b->n,
                                     b->mean / 1e6, cv);
  f->pub.start_us = b->first_us;
  f->pub.end_us = b->last_us;
  f->pub.conns = b->n;
  f->pub.pkts = b->pkts;
  f->pub.bytes = b->bytes;
  det_set_add (f->srcs, b->key.a);
  det_set_add (f->dsts, b->key.b);
  det_set_add (f->ports, b->key.port);
  f->rows = g_steal_pointer (&b->rows);
  det_detector_emit (self->detector, f);
}

void
det_series_sweep (DetSeries *self,
                  gint64     now,
                  gboolean   all)
{
  GHashTableIter it;
  gpointer v;

  if (!all && now < self->next_sweep)
    return;
  self->next_sweep = now + self->o->beacon_idle_us / 4;
  g_hash_table_iter_init (&it, self->beacons);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      Beacon *b = v;

      if (all || b->last_us + self->o->beacon_idle_us < now)
        {
          beacon_judge (self, b);
          g_hash_table_iter_remove (&it);
        }
    }
}

static double
quantile (DetSeries *self,
          double     q)
{
  guint64 want = (guint64) ceil (q * (double) self->n_conns), seen = 0;

  for (guint b = 0; b < N_BUCKETS; b++)
    {
      seen += self->hist[b];
      if (seen >= MAX (want, 1))
        return bucket_low (b);
    }
  return 0;
}

void
det_series_finish (DetSeries *self)
{
  const TaDetectOptions *o = self->o;
  double median, pq, limit;

  if (self->n_conns == 0)
    return;
  median = quantile (self, 0.5);
  pq = quantile (self, o->alpha_quantile);
  limit = MAX (MAX (o->alpha_median_factor * median, pq), (double) o->alpha_min_bytes);
  for (guint i = 0; i < self->alpha->len; i++)
    {
      const TaConn *c = &g_array_index (self->alpha, TaConn, i);
      guint64 bytes = c->orig_bytes + c->resp_bytes;
      DetKey key = { c->orig, c->resp, c->resp_p, c->proto, KIND_ALPHA };
      DetFinding *f;

      if ((double) bytes < limit)
        continue;
      f = det_finding_new (TA_FINDING_ALPHA_FLOW, &key, (gint64) c->id);
      f->pub.mawilab = g_strdup (c->resp_p == 80 ? "alpha_flow_HTTP" : "alpha_flow");
      f->pub.evidence = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT " median=%.0f p%.1f=%.0f limit=%.0f",
                                         bytes, median, o->alpha_quantile * 100, pq, limit);
      f->pub.start_us = c->ts_first;
      f->pub.end_us = c->ts_last;
      f->pub.conns = 1;
      f->pub.pkts = c->orig_pkts + c->resp_pkts;
      f->pub.bytes = c->orig_ip_bytes + c->resp_ip_bytes;
      det_set_add (f->srcs, c->orig);
      det_set_add (f->dsts, c->resp);
      det_set_add (f->ports, c->resp_p);
      f->rows = det_rows_new ();
      det_rows_add_conn (f->rows, c, NULL);
      det_detector_emit (self->detector, f);
    }
}

guint
det_series_get_n_keys (DetSeries *self)
{
  return g_hash_table_size (self->beacons);
}

/* ---- type names ------------------------------------------------------------ */

static const struct
{
  const char *id;
  const char *label;
} types[TA_FINDING_N_TYPES] = {
  [TA_FINDING_NETWORK_SCAN] = { "network_scan", N_("network scan") },
  [TA_FINDING_PORT_SCAN] = { "port_scan", N_("port scan") },
  [TA_FINDING_DDOS] = { "ddos", N_("ddos (multipoint to point)") },
  [TA_FINDING_PING_FLOOD] = { "ping_flood", N_("ping flood") },
  [TA_FINDING_BRUTE_FORCE] = { "brute_force", N_("brute force") },
  [TA_FINDING_BEACONING] = { "beaconing", N_("c2 beaconing (periodic)") },
  [TA_FINDING_ALPHA_FLOW] = { "alpha_flow", N_("alpha flow (heavy hitter)") },
  [TA_FINDING_SPAM] = { "spam", N_("spam (point to multipoint smtp)") },
};

const char *
ta_finding_type_id (TaFindingType type)
{
  g_return_val_if_fail (type < TA_FINDING_N_TYPES, "unknown");
  return types[type].id;
}

const char *
ta_finding_type_label (TaFindingType type)
{
  g_return_val_if_fail (type < TA_FINDING_N_TYPES, "unknown");
  return types[type].label;
}

const char *
ta_finding_type_display (TaFindingType type)
{
  return _(ta_finding_type_label (type));
}

/* Label words, first match wins: MAWILab taxonomy prefixes, then words of
 * other ground truths (the demo's, the day-1 file's) */
static const struct
{
  const char   *word;
  gboolean      prefix;
  TaFindingType type;
} words[] = {
  { "point_to_point_port_scan", TRUE, TA_FINDING_PORT_SCAN },
  { "small_point_to_point_port_scan", TRUE, TA_FINDING_PORT_SCAN },
  { "point_to_point_denial_of_service_icmp", TRUE, TA_FINDING_PING_FLOOD },
  { "small_point_to_point_denial_of_service_icmp", TRUE, TA_FINDING_PING_FLOOD },
  { "distributed_denial_of_service_icmp", TRUE, TA_FINDING_PING_FLOOD },
  { "network_scan", TRUE, TA_FINDING_NETWORK_SCAN },
  { "small_network_scan", TRUE, TA_FINDING_NETWORK_SCAN },
  { "distributed_denial_of_service", TRUE, TA_FINDING_DDOS },
  { "point_to_point_denial_of_service", TRUE, TA_FINDING_DDOS },
  { "multipoint_to_point", TRUE, TA_FINDING_DDOS },
  { "alpha_flow", TRUE, TA_FINDING_ALPHA_FLOW },
  { "small_alpha_flow", TRUE, TA_FINDING_ALPHA_FLOW },
  { "heavy_hitter", TRUE, TA_FINDING_ALPHA_FLOW },
  { "point_to_multipoint", TRUE, TA_FINDING_SPAM },
  { "point_to_point_brute_force", TRUE, TA_FINDING_BRUTE_FORCE },
  { "point_to_point_periodic", TRUE, TA_FINDING_BEACONING },
  { "horizontal", FALSE, TA_FINDING_NETWORK_SCAN },
  { "vertical", FALSE, TA_FINDING_PORT_SCAN },
  { "ping flood", FALSE, TA_FINDING_PING_FLOOD },
  { "icmp flood", FALSE, TA_FINDING_PING_FLOOD },
  { "ddos", FALSE, TA_FINDING_DDOS },
  { "flood", FALSE, TA_FINDING_DDOS },
  { "brute", FALSE, TA_FINDING_BRUTE_FORCE },
  { "beacon", FALSE, TA_FINDING_BEACONING },
  { "exfil", FALSE, TA_FINDING_ALPHA_FLOW },
  { "heavy hitter", FALSE, TA_FINDING_ALPHA_FLOW },
  { "spam", FALSE, TA_FINDING_SPAM },
  { "port scan", FALSE, TA_FINDING_PORT_SCAN },
  { "network scan", FALSE, TA_FINDING_NETWORK_SCAN },
};

gint
ta_finding_type_for_label (const char *label)
{
  g_autofree char *l = NULL;

  if (label == NULL)
    return -1;
  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    if (strcmp (label, types[t].id) == 0 || strcmp (label, types[t].label) == 0)
      return (gint) t;
  l = g_ascii_strdown (label, -1);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (words[i].prefix ? g_str_has_prefix (l, words[i].word) : strstr (l, words[i].word) != NULL)
      return (gint) words[i].type;
  return -1;
}
