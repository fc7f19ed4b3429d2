/* ta-detect.c — windowed per-key counts, the rules that judge them, and
 * merging the findings of adjacent windows (see ta-detect.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-detect-private.h"

/* The connection tracker's longest wait before a connection is done (TCP
 * inactivity plus the close delay), and a margin: a window is judged once
 * the newest connection is this far past its end */
#define LAG_US (G_GINT64_CONSTANT (300 + 5 + 55) * G_USEC_PER_SEC)

typedef struct
{
  DetKey      key;
  gint64      win;
  gint64      first_us;
  gint64      last_us;
  guint64     conns;
  guint64     unans;          /* unanswered connections */
  guint64     hits;           /* the connections the rule looks at */
  guint64     hit_pkts;       /* … their packets (both ways) */
  guint64     hit_orig_pkts;
  guint64     hit_bytes;
  guint64     hit_orig_payload;
  gint64      hit_dur_us;
  GHashTable *peers;          /* the other side of the hits */
  GHashTable *ports;
  GHashTable *rows;
  guint64     rows_dropped;
} Agg;

struct _TaDetector
{
  TaDetectOptions o;
  GHashTable     *aggs;       /* DetKey* (in Agg) -> Agg* */
  GHashTable     *last;       /* DetKey* (in DetFinding) + type -> DetFinding* */
  GPtrArray      *findings;   /* DetFinding* */
  DetSeries      *series;     /* beaconing and alpha flows */
  gint64          max_ts;
  gint64          next_sweep;
  guint64         n_conns;
  guint           peak_keys;
  gboolean        finished;
};

/* ---- small sets and rows ------------------------------------------------ */

guint
det_key_hash (gconstpointer p)
{
  const DetKey *k = p;

  return (k->a * 2654435761u) ^ (k->b * 2246822519u) ^ ((guint) k->port << 8) ^ k->proto ^
         ((guint) k->kind << 28);
}

gboolean
det_key_equal (gconstpointer pa,
               gconstpointer pb)
{
  const DetKey *a = pa, *b = pb;

  return a->a == b->a && a->b == b->b && a->port == b->port && a->proto == b->proto &&
         a->kind == b->kind;
}

static guint
row_hash (gconstpointer p)
{
  const DetRow *r = p;

  return (guint) r->minute * 31u ^ r->src * 2654435761u ^ r->dst * 2246822519u ^ r->length ^
         ((guint) r->proto << 24);
}

static gboolean
row_equal (gconstpointer pa,
           gconstpointer pb)
{
  const DetRow *a = pa, *b = pb;

  return a->minute == b->minute && a->src == b->src && a->dst == b->dst &&
         a->length == b->length && a->proto == b->proto;
}

GHashTable *
det_rows_new (void)
{
  return g_hash_table_new_full (row_hash, row_equal, g_free, NULL);
}

static void
rows_add (GHashTable   *rows,
          const DetRow *row,
          guint64      *dropped)
{
  DetRow *r = g_hash_table_lookup (rows, row);

  if (r != NULL)
    r->count += row->count;
  else if (g_hash_table_size (rows) < TA_DETECT_MAX_ROWS)
    g_hash_table_add (rows, g_memdup2 (row, sizeof *row));
  else if (dropped != NULL)
    *dropped += row->count;
}

static void
rows_add_side (GHashTable   *rows,
               const TaConn *c,
               gboolean      orig,
               guint64      *dropped)
{
  guint64 pkts = orig ? c->orig_pkts : c->resp_pkts;
  guint64 frame = orig ? c->orig_frame_bytes : c->resp_frame_bytes;
  guint64 ip = orig ? c->orig_ip_bytes : c->resp_ip_bytes;
  gint64 m0 = c->ts_first / TA_DET_MINUTE_US, m1 = MAX (c->ts_last / TA_DET_MINUTE_US, m0);
  guint64 n;
  DetRow row = { 0, };

  if (pkts == 0)
    return;
  n = MIN ((guint64) (m1 - m0 + 1), MIN (pkts, 1440));
  row.src = orig ? c->orig : c->resp;
  row.dst = orig ? c->resp : c->orig;
  row.proto = c->proto;
  row.length = (guint32) MIN ((frame > 0 ? frame : ip + 14 * pkts) / pkts, G_MAXUINT32);
  for (guint64 i = 0; i < n; i++)
    {
      row.minute = m0 + (gint64) ((guint64) (m1 - m0) * i / MAX (n - 1, 1));
      row.count = pkts / n + (i < pkts % n ? 1 : 0);
      rows_add (rows, &row, dropped);
    }
}

