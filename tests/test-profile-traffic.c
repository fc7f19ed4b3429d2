/* test-profile-traffic.c — conversations and endpoints (ta-traffic.c):
 * hand-made packets and connections, the CSV text, and the cross-check
 * against tshark's conversation and endpoint tables on every capture in
 * tests/data/pcaps/good.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-out.h"
#include "ta-packet-reader.h"
#include "ta-read-stats.h"
#include "ta-test-util.h"
/* src/core/profile is not among the core include folders (yet) */
#include "ta-traffic.h"

static char *tmpdir;

/* ------------------------------------------------------------------ */
/* hand-made input */

static TaPacket
mk_pkt (gint64 ts, guint32 src, guint32 dst, guint32 len)
{
  TaPacket p;

  memset (&p, 0, sizeof p);
  p.ts = ts;
  p.src = src;
  p.dst = dst;
  p.length = len;
  p.proto = 6;
  return p;
}

static void
add_pkt (TaTraffic *t, gint64 ts, guint32 src, guint32 dst, guint32 len)
{
  TaPacket p = mk_pkt (ts, src, dst, len);

  ta_traffic_add_packet (t, &p);
}

static void
add_conn (TaTraffic *t, guint32 orig, guint32 resp, guint8 proto, guint16 resp_p, gint64 ts)
{
  TaConn c;

  memset (&c, 0, sizeof c);
  c.orig = orig;
  c.resp = resp;
  c.proto = proto;
  c.orig_p = 40000;
  c.resp_p = resp_p;
  c.ts_first = ts;
  c.ts_last = ts + 1;
  ta_traffic_add_conn (t, &c);
}

static const TaConversation *
find_conv (TaTraffic *t, guint32 a, guint32 b)
{
  g_autoptr(GPtrArray) all = ta_traffic_get_conversations (t, TA_TRAFFIC_RANK_BYTES, 0);

  for (guint i = 0; i < all->len; i++)
    {
      const TaConversation *c = g_ptr_array_index (all, i);

      if (c->a == a && c->b == b)
        return c;
    }
  return NULL;
}

static const TaEndpoint *
find_ep (TaTraffic *t, guint32 addr)
{
  g_autoptr(GPtrArray) all = ta_traffic_get_endpoints (t, TA_TRAFFIC_RANK_BYTES, 0);

  for (guint i = 0; i < all->len; i++)
    {
      const TaEndpoint *e = g_ptr_array_index (all, i);

      if (e->addr == addr)
        return e;
    }
  return NULL;
}

static void
test_directions (void)
{
  g_autoptr(TaTraffic) t = ta_traffic_new ();
  const TaConversation *c;
  const TaEndpoint *e;
  TaPacket none = mk_pkt (5, TA_ADDR_NONE, 0, 99);

  add_pkt (t, 100, 0, 1, 100);   /* a → b */
  add_pkt (t, 200, 1, 0, 50);    /* b → a */
  add_pkt (t, 300, 2, 0, 10);    /* (0, 2): b → a */
  add_pkt (t, 150, 1, 1, 7);     /* to itself: a → b of (1, 1) */
  add_pkt (t, 50, 0, 1, 1);      /* earlier than the first */
  ta_traffic_add_packet (t, &none);

  g_assert_cmpuint (ta_traffic_get_n_conversations (t), ==, 3);
  g_assert_cmpuint (ta_traffic_get_n_endpoints (t), ==, 3);

  c = find_conv (t, 0, 1);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->pkts_ab, ==, 2);
  g_assert_cmpuint (c->bytes_ab, ==, 101);
  g_assert_cmpuint (c->pkts_ba, ==, 1);
  g_assert_cmpuint (c->bytes_ba, ==, 50);
  g_assert_cmpint (c->first, ==, 50);
  g_assert_cmpint (c->last, ==, 200);
  c = find_conv (t, 0, 2);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->pkts_ab, ==, 0);
  g_assert_cmpuint (c->pkts_ba, ==, 1);
  g_assert_cmpuint (c->bytes_ba, ==, 10);
  c = find_conv (t, 1, 1);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->pkts_ab, ==, 1);
  g_assert_cmpuint (c->pkts_ba, ==, 0);
  g_assert_null (find_conv (t, 2, 0));

  e = find_ep (t, 0);
  g_assert_cmpuint (e->pkts_tx, ==, 2);
  g_assert_cmpuint (e->bytes_tx, ==, 101);
  g_assert_cmpuint (e->pkts_rx, ==, 2);
  g_assert_cmpuint (e->bytes_rx, ==, 60);
  g_assert_cmpint (e->first, ==, 50);
  g_assert_cmpint (e->last, ==, 300);
  g_assert_cmpuint (e->n_peers, ==, 2);
  /* the packet to itself is its tx and its rx, as in Wireshark */
  e = find_ep (t, 1);
  g_assert_cmpuint (e->pkts_tx, ==, 2);
  g_assert_cmpuint (e->bytes_tx, ==, 57);
  g_assert_cmpuint (e->pkts_rx, ==, 3);
  g_assert_cmpuint (e->bytes_rx, ==, 108);
  g_assert_cmpuint (e->n_peers, ==, 2);   /* 0 and itself */
  e = find_ep (t, 2);
  g_assert_cmpuint (e->pkts_tx, ==, 1);
  g_assert_cmpuint (e->pkts_rx, ==, 0);
  g_assert_cmpuint (e->n_peers, ==, 1);
  g_assert_cmpint (e->first, ==, 300);
}

typedef struct
{
  guint64 pkts[2];
  guint64 bytes[2];
} RefConv;

/* Many hosts and pairs in a shuffled order against a GHashTable
 * reference: the hash and the endpoint array grow on the way */
