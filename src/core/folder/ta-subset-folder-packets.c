/* ta-subset-folder-packets.c — packets.csv into per-field arrays: two
 * workers read one half of the file each with pread(), parse every line
 * by hand with no allocation per row, and the halves are joined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-packet.h"
#include "ta-subset-folder-private.h"

enum
{
  COL_TIMESTAMP,
  COL_SRC_IP,
  COL_DST_IP,
  COL_SRC_PORT,
  COL_DST_PORT,
  COL_FLAGS,
  COL_SEQ,
  COL_ACK,
  COL_LENGTH,
  COL_PROTOCOL,
  N_COLS
};

static const char *col_names[N_COLS] = {
  "timestamp", "src_ip", "dst_ip", "src_port", "dst_port", "flags",
  "seq_num", "ack_num", "length", "protocol",
};

#define MAX_FIELDS 64

static void
packet_columns_resize (TaPacketColumns *p,
                       guint            cap)
{
  p->ts = g_renew (gint64, p->ts, cap);
  p->src = g_renew (guint32, p->src, cap);
  p->dst = g_renew (guint32, p->dst, cap);
  p->sport = g_renew (guint16, p->sport, cap);
  p->dport = g_renew (guint16, p->dport, cap);
  p->seq = g_renew (guint32, p->seq, cap);
  p->ack = g_renew (guint32, p->ack, cap);
  p->length = g_renew (guint32, p->length, cap);
  p->flags = g_renew (guint8, p->flags, cap);
  p->proto = g_renew (guint8, p->proto, cap);
  p->fclass = g_renew (guint8, p->fclass, cap);
}

/* Unsigned decimal, optionally with a fraction (dropped) — "66.0" — or an
 * exponent ("1.2e3"). Empty gives 0. */
static inline gboolean
parse_number (const char *s,
              const char *end,
              guint64     max,
              guint64    *out)
{
  guint64 v = 0;
  const char *p = s;

  while (p < end && *p == ' ')
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '"'))
    end--;
  if (p < end && *p == '"')
    p++;
  if (p == end)
    {
      *out = 0;
      return TRUE;
    }
  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      v = v * 10 + (guint) (*p - '0');
      if (v > max)
        return FALSE;
    }
  if (p < end && *p == '.')
    {
      const char *q = p + 1;

      while (q < end && *q >= '0' && *q <= '9')
        q++;
      if (q == end)
        {
          *out = v;
          return p > s || q > p + 1;
        }
    }
  if (p == end)
    {
      *out = v;
      return TRUE;
    }
  /* rare forms: exponents */
  {
    char buf[64];
    char *tail;
    double d;
    gsize len = end - s;

    if (len >= sizeof buf)
      return FALSE;
    memcpy (buf, s, len);
    buf[len] = 0;
    d = g_ascii_strtod (buf, &tail);
    if (*tail != '\0' || !isfinite (d) || d < 0 || d > (double) max)
      return FALSE;
    *out = (guint64) d;
    return TRUE;
  }
}

static gint
compare_by_ts (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const gint64 *ts = data;
  gint64 ta = ts[*(const guint32 *) a], tb = ts[*(const guint32 *) b];

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return *(const guint32 *) a < *(const guint32 *) b ? -1 : 1;
}

#define PERMUTE(type, field) \
  G_STMT_START { \
    type *tmp = g_new (type, MAX (p->n, 1)); \
    for (guint i = 0; i < p->n; i++) \
      tmp[i] = p->field[order[i]]; \
    g_free (p->field); \
    p->field = tmp; \
  } G_STMT_END

static void
sort_packets (TaPacketColumns *p)
{
  g_autofree guint32 *order = g_new (guint32, MAX (p->n, 1));

  for (guint i = 0; i < p->n; i++)
    order[i] = i;
  g_qsort_with_data (order, p->n, sizeof (guint32), compare_by_ts, p->ts);
  PERMUTE (gint64, ts);
  PERMUTE (guint32, src);
  PERMUTE (guint32, dst);
  PERMUTE (guint16, sport);
  PERMUTE (guint16, dport);
  PERMUTE (guint32, seq);
  PERMUTE (guint32, ack);
  PERMUTE (guint32, length);
  PERMUTE (guint8, flags);
  PERMUTE (guint8, proto);
  PERMUTE (guint8, fclass);
}

static gboolean
packets_sorted (const TaPacketColumns *p)
{
  for (guint i = 1; i < p->n; i++)
    if (p->ts[i] < p->ts[i - 1])
      return FALSE;
  return TRUE;
}

