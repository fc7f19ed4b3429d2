/* test-csv-reader.c — the packet CSV reader through TaPacketReader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-error.h"
#include "ta-ip-map.h"
#include "ta-packet-reader.h"
#include "ta-test-util.h"

typedef struct
{
  char        *dir;
  TaAddrTable *addrs;
  TaIpMap     *ip_map;
  TaReadStats  stats;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fx->dir = ta_test_make_tmp_dir ("ta-csv-XXXXXX");
  fx->addrs = ta_addr_table_new ();
  fx->ip_map = ta_ip_map_new ();
  g_assert_cmpint (ta_ip_map_add (fx->ip_map, "10.0.0.1"), ==, 1);
  g_assert_cmpint (ta_ip_map_add (fx->ip_map, "10.0.0.2"), ==, 2);
  g_assert_cmpint (ta_ip_map_add (fx->ip_map, "192.168.1.7"), ==, 3);
  ta_read_stats_init (&fx->stats);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  ta_test_rm_rf (fx->dir);
  g_free (fx->dir);
  ta_addr_table_free (fx->addrs);
  ta_ip_map_free (fx->ip_map);
  ta_read_stats_clear (&fx->stats);
}

static char *
write_file (Fixture    *fx,
            const char *name,
            const char *contents,
            gssize      len)
{
  char *path = g_build_filename (fx->dir, name, NULL);

  ta_test_write_file (path, contents, len);
  return path;
}

static char *
write_gzip (Fixture    *fx,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fx->dir, name, NULL);

  ta_test_write_gzip (path, contents, strlen (contents), 0);
  return path;
}

static TaPacketReader *
open_reader (Fixture    *fx,
             const char *path,
             GError    **error)
{
  TaReaderConfig config = { 0 };

  config.addrs = fx->addrs;
  config.ip_map = fx->ip_map;
  config.stats = &fx->stats;
  return ta_packet_reader_open (path, &config, error);
}

/* Reads every packet of @path into an array */
static GArray *
read_all (Fixture    *fx,
          const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (TaPacket));
  TaPacket pkt;

  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpint (ta_packet_reader_get_kind (r), ==, TA_INPUT_KIND_CSV);
  while (ta_packet_reader_next (r, &pkt, &error))
    g_array_append_val (out, pkt);
  g_assert_no_error (error);
  return out;
}

static const char *
name_of (Fixture *fx,
         guint32  index)
{
  return ta_addr_table_get_name (fx->addrs, index);
}

#define PKT(a, i) (&g_array_index ((a), TaPacket, (i)))

static void
test_basic (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "a.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400027951,62.0,6,56554,80,1.0,2.0,2,843976934,0\n"
    "1257254400053188,1514,6,80,56554,2,1,18,4294967295,843976935\n", -1);
  g_autoptr(GArray) p = read_all (fx, path);
  TaPacket *a;

  g_assert_cmpuint (p->len, ==, 2);
  a = PKT (p, 0);
  g_assert_cmpint (a->ts, ==, G_GINT64_CONSTANT (1257254400027951));
  g_assert_cmpuint (a->length, ==, 62);
  g_assert_cmpuint (a->proto, ==, 6);
  g_assert_cmpuint (a->sport, ==, 56554);
  g_assert_cmpuint (a->dport, ==, 80);
  g_assert_cmpstr (name_of (fx, a->src), ==, "10.0.0.1");
  g_assert_cmpstr (name_of (fx, a->dst), ==, "10.0.0.2");
  g_assert_cmpuint (a->flags, ==, 2);
  g_assert_cmpuint (a->seq, ==, 843976934);
  g_assert_cmpuint (a->ack, ==, 0);
  g_assert_cmpint (a->label, ==, TA_LABEL_NONE);
  g_assert_false (a->pflags & TA_PKT_HAS_PAYLOAD);
  g_assert_false (a->pflags & TA_PKT_FLAGS_INVALID);
  g_assert_true (a->pflags & TA_PKT_HAS_PORTS);
  a = PKT (p, 1);
  g_assert_cmpuint (a->length, ==, 1514);
  g_assert_cmpuint (a->seq, ==, 4294967295u);
  g_assert_cmpuint (a->flags, ==, 18);
  g_assert_cmpstr (name_of (fx, a->src), ==, "10.0.0.2");
  g_assert_cmpuint (fx->stats.rows, ==, 2);
  g_assert_cmpuint (fx->stats.packets, ==, 2);
  g_assert_cmpuint (fx->stats.malformed, ==, 0);
  g_assert_cmpuint (fx->stats.ts_units, ==, TA_TS_UNIT_US);
}