static void
test_many (void)
{
  g_autoptr(TaTraffic) t = ta_traffic_new ();
  g_autoptr(GHashTable) ref = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) convs = NULL;
  g_autoptr(GPtrArray) eps = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  guint64 total = 0;

  for (guint i = 0; i < 200000; i++)
    {
      guint32 s = g_rand_int_range (rand, 0, 3000);
      guint32 d = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, 3000) : s ^ 1;
      guint32 len = g_rand_int_range (rand, 40, 1500);
      gint64 key = (gint64) MIN (s, d) << 32 | MAX (s, d);
      RefConv *r = g_hash_table_lookup (ref, &key);

      if (r == NULL)
        {
          r = g_new0 (RefConv, 1);
          g_hash_table_insert (ref, g_memdup2 (&key, sizeof key), r);
        }
      r->pkts[s > d]++;
      r->bytes[s > d] += len;
      total += len;
      add_pkt (t, i, s, d, len);
      /* the same pair again now and then: the one-entry cache */
      if (i % 3 == 0)
        {
          add_pkt (t, i, d, s, len);
          r->pkts[d > s]++;
          r->bytes[d > s] += len;
          total += len;
        }
    }
  g_rand_free (rand);

  g_assert_cmpuint (ta_traffic_get_n_conversations (t), ==, g_hash_table_size (ref));
  convs = ta_traffic_get_conversations (t, TA_TRAFFIC_RANK_PACKETS, 0);
  g_assert_cmpuint (convs->len, ==, g_hash_table_size (ref));
  for (guint i = 0; i < convs->len; i++)
    {
      const TaConversation *c = g_ptr_array_index (convs, i);
      gint64 key = (gint64) c->a << 32 | c->b;
      RefConv *r = g_hash_table_lookup (ref, &key);

      g_assert_nonnull (r);
      g_assert_cmpuint (c->pkts_ab, ==, r->pkts[0]);
      g_assert_cmpuint (c->pkts_ba, ==, r->pkts[1]);
      g_assert_cmpuint (c->bytes_ab, ==, r->bytes[0]);
      g_assert_cmpuint (c->bytes_ba, ==, r->bytes[1]);
      if (i > 0)
        {
          const TaConversation *p = g_ptr_array_index (convs, i - 1);

          g_assert_cmpuint (p->pkts_ab + p->pkts_ba, >=, c->pkts_ab + c->pkts_ba);
        }
    }
  eps = ta_traffic_get_endpoints (t, TA_TRAFFIC_RANK_BYTES, 0);
  g_assert_cmpuint (eps->len, ==, 3000);
  {
    guint64 tx = 0, rx = 0;

    for (guint i = 0; i < eps->len; i++)
      {
        const TaEndpoint *e = g_ptr_array_index (eps, i);

        tx += e->bytes_tx;
        rx += e->bytes_rx;
      }
    g_assert_cmpuint (tx, ==, total);
    g_assert_cmpuint (rx, ==, total);
  }
}

static void
assert_conv_order (TaTraffic *t, TaTrafficRank rank, guint limit, const guint32 *pairs, guint n)
{
  g_autoptr(GPtrArray) got = ta_traffic_get_conversations (t, rank, limit);

  g_assert_cmpuint (got->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const TaConversation *c = g_ptr_array_index (got, i);

      g_assert_cmpuint (c->a, ==, pairs[2 * i]);
      g_assert_cmpuint (c->b, ==, pairs[2 * i + 1]);
    }
}

static void
assert_ep_order (TaTraffic *t, TaTrafficRank rank, guint limit, const guint32 *addrs, guint n)
{
  g_autoptr(GPtrArray) got = ta_traffic_get_endpoints (t, rank, limit);

  g_assert_cmpuint (got->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (((const TaEndpoint *) g_ptr_array_index (got, i))->addr, ==, addrs[i]);
}

static void
test_ranking (void)
{
  g_autoptr(TaTraffic) t = ta_traffic_new ();

  /* (2,3): 1 packet 1000 bytes; (0,1): 3 packets 300 bytes;
   * (1,4): 3 packets 1000 bytes; (0,5): 1 packet 300 bytes */
  add_pkt (t, 1, 3, 2, 1000);
  add_pkt (t, 2, 0, 1, 100);
  add_pkt (t, 3, 1, 0, 100);
  add_pkt (t, 4, 0, 1, 100);
  add_pkt (t, 5, 4, 1, 500);
  add_pkt (t, 6, 1, 4, 250);
  add_pkt (t, 7, 1, 4, 250);
  add_pkt (t, 8, 0, 5, 300);
  /* connections: (0,5) 2, (2,3) 2, (0,1) 1; ICMP counts as a connection */
  add_conn (t, 5, 0, 17, 53, 8);
  add_conn (t, 0, 5, 1, 0, 8);
  add_conn (t, 2, 3, 6, 80, 1);
  add_conn (t, 3, 2, 6, 80, 1);
  add_conn (t, 0, 1, 6, 22, 2);

  {
    static const guint32 bytes[] = { 1, 4, 2, 3, 0, 1, 0, 5 };
    static const guint32 packets[] = { 0, 1, 1, 4, 0, 5, 2, 3 };
    static const guint32 conns[] = { 0, 5, 2, 3, 0, 1, 1, 4 };

    assert_conv_order (t, TA_TRAFFIC_RANK_BYTES, 0, bytes, 4);
    assert_conv_order (t, TA_TRAFFIC_RANK_PACKETS, 0, packets, 4);
    assert_conv_order (t, TA_TRAFFIC_RANK_CONNECTIONS, 0, conns, 4);
    assert_conv_order (t, TA_TRAFFIC_RANK_BYTES, 2, bytes, 2);
    assert_conv_order (t, TA_TRAFFIC_RANK_BYTES, 9, bytes, 4);
  }
  {
    /* bytes: 1: 1300, 4: 1000, 2 and 3: 1000 each, 0: 600, 5: 300
     * packets: 1: 6, 0: 4, 4: 3, 2, 3, 5: 1
     * connections: 0: 3, 5: 2, 2: 2, 3: 2, 1: 1, 4: 0 */
    static const guint32 bytes[] = { 1, 2, 3, 4, 0, 5 };
    static const guint32 packets[] = { 1, 0, 4, 2, 3, 5 };
    static const guint32 conns[] = { 0, 2, 3, 5, 1, 4 };

    assert_ep_order (t, TA_TRAFFIC_RANK_BYTES, 0, bytes, 6);
    assert_ep_order (t, TA_TRAFFIC_RANK_PACKETS, 0, packets, 6);
    assert_ep_order (t, TA_TRAFFIC_RANK_CONNECTIONS, 0, conns, 6);
    assert_ep_order (t, TA_TRAFFIC_RANK_CONNECTIONS, 1, conns, 1);
  }
}

static void
test_rank_names (void)
{
  TaTrafficRank r = TA_TRAFFIC_RANK_BYTES;

  for (guint i = 0; i <= TA_TRAFFIC_RANK_CONNECTIONS; i++)
    {
      g_assert_true (ta_traffic_rank_parse (ta_traffic_rank_name (i), &r));
      g_assert_cmpint (r, ==, i);
    }
  g_assert_cmpstr (ta_traffic_rank_name (TA_TRAFFIC_RANK_PACKETS), ==, "packets");
  g_assert_true (ta_traffic_rank_parse ("connections", &r));
  g_assert_cmpint (r, ==, TA_TRAFFIC_RANK_CONNECTIONS);
  r = TA_TRAFFIC_RANK_PACKETS;
  g_assert_false (ta_traffic_rank_parse ("Bytes", &r));
  g_assert_false (ta_traffic_rank_parse ("", &r));
  g_assert_false (ta_traffic_rank_parse (NULL, &r));
  g_assert_cmpint (r, ==, TA_TRAFFIC_RANK_PACKETS);
}

static void
assert_top (const TaPortCount *top, const char *want)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < TA_TRAFFIC_TOP_PORTS && top[i].conns; i++)
    g_string_append_printf (s, "%s%u/%u:%" G_GUINT64_FORMAT, i ? " " : "",
                            top[i].proto, top[i].port, top[i].conns);
  g_assert_cmpstr (s->str, ==, want);
}

