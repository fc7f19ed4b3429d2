/* ta-flow-views.h — the display-free state of the flow panel's views:
 * time scales, histogram bars, the IP bar diagram's per-pixel-column
 * aggregation, the flow timeline's lanes, arrows and phase spans, hit
 * tests, the flow list filter and its CSV export. The widgets only draw
 * what these functions return.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-subset-folder.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 t0;
  gint64 t1;
  double x0;
  double width;
} TaTimeScale;

double  ta_time_scale_x     (const TaTimeScale *scale,
                             gint64             t);
gint64  ta_time_scale_time  (const TaTimeScale *scale,
                             double             x);

/* ---- histogram (overview) ---- */

typedef struct
{
  gint64  start;
  gint64  end;
  guint32 total;
  guint32 counts[TA_N_FLAG_CLASSES]; /* all 0 when the classes are unknown */
} TaClassBin;

/* n_bins equal bins over [t0, t1]; the last bin includes t1 */
TaClassBin *ta_class_bins_from_packets    (const TaPacketColumns *packets,
                                           gint64                 t0,
                                           gint64                 t1,
                                           guint                  n_bins);
/* the folder's bins.json: totals only */
TaClassBin *ta_class_bins_from_time_bins  (const TaTimeBin       *bins,
                                           guint                  n_bins);

typedef struct
{
  double x;
  double y;
  double w;
  double h;
  guint  bin;
  gint   fclass;      /* TaFlagClass, or -1 for a bin without classes */
} TaBar;

/* Bars of the bins that overlap [win_start, win_end], mapped onto
 * width × height (y grows downwards, bars stand on y = height), stacked by
 * class. max_total 0: the largest visible total fills the height. */
GArray     *ta_bars_from_bins             (const TaClassBin      *bins,
                                           guint                  n_bins,
                                           gint64                 win_start,
                                           gint64                 win_end,
                                           double                 width,
                                           double                 height,
                                           guint32                max_total);

/* ---- IP bar diagram ---- */

typedef struct
{
  guint    n_rows;
  guint    n_cols;
  double   col_px;
  gint64   t0;
  gint64   t1;
  guint32 *counts;     /* [row][col][class] */
  guint32 *totals;     /* [row][col] */
  guint32 *first;      /* [row][col] first packet index, G_MAXUINT32 if empty */
  guint32  max_total;
  guint    n_packets;  /* packets counted */
  gsize    alloc;      /* cells allocated */
} TaIpBarsGrid;

TaIpBarsGrid *ta_ip_bars_grid_new         (void);
void          ta_ip_bars_grid_free        (TaIpBarsGrid          *grid);
/* Counts the packets of [t0, t1) into n_rows × ceil(width / col_px) cells.
 * A packet goes on the row of its source (row_of_addr[src], < 0 = hidden).
 * class_visible (TA_N_FLAG_CLASSES booleans) may be NULL. */
void          ta_ip_bars_grid_compute     (TaIpBarsGrid          *grid,
                                           const TaPacketColumns *packets,
                                           const gint32          *row_of_addr,
                                           guint                  n_addrs,
                                           guint                  n_rows,
                                           gint64                 t0,
                                           gint64                 t1,
                                           double                 width,
                                           double                 col_px,
                                           const gboolean        *class_visible);

/* The packets of each source address, in time order, with their time and
 * class copied alongside (13 bytes a packet) so the diagram reads only the
 * rows on screen, sequentially */
typedef struct
{
  guint    n_addrs;
  guint32 *offsets;    /* n_addrs + 1 */
  guint32 *packets;    /* packet indices grouped by source */
  gint64  *ts;         /* ts of packets[j] */
  guint8  *fclass;     /* fclass of packets[j] */
} TaPacketsBySource;

TaPacketsBySource *ta_packets_by_source_new  (const TaPacketColumns   *packets,
                                              guint                    n_addrs);
void               ta_packets_by_source_free (TaPacketsBySource       *index);

/* Same result as ta_ip_bars_grid_compute() with row r showing
 * row_addrs[r], at a cost proportional to the packets of those rows */
