/* ta-folder-writer-stats.c — the folder writer's files written at finish:
 * address and flag statistics, the time bins (read back from the spill of
 * timestamps) and manifest.json (FORMATS.md §8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "ta-error.h"
#include "ta-folder-writer-private.h"

void
ta_folder_writer_summarize_classes (TaFolderWriter *self)
{
  for (guint st = 0; st <= TA_FLOW_STATE_ONGOING; st++)
    for (guint ct = 0; ct <= TA_CLOSE_OPEN; ct++)
      for (guint ir = 0; ir <= TA_INVALID_INCOMPLETE_NO_ACK; ir++)
        if (self->class_counts[st][ct][ir])
          {
            const char *ctn = ta_close_type_name (ct);
            const char *irn = ta_invalid_reason_name (ir);
            guint64 *count = g_new (guint64, 1);

            *count = self->class_counts[st][ct][ir];
            g_hash_table_replace (self->summary.flow_classes,
                                  g_strdup_printf ("%s/%s/%s", ta_flow_state_name (st),
                                                   ctn ? ctn : "-", irn ? irn : "-"),
                                  count);
          }
}

static gboolean
write_small_file (TaFolderWriter  *self,
                  const char      *rel,
                  GString         *text,
                  GError         **error)
{
  g_autofree char *path = g_build_filename (self->tmp_dir, rel, NULL);
  TaOut *of = ta_out_open (path, TA_OUT_IN_PLACE, MAX (text->len, 16), error);

  if (of == NULL)
    return FALSE;
  ta_out_write (of, text->str, text->len);
  return ta_out_commit_file (of, error);
}

static void
gstr_json_string (GString    *s,
                  const char *text)
{
  g_autofree char *q = json_quote (text);

  g_string_append (s, q);
}

static gint
name_cmp (gconstpointer a,
          gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
write_bins (TaFolderWriter  *self,
            GError         **error)
{
  g_autoptr(GString) out = g_string_new ("[");
  g_autofree char *path = g_build_filename (self->tmp_dir, SPILL_NAME, NULL);
  guint64 counts[N_BINS] = { 0 };
  guint64 n = self->summary.total_packets;
  gint64 lo = self->ts_min, hi = self->ts_max;
  double width;
  FILE *fp;
  gint64 ts = 0;
  guint64 acc = 0;
  guint shift = 0;
  int c;

  if (n == 0)
    {
      g_string_append_c (out, ']');
      return write_small_file (self, "indices/bins.json", out, error);
    }
  if (lo == hi)
    {
      g_string_append_printf (out, "{\"bin\":0,\"start\":%" G_GINT64_FORMAT ",\"end\":%"
                              G_GINT64_FORMAT ",\"count\":%" G_GUINT64_FORMAT "}]", lo, hi, n);
      return write_small_file (self, "indices/bins.json", out, error);
    }

  fp = fopen (path, "rb");
  if (fp == NULL)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot read “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  width = (double) (hi - lo) / N_BINS;
  /* The bins are the original's: bin i is [lo + i·w, lo + (i+1)·w) in
   * floating point, except that the last bin also holds hi (the original
   * dropped that packet). */
  while ((c = getc_unlocked (fp)) != EOF)
    {
      acc |= (guint64) (c & 0x7f) << shift;
      if (c & 0x80)
        {
          shift += 7;
          continue;
        }
      {
        gint64 delta = (gint64) ((acc >> 1) ^ (~(acc & 1) + 1));
        double x;
        int i;

        ts = (gint64) ((guint64) ts + (guint64) delta);
        acc = 0;
        shift = 0;
        x = (double) ts;
        i = (int) ((x - (double) lo) / width);
        i = CLAMP (i, 0, N_BINS - 1);
        while (i > 0 && x < (double) lo + i * width)
          i--;
        while (i < N_BINS - 1 && x >= (double) lo + (i + 1) * width)
          i++;
        counts[i]++;
      }
    }
  fclose (fp);

  for (int i = 0; i < N_BINS; i++)
    {
      double start = (double) lo + i * width;
      double end = (double) lo + (i + 1) * width;

      g_string_append_printf (out, "%s{\"bin\":%d,\"start\":%" G_GINT64_FORMAT ",\"end\":%"
                              G_GINT64_FORMAT ",\"count\":%" G_GUINT64_FORMAT "}",
                              i ? "," : "", i, (gint64) start, (gint64) end, counts[i]);
    }
  g_string_append_c (out, ']');
  return write_small_file (self, "indices/bins.json", out, error);
}

static void
append_minutes (GString *s,
                gint64   us)
{
  if (us % 60000000 == 0)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, us / 60000000);
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (s, g_ascii_dtostr (buf, sizeof buf, us / 60000000.0));
    }
}

/* ip_stats.json (first-seen order), unique_ips.json (sorted) and
 * flag_stats.json (TCP only, first-seen order) */