static void
test_ports (void)
{
  g_autoptr(TaTraffic) t = ta_traffic_new ();
  const TaConversation *c;
  const TaEndpoint *e;

  add_pkt (t, 1, 0, 1, 60);
  add_pkt (t, 2, 0, 2, 60);
  for (guint i = 0; i < 3; i++)
    add_conn (t, 0, 1, 6, 80, 10);
  add_conn (t, 0, 1, 6, 443, 10);
  add_conn (t, 1, 0, 17, 53, 10);
  add_conn (t, 1, 0, 17, 53, 10);
  add_conn (t, 0, 1, 1, 0, 10);        /* ICMP: a connection, no port */
  add_conn (t, 0, 1, 58, 3, 10);       /* ICMPv6 neither */
  add_conn (t, 0, 1, 6, 8080, 10);
  add_conn (t, 0, 1, 17, 123, 10);
  add_conn (t, 0, 1, 6, 21, 10);
  add_conn (t, 0, 2, 6, 80, 10);
  add_conn (t, 2, 0, 6, 22, 10);
  add_conn (t, 3, 3, 17, 0, 10);       /* port 0 is a port; to itself */

  c = find_conv (t, 0, 1);
  g_assert_cmpuint (c->conns, ==, 11);
  g_assert_cmpuint (c->n_ports, ==, 6);
  /* by connections, ties by protocol then port; udp/123 is the sixth */
  assert_top (c->top_ports, "6/80:3 17/53:2 6/21:1 6/443:1 6/8080:1");
  c = find_conv (t, 0, 2);
  g_assert_cmpuint (c->conns, ==, 2);
  g_assert_cmpuint (c->n_ports, ==, 2);
  assert_top (c->top_ports, "6/22:1 6/80:1");
  c = find_conv (t, 3, 3);
  g_assert_cmpuint (c->conns, ==, 1);
  assert_top (c->top_ports, "17/0:1");

  e = find_ep (t, 0);
  g_assert_cmpuint (e->conns_orig, ==, 10);
  g_assert_cmpuint (e->conns_resp, ==, 3);
  g_assert_cmpuint (e->n_ports, ==, 7);
  g_assert_cmpuint (e->n_peers, ==, 2);
  assert_top (e->top_ports, "6/80:4 17/53:2 6/21:1 6/22:1 6/443:1");
  e = find_ep (t, 1);
  g_assert_cmpuint (e->conns_orig, ==, 2);
  g_assert_cmpuint (e->conns_resp, ==, 9);
  g_assert_cmpuint (e->n_ports, ==, 6);
  g_assert_cmpuint (e->n_peers, ==, 1);
  e = find_ep (t, 2);
  g_assert_cmpuint (e->conns_orig, ==, 1);
  g_assert_cmpuint (e->conns_resp, ==, 1);
  g_assert_cmpuint (e->n_ports, ==, 2);
  assert_top (e->top_ports, "6/22:1 6/80:1");
  /* host 3 has a connection but no packets: no peers, one port */
  e = find_ep (t, 3);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->n_peers, ==, 0);
  g_assert_cmpuint (e->n_ports, ==, 1);
  g_assert_cmpuint (e->conns_orig, ==, 1);
  g_assert_cmpuint (e->conns_resp, ==, 1);

  /* the derived fields follow later additions */
  add_conn (t, 0, 1, 17, 123, 11);
  add_conn (t, 0, 1, 17, 123, 11);
  c = find_conv (t, 0, 1);
  assert_top (c->top_ports, "6/80:3 17/123:3 17/53:2 6/21:1 6/443:1");
}

