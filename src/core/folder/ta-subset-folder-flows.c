/* ta-subset-folder-flows.c — flows/flows_index.json, read in its own
 * thread while the packets load: every flow's summary, its addresses in a
 * thread-private table and its place in the chunk files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ta-error.h"
#include "ta-subset-folder-private.h"

static gboolean
parse_endpoint (TaAddrTable *addrs,
                const char  *text,
                gsize        len,
                guint32     *addr,
                guint16     *port)
{
  const char *colon = NULL;
  guint64 p = 0;

  for (gsize i = len; i > 0; i--)
    if (text[i - 1] == ':')
      {
        colon = text + i - 1;
        break;
      }
  if (colon == NULL || colon == text || colon + 1 == text + len)
    return FALSE;
  for (const char *c = colon + 1; c < text + len; c++)
    {
      if (*c < '0' || *c > '9')
        return FALSE;
      p = p * 10 + (*c - '0');
      if (p > 65535)
        return FALSE;
    }
  /* "[v6]:port" or "v6:port" */
  if (text[0] == '[' && colon[-1] == ']')
    *addr = ta_addr_table_intern_text (addrs, text + 1, colon - text - 2);
  else
    *addr = ta_addr_table_intern_text (addrs, text, colon - text);
  *port = p;
  return TRUE;
}

/* flows_index.json can hold hundreds of thousands of flat objects; a
 * DOM parse of it costs more than reading every packet, so it is scanned
 * by hand: one pass, no allocation per value. */

typedef struct
{
  const char *base;
  const char *p;
  const char *end;
  const char *file;
  GError    **error;
  char        scratch[512];  /* unescaped strings */
} Scan;

typedef enum
{
  VAL_NULL,
  VAL_BOOL,
  VAL_INT,
  VAL_DOUBLE,
  VAL_STRING,
  VAL_OTHER,   /* object or array, skipped */
} ValType;

typedef struct
{
  ValType     type;
  gboolean    b;
  gint64      i;
  gboolean    int_overflow;
  double      d;
  const char *s;
  gsize       len;
} Value;

static gboolean G_GNUC_PRINTF (2, 3)
scan_fail (Scan       *sc,
           const char *format,
           ...)
{
  g_autofree char *msg = NULL;
  va_list args;
  guint line = 1;

  for (const char *c = sc->base; c < sc->p && c < sc->end; c++)
    line += *c == '\n';
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: line %u (byte %llu): %s"),
               sc->file, line, (unsigned long long) (sc->p - sc->base), msg);
  return FALSE;
}

static inline void
scan_ws (Scan *sc)
{
  while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
    sc->p++;
}

static inline gboolean
scan_char (Scan *sc,
           char  c)
{
  scan_ws (sc);
  if (sc->p < sc->end && *sc->p == c)
    {
      sc->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
scan_string (Scan        *sc,
             const char **out,
             gsize       *len)
{
  const char *start;
  gsize n = 0;

  scan_ws (sc);
  if (sc->p >= sc->end || *sc->p != '"')
    return scan_fail (sc, _("a string was expected"));
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
  /* escapes: unescape into the scratch buffer */
  memcpy (sc->scratch, start, MIN ((gsize) (sc->p - start), sizeof sc->scratch - 8));
  n = MIN ((gsize) (sc->p - start), sizeof sc->scratch - 8);
  while (sc->p < sc->end && *sc->p != '"')
    {
      char c = *sc->p++;

      if ((guchar) c < 0x20)
        return scan_fail (sc, _("control character in a string"));
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
                      return scan_fail (sc, _("bad \\u escape"));
                    u = u * 16 + g_ascii_xdigit_value (*sc->p++);
                  }
                if (n + 6 < sizeof sc->scratch)
                  n += g_unichar_to_utf8 (u, sc->scratch + n);
                continue;
              }
            default:
              return scan_fail (sc, _("bad escape"));
            }
        }
      if (n + 1 < sizeof sc->scratch)
        sc->scratch[n++] = c;
    }
  if (sc->p >= sc->end)
    return scan_fail (sc, _("unterminated string"));
  sc->p++;
  sc->scratch[n] = 0;
  *out = sc->scratch;
  *len = n;
  return TRUE;
}

