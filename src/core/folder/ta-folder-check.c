/* ta-folder-check.c — validate a v2.0 subset folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-folder-check.h"
#include "ta-subset-folder-private.h"
#include "ta-chunk-file.h"

#define MAX_LISTED 20

typedef struct
{
  const char *folder;
  GPtrArray  *problems;
  gboolean    io_error;
} Check;

G_GNUC_PRINTF (2, 3) static void
problem (Check      *c,
         const char *fmt,
         ...)
{
  va_list ap;

  va_start (ap, fmt);
  g_ptr_array_add (c->problems, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

static JsonNode *
load_json (Check      *c,
           const char *rel)
{
  g_autofree char *path = g_build_filename (c->folder, rel, NULL);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) err = NULL;

  parser = ta_json_load_file (path, rel, TA_FILE_READ_MAX_WHOLE, NULL, &err);
  if (parser == NULL)
    {
      problem (c, "%s", err->message);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
is_int (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64;
}

static gboolean
is_number (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n)
         && (json_node_get_value_type (n) == G_TYPE_INT64
             || json_node_get_value_type (n) == G_TYPE_DOUBLE);
}

static gboolean
is_string (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

static gboolean
is_bool (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN;
}

static gboolean
is_null (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_NULL (n);
}

/* Checks a member's type; returns its integer value (or 0) */
static gint64
need_int (Check      *c,
          const char *where,
          JsonObject *o,
          const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (!is_int (n))
    {
      problem (c, _("%s: “%s” missing or not an integer"), where, name);
      return 0;
    }
  return json_node_get_int (n);
}

static void
need_string (Check      *c,
             const char *where,
             JsonObject *o,
             const char *name,
             gboolean    nullable)
{
  JsonNode *n = json_object_get_member (o, name);

  if (!is_string (n) && !(nullable && is_null (n)))
    problem (c, nullable ? _("%s: “%s” missing or not a string or null")
                         : _("%s: “%s” missing or not a string"), where, name);
}

static void
need_type (Check      *c,
           const char *where,
           JsonObject *o,
           const char *name,
           gboolean  (*test) (JsonNode *),
           gboolean    nullable,
           const char *what)
{
  JsonNode *n = json_object_get_member (o, name);

  if (!(n && test (n)) && !(nullable && is_null (n)))
    problem (c, _("%s: “%s” missing or not %s"), where, name, what);
}

static gboolean
is_array (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_ARRAY (n);
}

static gboolean
is_object (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_OBJECT (n);
}

static gint64
count_csv_rows (Check *c)
{
  g_autofree char *path = g_build_filename (c->folder, "packets.csv", NULL);
  g_autoptr(GError) err = NULL;
  char buf[1 << 16];
  gint64 lines = 0;
  gsize n;
  gboolean last_nl = TRUE;
  guint64 size, left;
  int fd = ta_file_open_regular (path, "packets.csv", &size, &err);
  FILE *fp = fd >= 0 ? fdopen (fd, "rb") : NULL;

  if (fp == NULL)
    {
      problem (c, "%s", err ? err->message : _("packets.csv: cannot be opened"));
      if (fd >= 0)
        close (fd);
      return -1;
    }
  if (fgets (buf, sizeof buf, fp) == NULL
      || strstr (buf, "timestamp") == NULL || strstr (buf, "src_ip") == NULL
      || strstr (buf, "dst_ip") == NULL || strstr (buf, "flags") == NULL)
    problem (c, _("packets.csv: missing or wrong header row"));
  /* no further than the size it had when opened */
  left = size > (guint64) ftell (fp) ? size - ftell (fp) : 0;
  while (left > 0 && (n = fread (buf, 1, MIN (sizeof buf, left), fp)) > 0)
    {
      left -= n;
      for (gsize i = 0; i < n; i++)
        if (buf[i] == '\n')
          lines++;
      last_nl = buf[n - 1] == '\n';
    }
  fclose (fp);
  if (!last_nl)
    lines++;
  return lines;
}

