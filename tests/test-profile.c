/* test-profile.c — `timearcs-cli profile` and the profile/ folder that
 * `extract` writes: the files, their agreement with each other and with
 * the packets, Zeek's TSV layout, atomic output, bad input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ta-pseudonym.h"
#include "ta-test-util.h"

/* ---- reading what was written ------------------------------------------ */

static char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static JsonObject *
read_summary (const char  *dir,
              JsonParser **parser)
{
  g_autofree char *text = read_text (dir, "profile.json");
  g_autoptr(GError) error = NULL;

  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*parser)));
  return json_node_get_object (json_parser_get_root (*parser));
}

/* The rows of a CSV with a header row, as field vectors; the header's
 * column index of @col */
typedef struct
{
  GPtrArray *rows;   /* GStrv */
  GStrv      header;
} Csv;

static void
csv_load (Csv        *csv,
          const char *dir,
          const char *name)
{
  g_autofree char *text = read_text (dir, name);
  g_auto(GStrv) lines = g_strsplit_set (text, "\n", -1);   /* g_strsplit is quadratic under ASan */

  csv->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  csv->header = g_strsplit (lines[0], ",", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        {
          g_assert_null (lines[i + 1]);   /* only the last line may be empty */
          break;
        }
      g_ptr_array_add (csv->rows, g_strsplit (lines[i], ",", -1));
      g_assert_cmpuint (g_strv_length (g_ptr_array_index (csv->rows, csv->rows->len - 1)), ==,
                        g_strv_length (csv->header));
    }
}

static guint
csv_col (Csv        *csv,
         const char *col)
{
  for (guint i = 0; csv->header[i] != NULL; i++)
    if (strcmp (csv->header[i], col) == 0)
      return i;
  g_error ("no column %s", col);
  return 0;
}

static guint64
csv_sum (Csv        *csv,
         const char *col)
{
  guint c = csv_col (csv, col);
  guint64 sum = 0;

  for (guint i = 0; i < csv->rows->len; i++)
    {
      const char *v = ((char **) g_ptr_array_index (csv->rows, i))[c];

      sum += g_ascii_strtoull (v, NULL, 10);
    }
  return sum;
}

static void
csv_clear (Csv *csv)
{
  g_clear_pointer (&csv->rows, g_ptr_array_unref);
  g_clear_pointer (&csv->header, g_strfreev);
}

/* conn.log as zeek-cut reads it: the #fields line names the columns, every
 * data row has as many tab-separated fields, #types as many types; returns
 * the number of rows */
static guint
check_zeek_tsv (const char *dir)
{
  g_autofree char *text = read_text (dir, "conn.log");
  g_auto(GStrv) lines = g_strsplit_set (text, "\n", -1);   /* g_strsplit is quadratic under ASan */
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) types = NULL;
  guint rows = 0;
  gboolean closed = FALSE;

  g_assert_cmpstr (lines[0], ==, "#separator \\x09");
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_assert_false (closed);
      if (g_str_has_prefix (lines[i], "#fields\t"))
        fields = g_strsplit (lines[i] + strlen ("#fields\t"), "\t", -1);
      else if (g_str_has_prefix (lines[i], "#types\t"))
        types = g_strsplit (lines[i] + strlen ("#types\t"), "\t", -1);
      else if (g_str_has_prefix (lines[i], "#close\t"))
        closed = TRUE;
      else if (lines[i][0] != '#')
        {
          g_auto(GStrv) v = g_strsplit (lines[i], "\t", -1);

          g_assert_nonnull (fields);
          g_assert_cmpuint (g_strv_length (v), ==, g_strv_length (fields));
          /* Zeek's unset field is "-", never an empty field */
          for (guint k = 0; v[k] != NULL; k++)
            g_assert_cmpuint (strlen (v[k]), >, 0);
          rows++;
        }
    }
  g_assert_true (closed);
  g_assert_nonnull (types);
  g_assert_cmpuint (g_strv_length (types), ==, g_strv_length (fields));
  g_assert_cmpstr (fields[0], ==, "ts");
  g_assert_cmpstr (fields[11], ==, "conn_state");
  g_assert_cmpstr (fields[15], ==, "history");
  return rows;
}

