/* test-core-basics.c — addresses, flag names, the plain/gzip input, IP maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-event-mapping.h"
#include "ta-file-kind.h"
#include "ta-input.h"
#include "ta-ip-map.h"
#include "ta-out.h"
#include "ta-packet.h"
#include "ta-test-util.h"

static void
test_flag_names (void)
{
  g_assert_cmpstr (ta_flag_type_name (0, FALSE), ==, "NONE");
  g_assert_cmpstr (ta_flag_type_name (0x12, FALSE), ==, "SYN+ACK");
  g_assert_cmpstr (ta_flag_type_name (0x11, FALSE), ==, "FIN+ACK");
  g_assert_cmpstr (ta_flag_type_name (0x18, FALSE), ==, "PSH+ACK");
  g_assert_cmpstr (ta_flag_type_name (0x14, FALSE), ==, "RST+ACK");
  g_assert_cmpstr (ta_flag_type_name (0x10, FALSE), ==, "ACK");
  g_assert_cmpstr (ta_flag_type_name (0x52, FALSE), ==, "ACK+ECE+SYN");
  g_assert_cmpstr (ta_flag_type_name (0xc2, FALSE), ==, "CWR+ECE+SYN");
  g_assert_cmpstr (ta_flag_type_name (0x19, FALSE), ==, "ACK+FIN+PSH");
  g_assert_cmpstr (ta_flag_type_name (0x10, TRUE), ==, "INVALID");
}

static void
test_addr_table (void)
{
  g_autoptr(TaAddrTable) t = ta_addr_table_new ();
  guint8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  guint32 a, b, c, d, e;
  guint32 v;

  a = ta_addr_table_intern_text (t, "172.28.94.58", -1);
  b = ta_addr_table_intern_ipv4 (t, (172u << 24) | (28 << 16) | (94 << 8) | 58);
  g_assert_cmpuint (a, ==, b);
  g_assert_cmpstr (ta_addr_table_get_name (t, a), ==, "172.28.94.58");
  g_assert_cmpuint (ta_addr_table_get_family (t, a), ==, 4);

  c = ta_addr_table_intern_ipv6 (t, v6);
  d = ta_addr_table_intern_text (t, "2001:db8::1", -1);
  g_assert_cmpuint (c, ==, d);
  g_assert_cmpstr (ta_addr_table_get_name (t, c), ==, "2001:db8::1");

  e = ta_addr_table_intern_text (t, "12345", -1);
  g_assert_cmpuint (e, ==, ta_addr_table_intern_text (t, "12345", 5));
  g_assert_cmpuint (ta_addr_table_get_family (t, e), ==, 0);
  g_assert_cmpuint (ta_addr_table_get_size (t), ==, 3);

  /* growth keeps every entry findable */
  for (guint i = 0; i < 5000; i++)
    ta_addr_table_intern_ipv4 (t, 0x0a000000 + i);
  for (guint i = 0; i < 5000; i++)
    g_assert_cmpuint (ta_addr_table_intern_ipv4 (t, 0x0a000000 + i), ==, 3 + i);

  g_assert_true (ta_parse_ipv4 ("1.2.3.4", 7, &v));
  g_assert_cmphex (v, ==, 0x01020304);
  g_assert_false (ta_parse_ipv4 ("1.2.3", 5, &v));
  g_assert_false (ta_parse_ipv4 ("1.2.3.256", 9, &v));
  g_assert_false (ta_parse_ipv4 ("1..3.4", 6, &v));
  g_assert_false (ta_parse_ipv4 ("1.2.3.4.5", 9, &v));
}

static char *
write_gzip (const char *data,
            gsize       len,
            gsize       cut)
{
  char *path = g_build_filename (g_get_tmp_dir (), "ta-test-XXXXXX.gz", NULL);
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  ta_test_write_gzip (path, data, len, cut);
  return path;
}

static GString *
read_all (TaInput  *in,
          GError  **error)
{
  GString *s = g_string_new (NULL);

  for (;;)
    {
      gsize avail;
      const guint8 *p = ta_input_peek (in, 4096, &avail, error);

      if (p == NULL)
        {
          g_string_free (s, TRUE);
          return NULL;
        }
      if (avail == 0)
        return s;
      g_string_append_len (s, (const char *) p, avail);
      ta_input_consume (in, avail);
    }
}

