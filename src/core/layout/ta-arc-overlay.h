/* ta-arc-overlay.h — what the TimeArcs view shows over its arcs, computed
 * from the model alone: the ground-truth spans on the rows, the arcs no
 * ground-truth event explains, and the summary of a selection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-arc-layout.h"
#include "ta-ground-truth.h"
#include "ta-ip-map.h"

G_BEGIN_DECLS

/* One ground-truth event on one row */
typedef struct
{
  gint64  start_minute;
  gint64  stop_minute;     /* inclusive */
  guint32 row;
  guint32 label;           /* ground-truth label index */
} TaGtSpan;

/* Every event of @gt on each of its ends that is a row of @model (ends
 * found through @ip_map; "any address" ends have no span), in event order */
GArray          *ta_gt_spans_for_model      (TaArcModel     *model,
                                             TaGroundTruth  *gt,
                                             TaIpMap        *ip_map);
/* TRUE when an event of @gt covering @minute has these two ends (either
 * way round, or any address on the other side) */
gboolean         ta_gt_explains             (TaGroundTruth  *gt,
                                             const char     *src,
                                             const char     *dst,
                                             gint64          minute);
/* @unexplained (one per arc of @model) set to 1 for the attack arcs no
 * event explains, 0 for the others (normal arcs need no event); returns how many are unexplained */
guint            ta_gt_mark_unexplained     (TaArcModel     *model,
                                             TaGroundTruth  *gt,
                                             guint8         *unexplained);
/* The span on @row covering @minute (spans cover [start, stop + 1)), or NULL */
const TaGtSpan  *ta_gt_span_at              (const TaGtSpan *spans,
                                             guint           n_spans,
                                             gint            row,
                                             double          minute);

/* What a selection holds, in the order the sidebar and status show it */
typedef struct
{
  GArray    *ip_ids;        /* gint64, ascending */
  GPtrArray *ip_names;      /* the rows' names (model's), same order, NULL-terminated */
  GPtrArray *types;         /* label names (model's) of the arcs, sorted, NULL-terminated */
  gint64     time_start;    /* minutes; -1 with time_end -1: no time limit */
  gint64     time_end;
  guint64    packets;
  guint      n_arcs;
} TaArcSelectionSummary;

void             ta_arc_selection_summarize (TaArcModel            *model,
                                             const TaArcSelection  *sel,
                                             TaLabelMode            mode,
                                             TaArcSelectionSummary *out);
void             ta_arc_selection_summary_clear (TaArcSelectionSummary *summary);

G_END_DECLS
