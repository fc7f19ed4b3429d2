/* test-subset-folder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ta-error.h"
#include "ta-flow-views.h"
#include "ta-folder-load-job.h"
#include "ta-subset-folder.h"
#include "ta-test-util.h"

/* A case on the original tool's subset folder, which is reference data
 * ($TA_SHARED_DATA): it runs with the folder's path, or is skipped */
typedef struct
{
  const char *name;
  void      (*run) (const char *path);
} OriginalCase;

static void
with_original (gconstpointer data)
{
  const OriginalCase *c = data;
  g_autofree char *path = ta_test_shared_path_or_skip ("original-folder", "folder", NULL);

  if (path == NULL)
    return;
  c->run (path);
}

static TaSubsetFolder *
load_path (const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return ta_subset_folder_load (file, NULL, NULL, NULL, error);
}

static void
check_original_counts (TaSubsetFolder *folder)
{
  const TaManifest *m = ta_subset_folder_get_manifest (folder);
  const TaPacketColumns *p = ta_subset_folder_get_packets (folder);
  const TaFlowInfo *flows;
  g_autoptr(GHashTable) chunks = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_flows, n_ips, n_tcp = 0, n_flags;
  const guint64 *flag_counts;
  guint64 flag_sum = 0;
  const TaIpStats *ips;

  g_assert_cmpstr (m->version, ==, "2.0");
  g_assert_cmpuint (m->total_packets, ==, 4000);
  g_assert_cmpuint (m->tcp_packets, ==, 3779);
  g_assert_cmpuint (m->unique_ips, ==, 33);
  g_assert_cmpuint (m->total_flows, ==, 100);
  g_assert_cmpuint (m->total_chunks, ==, 2);
  g_assert_cmpstr (m->source_files[0], ==, "in.csv");

  g_assert_cmpuint (p->n, ==, 4000);
  for (guint i = 0; i < p->n; i++)
    {
      n_tcp += p->proto[i] == 6;
      if (i > 0)
        g_assert_cmpint (p->ts[i], >=, p->ts[i - 1]);
    }
  g_assert_cmpuint (n_tcp, ==, 3779);
  g_assert_cmpint (p->ts[0], ==, m->time_start);
  g_assert_cmpint (p->ts[p->n - 1], ==, m->time_end);
  g_assert_cmpuint (ta_subset_folder_get_n_addrs (folder), ==, 33);

  flows = ta_subset_folder_get_flows (folder, &n_flows);
  g_assert_cmpuint (n_flows, ==, 100);
  for (guint i = 0; i < n_flows; i++)
    g_hash_table_add (chunks, (gpointer) flows[i].chunk_file);
  g_assert_cmpuint (g_hash_table_size (chunks), ==, 2);

  /* flow_000001 was seen without its SYN: null ends, key still parsed */
  g_assert_cmpstr (flows[0].id, ==, "flow_000001");
  g_assert_cmpuint (flows[0].initiator, ==, TA_NO_ADDR);
  g_assert_cmpint (flows[0].initiator_port, ==, -1);
  g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, flows[0].a), ==, "172.28.157.144");
  g_assert_cmpuint (flows[0].a_port, ==, 5222);
  g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, flows[0].b), ==, "39.129.177.155");
  g_assert_cmpstr (flows[0].state, ==, "closed");
  g_assert_cmpstr (flows[0].close_type, ==, "graceful");
  g_assert_null (flows[0].invalid_reason);
  g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, flows[1].initiator), ==, "56.147.66.190");
  g_assert_cmpint (flows[1].initiator_port, ==, 59821);
  g_assert_cmpuint (flows[1].total_packets, ==, 11);

  ips = ta_subset_folder_get_ip_stats (folder, &n_ips);
  /* the original counted TCP packets only in ip_stats.json (FORMATS.md §8) */
  g_assert_cmpuint (n_ips, ==, 27);
  g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, ips[0].addr), ==, "39.129.177.155");
  g_assert_cmpuint (ips[0].sent_packets, ==, 30);
  g_assert_cmpuint (ips[0].recv_bytes, ==, 47694);

  ta_subset_folder_get_flag_stats (folder, &flag_counts, &n_flags);
  g_assert_cmpuint (n_flags, ==, 9);
  for (guint i = 0; i < n_flags; i++)
    flag_sum += flag_counts[i];
  g_assert_cmpuint (flag_sum, ==, 3779);
}

