/* test-capture.c — the pcap / pcapng reader: hand-built captures for every
 * link type and header path, and the cross-check against tshark's counts
 * on the real captures in tests/data/pcaps (and the large loopback capture
 * of the reference data, $TA_SHARED_DATA/pcaps, when it is there).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <zlib.h>

#include "ta-flow-tracker.h"
#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-error.h"
#include "ta-input.h"
#include "ta-ip-map.h"
#include "ta-read-stats.h"
#include "ta-test-util.h"

static char *tmpdir;

/* ------------------------------------------------------------------ */
/* building frames */

static void
put8 (GByteArray *b, guint8 v)
{
  g_byte_array_append (b, &v, 1);
}

static void
put16be (GByteArray *b, guint16 v)
{
  guint8 x[2] = { v >> 8, v & 0xff };
  g_byte_array_append (b, x, 2);
}

static void
put32be (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
  g_byte_array_append (b, x, 4);
}

static void
put16 (GByteArray *b, guint16 v, gboolean be)
{
  if (be)
    put16be (b, v);
  else
    {
      guint8 x[2] = { v & 0xff, v >> 8 };
      g_byte_array_append (b, x, 2);
    }
}

static void
put32 (GByteArray *b, guint32 v, gboolean be)
{
  if (be)
    put32be (b, v);
  else
    {
      guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
      g_byte_array_append (b, x, 4);
    }
}

static void
put_zeros (GByteArray *b, guint n)
{
  for (guint i = 0; i < n; i++)
    put8 (b, 0);
}

/* TCP header (20 + opt bytes) followed by @payload bytes */
static void
put_tcp (GByteArray *b, guint16 sp, guint16 dp, guint32 seq, guint32 ack,
         guint8 flags, guint opt, guint payload)
{
  put16be (b, sp);
  put16be (b, dp);
  put32be (b, seq);
  put32be (b, ack);
  put8 (b, ((20 + opt) / 4) << 4);
  put8 (b, flags);
  put16be (b, 65535);
  put32be (b, 0);
  for (guint i = 0; i < opt; i++)
    put8 (b, 1);     /* NOP */
  for (guint i = 0; i < payload; i++)
    put8 (b, 'x');
}

static void
put_udp (GByteArray *b, guint16 sp, guint16 dp, guint payload)
{
  put16be (b, sp);
  put16be (b, dp);
  put16be (b, 8 + payload);
  put16be (b, 0);
  put_zeros (b, payload);
}

/* IPv4 header; @total_after: bytes that will follow the header */
static void
put_ipv4 (GByteArray *b, guint32 src, guint32 dst, guint8 proto,
          guint optlen, guint16 frag, guint total_after)
{
  put8 (b, 0x40 | ((20 + optlen) / 4));
  put8 (b, 0);
  put16be (b, 20 + optlen + total_after);
  put16be (b, 0x1234);
  put16be (b, frag);
  put8 (b, 64);
  put8 (b, proto);
  put16be (b, 0);
  put32be (b, src);
  put32be (b, dst);
  for (guint i = 0; i < optlen; i++)
    put8 (b, 1);
}

static const guint8 v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const guint8 v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static void
put_ipv6 (GByteArray *b, guint8 nh, guint plen)
{
  put32be (b, 0x60000000);
  put16be (b, plen);
  put8 (b, nh);
  put8 (b, 64);
  g_byte_array_append (b, v6a, 16);
  g_byte_array_append (b, v6b, 16);
}

static void
put_eth (GByteArray *b, const guint16 *tags, guint n_tags, guint16 type)
{
  put_zeros (b, 12);
  for (guint i = 0; i < n_tags; i++)
    {
      put16be (b, tags[i]);
      put16be (b, 100 + i);
    }
  put16be (b, type);
}

#define A_SRC 0x0a000001u   /* 10.0.0.1 */
#define A_DST 0xc0a80102u   /* 192.168.1.2 */

/* an IPv4 TCP segment: 10.0.0.1:1234 -> 192.168.1.2:80, 10 payload bytes */
static void
put_ipv4_tcp (GByteArray *b)
{
  put_ipv4 (b, A_SRC, A_DST, 6, 0, 0x4000, 20 + 10);
  put_tcp (b, 1234, 80, 1000, 2000, 0x18, 0, 10);
}

static void
put_ipv6_tcp (GByteArray *b)
{
  put_ipv6 (b, 6, 20 + 4);
  put_tcp (b, 443, 5555, 7, 9, 0x12, 0, 4);
}

/* ------------------------------------------------------------------ */
/* writing captures */

typedef struct
{
  GByteArray *data;
  guint32     caplen;   /* 0: all */
  guint32     origlen;  /* 0: data->len */
  guint32     sec;
  guint32     frac;
} Rec;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static GByteArray *
pcap_bytes (gboolean be, gboolean ns, guint32 linktype, Rec *recs, guint n)
{
  GByteArray *b = g_byte_array_new ();

  put32 (b, ns ? 0xa1b23c4d : 0xa1b2c3d4, be);
  put16 (b, 2, be);
  put16 (b, 4, be);
  put32 (b, 0, be);
  put32 (b, 0, be);
  put32 (b, 262144, be);
  put32 (b, linktype, be);
  for (guint i = 0; i < n; i++)
    {
      guint32 cap = recs[i].caplen ? recs[i].caplen : recs[i].data->len;

      put32 (b, recs[i].sec ? recs[i].sec : 1700000000 + i, be);
      put32 (b, recs[i].frac, be);
      put32 (b, cap, be);
      put32 (b, recs[i].origlen ? recs[i].origlen : recs[i].data->len, be);
      g_byte_array_append (b, recs[i].data->data, cap);
    }
  return b;
}

typedef struct
{
  TaAddrTable *addrs;
  TaReadStats  stats;
  GArray      *pkts;
  GError      *error;
  guint64      records;
} Result;

static void
result_clear (Result *r)
{
  ta_addr_table_free (r->addrs);
  ta_read_stats_clear (&r->stats);
  g_array_unref (r->pkts);
  g_clear_error (&r->error);
}

/* Reads every packet of @path; r->error holds a fatal error */
static void
read_all (const char *path, Result *r)
{
  TaReaderConfig cfg = { 0, };
  TaInput *in;
  TaCaptureReader *rd;
  TaPacket pkt;

  memset (r, 0, sizeof *r);
  r->addrs = ta_addr_table_new ();
  ta_read_stats_init (&r->stats);
  r->pkts = g_array_new (FALSE, FALSE, sizeof (TaPacket));
  cfg.addrs = r->addrs;
  cfg.stats = &r->stats;

  in = ta_input_open (path, &r->error);
  if (in == NULL)
    return;
  rd = ta_capture_reader_new (in, &cfg, &r->error);
  if (rd == NULL)
    return;
  while (ta_capture_reader_next (rd, &pkt, &r->error))
    g_array_append_val (r->pkts, pkt);
  r->records = ta_capture_reader_get_records (rd);
  ta_capture_reader_free (rd);
}

static void
read_bytes (GByteArray *b, Result *r)
{
  g_autofree char *path = tmp_path ("t.cap");

  ta_test_write_file (path, b->data, b->len);
  read_all (path, r);
  g_unlink (path);
}

static TaPacket *
pkt_at (Result *r, guint i)
{
  g_assert_cmpuint (i, <, r->pkts->len);
  return &g_array_index (r->pkts, TaPacket, i);
}

static const char *
name_of (Result *r, guint32 idx)
{
  return ta_addr_table_get_name (r->addrs, idx);
}

static void
assert_v4_tcp (Result *r, guint i, guint32 len)
{
  TaPacket *p = pkt_at (r, i);

  g_assert_cmpstr (name_of (r, p->src), ==, "10.0.0.1");
  g_assert_cmpstr (name_of (r, p->dst), ==, "192.168.1.2");
  g_assert_cmpuint (p->proto, ==, 6);
  g_assert_cmpuint (p->sport, ==, 1234);
  g_assert_cmpuint (p->dport, ==, 80);
  g_assert_cmpuint (p->seq, ==, 1000);
  g_assert_cmpuint (p->ack, ==, 2000);
  g_assert_cmpuint (p->flags, ==, 0x18);
  g_assert_cmpuint (p->pflags & (TA_PKT_HAS_PORTS | TA_PKT_HAS_PAYLOAD), ==,
                    TA_PKT_HAS_PORTS | TA_PKT_HAS_PAYLOAD);
  g_assert_cmpuint (p->payload, ==, 10);
  g_assert_cmpint (p->label, ==, TA_LABEL_NONE);
  if (len)
    g_assert_cmpuint (p->length, ==, len);
}

