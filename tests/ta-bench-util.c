/* ta-bench-util.c
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

#include "ta-bench-util.h"

extern char **environ;

void
ta_bench_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        ta_bench_remove_tree (child);
      else
        g_remove (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

TaBenchRun
ta_bench_run_child (const char * const *argv)
{
  TaBenchRun r = { 0 };
  struct rusage ru;
  gint64 t0;
  pid_t pid;
  int status;
  int rc;

  t0 = g_get_monotonic_time ();
  rc = posix_spawn (&pid, argv[0], NULL, NULL, (char * const *) argv, environ);
  if (rc != 0)
    g_error ("cannot run %s: %s", argv[0], g_strerror (rc));
  while (wait4 (pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      g_error ("wait4: %s", g_strerror (errno));
  r.wall_s = (g_get_monotonic_time () - t0) / 1e6;
  r.cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  r.peak_rss_mib = ru.ru_maxrss / 1024.0;
  r.status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  return r;
}

char *
ta_bench_generated (const char  *cache_dir,
                    guint64      packets,
                    const char  *ext,
                    char       **ip_map)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *base = g_strdup_printf ("demo-gen-%" G_GUINT64_FORMAT "-s1", packets);
  g_autofree char *name = g_strconcat (base, ext, NULL);
  g_autofree char *partial = g_strconcat (base, ".partial", ext, NULL);
  g_autofree char *map_name = g_strconcat (base, ".json", NULL);
  g_autofree char *partial_path = g_build_filename (cache_dir, partial, NULL);
  g_autofree char *label = g_strdelimit (g_strdup (ext + 1), ".", '_');
  char *path = g_build_filename (cache_dir, name, NULL);
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, packets);
  TaBenchRun r;

  *ip_map = g_build_filename (cache_dir, map_name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS) && g_file_test (*ip_map, G_FILE_TEST_EXISTS))
    return path;

  {
    const char *argv[] = { cli, "generate", "--force", "--packets", n, "--seed", "1",
                           "--start-us", "1257254400000000",
                           "--out", partial_path, "--ip-map", *ip_map, NULL };

    g_assert_nonnull (cli);
    r = ta_bench_run_child (argv);
  }
  if (r.status != 0)
    g_error ("generator failed (%d)", r.status);
  if (g_rename (partial_path, path) != 0)
    g_error ("rename: %s", g_strerror (errno));
  printf ("# generated %s (%" G_GUINT64_FORMAT " packets) in %.1f s\n", path, packets, r.wall_s);
  printf ("BENCH generate_%" G_GUINT64_FORMAT "k_%s_seconds %.1f s\n", packets / 1000, label, r.wall_s);
  fflush (stdout);
  return path;
}