static gboolean scan_skip (Scan *sc, guint depth);

static gboolean
scan_value (Scan  *sc,
            Value *v,
            guint  depth)
{
  scan_ws (sc);
  memset (v, 0, sizeof *v);
  if (sc->p >= sc->end)
    return scan_fail (sc, _("unexpected end of file"));
  switch (*sc->p)
    {
    case '"':
      v->type = VAL_STRING;
      return scan_string (sc, &v->s, &v->len);
    case 't':
      if (sc->end - sc->p >= 4 && memcmp (sc->p, "true", 4) == 0)
        {
          sc->p += 4;
          v->type = VAL_BOOL;
          v->b = TRUE;
          return TRUE;
        }
      break;
    case 'f':
      if (sc->end - sc->p >= 5 && memcmp (sc->p, "false", 5) == 0)
        {
          sc->p += 5;
          v->type = VAL_BOOL;
          return TRUE;
        }
      break;
    case 'n':
      if (sc->end - sc->p >= 4 && memcmp (sc->p, "null", 4) == 0)
        {
          sc->p += 4;
          v->type = VAL_NULL;
          return TRUE;
        }
      break;
    case '{':
    case '[':
      v->type = VAL_OTHER;
      return scan_skip (sc, depth);
    default:
      if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
        {
          const char *s = sc->p;
          gboolean neg = *s == '-', is_double = FALSE;
          guint64 u = 0;

          if (neg)
            sc->p++;
          if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
            return scan_fail (sc, _("bad number"));
          while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
            {
              if (u > (G_MAXUINT64 - 9) / 10)
                v->int_overflow = TRUE;
              else
                u = u * 10 + (*sc->p - '0');
              sc->p++;
            }
          while (sc->p < sc->end && (*sc->p == '.' || *sc->p == 'e' || *sc->p == 'E'
                                     || *sc->p == '+' || *sc->p == '-'
                                     || (*sc->p >= '0' && *sc->p <= '9')))
            {
              is_double = TRUE;
              sc->p++;
            }
          if (is_double)
            {
              char buf[64];
              char *tail;
              gsize len = sc->p - s;

              if (len >= sizeof buf)
                return scan_fail (sc, _("bad number"));
              memcpy (buf, s, len);
              buf[len] = 0;
              v->d = g_ascii_strtod (buf, &tail);
              if (*tail != 0)
                return scan_fail (sc, _("bad number"));
              v->type = VAL_DOUBLE;
              return TRUE;
            }
          if (u > (guint64) G_MAXINT64)
            v->int_overflow = TRUE;
          v->type = VAL_INT;
          v->i = neg ? -(gint64) u : (gint64) u;
          return TRUE;
        }
      break;
    }
  return scan_fail (sc, _("unexpected character “%c”"), *sc->p);
}

static gboolean
scan_skip (Scan *sc,
           guint depth)
{
  char close = *sc->p == '{' ? '}' : ']';
  gboolean object = close == '}';
  Value v;

  if (depth > 64)
    return scan_fail (sc, _("nested too deeply"));
  sc->p++;
  if (scan_char (sc, close))
    return TRUE;
  for (;;)
    {
      if (object)
        {
          const char *k;
          gsize kl;

          if (!scan_string (sc, &k, &kl))
            return FALSE;
          if (!scan_char (sc, ':'))
            return scan_fail (sc, _("“:” was expected"));
        }
      if (!scan_value (sc, &v, depth + 1))
        return FALSE;
      if (scan_char (sc, ','))
        continue;
      if (scan_char (sc, close))
        return TRUE;
      return scan_fail (sc, _("“,” or “%c” was expected"), close);
    }
}

