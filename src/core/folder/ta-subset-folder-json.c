/* ta-subset-folder-json.c — the folder's small JSON files through
 * json-glib, read field by field so that every error names its file and
 * its field.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-subset-folder-private.h"

static gboolean
json_member (JsonObject  *obj,
             const char  *file,
             const char  *where,
             const char  *field,
             gboolean     required,
             JsonNode   **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: %sfield “%s” is missing"), file, where, field);
          return FALSE;
        }
      return TRUE;
    }
  *out = node;
  return TRUE;
}

gboolean
ta_folder_json_get_int (JsonObject  *obj,
                        const char  *file,
                        const char  *where,
                        const char  *field,
                        gboolean     required,
                        gint64       min,
                        gint64       max,
                        gint64       fallback,
                        gint64      *out,
                        GError     **error)
{
  JsonNode *node;
  GType type;

  *out = fallback;
  if (!json_member (obj, file, where, field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* the original sometimes writes integral values as floats */
      if (!isfinite (d) || d != floor (d) || d < (double) min || d > (double) max)
        goto bad;
      *out = (gint64) d;
    }
  else
    goto bad;

  /* json-glib saturates integers too big for 64 bits to -1 or G_MININT64,
   * which the range check rejects */
  if (*out < min || *out > max)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: %sfield “%s” must be an integer from %lld to %lld"),
               file, where, field, (long long) min, (long long) max);
  return FALSE;
}

gboolean
ta_folder_json_get_string (JsonObject   *obj,
                           const char   *file,
                           const char   *where,
                           const char   *field,
                           gboolean      required,
                           const char  **out,
                           GError      **error)
{
  JsonNode *node;

  *out = NULL;
  if (!json_member (obj, file, where, field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: %sfield “%s” must be a string"), file, where, field);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
ta_folder_json_get_object (JsonObject  *obj,
                           const char  *file,
                           const char  *field,
                           gboolean     required,
                           JsonObject **out,
                           GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!json_member (obj, file, "", field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: field “%s” must be an object"), file, field);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

/* Parses one JSON file of the folder (a regular file, bounded in size and
 * nesting); the root must have @root_type. */
JsonParser *
ta_folder_json_load (GFile         *dir,
                     const char    *rel,
                     JsonNodeType   root_type,
                     gboolean       required,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFile) file = g_file_resolve_relative_path (dir, rel);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(JsonParser) parser = NULL;

  if (path == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: not a local file"), rel);
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!required)
        return NULL;
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"), rel,
                   g_strerror (ENOENT));
      return NULL;
    }
  parser = ta_json_load_file (path, rel, TA_FILE_READ_MAX_WHOLE, cancellable, error);
  if (parser == NULL)
    return NULL;
  if (json_node_get_node_type (json_parser_get_root (parser)) != root_type)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   root_type == JSON_NODE_ARRAY ? _("%s: the top level must be an array")
                                                : _("%s: the top level must be an object"),
                   rel);
      return NULL;
    }
  return g_steal_pointer (&parser);
}

char **
ta_folder_json_string_list (JsonArray   *array,
                            const char  *file,
                            const char  *field,
                            GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: field “%s” item %u must be a string"), file, field, i);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}
