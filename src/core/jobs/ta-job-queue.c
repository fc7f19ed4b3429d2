/* ta-job-queue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-job-queue.h"

G_DEFINE_BOXED_TYPE (TaJobProgress, ta_job_progress,
                     ta_job_progress_copy, ta_job_progress_free)

TaJobProgress *
ta_job_progress_copy (const TaJobProgress *progress)
{
  return g_memdup2 (progress, sizeof *progress);
}

void
ta_job_progress_free (TaJobProgress *progress)
{
  g_free (progress);
}

typedef struct
{
  guint          id;
  TaExtractSpec *spec;
  GCancellable  *cancellable;
  TaJobQueue    *queue;       /* strong while running, else NULL */
  GMainContext  *context;
  gint64         started_us;

  GMutex         lock;        /* guards the three below */
  TaJobSample    latest;
  gboolean       emit_pending;
  gboolean       done;
} Job;

struct _TaJobQueue
{
  GObject             parent_instance;

  GMainContext       *context;
  const TaJobBackend *backend;
  GQueue              pending;     /* Job* (references) */
  Job                *current;     /* reference */
  GHashTable         *reserved;    /* output dirs */
  GSource            *start_source;
  guint               next_id;
};

G_DEFINE_FINAL_TYPE (TaJobQueue, ta_job_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_PENDING,
  PROP_RUNNING,
  N_PROPS
};

enum {
  JOB_ADDED,
  JOB_STARTED,
  PROGRESS,
  JOB_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
job_clear (gpointer data)
{
  Job *job = data;

  ta_extract_spec_free (job->spec);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->queue);
  g_main_context_unref (job->context);
  g_mutex_clear (&job->lock);
}

static Job *
job_ref (Job *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
job_unref (Job *job)
{
  g_atomic_rc_box_release_full (job, job_clear);
}

static void schedule_start (TaJobQueue *self);

/* ---------------------------------------------------------------------- */
/* progress: from any thread to the queue's context                         */

static gboolean
emit_progress_cb (gpointer data)
{
  Job *job = data;
  TaJobProgress progress = { 0 };
  gboolean done;

  g_mutex_lock (&job->lock);
  progress.sample = job->latest;
  job->emit_pending = FALSE;
  done = job->done;
  g_mutex_unlock (&job->lock);

  if (done || job->queue == NULL || job->queue->current != job)
    return G_SOURCE_REMOVE;

  progress.job_id = job->id;
  progress.elapsed_s = (g_get_monotonic_time () - job->started_us) / (double) G_USEC_PER_SEC;
  progress.rows_per_s = progress.elapsed_s > 0 ? progress.sample.rows / progress.elapsed_s : 0;
  if (progress.sample.bytes_total > 0)
    {
      progress.fraction = MIN (1.0, progress.sample.bytes_done / (double) progress.sample.bytes_total);
      progress.eta_s = progress.fraction > 0.001
                         ? progress.elapsed_s * (1.0 - progress.fraction) / progress.fraction
                         : -1;
    }
  else
    {
      progress.fraction = -1;
      progress.eta_s = -1;
    }

  g_signal_emit (job->queue, signals[PROGRESS], 0, &progress);
  return G_SOURCE_REMOVE;
}

static void
job_sample_cb (const TaJobSample *sample,
               gpointer           user_data)
{
  Job *job = user_data;
  gboolean schedule = FALSE;

  g_mutex_lock (&job->lock);
  job->latest = *sample;
  if (!job->emit_pending && !job->done)
    {
      job->emit_pending = TRUE;
      schedule = TRUE;
    }
  g_mutex_unlock (&job->lock);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emit_progress_cb, job_ref (job), (GDestroyNotify) job_unref);
      g_source_set_static_name (source, "[timearcs] job progress");
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
}

/* ---------------------------------------------------------------------- */

static void
finish_job (TaJobQueue *self,
            Job        *job,
            const char *output_dir,
            GError     *error)
{
  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_mutex_unlock (&job->lock);

  if (job->spec->output_dir != NULL)
    g_hash_table_remove (self->reserved, job->spec->output_dir);

  g_signal_emit (self, signals[JOB_FINISHED], 0, job->id, output_dir, error);
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(TaJobQueue) self = g_steal_pointer (&job->queue);
  g_autoptr(GError) error = NULL;
  g_autofree char *output_dir = NULL;

  output_dir = self->backend->run_finish (result, &error);

  g_assert (self->current == job);
  self->current = NULL;
  finish_job (self, job, output_dir, error);
  job_unref (job);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  schedule_start (self);
}

