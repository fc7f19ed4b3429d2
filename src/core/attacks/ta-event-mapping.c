/* ta-event-mapping.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-json.h"
#include "ta-out.h"
#include "ta-event-mapping.h"
#include "ta-packet.h"

struct _TaEventMapping
{
  GHashTable *by_label;  /* char* -> GINT_TO_POINTER (code) (label owned) */
  GHashTable *by_code;   /* GINT_TO_POINTER (code) -> const char* */
  gint32      max_code;
  guint       n_added;
};

static void insert (TaEventMapping *self,
                    const char     *label,
                    gint32          code);

TaEventMapping *
ta_event_mapping_new (void)
{
  TaEventMapping *self = g_new0 (TaEventMapping, 1);

  self->by_label = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_code = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->max_code = -1;
  insert (self, "normal", TA_LABEL_NORMAL);
  return self;
}

void
ta_event_mapping_free (TaEventMapping *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_code);
  g_hash_table_unref (self->by_label);
  g_free (self);
}

static void
insert (TaEventMapping *self,
        const char     *label,
        gint32          code)
{
  char *key = g_strdup (label);
  gpointer old_code;

  if (g_hash_table_lookup_extended (self->by_label, label, NULL, &old_code))
    g_hash_table_remove (self->by_code, old_code);
  g_hash_table_replace (self->by_label, key, GINT_TO_POINTER (code));
  /* when two labels share a code, the first one names it */
  if (!g_hash_table_contains (self->by_code, GINT_TO_POINTER (code)))
    g_hash_table_insert (self->by_code, GINT_TO_POINTER (code), key);
  self->max_code = MAX (self->max_code, code);
}

TaEventMapping *
ta_event_mapping_load_from_data (const char  *name,
                                 const char  *data,
                                 gssize       len,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TaEventMapping) self = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObjectIter iter;
  const char *label;
  JsonNode *value;

  parser = ta_json_load_data (data, len < 0 ? strlen (data) : (gsize) len, name, &local);
  if (parser == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: a mapping must be a JSON object {\"label\": code}"), name);
      return NULL;
    }

  self = ta_event_mapping_new ();
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &label, &value))
    {
      GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;
      double d;

      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the code of \"%s\" is not a number"), name, label);
          return NULL;
        }
      d = type == G_TYPE_DOUBLE ? json_node_get_double (value) : (double) json_node_get_int (value);
      if (d != (gint32) d || d < -1 || d > G_MAXINT32 - 1)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the code of \"%s\" is not an integer ≥ -1"), name, label);
          return NULL;
        }
      insert (self, label, (gint32) d);
    }
  return g_steal_pointer (&self);
}

TaEventMapping *
ta_event_mapping_load (const char  *path,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  gsize len;

  if (!ta_file_read_all (path, NULL, TA_FILE_READ_MAX_WHOLE, NULL, &contents, &len, &local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return ta_event_mapping_load_from_data (path, contents, len, error);
}

gint32
ta_event_mapping_lookup (TaEventMapping *self,
                         const char     *label)
{
  gpointer code;

  if (g_hash_table_lookup_extended (self->by_label, label, NULL, &code))
    return GPOINTER_TO_INT (code);
  return TA_LABEL_NONE;
}

gint32
ta_event_mapping_lookup_len (TaEventMapping *self,
                             const char     *label,
                             gsize           len)
{
  char buf[256];
  g_autofree char *heap = NULL;
  const char *key = buf;

  if (len < sizeof buf)
    {
      memcpy (buf, label, len);
      buf[len] = 0;
    }
  else
    key = heap = g_strndup (label, len);
  return ta_event_mapping_lookup (self, key);
}

gint32
ta_event_mapping_ensure (TaEventMapping *self,
                         const char     *label)
{
  gint32 code = ta_event_mapping_lookup (self, label);

  if (code != TA_LABEL_NONE)
    return code;
  code = MAX (self->max_code + 1, 0);
  insert (self, label, code);
  self->n_added++;
  return code;
}

const char *
ta_event_mapping_get_label (TaEventMapping *self,
                            gint32          code)
{
  return g_hash_table_lookup (self->by_code, GINT_TO_POINTER (code));
}

guint
ta_event_mapping_get_size (TaEventMapping *self)
{
  return g_hash_table_size (self->by_label);
}

guint
ta_event_mapping_get_n_added (TaEventMapping *self)
{
  return self->n_added;
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;

  return (x > y) - (x < y);
}

GArray *
ta_event_mapping_get_codes (TaEventMapping *self)
{
  GArray *codes = g_array_new (FALSE, FALSE, sizeof (gint32));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->by_code);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint32 code = GPOINTER_TO_INT (key);

      g_array_append_val (codes, code);
    }
  g_array_sort (codes, compare_codes);
  return codes;
}

typedef struct
{
  const char *label;
  gint32      code;
} Pair;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *x = a, *y = b;

  if (x->code != y->code)
    return (x->code > y->code) - (x->code < y->code);
  return strcmp (x->label, y->label);
}

gboolean
ta_event_mapping_save (TaEventMapping  *self,
                       const char      *path,
                       GError         **error)
{
  g_autoptr(GString) out = g_string_new ("{\n");
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->by_label);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Pair p = { key, GPOINTER_TO_INT (value) };

      g_array_append_val (pairs, p);
    }
  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *p = &g_array_index (pairs, Pair, i);
      g_string_append (out, "    ");
      ta_json_append_string (out, p->label);
      g_string_append_printf (out, ": %d%s\n", p->code, i + 1 < pairs->len ? "," : "");
    }
  g_string_append (out, "}\n");
  return ta_out_write_file (path, out->str, out->len, error);
}

/* ---------------------------------------------------------------- groups */

const char *
ta_attack_group_for_label (const char *label)
{
  const char *rest = label;
  gsize len = strlen (label);

  if (strcmp (label, "normal") == 0)
    return "normal";
  if (strstr (label, "ddos") != NULL)
    return "ddos";
  if (len >= 3 && strcmp (label + len - 3, " nc") == 0)
    return "c2-based";
  if (g_str_has_prefix (label, "post-phishing c2"))
    return "post-phishing c2";
  if (g_str_has_prefix (label, "c2"))
    return "c2-based";
  if (g_str_has_prefix (rest, "post-phishing "))
    rest += strlen ("post-phishing ");
  else if (g_str_has_prefix (rest, "noisy "))
    rest += strlen ("noisy ");
  if ((g_str_has_prefix (rest, "spam") || g_str_has_prefix (rest, "client compromise")) &&
      strstr (rest, "sams_launch") == NULL)
    return "spambot - client compromise";
  return "other";
}

gint32
ta_event_mapping_group_code (TaEventMapping *groups,
                             const char     *label)
{
  gint32 code = ta_event_mapping_lookup (groups, label);

  if (code != TA_LABEL_NONE)
    return code;
  code = ta_event_mapping_lookup (groups, ta_attack_group_for_label (label));
  if (code != TA_LABEL_NONE)
    return code;
  code = ta_event_mapping_lookup (groups, "other");
  if (code != TA_LABEL_NONE)
    return code;
  return ta_event_mapping_ensure (groups, ta_attack_group_for_label (label));
}
