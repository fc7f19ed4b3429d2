/* bench-demo.c — how fast the demo's packets are written
 *
 *   demo_generate_pkts_per_s    the pcapng.gz + CSV.gz pair of 500 000
 *                               packets as the demo job writes them
 *                               (ta_demo_write_pair: generated once, the
 *                               two files in two threads, gzip level 1)
 *   demo_generate_twogen_pkts_per_s  baseline: two threads that each
 *                               generate the packets themselves
 *   demo_generate_serial_pkts_per_s  baseline: the pair one after the
 *                               other in one thread
 *   demo_generate_level6_pkts_per_s  baseline: two generating threads at
 *                               gzip's default level 6
 *   demo_job_seconds            the whole default demo (pair, small files,
 *                               attacks job), as `timearcs-cli demo` runs it
 * Best of 3 each; wall clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "ta-demo-job.h"
#include "ta-demo-write.h"

#define N 500000

typedef struct
{
  const char  *path;
  TaDemoFormat format;
  TaOutFlags   flags;
} Stream;

static gpointer
write_one (gpointer data)
{
  Stream *s = data;
  TaDemoConfig c = { 1, N, TA_DEMO_DEFAULT_START_US, 2 * G_GINT64_CONSTANT (3600000000), TRUE };
  TaOut *out = ta_out_open (s->path, s->flags, 0, NULL);

  g_assert (out != NULL);
  g_assert (ta_demo_write_stream (&c, s->format, out, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  g_assert (ta_out_commit_file (out, NULL));
  return NULL;
}

static double
pair (const char *dir,
      gboolean    threads,
      gboolean    fast)
{
  g_autofree char *csv = g_build_filename (dir, "p.csv.gz", NULL);
  g_autofree char *cap = g_build_filename (dir, "p.pcapng.gz", NULL);
  TaOutFlags flags = TA_OUT_GZIP | (fast ? TA_OUT_GZIP_FAST : 0);
  Stream a = { csv, TA_DEMO_FORMAT_CSV, flags }, b = { cap, TA_DEMO_FORMAT_PCAPNG, flags };
  double best = 1e9;

  for (int round = 0; round < 3; round++)
    {
      gint64 t0 = g_get_monotonic_time ();

      if (threads)
        {
          GThread *t = g_thread_new ("csv", write_one, &a);

          write_one (&b);
          g_thread_join (t);
        }
      else
        {
          write_one (&a);
          write_one (&b);
        }
      best = MIN (best, (g_get_monotonic_time () - t0) / 1e6);
    }
  return N / best;
}

static double
piped (const char *dir)
{
  g_autofree char *csv = g_build_filename (dir, "q.csv.gz", NULL);
  g_autofree char *cap = g_build_filename (dir, "q.pcapng.gz", NULL);
  TaDemoConfig c = { 1, N, TA_DEMO_DEFAULT_START_US, 2 * G_GINT64_CONSTANT (3600000000), TRUE };
  double best = 1e9;

  for (int round = 0; round < 3; round++)
    {
      gint64 t0 = g_get_monotonic_time ();

      g_assert (ta_demo_write_pair (&c, csv, cap, NULL, NULL, NULL, NULL));
      best = MIN (best, (g_get_monotonic_time () - t0) / 1e6);
    }
  return N / best;
}

static double
whole_demo (const char *dir)
{
  double best = 1e9;

  for (int round = 0; round < 3; round++)
    {
      g_autofree char *out = g_strdup_printf ("%s/demo%d", dir, round);
      TaDemoOptions o = { out, 1, N, 0, 0, FALSE };
      g_autoptr(TaDemoJob) job = ta_demo_job_new (&o);
      gint64 t0 = g_get_monotonic_time ();

      g_assert (ta_job_run (TA_JOB (job), NULL));
      best = MIN (best, (g_get_monotonic_time () - t0) / 1e6);
    }
  return best;
}

int
main (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-bench-demo-XXXXXX", NULL);
  g_autofree char *cmd = NULL;
  double piped_rate, par, serial, level6;

  piped_rate = piped (dir);
  par = pair (dir, TRUE, TRUE);
  serial = pair (dir, FALSE, TRUE);
  level6 = pair (dir, TRUE, FALSE);
  printf ("BENCH demo_generate_pkts_per_s %.0f packets/s\n", piped_rate);
  printf ("BENCH demo_generate_twogen_pkts_per_s %.0f packets/s\n", par);
  printf ("BENCH demo_generate_serial_pkts_per_s %.0f packets/s\n", serial);
  printf ("BENCH demo_generate_level6_pkts_per_s %.0f packets/s\n", level6);
  printf ("BENCH demo_generate_vs_twogen_ratio %.2f x\n", piped_rate / par);
  printf ("BENCH demo_generate_vs_serial_ratio %.2f x\n", piped_rate / serial);
  printf ("BENCH demo_generate_level1_vs_level6_ratio %.2f x\n", par / level6);
  printf ("BENCH demo_job_seconds %.2f s\n", whole_demo (dir));
  cmd = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (cmd) != 0)
    g_printerr ("bench-demo: could not remove %s\n", dir);
  return 0;
}
