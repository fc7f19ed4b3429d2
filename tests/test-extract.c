/* test-extract.c — the extraction job and `timearcs-cli extract`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "ta-error.h"
#include "ta-extract-job.h"
#include "ta-folder-check.h"
#include "ta-test-util.h"

#define BASE G_GINT64_CONSTANT (1257254400000000)
#define HEADER "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"

typedef struct
{
  char *dir;
  char *ip_map;
} Fixture;

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

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fx->dir = ta_test_make_tmp_dir ("ta-extract-XXXXXX");
  fx->ip_map = write_file (fx, "map.json",
                           "{\"10.0.0.1\": 1, \"10.0.0.2\": 2, \"10.0.0.3\": 3, "
                           "\"10.0.0.4\": 4, \"10.0.0.5\": 5, \"10.0.0.6\": 6}", -1);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  ta_test_rm_rf (fx->dir);
  g_free (fx->dir);
  g_free (fx->ip_map);
}

static char *
out_path (Fixture    *fx,
          const char *name)
{
  return g_build_filename (fx->dir, name, NULL);
}

/* Entries of the fixture folder other than the inputs, to catch leftovers */
static guint
count_entries_with_prefix (Fixture    *fx,
                           const char *prefix)
{
  GDir *dir = g_dir_open (fx->dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, prefix) != NULL)
      n++;
  g_dir_close (dir);
  return n;
}