static void
test_input_plain_and_gzip (void)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *gz = NULL;
  g_autofree char *plain = g_build_filename (g_get_tmp_dir (), "ta-test-plain.csv", NULL);
  g_autoptr(GError) error = NULL;
  GString *got;
  TaInput *in;

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (big, "%u,line\n", i);

  g_assert_true (g_file_set_contents (plain, big->str, big->len, NULL));
  in = ta_input_open (plain, &error);
  g_assert_no_error (error);
  g_assert_false (ta_input_is_gzip (in));
  got = read_all (in, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->str, ==, big->str);
  g_assert_cmpuint (ta_input_get_offset (in), ==, big->len);
  g_string_free (got, TRUE);
  ta_input_free (in);
  g_unlink (plain);

  /* two concatenated members read as one stream */
  gz = write_gzip (big->str, big->len, 0);
  {
    g_autofree char *a = NULL, *b = NULL;
    gsize alen, blen;
    g_autofree char *second = write_gzip ("tail\n", 5, 0);

    g_assert_true (g_file_get_contents (gz, &a, &alen, NULL));
    g_assert_true (g_file_get_contents (second, &b, &blen, NULL));
    {
      g_autoptr(GString) both = g_string_new_len (a, alen);
      g_string_append_len (both, b, blen);
      g_assert_true (g_file_set_contents (gz, both->str, both->len, NULL));
    }
    g_unlink (second);
  }
  in = ta_input_open (gz, &error);
  g_assert_no_error (error);
  g_assert_true (ta_input_is_gzip (in));
  got = read_all (in, &error);
  g_assert_no_error (error);
  g_string_append (big, "tail\n");
  g_assert_cmpstr (got->str, ==, big->str);
  g_string_free (got, TRUE);
  ta_input_free (in);
  g_unlink (gz);
}

static void
test_input_truncated_gzip (void)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *gz = NULL;
  g_autoptr(GError) error = NULL;
  GString *got;
  TaInput *in;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (big, "%u,%u\n", i, g_str_hash (&i));
  gz = write_gzip (big->str, big->len, 1000);
  in = ta_input_open (gz, &error);
  g_assert_no_error (error);
  /* a cut stream is not an error: what came before the cut is read, and
   * the input says where it was cut */
  got = read_all (in, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpuint (got->len, >, 0);
  g_assert_cmpuint (got->len, <, big->len);
  g_assert_true (memcmp (got->str, big->str, got->len) == 0);
  g_assert_nonnull (ta_input_get_truncation (in));
  g_assert_nonnull (strstr (ta_input_get_truncation (in), gz));
  g_assert_nonnull (strstr (ta_input_get_truncation (in), "truncated at byte"));
  g_string_free (got, TRUE);
  ta_input_free (in);
  g_unlink (gz);
}

static void
test_input_missing (void)
{
  g_autoptr(GError) error = NULL;
  TaInput *in = ta_input_open ("/nonexistent/file.csv", &error);

  g_assert_null (in);
  g_assert_error (error, TA_ERROR, TA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/file.csv"));
}

static void
test_ip_map (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "ta-test-map.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(TaIpMap) again = NULL;

  g_assert_true (g_file_set_contents (path, "{\"10.0.0.1\": 1, \"10.0.0.2\": 7, \"::1\": 3}", -1, NULL));
  map = ta_ip_map_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ta_ip_map_lookup_id (map, 7), ==, "10.0.0.2");
  g_assert_null (ta_ip_map_lookup_id (map, 2));
  g_assert_cmpint (ta_ip_map_lookup_addr (map, "::1"), ==, 3);
  g_assert_cmpint (ta_ip_map_add (map, "10.0.0.9"), ==, 8);
  g_assert_cmpint (ta_ip_map_add (map, "10.0.0.1"), ==, 1);
  g_assert_true (ta_ip_map_save (map, path, &error));
  g_assert_no_error (error);
  again = ta_ip_map_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_ip_map_get_size (again), ==, 4);
  g_assert_cmpstr (ta_ip_map_lookup_id (again, 8), ==, "10.0.0.9");
  g_clear_pointer (&again, ta_ip_map_free);

  g_assert_true (g_file_set_contents (path, "[1,2]", -1, NULL));
  again = ta_ip_map_load (path, &error);
  g_assert_null (again);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"1.2.3.4\": \"x\"}", -1, NULL));
  again = ta_ip_map_load (path, &error);
  g_assert_null (again);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);
  g_unlink (path);
}

