/* bench-profile.c — speed and memory of the traffic profile
 *
 *   profile_1m_rows_per_s        `timearcs-cli profile --no-analysis` of 1 M CSV rows:
 *                                conn.log, conn.csv, conversations, endpoints, intervals
 *   analysis_1m_rows_per_s       the same with every analysis file (checks, sequences,
 *                                features, anomaly scores)
 *   profile_extract_overhead     extract with the profile (--no-analysis) / extract
 *                                --no-profile (same run, best of three each, interleaved);
 *                                profile_extract_full_overhead with the analysis too
 *   profile/analysis_1m/10m_peak_rss_mib  peak RSS at 1 M and 10 M rows
 *   profile_pcap_gz_mib_per_s    input MiB/s of a gzip pcapng capture (--no-analysis)
 *
 * Inputs come from `timearcs-cli generate` (cached under the temporary
 * folder, shared with bench-extract). `--quick` uses 2 M rows instead of
 * 10 M for the second RSS figure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ta-bench-util.h"

static char *cache_dir;

static TaBenchRun
run (const char         *label,
     const char         *command,
     const char         *data,
     const char         *ip_map,
     const char * const *extra)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *out = g_build_filename (cache_dir, "out", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  TaBenchRun r;

  ta_bench_remove_tree (out);
  sync ();
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) command);
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, (gpointer) data);
  if (ip_map != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--ip-map");
      g_ptr_array_add (argv, (gpointer) ip_map);
    }
  g_ptr_array_add (argv, (gpointer) "--output-dir");
  g_ptr_array_add (argv, (gpointer) out);
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  r = ta_bench_run_child ((const char * const *) argv->pdata);
  if (r.status != 0)
    g_error ("%s: timearcs-cli %s failed (%d)", label, command, r.status);
  printf ("# %s: %.3f s wall, %.3f s CPU, %.1f MiB peak RSS\n", label, r.wall_s, r.cpu_s,
          r.peak_rss_mib);
  fflush (stdout);
  ta_bench_remove_tree (out);
  return r;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *m1 = NULL, *p1 = NULL, *mbig = NULL, *pbig = NULL;
  g_autofree char *mcap = NULL, *pcap = NULL;
  gboolean quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  guint64 big = quick ? 2000000 : 10000000;
  const char *no_profile[] = { "--no-profile", NULL };
  const char *no_analysis[] = { "--no-analysis", NULL };
  double with = G_MAXDOUBLE, without = G_MAXDOUBLE, full = G_MAXDOUBLE;
  TaBenchRun r;
  GStatBuf st;

  if (g_getenv ("TA_CLI") == NULL)
    {
      g_printerr ("TA_CLI must be set (meson test --benchmark does)\n");
      return 1;
    }
  cache_dir = g_build_filename (g_get_tmp_dir (), "ta-bench-extract", NULL);
  g_mkdir_with_parents (cache_dir, 0755);
  p1 = ta_bench_generated (cache_dir, 1000000, ".csv", &m1);
  pcap = ta_bench_generated (cache_dir, 1000000, ".pcapng.gz", &mcap);

  r = run ("profile-1m", "profile", p1, m1, no_analysis);
  printf ("BENCH profile_1m_rows_per_s %.0f rows/s\n", 1e6 / r.wall_s);
  printf ("BENCH profile_1m_cpu_rows_per_s %.0f rows/s\n", 1e6 / r.cpu_s);
  printf ("BENCH profile_1m_peak_rss_mib %.1f MiB\n", r.peak_rss_mib);
  r = run ("analysis-1m", "profile", p1, m1, NULL);
  printf ("BENCH analysis_1m_rows_per_s %.0f rows/s\n", 1e6 / r.wall_s);
  printf ("BENCH analysis_1m_peak_rss_mib %.1f MiB\n", r.peak_rss_mib);
  fflush (stdout);

  for (guint i = 0; i < 3; i++)
    {
      with = MIN (with, run ("extract-with-profile", "extract", p1, m1, no_analysis).wall_s);
      without = MIN (without, run ("extract-no-profile", "extract", p1, m1, no_profile).wall_s);
      full = MIN (full, run ("extract-with-analysis", "extract", p1, m1, NULL).wall_s);
    }
  printf ("BENCH profile_extract_with_s %.3f s\n", with);
  printf ("BENCH profile_extract_without_s %.3f s\n", without);
  printf ("BENCH profile_extract_overhead %.3f ratio\n", with / without);
  printf ("BENCH profile_extract_full_overhead %.3f ratio\n", full / without);
  fflush (stdout);

  g_assert_cmpint (g_stat (pcap, &st), ==, 0);
  r = run ("profile-pcapng-gz", "profile", pcap, NULL, no_analysis);
  printf ("BENCH profile_pcap_gz_mib_per_s %.1f MiB/s\n", st.st_size / 1048576.0 / r.wall_s);
  printf ("BENCH profile_pcap_gz_packets_per_s %.0f packets/s\n", 1e6 / r.wall_s);
  fflush (stdout);

  pbig = ta_bench_generated (cache_dir, big, ".csv", &mbig);
  r = run ("profile-big", "profile", pbig, mbig, no_analysis);
  printf ("BENCH profile_%s_rows_per_s %.0f rows/s\n", quick ? "2m" : "10m", big / r.wall_s);
  printf ("BENCH profile_%s_peak_rss_mib %.1f MiB\n", quick ? "2m" : "10m", r.peak_rss_mib);
  r = run ("analysis-big", "profile", pbig, mbig, NULL);
  printf ("BENCH analysis_%s_rows_per_s %.0f rows/s\n", quick ? "2m" : "10m", big / r.wall_s);
  printf ("BENCH analysis_%s_peak_rss_mib %.1f MiB\n", quick ? "2m" : "10m", r.peak_rss_mib);

  g_free (cache_dir);
  return 0;
}
