/* ta-extract-job.h — one extraction: packet files in, a v2.0 subset folder
 * out (issue 4). Used by `timearcs-cli extract` (synchronously) and by the
 * GUI (asynchronously); identical options give identical folders.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-folder-writer.h"
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
} TaExtractOptions;

TaExtractOptions *ta_extract_options_new  (void);
TaExtractOptions *ta_extract_options_copy (const TaExtractOptions *options);
void              ta_extract_options_free (TaExtractOptions       *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaExtractOptions, ta_extract_options_free)

typedef struct
{
  guint64     rows_read;       /* data rows seen, all files */
  guint64     rows_kept;       /* rows that passed the filters */
  guint64     bytes_done;      /* input bytes read (compressed bytes for gzip) */
  guint64     bytes_total;     /* size of all inputs */
  double      rows_per_s;
  double      eta_s;           /* < 0 when unknown */
  const char *current_file;
} TaExtractProgress;

/* Called at most about ten times a second: from the worker thread with
 * ta_extract_job_run(), on the calling thread's main context with
 * ta_extract_job_run_async(). */
typedef void (*TaExtractProgressFunc) (const TaExtractProgress *progress,
                                       gpointer                 user_data);

/* What each filter did, for summaries */
typedef struct
{
  guint    files_read;
  guint    files_skipped;      /* missing or unreadable: warned about */
  guint    files_stopped_early;/* past the time end in a time-ordered file */
  guint64  rejected_time;
  guint64  rejected_ip;
  guint64  rows_kept;
  gboolean max_reached;        /* reading stopped at --max-records */
} TaExtractCounts;

#define TA_TYPE_EXTRACT_JOB (ta_extract_job_get_type ())

G_DECLARE_FINAL_TYPE (TaExtractJob, ta_extract_job, TA, EXTRACT_JOB, GObject)

TaExtractJob           *ta_extract_job_new               (const TaExtractOptions *options);
const TaExtractOptions *ta_extract_job_get_options       (TaExtractJob           *self);
void                    ta_extract_job_set_progress_func (TaExtractJob           *self,
                                                          TaExtractProgressFunc   func,
                                                          gpointer                user_data,
                                                          GDestroyNotify          destroy);
/* Errors: TA_ERROR_NO_INPUT, TA_ERROR_EXISTS, TA_ERROR_INVALID_ARGUMENT,
 * TA_ERROR_MISSING_COLUMN, TA_ERROR_FORMAT, TA_ERROR_CORRUPT, TA_ERROR_IO,
 * G_IO_ERROR_CANCELLED. On any error no output folder is left behind. A job
 * runs once. */
gboolean                ta_extract_job_run               (TaExtractJob           *self,
                                                          GCancellable           *cancellable,
                                                          GError                **error);
void                    ta_extract_job_run_async         (TaExtractJob           *self,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean                ta_extract_job_run_finish        (TaExtractJob           *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);

/* Results, valid after the run (the stats and counts also after a failure) */
const TaReadStats      *ta_extract_job_get_read_stats    (TaExtractJob           *self);
const TaExtractCounts  *ta_extract_job_get_counts        (TaExtractJob           *self);
/* NULL unless the run succeeded */
const TaFolderSummary  *ta_extract_job_get_summary       (TaExtractJob           *self);
double                  ta_extract_job_get_wall_time     (TaExtractJob           *self);

G_END_DECLS
