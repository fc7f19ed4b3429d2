/* ta-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ta-error.h"
#include "ta-input.h"

#define RAW_SIZE   (256 * 1024)
#define MIN_WINDOW (1024 * 1024)

struct _TaInput
{
  char     *path;
  int       fd;
  guint64   file_size;
  guint64   file_pos;      /* raw bytes read from the fd */

  /* decompressed window: data[start..end) is unread */
  guint8   *data;
  gsize     cap;
  gsize     start;
  gsize     end;
  guint64   offset;        /* decompressed offset of data[start] */

  /* gzip */
  z_stream  zs;
  guint8   *raw;
  gsize     raw_len;       /* bytes of raw[] not yet given to zlib */
  guint     gzip : 1;
  guint     zs_init : 1;
  guint     member_done : 1;  /* last inflate() returned Z_STREAM_END */
  char     *truncation;       /* why the stream ended early, or NULL */
  guint     eof : 1;

  /* ta_input_new_from_data(): the raw bytes, borrowed (fd is -1) */
  const guint8 *mem;
  gsize     mem_len;
  gsize     mem_pos;
  gsize     raw_size;      /* RAW_SIZE, smaller for memory */
};

static gssize
read_fd (TaInput  *self,
         guint8   *buf,
         gsize     n,
         GError  **error)
{
  if (self->fd < 0)
    {
      gsize r = MIN (n, self->mem_len - self->mem_pos);

      memcpy (buf, self->mem + self->mem_pos, r);
      self->mem_pos += r;
      self->file_pos += r;
      return r;
    }
  for (;;)
    {
      gssize r = read (self->fd, buf, n);

      if (r >= 0)
        {
          self->file_pos += r;
          return r;
        }
      if (errno == EINTR)
        continue;
      g_set_error (error, TA_ERROR, TA_ERROR_IO,
                   _("%s: read error at byte %llu: %s"),
                   self->path, (unsigned long long) self->file_pos, g_strerror (errno));
      return -1;
    }
}

TaInput *
ta_input_open (const char  *path,
               GError     **error)
{
  g_autoptr(TaInput) self = NULL;
  struct stat st;
  guint8 magic[2];
  gssize r;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (TaInput, 1);
  self->path = g_strdup (path);
  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      int saved = errno;
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot open: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  if (fstat (self->fd, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: is a folder, not a file"), path);
          return NULL;
        }
      self->file_size = st.st_size;
    }

  self->cap = MIN_WINDOW;
  self->data = g_malloc (self->cap);
  self->raw_size = RAW_SIZE;

  /* sniff the gzip magic from the raw bytes; they stay as the first raw input */
  self->raw = g_malloc (RAW_SIZE);
  r = read_fd (self, self->raw, 2, error);
  if (r < 0)
    return NULL;
  if (r == 1)
    {
      gssize r2 = read_fd (self, self->raw + 1, 1, error);
      if (r2 < 0)
        return NULL;
      r += r2;
    }
  self->raw_len = r;
  memcpy (magic, self->raw, MIN (r, 2));
  if (r == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
    {
      self->gzip = TRUE;
      if (inflateInit2 (&self->zs, 15 + 32) != Z_OK)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot start gzip decoder"), path);
          return NULL;
        }
      self->zs_init = TRUE;
    }
  else
    {
      /* plain: the sniffed bytes are data */
      memcpy (self->data, self->raw, r);
      self->end = r;
      self->raw_len = 0;
      g_clear_pointer (&self->raw, g_free);
    }

  return g_steal_pointer (&self);
}

TaInput *
ta_input_new_from_data (const guint8 *data,
                        gsize         len,
                        const char   *name)
{
  TaInput *self = g_new0 (TaInput, 1);

  self->path = g_strdup (name);
  self->fd = -1;
  self->file_size = len;
  if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      /* small buffers: memory inputs are small (fuzzing, tests) */
      self->mem = data;
      self->mem_len = len;
      self->raw_size = 16 * 1024;
      self->cap = 64 * 1024;
      self->data = g_malloc (self->cap);
      self->raw = g_malloc (self->raw_size);
      self->gzip = TRUE;
      if (inflateInit2 (&self->zs, 15 + 32) == Z_OK)
        self->zs_init = TRUE;
      else
        self->eof = TRUE;
    }
  else
    {
      /* plain: the whole stream is the window */
      self->data = g_malloc (MAX (len, 1));
      memcpy (self->data, data, len);
      self->cap = MAX (len, 1);
      self->end = len;
      self->file_pos = len;
      self->eof = TRUE;
    }
  return self;
}

