/* ta-arc-model-private.h — the TimeArcs model's fields, shared by the
 * model, aggregation and selection files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-arc-layout.h"

G_BEGIN_DECLS

struct _TaArcModel
{
  GArray     *rows;     /* TaArcRow */
  GArray     *arcs;     /* TaArc */
  GArray     *labels[TA_N_LABEL_MODES];   /* TaArcLabel */
  GHashTable *row_of_id;                  /* gint64* -> row + 1 */
  gint64      first_minute;
  gint64      last_minute;
  double      seed_cost;
  double      final_cost;
  guint64     max_count;
};

/* The first of the model's arcs (sorted by minute) at or after @minute */
static inline guint
ta_arc_first_at (const TaArc *arcs,
                 guint        n,
                 double       minute)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if ((double) arcs[mid].minute < minute)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

G_END_DECLS