enum
{
  F_ID = 1 << 0,
  F_KEY = 1 << 1,
  F_STATE = 1 << 2,
  F_START = 1 << 3,
  F_END = 1 << 4,
  F_TOTAL = 1 << 5,
  F_CHUNK_FILE = 1 << 6,
  F_CHUNK_INDEX = 1 << 7,
  F_REQUIRED = (1 << 8) - 1,
};

static const char *required_names[] = {
  "id", "key", "state", "startTime", "endTime", "totalPackets", "chunk_file", "chunk_index",
};

static gboolean
value_int (Scan        *sc,
           const Value *v,
           guint        flow,
           const char  *field,
           gint64       min,
           gint64       max,
           gint64       fallback,
           gint64      *out)
{
  if (v->type == VAL_NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (v->type == VAL_INT && !v->int_overflow && v->i >= min && v->i <= max)
    {
      *out = v->i;
      return TRUE;
    }
  if (v->type == VAL_DOUBLE && isfinite (v->d) && v->d == floor (v->d)
      && v->d >= (double) min && v->d <= (double) max)
    {
      *out = (gint64) v->d;
      return TRUE;
    }
  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: flow %u: field “%s” must be an integer from %lld to %lld"),
               sc->file, flow, field, (long long) min, (long long) max);
  return FALSE;
}

static gboolean
value_string (Scan        *sc,
              const Value *v,
              guint        flow,
              const char  *field,
              gboolean     nullable)
{
  if (v->type == VAL_STRING || (nullable && v->type == VAL_NULL))
    return TRUE;
  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: flow %u: field “%s” must be a string"), sc->file, flow, field);
  return FALSE;
}

static const char *
intern_value (GStringChunk *chunk,
              const Value  *v)
{
  char buf[256];

  if (v->type != VAL_STRING)
    return NULL;
  if (v->len < sizeof buf)
    {
      memcpy (buf, v->s, v->len);
      buf[v->len] = 0;
      return g_string_chunk_insert_const (chunk, buf);
    }
  {
    g_autofree char *tmp = g_strndup (v->s, v->len);

    return g_string_chunk_insert_const (chunk, tmp);
  }
}

/* An integer field the flow cannot do without: null is "missing" */
static gboolean
value_required_int (Scan        *sc,
                    const Value *v,
                    guint        flow,
                    const char  *field,
                    gint64       max,
                    gint64      *out)
{
  if (v->type == VAL_NULL)
    {
      g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %u: field “%s” is missing"), sc->file, flow, field);
      return FALSE;
    }
  return value_int (sc, v, flow, field, 0, max, 0, out);
}

#define IS(name) (strcmp (key, name) == 0)

/* The flow's string fields; *matched is FALSE for any other key */
static gboolean
flow_text_field (TaFlowsJob  *job,
                 Scan        *sc,
                 guint        n,
                 TaFlowInfo  *f,
                 const char  *key,
                 const Value *v,
                 guint       *seen,
                 gboolean    *matched)
{
  *matched = TRUE;
  if (IS ("id"))
    {
      if (!value_string (sc, v, n, key, FALSE))
        return FALSE;
      f->id = g_string_chunk_insert_len (job->strings, v->s, v->len);
      *seen |= F_ID;
    }
  else if (IS ("key"))
    {
      const char *dash;

      if (!value_string (sc, v, n, key, FALSE))
        return FALSE;
      dash = memchr (v->s, '-', v->len);
      if (dash == NULL
          || !parse_endpoint (job->addrs, v->s, dash - v->s, &f->a, &f->a_port)
          || !parse_endpoint (job->addrs, dash + 1, v->s + v->len - dash - 1, &f->b, &f->b_port))
        {
          g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: flow %u: field “key” (“%.*s”) is not “address:port-address:port”"),
                       sc->file, n, (int) MIN (v->len, 80), v->s);
          return FALSE;
        }
      *seen |= F_KEY;
    }
  else if (IS ("initiator") || IS ("responder"))
    {
      if (!value_string (sc, v, n, key, TRUE))
        return FALSE;
      if (v->type == VAL_STRING)
        *(IS ("initiator") ? &f->initiator : &f->responder)
          = ta_addr_table_intern_text (job->addrs, v->s, v->len);
    }
  else if (IS ("state"))
    {
      if (!value_string (sc, v, n, key, FALSE))
        return FALSE;
      f->state = intern_value (job->strings, v);
      *seen |= F_STATE;
    }
  else if (IS ("closeType") || IS ("invalidReason"))
    {
      if (!value_string (sc, v, n, key, TRUE))
        return FALSE;
      *(IS ("closeType") ? &f->close_type : &f->invalid_reason) = intern_value (job->strings, v);
    }
  else if (IS ("chunk_file"))
    {
      if (!value_string (sc, v, n, key, FALSE))
        return FALSE;
      if (v->len == 0 || memchr (v->s, '/', v->len) != NULL || memchr (v->s, '\\', v->len) != NULL
          || (v->len <= 2 && memcmp (v->s, "..", v->len) == 0))
        {
          g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: flow %u: field “chunk_file” (“%.*s”) must be a file name"),
                       sc->file, n, (int) MIN (v->len, 80), v->s);
          return FALSE;
        }
      f->chunk_file = intern_value (job->strings, v);
      *seen |= F_CHUNK_FILE;
    }
  else
    *matched = FALSE;
  return TRUE;
}