/* Everything the profile folder holds agrees with itself */
static void
check_profile_folder (const char *dir,
                      guint64     expect_packets)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *sum = read_summary (dir, &parser);
  guint64 packets = json_object_get_int_member (sum, "packets");
  guint64 bytes = json_object_get_int_member (sum, "bytes");
  guint64 conns = json_object_get_int_member (sum, "connections");
  Csv conn = { 0 }, convs = { 0 }, ends = { 0 }, ints = { 0 };

  g_assert_cmpstr (json_object_get_string_member (sum, "format"), ==, "timearcs-profile");
  if (expect_packets > 0)
    g_assert_cmpuint (packets, ==, expect_packets);

  /* every packet is in exactly one connection */
  csv_load (&conn, dir, "conn.csv");
  g_assert_cmpuint (conn.rows->len, ==, conns);
  g_assert_cmpuint (csv_sum (&conn, "orig_pkts") + csv_sum (&conn, "resp_pkts"), ==, packets);
  g_assert_cmpuint (check_zeek_tsv (dir), ==, conns);

  /* and in one conversation, and counts in two endpoints */
  csv_load (&convs, dir, "conversations.csv");
  g_assert_cmpuint (csv_sum (&convs, "packets"), ==, packets);
  g_assert_cmpuint (csv_sum (&convs, "bytes"), ==, bytes);
  csv_load (&ends, dir, "endpoints.csv");
  g_assert_cmpuint (csv_sum (&ends, "tx_packets"), ==, packets);
  g_assert_cmpuint (csv_sum (&ends, "rx_packets"), ==, packets);
  g_assert_cmpuint (csv_sum (&ends, "tx_bytes"), ==, bytes);

  /* the interval series add up to the whole */
  csv_load (&ints, dir, "intervals.csv");
  g_assert_cmpuint (csv_sum (&ints, "packets"), ==, packets);
  g_assert_cmpuint (csv_sum (&ints, "bytes"), ==, bytes);
  g_assert_cmpuint (csv_sum (&ints, "new_conns"), ==, conns);

  /* the analysis has one row per connection in each of its tables */
  {
    g_autofree char *validated = g_build_filename (dir, "validated.csv", NULL);

    if (g_file_test (validated, G_FILE_TEST_EXISTS))
      {
        Csv v = { 0 }, a = { 0 };
        g_autofree char *seq = read_text (dir, "sequences.jsonl");

        csv_load (&v, dir, "validated.csv");
        g_assert_cmpuint (v.rows->len, ==, conns);
        csv_load (&a, dir, "anomaly.csv");
        g_assert_cmpuint (a.rows->len, ==, conns);
        for (guint i = 0; i < a.rows->len; i++)
          {
            double score = g_ascii_strtod (((char **) g_ptr_array_index (a.rows, i))[2], NULL);

            g_assert_cmpfloat (score, >, 0);
            g_assert_cmpfloat (score, <=, 1);
          }
        g_assert_true (json_object_has_member (sum, "anomaly"));
        g_assert_true (json_object_has_member (sum, "findings"));
        {
          g_autofree char *attacks = g_build_filename (dir, "detected_attacks.csv", NULL);
          g_autofree char *findings = g_build_filename (dir, "findings.csv", NULL);

          g_assert_true (g_file_test (attacks, G_FILE_TEST_EXISTS));
          g_assert_true (g_file_test (findings, G_FILE_TEST_EXISTS));
        }
        {
          guint lines = 0;

          for (const char *q = seq; *q; q++)
            lines += *q == '\n';
          g_assert_cmpuint (lines, ==, json_object_get_int_member (json_object_get_object_member (sum, "sequences"),
                                                                   "connections"));
        }
        g_assert_true (json_object_has_member (sum, "validation"));
        csv_clear (&v);
        csv_clear (&a);
      }
  }
  csv_clear (&conn);
  csv_clear (&convs);
  csv_clear (&ends);
  csv_clear (&ints);
}

/* ---- cases ---------------------------------------------------------------- */

static void
test_capture (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *out = g_build_filename (tmp, "prof", NULL);
  g_autofree char *pcap = ta_test_data_path ("pcaps", "good", "zeek-http_vnd.ms-cab-compressed-multi-conn.pcap", NULL);
  const char *args[] = { "profile", pcap, "--out", out, "--local-nets", "192.168.0.0/16", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "Profile ("));
  check_profile_folder (out, 0);

  /* an existing profile is replaced with --force only */
  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 3);
  {
    const char *forced[] = { "profile", pcap, "--out", out, "--force", NULL };

    g_assert_cmpint (ta_test_run_cli (forced, NULL, NULL), ==, 0);
    check_profile_folder (out, 0);
  }
  ta_test_rm_rf (tmp);
}