static void
assert_v6_tcp (Result *r, guint i)
{
  TaPacket *p = pkt_at (r, i);

  g_assert_cmpstr (name_of (r, p->src), ==, "2001:db8::1");
  g_assert_cmpstr (name_of (r, p->dst), ==, "2001:db8::2");
  g_assert_cmpuint (p->proto, ==, 6);
  g_assert_cmpuint (p->sport, ==, 443);
  g_assert_cmpuint (p->dport, ==, 5555);
  g_assert_cmpuint (p->seq, ==, 7);
  g_assert_cmpuint (p->ack, ==, 9);
  g_assert_cmpuint (p->flags, ==, 0x12);
  g_assert_cmpuint (p->payload, ==, 4);
  g_assert_true (p->pflags & TA_PKT_HAS_PAYLOAD);
}

static gboolean
has_warning (Result *r, const char *needle)
{
  for (guint i = 0; i < r->stats.warnings->len; i++)
    if (strstr (g_ptr_array_index (r->stats.warnings, i), needle))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------ */

static void
test_ethernet_vlan (void)
{
  static const guint16 q[] = { 0x8100 };
  static const guint16 adq[] = { 0x88a8, 0x8100 };
  static const guint16 qqq[] = { 0x88a8, 0x8100, 0x8100 };
  static const guint16 old[] = { 0x9100, 0x8100 };
  GByteArray *f[6];
  Rec recs[6] = { { 0, } };
  g_autoptr(GByteArray) file = NULL;
  Result r;

  for (guint i = 0; i < 6; i++)
    {
      f[i] = g_byte_array_new ();
      recs[i].data = f[i];
    }
  put_eth (f[0], NULL, 0, 0x0800);
  put_ipv4_tcp (f[0]);
  put_eth (f[1], q, 1, 0x0800);
  put_ipv4_tcp (f[1]);
  put_eth (f[2], adq, 2, 0x0800);
  put_ipv4_tcp (f[2]);
  put_eth (f[3], qqq, 3, 0x86dd);
  put_ipv6_tcp (f[3]);
  put_eth (f[4], old, 2, 0x0800);
  put_ipv4_tcp (f[4]);
  put_eth (f[5], q, 1, 0x0806);      /* ARP: no IP */
  put_zeros (f[5], 28);

  file = pcap_bytes (FALSE, FALSE, 1, recs, 6);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 5);
  g_assert_cmpuint (r.records, ==, 6);
  g_assert_cmpuint (r.stats.rows, ==, 6);
  g_assert_cmpuint (r.stats.packets, ==, 5);
  g_assert_cmpuint (r.stats.unsupported, ==, 1);
  assert_v4_tcp (&r, 0, 14 + 50);
  assert_v4_tcp (&r, 1, 18 + 50);
  assert_v4_tcp (&r, 2, 22 + 50);
  assert_v6_tcp (&r, 3);
  assert_v4_tcp (&r, 4, 22 + 50);
  g_assert_cmpint (pkt_at (&r, 0)->ts, ==, G_GINT64_CONSTANT (1700000000) * 1000000);
  result_clear (&r);
  for (guint i = 0; i < 6; i++)
    g_byte_array_unref (f[i]);
}

static void
test_sll (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec recs[2] = { { a }, { b } };
  Result r;

  /* SLL v1: type, ARPHRD, addr len, addr[8], protocol */
  put16be (a, 0);
  put16be (a, 1);
  put16be (a, 6);
  put_zeros (a, 8);
  put16be (a, 0x0800);
  put_ipv4 (a, A_SRC, A_DST, 17, 0, 0, 8 + 3);
  put_udp (a, 53, 5353, 3);
  put16be (b, 0);
  put16be (b, 1);
  put16be (b, 6);
  put_zeros (b, 8);
  put16be (b, 0x86dd);
  put_ipv6_tcp (b);

  file = pcap_bytes (FALSE, FALSE, 113, recs, 2);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 2);
  g_assert_cmpuint (pkt_at (&r, 0)->proto, ==, 17);
  g_assert_cmpuint (pkt_at (&r, 0)->sport, ==, 53);
  g_assert_cmpuint (pkt_at (&r, 0)->dport, ==, 5353);
  /* UDP: the payload is the IP payload less the 8-byte header */
  g_assert_true (pkt_at (&r, 0)->pflags & TA_PKT_HAS_PAYLOAD);
  g_assert_cmpuint (pkt_at (&r, 0)->payload, ==, 3);
  g_assert_cmpuint (pkt_at (&r, 0)->ip_len, ==, 20 + 8 + 3);
  g_assert_cmpuint (pkt_at (&r, 0)->frame, ==, 1);
  g_assert_cmpuint (pkt_at (&r, 1)->frame, ==, 2);
  g_assert_cmpstr (name_of (&r, pkt_at (&r, 0)->dst), ==, "192.168.1.2");
  assert_v6_tcp (&r, 1);
  result_clear (&r);
}

static void
test_sll2 (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec recs[2] = { { a }, { b } };
  Result r;

  /* SLL2: protocol, reserved, ifindex, ARPHRD, pkttype, addr len, addr[8] */
  put16be (a, 0x0800);
  put16be (a, 0);
  put32be (a, 3);
  put16be (a, 1);
  put8 (a, 0);
  put8 (a, 6);
  put_zeros (a, 8);
  put_ipv4_tcp (a);
  put16be (b, 0x86dd);
  put16be (b, 0);
  put32be (b, 3);
  put16be (b, 1);
  put8 (b, 4);
  put8 (b, 6);
  put_zeros (b, 8);
  put_ipv6_tcp (b);

  file = pcap_bytes (TRUE, FALSE, 276, recs, 2);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 2);
  assert_v4_tcp (&r, 0, 20 + 50);
  assert_v6_tcp (&r, 1);
  result_clear (&r);
}

static void
test_raw (void)
{
  static const guint32 lts[] = { 12, 14, 101 };
  Result r;

  for (guint i = 0; i < G_N_ELEMENTS (lts); i++)
    {
      g_autoptr(GByteArray) a = g_byte_array_new ();
      g_autoptr(GByteArray) b = g_byte_array_new ();
      g_autoptr(GByteArray) file = NULL;
      Rec recs[2] = { { a }, { b } };

      put_ipv4_tcp (a);
      put_ipv6_tcp (b);
      file = pcap_bytes (i == 1, FALSE, lts[i], recs, 2);
      read_bytes (file, &r);
      g_assert_no_error (r.error);
      g_assert_cmpuint (r.pkts->len, ==, 2);
      assert_v4_tcp (&r, 0, 50);
      assert_v6_tcp (&r, 1);
      result_clear (&r);
    }

  /* LINKTYPE_IPV4 / IPV6 */
  {
    g_autoptr(GByteArray) a = g_byte_array_new ();
    g_autoptr(GByteArray) file = NULL;
    Rec recs[1] = { { a } };

    put_ipv4_tcp (a);
    file = pcap_bytes (FALSE, FALSE, 228, recs, 1);
    read_bytes (file, &r);
    g_assert_cmpuint (r.pkts->len, ==, 1);
    assert_v4_tcp (&r, 0, 50);
    result_clear (&r);
  }
  {
    g_autoptr(GByteArray) a = g_byte_array_new ();
    g_autoptr(GByteArray) file = NULL;
    Rec recs[1] = { { a } };

    put_ipv6_tcp (a);
    file = pcap_bytes (FALSE, FALSE, 229, recs, 1);
    read_bytes (file, &r);
    g_assert_cmpuint (r.pkts->len, ==, 1);
    assert_v6_tcp (&r, 0);
    result_clear (&r);
  }
}

