/* bench-attacks.c — labelling and aggregation throughput, peak memory
 *
 *   BENCH attacks_rows_per_s      10 M labelled packet rows (attack column)
 *   BENCH attacks_gt_rows_per_s   10 M unlabelled rows + a 10 k-event ground truth
 *   BENCH attacks[_gt]_peak_rss_NM_rows  peak RSS of each run (1 M and 10 M rows: flat)
 *
 * Each run happens in a child process so its peak RSS is its own. The
 * generated inputs are cached in $TMPDIR/ta-bench-attacks (TA_BENCH_ROWS
 * overrides 10 M).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ta-attacks-job.h"

#define START_US G_GINT64_CONSTANT (1257254400000000)

static char *cache_dir;

static void
ensure_generated (const char *name,
                  guint64     rows,
                  gboolean    labelled,
                  char      **csv,
                  char      **map)
{
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, rows);
  g_autofree char *base = g_strdup_printf ("%s-demo-%s", name, n);
  g_autofree char *tmp = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  *csv = g_strdup_printf ("%s/%s.csv", cache_dir, base);
  *map = g_strdup_printf ("%s/%s_map.json", cache_dir, base);
  if (g_file_test (*csv, G_FILE_TEST_EXISTS) && g_file_test (*map, G_FILE_TEST_EXISTS))
    return;
  tmp = g_strdup_printf ("%s/%s.part.csv", cache_dir, base);
  {
    g_autofree char *start = g_strdup_printf ("%" G_GINT64_FORMAT, START_US);
    const char *argv[] = { g_getenv ("TA_CLI"), "generate", "--force", "--packets", n,
                           "--start-us", start, "--out", tmp, "--ip-map", *map,
                           labelled ? "--attack-column" : NULL, "code", NULL };

    fprintf (stderr, "generating %s (%s rows)…\n", *csv, n);
    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                       NULL, NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
      g_error ("generator: %s", error->message);
  }
  g_rename (tmp, *csv);
}

/* n events between random pairs of the generator's hosts, inside the time
 * the generated rows cover (rate 1000/s) */
static char *
synthesise_ground_truth (const char *map_path,
                         guint64     rows,
                         guint       n)
{
  g_autofree char *path = g_strdup_printf ("%s/gt-%u-%" G_GUINT64_FORMAT ".csv", cache_dir, n, rows);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("Event Type,C2S ID,Source,Source Port(s),Destination,"
                                         "Destination Port(s),Start Time (UTC),Stop Time (UTC)\n");
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();
  static const char *labels[] = { "ddos", "scan /usr/bin/nmap", "c2 remote command execution nc",
                                  "spam bot", "client compromise", "out2in" };
  gint64 span_min = (gint64) (rows / 1000 / 60) + 1;
  GRand *rand = g_rand_new_with_seed (42);

  if (!json_parser_load_from_file (parser, map_path, &error))
    g_error ("%s", error->message);
  members = json_object_get_members (json_node_get_object (json_parser_get_root (parser)));
  for (GList *l = members; l; l = l->next)
    g_ptr_array_add (hosts, l->data);
  for (guint i = 0; i < n; i++)
    {
      gint64 start = START_US / 60000000 + g_rand_int_range (rand, 0, span_min);
      gint64 stop = start + g_rand_int_range (rand, 0, 30);
      g_autoptr(GDateTime) t0 = g_date_time_new_from_unix_utc (start * 60);
      g_autoptr(GDateTime) t1 = g_date_time_new_from_unix_utc (stop * 60);
      g_autofree char *s0 = g_date_time_format (t0, "%Y-%m-%d %H:%M:%S");
      g_autofree char *s1 = g_date_time_format (t1, "%Y-%m-%d %H:%M:%S");
      const char *a = hosts->pdata[g_rand_int_range (rand, 0, hosts->len)];
      const char *b = hosts->pdata[g_rand_int_range (rand, 0, hosts->len)];
      static const guint ports[] = { 0, 0, 80, 443, 22, 53 };

      g_string_append_printf (out, "%s,%u.0,%s,0.0,%s,%u,%s,%s\n",
                              labels[i % G_N_ELEMENTS (labels)], 40000 + i, a, b,
                              ports[g_rand_int_range (rand, 0, G_N_ELEMENTS (ports))], s0, s1);
      if (i % 8 == 0)
        g_string_append (out, ",,,,,,,\n");
    }
  g_rand_free (rand);
  if (!g_file_set_contents (path, out->str, out->len, &error))
    g_error ("%s", error->message);
  return g_steal_pointer (&path);
}

