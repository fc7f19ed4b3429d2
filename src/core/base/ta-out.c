/* ta-out.c — one buffered output file: plain or gzip, atomic replace
 *
 * The data goes to a hidden temporary sibling (".NAME.XXXXXX" in the same
 * folder, so the rename cannot cross file systems), created with the mode
 * a plain create would give; commit flushes, syncs and renames it over the
 * target. The first write error is kept and later data dropped, so a hot
 * loop needs no check per row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ta-error.h"
#include "ta-out.h"

#define DEFAULT_BUFFER (1 << 20)
#define GZIP_BUFFER (256 * 1024)

typedef struct
{
  TaOut       pub;
  char       *path;
  char       *tmp_path;    /* NULL with TA_OUT_IN_PLACE */
  int         fd;          /* -1 once closed */
  gzFile      gz;          /* writes to a duplicate of fd */
  gboolean    created;
  GError     *error;
} TaOutReal;

#define REAL(o) ((TaOutReal *) (o))

const char ta_out_digit_pairs[201] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

static void
set_errno_error (TaOutReal  *self,
                 const char *format,
                 int         saved)
{
  if (self->error == NULL)
    self->error = g_error_new (TA_ERROR, TA_ERROR_IO, format, self->path, g_strerror (saved));
  self->pub.failed = TRUE;
}

static gboolean
open_file (TaOutReal  *self,
           TaOutFlags  flags,
           GError    **error)
{
  if (flags & TA_OUT_IN_PLACE)
    self->fd = g_open (self->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  else
    {
      g_autofree char *dir = g_path_get_dirname (self->path);
      g_autofree char *base = g_path_get_basename (self->path);
      g_autofree char *tmpl = g_strdup_printf (".%s.XXXXXX", base);

      self->tmp_path = g_build_filename (dir, tmpl, NULL);
      /* the mode is masked by the umask, as a plain create's would be */
      self->fd = g_mkstemp_full (self->tmp_path, O_WRONLY | O_CLOEXEC, 0666);
      if (self->fd < 0)
        g_clear_pointer (&self->tmp_path, g_free);
    }
  if (self->fd < 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create “%s”: %s"),
                   self->path, g_strerror (saved));
      return FALSE;
    }
  self->created = TRUE;
  return TRUE;
}

static gboolean
open_gzip (TaOutReal  *self,
           gboolean    fast,
           GError    **error)
{
  int dup_fd = dup (self->fd);

  if (dup_fd >= 0)
    self->gz = gzdopen (dup_fd, fast ? "wb1" : "wb6");
  if (self->gz == NULL)
    {
      if (dup_fd >= 0)
        close (dup_fd);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot start the gzip writer for “%s”"),
                   self->path);
      return FALSE;
    }
  gzbuffer (self->gz, GZIP_BUFFER);
  return TRUE;
}

TaOut *
ta_out_open (const char  *path,
             TaOutFlags   flags,
             gsize        buffer_size,
             GError     **error)
{
  TaOutReal *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (TaOutReal, 1);
  self->fd = -1;
  self->path = g_strdup (path);
  if ((flags & TA_OUT_GZIP_BY_NAME) && g_str_has_suffix (path, ".gz"))
    flags |= TA_OUT_GZIP;
  if (!open_file (self, flags, error)
      || ((flags & TA_OUT_GZIP) && !open_gzip (self, (flags & TA_OUT_GZIP_FAST) != 0, error)))
    {
      ta_out_abandon (&self->pub);
      return NULL;
    }
  self->pub.cap = buffer_size ? buffer_size : DEFAULT_BUFFER;
  self->pub.buf = g_malloc (self->pub.cap);
  return &self->pub;
}

static void
write_plain (TaOutReal *self)
{
  gsize done = 0;

  while (done < self->pub.len)
    {
      gssize n = write (self->fd, self->pub.buf + done, self->pub.len - done);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          set_errno_error (self, _("Cannot write “%s”: %s"), saved);
          return;
        }
      done += n;
    }
}

static void
write_gzip (TaOutReal *self)
{
  const char *buf = self->pub.buf;
  gsize left = self->pub.len;

  while (left > 0)
    {
      unsigned piece = (unsigned) MIN (left, (gsize) G_MAXINT / 2);
      int errnum = Z_OK;

      if (gzwrite (self->gz, buf, piece) != (int) piece)
        {
          gzerror (self->gz, &errnum);
          set_errno_error (self, _("Cannot write “%s”: %s"),
                           errnum == Z_ERRNO && errno ? errno : EIO);
          return;
        }
      buf += piece;
      left -= piece;
    }
}

