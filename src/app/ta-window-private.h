/* ta-window-private.h — the main window's instance struct and the pieces
 * its files (ta-window.c, ta-window-load.c, ta-window-actions.c) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-arc-load-job.h"
#include "ta-demo-job.h"
#include "ta-attack-data.h"
#include "ta-flow-panel.h"
#include "ta-ip-map.h"
#include "ta-selection-sidebar.h"
#include "ta-timearcs-render.h"
#include "ta-window.h"

G_BEGIN_DECLS

struct _TaWindow
{
  GtkApplicationWindow  parent_instance;

  /* template */
  GtkStack             *view_stack;
  GtkStack             *attacks_stack;
  GtkBox               *sidebar_box;
  GtkBox               *flows_box;
  TaFlowPanel          *flow_panel;
  TaTimeArcsView       *view;
  GtkListBox           *legend_list;
  GtkLabel             *legend_title;
  GtkButton            *show_all_button;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkButton            *message_close;
  GtkLabel             *status_label;
  GtkAdjustment        *magnification_adjustment;
  GMenu                *recent_section;
  GtkBox               *demo_progress_box;
  GtkProgressBar       *demo_progress;

  GSettings            *settings;           /* the application's, or NULL */
  TaArcLoadJob         *load_job;           /* the load in progress */
  TaDemoJob            *demo_job;           /* the demo being made */

  /* what is open */
  GPtrArray            *paths;            /* attack CSVs */
  char                 *ip_map_path;      /* explicit, or NULL */
  char                 *mapping_path;
  char                 *gt_path;
  TaIpMap              *ip_map;
  TaGroundTruth        *ground_truth;
  char                 *used_ip_map;
  char                 *used_mapping;
  char                 *used_gt;
  char                 *summary;

  TaSelectionSidebar   *selection_sidebar;
};

/* ta-window.c */
void ta_window_update_status    (TaWindow *self);

/* ta-window-load.c */
void ta_window_rebuild_recent   (TaWindow *self);
/* Cancels the attack-file load in progress, if any */
void ta_window_cancel_load      (TaWindow *self);

/* ta-window-demo.c */
void ta_window_open_demo        (TaWindow *self);
void ta_window_cancel_demo      (TaWindow *self);

/* ta-window-actions.c */
void ta_window_add_actions      (TaWindow *self);
void ta_window_update_actions   (TaWindow *self);
void ta_window_apply_settings   (TaWindow *self);
void ta_window_set_accels       (GtkApplication *app);

G_END_DECLS
