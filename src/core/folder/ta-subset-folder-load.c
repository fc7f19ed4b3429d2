/* ta-subset-folder-load.c — loading a folder: the manifest, then the
 * flows index in a second thread while this one reads packets.csv, then
 * the statistics; and the async form, whose progress reaches the caller's
 * main context through one idle at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ta-error.h"
#include "ta-subset-folder-private.h"

void
ta_load_context_report (TaLoadContext *ctx,
                        double         fraction,
                        const char    *message)
{
  if (ctx->progress != NULL)
    ctx->progress (fraction, message, ctx->progress_data);
}

static gboolean
load_folder (TaLoadContext  *ctx,
             GError        **error)
{
  TaSubsetFolder *self = ctx->self;
  TaFolderStructure st = { 0 };
  TaFlowsJob job = { 0 };
  GThread *thread = NULL;
  gboolean ok = FALSE;
  guint64 tcp = 0;
  g_autoptr(GFile) index_file = NULL;
  g_autoptr(GFile) index_dir = NULL;
  g_autoptr(GFileInfo) info = NULL;

  ta_load_context_report (ctx, 0.0, _("Reading manifest…"));
  info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, ctx->cancellable, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *name = g_file_get_parse_name (self->file);

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s is not a folder"), name);
      goto out;
    }
  if (!ta_subset_folder_parse_manifest (self, &st, ctx->cancellable, error))
    goto out;

  job.dir = self->file;
  job.rel = st.flows_index;
  job.cancellable = ctx->cancellable;
  job.addrs = ta_addr_table_new ();
  job.strings = self->strings;
  thread = g_thread_new ("ta-flows-index", ta_flows_job_run, &job);

  ta_load_context_report (ctx, 0.05, _("Reading packets…"));
  if (!ta_subset_folder_load_packets (ctx, st.packets, error))
    goto out;
  g_thread_join (g_steal_pointer (&thread));
  if (job.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job.error));
      goto out;
    }

  /* move the flows' addresses into the folder's table */
  {
    guint n = ta_addr_table_get_size (job.addrs);
    g_autofree guint32 *remap = g_new (guint32, MAX (n, 1));

    for (guint i = 0; i < n; i++)
      remap[i] = ta_addr_table_intern_text (self->addrs, ta_addr_table_get_name (job.addrs, i), -1);
    for (guint i = 0; i < job.n_flows; i++)
      {
        TaFlowInfo *f = &job.flows[i];

        f->a = remap[f->a];
        f->b = remap[f->b];
        if (f->initiator != TA_NO_ADDR)
          f->initiator = remap[f->initiator];
        if (f->responder != TA_NO_ADDR)
          f->responder = remap[f->responder];
      }
    self->flows = g_steal_pointer (&job.flows);
    self->n_flows = job.n_flows;
  }

  index_file = g_file_resolve_relative_path (self->file, st.flows_index);
  index_dir = g_file_get_parent (index_file);
  self->chunk_dir = g_file_get_path (index_dir);

  ta_load_context_report (ctx, 0.92, _("Reading statistics…"));
  if (!ta_subset_folder_load_stats (self, &st, ctx->cancellable, error))
    goto out;

  for (guint i = 0; i < self->packets.n; i++)
    tcp += self->packets.proto[i] == 6;
  if (self->packets.n != self->manifest.total_packets)
    ta_subset_folder_add_warning (self, _("%s has %u packets, manifest.json says %llu"),
                                  st.packets, self->packets.n, (unsigned long long) self->manifest.total_packets);
  if (tcp != self->manifest.tcp_packets)
    ta_subset_folder_add_warning (self, _("%s has %llu TCP packets, manifest.json says %llu"),
                                  st.packets, (unsigned long long) tcp, (unsigned long long) self->manifest.tcp_packets);
  if (self->n_flows != self->manifest.total_flows)
    ta_subset_folder_add_warning (self, _("%s has %u flows, manifest.json says %llu"),
                                  st.flows_index, self->n_flows, (unsigned long long) self->manifest.total_flows);

  ta_load_context_report (ctx, 1.0, _("Done"));
  ok = TRUE;