static void
test_null_loop (void)
{
  /* NULL: AF in the writer's byte order; LOOP: network order */
  static const guint32 v6_afs[] = { 24, 28, 30, 10, 23 };
  Result r;

  for (guint be = 0; be < 2; be++)
    {
      GByteArray *f[7];
      Rec recs[7] = { { 0, } };
      g_autoptr(GByteArray) file = NULL;

      for (guint i = 0; i < 7; i++)
        recs[i].data = f[i] = g_byte_array_new ();
      put32 (f[0], 2, be);
      put_ipv4_tcp (f[0]);
      for (guint i = 0; i < G_N_ELEMENTS (v6_afs); i++)
        {
          put32 (f[1 + i], v6_afs[i], !be);   /* the other byte order also works */
          put_ipv6_tcp (f[1 + i]);
        }
      put32 (f[6], 7, be);                      /* unknown family */
      put_ipv4_tcp (f[6]);
      file = pcap_bytes (be, FALSE, 0, recs, 7);
      read_bytes (file, &r);
      g_assert_no_error (r.error);
      g_assert_cmpuint (r.pkts->len, ==, 6);
      g_assert_cmpuint (r.stats.unsupported, ==, 1);
      assert_v4_tcp (&r, 0, 54);
      for (guint i = 1; i < 6; i++)
        assert_v6_tcp (&r, i);
      result_clear (&r);
      for (guint i = 0; i < 7; i++)
        g_byte_array_unref (f[i]);
    }

  {
    g_autoptr(GByteArray) a = g_byte_array_new ();
    g_autoptr(GByteArray) b = g_byte_array_new ();
    g_autoptr(GByteArray) file = NULL;
    Rec recs[2] = { { a }, { b } };

    put32be (a, 2);
    put_ipv4_tcp (a);
    put32be (b, 30);
    put_ipv6_tcp (b);
    file = pcap_bytes (FALSE, FALSE, 108, recs, 2);
    read_bytes (file, &r);
    g_assert_cmpuint (r.pkts->len, ==, 2);
    assert_v4_tcp (&r, 0, 54);
    assert_v6_tcp (&r, 1);
    result_clear (&r);
  }
}

static void
test_ipv4_options_fragments (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) c = g_byte_array_new ();
  g_autoptr(GByteArray) d = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec recs[4] = { { a }, { b }, { c }, { d } };
  Result r;
  TaPacket *p;

  /* 12 bytes of options */
  put_ipv4 (a, A_SRC, A_DST, 6, 12, 0x4000, 20 + 10);
  put_tcp (a, 1234, 80, 1000, 2000, 0x18, 0, 10);
  /* first fragment (MF, offset 0) carries the ports */
  put_ipv4 (b, A_SRC, A_DST, 17, 0, 0x2000, 8 + 100);
  put_udp (b, 4000, 53, 100);
  /* a later fragment: the pair, no ports */
  put_ipv4 (c, A_SRC, A_DST, 17, 0, 0x000e, 40);
  put_zeros (c, 40);
  /* TCP with options: payload = total - ihl - doff */
  put_ipv4 (d, A_SRC, A_DST, 6, 0, 0, 32 + 10);
  put_tcp (d, 1234, 80, 1000, 2000, 0x18, 12, 10);

  file = pcap_bytes (FALSE, FALSE, 101, recs, 4);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 4);
  assert_v4_tcp (&r, 0, 62);
  p = pkt_at (&r, 1);
  g_assert_cmpuint (p->proto, ==, 17);
  g_assert_cmpuint (p->sport, ==, 4000);
  g_assert_true (p->pflags & TA_PKT_HAS_PORTS);
  p = pkt_at (&r, 2);
  g_assert_cmpuint (p->proto, ==, 17);
  g_assert_cmpuint (p->sport, ==, 0);
  g_assert_cmpuint (p->dport, ==, 0);
  g_assert_false (p->pflags & TA_PKT_HAS_PORTS);
  g_assert_cmpstr (name_of (&r, p->src), ==, "10.0.0.1");
  g_assert_cmpuint (p->length, ==, 60);
  assert_v4_tcp (&r, 3, 62);
  result_clear (&r);
}

static void
test_ipv6_extension_headers (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) c = g_byte_array_new ();
  g_autoptr(GByteArray) d = g_byte_array_new ();
  g_autoptr(GByteArray) e = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec recs[5] = { { a }, { b }, { c }, { d }, { e } };
  Result r;
  TaPacket *p;

  /* hop-by-hop (8) -> routing (24) -> dest opts (16) -> TCP */
  put_ipv6 (a, 0, 8 + 24 + 16 + 20 + 4);
  put8 (a, 43); put8 (a, 0); put_zeros (a, 6);
  put8 (a, 60); put8 (a, 2); put_zeros (a, 22);
  put8 (a, 6); put8 (a, 1); put_zeros (a, 14);
  put_tcp (a, 443, 5555, 7, 9, 0x12, 0, 4);
  /* first fragment carries the ports */
  put_ipv6 (b, 44, 8 + 20 + 4);
  put8 (b, 6); put8 (b, 0); put16be (b, 0x0001); put32be (b, 77);
  put_tcp (b, 443, 5555, 7, 9, 0x12, 0, 4);
  /* later fragment */
  put_ipv6 (c, 44, 8 + 16);
  put8 (c, 6); put8 (c, 0); put16be (c, 0x0100); put32be (c, 77);
  put_zeros (c, 16);
  /* AH (payload len 4 -> 24 bytes) */
  put_ipv6 (d, 51, 24 + 20 + 4);
  put8 (d, 6); put8 (d, 4); put_zeros (d, 22);
  put_tcp (d, 443, 5555, 7, 9, 0x12, 0, 4);
  /* ICMPv6 */
  put_ipv6 (e, 58, 8);
  put8 (e, 128); put8 (e, 0); put_zeros (e, 6);

  file = pcap_bytes (FALSE, TRUE, 12, recs, 5);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 5);
  assert_v6_tcp (&r, 0);
  assert_v6_tcp (&r, 1);
  p = pkt_at (&r, 2);
  g_assert_cmpuint (p->proto, ==, 6);
  g_assert_false (p->pflags & TA_PKT_HAS_PORTS);
  g_assert_cmpstr (name_of (&r, p->dst), ==, "2001:db8::2");
  assert_v6_tcp (&r, 3);
  p = pkt_at (&r, 4);
  g_assert_cmpuint (p->proto, ==, 58);
  g_assert_false (p->pflags & TA_PKT_HAS_PORTS);
  result_clear (&r);
}

static void
test_snap_cut (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec recs[4];
  Result r;
  TaPacket *p;

  /* Ethernet + IPv4 + TCP with 1400 payload bytes on the wire */
  put_eth (a, NULL, 0, 0x0800);
  put_ipv4 (a, A_SRC, A_DST, 6, 0, 0, 32 + 1400);
  put_tcp (a, 1234, 80, 1000, 2000, 0x18, 12, 1400);
  memset (recs, 0, sizeof recs);
  for (guint i = 0; i < 4; i++)
    recs[i].data = a;
  recs[0].caplen = 14 + 20 + 20;      /* TCP options and payload cut */
  recs[1].caplen = 14 + 20 + 8;       /* ports, seq: flags cut */
  recs[2].caplen = 14 + 16;           /* IP addresses cut */
  recs[3].caplen = 10;                /* not even Ethernet */

  file = pcap_bytes (FALSE, FALSE, 1, recs, 4);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.records, ==, 4);
  g_assert_cmpuint (r.pkts->len, ==, 2);
  g_assert_cmpuint (r.stats.malformed, ==, 2);
  p = pkt_at (&r, 0);
  g_assert_cmpuint (p->length, ==, a->len);
  g_assert_cmpuint (p->flags, ==, 0x18);
  g_assert_cmpuint (p->seq, ==, 1000);
  g_assert_cmpuint (p->payload, ==, 1400);
  g_assert_true (p->pflags & TA_PKT_HAS_PAYLOAD);
  p = pkt_at (&r, 1);
  g_assert_cmpuint (p->proto, ==, 6);
  g_assert_cmpuint (p->sport, ==, 1234);
  g_assert_cmpuint (p->flags, ==, 0);
  g_assert_false (p->pflags & TA_PKT_HAS_PAYLOAD);
  g_assert_cmpuint (p->length, ==, a->len);
  g_assert_nonnull (strstr (g_ptr_array_index (r.stats.examples, 0), "record 3 at byte"));
  result_clear (&r);
}

static void
test_pcap_byte_orders (void)
{
  for (guint be = 0; be < 2; be++)
    for (guint ns = 0; ns < 2; ns++)
      {
        g_autoptr(GByteArray) a = g_byte_array_new ();
        g_autoptr(GByteArray) file = NULL;
        Rec recs[1] = { { a, 0, 0, 1600000000, ns ? 123456789 : 123456 } };
        Result r;

        put_eth (a, NULL, 0, 0x0800);
        put_ipv4_tcp (a);
        file = pcap_bytes (be, ns, 1, recs, 1);
        read_bytes (file, &r);
        g_assert_no_error (r.error);
        g_assert_cmpuint (r.pkts->len, ==, 1);
        assert_v4_tcp (&r, 0, 64);
        g_assert_cmpint (pkt_at (&r, 0)->ts, ==, G_GINT64_CONSTANT (1600000000123456));
        result_clear (&r);
      }
}

