/* ta-intervals.c — per-interval statistics
 *
 * The open intervals live in a ring indexed by k mod R, R = lag + 2
 * intervals: the window [horizon, max_k] never holds more than lag + 1 of
 * them. When a packet moves max_k on, the intervals that fell out of the
 * window are finished (distinct counts, top ports) in increasing order and
 * their fixed-size rows appended to an unlinked spill file, so the spill
 * is sorted. write_csv() reads it back once, filling gaps with zero rows
 * and merging the late packets' and the new connections' sparse counts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ta-error.h"
#include "ta-intervals.h"

#define LAG_MIN_US     (10 * G_USEC_PER_SEC)
#define LAG_MAX_N      100000
#define SET_KEEP_CAP   1024   /* a set grown beyond this is freed when its interval ends */

enum { DIR_IN, DIR_OUT, DIR_INTERNAL, DIR_EXTERNAL };

static const guint32 size_bounds[TA_INTERVAL_N_SIZE_BINS - 1] = { 64, 128, 256, 512, 1024, 1518, 9000 };

/* One interval's figures: what the spill holds */
typedef struct
{
  gint64  k;
  guint64 packets;
  guint64 bytes;
  guint64 proto_packets[4];   /* tcp udp icmp other */
  guint64 proto_bytes[4];
  guint64 syn, synack, fin, rst;
  guint64 size_bins[TA_INTERVAL_N_SIZE_BINS];
  guint64 dir_bytes[4];
  guint32 distinct_src;
  guint32 distinct_dst;
  guint32 top_port[TA_INTERVAL_TOP_PORTS];   /* port + 1; 0 = none */
  guint32 top_count[TA_INTERVAL_TOP_PORTS];
} Row;

/* Open addressing, keys stored + 1 (0 = empty) */
typedef struct
{
  guint32 *keys;
  guint32 *vals;   /* NULL for a set */
  guint    cap;    /* a power of two, or 0 */
  guint    n;
} Table;

typedef struct
{
  gboolean used;
  Row      row;
  Table    src;
  Table    dst;
  Table    ports;
} Slot;

struct _TaIntervals
{
  gint64           interval_us;
  gint64           lag_n;
  TaAddrTable     *addrs;
  const TaNetList *nets;
  GByteArray      *local_cache;
  Slot            *ring;
  guint            n_ring;
  guint            n_open;
  gboolean         any;
  gint64           first_k;
  gint64           max_k;
  gint64           horizon;      /* every k below it is finished */
  FILE            *spill;
  int              spill_errno;
  GHashTable      *late;         /* gint64* k -> Row* */
  GHashTable      *conns;        /* gint64* k -> guint32[TA_CONN_N_STATES] */
  guint64          late_packets;
  guint64          written;
};

/* ---- small tables ------------------------------------------------------- */

static void
table_grow (Table *t)
{
  Table old = *t;
  guint cap = old.cap ? old.cap * 2 : 16;

  t->keys = g_new0 (guint32, cap);
  t->vals = old.vals != NULL || old.cap == 0 ? g_new0 (guint32, cap) : NULL;
  t->cap = cap;
  t->n = 0;
  for (guint i = 0; i < old.cap; i++)
    if (old.keys[i] != 0)
      {
        guint h = (old.keys[i] * 2654435761u) & (cap - 1);

        while (t->keys[h] != 0)
          h = (h + 1) & (cap - 1);
        t->keys[h] = old.keys[i];
        if (t->vals != NULL && old.vals != NULL)
          t->vals[h] = old.vals[i];
        t->n++;
      }
  g_free (old.keys);
  g_free (old.vals);
}

/* The slot of @key (+1 stored), inserted when absent; *is_new says which */
static inline guint
table_slot (Table    *t,
            guint32   key,
            gboolean  with_vals,
            gboolean *is_new)
{
  guint h;

  key++;
  if (G_UNLIKELY ((t->n + 1) * 4 > t->cap * 3))
    {
      if (t->cap == 0 && !with_vals)
        {
          t->keys = g_new0 (guint32, 16);
          t->cap = 16;
        }
      else
        table_grow (t);
    }
  h = (key * 2654435761u) & (t->cap - 1);
  while (t->keys[h] != 0 && t->keys[h] != key)
    h = (h + 1) & (t->cap - 1);
  *is_new = t->keys[h] == 0;
  if (*is_new)
    {
      t->keys[h] = key;
      if (t->vals != NULL)
        t->vals[h] = 0;
      t->n++;
    }
  return h;
}

