/* ta-traffic.c — conversations and endpoints
 *
 * Per packet: a one-entry cache of the last conversation, else an
 * open-addressing hash (linear probing) from the 64-bit key a << 32 | b to
 * the conversation's index in a growing array; endpoints live in an array
 * indexed by the TaAddrTable index. Nothing is allocated per packet once
 * the hosts and pairs are known.
 *
 * Connections add counts, and one entry per distinct (conversation, proto,
 * responder port) and (host, proto, responder port) to two more hashes of
 * counters. The derived fields (n_ports, top_ports, n_peers) are computed
 * from those hashes and the conversation table when the results are asked
 * for, not per packet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ta-traffic.h"

#define EMPTY_KEY G_MAXUINT64

/* An open-addressing map from a 64-bit key (never EMPTY_KEY) to a 64-bit
 * value; load factor at most 1/2 */
typedef struct
{
  guint64 *keys;
  guint64 *vals;
  gsize    mask;     /* capacity − 1; 0 before the first insert */
  gsize    n;
} Map;

struct _TaTraffic
{
  TaConversation *convs;
  gsize           n_convs;
  gsize           cap_convs;
  Map             conv_map;        /* pair key → index in convs */

  TaEndpoint     *eps;             /* by address index; addr TA_ADDR_NONE = unused */
  gsize           cap_eps;
  guint           n_eps;

  Map             conv_ports;      /* conv index << 24 | proto << 16 | port → connections */
  Map             ep_ports;        /* host << 24 | proto << 16 | port → connections */

  guint64         last_key;        /* the last packet's conversation */
  TaConversation *last_conv;

  gboolean        dirty;           /* derived fields out of date */
};

/* ------------------------------------------------------------------ maps */

static inline gsize
map_hash (guint64 key)
{
  key ^= key >> 29;
  key *= G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (gsize) (key ^ (key >> 32));
}

static void
map_clear (Map *m)
{
  g_free (m->keys);
  g_free (m->vals);
  memset (m, 0, sizeof *m);
}

static void
map_grow (Map *m)
{
  gsize old_cap = m->mask ? m->mask + 1 : 0;
  gsize cap = old_cap ? old_cap * 2 : 64;
  guint64 *keys = g_new (guint64, cap);
  guint64 *vals = g_new (guint64, cap);

  memset (keys, 0xff, cap * sizeof (guint64));
  for (gsize i = 0; i < old_cap; i++)
    {
      gsize h;

      if (m->keys[i] == EMPTY_KEY)
        continue;
      for (h = map_hash (m->keys[i]) & (cap - 1); keys[h] != EMPTY_KEY; h = (h + 1) & (cap - 1))
        ;
      keys[h] = m->keys[i];
      vals[h] = m->vals[i];
    }
  g_free (m->keys);
  g_free (m->vals);
  m->keys = keys;
  m->vals = vals;
  m->mask = cap - 1;
}

/* The value slot of @key; *added when it was inserted now (value 0) */
static guint64 *
map_slot (Map      *m,
          guint64   key,
          gboolean *added)
{
  gsize h;

  if (G_UNLIKELY ((m->n + 1) * 2 > (m->mask ? m->mask + 1 : 0)))
    map_grow (m);
  for (h = map_hash (key) & m->mask; m->keys[h] != EMPTY_KEY; h = (h + 1) & m->mask)
    if (m->keys[h] == key)
      {
        *added = FALSE;
        return &m->vals[h];
      }
  m->keys[h] = key;
  m->vals[h] = 0;
  m->n++;
  *added = TRUE;
  return &m->vals[h];
}

/* ------------------------------------------------------------ the tables */

TaTraffic *
ta_traffic_new (void)
{
  TaTraffic *self = g_new0 (TaTraffic, 1);

  self->last_key = EMPTY_KEY;
  return self;
}

void
ta_traffic_free (TaTraffic *self)
{
  if (self == NULL)
    return;
  g_free (self->convs);
  g_free (self->eps);
  map_clear (&self->conv_map);
  map_clear (&self->conv_ports);
  map_clear (&self->ep_ports);
  g_free (self);
}

static G_GNUC_NO_INLINE TaConversation *
conv_lookup_slow (TaTraffic *self,
                  guint32    a,
                  guint32    b,
                  guint64    key,
                  gint64     ts)
{
  gboolean added;
  guint64 *slot = map_slot (&self->conv_map, key, &added);
  TaConversation *c;

  if (!added)
    return &self->convs[*slot];
  if (self->n_convs == self->cap_convs)
    {
      self->cap_convs = MAX (64, self->cap_convs * 2);
      self->convs = g_renew (TaConversation, self->convs, self->cap_convs);
      self->last_conv = NULL;
      self->last_key = EMPTY_KEY;
    }
  *slot = self->n_convs;
  c = &self->convs[self->n_convs++];
  memset (c, 0, sizeof *c);
  c->a = a;
  c->b = b;
  c->first = c->last = ts;
  self->dirty = TRUE;
  return c;
}