static gboolean
write_ip_files (TaFolderWriter  *self,
                GError         **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  /* ip_stats.json, first-seen order */
  g_string_append_c (s, '{');
  for (guint i = 0; i < self->first_seen->len; i++)
    {
      guint32 idx = g_array_index (self->first_seen, guint32, i);
      AddrInfo *ai = ta_folder_writer_addr_info (self, idx);

      g_string_append_printf (s, "%s%s:{\"sent_packets\":%" G_GUINT64_FORMAT
                              ",\"recv_packets\":%" G_GUINT64_FORMAT
                              ",\"sent_bytes\":%" G_GUINT64_FORMAT
                              ",\"recv_bytes\":%" G_GUINT64_FORMAT
                              ",\"first_ts\":%" G_GINT64_FORMAT
                              ",\"last_ts\":%" G_GINT64_FORMAT "}",
                              i ? "," : "", ai->json, ai->sent_packets, ai->recv_packets,
                              ai->sent_bytes, ai->recv_bytes, ai->first_ts, ai->last_ts);
      g_ptr_array_add (names, (gpointer) (idx == TA_ADDR_NONE ? "" : ta_addr_table_get_name (self->addrs, idx)));
    }
  g_string_append_c (s, '}');
  if (!write_small_file (self, "ips/ip_stats.json", s, error))
    return FALSE;

  /* unique_ips.json, sorted */
  g_ptr_array_sort (names, name_cmp);
  g_string_assign (s, "[");
  for (guint i = 0; i < names->len; i++)
    {
      if (i)
        g_string_append_c (s, ',');
      gstr_json_string (s, names->pdata[i]);
    }
  g_string_append_c (s, ']');
  if (!write_small_file (self, "ips/unique_ips.json", s, error))
    return FALSE;
  self->summary.unique_ips = names->len;

  /* flag_stats.json, TCP only, first-seen order */
  g_string_assign (s, "{");
  for (guint i = 0; i < self->flag_order->len; i++)
    {
      guint v = g_array_index (self->flag_order, guint16, i);

      g_string_append_printf (s, "%s\"%s\":%" G_GUINT64_FORMAT, i ? "," : "",
                              ta_flag_type_name (v & 0xff, v == 256), self->flag_counts[v]);
    }
  g_string_append_c (s, '}');
  if (!write_small_file (self, "ips/flag_stats.json", s, error))
    return FALSE;

  return TRUE;
}

/* manifest.json from its "attack_context" on */
static void
append_manifest_context (GString              *s,
                         const TaManifestInfo *info)
{
  g_string_append (s, ",\"attack_context\":");
  if (info && info->attack_context)
    {
      g_string_append (s, "{\"type\":");
      gstr_json_string (s, info->attack_context);
      g_string_append (s, ",\"source\":\"attack_timearcs_selection\"}");
    }
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"filter_applied\":{\"ips\":");
  if (info && info->filter_ips)
    {
      g_string_append_c (s, '[');
      for (guint i = 0; info->filter_ips[i]; i++)
        {
          if (i)
            g_string_append_c (s, ',');
          gstr_json_string (s, info->filter_ips[i]);
        }
      g_string_append_c (s, ']');
    }
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_start_us\":");
  if (info && info->has_time_start)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, info->time_start_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_end_us\":");
  if (info && info->has_time_end)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, info->time_end_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_start_minutes\":");
  if (info && info->has_time_start)
    append_minutes (s, info->time_start_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_end_minutes\":");
  if (info && info->has_time_end)
    append_minutes (s, info->time_end_us);
  else
    g_string_append (s, "null");
  g_string_append (s, "}}");
}

static gboolean
write_manifest (TaFolderWriter       *self,
                const TaManifestInfo *info,
                GError              **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  gint64 lo = self->summary.total_packets ? self->ts_min : 0;
  gint64 hi = self->summary.total_packets ? self->ts_max : 0;

  /* manifest.json */
  g_string_assign (s, "{\"version\":\"2.0\",\"format\":\"chunked\",\"created\":\"");
  g_string_append_printf (s, "%s.%06d\",\"source_files\":[", created,
                          g_date_time_get_microsecond (now));
  for (guint i = 0; info && info->source_files && info->source_files[i]; i++)
    {
      if (i)
        g_string_append_c (s, ',');
      gstr_json_string (s, info->source_files[i]);
    }
  g_string_append_printf (s, "],\"total_packets\":%" G_GUINT64_FORMAT
                          ",\"tcp_packets\":%" G_GUINT64_FORMAT
                          ",\"unique_ips\":%u,\"total_flows\":%" G_GUINT64_FORMAT
                          ",\"flows_per_chunk\":%u,\"total_chunks\":%u"
                          ",\"time_range\":{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT
                          ",\"duration\":%" G_GINT64_FORMAT "}",
                          self->summary.total_packets, self->summary.tcp_packets,
                          self->summary.unique_ips, self->summary.total_flows,
                          self->chunk_size, self->summary.total_chunks, lo, hi, hi - lo);
  g_string_append (s, ",\"structure\":{\"packets\":\"packets.csv\","
                   "\"flows_index\":\"flows/flows_index.json\","
                   "\"flow_chunks\":\"flows/chunk_*.json\","
                   "\"time_bins\":\"indices/bins.json\","
                   "\"ip_stats\":\"ips/ip_stats.json\","
                   "\"flag_stats\":\"ips/flag_stats.json\","
                   "\"unique_ips\":\"ips/unique_ips.json\"}");
  append_manifest_context (s, info);
  return write_small_file (self, "manifest.json", s, error);
}

gboolean
ta_folder_writer_write_stats (TaFolderWriter       *self,
                              const TaManifestInfo *info,
                              GError              **error)
{
  return write_ip_files (self, error)
         && write_bins (self, error)
         && write_manifest (self, info, error);
}
