/* ta-ip-bars-private.h — the IP bar renderer's state and sizes, shared by
 * the renderer (ta-ip-bars-renderer.c) and the widget around it (ta-ip-bars.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-ip-bars.h"

G_BEGIN_DECLS

#define LABEL_WIDTH  150.0
#define AXIS_HEIGHT  24.0
#define LEGEND_HEIGHT 22.0
#define RIGHT_PAD    12.0
#define ROW_HEIGHT   18.0
#define COLUMN_PX    2.0

struct _TaIpBarsRenderer
{
  TaSubsetFolder *folder;
  guint           n_addrs;
  GArray         *rows;           /* guint32 addresses */
  double          first_row;
  gint64          t0;
  gint64          t1;
  gboolean        class_visible[TA_N_FLAG_CLASSES];
  TaIpBarsGrid   *grid;
  GArray         *marks;
  TaPacketsBySource *by_source;

  /* layout of the last draw */
  TaTimeScale     scale;
  double          grid_y;
  guint           first_visible;
  guint           n_visible;

  gboolean        has_hover;
  TaIpBarsHit     hover;
  gboolean        has_flow;
  TaFlowInfo      flow;

  cairo_surface_t *raster;        /* the marks, for pixel targets */
};

G_END_DECLS
