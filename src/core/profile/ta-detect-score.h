/* ta-detect-score.h — the detector's findings against a ground truth:
 * precision and recall per finding type
 *
 * Events come from the ground-truth CSV (ta-ground-truth.h: its minutes
 * become [start, stop + 1 min)) or from a MAWILab label file
 * (ta-mawilab.h). An event's type is ta_finding_type_for_label() of its
 * label (Event Type, or MAWILab's taxonomy); events of no type are counted
 * apart and never scored.
 *
 * Matching: a finding matches an event when
 *  - the finding's type is the event's type,
 *  - the addresses overlap: the event's source (when it names one) is among
 *    the finding's sources and its destination (when named) among the
 *    finding's destinations — or both the other way round, for labels that
 *    name the victim as the source,
 *  - the times overlap: [finding start, end] meets [event start, end]
 *    widened by @slack_us on both sides.
 * Precision of a type = its findings that match some event / its findings;
 * recall = its events that some finding matches / its events. A type
 * without findings has precision -1 (undefined), without events recall -1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-detect.h"
#include "ta-ground-truth.h"
#include "ta-mawilab.h"

G_BEGIN_DECLS

typedef struct
{
  gint    type;       /* TaFindingType, -1 when no type fits the label */
  char   *label;
  char   *src;        /* NULL for any */
  char   *dst;
  gint64  start_us;
  gint64  end_us;     /* inclusive */
} TaScoreEvent;

typedef struct
{
  guint  n_findings;
  guint  n_findings_matched;
  guint  n_events;
  guint  n_events_found;
  double precision;
  double recall;
} TaScoreType;

typedef struct
{
  TaScoreType types[TA_FINDING_N_TYPES];
  guint       n_events_untyped;
} TaDetectScore;

/* GArray of TaScoreEvent (frees its strings with the array) */
GArray *ta_score_events_new             (void);
void    ta_score_events_add_ground_truth (GArray        *events,
                                          TaGroundTruth *gt);
/* MAWILab events labelled benign or notice are left out */
void    ta_score_events_add_mawilab      (GArray        *events,
                                          TaMawilab     *labels);
void    ta_detect_score                  (const GPtrArray *findings,
                                          TaAddrTable     *addrs,
                                          GArray          *events,
                                          gint64           slack_us,
                                          TaDetectScore   *score);

G_END_DECLS