static void
table_reset (Table *t)
{
  if (t->cap > SET_KEEP_CAP)
    {
      g_clear_pointer (&t->keys, g_free);
      g_clear_pointer (&t->vals, g_free);
      t->cap = 0;
    }
  else if (t->n > 0)
    memset (t->keys, 0, t->cap * sizeof (guint32));
  t->n = 0;
}

static void
table_free (Table *t)
{
  g_free (t->keys);
  g_free (t->vals);
}

/* ---- options -------------------------------------------------------------- */

gboolean
ta_interval_parse (const char *text,
                   gint64     *us)
{
  static const struct { const char *unit; gint64 us; } units[] = {
    { "ms", 1000 }, { "s", G_USEC_PER_SEC }, { "m", 60 * G_USEC_PER_SEC },
    { "h", G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC }, { "d", G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC }, { "", 1000 },
  };
  char *end = NULL;
  guint64 n;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  n = g_ascii_strtoull (text, &end, 10);
  if (n == 0 || n > 86400000)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (end, units[i].unit) == 0)
      {
        gint64 v = (gint64) n * units[i].us;

        if (v > TA_INTERVAL_MAX_US)
          return FALSE;
        *us = v;
        return TRUE;
      }
  return FALSE;
}

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- life ------------------------------------------------------------------ */

TaIntervals *
ta_intervals_new (const TaIntervalOptions *options,
                  TaAddrTable             *addrs,
                  GError                 **error)
{
  TaIntervals *self;
  gint64 iv = options && options->interval_us ? options->interval_us : TA_INTERVAL_DEFAULT_US;
  gint64 lag;
  const char *dir = options && options->spill_dir ? options->spill_dir : g_get_tmp_dir ();
  g_autofree char *tmpl = g_build_filename (dir, ".intervals-spill-XXXXXX", NULL);
  int fd;

  if (iv < 1000 || iv % 1000 != 0 || iv > TA_INTERVAL_MAX_US)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("The interval must be a whole number of milliseconds from 1 ms to a day"));
      return NULL;
    }
  fd = g_mkstemp (tmpl);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create a temporary file in “%s”: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  g_unlink (tmpl);   /* nothing lingers, whatever happens to the run */

  self = g_new0 (TaIntervals, 1);
  self->spill = fdopen (fd, "w+b");
  self->interval_us = iv;
  lag = options && options->lag_us > 0 ? options->lag_us : MAX (LAG_MIN_US, 2 * iv);
  self->lag_n = CLAMP ((lag + iv - 1) / iv, 1, LAG_MAX_N);
  self->n_ring = (guint) self->lag_n + 2;
  self->ring = g_new0 (Slot, self->n_ring);
  self->addrs = addrs;
  self->nets = options ? options->local_nets : NULL;
  self->local_cache = g_byte_array_new ();
  self->late = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->conns = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  return self;
}

void
ta_intervals_free (TaIntervals *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_ring; i++)
    {
      table_free (&self->ring[i].src);
      table_free (&self->ring[i].dst);
      table_free (&self->ring[i].ports);
    }
  g_free (self->ring);
  if (self->spill != NULL)
    fclose (self->spill);
  g_byte_array_unref (self->local_cache);
  g_hash_table_unref (self->late);
  g_hash_table_unref (self->conns);
  g_free (self);
}

/* ---- counting ---------------------------------------------------------------- */

/* What every packet adds, whether its interval is open or late */
static inline void
count_packet (TaIntervals    *self,
              Row            *r,
              const TaPacket *pkt)
{
  guint slot = ta_proto_class (pkt->proto);
  guint bin = 0;

  r->packets++;
  r->bytes += pkt->length;
  r->proto_packets[slot]++;
  r->proto_bytes[slot] += pkt->length;
  if (pkt->proto == 6)
    {
      guint f = pkt->flags;

      r->syn += (f & (TA_TCP_SYN | TA_TCP_ACK)) == TA_TCP_SYN;
      r->synack += (f & (TA_TCP_SYN | TA_TCP_ACK)) == (TA_TCP_SYN | TA_TCP_ACK);
      r->fin += (f & TA_TCP_FIN) != 0;
      r->rst += (f & TA_TCP_RST) != 0;
    }
  while (bin < G_N_ELEMENTS (size_bounds) && pkt->length > size_bounds[bin])
    bin++;
  r->size_bins[bin]++;
  if (self->nets != NULL)
    {
      gboolean s = ta_net_list_contains_index (self->nets, self->addrs, self->local_cache, pkt->src);
      gboolean d = ta_net_list_contains_index (self->nets, self->addrs, self->local_cache, pkt->dst);

      r->dir_bytes[s ? (d ? DIR_INTERNAL : DIR_OUT) : (d ? DIR_IN : DIR_EXTERNAL)] += pkt->length;
    }
}

