/* ta-flow-panel-private.h — the flow panel's state, shared by the panel
 * (ta-flow-panel.c: selection, time window, loading), its lists
 * (ta-flow-panel-lists.c) and its actions (ta-flow-panel-actions.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-flow-overview.h"
#include "ta-flow-panel.h"
#include "ta-flow-timeline.h"
#include "ta-flow-views.h"
#include "ta-folder-load-job.h"
#include "ta-ip-bars.h"

G_BEGIN_DECLS

#define TA_TYPE_INDEX_ITEM (ta_index_item_get_type ())
G_DECLARE_FINAL_TYPE (TaIndexItem, ta_index_item, TA, INDEX_ITEM, GObject)

/* A list item: an index into the folder's arrays */
struct _TaIndexItem
{
  GObject  parent_instance;
  guint    index;
  gboolean active;      /* IP rows: shown in the diagram */
};

TaIndexItem      *ta_index_item_new                 (guint           index);

typedef enum
{
  COL_ID,
  COL_INITIATOR,
  COL_IPORT,
  COL_RESPONDER,
  COL_RPORT,
  COL_STATE,
  COL_CLOSE,
  COL_INVALID,
  COL_START,
  COL_DURATION,
  COL_PACKETS,
  COL_BYTES,
  N_FLOW_COLS
} FlowColumn;

typedef enum
{
  PCOL_INDEX,
  PCOL_TIME,
  PCOL_DIR,
  PCOL_FLAGS,
  PCOL_SEQ,
  PCOL_ACK,
  PCOL_LENGTH,
  PCOL_PHASE,
  N_PACKET_COLS
} PacketColumn;

struct _TaFlowPanel
{
  GtkWidget          parent_instance;

  /* template */
  GtkStack          *stack;
  GtkLabel          *loading_label;
  GtkProgressBar    *progress;
  GtkLabel          *error_label;
  GtkLabel          *summary_label;
  GtkImage          *warning_icon;
  GtkRevealer       *changed_revealer;
  TaFlowOverview    *overview;
  GtkSearchEntry    *ip_search;
  GtkButton         *ip_all_button;
  GtkButton         *ip_none_button;
  GtkListView       *ip_list;
  TaIpBars          *ip_bars;
  GtkScrollbar      *ip_scrollbar;
  GtkDropDown       *state_dropdown;
  GtkDropDown       *close_dropdown;
  GtkSearchEntry    *flow_search;
  GtkEntry          *port_entry;
  GtkCheckButton    *window_check;
  GtkColumnView     *flow_view;
  GtkLabel          *flow_count_label;
  GtkDropDown       *axis_dropdown;
  TaFlowTimeline    *timeline;
  GtkColumnView     *packet_view;

  /* state */
  TaSubsetFolder    *folder;
  TaFolderLoadJob   *load_job;          /* the load in progress */
  GCancellable      *detail_cancellable;
  GFile             *loading_file;
  GFileMonitor      *monitor;           /* the open folder's manifest.json */
  guint              poll_id;           /* the same, checked every 2 s */
  TaFlowDetail      *detail;
  gint64             win0;
  gint64             win1;

  GListStore        *ip_store;
  GtkFilterListModel *ip_filter_model;
  GtkCustomFilter   *ip_filter;
  GListStore        *flow_store;
  GtkFilterListModel *flow_filter_model;
  GtkCustomFilter   *flow_filter;
  GtkSortListModel  *flow_sort_model;
  GtkSingleSelection *flow_selection;
  GListStore        *packet_store;
  GtkSingleSelection *packet_selection;
  GtkStringList     *state_list;
  GtkStringList     *close_list;
  TaFlowFilter       filter;
  char              *filter_text;
  gboolean           syncing;
};

/* ta-flow-panel-lists.c */
void              ta_flow_panel_init_lists          (TaFlowPanel    *self);
const TaFlowInfo *ta_flow_panel_flow_at             (TaFlowPanel    *self,
                                                     guint           index);
/* The diagram's rows: the IP list's active addresses */
void              ta_flow_panel_update_ip_rows      (TaFlowPanel    *self);
/* Reads the flow filter's widgets and filters the flow list again */
void              ta_flow_panel_flow_filter_changed (TaFlowPanel    *self);

/* ta-flow-panel-actions.c */
void              ta_flow_panel_class_init_actions  (GtkWidgetClass *widget_class);
/* Shows the "changed on disk" bar when the open folder is no longer the
 * one loaded; TRUE if it is shown */
gboolean          ta_flow_panel_check_changed       (TaFlowPanel    *self);
void              ta_flow_panel_init_drop           (TaFlowPanel    *self);

G_END_DECLS
