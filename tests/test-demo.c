/* test-demo.c — the demo investigation and the packet generator: same seed,
 * same bytes; every scripted attack in the attack CSV under its label with
 * its packet count, explained by the ground truth; the capture reads back
 * as the CSV's packets; tshark counts what our reader and flow tracker count
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zlib.h>
#include <glib/gstdio.h>

#include "ta-addr-table.h"
#include "ta-attack-data.h"
#include "ta-data-files.h"
#include "ta-demo-job.h"
#include "ta-demo-write.h"
#include "ta-flow-tracker.h"
#include "ta-ip-map.h"
#include "ta-out-target.h"
#include "ta-packet-reader.h"
#include "ta-read-stats.h"
#include "ta-test-util.h"

#define DEMO_PACKETS "60000"
#define DEMO_SEED "7"

static char *
read_gz (const char *path)
{
  gzFile f = gzopen (path, "rb");
  GString *s = g_string_new (NULL);
  char buf[65536];
  int n;

  g_assert_nonnull (f);
  while ((n = gzread (f, buf, sizeof buf)) > 0)
    g_string_append_len (s, buf, n);
  g_assert_cmpint (n, ==, 0);
  gzclose (f);
  return g_string_free (s, FALSE);
}

static char *
make_demo (const char *tmp,
           const char *name,
           const char *seed)
{
  char *dir = g_build_filename (tmp, name, NULL);
  const char *args[] = { "demo", "--quiet", "--packets", DEMO_PACKETS, "--seed", seed, dir, NULL };

  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  return dir;
}

static TaDemoConfig
demo_config (guint64 seed)
{
  TaDemoConfig c = { seed, 60000, TA_DEMO_DEFAULT_START_US, 2 * G_GINT64_CONSTANT (3600000000), TRUE };

  return c;
}

/* Same seed: byte-identical files, gzip included; another seed differs */
static void
test_deterministic (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  g_autofree char *a = make_demo (tmp, "a", DEMO_SEED);
  g_autofree char *b = make_demo (tmp, "b", DEMO_SEED);
  g_autofree char *c = make_demo (tmp, "c", "8");
  static const char * const files[] = {
    "demo.pcapng.gz", "decoded_demo.csv.gz", "demo_ip_map.json", "ground_truth.csv",
    "event_type_mapping_demo.json", "attack_group_mapping_demo.json", "color_mapping.json",
    "attack_group_color_mapping.json", "demo_attacks.csv", "demo_grouped_attacks.csv", TA_DEMO_MARKER,
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *pa = g_build_filename (a, files[i], NULL);
      g_autofree char *pb = g_build_filename (b, files[i], NULL);
      g_autofree char *da = NULL, *db = NULL;
      gsize la, lb;

      g_assert_true (g_file_get_contents (pa, &da, &la, NULL));
      g_assert_true (g_file_get_contents (pb, &db, &lb, NULL));
      g_assert_cmpmem (da, la, db, lb);
    }
  {
    g_autofree char *pa = g_build_filename (a, "decoded_demo.csv.gz", NULL);
    g_autofree char *pc = g_build_filename (c, "decoded_demo.csv.gz", NULL);
    g_autofree char *da = read_gz (pa), *dc = read_gz (pc);

    g_assert_cmpstr (da, !=, dc);
  }
  ta_test_rm_rf (tmp);
}

/* Sums of demo_attacks.csv's count per attack code */
static GHashTable *
attack_counts (const char *path)
{
  GHashTable *counts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "timestamp,length,src_ip,dst_ip,protocol,attack,count");
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      gint code;
      guint64 *sum;

      g_assert_cmpuint (g_strv_length (f), ==, 7);
      code = atoi (f[5]);
      sum = g_hash_table_lookup (counts, GINT_TO_POINTER (code + 100));
      if (sum == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (counts, GINT_TO_POINTER (code + 100), sum);
        }
      *sum += g_ascii_strtoull (f[6], NULL, 10);
    }
  return counts;
}