void
ta_input_free (TaInput *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->zs_init)
    inflateEnd (&self->zs);
  g_free (self->raw);
  g_free (self->data);
  g_free (self->path);
  g_free (self->truncation);
  g_free (self);
}

const char *
ta_input_get_truncation (TaInput *self)
{
  return self->truncation;
}

static void
make_room (TaInput *self,
           gsize    want)
{
  gsize have = self->end - self->start;

  if (self->start > 0 && (self->cap - self->end < self->raw_size || self->start >= self->cap / 2))
    {
      memmove (self->data, self->data + self->start, have);
      self->start = 0;
      self->end = have;
    }
  if (self->cap < want + self->raw_size)
    {
      while (self->cap < want + self->raw_size)
        self->cap *= 2;
      self->data = g_realloc (self->data, self->cap);
    }
}

/* Append more decompressed bytes; returns FALSE on error, sets eof at end */
static gboolean
fill (TaInput  *self,
      GError  **error)
{
  if (!self->gzip)
    {
      gssize r = read_fd (self, self->data + self->end, self->cap - self->end, error);

      if (r < 0)
        return FALSE;
      if (r == 0)
        self->eof = TRUE;
      self->end += r;
      return TRUE;
    }

  for (;;)
    {
      int zr;
      gsize produced;

      if (self->raw_len == 0)
        {
          gssize r = read_fd (self, self->raw, self->raw_size, error);

          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              /* a cut gzip stream (a copy or a capture that stopped): what
               * came before the cut is data; the readers report the cut */
              if (!self->member_done && self->truncation == NULL)
                self->truncation =
                  g_strdup_printf (_("%s: gzip stream is truncated at byte %llu"
                                     " (decompressed offset %llu); the data up to the cut is used"),
                                   self->path, (unsigned long long) self->file_pos,
                                   (unsigned long long) (self->offset + (self->end - self->start)));
              self->eof = TRUE;
              return TRUE;
            }
          self->raw_len = r;
          self->zs.next_in = self->raw;
          self->zs.avail_in = r;
        }
      else if (self->zs.next_in == NULL || self->zs.avail_in == 0)
        {
          self->zs.next_in = self->raw;
          self->zs.avail_in = self->raw_len;
        }

      if (self->member_done)
        {
          /* another gzip member follows (concatenated .gz files), or trailing zeros */
          gboolean all_zero = TRUE;

          for (guint i = 0; i < self->zs.avail_in; i++)
            if (self->zs.next_in[i] != 0)
              { all_zero = FALSE; break; }
          if (all_zero)
            {
              self->raw_len = 0;
              self->zs.avail_in = 0;
              continue;
            }
          inflateReset (&self->zs);
          self->member_done = FALSE;
        }

      self->zs.next_out = self->data + self->end;
      self->zs.avail_out = self->cap - self->end;
      zr = inflate (&self->zs, Z_NO_FLUSH);
      produced = (self->cap - self->end) - self->zs.avail_out;
      self->end += produced;
      self->raw_len = self->zs.avail_in;

      if (zr == Z_STREAM_END)
        self->member_done = TRUE;
      else if (zr != Z_OK && zr != Z_BUF_ERROR)
        {
          guint64 at = self->file_pos - self->zs.avail_in;

          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: corrupt gzip data near byte %llu: %s"),
                       self->path, (unsigned long long) at, self->zs.msg ? self->zs.msg : zError (zr));
          return FALSE;
        }

      if (produced > 0)
        return TRUE;
    }
}

const guint8 *
ta_input_peek (TaInput  *self,
               gsize     want,
               gsize    *avail,
               GError  **error)
{
  while (self->end - self->start < want && !self->eof)
    {
      make_room (self, want);
      if (!fill (self, error))
        {
          *avail = 0;
          return NULL;
        }
    }
  *avail = self->end - self->start;
  return self->data + self->start;
}

void
ta_input_consume (TaInput *self,
                  gsize    n)
{
  g_assert (n <= self->end - self->start);
  self->start += n;
  self->offset += n;
}

guint64
ta_input_get_offset (TaInput *self)
{
  return self->offset;
}

guint64
ta_input_get_file_position (TaInput *self)
{
  return self->file_pos;
}

guint64
ta_input_get_file_size (TaInput *self)
{
  return self->file_size;
}

gboolean
ta_input_is_gzip (TaInput *self)
{
  return self->gzip;
}

const char *
ta_input_get_path (TaInput *self)
{
  return self->path;
}