void          ta_ip_bars_grid_compute_rows (TaIpBarsGrid            *grid,
                                            const TaPacketColumns   *packets,
                                            const TaPacketsBySource *index,
                                            const guint32           *row_addrs,
                                            guint                    n_rows,
                                            gint64                   t0,
                                            gint64                   t1,
                                            double                   width,
                                            double                   col_px,
                                            const gboolean          *class_visible);

typedef struct
{
  float   x;
  float   y;
  float   w;
  float   h;
  guint32 row;
  guint32 col;
  guint32 count;
  guint8  fclass;
} TaMark;

/* One mark per (cell, class): a bar centred in its row whose height grows
 * with the square root of the cell's total, split by class. Rows start at
 * y_offset, each row_height tall. Appends to @marks (cleared first). */
void          ta_ip_bars_grid_marks       (const TaIpBarsGrid    *grid,
                                           double                 row_height,
                                           double                 y_offset,
                                           GArray                *marks);

typedef struct
{
  guint   row;
  guint   col;
  guint32 total;
  guint32 counts[TA_N_FLAG_CLASSES];
  guint32 first_packet;
  gint64  start;
  gint64  end;
} TaIpBarsHit;

/* The non-empty cell under (x, y), or the nearest one within 3 px
 * horizontally on the same row */
gboolean      ta_ip_bars_grid_hit         (const TaIpBarsGrid    *grid,
                                           double                 x,
                                           double                 y,
                                           double                 row_height,
                                           double                 y_offset,
                                           TaIpBarsHit           *hit);

/* ---- flow timeline ---- */

typedef enum
{
  TA_FLOW_AXIS_TIME,
  TA_FLOW_AXIS_SEQUENCE,
} TaFlowAxis;

typedef struct
{
  double x0;
  double y0;
  double x1;
  double y1;
  guint  packet;      /* index in TaFlowDetail.packets */
  guint8 fclass;
  guint8 phase;
  guint8 downward;    /* from the top lane to the bottom one */
} TaFlowArrow;

typedef struct
{
  double      x0;
  double      x1;
  TaFlowPhase phase;
  guint       n_packets;
} TaPhaseSpan;

typedef struct
{
  guint32      lane_addr[2];   /* top: the initiator, or the key's first end */
  gint32       lane_port[2];
  double       lane_y[2];
  TaFlowAxis   axis;
  TaTimeScale  scale;          /* TA_FLOW_AXIS_TIME */
  TaFlowArrow *arrows;
  guint        n_arrows;
  TaPhaseSpan  spans[3];
  guint        n_spans;
} TaFlowLayout;

TaFlowLayout *ta_flow_layout_compute      (const TaFlowDetail    *detail,
                                           TaFlowAxis             axis,
                                           double                 width,
                                           double                 height,
                                           double                 margin_x,
                                           double                 margin_y);
void          ta_flow_layout_free         (TaFlowLayout          *layout);
/* The arrow closest to (x, y) within tolerance, or -1 */
gint          ta_flow_layout_hit          (const TaFlowLayout    *layout,
                                           double                 x,
                                           double                 y,
                                           double                 tolerance);

/* ---- flow list ---- */

typedef struct
{
  const char *state;        /* NULL = any */
  const char *close_type;   /* NULL = any; "none" matches a null closeType */
  const char *text;         /* substring of either address, NULL/"" = any */
  gint        port;         /* -1 = any */
  gboolean    has_time;     /* keep flows overlapping [t0, t1] */
  gint64      t0;
  gint64      t1;
} TaFlowFilter;

gboolean      ta_flow_filter_match        (TaSubsetFolder        *folder,
                                           const TaFlowInfo      *flow,
                                           const TaFlowFilter    *filter);
/* Writes the given flows (all when indices is NULL) as CSV */
gboolean      ta_flows_write_csv          (TaSubsetFolder        *folder,
                                           const guint           *indices,
                                           guint                  n,
                                           GOutputStream         *out,
                                           GCancellable          *cancellable,
                                           GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIpBarsGrid, ta_ip_bars_grid_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaPacketsBySource, ta_packets_by_source_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaFlowLayout, ta_flow_layout_free)

G_END_DECLS