void
det_rows_add_conn (GHashTable   *rows,
                   const TaConn *c,
                   guint64      *dropped)
{
  rows_add_side (rows, c, TRUE, dropped);
  rows_add_side (rows, c, FALSE, dropped);
}

void
det_rows_merge (GHashTable *into,
                GHashTable *from)
{
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, from);
  while (g_hash_table_iter_next (&it, &k, NULL))
    rows_add (into, k, NULL);
}

GHashTable *
det_set_new (void)
{
  return g_hash_table_new (g_direct_hash, g_direct_equal);
}

void
det_set_add (GHashTable *set,
             guint32     value)
{
  if (g_hash_table_size (set) < TA_DETECT_MAX_ADDRS)
    g_hash_table_add (set, GUINT_TO_POINTER (value + 1));
}

void
det_set_merge (GHashTable *into,
               GHashTable *from)
{
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, from);
  while (g_hash_table_iter_next (&it, &k, NULL))
    if (g_hash_table_size (into) < TA_DETECT_MAX_ADDRS)
      g_hash_table_add (into, k);
}

void
det_finding_free (gpointer p)
{
  DetFinding *f = p;

  g_free (f->pub.mawilab);
  g_free (f->pub.evidence);
  g_clear_pointer (&f->pub.srcs, g_array_unref);
  g_clear_pointer (&f->pub.dsts, g_array_unref);
  g_clear_pointer (&f->pub.ports, g_array_unref);
  g_clear_pointer (&f->srcs, g_hash_table_unref);
  g_clear_pointer (&f->dsts, g_hash_table_unref);
  g_clear_pointer (&f->ports, g_hash_table_unref);
  g_clear_pointer (&f->rows, g_hash_table_unref);
  g_free (f);
}

/* ---- options -------------------------------------------------------------- */

#define DEF(field, value) if (o->field <= 0) o->field = (value)

