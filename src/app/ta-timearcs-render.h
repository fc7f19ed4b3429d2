/* ta-timearcs-render.h — drawing the attack TimeArcs view with cairo
 *
 * GTK-free: the widget, the export (PNG/SVG/PDF) and the benchmark all draw
 * through ta_timearcs_render() with the same state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>

#include "ta-arc-layout.h"
#include "ta-arc-overlay.h"

G_BEGIN_DECLS


typedef struct
{
  double r, g, b, a;
} TaRgba;

typedef struct
{
  /* data (not owned) */
  TaArcModel      *model;
  TaLabelMode      mode;
  const gboolean  *hidden;         /* n_labels of mode, or NULL */

  /* view */
  double           t0, t1;         /* visible minutes */
  gboolean         lens;
  double           magnification;
  double           focus_x;        /* pointer, widget pixels; <0: centre */
  double           focus_y;

  /* interaction */
  gint             hover_arc;      /* -1 none */
  gint             hover_row;
  const TaArcSelection *selection; /* or NULL */
  gboolean         brushing;
  double           brush_x0, brush_y0, brush_x1, brush_y1;

  /* ground truth overlay (not owned) */
  gboolean         show_ground_truth;
  const TaGtSpan  *gt_spans;
  guint            n_gt_spans;
  const guint8    *arc_unexplained;  /* per arc; NULL = no marks */

  /* style */
  TaRgba           fg;
  TaRgba           bg;
  TaRgba           accent;
  const char      *font_family;

  /* computed by ta_timearcs_layout() */
  TaViewGeom       geom;
  double           label_width;
  guint            n_drawn;         /* arcs drawn in the last frame */
  guint            n_merged;        /* arcs there were to draw before the ink cap */

  /* output: TRUE draws arcs as cairo paths (SVG/PDF export); otherwise they
   * are rasterised directly into an image layer, which is what keeps
   * 100 k arcs within a frame */
  gboolean         vector;
  double           max_ink;        /* see ta_arc_aggregate(); 0 = no limit */

  /* scratch, reused between frames */
  TaArcAggregator *aggregator;
  guint32         *order;
  guint            order_len;
  cairo_surface_t *layer;
  guint32         *tiles;
  gsize            tiles_size;
} TaRenderState;

void     ta_render_state_init      (TaRenderState *state);
void     ta_render_state_clear     (TaRenderState *state);
/* Plot rectangle, lens focus and scales for a w×h surface */
void     ta_timearcs_layout        (TaRenderState *state,
                                    double         width,
                                    double         height);
/* Calls ta_timearcs_layout() and draws everything */
void     ta_timearcs_render        (TaRenderState *state,
                                    cairo_t       *cr,
                                    double         width,
                                    double         height);

G_END_DECLS