static inline TaConversation *
conv_lookup (TaTraffic *self,
             guint32    a,
             guint32    b,
             gint64     ts)
{
  guint64 key = (guint64) a << 32 | b;

  if (G_LIKELY (key == self->last_key))
    return self->last_conv;
  self->last_conv = conv_lookup_slow (self, a, b, key, ts);
  self->last_key = key;
  return self->last_conv;
}

static G_GNUC_NO_INLINE void
eps_grow (TaTraffic *self,
          guint32    idx)
{
  gsize n = MAX ((gsize) idx + 1, self->cap_eps * 2);

  n = MAX (n, 64);
  self->eps = g_renew (TaEndpoint, self->eps, n);
  memset (self->eps + self->cap_eps, 0, (n - self->cap_eps) * sizeof (TaEndpoint));
  for (gsize i = self->cap_eps; i < n; i++)
    self->eps[i].addr = TA_ADDR_NONE;
  self->cap_eps = n;
}

/* Both ends' entries: the array grows before either is taken */
static inline void
eps_reserve (TaTraffic *self,
             guint32    s,
             guint32    d)
{
  guint32 max = MAX (s, d);

  if (G_UNLIKELY (max >= self->cap_eps))
    eps_grow (self, max);
}

static inline TaEndpoint *
ep_get (TaTraffic *self,
        guint32    idx,
        gint64     ts)
{
  TaEndpoint *e = &self->eps[idx];

  if (G_UNLIKELY (e->addr == TA_ADDR_NONE))
    {
      e->addr = idx;
      e->first = e->last = ts;
      self->n_eps++;
    }
  return e;
}

static inline void
seen_at (gint64 *first,
         gint64 *last,
         gint64  ts)
{
  if (G_UNLIKELY (ts < *first))
    *first = ts;
  if (ts > *last)
    *last = ts;
}

void
ta_traffic_add_packet (TaTraffic      *self,
                       const TaPacket *pkt)
{
  guint32 s = pkt->src, d = pkt->dst;
  guint64 len = pkt->length;
  TaConversation *c;
  TaEndpoint *es, *ed;

  if (G_UNLIKELY (s == TA_ADDR_NONE || d == TA_ADDR_NONE))
    return;
  if (s <= d)
    {
      c = conv_lookup (self, s, d, pkt->ts);
      c->pkts_ab++;
      c->bytes_ab += len;
    }
  else
    {
      c = conv_lookup (self, d, s, pkt->ts);
      c->pkts_ba++;
      c->bytes_ba += len;
    }
  seen_at (&c->first, &c->last, pkt->ts);

  eps_reserve (self, s, d);
  /* as Wireshark: the sender's tx and the receiver's rx, the same host's
   * both for a packet to itself */
  es = ep_get (self, s, pkt->ts);
  ed = ep_get (self, d, pkt->ts);
  es->pkts_tx++;
  es->bytes_tx += len;
  seen_at (&es->first, &es->last, pkt->ts);
  ed->pkts_rx++;
  ed->bytes_rx += len;
  if (ed != es)
    seen_at (&ed->first, &ed->last, pkt->ts);
}

static inline guint64
port_key (guint64 owner,
          guint8  proto,
          guint16 port)
{
  return owner << 24 | (guint64) proto << 16 | port;
}

void
ta_traffic_add_conn (TaTraffic    *self,
                     const TaConn *conn)
{
  guint32 o = conn->orig, r = conn->resp;
  TaConversation *c;
  TaEndpoint *eo, *er;
  gboolean added;

  if (o == TA_ADDR_NONE || r == TA_ADDR_NONE)
    return;
  /* a connection seen without its packets still has a time */
  c = conv_lookup (self, MIN (o, r), MAX (o, r), conn->ts_first);
  seen_at (&c->first, &c->last, conn->ts_first);
  seen_at (&c->first, &c->last, conn->ts_last);
  eps_reserve (self, o, r);
  eo = ep_get (self, o, conn->ts_first);
  er = ep_get (self, r, conn->ts_first);
  seen_at (&eo->first, &eo->last, conn->ts_last);
  seen_at (&er->first, &er->last, conn->ts_last);
  c->conns++;
  eo->conns_orig++;
  er->conns_resp++;
  self->dirty = TRUE;

  if (conn->proto != 6 && conn->proto != 17)
    return;
  (*map_slot (&self->conv_ports, port_key ((guint64) (c - self->convs), conn->proto, conn->resp_p), &added))++;
  (*map_slot (&self->ep_ports, port_key (o, conn->proto, conn->resp_p), &added))++;
  if (r != o)
    (*map_slot (&self->ep_ports, port_key (r, conn->proto, conn->resp_p), &added))++;
}