/* ------------------------------------------------------- chunk files
 *
 * Chunk files hold every packet (gigabytes for big extractions), so they
 * are read as the flow panel reads them: TaChunkFile scans each once in
 * fixed blocks, and every flow the index names is read and checked by the
 * loader's own code (ta_subset_folder_read_chunk_flow), so that check
 * passes exactly the flows the app shows. */

/* NULL with a problem noted when the file cannot be read or is not a JSON
 * array */
static TaChunkFile *
scan_chunk (Check      *c,
            const char *rel)
{
  g_autofree char *path = g_build_filename (c->folder, rel, NULL);
  g_autoptr(GError) err = NULL;
  TaChunkFile *file = ta_chunk_file_open (path, rel, NULL, &err);

  if (file == NULL)
    problem (c, "%s", err->message);
  return file;
}

static const char * const index_fields_str[] = { "id", "key", "state", "chunk_file", NULL };
static const char * const index_fields_nullable_str[] = {
  "initiator", "responder", "closeType", "invalidReason", NULL
};
static const char * const index_fields_int[] = {
  "startTime", "endTime", "totalPackets", "totalBytes", "chunk_index", NULL
};
static const char * const index_fields_bool[] = {
  "establishmentComplete", "dataTransferStarted", "closingStarted", NULL
};

static void
check_flows (Check              *c,
             TaFolderCheckFlags  flags,
             gint64              total_flows,
             gint64              total_chunks)
{
  g_autoptr(JsonNode) index = load_json (c, "flows/flows_index.json");
  /* chunk file name -> its TaChunkFile, absent if unreadable */
  g_autoptr(GHashTable) chunks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) ta_chunk_file_free);
  g_autofree char *flows_dir = g_build_filename (c->folder, "flows", NULL);
  g_autoptr(GDir) dir = NULL;
  JsonArray *arr;
  gint64 n_chunk_files = 0, sum_chunk_flows = 0;
  const char *name;

  dir = g_dir_open (flows_dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "chunk_") && g_str_has_suffix (name, ".json"))
      {
        g_autofree char *rel = g_build_filename ("flows", name, NULL);
        TaChunkFile *flows = scan_chunk (c, rel);

        n_chunk_files++;
        if (flows)
          {
            sum_chunk_flows += ta_chunk_file_get_n_flows (flows);
            g_hash_table_insert (chunks, g_strdup (name), flows);
          }
      }
  if (n_chunk_files != total_chunks)
    problem (c, _("manifest total_chunks is %lld but flows/ has %lld chunk files"),
             (long long) total_chunks, (long long) n_chunk_files);
  if (sum_chunk_flows != total_flows)
    problem (c, _("manifest total_flows is %lld but the chunk files hold %lld flows"),
             (long long) total_flows, (long long) sum_chunk_flows);

  if (index == NULL)
    return;
  if (!is_array (index))
    {
      problem (c, _("flows/flows_index.json: not an array"));
      return;
    }
  arr = json_node_get_array (index);
  if ((gint64) json_array_get_length (arr) != total_flows)
    problem (c, _("manifest total_flows is %lld but flows_index.json has %u entries"),
             (long long) total_flows, json_array_get_length (arr));

  for (guint i = 0; i < json_array_get_length (arr) && c->problems->len < 4 * MAX_LISTED; i++)
    {
      JsonNode *en = json_array_get_element (arr, i);
      JsonObject *e;
      g_autofree char *where = g_strdup_printf ("flows_index.json[%u]", i);
      const char *cf, *id;
      gint64 ci, total;
      TaChunkFile *flows;
      guint before = c->problems->len;

      if (!is_object (en))
        {
          problem (c, _("%s: not an object"), where);
          continue;
        }
      e = json_node_get_object (en);
      for (guint j = 0; index_fields_str[j]; j++)
        need_string (c, where, e, index_fields_str[j], FALSE);
      for (guint j = 0; index_fields_nullable_str[j]; j++)
        need_string (c, where, e, index_fields_nullable_str[j], TRUE);
      for (guint j = 0; index_fields_int[j]; j++)
        need_int (c, where, e, index_fields_int[j]);
      for (guint j = 0; index_fields_bool[j]; j++)
        need_type (c, where, e, index_fields_bool[j], is_bool, FALSE, _("a boolean"));
      if (c->problems->len != before)
        continue;

      cf = json_object_get_string_member (e, "chunk_file");
      id = json_object_get_string_member (e, "id");
      ci = json_object_get_int_member (e, "chunk_index");
      total = json_object_get_int_member (e, "totalPackets");
      if (!g_hash_table_lookup_extended (chunks, cf, NULL, (gpointer *) &flows))
        {
          problem (c, _("%s (%s): chunk file “%s” missing"), where, id, cf);
          continue;
        }
      if (total < 0)
        {
          problem (c, _("%s (%s): totalPackets is negative"), where, id);
          continue;
        }
      /* the flow itself (its id, packets and their fields) was read by the
       * loader's own code before these rules ran (app_opens) */
      if (ci < 0 || ci >= ta_chunk_file_get_n_flows (flows))
        problem (c, _("%s (%s): chunk_index %lld outside %s (%u flows)"),
                 where, id, (long long) ci, cf, ta_chunk_file_get_n_flows (flows));
    }
}

