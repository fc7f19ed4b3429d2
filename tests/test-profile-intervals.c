/* test-profile-intervals.c — interval statistics and local networks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-intervals.h"
#include "ta-out.h"
#include "ta-packet-reader.h"
#include "ta-test-util.h"

#define SEC G_USEC_PER_SEC

typedef struct
{
  GStrv      header;
  GPtrArray *rows;   /* GStrv */
} Table;

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->header, g_strfreev);
  g_clear_pointer (&t->rows, g_ptr_array_unref);
}

static guint
col (Table      *t,
     const char *name)
{
  for (guint i = 0; t->header[i] != NULL; i++)
    if (strcmp (t->header[i], name) == 0)
      return i;
  g_error ("no column %s", name);
  return 0;
}

static const char *
cell (Table      *t,
      guint       row,
      const char *name)
{
  return ((char **) g_ptr_array_index (t->rows, row))[col (t, name)];
}

static guint64
num (Table      *t,
     guint       row,
     const char *name)
{
  return g_ascii_strtoull (cell (t, row, name), NULL, 10);
}

static guint64
sum (Table      *t,
     const char *name)
{
  guint64 s = 0;

  for (guint i = 0; i < t->rows->len; i++)
    s += num (t, i, name);
  return s;
}

/* Writes intervals.csv and reads it back */
static void
write_and_read (TaIntervals *iv,
                Table       *t)
{
  g_autofree char *dir = ta_test_make_tmp_dir (NULL);
  g_autofree char *path = g_build_filename (dir, "intervals.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  TaOut *out = ta_out_open (path, TA_OUT_NONE, 0, &error);

  g_assert_no_error (error);
  g_assert_true (ta_intervals_write_csv (iv, out, &error));
  g_assert_no_error (error);
  g_assert_true (ta_out_commit_file (out, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit_set (text, "\n", -1);  /* not g_strsplit: under ASan its strstr is quadratic */
  t->header = g_strsplit (lines[0], ",", -1);
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      GStrv f = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (f), ==, g_strv_length (t->header));
      g_ptr_array_add (t->rows, f);
    }
  ta_test_rm_rf (dir);
}

static TaPacket
pkt (gint64   ts,
     guint32  src,
     guint32  dst,
     guint8   proto,
     guint16  dport,
     guint8   flags,
     guint32  length)
{
  TaPacket p = { 0 };

  p.ts = ts;
  p.src = src;
  p.dst = dst;
  p.proto = proto;
  p.sport = 40000;
  p.dport = dport;
  p.flags = flags;
  p.length = length;
  p.pflags = proto == 6 || proto == 17 ? TA_PKT_HAS_PORTS : 0;
  return p;
}

static TaIntervals *
new_intervals (TaAddrTable     *addrs,
               gint64           interval_us,
               const TaNetList *nets)
{
  g_autoptr(GError) error = NULL;
  TaIntervalOptions o = { .interval_us = interval_us, .local_nets = nets };
  TaIntervals *iv = ta_intervals_new (&o, addrs, &error);

  g_assert_no_error (error);
  return iv;
}

/* ---- cases ------------------------------------------------------------------ */

static void
test_boundaries_and_gaps (void)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  guint32 a = ta_addr_table_intern_text (addrs, "10.0.0.1", -1);
  guint32 b = ta_addr_table_intern_text (addrs, "10.0.0.2", -1);
  g_autoptr(TaIntervals) iv = new_intervals (addrs, SEC, NULL);
  Table t = { 0 };
  TaPacket p;

  /* 100.999999 s, then exactly 101 s (the later interval), then 104.5 s */
  p = pkt (100 * SEC + 999999, a, b, 6, 80, TA_TCP_SYN, 60);
  ta_intervals_add_packet (iv, &p);
  p = pkt (101 * SEC, b, a, 6, 80, TA_TCP_SYN | TA_TCP_ACK, 60);
  ta_intervals_add_packet (iv, &p);
  p = pkt (104 * SEC + 500000, a, b, 17, 53, 0, 2000);
  ta_intervals_add_packet (iv, &p);
  write_and_read (iv, &t);

  g_assert_cmpuint (t.rows->len, ==, 5);       /* 100, 101, 102 (0), 103 (0), 104 */
  g_assert_cmpuint (num (&t, 0, "start_ts"), ==, 100 * SEC);
  g_assert_cmpuint (num (&t, 0, "end_ts"), ==, 101 * SEC);
  g_assert_cmpuint (num (&t, 0, "syn"), ==, 1);
  g_assert_cmpuint (num (&t, 1, "start_ts"), ==, 101 * SEC);
  g_assert_cmpuint (num (&t, 1, "synack"), ==, 1);
  g_assert_cmpuint (num (&t, 1, "syn"), ==, 0);
  g_assert_cmpuint (num (&t, 2, "packets"), ==, 0);
  g_assert_cmpuint (num (&t, 3, "packets"), ==, 0);
  g_assert_cmpuint (num (&t, 4, "udp_bytes"), ==, 2000);
  g_assert_cmpuint (num (&t, 4, "size_le9000"), ==, 1);
  g_assert_cmpuint (sum (&t, "packets"), ==, 3);
  g_assert_cmpuint (ta_intervals_get_count (iv), ==, 5);
  table_clear (&t);
}