guint
ta_traffic_get_n_conversations (TaTraffic *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (guint) self->n_convs;
}

guint
ta_traffic_get_n_endpoints (TaTraffic *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_eps;
}

/* ------------------------------------------------------- derived fields */

/* more connections first, then by protocol and port */
static inline gboolean
port_before (const TaPortCount *x,
             guint64            conns,
             guint8             proto,
             guint16            port)
{
  if (x->conns != conns)
    return x->conns > conns;
  if (x->proto != proto)
    return x->proto < proto;
  return x->port < port;
}

static void
top_insert (TaPortCount top[TA_TRAFFIC_TOP_PORTS],
            guint64     conns,
            guint8      proto,
            guint16     port)
{
  int i = TA_TRAFFIC_TOP_PORTS;

  /* entries with conns 0 are free and sort last */
  while (i > 0 && (top[i - 1].conns == 0 || !port_before (&top[i - 1], conns, proto, port)))
    i--;
  if (i >= TA_TRAFFIC_TOP_PORTS)
    return;
  memmove (top + i + 1, top + i, (TA_TRAFFIC_TOP_PORTS - 1 - i) * sizeof (TaPortCount));
  top[i].conns = conns;
  top[i].proto = proto;
  top[i].port = port;
}

static void
update_derived (TaTraffic *self)
{
  Map *m;

  if (!self->dirty)
    return;
  for (gsize i = 0; i < self->n_convs; i++)
    {
      self->convs[i].n_ports = 0;
      memset (self->convs[i].top_ports, 0, sizeof self->convs[i].top_ports);
    }
  for (gsize i = 0; i < self->cap_eps; i++)
    {
      self->eps[i].n_ports = 0;
      self->eps[i].n_peers = 0;
      memset (self->eps[i].top_ports, 0, sizeof self->eps[i].top_ports);
    }

  m = &self->conv_ports;
  for (gsize i = 0; m->mask && i <= m->mask; i++)
    if (m->keys[i] != EMPTY_KEY)
      {
        TaConversation *c = &self->convs[m->keys[i] >> 24];

        c->n_ports++;
        top_insert (c->top_ports, m->vals[i], (m->keys[i] >> 16) & 0xff, m->keys[i] & 0xffff);
      }
  m = &self->ep_ports;
  for (gsize i = 0; m->mask && i <= m->mask; i++)
    if (m->keys[i] != EMPTY_KEY)
      {
        TaEndpoint *e = &self->eps[m->keys[i] >> 24];

        e->n_ports++;
        top_insert (e->top_ports, m->vals[i], (m->keys[i] >> 16) & 0xff, m->keys[i] & 0xffff);
      }

  /* peers: one per conversation that carried packets (a host talking to
   * itself is its own peer, once) */
  for (gsize i = 0; i < self->n_convs; i++)
    {
      TaConversation *c = &self->convs[i];

      if (c->pkts_ab + c->pkts_ba == 0)
        continue;
      self->eps[c->a].n_peers++;
      if (c->b != c->a)
        self->eps[c->b].n_peers++;
    }
  self->dirty = FALSE;
}

/* --------------------------------------------------------------- ranking */

static guint64
conv_key (const TaConversation *c,
          TaTrafficRank         rank)
{
  switch (rank)
    {
    case TA_TRAFFIC_RANK_PACKETS:
      return c->pkts_ab + c->pkts_ba;
    case TA_TRAFFIC_RANK_CONNECTIONS:
      return c->conns;
    case TA_TRAFFIC_RANK_BYTES:
    default:
      return c->bytes_ab + c->bytes_ba;
    }
}

static guint64
ep_key (const TaEndpoint *e,
        TaTrafficRank     rank)
{
  switch (rank)
    {
    case TA_TRAFFIC_RANK_PACKETS:
      return e->pkts_tx + e->pkts_rx;
    case TA_TRAFFIC_RANK_CONNECTIONS:
      return e->conns_orig + e->conns_resp;
    case TA_TRAFFIC_RANK_BYTES:
    default:
      return e->bytes_tx + e->bytes_rx;
    }
}