/* The top ports, by packets (ties: the lower port first) */
static void
pick_top_ports (Slot *s)
{
  Row *r = &s->row;

  for (guint i = 0; i < s->ports.cap; i++)
    {
      guint32 port = s->ports.keys[i], count;
      guint j;

      if (port == 0)
        continue;
      count = s->ports.vals[i];
      for (j = TA_INTERVAL_TOP_PORTS; j > 0; j--)
        {
          guint32 p = r->top_port[j - 1], c = r->top_count[j - 1];

          if (p != 0 && (c > count || (c == count && p < port)))
            break;
        }
      if (j == TA_INTERVAL_TOP_PORTS)
        continue;
      memmove (&r->top_port[j + 1], &r->top_port[j], (TA_INTERVAL_TOP_PORTS - j - 1) * sizeof (guint32));
      memmove (&r->top_count[j + 1], &r->top_count[j], (TA_INTERVAL_TOP_PORTS - j - 1) * sizeof (guint32));
      r->top_port[j] = port;
      r->top_count[j] = count;
    }
}

static void
finish_slot (TaIntervals *self,
             Slot        *s)
{
  s->row.distinct_src = s->src.n;
  s->row.distinct_dst = s->dst.n;
  pick_top_ports (s);
  if (self->spill_errno == 0 && fwrite (&s->row, sizeof s->row, 1, self->spill) != 1)
    self->spill_errno = errno ? errno : EIO;
  table_reset (&s->src);
  table_reset (&s->dst);
  table_reset (&s->ports);
  s->used = FALSE;
  self->n_open--;
}

static int
cmp_slot_k (gconstpointer a,
            gconstpointer b)
{
  gint64 x = (*(Slot * const *) a)->row.k, y = (*(Slot * const *) b)->row.k;

  return x < y ? -1 : x > y;
}

static inline guint
ring_index (TaIntervals *self,
            gint64       k)
{
  return (guint) (((guint64) k + G_GUINT64_CONSTANT (0x8000000000000000)) % self->n_ring);
}

/* Finishes every open interval below @h, in increasing order */
static void
finish_until (TaIntervals *self,
              gint64       h)
{
  if (h <= self->horizon)
    return;
  if (h - self->horizon <= self->n_ring)
    {
      for (gint64 k = self->horizon; k < h; k++)
        {
          Slot *s = &self->ring[ring_index (self, k)];

          if (s->used && s->row.k == k)
            finish_slot (self, s);
        }
    }
  else
    {
      g_autoptr(GPtrArray) open = g_ptr_array_new ();

      for (guint i = 0; i < self->n_ring; i++)
        if (self->ring[i].used && self->ring[i].row.k < h)
          g_ptr_array_add (open, &self->ring[i]);
      g_ptr_array_sort (open, cmp_slot_k);
      for (guint i = 0; i < open->len; i++)
        finish_slot (self, g_ptr_array_index (open, i));
    }
  self->horizon = h;
}

static void
count_late (TaIntervals    *self,
            gint64          k,
            const TaPacket *pkt)
{
  Row *r = g_hash_table_lookup (self->late, &k);

  if (r == NULL)
    {
      r = g_new0 (Row, 1);
      r->k = k;
      g_hash_table_insert (self->late, &r->k, r);
    }
  count_packet (self, r, pkt);
  self->late_packets++;
}

