/* ta-arc-layout.h — rows, arcs and geometry of the attack TimeArcs view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-attack-data.h"
#include "ta-ip-map.h"
#include "ta-lens.h"

G_BEGIN_DECLS

/*
 * Row ordering (ta_arc_order_rows)
 *
 * Deterministic, so the same files always give the same picture:
 *  1. Rows are grouped by connected component of the link graph (as the
 *     original did); components are laid out largest first (ties: earliest
 *     first activity, then smallest id), so related IPs never interleave
 *     with unrelated ones.
 *  2. Within a component the seed order is first activity (ties: id),
 *     which is the original's order and reads left-to-right with time.
 *  3. Barycentric sweeps then move each row to the mean position of its
 *     neighbours (weighted by the number of links), re-sorting with stable
 *     tie-breaks (previous position, then id). The order with the smallest
 *     total arc length Σ w·|pos(u) − pos(v)| over the seed and every sweep
 *     is kept, so the result is never worse than the original's order.
 * A force-directed layout was not used: it depends on iteration counts and
 * floating-point details, and the original itself discarded its result.
 * Sweeps are O(iterations · (E + N log N)).
 */

typedef struct
{
  guint32 u, v;
  guint32 weight;
} TaRowEdge;

/* order[i] = node placed at position i. first_activity may be NULL. */
void     ta_arc_order_rows        (guint            n_nodes,
                                   const TaRowEdge *edges,
                                   guint            n_edges,
                                   const gint64    *first_activity,
                                   const gint64    *node_ids,
                                   guint            sweeps,
                                   guint32         *order);
double   ta_arc_total_length      (guint            n_nodes,
                                   const TaRowEdge *edges,
                                   guint            n_edges,
                                   const guint32   *order);

typedef enum
{
  TA_LABEL_MODE_TYPE,
  TA_LABEL_MODE_GROUP,
  TA_N_LABEL_MODES
} TaLabelMode;

/* One arc: the records sharing (minute, src, dst, type, group) merged */
typedef struct
{
  gint64  minute;
  guint64 count;
  guint32 src_row;
  guint32 dst_row;
  guint32 label[TA_N_LABEL_MODES];  /* index into the model's label table */
  guint32 record;                   /* first record */
  guint32 n_records;
} TaArc;

typedef struct
{
  char    *name;
  guint32  color;    /* 0xRRGGBB */
  guint64  packets;
  guint    arcs;
} TaArcLabel;

typedef struct
{
  gint64   id;
  char    *name;       /* dotted address, or "#id" when the IP map lacks it */
  gint64   first_minute;
  guint64  packets;
} TaArcRow;

typedef struct _TaArcModel TaArcModel;

/* Builds rows (ordered), arcs (by minute) and label tables. Any argument
 * but data may be NULL. */
TaArcModel       *ta_arc_model_new           (TaAttackData  *data,
                                              TaIpMap       *ip_map,
                                              TaLabelMap    *types,
                                              TaLabelMap    *groups,
                                              TaColorMap    *type_colors,
                                              TaColorMap    *group_colors);
void              ta_arc_model_free          (TaArcModel    *self);
guint             ta_arc_model_get_n_rows    (TaArcModel    *self);
const TaArcRow   *ta_arc_model_get_row       (TaArcModel    *self,
                                              guint          row);
/* Row index of an IP-map id, or -1 */
gint              ta_arc_model_find_row      (TaArcModel    *self,
                                              gint64         id);
const TaArc      *ta_arc_model_get_arcs      (TaArcModel    *self,
                                              guint         *n_arcs);
guint             ta_arc_model_get_n_labels  (TaArcModel    *self,
                                              TaLabelMode    mode);
/* Sorted by packets, largest first */
const TaArcLabel *ta_arc_model_get_label     (TaArcModel    *self,
                                              TaLabelMode    mode,
                                              guint          index);
void              ta_arc_model_get_minutes   (TaArcModel    *self,
                                              gint64        *first,
                                              gint64        *last);
/* Σ links·|Δrow| with the original's order and with ours */
void              ta_arc_model_get_order_cost (TaArcModel   *self,
                                               double       *seed_cost,
                                               double       *final_cost);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaArcModel, ta_arc_model_free)

/* Geometry: where minutes and rows land in the plot rectangle. The visible
 * time window is [t0, t1) in minutes (doubles, for smooth zoom). Lens focus
 * values are normalised to the plot rectangle. */
typedef struct
{
  double   x, y, width, height;   /* plot rectangle */
  double   t0, t1;                /* visible minutes */
  guint    n_rows;
  gboolean lens;
  TaLens   time_lens;
  TaLens   row_lens;
} TaViewGeom;

double   ta_view_geom_x_of_minute (const TaViewGeom *geom,
                                   double            minute);
