/* ta-conn.c — streaming connection tracking with Zeek conn.log semantics
 *
 *
 * The Zeek rules themselves (and where each comes from, and how this
 * differs from Zeek) are in ta-conn-zeek.c.
 *
 * Storage: connections in a pool of slots (a free list, indices so the pool
 * may grow), an open-addressing hash of slot indices (linear probing,
 * backward-shift deletion) keyed by the unordered pair of (address, port)
 * ends and the protocol, and one list per timeout class ordered by last
 * activity, plus one ordered by the end of the close delay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "config.h"

#include <string.h>

#include "ta-conn-private.h"

typedef struct
{
  guint32 idx;             /* NIL = empty */
  guint32 hash;
} Slot;

typedef struct
{
  guint32 head, tail;
} List;

struct _TaConnTracker
{
  TaConnOptions opt;
  TaConnFunc    done;
  gpointer      user_data;
  Conn         *pool;
  guint         pool_cap;
  guint32       free_head;
  Slot         *slots;
  guint         n_slots;
  guint         n_open, peak_open;
  guint64       n_done, next_id;
  List          lists[N_LISTS];
};

/* ----------------------------------------------------------- the table */

/* ICMP4_counterpart() / ICMP6_counterpart() of src/net_util.cc: the type a
 * reply (request) has, or the code for one-way types */
static guint16
icmp_counterpart (guint8 proto,
                  guint8 type,
                  guint8 code)
{
  static const guint8 pairs4[][2] = {
    { 8, 0 }, { 13, 14 }, { 15, 16 }, { 10, 9 }, { 17, 18 },
  };
  static const guint8 pairs6[][2] = {
    { 128, 129 }, { 130, 131 }, { 133, 134 }, { 135, 136 }, { 139, 140 },
  };
  const guint8 (*pairs)[2] = proto == 58 ? pairs6 : pairs4;
  guint n = proto == 58 ? G_N_ELEMENTS (pairs6) : G_N_ELEMENTS (pairs4);

  for (guint i = 0; i < n; i++)
    {
      if (pairs[i][0] == type)
        return pairs[i][1];
      if (pairs[i][1] == type)
        return pairs[i][0];
    }
  return code;
}

static inline gboolean
is_icmp (guint8 proto)
{
  return proto == 1 || proto == 58;
}

static void
packet_ends (const TaPacket *pkt,
             guint64        *e_src,
             guint64        *e_dst)
{
  guint16 sp = pkt->sport, dp = pkt->dport;

  if (is_icmp (pkt->proto))
    {
      if (pkt->pflags & TA_PKT_HAS_ICMP)
        {
          sp = pkt->icmp_type;
          dp = icmp_counterpart (pkt->proto, pkt->icmp_type, pkt->icmp_code);
        }
      else
        sp = dp = 0;
    }
  else if (pkt->proto != 6 && pkt->proto != 17)
    sp = dp = 0;
  *e_src = ((guint64) pkt->src << 16) | sp;
  *e_dst = ((guint64) pkt->dst << 16) | dp;
}

static inline guint32
ends_hash (guint64 e1,
           guint64 e2,
           guint8  proto)
{
  guint64 a = MIN (e1, e2), b = MAX (e1, e2);

  return (guint32) mix64 (a * G_GUINT64_CONSTANT (0x100000001b3) ^ (b << 8 | proto)
                          ^ (b >> 56));
}

static guint32
table_find (TaConnTracker *self,
            guint64        e1,
            guint64        e2,
            guint8         proto,
            guint32        hash)
{
  guint mask = self->n_slots - 1;

  for (guint i = hash & mask;; i = (i + 1) & mask)
    {
      Slot *s = &self->slots[i];
      const Conn *c;

      if (s->idx == NIL)
        return NIL;
      if (s->hash != hash)
        continue;
      c = &self->pool[s->idx];
      if (c->pub.proto == proto
          && ((c->e_orig == e1 && c->e_resp == e2)
              || (c->e_orig == e2 && c->e_resp == e1)))
        return s->idx;
    }
}

static void
table_put (Slot    *slots,
           guint    n_slots,
           guint32  idx,
           guint32  hash)
{
  guint mask = n_slots - 1;
  guint i = hash & mask;

  while (slots[i].idx != NIL)
    i = (i + 1) & mask;
  slots[i].idx = idx;
  slots[i].hash = hash;
}

