/* bench-flowpanel.c — open time of 100 k and 1 M packet subset folders,
 * bytes held per packet, and the frame time of the IP bar diagram drawn
 * offscreen at 1 M packets.
 *
 * Folders come from `timearcs-cli extract` on `timearcs-cli generate` output when
 * the CLI can extract; otherwise a synthetic folder (manifest, packets.csv,
 * flows_index.json) is written here, and the output says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ta-flow-views.h"
#include "ta-ip-bars.h"
#include "ta-packet.h"
#include "ta-subset-folder.h"

static gsize
rss_bytes (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  p = strstr (status, "VmRSS:");
  return p ? (gsize) g_ascii_strtoull (p + 6, NULL, 10) * 1024 : 0;
}

static double
cpu_ms (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3
         + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static gboolean
extract_with_cli (const char *dir,
                  guint       n_packets)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *csv = g_build_filename (dir, "in.csv", NULL);
  g_autofree char *map = g_build_filename (dir, "map.json", NULL);
  g_autofree char *out = g_build_filename (dir, "folder", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n_packets);
  int status = 0;

  if (cli == NULL)
    return FALSE;
  {
    const char *argv[] = { cli, "generate", "--force", "--packets", count, "--seed", "11",
                           "--rate", "2000", "--out", csv, "--ip-map", map, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                       | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
        || !g_spawn_check_wait_status (status, NULL))
      return FALSE;
  }
  {
    const char *argv[] = { cli, "extract", "--data", csv, "--ip-map", map, "--output-dir", out,
                           "--force", NULL };
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                       &err, &status, &error)
        || !g_spawn_check_wait_status (status, NULL))
      {
        printf ("# timearcs-cli extract failed: %s\n", error ? error->message : err);
        return FALSE;
      }
  }
  g_unlink (csv);
  return TRUE;
}

/* A folder with realistic packets.csv rows (dotted addresses, ports, flags,
 * sequence numbers) and one flows_index entry per 40 packets */
static void
write_synthetic (const char *dir,
                 guint       n_packets)
{
  g_autofree char *out = g_build_filename (dir, "folder", NULL);
  g_autofree char *flows_dir = g_build_filename (out, "flows", NULL);
  g_autofree char *path = NULL;
  GRand *rand = g_rand_new_with_seed (11);
  FILE *f;
  gint64 t0 = G_GINT64_CONSTANT (1257254400000000), t = t0;
  guint n_flows = n_packets / 40;
  static const guint8 flags[] = { 2, 18, 16, 24, 16, 24, 16, 17, 16, 4, 20 };

  g_mkdir_with_parents (flows_dir, 0755);
  path = g_build_filename (out, "packets.csv", NULL);
  f = fopen (path, "w");
  fputs ("timestamp,src_ip,dst_ip,src_port,dst_port,flags,flag_type,seq_num,ack_num,length,protocol\n", f);
  for (guint i = 0; i < n_packets; i++)
    {
      guint a = g_rand_int_range (rand, 0, 300), b = g_rand_int_range (rand, 0, 300);
      gboolean tcp = g_rand_int_range (rand, 0, 20) != 0;
      guint8 fl = tcp ? flags[g_rand_int_range (rand, 0, G_N_ELEMENTS (flags))] : 0;

      t += g_rand_int_range (rand, 0, 1000);
      fprintf (f, "%" G_GINT64_FORMAT ",172.28.%u.%u,%u.%u.%u.%u,%u,%u,%u,%s,%u,%u,%u,%u\n",
               t, a / 200, a % 200 + 1, 10 + b % 7, b / 3, b, b % 250 + 1,
               g_rand_int_range (rand, 1024, 65535), tcp ? 443 : 53, fl,
               ta_flag_type_name (fl, FALSE), g_rand_int (rand), g_rand_int (rand),
               g_rand_int_range (rand, 54, 1514), tcp ? 6 : 17);
    }
  fclose (f);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (flows_dir, "flows_index.json", NULL);
  f = fopen (path, "w");
  fputc ('[', f);
  for (guint i = 0; i < n_flows; i++)
    {
      gint64 s = t0 + (gint64) i * (t - t0) / MAX (n_flows, 1);

      fprintf (f, "%s{\"id\":\"flow_%06u\",\"key\":\"10.0.%u.%u:443-172.28.%u.%u:%u\","
               "\"initiator\":\"172.28.%u.%u\",\"responder\":\"10.0.%u.%u\",\"initiatorPort\":%u,"
               "\"responderPort\":443,\"state\":\"closed\",\"closeType\":\"graceful\","
               "\"startTime\":%" G_GINT64_FORMAT ",\"endTime\":%" G_GINT64_FORMAT ","
               "\"totalPackets\":40,\"totalBytes\":24000,\"establishmentComplete\":true,"
               "\"dataTransferStarted\":true,\"closingStarted\":true,\"invalidReason\":null,"
               "\"ongoing\":false,\"establishment_packets\":3,\"data_transfer_packets\":33,"
               "\"closing_packets\":4,\"chunk_file\":\"chunk_%05u.json\",\"chunk_index\":%u}",
               i ? "," : "", i + 1, i % 7, i % 250, i % 2, i % 200 + 1, 1024 + i % 60000,
               i % 2, i % 200 + 1, i % 7, i % 250, 1024 + i % 60000, s, s + 5000000,
               i / 200, i % 200);
    }
  fputs ("]\n", f);
  fclose (f);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (out, "manifest.json", NULL);
  f = fopen (path, "w");
  fprintf (f, "{\"version\":\"2.0\",\"format\":\"chunked\",\"source_files\":[\"synthetic\"],"
           "\"total_packets\":%u,\"tcp_packets\":0,\"unique_ips\":0,\"total_flows\":%u,"
           "\"flows_per_chunk\":200,\"total_chunks\":%u,\"time_range\":{\"start\":%"
           G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT ",\"duration\":%" G_GINT64_FORMAT "}}\n",
           n_packets, n_flows, (n_flows + 199) / 200, t0, t, t - t0);
  fclose (f);
  g_rand_free (rand);
}