static void
test_header_order (Fixture       *fx,
                   gconstpointer  data)
{
  /* shuffled, upper case, quoted, extra columns, attack column */
  g_autofree char *path = write_file (fx, "b.csv",
    "extra,\"DST_IP\",ack_num,flags,Src_Ip,seq_num,protocol,length,dst_port,src_port,attack,timestamp\n"
    "x,2,7,16,1,5,6,60,443,1234,3,1257254400000001\n"
    "y,3,8,17,1,6,17,70,53,999,-1.0,1257254400000002\n", -1);
  g_autoptr(GArray) p = read_all (fx, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);

  g_assert_true (ta_packet_reader_has_label_column (r));
  g_assert_cmpuint (p->len, ==, 2);
  g_assert_cmpstr (name_of (fx, PKT (p, 0)->src), ==, "10.0.0.1");
  g_assert_cmpstr (name_of (fx, PKT (p, 0)->dst), ==, "10.0.0.2");
  g_assert_cmpuint (PKT (p, 0)->ack, ==, 7);
  g_assert_cmpuint (PKT (p, 0)->seq, ==, 5);
  g_assert_cmpuint (PKT (p, 0)->flags, ==, 16);
  g_assert_cmpuint (PKT (p, 0)->sport, ==, 1234);
  g_assert_cmpuint (PKT (p, 0)->dport, ==, 443);
  g_assert_cmpuint (PKT (p, 0)->length, ==, 60);
  g_assert_cmpint (PKT (p, 0)->label, ==, 3);
  g_assert_cmpint (PKT (p, 0)->ts, ==, G_GINT64_CONSTANT (1257254400000001));
  g_assert_cmpstr (name_of (fx, PKT (p, 1)->dst), ==, "192.168.1.7");
  g_assert_cmpuint (PKT (p, 1)->proto, ==, 17);
  g_assert_cmpint (PKT (p, 1)->label, ==, TA_LABEL_NORMAL);
}

static gint32
label_func (const char *text,
            gsize       len,
            gpointer    user_data)
{
  GPtrArray *seen = user_data;

  g_ptr_array_add (seen, g_strndup (text, len));
  if (len == 6 && memcmp (text, "normal", 6) == 0)
    return TA_LABEL_NORMAL;
  return 40 + seen->len;
}

static void
test_label_text (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "l.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num,attack\n"
    "1,60,6,1,2,1,2,2,0,0,normal\n"
    "2,60,6,1,2,1,2,2,0,0,\"ddos, \"\"big\"\"\"\n"
    "3,60,6,1,2,1,2,2,0,0,\n", -1);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  TaReaderConfig config = { fx->addrs, fx->ip_map, &fx->stats, label_func, seen };
  g_autoptr(TaPacketReader) r = ta_packet_reader_open (path, &config, &error);
  TaPacket pkt;

  g_assert_no_error (error);
  g_assert_true (ta_packet_reader_next (r, &pkt, &error));
  g_assert_cmpint (pkt.label, ==, TA_LABEL_NORMAL);
  g_assert_true (ta_packet_reader_next (r, &pkt, &error));
  g_assert_cmpint (pkt.label, ==, 42);
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "ddos, \"big\"");
  g_assert_true (ta_packet_reader_next (r, &pkt, &error));
  g_assert_cmpint (pkt.label, ==, TA_LABEL_NONE);
  g_assert_false (ta_packet_reader_next (r, &pkt, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 2);
}

