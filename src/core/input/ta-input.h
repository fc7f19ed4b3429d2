/* ta-input.h — a byte stream over a plain or gzip file (told apart by magic)
 *
 * Readers peek a window, parse in place, and consume what they used: no copy
 * and no allocation per row or record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TaInput TaInput;

TaInput      *ta_input_open              (const char  *path,
                                          GError     **error);
/* A stream over bytes in memory (gunzipped when they start with the gzip
 * magic). Plain bytes are copied; gzip bytes are borrowed and must outlive
 * the input. @name stands for the file name in messages. */
TaInput      *ta_input_new_from_data     (const guint8 *data,
                                          gsize         len,
                                          const char   *name);
void          ta_input_free              (TaInput     *self);
/* Make at least @want bytes available if the stream has them (fewer only at
 * the end of the stream). Returns the buffered window and its length in
 * @avail, or NULL with @error set on a read error or a corrupt/truncated gzip
 * stream (the message names the file and the compressed byte offset). At the
 * end of the stream it returns a non-NULL pointer with *avail == 0. */
const guint8 *ta_input_peek              (TaInput     *self,
                                          gsize        want,
                                          gsize       *avail,
                                          GError     **error);
void          ta_input_consume           (TaInput     *self,
                                          gsize        n);
/* Decompressed bytes consumed so far (the offset of the next byte) */
guint64       ta_input_get_offset        (TaInput     *self);
/* Bytes of the file read so far and its size, for progress */
guint64       ta_input_get_file_position (TaInput     *self);
guint64       ta_input_get_file_size     (TaInput     *self);
gboolean      ta_input_is_gzip           (TaInput     *self);
const char   *ta_input_get_path          (TaInput     *self);
/* After the end: why the stream ended early (a cut gzip stream, which is
 * not an error: the data before the cut is delivered), or NULL */
const char   *ta_input_get_truncation    (TaInput     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaInput, ta_input_free)

G_END_DECLS