/* packets.csv is read with pread() in blocks by two workers, each over
 * one half of the file (split at a line start), each with its own address
 * table; the halves are joined and the second half's addresses remapped.
 * Reading beats mapping here: page faults on a mapped file cost more than
 * the copies. */

#define READ_BLOCK (4 * 1024 * 1024)
#define V4_CACHE   4096

typedef struct
{
  guint32 key;   /* IPv4 + 1, 0 = empty */
  guint32 idx;
} V4Slot;

typedef struct
{
  /* in */
  int              fd;
  const char      *rel;
  goffset          start;        /* a line start */
  goffset          end;          /* lines starting before this */
  goffset          file_size;
  const int       *col_of;
  guint            n_fields;
  guint            cap_hint;
  GCancellable    *cancellable;
  TaLoadContext   *ctx;          /* progress, or NULL */
  /* out */
  TaAddrTable     *addrs;
  TaPacketColumns  cols;
  guint            cap;
  gboolean         sorted;
  goffset          error_offset; /* -1 = none */
  char            *error_message;
  gboolean         cancelled;
  gboolean         io_error;
} RangeJob;

static inline guint32
intern_addr (RangeJob   *job,
             V4Slot     *cache,
             const char *text,
             gsize       len)
{
  guint32 v4;

  if (ta_parse_ipv4 (text, len, &v4))
    {
      guint h = (v4 * 2654435761u) >> 20;

      if (cache[h].key == v4 + 1)
        return cache[h].idx;
      cache[h].key = v4 + 1;
      cache[h].idx = ta_addr_table_intern_ipv4 (job->addrs, v4);
      return cache[h].idx;
    }
  if (len >= 2 && text[0] == '"' && text[len - 1] == '"')
    {
      /* a quoted name (our writer quotes names with commas or quotes):
       * without its quotes, "" read as one quote */
      g_autofree char *name = g_malloc (len);
      gsize n = 0;

      for (gsize i = 1; i + 1 < len; i++)
        {
          name[n++] = text[i];
          if (text[i] == '"' && i + 2 < len && text[i + 1] == '"')
            i++;
        }
      return ta_addr_table_intern_text (job->addrs, name, n);
    }
  return ta_addr_table_intern_text (job->addrs, text, len);
}

static gboolean
range_fail (RangeJob   *job,
            goffset     offset,
            const char *format,
            ...) G_GNUC_PRINTF (3, 4);

static gboolean
range_fail (RangeJob   *job,
            goffset     offset,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  job->error_message = g_strdup_vprintf (format, args);
  va_end (args);
  job->error_offset = offset;
  return FALSE;
}

