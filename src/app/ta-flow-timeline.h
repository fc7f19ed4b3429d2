/* ta-flow-timeline.h — one flow: its two endpoints as lanes, each packet an
 * arrow between them coloured by flag class, the phases shaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-flow-views.h"
#include "ta-subset-folder.h"

G_BEGIN_DECLS

#define TA_TYPE_FLOW_TIMELINE (ta_flow_timeline_get_type ())

G_DECLARE_FINAL_TYPE (TaFlowTimeline, ta_flow_timeline, TA, FLOW_TIMELINE, GtkWidget)

GtkWidget *ta_flow_timeline_new          (void);
void       ta_flow_timeline_set_detail   (TaFlowTimeline *self,
                                          TaSubsetFolder *folder,
                                          TaFlowDetail   *detail);
void       ta_flow_timeline_set_axis     (TaFlowTimeline *self,
                                          TaFlowAxis      axis);
void       ta_flow_timeline_set_selected (TaFlowTimeline *self,
                                          gint            packet);
/* the same drawing as on screen, for export */
void       ta_flow_timeline_draw         (TaFlowTimeline *self,
                                          cairo_t        *cr,
                                          double          width,
                                          double          height);

G_END_DECLS
