/* ta-folder-writer.c — the v2.0 subset folder (FORMATS.md §8)
 *
 * Every kept packet is appended to packets.csv and to a spill file of
 * timestamps (zigzag varint deltas) that finish() reads back to bin the
 * packets exactly once the time range is known. TCP packets also go to the
 * flow tracker; each completed flow is written at once to the current chunk
 * file and its index entry to flows_index.json
 * (ta-folder-writer-flows.c); finish() writes the statistics
 * (ta-folder-writer-stats.c). JSON and CSV are formatted by hand into
 * large buffers: no allocation per packet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ta-error.h"
#include "ta-out-target.h"
#include "ta-folder-writer-private.h"

/* ----------------------------------------------------------- addresses */

static char *
csv_quote (const char *s)
{
  GString *out;

  if (strpbrk (s, ",\"\r\n") == NULL)
    return g_strdup (s);
  out = g_string_new ("\"");
  for (const char *c = s; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static void
info_init_names (AddrInfo   *ai,
                 const char *name)
{
  ai->csv = csv_quote (name);
  ai->csv_len = strlen (ai->csv);
  ai->json = json_quote (name);
  ai->json_len = strlen (ai->json);
}

/* Grows the table or makes the names: the rare part of
 * ta_folder_writer_addr_info() */
AddrInfo *
ta_folder_writer_addr_info_slow (TaFolderWriter *self,
                                 guint32         idx)
{
  AddrInfo *ai;

  if (idx == TA_ADDR_NONE)
    ai = &self->none_info;
  else
    {
      if (G_UNLIKELY (idx >= self->n_info))
        {
          guint n = MAX (idx + 1, self->n_info * 2);

          self->info = g_renew (AddrInfo, self->info, n);
          memset (self->info + self->n_info, 0, (n - self->n_info) * sizeof (AddrInfo));
          self->n_info = n;
        }
      ai = &self->info[idx];
    }
  if (G_UNLIKELY (ai->json == NULL))
    info_init_names (ai, idx == TA_ADDR_NONE ? "" : ta_addr_table_get_name (self->addrs, idx));
  return ai;
}

gboolean
ta_folder_writer_note_error (TaFolderWriter *self)
{
  TaOut *outs[] = { self->packets, self->index, self->spill, self->chunk };

  for (guint i = 0; i < G_N_ELEMENTS (outs) && self->error == NULL; i++)
    if (outs[i] != NULL && outs[i]->failed)
      self->error = g_error_copy (ta_out_get_error (outs[i]));
  return TRUE;
}

static void
addr_seen (TaFolderWriter *self,
           AddrInfo       *ai,
           guint32         idx,
           gint64          ts)
{
  if (!ai->seen)
    {
      ai->seen = TRUE;
      ai->first_ts = ai->last_ts = ts;
      g_array_append_val (self->first_seen, idx);
    }
  else
    {
      if (ts < ai->first_ts)
        ai->first_ts = ts;
      if (ts > ai->last_ts)
        ai->last_ts = ts;
    }
}

/* ------------------------------------------------------------ folders */

TaFolderWriter *
ta_folder_writer_new (const char                  *output_dir,
                      const TaFolderWriterOptions *options,
                      TaAddrTable                 *addrs,
                      GError                     **error)
{
  g_autoptr(TaFolderWriter) self = NULL;
  g_autofree char *path = NULL;
  static const char * const subdirs[] = { "flows", "ips", "indices" };

  g_return_val_if_fail (output_dir != NULL && addrs != NULL, NULL);

  self = g_new0 (TaFolderWriter, 1);
  self->addrs = addrs;
  self->force = options ? options->force : FALSE;
  self->inputs = options && options->inputs ? g_strdupv ((char **) options->inputs) : NULL;
  self->chunk_size = options && options->chunk_size ? options->chunk_size : TA_CHUNK_SIZE_DEFAULT;
  self->output_dir = g_strdup (output_dir);
  self->parent_dir = g_path_get_dirname (output_dir);
  self->base_name = g_path_get_basename (output_dir);
  self->first_seen = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->flag_order = g_array_new (FALSE, FALSE, sizeof (guint16));
  self->summary.flow_classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (*output_dir == '\0' || strcmp (self->base_name, ".") == 0
      || strcmp (self->base_name, "..") == 0 || strcmp (self->base_name, G_DIR_SEPARATOR_S) == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be used as an output folder name"), output_dir);
      return NULL;
    }

  if (!ta_out_target_check_folder (output_dir, self->force, (const char * const *) self->inputs, error))
    return NULL;

  self->tmp_dir = ta_out_make_partial_dir (output_dir, error);
  if (self->tmp_dir == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *sub = g_build_filename (self->tmp_dir, subdirs[i], NULL);

      if (g_mkdir (sub, 0777) != 0)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create folder “%s”: %s"),
                       sub, g_strerror (saved));
          return NULL;
        }
    }

  path = g_build_filename (self->tmp_dir, "packets.csv", NULL);
  self->packets = ta_out_open (path, TA_OUT_IN_PLACE, BIG_BUF, error);
  if (self->packets == NULL)
    return NULL;
  g_free (path);
  path = g_build_filename (self->tmp_dir, "flows", "flows_index.json", NULL);
  self->index = ta_out_open (path, TA_OUT_IN_PLACE, SMALL_BUF * 4, error);
  if (self->index == NULL)
    return NULL;
  g_free (path);
  path = g_build_filename (self->tmp_dir, SPILL_NAME, NULL);
  self->spill = ta_out_open (path, TA_OUT_IN_PLACE, SMALL_BUF * 4, error);
  if (self->spill == NULL)
    return NULL;

  {
    static const char header[] =
      "timestamp,src_ip,dst_ip,src_port,dst_port,flags,flag_type,seq_num,ack_num,length,protocol\n";
    char *p = ta_out_reserve (self->packets, sizeof header);

    ta_out_commit (self->packets, TA_PUT_LIT (p, header));
    p = ta_out_reserve (self->index, 1);
    *p++ = '[';
    ta_out_commit (self->index, p);
  }

  for (guint i = 0; i < 512; i++)
    {
      const char *name = ta_flag_type_name (i & 0xff, i >= 256);

      self->frag_json[i] = g_strdup_printf (",\"flags\":%u,\"flag_type\":\"%s\",\"seq_num\":", i & 0xff, name);
      self->frag_json_len[i] = strlen (self->frag_json[i]);
      self->frag_csv[i] = g_strdup_printf ("%u,%s,", i & 0xff, name);
      self->frag_csv_len[i] = strlen (self->frag_csv[i]);
    }

  self->tracker = ta_flow_tracker_new (addrs,
                                       options ? options->flow_timeout_us : 0,
                                       ta_folder_writer_on_flow, self);
  self->ts_min = G_MAXINT64;
  self->ts_max = G_MININT64;
  return g_steal_pointer (&self);
}