/* the Kuznetzov "modified" pcap (magic a1b2cd34): 24-byte record headers */
static void
test_pcap_modified (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) f = g_byte_array_new ();
  Result r;

  put_eth (a, NULL, 0, 0x0800);
  put_ipv4_tcp (a);
  put32 (f, 0xa1b2cd34, FALSE);
  put16 (f, 2, FALSE);
  put16 (f, 4, FALSE);
  put_zeros (f, 8);
  put32 (f, 65535, FALSE);
  put32 (f, 1, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      put32 (f, 1600000000, FALSE);
      put32 (f, 5, FALSE);
      put32 (f, a->len, FALSE);
      put32 (f, a->len, FALSE);
      put32 (f, 2, FALSE);          /* ifindex */
      put16 (f, 0x0800, FALSE);     /* protocol */
      put8 (f, 0);                  /* packet type */
      put8 (f, 0);
      g_byte_array_append (f, a->data, a->len);
    }
  read_bytes (f, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 2);
  assert_v4_tcp (&r, 1, 64);
  g_assert_cmpint (pkt_at (&r, 1)->ts, ==, G_GINT64_CONSTANT (1600000000000005));
  result_clear (&r);
}

/* ------------------------------------------------------------------ */
/* pcapng */

static void
ng_block (GByteArray *out, guint32 type, GByteArray *body, gboolean be)
{
  guint32 len = 12 + ((body->len + 3) & ~3u);

  put32 (out, type, be);
  put32 (out, len, be);
  g_byte_array_append (out, body->data, body->len);
  put_zeros (out, ((body->len + 3) & ~3u) - body->len);
  put32 (out, len, be);
}

static void
ng_shb (GByteArray *out, gboolean be)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put32 (body, 0x1a2b3c4d, be);
  put16 (body, 1, be);
  put16 (body, 0, be);
  put32 (body, 0xffffffff, be);
  put32 (body, 0xffffffff, be);
  /* shb_userappl option, then end */
  put16 (body, 4, be);
  put16 (body, 5, be);
  g_byte_array_append (body, (const guint8 *) "test\0\0\0", 8);
  put32 (body, 0, be);
  ng_block (out, 0x0a0d0d0a, body, be);
}

static void
ng_idb (GByteArray *out, gboolean be, guint16 lt, gint tsresol, gint64 tsoffset)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put16 (body, lt, be);
  put16 (body, 0, be);
  put32 (body, 0, be);
  if (tsresol >= 0)
    {
      put16 (body, 9, be);
      put16 (body, 1, be);
      put8 (body, tsresol);
      put_zeros (body, 3);
    }
  if (tsoffset != 0)
    {
      put16 (body, 14, be);
      put16 (body, 8, be);
      if (be)
        {
          put32 (body, (guint64) tsoffset >> 32, TRUE);
          put32 (body, (guint32) tsoffset, TRUE);
        }
      else
        {
          put32 (body, (guint32) tsoffset, FALSE);
          put32 (body, (guint64) tsoffset >> 32, FALSE);
        }
    }
  put32 (body, 0, be);
  ng_block (out, 1, body, be);
}

static void
ng_epb (GByteArray *out, gboolean be, guint32 iface, guint64 ts, GByteArray *frame,
        guint32 caplen, guint32 origlen)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put32 (body, iface, be);
  put32 (body, ts >> 32, be);
  put32 (body, (guint32) ts, be);
  put32 (body, caplen, be);
  put32 (body, origlen, be);
  g_byte_array_append (body, frame->data, caplen);
  put_zeros (body, ((caplen + 3) & ~3u) - caplen);
  /* an epb_flags option */
  put16 (body, 2, be);
  put16 (body, 4, be);
  put32 (body, 1, be);
  put32 (body, 0, be);
  ng_block (out, 6, body, be);
}

static void
ng_opb (GByteArray *out, gboolean be, guint16 iface, guint64 ts, GByteArray *frame)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put16 (body, iface, be);
  put16 (body, 0, be);
  put32 (body, ts >> 32, be);
  put32 (body, (guint32) ts, be);
  put32 (body, frame->len, be);
  put32 (body, frame->len, be);
  g_byte_array_append (body, frame->data, frame->len);
  ng_block (out, 2, body, be);
}

static void
ng_spb (GByteArray *out, gboolean be, GByteArray *frame)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put32 (body, frame->len, be);
  g_byte_array_append (body, frame->data, frame->len);
  ng_block (out, 3, body, be);
}

static void
test_pcapng_sections (void)
{
  g_autoptr(GByteArray) eth = g_byte_array_new ();
  g_autoptr(GByteArray) raw6 = g_byte_array_new ();
  g_autoptr(GByteArray) null4 = g_byte_array_new ();
  g_autoptr(GByteArray) file = g_byte_array_new ();
  g_autoptr(GByteArray) isb = g_byte_array_new ();
  Result r;

  put_eth (eth, NULL, 0, 0x0800);
  put_ipv4_tcp (eth);
  put_ipv6_tcp (raw6);
  put32 (null4, 2, FALSE);
  put_ipv4_tcp (null4);
  put_zeros (isb, 20);

  /* section 1, little endian: Ethernet µs, raw ns, NULL 2^-20 with offset */
  ng_shb (file, FALSE);
  ng_idb (file, FALSE, 1, -1, 0);
  ng_idb (file, FALSE, 101, 9, 0);
  ng_idb (file, FALSE, 0, 0x80 | 20, 100);
  ng_epb (file, FALSE, 0, G_GUINT64_CONSTANT (1600000000000001), eth, eth->len, eth->len);
  ng_block (file, 5, isb, FALSE);                         /* ISB: skipped */
  ng_block (file, 0x40000bad, isb, FALSE);                /* custom: skipped */
  ng_epb (file, FALSE, 1, G_GUINT64_CONSTANT (1600000000000002999), raw6, raw6->len, raw6->len);
  ng_epb (file, FALSE, 2, (G_GUINT64_CONSTANT (1600000000) << 20) | (1 << 19), null4,
          null4->len, null4->len);
  ng_spb (file, FALSE, eth);
  /* section 2, big endian: interfaces start again */
  ng_shb (file, TRUE);
  ng_idb (file, TRUE, 229, 3, 0);
  ng_idb (file, TRUE, 1, -1, -10);
  ng_epb (file, TRUE, 0, G_GUINT64_CONSTANT (1600000000123), raw6, raw6->len, raw6->len);
  ng_opb (file, TRUE, 1, G_GUINT64_CONSTANT (1600000000000000), eth);
  ng_epb (file, TRUE, 1, G_GUINT64_CONSTANT (1600000000000000), eth, 14 + 20 + 14, 2000);

  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.records, ==, 7);
  g_assert_cmpuint (r.pkts->len, ==, 7);
  assert_v4_tcp (&r, 0, 64);
  g_assert_cmpint (pkt_at (&r, 0)->ts, ==, G_GINT64_CONSTANT (1600000000000001));
  assert_v6_tcp (&r, 1);
  g_assert_cmpint (pkt_at (&r, 1)->ts, ==, G_GINT64_CONSTANT (1600000000000002));
  assert_v4_tcp (&r, 2, 54);
  g_assert_cmpint (pkt_at (&r, 2)->ts, ==, G_GINT64_CONSTANT (1600000100500000));
  assert_v4_tcp (&r, 3, 64);
  g_assert_cmpint (pkt_at (&r, 3)->ts, ==, G_GINT64_CONSTANT (1600000100500000));   /* SPB: the previous time */
  assert_v6_tcp (&r, 4);
  g_assert_cmpint (pkt_at (&r, 4)->ts, ==, G_GINT64_CONSTANT (1600000000123000));
  assert_v4_tcp (&r, 5, 64);
  g_assert_cmpint (pkt_at (&r, 5)->ts, ==, G_GINT64_CONSTANT (1599999990000000));
  g_assert_cmpuint (pkt_at (&r, 6)->length, ==, 2000);
  g_assert_cmpuint (pkt_at (&r, 6)->flags, ==, 0x18);
  result_clear (&r);
}

static void
expect_error (GByteArray *file, const char *needle)
{
  Result r;

  read_bytes (file, &r);
  g_assert_nonnull (r.error);
  if (strstr (r.error->message, needle) == NULL)
    g_error ("expected “%s” in “%s”", needle, r.error->message);
  g_assert_cmpuint (r.pkts->len, ==, 0);
  result_clear (&r);
}