static TaExtractOptions *
options_for (Fixture    *fx,
             const char *output,
             ...)
{
  TaExtractOptions *o = ta_extract_options_new ();
  GPtrArray *files = g_ptr_array_new ();
  va_list args;
  const char *f;

  va_start (args, output);
  while ((f = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (files, g_strdup (f));
  va_end (args);
  g_ptr_array_add (files, NULL);
  o->data_files = (char **) g_ptr_array_free (files, FALSE);
  o->ip_map_path = g_strdup (fx->ip_map);
  o->output_dir = out_path (fx, output);
  return o;
}

/* The timestamps of packets.csv, in order */
static GArray *
read_packet_times (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "packets.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "timestamp,src_ip,dst_ip,"));
  for (guint i = 1; lines[i] != NULL; i++)
    {
      gint64 ts;

      if (lines[i][0] == '\0')
        continue;
      ts = g_ascii_strtoll (lines[i], NULL, 10);
      g_array_append_val (out, ts);
    }
  return out;
}

static void
assert_times (const char *folder,
              ...)
{
  g_autoptr(GArray) got = read_packet_times (folder);
  g_autoptr(GString) want = g_string_new (NULL);
  g_autoptr(GString) have = g_string_new (NULL);
  va_list args;
  int d;

  va_start (args, folder);
  while ((d = va_arg (args, int)) >= 0)
    g_string_append_printf (want, "%d ", d);
  va_end (args);
  for (guint i = 0; i < got->len; i++)
    g_string_append_printf (have, "%d ", (int) (g_array_index (got, gint64, i) - BASE));
  g_assert_cmpstr (have->str, ==, want->str);
}

static void
check_folder (const char *folder)
{
  g_autoptr(GError) error = NULL;

  ta_folder_check (folder, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);
}

static JsonNode *
load_json (const char *folder,
           const char *file)
{
  g_autofree char *path = g_build_filename (folder, file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static const char *filter_csv =
  HEADER
  "1257254400000100,60,17,5,6,1,2,,,\n"
  "1257254400000200,60,17,5,6,3,4,,,\n"
  "1257254400000300,60,17,5,6,2.0,3.0,,,\n"
  "1257254400000400,60,17,5,6,4,1,,,\n"
  "1257254400000500,60,17,5,6,10.0.0.3,10.0.0.4,,,\n"
  "1257254400000600,60,17,5,6,5,6,,,\n";

static gboolean
run_filter (Fixture    *fx,
            const char *name,
            const char *ips,
            gint64      start,
            gint64      end)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autoptr(TaExtractOptions) o = options_for (fx, name, csv, NULL);
  g_autoptr(TaExtractJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (ips != NULL)
    o->filter_ips = g_strsplit (ips, ",", -1);
  if (start >= 0)
    {
      o->has_time_start = TRUE;
      o->time_start_us = BASE + start;
    }
  if (end >= 0)
    {
      o->has_time_end = TRUE;
      o->time_end_us = BASE + end;
    }
  job = ta_extract_job_new (o);
  ok = ta_job_run (TA_JOB (job), &error);
  g_assert_no_error (error);
  return ok;
}

static void
test_filter_ips (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *a = out_path (fx, "by-id");
  g_autofree char *b = out_path (fx, "by-dotted");
  g_autofree char *c = out_path (fx, "mixed");
  g_autofree char *d = out_path (fx, "none");
  g_autoptr(JsonNode) manifest = NULL;
  JsonObject *fa;
  JsonArray *ips;

  /* an id matches rows written with the id or with the address */
  g_assert_true (run_filter (fx, "by-id", "3", -1, -1));
  assert_times (a, 200, 300, 500, -1);
  g_assert_true (run_filter (fx, "by-dotted", "10.0.0.1", -1, -1));
  assert_times (b, 100, 400, -1);
  g_assert_true (run_filter (fx, "mixed", " 10.0.0.1 , 3", -1, -1));
  assert_times (c, 100, 200, 300, 400, 500, -1);
  check_folder (c);
  manifest = load_json (c, "manifest.json");
  fa = json_object_get_object_member (json_node_get_object (manifest), "filter_applied");
  ips = json_object_get_array_member (fa, "ips");
  g_assert_cmpuint (json_array_get_length (ips), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (ips, 0), ==, "10.0.0.1");
  g_assert_cmpstr (json_array_get_string_element (ips, 1), ==, "10.0.0.3");
  /* an address that never occurs keeps nothing: an error naming the
   * filter, and no folder that would open as an empty result */
  {
    g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
    g_autoptr(TaExtractOptions) o = options_for (fx, "none", csv, NULL);
    g_autoptr(TaExtractJob) job = NULL;
    g_autoptr(GError) error = NULL;

    o->filter_ips = g_strsplit ("192.0.2.1", ",", -1);
    job = ta_extract_job_new (o);
    g_assert_false (ta_job_run (TA_JOB (job), &error));
    g_assert_error (error, TA_ERROR, TA_ERROR_NO_MATCH);
    g_assert_nonnull (strstr (error->message, "the IP filter 6"));
    g_assert_false (g_file_test (d, G_FILE_TEST_EXISTS));
  }
}

static void
test_filter_bad_ip (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autoptr(TaExtractOptions) o = options_for (fx, "bad", csv, NULL);
  g_autoptr(TaExtractJob) job = NULL;
  g_autoptr(GError) error = NULL;

  o->filter_ips = g_strsplit ("10.0.0.1,host.example", ",", -1);
  job = ta_extract_job_new (o);
  g_assert_false (ta_job_run (TA_JOB (job), &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_assert_true (strstr (error->message, "host.example") != NULL);
  g_assert_cmpuint (count_entries_with_prefix (fx, "bad"), ==, 0);
}

static void
test_filter_time (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *a = out_path (fx, "t1");
  g_autofree char *b = out_path (fx, "t2");
  g_autofree char *c = out_path (fx, "t3");
  g_autofree char *d = out_path (fx, "t4");
  g_autoptr(JsonNode) manifest = NULL;
  JsonObject *fa;

  /* inclusive at both edges */
  g_assert_true (run_filter (fx, "t1", NULL, 200, 400));
  assert_times (a, 200, 300, 400, -1);
  g_assert_true (run_filter (fx, "t2", NULL, 201, 399));
  assert_times (b, 300, -1);
  g_assert_true (run_filter (fx, "t3", NULL, 500, -1));
  assert_times (c, 500, 600, -1);
  g_assert_true (run_filter (fx, "t4", "1,10.0.0.4", -1, 400));
  assert_times (d, 100, 200, 400, -1);
  check_folder (d);
  manifest = load_json (a, "manifest.json");
  fa = json_object_get_object_member (json_node_get_object (manifest), "filter_applied");
  g_assert_cmpint (json_object_get_int_member (fa, "time_start_us"), ==, BASE + 200);
  g_assert_cmpint (json_object_get_int_member (fa, "time_end_us"), ==, BASE + 400);
  g_assert_true (json_object_get_null_member (fa, "ips"));
}

static const char *flow_part1 =
  HEADER
  "1257254400000000,60,6,1234,80,1,2,2,100,0\n"
  "1257254400000100,60,6,80,1234,2,1,18,500,101\n";
static const char *flow_part2 =
  HEADER
  "1257254400000200,54,6,1234,80,10.0.0.1,10.0.0.2,16,101,501\n"
  "1257254400000300,54,6,1234,80,10.0.0.1,10.0.0.2,17,101,501\n"
  "1257254400000400,54,6,80,1234,10.0.0.2,10.0.0.1,17,501,102\n"
  "1257254400000500,54,6,1234,80,10.0.0.1,10.0.0.2,16,102,502\n";

static void
test_flows_across_files (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *f1 = write_file (fx, "part1.csv", flow_part1, -1);
  g_autofree char *f2 = write_file (fx, "part2.csv", flow_part2, -1);
  g_autofree char *missing = out_path (fx, "missing.csv");
  g_autofree char *out = out_path (fx, "out");
  g_autoptr(TaExtractOptions) o = options_for (fx, "out", f1, missing, f2, NULL);
  g_autoptr(TaExtractJob) job = ta_extract_job_new (o);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  const TaExtractCounts *counts;
  const TaReadStats *stats;
  JsonObject *flow;
  JsonArray *sources;
  gboolean warned = FALSE;

  g_assert_true (ta_job_run (TA_JOB (job), &error));
  g_assert_no_error (error);
  check_folder (out);

  counts = ta_extract_job_get_counts (job);
  stats = ta_extract_job_get_read_stats (job);
  g_assert_cmpuint (counts->files_read, ==, 2);
  g_assert_cmpuint (counts->files_skipped, ==, 1);
  g_assert_cmpuint (counts->rows_kept, ==, 6);
  g_assert_cmpuint (stats->rows, ==, 6);
  for (guint i = 0; i < stats->warnings->len; i++)
    if (strstr (g_ptr_array_index (stats->warnings, i), "missing.csv"))
      warned = TRUE;
  g_assert_true (warned);

  index = load_json (out, "flows/flows_index.json");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (index)), ==, 1);
  flow = json_array_get_object_element (json_node_get_array (index), 0);
  g_assert_cmpint (json_object_get_int_member (flow, "totalPackets"), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (flow, "state"), ==, "closed");
  g_assert_cmpstr (json_object_get_string_member (flow, "closeType"), ==, "graceful");
  g_assert_cmpstr (json_object_get_string_member (flow, "initiator"), ==, "10.0.0.1");
  g_assert_cmpuint (ta_extract_job_get_summary (job)->total_flows, ==, 1);

  manifest = load_json (out, "manifest.json");
  sources = json_object_get_array_member (json_node_get_object (manifest), "source_files");
  g_assert_cmpuint (json_array_get_length (sources), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (sources, 0), ==, f1);
  g_assert_cmpstr (json_array_get_string_element (sources, 1), ==, f2);
}

static void
test_no_input (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *m1 = out_path (fx, "nope1.csv");
  g_autofree char *m2 = out_path (fx, "nope2.csv");
  g_autoptr(TaExtractOptions) o = options_for (fx, "out", m1, m2, NULL);
  g_autoptr(TaExtractJob) job = ta_extract_job_new (o);
  g_autoptr(GError) error = NULL;

  g_assert_false (ta_job_run (TA_JOB (job), &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_NO_INPUT);
  g_assert_cmpuint (ta_extract_job_get_counts (job)->files_skipped, ==, 2);
  g_assert_cmpuint (count_entries_with_prefix (fx, "out"), ==, 0);
}

static void
test_existing_output (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autofree char *out = out_path (fx, "out");
  g_autofree char *keep = g_build_filename (out, "keep.txt", NULL);
  g_autofree char *manifest = g_build_filename (out, "manifest.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);

  /* an empty folder is fine */
  {
    g_autoptr(TaExtractOptions) o = options_for (fx, "out", csv, NULL);
    g_autoptr(TaExtractJob) job = ta_extract_job_new (o);

    g_assert_true (ta_job_run (TA_JOB (job), &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
  }

  /* a non-empty one is refused and left alone */
  g_assert_true (g_file_set_contents (keep, "mine", -1, NULL));
  {
    g_autoptr(TaExtractOptions) o = options_for (fx, "out", csv, NULL);
    g_autoptr(TaExtractJob) job = ta_extract_job_new (o);

    g_assert_false (ta_job_run (TA_JOB (job), &error));
    g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (count_entries_with_prefix (fx, "out"), ==, 1);
  }

  /* --force replaces it */
  {
    g_autoptr(TaExtractOptions) o = options_for (fx, "out", csv, NULL);
    g_autoptr(TaExtractJob) job = NULL;

    o->force = TRUE;
    job = ta_extract_job_new (o);
    g_assert_true (ta_job_run (TA_JOB (job), &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (keep, G_FILE_TEST_EXISTS));
    check_folder (out);
    g_assert_cmpuint (count_entries_with_prefix (fx, "out"), ==, 1);
  }
}

static GString *
generated_rows (guint n)
{
  GString *s = g_string_new (HEADER);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ",%u.0,6,%u,80,%u.0,%u.0,%u,%u,%u\n",
                            BASE + (gint64) i * 1000, 60 + i % 1000, 1024 + (i / 4) % 20000,
                            1 + (i / 4) % 5, 6, i % 4 == 0 ? 2 : 16, i * 7, i * 13);
  return s;
}

static void
cancel_on_progress (TaJob      *job,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  ta_job_cancel (job);
}

static void
test_cancel_leaves_nothing (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GString) rows = generated_rows (50000);
  g_autofree char *csv = write_file (fx, "big.csv", rows->str, rows->len);
  g_autoptr(TaExtractOptions) o = options_for (fx, "out", csv, NULL);
  g_autoptr(TaExtractJob) job = ta_extract_job_new (o);
  g_autoptr(GError) error = NULL;

  g_signal_connect (job, "notify::fraction", G_CALLBACK (cancel_on_progress), NULL);
  g_assert_false (ta_job_run (TA_JOB (job), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ta_extract_job_get_counts (job)->rows_kept, <, 50000);
  g_assert_cmpuint (count_entries_with_prefix (fx, "out"), ==, 0);
}

static void
test_cancel_while_rejecting (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GString) rows = generated_rows (200000);
  g_autofree char *csv = write_file (fx, "big.csv", rows->str, rows->len);
  g_autoptr(TaExtractOptions) o = options_for (fx, "out", csv, NULL);
  g_autoptr(TaExtractJob) job = NULL;
  g_autoptr(GError) error = NULL;

  /* nothing passes the filter, so no batch ever reaches the writer */
  o->filter_ips = g_strsplit ("192.0.2.1", ",", -1);
  job = ta_extract_job_new (o);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (cancel_on_progress), NULL);
  g_assert_false (ta_job_run (TA_JOB (job), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (ta_extract_job_get_read_stats (job)->rows, <=, 2 * 65536);
  g_assert_cmpuint (count_entries_with_prefix (fx, "out"), ==, 0);
}

static void
test_max_records (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GString) rows = generated_rows (6000);
  g_autofree char *csv = write_file (fx, "big.csv", rows->str, rows->len);
  g_autofree char *csv2 = write_file (fx, "part2.csv", flow_part2, -1);
  g_autofree char *out = out_path (fx, "out");
  g_autoptr(TaExtractOptions) o = options_for (fx, "out", csv, csv2, NULL);
  g_autoptr(TaExtractJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) times = NULL;

  o->max_records = 4001;
  job = ta_extract_job_new (o);
  g_assert_true (ta_job_run (TA_JOB (job), &error));
  g_assert_no_error (error);
  g_assert_true (ta_extract_job_get_counts (job)->max_reached);
  g_assert_cmpuint (ta_extract_job_get_counts (job)->rows_kept, ==, 4001);
  g_assert_cmpuint (ta_extract_job_get_summary (job)->total_packets, ==, 4001);
  times = read_packet_times (out);
  g_assert_cmpuint (times->len, ==, 4001);
  g_assert_cmpint (g_array_index (times, gint64, 4000), ==, BASE + 4000 * 1000);
  check_folder (out);
}

static void
test_damaged_gzip_kept (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autoptr(GString) rows = generated_rows (200000);
  g_autofree char *gz = out_path (fx, "whole.csv.gz");
  g_autofree char *contents = NULL;
  g_autofree char *cut = NULL;
  gsize len;
  gzFile f = gzopen (gz, "wb");
  g_autoptr(GError) error = NULL;
  g_autoptr(TaExtractOptions) o = NULL;
  g_autoptr(TaExtractJob) job = NULL;

  g_assert_cmpint (gzwrite (f, rows->str, rows->len), ==, (int) rows->len);
  gzclose (f);
  g_assert_true (g_file_get_contents (gz, &contents, &len, NULL));
  /* garbage in the middle of the deflate stream: the rows before it are
   * kept, as for a cut file, and the run counts it with a warning */
  memset (contents + len / 2, 0xff, 4096);
  cut = write_file (fx, "bad.csv.gz", contents, len);

  o = options_for (fx, "out", cut, NULL);
  job = ta_extract_job_new (o);
  g_assert_true (ta_job_run (TA_JOB (job), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_extract_job_get_read_stats (job)->truncated, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (ta_extract_job_get_read_stats (job)->warnings, 0),
                            "bad.csv.gz"));
  g_assert_cmpuint (ta_extract_job_get_counts (job)->rows_kept, >, 1000);
  g_assert_cmpuint (ta_extract_job_get_counts (job)->rows_kept, <, 200000);
}

/* A cut gzip stream is read up to the cut, as a cut capture is: the
 * folder holds the rows before it and the run counts the truncation */
static void
test_truncated_gzip_kept (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GString) rows = generated_rows (200000);
  g_autofree char *gz = out_path (fx, "whole.csv.gz");
  g_autofree char *contents = NULL;
  g_autofree char *cut = NULL;
  gsize len;
  gzFile f = gzopen (gz, "wb");
  g_autoptr(GError) error = NULL;
  g_autoptr(TaExtractOptions) o = NULL;
  g_autoptr(TaExtractJob) job = NULL;
  g_autofree char *out = out_path (fx, "out");

  g_assert_cmpint (gzwrite (f, rows->str, rows->len), ==, (int) rows->len);
  gzclose (f);
  g_assert_true (g_file_get_contents (gz, &contents, &len, NULL));
  cut = write_file (fx, "cut.csv.gz", contents, len * 2 / 3);
  o = options_for (fx, "out", cut, NULL);
  job = ta_extract_job_new (o);
  g_assert_true (ta_job_run (TA_JOB (job), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_extract_job_get_read_stats (job)->truncated, ==, 1);
  g_assert_cmpuint (ta_extract_job_get_counts (job)->rows_kept, >, 1000);
  g_assert_cmpuint (ta_extract_job_get_counts (job)->rows_kept, <, 200000);
  g_assert_true (ta_folder_check (out, TA_FOLDER_CHECK_DEFAULT, &error));
}

static void
test_unwritable_output (Fixture       *fx,
                        gconstpointer  data)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autofree char *blocker = write_file (fx, "afile", "x", -1);
  g_autoptr(TaExtractOptions) o = options_for (fx, "afile/out", csv, NULL);
  g_autoptr(TaExtractJob) job = ta_extract_job_new (o);
  g_autoptr(GError) error = NULL;

  g_assert_false (ta_job_run (TA_JOB (job), &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (strstr (error->message, "afile") != NULL);
  g_assert_true (g_file_test (blocker, G_FILE_TEST_IS_REGULAR));
}

/* ---- async ------------------------------------------------------------ */

typedef struct
{
  GThread      *main_thread;
  guint         calls;
  guint         wrong_thread;
  guint64       last_rows;
  gboolean      done;
  gboolean      ok;
  GError       *error;
} AsyncState;

static void
async_progress (TaJob      *job,
                GParamSpec *pspec,
                AsyncState *as)
{
  as->calls++;
  if (g_thread_self () != as->main_thread)
    as->wrong_thread++;
  g_assert_cmpfloat (ta_job_get_fraction (job), <=, 1.0);
  as->last_rows = ta_job_get_items_done (job);
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncState *as = user_data;

  g_assert_true (g_thread_self () == as->main_thread);
  as->ok = ta_job_run_finish (TA_JOB (source), result, &as->error);
  as->done = TRUE;
}

static void
compare_trees (const char *a,
               const char *b,
               guint      *n_files)
{
  GDir *dir = g_dir_open (a, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *pa = g_build_filename (a, name, NULL);
      g_autofree char *pb = g_build_filename (b, name, NULL);
      g_autofree char *ca = NULL;
      g_autofree char *cb = NULL;
      gsize la, lb;

      if (g_file_test (pa, G_FILE_TEST_IS_DIR))
        {
          compare_trees (pa, pb, n_files);
          continue;
        }
      g_assert_true (g_file_get_contents (pa, &ca, &la, NULL));
      g_assert_true (g_file_get_contents (pb, &cb, &lb, NULL));
      if (strcmp (name, "manifest.json") == 0)
        {
          /* only the creation time may differ */
          g_autoptr(GRegex) re = g_regex_new ("\"created\"\\s*:\\s*\"[^\"]*\"", 0, 0, NULL);
          g_autofree char *sa = g_regex_replace_literal (re, ca, -1, 0, "", 0, NULL);
          g_autofree char *sb = g_regex_replace_literal (re, cb, -1, 0, "", 0, NULL);

          g_assert_cmpstr (sa, ==, sb);
        }
      else
        g_assert_cmpmem (ca, la, cb, lb);
      (*n_files)++;
    }
  g_dir_close (dir);
}

static void
test_async_equals_sync (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GString) rows = generated_rows (5000);
  g_autofree char *csv = write_file (fx, "big.csv", rows->str, rows->len);
  g_autofree char *f1 = write_file (fx, "part1.csv", flow_part1, -1);
  g_autofree char *sync_out = out_path (fx, "sync");
  g_autofree char *async_out = out_path (fx, "async");
  g_autoptr(TaExtractOptions) o1 = options_for (fx, "sync", csv, f1, NULL);
  g_autoptr(TaExtractOptions) o2 = options_for (fx, "async", csv, f1, NULL);
  g_autoptr(TaExtractJob) job1 = NULL;
  g_autoptr(TaExtractJob) job2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  AsyncState as = { 0 };
  guint n_files = 0;

  o1->chunk_size = o2->chunk_size = 7;
  o1->filter_ips = g_strsplit ("1,10.0.0.2,6", ",", -1);
  o2->filter_ips = g_strsplit ("1,10.0.0.2,6", ",", -1);
  job1 = ta_extract_job_new (o1);
  g_assert_true (ta_job_run (TA_JOB (job1), &error));
  g_assert_no_error (error);

  /* run on a context of our own, as the GUI does on its main context */
  g_main_context_push_thread_default (ctx);
  as.main_thread = g_thread_self ();
  job2 = ta_extract_job_new (o2);
  g_signal_connect (job2, "notify::fraction", G_CALLBACK (async_progress), &as);
  ta_job_run_async (TA_JOB (job2), async_done, &as);
  while (!as.done)
    g_main_context_iteration (ctx, TRUE);
  /* deliver what is still queued */
  while (g_main_context_pending (ctx))
    g_main_context_iteration (ctx, FALSE);
  g_main_context_pop_thread_default (ctx);

  g_assert_no_error (as.error);
  g_assert_true (as.ok);
  g_assert_cmpuint (as.calls, >, 0);
  g_assert_cmpuint (as.wrong_thread, ==, 0);
  g_assert_cmpuint (as.last_rows, <=, 5002);

  check_folder (async_out);
  compare_trees (sync_out, async_out, &n_files);
  g_assert_cmpuint (n_files, >, 7);
  g_assert_cmpuint (ta_extract_job_get_summary (job1)->total_flows, ==,
                    ta_extract_job_get_summary (job2)->total_flows);
  g_assert_cmpuint (ta_extract_job_get_counts (job1)->rows_kept, ==,
                    ta_extract_job_get_counts (job2)->rows_kept);
}

/* ---- CLI -------------------------------------------------------------- */

/* `timearcs-cli extract ARGS…` */
static int
run_cli_full (const char  *const *args,
              char       **out,
              char       **err_out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) "extract");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return ta_test_run_cli ((const char * const *) argv->pdata, out, err_out);
}

static int
run_cli (const char  *const *args,
         char       **err_out)
{
  return run_cli_full (args, NULL, err_out);
}

/* `extract --force -o TARGET` on what must never be replaced: exit 3, the
 * target and the inputs untouched */
static void
expect_force_refused (Fixture    *fx,
                      const char *csv,
                      const char *target,
                      const char *needle)
{
  const char *args[] = { "--data", csv, "--ip-map", fx->ip_map, "--output-dir", target,
                         "--force", NULL };
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_get_contents (csv, &before, NULL, NULL));
  g_assert_cmpint (run_cli (args, &err), ==, 3);
  g_assert_nonnull (strstr (err, needle));
  g_assert_true (g_file_get_contents (csv, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_true (g_file_test (fx->ip_map, G_FILE_TEST_IS_REGULAR));
}

static void
test_cli_force_safety (Fixture       *fx,
                       gconstpointer  data)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autofree char *other = out_path (fx, "photos");
  g_autofree char *mine = g_build_filename (other, "holiday.jpg", NULL);
  g_autofree char *file = write_file (fx, "notes.txt", "my notes", -1);
  g_autofree char *link = out_path (fx, "link");
  g_autofree char *subset = out_path (fx, "subset");
  g_autofree char *manifest = g_build_filename (subset, "manifest.json", NULL);
  g_autofree char *stale = g_build_filename (subset, "stale.txt", NULL);
  g_autofree char *text = NULL;
  const char *args[] = { "--data", csv, "--ip-map", fx->ip_map, "--output-dir", subset, NULL, NULL };

  /* an unrelated folder */
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  ta_test_write_file (mine, "jpeg", -1);
  expect_force_refused (fx, csv, other, "not a TimeArcs subset folder");
  g_assert_true (g_file_test (mine, G_FILE_TEST_IS_REGULAR));
  /* a regular file */
  expect_force_refused (fx, csv, file, "not a folder");
  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "my notes");
  /* the folder that holds the input CSV and the IP map */
  expect_force_refused (fx, csv, fx->dir, "an input of this run");
  /* a symbolic link to a subset folder */
  g_assert_cmpint (run_cli (args, NULL), ==, 0);
  g_assert_cmpint (symlink (subset, link), ==, 0);
  expect_force_refused (fx, csv, link, "symbolic link");
  /* a subset folder: replaced with --force, refused without */
  ta_test_write_file (stale, "x", -1);
  g_assert_cmpint (run_cli (args, NULL), ==, 3);
  g_assert_true (g_file_test (stale, G_FILE_TEST_EXISTS));
  args[6] = "--force";
  g_assert_cmpint (run_cli (args, NULL), ==, 0);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  g_unlink (link);
}

/* The folder and its files follow the umask, as any tool's output */
static void
test_cli_modes (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autofree char *out = out_path (fx, "modes");
  g_autofree char *flows = g_build_filename (out, "flows", NULL);
  g_autofree char *manifest = g_build_filename (out, "manifest.json", NULL);
  g_autofree char *packets = g_build_filename (out, "packets.csv", NULL);
  const char *args[] = { "--data", csv, "--ip-map", fx->ip_map, "--output-dir", out, NULL };
  mode_t old = umask (022);
  GStatBuf st;

  g_assert_cmpint (run_cli (args, NULL), ==, 0);
  umask (old);
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0755);
  g_assert_cmpint (g_stat (flows, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0755);
  g_assert_cmpint (g_stat (manifest, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_cmpint (g_stat (packets, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
}

/* Filters that remove every packet: an error that says which filter did
 * it, exit status 6, and no folder that would open as an (empty) result */
static void
test_no_match (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *csv = write_file (fx, "filter.csv", filter_csv, -1);
  g_autofree char *out = out_path (fx, "none");
  const char *args[] = { "--data", csv, "--ip-map", fx->ip_map, "--output-dir", out,
                         "--filter-ips", "10.9.9.9", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, &err), ==, 6);
  g_assert_nonnull (strstr (err, "No packet matched"));
  g_assert_nonnull (strstr (err, "the IP filter 6"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries_with_prefix (fx, "none"), ==, 0);
}

static void
test_cli (Fixture       *fx,
          gconstpointer  data)
{
  g_autofree char *f1 = write_file (fx, "part1.csv", flow_part1, -1);
  g_autofree char *f2 = write_file (fx, "part2.csv", flow_part2, -1);
  g_autofree char *bad = write_file (fx, "bad.csv",
                                     HEADER "1257254400000000,60,6,1,2,1,2,2,0,0\n"
                                     "xyz,60,6,1,2,1,2,2,0,0\n"
                                     "1257254400000001,60,6,1,2,1\n", -1);
  g_autofree char *nomap = write_file (fx, "cols.csv", "timestamp,length\n1,2\n", -1);
  g_autofree char *missing = out_path (fx, "missing.csv");
  g_autofree char *out = out_path (fx, "out");
  g_autofree char *out2 = out_path (fx, "out2");
  g_autofree char *out3 = out_path (fx, "out3");
  g_autofree char *err = NULL;

  {
    const char *args[] = { "--data", f1, missing, f2, "--ip-map", fx->ip_map,
                           "--output-dir", out, "--filter-ips", "10.0.0.1", NULL };

    /* written, but an input was skipped: 5 */
    g_assert_cmpint (run_cli (args, &err), ==, 5);
    g_test_message ("%s", err);
    g_assert_true (strstr (err, "missing.csv") != NULL);
    g_assert_true (strstr (err, "Files: 2 read, 1 skipped") != NULL);
    g_assert_true (strstr (err, "Rows read: 6") != NULL);
    g_assert_true (strstr (err, "Rejected by the IP filter: 0") != NULL);
    g_assert_true (strstr (err, "Rows kept: 6") != NULL);
    g_assert_true (strstr (err, "closed/graceful") != NULL);
    g_assert_true (strstr (err, "Wall time:") != NULL);
    check_folder (out);
    g_clear_pointer (&err, g_free);
  }
  {
    /* exists */
    const char *args[] = { "--data", f1, "--output-dir", out, NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 3);
    g_clear_pointer (&err, g_free);
  }
  {
    /* repeated --data and --force, --quiet */
    const char *args[] = { "--data", f1, "--data", f2, "--ip-map", fx->ip_map,
                           "--output-dir", out, "--force", "--quiet", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 0);
    g_assert_cmpstr (err, ==, "");
    g_clear_pointer (&err, g_free);
  }
  {
    /* malformed rows are reported with FILE:LINE */
    const char *args[] = { "--data", bad, "--output-dir", out2, NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 0);
    g_assert_true (strstr (err, "Malformed rows: 2") != NULL);
    g_assert_true (strstr (err, "bad.csv:3:") != NULL);
    g_assert_true (strstr (err, "bad.csv:4:") != NULL);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--data", missing, "--output-dir", out3, NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 4);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--data", nomap, "--output-dir", out3, NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 1);
    g_assert_true (strstr (err, "src_ip") != NULL);
    g_assert_true (strstr (err, "cols.csv") != NULL);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--output-dir", out3, NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--data", f1, "--output-dir", out3, "--filter-time-start", "soon", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--data", f1, "--output-dir", out3, "--chunk-size", "0", NULL };

    g_assert_cmpint (run_cli (args, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "--help", NULL };
    g_autofree char *help = NULL;

    g_assert_cmpint (run_cli_full (args, &help, &err), ==, 0);
    g_assert_true (strstr (help, "Exit status") != NULL);
    g_assert_true (strstr (help, "130") != NULL);
    g_clear_pointer (&err, g_free);
  }
  g_assert_false (g_file_test (out3, G_FILE_TEST_EXISTS));
}

static void
test_cli_sigint (Fixture       *fx,
                 gconstpointer  data)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *fifo = out_path (fx, "pipe.csv");
  g_autofree char *out = out_path (fx, "out");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rows = generated_rows (2000);
  const char *argv[] = { cli, "extract", "--data", fifo, "--output-dir", out, "--quiet", NULL };
  GPid pid;
  int fd;
  int status;
  guint written = 0;
  gboolean signalled = FALSE;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  signal (SIGPIPE, SIG_IGN);
  fd = open (fifo, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);

  /* feed rows; once some are in, interrupt and keep feeding until the CLI
   * notices at its next check and goes away */
  for (;;)
    {
      const char *p = written == 0 ? rows->str : strchr (rows->str, '\n') + 1;
      gsize len = rows->len - (p - rows->str);
      gssize w = write (fd, p, len);

      if (w < 0)
        {
          g_assert_cmpint (errno, ==, EPIPE);
          break;
        }
      written++;
      if (written == 5 && !signalled)
        {
          g_usleep (100 * 1000);
          kill (pid, SIGINT);
          signalled = TRUE;
        }
      g_assert_cmpuint (written, <, 100000);
    }
  close (fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  g_assert_cmpuint (count_entries_with_prefix (fx, "out"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/core/extract/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("filter-ips", test_filter_ips);
  ADD ("filter-bad-ip", test_filter_bad_ip);
  ADD ("filter-time", test_filter_time);
  ADD ("flows-across-files", test_flows_across_files);
  ADD ("no-input", test_no_input);
  ADD ("existing-output", test_existing_output);
  ADD ("cancel-leaves-nothing", test_cancel_leaves_nothing);
  ADD ("cancel-while-rejecting", test_cancel_while_rejecting);
  ADD ("max-records", test_max_records);
  ADD ("damaged-gzip-kept", test_damaged_gzip_kept);
  ADD ("truncated-gzip-kept", test_truncated_gzip_kept);
  ADD ("unwritable-output", test_unwritable_output);
  ADD ("async-equals-sync", test_async_equals_sync);
#undef ADD
#define ADD(path, fn) g_test_add ("/cli/extract/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("basic", test_cli);
  ADD ("sigint", test_cli_sigint);
  ADD ("force-safety", test_cli_force_safety);
  ADD ("modes", test_cli_modes);
  ADD ("no-match", test_no_match);
#undef ADD

  return g_test_run ();
}
