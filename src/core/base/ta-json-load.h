/* ta-json-load.h — the one way a JSON file reaches json-glib: from a
 * regular file of bounded size, and only after a flat pass has checked that
 * its nesting is not deeper than TA_JSON_LOAD_MAX_DEPTH (json-glib's
 * parser recurses once per level, so tens of thousands of levels overflow
 * the stack).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than anything TimeArcs or the original tool writes (a chunk file
 * nests six levels) and far below what overflows json-glib's stack */
#define TA_JSON_LOAD_MAX_DEPTH 64

/* The first byte at which @text (@len bytes) nests deeper than @max_depth
 * arrays and objects, or -1; strings are skipped with their escapes */
gssize      ta_json_find_too_deep (const char    *text,
                                   gsize          len,
                                   guint          max_depth);

/* Parses @text into a new parser after the depth check; errors are
 * TA_ERROR_FORMAT "LABEL: not valid JSON: …" */
JsonParser *ta_json_load_data     (const char    *text,
                                   gsize          len,
                                   const char    *label,
                                   GError       **error);

/* Reads @path (a regular file of at most @max_size bytes, cancellable)
 * and parses it as ta_json_load_data() does; a missing file is TA_ERROR_IO
 * with G_IO_ERROR_NOT_FOUND-like text naming @label */
JsonParser *ta_json_load_file     (const char    *path,
                                   const char    *label,
                                   guint64        max_size,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