/* The real map of the 90-minute day-1 attack files (reference data) */
static void
test_ip_map_real (void)
{
  g_autofree char *real = ta_test_shared_path_or_skip ("timearcs", "ip_map.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) map = NULL;

  if (real == NULL)
    return;
  map = ta_ip_map_load (real, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_ip_map_get_size (map), ==, 19525);
  g_assert_cmpint (ta_ip_map_lookup_addr (map, "172.28.94.58"), >, 0);
}

/* Labels and names with UTF-8, quotes and control characters survive a
 * save and a reload (g_strescape's octal escapes are not JSON) */
static void
test_json_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-json-XXXXXX", NULL);
  g_autofree char *map_path = g_build_filename (dir, "map.json", NULL);
  g_autofree char *ev_path = g_build_filename (dir, "events.json", NULL);
  const char *odd = "café \"quoted\" back\\slash \001 tab\t";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) map = ta_ip_map_new ();
  g_autoptr(TaIpMap) map2 = NULL;
  g_autoptr(TaEventMapping) ev = ta_event_mapping_new ();
  g_autoptr(TaEventMapping) ev2 = NULL;
  gint64 id = ta_ip_map_add (map, odd);
  gint32 code = ta_event_mapping_ensure (ev, odd);

  g_assert_true (ta_ip_map_save (map, map_path, &error));
  g_assert_no_error (error);
  map2 = ta_ip_map_load (map_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ta_ip_map_lookup_addr (map2, odd), ==, id);

  g_assert_true (ta_event_mapping_save (ev, ev_path, &error));
  g_assert_no_error (error);
  ev2 = ta_event_mapping_load (ev_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ta_event_mapping_lookup (ev2, odd), ==, code);
  g_assert_cmpint (ta_event_mapping_lookup (ev2, "normal"), ==, -1);

  g_unlink (map_path);
  g_unlink (ev_path);
  g_rmdir (dir);
}