typedef struct
{
  guint64  key;
  guint64  tie;     /* address index (pair) */
  gpointer item;
} SortEntry;

static int
sort_entry_cmp (const void *x,
                const void *y)
{
  const SortEntry *a = x, *b = y;

  if (a->key != b->key)
    return a->key > b->key ? -1 : 1;
  if (a->tie != b->tie)
    return a->tie < b->tie ? -1 : 1;
  return 0;
}

static GPtrArray *
sorted_items (SortEntry *e,
              gsize      n,
              guint      limit)
{
  GPtrArray *out;

  qsort (e, n, sizeof *e, sort_entry_cmp);
  if (limit != 0 && limit < n)
    n = limit;
  out = g_ptr_array_sized_new ((guint) n);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (out, e[i].item);
  return out;
}

GPtrArray *
ta_traffic_get_conversations (TaTraffic     *self,
                              TaTrafficRank  rank,
                              guint          limit)
{
  g_autofree SortEntry *e = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  update_derived (self);
  e = g_new (SortEntry, MAX (self->n_convs, 1));
  for (gsize i = 0; i < self->n_convs; i++)
    {
      TaConversation *c = &self->convs[i];

      e[i].key = conv_key (c, rank);
      e[i].tie = (guint64) c->a << 32 | c->b;
      e[i].item = c;
    }
  return sorted_items (e, self->n_convs, limit);
}

GPtrArray *
ta_traffic_get_endpoints (TaTraffic     *self,
                          TaTrafficRank  rank,
                          guint          limit)
{
  g_autofree SortEntry *e = NULL;
  gsize n = 0;

  g_return_val_if_fail (self != NULL, NULL);
  update_derived (self);
  e = g_new (SortEntry, MAX (self->n_eps, 1));
  for (gsize i = 0; i < self->cap_eps; i++)
    {
      TaEndpoint *ep = &self->eps[i];

      if (ep->addr == TA_ADDR_NONE)
        continue;
      e[n].key = ep_key (ep, rank);
      e[n].tie = ep->addr;
      e[n].item = ep;
      n++;
    }
  return sorted_items (e, n, limit);
}

/* --------------------------------------------------------------- writing */

/* An address as a CSV cell: quoted when it holds a comma, quote or line
 * break (opaque names from CSV inputs may) */
static gsize
name_room (const char *name)
{
  return strlen (name) * 2 + 2;
}

static char *
put_name (char       *p,
          const char *name)
{
  if (strpbrk (name, ",\"\r\n") == NULL)
    return ta_put_str (p, name);
  *p++ = '"';
  for (const char *c = name; *c; c++)
    {
      if (*c == '"')
        *p++ = '"';
      *p++ = *c;
    }
  *p++ = '"';
  return p;
}

/* "tcp/80:12 udp/53:3" */
#define TOP_ROOM (TA_TRAFFIC_TOP_PORTS * (4 + 5 + 1 + 20 + 1))

static char *
put_top_ports (char              *p,
               const TaPortCount *top)
{
  for (int i = 0; i < TA_TRAFFIC_TOP_PORTS && top[i].conns != 0; i++)
    {
      if (i > 0)
        *p++ = ' ';
      p = top[i].proto == 6 ? TA_PUT_LIT (p, "tcp/") : TA_PUT_LIT (p, "udp/");
      p = ta_put_u32 (p, top[i].port);
      *p++ = ':';
      p = ta_put_u64 (p, top[i].conns);
    }
  return p;
}

/* microseconds as seconds with six decimals */
static char *
put_seconds (char   *p,
             gint64  us)
{
  if (us < 0)
    us = 0;
  p = ta_put_u64 (p, (guint64) us / G_USEC_PER_SEC);
  *p++ = '.';
  {
    guint32 frac = (guint32) ((guint64) us % G_USEC_PER_SEC);
    char tmp[8];

    ta_put_u32_8 (tmp, frac);
    p = ta_put_mem (p, tmp + 2, 6);
  }
  return p;
}

#define NUM_ROOM 22

