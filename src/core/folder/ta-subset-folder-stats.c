/* ta-subset-folder-stats.c — ips/ip_stats.json (recomputed from the
 * packets when missing), ips/flag_stats.json, indices/bins.json and the
 * count check of ips/unique_ips.json.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ta-error.h"
#include "ta-subset-folder-private.h"

#define MAX_BINS 1000000

/* Per-address statistics from the packets (the addresses interned so far) */
static void
recompute_ip_stats (TaSubsetFolder *self,
                    guint           n_addrs)
{
  const TaPacketColumns *p = &self->packets;

  g_free (self->ip_stats);
  self->ip_stats = g_new0 (TaIpStats, MAX (n_addrs, 1));
  for (guint a = 0; a < n_addrs; a++)
    self->ip_stats[a].addr = a;
  for (guint k = 0; k < p->n; k++)
    {
      TaIpStats *s = &self->ip_stats[p->src[k]], *d = &self->ip_stats[p->dst[k]];

      s->sent_packets++;
      s->sent_bytes += p->length[k];
      d->recv_packets++;
      d->recv_bytes += p->length[k];
      if (s->first_ts == 0 || p->ts[k] < s->first_ts)
        s->first_ts = p->ts[k];
      if (d->first_ts == 0 || p->ts[k] < d->first_ts)
        d->first_ts = p->ts[k];
      s->last_ts = MAX (s->last_ts, p->ts[k]);
      d->last_ts = MAX (d->last_ts, p->ts[k]);
    }
  self->n_ip_stats = n_addrs;
}

/* Whether every address of the packets (ids below @n_addrs) has an entry */
static guint
count_uncovered (TaSubsetFolder *self,
                 guint           n_addrs)
{
  g_autofree guint8 *seen = g_new0 (guint8, MAX (n_addrs, 1));
  guint missing = n_addrs;

  for (guint i = 0; i < self->n_ip_stats; i++)
    if (self->ip_stats[i].addr < n_addrs && !seen[self->ip_stats[i].addr])
      {
        seen[self->ip_stats[i].addr] = 1;
        missing--;
      }
  return missing;
}

static gboolean
load_ip_stats (TaSubsetFolder  *self,
               const char      *rel,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;
  guint i = 0, missing;
  /* the packets' addresses, interned before this file's */
  guint n_addrs = ta_addr_table_get_size (self->addrs);

  parser = ta_folder_json_load (self->file, rel, JSON_NODE_OBJECT, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      ta_subset_folder_add_warning (self, _("%s is missing; per-address statistics were recomputed"), rel);
      recompute_ip_stats (self, n_addrs);
      return TRUE;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  self->ip_stats = g_new0 (TaIpStats, MAX (json_object_get_size (root), 1));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      static const struct { const char *field; gsize offset; } fields[] = {
        { "sent_packets", G_STRUCT_OFFSET (TaIpStats, sent_packets) },
        { "recv_packets", G_STRUCT_OFFSET (TaIpStats, recv_packets) },
        { "sent_bytes", G_STRUCT_OFFSET (TaIpStats, sent_bytes) },
        { "recv_bytes", G_STRUCT_OFFSET (TaIpStats, recv_bytes) },
        { "first_ts", G_STRUCT_OFFSET (TaIpStats, first_ts) },
        { "last_ts", G_STRUCT_OFFSET (TaIpStats, last_ts) },
      };
      const char *name = l->data;
      g_autofree char *where = g_strdup_printf ("%s: ", name);
      TaIpStats *st = &self->ip_stats[i];
      JsonNode *node = json_object_get_member (root, name);
      JsonObject *o;
      gint64 v;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the entry of “%s” must be an object"), rel, name);
          return FALSE;
        }
      o = json_node_get_object (node);
      st->addr = ta_addr_table_intern_text (self->addrs, name, -1);
      for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
        {
          if (!ta_folder_json_get_int (o, rel, where, fields[k].field, FALSE, 0, MAX_TIME_US, 0, &v, error))
            return FALSE;
          G_STRUCT_MEMBER (gint64, st, fields[k].offset) = v;
        }
      i++;
    }
  self->n_ip_stats = i;
  /* an empty file would hide every address the packets have (a partial
   * one is what the original writes: it leaves out non-TCP addresses) */
  missing = count_uncovered (self, n_addrs);
  if (self->n_ip_stats == 0 && missing > 0)
    {
      ta_subset_folder_add_warning (self,
                                    _("%s has no entry for %u of the %u addresses in the packets; "
                                      "per-address statistics were recomputed"), rel, missing, n_addrs);
      recompute_ip_stats (self, n_addrs);
    }
  return TRUE;
}