static char *
write_csv (TaTraffic *t, TaAddrTable *addrs, gboolean conversations, TaTrafficRank rank)
{
  g_autofree char *path = g_build_filename (tmpdir, "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  TaOut *out = ta_out_open (path, TA_OUT_NONE, 0, &error);
  char *text = NULL;

  g_assert_no_error (error);
  if (conversations)
    ta_traffic_write_conversations (t, addrs, rank, out);
  else
    ta_traffic_write_endpoints (t, addrs, rank, out);
  g_assert_true (ta_out_commit_file (out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_unlink (path);
  return text;
}

static void
test_csv (void)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaTraffic) t = ta_traffic_new ();
  g_autofree char *conv = NULL;
  g_autofree char *eps = NULL;
  guint32 h1 = ta_addr_table_intern_text (addrs, "10.0.0.1", -1);
  guint32 h2 = ta_addr_table_intern_text (addrs, "10.0.0.2", -1);
  guint32 h3 = ta_addr_table_intern_text (addrs, "2001:db8::1", -1);
  guint32 h4 = ta_addr_table_intern_text (addrs, "odd,\"name\"", -1);
  const gint64 t0 = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;

  add_pkt (t, t0, h1, h2, 74);
  add_pkt (t, t0 + 1500, h2, h1, 66);
  add_pkt (t, t0 + 2000001, h1, h2, 1514);
  add_pkt (t, t0 + 7, h3, h4, 100);
  add_conn (t, h1, h2, 6, 80, t0);
  add_conn (t, h1, h2, 6, 80, t0 + 5);
  add_conn (t, h2, h1, 17, 53, t0 + 6);

  conv = write_csv (t, addrs, TRUE, TA_TRAFFIC_RANK_BYTES);
  g_assert_cmpstr (conv, ==,
    "address_a,address_b,packets,bytes,packets_a_to_b,bytes_a_to_b,packets_b_to_a,"
    "bytes_b_to_a,first_ts,last_ts,duration_s,connections,distinct_ports,top_ports\n"
    "10.0.0.1,10.0.0.2,3,1654,2,1588,1,66,1700000000000000,1700000002000001,2.000001,3,2,tcp/80:2 udp/53:1\n"
    "2001:db8::1,\"odd,\"\"name\"\"\",1,100,1,100,0,0,1700000000000007,1700000000000007,0.000000,0,0,\n");
  eps = write_csv (t, addrs, FALSE, TA_TRAFFIC_RANK_PACKETS);
  g_assert_cmpstr (eps, ==,
    "address,packets,bytes,tx_packets,tx_bytes,rx_packets,rx_bytes,first_ts,last_ts,"
    "connections_orig,connections_resp,distinct_peers,distinct_ports,top_ports\n"
    "10.0.0.1,3,1654,2,1588,1,66,1700000000000000,1700000002000001,2,1,1,2,tcp/80:2 udp/53:1\n"
    "10.0.0.2,3,1654,1,66,2,1588,1700000000000000,1700000002000001,1,2,1,2,tcp/80:2 udp/53:1\n"
    "2001:db8::1,1,100,1,100,0,0,1700000000000007,1700000000000007,0,0,1,0,\n"
    "\"odd,\"\"name\"\"\",1,100,0,0,1,100,1700000000000007,1700000000000007,0,0,1,0,\n");

  /* an empty table: the header alone */
  {
    g_autoptr(TaTraffic) empty = ta_traffic_new ();
    g_autofree char *c2 = write_csv (empty, addrs, TRUE, TA_TRAFFIC_RANK_CONNECTIONS);

    g_assert_true (g_str_has_prefix (c2, "address_a,"));
    g_assert_cmpuint (strlen (c2), ==, strcspn (c2, "\n") + 1);
  }
}

/* The per-packet path at full speed (a message, not an assertion: sanitizer
 * and debug builds are slower) */
static void
test_speed (void)
{
  g_autoptr(TaTraffic) t = ta_traffic_new ();
  g_autofree TaPacket *pkts = g_new (TaPacket, 1 << 16);
  const guint rounds = 64;
  gint64 start;
  double secs;

  for (guint i = 0; i < 1 << 16; i++)
    {
      /* flows of a few packets between 5000 hosts */
      guint f = (i / 4) * 2654435761u;

      pkts[i] = mk_pkt (i, (f >> 8) % 5000, (f >> 20) % 5000, 60 + i % 1400);
      if (i & 1)
        {
          guint32 s = pkts[i].src;

          pkts[i].src = pkts[i].dst;
          pkts[i].dst = s;
        }
    }
  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < 1 << 16; i++)
      ta_traffic_add_packet (t, &pkts[i]);
  secs = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%u packets in %.3f s: %.1f M packets/s, %u conversations",
                  rounds << 16, secs, (rounds << 16) / MAX (secs, 1e-9) / 1e6,
                  ta_traffic_get_n_conversations (t));
  g_assert_cmpuint (ta_traffic_get_n_endpoints (t), <=, 5000);
}

/* ------------------------------------------------------------------ */
/* the tshark cross-check
 *
 * tshark 4.0 prints the conversation tables' bytes abbreviated ("90 kB")
 * and has no option for exact numbers there; the endpoint tables' numbers
 * are exact. So: frames are compared exactly with -z conv,ip / conv,ipv6 /
 * conv,tcp / conv,udp, their bytes as the text tshark's format_size() makes
 * of our exact count; the exact bytes per address pair and per 4-tuple come
 * from `tshark -T fields` (frame.len of every frame, aggregated here); and
 * -z endpoints,ip / endpoints,ipv6 are compared exactly.
 *
 * The one rule where tshark and our packets differ: tshark's IP, TCP and
 * UDP taps run for every IP, TCP and UDP header of a frame (IP-in-IP, 6in4,
 * GRE, VXLAN: the inner headers too) except those inside an ICMP or ICMPv6
 * error (in_error_pkt); a TaPacket is the outermost IP header and the TCP
 * or UDP header right after it. The extra headers are read from the
 * frame.protocols layer list of the fields run and added to our side
 * before comparing. (Each IP fragment is its own frame in both, with the
 * ports in the first: tshark runs with IP defragmentation off.) */

typedef struct
{
  guint64 pkts[2];    /* [0]: from the lower name to the higher (strcmp) */
  guint64 bytes[2];
  char   *btext[2];   /* tshark's text for the bytes */
  guint   rows;       /* tshark rows summed (a reused 4-tuple has several) */
} Cnt;

static void
cnt_free (gpointer p)
{
  Cnt *c = p;

  g_free (c->btext[0]);
  g_free (c->btext[1]);
  g_free (c);
}

static GHashTable *
table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cnt_free);
}

