/* ta-sequences.c — [iat, size] sequences in overlapping windows, and the
 * inflow/outflow files of the Tor flow-correlation tools
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ta-error.h"
#include "ta-json.h"
#include "ta-out.h"
#include "ta-sequences.h"

#define FLOW_FILE_BUFFER (16 * 1024)

struct _TaSequencesWriter
{
  char              *dir;
  char              *inflow_dir;
  char              *outflow_dir;
  TaSequencesOptions opt;
  TaOut             *jsonl;
  GArray            *items[2];   /* TaSeqItem: egress, ingress */
  GString           *line;
  GString           *name;
  GError            *error;      /* the first write error */
  guint64            n_written;
  guint64            n_short;
  guint64            n_flow_files;
  guint64            n_files_skipped;
};

void
ta_sequences_build_direction (const TaFlowStats *stats,
                              guint              direction,
                              guint              ack_threshold,
                              GArray            *out)
{
  g_return_if_fail (stats != NULL && out != NULL && direction < 2);

  g_array_set_size (out, 0);
  for (guint i = 0; i < stats->n_seq; i++)
    {
      const TaFlowSeqPacket *p = &stats->seq[i];
      guint d = (p->flags & TA_FLOW_SEQ_FROM_RESP) ? 1 : 0;
      gint64 t = p->ts - stats->ts_first;
      TaSeqItem item;

      if (d != direction)
        continue;
      if (stats->proto == 6 && !(p->flags & TA_FLOW_SEQ_HAS_PAYLOAD)
          && p->size <= ack_threshold)
        continue;   /* a pure ACK */
      if (out->len > 0)
        {
          TaSeqItem *last = &g_array_index (out, TaSeqItem, out->len - 1);

          if (t == last->time_us)
            {
              last->size += p->size;   /* a super packet */
              continue;
            }
          item.iat_us = t - last->time_us;
        }
      else
        item.iat_us = t;
      item.time_us = t;
      item.size = p->size;
      g_array_append_val (out, item);
    }
}

/* Seconds from µs, exactly: "12.000250"; with @trim, trailing zeros (and a
 * bare point) dropped: "12.00025", "3" */
static void
append_seconds (GString *s,
                gint64   us,
                gboolean trim)
{
  guint64 a;
  char frac[8];
  int n = 6;

  if (us < 0)
    {
      g_string_append_c (s, '-');
      a = (guint64) 0 - (guint64) us;
    }
  else
    a = (guint64) us;
  g_string_append_printf (s, "%" G_GUINT64_FORMAT, a / G_USEC_PER_SEC);
  g_snprintf (frac, sizeof frac, "%06u", (guint) (a % G_USEC_PER_SEC));
  if (trim)
    while (n > 0 && frac[n - 1] == '0')
      n--;
  if (n > 0)
    {
      g_string_append_c (s, '.');
      g_string_append_len (s, frac, n);
    }
}

static void
append_addr (GString     *s,
             TaAddrTable *addrs,
             guint32      index,
             gboolean     for_file)
{
  const char *name = addrs ? ta_addr_table_get_name (addrs, index) : NULL;
  g_autofree char *fallback = NULL;

  if (name == NULL)
    name = fallback = g_strdup_printf ("%u", index);
  if (!for_file)
    {
      ta_json_append_string (s, name);
      return;
    }
  for (const char *c = name; *c; c++)
    g_string_append_c (s, (g_ascii_isalnum (*c) || *c == '.' || *c == '-') ? *c : '-');
}

static void
resolve_options (TaSequencesOptions       *opt,
                 const TaSequencesOptions *in)
{
  static const TaSequencesOptions none = { 0 };

  *opt = in ? *in : none;
  if (opt->min_packets == 0)
    opt->min_packets = TA_SEQUENCES_MIN_PACKETS_DEFAULT;
  if (opt->ack_threshold == 0)
    opt->ack_threshold = TA_SEQUENCES_ACK_THRESHOLD_DEFAULT;
  if (!(opt->window_s > 0))
    opt->window_s = TA_SEQUENCES_WINDOW_S_DEFAULT;
  if (!(opt->step_s > 0))
    opt->step_s = TA_SEQUENCES_STEP_S_DEFAULT;
  if (opt->n_windows == 0)
    opt->n_windows = TA_SEQUENCES_N_WINDOWS_DEFAULT;
  if (opt->max_flow_files == 0)
    opt->max_flow_files = TA_SEQUENCES_MAX_FLOW_FILES_DEFAULT;
}

