/* ta-ground-truth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-ground-truth.h"
#include "ta-input.h"

/* A ground truth is a list of events, not a packet stream: refuse files
 * that could not plausibly be one rather than reading them into memory. */
#define MAX_FILE_SIZE (512u * 1024 * 1024)
#define MAX_FIELDS 64

struct _TaGroundTruth
{
  gatomicrefcount ref_count;
  char         *path;
  GArray       *events;      /* TaGtEvent */
  GArray       *ports;       /* TaPortRange */
  GPtrArray    *labels;      /* const char* in strings */
  GHashTable   *label_index; /* char* -> index + 1 */
  GPtrArray    *addrs;       /* const char* in strings */
  GHashTable   *addr_index;  /* char* -> index + 1 */
  GStringChunk *strings;
  GArray       *by_addr;     /* guint32 event indices grouped by address */
  guint32      *by_addr_at;  /* n_addrs + 1 offsets into by_addr */
  GPtrArray    *problems;
  guint64       n_blank;
  guint64       n_bad;
  gint64        min_start;
  gint64        max_stop;
};

enum
{
  COL_TYPE,
  COL_C2S,
  COL_SRC,
  COL_SPORT,
  COL_DST,
  COL_DPORT,
  COL_START,
  COL_STOP,
  N_COLS
};

typedef struct
{
  guint start;
  guint len;
} Field;

/* ---------------------------------------------------------------- times */

static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static gboolean
read_digits (const char *s,
             gsize       len,
             gsize      *pos,
             guint       n,
             guint      *out)
{
  guint v = 0;

  if (*pos + n > len)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char c = s[*pos + i];

      if (c < '0' || c > '9')
        return FALSE;
      v = v * 10 + (c - '0');
    }
  *pos += n;
  *out = v;
  return TRUE;
}

gboolean
ta_parse_utc_minutes (const char *text,
                      gsize       len,
                      gint64     *minutes)
{
  static const guint8 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  guint y, mo, d, h, mi, sec = 0;
  gsize p = 0;

  if (!read_digits (text, len, &p, 4, &y) || p >= len || text[p++] != '-' ||
      !read_digits (text, len, &p, 2, &mo) || p >= len || text[p++] != '-' ||
      !read_digits (text, len, &p, 2, &d) || p >= len ||
      (text[p] != ' ' && text[p] != 'T') || !(++p) ||
      !read_digits (text, len, &p, 2, &h) || p >= len || text[p++] != ':' ||
      !read_digits (text, len, &p, 2, &mi))
    return FALSE;
  if (p < len)
    {
      if (text[p++] != ':' || !read_digits (text, len, &p, 2, &sec) || p != len)
        return FALSE;
    }
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
    return FALSE;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return FALSE;
  *minutes = days_from_civil (y, mo, d) * 1440 + h * 60 + mi;
  return TRUE;
}

/* ---------------------------------------------------------------- cells */

static void
trim (const char **s,
      gsize       *len)
{
  while (*len > 0 && g_ascii_isspace ((*s)[0]))
    (*s)++, (*len)--;
  while (*len > 0 && g_ascii_isspace ((*s)[*len - 1]))
    (*len)--;
}

/* An integer written plainly or as a float with a zero fraction ("80.0") */
static gboolean
parse_whole (const char *s,
             gsize       len,
             guint64     max,
             guint64    *out)
{
  guint64 v = 0;
  gsize i = 0;

  if (len == 0)
    return FALSE;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    {
      v = v * 10 + (s[i] - '0');
      if (v > max)
        return FALSE;
    }
  if (i == 0)
    return FALSE;
  if (i < len)
    {
      if (s[i++] != '.')
        return FALSE;
      for (; i < len; i++)
        if (s[i] != '0')
          return FALSE;
    }
  *out = v;
  return TRUE;
}

static guint32
intern (GPtrArray    *table,
        GHashTable   *index,
        GStringChunk *strings,
        const char   *text)
{
  gpointer found;
  char *copy;

  found = g_hash_table_lookup (index, text);
  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  copy = g_string_chunk_insert_const (strings, text);
  g_ptr_array_add (table, copy);
  g_hash_table_insert (index, copy, GUINT_TO_POINTER (table->len));
  return table->len - 1;
}

