/* ta-job.h — one long piece of work with progress, a state and a cancellable
 *
 * The shape every long job of the core has (extraction, attack CSVs,
 * capture import, subset-folder loading). A subclass implements run(),
 * which reports with ta_job_report() from the thread it runs in. The job
 * computes the fraction, rate, ETA and elapsed time once, for all of them.
 *
 * ta_job_run() runs in the calling thread: the properties change and are
 * notified there, at each report. ta_job_run_async() runs in a worker
 * thread: the newest report is kept under one mutex and one low-priority
 * idle on the caller's thread-default main context publishes it, so many
 * reports make few notifies and the last value wins. The final state is set
 * (and the last report published) before the async callback runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TA_JOB_STATE_PENDING,
  TA_JOB_STATE_RUNNING,
  TA_JOB_STATE_SUCCEEDED,
  TA_JOB_STATE_FAILED,
  TA_JOB_STATE_CANCELLED,
} TaJobState;

#define TA_TYPE_JOB_STATE (ta_job_state_get_type ())
GType ta_job_state_get_type (void) G_GNUC_CONST;

#define TA_TYPE_JOB (ta_job_get_type ())
G_DECLARE_DERIVABLE_TYPE (TaJob, ta_job, TA, JOB, GObject)

struct _TaJobClass
{
  GObjectClass parent_class;

  /* The work; in a worker thread (async) or the calling thread (sync).
   * Returns FALSE with @error set on failure (G_IO_ERROR_CANCELLED when
   * @cancellable, the job's own, was cancelled). */
  gboolean (*run) (TaJob         *self,
                   GCancellable  *cancellable,
                   GError       **error);

  gpointer padding[4];
};

/*
 * Properties (read-only, notified on the thread described above):
 *   state        TaJobState
 *   fraction     double, 0–1; -1 when unknown
 *   message      string or NULL (what the job is at, e.g. the current file)
 *   items-done   guint64
 *   items-total  guint64, 0 when unknown
 *   rate         double, items per second
 *   eta          double, seconds left; -1 when unknown
 *   elapsed      double, seconds since the run started
 */

/* From run(), any thread. @fraction: 0–1, or < 0 for "items_done /
 * items_total" (unknown when items_total is 0). Cheap: no allocation unless
 * the message changed. */
void          ta_job_report          (TaJob          *self,
                                      guint64         items_done,
                                      guint64         items_total,
                                      double          fraction,
                                      const char     *message);

/* From run(): whether a report is due, at most ten a second (the last
 * ta_job_report() was TA_JOB_REPORT_PERIOD_US ago or more). Only reads the
 * clock (under the job's mutex): cheap enough to ask every few thousand
 * items. */
#define TA_JOB_REPORT_PERIOD_US (G_USEC_PER_SEC / 10)
gboolean      ta_job_report_due      (TaJob          *self);

GCancellable *ta_job_get_cancellable (TaJob          *self);
void          ta_job_cancel          (TaJob          *self);

/* A job runs once. TRUE on success; the state is final on return. */
gboolean      ta_job_run             (TaJob          *self,
                                      GError        **error);
void          ta_job_run_async       (TaJob          *self,
                                      GAsyncReadyCallback callback,
                                      gpointer        user_data);
gboolean      ta_job_run_finish      (TaJob          *self,
                                      GAsyncResult   *result,
                                      GError        **error);

TaJobState    ta_job_get_state       (TaJob          *self);
double        ta_job_get_fraction    (TaJob          *self);
/* Owned by the job, valid until the next notify on the same thread */
const char   *ta_job_get_message     (TaJob          *self);
guint64       ta_job_get_items_done  (TaJob          *self);
guint64       ta_job_get_items_total (TaJob          *self);
double        ta_job_get_rate        (TaJob          *self);
double        ta_job_get_eta         (TaJob          *self);
double        ta_job_get_elapsed     (TaJob          *self);
/* Whether the job has finished (succeeded, failed or cancelled) */
gboolean      ta_job_is_done         (TaJob          *self);

G_END_DECLS
