/* ta-timearcs-raster.h — the TimeArcs view's arcs drawn by a small
 * anti-aliased software rasteriser into the render state's image layer, in
 * two bands on two threads, for pixel targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-timearcs-render.h"

G_BEGIN_DECLS

/* Rasterises @draw into state->layer (sized to the plot, kept between
 * frames) and paints the layer onto @cr at @alpha */
void ta_timearcs_raster_arcs (TaRenderState   *state,
                              cairo_t         *cr,
                              const TaDrawArc *draw,
                              guint            n_draw,
                              double           width,
                              double           alpha);

G_END_DECLS
