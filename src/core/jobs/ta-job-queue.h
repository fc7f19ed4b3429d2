/* ta-job-queue.h — jobs run one after another, off the main thread
 *
 * The GTK-free heart of the in-app runner. It holds TaJob of any kind and
 * runs them in order, one at a time, with ta_job_run_async(). Every signal
 * is emitted on the main context that was thread-default when the queue
 * was created; so are the running job's property notifies (its progress).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-command.h"
#include "ta-extract-job.h"
#include "ta-job.h"

G_BEGIN_DECLS


#define TA_TYPE_JOB_QUEUE (ta_job_queue_get_type ())
G_DECLARE_FINAL_TYPE (TaJobQueue, ta_job_queue, TA, JOB_QUEUE, GObject)

/*
 * Signals (main context):
 *   ::job-added    (guint id, TaJob *job)
 *   ::job-started  (guint id, TaJob *job, const char *output or NULL)
 *   ::job-finished (guint id, const char *output or NULL, GError *error or NULL)
 *                  output is NULL after an error; error is
 *                  G_IO_ERROR_CANCELLED after a cancel
 * Properties: n-pending (guint, jobs waiting, not counting the running one),
 *             running (gboolean)
 */
TaJobQueue    *ta_job_queue_new              (void);
/* Queues @job (a reference is taken; it must not have run); returns its id
 * (> 0). @output, the file or folder it writes, is reserved until it
 * finishes. Starts it at once when idle (from an idle callback, so
 * ::job-started follows the return). */
guint          ta_job_queue_add              (TaJobQueue          *self,
                                              TaJob               *job,
                                              const char          *output);
/* Queues the extraction @spec describes (ta_extract_spec_to_options()),
 * reserving its output folder; 0 with @error set when @spec is invalid */
guint          ta_job_queue_add_extraction   (TaJobQueue          *self,
                                              const TaExtractSpec *spec,
                                              GError             **error);
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
/* The running job or NULL */
TaJob         *ta_job_queue_get_current      (TaJobQueue          *self);
/* Output folders of queued and running jobs (path set, owned by the queue):
 * pass it to ta_command_unique_path() so two queued jobs never share one */
GHashTable    *ta_job_queue_get_reserved     (TaJobQueue          *self);

/* A few lines about a finished subset folder, from its manifest.json */
char          *ta_folder_manifest_summary    (const char          *folder,
                                              GError             **error);

G_END_DECLS