static guint64
count_of (GHashTable *counts, gint code)
{
  guint64 *sum = g_hash_table_lookup (counts, GINT_TO_POINTER (code + 100));

  return sum ? *sum : 0;
}

/* Every attack is in the attack CSV under its own code with exactly the
 * packets the generator made for it: the ground truth (written from what
 * was sent) explains them all and labels no normal packet */
static void
test_attacks_explained (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  g_autofree char *dir = make_demo (tmp, "d", DEMO_SEED);
  g_autofree char *attacks = g_build_filename (dir, "demo_attacks.csv", NULL);
  g_autofree char *mapping = g_build_filename (dir, "event_type_mapping_demo.json", NULL);
  g_autofree char *gt = g_build_filename (dir, "ground_truth.csv", NULL);
  g_autoptr(GHashTable) counts = attack_counts (attacks);
  TaDemoConfig config = demo_config (7);
  g_autoptr(TaOut) out = NULL;
  g_autofree char *sink = g_build_filename (tmp, "sink.csv", NULL);
  g_autofree char *gt_text = NULL;
  TaDemoTally tally;
  guint64 total = 0;

  ta_demo_tally_init (&tally);
  out = ta_out_open (sink, TA_OUT_NONE, 0, NULL);
  g_assert_true (ta_demo_write_stream (&config, TA_DEMO_FORMAT_CSV, out, &tally, NULL, NULL, NULL, NULL, NULL, NULL));
  g_assert_true (g_file_get_contents (gt, &gt_text, NULL, NULL));
  for (guint i = 0; i < TA_DEMO_N_ATTACKS; i++)
    {
      g_autofree char *label = g_strdup_printf ("\"%s\": %u", ta_demo_attack_label (i), i);
      g_autofree char *mtext = NULL;

      g_assert_true (g_file_get_contents (mapping, &mtext, NULL, NULL));
      g_assert_nonnull (strstr (mtext, label));
      g_assert_nonnull (strstr (gt_text, ta_demo_attack_label (i)));
      g_assert_cmpuint (tally.packets[i], >, 0);
      g_assert_cmpuint (count_of (counts, (gint) i), ==, tally.packets[i]);
      total += tally.packets[i];
    }
  g_assert_cmpuint (count_of (counts, -1), ==, tally.normal);
  g_assert_cmpuint (total + tally.normal, ==, 60000);
  ta_demo_tally_clear (&tally);
  ta_test_rm_rf (tmp);
}

/* The capture, read by the capture reader, is the CSV's packets: its
 * import is the CSV byte for byte */
