/* ta-file-read.h — reading the files of a folder, a mapping or a map
 * safely: only regular files are opened (a FIFO, a device or a folder is
 * refused at once, without blocking), a read never goes past the size the
 * file had when it was opened, and long reads can be cancelled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest file read whole into memory (for a DOM parse) */
#define TA_FILE_READ_MAX_WHOLE (G_GUINT64_CONSTANT (1) << 30)

/* What identifies a file's content: when a folder is replaced (renamed
 * over) or a file rewritten, one of these changes */
typedef struct
{
  guint64 dev;
  guint64 ino;
  guint64 size;
  gint64  mtime_ns;
} TaFileStamp;

/* The stamp of an open descriptor, or of @path (FALSE if it cannot be
 * stat()ed) */
gboolean  ta_file_stamp_fd     (int                fd,
                                TaFileStamp       *stamp);
gboolean  ta_file_stamp_path   (const char        *path,
                                TaFileStamp       *stamp);
gboolean  ta_file_stamp_equal  (const TaFileStamp *a,
                                const TaFileStamp *b);

/* Opens @path read-only if it is a regular file (symbolic links are
 * followed); returns the descriptor and its size at opening, or -1 with
 * TA_ERROR_IO naming @label (or @path) */
int       ta_file_open_regular (const char    *path,
                                const char    *label,
                                guint64       *size,
                                GError       **error);

/* Reads a whole regular file into a NUL-terminated buffer: at most the
 * size it had when opened, refused when that is above @max_size;
 * @cancellable is checked between blocks. Errors name @label (or @path). */
gboolean  ta_file_read_all     (const char    *path,
                                const char    *label,
                                guint64        max_size,
                                GCancellable  *cancellable,
                                char         **contents,
                                gsize         *length,
                                GError       **error);

/* pread() of exactly @len bytes at @offset, retrying short reads and
 * EINTR; a file shorter than expected is an error naming @label */
gboolean  ta_file_pread_exact  (int            fd,
                                const char    *label,
                                void          *buf,
                                gsize          len,
                                guint64        offset,
                                GError       **error);

G_END_DECLS
