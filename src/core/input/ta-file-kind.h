/* ta-file-kind.h — what a file handed to the app is, from its first bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TA_FILE_KIND_UNKNOWN,
  TA_FILE_KIND_ATTACK_CSV,   /* FORMATS §3: timestamp,…,attack,count */
  TA_FILE_KIND_PACKETS,      /* a packet CSV (§1) or a capture, plain or gzip */
} TaFileKind;

/* Reads at most the first few KiB (through gzip when compressed). An
 * unreadable file is TA_FILE_KIND_UNKNOWN. */
TaFileKind ta_file_kind_sniff        (const char *path);
/* The same from the first line of a CSV (no newline needed) */
TaFileKind ta_file_kind_from_header  (const char *line,
                                      gsize       len);

G_END_DECLS