/* Canonical address text in @buf (64 bytes); FALSE when not an address */
static gboolean
normalise_address (const char *s,
                   gsize       len,
                   char        buf[64])
{
  guint32 v4;
  guint8 v6[16];

  if (ta_parse_ipv4 (s, len, &v4))
    {
      g_snprintf (buf, 64, "%u.%u.%u.%u", v4 >> 24, (v4 >> 16) & 255, (v4 >> 8) & 255, v4 & 255);
      return TRUE;
    }
  if (len == 0 || len >= 64 || memchr (s, ':', len) == NULL)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = 0;
  if (inet_pton (AF_INET6, buf, v6) != 1)
    return FALSE;
  /* IPv4-mapped addresses read as their IPv4 form, like TaAddrTable */
  if (memcmp (v6, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    {
      g_snprintf (buf, 64, "%u.%u.%u.%u", v6[12], v6[13], v6[14], v6[15]);
      return TRUE;
    }
  return inet_ntop (AF_INET6, v6, buf, 64) != NULL;
}

/* Appends the port set of one cell to self->ports; *n = 0 for any */
static gboolean
parse_ports (TaGroundTruth *self,
             const char    *s,
             gsize          len,
             guint32       *first,
             guint16       *n,
             const char   **problem)
{
  guint start_len = self->ports->len;
  gboolean only_zero = TRUE;
  gsize i = 0;

  *first = start_len;
  *n = 0;
  trim (&s, &len);
  while (i < len)
    {
      gsize j, colon = 0;
      guint64 lo, hi;
      TaPortRange r;

      while (i < len && (s[i] == ' ' || s[i] == ';' || s[i] == '\t'))
        i++;
      if (i >= len)
        break;
      for (j = i; j < len && s[j] != ' ' && s[j] != ';' && s[j] != '\t'; j++)
        if (s[j] == ':' && colon == 0)
          colon = j;
      if (colon != 0)
        {
          if (!parse_whole (s + i, colon - i, 65535, &lo) ||
              !parse_whole (s + colon + 1, j - colon - 1, 65535, &hi) || hi < lo)
            goto bad;
        }
      else
        {
          if (!parse_whole (s + i, j - i, 65535, &lo))
            goto bad;
          hi = lo;
        }
      if (hi != 0)
        only_zero = FALSE;
      if (self->ports->len - start_len >= G_MAXUINT16)
        goto bad;
      r.lo = lo;
      r.hi = hi;
      g_array_append_val (self->ports, r);
      i = j;
    }
  if (only_zero)
    {
      /* empty or 0: any port */
      g_array_set_size (self->ports, start_len);
      return TRUE;
    }
  *n = self->ports->len - start_len;
  return TRUE;

bad:
  g_array_set_size (self->ports, start_len);
  *problem = _("port is not a number 0–65535, a list or a range a:b");
  return FALSE;
}

/* ------------------------------------------------------------- records */

/* Reads one CSV record starting at *pos: fields (unquoted, unescaped) are
 * copied into @scratch. Returns the number of fields (all of them, though
 * only the first MAX_FIELDS are stored); *lines gets the newlines crossed. */
static guint
read_record (const char *data,
             gsize       len,
             gsize      *pos,
             GString    *scratch,
             Field      *fields,
             guint      *lines)
{
  gsize p = *pos;
  guint n = 0;

  g_string_truncate (scratch, 0);
  *lines = 0;
  for (;;)
    {
      guint start = scratch->len;

      if (p < len && data[p] == '"')
        {
          p++;
          while (p < len)
            {
              if (data[p] == '"')
                {
                  if (p + 1 < len && data[p + 1] == '"')
                    {
                      g_string_append_c (scratch, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              if (data[p] == '\n')
                (*lines)++;
              g_string_append_c (scratch, data[p++]);
            }
          /* text after the closing quote belongs to the same cell */
        }
      while (p < len && data[p] != ',' && data[p] != '\n')
        {
          if (!(data[p] == '\r' && (p + 1 == len || data[p + 1] == '\n')))
            g_string_append_c (scratch, data[p]);
          p++;
        }
      if (n < MAX_FIELDS)
        {
          fields[n].start = start;
          fields[n].len = scratch->len - start;
        }
      n++;
      if (p >= len || data[p] == '\n')
        {
          if (p < len)
            {
              p++;
              (*lines)++;
            }
          break;
        }
      p++; /* ',' */
    }
  *pos = p;
  return n;
}

static void
add_problem (TaGroundTruth *self,
             guint          line,
             const char    *problem)
{
  self->n_bad++;
  if (self->problems->len < TA_GT_MAX_PROBLEMS)
    g_ptr_array_add (self->problems, g_strdup_printf ("%s:%u: %s", self->path, line, problem));
}

static int
column_of (const char *name,
           gsize       len)
{
  static const struct { const char *key; int col; } names[] = {
    { "eventtype", COL_TYPE },
    { "event", COL_TYPE },
    { "c2sid", COL_C2S },
    { "source", COL_SRC },
    { "sourceports", COL_SPORT },
    { "sourceport", COL_SPORT },
    { "destination", COL_DST },
    { "destinationports", COL_DPORT },
    { "destinationport", COL_DPORT },
    { "starttimeutc", COL_START },
    { "starttime", COL_START },
    { "stoptimeutc", COL_STOP },
    { "stoptime", COL_STOP },
  };
  char key[64];
  guint k = 0;

  for (gsize i = 0; i < len && k < sizeof key - 1; i++)
    if (g_ascii_isalnum (name[i]))
      key[k++] = g_ascii_tolower (name[i]);
  key[k] = 0;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (key, names[i].key) == 0)
      return names[i].col;
  return -1;
}

static gboolean
is_blank (const char *s,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (s[i]))
      return FALSE;
  return TRUE;
}

/* Parses one data record; FALSE with @problem set when it is bad */
static gboolean
parse_event (TaGroundTruth *self,
             const char    *row,
             const Field   *fields,
             guint          n_fields,
             const int     *cols,
             TaGtEvent     *ev,
             const char   **problem)
{
  const char *cell[N_COLS];
  gsize cell_len[N_COLS];
  char addr[64];
  g_autofree char *label = NULL;
  guint64 c2s;

  for (int c = 0; c < N_COLS; c++)
    {
      cell[c] = "";
      cell_len[c] = 0;
      if (cols[c] < 0)
        continue;
      if ((guint) cols[c] >= n_fields)
        {
          *problem = _("too few fields");
          return FALSE;
        }
      cell[c] = row + fields[cols[c]].start;
      cell_len[c] = fields[cols[c]].len;
      trim (&cell[c], &cell_len[c]);
    }

  if (cell_len[COL_TYPE] == 0)
    {
      *problem = _("empty Event Type");
      return FALSE;
    }
  if (!g_utf8_validate (cell[COL_TYPE], cell_len[COL_TYPE], NULL))
    {
      *problem = _("Event Type is not valid UTF-8");
      return FALSE;
    }
  if (!ta_parse_utc_minutes (cell[COL_START], cell_len[COL_START], &ev->start_min))
    {
      *problem = _("Start Time is not “YYYY-MM-DD HH:MM:SS”");
      return FALSE;
    }
  if (!ta_parse_utc_minutes (cell[COL_STOP], cell_len[COL_STOP], &ev->stop_min))
    {
      *problem = _("Stop Time is not “YYYY-MM-DD HH:MM:SS”");
      return FALSE;
    }
  if (ev->stop_min < ev->start_min)
    {
      *problem = _("Stop Time is before Start Time");
      return FALSE;
    }

  ev->c2s_id = -1;
  if (cell_len[COL_C2S] > 0)
    {
      if (!parse_whole (cell[COL_C2S], cell_len[COL_C2S], G_MAXINT64 / 10, &c2s))
        {
          *problem = _("C2S ID is not a number");
          return FALSE;
        }
      ev->c2s_id = (gint64) c2s;
    }

  if (cell_len[COL_SRC] == 0 && cell_len[COL_DST] == 0)
    {
      *problem = _("neither Source nor Destination is given");
      return FALSE;
    }
  ev->src = ev->dst = TA_GT_ANY_ADDR;
  if (cell_len[COL_SRC] > 0)
    {
      if (!normalise_address (cell[COL_SRC], cell_len[COL_SRC], addr))
        {
          *problem = _("Source is not an IPv4 or IPv6 address");
          return FALSE;
        }
      ev->src = intern (self->addrs, self->addr_index, self->strings, addr);
    }
  if (cell_len[COL_DST] > 0)
    {
      if (!normalise_address (cell[COL_DST], cell_len[COL_DST], addr))
        {
          *problem = _("Destination is not an IPv4 or IPv6 address");
          return FALSE;
        }
      ev->dst = intern (self->addrs, self->addr_index, self->strings, addr);
    }

  if (!parse_ports (self, cell[COL_SPORT], cell_len[COL_SPORT], &ev->sports, &ev->n_sports, problem))
    return FALSE;
  if (!parse_ports (self, cell[COL_DPORT], cell_len[COL_DPORT], &ev->dports, &ev->n_dports, problem))
    {
      g_array_set_size (self->ports, ev->sports);
      return FALSE;
    }

  label = g_strndup (cell[COL_TYPE], cell_len[COL_TYPE]);
  ev->label = intern (self->labels, self->label_index, self->strings, label);
  return TRUE;
}

static void
build_address_index (TaGroundTruth *self)
{
  guint n_addrs = self->addrs->len;
  guint32 *fill;

  self->by_addr_at = g_new0 (guint32, n_addrs + 1);
  for (guint i = 0; i < self->events->len; i++)
    {
      TaGtEvent *ev = &g_array_index (self->events, TaGtEvent, i);

      if (ev->src != TA_GT_ANY_ADDR)
        self->by_addr_at[ev->src + 1]++;
      if (ev->dst != TA_GT_ANY_ADDR && ev->dst != ev->src)
        self->by_addr_at[ev->dst + 1]++;
    }
  for (guint a = 0; a < n_addrs; a++)
    self->by_addr_at[a + 1] += self->by_addr_at[a];
  g_array_set_size (self->by_addr, self->by_addr_at[n_addrs]);
  fill = g_memdup2 (self->by_addr_at, sizeof (guint32) * (n_addrs + 1));
  for (guint i = 0; i < self->events->len; i++)
    {
      TaGtEvent *ev = &g_array_index (self->events, TaGtEvent, i);

      if (ev->src != TA_GT_ANY_ADDR)
        g_array_index (self->by_addr, guint32, fill[ev->src]++) = i;
      if (ev->dst != TA_GT_ANY_ADDR && ev->dst != ev->src)
        g_array_index (self->by_addr, guint32, fill[ev->dst]++) = i;
    }
  g_free (fill);
}

static TaGroundTruth *
ground_truth_new (const char *name)
{
  TaGroundTruth *self = g_new0 (TaGroundTruth, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->path = g_strdup (name);
  self->events = g_array_new (FALSE, FALSE, sizeof (TaGtEvent));
  self->ports = g_array_new (FALSE, FALSE, sizeof (TaPortRange));
  self->labels = g_ptr_array_new ();
  self->label_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->addrs = g_ptr_array_new ();
  self->addr_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->strings = g_string_chunk_new (4096);
  self->by_addr = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->problems = g_ptr_array_new_with_free_func (g_free);
  self->min_start = G_MAXINT64;
  self->max_stop = G_MININT64;
  return self;
}

TaGroundTruth *
ta_ground_truth_new_from_data (const char  *data,
                               gsize        len,
                               const char  *name,
                               GError     **error)
{
  g_autoptr(TaGroundTruth) self = ground_truth_new (name);
  g_autoptr(GString) scratch = g_string_new (NULL);
  Field fields[MAX_FIELDS];
  int cols[N_COLS];
  gsize pos = 0;
  guint line = 1, lines, n;

  /* UTF-8 byte order mark */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    pos = 3;

  /* header, by name; blank lines before it are skipped */
  do
    {
      if (pos >= len)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the ground truth is empty (no header row)"), name);
          return NULL;
        }
      n = read_record (data, len, &pos, scratch, fields, &lines);
      line += lines;
    }
  while (is_blank (scratch->str, scratch->len));

  for (int c = 0; c < N_COLS; c++)
    cols[c] = -1;
  for (guint i = 0; i < MIN (n, MAX_FIELDS); i++)
    {
      int c = column_of (scratch->str + fields[i].start, fields[i].len);

      if (c >= 0 && cols[c] < 0)
        cols[c] = i;
    }
  {
    static const int required[] = { COL_TYPE, COL_SRC, COL_DST, COL_START, COL_STOP };
    static const char *required_names[] = {
      "Event Type", "Source", "Destination", "Start Time (UTC)", "Stop Time (UTC)"
    };

    for (guint i = 0; i < G_N_ELEMENTS (required); i++)
      if (cols[required[i]] < 0)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN,
                       _("%s:%u: the ground truth has no “%s” column"),
                       name, line - lines, required_names[i]);
          return NULL;
        }
  }

  while (pos < len)
    {
      TaGtEvent ev = { 0 };
      const char *problem = NULL;
      guint row_line = line;

      n = read_record (data, len, &pos, scratch, fields, &lines);
      line += lines;
      if (is_blank (scratch->str, scratch->len))
        {
          /* the trailing newline of the file is not a row */
          if (n > 1 || pos < len || scratch->len > 0)
            self->n_blank++;
          continue;
        }
      if (!parse_event (self, scratch->str, fields, MIN (n, MAX_FIELDS), cols, &ev, &problem))
        {
          add_problem (self, row_line, problem);
          continue;
        }
      ev.line = row_line;
      g_array_append_val (self->events, ev);
      self->min_start = MIN (self->min_start, ev.start_min);
      self->max_stop = MAX (self->max_stop, ev.stop_min);
    }

  build_address_index (self);
  return g_steal_pointer (&self);
}

TaGroundTruth *
ta_ground_truth_load (const char    *path,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(TaInput) input = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  input = ta_input_open (path, error);
  if (input == NULL)
    return NULL;
  for (;;)
    {
      gsize avail;
      const guint8 *buf = ta_input_peek (input, 1 << 16, &avail, error);

      if (buf == NULL)
        return NULL;
      if (avail == 0)
        break;
      if (bytes->len + avail > MAX_FILE_SIZE)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: larger than %u MiB: not a ground-truth list"),
                       path, MAX_FILE_SIZE >> 20);
          return NULL;
        }
      g_byte_array_append (bytes, buf, avail);
      ta_input_consume (input, avail);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  return ta_ground_truth_new_from_data ((const char *) bytes->data, bytes->len, path, error);
}

