/* ta-packet-reader.h — one input file (packet CSV or capture, plain or gzip)
 * as a stream of TaPacket. The kind is told by magic bytes, never by name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-ip-map.h"
#include "ta-packet-filter.h"
#include "ta-packet.h"
#include "ta-read-stats.h"

G_BEGIN_DECLS

typedef enum
{
  TA_INPUT_KIND_CSV,
  TA_INPUT_KIND_PCAP,
  TA_INPUT_KIND_PCAPNG,
} TaInputKind;

/* Maps the text of an `attack` cell that is not a number to a code; may add
 * new codes. Return TA_LABEL_NONE to leave the packet unlabelled. */
typedef gint32 (*TaLabelFunc) (const char *text,
                               gsize       len,
                               gpointer    user_data);

typedef struct
{
  TaAddrTable *addrs;       /* required: where addresses are interned */
  TaIpMap     *ip_map;      /* optional: numeric src_ip/dst_ip ids are looked up here */
  TaReadStats *stats;       /* required: counters shared by all files of a job */
  TaLabelFunc  label_func;  /* optional */
  gpointer     label_data;
  guint        file_index;  /* copied into every TaPacket.file (clamped to 65535) */
} TaReaderConfig;

typedef struct _TaPacketReader TaPacketReader;

TaPacketReader *ta_packet_reader_open              (const char           *path,
                                                    const TaReaderConfig *config,
                                                    GError              **error);
/* TRUE with *pkt filled; FALSE at the end (error unset) or on a fatal error
 * (error set: names the file and line or byte offset). Malformed rows are
 * counted in stats and skipped, not fatal. */
gboolean        ta_packet_reader_next              (TaPacketReader       *self,
                                                    TaPacket             *pkt,
                                                    GError              **error);
TaInputKind     ta_packet_reader_get_kind          (TaPacketReader       *self);
gboolean        ta_packet_reader_has_label_column  (TaPacketReader       *self);
guint64         ta_packet_reader_get_file_position (TaPacketReader       *self);
guint64         ta_packet_reader_get_file_size     (TaPacketReader       *self);
void            ta_packet_reader_free              (TaPacketReader       *self);
/* Rows failing @filter are skipped (CSV: after parsing only the timestamp
 * and addresses) and counted in it; with a time end set, reading stops at
 * the first row past it while the file has been in time order so far.
 * @filter must outlive the reader. */
void            ta_packet_reader_set_filter        (TaPacketReader       *self,
                                                    TaPacketFilter       *filter);
/* Whether reading stopped early because the rows passed the time end */
gboolean        ta_packet_reader_get_stopped_early (TaPacketReader       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaPacketReader, ta_packet_reader_free)

G_END_DECLS