void
ta_intervals_add_packet (TaIntervals    *self,
                         const TaPacket *pkt)
{
  gint64 k = floor_div (pkt->ts, self->interval_us);
  gboolean is_new;
  Slot *s;

  if (G_UNLIKELY (!self->any))
    {
      self->any = TRUE;
      self->first_k = self->max_k = self->horizon = k;
    }
  self->first_k = MIN (self->first_k, k);
  if (G_UNLIKELY (k < self->horizon))
    {
      count_late (self, k, pkt);
      return;
    }
  if (k > self->max_k)
    {
      self->max_k = k;
      finish_until (self, k - self->lag_n);
    }
  s = &self->ring[ring_index (self, k)];
  if (!s->used)
    {
      memset (&s->row, 0, sizeof s->row);
      s->row.k = k;
      s->used = TRUE;
      self->n_open++;
    }
  count_packet (self, &s->row, pkt);
  if (pkt->src != TA_ADDR_NONE)
    table_slot (&s->src, pkt->src, FALSE, &is_new);
  if (pkt->dst != TA_ADDR_NONE)
    table_slot (&s->dst, pkt->dst, FALSE, &is_new);
  if ((pkt->proto == 6 || pkt->proto == 17) && (pkt->pflags & TA_PKT_HAS_PORTS))
    {
      guint h = table_slot (&s->ports, pkt->dport, TRUE, &is_new);

      s->ports.vals[h]++;
    }
}

void
ta_intervals_add_conn (TaIntervals  *self,
                       const TaConn *conn)
{
  gint64 k = floor_div (conn->ts_first, self->interval_us);
  guint32 *counts = g_hash_table_lookup (self->conns, &k);

  if (counts == NULL)
    {
      gint64 *key;

      /* the key lives in the value's first two words */
      counts = g_malloc0 (sizeof (gint64) + TA_CONN_N_STATES * sizeof (guint32));
      key = (gint64 *) counts;
      *key = k;
      g_hash_table_insert (self->conns, key, counts);
    }
  ((guint32 *) ((gint64 *) counts + 1))[MIN (conn->state, TA_CONN_N_STATES - 1)]++;
}

/* ---- intervals.csv -------------------------------------------------------- */

static const char *state_names[TA_CONN_N_STATES] = {
  "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"
};

static void
write_header (TaOut *out)
{
  ta_out_puts (out, "start_ts,end_ts,packets,bytes,tcp_packets,tcp_bytes,udp_packets,udp_bytes,"
                    "icmp_packets,icmp_bytes,other_packets,other_bytes,syn,synack,fin,rst,new_conns");
  for (guint i = 0; i < TA_CONN_N_STATES; i++)
    ta_out_printf (out, ",new_%s", state_names[i]);
  ta_out_puts (out, ",distinct_src,distinct_dst,top_dst_ports,size_le64,size_le128,size_le256,"
                    "size_le512,size_le1024,size_le1518,size_le9000,size_gt9000,"
                    "bytes_in,bytes_out,bytes_internal,bytes_external\n");
}

static void
merge_late (Row       *r,
            const Row *late)
{
  r->packets += late->packets;
  r->bytes += late->bytes;
  for (guint i = 0; i < 4; i++)
    {
      r->proto_packets[i] += late->proto_packets[i];
      r->proto_bytes[i] += late->proto_bytes[i];
      r->dir_bytes[i] += late->dir_bytes[i];
    }
  r->syn += late->syn;
  r->synack += late->synack;
  r->fin += late->fin;
  r->rst += late->rst;
  for (guint i = 0; i < TA_INTERVAL_N_SIZE_BINS; i++)
    r->size_bins[i] += late->size_bins[i];
}

#define PUT_U64(p, v) G_STMT_START { *(p)++ = ','; (p) = ta_put_u64 ((p), (v)); } G_STMT_END

