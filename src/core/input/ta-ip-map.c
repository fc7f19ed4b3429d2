/* ta-ip-map.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-json.h"
#include "ta-out.h"
#include "ta-ip-map.h"

struct _TaIpMap
{
  GHashTable *by_addr;   /* char* -> gint64* (owned in by_id) */
  GHashTable *by_id;     /* gint64* -> char* */
  GPtrArray  *dense;     /* id -> const char*, for small ids (fast path) */
  gint64      max_id;
};

TaIpMap *
ta_ip_map_new (void)
{
  TaIpMap *self = g_new0 (TaIpMap, 1);

  self->by_addr = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->dense = g_ptr_array_new ();
  self->max_id = 0;
  return self;
}

void
ta_ip_map_free (TaIpMap *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->by_addr);
  g_ptr_array_unref (self->dense);
  g_free (self);
}

static void
insert (TaIpMap    *self,
        const char *addr,
        gint64      id)
{
  char *key = g_strdup (addr);
  gint64 *idp = g_new (gint64, 1);

  *idp = id;
  g_hash_table_replace (self->by_addr, key, idp);
  g_hash_table_replace (self->by_id, idp, key);
  if (id >= 0 && id < 16 * 1024 * 1024)
    {
      if ((guint) id >= self->dense->len)
        g_ptr_array_set_size (self->dense, id + 1);
      self->dense->pdata[id] = key;
    }
  self->max_id = MAX (self->max_id, id);
}

TaIpMap *
ta_ip_map_load (const char  *path,
                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TaIpMap) self = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  parser = ta_json_load_file (path, NULL, TA_FILE_READ_MAX_WHOLE, NULL, &local);
  if (parser == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: an IP map must be a JSON object {\"address\": id}"), path);
      return NULL;
    }

  self = ta_ip_map_new ();
  obj = json_node_get_object (root);
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &value))
    {
      gint64 id;

      if (!JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_INT64 &&
           json_node_get_value_type (value) != G_TYPE_DOUBLE))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the id of \"%s\" is not a number"), path, name);
          return NULL;
        }
      if (json_node_get_value_type (value) == G_TYPE_DOUBLE)
        id = (gint64) json_node_get_double (value);
      else
        id = json_node_get_int (value);
      if (id < 0)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the id of \"%s\" is negative"), path, name);
          return NULL;
        }
      insert (self, name, id);
    }

  return g_steal_pointer (&self);
}

const char *
ta_ip_map_lookup_id (TaIpMap *self,
                     gint64   id)
{
  if (id >= 0 && (guint64) id < self->dense->len)
    return self->dense->pdata[id];
  if (id < 16 * 1024 * 1024)
    return NULL;
  return g_hash_table_lookup (self->by_id, &id);
}

gint64
ta_ip_map_lookup_addr (TaIpMap    *self,
                       const char *addr)
{
  gint64 *idp = g_hash_table_lookup (self->by_addr, addr);

  return idp ? *idp : -1;
}

gint64
ta_ip_map_add (TaIpMap    *self,
               const char *addr)
{
  gint64 id = ta_ip_map_lookup_addr (self, addr);

  if (id >= 0)
    return id;
  id = self->max_id + 1;
  insert (self, addr, id);
  return id;
}

guint
ta_ip_map_get_size (TaIpMap *self)
{
  return g_hash_table_size (self->by_addr);
}

gint64
ta_ip_map_get_max_id (TaIpMap *self)
{
  return self->max_id;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = **(gint64 **) a, y = **(gint64 **) b;

  return (x > y) - (x < y);
}

gboolean
ta_ip_map_save (TaIpMap     *self,
                const char  *path,
                GError     **error)
{
  g_autoptr(GString) out = g_string_new ("{");
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_ids);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *idp = ids->pdata[i];
      const char *addr = g_hash_table_lookup (self->by_id, idp);
      if (i > 0)
        g_string_append (out, ", ");
      ta_json_append_string (out, addr);
      g_string_append_printf (out, ": %" G_GINT64_FORMAT, *idp);
    }
  g_string_append (out, "}\n");

  return ta_out_write_file (path, out->str, out->len, error);
}
