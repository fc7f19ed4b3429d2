/* ta-job-queue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-job-queue.h"

typedef struct
{
  guint  id;
  TaJob *job;
  char  *output;
} Entry;

struct _TaJobQueue
{
  GObject       parent_instance;

  GMainContext *context;
  GQueue        pending;     /* Entry* */
  Entry        *current;
  GHashTable   *reserved;    /* outputs */
  GSource      *start_source;
  guint         next_id;
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
  JOB_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
entry_free (Entry *entry)
{
  g_object_unref (entry->job);
  g_free (entry->output);
  g_free (entry);
}

static void schedule_start (TaJobQueue *self);

/* ---------------------------------------------------------------------- */

static void
finish_entry (TaJobQueue   *self,
              Entry        *entry,
              const GError *error)
{
  if (entry->output != NULL)
    g_hash_table_remove (self->reserved, entry->output);

  g_signal_emit (self, signals[JOB_FINISHED], 0, entry->id,
                 error == NULL ? entry->output : NULL, error);
  entry_free (entry);
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TaJobQueue) self = user_data;
  g_autoptr(GError) error = NULL;
  Entry *entry = self->current;

  g_assert (entry != NULL && (GObject *) entry->job == source);
  ta_job_run_finish (entry->job, result, &error);
  self->current = NULL;
  finish_entry (self, entry, error);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  schedule_start (self);
}

static gboolean
start_next_cb (gpointer data)
{
  TaJobQueue *self = data;
  Entry *entry;

  self->start_source = NULL;

  if (self->current != NULL || g_queue_is_empty (&self->pending))
    return G_SOURCE_REMOVE;

  entry = g_queue_pop_head (&self->pending);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);

  self->current = entry;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[JOB_STARTED], 0, entry->id, entry->job, entry->output);

  /* the job may have been cancelled from a ::job-started handler: it then
   * finishes with G_IO_ERROR_CANCELLED */
  g_main_context_push_thread_default (self->context);
  ta_job_run_async (entry->job, job_done_cb, g_object_ref (self));
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
  Entry *entry;

  /* a running job holds a reference to the queue, so none runs here */
  if (self->start_source != NULL)
    {
      g_source_destroy (self->start_source);
      self->start_source = NULL;
    }
  while ((entry = g_queue_pop_head (&self->pending)) != NULL)
    entry_free (entry);

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
                  G_TYPE_UINT, TA_TYPE_JOB);
  signals[JOB_STARTED] =
    g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, TA_TYPE_JOB, G_TYPE_STRING);
  signals[JOB_FINISHED] =
    g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, G_TYPE_STRING, G_TYPE_ERROR);
}

static void
ta_job_queue_init (TaJobQueue *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->reserved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->next_id = 1;
  g_queue_init (&self->pending);
}

TaJobQueue *
ta_job_queue_new (void)
{
  return g_object_new (TA_TYPE_JOB_QUEUE, NULL);
}

guint
ta_job_queue_add (TaJobQueue *self,
                  TaJob      *job,
                  const char *output)
{
  Entry *entry;

  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), 0);
  g_return_val_if_fail (TA_IS_JOB (job), 0);
  g_return_val_if_fail (ta_job_get_state (job) == TA_JOB_STATE_PENDING, 0);

  entry = g_new0 (Entry, 1);
  entry->id = self->next_id++;
  entry->job = g_object_ref (job);
  entry->output = g_strdup (output);

  if (output != NULL)
    g_hash_table_add (self->reserved, g_strdup (output));

  g_queue_push_tail (&self->pending, entry);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  g_signal_emit (self, signals[JOB_ADDED], 0, entry->id, entry->job);
  schedule_start (self);

  return entry->id;
}

guint
ta_job_queue_add_extraction (TaJobQueue           *self,
                             const TaExtractSpec  *spec,
                             GError              **error)
{
  g_autoptr(TaExtractOptions) options = NULL;
  g_autoptr(TaExtractJob) job = NULL;

  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), 0);
  g_return_val_if_fail (spec != NULL, 0);

  options = ta_extract_spec_to_options (spec, error);
  if (options == NULL)
    return 0;
  job = ta_extract_job_new (options);
  return ta_job_queue_add (self, TA_JOB (job), spec->output_dir);
}

gboolean
ta_job_queue_cancel (TaJobQueue *self,
                     guint       id)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), FALSE);

  if (self->current != NULL && self->current->id == id)
    {
      ta_job_cancel (self->current->job);
      return TRUE;
    }

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      if (entry->id == id)
        {
          g_autoptr(GError) error =
            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The job was cancelled before it started"));

          g_queue_delete_link (&self->pending, l);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
          finish_entry (self, entry, error);
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
    ta_job_queue_cancel (self, ((Entry *) g_queue_peek_head (&self->pending))->id);
}

void
ta_job_queue_cancel_all (TaJobQueue *self)
{
  g_return_if_fail (TA_IS_JOB_QUEUE (self));

  ta_job_queue_cancel_pending (self);
  if (self->current != NULL)
    ta_job_cancel (self->current->job);
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

TaJob *
ta_job_queue_get_current (TaJobQueue *self)
{
  g_return_val_if_fail (TA_IS_JOB_QUEUE (self), NULL);

  return self->current != NULL ? self->current->job : NULL;
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
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObject *obj;
  JsonNode *root;

  parser = ta_json_load_file (path, NULL, TA_FILE_READ_MAX_WHOLE, NULL, error);
  if (parser == NULL)
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
