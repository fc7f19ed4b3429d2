/* ta-attack-maps.c — the attack view's label maps (label ↔ code, wrapping
 * the core's TaEventMapping) and colour maps (label → #RRGGBB, a default
 * palette)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ta-attack-data.h"
#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-event-mapping.h"
#include "ta-packet.h"

/* Label maps */

/* The view's name for a label ↔ code mapping: the core's TaEventMapping
 * (one loader for the format) plus the file name for messages */
struct _TaLabelMap
{
  char           *name;
  TaEventMapping *map;
};

void
ta_label_map_free (TaLabelMap *self)
{
  if (self == NULL)
    return;
  ta_event_mapping_free (self->map);
  g_free (self->name);
  g_free (self);
}

static TaLabelMap *
wrap_mapping (const char     *name,
              TaEventMapping *map)
{
  TaLabelMap *self;

  if (map == NULL)
    return NULL;
  self = g_new0 (TaLabelMap, 1);
  self->name = g_strdup (name);
  self->map = map;
  return self;
}

TaLabelMap *
ta_label_map_new_from_data (const char  *name,
                            const char  *json,
                            gssize       len,
                            GError     **error)
{
  return wrap_mapping (name, ta_event_mapping_load_from_data (name, json, len, error));
}

TaLabelMap *
ta_label_map_load (const char  *path,
                   GError     **error)
{
  return wrap_mapping (path, ta_event_mapping_load (path, error));
}

const char *
ta_label_map_lookup_code (TaLabelMap *self,
                          gint64      code)
{
  if (self == NULL || code < G_MININT32 || code > G_MAXINT32)
    return NULL;
  return ta_event_mapping_get_label (self->map, (gint32) code);
}

gboolean
ta_label_map_lookup_label (TaLabelMap *self,
                           const char *label,
                           gint64     *code)
{
  gint32 c;

  if (self == NULL || (c = ta_event_mapping_lookup (self->map, label)) == TA_LABEL_NONE)
    return FALSE;
  if (code)
    *code = c;
  return TRUE;
}

guint
ta_label_map_get_size (TaLabelMap *self)
{
  return self ? ta_event_mapping_get_size (self->map) : 0;
}

const char *
ta_label_map_get_name (TaLabelMap *self)
{
  return self ? self->name : NULL;
}

/* Colours */

struct _TaColorMap
{
  GHashTable *colors;   /* char* -> GUINT_TO_POINTER (0x1RRGGBB) */
};

TaColorMap *
ta_color_map_new (void)
{
  TaColorMap *self = g_new0 (TaColorMap, 1);

  self->colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
ta_color_map_free (TaColorMap *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->colors);
  g_free (self);
}

static gboolean
parse_hex_color (const char *s,
                 guint32    *out)
{
  guint32 v = 0;

  if (s == NULL)
    return FALSE;
  while (*s == ' ')
    s++;
  if (*s != '#')
    return FALSE;
  s++;
  for (guint i = 0; i < 6; i++)
    {
      if (!g_ascii_isxdigit (s[i]))
        return FALSE;
      v = (v << 4) | g_ascii_xdigit_value (s[i]);
    }
  *out = v;
  return TRUE;
}

TaColorMap *
ta_color_map_load (const char  *path,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TaColorMap) self = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;
  JsonNode *root;

  parser = ta_json_load_file (path, NULL, TA_FILE_READ_MAX_WHOLE, NULL, error);
  if (parser == NULL)
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: expected a JSON object of label → colour"), path);
      return NULL;
    }
  self = ta_color_map_new ();
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &member, &node))
    {
      guint32 rgb;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          !parse_hex_color (json_node_get_string (node), &rgb))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the colour of “%s” is not #RRGGBB"), path, member);
          return NULL;
        }
      g_hash_table_replace (self->colors, g_strdup (member), GUINT_TO_POINTER (rgb | 0x1000000));
    }
  return g_steal_pointer (&self);
}

/* Tableau-like palette, readable on light and dark backgrounds */
static const guint32 palette[] = {
  0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
  0xbcbd22, 0x17becf, 0x393b79, 0xad494a, 0x637939, 0x8c6d31, 0x843c39, 0x7b4173,
  0x3182bd, 0xe6550d, 0x31a354, 0x756bb1,
};

guint32
ta_palette_color (const char *label)
{
  guint32 h = 2166136261u;

  /* FNV-1a: stable across runs and platforms, unlike g_str_hash's contract */
  for (const guchar *s = (const guchar *) label; s && *s; s++)
    h = (h ^ *s) * 16777619u;
  return palette[h % G_N_ELEMENTS (palette)];
}

guint32
ta_color_map_lookup (TaColorMap *self,
                     const char *label)
{
  gpointer v;

  if (self != NULL && label != NULL && (v = g_hash_table_lookup (self->colors, label)))
    return GPOINTER_TO_UINT (v) & 0xffffff;
  return ta_palette_color (label);
}

gboolean
ta_color_map_contains (TaColorMap *self,
                       const char *label)
{
  return self != NULL && label != NULL && g_hash_table_contains (self->colors, label);
}