static void
test_original (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (path, &error);
  const char * const *warnings;
  guint n_bins;
  const TaTimeBin *bins;

  g_assert_no_error (error);
  g_assert_nonnull (folder);
  check_original_counts (folder);

  bins = ta_subset_folder_get_bins (folder, &n_bins);
  g_assert_cmpuint (n_bins, ==, 100);
  g_assert_cmpint (bins[0].start, ==, 1257254400375333);
  g_assert_cmpuint (bins[1].count, ==, 364);

  warnings = ta_subset_folder_get_warnings (folder);
  g_assert_nonnull (warnings);
  g_assert_null (warnings[0]);
  g_assert_cmpuint (ta_subset_folder_get_memory_size (folder) / 4000, <=, 100);
}

static void
test_flow_detail (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (path, &error);
  const TaFlowInfo *flows;
  guint n_flows, n_invalid = 0;

  g_assert_no_error (error);
  flows = ta_subset_folder_get_flows (folder, &n_flows);
  g_assert_cmpuint (ta_subset_folder_get_n_cached_chunks (folder), ==, 0);

  {
    g_autoptr(TaFlowDetail) d = ta_subset_folder_get_flow_detail (folder, 1, NULL, &error);
    guint per_phase[TA_N_FLOW_PHASES] = { 0 };

    g_assert_no_error (error);
    g_assert_cmpstr (d->info.id, ==, "flow_000002");
    g_assert_cmpuint (d->n_packets, ==, 11);
    for (guint i = 0; i < d->n_packets; i++)
      per_phase[d->packets[i].phase]++;
    g_assert_cmpuint (per_phase[TA_FLOW_PHASE_ESTABLISHMENT], ==, 3);
    g_assert_cmpuint (per_phase[TA_FLOW_PHASE_DATA], ==, 6);
    g_assert_cmpuint (per_phase[TA_FLOW_PHASE_CLOSING], ==, 2);
    g_assert_cmpstr (d->packets[0].phase_step, ==, "syn");
    g_assert_cmpuint (d->packets[0].flags, ==, 2);
    g_assert_cmpuint (d->packets[1].fclass, ==, TA_FLAG_CLASS_SYN_ACK);
    g_assert_true (d->has_expected);
  }
  g_assert_cmpuint (ta_subset_folder_get_n_cached_chunks (folder), ==, 1);

  /* every flow of both chunks; the original leaves the packet that made a
   * flow invalid out of its list, we merge it back from invalidPacket */
  for (guint i = 0; i < n_flows; i++)
    {
      g_autoptr(TaFlowDetail) d = ta_subset_folder_get_flow_detail (folder, i, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (d->info.id, ==, flows[i].id);
      g_assert_cmpuint (d->n_packets, >=, 1);
      if (flows[i].invalid_reason != NULL)
        n_invalid++;
      for (guint k = 1; k < d->n_packets; k++)
        g_assert_cmpint (d->packets[k].ts, >=, d->packets[k - 1].ts);
    }
  g_assert_cmpuint (n_invalid, ==, 9);
  g_assert_cmpuint (ta_subset_folder_get_n_cached_chunks (folder), ==, 2);
}

static gpointer
detail_worker (gpointer data)
{
  TaSubsetFolder *folder = data;
  const TaFlowInfo *flows;
  guint n_flows;

  flows = ta_subset_folder_get_flows (folder, &n_flows);
  for (guint round = 0; round < 3; round++)
    for (guint k = 0; k < n_flows; k++)
      {
        guint i = (k * 37 + round * 11) % n_flows;
        g_autoptr(GError) error = NULL;
        g_autoptr(TaFlowDetail) d = ta_subset_folder_get_flow_detail (folder, i, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (d->info.id, ==, flows[i].id);
        g_assert_nonnull (ta_subset_folder_get_addr_name (folder, d->packets[0].src));
      }
  return NULL;
}

/* chunks read from several threads at once: cache and lock hold */
static void
test_detail_threads (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (path, &error);
  GThread *threads[4];

  g_assert_no_error (error);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("detail", detail_worker, folder);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
  g_assert_cmpuint (ta_subset_folder_get_n_cached_chunks (folder), ==, 2);
}

static void
test_find_flow (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (path, &error);
  const TaPacketColumns *p = ta_subset_folder_get_packets (folder);
  const TaFlowInfo *flows;
  guint n_flows, found = 0;

  g_assert_no_error (error);
  flows = ta_subset_folder_get_flows (folder, &n_flows);
  for (guint i = 0; i < p->n; i++)
    {
      gint f = ta_subset_folder_find_flow_for_packet (folder, i);

      if (p->proto[i] != 6)
        {
          g_assert_cmpint (f, ==, -1);
          continue;
        }
      if (f < 0)
        continue;
      found++;
      g_assert_true ((p->src[i] == flows[f].a && p->sport[i] == flows[f].a_port)
                     || (p->src[i] == flows[f].b && p->sport[i] == flows[f].b_port));
      g_assert_cmpint (p->ts[i], >=, flows[f].start);
      g_assert_cmpint (p->ts[i], <=, flows[f].end);
    }
  /* TCP packets of connections still open when the original stopped are
   * in no flow; most are */
  g_assert_cmpuint (found, >, 3000);
}

static void
progress_cb (TaJob      *job,
             GParamSpec *pspec,
             double     *last)
{
  double fraction = ta_job_get_fraction (job);

  g_assert_true (fraction >= *last - 1e-9);
  g_assert_true (fraction >= 0 && fraction <= 1);
  *last = fraction;
}

typedef struct
{
  GMainLoop      *loop;
  TaSubsetFolder *folder;
  GError         *error;
} AsyncResult;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  AsyncResult *r = data;

  if (ta_job_run_finish (TA_JOB (source), result, &r->error))
    r->folder = ta_subset_folder_ref (ta_folder_load_job_get_folder (TA_FOLDER_LOAD_JOB (source)));
  g_main_loop_quit (r->loop);
}

static void
test_async (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(TaFolderLoadJob) job = ta_folder_load_job_new (file);
  g_autoptr(TaFolderLoadJob) cancelled = ta_folder_load_job_new (file);
  AsyncResult r = { loop, NULL, NULL };
  double last = 0;

  g_signal_connect (job, "notify::fraction", G_CALLBACK (progress_cb), &last);
  ta_job_run_async (TA_JOB (job), loaded_cb, &r);
  g_main_loop_run (loop);
  g_assert_no_error (r.error);
  check_original_counts (r.folder);
  /* let the last progress idle run */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpfloat (last, ==, 1.0);
  g_clear_pointer (&r.folder, ta_subset_folder_unref);

  ta_job_cancel (TA_JOB (cancelled));
  ta_job_run_async (TA_JOB (cancelled), loaded_cb, &r);
  g_main_loop_run (loop);
  g_assert_null (r.folder);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

/* ---- our own output ---- */

static void
test_own_output (void)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *input = ta_test_shared_path_or_skip ("original-folder", "input.csv", NULL);
  g_autofree char *map = ta_test_shared_path_or_skip ("original-folder", "input_ip_map.json", NULL);
  g_autofree char *tmp = NULL, *out = NULL;
  g_autofree char *err_text = NULL, *cmd = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = NULL;
  int status = 0;
  guint n_flows;

  if (input == NULL || map == NULL)
    return;
  g_assert_nonnull (cli);  /* tests/meson.build sets TA_CLI */
  tmp = ta_test_make_tmp_dir ("ta-subset-XXXXXX");
  out = g_build_filename (tmp, "out", NULL);
  {
    const char *argv[] = { cli, "extract", "--data", input, "--ip-map", map,
                           "--output-dir", out, "--chunk-size", "50", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, &err_text, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("timearcs-cli extract failed: %s", err_text);

  folder = load_path (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_subset_folder_get_packets (folder)->n, ==, 4000);
  g_assert_cmpuint (ta_subset_folder_get_manifest (folder)->tcp_packets, ==, 3779);
  g_assert_cmpuint (ta_subset_folder_get_n_addrs (folder), ==, 33);
  ta_subset_folder_get_flows (folder, &n_flows);
  g_assert_cmpuint (n_flows, >=, 100);
  for (guint i = 0; i < n_flows; i++)
    {
      g_autoptr(TaFlowDetail) d = ta_subset_folder_get_flow_detail (folder, i, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (d);
    }
  cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  (void) !system (cmd);
}

/* ---- malformed folders ---- */

typedef struct
{
  char *dir;
} Scratch;

static void
write_file (const char *dir,
            const char *rel,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  ta_test_write_file (path, contents, -1);
}

static const char *good_manifest =
  "{\"version\":\"2.0\",\"format\":\"chunked\",\"source_files\":[\"a.csv\"],"
  "\"total_packets\":3,\"tcp_packets\":3,\"unique_ips\":2,\"total_flows\":1,"
  "\"flows_per_chunk\":200,\"total_chunks\":1,"
  "\"time_range\":{\"start\":1000,\"end\":3000,\"duration\":2000}}";
static const char *good_packets =
  "timestamp,src_ip,dst_ip,src_port,dst_port,flags,flag_type,seq_num,ack_num,length,protocol\n"
  "1000,10.0.0.1,10.0.0.2,1234,80,2,SYN,100,0,60,6\n"
  "2000,10.0.0.2,10.0.0.1,80,1234,18,SYN+ACK,500,101,60,6\n"
  "3000,10.0.0.1,10.0.0.2,1234,80,16,ACK,101,501,52.0,6\n";
static const char *good_index =
  "[{\"id\":\"flow_000001\",\"key\":\"10.0.0.1:1234-10.0.0.2:80\",\"initiator\":\"10.0.0.1\","
  "\"responder\":\"10.0.0.2\",\"initiatorPort\":1234,\"responderPort\":80,\"state\":\"established\","
  "\"closeType\":null,\"startTime\":1000,\"endTime\":3000,\"totalPackets\":3,\"totalBytes\":172,"
  "\"establishmentComplete\":true,\"dataTransferStarted\":false,\"closingStarted\":false,"
  "\"invalidReason\":null,\"ongoing\":false,\"chunk_file\":\"chunk_00000.json\",\"chunk_index\":0}]";
static const char *good_chunk =
  "[{\"id\":\"flow_000001\",\"packets\":[{\"timestamp\":1000,\"src_ip\":\"10.0.0.1\","
  "\"dst_ip\":\"10.0.0.2\",\"src_port\":1234,\"dst_port\":80,\"flags\":2,\"seq_num\":100,"
  "\"ack_num\":0,\"length\":60,\"protocol\":6},{\"timestamp\":2000,\"src_ip\":\"10.0.0.2\","
  "\"dst_ip\":\"10.0.0.1\",\"src_port\":80,\"dst_port\":1234,\"flags\":18,\"seq_num\":500,"
  "\"ack_num\":101,\"length\":60,\"protocol\":6},{\"timestamp\":3000,\"src_ip\":\"10.0.0.1\","
  "\"dst_ip\":\"10.0.0.2\",\"src_port\":1234,\"dst_port\":80,\"flags\":16,\"seq_num\":101,"
  "\"ack_num\":501,\"length\":52,\"protocol\":6}],\"phases\":{\"establishment\":[],"
  "\"dataTransfer\":[],\"closing\":[]}}]";

static char *
make_folder (const char *manifest,
             const char *packets,
             const char *index,
             const char *chunk)
{
  char *dir = ta_test_make_tmp_dir ("ta-bad-XXXXXX");

  if (manifest)
    write_file (dir, "manifest.json", manifest);
  if (packets)
    write_file (dir, "packets.csv", packets);
  if (index)
    write_file (dir, "flows/flows_index.json", index);
  if (chunk)
    write_file (dir, "flows/chunk_00000.json", chunk);
  return dir;
}

static void
remove_folder (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  (void) !system (cmd);
}

/* Loads a folder that must fail; the message must contain @needle */
static void
expect_error (const char *manifest,
              const char *packets,
              const char *index,
              const char *needle,
              const char *needle2)
{
  g_autofree char *dir = make_folder (manifest, packets, index, good_chunk);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (dir, &error);

  g_assert_null (folder);
  g_assert_nonnull (error);
  if (g_test_verbose ())
    g_printerr ("%s\n", error->message);
  g_assert_nonnull (strstr (error->message, needle));
  if (needle2)
    g_assert_nonnull (strstr (error->message, needle2));
  remove_folder (dir);
}

static char *
manifest_with (const char *from,
               const char *to)
{
  g_autoptr(GString) s = g_string_new (good_manifest);

  g_assert_nonnull (strstr (s->str, from));
  g_string_replace (s, from, to, 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_good_minimal (void)
{
  g_autofree char *dir = make_folder (good_manifest, good_packets, good_index, good_chunk);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (dir, &error);
  g_autoptr(TaFlowDetail) d = NULL;
  const char * const *warnings;
  const TaIpStats *ips;
  guint n_ips;

  g_assert_no_error (error);
  g_assert_cmpuint (ta_subset_folder_get_packets (folder)->n, ==, 3);
  g_assert_cmpuint (ta_subset_folder_get_packets (folder)->length[2], ==, 52);
  /* the optional files are missing: warnings, recomputed statistics */
  warnings = ta_subset_folder_get_warnings (folder);
  g_assert_nonnull (warnings[0]);
  ips = ta_subset_folder_get_ip_stats (folder, &n_ips);
  g_assert_cmpuint (n_ips, ==, 2);
  g_assert_cmpuint (ips[0].sent_packets + ips[1].sent_packets, ==, 3);
  d = ta_subset_folder_get_flow_detail (folder, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_packets, ==, 3);
  remove_folder (dir);
}

static void
test_missing_files (void)
{
  expect_error (NULL, good_packets, good_index, "manifest.json", NULL);
  expect_error (good_manifest, NULL, good_index, "packets.csv", NULL);
  expect_error (good_manifest, good_packets, NULL, "flows_index.json", NULL);

  {
    g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/ta-folder");
    g_autoptr(GError) error = NULL;
    g_autoptr(TaSubsetFolder) folder = ta_subset_folder_load (file, NULL, NULL, NULL, &error);

    g_assert_null (folder);
    g_assert_error (error, TA_ERROR, TA_ERROR_IO);
  }
}

static void
test_bad_json (void)
{
  g_autofree char *m1 = manifest_with ("\"total_flows\":1,", "\"total_flows\":1,,");

  expect_error ("{\"version\": \"2.0\", ", good_packets, good_index, "manifest.json", "JSON");
  expect_error ("[1,2,3]", good_packets, good_index, "manifest.json", "object");
  expect_error (m1, good_packets, good_index, "manifest.json", NULL);
  expect_error (good_manifest, good_packets, "[{\"id\":", "flows_index.json", "JSON");
  expect_error (good_manifest, good_packets, "{}", "flows_index.json", "array");
  expect_error ("", good_packets, good_index, "manifest.json", NULL);
}

static void
test_wrong_types (void)
{
  g_autofree char *m1 = manifest_with ("\"total_packets\":3", "\"total_packets\":\"3\"");
  g_autofree char *m2 = manifest_with ("\"version\":\"2.0\"", "\"version\":2");
  g_autofree char *m3 = manifest_with ("\"version\":\"2.0\"", "\"version\":\"1.0\"");
  g_autofree char *m4 = manifest_with ("\"time_range\":{\"start\":1000,",
                                       "\"time_range\":{\"start\":[1],");
  g_autofree char *m5 = manifest_with ("\"unique_ips\":2,", "");
  g_autofree char *m6 = manifest_with ("\"time_range\":{\"start\":1000,\"end\":3000,\"duration\":2000}",
                                       "\"time_range\":7");
  g_autofree char *m7 = manifest_with ("\"total_chunks\":1", "\"total_chunks\":-4");
  g_autofree char *m8 = manifest_with ("\"total_chunks\":1",
                                       "\"total_chunks\":1,\"structure\":{\"packets\":\"../../etc/passwd\"}");
  g_autoptr(GString) idx = g_string_new (good_index);
  g_autoptr(GString) idx2 = g_string_new (good_index);
  g_autoptr(GString) idx3 = g_string_new (good_index);

  expect_error (m1, good_packets, good_index, "manifest.json", "total_packets");
  expect_error (m2, good_packets, good_index, "manifest.json", "version");
  expect_error (m3, good_packets, good_index, "manifest.json", "version");
  expect_error (m4, good_packets, good_index, "manifest.json", "start");
  expect_error (m5, good_packets, good_index, "manifest.json", "unique_ips");
  expect_error (m6, good_packets, good_index, "manifest.json", "time_range");
  expect_error (m7, good_packets, good_index, "manifest.json", "total_chunks");
  expect_error (m8, good_packets, good_index, "manifest.json", "structure.packets");

  g_string_replace (idx, "\"totalPackets\":3", "\"totalPackets\":true", 1);
  expect_error (good_manifest, good_packets, idx->str, "flows_index.json", "totalPackets");
  g_string_replace (idx2, "\"key\":\"10.0.0.1:1234-10.0.0.2:80\"", "\"key\":\"nonsense\"", 1);
  expect_error (good_manifest, good_packets, idx2->str, "flows_index.json", "key");
  g_string_replace (idx3, "\"chunk_file\":\"chunk_00000.json\"", "\"chunk_file\":\"../x.json\"", 1);
  expect_error (good_manifest, good_packets, idx3->str, "flows_index.json", "chunk_file");
  expect_error (good_manifest, good_packets, "[17]", "flows_index.json", "flow 1");
}

static void
test_huge_numbers (void)
{
  g_autofree char *m1 = manifest_with ("\"total_packets\":3", "\"total_packets\":99999999999999999999");
  g_autofree char *m2 = manifest_with ("\"total_packets\":3", "\"total_packets\":1e400");
  g_autofree char *m3 = manifest_with ("\"end\":3000", "\"end\":18446744073709551615");
  g_autofree char *m4 = manifest_with ("\"total_flows\":1", "\"total_flows\":1e15");
  g_autoptr(GString) idx = g_string_new (good_index);
  g_autoptr(GString) pk = g_string_new (good_packets);
  g_autoptr(GString) pk2 = g_string_new (good_packets);

  expect_error (m1, good_packets, good_index, "manifest.json", "total_packets");
  expect_error (m2, good_packets, good_index, "manifest.json", "total_packets");
  expect_error (m3, good_packets, good_index, "manifest.json", "end");
  expect_error (m4, good_packets, good_index, "manifest.json", "total_flows");
  g_string_replace (idx, "\"responderPort\":80", "\"responderPort\":70000", 1);
  expect_error (good_manifest, good_packets, idx->str, "flows_index.json", "responderPort");

  g_string_replace (pk, "1234,80,2,SYN", "1234,99999999999999999999999,2,SYN", 1);
  expect_error (good_manifest, pk->str, good_index, "packets.csv line 2", "dst_port");
  g_string_replace (pk2, "\n3000,", "\n1e999,", 1);
  expect_error (good_manifest, pk2->str, good_index, "packets.csv line 4", "timestamp");
}

static void
test_bad_packets (void)
{
  expect_error (good_manifest, "timestamp,dst_ip\n1,10.0.0.1\n", good_index,
                "packets.csv line 1", "src_ip");
  expect_error (good_manifest,
                "timestamp,src_ip,dst_ip\n1,10.0.0.1,10.0.0.2\nabc,10.0.0.1,10.0.0.2\n",
                good_index, "packets.csv line 3", "timestamp");
  expect_error (good_manifest, "timestamp,src_ip,dst_ip\n1,10.0.0.1\n", good_index,
                "packets.csv line 2", "fields");
  expect_error (good_manifest, "", good_index, "packets.csv", "empty");
  expect_error (good_manifest, "timestamp,src_ip,dst_ip\n,10.0.0.1,10.0.0.2\n", good_index,
                "packets.csv line 2", "timestamp");
}

static void
test_unsorted_packets (void)
{
  const char *packets =
    "src_ip,timestamp,dst_ip,protocol\n"
    "10.0.0.1,3000,10.0.0.2,17\n"
    "10.0.0.2,1000,10.0.0.1,17\n"
    "10.0.0.1,2000,10.0.0.2,6\r\n";
  g_autofree char *dir = make_folder (good_manifest, packets, good_index, good_chunk);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = load_path (dir, &error);
  const TaPacketColumns *p;

  g_assert_no_error (error);
  p = ta_subset_folder_get_packets (folder);
  g_assert_cmpuint (p->n, ==, 3);
  g_assert_cmpint (p->ts[0], ==, 1000);
  g_assert_cmpint (p->ts[2], ==, 3000);
  g_assert_cmpuint (p->proto[1], ==, 6);
  g_assert_cmpuint (p->fclass[0], ==, TA_FLAG_CLASS_NON_TCP);
  g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, p->src[0]), ==, "10.0.0.2");
  remove_folder (dir);
}

/* big enough for the two-worker split: addresses seen only in the second
 * half are remapped, and an error there still names its line */
static void
test_split_packets (void)
{
  g_autoptr(GString) csv = g_string_new ("timestamp,src_ip,dst_ip,src_port,dst_port,flags,length,protocol\n");
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = NULL;
  const TaPacketColumns *p;
  guint n = 40000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "%u,10.%u.0.%u,192.168.1.%u,%u,80,16,%u,6\n", 1000000 + i,
                            i < n / 2 ? 1 : 2, i % 50, i % 7, 1024 + i % 1000, 60 + i % 1400);
  g_assert_cmpuint (csv->len, >, 1024 * 1024 + 4096);
  dir = make_folder (good_manifest, csv->str, good_index, good_chunk);
  folder = load_path (dir, &error);
  g_assert_no_error (error);
  p = ta_subset_folder_get_packets (folder);
  g_assert_cmpuint (p->n, ==, n);
  for (guint i = 0; i < n; i += 997)
    {
      g_autofree char *src = g_strdup_printf ("10.%u.0.%u", i < n / 2 ? 1 : 2, i % 50);
      g_autofree char *dst = g_strdup_printf ("192.168.1.%u", i % 7);

      g_assert_cmpint (p->ts[i], ==, 1000000 + i);
      g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, p->src[i]), ==, src);
      g_assert_cmpstr (ta_subset_folder_get_addr_name (folder, p->dst[i]), ==, dst);
      g_assert_cmpuint (p->length[i], ==, 60 + i % 1400);
    }
  /* 50 + 50 sources, 7 destinations, 2 more from the flows index */
  g_assert_cmpuint (ta_subset_folder_get_n_addrs (folder), ==, 109);
  g_clear_pointer (&folder, ta_subset_folder_unref);
  remove_folder (dir);
  g_clear_pointer (&dir, g_free);

  /* a bad row in the second half: line = row + 1 (the header) */
  {
    char *row = strstr (csv->str, "\n1035000,");

    g_assert_nonnull (row);
    row[1] = 'x';
  }
  dir = make_folder (good_manifest, csv->str, good_index, good_chunk);
  folder = load_path (dir, &error);
  g_assert_null (folder);
  g_assert_nonnull (strstr (error->message, "packets.csv line 35002"));
  remove_folder (dir);
}

/* every prefix of the flows index and of the manifest, and byte flips in
 * packets.csv: an error or a folder, never a crash (run under ASan) */
static void
test_truncations (void)
{
  g_autofree char *dir = make_folder (good_manifest, good_packets, good_index, good_chunk);
  g_autofree char *index_path = g_build_filename (dir, "flows", "flows_index.json", NULL);
  g_autofree char *manifest_path = g_build_filename (dir, "manifest.json", NULL);
  g_autofree char *packets_path = g_build_filename (dir, "packets.csv", NULL);
  gsize n_index = strlen (good_index), n_manifest = strlen (good_manifest);
  guint ok = 0, failed = 0;

  for (gsize len = 0; len < n_index; len += 5)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaSubsetFolder) folder = NULL;

      g_assert_true (g_file_set_contents (index_path, good_index, len, NULL));
      folder = load_path (dir, &error);
      g_assert_true ((folder == NULL) != (error == NULL));
      if (folder == NULL)
        {
          g_assert_nonnull (strstr (error->message, "flows_index.json"));
          failed++;
        }
      else
        ok++;
    }
  g_assert_true (g_file_set_contents (index_path, good_index, -1, NULL));
  for (gsize len = 0; len < n_manifest; len += 4)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaSubsetFolder) folder = NULL;

      g_assert_true (g_file_set_contents (manifest_path, good_manifest, len, NULL));
      folder = load_path (dir, &error);
      g_assert_null (folder);
      g_assert_nonnull (strstr (error->message, "manifest.json"));
    }
  g_assert_true (g_file_set_contents (manifest_path, good_manifest, -1, NULL));
  for (gsize pos = 0; pos < strlen (good_packets); pos++)
    {
      g_autofree char *bad = g_strdup (good_packets);
      g_autoptr(GError) error = NULL;
      g_autoptr(TaSubsetFolder) folder = NULL;

      bad[pos] = "x,\n9\"."[pos % 6];
      g_assert_true (g_file_set_contents (packets_path, bad, -1, NULL));
      folder = load_path (dir, &error);
      g_assert_true ((folder == NULL) != (error == NULL));
      if (folder == NULL)
        g_assert_nonnull (strstr (error->message, "packets.csv"));
    }
  /* only "[]" and the full text parse among the prefixes */
  g_assert_cmpuint (failed, >, 60);
  remove_folder (dir);
}

