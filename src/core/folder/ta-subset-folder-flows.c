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
#include "ta-file-read.h"
#include "ta-json-scan.h"
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
 * with the streaming scanner: one pass, no allocation per value. */

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
value_int (TaFlowsJob        *job,
           const TaJsonValue *v,
           guint              flow,
           const char        *field,
           gint64             min,
           gint64             max,
           gint64             fallback,
           gint64            *out)
{
  if (v->type == TA_JSON_NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (v->type == TA_JSON_INT && !v->int_overflow && v->i >= min && v->i <= max)
    {
      *out = v->i;
      return TRUE;
    }
  if (v->type == TA_JSON_DOUBLE && isfinite (v->d) && v->d == floor (v->d)
      && v->d >= (double) min && v->d <= (double) max)
    {
      *out = (gint64) v->d;
      return TRUE;
    }
  g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: flow %u: field “%s” must be an integer from %lld to %lld"),
               job->rel, flow, field, (long long) min, (long long) max);
  return FALSE;
}

static gboolean
value_string (TaFlowsJob        *job,
              const TaJsonValue *v,
              guint              flow,
              const char        *field,
              gboolean           nullable)
{
  if (v->type == TA_JSON_STRING || (nullable && v->type == TA_JSON_NULL))
    return TRUE;
  g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: flow %u: field “%s” must be a string"), job->rel, flow, field);
  return FALSE;
}

static const char *
intern_value (GStringChunk      *chunk,
              const TaJsonValue *v)
{
  char buf[256];

  if (v->type != TA_JSON_STRING)
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
value_required_int (TaFlowsJob        *job,
                    const TaJsonValue *v,
                    guint              flow,
                    const char        *field,
                    gint64             max,
                    gint64            *out)
{
  if (v->type == TA_JSON_NULL)
    {
      g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %u: field “%s” is missing"), job->rel, flow, field);
      return FALSE;
    }
  return value_int (job, v, flow, field, 0, max, 0, out);
}

#define IS(name) (strcmp (key, name) == 0)

/* The flow's string fields; *matched is FALSE for any other key */
static gboolean
flow_text_field (TaFlowsJob        *job,
                 guint              n,
                 TaFlowInfo        *f,
                 const char        *key,
                 const TaJsonValue *v,
                 guint             *seen,
                 gboolean          *matched)
{
  *matched = TRUE;
  if (IS ("id"))
    {
      if (!value_string (job, v, n, key, FALSE))
        return FALSE;
      f->id = g_string_chunk_insert_len (job->strings, v->s, v->len);
      *seen |= F_ID;
    }
  else if (IS ("key"))
    {
      const char *dash;

      if (!value_string (job, v, n, key, FALSE))
        return FALSE;
      dash = memchr (v->s, '-', v->len);
      if (dash == NULL
          || !parse_endpoint (job->addrs, v->s, dash - v->s, &f->a, &f->a_port)
          || !parse_endpoint (job->addrs, dash + 1, v->s + v->len - dash - 1, &f->b, &f->b_port))
        {
          g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: flow %u: field “key” (“%.*s”) is not “address:port-address:port”"),
                       job->rel, n, (int) MIN (v->len, 80), v->s);
          return FALSE;
        }
      *seen |= F_KEY;
    }
  else if (IS ("initiator") || IS ("responder"))
    {
      if (!value_string (job, v, n, key, TRUE))
        return FALSE;
      if (v->type == TA_JSON_STRING)
        *(IS ("initiator") ? &f->initiator : &f->responder)
          = ta_addr_table_intern_text (job->addrs, v->s, v->len);
    }
  else if (IS ("state"))
    {
      if (!value_string (job, v, n, key, FALSE))
        return FALSE;
      f->state = intern_value (job->strings, v);
      *seen |= F_STATE;
    }
  else if (IS ("closeType") || IS ("invalidReason"))
    {
      if (!value_string (job, v, n, key, TRUE))
        return FALSE;
      *(IS ("closeType") ? &f->close_type : &f->invalid_reason) = intern_value (job->strings, v);
    }
  else if (IS ("chunk_file"))
    {
      if (!value_string (job, v, n, key, FALSE))
        return FALSE;
      if (v->len == 0 || memchr (v->s, '/', v->len) != NULL || memchr (v->s, '\\', v->len) != NULL
          || (v->len <= 2 && memcmp (v->s, "..", v->len) == 0))
        {
          g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: flow %u: field “chunk_file” (“%.*s”) must be a file name"),
                       job->rel, n, (int) MIN (v->len, 80), v->s);
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
flow_number_field (TaFlowsJob        *job,
                   guint              n,
                   TaFlowInfo        *f,
                   const char        *key,
                   const TaJsonValue *v,
                   guint             *seen)
{
  gint64 i;

  if (IS ("initiatorPort") || IS ("responderPort"))
    {
      if (!value_int (job, v, n, key, 0, 65535, -1, &i))
        return FALSE;
      *(IS ("initiatorPort") ? &f->initiator_port : &f->responder_port) = i;
    }
  else if (IS ("startTime") || IS ("endTime"))
    {
      if (!value_required_int (job, v, n, key, MAX_TIME_US, &i))
        return FALSE;
      *(IS ("startTime") ? &f->start : &f->end) = i;
      *seen |= IS ("startTime") ? F_START : F_END;
    }
  else if (IS ("totalPackets"))
    {
      if (!value_required_int (job, v, n, key, MAX_COUNT, &i))
        return FALSE;
      f->total_packets = i;
      *seen |= F_TOTAL;
    }
  else if (IS ("totalBytes"))
    {
      if (!value_int (job, v, n, key, 0, G_GINT64_CONSTANT (1) << 56, 0, &i))
        return FALSE;
      f->total_bytes = i;
    }
  else if (IS ("establishment_packets") || IS ("data_transfer_packets") || IS ("closing_packets"))
    {
      if (!value_int (job, v, n, key, 0, G_MAXUINT32, 0, &i))
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

      if (v->type != TA_JSON_BOOL && v->type != TA_JSON_NULL)
        {
          g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: flow %u: field “%s” must be true or false"), job->rel, n, key);
          return FALSE;
        }
      *dest = v->b;
    }
  else if (IS ("chunk_index"))
    {
      if (!value_required_int (job, v, n, key, G_MAXUINT32, &i))
        return FALSE;
      f->chunk_index = i;
      *seen |= F_CHUNK_INDEX;
    }
  return TRUE;
}

#undef IS

static gboolean
scan_flow (TaFlowsJob *job,
           TaJsonScan *sc,
           guint       n,
           TaFlowInfo *f)
{
  guint seen = 0;

  memset (f, 0, sizeof *f);
  f->initiator = f->responder = TA_NO_ADDR;
  f->initiator_port = f->responder_port = -1;

  if (!ta_json_scan_peek (sc, '{'))
    {
      g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u is not an object"),
                   job->rel, n);
      return FALSE;
    }
  sc->p++;
  if (!ta_json_scan_char (sc, '}'))
    for (;;)
      {
        char key[32];
        TaJsonValue v;
        gboolean matched;

        if (!ta_json_scan_member (sc, key, sizeof key, &v, 1))
          return FALSE;
        if (!flow_text_field (job, n, f, key, &v, &seen, &matched)
            || (!matched && !flow_number_field (job, n, f, key, &v, &seen)))
          return FALSE;

        if (ta_json_scan_char (sc, ','))
          continue;
        if (ta_json_scan_char (sc, '}'))
          break;
        return ta_json_scan_fail (sc, _("“,” or “}” was expected"));
      }

  if ((seen & F_REQUIRED) != F_REQUIRED)
    for (guint b = 0; b < G_N_ELEMENTS (required_names); b++)
      if (!(seen & (1u << b)))
        {
          g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u: field “%s” is missing"),
                       job->rel, n, required_names[b]);
          return FALSE;
        }
  if (f->end < f->start)
    {
      g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %u: “endTime” is before “startTime”"), job->rel, n);
      return FALSE;
    }
  return TRUE;
}