static gboolean
start_next_cb (gpointer data)
{
  TaJobQueue *self = data;
  Job *job;

  self->start_source = NULL;

  if (self->current != NULL || g_queue_is_empty (&self->pending))
    return G_SOURCE_REMOVE;

  job = g_queue_pop_head (&self->pending);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);

  if (self->backend == NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                             _("This build has no extraction job"));
      finish_job (self, job, NULL, error);
      job_unref (job);
      schedule_start (self);
      return G_SOURCE_REMOVE;
    }

  self->current = job;
  job->queue = g_object_ref (self);
  job->started_us = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[JOB_STARTED], 0, job->id, job->spec);

  /* the job may have been cancelled from a ::job-started handler: the
   * backend then finishes it with G_IO_ERROR_CANCELLED */
  g_main_context_push_thread_default (self->context);
  self->backend->run_async (job->spec, job->cancellable,
                            job_sample_cb, job,
                            job_done_cb, job);
  g_main_context_pop_thread_default (self->context);

  return G_SOURCE_REMOVE;
}

static void
schedule_start (TaJobQueue *self)
{
  if (self->start_source != NULL || self->current != NULL || g_queue_is_empty (&self->pending))
    return;

  self->start_source = g_idle_source_new ();
  g_source_set_callback (self->start_source, start_next_cb, self, NULL);
  g_source_set_static_name (self->start_source, "[timearcs] start next job");
  g_source_attach (self->start_source, self->context);
  g_source_unref (self->start_source);
}

/* ---------------------------------------------------------------------- */

static void
ta_job_queue_dispose (GObject *object)
{
  TaJobQueue *self = (TaJobQueue *) object;
  Job *job;

  /* a running job holds a reference to the queue, so none runs here */
  if (self->start_source != NULL)
    {
      g_source_destroy (self->start_source);
      self->start_source = NULL;
    }
  while ((job = g_queue_pop_head (&self->pending)) != NULL)
    job_unref (job);

  G_OBJECT_CLASS (ta_job_queue_parent_class)->dispose (object);
}

static void
ta_job_queue_finalize (GObject *object)
{
  TaJobQueue *self = (TaJobQueue *) object;

  g_hash_table_unref (self->reserved);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ta_job_queue_parent_class)->finalize (object);
}

static void
ta_job_queue_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TaJobQueue *self = TA_JOB_QUEUE (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, ta_job_queue_get_n_pending (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, ta_job_queue_get_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_job_queue_class_init (TaJobQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ta_job_queue_dispose;
  object_class->finalize = ta_job_queue_finalize;
  object_class->get_property = ta_job_queue_get_property;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[JOB_ADDED] =
    g_signal_new ("job-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_UINT, TA_TYPE_EXTRACT_SPEC | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[JOB_STARTED] =
    g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_UINT, TA_TYPE_EXTRACT_SPEC | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  TA_TYPE_JOB_PROGRESS | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
ta_job_queue_init (TaJobQueue *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->backend = ta_job_backend_default ();
  self->reserved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->next_id = 1;
  g_queue_init (&self->pending);
}

TaJobQueue *
ta_job_queue_new (void)
{
  return g_object_new (TA_TYPE_JOB_QUEUE, NULL);
}

void
ta_job_queue_set_backend (TaJobQueue         *self,
                          const TaJobBackend *backend)
{
  g_return_if_fail (TA_IS_JOB_QUEUE (self));

  self->backend = backend;
}

guint
ta_job_queue_add (TaJobQueue          *self,
                  const TaExtractSpec *spec)
{
  Job *job;

  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), 0);
  g_return_val_if_fail (spec != NULL, 0);

  job = g_atomic_rc_box_new0 (Job);
  g_mutex_init (&job->lock);
  job->id = self->next_id++;
  job->spec = ta_extract_spec_copy (spec);
  job->cancellable = g_cancellable_new ();
  job->context = g_main_context_ref (self->context);

  if (spec->output_dir != NULL)
    g_hash_table_add (self->reserved, g_strdup (spec->output_dir));

  g_queue_push_tail (&self->pending, job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  g_signal_emit (self, signals[JOB_ADDED], 0, job->id, job->spec);
  schedule_start (self);

  return job->id;
}

gboolean
ta_job_queue_cancel (TaJobQueue *self,
                     guint       id)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), FALSE);

  if (self->current != NULL && self->current->id == id)
    {
      g_cancellable_cancel (self->current->cancellable);
      return TRUE;
    }

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Job *job = l->data;

      if (job->id == id)
        {
          g_autoptr(GError) error =
            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The extraction was cancelled before it started"));

          g_queue_delete_link (&self->pending, l);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
          finish_job (self, job, NULL, error);
          job_unref (job);
          return TRUE;
        }
    }

  return FALSE;
}

void
ta_job_queue_cancel_pending (TaJobQueue *self)
{
  g_return_if_fail (TA_IS_JOB_QUEUE (self));

  /* in order, so ::job-finished reports them as they were queued */
  while (!g_queue_is_empty (&self->pending))
    ta_job_queue_cancel (self, ((Job *) g_queue_peek_head (&self->pending))->id);
}

