/* ta-mawilab.c — MAWILab label CSVs (see ta-mawilab.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-mawilab.h"

#define MAX_FILE_SIZE (256u * 1024 * 1024)
#define MAX_FIELDS 32
#define MAX_EPOCH_S 1e11

enum
{
  COL_ID, COL_SRC, COL_SPORT, COL_DST, COL_DPORT, COL_TAXONOMY, COL_HEURISTIC,
  COL_DISTANCE, COL_DETECTORS, COL_LABEL, COL_FROM, COL_TO, N_COLS
};

static const char * const col_names[N_COLS][2] = {
  { "anomalyID", NULL }, { "srcIP", NULL }, { "srcPort", NULL }, { "dstIP", NULL },
  { "dstPort", NULL }, { "taxonomy", NULL }, { "heuristic", NULL }, { "distance", NULL },
  { "nbDetectors", NULL }, { "label", NULL }, { "from", "start" }, { "to", "end" },
};
static const gboolean col_required[N_COLS] = {
  [COL_ID] = TRUE, [COL_SRC] = TRUE, [COL_DST] = TRUE, [COL_TAXONOMY] = TRUE, [COL_LABEL] = TRUE,
};

struct _TaMawilab
{
  char      *name;
  GArray    *events;     /* TaMawilabEvent */
  GPtrArray *problems;
  guint64    n_bad;
  guint64    n_blank;
};

static void
event_clear (gpointer p)
{
  TaMawilabEvent *e = p;

  g_free (e->src);
  g_free (e->dst);
  g_free (e->taxonomy);
  g_free (e->label);
}

void
ta_mawilab_free (TaMawilab *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_array_unref (self->events);
  g_ptr_array_unref (self->problems);
  g_free (self);
}

/* Splits one line at commas; a field may be double-quoted ("" inside) */
static guint
split_line (char  *line,
            char **fields)
{
  guint n = 0;
  char *p = line;

  for (;;)
    {
      char *start = p, *w = p;

      if (n == MAX_FIELDS)
        return MAX_FIELDS + 1;
      if (*p == '"')
        {
          start = w = ++p;
          while (*p && !(*p == '"' && p[1] != '"'))
            {
              if (*p == '"')
                p++;
              *w++ = *p++;
            }
          if (*p == '"')
            p++;
        }
      else
        {
          while (*p && *p != ',')
            p++;
          w = p;
        }
      {
        gboolean more = *p == ',';

        *w = 0;
        fields[n++] = g_strstrip (start);
        if (!more)
          return n;
        p++;
      }
    }
}

static gboolean
parse_int (const char *s,
           gint64      lo,
           gint64      hi,
           gint64     *out)
{
  char *end;
  gint64 v;
  double d;

  if (*s == 0)
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (s, &end, 10);
  if (*end == '.')   /* "80.0" */
    {
      d = g_ascii_strtod (s, &end);
      if (*end != 0 || d != floor (d) || d < (double) lo || d > (double) hi)
        return FALSE;
      v = (gint64) d;
    }
  if (*end != 0 || errno != 0 || v < lo || v > hi)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const char *s,
              double      lo,
              double      hi,
              double     *out)
{
  char *end;
  double d;

  if (*s == 0)
    return FALSE;
  d = g_ascii_strtod (s, &end);
  if (*end != 0 || !isfinite (d) || d < lo || d > hi)
    return FALSE;
  *out = d;
  return TRUE;
}

/* "" → NULL (any); else the canonical text of an IPv4 or IPv6 address */
static gboolean
parse_addr (const char *s,
            char      **out)
{
  guint32 v4;
  guint8 v6[16];
  char buf[64];

  *out = NULL;
  if (*s == 0)
    return TRUE;
  if (ta_parse_ipv4 (s, strlen (s), &v4))
    {
      *out = g_strdup_printf ("%u.%u.%u.%u", v4 >> 24, (v4 >> 16) & 255, (v4 >> 8) & 255, v4 & 255);
      return TRUE;
    }
  if (inet_pton (AF_INET6, s, v6) != 1 || inet_ntop (AF_INET6, v6, buf, sizeof buf) == NULL)
    return FALSE;
  *out = g_strdup (buf);
  return TRUE;
}

