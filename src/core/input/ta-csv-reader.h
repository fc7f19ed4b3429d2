/* ta-csv-reader.h — packet CSV rows (FORMATS.md §1) as TaPacket
 *
 * Parses in place on the TaInput window: no allocation and no strtod per row
 * for the usual integer fields. Used through TaPacketReader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-input.h"
#include "ta-packet-filter.h"
#include "ta-packet-reader.h"

G_BEGIN_DECLS

typedef struct _TaCsvReader TaCsvReader;

/* Takes ownership of @input (positioned at its first byte) and reads the
 * header row. Errors: TA_ERROR_MISSING_COLUMN naming the column(s) and the
 * file; TA_ERROR_FORMAT "FILE: not a capture or packet CSV". */
TaCsvReader *ta_csv_reader_new              (TaInput              *input,
                                             const TaReaderConfig *config,
                                             GError              **error);
/* As ta_packet_reader_next() */
gboolean     ta_csv_reader_next             (TaCsvReader          *self,
                                             TaPacket             *pkt,
                                             GError              **error);
/* Rows failing @filter are skipped after parsing only the timestamp and
 * address fields; @filter's counters are added to. With a time end set, the
 * reader stops at the first row past it while the file has been in time
 * order so far. @filter must outlive the reader; NULL removes it. */
void         ta_csv_reader_set_filter       (TaCsvReader          *self,
                                             TaPacketFilter       *filter);
gboolean     ta_csv_reader_get_stopped_early (TaCsvReader         *self);
gboolean     ta_csv_reader_has_label_column (TaCsvReader          *self);
TaInput     *ta_csv_reader_get_input        (TaCsvReader          *self);
void         ta_csv_reader_free             (TaCsvReader          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaCsvReader, ta_csv_reader_free)

G_END_DECLS