static void
resolve_options (TaDetectOptions *o)
{
  DEF (window_us, G_GINT64_CONSTANT (300) * G_USEC_PER_SEC);
  DEF (scan_min_dsts, 50);
  DEF (scan_min_unanswered, 0.8);
  DEF (scan_max_probe_bytes, 100);
  DEF (portscan_min_ports, 50);
  DEF (portscan_min_unanswered, 0.5);
  DEF (ddos_min_sources, 5);
  DEF (ddos_min_fraction, 0.8);
  DEF (ddos_min_tcp_conns, 500);
  DEF (ddos_min_pkts, 5000);
  DEF (ping_min_pkts, 1000);
  DEF (brute_min_conns, 20);
  DEF (brute_max_mean_us, G_GINT64_CONSTANT (60) * G_USEC_PER_SEC);
  DEF (spam_min_conns, 90);
  DEF (spam_min_dsts, 20);
  DEF (beacon_min_conns, 8);
  DEF (beacon_max_cv, 0.2);
  DEF (beacon_min_gap_us, G_GINT64_CONSTANT (10) * G_USEC_PER_SEC);
  DEF (beacon_idle_us, G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  DEF (alpha_min_bytes, 10000000);
  DEF (alpha_median_factor, 100.0);
  DEF (alpha_quantile, 0.999);
}

#undef DEF

/* ---- findings --------------------------------------------------------------- */

static guint
last_hash (gconstpointer p)
{
  const DetFinding *f = p;

  return det_key_hash (&f->key) ^ (guint) f->pub.type * 97u;
}

static gboolean
last_equal (gconstpointer pa,
            gconstpointer pb)
{
  const DetFinding *a = pa, *b = pb;

  return a->pub.type == b->pub.type && det_key_equal (&a->key, &b->key);
}

void
det_detector_emit (TaDetector *self,
                   DetFinding *f)
{
  DetFinding *prev = g_hash_table_lookup (self->last, f);

  if (prev != NULL && f->last_win - prev->last_win <= 1 && f->key.kind != KIND_ALPHA)
    {
      prev->pub.start_us = MIN (prev->pub.start_us, f->pub.start_us);
      prev->pub.end_us = MAX (prev->pub.end_us, f->pub.end_us);
      prev->pub.conns += f->pub.conns;
      prev->pub.pkts += f->pub.pkts;
      prev->pub.bytes += f->pub.bytes;
      prev->last_win = MAX (prev->last_win, f->last_win);
      det_set_merge (prev->srcs, f->srcs);
      det_set_merge (prev->dsts, f->dsts);
      det_set_merge (prev->ports, f->ports);
      det_rows_merge (prev->rows, f->rows);
      g_free (prev->pub.evidence);
      prev->pub.evidence = g_strdup_printf ("%s windows_merged=yes", f->pub.evidence);
      det_finding_free (f);
      return;
    }
  g_ptr_array_add (self->findings, f);
  g_hash_table_replace (self->last, f, f);
}

DetFinding *
det_finding_new (TaFindingType type,
                 const DetKey *key,
                 gint64        win)
{
  DetFinding *f = g_new0 (DetFinding, 1);

  f->pub.type = type;
  f->pub.proto = key->proto;
  f->key = *key;
  f->last_win = win;
  f->srcs = det_set_new ();
  f->dsts = det_set_new ();
  f->ports = det_set_new ();
  return f;
}

/* The finding of a judged window: its hits' counts, the key's address on
 * one side and the peers on the other (@peers_are_srcs), the rows */
static void
finding_from_agg (TaDetector    *self,
                  Agg           *g,
                  TaFindingType  type,
                  const char    *mawilab,
                  gboolean       peers_are_srcs,
                  char          *evidence)
{
  DetFinding *f = det_finding_new (type, &g->key, g->win);

  f->pub.mawilab = g_strdup (mawilab);
  f->pub.evidence = evidence;
  f->pub.start_us = g->first_us;
  f->pub.end_us = g->last_us;
  f->pub.conns = g->hits;
  f->pub.pkts = g->hit_pkts;
  f->pub.bytes = g->hit_bytes;
  if (peers_are_srcs)
    {
      det_set_merge (f->srcs, g->peers);
      det_set_add (f->dsts, g->key.a);
    }
  else
    {
      det_set_add (f->srcs, g->key.a);
      if (g->key.kind == KIND_PAIR || g->key.kind == KIND_PAIR_SVC)
        det_set_add (f->dsts, g->key.b);
      else
        det_set_merge (f->dsts, g->peers);
    }
  det_set_merge (f->ports, g->ports);
  f->rows = g_steal_pointer (&g->rows);
  det_detector_emit (self, f);
}

static const char *
proto_suffix (guint8 proto)
{
  return proto == 6 ? "TCP" : proto == 17 ? "UDP" : proto == 1 || proto == 58 ? "ICMP" : "other";
}

static const char *
service_suffix (guint16 port)
{
  return port == 22 ? "SSH" : port == 21 ? "FTP" : "RDP";
}

/* ---- judging a window ----------------------------------------------------- */

static void
judge (TaDetector *self,
       Agg        *g)
{
  const TaDetectOptions *o = &self->o;
  double unans = g->conns > 0 ? (double) g->unans / (double) g->conns : 0;
  double hit_frac = g->conns > 0 ? (double) g->hits / (double) g->conns : 0;
  guint peers = g_hash_table_size (g->peers), ports = g_hash_table_size (g->ports);
  guint win_s = (guint) (o->window_us / G_USEC_PER_SEC);
  double probe = (double) g->hit_orig_payload / (double) MAX (g->hits, 1);
  g_autofree char *name = NULL;

  switch (g->key.kind)
    {
    case KIND_SRC:
      if (peers >= o->scan_min_dsts && unans >= o->scan_min_unanswered && probe <= o->scan_max_probe_bytes)
        {
          name = g_strdup_printf ("network_scan_%s", g->key.proto == 6 ? "SYN"
                                  : g->key.proto == 1 || g->key.proto == 58 ? "ICMP_ecrq" : proto_suffix (g->key.proto));
          finding_from_agg (self, g, TA_FINDING_NETWORK_SCAN, name, FALSE,
                            g_strdup_printf ("distinct_dsts=%u unanswered=%.3f window_s=%u", peers, unans, win_s));
        }
      break;
    case KIND_SRC_SMTP:
      if (g->hits >= o->spam_min_conns && peers >= o->spam_min_dsts)
        finding_from_agg (self, g, TA_FINDING_SPAM, "point_to_multipoint_SMTP", FALSE,
                          g_strdup_printf ("smtp_conns=%" G_GUINT64_FORMAT " distinct_dsts=%u window_s=%u",
                                           g->hits, peers, win_s));
      break;
    case KIND_PAIR:
      if (ports >= o->portscan_min_ports && unans >= o->portscan_min_unanswered &&
          probe <= o->scan_max_probe_bytes)
        {
          name = g_strdup_printf ("point_to_point_port_scan_%s", proto_suffix (g->key.proto));
          finding_from_agg (self, g, TA_FINDING_PORT_SCAN, name, FALSE,
                            g_strdup_printf ("distinct_ports=%u unanswered=%.3f window_s=%u", ports, unans, win_s));
        }
      break;
    case KIND_PAIR_SVC:
      if (g->hits >= o->brute_min_conns && g->hit_dur_us / (gint64) MAX (g->hits, 1) <= o->brute_max_mean_us)
        {
          name = g_strdup_printf ("point_to_point_brute_force_%s", service_suffix (g->key.port));
          finding_from_agg (self, g, TA_FINDING_BRUTE_FORCE, name, FALSE,
                            g_strdup_printf ("conns=%" G_GUINT64_FORMAT " mean_duration_s=%.1f window_s=%u", g->hits,
                                             (double) g->hit_dur_us / (double) MAX (g->hits, 1) / 1e6, win_s));
        }
      break;
    case KIND_DST_PROTO:
      if (peers >= o->ddos_min_sources && hit_frac >= o->ddos_min_fraction &&
          (g->key.proto == 6 ? g->hits >= o->ddos_min_tcp_conns : g->hit_pkts >= o->ddos_min_pkts))
        {
          name = g->key.proto == 6 ? g_strdup ("distributed_denial_of_service_SYN")
                                   : g_strdup_printf ("multipoint_to_point_%s", proto_suffix (g->key.proto));
          finding_from_agg (self, g, TA_FINDING_DDOS, name, TRUE,
                            g_strdup_printf ("distinct_srcs=%u unanswered_conns=%" G_GUINT64_FORMAT
                                             " unanswered_pkts=%" G_GUINT64_FORMAT " fraction=%.3f window_s=%u",
                                             peers, g->hits, g->hit_pkts, hit_frac, win_s));
        }
      break;
    case KIND_DST_ECHO:
      if (g->hit_orig_pkts >= o->ping_min_pkts)
        finding_from_agg (self, g, TA_FINDING_PING_FLOOD,
                          peers > 1 ? "distributed_denial_of_service_ICMP" : "point_to_point_denial_of_service_ICMP",
                          TRUE, g_strdup_printf ("echo_requests=%" G_GUINT64_FORMAT " distinct_srcs=%u window_s=%u",
                                                 g->hit_orig_pkts, peers, win_s));
      break;
    default:
      break;
    }
}

/* ---- adding ---------------------------------------------------------------- */

static void
agg_free (gpointer p)
{
  Agg *g = p;

  g_hash_table_unref (g->peers);
  g_hash_table_unref (g->ports);
  g_clear_pointer (&g->rows, g_hash_table_unref);
  g_free (g);
}

static Agg *
agg_new (const DetKey *key,
         gint64        win)
{
  Agg *g = g_new0 (Agg, 1);

  g->key = *key;
  g->win = win;
  g->first_us = G_MAXINT64;
  g->last_us = G_MININT64;
  g->peers = det_set_new ();
  g->ports = det_set_new ();
  g->rows = det_rows_new ();
  return g;
}

static gboolean
unanswered (const TaConn *c)
{
  if (c->proto == 6)
    return (c->orig_bytes == 0 && c->resp_bytes == 0) || c->state == TA_CONN_S0 ||
           c->state == TA_CONN_REJ || c->state == TA_CONN_RSTOS0 || c->state == TA_CONN_RSTRH ||
           c->state == TA_CONN_SH || c->state == TA_CONN_SHR;
  return c->resp_pkts == 0;
}

static gboolean
icmp_request (guint16 type)
{
  /* echo, timestamp, information, address mask; ICMPv6 echo */
  return type == 8 || type == 13 || type == 15 || type == 17 || type == 128;
}

static void
count (TaDetector   *self,
       DetKind       kind,
       guint32       a,
       guint32       b,
       guint8        proto,
       guint16       port,
       const TaConn *c,
       gboolean      hit,
       guint32       peer)
{
  DetKey key = { a, b, port, proto, (guint8) kind };
  gint64 win = c->ts_first / self->o.window_us;
  Agg *g = g_hash_table_lookup (self->aggs, &key);

  if (g != NULL && win > g->win)
    {
      judge (self, g);
      g_hash_table_remove (self->aggs, &key);
      g = NULL;
    }
  if (g == NULL)
    {
      g = agg_new (&key, win);
      g_hash_table_insert (self->aggs, &g->key, g);
    }
  g->conns++;
  g->unans += unanswered (c);
  if (!hit)
    return;
  g->hits++;
  g->hit_pkts += c->orig_pkts + c->resp_pkts;
  g->hit_orig_pkts += c->orig_pkts;
  g->hit_bytes += c->orig_ip_bytes + c->resp_ip_bytes;
  g->hit_orig_payload += c->orig_bytes;
  g->hit_dur_us += MAX (c->ts_last - c->ts_first, 0);
  g->first_us = MIN (g->first_us, c->ts_first);
  g->last_us = MAX (g->last_us, c->ts_last);
  det_set_add (g->peers, peer);
  det_set_add (g->ports, c->proto == 1 || c->proto == 58 ? c->orig_p : c->resp_p);
  det_rows_add_conn (g->rows, c, &g->rows_dropped);
}

static void
sweep (TaDetector *self,
       gboolean    all)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->aggs);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      Agg *g = v;

      if (all || (g->win + 1) * self->o.window_us + LAG_US < self->max_ts)
        {
          judge (self, g);
          g_hash_table_iter_remove (&it);
        }
    }
  det_series_sweep (self->series, self->max_ts, all);
}