static void
run_child (const char *name,
           const char *csv,
           const char *map,
           const char *gt,
           gboolean    report_rate)
{
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ta-bench-attacks-out-XXXXXX", NULL);
  struct rusage ru, ru0;
  gint64 t0, t1;
  double cpu;

  opts->inputs = g_new0 (char *, 2);
  opts->inputs[0] = g_strdup (csv);
  opts->ip_map = g_strdup (map);
  opts->out = g_build_filename (dir, "bench_attacks.csv", NULL);
  opts->ground_truth = g_strdup (gt);
  getrusage (RUSAGE_SELF, &ru0);
  t0 = g_get_monotonic_time ();
  res = ta_attacks_run (opts, &error);
  t1 = g_get_monotonic_time ();
  if (res == NULL)
    g_error ("%s", error->message);
  getrusage (RUSAGE_SELF, &ru);
  cpu = (ru.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
        (ru.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
  if (report_rate)
    {
      g_autofree char *stem = g_strndup (name, strstr (name, "_rows_per_s") - name);

      /* wall clock, and CPU time: on a shared, oversubscribed machine the
       * second says what the code costs */
      printf ("BENCH %s %.0f rows/s\n", name, res->packets / ((t1 - t0) / 1e6));
      printf ("BENCH %s_rows_per_cpu_s %.0f rows/s\n", stem, res->packets / cpu);
    }
  {
    g_autofree char *stem = g_strndup (name, strstr (name, "_rows_per_s") - name);

    printf ("BENCH %s_peak_rss_%" G_GUINT64_FORMAT "M_rows %.1f MiB\n", stem,
            res->packets / 1000000, ru.ru_maxrss / 1024.0);
  }
  fprintf (stderr, "%s: %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " rows, gt matched %"
           G_GUINT64_FORMAT ", %.2f s wall, %.2f s CPU, load %s", name, res->packets, res->rows,
           res->gt_matched, (t1 - t0) / 1e6, cpu, "");
  {
    g_autofree char *load = NULL;

    g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
    fprintf (stderr, "%s", load ? load : "?\n");
  }
  fflush (stdout);
  {
    g_autofree char *a = g_strdup (res->out);
    g_autofree char *b = g_strdup (res->ip_map_out);
    g_autofree char *c = g_strdup (res->event_mapping_out);

    g_unlink (a);
    g_unlink (b);
    g_unlink (c);
  }
  g_rmdir (dir);
}

static void
run (const char *name,
     const char *csv,
     const char *map,
     const char *gt,
     gboolean    report_rate)
{
  pid_t pid;
  int status;

  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      run_child (name, csv, map, gt, report_rate);
      fflush (stdout);
      _exit (0);
    }
  waitpid (pid, &status, 0);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed", name);
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("TA_BENCH_ROWS");
  guint64 rows = env ? g_ascii_strtoull (env, NULL, 10) : 10000000;
  guint64 small = MAX (rows / 10, 1);
  g_autofree char *big_lab = NULL, *big_lab_map = NULL, *big_un = NULL, *big_un_map = NULL;
  g_autofree char *small_lab = NULL, *small_lab_map = NULL, *small_un = NULL, *small_un_map = NULL;
  g_autofree char *gt_big = NULL, *gt_small = NULL;

  cache_dir = g_build_filename (g_get_tmp_dir (), "ta-bench-attacks", NULL);
  g_mkdir_with_parents (cache_dir, 0755);

  ensure_generated ("labelled", small, TRUE, &small_lab, &small_lab_map);
  ensure_generated ("labelled", rows, TRUE, &big_lab, &big_lab_map);
  ensure_generated ("unlabelled", small, FALSE, &small_un, &small_un_map);
  ensure_generated ("unlabelled", rows, FALSE, &big_un, &big_un_map);
  gt_small = synthesise_ground_truth (small_un_map, small, 10000);
  gt_big = synthesise_ground_truth (big_un_map, rows, 10000);

  run ("attacks_rows_per_s", small_lab, small_lab_map, NULL, FALSE);
  run ("attacks_rows_per_s", big_lab, big_lab_map, NULL, TRUE);
  run ("attacks_gt_rows_per_s", small_un, small_un_map, gt_small, FALSE);
  run ("attacks_gt_rows_per_s", big_un, big_un_map, gt_big, TRUE);
  g_free (cache_dir);
  return 0;
}