static void
test_addresses (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "c.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400000001,60,6,1,2,172.16.0.9,3.0,2,0,0\n"
    "1257254400000002,60,6,1,2,2001:db8::1,fe80::2,2,0,0\n"
    "1257254400000003,60,6,1,2,77,77.0,2,0,0\n"
    "1257254400000004,60,6,1,2,78,1,2,0,0\n"
    "1257254400000005,60,6,1,2,\"10.9.9.9\",1,2,0,0\n"
    "1257254400000006,60,6,1,2,not-an-ip,1,2,0,0\n", -1);
  g_autoptr(GArray) p = read_all (fx, path);
  gboolean warned = FALSE;

  g_assert_cmpuint (p->len, ==, 5);
  g_assert_cmpstr (name_of (fx, PKT (p, 0)->src), ==, "172.16.0.9");
  g_assert_cmpuint (ta_addr_table_get_family (fx->addrs, PKT (p, 0)->src), ==, 4);
  g_assert_cmpstr (name_of (fx, PKT (p, 0)->dst), ==, "192.168.1.7");
  g_assert_cmpstr (name_of (fx, PKT (p, 1)->src), ==, "2001:db8::1");
  g_assert_cmpuint (ta_addr_table_get_family (fx->addrs, PKT (p, 1)->src), ==, 6);
  g_assert_cmpstr (name_of (fx, PKT (p, 1)->dst), ==, "fe80::2");
  /* unmapped ids become their decimal text, like the original */
  g_assert_cmpstr (name_of (fx, PKT (p, 2)->src), ==, "77");
  g_assert_cmpuint (PKT (p, 2)->src, ==, PKT (p, 2)->dst);
  g_assert_cmpstr (name_of (fx, PKT (p, 3)->src), ==, "78");
  g_assert_cmpstr (name_of (fx, PKT (p, 4)->src), ==, "10.9.9.9");
  g_assert_cmpuint (fx->stats.malformed, ==, 1);
  g_assert_true (strstr (g_ptr_array_index (fx->stats.examples, 0), "c.csv:7:") != NULL);
  for (guint i = 0; i < fx->stats.warnings->len; i++)
    {
      const char *w = g_ptr_array_index (fx->stats.warnings, i);

      g_test_message ("warning: %s", w);

      if (strstr (w, "c.csv") && strstr (w, "2 ids are missing from the IP map (3 uses)"))
        warned = TRUE;
    }
  g_assert_true (warned);
}

static void
test_no_ip_map (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "n.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400000001,60,6,1,2,1,2,2,0,0\n", -1);
  g_autoptr(GError) error = NULL;
  TaReaderConfig config = { fx->addrs, NULL, &fx->stats, NULL, NULL };
  g_autoptr(TaPacketReader) r = ta_packet_reader_open (path, &config, &error);
  TaPacket pkt;

  g_assert_true (ta_packet_reader_next (r, &pkt, &error));
  g_assert_cmpstr (name_of (fx, pkt.src), ==, "1");
  g_assert_cmpstr (name_of (fx, pkt.dst), ==, "2");
}