void
ta_detector_add_conn (TaDetector   *self,
                      const TaConn *c)
{
  gboolean icmp = c->proto == 1 || c->proto == 58;
  gboolean unans = unanswered (c);
  guint keys;

  g_return_if_fail (!self->finished);
  self->n_conns++;
  self->max_ts = MAX (self->max_ts, c->ts_last);
  /* ICMP errors and replies sent to many hosts are no scan: requests only */
  count (self, KIND_SRC, c->orig, 0, c->proto, 0, c, unans && (!icmp || icmp_request (c->orig_p)), c->resp);
  count (self, KIND_PAIR, c->orig, c->resp, c->proto, 0, c, unans, c->resp);
  if (c->proto == 6 && (c->resp_p == 25 || c->resp_p == 465 || c->resp_p == 587))
    count (self, KIND_SRC_SMTP, c->orig, 0, 6, 0, c, TRUE, c->resp);
  if (c->proto == 6 && (c->resp_p == 22 || c->resp_p == 21 || c->resp_p == 3389))
    count (self, KIND_PAIR_SVC, c->orig, c->resp, 6, c->resp_p, c, TRUE, c->resp);
  if (icmp && (c->orig_p == 8 || c->orig_p == 128))
    count (self, KIND_DST_ECHO, c->resp, 0, c->proto, 0, c, TRUE, c->orig);
  else if (!icmp)
    count (self, KIND_DST_PROTO, c->resp, 0, c->proto, 0, c, unans, c->orig);
  det_series_add (self->series, c);
  if (self->max_ts >= self->next_sweep)
    {
      sweep (self, FALSE);
      self->next_sweep = (self->max_ts / self->o.window_us + 1) * self->o.window_us;
    }
  keys = ta_detector_get_n_keys (self);
  self->peak_keys = MAX (self->peak_keys, keys);
}