static gboolean
load_flag_stats (TaSubsetFolder  *self,
                 const char      *rel,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;
  guint i = 0, n;

  parser = ta_folder_json_load (self->file, rel, JSON_NODE_OBJECT, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      ta_subset_folder_add_warning (self, _("%s is missing"), rel);
      self->flag_names = g_new0 (char *, 1);
      return TRUE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  n = json_object_get_size (root);
  self->flag_names = g_new0 (char *, n + 1);
  self->flag_counts = g_new0 (guint64, MAX (n, 1));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gint64 v;

      if (!ta_folder_json_get_int (root, rel, "", name, TRUE, 0, MAX_COUNT, 0, &v, error))
        return FALSE;
      self->flag_names[i] = g_strdup (name);
      self->flag_counts[i] = v;
      i++;
    }
  self->n_flag_stats = i;
  return TRUE;
}

static gboolean
load_bins (TaSubsetFolder  *self,
           const char      *rel,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *array;
  guint n;

  parser = ta_folder_json_load (self->file, rel, JSON_NODE_ARRAY, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      ta_subset_folder_add_warning (self, _("%s is missing"), rel);
      return TRUE;
    }
  array = json_node_get_array (json_parser_get_root (parser));
  n = json_array_get_length (array);
  if (n > MAX_BINS)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: too many bins (%u)"), rel, n);
      return FALSE;
    }
  self->bins = g_new0 (TaTimeBin, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf (_("bin %u: "), i);
      JsonObject *o;
      gint64 v;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: bin %u is not an object"), rel, i);
          return FALSE;
        }
      o = json_node_get_object (node);
      if (!ta_folder_json_get_int (o, rel, where, "start", TRUE, 0, MAX_TIME_US, 0, &self->bins[i].start, error)
          || !ta_folder_json_get_int (o, rel, where, "end", TRUE, 0, MAX_TIME_US, 0, &self->bins[i].end, error)
          || !ta_folder_json_get_int (o, rel, where, "count", TRUE, 0, MAX_COUNT, 0, &v, error))
        return FALSE;
      self->bins[i].count = v;
    }
  self->n_bins = n;
  return TRUE;
}

static gboolean
check_unique_ips (TaSubsetFolder  *self,
                  const char      *rel,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_auto(GStrv) list = NULL;

  parser = ta_folder_json_load (self->file, rel, JSON_NODE_ARRAY, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      ta_subset_folder_add_warning (self, _("%s is missing"), rel);
      return TRUE;
    }
  list = ta_folder_json_string_list (json_node_get_array (json_parser_get_root (parser)), rel,
                                     "unique_ips", error);
  if (list == NULL)
    return FALSE;
  if (g_strv_length (list) != self->manifest.unique_ips)
    ta_subset_folder_add_warning (self, _("%s lists %u addresses, manifest.json says %llu"),
                                  rel, g_strv_length (list), (unsigned long long) self->manifest.unique_ips);
  return TRUE;
}

gboolean
ta_subset_folder_load_stats (TaSubsetFolder           *self,
                             const TaFolderStructure  *st,
                             GCancellable             *cancellable,
                             GError                  **error)
{
  return load_ip_stats (self, st->ip_stats, cancellable, error)
         && load_flag_stats (self, st->flag_stats, cancellable, error)
         && load_bins (self, st->time_bins, cancellable, error)
         && check_unique_ips (self, st->unique_ips, cancellable, error);
}
