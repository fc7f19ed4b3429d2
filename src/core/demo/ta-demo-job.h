/* ta-demo-job.h — a complete synthetic investigation in one folder, as a
 * TaJob
 *
 * Writes, for the network of ta-demo-gen.h:
 *   demo.pcapng.gz                 the capture (Ethernet, 96-byte snapshots)
 *   decoded_demo.csv.gz            the same packets as a packet CSV
 *   demo_ip_map.json               the ids of that CSV
 *   ground_truth.csv               one row per (attack, attacker, victim)
 *   event_type_mapping_demo.json   the attacks' labels (normal -1, 0 …)
 *   attack_group_mapping_demo.json the original's groups
 *   color_mapping.json, attack_group_color_mapping.json
 *   demo_attacks.csv, demo_grouped_attacks.csv  made by the attacks job
 *                                  from the CSV and the ground truth
 *   timearcs-demo.json             what made it (written last)
 * named so that the TimeArcs view finds the mappings, the IP map, the
 * colours and the ground truth next to demo_attacks.csv, and an
 * extraction finds decoded_demo.csv.gz for it in the folder.
 *
 * The capture and the CSV are generated in two threads at once (the
 * generator is deterministic, so both see the same packets); gzip level 1.
 * Everything is written into a hidden sibling folder that takes the
 * folder's name only when complete; a failed or cancelled run leaves
 * nothing. An existing folder is replaced only with force, and only when
 * it is a demo investigation (TA_DEMO_MARKER).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-demo-gen.h"
#include "ta-demo-write.h"
#include "ta-job.h"

G_BEGIN_DECLS

#define TA_DEMO_DEFAULT_PACKETS 500000
#define TA_DEMO_DEFAULT_SEED 1
/* 2026-11-02 09:00:00 UTC */
#define TA_DEMO_DEFAULT_START_US G_GINT64_CONSTANT (1793610000000000)
#define TA_DEMO_ATTACK_FILE "demo_attacks.csv"

typedef struct
{
  char    *dir;
  guint64  seed;
  guint64  packets;
  gint64   start_us;
  gint64   duration_us;    /* 0: two hours */
  gboolean force;
} TaDemoOptions;

typedef struct
{
  char    *dir;
  char    *attack_file;    /* DIR/demo_attacks.csv */
  guint64  packets;
  guint64  attack_packets[TA_DEMO_N_ATTACKS];
  guint64  normal_packets;
  guint    gt_rows;
  gint64   first_us, last_us;
  guint64  attack_rows;    /* rows of demo_attacks.csv */
} TaDemoResult;

#define TA_TYPE_DEMO_JOB (ta_demo_job_get_type ())
G_DECLARE_FINAL_TYPE (TaDemoJob, ta_demo_job, TA, DEMO_JOB, TaJob)

TaDemoJob          *ta_demo_job_new        (const TaDemoOptions *options);
/* NULL unless the run succeeded */
const TaDemoResult *ta_demo_job_get_result (TaDemoJob           *self);

/* The capture (pcapng.gz) and the CSV (csv.gz) of @config, generated once
 * and written in two threads (gzip level 1); @tally (initialised, may be
 * NULL) gets the counts; @job (may be NULL) gets progress reports. On
 * failure the files are removed. */
gboolean            ta_demo_write_pair     (const TaDemoConfig  *config,
                                            const char          *csv_path,
                                            const char          *capture_path,
                                            TaDemoTally         *tally,
                                            TaJob               *job,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* The folder the app keeps its demo in: $XDG_DATA_HOME/timearcs/demo */
char               *ta_demo_default_dir    (void);

G_END_DECLS