static void
test_capture_is_csv (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  g_autofree char *dir = make_demo (tmp, "d", DEMO_SEED);
  g_autofree char *cap = g_build_filename (dir, "demo.pcapng.gz", NULL);
  g_autofree char *csv = g_build_filename (dir, "decoded_demo.csv.gz", NULL);
  g_autofree char *map = g_build_filename (dir, "demo_ip_map.json", NULL);
  g_autofree char *map2 = g_build_filename (tmp, "map.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "imported.csv", NULL);
  g_autofree char *map_text = NULL, *a = NULL, *b = NULL;
  const char *args[] = { "import", "--quiet", cap, "--out", out, "--ip-map", map2, NULL };

  g_assert_true (g_file_get_contents (map, &map_text, NULL, NULL));
  ta_test_write_file (map2, map_text, strlen (map_text));
  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  a = read_gz (csv);
  g_assert_true (g_file_get_contents (out, &b, NULL, NULL));
  g_assert_cmpstr (a, ==, b);
  ta_test_rm_rf (tmp);
}

static void
count_flow (const TaFlow *flow, gpointer user_data)
{
  (*(guint64 *) user_data)++;
}

/* tshark reads as many packets, TCP packets and TCP streams as our
 * capture reader and flow tracker */
static void
test_tshark_agrees (void)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *tmp = NULL, *dir = NULL, *cap = NULL, *out = NULL, *err = NULL;
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaFlowTracker) tracker = NULL;
  g_autoptr(GHashTable) streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TaReadStats stats;
  TaReaderConfig rc = { 0, };
  TaPacketReader *reader;
  TaPacket p;
  guint64 ours = 0, ours_tcp = 0, flows = 0, theirs = 0, theirs_tcp = 0;
  g_auto(GStrv) lines = NULL;
  int status;

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed (.ci/deps.sh installs it)");
      return;
    }
  tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  dir = make_demo (tmp, "d", DEMO_SEED);
  cap = g_build_filename (dir, "demo.pcapng.gz", NULL);
  {
    const char *argv[] = { tshark, "-n", "-r", cap, "-T", "fields", "-e", "tcp.stream", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 &out, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && (lines[i][0] != '\0' || lines[i + 1] != NULL); i++)
    {
      theirs++;
      if (lines[i][0] != '\0')
        {
          theirs_tcp++;
          g_hash_table_add (streams, g_strdup (lines[i]));
        }
    }
  ta_read_stats_init (&stats);
  rc.addrs = addrs;
  rc.stats = &stats;
  tracker = ta_flow_tracker_new (addrs, 0, count_flow, &flows);
  reader = ta_packet_reader_open (cap, &rc, NULL);
  g_assert_nonnull (reader);
  while (ta_packet_reader_next (reader, &p, NULL))
    {
      ours++;
      ours_tcp += p.proto == 6;
      ta_flow_tracker_add (tracker, &p);
    }
  ta_flow_tracker_finish (tracker);
  ta_packet_reader_free (reader);
  ta_read_stats_clear (&stats);
  g_test_message ("tshark: %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " TCP, %u streams; "
                  "ours: %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT " flows",
                  theirs, theirs_tcp, g_hash_table_size (streams), ours, ours_tcp, flows);
  g_assert_cmpuint (theirs, ==, 60000);
  g_assert_cmpuint (ours, ==, theirs);
  g_assert_cmpuint (ours_tcp, ==, theirs_tcp);
  g_assert_cmpuint (flows, ==, g_hash_table_size (streams));
  ta_test_rm_rf (tmp);
}