gboolean
ta_folder_writer_add (TaFolderWriter  *self,
                      const TaPacket  *pkt,
                      GError         **error)
{
  AddrInfo *s, *d;
  char *p;
  guint64 zz;
  gint64 delta;
  guint fclass, fi;

  g_return_val_if_fail (self != NULL && !self->finished && self->packets != NULL, FALSE);

  if (G_UNLIKELY (ta_folder_writer_failed (self)))
    {
      if (error)
        *error = g_error_copy (self->error);
      return FALSE;
    }

  ta_folder_writer_addr_info (self, pkt->dst);     /* grow the table first: pointers stay valid */
  s = ta_folder_writer_addr_info (self, pkt->src);
  d = ta_folder_writer_addr_info (self, pkt->dst);

  /* packets.csv */
  p = ta_out_reserve (self->packets, s->csv_len + d->csv_len + 160);
  p = put_ts (self, p, pkt->ts);
  *p++ = ',';
  p = ta_put_mem (p, s->csv, s->csv_len);
  *p++ = ',';
  p = ta_put_mem (p, d->csv, d->csv_len);
  *p++ = ',';
  p = ta_put_u64 (p, pkt->sport);
  *p++ = ',';
  p = ta_put_u64 (p, pkt->dport);
  *p++ = ',';
  fi = pkt->flags | ((pkt->pflags & TA_PKT_FLAGS_INVALID) ? 256 : 0);
  p = ta_put_mem (p, self->frag_csv[fi], self->frag_csv_len[fi]);
  p = ta_put_u64 (p, pkt->seq);
  *p++ = ',';
  p = ta_put_u64 (p, pkt->ack);
  *p++ = ',';
  p = ta_put_u64 (p, pkt->length);
  *p++ = ',';
  p = ta_put_u64 (p, pkt->proto);
  *p++ = '\n';
  ta_out_commit (self->packets, p);

  /* timestamps for the bins: zigzag varint of the delta */
  p = ta_out_reserve (self->spill, 10);
  delta = (gint64) ((guint64) pkt->ts - (guint64) self->ts_prev);
  self->ts_prev = pkt->ts;
  zz = ((guint64) delta << 1) ^ (guint64) (delta >> 63);
  while (zz >= 0x80)
    {
      *p++ = (char) (zz | 0x80);
      zz >>= 7;
    }
  *p++ = (char) zz;
  ta_out_commit (self->spill, p);
  if (pkt->ts < self->ts_min)
    self->ts_min = pkt->ts;
  if (pkt->ts > self->ts_max)
    self->ts_max = pkt->ts;

  /* ip stats, every protocol */
  addr_seen (self, s, pkt->src, pkt->ts);
  s->sent_packets++;
  s->sent_bytes += pkt->length;
  addr_seen (self, d, pkt->dst, pkt->ts);
  d->recv_packets++;
  d->recv_bytes += pkt->length;

  self->summary.total_packets++;
  if (pkt->proto == 6)
    {
      self->summary.tcp_packets++;
      fclass = (pkt->pflags & TA_PKT_FLAGS_INVALID) ? 256 : pkt->flags;
      if (self->flag_counts[fclass]++ == 0)
        {
          guint16 v = fclass;

          g_array_append_val (self->flag_order, v);
        }
      ta_flow_tracker_add (self->tracker, pkt);
    }

  if (G_UNLIKELY (ta_folder_writer_failed (self)))
    {
      if (error)
        *error = g_error_copy (self->error);
      return FALSE;
    }
  return TRUE;
}


