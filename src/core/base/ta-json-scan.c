/* ta-json-scan.c — the streaming JSON scanner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-error.h"
#include "ta-json-scan.h"

void
ta_json_scan_init (TaJsonScan *sc,
                   const char *text,
                   gsize       len)
{
  if (text == NULL)
    text = "";
  sc->base = sc->p = text;
  sc->end = text + len;
  sc->max_depth = TA_JSON_SCAN_MAX_DEPTH;
  sc->message = NULL;
  sc->error_offset = 0;
}

void
ta_json_scan_clear (TaJsonScan *sc)
{
  g_clear_pointer (&sc->message, g_free);
}

gboolean
ta_json_scan_fail (TaJsonScan *sc,
                   const char *format,
                   ...)
{
  va_list args;

  if (sc->message != NULL)
    return FALSE;
  va_start (args, format);
  sc->message = g_strdup_vprintf (format, args);
  va_end (args);
  sc->error_offset = MIN (sc->p, sc->end) - sc->base;
  return FALSE;
}

guint
ta_json_scan_line (const TaJsonScan *sc)
{
  const char *stop = sc->message != NULL ? sc->base + sc->error_offset : MIN (sc->p, sc->end);
  guint line = 1;

  for (const char *c = sc->base; c < stop; c++)
    line += *c == '\n';
  return line;
}

void
ta_json_scan_set_error (const TaJsonScan  *sc,
                        const char        *file,
                        GError           **error)
{
  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: line %u (byte %llu): %s"),
               file, ta_json_scan_line (sc),
               (unsigned long long) (sc->message != NULL ? sc->error_offset
                                                         : (gsize) (sc->p - sc->base)),
               sc->message != NULL ? sc->message : "");
}

/* The rest of a string after an escape: unescaped into the scratch buffer */
static gboolean
scan_escaped (TaJsonScan  *sc,
              const char  *start,
              const char **out,
              gsize       *len)
{
  gsize n = MIN ((gsize) (sc->p - start), sizeof sc->scratch - 8);

  memcpy (sc->scratch, start, n);
  while (sc->p < sc->end && *sc->p != '"')
    {
      char c = *sc->p++;

      if ((guchar) c < 0x20)
        return ta_json_scan_fail (sc, _("control character in a string"));
      if (c == '\\')
        {
          if (sc->p >= sc->end)
            break;
          c = *sc->p++;
          switch (c)
            {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '"': case '\\': case '/': break;
            case 'u':
              {
                gunichar u = 0;

                for (int k = 0; k < 4; k++)
                  {
                    if (sc->p >= sc->end || !g_ascii_isxdigit (*sc->p))
                      return ta_json_scan_fail (sc, _("bad \\u escape"));
                    u = u * 16 + g_ascii_xdigit_value (*sc->p++);
                  }
                if (n + 6 < sizeof sc->scratch)
                  n += g_unichar_to_utf8 (u, sc->scratch + n);
                continue;
              }
            default:
              return ta_json_scan_fail (sc, _("bad escape"));
            }
        }
      if (n + 1 < sizeof sc->scratch)
        sc->scratch[n++] = c;
    }
  if (sc->p >= sc->end)
    return ta_json_scan_fail (sc, _("unterminated string"));
  sc->p++;
  sc->scratch[n] = 0;
  *out = sc->scratch;
  *len = n;
  return TRUE;
}

gboolean
ta_json_scan_string (TaJsonScan  *sc,
                     const char **out,
                     gsize       *len)
{
  const char *start;

  ta_json_scan_ws (sc);
  if (sc->p >= sc->end || *sc->p != '"')
    return ta_json_scan_fail (sc, _("a string was expected"));
  start = ++sc->p;
  while (sc->p < sc->end && *sc->p != '"' && *sc->p != '\\' && (guchar) *sc->p >= 0x20)
    sc->p++;
  if (sc->p < sc->end && *sc->p == '"')
    {
      *out = start;
      *len = sc->p - start;
      sc->p++;
      return TRUE;
    }
  return scan_escaped (sc, start, out, len);
}

static inline gboolean
scan_digits (TaJsonScan *sc)
{
  if (sc->p >= sc->end || !g_ascii_isdigit (*sc->p))
    return ta_json_scan_fail (sc, _("bad number"));
  while (sc->p < sc->end && g_ascii_isdigit (*sc->p))
    sc->p++;
  return TRUE;
}

