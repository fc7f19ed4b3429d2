/* ta-csv-reader.c — packet CSV rows as TaPacket (FORMATS.md §1): the
 * per-row path; the header and opening are in ta-csv-open.c.
 *
 * One line at a time is found with memchr in the TaInput window and split
 * into fields lazily: the timestamp and address fields first, so a row
 * rejected by the filter costs little more than finding its end. Integer
 * fields are parsed by hand ("66.0" accepted); only unusual spellings
 * (exponents, signs) go through g_ascii_strtod on a small stack copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ta-csv-reader-private.h"
#include "ta-error.h"

/* ---- numbers ---------------------------------------------------------- */

typedef enum
{
  NUM_OK,
  NUM_EMPTY,
  NUM_BAD,
} NumResult;

/* The slow path: g_ascii_strtod on a NUL-terminated copy */
static gboolean
slow_double (const char *p,
             gsize       len,
             double     *out)
{
  char buf[64];
  char *end;
  double v;

  while (len > 0 && g_ascii_isspace (*p))
    p++, len--;
  while (len > 0 && g_ascii_isspace (p[len - 1]))
    len--;
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, p, len);
  buf[len] = '\0';
  v = g_ascii_strtod (buf, &end);
  if (end != buf + len || !isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

/* If the eight bytes at @p are all digits: *acc = *acc * 10^8 + their value */
static inline gboolean
eight_digits (const char *p,
              guint64    *acc)
{
  guint64 v;

  memcpy (&v, p, 8);
  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    v = GUINT64_SWAP_LE_BE (v);
  if ((v & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0)) != G_GUINT64_CONSTANT (0x3030303030303030) ||
      ((v + G_GUINT64_CONSTANT (0x0606060606060606)) & G_GUINT64_CONSTANT (0xF0F0F0F0F0F0F0F0)) !=
      G_GUINT64_CONSTANT (0x3030303030303030))
    return FALSE;
  v -= G_GUINT64_CONSTANT (0x3030303030303030);
  v = (v * 10) + (v >> 8);
  v = (((v & G_GUINT64_CONSTANT (0x000000FF000000FF)) * (100 + (G_GUINT64_CONSTANT (1000000) << 32))) +
       (((v >> 16) & G_GUINT64_CONSTANT (0x000000FF000000FF)) * (1 + (G_GUINT64_CONSTANT (10000) << 32)))) >> 32;
  *acc = *acc * 100000000 + (guint32) v;
  return TRUE;
}

/* Unsigned integer, optionally written with a zero fraction ("66.0") */
static inline NumResult
parse_uint (const char *p,
            gsize       len,
            guint64     max,
            guint64    *out)
{
  const char *end = p + len;
  guint64 v = 0;
  double d;

  if (len == 0)
    return NUM_EMPTY;
  if (len <= 19 && (guint8) (*p - '0') < 10)
    {
      while (p < end && (guint8) (*p - '0') < 10)
        v = v * 10 + (guint8) (*p++ - '0');
      if (p < end && *p == '.')
        {
          p++;
          while (p < end && *p == '0')
            p++;
        }
      if (p == end)
        {
          if (v > max)
            return NUM_BAD;
          *out = v;
          return NUM_OK;
        }
      p = end - len;
    }
  if (!slow_double (p, len, &d))
    {
      /* only blanks: treat as empty */
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isspace (p[i]))
          return NUM_BAD;
      return NUM_EMPTY;
    }
  if (d < 0 || d > (double) max || d != floor (d))
    return NUM_BAD;
  *out = (guint64) d;
  return NUM_OK;
}