static const char *
load_average (void)
{
  static char buf[64];
  FILE *f = fopen ("/proc/loadavg", "r");

  buf[0] = 0;
  if (f != NULL)
    {
      if (fgets (buf, sizeof buf, f) == NULL)
        buf[0] = 0;
      fclose (f);
    }
  buf[strcspn (buf, "\n")] = 0;
  return buf;
}

static char *
make_folder (guint        n_packets,
             const char **how)
{
  const char *keep = g_getenv ("TA_BENCH_KEEP_DIR");
  g_autofree char *existing = g_strdup_printf ("%s/%u/folder/manifest.json", keep ? keep : "", n_packets);
  char *dir;

  if (keep != NULL && g_file_test (existing, G_FILE_TEST_EXISTS))
    {
      *how = "kept from an earlier run (TA_BENCH_KEEP_DIR)";
      return g_strdup_printf ("%s/%u", keep, n_packets);
    }

  /* TA_BENCH_KEEP_DIR: write the folders there and keep them (profiling) */
  if (keep != NULL)
    {
      dir = g_strdup_printf ("%s/%u", keep, n_packets);
      g_mkdir_with_parents (dir, 0755);
    }
  else
    dir = g_dir_make_tmp ("ta-bench-fp-XXXXXX", NULL);

  if (extract_with_cli (dir, n_packets))
    *how = "timearcs-cli extract";
  else
    {
      write_synthetic (dir, n_packets);
      *how = "synthetic (extract CLI unavailable)";
    }
  return dir;
}