/* the entry of the unordered pair; *dir = the direction of x → y */
static Cnt *
cnt_get (GHashTable *t, const char *x, const char *y, int *dir)
{
  gboolean lo = strcmp (x, y) <= 0;
  g_autofree char *key = g_strconcat (lo ? x : y, "\t", lo ? y : x, NULL);
  Cnt *c = g_hash_table_lookup (t, key);

  *dir = lo ? 0 : 1;
  if (c == NULL)
    {
      c = g_new0 (Cnt, 1);
      g_hash_table_insert (t, g_steal_pointer (&key), c);
    }
  return c;
}

static void
cnt_add (GHashTable *t, const char *x, const char *y, guint64 len)
{
  int dir;
  Cnt *c = cnt_get (t, x, y, &dir);

  c->pkts[dir]++;
  c->bytes[dir] += len;
}

/* endpoints: [0] tx, [1] rx */
static void
ep_add (GHashTable *t, const char *addr, int dir, guint64 pkts, guint64 len)
{
  Cnt *c = g_hash_table_lookup (t, addr);

  if (c == NULL)
    {
      c = g_new0 (Cnt, 1);
      g_hash_table_insert (t, g_strdup (addr), c);
    }
  c->pkts[dir] += pkts;
  c->bytes[dir] += len;
}

/* wsutil's format_size (FORMAT_SIZE_UNIT_BYTES, SI) as tshark 4.0 prints it */
static char *
tshark_size (guint64 n)
{
  static const char * const units[] = { "kB", "MB", "GB", "TB", "PB" };
  guint64 p = 1000;
  guint u = 0;

  if (n < 10000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " bytes", n);
  while (u + 1 < G_N_ELEMENTS (units) && n >= p * 1000 * 10)
    {
      p *= 1000;
      u++;
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", n / p, units[u]);
}

static char *
run_tshark (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "tshark");
  g_ptr_array_add (argv, (gpointer) "-n");
  /* each fragment on its own, the first with its ports (as our reader) */
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, (gpointer) "ip.defragment:FALSE");
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, (gpointer) "ipv6.defragment:FALSE");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

typedef struct
{
  GHashTable *conv[2];     /* IPv4, IPv6 pairs */
  GHashTable *ep[2];
  GHashTable *l4[2];       /* TCP, UDP 4-tuples ("addr:port") */
} Tables;

static void
tables_init (Tables *t)
{
  for (int i = 0; i < 2; i++)
    {
      t->conv[i] = table_new ();
      t->ep[i] = table_new ();
      t->l4[i] = table_new ();
    }
}

static void
tables_clear (Tables *t)
{
  for (int i = 0; i < 2; i++)
    {
      g_hash_table_unref (t->conv[i]);
      g_hash_table_unref (t->ep[i]);
      g_hash_table_unref (t->l4[i]);
    }
}

static GPtrArray *
tokens (const char *line)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i]; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (out, g_strdup (parts[i]));
  return out;
}

#define TOK(a, i) ((const char *) g_ptr_array_index ((a), (i)))

/* one conversation row: A <-> B, then frames and bytes of B → A ("<-"),
 * of A → B ("->"), of both, the start and the duration */
static void
parse_conv_row (GHashTable *t, const char *line)
{
  g_autoptr(GPtrArray) tk = tokens (line);
  int dir;
  Cnt *c;

  g_assert_cmpuint (tk->len, >=, 14);
  g_assert_cmpstr (TOK (tk, 1), ==, "<->");
  c = cnt_get (t, TOK (tk, 0), TOK (tk, 2), &dir);
  c->rows++;
  c->pkts[dir] += g_ascii_strtoull (TOK (tk, 6), NULL, 10);
  c->pkts[!dir] += g_ascii_strtoull (TOK (tk, 3), NULL, 10);
  g_free (c->btext[dir]);
  g_free (c->btext[!dir]);
  c->btext[dir] = g_strconcat (TOK (tk, 7), " ", TOK (tk, 8), NULL);
  c->btext[!dir] = g_strconcat (TOK (tk, 4), " ", TOK (tk, 5), NULL);
  /* the total is the sum of the two ways */
  g_assert_cmpuint (g_ascii_strtoull (TOK (tk, 9), NULL, 10), ==,
                    g_ascii_strtoull (TOK (tk, 3), NULL, 10) + g_ascii_strtoull (TOK (tk, 6), NULL, 10));
}

/* address, packets, bytes, tx packets, tx bytes, rx packets, rx bytes */
static void
parse_ep_row (GHashTable *t, const char *line)
{
  g_autoptr(GPtrArray) tk = tokens (line);
  guint64 v[6];

  g_assert_cmpuint (tk->len, ==, 7);
  for (int i = 0; i < 6; i++)
    v[i] = g_ascii_strtoull (TOK (tk, i + 1), NULL, 10);
  g_assert_cmpuint (v[0], ==, v[2] + v[4]);
  g_assert_cmpuint (v[1], ==, v[3] + v[5]);
  g_assert_null (g_hash_table_lookup (t, TOK (tk, 0)));
  ep_add (t, TOK (tk, 0), 0, v[2], v[3]);
  ep_add (t, TOK (tk, 0), 1, v[4], v[5]);
}

/* the statistics after the frames' lines */
static void
parse_tshark_tables (char **lines, Tables *ts)
{
  GHashTable *cur = NULL;
  gboolean is_conv = FALSE;
  guint sections = 0;

  for (guint i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      struct { const char *title; GHashTable *t; gboolean conv; } titles[] = {
        { "IPv4 Conversations", ts->conv[0], TRUE }, { "IPv6 Conversations", ts->conv[1], TRUE },
        { "IPv4 Endpoints", ts->ep[0], FALSE }, { "IPv6 Endpoints", ts->ep[1], FALSE },
        { "TCP Conversations", ts->l4[0], TRUE }, { "UDP Conversations", ts->l4[1], TRUE },
      };
      gboolean title = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (titles); k++)
        if (strcmp (l, titles[k].title) == 0)
          {
            cur = titles[k].t;
            is_conv = titles[k].conv;
            title = TRUE;
            sections++;
          }
      if (title || cur == NULL || l[0] == '\0' || l[0] == '=' || l[0] == ' '
          || g_str_has_prefix (l, "Filter:") || strchr (l, '|') != NULL)
        continue;
      if (is_conv)
        parse_conv_row (cur, l);
      else
        parse_ep_row (cur, l);
    }
  g_assert_cmpuint (sections, ==, 6);
}

