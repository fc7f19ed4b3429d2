/* ta-out.h — one buffered output file: plain or gzip, written to a
 * temporary sibling that commit renames into place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef enum
{
  TA_OUT_NONE        = 0,
  TA_OUT_GZIP        = 1 << 0,  /* compress */
  TA_OUT_GZIP_BY_NAME = 1 << 1, /* compress when the name ends in ".gz" */
  TA_OUT_IN_PLACE    = 1 << 2,  /* write the file itself (for files inside a
                                 * folder that is moved into place as a whole):
                                 * no temporary sibling, no rename */
  TA_OUT_GZIP_FAST   = 1 << 3,  /* with gzip: level 1 instead of 6 (about
                                 * three times faster, files a third larger) */
} TaOutFlags;

/* The fields are public for the inline helpers below; read failed, write
 * nothing but through ta_out_reserve()/ta_out_commit(). */
typedef struct _TaOut
{
  char  *buf;
  gsize  len;
  gsize  cap;
  gboolean failed;   /* a write failed: what follows is dropped */
} TaOut;

/* Creates the output (its temporary sibling unless TA_OUT_IN_PLACE) with a
 * buffer of @buffer_size bytes (0: 1 MiB). NULL and @error naming @path
 * when it cannot be created. */
TaOut      *ta_out_open            (const char  *path,
                                    TaOutFlags   flags,
                                    gsize        buffer_size,
                                    GError     **error);

/* Makes room for @n bytes and returns where to write them (slow path of
 * ta_out_reserve). */
char       *ta_out_reserve_slow    (TaOut       *out,
                                    gsize        n);

/* Room for @n bytes at the returned pointer; hand the end of what was
 * written to ta_out_commit(). After a write error the data is dropped
 * (the error is kept for ta_out_commit_file()). */
static inline char *
ta_out_reserve (TaOut *out,
                gsize  n)
{
  if (G_UNLIKELY (out->len + n > out->cap))
    return ta_out_reserve_slow (out, n);
  return out->buf + out->len;
}

static inline void
ta_out_commit (TaOut *out,
               char  *end)
{
  out->len = (gsize) (end - out->buf);
}

void        ta_out_write           (TaOut       *out,
                                    const void  *data,
                                    gsize        len);
void        ta_out_puts            (TaOut       *out,
                                    const char  *s);
void        ta_out_printf          (TaOut       *out,
                                    const char  *format,
                                    ...) G_GNUC_PRINTF (2, 3);

/* Writes the buffer out now. FALSE after any write error. */
gboolean    ta_out_flush           (TaOut       *out);

/* The first write error, or NULL. */
const GError *ta_out_get_error     (TaOut       *out);
const char *ta_out_get_path        (TaOut       *out);

/* Flushes, closes and renames the temporary file to the path given to
 * ta_out_open(), replacing what was there; frees @out. On any error the
 * temporary file is removed, the target is left as it was and @error names
 * the path (a TA_OUT_IN_PLACE file is left to its folder's owner). */
gboolean    ta_out_commit_file     (TaOut       *out,
                                    GError     **error);

/* Closes and removes what was written (the temporary sibling, or the file
 * itself with TA_OUT_IN_PLACE); frees @out. NULL is ignored. */
void        ta_out_abandon         (TaOut       *out);

/* Writes @len bytes of @data to @path through a TaOut (atomic replace). */
gboolean    ta_out_write_file      (const char  *path,
                                    const void  *data,
                                    gsize        len,
                                    GError     **error);

/* Formatting straight into reserved room: each writes at @p and returns
 * the end. Decimal digits go two at a time, in 32-bit arithmetic. */
extern const char ta_out_digit_pairs[201];

static inline int
ta_count_digits32 (guint32 v)
{
  if (v < 10000)
    return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : 4;
  if (v < 100000000)
    return v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : 8;
  return v < 1000000000 ? 9 : 10;
}

static inline char *
ta_put_u32 (char    *p,
            guint32  v)
{
  char *end = p + ta_count_digits32 (v);
  char *q = end;

  while (v >= 100)
    {
      guint i = (v % 100) * 2;

      v /= 100;
      q -= 2;
      q[0] = ta_out_digit_pairs[i];
      q[1] = ta_out_digit_pairs[i + 1];
    }
  if (v >= 10)
    {
      q -= 2;
      q[0] = ta_out_digit_pairs[v * 2];
      q[1] = ta_out_digit_pairs[v * 2 + 1];
    }
  else
    *--q = (char) ('0' + v);
  return end;
}

/* exactly eight digits, zero-padded; v < 10^8 */
static inline char *
ta_put_u32_8 (char    *p,
              guint32  v)
{
  for (int k = 6; k >= 0; k -= 2)
    {
      guint i = (v % 100) * 2;

      v /= 100;
      p[k] = ta_out_digit_pairs[i];
      p[k + 1] = ta_out_digit_pairs[i + 1];
    }
  return p + 8;
}

static inline char *
ta_put_u64 (char    *p,
            guint64  v)
{
  if (v <= G_MAXUINT32)
    return ta_put_u32 (p, (guint32) v);
  p = ta_put_u64 (p, v / 100000000);
  return ta_put_u32_8 (p, (guint32) (v % 100000000));
}

static inline char *
ta_put_i64 (char   *p,
            gint64  v)
{
  if (v < 0)
    {
      *p++ = '-';
      return ta_put_u64 (p, (guint64) 0 - (guint64) v);
    }
  return ta_put_u64 (p, (guint64) v);
}

static inline char *
ta_put_mem (char       *p,
            const char *s,
            gsize       n)
{
  memcpy (p, s, n);
  return p + n;
}

#define TA_PUT_LIT(p, lit) ta_put_mem ((p), (lit), sizeof (lit) - 1)

static inline char *
ta_put_str (char       *p,
            const char *s)
{
  return ta_put_mem (p, s, strlen (s));
}

/* µs as seconds with six decimals ("1793610000.000250", "-0.500000") */
static inline char *
ta_put_us_as_s (char   *p,
                gint64  us)
{
  guint64 a = us < 0 ? (guint64) 0 - (guint64) us : (guint64) us;
  guint32 f = (guint32) (a % 1000000);

  if (us < 0)
    *p++ = '-';
  p = ta_put_u64 (p, a / 1000000);
  *p++ = '.';
  for (int k = 4; k >= 0; k -= 2)
    {
      guint i = (f % 100) * 2;

      f /= 100;
      p[k] = ta_out_digit_pairs[i];
      p[k + 1] = ta_out_digit_pairs[i + 1];
    }
  return p + 6;
}

/* @v rounded to six decimals, trailing zeros dropped ("-1.25", "3",
 * "0.000001"); outside ±1e9, or not finite, through g_ascii_formatd
 * "%.10g" ("1e+15", "nan"). At most 32 bytes. */
char       *ta_put_double6         (char        *p,
                                    double       v);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaOut, ta_out_abandon)

G_END_DECLS