static void
test_pcapng_errors (void)
{
  g_autoptr(GByteArray) eth = g_byte_array_new ();

  put_eth (eth, NULL, 0, 0x0800);
  put_ipv4_tcp (eth);

  /* packet before any IDB */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    ng_epb (f, FALSE, 0, 0, eth, eth->len, eth->len);
    expect_error (f, "before any interface");
  }
  /* interface index out of range */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, TRUE);
    ng_idb (f, TRUE, 1, -1, 0);
    ng_epb (f, TRUE, 3, 0, eth, eth->len, eth->len);
    expect_error (f, "names interface 3");
  }
  /* length not a multiple of 4 */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    put32 (f, 1, FALSE);
    put32 (f, 21, FALSE);
    put_zeros (f, 40);
    expect_error (f, "not a multiple of 4");
  }
  /* trailer mismatch: the byte offset is named */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();
    guint at;

    ng_shb (f, FALSE);
    at = f->len;
    ng_idb (f, FALSE, 1, -1, 0);
    f->data[f->len - 1] = 0x7f;
    {
      g_autofree char *needle = g_strdup_printf ("at byte %u", at);
      expect_error (f, needle);
    }
  }
  /* impossible length */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    put32 (f, 6, FALSE);
    put32 (f, 0x7ffffff0, FALSE);
    put_zeros (f, 40);
    expect_error (f, "impossible length");
  }
  /* captured length past the block */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();
    g_autoptr(GByteArray) body = g_byte_array_new ();

    ng_shb (f, FALSE);
    ng_idb (f, FALSE, 1, -1, 0);
    put32 (body, 0, FALSE);
    put32 (body, 0, FALSE);
    put32 (body, 0, FALSE);
    put32 (body, 1000, FALSE);
    put32 (body, 1000, FALSE);
    put_zeros (body, 8);
    ng_block (f, 6, body, FALSE);
    expect_error (f, "claims 1000 captured bytes");
  }
  /* bad version; option running past its block; cut SHB */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    f->data[12] = 0;
    f->data[14] = 1;
    expect_error (f, "version 0.1");
  }
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    f->data[26] = 0x30;                 /* option length 0x3005 */
    f->data[27] = 0x30;
    expect_error (f, "runs past the end");
  }
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    g_byte_array_set_size (f, 16);
    expect_error (f, "cut short");
  }
}

static void
test_truncated (void)
{
  g_autoptr(GByteArray) eth = g_byte_array_new ();
  Rec recs[5];
  Result r;

  put_eth (eth, NULL, 0, 0x0800);
  put_ipv4_tcp (eth);
  memset (recs, 0, sizeof recs);
  for (guint i = 0; i < 5; i++)
    recs[i].data = eth;

  /* cut in the data of record 5, then in the header of record 5 */
  for (guint cut = 0; cut < 2; cut++)
    {
      g_autoptr(GByteArray) file = pcap_bytes (FALSE, FALSE, 1, recs, 5);
      guint keep = 24 + 4 * (16 + eth->len) + (cut == 0 ? 16 + 20 : 9);
      g_autofree char *needle = g_strdup_printf ("byte %u", 24 + 4 * (16 + eth->len));

      g_byte_array_set_size (file, keep);
      read_bytes (file, &r);
      g_assert_no_error (r.error);
      g_assert_cmpuint (r.pkts->len, ==, 4);
      g_assert_true (has_warning (&r, "t.cap"));
      g_assert_true (has_warning (&r, needle));
      result_clear (&r);
    }

  /* pcapng cut inside a block */
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();

    ng_shb (f, FALSE);
    ng_idb (f, FALSE, 1, -1, 0);
    ng_epb (f, FALSE, 0, 0, eth, eth->len, eth->len);
    ng_epb (f, FALSE, 0, 0, eth, eth->len, eth->len);
    g_byte_array_set_size (f, f->len - 5);
    read_bytes (f, &r);
    g_assert_no_error (r.error);
    g_assert_cmpuint (r.pkts->len, ==, 1);
    g_assert_true (has_warning (&r, "truncated at byte"));
    result_clear (&r);
  }
}

static void
test_header_errors (void)
{
  g_autoptr(GByteArray) eth = g_byte_array_new ();
  Rec recs[2] = { { 0, } };

  put_eth (eth, NULL, 0, 0x0800);
  put_ipv4_tcp (eth);
  recs[0].data = recs[1].data = eth;
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();
    expect_error (f, "empty");
  }
  {
    g_autoptr(GByteArray) f = pcap_bytes (FALSE, FALSE, 1, recs, 0);
    g_byte_array_set_size (f, 10);
    expect_error (f, "cut short");
  }
  {
    g_autoptr(GByteArray) f = pcap_bytes (TRUE, FALSE, 1, recs, 1);
    f->data[5] = 1;
    expect_error (f, "version 1.4");
  }
  {
    g_autoptr(GByteArray) f = g_byte_array_new ();
    g_byte_array_append (f, (const guint8 *) "timestamp,length\n1,2\n", 21);
    expect_error (f, "not a pcap");
  }
  /* an impossible record length stops reading after the good records */
  {
    g_autoptr(GByteArray) f = pcap_bytes (FALSE, FALSE, 1, recs, 2);
    guint at = 24 + 16 + eth->len;
    Result r;

    f->data[at + 8] = 0;
    f->data[at + 9] = 0;
    f->data[at + 10] = 0;
    f->data[at + 11] = 0x40;
    read_bytes (f, &r);
    g_assert_error (r.error, TA_ERROR, TA_ERROR_CORRUPT);
    g_assert_nonnull (strstr (r.error->message, "record 2 at byte"));
    g_assert_cmpuint (r.pkts->len, ==, 1);
    result_clear (&r);
  }
}

static void
test_unsupported_link (void)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec recs[3] = { { a }, { a }, { a } };
  Result r;

  put_zeros (a, 30);
  file = pcap_bytes (FALSE, FALSE, 195, recs, 3);
  read_bytes (file, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.records, ==, 3);
  g_assert_cmpuint (r.pkts->len, ==, 0);
  g_assert_cmpuint (r.stats.unsupported, ==, 3);
  g_assert_cmpuint (r.stats.warnings->len, ==, 1);
  g_assert_true (has_warning (&r, "link type 195"));
  result_clear (&r);
}

static void
test_gzip (void)
{
  g_autoptr(GByteArray) eth = g_byte_array_new ();
  g_autoptr(GByteArray) plain = NULL;
  g_autofree char *path = tmp_path ("g.pcap.gz");
  Rec recs[300];
  gzFile gz;
  Result r;

  put_eth (eth, NULL, 0, 0x0800);
  put_ipv4_tcp (eth);
  memset (recs, 0, sizeof recs);
  for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
    recs[i].data = eth;
  plain = pcap_bytes (TRUE, TRUE, 1, recs, G_N_ELEMENTS (recs));

  gz = gzopen (path, "wb");
  g_assert_nonnull (gz);
  gzwrite (gz, plain->data, plain->len);
  gzclose (gz);
  read_all (path, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.pkts->len, ==, 300);
  assert_v4_tcp (&r, 299, 64);
  result_clear (&r);

  /* a cut gzip stream: the packets before the cut, then a warning */
  {
    g_autofree char *z = NULL;
    gsize zlen;

    g_assert_true (g_file_get_contents (path, &z, &zlen, NULL));
    ta_test_write_file (path, (const guint8 *) z, zlen * 2 / 3);
    read_all (path, &r);
    g_assert_no_error (r.error);
    g_assert_cmpuint (r.pkts->len, >, 0);
    g_assert_cmpuint (r.pkts->len, <, 300);
    g_assert_true (has_warning (&r, "g.pcap.gz"));
    assert_v4_tcp (&r, r.pkts->len - 1, 64);
    result_clear (&r);
  }
  g_unlink (path);
}