static void
test_timestamp_units (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "t.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400,60,6,1,2,1,2,2,0,0\n"
    "1257254400.25,60,6,1,2,1,2,2,0,0\n"
    "1257254400123.5,60,6,1,2,1,2,2,0,0\n"
    "1257254400123456,60,6,1,2,1,2,2,0,0\n"
    "1257254400123456.9,60,6,1,2,1,2,2,0,0\n"
    "1.2572544e9,60,6,1,2,1,2,2,0,0\n"
    "99999999999,60,6,1,2,1,2,2,0,0\n"
    "100000000000,60,6,1,2,1,2,2,0,0\n"
    "99999999999999,60,6,1,2,1,2,2,0,0\n"
    "100000000000000,60,6,1,2,1,2,2,0,0\n"
    "nan,60,6,1,2,1,2,2,0,0\n"
    "inf,60,6,1,2,1,2,2,0,0\n"
    "abc,60,6,1,2,1,2,2,0,0\n"
    ",60,6,1,2,1,2,2,0,0\n"
    "12572544001234567,60,6,1,2,1,2,2,0,0\n"
    "1257254400123456x,60,6,1,2,1,2,2,0,0\n"
    "12572544x0123456,60,6,1,2,1,2,2,0,0\n"
    "1257254400123456789012,60,6,1,2,1,2,2,0,0\n", -1);
  g_autoptr(GArray) p = read_all (fx, path);

  g_assert_cmpuint (p->len, ==, 11);
  g_assert_cmpint (PKT (p, 10)->ts, ==, G_GINT64_CONSTANT (12572544001234567));
  g_assert_cmpint (PKT (p, 0)->ts, ==, G_GINT64_CONSTANT (1257254400000000));
  g_assert_cmpint (PKT (p, 1)->ts, ==, G_GINT64_CONSTANT (1257254400250000));
  g_assert_cmpint (PKT (p, 2)->ts, ==, G_GINT64_CONSTANT (1257254400123500));
  g_assert_cmpint (PKT (p, 3)->ts, ==, G_GINT64_CONSTANT (1257254400123456));
  g_assert_cmpint (PKT (p, 4)->ts, ==, G_GINT64_CONSTANT (1257254400123456));
  g_assert_cmpint (PKT (p, 5)->ts, ==, G_GINT64_CONSTANT (1257254400000000));
  g_assert_cmpint (PKT (p, 6)->ts, ==, G_GINT64_CONSTANT (99999999999000000));
  g_assert_cmpint (PKT (p, 7)->ts, ==, G_GINT64_CONSTANT (100000000000000));
  g_assert_cmpint (PKT (p, 8)->ts, ==, G_GINT64_CONSTANT (99999999999999000));
  g_assert_cmpint (PKT (p, 9)->ts, ==, G_GINT64_CONSTANT (100000000000000));
  g_assert_cmpuint (fx->stats.ts_units, ==, TA_TS_UNIT_S | TA_TS_UNIT_MS | TA_TS_UNIT_US);
  g_assert_cmpuint (fx->stats.malformed, ==, 7);
  g_assert_cmpuint (fx->stats.rows, ==, 18);
}

static void
test_empty_fields (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "e.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400000001,98.0,1,,,1.0,2.0,,,\n"
    "1257254400000002,80.0,17,5353,53,1.0,2.0,,,\n"
    "1257254400000003,,6,1,2,1,2,0,,\n", -1);
  g_autoptr(GArray) p = read_all (fx, path);

  g_assert_cmpuint (p->len, ==, 3);
  g_assert_cmpuint (PKT (p, 0)->sport, ==, 0);
  g_assert_cmpuint (PKT (p, 0)->dport, ==, 0);
  g_assert_false (PKT (p, 0)->pflags & TA_PKT_HAS_PORTS);
  g_assert_cmpuint (PKT (p, 0)->flags, ==, 0);
  /* empty flags: class INVALID, as the original (pandas NaN) */
  g_assert_true (PKT (p, 0)->pflags & TA_PKT_FLAGS_INVALID);
  g_assert_cmpuint (PKT (p, 0)->seq, ==, 0);
  g_assert_cmpuint (PKT (p, 0)->ack, ==, 0);
  g_assert_cmpuint (PKT (p, 0)->proto, ==, 1);
  g_assert_cmpuint (PKT (p, 1)->sport, ==, 5353);
  g_assert_true (PKT (p, 1)->pflags & TA_PKT_HAS_PORTS);
  g_assert_cmpuint (PKT (p, 2)->length, ==, 0);
  g_assert_false (PKT (p, 2)->pflags & TA_PKT_FLAGS_INVALID);
  g_assert_cmpuint (fx->stats.malformed, ==, 0);
}

