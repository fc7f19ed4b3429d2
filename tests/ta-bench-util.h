/* ta-bench-util.h — what the benchmark programs share: running
 * `timearcs-cli` as a child with its wall time, CPU time and peak RSS, and
 * generated inputs cached under the temporary folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double  wall_s;
  double  cpu_s;
  double  peak_rss_mib;
  int     status;
} TaBenchRun;

/* Runs @argv (argv[0] a path) and waits for it */
TaBenchRun  ta_bench_run_child    (const char * const *argv);
/* Removes a file or a folder and all it holds */
void        ta_bench_remove_tree  (const char         *path);
/* @cache_dir/demo-gen-N-s1@ext (".csv", ".csv.gz", ".pcap.gz", …): @packets
 * packets of `timearcs-cli generate --seed 1`, made once and reused; its IP
 * map in *@ip_map. Prints a BENCH generate_… line when it had to make it. */
char       *ta_bench_generated    (const char         *cache_dir,
                                   guint64             packets,
                                   const char         *ext,
                                   char              **ip_map);

G_END_DECLS