typedef struct
{
  GHashTable *pair;        /* exact bytes of the outermost IP header's pair */
  GHashTable *l4[2];       /* … and of the TCP / UDP header right after it */
  guint       extra_ip;    /* headers tshark counts that are not ours */
  guint       extra_l4;
  guint       frames;
} Fields;

static const char *
nth (char **list, guint i)
{
  g_assert_true (list != NULL && i < g_strv_length (list));
  return list[i];
}

/* One frame of the fields run: the layers in order; see the rule above */
static void
fields_frame (char **f, Tables *ours, Fields *fd)
{
  guint64 len = g_ascii_strtoull (f[0], NULL, 10);
  g_auto(GStrv) protos = g_strsplit (f[1], ":", -1);
  char **lists[8] = { NULL, };
  guint idx[4] = { 0, };   /* ip, ipv6, tcp, udp occurrences */
  gboolean in_error = FALSE, right_after_first = FALSE;
  const char *src = NULL, *dst = NULL;
  guint n_ip = 0;

  for (int k = 0; k < 8; k++)
    lists[k] = f[2 + k][0] ? g_strsplit (f[2 + k], ",", -1) : NULL;
  for (guint i = 0; protos[i]; i++)
    {
      const char *p = protos[i];
      int v6 = strcmp (p, "ipv6") == 0, tcp = strcmp (p, "tcp") == 0;

      if (strcmp (p, "icmp") == 0 || strcmp (p, "icmpv6") == 0)
        in_error = TRUE;   /* an error quotes headers; other ICMP has none */
      else if (strcmp (p, "ip") == 0 || v6)
        {
          guint j = idx[v6]++;

          if (in_error)
            continue;
          src = nth (lists[2 * v6], j);
          dst = nth (lists[2 * v6 + 1], j);
          if (++n_ip == 1)
            {
              cnt_add (fd->pair, src, dst, len);
              right_after_first = TRUE;
              continue;
            }
          /* a tunnelled header: tshark counts it, our packet has the outer */
          right_after_first = FALSE;
          fd->extra_ip++;
          cnt_add (ours->conv[v6], src, dst, len);
          ep_add (ours->ep[v6], src, 0, 1, len);
          ep_add (ours->ep[v6], dst, 1, 1, len);
        }
      else if (tcp || strcmp (p, "udp") == 0)
        {
          guint j = idx[2 + !tcp]++;
          g_autofree char *a = NULL, *b = NULL;

          if (in_error || src == NULL)
            continue;
          a = g_strdup_printf ("%s:%s", src, nth (lists[4 + 2 * !tcp], j));
          b = g_strdup_printf ("%s:%s", dst, nth (lists[5 + 2 * !tcp], j));
          if (right_after_first)
            cnt_add (fd->l4[!tcp], a, b, len);
          else
            {
              fd->extra_l4++;
              cnt_add (ours->l4[!tcp], a, b, len);
            }
          right_after_first = FALSE;
        }
      else if (!g_str_has_prefix (p, "ipv6."))   /* IPv6 extension headers */
        right_after_first = FALSE;
    }
  for (int k = 0; k < 8; k++)
    g_strfreev (lists[k]);
}

/* One tshark run: a line of fields per frame, then the tables. Returns
 * where the tables start. */
static char **
parse_tshark_fields (char **lines, Tables *ours, Fields *fd)
{
  guint i;

  for (i = 0; lines[i] && lines[i][0] != '='; i++)
    {
      g_auto(GStrv) f = NULL;

      if (lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 10);
      fields_frame (f, ours, fd);
      fd->frames++;
    }
  return lines + i;
}

static void
fields_clear (Fields *fd)
{
  g_hash_table_unref (fd->pair);
  g_hash_table_unref (fd->l4[0]);
  g_hash_table_unref (fd->l4[1]);
}

/* Our side: the capture through ta_packet_reader into a TaTraffic; the
 * 4-tuples straight from the packets */
static guint
read_ours (const char *path, Tables *ours, Fields *exact)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaTraffic) traffic = ta_traffic_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) convs = NULL;
  g_autoptr(GPtrArray) eps = NULL;
  TaReaderConfig cfg = { 0, };
  TaReadStats stats;
  TaPacketReader *rd;
  TaPacket pkt;
  guint n = 0;

  ta_read_stats_init (&stats);
  cfg.addrs = addrs;
  cfg.stats = &stats;
  rd = ta_packet_reader_open (path, &cfg, &error);
  g_assert_no_error (error);
  while (ta_packet_reader_next (rd, &pkt, &error))
    {
      ta_traffic_add_packet (traffic, &pkt);
      n++;
      if ((pkt.proto == 6 || pkt.proto == 17) && (pkt.pflags & TA_PKT_HAS_PORTS))
        {
          g_autofree char *a = g_strdup_printf ("%s:%u", ta_addr_table_get_name (addrs, pkt.src), pkt.sport);
          g_autofree char *b = g_strdup_printf ("%s:%u", ta_addr_table_get_name (addrs, pkt.dst), pkt.dport);

          cnt_add (ours->l4[pkt.proto == 17], a, b, pkt.length);
          cnt_add (exact->l4[pkt.proto == 17], a, b, pkt.length);
        }
    }
  g_assert_no_error (error);
  ta_packet_reader_free (rd);
  ta_read_stats_clear (&stats);

  convs = ta_traffic_get_conversations (traffic, TA_TRAFFIC_RANK_BYTES, 0);
  g_assert_cmpuint (convs->len, ==, ta_traffic_get_n_conversations (traffic));
  for (guint i = 0; i < convs->len; i++)
    {
      const TaConversation *c = g_ptr_array_index (convs, i);
      const char *na = ta_addr_table_get_name (addrs, c->a);
      const char *nb = ta_addr_table_get_name (addrs, c->b);
      int v6 = ta_addr_table_get_family (addrs, c->a) == 6;
      GHashTable *tables[] = { ours->conv[v6], exact->pair };

      g_assert_cmpuint (ta_addr_table_get_family (addrs, c->a), ==, ta_addr_table_get_family (addrs, c->b));
      for (guint k = 0; k < G_N_ELEMENTS (tables); k++)
        {
          int dir;
          Cnt *x = cnt_get (tables[k], na, nb, &dir);

          x->pkts[dir] += c->pkts_ab;
          x->bytes[dir] += c->bytes_ab;
          x->pkts[!dir] += c->pkts_ba;
          x->bytes[!dir] += c->bytes_ba;
        }
    }
  eps = ta_traffic_get_endpoints (traffic, TA_TRAFFIC_RANK_PACKETS, 0);
  for (guint i = 0; i < eps->len; i++)
    {
      const TaEndpoint *e = g_ptr_array_index (eps, i);
      const char *name = ta_addr_table_get_name (addrs, e->addr);
      int v6 = ta_addr_table_get_family (addrs, e->addr) == 6;

      ep_add (ours->ep[v6], name, 0, e->pkts_tx, e->bytes_tx);
      ep_add (ours->ep[v6], name, 1, e->pkts_rx, e->bytes_rx);
    }
  return n;
}