/* A timestamp in s, ms or µs (by magnitude) as µs */
static inline gboolean
parse_timestamp (const char *p,
                 gsize       len,
                 gint64     *out,
                 guint      *unit)
{
  const char *end = p + len;
  const char *start = p;
  guint64 acc = 0;
  gint64 ip;
  double d, ad;

  if (len > 0 && len <= 30 && (guint8) (*p - '0') < 10)
    {
      const char *digits = p;

      /* µs epochs have 16 digits: two blocks of eight */
      while (end - p >= 8 && p - digits < 16 && eight_digits (p, &acc))
        p += 8;
      while (p < end && (guint8) (*p - '0') < 10)
        acc = acc * 10 + (guint8) (*p++ - '0');
      ip = (gint64) acc;
      if (p - digits <= 18)
        {
          const char *frac = NULL;
          gsize nfrac = 0;

          if (p < end && *p == '.')
            {
              frac = ++p;
              while (p < end && (guint8) (*p - '0') < 10)
                p++;
              nfrac = p - frac;
            }
          if (p == end)
            {
              guint scale_digits;
              gint64 f = 0;

              if (ip < G_GINT64_CONSTANT (100000000000))
                {
                  *unit = TA_TS_UNIT_S;
                  scale_digits = 6;
                  ip *= 1000000;
                }
              else if (ip < G_GINT64_CONSTANT (100000000000000))
                {
                  *unit = TA_TS_UNIT_MS;
                  scale_digits = 3;
                  ip *= 1000;
                }
              else
                {
                  *unit = TA_TS_UNIT_US;
                  scale_digits = 0;
                }
              for (guint i = 0; i < scale_digits; i++)
                f = f * 10 + (i < nfrac ? frac[i] - '0' : 0);
              *out = ip + f;
              return TRUE;
            }
        }
      p = start;
    }

  if (!slow_double (p, len, &d))
    return FALSE;
  ad = fabs (d);
  if (ad < 1e11)
    {
      *unit = TA_TS_UNIT_S;
      d *= 1e6;
    }
  else if (ad < 1e14)
    {
      *unit = TA_TS_UNIT_MS;
      d *= 1e3;
    }
  else
    *unit = TA_TS_UNIT_US;
  if (!(fabs (d) < 9.2e18))
    return FALSE;
  *out = (gint64) d;
  return TRUE;
}

/* ---- addresses -------------------------------------------------------- */

static guint32
resolve_id (TaCsvReader *self,
            guint64      id,
            gboolean    *unmapped)
{
  const char *name = NULL;
  char buf[24];
  gsize n;

  if (self->config.ip_map != NULL && id <= G_MAXINT64)
    name = ta_ip_map_lookup_id (self->config.ip_map, (gint64) id);
  if (name != NULL)
    {
      *unmapped = FALSE;
      return ta_addr_table_intern_text (self->config.addrs, name, -1);
    }
  *unmapped = TRUE;
  n = g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, id);
  return ta_addr_table_intern_text (self->config.addrs, buf, n);
}

static inline guint32
lookup_id (TaCsvReader *self,
           guint64      id)
{
  guint32 v;
  gboolean unmapped;
  guint32 index;

  if (G_LIKELY (id < self->id_cache_len))
    {
      v = self->id_cache[id];
      if (G_LIKELY (v != 0))
        {
          if (G_UNLIKELY (v & CACHE_UNMAPPED))
            self->unmapped_rows++;
          return (v & ~CACHE_UNMAPPED) - 1;
        }
    }

  index = resolve_id (self, id, &unmapped);
  if (unmapped)
    {
      self->unmapped_rows++;
      self->unmapped_ids++;
    }
  if (id < self->id_cache_limit)
    {
      if (id >= self->id_cache_len)
        {
          gsize n = MAX (self->id_cache_len, 1024);

          while (n <= id)
            n *= 2;
          n = MIN (n, self->id_cache_limit);
          self->id_cache = g_renew (guint32, self->id_cache, n);
          memset (self->id_cache + self->id_cache_len, 0,
                  (n - self->id_cache_len) * sizeof (guint32));
          self->id_cache_len = n;
        }
      self->id_cache[id] = (index + 1) | (unmapped ? CACHE_UNMAPPED : 0);
    }
  else if (unmapped)
    self->unmapped_ids--;  /* huge ids are not cached: count rows only */
  return index;
}

