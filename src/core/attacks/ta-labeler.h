/* ta-labeler.h — label packets by matching a ground truth (FORMATS.md §5)
 *
 * A packet gets the event whose addresses match its two ends in either
 * direction, whose ports match where the event names them (none = any), and
 * whose minute span [start, stop] (inclusive) holds the packet's minute
 * floor(µs / 60e6); otherwise normal (-1). When several events match, the
 * most specific wins: more sides with named ports, then the narrowest span,
 * then the earliest start, then the lowest code, then the earliest row.
 *
 * Events are indexed by their unordered address pair in an open-addressing
 * hash, and the job's address indices are translated to ground-truth
 * addresses through a cache filled once per distinct address, so labelling
 * costs a few array reads and one hash probe per packet (two more only when
 * the ground truth has events with an empty Source or Destination).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-event-mapping.h"
#include "ta-ground-truth.h"
#include "ta-packet.h"

G_BEGIN_DECLS

typedef struct _TaLabeler TaLabeler;

/* Every ground-truth label gets a code from @mapping; labels it lacks are
 * added to it (ta_event_mapping_ensure). @gt, @mapping and @addrs must
 * outlive the labeler; @addrs is the table the packets' src/dst index. */
TaLabeler *ta_labeler_new              (TaGroundTruth  *gt,
                                        TaEventMapping *mapping,
                                        TaAddrTable    *addrs);
void       ta_labeler_free             (TaLabeler      *self);
/* The code of the winning event, or TA_LABEL_NORMAL; updates the counters */
gint32     ta_labeler_label            (TaLabeler      *self,
                                        const TaPacket *pkt);
/* The index of the winning event or -1, and in *n_matched how many events
 * matched; does not touch the counters */
gint       ta_labeler_match            (TaLabeler      *self,
                                        const TaPacket *pkt,
                                        guint          *n_matched);
/* The code given to ground-truth label @label */
gint32     ta_labeler_get_code         (TaLabeler      *self,
                                        guint           label);
/* Packets labelled by an event / matched by several events / matched by
 * several events whose labels differ (the choice changed the label) */
guint64    ta_labeler_get_n_matched    (TaLabeler      *self);
guint64    ta_labeler_get_n_ambiguous  (TaLabeler      *self);
guint64    ta_labeler_get_n_conflicting (TaLabeler     *self);

/* floor (µs / 60 000 000), also for times before 1970 */
static inline gint64
ta_minute_of_us (gint64 us)
{
  gint64 q = us / 60000000;

  return (us % 60000000 < 0) ? q - 1 : q;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaLabeler, ta_labeler_free)

G_END_DECLS