static gboolean
parse_line (RangeJob   *job,
            V4Slot     *cache,
            const char *line,
            const char *eol,
            goffset     line_off)
{
  static const guint64 max[N_COLS] = {
    MAX_TIME_US, 0, 0, 65535, 65535, 255, G_MAXUINT32, G_MAXUINT32, G_MAXUINT32, 255,
  };
  const char *fs[MAX_FIELDS], *fe[MAX_FIELDS];
  TaPacketColumns *p = &job->cols;
  const int *col_of = job->col_of;
  guint nf = 0, n = p->n;
  guint64 v[N_COLS];
  const char *c;

  if (eol > line && eol[-1] == '\r')
    eol--;
  if (eol == line)
    return TRUE;

  /* fields split at commas; a field that starts with a quote runs to its
   * closing quote ("" inside is a quote), as RFC 4180 and our writer have it */
  fs[0] = line;
  c = line;
  while (nf < job->n_fields)
    {
      if (G_UNLIKELY (c < eol && *c == '"'))
        for (c++; c < eol; c++)
          if (*c == '"')
            {
              if (c + 1 < eol && c[1] == '"')
                c++;
              else
                {
                  c++;
                  break;
                }
            }
      while (c < eol && *c != ',')
        c++;
      fe[nf++] = c;
      if (c == eol)
        break;
      fs[nf] = ++c;
    }
  if (nf < job->n_fields)
    return range_fail (job, line_off, _("%u fields, the header has %u"), nf, job->n_fields);

  for (guint k = 0; k < N_COLS; k++)
    {
      int ci = col_of[k];

      v[k] = 0;
      if (ci < 0 || k == COL_SRC_IP || k == COL_DST_IP)
        continue;
      if (!parse_number (fs[ci], fe[ci], max[k], &v[k])
          || (k == COL_TIMESTAMP && fs[ci] == fe[ci]))
        return range_fail (job, line_off, _("%s “%.*s” is not a valid value"), col_names[k],
                           (int) MIN (fe[ci] - fs[ci], 40), fs[ci]);
    }

  if (n == job->cap)
    {
      if (job->cap >= G_MAXUINT32 / 4)
        return range_fail (job, line_off, _("too many packets"));
      job->cap = job->cap + job->cap / 2 + 1024;
      packet_columns_resize (p, job->cap);
    }

  {
    const char *sa = fs[col_of[COL_SRC_IP]], *da = fs[col_of[COL_DST_IP]];
    gsize sl = fe[col_of[COL_SRC_IP]] - sa, dl = fe[col_of[COL_DST_IP]] - da;

    if (sl == 0 || dl == 0)
      return range_fail (job, line_off, _("empty address"));
    p->src[n] = intern_addr (job, cache, sa, sl);
    p->dst[n] = intern_addr (job, cache, da, dl);
  }
  p->ts[n] = v[COL_TIMESTAMP];
  p->sport[n] = v[COL_SRC_PORT];
  p->dport[n] = v[COL_DST_PORT];
  p->flags[n] = v[COL_FLAGS];
  p->seq[n] = v[COL_SEQ];
  p->ack[n] = v[COL_ACK];
  p->length[n] = v[COL_LENGTH];
  p->proto[n] = v[COL_PROTOCOL];
  p->fclass[n] = ta_flag_class_from_flags (v[COL_FLAGS], v[COL_PROTOCOL]);
  if (n > 0 && p->ts[n] < p->ts[n - 1])
    job->sorted = FALSE;
  p->n = n + 1;
  return TRUE;
}

static gpointer
range_job_run (gpointer data)
{
  RangeJob *job = data;
  g_autofree char *buf = g_malloc (READ_BLOCK);
  g_autofree V4Slot *cache = g_new0 (V4Slot, V4_CACHE);
  goffset read_off = job->start, buf_off = job->start;
  gsize have = 0;
  gboolean eof = FALSE;
  guint next_check = 0;

  job->sorted = TRUE;
  job->error_offset = -1;
  job->addrs = ta_addr_table_new ();
  job->cap = MAX (job->cap_hint, 1024);
  packet_columns_resize (&job->cols, job->cap);

  while (!eof || have > 0)
    {
      const char *p, *lim;

      if (!eof && have < READ_BLOCK)
        {
          gssize r = pread (job->fd, buf + have, READ_BLOCK - have, read_off);

          if (r < 0)
            {
              job->io_error = TRUE;
              return range_fail (job, read_off, "%s", g_strerror (errno)), NULL;
            }
          read_off += r;
          have += r;
          if (r == 0)
            eof = TRUE;
        }

      p = buf;
      lim = buf + have;
      while (p < lim)
        {
          goffset line_off = buf_off + (p - buf);
          const char *eol;

          if (line_off >= job->end)
            {
              eof = TRUE;
              have = 0;
              goto done;
            }
          eol = memchr (p, '\n', lim - p);
          if (eol == NULL)
            {
              if (!eof)
                break;
              eol = lim;
            }
          if (!parse_line (job, cache, p, eol, line_off))
            return NULL;
          p = eol < lim ? eol + 1 : lim;
        }
      {
        gsize consumed = p - buf;

        if (consumed == 0 && have == READ_BLOCK)
          return range_fail (job, buf_off, _("line too long")), NULL;
        memmove (buf, p, have - consumed);
        have -= consumed;
        buf_off += consumed;
      }
      if (eof && have == 0)
        break;

      if (job->cols.n >= next_check)
        {
          next_check = job->cols.n + 200000;
          if (g_cancellable_is_cancelled (job->cancellable))
            {
              job->cancelled = TRUE;
              return NULL;
            }
          if (job->ctx != NULL)
            ta_load_context_report (job->ctx, 0.05 + 0.85 * (double) (buf_off - job->start)
                                     / MAX (job->end - job->start, 1),
                                    _("Reading packets…"));
        }
    }
done:
  return NULL;
}

static guint64
line_number_at (int     fd,
                goffset offset)
{
  char buf[65536];
  guint64 line = 1;
  goffset off = 0;

  while (off < offset)
    {
      gssize r = pread (fd, buf, MIN ((goffset) sizeof buf, offset - off), off);

      if (r <= 0)
        break;
      for (gssize i = 0; i < r; i++)
        line += buf[i] == '\n';
      off += r;
    }
  return line;
}