typedef struct
{
  gint64 total_packets;
  gint64 tcp_packets;
  gint64 unique_ips;
  gint64 total_flows;
  gint64 total_chunks;
} Totals;

/* What TimeArcs writes beyond the original: attack_context, filter_applied */
static void
check_manifest_strict (Check      *c,
                       JsonObject *m)
{
  JsonNode *n = json_object_get_member (m, "attack_context");

  if (!is_null (n) && !is_object (n))
    problem (c, _("manifest.json: “attack_context” missing or not an object or null"));
  else if (is_object (n))
    {
      need_string (c, "manifest.json attack_context", json_node_get_object (n), "type", FALSE);
      need_string (c, "manifest.json attack_context", json_node_get_object (n), "source", FALSE);
    }
  n = json_object_get_member (m, "filter_applied");
  if (!is_object (n))
    problem (c, _("manifest.json: “filter_applied” missing or not an object"));
  else
    {
      JsonObject *fa = json_node_get_object (n);

      need_type (c, "manifest.json filter_applied", fa, "ips", is_array, TRUE, _("a list or null"));
      need_type (c, "manifest.json filter_applied", fa, "time_start_us", is_int, TRUE, _("an integer or null"));
      need_type (c, "manifest.json filter_applied", fa, "time_end_us", is_int, TRUE, _("an integer or null"));
      need_type (c, "manifest.json filter_applied", fa, "time_start_minutes", is_number, TRUE, _("a number or null"));
      need_type (c, "manifest.json filter_applied", fa, "time_end_minutes", is_number, TRUE, _("a number or null"));
    }
}

static void
check_manifest (Check              *c,
                TaFolderCheckFlags  flags,
                JsonObject         *m,
                Totals             *t)
{
  JsonNode *n;

  need_string (c, "manifest.json", m, "version", FALSE);
  need_string (c, "manifest.json", m, "format", FALSE);
  need_string (c, "manifest.json", m, "created", FALSE);
  if (is_string (json_object_get_member (m, "version"))
      && strcmp (json_object_get_string_member (m, "version"), "2.0") != 0)
    problem (c, _("manifest.json: version is not “2.0”"));
  t->total_packets = need_int (c, "manifest.json", m, "total_packets");
  t->tcp_packets = need_int (c, "manifest.json", m, "tcp_packets");
  t->unique_ips = need_int (c, "manifest.json", m, "unique_ips");
  t->total_flows = need_int (c, "manifest.json", m, "total_flows");
  need_int (c, "manifest.json", m, "flows_per_chunk");
  t->total_chunks = need_int (c, "manifest.json", m, "total_chunks");
  n = json_object_get_member (m, "time_range");
  if (!is_object (n))
    problem (c, _("manifest.json: “time_range” missing or not an object"));
  else
    {
      JsonObject *tr = json_node_get_object (n);

      need_int (c, "manifest.json time_range", tr, "start");
      need_int (c, "manifest.json time_range", tr, "end");
      need_int (c, "manifest.json time_range", tr, "duration");
    }
  n = json_object_get_member (m, "structure");
  if (!is_object (n))
    problem (c, _("manifest.json: “structure” missing or not an object"));
  else
    {
      static const char * const keys[] = {
        "packets", "flows_index", "flow_chunks", "time_bins", "ip_stats",
        "flag_stats", "unique_ips",
      };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        need_string (c, "manifest.json structure", json_node_get_object (n), keys[i], FALSE);
    }
  if (!is_array (json_object_get_member (m, "source_files"))
      && (flags & TA_FOLDER_CHECK_STRICT || !is_string (json_object_get_member (m, "source_file"))))
    problem (c, _("manifest.json: “source_files” missing or not a list"));
  if (flags & TA_FOLDER_CHECK_STRICT)
    check_manifest_strict (c, m);
}

