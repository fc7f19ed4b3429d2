/* ta-subset-folder-manifest.c — manifest.json: version, counts, time
 * range, the paths of the other files (relative, inside the folder) and
 * the filter that made the subset.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-error.h"
#include "ta-subset-folder-private.h"

void
ta_folder_structure_clear (TaFolderStructure *s)
{
  g_free (s->packets);
  g_free (s->flows_index);
  g_free (s->time_bins);
  g_free (s->ip_stats);
  g_free (s->flag_stats);
  g_free (s->unique_ips);
}

/* A path from manifest.structure: relative, inside the folder */
static gboolean
check_relative_path (const char  *path,
                     const char  *field,
                     GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (path[0] == '\0' || g_path_is_absolute (path))
    goto bad;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (strcmp (parts[i], "..") == 0)
      goto bad;
  return TRUE;

bad:
  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
               _("manifest.json: structure.%s “%s” must be a relative path inside the folder"),
               field, path);
  return FALSE;
}

static gboolean
parse_sources (JsonObject  *root,
               TaManifest  *m,
               GError     **error)
{
  static const char *file = "manifest.json";
  JsonNode *node;
  const char *s;

  node = json_object_get_member (root, "source_files");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: field “%s” must be a list of strings"), file, "source_files");
          return FALSE;
        }
      if (!(m->source_files = ta_folder_json_string_list (json_node_get_array (node), file,
                                                          "source_files", error)))
        return FALSE;
    }
  else
    {
      if (!ta_folder_json_get_string (root, file, "", "source_file", FALSE, &s, error))
        return FALSE;
      m->source_files = g_new0 (char *, 2);
      m->source_files[0] = s ? g_strdup (s) : NULL;
    }
  return TRUE;
}

static gboolean
parse_structure (JsonObject         *root,
                 TaFolderStructure  *structure,
                 GError            **error)
{
  static const char *file = "manifest.json";
  JsonObject *st;
  const char *s;

  structure->packets = g_strdup ("packets.csv");
  structure->flows_index = g_strdup ("flows/flows_index.json");
  structure->time_bins = g_strdup ("indices/bins.json");
  structure->ip_stats = g_strdup ("ips/ip_stats.json");
  structure->flag_stats = g_strdup ("ips/flag_stats.json");
  structure->unique_ips = g_strdup ("ips/unique_ips.json");
  if (!ta_folder_json_get_object (root, file, "structure", FALSE, &st, error))
    return FALSE;
  if (st != NULL)
    {
      const struct { const char *field; char **dest; } paths[] = {
        { "packets", &structure->packets },
        { "flows_index", &structure->flows_index },
        { "time_bins", &structure->time_bins },
        { "ip_stats", &structure->ip_stats },
        { "flag_stats", &structure->flag_stats },
        { "unique_ips", &structure->unique_ips },
      };

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          if (!ta_folder_json_get_string (st, file, "structure: ", paths[i].field, FALSE, &s, error))
            return FALSE;
          if (s == NULL)
            continue;
          if (!check_relative_path (s, paths[i].field, error))
            return FALSE;
          g_free (*paths[i].dest);
          *paths[i].dest = g_strdup (s);
        }
    }
  return TRUE;
}

/* attack_context and filter_applied */
static gboolean
parse_context (JsonObject  *root,
               TaManifest  *m,
               GError     **error)
{
  static const char *file = "manifest.json";
  JsonObject *filter;
  JsonNode *node;
  const char *s;

  node = json_object_get_member (root, "attack_context");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      if (!ta_folder_json_get_string (json_node_get_object (node), file, "attack_context: ", "type",
                                      FALSE, &s, error))
        return FALSE;
      m->attack_context = g_strdup (s);
    }

  if (!ta_folder_json_get_object (root, file, "filter_applied", FALSE, &filter, error))
    return FALSE;
  if (filter != NULL)
    {
      JsonNode *ips = json_object_get_member (filter, "ips");
      JsonNode *ts = json_object_get_member (filter, "time_start_us");

      if (ips != NULL && JSON_NODE_HOLDS_ARRAY (ips))
        if (!(m->filter_ips = ta_folder_json_string_list (json_node_get_array (ips), file,
                                                          "filter_applied.ips", error)))
          return FALSE;
      if (ts != NULL && !JSON_NODE_HOLDS_NULL (ts))
        {
          if (!ta_folder_json_get_int (filter, file, "filter_applied: ", "time_start_us", FALSE,
                                       0, MAX_TIME_US, 0, &m->filter_start_us, error)
              || !ta_folder_json_get_int (filter, file, "filter_applied: ", "time_end_us", FALSE,
                                          0, MAX_TIME_US, MAX_TIME_US, &m->filter_end_us, error))
            return FALSE;
          m->has_time_filter = TRUE;
        }
    }
  return TRUE;
}

gboolean
ta_subset_folder_parse_manifest (TaSubsetFolder     *self,
                                 TaFolderStructure  *structure,
                                 GCancellable       *cancellable,
                                 GError            **error)
{
  static const char *file = "manifest.json";
  static const struct { const char *field; gsize offset; } counts[] = {
    { "total_packets", G_STRUCT_OFFSET (TaManifest, total_packets) },
    { "tcp_packets", G_STRUCT_OFFSET (TaManifest, tcp_packets) },
    { "unique_ips", G_STRUCT_OFFSET (TaManifest, unique_ips) },
    { "total_flows", G_STRUCT_OFFSET (TaManifest, total_flows) },
    { "flows_per_chunk", G_STRUCT_OFFSET (TaManifest, flows_per_chunk) },
    { "total_chunks", G_STRUCT_OFFSET (TaManifest, total_chunks) },
  };
  g_autoptr(JsonParser) parser = NULL;
  TaManifest *m = &self->manifest;
  JsonObject *root, *range;
  const char *s;
  gint64 v;

  parser = ta_folder_json_load (self->file, file, JSON_NODE_OBJECT, TRUE, cancellable, error);
  if (parser == NULL)
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));

  if (!ta_folder_json_get_string (root, file, "", "version", TRUE, &s, error))
    return FALSE;
  if (strcmp (s, "2.0") != 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: field “version” is “%s”; only subset folders of version 2.0 can be opened"),
                   file, s);
      return FALSE;
    }
  m->version = g_strdup (s);
  if (!ta_folder_json_get_string (root, file, "", "format", FALSE, &s, error))
    return FALSE;
  m->format = g_strdup (s);
  if (!ta_folder_json_get_string (root, file, "", "created", FALSE, &s, error))
    return FALSE;
  m->created = g_strdup (s);

  if (!parse_sources (root, m, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      if (!ta_folder_json_get_int (root, file, "", counts[i].field, TRUE, 0, MAX_COUNT, 0, &v, error))
        return FALSE;
      G_STRUCT_MEMBER (guint64, m, counts[i].offset) = v;
    }

  if (!ta_folder_json_get_object (root, file, "time_range", TRUE, &range, error))
    return FALSE;
  if (!ta_folder_json_get_int (range, file, "time_range: ", "start", TRUE, 0, MAX_TIME_US, 0,
                               &m->time_start, error)
      || !ta_folder_json_get_int (range, file, "time_range: ", "end", TRUE, 0, MAX_TIME_US, 0,
                                  &m->time_end, error)
      || !ta_folder_json_get_int (range, file, "time_range: ", "duration", FALSE, 0, MAX_TIME_US,
                                  0, &m->duration, error))
    return FALSE;
  if (m->time_end < m->time_start)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: time_range: “end” is before “start”"), file);
      return FALSE;
    }

  return parse_structure (root, structure, error) && parse_context (root, m, error);
}