static void
test_crlf_bom (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "w.csv",
    "\xef\xbb\xbftimestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\r\n"
    "1257254400000001,60,6,1,2,1,2,2,0,0\r\n"
    "\r\n"
    "1257254400000002,60,6,1,2,1,2,2,0,0", -1);
  g_autoptr(GArray) p = read_all (fx, path);

  g_assert_cmpuint (p->len, ==, 2);
  g_assert_cmpuint (PKT (p, 1)->ack, ==, 0);
  g_assert_cmpint (PKT (p, 1)->ts, ==, G_GINT64_CONSTANT (1257254400000002));
  g_assert_cmpuint (fx->stats.malformed, ==, 0);
}

static void
test_malformed (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GString) s = g_string_new ("timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n");
  g_autofree char *path = NULL;
  g_autoptr(GArray) p = NULL;
  const char *expect[] = { "m.csv:3:", "m.csv:4:", "m.csv:6:", "m.csv:7:", "m.csv:8:" };

  g_string_append (s, "1257254400000001,60,6,1,2,1,2,2,0,0\n");          /* 2 ok */
  g_string_append (s, "1257254400000002,60,6,1,2,1\n");                  /* 3 too few */
  g_string_append (s, "1257254400000003,6x0,6,1,2,1,2,2,0,0\n");         /* 4 length */
  g_string_append (s, "1257254400000004,60,6,1,2,1,2,2,0,0\n");          /* 5 ok */
  g_string_append (s, "1257254400000005,60,6,70000,2,1,2,2,0,0\n");      /* 6 port */
  g_string_append (s, "1257254400000006,60,6,1,2,1,2,2,4294967296,0\n"); /* 7 seq */
  g_string_append (s, "1257254400000007,60,6,1,2,1,2,2,0,-1\n");         /* 8 ack */
  g_string_append (s, "1257254400000008,60,6.5,1,2,1,2,2,0,0\n");        /* 9 proto */
  g_string_append (s, "1257254400000009,60,6,1,2,\"1,2,2,0,0\n");        /* 10 quote */
  g_string_append (s, "1257254400000010,60,6,1,2,1,2,x,0,0\n");          /* 11 ok, INVALID */
  path = write_file (fx, "m.csv", s->str, -1);
  p = read_all (fx, path);

  g_assert_cmpuint (p->len, ==, 3);
  g_assert_true (PKT (p, 2)->pflags & TA_PKT_FLAGS_INVALID);
  g_assert_cmpuint (fx->stats.malformed, ==, 7);
  g_assert_cmpuint (fx->stats.rows, ==, 10);
  g_assert_cmpuint (fx->stats.examples->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      const char *ex = g_ptr_array_index (fx->stats.examples, i);

      g_test_message ("%s", ex);
      g_assert_true (strstr (ex, expect[i]) != NULL);
    }
}

static void
test_long_line (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GString) s = g_string_new ("timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n");
  g_autofree char *path = NULL;
  g_autoptr(GArray) p = NULL;

  g_string_append (s, "1257254400000001,60,6,1,2,1,2,2,0,0\n");
  g_string_append (s, "1257254400000002,60,6,1,2,1,2,2,0,");
  for (guint i = 0; i < 3 * 1024 * 1024; i++)
    g_string_append_c (s, '7');
  g_string_append (s, "\n1257254400000003,60,6,1,2,1,2,2,0,0\n");
  path = write_file (fx, "long.csv", s->str, s->len);
  p = read_all (fx, path);
  g_assert_cmpuint (p->len, ==, 2);
  g_assert_cmpint (PKT (p, 1)->ts, ==, G_GINT64_CONSTANT (1257254400000003));
  g_assert_cmpuint (fx->stats.malformed, ==, 1);
  g_assert_true (strstr (g_ptr_array_index (fx->stats.examples, 0), "long.csv:3:") != NULL);
}

static void
test_missing_column (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "mc.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,flags,seq_num,ack_num\n"
    "1,60,6,1,2,1,2,0,0\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);

  g_assert_null (r);
  g_assert_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN);
  g_assert_true (strstr (error->message, "dst_ip") != NULL);
  g_assert_true (strstr (error->message, "mc.csv") != NULL);
}