/* An id ("12", "12.0"), dotted IPv4 or IPv6 text. FALSE when none of them. */
static inline gboolean
parse_addr (TaCsvReader *self,
            const Field *f,
            guint32     *out)
{
  const char *p = f->p;
  const char *end = p + f->len;
  guint64 id = 0;
  guint32 v4;

  if (f->len == 0)
    return FALSE;

  if ((guint8) (*p - '0') < 10 && f->len <= 19)
    {
      while (p < end && (guint8) (*p - '0') < 10)
        id = id * 10 + (*p++ - '0');
      if (p == end)
        {
          *out = lookup_id (self, id);
          return TRUE;
        }
      if (*p == '.')
        {
          const char *q = p + 1;

          while (q < end && *q == '0')
            q++;
          if (q == end)
            {
              *out = lookup_id (self, id);
              return TRUE;
            }
        }
    }

  if (ta_parse_ipv4 (f->p, f->len, &v4))
    {
      *out = ta_addr_table_intern_ipv4 (self->config.addrs, v4);
      return TRUE;
    }
  if (memchr (f->p, ':', f->len) != NULL && f->len < INET6_ADDRSTRLEN)
    {
      char buf[INET6_ADDRSTRLEN];
      guint8 v6[16];

      memcpy (buf, f->p, f->len);
      buf[f->len] = '\0';
      if (inet_pton (AF_INET6, buf, v6) == 1)
        {
          *out = ta_addr_table_intern_ipv6 (self->config.addrs, v6);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- lines ------------------------------------------------------------ */

/* Makes more of the stream visible; returns FALSE on a read error */
static gboolean
refill (TaCsvReader  *self,
        GError      **error)
{
  gsize rest = self->win_len - self->pos;
  gsize avail;
  const guint8 *w;

  ta_input_consume (self->input, self->pos);
  w = ta_input_peek (self->input, rest + READ_AHEAD, &avail, error);
  if (w == NULL)
    return FALSE;
  if (avail == rest)
    self->eof = TRUE;
  self->win = w;
  self->win_len = avail;
  self->pos = 0;
  return TRUE;
}

/* The next line without its end of line; FALSE at the end of the stream or
 * on error. Over-long lines are counted as malformed and skipped. */
static gboolean
next_line (TaCsvReader  *self,
           const char  **line,
           gsize        *len,
           GError      **error)
{
  for (;;)
    {
      const guint8 *start = self->win + self->pos;
      gsize rest = self->win_len - self->pos;
      const guint8 *nl = memchr (start, '\n', rest);

      if (nl != NULL)
        {
          gsize n = nl - start;

          self->pos += n + 1;
          if (self->skipping)
            {
              self->skipping = FALSE;
              continue;
            }
          self->line++;
          if (n > 0 && start[n - 1] == '\r')
            n--;
          *line = (const char *) start;
          *len = n;
          return TRUE;
        }

      if (self->eof)
        {
          const char *cut = ta_input_get_truncation (self->input);

          self->pos = self->win_len;
          if (cut != NULL && !self->truncation_reported)
            {
              /* the row the cut ends inside is not data */
              self->truncation_reported = TRUE;
              self->config.stats->truncated++;
              ta_read_stats_add_warning (self->config.stats, "%s%s", cut,
                                         rest > 0 ? _("; the row cut short there is dropped") : "");
            }
          if (rest == 0 || self->skipping || cut != NULL)
            return FALSE;
          self->line++;
          if (start[rest - 1] == '\r')
            rest--;
          *line = (const char *) start;
          *len = rest;
          return TRUE;
        }

      if (rest > MAX_LINE && !self->skipping)
        {
          self->line++;
          self->config.stats->rows++;
          ta_read_stats_add_malformed (self->config.stats,
                                       _("%s:%llu: line longer than %d bytes"),
                                       self->path, (unsigned long long) self->line, MAX_LINE);
          self->skipping = TRUE;
        }
      if (self->skipping)
        self->pos = self->win_len;  /* drop what we have of the long line */
      if (!refill (self, error))
        return FALSE;
    }
}

gboolean
ta_csv_reader_next_line (TaCsvReader  *self,
                         const char  **line,
                         gsize        *len,
                         GError      **error)
{
  return next_line (self, line, len, error);
}

/* The first ',' in [p, end), or end; eight bytes at a time */
static inline const char *
find_comma (const char *p,
            const char *end)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 commas = ones * ',';

  while (end - p >= 8)
    {
      guint64 v;
      guint64 x;

      memcpy (&v, p, 8);
      x = v ^ commas;
      x = (x - ones) & ~x & highs;
      if (x != 0)
        return p + (G_BYTE_ORDER == G_LITTLE_ENDIAN ? __builtin_ctzll (x) : __builtin_clzll (x)) / 8;
      p += 8;
    }
  while (p < end && *p != ',')
    p++;
  return p;
}

/* Splits fields [*k, upto) from *cursor; FALSE if the line has fewer or a
 * quote is broken (*problem says which). */
static inline gboolean
split_fields (TaCsvReader  *self,
              const char  **cursor,
              const char   *end,
              guint        *k,
              guint         upto,
              const char  **problem)
{
  const char *p = *cursor;
  guint i = *k;

  for (; i < upto; i++)
    {
      Field *f = &self->fields[i];

      if (p == NULL)
        {
          *problem = "few";
          return FALSE;
        }
      if (G_UNLIKELY (p < end && *p == '"'))
        {
          const char *q = p + 1;

          f->quoted = FALSE;
          for (;;)
            {
              q = memchr (q, '"', end - q);
              if (q == NULL)
                {
                  *problem = "quote";
                  return FALSE;
                }
              if (q + 1 < end && q[1] == '"')
                {
                  f->quoted = TRUE;
                  q += 2;
                  continue;
                }
              break;
            }
          f->p = p + 1;
          f->len = q - p - 1;
          q++;
          if (q == end)
            p = NULL;
          else if (*q == ',')
            p = q + 1;
          else
            {
              *problem = "quote";
              return FALSE;
            }
        }
      else
        {
          const char *c = find_comma (p, end);

          f->p = p;
          f->len = c - p;
          f->quoted = FALSE;
          p = c < end ? c + 1 : NULL;
        }
    }
  *cursor = p;
  *k = i;
  return TRUE;
}

/* ---- rows ------------------------------------------------------------- */

typedef enum
{
  ROW_OK,
  ROW_REJECTED,
  ROW_MALFORMED,
  ROW_STOP,
} RowResult;

#define MALFORMED(...) G_STMT_START {                                          \
    ta_read_stats_add_malformed (self->config.stats, __VA_ARGS__);             \
    return ROW_MALFORMED;                                                      \
  } G_STMT_END

static inline const Field *
field (TaCsvReader *self,
       Column       c)
{
  return &self->fields[self->col_pos[c]];
}

static gint32
parse_label (TaCsvReader *self,
             const Field *f)
{
  const char *p = f->p;
  gsize len = f->len;
  gboolean neg = FALSE;
  guint64 v;
  char buf[256];

  trim (&p, &len);
  if (len == 0)
    return TA_LABEL_NONE;
  if (*p == '-')
    {
      neg = TRUE;
      p++;
      len--;
    }
  if (len > 0 && (guint8) (*p - '0') < 10 && parse_uint (p, len, G_MAXINT32, &v) == NUM_OK)
    return neg ? -(gint32) v : (gint32) v;
  if (neg)
    {
      p--;
      len++;
    }
  if (self->config.label_func == NULL)
    return TA_LABEL_NONE;
  if (f->quoted)
    {
      /* undo "" escapes */
      gsize n = 0;

      for (gsize i = 0; i < len && n < sizeof buf - 1; i++)
        {
          buf[n++] = p[i];
          if (p[i] == '"' && i + 1 < len && p[i + 1] == '"')
            i++;
        }
      buf[n] = '\0';
      return self->config.label_func (buf, n, self->config.label_data);
    }
  return self->config.label_func (p, len, self->config.label_data);
}

/* The fields after the timestamp and the addresses */
G_ALWAYS_INLINE static inline RowResult
parse_values (TaCsvReader *self,
              TaPacket    *pkt)
{
  guint64 v;
  NumResult r;

  pkt->pflags = 0;
  pkt->payload = 0;
  pkt->icmp_type = 0;
  pkt->icmp_code = 0;
  pkt->reserved = 0;
  pkt->frame = (guint32) MIN (self->line, G_MAXUINT32);
  pkt->file = (guint16) MIN (self->config.file_index, G_MAXUINT16);

  r = parse_uint (field (self, COL_LENGTH)->p, field (self, COL_LENGTH)->len, G_MAXUINT32, &v);
  if (r == NUM_BAD)
    MALFORMED (_("%s:%llu: length is not a number"), self->path, (unsigned long long) self->line);
  pkt->length = r == NUM_OK ? v : 0;
  /* a CSV row has only the frame length: Ethernet II is assumed */
  pkt->ip_len = pkt->length > 14 ? pkt->length - 14 : pkt->length;

  r = parse_uint (field (self, COL_PROTOCOL)->p, field (self, COL_PROTOCOL)->len, 255, &v);
  if (r == NUM_BAD)
    MALFORMED (_("%s:%llu: protocol is not a number from 0 to 255"),
               self->path, (unsigned long long) self->line);
  pkt->proto = r == NUM_OK ? v : 0;

  r = parse_uint (field (self, COL_SRC_PORT)->p, field (self, COL_SRC_PORT)->len, 65535, &v);
  if (r == NUM_BAD)
    MALFORMED (_("%s:%llu: src_port is not a port number"),
               self->path, (unsigned long long) self->line);
  pkt->sport = r == NUM_OK ? v : 0;
  if (r == NUM_OK)
    pkt->pflags |= TA_PKT_HAS_PORTS;

  r = parse_uint (field (self, COL_DST_PORT)->p, field (self, COL_DST_PORT)->len, 65535, &v);
  if (r == NUM_BAD)
    MALFORMED (_("%s:%llu: dst_port is not a port number"),
               self->path, (unsigned long long) self->line);
  pkt->dport = r == NUM_OK ? v : 0;
  if (r != NUM_OK)
    pkt->pflags &= ~TA_PKT_HAS_PORTS;

  /* Like the original, flags that are empty or not a number give the
   * flag class INVALID; the value is 0. */
  r = parse_uint (field (self, COL_FLAGS)->p, field (self, COL_FLAGS)->len, 255, &v);
  if (r == NUM_OK)
    pkt->flags = v;
  else
    {
      pkt->flags = 0;
      pkt->pflags |= TA_PKT_FLAGS_INVALID;
    }

  r = parse_uint (field (self, COL_SEQ)->p, field (self, COL_SEQ)->len, G_MAXUINT32, &v);
  if (r == NUM_BAD)
    MALFORMED (_("%s:%llu: seq_num is not a 32-bit number"),
               self->path, (unsigned long long) self->line);
  pkt->seq = r == NUM_OK ? v : 0;

  r = parse_uint (field (self, COL_ACK)->p, field (self, COL_ACK)->len, G_MAXUINT32, &v);
  if (r == NUM_BAD)
    MALFORMED (_("%s:%llu: ack_num is not a 32-bit number"),
               self->path, (unsigned long long) self->line);
  pkt->ack = r == NUM_OK ? v : 0;

  pkt->label = self->col_pos[COL_ATTACK] >= 0
    ? parse_label (self, field (self, COL_ATTACK))
    : TA_LABEL_NONE;

  return ROW_OK;
}

static RowResult
parse_row (TaCsvReader *self,
           const char  *line,
           gsize        len,
           TaPacket    *pkt)
{
  const char *end = line + len;
  const char *cursor = line;
  const char *problem = NULL;
  TaPacketFilter *filter = self->filter;
  guint k = 0;
  guint unit = 0;

  if (!split_fields (self, &cursor, end, &k, self->ts_fields, &problem))
    goto split_failed;

  if (!parse_timestamp (field (self, COL_TIMESTAMP)->p, field (self, COL_TIMESTAMP)->len,
                        &pkt->ts, &unit))
    MALFORMED (_("%s:%llu: timestamp is not a finite number"),
               self->path, (unsigned long long) self->line);
  self->config.stats->ts_units |= unit;

  if (filter != NULL)
    {
      if (filter->has_time_end && pkt->ts > filter->time_end_us && self->ordered)
        {
          self->stopped_early = TRUE;
          filter->rejected_time++;
          return ROW_STOP;
        }
      if (pkt->ts < self->last_ts)
        self->ordered = FALSE;
      self->last_ts = pkt->ts;
      if (!ta_packet_filter_time_ok (filter, pkt->ts))
        {
          filter->rejected_time++;
          return ROW_REJECTED;
        }
    }

  if (!split_fields (self, &cursor, end, &k, self->filter_fields, &problem))
    goto split_failed;
  if (!parse_addr (self, field (self, COL_SRC_IP), &pkt->src))
    MALFORMED (_("%s:%llu: src_ip is not an address or id"),
               self->path, (unsigned long long) self->line);
  if (!parse_addr (self, field (self, COL_DST_IP), &pkt->dst))
    MALFORMED (_("%s:%llu: dst_ip is not an address or id"),
               self->path, (unsigned long long) self->line);

  if (filter != NULL && !ta_packet_filter_addrs_ok (filter, pkt->src, pkt->dst))
    {
      filter->rejected_addr++;
      return ROW_REJECTED;
    }

  if (!split_fields (self, &cursor, end, &k, self->n_fields, &problem))
    goto split_failed;
  return parse_values (self, pkt);

split_failed:
  if (g_strcmp0 (problem, "quote") == 0)
    MALFORMED (_("%s:%llu: broken quoted field"), self->path, (unsigned long long) self->line);
  MALFORMED (_("%s:%llu: too few fields (need %u)"),
             self->path, (unsigned long long) self->line, self->n_fields);
}

#undef MALFORMED

/* ---- public ----------------------------------------------------------- */

gboolean
ta_csv_reader_next (TaCsvReader  *self,
                    TaPacket     *pkt,
                    GError      **error)
{
  const char *line;
  gsize len;

  if (self->stopped_early)
    return FALSE;

  while (next_line (self, &line, &len, error))
    {
      if (len == 0)
        continue;
      self->config.stats->rows++;
      if (G_UNLIKELY (++self->tick_rows == TA_PACKET_FILTER_TICK_ROWS))
        {
          self->tick_rows = 0;
          if (self->filter != NULL && self->filter->tick != NULL &&
              !self->filter->tick (self->filter->tick_data))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
              return FALSE;
            }
        }
      switch (parse_row (self, line, len, pkt))
        {
        case ROW_OK:
          self->config.stats->packets++;
          return TRUE;
        case ROW_STOP:
          return FALSE;
        case ROW_REJECTED:
        case ROW_MALFORMED:
        default:
          break;
        }
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  if (self->unmapped_rows > 0 && !self->warned_unmapped)
    {
      self->warned_unmapped = TRUE;
      ta_read_stats_add_warning (self->config.stats,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "%s: %u id is missing from the IP map (%llu uses); it is written as its decimal text",
                                              "%s: %u ids are missing from the IP map (%llu uses); they are written as their decimal text",
                                              self->unmapped_ids),
                                 self->path, self->unmapped_ids, (unsigned long long) self->unmapped_rows);
    }
  return FALSE;
}