/* the in-memory input (used by the fuzzer) gives the same packets */
static void
test_memory_input (void)
{
  g_autoptr(GByteArray) eth = g_byte_array_new ();
  g_autoptr(GByteArray) plain = NULL;
  Rec recs[50];
  gsize zlen;
  g_autofree guint8 *z = NULL;
  z_stream zs = { 0, };

  put_eth (eth, NULL, 0, 0x0800);
  put_ipv4_tcp (eth);
  memset (recs, 0, sizeof recs);
  for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
    recs[i].data = eth;
  plain = pcap_bytes (FALSE, FALSE, 1, recs, G_N_ELEMENTS (recs));
  zlen = plain->len + 1024;
  z = g_malloc (zlen);
  g_assert_cmpint (deflateInit2 (&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  zs.next_in = plain->data;
  zs.avail_in = plain->len;
  zs.next_out = z;
  zs.avail_out = zlen;
  g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
  zlen = zs.total_out;
  deflateEnd (&zs);

  for (guint gz = 0; gz < 2; gz++)
    {
      g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(TaCaptureReader) rd = NULL;
      TaReadStats stats;
      TaReaderConfig cfg = { 0, };
      TaPacket pkt;
      guint n = 0;

      ta_read_stats_init (&stats);
      cfg.addrs = addrs;
      cfg.stats = &stats;
      rd = ta_capture_reader_new (gz ? ta_input_new_from_data (z, zlen, "mem.pcap.gz")
                                     : ta_input_new_from_data (plain->data, plain->len, "mem.pcap"),
                                  &cfg, &error);
      g_assert_no_error (error);
      g_assert_true (ta_input_is_gzip (ta_capture_reader_get_input (rd)) == gz);
      while (ta_capture_reader_next (rd, &pkt, &error))
        n++;
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, 50);
      g_assert_cmpuint (stats.warnings->len, ==, 0);
      ta_read_stats_clear (&stats);
    }
}

/* ------------------------------------------------------------------ */
/* the tshark cross-check */

/* Splits one CSV line (quotes with "" escapes) */
static GPtrArray *
csv_split (const char *line)
{
  GPtrArray *f = g_ptr_array_new_with_free_func (g_free);
  GString *cur = g_string_new (NULL);
  gboolean q = FALSE;

  for (const char *p = line; *p; p++)
    {
      if (q)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (cur, '"');
              p++;
            }
          else if (*p == '"')
            q = FALSE;
          else
            g_string_append_c (cur, *p);
        }
      else if (*p == '"')
        q = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (f, g_string_free (cur, FALSE));
          cur = g_string_new (NULL);
        }
      else if (*p != '\r')
        g_string_append_c (cur, *p);
    }
  g_ptr_array_add (f, g_string_free (cur, FALSE));
  return f;
}

static int
col (GPtrArray *header, const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (strcmp (g_ptr_array_index (header, i), name) == 0)
      return i;
  g_error ("expected.csv has no column %s", name);
  return -1;
}

/* TCP streams as tshark 4.0 numbers them (tcp.stream), from our packets:
 * one per 4-tuple, and a new one when a SYN without ACK arrives whose
 * sequence number differs from the base sequence number of its direction
 * (packet-tcp.c: the port-reuse rule). */
typedef struct
{
  guint32 base[2];
  guint8  base_set[2];
} StreamState;

static guint
tshark_streams (Result *r)
{
  g_autoptr(GHashTable) conns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint streams = 0;

  for (guint i = 0; i < r->pkts->len; i++)
    {
      TaPacket *p = pkt_at (r, i);
      gboolean fwd;
      char key[160];
      StreamState *st;
      guint d;

      if (p->proto != 6 || !(p->pflags & TA_PKT_HAS_PORTS))
        continue;
      fwd = p->src < p->dst || (p->src == p->dst && p->sport <= p->dport);
      if (fwd)
        g_snprintf (key, sizeof key, "%u:%u-%u:%u", p->src, p->sport, p->dst, p->dport);
      else
        g_snprintf (key, sizeof key, "%u:%u-%u:%u", p->dst, p->dport, p->src, p->sport);
      d = fwd ? 0 : 1;
      st = g_hash_table_lookup (conns, key);
      if (st == NULL)
        {
          st = g_new0 (StreamState, 1);
          g_hash_table_insert (conns, g_strdup (key), st);
          streams++;
        }
      else if ((p->flags & (TA_TCP_SYN | TA_TCP_ACK)) == TA_TCP_SYN &&
               st->base_set[d] && p->seq != st->base[d])
        {
          memset (st, 0, sizeof *st);
          streams++;
        }
      if (!st->base_set[d])
        {
          st->base[d] = p->seq;
          st->base_set[d] = TRUE;
        }
    }
  return streams;
}

/* Flows as the flow tracker (ta-flow-tracker.h) cuts them, from our
 * packets: per 4-tuple, a flow completes on a RST, on a finished close
 * (FINs both ways, then an ACK from the other end at or past the last
 * FIN), or after 300 s without a packet. A completed flow lingers
 * TA_FLOW_LINGER_DEFAULT_US for stray packets of its connection (late ACKs,
 * retransmitted FINs/SYNs after a RST); a SYN without ACK ends the linger;
 * a later packet of the same 4-tuple starts a new flow. tshark instead keeps
 * a 4-tuple in one tcp.stream until a SYN of a new sequence number. Before
 * the tracker lingered, it split 4 of the 17 good samples into more flows
 * than tcp_streams (arkime-wireshark-retrans 2 vs 1, loopback-http 2933 vs
 * 2834, zeek-http…multi-conn 10 vs 5, zeek-tcp_reassembly 2 vs 1); with the
 * linger the counts are equal on every sample, which the test asserts. */
typedef struct
{
  gboolean open;
  gboolean done;
  gint64   linger_until;
  guint8   fin_dirs;
  guint8   last_fin_dir;
  guint32  fin_seq[2];
  gint64   last_ts;
} TrackerState;

static guint
tracker_flows (Result *r)
{
  g_autoptr(GHashTable) conns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 clock = G_MININT64;
  guint flows = 0;

  for (guint i = 0; i < r->pkts->len; i++)
    {
      TaPacket *p = pkt_at (r, i);
      gboolean fwd;
      char key[160];
      TrackerState *st;
      guint d;

      if (p->proto != 6 || p->sport == 0 || p->dport == 0)
        continue;
      clock = MAX (clock, p->ts);
      fwd = p->src < p->dst || (p->src == p->dst && p->sport <= p->dport);
      if (fwd)
        g_snprintf (key, sizeof key, "%u:%u-%u:%u", p->src, p->sport, p->dst, p->dport);
      else
        g_snprintf (key, sizeof key, "%u:%u-%u:%u", p->dst, p->dport, p->src, p->sport);
      d = fwd ? 0 : 1;
      st = g_hash_table_lookup (conns, key);
      if (st == NULL)
        {
          st = g_new0 (TrackerState, 1);
          g_hash_table_insert (conns, g_strdup (key), st);
        }
      if (st->open && !st->done && clock - st->last_ts >= G_GINT64_CONSTANT (300000000))
        st->open = FALSE;
      if (st->open && st->done
          && (clock >= st->linger_until || (p->flags & (TA_TCP_SYN | TA_TCP_ACK)) == TA_TCP_SYN))
        st->open = FALSE;
      if (!st->open)
        {
          memset (st, 0, sizeof *st);
          st->open = TRUE;
          st->last_ts = p->ts;
          flows++;
        }
      st->last_ts = MAX (st->last_ts, p->ts);
      if (st->done)
        continue;
      if (p->flags & TA_TCP_RST)
        {
          st->done = TRUE;
          st->linger_until = p->ts + TA_FLOW_LINGER_DEFAULT_US;
        }
      else if (p->flags & TA_TCP_FIN)
        {
          st->fin_dirs |= 1u << d;
          st->fin_seq[d] = p->seq;
          st->last_fin_dir = d;
        }
      else if (st->fin_dirs == 3 && (p->flags & TA_TCP_ACK) && d != st->last_fin_dir &&
               (gint32) (p->ack - (st->fin_seq[st->last_fin_dir] + 1)) >= 0)
        {
          st->done = TRUE;
          st->linger_until = p->ts + TA_FLOW_LINGER_DEFAULT_US;
        }
    }
  return flows;
}