static void
test_not_csv (Fixture       *fx,
              gconstpointer  data)
{
  static const guint8 binary[] = { 0x7f, 'E', 'L', 'F', 0, 0, 1, 2, '\n', 3 };
  struct { const char *name; const char *contents; gssize len; } cases[] = {
    { "bin.dat", (const char *) binary, sizeof binary },
    { "empty.csv", "", 0 },
    { "text.txt", "hello world\nthis is not it\n", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (fx, cases[i].name, cases[i].contents, cases[i].len);
      g_autoptr(GError) error = NULL;
      g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);

      g_assert_null (r);
      g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
      g_assert_true (strstr (error->message, cases[i].name) != NULL);
      g_assert_true (strstr (error->message, "not a capture or packet CSV") != NULL);
    }
}

static void
test_capture_sniffed (Fixture       *fx,
                      gconstpointer  data)
{
  static const guint8 pcap[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
  static const guint8 pcapng[28] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a };
  g_autofree char *p1 = write_file (fx, "x.pcap", (const char *) pcap, sizeof pcap);
  g_autofree char *p2 = write_file (fx, "x.pcapng", (const char *) pcapng, sizeof pcapng);
  TaInputKind kind = TA_INPUT_KIND_CSV;

  g_assert_true (ta_capture_sniff (pcap, sizeof pcap, &kind));
  g_assert_cmpint (kind, ==, TA_INPUT_KIND_PCAP);
  g_assert_true (ta_capture_sniff (pcapng, sizeof pcapng, &kind));
  g_assert_cmpint (kind, ==, TA_INPUT_KIND_PCAPNG);
  g_assert_false (ta_capture_sniff ((const guint8 *) "time", 4, &kind));

  /* whatever the capture reader does with them, they are never read as CSV */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaPacketReader) r = open_reader (fx, i ? p2 : p1, &error);

      if (r != NULL)
        g_assert_cmpint (ta_packet_reader_get_kind (r), !=, TA_INPUT_KIND_CSV);
      else
        g_assert_false (g_error_matches (error, TA_ERROR, TA_ERROR_MISSING_COLUMN));
    }
}

static GString *
generated_rows (guint n)
{
  GString *s = g_string_new ("timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ",%u.0,6,%u,80,%u.0,%u.0,16,%u,%u\n",
                            G_GINT64_CONSTANT (1257254400000000) + i * 10, 60 + i % 1000,
                            1024 + i % 5000, 1 + i % 3, 1 + (i + 1) % 3, i * 7, i * 13);
  return s;
}

static void
test_gzip (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GString) s = generated_rows (50000);
  g_autofree char *plain = write_file (fx, "g.csv", s->str, s->len);
  g_autofree char *gz = write_gzip (fx, "g.data", s->str);   /* told by magic, not name */
  g_autoptr(GArray) a = read_all (fx, plain);
  g_autoptr(GArray) b = read_all (fx, gz);

  g_assert_cmpuint (a->len, ==, 50000);
  g_assert_cmpuint (b->len, ==, 50000);
  g_assert_cmpmem (a->data, a->len * sizeof (TaPacket), b->data, b->len * sizeof (TaPacket));
  g_assert_cmpuint (fx->stats.malformed, ==, 0);
}

static void
expect_gzip_error (Fixture    *fx,
                   const char *path,
                   const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);
  TaPacket pkt;
  guint n = 0;

  if (r != NULL)
    {
      while (ta_packet_reader_next (r, &pkt, &error))
        n++;
    }
  g_test_message ("%u packets before: %s", n, error ? error->message : "(none)");
  g_assert_error (error, TA_ERROR, TA_ERROR_CORRUPT);
  g_assert_true (strstr (error->message, name) != NULL);
  g_assert_true (strstr (error->message, "byte") != NULL);
}

