/* ta-extract-job.h — one extraction: packet files in, a v2.0 subset folder
 * out. A TaJob: `timearcs-cli extract` runs it with ta_job_run(), the GUI
 * with ta_job_run_async(); identical options give identical folders.
 * Progress: items are input rows read, the fraction is by input bytes, the
 * message is the current input file (about ten reports a second).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-folder-writer.h"
#include "ta-job.h"
#include "ta-profile.h"
#include "ta-read-stats.h"

G_BEGIN_DECLS

typedef struct
{
  char     **data_files;       /* NULL-terminated; plain or gzip CSV or captures */
  char      *ip_map_path;      /* NULL: numeric ids are kept as their decimal text */
  char      *output_dir;
  /* Addresses to keep (a row matches when its source or destination is
   * one): dotted IPv4, IPv6 or numeric ids (resolved through the IP map),
   * mixed freely. NULL: no address filter. */
  char     **filter_ips;
  gboolean   has_time_start;
  gint64     time_start_us;    /* inclusive */
  gboolean   has_time_end;
  gint64     time_end_us;      /* inclusive */
  /* Recorded in manifest.json as the attack the subset was taken for; it
   * does not filter rows (select the rows with the time and IP filters). */
  char      *attack_context;
  guint64    max_records;      /* stop after this many kept rows; 0 = all */
  guint      flow_timeout_s;   /* 0 = TA_FLOW_TIMEOUT_DEFAULT_S */
  guint      chunk_size;       /* flows per chunk file; 0 = TA_CHUNK_SIZE_DEFAULT */
  gboolean   force;            /* replace an existing non-empty output folder */
  /* The traffic profile (ta-profile.h): written under profile/ in the
   * subset folder unless no_profile; with profile_only, output_dir is a
   * profile folder and no subset folder is written */
  gboolean   no_profile;
  gboolean   profile_only;
  /* a service preset (ta-presets.h: "mail", "proxy", "web", "dns"): keep
   * only TCP/UDP packets with a port of its set; NULL = none */
  char      *preset;
  TaProfileOptions profile;    /* its local_nets and relays are owned by the options */
} TaExtractOptions;

TaExtractOptions *ta_extract_options_new  (void);
TaExtractOptions *ta_extract_options_copy (const TaExtractOptions *options);
void              ta_extract_options_free (TaExtractOptions       *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaExtractOptions, ta_extract_options_free)

/* What each filter did, for summaries */
typedef struct
{
  guint    files_read;
  guint    files_skipped;      /* missing or unreadable: warned about */
  guint    files_stopped_early;/* past the time end in a time-ordered file */
  guint64  rejected_time;
  guint64  rejected_ip;
  guint64  rejected_preset;    /* not a port of the preset */
  guint64  rows_kept;
  gboolean max_reached;        /* reading stopped at --max-records */
} TaExtractCounts;

#define TA_TYPE_EXTRACT_JOB (ta_extract_job_get_type ())

G_DECLARE_FINAL_TYPE (TaExtractJob, ta_extract_job, TA, EXTRACT_JOB, TaJob)

/* Errors of the run: TA_ERROR_NO_INPUT, TA_ERROR_EXISTS,
 * TA_ERROR_INVALID_ARGUMENT, TA_ERROR_MISSING_COLUMN, TA_ERROR_FORMAT,
 * TA_ERROR_CORRUPT, TA_ERROR_IO, G_IO_ERROR_CANCELLED. On any error no
 * output folder is left behind. */
TaExtractJob           *ta_extract_job_new               (const TaExtractOptions *options);
const TaExtractOptions *ta_extract_job_get_options       (TaExtractJob           *self);

/* Results, valid after the run (the stats and counts also after a failure;
 * the counts' rows_kept also during a sync run, on its thread) */
const TaReadStats      *ta_extract_job_get_read_stats    (TaExtractJob           *self);
const TaExtractCounts  *ta_extract_job_get_counts        (TaExtractJob           *self);
/* NULL unless the run succeeded (the folder summary also NULL for a
 * profile-only run, the profile summary without a profile) */
const TaFolderSummary  *ta_extract_job_get_summary       (TaExtractJob           *self);
const TaProfileSummary *ta_extract_job_get_profile_summary (TaExtractJob         *self);
double                  ta_extract_job_get_wall_time     (TaExtractJob           *self);

G_END_DECLS