static guint64
sum_pkts (GHashTable *t)
{
  GHashTableIter it;
  gpointer v;
  guint64 n = 0;

  g_hash_table_iter_init (&it, t);
  while (g_hash_table_iter_next (&it, NULL, &v))
    n += ((Cnt *) v)->pkts[0] + ((Cnt *) v)->pkts[1];
  return n;
}

/* @want (ours) and @got (tshark) hold the same keys and counts; @bytes:
 * exact bytes, else tshark's text of our bytes */
static void
compare_tables (const char *what, const char *file, GHashTable *want, GHashTable *got, gboolean exact)
{
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, got);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      Cnt *g = v, *w = g_hash_table_lookup (want, k);

      if (w == NULL)
        g_error ("%s %s: tshark has %s, we do not", file, what, (char *) k);
      for (int d = 0; d < 2; d++)
        {
          g_autofree char *text = tshark_size (w->bytes[d]);

          if (g->pkts[d] != w->pkts[d]
              || (exact && g->bytes[d] != w->bytes[d])
              || (!exact && g->rows == 1 && strcmp (g->btext[d], text) != 0))
            g_error ("%s %s %s way %d: tshark %" G_GUINT64_FORMAT " packets %s / %" G_GUINT64_FORMAT
                     " bytes, we %" G_GUINT64_FORMAT " packets %" G_GUINT64_FORMAT " bytes",
                     file, what, (char *) k, d, g->pkts[d], g->btext[d] ? g->btext[d] : "",
                     g->bytes[d], w->pkts[d], w->bytes[d]);
        }
    }
  g_hash_table_iter_init (&it, want);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_hash_table_contains (got, k))
      g_error ("%s %s: we have %s, tshark does not", file, what, (char *) k);
}

/* Compares one capture; returns our packet count */
static guint
cross_check (const char *path, Fields *fd)
{
  g_autofree char *base = g_path_get_basename (path);
  g_auto(GStrv) lines = NULL;
  char **tables;
  Tables ours, ts;
  guint n;

  tables_init (&ours);
  tables_init (&ts);
  memset (fd, 0, sizeof *fd);
  fd->pair = table_new ();
  fd->l4[0] = table_new ();
  fd->l4[1] = table_new ();
  {
    const char * const args[] = { "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
      "-e", "frame.len", "-e", "frame.protocols", "-e", "ip.src", "-e", "ip.dst",
      "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "tcp.srcport", "-e", "tcp.dstport",
      "-e", "udp.srcport", "-e", "udp.dstport",
      "-z", "conv,ip", "-z", "conv,ipv6", "-z", "endpoints,ip", "-z", "endpoints,ipv6",
      "-z", "conv,tcp", "-z", "conv,udp", NULL };
    g_autofree char *out = run_tshark (args);
    Fields ex = { table_new (), { table_new (), table_new () }, 0, 0, 0 };

    lines = g_strsplit (out, "\n", -1);
    n = read_ours (path, &ours, &ex);
    tables = parse_tshark_fields (lines, &ours, fd);
    /* exact bytes: the fields run against ours, before the extras */
    compare_tables ("pairs (fields)", base, ex.pair, fd->pair, TRUE);
    compare_tables ("tcp 4-tuples (fields)", base, ex.l4[0], fd->l4[0], TRUE);
    compare_tables ("udp 4-tuples (fields)", base, ex.l4[1], fd->l4[1], TRUE);
    fields_clear (&ex);
  }
  parse_tshark_tables (tables, &ts);
  compare_tables ("conv,ip", base, ours.conv[0], ts.conv[0], FALSE);
  compare_tables ("conv,ipv6", base, ours.conv[1], ts.conv[1], FALSE);
  compare_tables ("endpoints,ip", base, ours.ep[0], ts.ep[0], TRUE);
  compare_tables ("endpoints,ipv6", base, ours.ep[1], ts.ep[1], TRUE);
  compare_tables ("conv,tcp", base, ours.l4[0], ts.l4[0], FALSE);
  compare_tables ("conv,udp", base, ours.l4[1], ts.l4[1], FALSE);
  g_test_message ("%s: %u packets, %u frames; %u IPv4 + %u IPv6 conversations, %u TCP + %u UDP 4-tuples;"
                  " tunnelled headers added: %u IP, %u TCP/UDP",
                  base, n, fd->frames, g_hash_table_size (ts.conv[0]), g_hash_table_size (ts.conv[1]),
                  g_hash_table_size (ts.l4[0]), g_hash_table_size (ts.l4[1]), fd->extra_ip, fd->extra_l4);
  g_assert_cmpuint (sum_pkts (ts.conv[0]) + sum_pkts (ts.conv[1]), ==, n + fd->extra_ip);
  tables_clear (&ours);
  tables_clear (&ts);
  return n;
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
test_tshark (void)
{
  g_autofree char *dir = ta_test_data_path ("pcaps", "good", NULL);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint64 total = 0;

  g_autofree char *tshark = g_find_program_in_path ("tshark");

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_names);
  g_assert_cmpuint (names->len, >=, 10);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      Fields fd;

      total += cross_check (path, &fd);
      fields_clear (&fd);
    }
  g_assert_cmpuint (total, >, 1000);
}