static gboolean
parse_port (const char *s,
            gint32     *out)
{
  gint64 v;

  *out = TA_MAWILAB_ANY_PORT;
  if (*s == 0)
    return TRUE;
  if (!parse_int (s, 0, 65535, &v))
    return FALSE;
  *out = (gint32) v;
  return TRUE;
}

static const char *
cell (char      **fields,
      const int  *cols,
      int         col)
{
  return cols[col] >= 0 ? fields[cols[col]] : "";
}

static gboolean
parse_times (char               **fields,
             const int           *cols,
             TaMawilabEvent      *e,
             const char         **problem)
{
  const char *from = cell (fields, cols, COL_FROM), *to = cell (fields, cols, COL_TO);
  double a, b;

  e->start_us = G_MININT64;
  e->end_us = G_MAXINT64;
  if (*from == 0 && *to == 0)
    return TRUE;
  if (!parse_double (from, 0, MAX_EPOCH_S, &a) || !parse_double (to, 0, MAX_EPOCH_S, &b))
    return (*problem = _("bad from/to time (epoch seconds)")), FALSE;
  if (b < a)
    return (*problem = _("to is before from")), FALSE;
  e->start_us = (gint64) floor (a * 1e6);
  e->end_us = (gint64) ceil (b * 1e6);
  return TRUE;
}

static gboolean
parse_row (char           **fields,
           const int       *cols,
           TaMawilabEvent  *e,
           const char     **problem)
{
  const char *label = cell (fields, cols, COL_LABEL), *opt;
  gint64 v;

  if (!parse_int (cell (fields, cols, COL_ID), 0, G_MAXINT64, &v))
    return (*problem = _("bad anomalyID")), FALSE;
  e->anomaly_id = (guint64) v;
  if (!parse_addr (cell (fields, cols, COL_SRC), &e->src))
    return (*problem = _("bad srcIP")), FALSE;
  if (!parse_addr (cell (fields, cols, COL_DST), &e->dst))
    return (*problem = _("bad dstIP")), FALSE;
  if (!parse_port (cell (fields, cols, COL_SPORT), &e->sport))
    return (*problem = _("bad srcPort (0–65535)")), FALSE;
  if (!parse_port (cell (fields, cols, COL_DPORT), &e->dport))
    return (*problem = _("bad dstPort (0–65535)")), FALSE;
  if (*cell (fields, cols, COL_TAXONOMY) == 0)
    return (*problem = _("empty taxonomy")), FALSE;
  opt = cell (fields, cols, COL_HEURISTIC);
  e->heuristic = -1;
  if (*opt && !parse_int (opt, 0, 999, &v))
    return (*problem = _("bad heuristic (0–999)")), FALSE;
  if (*opt)
    e->heuristic = (gint32) v;
  opt = cell (fields, cols, COL_DISTANCE);
  e->distance = -1;
  if (*opt && !parse_double (opt, 0, G_MAXDOUBLE, &e->distance))
    return (*problem = _("bad distance")), FALSE;
  opt = cell (fields, cols, COL_DETECTORS);
  e->nb_detectors = -1;
  if (*opt && !parse_int (opt, 0, 100, &v))
    return (*problem = _("bad nbDetectors (0–100)")), FALSE;
  if (*opt)
    e->nb_detectors = (gint32) v;
  if (strcmp (label, "anomalous") != 0 && strcmp (label, "suspicious") != 0 &&
      strcmp (label, "notice") != 0 && strcmp (label, "benign") != 0)
    return (*problem = _("label is not anomalous, suspicious, notice or benign")), FALSE;
  if (!parse_times (fields, cols, e, problem))
    return FALSE;
  e->taxonomy = g_strdup (cell (fields, cols, COL_TAXONOMY));
  e->label = g_strdup (label);
  return TRUE;
}

