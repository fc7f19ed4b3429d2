/* ta-job-queue.h — extractions run one after another, off the main thread
 *
 * The GTK-free heart of the in-app runner. Each job is a TaExtractSpec (the
 * same struct the copied `timearcs-cli extract` line is built from); jobs
 * run in order, one at a time, through the core extraction job's
 * _async/_finish pair (a GTask worker). Every signal is emitted on the main
 * context that was thread-default when the queue was created, progress
 * included (samples from the worker are coalesced: at most one pending
 * emission at a time, the newest sample wins).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-command.h"
#include "ta-extract-job.h"

G_BEGIN_DECLS

/* What a running job reports; any thread */
typedef struct
{
  guint64 rows;          /* input rows / records read so far */
  guint64 packets_kept;  /* rows that passed the filters */
  guint64 bytes_done;    /* input bytes read (compressed bytes for gzip) */
  guint64 bytes_total;   /* sum of the input files' sizes; 0 = unknown */
} TaJobSample;

/* What the queue's ::progress signal carries */
typedef struct
{
  guint   job_id;
  TaJobSample sample;
  double  fraction;      /* 0–1, by bytes; -1 when unknown */
  double  rows_per_s;
  double  eta_s;         /* -1 when unknown */
  double  elapsed_s;
} TaJobProgress;

#define TA_TYPE_JOB_PROGRESS (ta_job_progress_get_type ())
GType          ta_job_progress_get_type (void) G_GNUC_CONST;
TaJobProgress *ta_job_progress_copy     (const TaJobProgress *progress);
void           ta_job_progress_free     (TaJobProgress       *progress);

typedef void (*TaJobSampleFunc) (const TaJobSample *sample,
                                 gpointer           user_data);

/* How a job is run. The default backend is the core extraction job
 * (ta-extract-job.h); tests may install another. run_finish returns the
 * output folder on success. */
typedef struct
{
  void   (*run_async)  (const TaExtractSpec *spec,
                        GCancellable        *cancellable,
                        TaJobSampleFunc      sample_func,
                        gpointer             sample_data,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data);
  char  *(*run_finish) (GAsyncResult        *result,
                        GError             **error);
} TaJobBackend;

/* The extraction job (ta-extract-job.h) as a backend */
const TaJobBackend *ta_job_backend_default (void);

#define TA_TYPE_JOB_QUEUE (ta_job_queue_get_type ())
G_DECLARE_FINAL_TYPE (TaJobQueue, ta_job_queue, TA, JOB_QUEUE, GObject)

/*
 * Signals (main context):
 *   ::job-added    (guint id, TaExtractSpec *spec)
 *   ::job-started  (guint id, TaExtractSpec *spec)
 *   ::progress     (TaJobProgress *progress)
 *   ::job-finished (guint id, const char *output_dir or NULL, GError *error or NULL)
 *                  error is G_IO_ERROR_CANCELLED after a cancel
 * Properties: n-pending (guint, jobs waiting, not counting the running one),
 *             running (gboolean)
 */
TaJobQueue    *ta_job_queue_new              (void);
void           ta_job_queue_set_backend      (TaJobQueue          *self,
                                              const TaJobBackend  *backend);
/* Queues a copy of @spec; returns its id (> 0). Starts it at once when idle
 * (from an idle callback, so ::job-started follows the return). */
guint          ta_job_queue_add              (TaJobQueue          *self,
                                              const TaExtractSpec *spec);
/* Cancels a running job or drops a waiting one (::job-finished with
 * G_IO_ERROR_CANCELLED either way). FALSE when no such job. */
gboolean       ta_job_queue_cancel           (TaJobQueue          *self,
                                              guint                id);
/* Drops every waiting job; the running one goes on */
void           ta_job_queue_cancel_pending   (TaJobQueue          *self);
/* Drops the waiting jobs and cancels the running one */
void           ta_job_queue_cancel_all       (TaJobQueue          *self);
guint          ta_job_queue_get_n_pending    (TaJobQueue          *self);
gboolean       ta_job_queue_get_running      (TaJobQueue          *self);
guint          ta_job_queue_get_current_id   (TaJobQueue          *self);
/* Output folders of queued and running jobs (path set, owned by the queue):
 * pass it to ta_command_unique_path() so two queued jobs never share one */
GHashTable    *ta_job_queue_get_reserved     (TaJobQueue          *self);

/* A few lines about a finished subset folder, from its manifest.json */
char          *ta_folder_manifest_summary    (const char          *folder,
                                              GError             **error);

G_END_DECLS