void
ta_traffic_write_conversations (TaTraffic     *self,
                                TaAddrTable   *addrs,
                                TaTrafficRank  rank,
                                TaOut         *out)
{
  static const char header[] =
    "address_a,address_b,packets,bytes,packets_a_to_b,bytes_a_to_b,packets_b_to_a,"
    "bytes_b_to_a,first_ts,last_ts,duration_s,connections,distinct_ports,top_ports\n";
  g_autoptr(GPtrArray) rows = NULL;

  g_return_if_fail (self != NULL && addrs != NULL && out != NULL);
  ta_out_puts (out, header);
  rows = ta_traffic_get_conversations (self, rank, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      const TaConversation *c = g_ptr_array_index (rows, i);
      const char *na = ta_addr_table_get_name (addrs, c->a);
      const char *nb = ta_addr_table_get_name (addrs, c->b);
      char *p = ta_out_reserve (out, name_room (na) + name_room (nb) + 12 * NUM_ROOM + TOP_ROOM + 16);

      p = put_name (p, na);
      *p++ = ',';
      p = put_name (p, nb);
      *p++ = ',';
      p = ta_put_u64 (p, c->pkts_ab + c->pkts_ba);
      *p++ = ',';
      p = ta_put_u64 (p, c->bytes_ab + c->bytes_ba);
      *p++ = ',';
      p = ta_put_u64 (p, c->pkts_ab);
      *p++ = ',';
      p = ta_put_u64 (p, c->bytes_ab);
      *p++ = ',';
      p = ta_put_u64 (p, c->pkts_ba);
      *p++ = ',';
      p = ta_put_u64 (p, c->bytes_ba);
      *p++ = ',';
      p = ta_put_i64 (p, c->first);
      *p++ = ',';
      p = ta_put_i64 (p, c->last);
      *p++ = ',';
      p = put_seconds (p, c->last - c->first);
      *p++ = ',';
      p = ta_put_u64 (p, c->conns);
      *p++ = ',';
      p = ta_put_u32 (p, c->n_ports);
      *p++ = ',';
      p = put_top_ports (p, c->top_ports);
      *p++ = '\n';
      ta_out_commit (out, p);
    }
}

void
ta_traffic_write_endpoints (TaTraffic     *self,
                            TaAddrTable   *addrs,
                            TaTrafficRank  rank,
                            TaOut         *out)
{
  static const char header[] =
    "address,packets,bytes,tx_packets,tx_bytes,rx_packets,rx_bytes,first_ts,last_ts,"
    "connections_orig,connections_resp,distinct_peers,distinct_ports,top_ports\n";
  g_autoptr(GPtrArray) rows = NULL;

  g_return_if_fail (self != NULL && addrs != NULL && out != NULL);
  ta_out_puts (out, header);
  rows = ta_traffic_get_endpoints (self, rank, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      const TaEndpoint *e = g_ptr_array_index (rows, i);
      const char *name = ta_addr_table_get_name (addrs, e->addr);
      char *p = ta_out_reserve (out, name_room (name) + 13 * NUM_ROOM + TOP_ROOM + 16);

      p = put_name (p, name);
      *p++ = ',';
      p = ta_put_u64 (p, e->pkts_tx + e->pkts_rx);
      *p++ = ',';
      p = ta_put_u64 (p, e->bytes_tx + e->bytes_rx);
      *p++ = ',';
      p = ta_put_u64 (p, e->pkts_tx);
      *p++ = ',';
      p = ta_put_u64 (p, e->bytes_tx);
      *p++ = ',';
      p = ta_put_u64 (p, e->pkts_rx);
      *p++ = ',';
      p = ta_put_u64 (p, e->bytes_rx);
      *p++ = ',';
      p = ta_put_i64 (p, e->first);
      *p++ = ',';
      p = ta_put_i64 (p, e->last);
      *p++ = ',';
      p = ta_put_u64 (p, e->conns_orig);
      *p++ = ',';
      p = ta_put_u64 (p, e->conns_resp);
      *p++ = ',';
      p = ta_put_u32 (p, e->n_peers);
      *p++ = ',';
      p = ta_put_u32 (p, e->n_ports);
      *p++ = ',';
      p = put_top_ports (p, e->top_ports);
      *p++ = '\n';
      ta_out_commit (out, p);
    }
}

/* ----------------------------------------------------------------- names */

static const char * const rank_names[] = {
  [TA_TRAFFIC_RANK_BYTES] = "bytes",
  [TA_TRAFFIC_RANK_PACKETS] = "packets",
  [TA_TRAFFIC_RANK_CONNECTIONS] = "connections",
};

const char *
ta_traffic_rank_name (TaTrafficRank rank)
{
  if ((guint) rank >= G_N_ELEMENTS (rank_names))
    return "bytes";
  return rank_names[rank];
}

gboolean
ta_traffic_rank_parse (const char    *text,
                       TaTrafficRank *rank)
{
  g_return_val_if_fail (rank != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (rank_names); i++)
    if (strcmp (text, rank_names[i]) == 0)
      {
        *rank = (TaTrafficRank) i;
        return TRUE;
      }
  return FALSE;
}
