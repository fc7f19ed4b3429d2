/* ta-json-load.c — bounded JSON loading through json-glib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"

gssize
ta_json_find_too_deep (const char *text,
                       gsize       len,
                       guint       max_depth)
{
  const char *p = text, *end = text + len;
  guint depth = 0;

  while (p < end)
    {
      switch (*p)
        {
        case '"':
          /* to the closing quote, past escapes; an unterminated string is
           * json-glib's error to report */
          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < end)
              p++;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            return p - text;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
      p++;
    }
  return -1;
}

JsonParser *
ta_json_load_data (const char  *text,
                   gsize        len,
                   const char  *label,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  gssize deep;

  deep = ta_json_find_too_deep (text, len, TA_JSON_LOAD_MAX_DEPTH);
  if (deep >= 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not valid JSON: byte %zd: nested deeper than %u levels"),
                   label, deep, (guint) TA_JSON_LOAD_MAX_DEPTH);
      return NULL;
    }
  if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, text, (gssize) len, &local))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: %s"), label,
                   local ? local->message : _("too big"));
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: the file is empty"),
                   label);
      return NULL;
    }
  return g_steal_pointer (&parser);
}

JsonParser *
ta_json_load_file (const char    *path,
                   const char    *label,
                   guint64        max_size,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (label == NULL)
    label = path;
  if (!ta_file_read_all (path, label, max_size, cancellable, &contents, &len, error))
    return NULL;
  return ta_json_load_data (contents, len, label, error);
}
