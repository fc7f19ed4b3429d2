/* ta-subset-folder-load.c — loading a folder: the manifest, then the
 * flows index in a second thread while this one reads packets.csv, then
 * the statistics. Run in a thread as a TaJob by ta-folder-load-job.h.
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
  /* what identifies this folder later (a replaced folder is another file) */
  {
    g_autofree char *dir = g_file_get_path (self->file);
    g_autofree char *mpath = dir ? g_build_filename (dir, "manifest.json", NULL) : NULL;

    self->has_stamp = mpath != NULL && ta_file_stamp_path (mpath, &self->manifest_stamp);
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