static void
table_grow (TaConnTracker *self)
{
  guint n = self->n_slots * 2;
  Slot *slots = g_new (Slot, n);

  for (guint i = 0; i < n; i++)
    slots[i].idx = NIL;
  for (guint i = 0; i < self->n_slots; i++)
    if (self->slots[i].idx != NIL)
      table_put (slots, n, self->slots[i].idx, self->slots[i].hash);
  g_free (self->slots);
  self->slots = slots;
  self->n_slots = n;
}

/* Backward-shift deletion */
static void
table_remove (TaConnTracker *self,
              guint32        idx)
{
  guint mask = self->n_slots - 1;
  guint i = self->pool[idx].hash & mask;
  guint j;

  while (self->slots[i].idx != idx)
    i = (i + 1) & mask;
  j = i;
  for (;;)
    {
      guint k;

      j = (j + 1) & mask;
      if (self->slots[j].idx == NIL)
        break;
      k = self->slots[j].hash & mask;
      /* move j back to i unless its home k lies cyclically in (i, j] */
      if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
        continue;
      self->slots[i] = self->slots[j];
      i = j;
    }
  self->slots[i].idx = NIL;
}

/* ------------------------------------------------------------- lists */

static void
list_unlink (TaConnTracker *self,
             guint32        idx)
{
  Conn *c = &self->pool[idx];
  List *l = &self->lists[c->list];

  if (c->prev != NIL)
    self->pool[c->prev].next = c->next;
  else
    l->head = c->next;
  if (c->next != NIL)
    self->pool[c->next].prev = c->prev;
  else
    l->tail = c->prev;
  c->prev = c->next = NIL;
}

static void
list_append (TaConnTracker *self,
             guint          list,
             guint32        idx)
{
  Conn *c = &self->pool[idx];
  List *l = &self->lists[list];

  c->list = list;
  c->next = NIL;
  c->prev = l->tail;
  if (l->tail != NIL)
    self->pool[l->tail].next = idx;
  else
    l->head = idx;
  l->tail = idx;
}

/* ------------------------------------------------------- the tracker */

TaConnTracker *
ta_conn_tracker_new (const TaConnOptions *options,
                     TaConnFunc           done,
                     gpointer             user_data)
{
  TaConnTracker *self = g_new0 (TaConnTracker, 1);

  if (options)
    self->opt = *options;
  if (self->opt.tcp_timeout_us <= 0)
    self->opt.tcp_timeout_us = TA_CONN_TCP_TIMEOUT_DEFAULT_US;
  if (self->opt.udp_timeout_us <= 0)
    self->opt.udp_timeout_us = TA_CONN_UDP_TIMEOUT_DEFAULT_US;
  if (self->opt.icmp_timeout_us <= 0)
    self->opt.icmp_timeout_us = TA_CONN_ICMP_TIMEOUT_DEFAULT_US;
  if (self->opt.close_delay_us <= 0)
    self->opt.close_delay_us = TA_CONN_CLOSE_DELAY_DEFAULT_US;
  self->done = done;
  self->user_data = user_data;
  self->free_head = NIL;
  self->n_slots = 64;
  self->slots = g_new (Slot, self->n_slots);
  for (guint i = 0; i < self->n_slots; i++)
    self->slots[i].idx = NIL;
  for (guint l = 0; l < N_LISTS; l++)
    self->lists[l].head = self->lists[l].tail = NIL;
  return self;
}

/* state and byte counts from the endpoints, for the caller */
static void
conn_refresh (Conn *c)
{
  TaConn *p = &c->pub;

  if (p->proto == 6)
    {
      p->state = ta_conn_state_tcp (c);
      p->orig_bytes = ta_conn_endpoint_size (&c->ep[0], &c->ep[1]);
      p->resp_bytes = ta_conn_endpoint_size (&c->ep[1], &c->ep[0]);
    }
  else
    {
      p->state = p->proto == 17 ? ta_conn_state_udp (c) : TA_CONN_OTH;
      p->orig_bytes = c->ep[0].udp_bytes;
      p->resp_bytes = c->ep[1].udp_bytes;
    }
}