double   ta_view_geom_minute_at_x (const TaViewGeom *geom,
                                   double            x);
double   ta_view_geom_y_of_row    (const TaViewGeom *geom,
                                   double            row);
/* Fractional row position at y (row i is centred at i) */
double   ta_view_geom_row_at_y    (const TaViewGeom *geom,
                                   double            y);
/* Arc stroke width for a packet count: log scale over 1–4 px */
double   ta_arc_width_for_count   (guint64           count,
                                   guint64           max_count);

/* Draw list: visible arcs, merged when they land on the same pixels (same
 * x pixel, same source and destination row pixel, same label).
 *
 * Arcs are stored by minute and the lens is monotonic, so arcs sharing an x
 * pixel are contiguous: merging uses a small table per x column that stays
 * in L1 cache, one pass, no allocation in steady state.
 *
 * When the visible arcs would need more than `max_ink` pixels of stroke
 * (Σ π·r), the cell grows from 1 px to 2, 4, … px in x and in both row
 * ends, until the estimate fits: zoomed out, arcs that nearly coincide are
 * drawn once, as wide as their summed count. If even 64 px cells need more
 * than twice `max_ink`, only the arcs with the most packets are kept, up to
 * that ink (ta_arc_aggregator_get_n_merged() tells how many there were, so
 * the view can say so). 0 means no limit. */
typedef struct
{
  float   x;
  float   y1;       /* source row */
  float   y2;       /* destination row */
  float   width;
  guint32 label;
  guint32 arc;      /* a representative arc (the largest merged) */
  guint64 count;
} TaDrawArc;

typedef struct _TaArcAggregator TaArcAggregator;

TaArcAggregator  *ta_arc_aggregator_new      (void);
void              ta_arc_aggregator_free     (TaArcAggregator *self);
/* hidden: n_labels booleans (may be NULL). The returned array is owned by
 * the aggregator and valid until the next call. */
const TaDrawArc  *ta_arc_aggregate           (TaArcAggregator  *self,
                                              TaArcModel       *model,
                                              const TaViewGeom *geom,
                                              TaLabelMode       mode,
                                              const gboolean   *hidden,
                                              double            max_ink,
                                              guint            *n_out);
/* Cell size (px) used by the last ta_arc_aggregate() and visible arcs seen */
guint             ta_arc_aggregator_get_cell (TaArcAggregator  *self);
guint             ta_arc_aggregator_get_n_visible (TaArcAggregator *self);
guint             ta_arc_aggregator_get_n_merged  (TaArcAggregator *self);
/* Largest arc count of the model (for widths) */
guint64           ta_arc_model_get_max_count (TaArcModel       *model);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaArcAggregator, ta_arc_aggregator_free)

/* Hit testing (pure functions over the model and the geometry) */

/* The arc under (px, py) within `tolerance` pixels, or -1 */
gint     ta_arc_hit_test          (TaArcModel       *model,
                                   const TaViewGeom *geom,
                                   TaLabelMode       mode,
                                   const gboolean   *hidden,
                                   double            px,
                                   double            py,
                                   double            tolerance);
/* The row whose (lensed) band contains y, or -1 */
gint     ta_row_hit_test          (const TaViewGeom *geom,
                                   double            y);

typedef struct
{
  GArray  *rows;        /* guint32 row indices, ascending */
  GArray  *arcs;        /* guint32 arc indices, ascending */
  gint64   t_start;     /* minutes, -1 when unbounded */
  gint64   t_end;
  guint64  packets;
} TaArcSelection;

TaArcSelection *ta_arc_selection_new        (void);
void            ta_arc_selection_free       (TaArcSelection   *sel);
void            ta_arc_selection_clear      (TaArcSelection   *sel);
/* Rows whose centre lies in [y0, y1], minutes covered by [x0, x1], and the
 * visible arcs in that time with an end on one of those rows. */
void            ta_arc_select_brush         (TaArcModel       *model,
                                             const TaViewGeom *geom,
                                             TaLabelMode       mode,
                                             const gboolean   *hidden,
                                             double            x0,
                                             double            y0,
                                             double            x1,
                                             double            y1,
                                             TaArcSelection   *out);
void            ta_arc_select_arc           (TaArcModel       *model,
                                             guint             arc,
                                             TaArcSelection   *out);
/* A row: its IP, all its visible arcs, no time limit */
void            ta_arc_select_row           (TaArcModel       *model,
                                             TaLabelMode       mode,
                                             const gboolean   *hidden,
                                             guint             row,
                                             TaArcSelection   *out);
/* into |= other (rows and arcs united, time range the hull; unbounded wins) */
void            ta_arc_selection_union      (TaArcModel       *model,
                                             TaArcSelection   *into,
                                             const TaArcSelection *other);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaArcSelection, ta_arc_selection_free)

G_END_DECLS