/* ips/: unique_ips.json, flag_stats.json, ip_stats.json; @t is NULL
 * without a manifest */
static void
check_ip_files (Check              *c,
                TaFolderCheckFlags  flags,
                const Totals       *t)
{
  g_autoptr(JsonNode) uniq = load_json (c, "ips/unique_ips.json");
  g_autoptr(JsonNode) fstats = NULL;
  g_autoptr(JsonNode) ipstats = NULL;

  if (uniq && !is_array (uniq))
    problem (c, _("ips/unique_ips.json: not an array"));
  else if (uniq && t && (gint64) json_array_get_length (json_node_get_array (uniq)) != t->unique_ips)
    problem (c, _("manifest unique_ips is %lld but unique_ips.json lists %u"),
             (long long) t->unique_ips, json_array_get_length (json_node_get_array (uniq)));

  fstats = load_json (c, "ips/flag_stats.json");
  if (fstats && !is_object (fstats))
    problem (c, _("ips/flag_stats.json: not an object"));
  else if (fstats && t)
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (fstats));
      gint64 sum = 0;

      for (GList *l = members; l; l = l->next)
        sum += is_int (l->data) ? json_node_get_int (l->data) : 0;
      if (sum != t->tcp_packets)
        problem (c, _("manifest tcp_packets is %lld but flag_stats.json counts %lld"),
                 (long long) t->tcp_packets, (long long) sum);
    }

  ipstats = load_json (c, "ips/ip_stats.json");
  if (ipstats && !is_object (ipstats))
    problem (c, _("ips/ip_stats.json: not an object"));
  else if (ipstats && uniq && is_array (uniq) && (flags & TA_FOLDER_CHECK_STRICT))
    {
      JsonObject *o = json_node_get_object (ipstats);
      JsonArray *u = json_node_get_array (uniq);

      if (json_object_get_size (o) != json_array_get_length (u))
        problem (c, _("ip_stats.json has %u addresses, unique_ips.json %u"),
                 json_object_get_size (o), json_array_get_length (u));
      for (guint i = 0; i < json_array_get_length (u); i++)
        {
          const char *ip = json_array_get_string_element (u, i);

          if (ip == NULL || !json_object_has_member (o, ip))
            {
              problem (c, _("unique_ips.json: “%s” has no ip_stats entry"), ip ? ip : "?");
              break;
            }
        }
    }
}

static void
check_bins (Check              *c,
            TaFolderCheckFlags  flags,
            const Totals       *t)
{
  g_autoptr(JsonNode) bins = load_json (c, "indices/bins.json");

  if (bins && !is_array (bins))
    problem (c, _("indices/bins.json: not an array"));
  else if (bins && t && (flags & TA_FOLDER_CHECK_STRICT))
    {
      JsonArray *b = json_node_get_array (bins);
      gint64 sum = 0;

      for (guint i = 0; i < json_array_get_length (b); i++)
        {
          JsonNode *e = json_array_get_element (b, i);

          if (is_object (e))
            sum += need_int (c, "indices/bins.json", json_node_get_object (e), "count");
        }
      if (sum != t->total_packets)
        problem (c, _("bins.json counts %lld packets, manifest total_packets is %lld"),
                 (long long) sum, (long long) t->total_packets);
    }
}