static gboolean
parse_header (char       *line,
              int        *cols,
              guint      *n_cols,
              const char *name,
              GError    **error)
{
  char *fields[MAX_FIELDS + 1];
  guint n = split_line (line, fields);

  if (n > MAX_FIELDS)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: too many columns in the header"), name);
      return FALSE;
    }
  for (int c = 0; c < N_COLS; c++)
    {
      cols[c] = -1;
      for (guint i = 0; i < n; i++)
        if (g_ascii_strcasecmp (fields[i], col_names[c][0]) == 0 ||
            (col_names[c][1] != NULL && g_ascii_strcasecmp (fields[i], col_names[c][1]) == 0))
          cols[c] = (int) i;
      if (cols[c] < 0 && col_required[c])
        {
          g_set_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN,
                       _("%s: not a MAWILab label file: no %s column"), name, col_names[c][0]);
          return FALSE;
        }
    }
  *n_cols = n;
  return TRUE;
}

static void
bad_row (TaMawilab  *self,
         guint       line,
         const char *problem)
{
  self->n_bad++;
  if (self->problems->len < TA_MAWILAB_MAX_PROBLEMS)
    g_ptr_array_add (self->problems, g_strdup_printf ("%s:%u: %s", self->name, line, problem));
}

static gboolean
is_blank (const char *line)
{
  for (const char *p = line; *p; p++)
    if (*p != ',' && *p != ' ' && *p != '\t')
      return FALSE;
  return TRUE;
}

TaMawilab *
ta_mawilab_new_from_data (const char *data,
                          gsize       len,
                          const char *name,
                          GError    **error)
{
  g_autoptr(TaMawilab) self = g_new0 (TaMawilab, 1);
  g_autofree char *text = g_strndup (data, len);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  int cols[N_COLS];
  guint n_cols = 0, first = 0;

  self->name = g_strdup (name);
  self->events = g_array_new (FALSE, TRUE, sizeof (TaMawilabEvent));
  g_array_set_clear_func (self->events, event_clear);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  while (lines[first] != NULL && *g_strstrip (lines[first]) == 0)
    first++;
  if (lines[first] == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: empty file, no header"), name);
      return NULL;
    }
  if (!parse_header (lines[first], cols, &n_cols, name, error))
    return NULL;
  for (guint i = first + 1; lines[i] != NULL; i++)
    {
      char *fields[MAX_FIELDS + 1];
      TaMawilabEvent e = { 0, };
      const char *problem = NULL;
      guint n;

      g_strchomp (lines[i]);   /* also the \r of CRLF */
      if (is_blank (lines[i]))
        {
          self->n_blank += lines[i + 1] != NULL || *lines[i] != 0;
          continue;
        }
      n = split_line (lines[i], fields);
      if (n == n_cols + 1 && *fields[n_cols] == 0)
        n--;   /* a trailing comma */
      if (n != n_cols)
        {
          bad_row (self, i + 1, _("wrong number of fields"));
          continue;
        }
      if (!parse_row (fields, cols, &e, &problem))
        {
          event_clear (&e);
          bad_row (self, i + 1, problem);
          continue;
        }
      e.line = i + 1;
      g_array_append_val (self->events, e);
    }
  return g_steal_pointer (&self);
}

TaMawilab *
ta_mawilab_load (const char  *path,
                 GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!ta_file_read_all (path, NULL, MAX_FILE_SIZE, NULL, &data, &len, error))
    return NULL;
  return ta_mawilab_new_from_data (data, len, path, error);
}

guint
ta_mawilab_get_n_events (TaMawilab *self)
{
  return self->events->len;
}

const TaMawilabEvent *
ta_mawilab_get_event (TaMawilab *self,
                      guint      index)
{
  g_return_val_if_fail (index < self->events->len, NULL);
  return &g_array_index (self->events, TaMawilabEvent, index);
}

guint64
ta_mawilab_get_n_bad (TaMawilab *self)
{
  return self->n_bad;
}

guint64
ta_mawilab_get_n_blank (TaMawilab *self)
{
  return self->n_blank;
}

const GPtrArray *
ta_mawilab_get_problems (TaMawilab *self)
{
  return self->problems;
}

void
ta_mawilab_set_time_range (TaMawilab *self,
                           gint64     start_us,
                           gint64     end_us)
{
  for (guint i = 0; i < self->events->len; i++)
    {
      TaMawilabEvent *e = &g_array_index (self->events, TaMawilabEvent, i);

      if (e->start_us == G_MININT64 && e->end_us == G_MAXINT64)
        {
          e->start_us = start_us;
          e->end_us = end_us;
        }
    }
}