const char *
ta_folder_writer_get_work_dir (TaFolderWriter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->tmp_dir;
}

static gboolean
move_into_place (TaFolderWriter  *self,
                 GError         **error)
{
  /* again: the target may have changed while the run read its inputs */
  if (!ta_out_target_check_folder (self->output_dir, self->force,
                                   (const char * const *) self->inputs, error))
    return FALSE;
  return ta_out_move_folder_into_place (self->tmp_dir, self->output_dir, error);
}

gboolean
ta_folder_writer_finish (TaFolderWriter        *self,
                         const TaManifestInfo  *info,
                         GError               **error)
{
  char *p;
  g_autofree char *spill = NULL;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);

  if (!ta_folder_writer_failed (self))
    {
      ta_flow_tracker_finish (self->tracker);
      ta_folder_writer_summarize_classes (self);
      ta_folder_writer_close_chunk (self);
      p = ta_out_reserve (self->index, 1);
      *p++ = ']';
      ta_out_commit (self->index, p);
    }
  if (!ta_folder_writer_failed (self))
    ta_out_commit_file (g_steal_pointer (&self->index), &self->error);
  if (self->error == NULL)
    ta_out_commit_file (g_steal_pointer (&self->packets), &self->error);
  if (self->error == NULL)
    ta_out_commit_file (g_steal_pointer (&self->spill), &self->error);
  if (self->error)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      ta_folder_writer_abort (self);
      return FALSE;
    }

  if (!ta_folder_writer_write_stats (self, info, error))
    {
      ta_folder_writer_abort (self);
      return FALSE;
    }
  spill = g_build_filename (self->tmp_dir, SPILL_NAME, NULL);
  g_unlink (spill);

  if (!move_into_place (self, error))
    {
      ta_folder_writer_abort (self);
      return FALSE;
    }
  g_clear_pointer (&self->tmp_dir, g_free);
  self->finished = TRUE;
  return TRUE;
}

const TaFolderSummary *
ta_folder_writer_get_summary (TaFolderWriter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->summary;
}

void
ta_folder_writer_abort (TaFolderWriter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->packets, ta_out_abandon);
  g_clear_pointer (&self->index, ta_out_abandon);
  g_clear_pointer (&self->chunk, ta_out_abandon);
  g_clear_pointer (&self->spill, ta_out_abandon);
  self->chunk_open = FALSE;
  if (self->tmp_dir && !self->finished)
    ta_out_remove_tree (self->tmp_dir);
  g_clear_pointer (&self->tmp_dir, g_free);
}

void
ta_folder_writer_free (TaFolderWriter *self)
{
  if (self == NULL)
    return;
  ta_folder_writer_abort (self);
  ta_flow_tracker_free (self->tracker);
  for (guint i = 0; i < self->n_info; i++)
    {
      g_free (self->info[i].csv);
      g_free (self->info[i].json);
    }
  g_free (self->info);
  g_free (self->pj);
  g_free (self->pj_off);
  for (guint i = 0; i < 512; i++)
    {
      g_free (self->frag_json[i]);
      g_free (self->frag_csv[i]);
    }
  g_free (self->none_info.csv);
  g_free (self->none_info.json);
  if (self->first_seen)
    g_array_unref (self->first_seen);
  if (self->flag_order)
    g_array_unref (self->flag_order);
  if (self->summary.flow_classes)
    g_hash_table_unref (self->summary.flow_classes);
  g_clear_error (&self->error);
  g_free (self->output_dir);
  g_free (self->parent_dir);
  g_strfreev (self->inputs);
  g_free (self->base_name);
  g_free (self);
}