TaGroundTruth *
ta_ground_truth_ref (TaGroundTruth *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ta_ground_truth_unref (TaGroundTruth *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->path);
  g_array_unref (self->events);
  g_array_unref (self->ports);
  g_ptr_array_unref (self->labels);
  g_hash_table_unref (self->label_index);
  g_ptr_array_unref (self->addrs);
  g_hash_table_unref (self->addr_index);
  g_string_chunk_free (self->strings);
  g_array_unref (self->by_addr);
  g_free (self->by_addr_at);
  g_ptr_array_unref (self->problems);
  g_free (self);
}

const char *
ta_ground_truth_get_path (TaGroundTruth *self)
{
  return self->path;
}

guint
ta_ground_truth_get_n_events (TaGroundTruth *self)
{
  return self->events->len;
}

const TaGtEvent *
ta_ground_truth_get_event (TaGroundTruth *self,
                           guint          index)
{
  g_return_val_if_fail (index < self->events->len, NULL);
  return &g_array_index (self->events, TaGtEvent, index);
}

guint64
ta_ground_truth_get_n_blank (TaGroundTruth *self)
{
  return self->n_blank;
}

guint64
ta_ground_truth_get_n_bad (TaGroundTruth *self)
{
  return self->n_bad;
}

const GPtrArray *
ta_ground_truth_get_problems (TaGroundTruth *self)
{
  return self->problems;
}

