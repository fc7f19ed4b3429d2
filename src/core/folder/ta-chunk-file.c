/* ta-chunk-file.c — chunk files scanned in blocks, flows read one by one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "ta-chunk-file.h"
#include "ta-error.h"
#include "ta-json-load.h"

#define SCAN_BLOCK (1u << 20)

typedef struct
{
  guint64 offset;
  guint64 length;
} Span;

struct _TaChunkFile
{
  char        *path;
  char        *label;
  TaFileStamp  stamp;
  GArray      *spans;
};

/* The structural pass: where each top-level element starts and ends.
 * Everything inside an element (and its full syntax) is json-glib's to
 * check when the element is parsed; this pass only has to keep strings,
 * nesting and the top-level commas straight. */
typedef struct
{
  GArray   *spans;
  guint     depth;
  gboolean  started, done, in_str, esc, in_elem, after_comma;
  guint64   elem_start, elem_end;
  guint64   error_at;
  const char *error;
} Scan;

static gboolean
scan_fail (Scan       *s,
           guint64     at,
           const char *message)
{
  s->error_at = at;
  s->error = message;
  return FALSE;
}

static gboolean
is_ws (char c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void
end_element (Scan *s)
{
  Span sp = { s->elem_start, s->elem_end - s->elem_start };

  g_array_append_val (s->spans, sp);
  s->in_elem = FALSE;
}

/* One block at file offset @base; a state machine over bytes, excused from
 * the length limit as one */
static gboolean
scan_block (Scan       *s,
            const char *buf,
            gsize       len,
            guint64     base)
{
  for (gsize i = 0; i < len; i++)
    {
      char c = buf[i];
      guint64 at = base + i;

      if (s->in_str)
        {
          if (s->esc)
            s->esc = FALSE;
          else if (c == '\\')
            s->esc = TRUE;
          else if (c == '"')
            {
              s->in_str = FALSE;
              s->elem_end = at + 1;
            }
          else
            {
              /* long strings: straight to the next quote or backslash */
              const char *q = memchr (buf + i, '"', len - i);
              const char *b = memchr (buf + i, '\\', (q ? (gsize) (q - buf) : len) - i);
              const char *stop = b ? b : q;

              i = (stop ? (gsize) (stop - buf) : len) - 1;
            }
          continue;
        }
      if (is_ws (c))
        continue;
      if (s->done)
        return scan_fail (s, at, _("text after the array"));
      if (!s->started)
        {
          if (c != '[')
            return scan_fail (s, at, _("the top level must be an array"));
          s->started = TRUE;
          s->depth = 1;
          continue;
        }
      if (s->depth == 1 && (c == ',' || c == ']'))
        {
          if (s->in_elem)
            end_element (s);
          else if (c == ',' || s->after_comma)
            return scan_fail (s, at, _("a value was expected"));
          s->after_comma = c == ',';
          if (c == ']')
            {
              s->depth = 0;
              s->done = TRUE;
            }
          continue;
        }
      if (!s->in_elem && s->depth == 1)
        {
          s->in_elem = TRUE;
          s->elem_start = at;
        }
      if (c == '"')
        s->in_str = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++s->depth > TA_JSON_LOAD_MAX_DEPTH + 1)
            return scan_fail (s, at, _("nested too deeply"));
        }
      else if (c == ']' || c == '}')
        s->depth--;
      s->elem_end = at + 1;
    }
  return TRUE;
}

static gboolean
scan_file (TaChunkFile   *self,
           int            fd,
           guint64        size,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *buf = g_malloc (SCAN_BLOCK);
  Scan s = { 0 };

  s.spans = self->spans;
  for (guint64 off = 0; off < size; off += SCAN_BLOCK)
    {
      gsize n = MIN (size - off, SCAN_BLOCK);

      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !ta_file_pread_exact (fd, self->label, buf, n, off, error))
        return FALSE;
      if (!scan_block (&s, buf, n, off))
        break;
    }
  if (s.error == NULL && !s.done)
    scan_fail (&s, size, s.started ? _("the file ends inside the array")
                                   : _("the file is empty"));
  if (s.error != NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: byte %llu: %s"),
                   self->label, (unsigned long long) s.error_at, s.error);
      return FALSE;
    }
  return TRUE;
}

TaChunkFile *
ta_chunk_file_open (const char    *path,
                    const char    *label,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(TaChunkFile) self = g_new0 (TaChunkFile, 1);
  guint64 size;
  gboolean ok;
  int fd;

  self->path = g_strdup (path);
  self->label = g_strdup (label ? label : path);
  self->spans = g_array_new (FALSE, FALSE, sizeof (Span));
  fd = ta_file_open_regular (path, self->label, &size, error);
  if (fd < 0)
    return NULL;
  ta_file_stamp_fd (fd, &self->stamp);
  ok = scan_file (self, fd, size, cancellable, error);
  close (fd);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

void
ta_chunk_file_free (TaChunkFile *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->label);
  g_array_unref (self->spans);
  g_free (self);
}

guint
ta_chunk_file_get_n_flows (TaChunkFile *self)
{
  return self->spans->len;
}

const char *
ta_chunk_file_get_label (TaChunkFile *self)
{
  return self->label;
}

const TaFileStamp *
ta_chunk_file_get_stamp (TaChunkFile *self)
{
  return &self->stamp;
}

gsize
ta_chunk_file_get_memory_size (TaChunkFile *self)
{
  return sizeof *self + self->spans->len * sizeof (Span);
}

char *
ta_chunk_file_read_flow (TaChunkFile   *self,
                         guint          index,
                         GCancellable  *cancellable,
                         gsize         *length,
                         char         **label_out,
                         GError       **error)
{
  const Span *sp;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  TaFileStamp now;
  gboolean ok;
  int fd;

  g_return_val_if_fail (index < self->spans->len, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  sp = &g_array_index (self->spans, Span, index);
  label = g_strdup_printf (_("%s, flow %u at byte %llu"), self->label, index + 1,
                           (unsigned long long) sp->offset);
  if (sp->length > TA_FILE_READ_MAX_WHOLE)
    {
      g_autofree char *size = g_format_size (sp->length);

      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the flow is too big to be read (%s)"),
                   label, size);
      return NULL;
    }
  fd = ta_file_open_regular (self->path, self->label, NULL, error);
  if (fd < 0)
    return NULL;
  if (!ta_file_stamp_fd (fd, &now) || !ta_file_stamp_equal (&now, &self->stamp))
    {
      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_CHANGED,
                   _("%s: the file changed on disk since it was opened"), self->label);
      return NULL;
    }
  text = g_try_malloc (sp->length + 1);
  if (text == NULL)
    {
      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: not enough memory to read it"), label);
      return NULL;
    }
  ok = ta_file_pread_exact (fd, self->label, text, sp->length, sp->offset, error);
  close (fd);
  if (!ok)
    return NULL;
  text[sp->length] = '\0';
  *length = sp->length;
  if (label_out)
    *label_out = g_steal_pointer (&label);
  return g_steal_pointer (&text);
}

JsonParser *
ta_chunk_file_parse_flow (TaChunkFile   *self,
                          guint          index,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *label = NULL;
  gsize len = 0;
  g_autofree char *text = ta_chunk_file_read_flow (self, index, cancellable, &len, &label, error);

  if (text == NULL)
    return NULL;
  return ta_json_load_data (text, len, label, error);
}