/* 1 ms and a day: each packet in exactly one interval; a long silence is
 * not written out as zero rows */
static void
test_interval_lengths (void)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  guint32 a = ta_addr_table_intern_text (addrs, "10.0.0.1", -1);
  gint64 day = G_GINT64_CONSTANT (86400) * SEC;
  Table t = { 0 };

  {
    g_autoptr(TaIntervals) iv = new_intervals (addrs, 1000, NULL);
    TaPacket p;

    for (guint i = 0; i < 10; i++)
      {
        p = pkt (5 * SEC + i * 1000, a, a, 1, 0, 0, 100);
        ta_intervals_add_packet (iv, &p);
      }
    p = pkt (5 * SEC + G_GINT64_CONSTANT (3600) * SEC, a, a, 1, 0, 0, 100);   /* an hour later: 3.6 M intervals */
    ta_intervals_add_packet (iv, &p);
    write_and_read (iv, &t);
    g_assert_cmpuint (sum (&t, "packets"), ==, 11);
    g_assert_cmpuint (num (&t, 0, "icmp_packets"), ==, 1);
    g_assert_cmpuint (t.rows->len, <=, 10 + TA_INTERVAL_MAX_GAP + 1);
    table_clear (&t);
  }
  {
    g_autoptr(TaIntervals) iv = new_intervals (addrs, day, NULL);
    TaPacket p = pkt (day * 20000 - 1, a, a, 6, 1, 0, 100);

    ta_intervals_add_packet (iv, &p);
    p.ts = day * 20000;
    ta_intervals_add_packet (iv, &p);
    write_and_read (iv, &t);
    g_assert_cmpuint (t.rows->len, ==, 2);
    g_assert_cmpuint (num (&t, 1, "start_ts"), ==, day * 20000);
    table_clear (&t);
  }
}

static void
test_distinct_ports_conns (void)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaIntervals) iv = new_intervals (addrs, SEC, NULL);
  Table t = { 0 };
  TaConn c = { 0 };
  guint32 h[5];

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("192.0.2.%u", i + 1);

      h[i] = ta_addr_table_intern_text (addrs, name, -1);
    }
  /* interval 10: 3 sources, 2 destinations; ports 443 ×3, 80 ×2, 22 ×2, 53 ×1 */
  {
    const struct { guint s, d; guint16 port; guint8 proto; } spec[] = {
      { 0, 3, 443, 6 }, { 1, 3, 443, 6 }, { 2, 3, 443, 6 }, { 0, 4, 80, 6 }, { 1, 4, 80, 6 },
      { 0, 4, 22, 6 }, { 0, 4, 22, 6 }, { 0, 4, 53, 17 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (spec); i++)
      {
        TaPacket p = pkt (10 * SEC + i, h[spec[i].s], h[spec[i].d], spec[i].proto, spec[i].port, 0, 60);

        ta_intervals_add_packet (iv, &p);
      }
  }
  /* 60 s later: interval 10 is long finished when its connections end */
  {
    TaPacket p = pkt (70 * SEC, h[0], h[1], 6, 80, 0, 60);

    ta_intervals_add_packet (iv, &p);
  }
  g_assert_cmpuint (ta_intervals_get_n_open (iv), ==, 1);
  c.ts_first = 10 * SEC + 3;
  c.state = TA_CONN_SF;
  ta_intervals_add_conn (iv, &c);
  c.state = TA_CONN_REJ;
  ta_intervals_add_conn (iv, &c);
  ta_intervals_add_conn (iv, &c);
  c.ts_first = 70 * SEC;
  c.state = TA_CONN_S0;
  ta_intervals_add_conn (iv, &c);
  /* and a packet late for interval 10, after it was finished */
  {
    TaPacket p = pkt (10 * SEC + 500, h[4], h[0], 6, 8080, TA_TCP_RST, 60);

    ta_intervals_add_packet (iv, &p);
  }
  g_assert_cmpuint (ta_intervals_get_late_packets (iv), ==, 1);
  write_and_read (iv, &t);
  g_assert_cmpuint (t.rows->len, ==, 61);
  g_assert_cmpuint (num (&t, 0, "packets"), ==, 9);       /* the late one counts */
  g_assert_cmpuint (num (&t, 0, "rst"), ==, 1);
  g_assert_cmpuint (num (&t, 0, "distinct_src"), ==, 3);  /* …but not in the sets */
  g_assert_cmpuint (num (&t, 0, "distinct_dst"), ==, 2);
  g_assert_cmpstr (cell (&t, 0, "top_dst_ports"), ==, "443:3 22:2 80:2 53:1");
  g_assert_cmpuint (num (&t, 0, "new_conns"), ==, 3);
  g_assert_cmpuint (num (&t, 0, "new_SF"), ==, 1);
  g_assert_cmpuint (num (&t, 0, "new_REJ"), ==, 2);
  g_assert_cmpuint (num (&t, 60, "new_S0"), ==, 1);
  g_assert_cmpuint (sum (&t, "new_conns"), ==, 4);
  table_clear (&t);
}

