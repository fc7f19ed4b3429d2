/* ta-flow-overview.h — histogram of the folder's packets over time,
 * stacked by flag class, with a draggable time window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-subset-folder.h"

G_BEGIN_DECLS

#define TA_TYPE_FLOW_OVERVIEW (ta_flow_overview_get_type ())

G_DECLARE_FINAL_TYPE (TaFlowOverview, ta_flow_overview, TA, FLOW_OVERVIEW, GtkWidget)

GtkWidget *ta_flow_overview_new        (void);
void       ta_flow_overview_set_folder (TaFlowOverview *self,
                                        TaSubsetFolder *folder);
void       ta_flow_overview_set_window (TaFlowOverview *self,
                                        gint64          t0,
                                        gint64          t1);
void       ta_flow_overview_get_window (TaFlowOverview *self,
                                        gint64         *t0,
                                        gint64         *t1);
void       ta_flow_overview_get_range  (TaFlowOverview *self,
                                        gint64         *t0,
                                        gint64         *t1);

G_END_DECLS