/* The flow's numbers and flags; other keys are ignored */
static gboolean
flow_number_field (Scan        *sc,
                   guint        n,
                   TaFlowInfo  *f,
                   const char  *key,
                   const Value *v,
                   guint       *seen)
{
  gint64 i;

  if (IS ("initiatorPort") || IS ("responderPort"))
    {
      if (!value_int (sc, v, n, key, 0, 65535, -1, &i))
        return FALSE;
      *(IS ("initiatorPort") ? &f->initiator_port : &f->responder_port) = i;
    }
  else if (IS ("startTime") || IS ("endTime"))
    {
      if (!value_required_int (sc, v, n, key, MAX_TIME_US, &i))
        return FALSE;
      *(IS ("startTime") ? &f->start : &f->end) = i;
      *seen |= IS ("startTime") ? F_START : F_END;
    }
  else if (IS ("totalPackets"))
    {
      if (!value_required_int (sc, v, n, key, MAX_COUNT, &i))
        return FALSE;
      f->total_packets = i;
      *seen |= F_TOTAL;
    }
  else if (IS ("totalBytes"))
    {
      if (!value_int (sc, v, n, key, 0, G_GINT64_CONSTANT (1) << 56, 0, &i))
        return FALSE;
      f->total_bytes = i;
    }
  else if (IS ("establishment_packets") || IS ("data_transfer_packets") || IS ("closing_packets"))
    {
      if (!value_int (sc, v, n, key, 0, G_MAXUINT32, 0, &i))
        return FALSE;
      *(IS ("establishment_packets") ? &f->establishment_packets
        : IS ("data_transfer_packets") ? &f->data_transfer_packets : &f->closing_packets) = i;
    }
  else if (IS ("establishmentComplete") || IS ("dataTransferStarted")
           || IS ("closingStarted") || IS ("ongoing"))
    {
      guint8 *dest = IS ("establishmentComplete") ? &f->establishment_complete
                     : IS ("dataTransferStarted") ? &f->data_transfer_started
                     : IS ("closingStarted") ? &f->closing_started : &f->ongoing;

      if (v->type != VAL_BOOL && v->type != VAL_NULL)
        {
          g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: flow %u: field “%s” must be true or false"), sc->file, n, key);
          return FALSE;
        }
      *dest = v->b;
    }
  else if (IS ("chunk_index"))
    {
      if (!value_required_int (sc, v, n, key, G_MAXUINT32, &i))
        return FALSE;
      f->chunk_index = i;
      *seen |= F_CHUNK_INDEX;
    }
  return TRUE;
}

#undef IS