static void
test_local_nets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaNetList) nets = ta_net_list_parse (" 10.0.0.0/8 , fd00::/8,192.168.1.7", &error);
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaIntervals) iv = NULL;
  g_autofree char *text = NULL;
  guint32 in = ta_addr_table_intern_text (addrs, "10.1.2.3", -1);
  guint32 in6 = ta_addr_table_intern_text (addrs, "fd12::1", -1);
  guint32 ext = ta_addr_table_intern_text (addrs, "8.8.8.8", -1);
  guint32 ext2 = ta_addr_table_intern_text (addrs, "192.168.1.8", -1);
  Table t = { 0 };
  TaPacket p;

  g_assert_no_error (error);
  text = ta_net_list_to_string (nets);
  g_assert_cmpstr (text, ==, "10.0.0.0/8,fd00::/8,192.168.1.7/32");
  g_assert_true (ta_net_list_contains (nets, "10.255.0.1"));
  g_assert_true (ta_net_list_contains (nets, "192.168.1.7"));
  g_assert_false (ta_net_list_contains (nets, "192.168.1.8"));
  g_assert_false (ta_net_list_contains (nets, "11.0.0.1"));
  g_assert_false (ta_net_list_contains (nets, "fe80::1"));
  g_assert_false (ta_net_list_contains (nets, "not an address"));

  iv = new_intervals (addrs, SEC, nets);
  p = pkt (SEC, ext, in, 6, 80, 0, 100);      /* in */
  ta_intervals_add_packet (iv, &p);
  p = pkt (SEC, in6, ext, 17, 53, 0, 200);    /* out */
  ta_intervals_add_packet (iv, &p);
  p = pkt (SEC, in, in6, 6, 22, 0, 400);      /* internal */
  ta_intervals_add_packet (iv, &p);
  p = pkt (SEC, ext, ext2, 6, 22, 0, 800);    /* external */
  ta_intervals_add_packet (iv, &p);
  write_and_read (iv, &t);
  g_assert_cmpuint (num (&t, 0, "bytes_in"), ==, 100);
  g_assert_cmpuint (num (&t, 0, "bytes_out"), ==, 200);
  g_assert_cmpuint (num (&t, 0, "bytes_internal"), ==, 400);
  g_assert_cmpuint (num (&t, 0, "bytes_external"), ==, 800);
  table_clear (&t);
}