gboolean
ta_out_flush (TaOut *out)
{
  TaOutReal *self = REAL (out);

  if (self->error == NULL && self->fd >= 0 && out->len > 0)
    {
      if (self->gz != NULL)
        write_gzip (self);
      else
        write_plain (self);
    }
  out->len = 0;
  return self->error == NULL;
}

char *
ta_out_reserve_slow (TaOut *out,
                     gsize  n)
{
  ta_out_flush (out);
  if (n > out->cap)
    {
      out->cap = n * 2;
      out->buf = g_realloc (out->buf, out->cap);
    }
  return out->buf + out->len;
}

void
ta_out_write (TaOut      *out,
              const void *data,
              gsize       len)
{
  char *p = ta_out_reserve (out, len);

  memcpy (p, data, len);
  ta_out_commit (out, p + len);
}

void
ta_out_puts (TaOut      *out,
             const char *s)
{
  ta_out_write (out, s, strlen (s));
}

void
ta_out_printf (TaOut      *out,
               const char *format,
               ...)
{
  gsize room = 256;

  for (;;)
    {
      char *p = ta_out_reserve (out, room);
      va_list args;
      int n;

      va_start (args, format);
      n = g_vsnprintf (p, out->cap - out->len, format, args);
      va_end (args);
      if (n < 0)
        return;
      if ((gsize) n < out->cap - out->len)
        {
          ta_out_commit (out, p + n);
          return;
        }
      room = (gsize) n + 1;
    }
}

const GError *
ta_out_get_error (TaOut *out)
{
  return REAL (out)->error;
}

const char *
ta_out_get_path (TaOut *out)
{
  return REAL (out)->path;
}

/* Closes the file, keeping the first error. */
static void
close_file (TaOutReal *self,
            gboolean   sync)
{
  if (self->gz != NULL)
    {
      int zr = gzclose (self->gz);

      self->gz = NULL;
      if (zr != Z_OK)
        set_errno_error (self, _("Cannot write “%s”: %s"), zr == Z_ERRNO && errno ? errno : EIO);
    }
  if (self->fd < 0)
    return;
  if (sync && self->error == NULL && fsync (self->fd) != 0 && errno != EINVAL)
    set_errno_error (self, _("Cannot write “%s”: %s"), errno);
  if (close (self->fd) != 0)
    set_errno_error (self, _("Cannot write “%s”: %s"), errno);
  self->fd = -1;
}

static void
free_out (TaOutReal *self)
{
  g_clear_error (&self->error);
  g_free (self->pub.buf);
  g_free (self->path);
  g_free (self->tmp_path);
  g_free (self);
}

gboolean
ta_out_commit_file (TaOut   *out,
                    GError **error)
{
  TaOutReal *self = REAL (out);

  g_return_val_if_fail (out != NULL, FALSE);

  ta_out_flush (out);
  close_file (self, self->tmp_path != NULL);
  if (self->error == NULL && self->tmp_path != NULL
      && g_rename (self->tmp_path, self->path) != 0)
    set_errno_error (self, _("Cannot replace “%s”: %s"), errno);
  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      if (self->tmp_path != NULL)
        g_unlink (self->tmp_path);
      free_out (self);
      return FALSE;
    }
  free_out (self);
  return TRUE;
}

void
ta_out_abandon (TaOut *out)
{
  TaOutReal *self = REAL (out);

  if (out == NULL)
    return;
  close_file (self, FALSE);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  else if (self->created)
    g_unlink (self->path);   /* in place */
  free_out (self);
}

gboolean
ta_out_write_file (const char  *path,
                   const void  *data,
                   gsize        len,
                   GError     **error)
{
  TaOut *out = ta_out_open (path, TA_OUT_NONE, MAX (len, 16), error);

  if (out == NULL)
    return FALSE;
  ta_out_write (out, data, len);
  return ta_out_commit_file (out, error);
}

char *
ta_put_double6 (char   *p,
                double  v)
{
  guint64 scaled, whole;
  guint32 frac;
  int digits = 6;

  if (!isfinite (v) || fabs (v) >= 1e9)   /* v·1e6 stays below 2^53 */
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return ta_put_str (p, g_ascii_formatd (buf, sizeof buf, "%.10g", v));
    }
  scaled = (guint64) llround (fabs (v) * 1e6);
  if (v < 0 && scaled != 0)
    *p++ = '-';
  whole = scaled / 1000000;
  frac = (guint32) (scaled % 1000000);
  p = ta_put_u64 (p, whole);
  if (frac == 0)
    return p;
  while (frac % 10 == 0)
    {
      frac /= 10;
      digits--;
    }
  *p++ = '.';
  for (int k = digits - 1; k >= 0; k--)
    {
      p[k] = (char) ('0' + frac % 10);
      frac /= 10;
    }
  return p + digits;
}
