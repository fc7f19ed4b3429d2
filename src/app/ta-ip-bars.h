/* ta-ip-bars.h — the IP bar diagram: one row per address, each packet a
 * mark on its sender's row coloured by TCP flag class, aggregated per pixel
 * column. TaIpBarsRenderer draws to any cairo context (the widget, PNG,
 * SVG and PDF export, the benchmark); TaIpBars is the widget around it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-flow-views.h"
#include "ta-subset-folder.h"

G_BEGIN_DECLS

typedef struct _TaIpBarsRenderer TaIpBarsRenderer;

TaIpBarsRenderer *ta_ip_bars_renderer_new          (TaSubsetFolder   *folder);
void              ta_ip_bars_renderer_free         (TaIpBarsRenderer *self);
void              ta_ip_bars_renderer_set_window   (TaIpBarsRenderer *self,
                                                    gint64            t0,
                                                    gint64            t1);
/* addresses shown, top to bottom */
void              ta_ip_bars_renderer_set_rows     (TaIpBarsRenderer *self,
                                                    const guint32    *addrs,
                                                    guint             n);
/* every address, ordered by first activity */
void              ta_ip_bars_renderer_get_default_rows (TaIpBarsRenderer *self,
                                                        GArray           *addrs);
guint             ta_ip_bars_renderer_get_n_rows   (TaIpBarsRenderer *self);
void              ta_ip_bars_renderer_set_first_row (TaIpBarsRenderer *self,
                                                    double            first_row);
void              ta_ip_bars_renderer_set_class_visible (TaIpBarsRenderer *self,
                                                         guint             fclass,
                                                         gboolean          visible);
void              ta_ip_bars_renderer_set_hover    (TaIpBarsRenderer *self,
                                                    const TaIpBarsHit *hit);
void              ta_ip_bars_renderer_set_highlight_flow (TaIpBarsRenderer *self,
                                                          const TaFlowInfo *flow);
/* Recomputes the aggregation when needed, then draws */
void              ta_ip_bars_renderer_draw         (TaIpBarsRenderer *self,
                                                    cairo_t          *cr,
                                                    double            width,
                                                    double            height);
/* After a draw: the cell under (x, y) in the same coordinates */
gboolean          ta_ip_bars_renderer_hit          (TaIpBarsRenderer *self,
                                                    double            x,
                                                    double            y,
                                                    TaIpBarsHit      *hit,
                                                    guint32          *addr);
/* The plot area of the last draw: time = scale(x) */
void              ta_ip_bars_renderer_get_scale    (TaIpBarsRenderer *self,
                                                    TaTimeScale      *scale);
double            ta_ip_bars_renderer_get_row_height (TaIpBarsRenderer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIpBarsRenderer, ta_ip_bars_renderer_free)

/* shared drawing helpers */
void              ta_draw_set_source_hex           (cairo_t          *cr,
                                                    const char       *hex,
                                                    double            alpha);
char             *ta_format_time_us                (gint64            us,
                                                    gint64            span_us);
void              ta_draw_time_axis                (cairo_t          *cr,
                                                    PangoLayout      *layout,
                                                    const TaTimeScale *scale,
                                                    double            y,
                                                    double            tick_len);

#define TA_TYPE_IP_BARS (ta_ip_bars_get_type ())

G_DECLARE_FINAL_TYPE (TaIpBars, ta_ip_bars, TA, IP_BARS, GtkWidget)

GtkWidget        *ta_ip_bars_new                   (void);
void              ta_ip_bars_set_folder            (TaIpBars         *self,
                                                    TaSubsetFolder   *folder);
TaIpBarsRenderer *ta_ip_bars_get_renderer          (TaIpBars         *self);
GtkAdjustment    *ta_ip_bars_get_vadjustment       (TaIpBars         *self);
void              ta_ip_bars_set_window            (TaIpBars         *self,
                                                    gint64            t0,
                                                    gint64            t1);
void              ta_ip_bars_get_window            (TaIpBars         *self,
                                                    gint64           *t0,
                                                    gint64           *t1);
void              ta_ip_bars_set_rows              (TaIpBars         *self,
                                                    const guint32    *addrs,
                                                    guint             n);
void              ta_ip_bars_set_highlight_flow    (TaIpBars         *self,
                                                    const TaFlowInfo *flow);
void              ta_ip_bars_queue_update          (TaIpBars         *self);

G_END_DECLS