static void
range_job_clear (RangeJob *job)
{
  ta_packet_columns_clear (&job->cols);
  g_clear_pointer (&job->addrs, ta_addr_table_free);
  g_clear_pointer (&job->error_message, g_free);
}

/* Opens packets.csv; *size > 0 on success */
static int
open_packets (TaSubsetFolder  *self,
              const char      *rel,
              goffset         *size,
              GError         **error)
{
  g_autoptr(GFile) file = g_file_resolve_relative_path (self->file, rel);
  g_autofree char *path = g_file_get_path (file);
  guint64 file_size;
  int fd;

  if (path == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: not a local file"), rel);
      return -1;
    }
  /* a regular file only: a FIFO or a device would block or never end */
  fd = ta_file_open_regular (path, rel, &file_size, error);
  if (fd < 0)
    return -1;
  *size = file_size;
  if (*size == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the file is empty"), rel);
      close (fd);
      return -1;
    }
  return fd;
}

/* Maps the header's names to columns: col_of[COL_*] is a field index or
 * -1; *body is the offset of the first data line */
static gboolean
read_header (int          fd,
             const char  *rel,
             goffset      size,
             int          col_of[N_COLS],
             guint       *n_fields_out,
             goffset     *body,
             GError     **error)
{
  char header[8192];
  const char *eol, *f = header;
  guint n_fields = 0;
  gssize hl;

  hl = pread (fd, header, sizeof header - 1, 0);
  if (hl <= 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read"), rel);
      return FALSE;
    }
  header[hl] = 0;
  eol = memchr (header, '\n', hl);
  if (eol == NULL)
    {
      if (hl == (gssize) sizeof header - 1)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s line 1: the header is too long"), rel);
          return FALSE;
        }
      eol = header + hl;
    }
  for (guint i = 0; i < N_COLS; i++)
    col_of[i] = -1;
  while (f <= eol && n_fields < MAX_FIELDS)
    {
      const char *fe = memchr (f, ',', eol - f);
      const char *a = f, *b;

      if (fe == NULL)
        fe = eol;
      b = fe;
      while (a < b && (*a == ' ' || *a == '"' || (guchar) *a == 0xef || (guchar) *a == 0xbb
                       || (guchar) *a == 0xbf))
        a++;
      while (b > a && (b[-1] == '\r' || b[-1] == ' ' || b[-1] == '"'))
        b--;
      for (guint c = 0; c < N_COLS; c++)
        if ((gsize) (b - a) == strlen (col_names[c]) && memcmp (a, col_names[c], b - a) == 0
            && col_of[c] < 0)
          col_of[c] = n_fields;
      n_fields++;
      f = fe + 1;
    }
  for (guint c = 0; c <= COL_DST_IP; c++)
    if (col_of[c] < 0)
      {
        g_set_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN,
                     _("%s line 1: required column “%s” is missing"), rel, col_names[c]);
        return FALSE;
      }
  *n_fields_out = n_fields;
  *body = MIN ((goffset) (eol - header) + 1, size);
  return TRUE;
}

/* The first line start after the middle of the body, or @size when the
 * file is too small to be worth a second worker */
static goffset
split_point (int     fd,
             goffset body,
             goffset size)
{
  char probe[4096];
  goffset mid = body + (size - body) / 2;
  gssize r;
  const char *nl;

  if (size - body <= 1024 * 1024)
    return size;
  r = pread (fd, probe, sizeof probe, mid);
  nl = r > 0 ? memchr (probe, '\n', r) : NULL;
  return nl != NULL ? mid + (nl - probe) + 1 : size;
}