static void
test_gzip_corrupt (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GString) s = generated_rows (200000);
  g_autofree char *gz = write_gzip (fx, "c.csv.gz", s->str);
  g_autofree char *contents = NULL;
  gsize len;
  g_autofree char *trunc = NULL;
  g_autofree char *bad = NULL;

  g_assert_true (g_file_get_contents (gz, &contents, &len, NULL));
  trunc = write_file (fx, "trunc.csv.gz", contents, len / 2);
  /* cut: the rows before the cut are read, the cut row dropped, one warning */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TaPacketReader) r = open_reader (fx, trunc, &error);
    TaPacket pkt;
    guint n = 0;

    g_assert_no_error (error);
    while (ta_packet_reader_next (r, &pkt, &error))
      n++;
    g_assert_no_error (error);
    g_assert_cmpuint (n, >, 1000);
    g_assert_cmpuint (n, <, 200000);
    g_assert_cmpuint (fx->stats.truncated, ==, 1);
    g_assert_cmpuint (fx->stats.malformed, ==, 0);
    g_assert_nonnull (fx->stats.warnings);
    g_assert_nonnull (strstr (g_ptr_array_index (fx->stats.warnings, 0), "trunc.csv.gz: gzip stream is truncated at byte"));
  }

  /* garbage in the middle of the deflate stream */
  memset (contents + len / 2, 0xff, 4096);
  bad = write_file (fx, "bad.csv.gz", contents, len);
  expect_gzip_error (fx, bad, "bad.csv.gz");
}

static void
test_filter (Fixture       *fx,
             gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "f.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "100000000000000,60,6,1,2,1,2,2,0,0\n"
    "100000000000010,60,6,1,2,2,3,2,0,0\n"
    "100000000000020,60,6,1,2,3,1,2,0,0\n"
    "100000000000030,60,6,1,2,1,3,2,0,0\n"
    "100000000000040,60,6,1,2,1,2,2,0,0\n"
    "100000000000000,60,6,1,2,1,2,2,0,0\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);
  TaPacketFilter f = { 0 };
  guint8 bits[8] = { 0 };
  guint32 a3 = ta_addr_table_intern_text (fx->addrs, "192.168.1.7", -1);
  TaPacket pkt;
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (gint64));

  bits[a3 >> 3] |= 1 << (a3 & 7);
  f.has_time_start = TRUE;
  f.time_start_us = G_GINT64_CONSTANT (100000000000010);
  f.has_time_end = TRUE;
  f.time_end_us = G_GINT64_CONSTANT (100000000000030);
  f.addr_bits = bits;
  f.n_addr_bits = 64;
  f.has_addrs = TRUE;
  ta_packet_reader_set_filter (r, &f);
  while (ta_packet_reader_next (r, &pkt, &error))
    g_array_append_val (kept, pkt.ts);
  g_assert_no_error (error);
  /* inclusive at both ends; row 5 is past the end in an ordered file: stop */
  g_assert_cmpuint (kept->len, ==, 3);
  g_assert_cmpint (g_array_index (kept, gint64, 0), ==, G_GINT64_CONSTANT (100000000000010));
  g_assert_cmpint (g_array_index (kept, gint64, 2), ==, G_GINT64_CONSTANT (100000000000030));
  g_assert_true (ta_packet_reader_get_stopped_early (r));
  g_assert_cmpuint (f.rejected_time, ==, 2);
  g_assert_cmpuint (f.rejected_addr, ==, 0);
  g_assert_cmpuint (fx->stats.rows, ==, 5);
  g_array_unref (kept);
}

