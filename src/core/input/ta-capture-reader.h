/* ta-capture-reader.h — pcap and pcapng records as TaPacket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-input.h"
#include "ta-packet-reader.h"

G_BEGIN_DECLS

typedef struct _TaCaptureReader TaCaptureReader;

/* Whether the first bytes (at least 4) are a pcap or pcapng magic */
gboolean         ta_capture_sniff        (const guint8         *data,
                                          gsize                 len,
                                          TaInputKind          *kind);
/* Takes ownership of @input (positioned at its first byte), also when it
 * fails. Adds 1 to config->stats->rows per record and to ->packets per
 * packet delivered; records of unsupported link types or without IP count
 * in ->unsupported, frames cut before their IP addresses in ->malformed. */
TaCaptureReader *ta_capture_reader_new   (TaInput              *input,
                                          const TaReaderConfig *config,
                                          GError              **error);
/* As ta_packet_reader_next(). A truncated file ends cleanly (FALSE, no
 * error) after adding a warning naming the file and byte offset. */
gboolean         ta_capture_reader_next  (TaCaptureReader      *self,
                                          TaPacket             *pkt,
                                          GError              **error);
TaInput         *ta_capture_reader_get_input (TaCaptureReader  *self);
TaInputKind      ta_capture_reader_get_kind  (TaCaptureReader  *self);
/* Capture records seen in this file (delivered or not) */
guint64          ta_capture_reader_get_records (TaCaptureReader *self);
void             ta_capture_reader_free  (TaCaptureReader      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaCaptureReader, ta_capture_reader_free)

G_END_DECLS