static gboolean
make_dir (const char *path,
          GError    **error)
{
  if (g_mkdir_with_parents (path, 0777) == 0)
    return TRUE;
  {
    int saved = errno;

    g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create the folder “%s”: %s"),
                 path, g_strerror (saved));
  }
  return FALSE;
}

TaSequencesWriter *
ta_sequences_writer_new (const char               *dir,
                         const TaSequencesOptions *options,
                         GError                  **error)
{
  g_autoptr (TaSequencesWriter) self = g_new0 (TaSequencesWriter, 1);
  g_autofree char *path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  resolve_options (&self->opt, options);
  self->dir = g_strdup (dir);
  self->inflow_dir = g_build_filename (dir, "inflow", NULL);
  self->outflow_dir = g_build_filename (dir, "outflow", NULL);
  for (guint d = 0; d < 2; d++)
    self->items[d] = g_array_new (FALSE, FALSE, sizeof (TaSeqItem));
  self->line = g_string_sized_new (4096);
  self->name = g_string_sized_new (128);

  if (!self->opt.no_flow_files
      && (!make_dir (self->inflow_dir, error) || !make_dir (self->outflow_dir, error)))
    return NULL;
  path = g_build_filename (dir, "sequences.jsonl", NULL);
  self->jsonl = ta_out_open (path, TA_OUT_IN_PLACE, 0, error);
  if (self->jsonl == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
ta_sequences_writer_free (TaSequencesWriter *self)
{
  if (self == NULL)
    return;
  if (self->jsonl)
    ta_out_abandon (self->jsonl);
  for (guint d = 0; d < 2; d++)
    if (self->items[d])
      g_array_unref (self->items[d]);
  if (self->line)
    g_string_free (self->line, TRUE);
  if (self->name)
    g_string_free (self->name, TRUE);
  g_clear_error (&self->error);
  g_free (self->dir);
  g_free (self->inflow_dir);
  g_free (self->outflow_dir);
  g_free (self);
}

/* Appends the [[iat, size], …] of @items within [start, end] µs */
static void
append_window_list (GString      *s,
                    const GArray *items,
                    gint64        start,
                    gint64        end)
{
  gboolean first = TRUE;

  g_string_append_c (s, '[');
  for (guint i = 0; i < items->len; i++)
    {
      const TaSeqItem *it = &g_array_index (items, TaSeqItem, i);

      if (it->time_us < start || it->time_us > end)
        continue;
      if (!first)
        g_string_append_c (s, ',');
      first = FALSE;
      g_string_append_c (s, '[');
      append_seconds (s, it->iat_us, TRUE);
      g_string_append_printf (s, ",%" G_GUINT64_FORMAT "]", it->size);
    }
  g_string_append_c (s, ']');
}

static void
append_line (TaSequencesWriter *self,
             const TaConn      *conn,
             const TaFlowStats *stats,
             TaAddrTable       *addrs)
{
  GString *s = self->line;

  g_string_truncate (s, 0);
  g_string_append_printf (s, "{\"conn_id\":%" G_GUINT64_FORMAT ",\"proto\":\"%s\",\"orig\":",
                          conn->id, ta_proto_class_name (ta_proto_class (conn->proto)));
  append_addr (s, addrs, conn->orig, FALSE);
  g_string_append_printf (s, ",\"orig_p\":%u,\"resp\":", conn->orig_p);
  append_addr (s, addrs, conn->resp, FALSE);
  g_string_append_printf (s, ",\"resp_p\":%u,\"ts_first\":%" G_GINT64_FORMAT
                          ",\"packets\":%" G_GUINT64_FORMAT ",\"truncated\":%s,\"windows\":[",
                          conn->resp_p, stats->ts_first, stats->packets,
                          stats->seq_truncated ? "true" : "false");
  for (guint w = 0; w < self->opt.n_windows; w++)
    {
      gint64 start = llround (w * self->opt.step_s * G_USEC_PER_SEC);
      gint64 end = start + llround (self->opt.window_s * G_USEC_PER_SEC);

      if (w > 0)
        g_string_append_c (s, ',');
      g_string_append (s, "{\"start\":");
      append_seconds (s, start, TRUE);
      g_string_append (s, ",\"ingress\":");
      append_window_list (s, self->items[1], start, end);
      g_string_append (s, ",\"egress\":");
      append_window_list (s, self->items[0], start, end);
      g_string_append_c (s, '}');
    }
  g_string_append (s, "]}\n");
}

static gboolean
write_flow_file (TaSequencesWriter *self,
                 const char        *folder,
                 const TaFlowStats *stats,
                 guint              direction)
{
  g_autofree char *path = g_build_filename (folder, self->name->str, NULL);
  TaOut *out = ta_out_open (path, TA_OUT_IN_PLACE, FLOW_FILE_BUFFER,
                            self->error ? NULL : &self->error);
  GString *s = self->line;

  if (out == NULL)
    return FALSE;
  for (guint i = 0; i < stats->n_seq; i++)
    {
      const TaFlowSeqPacket *p = &stats->seq[i];

      if (((p->flags & TA_FLOW_SEQ_FROM_RESP) ? 1u : 0u) != direction)
        continue;
      g_string_truncate (s, 0);
      append_seconds (s, p->ts - stats->ts_first, FALSE);
      g_string_append_printf (s, "\t%u\n", p->size);
      ta_out_write (out, s->str, s->len);
    }
  return ta_out_commit_file (out, self->error ? NULL : &self->error);
}

static gboolean
write_flow_files (TaSequencesWriter *self,
                  const TaConn      *conn,
                  const TaFlowStats *stats,
                  TaAddrTable       *addrs)
{
  GString *n = self->name;

  g_string_printf (n, "%" G_GUINT64_FORMAT "_%s_", conn->id, ta_proto_class_name (ta_proto_class (conn->proto)));
  append_addr (n, addrs, conn->orig, TRUE);
  g_string_append_printf (n, "_%u_", conn->orig_p);
  append_addr (n, addrs, conn->resp, TRUE);
  g_string_append_printf (n, "_%u", conn->resp_p);

  /* inflow = ingress (responder → originator), outflow = egress */
  return write_flow_file (self, self->inflow_dir, stats, 1)
         && write_flow_file (self, self->outflow_dir, stats, 0);
}

gboolean
ta_sequences_writer_add (TaSequencesWriter *self,
                         const TaConn      *conn,
                         const TaFlowStats *stats,
                         TaAddrTable       *addrs)
{
  g_return_val_if_fail (self != NULL && conn != NULL, FALSE);

  if (self->error != NULL || self->jsonl == NULL)
    return FALSE;
  if (stats == NULL || stats->packets < self->opt.min_packets)
    {
      self->n_short++;
      return TRUE;
    }
  for (guint d = 0; d < 2; d++)
    ta_sequences_build_direction (stats, d, self->opt.ack_threshold, self->items[d]);
  append_line (self, conn, stats, addrs);
  ta_out_write (self->jsonl, self->line->str, self->line->len);
  self->n_written++;

  if (self->opt.no_flow_files)
    return TRUE;
  if (self->n_flow_files >= self->opt.max_flow_files)
    {
      self->n_files_skipped++;
      return TRUE;
    }
  if (!write_flow_files (self, conn, stats, addrs))
    return FALSE;
  self->n_flow_files++;
  return TRUE;
}

gboolean
ta_sequences_writer_finish (TaSequencesWriter *self,
                            GError           **error)
{
  TaOut *out;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->jsonl == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("The sequences of “%s” were already finished"), self->dir);
      return FALSE;
    }
  out = g_steal_pointer (&self->jsonl);
  if (self->error != NULL)
    {
      ta_out_abandon (out);
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }
  return ta_out_commit_file (out, error);
}

guint64
ta_sequences_writer_get_n_written (TaSequencesWriter *self)
{
  return self->n_written;
}

guint64
ta_sequences_writer_get_n_short (TaSequencesWriter *self)
{
  return self->n_short;
}

guint64
ta_sequences_writer_get_n_flow_files (TaSequencesWriter *self)
{
  return self->n_flow_files;
}

guint64
ta_sequences_writer_get_n_files_skipped (TaSequencesWriter *self)
{
  return self->n_files_skipped;
}