static TaSubsetFolder *
timed_open (const char *dir,
            double     *best_ms,
            gsize      *rss_delta)
{
  g_autofree char *path = g_build_filename (dir, "folder", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TaSubsetFolder *keep = NULL;
  double best_cpu = G_MAXDOUBLE;

  *best_ms = G_MAXDOUBLE;
  for (guint run = 0; run < 3; run++)
    {
      g_autoptr(GError) error = NULL;
      gsize rss0 = rss_bytes ();
      double cpu0 = cpu_ms ();
      gint64 t = g_get_monotonic_time ();
      TaSubsetFolder *folder = ta_subset_folder_load (file, NULL, NULL, NULL, &error);
      double ms = (g_get_monotonic_time () - t) / 1000.0;

      best_cpu = MIN (best_cpu, cpu_ms () - cpu0);

      if (folder == NULL)
        g_error ("open %s: %s", path, error->message);
      *best_ms = MIN (*best_ms, ms);
      if (run == 0)
        {
          *rss_delta = rss_bytes () - rss0;
          keep = folder;
        }
      else
        ta_subset_folder_unref (folder);
    }
  /* other processes share this machine: CPU time tells the load's own cost */
  printf ("# %s: best of 3 wall %.1f ms, CPU (all threads) %.1f ms, load average %s\n", path,
          *best_ms, best_cpu, load_average ());
  return keep;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
remove_dir (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  if (g_getenv ("TA_BENCH_KEEP_DIR") == NULL)
    (void) !system (cmd);
}

int
main (int   argc,
      char *argv[])
{
  const char *how = NULL;
  g_autofree char *dir100k = NULL, *dir1m = NULL;
  g_autoptr(TaSubsetFolder) f100k = NULL, f1m = NULL;
  double ms;
  gsize rss;

  dir100k = make_folder (100000, &how);
  printf ("# 100k folder: %s\n", how);
  f100k = timed_open (dir100k, &ms, &rss);
  printf ("BENCH folder_open_100k_ms %.1f ms\n", ms);
  /* the flow list walked top to bottom: each flow's packets read from its
   * chunk file (cold caches: a fresh load) */
  {
    g_autoptr(TaSubsetFolder) fresh = timed_open (dir100k, &ms, &rss);
    guint n_flows = 0, n = 0;
    guint64 packets = 0;
    gint64 t;

    ta_subset_folder_get_flows (fresh, &n_flows);
    n = MIN (n_flows, 5000);
    t = g_get_monotonic_time ();
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(TaFlowDetail) d = ta_subset_folder_get_flow_detail (fresh, i, NULL, &error);

        g_assert_no_error (error);
        packets += d->n_packets;
      }
    printf ("BENCH flow_detail_100k_us %.1f us\n", (g_get_monotonic_time () - t) / (double) MAX (n, 1));
    printf ("# flow detail: %u of %u flows read in order, %" G_GUINT64_FORMAT " packets\n",
            n, n_flows, packets);
  }
  g_clear_pointer (&f100k, ta_subset_folder_unref);
  remove_dir (dir100k);

  dir1m = make_folder (1000000, &how);
  printf ("# 1m folder: %s\n", how);
  f1m = timed_open (dir1m, &ms, &rss);
  printf ("BENCH folder_open_1m_ms %.1f ms\n", ms);
  printf ("BENCH folder_1m_model_bytes_per_packet %.1f bytes\n",
          (double) ta_subset_folder_get_memory_size (f1m) / ta_subset_folder_get_packets (f1m)->n);
  printf ("BENCH folder_1m_rss_bytes_per_packet %.1f bytes\n",
          (double) rss / ta_subset_folder_get_packets (f1m)->n);

  /* the diagram as the widget draws it: every address a row, the whole
   * time range, 1600 × 900 */
  {
    g_autoptr(TaIpBarsRenderer) r = ta_ip_bars_renderer_new (f1m);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1600, 900);
    double best = G_MAXDOUBLE, sum = 0;
    double times[50];
    double cpu_sum = 0;
    const guint frames = G_N_ELEMENTS (times);

    for (guint i = 0; i < frames; i++)
      {
        cairo_t *cr = cairo_create (surface);
        gint64 t = g_get_monotonic_time ();
        double frame_ms, c0 = thread_cpu_ms ();

        /* vary the window a little so nothing is cached between frames */
        ta_ip_bars_renderer_set_window (r, ta_subset_folder_get_manifest (f1m)->time_start + i,
                                        ta_subset_folder_get_manifest (f1m)->time_end + 1);
        ta_ip_bars_renderer_draw (r, cr, 1600, 900);
        cairo_surface_flush (surface);
        frame_ms = (g_get_monotonic_time () - t) / 1000.0;
        cpu_sum += thread_cpu_ms () - c0;
        best = MIN (best, frame_ms);
        sum += frame_ms;
        times[i] = frame_ms;
        cairo_destroy (cr);
      }
    printf ("BENCH ipbars_frame_1m_ms %.2f ms\n", sum / frames);
    qsort (times, frames, sizeof (double), compare_doubles);
    printf ("# ipbars frame (1600x900, whole time range, aggregation + drawing) best %.2f ms, "
            "median %.2f ms over %u frames, %u address rows, load average %s\n",
            best, times[frames / 2], frames, ta_ip_bars_renderer_get_n_rows (r), load_average ());
    printf ("# ipbars frame CPU time (this thread) mean %.2f ms\n", cpu_sum / frames);
    /* the frame, to look at, only when asked for (never into the source tree) */
    if (g_getenv ("TA_BENCH_PNG") != NULL)
      cairo_surface_write_to_png (surface, g_getenv ("TA_BENCH_PNG"));
    cairo_surface_destroy (surface);
  }

  g_clear_pointer (&f1m, ta_subset_folder_unref);
  remove_dir (dir1m);
  return 0;
}
