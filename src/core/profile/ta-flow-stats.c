/* ta-flow-stats.c — per-connection packet statistics
 *
 * Slots hold (key, record index); records live in a pool that only grows
 * when more connections are open at once than ever before. Key 0 marks an
 * empty slot (connection ids start at 1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-flow-stats.h"

#define MIN_SLOTS 64

typedef struct
{
  guint64 key;
  guint32 rec;
} Slot;

struct _TaFlowStatsTable
{
  Slot        *slots;
  guint        n_slots;     /* a power of two */
  guint        n_used;
  TaFlowStats **recs;       /* the pool */
  guint        n_recs;
  guint        cap_recs;
  guint32     *free_recs;   /* indices of released records */
  guint        n_free;
  guint        max_seq;
};

static const guint8 flag_bits[TA_FLOW_N_FLAGS] = {
  TA_TCP_SYN, TA_TCP_FIN, TA_TCP_RST, TA_TCP_PSH,
  TA_TCP_ACK, TA_TCP_URG, TA_TCP_ECE, TA_TCP_CWR,
};

const char *
ta_flow_flag_name (TaFlowFlag flag)
{
  static const char *const names[TA_FLOW_N_FLAGS] = {
    "syn", "fin", "rst", "psh", "ack", "urg", "ece", "cwr",
  };

  g_return_val_if_fail (flag < TA_FLOW_N_FLAGS, NULL);
  return names[flag];
}

/* Running statistics */

void
ta_running_add (TaRunning *r,
                double     x)
{
  double delta;

  r->n++;
  if (r->n == 1)
    {
      r->mean = x;
      r->m2 = 0;
      r->min = x;
      r->max = x;
      return;
    }
  delta = x - r->mean;
  r->mean += delta / (double) r->n;
  r->m2 += delta * (x - r->mean);
  if (x < r->min)
    r->min = x;
  if (x > r->max)
    r->max = x;
}

double
ta_running_mean (const TaRunning *r)
{
  return r->n > 0 ? r->mean : NAN;
}

double
ta_running_std (const TaRunning *r)
{
  if (r->n == 0)
    return NAN;
  return sqrt (MAX (r->m2, 0.0) / (double) r->n);
}

double
ta_running_min (const TaRunning *r)
{
  return r->n > 0 ? r->min : NAN;
}

double
ta_running_max (const TaRunning *r)
{
  return r->n > 0 ? r->max : NAN;
}

/* Percentiles */

static void
sort_doubles (double *v,
              guint   n)
{
  /* insertion sort: n <= TA_FLOW_STATS_SAMPLE */
  for (guint i = 1; i < n; i++)
    {
      double x = v[i];
      guint j = i;

      while (j > 0 && v[j - 1] > x)
        {
          v[j] = v[j - 1];
          j--;
        }
      v[j] = x;
    }
}

double
ta_flow_stats_percentile (const TaFlowStats *stats,
                          TaFlowValue        value,
                          double             q)
{
  double v[TA_FLOW_STATS_SAMPLE];
  guint n;
  double h, lo;
  guint i;

  g_return_val_if_fail (stats != NULL, NAN);
  if (value == TA_FLOW_VALUE_SIZE)
    {
      n = stats->n_size_sample;
      for (i = 0; i < n; i++)
        v[i] = stats->size_sample[i];
    }
  else
    {
      n = stats->n_iat_sample;
      memcpy (v, stats->iat_sample, n * sizeof (double));
    }
  if (n == 0)
    return NAN;
  sort_doubles (v, n);
  q = CLAMP (q, 0.0, 1.0);
  h = (n - 1) * q;
  lo = floor (h);
  i = (guint) lo;
  if (i + 1 >= n)
    return v[n - 1];
  return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* The table */

TaFlowStatsTable *
ta_flow_stats_table_new (const TaFlowStatsOptions *options)
{
  TaFlowStatsTable *self = g_new0 (TaFlowStatsTable, 1);

  self->max_seq = options && options->max_seq_packets
                  ? options->max_seq_packets : TA_FLOW_STATS_MAX_SEQ_DEFAULT;
  self->n_slots = MIN_SLOTS;
  self->slots = g_new0 (Slot, self->n_slots);
  return self;
}

void
ta_flow_stats_table_free (TaFlowStatsTable *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_recs; i++)
    {
      g_free (self->recs[i]->seq);
      g_free (self->recs[i]);
    }
  g_free (self->recs);
  g_free (self->free_recs);
  g_free (self->slots);
  g_free (self);
}