static void
test_bad_chunk (void)
{
  const char *chunks[][2] = {
    { "[{\"id\":", "JSON" },
    { "{}", "array" },
    { "[{\"id\":\"flow_000001\",\"packets\":7}]", "packets" },
    { "[{\"id\":\"flow_000001\",\"packets\":[{\"timestamp\":\"x\",\"src_ip\":\"1.1.1.1\",\"dst_ip\":\"1.1.1.2\"}]}]",
      "timestamp" },
    { "[{\"id\":\"flow_000009\",\"packets\":[]}]", "flow_000001" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_autofree char *dir = make_folder (good_manifest, good_packets, good_index, chunks[i][0]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TaSubsetFolder) folder = load_path (dir, &error);
      g_autoptr(TaFlowDetail) d = NULL;

      g_assert_no_error (error);
      d = ta_subset_folder_get_flow_detail (folder, 0, NULL, &error);
      g_assert_null (d);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "chunk_00000.json"));
      g_assert_nonnull (strstr (error->message, chunks[i][1]));
      remove_folder (dir);
    }

  {
    g_autofree char *dir = make_folder (good_manifest, good_packets, good_index, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(TaSubsetFolder) folder = load_path (dir, &error);
    g_autoptr(TaFlowDetail) d = NULL;

    g_assert_no_error (error);
    d = ta_subset_folder_get_flow_detail (folder, 0, NULL, &error);
    g_assert_null (d);
    g_assert_nonnull (strstr (error->message, "chunk_00000.json"));
    remove_folder (dir);
  }
}