out:
  if (thread != NULL)
    {
      /* the flows thread stops at its next cancellation check, or when it
       * is done; either way it must finish before job is freed */
      g_thread_join (thread);
    }
  g_clear_error (&job.error);
  g_free (job.flows);
  g_clear_pointer (&job.addrs, ta_addr_table_free);
  ta_folder_structure_clear (&st);
  return ok;
}

TaSubsetFolder *
ta_subset_folder_load (GFile           *folder,
                       GCancellable    *cancellable,
                       TaProgressFunc   progress,
                       gpointer         progress_data,
                       GError         **error)
{
  g_autoptr(TaSubsetFolder) self = NULL;
  TaLoadContext ctx;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  self = ta_subset_folder_new (folder);
  ctx.self = self;
  ctx.cancellable = cancellable;
  ctx.progress = progress;
  ctx.progress_data = progress_data;
  if (!load_folder (&ctx, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* progress hop from the worker to the caller's main context: the worker
 * stores the latest value and schedules at most one idle at a time */
typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GMainContext    *context;
  TaProgressFunc   func;
  gpointer         data;
  GDestroyNotify   notify;
  double           fraction;
  char            *message;
  gboolean         pending;
} ProgressHop;

static ProgressHop *
progress_hop_ref (ProgressHop *hop)
{
  g_atomic_ref_count_inc (&hop->ref_count);
  return hop;
}

static void
progress_hop_unref (ProgressHop *hop)
{
  if (!g_atomic_ref_count_dec (&hop->ref_count))
    return;
  if (hop->notify != NULL)
    hop->notify (hop->data);
  g_main_context_unref (hop->context);
  g_mutex_clear (&hop->mutex);
  g_free (hop->message);
  g_free (hop);
}

static gboolean
progress_hop_dispatch (gpointer data)
{
  ProgressHop *hop = data;
  g_autofree char *message = NULL;
  double fraction;

  g_mutex_lock (&hop->mutex);
  hop->pending = FALSE;
  fraction = hop->fraction;
  message = g_steal_pointer (&hop->message);
  g_mutex_unlock (&hop->mutex);

  hop->func (fraction, message, hop->data);
  return G_SOURCE_REMOVE;
}

static void
progress_hop_report (double      fraction,
                     const char *message,
                     gpointer    data)
{
  ProgressHop *hop = data;
  gboolean schedule;

  g_mutex_lock (&hop->mutex);
  hop->fraction = fraction;
  g_free (hop->message);
  hop->message = g_strdup (message);
  schedule = !hop->pending;
  hop->pending = TRUE;
  g_mutex_unlock (&hop->mutex);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, progress_hop_dispatch, progress_hop_ref (hop),
                             (GDestroyNotify) progress_hop_unref);
      g_source_attach (source, hop->context);
      g_source_unref (source);
    }
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ProgressHop *hop = task_data;
  GFile *folder = g_object_get_data (G_OBJECT (task), "folder");
  GError *error = NULL;
  TaSubsetFolder *self;

  self = ta_subset_folder_load (folder, cancellable,
                                hop->func ? progress_hop_report : NULL, hop, &error);
  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, (GDestroyNotify) ta_subset_folder_unref);
}

void
ta_subset_folder_load_async (GFile               *folder,
                             GCancellable        *cancellable,
                             TaProgressFunc       progress,
                             gpointer             progress_data,
                             GDestroyNotify       progress_notify,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProgressHop *hop;

  g_return_if_fail (G_IS_FILE (folder));

  hop = g_new0 (ProgressHop, 1);
  g_atomic_ref_count_init (&hop->ref_count);
  g_mutex_init (&hop->mutex);
  hop->context = g_main_context_ref_thread_default ();
  hop->func = progress;
  hop->data = progress_data;
  hop->notify = progress_notify;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ta_subset_folder_load_async);
  g_task_set_task_data (task, hop, (GDestroyNotify) progress_hop_unref);
  g_object_set_data_full (G_OBJECT (task), "folder", g_object_ref (folder), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

TaSubsetFolder *
ta_subset_folder_load_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ta_subset_folder_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