static gboolean
scan_flow (TaFlowsJob  *job,
           Scan        *sc,
           guint        n,
           TaFlowInfo  *f)
{
  guint seen = 0;

  memset (f, 0, sizeof *f);
  f->initiator = f->responder = TA_NO_ADDR;
  f->initiator_port = f->responder_port = -1;

  scan_ws (sc);
  if (sc->p >= sc->end || *sc->p != '{')
    {
      g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u is not an object"),
                   sc->file, n);
      return FALSE;
    }
  sc->p++;
  if (!scan_char (sc, '}'))
    for (;;)
      {
        const char *k;
        gsize kl;
        char key[32];
        Value v;
        gboolean matched;

        if (!scan_string (sc, &k, &kl))
          return FALSE;
        if (kl >= sizeof key)
          kl = sizeof key - 1;
        memcpy (key, k, kl);
        key[kl] = 0;
        if (!scan_char (sc, ':'))
          return scan_fail (sc, _("“:” was expected"));
        if (!scan_value (sc, &v, 1))
          return FALSE;
        if (!flow_text_field (job, sc, n, f, key, &v, &seen, &matched)
            || (!matched && !flow_number_field (sc, n, f, key, &v, &seen)))
          return FALSE;

        if (scan_char (sc, ','))
          continue;
        if (scan_char (sc, '}'))
          break;
        return scan_fail (sc, _("“,” or “}” was expected"));
      }

  if ((seen & F_REQUIRED) != F_REQUIRED)
    for (guint b = 0; b < G_N_ELEMENTS (required_names); b++)
      if (!(seen & (1u << b)))
        {
          g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u: field “%s” is missing"),
                       sc->file, n, required_names[b]);
          return FALSE;
        }
  if (f->end < f->start)
    {
      g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %u: “endTime” is before “startTime”"), sc->file, n);
      return FALSE;
    }
  return TRUE;
}

gpointer
ta_flows_job_run (gpointer data)
{
  TaFlowsJob *job = data;
  g_autoptr(GFile) file = g_file_resolve_relative_path (job->dir, job->rel);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree Scan *sc = g_new0 (Scan, 1);
  gsize len;
  guint cap = 1024, n = 0;
  g_autofree char *path = g_file_get_path (file);

  /* g_file_get_contents() reads a local file in one go; load_contents()
   * grows its buffer and copies as it reads */
  if (path != NULL ? !g_file_get_contents (path, &contents, &len, &local_error)
                   : !g_file_load_contents (file, job->cancellable, &contents, &len, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (&job->error, g_steal_pointer (&local_error));
      else
        g_set_error (&job->error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"),
                     job->rel, local_error->message);
      return NULL;
    }
  sc->base = sc->p = contents;
  sc->end = contents + len;
  sc->file = job->rel;
  sc->error = &job->error;

  if (!scan_char (sc, '['))
    {
      scan_ws (sc);
      if (sc->p < sc->end && *sc->p == '{')
        g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the top level must be an array"),
                     job->rel);
      else
        scan_fail (sc, _("“[” was expected"));
      return NULL;
    }
  job->flows = g_new0 (TaFlowInfo, cap);
  if (!scan_char (sc, ']'))
    for (;;)
      {
        if ((n & 4095) == 0 && g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
          return NULL;
        if (n == cap)
          {
            if (cap >= G_MAXUINT32 / 4)
              {
                g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: too many flows"), job->rel);
                return NULL;
              }
            cap *= 2;
            job->flows = g_renew (TaFlowInfo, job->flows, cap);
          }
        if (!scan_flow (job, sc, n + 1, &job->flows[n]))
          return NULL;
        n++;
        if (scan_char (sc, ','))
          continue;
        if (scan_char (sc, ']'))
          break;
        scan_fail (sc, _("“,” or “]” was expected"));
        return NULL;
      }
  scan_ws (sc);
  if (sc->p != sc->end)
    {
      scan_fail (sc, _("trailing data after the array"));
      return NULL;
    }
  job->n_flows = n;
  return NULL;
}
