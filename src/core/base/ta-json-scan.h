/* ta-json-scan.h — a streaming JSON scanner over text in memory, for files
 * too big for a DOM (flows indices, chunk files): one pass, no allocation
 * per value, objects and arrays read member by member or skipped whole.
 * The first syntax error is kept with its byte offset.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TA_JSON_NULL,
  TA_JSON_BOOL,
  TA_JSON_INT,
  TA_JSON_DOUBLE,
  TA_JSON_STRING,
  TA_JSON_OBJECT,    /* skipped */
  TA_JSON_ARRAY,     /* skipped; n_elements counts its elements */
} TaJsonType;

typedef struct
{
  TaJsonType  type;
  gboolean    b;
  gint64      i;
  gboolean    int_overflow;   /* an integer outside gint64 */
  double      d;
  const char *s;              /* unescaped, not NUL-terminated; valid until the next string */
  gsize       len;
  gint64      n_elements;
} TaJsonValue;

typedef struct
{
  const char *base;
  const char *p;
  const char *end;
  guint       max_depth;      /* containers nested deeper are an error */
  char       *message;        /* the first error, or NULL */
  gsize       error_offset;
  char        scratch[512];   /* strings with escapes, unescaped (longer ones are cut) */
} TaJsonScan;

#define TA_JSON_SCAN_MAX_DEPTH 64

void      ta_json_scan_init      (TaJsonScan  *sc,
                                  const char  *text,
                                  gsize        len);
void      ta_json_scan_clear     (TaJsonScan  *sc);

/* Records the first error at the current position; returns FALSE */
gboolean  ta_json_scan_fail      (TaJsonScan  *sc,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);

/* A string; *out points into the text or into sc->scratch */
gboolean  ta_json_scan_string    (TaJsonScan  *sc,
                                  const char **out,
                                  gsize       *len);
/* One value at nesting @depth; objects and arrays are skipped */
gboolean  ta_json_scan_value     (TaJsonScan  *sc,
                                  TaJsonValue *v,
                                  guint        depth);
/* An object member's key and its colon, the key copied into @key (cut to
 * @key_size - 1 bytes, NUL-terminated); the value is the caller's to read */
gboolean  ta_json_scan_key       (TaJsonScan  *sc,
                                  char        *key,
                                  gsize        key_size);
/* One object member, "key": value; the key is copied into @key (cut to
 * @key_size - 1 bytes, NUL-terminated) since the value may reuse the
 * scratch buffer */
gboolean  ta_json_scan_member    (TaJsonScan  *sc,
                                  char        *key,
                                  gsize        key_size,
                                  TaJsonValue *v,
                                  guint        depth);
/* Only whitespace is left */
gboolean  ta_json_scan_end       (TaJsonScan  *sc);
/* Line (from 1) of the error, or of the current position */
guint     ta_json_scan_line      (const TaJsonScan *sc);
/* Sets "FILE: not valid JSON: line L (byte B): MESSAGE" from the first error */
void      ta_json_scan_set_error (const TaJsonScan *sc,
                                  const char       *file,
                                  GError          **error);

static inline void
ta_json_scan_ws (TaJsonScan *sc)
{
  while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
    sc->p++;
}

/* After whitespace: consumes @c if it comes next */
static inline gboolean
ta_json_scan_char (TaJsonScan *sc,
                   char        c)
{
  ta_json_scan_ws (sc);
  if (sc->p < sc->end && *sc->p == c)
    {
      sc->p++;
      return TRUE;
    }
  return FALSE;
}

/* After whitespace: whether @c comes next, without consuming it */
static inline gboolean
ta_json_scan_peek (TaJsonScan *sc,
                   char        c)
{
  ta_json_scan_ws (sc);
  return sc->p < sc->end && *sc->p == c;
}

G_END_DECLS