/* ---- the object ------------------------------------------------------------- */

TaDetector *
ta_detector_new (const TaDetectOptions *options)
{
  TaDetector *self = g_new0 (TaDetector, 1);

  if (options != NULL)
    self->o = *options;
  resolve_options (&self->o);
  self->aggs = g_hash_table_new_full (det_key_hash, det_key_equal, NULL, agg_free);
  self->last = g_hash_table_new (last_hash, last_equal);
  self->findings = g_ptr_array_new_with_free_func (det_finding_free);
  self->series = det_series_new (&self->o, self);
  self->max_ts = G_MININT64;
  self->next_sweep = G_MININT64;
  return self;
}

void
ta_detector_free (TaDetector *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->aggs);
  g_hash_table_unref (self->last);
  det_series_free (self->series);
  g_ptr_array_unref (self->findings);
  g_free (self);
}

static GArray *
set_to_array (GHashTable *set,
              gboolean    ports)
{
  GArray *a = g_array_sized_new (FALSE, FALSE, ports ? sizeof (guint16) : sizeof (guint32),
                                 g_hash_table_size (set));
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, set);
  while (g_hash_table_iter_next (&it, &k, NULL))
    {
      guint32 v = GPOINTER_TO_UINT (k) - 1;
      guint16 p = (guint16) v;

      if (ports)
        g_array_append_val (a, p);
      else
        g_array_append_val (a, v);
    }
  return a;
}