static void
test_parsers (void)
{
  static const struct { const char *text; gint64 us; } good[] = {
    { "1ms", 1000 }, { "250ms", 250000 }, { "1s", SEC }, { "5m", 300 * SEC },
    { "1h", G_GINT64_CONSTANT (3600) * SEC }, { "1d", G_GINT64_CONSTANT (86400) * SEC }, { "1500", 1500000 },
  };
  static const char *bad[] = { "", "0", "0s", "1.5ms", "-1s", "2d", "86400001", "1 s", "1sec", "s", NULL };
  static const char *bad_nets[] = { "", "10.0.0.0/33", "10.0.0.0/", "fd00::/129", "10.0.0", "x", "10.0.0.0/8,,y", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 us = 0;

      g_assert_true (ta_interval_parse (good[i].text, &us));
      g_assert_cmpint (us, ==, good[i].us);
    }
  for (guint i = 0; bad[i] != NULL; i++)
    {
      gint64 us = 0;

      if (ta_interval_parse (bad[i], &us))
        g_error ("“%s” was accepted", bad[i]);
    }
  for (guint i = 0; bad_nets[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaNetList) nets = ta_net_list_parse (bad_nets[i], &error);

      g_assert_null (nets);
      g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
    TaIntervalOptions o = { .interval_us = 1500 };

    g_assert_null (ta_intervals_new (&o, addrs, &error));
    g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  }
}

/* 30 000 intervals of 1 ms (three times the lag), one packet each: the
 * open ones stay few */
static void
test_memory_bounded (void)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaIntervals) iv = new_intervals (addrs, 1000, NULL);
  guint32 a = ta_addr_table_intern_text (addrs, "10.0.0.1", -1);
  guint max_open = 0;
  Table t = { 0 };

  for (guint i = 0; i < 30000; i++)
    {
      TaPacket p = pkt (SEC + (gint64) i * 1000, a, a, 6, 80, 0, 60);

      ta_intervals_add_packet (iv, &p);
      max_open = MAX (max_open, ta_intervals_get_n_open (iv));
    }
  /* the lag: 10 s = 10 000 intervals of 1 ms, plus the current one */
  g_assert_cmpuint (max_open, <=, 10001);
  write_and_read (iv, &t);
  g_assert_cmpuint (t.rows->len, ==, 30000);
  g_assert_cmpuint (sum (&t, "packets"), ==, 30000);
  table_clear (&t);
}

/* the series of every vendored capture add up to its packets */
static void
test_captures_sum (void)
{
  g_autofree char *dir = ta_test_data_path ("pcaps", "good", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(TaIntervals) iv = new_intervals (addrs, 1000, NULL);
      TaReadStats stats;
      TaReaderConfig cfg = { 0 };
      TaPacketReader *r;
      TaPacket p;
      guint64 packets = 0, bytes = 0, tcp = 0, syn = 0;
      Table t = { 0 };

      ta_read_stats_init (&stats);
      cfg.addrs = addrs;
      cfg.stats = &stats;
      r = ta_packet_reader_open (path, &cfg, &error);
      g_assert_no_error (error);
      while (ta_packet_reader_next (r, &p, &error))
        {
          ta_intervals_add_packet (iv, &p);
          packets++;
          bytes += p.length;
          tcp += p.proto == 6;
          syn += p.proto == 6 && (p.flags & (TA_TCP_SYN | TA_TCP_ACK)) == TA_TCP_SYN;
        }
      g_clear_error (&error);   /* a cut capture ends with an error: what came before counts */
      ta_packet_reader_free (r);
      write_and_read (iv, &t);
      g_assert_cmpuint (sum (&t, "packets"), ==, packets);
      g_assert_cmpuint (sum (&t, "bytes"), ==, bytes);
      g_assert_cmpuint (sum (&t, "tcp_packets"), ==, tcp);
      g_assert_cmpuint (sum (&t, "syn"), ==, syn);
      g_assert_cmpuint (sum (&t, "size_le64") + sum (&t, "size_le128") + sum (&t, "size_le256") +
                        sum (&t, "size_le512") + sum (&t, "size_le1024") + sum (&t, "size_le1518") +
                        sum (&t, "size_le9000") + sum (&t, "size_gt9000"), ==, packets);
      table_clear (&t);
      ta_read_stats_clear (&stats);
      n_files++;
    }
  g_assert_cmpuint (n_files, >=, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile/intervals/boundaries-gaps", test_boundaries_and_gaps);
  g_test_add_func ("/profile/intervals/lengths", test_interval_lengths);
  g_test_add_func ("/profile/intervals/distinct-ports-conns", test_distinct_ports_conns);
  g_test_add_func ("/profile/intervals/local-nets", test_local_nets);
  g_test_add_func ("/profile/intervals/parsers", test_parsers);
  g_test_add_func ("/profile/intervals/memory-bounded", test_memory_bounded);
  g_test_add_func ("/profile/intervals/captures-sum", test_captures_sum);
  return g_test_run ();
}
