/* ta-chunk-file.h — a flow chunk file (flows/chunk_NNNNN.json: a JSON
 * array of flows, any size, 4 GiB and more) read without holding it: one
 * streaming pass in fixed blocks finds where each flow's text starts and
 * ends, then a flow is read and parsed alone. The loader (flow detail) and
 * `check` read chunks through this one reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ta-file-read.h"

G_BEGIN_DECLS

typedef struct _TaChunkFile TaChunkFile;

/* Scans @path (a regular file, read up to its size at opening; @label
 * names it in errors, e.g. "flows/chunk_00000.json"): the top level must
 * be an array, strings terminated, nesting bounded. Cancellable. */
TaChunkFile *ta_chunk_file_open          (const char     *path,
                                          const char     *label,
                                          GCancellable   *cancellable,
                                          GError        **error);
void         ta_chunk_file_free          (TaChunkFile    *self);

guint        ta_chunk_file_get_n_flows   (TaChunkFile    *self);
const char  *ta_chunk_file_get_label     (TaChunkFile    *self);
const TaFileStamp *ta_chunk_file_get_stamp (TaChunkFile  *self);
/* Bytes the reader holds (its offsets), not the file's size */
gsize        ta_chunk_file_get_memory_size (TaChunkFile  *self);

/* Reads flow @index (from 0) and parses it; TA_ERROR_CHANGED when the file
 * is no longer the one scanned, TA_ERROR_FORMAT naming the byte offset
 * when the flow's text is not valid JSON */
/* The text of flow @index, NUL-terminated (*length bytes); *label_out
 * (may be NULL) names it for errors: "FILE, flow N at byte B" */
char        *ta_chunk_file_read_flow     (TaChunkFile    *self,
                                          guint           index,
                                          GCancellable   *cancellable,
                                          gsize          *length,
                                          char          **label_out,
                                          GError        **error);
JsonParser  *ta_chunk_file_parse_flow    (TaChunkFile    *self,
                                          guint           index,
                                          GCancellable   *cancellable,
                                          GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaChunkFile, ta_chunk_file_free)

G_END_DECLS