/* timearcs-cli extract on @path; the manifest's counts */
static gboolean
extract_counts (const char *path, gint64 *packets, gint64 *tcp, gint64 *flows)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *out = tmp_path ("extract-out");
  g_autofree char *manifest = g_build_filename (out, "manifest.json", NULL);
  g_autofree char *argv_cmd = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { cli, "extract", "-q", "-f", "-d", path, "-o", out, NULL };
  g_autofree char *err_text = NULL;
  int status = 0;
  JsonObject *o;

  if (cli == NULL)
    return FALSE;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err_text, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("extract %s failed: %s", path, err_text);
  g_assert_true (json_parser_load_from_file (parser, manifest, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  *packets = json_object_get_int_member (o, "total_packets");
  *tcp = json_object_get_int_member (o, "tcp_packets");
  *flows = json_object_get_int_member (o, "total_flows");
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", out);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  return TRUE;
}

/* Reads every capture @dir/expected.csv lists (only the row of @only,
 * when not NULL) and compares with tshark's counts there; returns the
 * number of files checked */
static guint
cross_check_corpus (const char *dir,
                    const char *only)
{
  g_autofree char *csv = g_build_filename (dir, "expected.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) header = NULL;
  guint checked = 0;

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  header = csv_split (lines[0]);

  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_autoptr(GPtrArray) row = csv_split (lines[i]);
      const char *file = g_ptr_array_index (row, col (header, "file"));
      const char *expect = g_ptr_array_index (row, col (header, "expect"));
      const char *tshark = g_ptr_array_index (row, col (header, "tshark_status"));
      const char *libpcap = g_ptr_array_index (row, col (header, "libpcap_status"));
      guint64 packets = g_ascii_strtoull (g_ptr_array_index (row, col (header, "packets")), NULL, 10);
      guint64 tcp_streams = g_ascii_strtoull (g_ptr_array_index (row, col (header, "tcp_streams")), NULL, 10);
      guint64 tcp_direct = g_ascii_strtoull (g_ptr_array_index (row, col (header, "tcp_direct")), NULL, 10);
      guint64 v4 = g_ascii_strtoull (g_ptr_array_index (row, col (header, "ipv4_packets")), NULL, 10);
      guint64 v6 = g_ascii_strtoull (g_ptr_array_index (row, col (header, "ipv6_packets")), NULL, 10);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      guint64 tcp = 0;
      Result r;

      if (only != NULL && strcmp (file, only) != 0)
        continue;
      read_all (path, &r);
      for (guint k = 0; k < r.pkts->len; k++)
        if (pkt_at (&r, k)->proto == 6)
          tcp++;
      g_test_message ("%-70s %-7s records %" G_GUINT64_FORMAT " packets %u tcp %" G_GUINT64_FORMAT
                      " (tshark %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ") %s%s",
                      file, expect, r.records, r.pkts->len, tcp, packets, tcp_direct,
                      r.error ? r.error->message : "",
                      r.stats.warnings->len ? (char *) g_ptr_array_index (r.stats.warnings, 0) : "");

      if (g_str_has_prefix (file, "good/"))
        {
          /* tshark's counts are the reference here. libpcap 1.10 (tcpdump)
           * is wrong on the two multi-interface pcapng files: it stops at the
           * first interface whose link type differs from the first one's
           * (0 packets); we read every interface. It cannot read gzip either. */
          g_assert_no_error (r.error);
          g_assert_cmpuint (r.stats.warnings->len, ==, 0);
          g_assert_cmpuint (r.records, ==, packets);
          /* every packet of the good files is IPv4 or IPv6 */
          g_assert_cmpuint (v4 + v6, ==, packets);
          g_assert_cmpuint (r.pkts->len, ==, packets);
          g_assert_cmpuint (tcp, ==, tcp_direct);
          /* our packets give tshark's connections exactly */
          g_assert_cmpuint (tshark_streams (&r), ==, tcp_streams);

          /* the same capture through the extraction CLI: rows, TCP rows and
           * flows (equal to tshark's tcp.stream count: see tracker_flows) */
          {
            gint64 x_packets, x_tcp, x_flows;

            if (extract_counts (path, &x_packets, &x_tcp, &x_flows))
              {
                g_test_message ("%-70s extract: %" G_GINT64_FORMAT " packets, %" G_GINT64_FORMAT
                                " tcp, %" G_GINT64_FORMAT " flows (tshark tcp.stream %" G_GUINT64_FORMAT
                                ", tracker rule %u)", file, x_packets, x_tcp, x_flows,
                                tcp_streams, tracker_flows (&r));
                g_assert_cmpint (x_packets, ==, packets);
                g_assert_cmpint (x_tcp, ==, tcp_direct);
                g_assert_cmpint (x_flows, ==, tracker_flows (&r));
                g_assert_cmpint (x_flows, ==, tcp_streams);
              }
          }
        }
      else if (strcmp (expect, "accept") == 0)
        {
          guint64 want = packets;

          /* where tshark refuses a file libpcap reads, libpcap's count is the reference */
          if (!g_str_has_prefix (tshark, "ok"))
            g_assert_true (sscanf (libpcap, "ok, %" G_GUINT64_FORMAT, &want) == 1);
          g_assert_no_error (r.error);
          g_assert_false (has_warning (&r, "truncated"));
          g_assert_cmpuint (r.records, ==, want);
          g_assert_cmpuint (tcp, ==, tcp_direct);
          g_assert_cmpuint (r.pkts->len + r.stats.unsupported + r.stats.malformed, ==, want);
        }
      else if (strcmp (expect, "partial") == 0)
        {
          g_assert_no_error (r.error);
          g_assert_cmpuint (r.pkts->len, ==, packets);
          g_assert_cmpuint (tcp, ==, tcp_direct);
          g_assert_cmpuint (r.stats.warnings->len, ==, 1);
          g_assert_true (has_warning (&r, file + 4));
          g_assert_true (has_warning (&r, " at byte "));
        }
      else if (strcmp (expect, "reject") == 0)
        {
          /* tshark "reads" the empty file as ERF and the cut SHB as MIME:
           * its counts are guesses there; a clear error is right */
          g_assert_nonnull (r.error);
          g_assert_nonnull (strstr (r.error->message, file + 4));
          g_assert_cmpuint (r.pkts->len, ==, 0);
        }
      /* "either": only that it ends, without crashing */
      checked++;
      result_clear (&r);
    }
  return checked;
}

/* The captures shipped in tests/data/pcaps (16 good, 17 bad) */
static void
test_pcaps_cross_check (void)
{
  g_autofree char *dir = ta_test_data_path ("pcaps", NULL);

  g_assert_cmpuint (cross_check_corpus (dir, NULL), ==, 33);
}

/* The large loopback capture of the reference corpus, which is not shipped
 * (13 MB): $TA_SHARED_DATA/pcaps, with its row of expected.csv there */
static void
test_shared_loopback_cross_check (void)
{
  g_autofree char *cap = ta_test_shared_path_or_skip ("pcaps", "good", "loopback-http.pcap", NULL);
  g_autofree char *dir = NULL;

  if (cap == NULL)
    return;
  dir = ta_test_shared_path ("pcaps", NULL);
  g_assert_cmpuint (cross_check_corpus (dir, "good/loopback-http.pcap"), ==, 1);
}

/* timearcs-cli import: CSV rows, the extended map, exit codes; and the
 * imported CSV extracts to the same folder counts as the capture itself */
static void
test_cli_import (void)
{
  g_autofree char *cap2 = ta_test_shared_path_or_skip ("pcaps", "good", "loopback-http.pcap", NULL);
  g_autofree char *cap = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *out = tmp_path ("imp.csv.gz");
  g_autofree char *out2 = tmp_path ("imp2.csv");
  g_autofree char *map = tmp_path ("imp-map.json");
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) m = NULL;
  gsize len;
  guint lines = 0;
  gzFile gz;
  char buf[4096];

  /* the loopback capture (13 MB) is reference data, not shipped */
  if (cap2 == NULL)
    return;
  g_assert_nonnull (g_getenv ("TA_CLI"));  /* tests/meson.build sets TA_CLI */
  cap = ta_test_data_path ("pcaps", "good", "zeek-redis_attr.pcap", NULL);
  bad = ta_test_data_path ("pcaps", "bad", "libpcap-pcapng-packet-before-idb.pcapng", NULL);

  /* an existing map keeps its ids; new addresses get new ones */
  g_assert_true (g_file_set_contents (map, "{\"10.9.8.7\": 5}", -1, NULL));
  {
    const char *args[] = { "import", cap, cap2, "--out", out, "--ip-map", map, "--quiet", NULL };
    g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 0);
    g_assert_cmpstr (err, ==, "");
    g_clear_pointer (&err, g_free);
  }
  m = ta_ip_map_load (map, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ta_ip_map_lookup_addr (m, "10.9.8.7"), ==, 5);
  g_assert_cmpint (ta_ip_map_lookup_addr (m, "127.0.0.1"), >, 5);
  g_assert_cmpint (ta_ip_map_lookup_addr (m, "::1"), >, 5);

  gz = gzopen (out, "rb");
  g_assert_nonnull (gz);
  g_assert_nonnull (gzgets (gz, buf, sizeof buf));
  g_assert_cmpstr (buf, ==, "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n");
  while (gzgets (gz, buf, sizeof buf))
    lines++;
  gzclose (gz);
  g_assert_cmpuint (lines, ==, 28 + 33899);

  /* the output exists: exit 3 without --force, and it is left alone */
  {
    const char *args[] = { "import", cap, "--out", out, "--ip-map", map, NULL };
    g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 3);
  }
  /* a rejected capture: exit 4, nothing written */
  {
    const char *args[] = { "import", bad, "--out", out2, "--ip-map", map, NULL };
    g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 4);
    g_assert_nonnull (strstr (err, "before any interface"));
    g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
    g_clear_pointer (&err, g_free);
  }
  /* a plain CSV of the loopback capture: the same extraction as the capture */
  {
    const char *args[] = { "import", cap2, "--out", out2, "--ip-map", map, "-q", NULL };
    g_autofree char *dir_a = tmp_path ("x-a");
    g_autofree char *dir_b = tmp_path ("x-b");
    g_autofree char *ma = g_build_filename (dir_a, "flows", "flows_index.json", NULL);
    g_autofree char *mb = g_build_filename (dir_b, "flows", "flows_index.json", NULL);
    g_autofree char *ia = NULL;
    g_autofree char *ib = NULL;
    const char *xa[] = { "extract", "-q", "-d", cap2, "-o", dir_a, NULL };
    const char *xb[] = { "extract", "-q", "-d", out2, "--ip-map", map, "-o", dir_b, NULL };
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s' '%s'", dir_a, dir_b);

    g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
    g_assert_true (g_file_get_contents (out2, &text, &len, NULL));
    g_assert_true (g_str_has_prefix (text, "timestamp,length,protocol,"));
    g_assert_cmpint (ta_test_run_cli (xa, NULL, NULL), ==, 0);
    g_assert_cmpint (ta_test_run_cli (xb, NULL, NULL), ==, 0);
    /* the flows (keys, states, packets, bytes, times) are identical */
    g_assert_true (g_file_get_contents (ma, &ia, NULL, NULL));
    g_assert_true (g_file_get_contents (mb, &ib, NULL, NULL));
    g_assert_cmpuint (strlen (ia), >, 1000);
    g_assert_cmpstr (ia, ==, ib);
    g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  }
  g_unlink (out);
  g_unlink (out2);
  g_unlink (map);
}