/* The array of flows; FALSE with job->error set, or with the scanner's
 * error when the text is not JSON */
static gboolean
scan_index (TaFlowsJob *job,
            TaJsonScan *sc)
{
  guint cap = 1024, n = 0;

  if (!ta_json_scan_char (sc, '['))
    {
      if (ta_json_scan_peek (sc, '{'))
        g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the top level must be an array"),
                     job->rel);
      else
        ta_json_scan_fail (sc, _("“[” was expected"));
      return FALSE;
    }
  job->flows = g_new0 (TaFlowInfo, cap);
  if (!ta_json_scan_char (sc, ']'))
    for (;;)
      {
        if ((n & 4095) == 0 && g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
          return FALSE;
        if (n == cap)
          {
            if (cap >= G_MAXUINT32 / 4)
              {
                g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: too many flows"), job->rel);
                return FALSE;
              }
            cap *= 2;
            job->flows = g_renew (TaFlowInfo, job->flows, cap);
          }
        if (!scan_flow (job, sc, n + 1, &job->flows[n]))
          return FALSE;
        n++;
        if (ta_json_scan_char (sc, ','))
          continue;
        if (ta_json_scan_char (sc, ']'))
          break;
        return ta_json_scan_fail (sc, _("“,” or “]” was expected"));
      }
  if (!ta_json_scan_end (sc))
    return ta_json_scan_fail (sc, _("trailing data after the array"));
  job->n_flows = n;
  return TRUE;
}

gpointer
ta_flows_job_run (gpointer data)
{
  TaFlowsJob *job = data;
  g_autoptr(GFile) file = g_file_resolve_relative_path (job->dir, job->rel);
  g_autofree char *contents = NULL;
  g_autofree TaJsonScan *sc = g_new0 (TaJsonScan, 1);
  gsize len;
  g_autofree char *path = g_file_get_path (file);

  /* read whole (bounded by its size at opening), then scanned in place */
  if (path == NULL)
    {
      g_set_error (&job->error, TA_ERROR, TA_ERROR_IO, _("%s: not a local file"), job->rel);
      return NULL;
    }
  if (!ta_file_read_all (path, job->rel, TA_FILE_READ_MAX_WHOLE * 4, job->cancellable,
                         &contents, &len, &job->error))
    return NULL;
  ta_json_scan_init (sc, contents, len);
  if (!scan_index (job, sc) && job->error == NULL)
    ta_json_scan_set_error (sc, job->rel, &job->error);
  ta_json_scan_clear (sc);
  return NULL;
}