gboolean
ta_ground_truth_get_time_range (TaGroundTruth *self,
                                gint64        *start_min,
                                gint64        *stop_min)
{
  if (self->events->len == 0)
    return FALSE;
  if (start_min)
    *start_min = self->min_start;
  if (stop_min)
    *stop_min = self->max_stop;
  return TRUE;
}

guint
ta_ground_truth_get_n_labels (TaGroundTruth *self)
{
  return self->labels->len;
}

const char *
ta_ground_truth_get_label (TaGroundTruth *self,
                           guint          label)
{
  g_return_val_if_fail (label < self->labels->len, NULL);
  return self->labels->pdata[label];
}

guint
ta_ground_truth_get_n_addresses (TaGroundTruth *self)
{
  return self->addrs->len;
}

const char *
ta_ground_truth_get_address (TaGroundTruth *self,
                             guint          addr)
{
  g_return_val_if_fail (addr < self->addrs->len, NULL);
  return self->addrs->pdata[addr];
}

guint32
ta_ground_truth_lookup_address (TaGroundTruth *self,
                                const char    *text)
{
  char buf[64];
  gpointer found;

  if (normalise_address (text, strlen (text), buf))
    text = buf;
  found = g_hash_table_lookup (self->addr_index, text);
  return found ? GPOINTER_TO_UINT (found) - 1 : TA_GT_ANY_ADDR;
}

