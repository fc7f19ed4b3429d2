/* ta-file-read.c — regular files only, bounded and cancellable reads
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

#include "ta-error.h"
#include "ta-file-read.h"

#define READ_BLOCK (4u << 20)

static void
stamp_from_stat (const struct stat *st,
                 TaFileStamp       *stamp)
{
  stamp->dev = st->st_dev;
  stamp->ino = st->st_ino;
  stamp->size = st->st_size;
  stamp->mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

gboolean
ta_file_stamp_fd (int          fd,
                  TaFileStamp *stamp)
{
  struct stat st;

  memset (stamp, 0, sizeof *stamp);
  if (fstat (fd, &st) != 0)
    return FALSE;
  stamp_from_stat (&st, stamp);
  return TRUE;
}

gboolean
ta_file_stamp_path (const char  *path,
                    TaFileStamp *stamp)
{
  struct stat st;

  memset (stamp, 0, sizeof *stamp);
  if (stat (path, &st) != 0)
    return FALSE;
  stamp_from_stat (&st, stamp);
  return TRUE;
}

gboolean
ta_file_stamp_equal (const TaFileStamp *a,
                     const TaFileStamp *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}

int
ta_file_open_regular (const char  *path,
                      const char  *label,
                      guint64     *size,
                      GError     **error)
{
  struct stat st;
  int fd, saved, fl;

  g_return_val_if_fail (path != NULL, -1);
  if (label == NULL)
    label = path;
  /* O_NONBLOCK: opening a FIFO without a writer would wait for ever */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot open: %s"), label,
                   g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot open: %s"), label,
                   g_strerror (saved));
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_IO,
                   S_ISDIR (st.st_mode) ? _("%s: is a folder, not a file")
                                        : _("%s: not a regular file (a pipe, device or socket); refusing to read it"),
                   label);
      return -1;
    }
  fl = fcntl (fd, F_GETFL);
  if (fl >= 0)
    fcntl (fd, F_SETFL, fl & ~O_NONBLOCK);
  if (size)
    *size = (guint64) st.st_size;
  return fd;
}

gboolean
ta_file_pread_exact (int          fd,
                     const char  *label,
                     void        *buf,
                     gsize        len,
                     guint64      offset,
                     GError     **error)
{
  char *p = buf;

  while (len > 0)
    {
      gssize r = pread (fd, p, MIN (len, (gsize) G_MAXSSIZE), (off_t) offset);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: read error at byte %llu: %s"),
                       label, (unsigned long long) offset, g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_IO,
                       _("%s: the file ended at byte %llu, before its expected size (was it changed while being read?)"),
                       label, (unsigned long long) offset);
          return FALSE;
        }
      p += r;
      len -= r;
      offset += r;
    }
  return TRUE;
}

gboolean
ta_file_read_all (const char    *path,
                  const char    *label,
                  guint64        max_size,
                  GCancellable  *cancellable,
                  char         **contents,
                  gsize         *length,
                  GError       **error)
{
  g_autofree char *buf = NULL;
  guint64 size, done = 0;
  int fd;

  g_return_val_if_fail (contents != NULL, FALSE);
  *contents = NULL;
  if (length)
    *length = 0;
  if (label == NULL)
    label = path;
  fd = ta_file_open_regular (path, label, &size, error);
  if (fd < 0)
    return FALSE;
  if (size > max_size || size >= G_MAXSIZE)
    {
      g_autofree char *have = g_format_size_full (size, G_FORMAT_SIZE_LONG_FORMAT);
      g_autofree char *limit = g_format_size (max_size);

      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: too big to be read (%s; the limit is %s)"), label, have, limit);
      return FALSE;
    }
  buf = g_try_malloc (size + 1);
  if (buf == NULL)
    {
      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: not enough memory to read it"), label);
      return FALSE;
    }
  while (done < size)
    {
      gsize n = MIN (size - done, READ_BLOCK);

      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !ta_file_pread_exact (fd, label, buf + done, n, done, error))
        {
          close (fd);
          return FALSE;
        }
      done += n;
    }
  close (fd);
  buf[size] = '\0';
  *contents = g_steal_pointer (&buf);
  if (length)
    *length = size;
  return TRUE;
}
