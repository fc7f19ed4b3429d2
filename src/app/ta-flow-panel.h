/* ta-flow-panel.h — opens a v2.0 subset folder and shows its packets and
 * TCP flows: overview, IP bar diagram, flow list, flow timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-subset-folder.h"

G_BEGIN_DECLS

#define TA_TYPE_FLOW_PANEL (ta_flow_panel_get_type ())

G_DECLARE_FINAL_TYPE (TaFlowPanel, ta_flow_panel, TA, FLOW_PANEL, GtkWidget)

GtkWidget      *ta_flow_panel_new         (void);
/* Loads in a worker with progress; errors are shown in the panel */
void            ta_flow_panel_open        (TaFlowPanel *self,
                                           GFile       *folder);
/* The loaded folder, or NULL */
TaSubsetFolder *ta_flow_panel_get_folder  (TaFlowPanel *self);
/* Whether the bar saying the open folder changed on disk is shown */
gboolean        ta_flow_panel_get_folder_changed (TaFlowPanel *self);
/* Selects a flow by its index in flows_index.json; FALSE if out of range */
gboolean        ta_flow_panel_select_flow (TaFlowPanel *self,
                                           guint        flow);

G_END_DECLS