/* The app's verdict: the folder loads and every flow's packets read, by
 * the loader the flow panel uses; its warnings go to @notes */
static gboolean
app_opens (const char  *folder,
           GPtrArray   *notes,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (folder);
  g_autoptr(GError) local = NULL;
  g_autoptr(TaSubsetFolder) loaded = ta_subset_folder_load (file, NULL, NULL, NULL, &local);
  const char * const *warnings;
  guint n = 0;

  if (loaded != NULL)
    {
      ta_subset_folder_get_flows (loaded, &n);
      for (guint i = 0; i < n && local == NULL; i++)
        {
          TaFlowDetail *detail = ta_subset_folder_get_flow_detail (loaded, i, NULL, &local);

          ta_flow_detail_unref (detail);
        }
    }
  if (local != NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("“%s” is not a valid subset folder (TimeArcs cannot open it):\n  %s"),
                   folder, local->message);
      return FALSE;
    }
  warnings = ta_subset_folder_get_warnings (loaded);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_ptr_array_add (notes, g_strdup (warnings[i]));
  return TRUE;
}

gboolean
ta_folder_check (const char          *folder,
                 TaFolderCheckFlags   flags,
                 GError             **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);

  return ta_folder_check_full (folder, flags, notes, error);
}

/* One verdict with the app: a folder passes if and only if the loader opens
 * it and reads every flow; the original viewer's rules below (types,
 * totals, cross-references) add notes, which fail only with --strict */
gboolean
ta_folder_check_full (const char          *folder,
                      TaFolderCheckFlags   flags,
                      GPtrArray           *notes,
                      GError             **error)
{
  Check c = { folder, g_ptr_array_new_with_free_func (g_free), FALSE };
  g_autoptr(GPtrArray) problems = c.problems;
  g_autoptr(JsonNode) manifest = NULL;
  Totals totals = { 0 };
  const Totals *t = NULL;
  gint64 rows;
  g_autoptr(GString) msg = NULL;

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("“%s” is not a folder"), folder);
      return FALSE;
    }
  if (!app_opens (folder, notes, error))
    return FALSE;

  manifest = load_json (&c, "manifest.json");
  if (manifest && !is_object (manifest))
    problem (&c, _("manifest.json: not an object"));
  else if (manifest)
    {
      check_manifest (&c, flags, json_node_get_object (manifest), &totals);
      t = &totals;
    }

  rows = count_csv_rows (&c);
  if (t && rows >= 0 && rows != t->total_packets)
    problem (&c, _("manifest total_packets is %lld but packets.csv has %lld rows"),
             (long long) t->total_packets, (long long) rows);

  check_ip_files (&c, flags, t);
  check_bins (&c, flags, t);
  if (t)
    check_flows (&c, flags, t->total_flows, t->total_chunks);

  if (problems->len == 0)
    return TRUE;
  /* beyond what the app needs: notes, unless --strict makes them fail */
  if (!(flags & TA_FOLDER_CHECK_STRICT))
    {
      for (guint i = 0; i < problems->len; i++)
        g_ptr_array_add (notes, g_strdup (problems->pdata[i]));
      return TRUE;
    }

  msg = g_string_new (NULL);
  g_string_append_printf (msg, _("“%s” is not a valid subset folder:"), folder);
  for (guint i = 0; i < problems->len && i < MAX_LISTED; i++)
    g_string_append_printf (msg, "\n  %s", (const char *) problems->pdata[i]);
  if (problems->len > MAX_LISTED)
    g_string_append_printf (msg, _("\n  … and %u more problems"), problems->len - MAX_LISTED);
  g_set_error_literal (error, TA_ERROR, TA_ERROR_FORMAT, msg->str);
  return FALSE;
}
