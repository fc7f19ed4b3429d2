/* ta-import-job.h — captures in, a packet CSV and an extended IP map out
 *
 * Every packet of every capture becomes one row of the packet CSV
 * (FORMATS.md §1) with its addresses written as ids of the IP map; an
 * existing map is loaded and extended with the addresses it lacks. The CSV
 * is written to a temporary sibling and renamed into place (gzip when its
 * name ends in .gz). A TaJob: items are packets, the fraction is by input
 * bytes, the message is the current capture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-job.h"
#include "ta-read-stats.h"

G_BEGIN_DECLS

typedef struct
{
  char   **inputs;      /* captures, plain or gzip */
  char    *out;         /* packet CSV */
  char    *ip_map;      /* loaded if it exists, then written */
  gboolean force;       /* replace an existing output */
} TaImportOptions;

TaImportOptions *ta_import_options_new  (void);
void             ta_import_options_free (TaImportOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaImportOptions, ta_import_options_free)

/* What a run did; valid after it, the messages also after a failure */
typedef struct
{
  guint        n_read;
  guint        n_skipped;   /* could not be opened or rejected at once */
  guint        n_failed;    /* skipped, or damaged part-way */
  guint64      packets;     /* rows written */
  guint        new_ids;     /* addresses added to the map */
  guint        map_size;
  double       wall_time;   /* seconds, from the first capture read */
  GPtrArray   *messages;    /* char*: one per failed capture, in order */
  TaReadStats  stats;
} TaImportResult;

#define TA_TYPE_IMPORT_JOB (ta_import_job_get_type ())
G_DECLARE_FINAL_TYPE (TaImportJob, ta_import_job, TA, IMPORT_JOB, TaJob)

/* Errors of the run: TA_ERROR_EXISTS (the output exists and !force),
 * TA_ERROR_NO_INPUT (no capture could be read; nothing written),
 * TA_ERROR_IO (writing), the IP map's load and save errors,
 * G_IO_ERROR_CANCELLED (nothing written). A run where some captures failed
 * succeeds: see n_failed. */
TaImportJob          *ta_import_job_new        (const TaImportOptions *options);
const TaImportResult *ta_import_job_get_result (TaImportJob           *self);

G_END_DECLS