static void
conn_end (TaConnTracker *self,
          guint32        idx,
          gboolean       by_timeout)
{
  Conn *c = &self->pool[idx];

  conn_refresh (c);
  c->pub.ended_by_timeout = by_timeout;
  if (self->done)
    self->done (&c->pub, self->user_data);
  table_remove (self, idx);
  list_unlink (self, idx);
  c->next = self->free_head;
  self->free_head = idx;
  self->n_open--;
  self->n_done++;
}

static void
expire (TaConnTracker *self,
        gint64         ts)
{
  const gint64 timeouts[] = {
    self->opt.tcp_timeout_us, self->opt.udp_timeout_us, self->opt.icmp_timeout_us,
  };

  for (guint l = 0; l < G_N_ELEMENTS (timeouts); l++)
    {
      guint32 h;
      while ((h = self->lists[l].head) != NIL
             && self->pool[h].pub.ts_last + timeouts[l] < ts)
        conn_end (self, h, TRUE);
    }
  {
    guint32 h;
    while ((h = self->lists[LIST_CLOSING].head) != NIL
           && self->pool[h].close_at <= ts)
      conn_end (self, h, FALSE);
  }
}

static guint
list_for_proto (guint8 proto)
{
  if (proto == 6)
    return LIST_TCP;
  return is_icmp (proto) ? LIST_ICMP : LIST_UDP;
}

static guint32
conn_new (TaConnTracker  *self,
          const TaPacket *pkt,
          guint64         e_src,
          guint64         e_dst,
          guint32         hash)
{
  guint32 idx;
  Conn *c;
  /* TCP: first seen with a SYN+ACK; UDP: Zeek's UDPAnalyzer::WantConnection
   * rule, from a likely server port (here: a port of the service table) to
   * one that is not */
  gboolean flip = pkt->proto == 6
    ? (pkt->flags & (TA_TCP_SYN | TA_TCP_ACK | TA_TCP_RST)) == (TA_TCP_SYN | TA_TCP_ACK)
    : pkt->proto == 17 && ta_conn_service_guess (17, 0, pkt->sport) != NULL
      && ta_conn_service_guess (17, 0, pkt->dport) == NULL;

  if (self->free_head == NIL)
    {
      guint cap = self->pool_cap ? self->pool_cap * 2 : 64;
      self->pool = g_renew (Conn, self->pool, cap);
      for (guint i = cap; i > self->pool_cap; i--)
        {
          self->pool[i - 1].next = self->free_head;
          self->free_head = i - 1;
        }
      self->pool_cap = cap;
    }
  if ((self->n_open + 1) * 2 > self->n_slots)
    table_grow (self);
  idx = self->free_head;
  c = &self->pool[idx];
  self->free_head = c->next;
  memset (c, 0, sizeof *c);
  c->e_orig = flip ? e_dst : e_src;
  c->e_resp = flip ? e_src : e_dst;
  c->hash = hash;
  c->pub.id = ++self->next_id;
  c->pub.ts_first = c->pub.ts_last = pkt->ts;
  c->pub.orig = c->e_orig >> 16;
  c->pub.resp = c->e_resp >> 16;
  c->pub.orig_p = c->e_orig & 0xffff;
  c->pub.resp_p = c->e_resp & 0xffff;
  c->pub.proto = pkt->proto;
  c->pub.first_file = pkt->file;
  c->pub.first_frame = pkt->frame;
  if (flip)
    c->pub.history[0] = '^';
  c->prev = c->next = NIL;
  table_put (self->slots, self->n_slots, idx, hash);
  list_append (self, list_for_proto (pkt->proto), idx);
  self->n_open++;
  self->peak_open = MAX (self->peak_open, self->n_open);
  return idx;
}

static guint32
datagram_payload (const TaPacket *pkt)
{
  if (pkt->pflags & TA_PKT_HAS_PAYLOAD)
    return pkt->payload;
  return pkt->ip_len > 28 ? pkt->ip_len - 28 : 0;
}