static void
write_row (TaIntervals *self,
           TaOut       *out,
           const Row   *r)
{
  gint64 k = r->k;
  const guint32 *conns = g_hash_table_lookup (self->conns, &k);
  const guint32 *states = conns ? (const guint32 *) ((const gint64 *) conns + 1) : NULL;
  guint64 n_conns = 0;
  char *p = ta_out_reserve (out, 1024);

  for (guint i = 0; states && i < TA_CONN_N_STATES; i++)
    n_conns += states[i];
  p = ta_put_i64 (p, k * self->interval_us);
  *p++ = ',';
  p = ta_put_i64 (p, (k + 1) * self->interval_us);
  PUT_U64 (p, r->packets);
  PUT_U64 (p, r->bytes);
  for (guint i = 0; i < 4; i++)
    {
      PUT_U64 (p, r->proto_packets[i]);
      PUT_U64 (p, r->proto_bytes[i]);
    }
  PUT_U64 (p, r->syn);
  PUT_U64 (p, r->synack);
  PUT_U64 (p, r->fin);
  PUT_U64 (p, r->rst);
  PUT_U64 (p, n_conns);
  for (guint i = 0; i < TA_CONN_N_STATES; i++)
    PUT_U64 (p, states ? states[i] : 0);
  PUT_U64 (p, r->distinct_src);
  PUT_U64 (p, r->distinct_dst);
  *p++ = ',';
  for (guint i = 0; i < TA_INTERVAL_TOP_PORTS && r->top_port[i] != 0; i++)
    {
      if (i > 0)
        *p++ = ' ';
      p = ta_put_u32 (p, r->top_port[i] - 1);
      *p++ = ':';
      p = ta_put_u32 (p, r->top_count[i]);
    }
  for (guint i = 0; i < TA_INTERVAL_N_SIZE_BINS; i++)
    PUT_U64 (p, r->size_bins[i]);
  for (guint i = 0; i < 4; i++)
    PUT_U64 (p, r->dir_bytes[i]);
  *p++ = '\n';
  ta_out_commit (out, p);
  self->written++;
}

/* The row of @k: the spilled one when it is next in the spill, else zeros;
 * the late packets' counts added */
static gboolean
next_row (TaIntervals *self,
          gint64       k,
          Row         *spilled,
          gboolean    *have_spilled,
          Row         *out)
{
  const Row *late;

  if (*have_spilled && spilled->k == k)
    {
      *out = *spilled;
      *have_spilled = fread (spilled, sizeof *spilled, 1, self->spill) == 1;
    }
  else
    {
      memset (out, 0, sizeof *out);
      out->k = k;
    }
  late = g_hash_table_lookup (self->late, &k);
  if (late != NULL)
    merge_late (out, late);
  return out->packets > 0 || g_hash_table_contains (self->conns, &k);
}

/* The next k with anything in it after @k (spill, late or connections) */
static gint64
next_busy_k (TaIntervals *self,
             gint64       k,
             const Row   *spilled,
             gboolean     have_spilled)
{
  gint64 best = have_spilled ? spilled->k : G_MAXINT64;
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, self->late);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (*(gint64 *) key > k && *(gint64 *) key < best)
      best = *(gint64 *) key;
  g_hash_table_iter_init (&it, self->conns);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (*(gint64 *) key > k && *(gint64 *) key < best)
      best = *(gint64 *) key;
  return best;
}

gboolean
ta_intervals_write_csv (TaIntervals  *self,
                        TaOut        *out,
                        GError      **error)
{
  Row spilled, row;
  gboolean have_spilled;
  gint64 k, last_k, gap = 0;

  write_header (out);
  if (!self->any)
    return TRUE;
  finish_until (self, self->max_k + 1);
  if (self->spill_errno == 0 && (fflush (self->spill) != 0 || fseek (self->spill, 0, SEEK_SET) != 0))
    self->spill_errno = errno ? errno : EIO;
  if (self->spill_errno != 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot write the interval statistics' temporary file: %s"),
                   g_strerror (self->spill_errno));
      return FALSE;
    }
  have_spilled = fread (&spilled, sizeof spilled, 1, self->spill) == 1;
  last_k = self->max_k;
  /* a connection starts with a packet: its interval is within the range */
  for (k = self->first_k; k <= last_k; k++)
    {
      if (next_row (self, k, &spilled, &have_spilled, &row))
        gap = 0;
      else if (++gap > TA_INTERVAL_MAX_GAP)
        {
          /* a long silence: leave it out instead of writing zero rows */
          gint64 next = next_busy_k (self, k, &spilled, have_spilled);

          if (next == G_MAXINT64 || next > last_k)
            break;
          k = next - 1;
          gap = 0;
          continue;
        }
      write_row (self, out, &row);
    }
  return TRUE;
}

guint64
ta_intervals_get_count (TaIntervals *self)
{
  return self->written;
}

guint64
ta_intervals_get_late_packets (TaIntervals *self)
{
  return self->late_packets;
}

guint
ta_intervals_get_n_open (TaIntervals *self)
{
  return self->n_open;
}