static inline guint
slot_of (guint64 key,
         guint   n_slots)
{
  return (guint) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & (n_slots - 1);
}

static void
grow_slots (TaFlowStatsTable *self)
{
  Slot *old = self->slots;
  guint n_old = self->n_slots;

  self->n_slots *= 2;
  self->slots = g_new0 (Slot, self->n_slots);
  for (guint i = 0; i < n_old; i++)
    {
      guint s;

      if (old[i].key == 0)
        continue;
      s = slot_of (old[i].key, self->n_slots);
      while (self->slots[s].key != 0)
        s = (s + 1) & (self->n_slots - 1);
      self->slots[s] = old[i];
    }
  g_free (old);
}

/* The slot of @key, or of the empty slot where it would go */
static guint
find_slot (TaFlowStatsTable *self,
           guint64           key)
{
  guint s = slot_of (key, self->n_slots);

  while (self->slots[s].key != 0 && self->slots[s].key != key)
    s = (s + 1) & (self->n_slots - 1);
  return s;
}

static guint32
take_record (TaFlowStatsTable *self)
{
  TaFlowStats *rec;

  if (self->n_free > 0)
    return self->free_recs[--self->n_free];
  if (self->n_recs == self->cap_recs)
    {
      self->cap_recs = MAX (16, self->cap_recs * 2);
      self->recs = g_renew (TaFlowStats *, self->recs, self->cap_recs);
      self->free_recs = g_renew (guint32, self->free_recs, self->cap_recs);
    }
  rec = g_new0 (TaFlowStats, 1);
  self->recs[self->n_recs] = rec;
  return self->n_recs++;
}

static void
record_reset (TaFlowStats  *rec,
              const TaConn *conn)
{
  TaFlowSeqPacket *seq = rec->seq;
  guint cap = rec->seq_cap;

  memset (rec, 0, sizeof *rec);
  rec->seq = seq;
  rec->seq_cap = cap;
  rec->conn_id = conn->id;
  rec->proto = conn->proto;
}

static TaFlowStats *
lookup_or_insert (TaFlowStatsTable *self,
                  const TaConn     *conn)
{
  guint s = find_slot (self, conn->id);
  guint32 r;

  if (self->slots[s].key == conn->id)
    return self->recs[self->slots[s].rec];
  if ((self->n_used + 1) * 4 > self->n_slots * 3)
    {
      grow_slots (self);
      s = find_slot (self, conn->id);
    }
  r = take_record (self);
  self->slots[s].key = conn->id;
  self->slots[s].rec = r;
  self->n_used++;
  record_reset (self->recs[r], conn);
  return self->recs[r];
}

guint32
ta_flow_stats_payload_of (const TaPacket *pkt)
{
  guint32 hdr;

  if (pkt->pflags & TA_PKT_HAS_PAYLOAD)
    return pkt->payload;
  switch (pkt->proto)
    {
    case 6:
      hdr = 40;
      break;
    case 1:
    case 17:
    case 58:
      hdr = 28;
      break;
    default:
      hdr = 20;
      break;
    }
  return pkt->ip_len > hdr ? pkt->ip_len - hdr : 0;
}

static void
seq_append (TaFlowStatsTable *self,
            TaFlowStats      *rec,
            const TaPacket   *pkt,
            guint             d,
            guint32           payload)
{
  TaFlowSeqPacket *p;

  if (rec->n_seq >= self->max_seq)
    {
      rec->seq_truncated = TRUE;
      return;
    }
  if (rec->n_seq == rec->seq_cap)
    {
      rec->seq_cap = MIN (MAX (16, rec->seq_cap * 2), self->max_seq);
      rec->seq = g_renew (TaFlowSeqPacket, rec->seq, rec->seq_cap);
    }
  p = &rec->seq[rec->n_seq++];
  p->ts = pkt->ts;
  p->size = pkt->length;
  p->flags = (d ? TA_FLOW_SEQ_FROM_RESP : 0) | (payload > 0 ? TA_FLOW_SEQ_HAS_PAYLOAD : 0);
}