/* import --force never replaces its capture, a folder or a link; it
 * replaces its own earlier output */
static void
test_cli_import_force_safety (void)
{
  g_autofree char *cap = tmp_path ("force.pcap");
  g_autofree char *map = tmp_path ("force-map.json");
  g_autofree char *out = tmp_path ("force-out.csv");
  g_autofree char *dir = tmp_path ("force-folder");
  g_autofree char *link = tmp_path ("force-link.csv");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GByteArray) file = NULL;
  Rec rec = { 0, };
  gsize len;
  const char *targets[3];
  const char *needles[] = { "an input of this run", "is a folder", "symbolic link" };

  targets[0] = cap;
  targets[1] = dir;
  targets[2] = link;
  put_eth (frame, NULL, 0, 0x0800);
  put_ipv4_tcp (frame);
  rec.data = frame;
  file = pcap_bytes (FALSE, FALSE, 1, &rec, 1);
  ta_test_write_file (cap, file->data, file->len);
  ta_test_write_file (out, "old output", -1);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (symlink (out, link), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *args[] = { "import", cap, "--out", targets[i], "--ip-map", map, "--force",
                             "--quiet", NULL };
      g_autofree char *err = NULL;

      g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 3);
      g_assert_nonnull (strstr (err, needles[i]));
    }
  g_assert_true (g_file_get_contents (cap, &before, &len, NULL));
  g_assert_cmpmem (before, len, file->data, file->len);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  {
    const char *args[] = { "import", cap, "--out", out, "--ip-map", map, "--force", "--quiet", NULL };

    g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  }
  g_assert_true (g_file_get_contents (out, &after, NULL, NULL));
  g_assert_true (g_str_has_prefix (after, "timestamp,"));
  g_unlink (link);
  g_unlink (out);
  g_unlink (cap);
  g_unlink (map);
  g_rmdir (dir);
}

/* One truncated capture (its last record cut in half), and the same
 * packets as a cut gzip CSV: extract, import and attacks all keep what came
 * before the cut, warn with the byte, and exit 5 */
static void
test_cli_truncated_same_status (void)
{
  g_autofree char *cap = tmp_path ("cut.pcap");
  g_autofree char *csvgz = tmp_path ("cut.csv.gz");
  g_autofree char *map = tmp_path ("cut-map.json");
  g_autofree char *folder = tmp_path ("cut-folder");
  g_autofree char *out = tmp_path ("cut-out.csv");
  g_autoptr(GByteArray) file = NULL;
  g_autoptr(GString) rows = g_string_new ("timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,"
                                          "flags,seq_num,ack_num\n");
  GByteArray *f[3];
  Rec recs[3] = { { 0, } };
  const char *inputs[] = { cap, csvgz };

  for (guint i = 0; i < 3; i++)
    {
      f[i] = g_byte_array_new ();
      put_eth (f[i], NULL, 0, 0x0800);
      put_ipv4_tcp (f[i]);
      recs[i].data = f[i];
    }
  file = pcap_bytes (FALSE, FALSE, 1, recs, 3);
  ta_test_write_file (cap, file->data, file->len - 20);
  for (guint i = 0; i < 50000; i++)
    g_string_append_printf (rows, "%" G_GINT64_FORMAT ",60,6,%u,80,1,2,2,%u,0\n",
                            G_GINT64_CONSTANT (1257254400000000) + i * 1000, 1024 + i % 5000, i);
  ta_test_write_gzip (csvgz, rows->str, rows->len, 40000);
  ta_test_write_file (map, "{\"10.0.0.1\": 1, \"10.0.0.2\": 2}", -1);

  for (guint k = 0; k < G_N_ELEMENTS (inputs); k++)
    {
      const char *extract[] = { "extract", "--data", inputs[k], "--ip-map", map, "--output-dir", folder,
                                "--force", "--quiet", NULL };
      const char *attacks[] = { "attacks", inputs[k], "--ip-map", map, "--out", out, "--force",
                                "--quiet", NULL };
      const char *import[] = { "import", inputs[k], "--out", out, "--ip-map", map, "--force",
                               "--quiet", NULL };
      const char * const *runs[] = { extract, attacks, import };

      for (guint r = 0; r < (k == 0 ? 3u : 2u); r++)
        {
          g_autofree char *err = NULL;

          g_test_message ("%s %s", runs[r][0], inputs[k]);
          g_assert_cmpint (ta_test_run_cli (runs[r], NULL, &err), ==, 5);
          g_assert_nonnull (strstr (err, "truncated at byte"));
          g_assert_nonnull (strstr (err, "exit status 5"));
        }
    }
  g_unlink (cap);
  g_unlink (csvgz);
  g_unlink (map);
  g_unlink (out);
  ta_test_rm_rf (folder);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("ta-capture-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/core/capture/ethernet/vlan", test_ethernet_vlan);
  g_test_add_func ("/core/capture/linux/sll", test_sll);
  g_test_add_func ("/core/capture/linux/sll2", test_sll2);
  g_test_add_func ("/core/capture/raw", test_raw);
  g_test_add_func ("/core/capture/null-loop", test_null_loop);
  g_test_add_func ("/core/capture/ipv4/options-fragments", test_ipv4_options_fragments);
  g_test_add_func ("/core/capture/ipv6/extension-headers", test_ipv6_extension_headers);
  g_test_add_func ("/core/capture/snap-cut", test_snap_cut);
  g_test_add_func ("/core/capture/pcap/byte-orders", test_pcap_byte_orders);
  g_test_add_func ("/core/capture/pcap/modified", test_pcap_modified);
  g_test_add_func ("/core/capture/pcapng/sections", test_pcapng_sections);
  g_test_add_func ("/core/capture/pcapng/errors", test_pcapng_errors);
  g_test_add_func ("/core/capture/truncated", test_truncated);
  g_test_add_func ("/core/capture/header-errors", test_header_errors);
  g_test_add_func ("/core/capture/unsupported-link", test_unsupported_link);
  g_test_add_func ("/core/capture/gzip", test_gzip);
  g_test_add_func ("/core/capture/memory-input", test_memory_input);
  g_test_add_func ("/core/capture/tshark-cross-check", test_pcaps_cross_check);
  g_test_add_func ("/core/capture/shared/loopback-tshark-cross-check", test_shared_loopback_cross_check);
  g_test_add_func ("/cli/capture/import", test_cli_import);
  g_test_add_func ("/cli/capture/import-force-safety", test_cli_import_force_safety);
  g_test_add_func ("/cli/capture/truncated-same-status", test_cli_truncated_same_status);

  ret = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