/* ------------------------------------------------------------------ */
/* a capture that shows the rule: an ICMP error quoting a UDP packet
 * (tshark does not count the quoted headers), IPv4-in-IPv4 and IPv6-in-IPv4
 * (tshark counts the inner headers too), and a UDP datagram in two
 * fragments (the ports in the first) */

static void
put16 (GByteArray *b, guint16 v)
{
  guint8 x[2] = { v >> 8, v & 0xff };

  g_byte_array_append (b, x, 2);
}

static void
put_ipv4 (GByteArray *b, const guint8 *src, const guint8 *dst, guint8 proto, guint16 frag, gsize payload)
{
  static const guint8 ttl_etc[] = { 64 };

  g_byte_array_append (b, (const guint8 *) "\x45\x00", 2);
  put16 (b, 20 + payload);
  put16 (b, 9);
  put16 (b, frag);
  g_byte_array_append (b, ttl_etc, 1);
  g_byte_array_append (b, &proto, 1);
  put16 (b, 0);
  g_byte_array_append (b, src, 4);
  g_byte_array_append (b, dst, 4);
}

static void
put_udp (GByteArray *b, guint16 sp, guint16 dp, gsize data_len, gsize present)
{
  put16 (b, sp);
  put16 (b, dp);
  put16 (b, 8 + data_len);
  put16 (b, 0);
  for (gsize i = 0; i < present; i++)
    g_byte_array_append (b, (const guint8 *) "d", 1);
}

static void
put_frame (GByteArray *cap, GByteArray *frame, guint32 sec)
{
  guint32 rec[4] = { sec, 0, frame->len + 14, frame->len + 14 };
  static const guint8 eth[14] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x08, 0x00 };

  g_byte_array_append (cap, (const guint8 *) rec, sizeof rec);
  g_byte_array_append (cap, eth, sizeof eth);
  g_byte_array_append (cap, frame->data, frame->len);
  g_byte_array_set_size (frame, 0);
}

static void
test_tshark_tunnel (void)
{
  static const guint8 a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 }, c[4] = { 10, 0, 0, 3 };
  static const guint8 d[4] = { 192, 168, 0, 9 }, e[4] = { 192, 168, 0, 10 }, g[4] = { 10, 0, 0, 4 };
  static const guint8 v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
  static const guint8 v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
  /* magic, version 2.4, zone, sigfigs, snaplen, Ethernet (host order) */
  guint32 hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
  g_autoptr(GByteArray) cap = g_byte_array_new ();
  g_autoptr(GByteArray) f = g_byte_array_new ();
  g_autofree char *path = g_build_filename (tmpdir, "tunnel.pcap", NULL);
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  Fields fd;

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  g_byte_array_append (cap, (const guint8 *) hdr, sizeof hdr);
  /* 1: UDP a → b */
  put_ipv4 (f, a, b, 17, 0, 13);
  put_udp (f, 1000, 53, 5, 5);
  put_frame (cap, f, 1);
  /* 2: c → a, ICMP port unreachable quoting 1 */
  put_ipv4 (f, c, a, 1, 0, 8 + 33);
  g_byte_array_append (f, (const guint8 *) "\x03\x03\x00\x00\x00\x00\x00\x00", 8);
  put_ipv4 (f, a, b, 17, 0, 13);
  put_udp (f, 1000, 53, 5, 5);
  put_frame (cap, f, 2);
  /* 3: c → d carrying a → e (IPv4 in IPv4) with UDP */
  put_ipv4 (f, c, d, 4, 0, 30);
  put_ipv4 (f, a, e, 17, 0, 10);
  put_udp (f, 5, 6, 2, 2);
  put_frame (cap, f, 3);
  /* 4, 5: a → b UDP 7000 → 7001, 24 bytes of data in two fragments */
  put_ipv4 (f, a, b, 17, 0x2000, 16);
  put_udp (f, 7000, 7001, 24, 8);
  put_frame (cap, f, 4);
  put_ipv4 (f, a, b, 17, 2, 16);
  for (int i = 0; i < 16; i++)
    g_byte_array_append (f, (const guint8 *) "d", 1);
  put_frame (cap, f, 5);
  /* 6: c → g carrying 2001:db8::1 → ::2 (6in4) with a TCP SYN */
  put_ipv4 (f, c, g, 41, 0, 60);
  g_byte_array_append (f, (const guint8 *) "\x60\x00\x00\x00\x00\x14\x06\x40", 8);
  g_byte_array_append (f, v6a, 16);
  g_byte_array_append (f, v6b, 16);
  put16 (f, 1234);
  put16 (f, 80);
  g_byte_array_append (f, (const guint8 *) "\0\0\0\1\0\0\0\0\x50\x02\xff\xff\0\0\0\0", 16);
  put_frame (cap, f, 6);
  ta_test_write_file (path, cap->data, cap->len);

  g_assert_cmpuint (cross_check (path, &fd), ==, 6);
  /* the rule was needed: two inner IP headers, their UDP and TCP */
  g_assert_cmpuint (fd.extra_ip, ==, 2);
  g_assert_cmpuint (fd.extra_l4, ==, 2);
  fields_clear (&fd);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = ta_test_make_tmp_dir ("ta-traffic-XXXXXX");

  g_test_add_func ("/profile/traffic/directions", test_directions);
  g_test_add_func ("/profile/traffic/many", test_many);
  g_test_add_func ("/profile/traffic/ranking", test_ranking);
  g_test_add_func ("/profile/traffic/rank-names", test_rank_names);
  g_test_add_func ("/profile/traffic/ports", test_ports);
  g_test_add_func ("/profile/traffic/csv", test_csv);
  g_test_add_func ("/profile/traffic/speed", test_speed);
  g_test_add_func ("/profile/traffic/tshark", test_tshark);
  g_test_add_func ("/profile/traffic/tshark-tunnel", test_tshark_tunnel);

  ret = g_test_run ();
  ta_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