static const OriginalCase original_cases[] = {
  { "/core/subset-folder/original/counts", test_original },
  { "/core/subset-folder/original/flow-detail", test_flow_detail },
  { "/core/subset-folder/original/find-flow", test_find_flow },
  { "/core/subset-folder/original/detail-threads", test_detail_threads },
  { "/core/subset-folder/original/async", test_async },
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (original_cases); i++)
    g_test_add_data_func (original_cases[i].name, &original_cases[i], with_original);
  g_test_add_func ("/cli/subset-folder/own-output", test_own_output);
  g_test_add_func ("/core/subset-folder/minimal", test_good_minimal);
  g_test_add_func ("/core/subset-folder/malformed/missing-files", test_missing_files);
  g_test_add_func ("/core/subset-folder/malformed/bad-json", test_bad_json);
  g_test_add_func ("/core/subset-folder/malformed/wrong-types", test_wrong_types);
  g_test_add_func ("/core/subset-folder/malformed/huge-numbers", test_huge_numbers);
  g_test_add_func ("/core/subset-folder/malformed/packets", test_bad_packets);
  g_test_add_func ("/core/subset-folder/packets/unsorted", test_unsorted_packets);
  g_test_add_func ("/core/subset-folder/packets/split", test_split_packets);
  g_test_add_func ("/core/subset-folder/malformed/chunk", test_bad_chunk);
  g_test_add_func ("/core/subset-folder/malformed/truncations", test_truncations);

  return g_test_run ();
}