static void
test_filter_unordered (Fixture       *fx,
                       gconstpointer  data)
{
  g_autofree char *path = write_file (fx, "u.csv",
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "100000000000020,60,6,1,2,1,2,2,0,0\n"
    "100000000000010,60,6,1,2,1,2,2,0,0\n"
    "100000000000090,60,6,1,2,1,2,2,0,0\n"
    "100000000000015,60,6,1,2,1,2,2,0,0\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPacketReader) r = open_reader (fx, path, &error);
  TaPacketFilter f = { 0 };
  TaPacket pkt;
  guint n = 0;

  f.has_time_end = TRUE;
  f.time_end_us = G_GINT64_CONSTANT (100000000000020);
  ta_packet_reader_set_filter (r, &f);
  while (ta_packet_reader_next (r, &pkt, &error))
    n++;
  /* the file went back in time, so the reader must not stop at row 3 */
  g_assert_cmpuint (n, ==, 3);
  g_assert_false (ta_packet_reader_get_stopped_early (r));
  g_assert_cmpuint (f.rejected_time, ==, 1);
}

/* Random lines from an alphabet of the characters the parser cares about:
 * never a crash, and every row is either a packet or counted malformed */
static void
test_random_rows (Fixture       *fx,
                  gconstpointer  data)
{
  static const char alphabet[] = "0123456789,,,,,..::\"\"\r-eE xa\t\xff";
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  g_autoptr(GString) s = g_string_new ("timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num,attack\n");
  g_autofree char *path = NULL;
  g_autoptr(GArray) p = NULL;

  for (guint i = 0; i < 20000; i++)
    {
      guint len = g_rand_int_range (rand, 0, 90);

      if (i % 3 == 0)
        g_string_append (s, "1257254400000001,60,6,1,2,1,2,16,5,6,");
      for (guint k = 0; k < len; k++)
        g_string_append_c (s, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
      g_string_append_c (s, '\n');
    }
  path = write_file (fx, "random.csv", s->str, s->len);
  p = read_all (fx, path);
  g_test_message ("%u packets, %" G_GUINT64_FORMAT " malformed of %" G_GUINT64_FORMAT " rows",
                  p->len, fx->stats.malformed, fx->stats.rows);
  g_assert_cmpuint (fx->stats.rows, ==, fx->stats.packets + fx->stats.malformed);
  g_assert_cmpuint (p->len, ==, fx->stats.packets);
  g_assert_cmpuint (p->len, >, 1000);
  g_assert_cmpuint (fx->stats.malformed, >, 1000);
}

static void
test_shared_data (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *csv = ta_test_shared_path_or_skip ("original-folder", "input.csv", NULL);
  g_autofree char *map = ta_test_shared_path_or_skip ("original-folder", "input_ip_map.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) ip_map = NULL;
  g_autoptr(TaPacketReader) r = NULL;
  TaReaderConfig config = { 0 };
  TaPacket pkt;
  guint n = 0;

  if (csv == NULL || map == NULL)
    return;
  ip_map = ta_ip_map_load (map, &error);
  g_assert_no_error (error);
  config.addrs = fx->addrs;
  config.ip_map = ip_map;
  config.stats = &fx->stats;
  r = ta_packet_reader_open (csv, &config, &error);
  g_assert_no_error (error);
  while (ta_packet_reader_next (r, &pkt, &error))
    {
      g_assert_cmpuint (ta_addr_table_get_family (fx->addrs, pkt.src), ==, 4);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4000);
  g_assert_cmpuint (fx->stats.malformed, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/core/csv-reader/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("basic", test_basic);
  ADD ("header-order", test_header_order);
  ADD ("label-text", test_label_text);
  ADD ("addresses", test_addresses);
  ADD ("no-ip-map", test_no_ip_map);
  ADD ("timestamp-units", test_timestamp_units);
  ADD ("empty-fields", test_empty_fields);
  ADD ("crlf-bom", test_crlf_bom);
  ADD ("malformed", test_malformed);
  ADD ("long-line", test_long_line);
  ADD ("missing-column", test_missing_column);
  ADD ("not-csv", test_not_csv);
  ADD ("capture-sniffed", test_capture_sniffed);
  ADD ("gzip", test_gzip);
  ADD ("gzip-corrupt", test_gzip_corrupt);
  ADD ("filter", test_filter);
  ADD ("filter-unordered", test_filter_unordered);
  ADD ("random-rows", test_random_rows);
  ADD ("shared-data", test_shared_data);
#undef ADD

  return g_test_run ();
}