static inline double
iat_seconds (gint64 now,
             gint64 before)
{
  return now > before ? (double) (now - before) / G_USEC_PER_SEC : 0.0;
}

void
ta_flow_stats_add (TaFlowStatsTable *self,
                   const TaConn     *conn,
                   const TaPacket   *pkt,
                   gboolean          from_orig)
{
  TaFlowStats *rec;
  TaFlowDirStats *ds;
  guint d = from_orig ? 0 : 1;
  guint32 payload = ta_flow_stats_payload_of (pkt);

  g_return_if_fail (self != NULL && conn != NULL && pkt != NULL);
  g_return_if_fail (conn->id != 0);

  rec = lookup_or_insert (self, conn);
  ds = &rec->dir[d];

  if (rec->packets == 0)
    {
      rec->ts_first = pkt->ts;
      rec->ts_last = pkt->ts;
    }
  else
    {
      double iat = iat_seconds (pkt->ts, rec->ts_last);

      ta_running_add (&rec->iat, iat);
      if (rec->n_iat_sample < TA_FLOW_STATS_SAMPLE)
        rec->iat_sample[rec->n_iat_sample++] = iat;
    }
  if (ds->packets > 0)
    ta_running_add (&ds->iat, iat_seconds (pkt->ts, ds->last_ts));
  if (pkt->ts > rec->ts_last)
    rec->ts_last = pkt->ts;
  ds->last_ts = pkt->ts;
  rec->packets++;

  ds->packets++;
  ds->bytes += pkt->length;
  ds->payload_bytes += payload;
  ta_running_add (&ds->size, pkt->length);
  ta_running_add (&rec->size, pkt->length);
  if (rec->n_size_sample < TA_FLOW_STATS_SAMPLE)
    rec->size_sample[rec->n_size_sample++] = pkt->length;

  if (pkt->proto == 6)
    for (guint f = 0; f < TA_FLOW_N_FLAGS; f++)
      if (pkt->flags & flag_bits[f])
        ds->flags[f]++;

  seq_append (self, rec, pkt, d, payload);
}

const TaFlowStats *
ta_flow_stats_lookup (TaFlowStatsTable *self,
                      guint64           conn_id)
{
  guint s;

  g_return_val_if_fail (self != NULL, NULL);
  if (conn_id == 0)
    return NULL;
  s = find_slot (self, conn_id);
  return self->slots[s].key == conn_id ? self->recs[self->slots[s].rec] : NULL;
}

void
ta_flow_stats_release (TaFlowStatsTable *self,
                       guint64           conn_id)
{
  guint mask, s, j;

  g_return_if_fail (self != NULL);
  if (conn_id == 0)
    return;
  mask = self->n_slots - 1;
  s = find_slot (self, conn_id);
  if (self->slots[s].key != conn_id)
    return;
  self->free_recs[self->n_free++] = self->slots[s].rec;
  self->n_used--;

  /* backward-shift deletion: move later entries of the probe run into the
   * hole when their home slot does not lie between the hole and them */
  j = s;
  for (;;)
    {
      guint home;

      self->slots[s].key = 0;
      do
        {
          j = (j + 1) & mask;
          if (self->slots[j].key == 0)
            return;
          home = slot_of (self->slots[j].key, self->n_slots);
        }
      while (s <= j ? (s < home && home <= j) : (s < home || home <= j));
      self->slots[s] = self->slots[j];
      s = j;
    }
}

guint
ta_flow_stats_table_get_n_open (TaFlowStatsTable *self)
{
  return self->n_used;
}

guint
ta_flow_stats_table_get_n_records (TaFlowStatsTable *self)
{
  return self->n_recs;
}
