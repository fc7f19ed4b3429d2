/* ta-csv-open.c — opening a packet CSV: its header line names the
 * columns (FORMATS.md §1), in any order and case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-csv-reader-private.h"
#include "ta-error.h"

static const char * const column_names[N_COLS] = {
  "timestamp", "length", "protocol", "src_port", "dst_port", "src_ip",
  "dst_ip", "flags", "seq_num", "ack_num", "attack",
};

static gboolean
parse_header (TaCsvReader  *self,
              const char   *line,
              gsize         len,
              GError      **error)
{
  const char *end = line + len;
  const char *p = line;
  guint index = 0;
  guint found = 0;
  g_autoptr(GString) missing = NULL;

  for (guint c = 0; c < N_COLS; c++)
    self->col_pos[c] = -1;

  for (;;)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *name = p;
      gsize n = (comma ? comma : end) - p;

      trim (&name, &n);
      for (guint c = 0; c < N_COLS; c++)
        if (self->col_pos[c] < 0 && n == strlen (column_names[c]) &&
            g_ascii_strncasecmp (name, column_names[c], n) == 0)
          {
            self->col_pos[c] = index;
            found++;
            break;
          }
      index++;
      if (comma == NULL)
        break;
      p = comma + 1;
    }

  if (found == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not a capture or packet CSV"), self->path);
      return FALSE;
    }

  for (guint c = 0; c < COL_ATTACK; c++)
    if (self->col_pos[c] < 0)
      {
        if (missing == NULL)
          missing = g_string_new (NULL);
        else
          g_string_append (missing, ", ");
        g_string_append (missing, column_names[c]);
      }
  if (missing != NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN,
                   _("%s: missing required column: %s"), self->path, missing->str);
      return FALSE;
    }

  self->n_fields = 0;
  for (guint c = 0; c < N_COLS; c++)
    self->n_fields = MAX (self->n_fields, (guint) self->col_pos[c] + 1);
  self->ts_fields = 1 + self->col_pos[COL_TIMESTAMP];
  self->filter_fields = 1 + MAX (self->col_pos[COL_TIMESTAMP],
                                 MAX (self->col_pos[COL_SRC_IP], self->col_pos[COL_DST_IP]));
  self->fields = g_new0 (Field, self->n_fields);
  return TRUE;
}

TaCsvReader *
ta_csv_reader_new (TaInput              *input,
                   const TaReaderConfig *config,
                   GError              **error)
{
  g_autoptr(TaCsvReader) self = NULL;
  const char *line;
  gsize len;
  gsize avail;
  const guint8 *w;
  const guint8 *nl;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (config != NULL && config->addrs != NULL && config->stats != NULL, NULL);

  self = g_new0 (TaCsvReader, 1);
  self->input = input;
  self->config = *config;
  self->path = ta_input_get_path (input);
  self->ordered = TRUE;
  self->last_ts = G_MININT64;
  /* the cache holds at most ~64 KiB plus 4 bytes per id of the map */
  self->id_cache_limit = ID_CACHE_MIN;
  if (config->ip_map != NULL)
    self->id_cache_limit = CLAMP ((guint64) ta_ip_map_get_max_id (config->ip_map) + 1,
                                  ID_CACHE_MIN, ID_CACHE_MAX);

  /* the header: must be a text line within the first 64 KiB */
  w = ta_input_peek (input, MAX_HEADER, &avail, error);
  if (w == NULL)
    return NULL;
  if (avail >= 3 && w[0] == 0xef && w[1] == 0xbb && w[2] == 0xbf)
    {
      ta_input_consume (input, 3);
      w = ta_input_peek (input, MAX_HEADER, &avail, error);
      if (w == NULL)
        return NULL;
    }
  nl = memchr (w, '\n', avail);
  if ((nl == NULL && avail >= MAX_HEADER) || avail == 0 ||
      memchr (w, '\0', nl ? (gsize) (nl - w) : avail) != NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not a capture or packet CSV"), self->path);
      return NULL;
    }
  self->win = w;
  self->win_len = avail;
  self->eof = nl == NULL;  /* a header-only file without a newline */
  if (!ta_csv_reader_next_line (self, &line, &len, error))
    return NULL;
  if (!parse_header (self, line, len, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
ta_csv_reader_set_filter (TaCsvReader    *self,
                          TaPacketFilter *filter)
{
  self->filter = filter;
}

gboolean
ta_csv_reader_get_stopped_early (TaCsvReader *self)
{
  return self->stopped_early;
}

gboolean
ta_csv_reader_has_label_column (TaCsvReader *self)
{
  return self->col_pos[COL_ATTACK] >= 0;
}

TaInput *
ta_csv_reader_get_input (TaCsvReader *self)
{
  return self->input;
}

void
ta_csv_reader_free (TaCsvReader *self)
{
  if (self == NULL)
    return;
  ta_input_free (self->input);
  g_free (self->fields);
  g_free (self->id_cache);
  g_free (self);
}