/* Runs the two workers over [body, split) and [split, size) */
static void
run_halves (TaLoadContext *ctx,
            RangeJob       jobs[2],
            int            fd,
            const char    *rel,
            const int     *col_of,
            guint          n_fields,
            goffset        body,
            goffset        size)
{
  goffset split = split_point (fd, body, size);
  GThread *thread = NULL;

  memset (jobs, 0, 2 * sizeof (RangeJob));
  for (guint k = 0; k < 2; k++)
    {
      RangeJob *j = &jobs[k];
      /* bounded by the bytes: a wrong manifest cannot make us over-allocate */
      guint64 hint = MIN ((guint64) ((k == 0 ? split - body : size - split) / 40 + 16),
                          ctx->self->manifest.total_packets / (split < size ? 2 : 1) + 1024);

      j->fd = fd;
      j->rel = rel;
      j->start = k == 0 ? body : split;
      j->end = k == 0 ? split : size;
      j->file_size = size;
      j->col_of = col_of;
      j->n_fields = n_fields;
      j->cap_hint = (guint) MIN (hint, G_MAXUINT32 / 8);
      j->cancellable = ctx->cancellable;
      j->ctx = k == 0 ? ctx : NULL;
    }
  if (split < size)
    thread = g_thread_new ("ta-packets", range_job_run, &jobs[1]);
  range_job_run (&jobs[0]);
  if (thread != NULL)
    g_thread_join (thread);
}

static gboolean
check_halves (RangeJob     jobs[2],
              int          fd,
              const char  *rel,
              GError     **error)
{
  for (guint k = 0; k < 2; k++)
    {
      if (jobs[k].cancelled)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
          return FALSE;
        }
      if (jobs[k].error_message != NULL)
        {
          if (jobs[k].io_error)
            g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"), rel,
                         jobs[k].error_message);
          else
            g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s line %llu: %s"), rel,
                         (unsigned long long) line_number_at (fd, jobs[k].error_offset),
                         jobs[k].error_message);
          return FALSE;
        }
    }
  return TRUE;
}

/* The first half's table becomes the folder's; the second half's
 * addresses are remapped into it */
static void
join_halves (TaSubsetFolder *self,
             RangeJob        jobs[2])
{
  TaPacketColumns *a = &jobs[0].cols, *b = &jobs[1].cols;
  guint n = a->n + b->n;
  guint nb = jobs[1].addrs ? ta_addr_table_get_size (jobs[1].addrs) : 0;
  g_autofree guint32 *remap = g_new (guint32, MAX (nb, 1));

  ta_addr_table_free (self->addrs);
  self->addrs = g_steal_pointer (&jobs[0].addrs);
  for (guint i = 0; i < nb; i++)
    {
      remap[i] = ta_addr_table_intern_text (self->addrs,
                                            ta_addr_table_get_name (jobs[1].addrs, i), -1);
    }
  packet_columns_resize (a, MAX (n, 1));
  if (b->n > 0)
    {
      memcpy (a->ts + a->n, b->ts, b->n * sizeof (gint64));
      for (guint i = 0; i < b->n; i++)
        {
          a->src[a->n + i] = remap[b->src[i]];
          a->dst[a->n + i] = remap[b->dst[i]];
        }
      memcpy (a->sport + a->n, b->sport, b->n * sizeof (guint16));
      memcpy (a->dport + a->n, b->dport, b->n * sizeof (guint16));
      memcpy (a->seq + a->n, b->seq, b->n * sizeof (guint32));
      memcpy (a->ack + a->n, b->ack, b->n * sizeof (guint32));
      memcpy (a->length + a->n, b->length, b->n * sizeof (guint32));
      memcpy (a->flags + a->n, b->flags, b->n);
      memcpy (a->proto + a->n, b->proto, b->n);
      memcpy (a->fclass + a->n, b->fclass, b->n);
    }
  a->n = n;
  self->packets = *a;
  self->packets_cap = MAX (n, 1);
  memset (a, 0, sizeof *a);
}

gboolean
ta_subset_folder_load_packets (TaLoadContext  *ctx,
                               const char     *rel,
                               GError        **error)
{
  TaSubsetFolder *self = ctx->self;
  int col_of[N_COLS];
  guint n_fields = 0;
  goffset size = 0, body;
  RangeJob jobs[2];
  gboolean ok;
  int fd;

  fd = open_packets (self, rel, &size, error);
  if (fd < 0)
    return FALSE;
  if (!read_header (fd, rel, size, col_of, &n_fields, &body, error))
    {
      close (fd);
      return FALSE;
    }

  run_halves (ctx, jobs, fd, rel, col_of, n_fields, body, size);
  ok = check_halves (jobs, fd, rel, error);
  if (ok)
    {
      join_halves (self, jobs);
      if (!packets_sorted (&self->packets))
        {
          ta_subset_folder_add_warning (self, _("%s is not in time order; packets were sorted"), rel);
          sort_packets (&self->packets);
        }
    }

  range_job_clear (&jobs[0]);
  range_job_clear (&jobs[1]);
  close (fd);
  return ok;
}