/* a folder that is not a profile is never replaced, even with --force */
static void
test_refuses_other_folder (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *out = g_build_filename (tmp, "mine", NULL);
  g_autofree char *keep = g_build_filename (out, "notes.txt", NULL);
  g_autofree char *pcap = ta_test_data_path ("pcaps", "good", "zeek-redis_attr.pcap", NULL);
  const char *args[] = { "profile", pcap, "--out", out, "--force", NULL };

  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  ta_test_write_file (keep, "mine", -1);
  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 3);
  g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
  ta_test_rm_rf (tmp);
}

/* generated packets: CSV in, the counts agree with the rows */
static void
test_csv (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *csv = g_build_filename (tmp, "p.csv", NULL);
  g_autofree char *map = g_build_filename (tmp, "m.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "prof", NULL);
  const char *args[] = { "profile", csv, "--ip-map", map, "--out", out, "--interval", "250ms", NULL };
  g_autoptr(JsonParser) parser = NULL;

  ta_test_generate (csv, map, 20000, 7, NULL, 2000, 0);
  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  check_profile_folder (out, 20000);
  {
    g_autofree char *validated = g_build_filename (out, "validated.csv", NULL);
    g_autofree char *bare = g_build_filename (tmp, "bare", NULL);
    g_autofree char *bare_validated = g_build_filename (bare, "validated.csv", NULL);
    const char *plain[] = { "profile", csv, "--ip-map", map, "--out", bare, "--no-analysis", NULL };

    g_autofree char *flows = g_build_filename (tmp, "flows", NULL);
    g_autofree char *inflow = g_build_filename (flows, "inflow", NULL);
    g_autofree char *no_inflow = g_build_filename (out, "inflow", NULL);
    const char *with_files[] = { "profile", csv, "--ip-map", map, "--out", flows, "--flow-files", "5", NULL };

    g_assert_true (g_file_test (validated, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (no_inflow, G_FILE_TEST_EXISTS));
    g_assert_cmpint (ta_test_run_cli (with_files, NULL, NULL), ==, 0);
    {
      g_autoptr(GDir) d = g_dir_open (inflow, 0, NULL);
      guint n = 0;

      g_assert_nonnull (d);
      while (g_dir_read_name (d) != NULL)
        n++;
      g_assert_cmpuint (n, ==, 5);
    }
    g_assert_cmpint (ta_test_run_cli (plain, NULL, NULL), ==, 0);
    check_profile_folder (bare, 20000);
    g_assert_false (g_file_test (bare_validated, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpint (json_object_get_int_member (read_summary (out, &parser), "interval_us"), ==, 250000);
  ta_test_rm_rf (tmp);
}

/* extract writes the same profile under profile/, and the folder still
 * loads as the original viewer loads it */
static void
test_extract_writes_profile (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *csv = g_build_filename (tmp, "p.csv", NULL);
  g_autofree char *map = g_build_filename (tmp, "m.json", NULL);
  g_autofree char *folder = g_build_filename (tmp, "subset", NULL);
  g_autofree char *prof = g_build_filename (folder, "profile", NULL);
  g_autofree char *bare = g_build_filename (tmp, "bare", NULL);
  g_autofree char *bare_prof = g_build_filename (bare, "profile", NULL);
  const char *extract[] = { "extract", "--data", csv, "--ip-map", map, "--output-dir", folder, NULL };
  const char *check[] = { "check", folder, NULL };
  const char *no_prof[] = { "extract", "--data", csv, "--ip-map", map, "--output-dir", bare,
                            "--no-profile", NULL };

  ta_test_generate (csv, map, 5000, 3, NULL, 0, 0);
  g_assert_cmpint (ta_test_run_cli (extract, NULL, NULL), ==, 0);
  check_profile_folder (prof, 5000);
  g_assert_cmpint (ta_test_run_cli (check, NULL, NULL), ==, 0);
  g_assert_cmpint (ta_test_run_cli (no_prof, NULL, NULL), ==, 0);
  g_assert_false (g_file_test (bare_prof, G_FILE_TEST_EXISTS));
  ta_test_rm_rf (tmp);
}

/* malformed rows are counted, named and skipped; nothing matched leaves
 * nothing behind */
static void
test_bad_input (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *csv = g_build_filename (tmp, "bad.csv", NULL);
  g_autofree char *out = g_build_filename (tmp, "prof", NULL);
  g_autofree char *none = g_build_filename (tmp, "none", NULL);
  const char *args[] = { "profile", csv, "--out", out, NULL };
  const char *nomatch[] = { "profile", csv, "--out", none, "--filter-ips", "9.9.9.9", NULL };
  const char *badopt[] = { "profile", csv, "--out", none, "--interval", "1.5ms", NULL };
  const char *badnets[] = { "profile", csv, "--out", none, "--local-nets", "10.0.0.0/33", NULL };
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *where = NULL;
  g_autoptr(JsonParser) parser = NULL;

  ta_test_write_file (csv,
                      "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
                      "1000000,60,6,1234,80,10.0.0.1,10.0.0.2,2,100,0\n"
                      "x,60,6,1234,80,10.0.0.1,10.0.0.2,2,100,0\n"
                      "1000100,60,6,80,1234,10.0.0.2,10.0.0.1,18,500,101\n"
                      "1000200,60,17,5353,53,10.0.0.1,10.0.0.3,0,0,0\n", -1);
  g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 0);
  where = g_strdup_printf ("%s:3:", csv);
  g_assert_nonnull (strstr (err, where));
  check_profile_folder (out, 3);
  g_assert_cmpint (json_object_get_int_member (read_summary (out, &parser), "malformed_rows"), ==, 1);

  /* a relay snapshot tags 10.0.0.2 (an exit); the web preset keeps port 80 only */
  {
    g_autofree char *snap = g_build_filename (tmp, "details.json", NULL);
    g_autofree char *tagged = g_build_filename (tmp, "tagged", NULL);
    g_autofree char *relays = NULL;
    const char *with_relays[] = { "profile", csv, "--out", tagged, "--relays", snap, "--preset", "web", NULL };
    const char *bad_preset[] = { "profile", csv, "--out", none, "--preset", "ftp", NULL };
    g_autoptr(JsonParser) p2 = NULL;

    ta_test_write_file (snap,
                        "{\"relays_published\": \"2026-11-02 08:00:00\", \"relays\": [{\"nickname\": \"x\", "
                        "\"fingerprint\": \"0123456789ABCDEF0123456789ABCDEF01234567\", "
                        "\"or_addresses\": [\"10.0.0.2:443\"], \"flags\": [\"Exit\", \"Running\"], "
                        "\"advertised_bandwidth\": 5000, \"country\": \"nl\"}]}", -1);
    g_assert_cmpint (ta_test_run_cli (with_relays, NULL, NULL), ==, 0);
    relays = read_text (tagged, "relays.csv");
    g_assert_nonnull (strstr (relays, "\n10.0.0.2,exit,x,0123456789ABCDEF0123456789ABCDEF01234567,5000,nl,1,2,"));
    /* the UDP packet to port 53 is not web traffic */
    g_assert_cmpint (json_object_get_int_member (read_summary (tagged, &p2), "packets"), ==, 2);
    g_assert_cmpint (ta_test_run_cli (bad_preset, NULL, NULL), ==, 2);
  }

  g_assert_cmpint (ta_test_run_cli (nomatch, NULL, &err2), ==, 6);
  g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  g_assert_cmpint (ta_test_run_cli (badopt, NULL, NULL), ==, 2);
  g_assert_cmpint (ta_test_run_cli (badnets, NULL, NULL), ==, 2);
  g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  ta_test_rm_rf (tmp);
}

/* a capture cut short: the packets before the cut are profiled, exit 5,
 * and the message has the byte offset */
static void
test_truncated_capture (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *src = ta_test_data_path ("pcaps", "good", "zeek-redis_attr.pcap", NULL);
  g_autofree char *cut = g_build_filename (tmp, "cut.pcap", NULL);
  g_autofree char *out = g_build_filename (tmp, "prof", NULL);
  g_autofree char *data = NULL;
  g_autofree char *err = NULL;
  gsize len = 0;
  const char *args[] = { "profile", cut, "--out", out, NULL };

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_cmpuint (len, >, 200);
  ta_test_write_file (cut, data, len - 7);
  g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 5);
  g_assert_nonnull (strstr (err, "byte"));
  check_profile_folder (out, 0);
  ta_test_rm_rf (tmp);
}

/* The same generated packets as CSV rows and as a capture: the CSV has no
 * payload lengths and no ICMP type, so its TCP and UDP connections must be
 * the same (states and packet counts), history and bytes aside */
static GHashTable *
conn_keys (const char *dir)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Csv c = { 0 };
  const char *cols[] = { "ts", "orig_h", "orig_p", "resp_h", "resp_p", "proto", "conn_state",
                         "orig_pkts", "resp_pkts" };

  csv_load (&c, dir, "conn.csv");
  for (guint i = 0; i < c.rows->len; i++)
    {
      char **row = g_ptr_array_index (c.rows, i);
      GString *key = g_string_new (NULL);

      if (strcmp (row[csv_col (&c, "proto")], "icmp") == 0)
        {
          g_string_free (key, TRUE);
          continue;
        }
      for (guint k = 0; k < G_N_ELEMENTS (cols); k++)
        g_string_append_printf (key, "%s|", row[csv_col (&c, cols[k])]);
      g_hash_table_add (keys, g_string_free (key, FALSE));
    }
  csv_clear (&c);
  return keys;
}

static void
test_csv_equals_capture (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *csv = g_build_filename (tmp, "p.csv", NULL);
  g_autofree char *pcap = g_build_filename (tmp, "p.pcap", NULL);
  g_autofree char *map = g_build_filename (tmp, "m.json", NULL);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  const char *pa[] = { "profile", csv, "--ip-map", map, "--out", a, "--no-analysis", NULL };
  const char *pb[] = { "profile", pcap, "--out", b, "--no-analysis", NULL };
  g_autoptr(GHashTable) ka = NULL;
  g_autoptr(GHashTable) kb = NULL;
  GHashTableIter it;
  gpointer key;

  ta_test_generate (csv, map, 30000, 11, NULL, 0, 0);
  ta_test_generate (pcap, NULL, 30000, 11, NULL, 0, 0);
  g_assert_cmpint (ta_test_run_cli (pa, NULL, NULL), ==, 0);
  g_assert_cmpint (ta_test_run_cli (pb, NULL, NULL), ==, 0);
  ka = conn_keys (a);
  kb = conn_keys (b);
  g_assert_cmpuint (g_hash_table_size (ka), >, 1000);
  g_hash_table_iter_init (&it, ka);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (kb, key))
      g_error ("only from the CSV: %s", (char *) key);
  g_assert_cmpuint (g_hash_table_size (ka), ==, g_hash_table_size (kb));
  ta_test_rm_rf (tmp);
}

/* --pseudonymise: no real address is left in any file, the pseudonyms are
 * Crypto-PAn's, and local networks are still matched on the real ones */
static void
test_pseudonymise (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *csv = g_build_filename (tmp, "p.csv", NULL);
  g_autofree char *key = g_build_filename (tmp, "key", NULL);
  g_autofree char *out = g_build_filename (tmp, "prof", NULL);
  const char *args[] = { "profile", csv, "--out", out, "--pseudonymise", key,
                         "--local-nets", "10.0.0.0/8", NULL };
  const char *on_extract[] = { "extract", "--data", csv, "--output-dir", out, "--pseudonymise", key, NULL };
  const char *names[] = { "conn.log", "conn.csv", "conversations.csv", "endpoints.csv", "profile.json",
                          "validated.csv", "findings.csv", "sequences.jsonl" };
  g_autoptr(GError) error = NULL;
  g_autoptr(TaPseudonym) p = NULL;
  g_autofree char *a = NULL;
  g_autofree char *log = NULL;

  ta_test_write_file (csv,
                      "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
                      "1000000,60,6,1234,80,10.0.0.1,192.0.2.7,2,100,0\n"
                      "1000100,60,6,80,1234,192.0.2.7,10.0.0.1,18,500,101\n", -1);
  ta_test_write_file (key, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", -1);
  g_assert_cmpint (ta_test_run_cli (on_extract, NULL, NULL), ==, 2);
  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *text = read_text (out, names[i]);

      g_assert_null (strstr (text, "10.0.0.1"));
      g_assert_null (strstr (text, "192.0.2.7"));
    }
  p = ta_pseudonym_new_from_key_file (key, &error);
  g_assert_no_error (error);
  a = ta_pseudonym_map_text (p, "10.0.0.1");
  log = read_text (out, "conn.log");
  g_assert_nonnull (strstr (log, a));
  /* local_orig T, local_resp F: matched on the real addresses */
  g_assert_nonnull (strstr (log, "\tT\tF\t"));
  ta_test_rm_rf (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/profile/capture", test_capture);
  g_test_add_func ("/cli/profile/refuses-other-folder", test_refuses_other_folder);
  g_test_add_func ("/cli/profile/csv", test_csv);
  g_test_add_func ("/cli/profile/csv-equals-capture", test_csv_equals_capture);
  g_test_add_func ("/cli/profile/pseudonymise", test_pseudonymise);
  g_test_add_func ("/cli/profile/extract-writes-profile", test_extract_writes_profile);
  g_test_add_func ("/cli/profile/bad-input", test_bad_input);
  g_test_add_func ("/cli/profile/truncated-capture", test_truncated_capture);
  return g_test_run ();
}