/* -?digits(.digits)?([eE][+-]?digits)? */
static gboolean
scan_number (TaJsonScan  *sc,
             TaJsonValue *v)
{
  const char *s = sc->p;
  gboolean neg = *s == '-', is_double = FALSE;
  guint64 u = 0;

  if (neg)
    sc->p++;
  if (sc->p >= sc->end || !g_ascii_isdigit (*sc->p))
    return ta_json_scan_fail (sc, _("bad number"));
  while (sc->p < sc->end && g_ascii_isdigit (*sc->p))
    {
      if (u > (G_MAXUINT64 - 9) / 10)
        v->int_overflow = TRUE;
      else
        u = u * 10 + (*sc->p - '0');
      sc->p++;
    }
  if (sc->p < sc->end && *sc->p == '.')
    {
      is_double = TRUE;
      sc->p++;
      if (!scan_digits (sc))
        return FALSE;
    }
  if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E'))
    {
      is_double = TRUE;
      sc->p++;
      if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
        sc->p++;
      if (!scan_digits (sc))
        return FALSE;
    }
  if (is_double)
    {
      char buf[64];
      gsize len = sc->p - s;
      g_autofree char *heap = len < sizeof buf ? NULL : g_strndup (s, len);

      if (heap == NULL)
        {
          memcpy (buf, s, len);
          buf[len] = 0;
        }
      v->d = g_ascii_strtod (heap != NULL ? heap : buf, NULL);
      v->type = TA_JSON_DOUBLE;
      return TRUE;
    }
  if (u > (guint64) G_MAXINT64)
    v->int_overflow = TRUE;
  v->type = TA_JSON_INT;
  v->i = neg ? -(gint64) u : (gint64) u;
  return TRUE;
}

/* An object or an array, skipped; an array's elements are counted */
static gboolean
scan_container (TaJsonScan  *sc,
                TaJsonValue *v,
                guint        depth)
{
  char close = *sc->p == '{' ? '}' : ']';
  gboolean object = close == '}';
  TaJsonValue inner;

  v->type = object ? TA_JSON_OBJECT : TA_JSON_ARRAY;
  if (depth > sc->max_depth)
    return ta_json_scan_fail (sc, _("nested too deeply"));
  sc->p++;
  if (ta_json_scan_char (sc, close))
    return TRUE;
  for (;;)
    {
      if (object)
        {
          const char *k;
          gsize kl;

          if (!ta_json_scan_string (sc, &k, &kl))
            return FALSE;
          if (!ta_json_scan_char (sc, ':'))
            return ta_json_scan_fail (sc, _("“:” was expected"));
        }
      if (!ta_json_scan_value (sc, &inner, depth + 1))
        return FALSE;
      v->n_elements++;
      if (ta_json_scan_char (sc, ','))
        continue;
      if (ta_json_scan_char (sc, close))
        return TRUE;
      return ta_json_scan_fail (sc, _("“,” or “%c” was expected"), close);
    }
}

static inline gboolean
scan_literal (TaJsonScan *sc,
              const char *word,
              gsize       len)
{
  if ((gsize) (sc->end - sc->p) < len || memcmp (sc->p, word, len) != 0)
    return FALSE;
  sc->p += len;
  return TRUE;
}

gboolean
ta_json_scan_value (TaJsonScan  *sc,
                    TaJsonValue *v,
                    guint        depth)
{
  ta_json_scan_ws (sc);
  memset (v, 0, sizeof *v);
  if (sc->p >= sc->end)
    return ta_json_scan_fail (sc, _("unexpected end of file"));
  switch (*sc->p)
    {
    case '"':
      v->type = TA_JSON_STRING;
      return ta_json_scan_string (sc, &v->s, &v->len);
    case 't':
      v->type = TA_JSON_BOOL;
      v->b = TRUE;
      if (scan_literal (sc, "true", 4))
        return TRUE;
      break;
    case 'f':
      v->type = TA_JSON_BOOL;
      if (scan_literal (sc, "false", 5))
        return TRUE;
      break;
    case 'n':
      v->type = TA_JSON_NULL;
      if (scan_literal (sc, "null", 4))
        return TRUE;
      break;
    case '{':
    case '[':
      return scan_container (sc, v, depth);
    default:
      if (*sc->p == '-' || g_ascii_isdigit (*sc->p))
        return scan_number (sc, v);
      break;
    }
  return ta_json_scan_fail (sc, _("unexpected character “%c”"), *sc->p);
}

gboolean
ta_json_scan_key (TaJsonScan *sc,
                  char       *key,
                  gsize       key_size)
{
  const char *k;
  gsize kl;

  if (!ta_json_scan_string (sc, &k, &kl))
    return FALSE;
  kl = MIN (kl, key_size - 1);
  memcpy (key, k, kl);
  key[kl] = 0;
  if (!ta_json_scan_char (sc, ':'))
    return ta_json_scan_fail (sc, _("“:” was expected"));
  return TRUE;
}

gboolean
ta_json_scan_member (TaJsonScan  *sc,
                     char        *key,
                     gsize        key_size,
                     TaJsonValue *v,
                     guint        depth)
{
  return ta_json_scan_key (sc, key, key_size) && ta_json_scan_value (sc, v, depth);
}

gboolean
ta_json_scan_end (TaJsonScan *sc)
{
  ta_json_scan_ws (sc);
  return sc->p == sc->end;
}