/* A demo folder is replaced only with --force, and nothing else is */
static void
test_force (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  g_autofree char *dir = make_demo (tmp, "d", DEMO_SEED);
  g_autofree char *other = g_build_filename (tmp, "other", NULL);
  g_autofree char *keep = g_build_filename (other, "keep.txt", NULL);
  const char *again[] = { "demo", "--quiet", "--packets", "2000", dir, NULL };
  const char *forced[] = { "demo", "--quiet", "--force", "--packets", "2000", dir, NULL };
  const char *onto[] = { "demo", "--quiet", "--force", "--packets", "2000", other, NULL };
  g_autofree char *marker = g_build_filename (dir, TA_DEMO_MARKER, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (ta_test_run_cli (again, NULL, NULL), ==, 3);
  g_assert_cmpint (ta_test_run_cli (forced, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (marker, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"packets\": 2000"));
  g_mkdir (other, 0755);
  ta_test_write_file (keep, "mine", 4);
  g_assert_cmpint (ta_test_run_cli (onto, NULL, NULL), ==, 3);
  g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
  ta_test_rm_rf (tmp);
}

static void
cancel_on_progress (TaJob *job, GParamSpec *pspec, gpointer data)
{
  if (ta_job_get_items_done (job) > 0)
    ta_job_cancel (job);
}

/* Cancelled while both writers run: the job ends (no writer waits for the
 * other), as cancelled, and leaves nothing: no folder, no hidden sibling */
static void
test_cancel (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  g_autofree char *dir = g_build_filename (tmp, "d", NULL);
  TaDemoOptions o = { dir, 7, 400000, 0, 0, FALSE };
  g_autoptr(TaDemoJob) job = ta_demo_job_new (&o);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;

  g_signal_connect (job, "notify::items-done", G_CALLBACK (cancel_on_progress), NULL);
  g_assert_false (ta_job_run (TA_JOB (job), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ta_job_get_state (TA_JOB (job)), ==, TA_JOB_STATE_CANCELLED);
  d = g_dir_open (tmp, 0, NULL);
  g_assert_nonnull (d);
  g_assert_null (g_dir_read_name (d));
  g_assert_null (ta_demo_job_get_result (job));
  ta_test_rm_rf (tmp);
}

/* The view and the sidebar find everything by the names: the attack
 * file's companions next to it, its packets in the demo folder */
static void
test_files_found (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  g_autofree char *dir = make_demo (tmp, "d", DEMO_SEED);
  g_autofree char *attacks = g_build_filename (dir, "demo_attacks.csv", NULL);
  g_autofree char *ip_map = ta_attack_find_ip_map (attacks);
  g_autofree char *events = ta_attack_find_event_mapping (attacks);
  g_autofree char *groups = ta_attack_find_group_mapping (attacks);
  g_autofree char *gt = ta_attack_find_ground_truth (attacks);
  g_autofree char *colors = ta_attack_find_colors (attacks, FALSE);
  g_autofree char *gcolors = ta_attack_find_colors (attacks, TRUE);
  g_autofree char *grouped = ta_attack_find_grouped_sibling (attacks);
  const char *paths[] = { dir, NULL };
  const char *attack_files[] = { attacks, NULL };
  g_auto(GStrv) files = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_suffix (ip_map, "/demo_ip_map.json"));
  g_assert_true (g_str_has_suffix (events, "/event_type_mapping_demo.json"));
  g_assert_true (g_str_has_suffix (groups, "/attack_group_mapping_demo.json"));
  g_assert_true (g_str_has_suffix (gt, "/ground_truth.csv"));
  g_assert_true (g_str_has_suffix (colors, "/color_mapping.json"));
  g_assert_true (g_str_has_suffix (gcolors, "/attack_group_color_mapping.json"));
  g_assert_true (g_str_has_suffix (grouped, "/demo_grouped_attacks.csv"));
  files = ta_command_resolve_data_files (paths, attack_files, FALSE, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_true (g_str_has_suffix (files[0], "/decoded_demo.csv.gz"));
  ta_test_rm_rf (tmp);
}

/* generate: exactly N packets, in every format; the pcap reads back */
static void
test_generate (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-demo-XXXXXX");
  static const char * const names[] = { "g.csv", "g.csv.gz", "g.pcap", "g.pcapng.gz" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tmp, names[i], NULL);
      g_autofree char *map = g_build_filename (tmp, "m.json", NULL);
      const char *args[] = { "generate", "--packets", "5000", "--seed", "3", "--out", path,
                             "--ip-map", map, "--force", NULL };
      g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
      g_autoptr(TaIpMap) ip_map = NULL;
      TaReadStats stats;
      TaReaderConfig rc = { 0, };
      TaPacketReader *reader;
      TaPacket p;
      guint64 n = 0;

      g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
      ip_map = ta_ip_map_load (map, NULL);
      g_assert_nonnull (ip_map);
      ta_read_stats_init (&stats);
      rc.addrs = addrs;
      rc.stats = &stats;
      rc.ip_map = ip_map;
      reader = ta_packet_reader_open (path, &rc, NULL);
      g_assert_nonnull (reader);
      while (ta_packet_reader_next (reader, &p, NULL))
        n++;
      g_assert_cmpuint (n, ==, 5000);
      g_assert_cmpuint (stats.malformed, ==, 0);
      ta_packet_reader_free (reader);
      ta_read_stats_clear (&stats);
    }
  ta_test_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/demo/deterministic", test_deterministic);
  g_test_add_func ("/cli/demo/attacks-explained", test_attacks_explained);
  g_test_add_func ("/cli/demo/capture-is-csv", test_capture_is_csv);
  g_test_add_func ("/cli/demo/tshark-agrees", test_tshark_agrees);
  g_test_add_func ("/cli/demo/force", test_force);
  g_test_add_func ("/cli/demo/files-found", test_files_found);
  g_test_add_func ("/core/demo/cancel", test_cancel);
  g_test_add_func ("/cli/generate/formats", test_generate);
  return g_test_run ();
}