/* Sniffing the reference data's files ($TA_SHARED_DATA) */
static void
test_file_kind_shared (void)
{
  static const struct { const char *rel; TaFileKind kind; } files[] = {
    { "timearcs/90min_day1_attacks.csv", TA_FILE_KIND_ATTACK_CSV },
    { "timearcs/90min_day1_grouped_attacks.csv", TA_FILE_KIND_ATTACK_CSV },
    { "original-folder/input.csv", TA_FILE_KIND_PACKETS },
    { "original-folder/folder/packets.csv", TA_FILE_KIND_PACKETS },
    { "pcaps/good/loopback-http.pcap", TA_FILE_KIND_PACKETS },
    { "timearcs/GroundTruth_UTC_naive.csv", TA_FILE_KIND_UNKNOWN },
    { "timearcs/ip_map.json", TA_FILE_KIND_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = ta_test_shared_path_or_skip (files[i].rel, NULL);

      if (path == NULL)
        return;
      g_test_message ("%s", files[i].rel);
      g_assert_cmpint (ta_file_kind_sniff (path), ==, files[i].kind);
    }
}

static void
test_file_kind (void)
{
  static const struct { const char *rel; TaFileKind kind; } files[] = {
    { "pcaps/good/pcapplusplus-many_interfaces-1.pcapng", TA_FILE_KIND_PACKETS },
    { "pcaps/good/zeek-smb_smb_many_open_files_500.pcap.gz", TA_FILE_KIND_PACKETS },
    { "pcaps/bad/libpcap-pcap-empty-file.pcap", TA_FILE_KIND_UNKNOWN },
    { "no/such/file.csv", TA_FILE_KIND_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = ta_test_data_path (files[i].rel, NULL);

      g_test_message ("%s", files[i].rel);
      g_assert_cmpint (ta_file_kind_sniff (path), ==, files[i].kind);
    }

  {
    const char *bom = "\xef\xbb\xbftimestamp,length,src_ip,dst_ip,protocol,attack,count\r\nnext";

    g_assert_cmpint (ta_file_kind_from_header (bom, strlen (bom)), ==, TA_FILE_KIND_ATTACK_CSV);
  }
  g_assert_cmpint (ta_file_kind_from_header ("src_ip,dst_ip,timestamp,flags", 29), ==, TA_FILE_KIND_PACKETS);
  g_assert_cmpint (ta_file_kind_from_header ("a,b,c", 5), ==, TA_FILE_KIND_UNKNOWN);
}

/* entries of @dir other than . and .. */
static guint
count_dir_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

static void
test_out_plain_commit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-out-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rows.csv", NULL);
  g_autoptr(GString) want = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  gsize len;
  TaOut *out;

  g_assert_true (g_file_set_contents (path, "old\n", -1, NULL));
  /* a tiny buffer: many flushes, and one reserve larger than the buffer */
  out = ta_out_open (path, TA_OUT_NONE, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ta_out_get_path (out), ==, path);
  for (guint i = 0; i < 1000; i++)
    {
      char *p = ta_out_reserve (out, 32);

      p += g_snprintf (p, 32, "%u,", i);
      ta_out_commit (out, p);
      g_string_append_printf (want, "%u,", i);
    }
  {
    char big[100];

    memset (big, 'x', sizeof big);
    ta_out_write (out, big, sizeof big);
    g_string_append_len (want, big, sizeof big);
  }
  ta_out_printf (out, "%s-%d\n", "end", 7);
  g_string_append (want, "end-7\n");
  /* until commit the old file is untouched, the new one is hidden */
  g_assert_true (g_file_get_contents (path, &got, &len, NULL));
  g_assert_cmpstr (got, ==, "old\n");
  g_clear_pointer (&got, g_free);
  g_assert_cmpuint (count_dir_entries (dir), ==, 2);
  g_assert_true (ta_out_commit_file (out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &got, &len, NULL));
  g_assert_cmpstr (got, ==, want->str);
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);
  g_assert_true (ta_out_write_file (path, "small", 5, &error));
  g_clear_pointer (&got, g_free);
  g_assert_true (g_file_get_contents (path, &got, &len, NULL));
  g_assert_cmpstr (got, ==, "small");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_out_gzip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-out-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rows.csv.gz", NULL);
  g_autofree char *forced = g_build_filename (dir, "rows.bin", NULL);
  g_autoptr(GString) want = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  TaOut *out;
  TaOut *out2;
  GString *got;
  TaInput *in;

  out = ta_out_open (path, TA_OUT_GZIP_BY_NAME, 0, &error);
  g_assert_no_error (error);
  out2 = ta_out_open (forced, TA_OUT_GZIP, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 200000; i++)
    {
      ta_out_printf (out, "%u,%u\n", i, i * 7);
      ta_out_printf (out2, "%u,%u\n", i, i * 7);
      g_string_append_printf (want, "%u,%u\n", i, i * 7);
    }
  g_assert_true (ta_out_commit_file (out, &error));
  g_assert_true (ta_out_commit_file (out2, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < 2; k++)
    {
      in = ta_input_open (k ? forced : path, &error);
      g_assert_no_error (error);
      g_assert_true (ta_input_is_gzip (in));
      got = read_all (in, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (got->str, ==, want->str);
      g_string_free (got, TRUE);
      ta_input_free (in);
    }
  /* without a gzip flag a .gz name is written plain */
  g_assert_true (ta_out_write_file (path, "plain", 5, &error));
  in = ta_input_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (ta_input_is_gzip (in));
  ta_input_free (in);
  g_unlink (path);
  g_unlink (forced);
  g_rmdir (dir);
}

static void
test_out_abandon (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-out-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "keep.json", NULL);
  g_autofree char *inside = g_build_filename (dir, "part.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  TaOut *out;

  g_assert_true (g_file_set_contents (path, "kept", -1, NULL));
  out = ta_out_open (path, TA_OUT_GZIP, 0, &error);
  g_assert_no_error (error);
  ta_out_puts (out, "never seen");
  g_assert_true (ta_out_flush (out));
  ta_out_abandon (out);
  g_assert_true (g_file_get_contents (path, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, "kept");
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  /* in place: the file itself is written, and abandon removes it */
  out = ta_out_open (inside, TA_OUT_IN_PLACE, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (inside, G_FILE_TEST_EXISTS));
  ta_out_puts (out, "[]");
  ta_out_abandon (out);
  g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
  out = ta_out_open (inside, TA_OUT_IN_PLACE, 0, &error);
  ta_out_puts (out, "[]");
  g_assert_true (ta_out_commit_file (out, &error));
  g_clear_pointer (&got, g_free);
  g_assert_true (g_file_get_contents (inside, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, "[]");
  ta_out_abandon (NULL);
  g_unlink (inside);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_out_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-out-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  TaOut *out;

  out = ta_out_open (missing, TA_OUT_NONE, 0, &error);
  g_assert_null (out);
  g_assert_error (error, TA_ERROR, TA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  out = ta_out_open (missing, TA_OUT_IN_PLACE, 0, &error);
  g_assert_null (out);
  g_assert_error (error, TA_ERROR, TA_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  if (g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      out = ta_out_open ("/dev/full", TA_OUT_IN_PLACE, 64, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 100; i++)
        ta_out_puts (out, "0123456789");
      g_assert_false (ta_out_flush (out));
      g_assert_nonnull (ta_out_get_error (out));
      g_assert_false (ta_out_commit_file (out, &error));
      g_assert_error (error, TA_ERROR, TA_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "/dev/full"));
    }
  g_rmdir (dir);
}

/* the number formatters of conn.log, features.csv and the others */
static void
test_out_numbers (void)
{
  static const struct { double v; const char *text; } d6[] = {
    { 0, "0" }, { -0.0, "0" }, { 1.25, "1.25" }, { -1.25, "-1.25" }, { 3, "3" },
    { 0.000001, "0.000001" }, { 0.0000004, "0" }, { -0.0000004, "0" }, { 0.0000005, "0.000001" },
    { 123456.7890126, "123456.789013" }, { 999999999.0, "999999999" }, { 5e9, "5000000000" },
    { 1e15, "1e+15" }, { -2.5e13, "-2.5e+13" },
  };
  static const struct { gint64 us; const char *text; } s6[] = {
    { 0, "0.000000" }, { 1793610000000250, "1793610000.000250" }, { -500000, "-0.500000" },
    { 1, "0.000001" }, { G_MAXINT64, "9223372036854.775807" },
  };
  char buf[64];

  for (guint i = 0; i < G_N_ELEMENTS (d6); i++)
    {
      *ta_put_double6 (buf, d6[i].v) = '\0';
      g_assert_cmpstr (buf, ==, d6[i].text);
    }
  *ta_put_double6 (buf, NAN) = '\0';
  g_assert_cmpstr (buf, ==, "nan");
  for (guint i = 0; i < G_N_ELEMENTS (s6); i++)
    {
      *ta_put_us_as_s (buf, s6[i].us) = '\0';
      g_assert_cmpstr (buf, ==, s6[i].text);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/packet/flag-names", test_flag_names);
  g_test_add_func ("/core/addr-table/intern", test_addr_table);
  g_test_add_func ("/core/input/plain-and-gzip", test_input_plain_and_gzip);
  g_test_add_func ("/core/input/truncated-gzip", test_input_truncated_gzip);
  g_test_add_func ("/core/input/missing", test_input_missing);
  g_test_add_func ("/core/ip-map/load-save", test_ip_map);
  g_test_add_func ("/core/ip-map/real", test_ip_map_real);
  g_test_add_func ("/core/file-kind/sniff", test_file_kind);
  g_test_add_func ("/core/file-kind/sniff-shared", test_file_kind_shared);
  g_test_add_func ("/core/json/round-trip", test_json_round_trip);
  g_test_add_func ("/core/out/plain-commit", test_out_plain_commit);
  g_test_add_func ("/core/out/gzip", test_out_gzip);
  g_test_add_func ("/core/out/abandon", test_out_abandon);
  g_test_add_func ("/core/out/errors", test_out_errors);
  g_test_add_func ("/core/out/numbers", test_out_numbers);
  return g_test_run ();
}
