/* bench-extract.c — end-to-end speed and memory of `timearcs-cli extract`
 *
 * Generates its inputs with `timearcs-cli generate` into a cache folder under the
 * temporary directory (named by the generator arguments, so reruns reuse
 * them), runs the CLI as a child and reports wall-clock rows/s and the
 * child's peak RSS (wait4). The machine may be shared: the CPU time of the
 * child is printed too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ta-bench-util.h"

typedef TaBenchRun RunResult;

static char *cache_dir;

static char *
generated (guint64   packets,
           gboolean  gz,
           char    **ip_map)
{
  return ta_bench_generated (cache_dir, packets, gz ? ".csv.gz" : ".csv", ip_map);
}

#define run_child ta_bench_run_child
#define remove_tree ta_bench_remove_tree

/* First and last timestamps of a plain CSV (the generator writes in order) */
static void
time_range (const char *path,
            gint64     *first,
            gint64     *last)
{
  FILE *f = fopen (path, "r");
  char buf[4096];
  long size;
  char *nl;
  size_t n;

  g_assert_nonnull (f);
  g_assert_nonnull (fgets (buf, sizeof buf, f));   /* header */
  g_assert_nonnull (fgets (buf, sizeof buf, f));
  *first = g_ascii_strtoll (buf, NULL, 10);
  fseek (f, 0, SEEK_END);
  size = ftell (f);
  fseek (f, MAX (0, size - (long) sizeof buf + 1), SEEK_SET);
  n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n')
    buf[--n] = '\0';
  nl = strrchr (buf, '\n');
  g_assert_nonnull (nl);
  *last = g_ascii_strtoll (nl + 1, NULL, 10);
  fclose (f);
}

static guint64
count_kept (const char *out)
{
  g_autofree char *manifest = g_build_filename (out, "manifest.json", NULL);
  g_autofree char *contents = NULL;
  const char *p;

  if (!g_file_get_contents (manifest, &contents, NULL, NULL))
    return 0;
  p = strstr (contents, "\"total_packets\"");
  if (p == NULL)
    return 0;
  p = strchr (p, ':');
  return g_ascii_strtoull (p + 1, NULL, 10);
}

static RunResult
extract (const char         *name,
         const char         *data,
         const char         *ip_map,
         const char * const *extra,
         guint64            *kept)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *out = g_build_filename (cache_dir, "out", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  RunResult r;

  /* the previous output is removed and flushed outside the timing */
  remove_tree (out);
  sync ();

  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "extract");
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, (gpointer) data);
  g_ptr_array_add (argv, (gpointer) "--ip-map");
  g_ptr_array_add (argv, (gpointer) ip_map);
  g_ptr_array_add (argv, (gpointer) "--output-dir");
  g_ptr_array_add (argv, (gpointer) out);
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  r = run_child ((const char * const *) argv->pdata);
  if (r.status != 0)
    g_error ("%s: timearcs-cli extract failed (%d)", name, r.status);
  *kept = count_kept (out);
  printf ("# %s: %.3f s wall, %.3f s CPU, %.1f MiB peak RSS, %" G_GUINT64_FORMAT " rows kept\n",
          name, r.wall_s, r.cpu_s, r.peak_rss_mib, *kept);
  remove_tree (out);
  return r;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *m1 = NULL;
  g_autofree char *m1gz = NULL;
  g_autofree char *m10 = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p1gz = NULL;
  g_autofree char *p10 = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  RunResult r;
  guint64 kept;
  gint64 first, last;
  gboolean quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  guint64 big = quick ? 2000000 : 10000000;

  if (g_getenv ("TA_CLI") == NULL)
    {
      g_printerr ("TA_CLI must be set (meson test --benchmark does)\n");
      return 1;
    }
  cache_dir = g_build_filename (g_get_tmp_dir (), "ta-bench-extract", NULL);
  g_mkdir_with_parents (cache_dir, 0755);

  p1 = generated (1000000, FALSE, &m1);
  p1gz = generated (1000000, TRUE, &m1gz);
  p10 = generated (big, FALSE, &m10);

  r = extract ("1m", p1, m1, NULL, &kept);
  printf ("BENCH extract_1m_rows_per_s %.0f rows/s\n", 1e6 / r.wall_s);
  printf ("BENCH extract_1m_cpu_rows_per_s %.0f rows/s\n", 1e6 / r.cpu_s);
  printf ("BENCH extract_1m_peak_rss_mib %.1f MiB\n", r.peak_rss_mib);
  fflush (stdout);

  r = extract ("1m-gz", p1gz, m1gz, NULL, &kept);
  printf ("BENCH extract_1m_gz_rows_per_s %.0f rows/s\n", 1e6 / r.wall_s);
  printf ("BENCH extract_1m_gz_cpu_rows_per_s %.0f rows/s\n", 1e6 / r.cpu_s);
  fflush (stdout);

  r = extract ("10m", p10, m10, NULL, &kept);
  printf ("BENCH extract_10m_rows_per_s %.0f rows/s\n", big / r.wall_s);
  printf ("BENCH extract_10m_cpu_rows_per_s %.0f rows/s\n", big / r.cpu_s);
  printf ("BENCH extract_10m_peak_rss_mib %.1f MiB\n", r.peak_rss_mib);
  fflush (stdout);

  /* the second half of the time range and one busy host (IP map id 125,
   * about a fifth of all rows): about 10 % kept; every row is read */
  time_range (p10, &first, &last);
  start = g_strdup_printf ("%" G_GINT64_FORMAT, first + (last - first) / 2);
  end = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  {
    const char *extra[] = { "--filter-ips", "125", "--filter-time-start", start,
                            "--filter-time-end", end, NULL };

    r = extract ("10m-filtered", p10, m10, extra, &kept);
  }
  printf ("BENCH extract_filtered_rows_per_s %.0f rows/s\n", big / r.wall_s);
  printf ("BENCH extract_filtered_cpu_rows_per_s %.0f rows/s\n", big / r.cpu_s);
  printf ("BENCH extract_filtered_kept_percent %.1f %%\n", 100.0 * kept / big);
  printf ("BENCH extract_filtered_peak_rss_mib %.1f MiB\n", r.peak_rss_mib);

  g_free (cache_dir);
  return 0;
}