void
ta_job_queue_cancel_all (TaJobQueue *self)
{
  g_return_if_fail (TA_IS_JOB_QUEUE (self));

  ta_job_queue_cancel_pending (self);
  if (self->current != NULL)
    g_cancellable_cancel (self->current->cancellable);
}

guint
ta_job_queue_get_n_pending (TaJobQueue *self)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), 0);

  return self->pending.length;
}

gboolean
ta_job_queue_get_running (TaJobQueue *self)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), FALSE);

  return self->current != NULL;
}

guint
ta_job_queue_get_current_id (TaJobQueue *self)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), 0);

  return self->current != NULL ? self->current->id : 0;
}

GHashTable *
ta_job_queue_get_reserved (TaJobQueue *self)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), NULL);

  return self->reserved;
}

/* ---------------------------------------------------------------------- */

static char *
format_us (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT " µs", us);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
}

char *
ta_folder_manifest_summary (const char  *folder,
                            GError     **error)
{
  g_autofree char *path = g_build_filename (folder, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObject *obj;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not a JSON object"), path);
      return NULL;
    }
  obj = json_node_get_object (root);


  {
    gint64 packets = json_object_get_int_member_with_default (obj, "total_packets", 0);
    gint64 tcp = json_object_get_int_member_with_default (obj, "tcp_packets", 0);
    gint64 flows = json_object_get_int_member_with_default (obj, "total_flows", 0);
    gint64 ips = json_object_get_int_member_with_default (obj, "unique_ips", 0);

    g_string_append_printf (out,
                            _("%lld packets (%lld TCP), %lld flows, %lld addresses"),
                            (long long) packets, (long long) tcp, (long long) flows, (long long) ips);
  }

  if (json_object_has_member (obj, "time_range") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "time_range")))
    {
      JsonObject *tr = json_object_get_object_member (obj, "time_range");
      g_autofree char *start = format_us (json_object_get_int_member_with_default (tr, "start", 0));
      g_autofree char *end = format_us (json_object_get_int_member_with_default (tr, "end", 0));

      g_string_append_printf (out, "\n%s – %s", start, end);
    }

  if (json_object_has_member (obj, "attack_context") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "attack_context")))
    {
      JsonObject *ac = json_object_get_object_member (obj, "attack_context");
      const char *type = json_object_get_string_member_with_default (ac, "type", NULL);

      if (type != NULL)
        g_string_append_printf (out, _("\nAttack context: %s"), type);
    }

  if (json_object_has_member (obj, "source_files") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "source_files")))
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "\nFrom %u source file", "\nFrom %u source files",
                                           json_array_get_length (json_object_get_array_member (obj, "source_files"))),
                            json_array_get_length (json_object_get_array_member (obj, "source_files")));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  TaJobSampleFunc func;
  gpointer        data;
} SampleRelay;

static void
relay_progress (const TaExtractProgress *progress,
                gpointer                 user_data)
{
  SampleRelay *relay = user_data;
  TaJobSample sample = {
    .rows = progress->rows_read,
    .packets_kept = progress->rows_kept,
    .bytes_done = progress->bytes_done,
    .bytes_total = progress->bytes_total,
  };

  relay->func (&sample, relay->data);
}

static void
extract_backend_run_async (const TaExtractSpec *spec,
                           GCancellable        *cancellable,
                           TaJobSampleFunc      sample_func,
                           gpointer             sample_data,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(TaExtractOptions) options = NULL;
  g_autoptr(TaExtractJob) job = NULL;
  g_autoptr(GError) error = NULL;
  SampleRelay *relay;

  options = ta_extract_spec_to_options (spec, &error);
  if (options == NULL)
    {
      g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

      g_task_set_source_tag (task, extract_backend_run_async);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = ta_extract_job_new (options);
  relay = g_new0 (SampleRelay, 1);
  relay->func = sample_func;
  relay->data = sample_data;
  ta_extract_job_set_progress_func (job, relay_progress, relay, g_free);
  /* the GTask keeps the job alive until the callback has run */
  ta_extract_job_run_async (job, cancellable, callback, user_data);
}

static char *
extract_backend_run_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  TaExtractJob *job;

  if (source == NULL || !TA_IS_EXTRACT_JOB (source))
    return g_task_propagate_pointer (G_TASK (result), error);

  job = TA_EXTRACT_JOB (source);
  if (!ta_extract_job_run_finish (job, result, error))
    return NULL;
  return g_strdup (ta_extract_job_get_options (job)->output_dir);
}

static const TaJobBackend extract_backend = {
  extract_backend_run_async,
  extract_backend_run_finish,
};

const TaJobBackend *
ta_job_backend_default (void)
{
  return &extract_backend;
}