static gint
cmp_u32 (gconstpointer a,
         gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static gint
cmp_u16 (gconstpointer a,
         gconstpointer b)
{
  return (gint) *(const guint16 *) a - (gint) *(const guint16 *) b;
}

static gint
cmp_finding (gconstpointer a,
             gconstpointer b)
{
  const TaFinding *x = *(const TaFinding * const *) a, *y = *(const TaFinding * const *) b;

  if (x->start_us != y->start_us)
    return x->start_us < y->start_us ? -1 : 1;
  return (gint) x->type - (gint) y->type;
}

gboolean
ta_detector_finish (TaDetector  *self,
                    TaAddrTable *addrs,
                    const char  *dir,
                    GError     **error)
{
  g_return_val_if_fail (!self->finished, FALSE);
  self->finished = TRUE;
  sweep (self, TRUE);
  det_series_finish (self->series);
  for (guint i = 0; i < self->findings->len; i++)
    {
      DetFinding *f = self->findings->pdata[i];

      f->pub.srcs = set_to_array (f->srcs, FALSE);
      f->pub.dsts = set_to_array (f->dsts, FALSE);
      f->pub.ports = set_to_array (f->ports, TRUE);
      g_array_sort (f->pub.srcs, cmp_u32);
      g_array_sort (f->pub.dsts, cmp_u32);
      g_array_sort (f->pub.ports, cmp_u16);
      f->pub.n_srcs = f->pub.srcs->len;
      f->pub.n_dsts = f->pub.dsts->len;
    }
  g_ptr_array_sort (self->findings, cmp_finding);
  g_hash_table_remove_all (self->last);
  if (dir == NULL)
    return TRUE;
  return det_write_files (self->findings, addrs, dir, error);
}

const GPtrArray *
ta_detector_get_findings (TaDetector *self)
{
  return self->findings;
}

guint64
ta_detector_get_n_conns (TaDetector *self)
{
  return self->n_conns;
}

guint
ta_detector_get_n_keys (TaDetector *self)
{
  return g_hash_table_size (self->aggs) + det_series_get_n_keys (self->series);
}

guint
ta_detector_get_peak_keys (TaDetector *self)
{
  return self->peak_keys;
}