static void
count_packet (Conn           *c,
              const TaPacket *pkt,
              gboolean        from_orig)
{
  TaConn *p = &c->pub;

  if (from_orig)
    {
      p->orig_pkts++;
      p->orig_ip_bytes += pkt->ip_len;
      p->orig_frame_bytes += pkt->length;
      p->tcp_flags_orig |= pkt->flags;
    }
  else
    {
      p->resp_pkts++;
      p->resp_ip_bytes += pkt->ip_len;
      p->resp_frame_bytes += pkt->length;
      p->tcp_flags_resp |= pkt->flags;
    }
  /* out of order across files: the span only grows */
  if (pkt->ts > p->ts_last)
    p->ts_last = pkt->ts;
  if (pkt->ts < p->ts_first)
    p->ts_first = pkt->ts;
  p->last_file = pkt->file;
  p->last_frame = pkt->frame;
}

const TaConn *
ta_conn_tracker_add (TaConnTracker  *self,
                     const TaPacket *pkt,
                     gboolean       *is_new,
                     gboolean       *from_orig)
{
  guint64 e_src, e_dst;
  guint32 hash, idx;
  gboolean created = FALSE, orig;
  Conn *c;

  g_return_val_if_fail (self != NULL && pkt != NULL, NULL);

  expire (self, pkt->ts);
  packet_ends (pkt, &e_src, &e_dst);
  hash = ends_hash (e_src, e_dst, pkt->proto);
  idx = table_find (self, e_src, e_dst, pkt->proto, hash);
  if (idx != NIL && pkt->proto == 6
      && ta_conn_tcp_is_reuse (&self->pool[idx], pkt, e_src == self->pool[idx].e_orig))
    {
      conn_end (self, idx, FALSE);
      idx = NIL;
    }
  if (idx == NIL)
    {
      idx = conn_new (self, pkt, e_src, e_dst, hash);
      created = TRUE;
    }
  c = &self->pool[idx];
  orig = e_src == c->e_orig;
  count_packet (c, pkt, orig);

  if (pkt->proto == 6)
    ta_conn_tcp_packet (c, pkt, orig);
  else if (pkt->proto == 17 || is_icmp (pkt->proto))
    {
      if (pkt->proto == 17)
        ta_conn_check_history (c, orig, H_DATA, 'd');
      c->ep[orig ? 0 : 1].udp_bytes += datagram_payload (pkt);
    }

  if (c->closing)
    ; /* stays on the close list until its delay ends */
  else if (pkt->proto == 6 && ta_conn_tcp_is_closed (c))
    {
      c->closing = TRUE;
      c->close_at = c->pub.ts_last + self->opt.close_delay_us;
      list_unlink (self, idx);
      list_append (self, LIST_CLOSING, idx);
    }
  else if (self->lists[c->list].tail != idx)
    {
      list_unlink (self, idx);
      list_append (self, c->list, idx);
    }
  conn_refresh (c);
  if (is_new)
    *is_new = created;
  if (from_orig)
    *from_orig = orig;
  return &c->pub;
}

static int
cmp_id (gconstpointer a,
        gconstpointer b,
        gpointer      user_data)
{
  const Conn *pool = user_data;
  guint64 ia = pool[*(const guint32 *) a].pub.id;
  guint64 ib = pool[*(const guint32 *) b].pub.id;

  return ia < ib ? -1 : ia > ib;
}

void
ta_conn_tracker_finish (TaConnTracker *self)
{
  g_autoptr (GArray) open = g_array_sized_new (FALSE, FALSE, sizeof (guint32),
                                               self->n_open);

  g_return_if_fail (self != NULL);
  for (guint l = 0; l < N_LISTS; l++)
    for (guint32 i = self->lists[l].head; i != NIL; i = self->pool[i].next)
      g_array_append_val (open, i);
  /* in the order of their first packet */
  g_array_sort_with_data (open, cmp_id, self->pool);
  for (guint i = 0; i < open->len; i++)
    conn_end (self, g_array_index (open, guint32, i), FALSE);
}

guint
ta_conn_tracker_get_n_open (TaConnTracker *self)
{
  return self->n_open;
}

guint
ta_conn_tracker_get_peak_open (TaConnTracker *self)
{
  return self->peak_open;
}

guint64
ta_conn_tracker_get_n_done (TaConnTracker *self)
{
  return self->n_done;
}

void
ta_conn_tracker_free (TaConnTracker *self)
{
  if (self == NULL)
    return;
  g_free (self->pool);
  g_free (self->slots);
  g_free (self);
}