const char *
ta_ground_truth_event_label (TaGroundTruth   *self,
                             const TaGtEvent *event)
{
  return self->labels->pdata[event->label];
}

const char *
ta_ground_truth_event_src (TaGroundTruth   *self,
                           const TaGtEvent *event)
{
  return event->src == TA_GT_ANY_ADDR ? NULL : self->addrs->pdata[event->src];
}

const char *
ta_ground_truth_event_dst (TaGroundTruth   *self,
                           const TaGtEvent *event)
{
  return event->dst == TA_GT_ANY_ADDR ? NULL : self->addrs->pdata[event->dst];
}

guint16
ta_ground_truth_event_src_port (TaGroundTruth   *self,
                                const TaGtEvent *event)
{
  return event->n_sports ? g_array_index (self->ports, TaPortRange, event->sports).lo : 0;
}

guint16
ta_ground_truth_event_dst_port (TaGroundTruth   *self,
                                const TaGtEvent *event)
{
  return event->n_dports ? g_array_index (self->ports, TaPortRange, event->dports).lo : 0;
}

char *
ta_ground_truth_event_format_ports (TaGroundTruth   *self,
                                    const TaGtEvent *event,
                                    gboolean         destination)
{
  guint first = destination ? event->dports : event->sports;
  guint n = destination ? event->n_dports : event->n_sports;
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const TaPortRange *r = &g_array_index (self->ports, TaPortRange, first + i);

      if (i > 0)
        g_string_append_c (s, ' ');
      if (r->lo == r->hi)
        g_string_append_printf (s, "%u", r->lo);
      else
        g_string_append_printf (s, "%u:%u", r->lo, r->hi);
    }
  return g_string_free (s, FALSE);
}

gboolean
ta_ground_truth_event_port_matches (TaGroundTruth   *self,
                                    const TaGtEvent *event,
                                    gboolean         destination,
                                    guint16          port)
{
  guint first = destination ? event->dports : event->sports;
  guint n = destination ? event->n_dports : event->n_sports;
  const TaPortRange *r = (const TaPortRange *) (gpointer) self->ports->data + first;

  if (n == 0)
    return TRUE;
  for (guint i = 0; i < n; i++)
    if (port >= r[i].lo && port <= r[i].hi)
      return TRUE;
  return FALSE;
}

const guint32 *
ta_ground_truth_events_for_address (TaGroundTruth *self,
                                    const char    *addr,
                                    guint         *n_events)
{
  guint32 a = ta_ground_truth_lookup_address (self, addr);

  *n_events = 0;
  if (a == TA_GT_ANY_ADDR)
    return NULL;
  *n_events = self->by_addr_at[a + 1] - self->by_addr_at[a];
  if (*n_events == 0)
    return NULL;
  return &g_array_index (self->by_addr, guint32, self->by_addr_at[a]);
}
