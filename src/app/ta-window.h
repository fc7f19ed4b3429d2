/* ta-window.h — the main window: TimeArcs view with legend and selection
 * sidebar on one page, the flow panel on the other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-flow-panel.h"
#include "ta-import-dialog.h"
#include "ta-selection.h"
#include "ta-timearcs-view.h"

G_BEGIN_DECLS

#define TA_TYPE_WINDOW (ta_window_get_type ())

G_DECLARE_FINAL_TYPE (TaWindow, ta_window, TA, WINDOW, GtkApplicationWindow)

/*
 * ta_window_new()             @settings: the application's (NULL: nothing is
 *                             remembered); the window, its sidebar and its
 *                             dialogs read and write it
 * ta_window_get_selection()   the TaSelection the TimeArcs view writes
 *                             (owned by the view; lives as long as the window)
 * ta_window_get_flow_panel()  the flow panel filling the "Flows" page
 * ta_window_open_attack_files() loads one or more attack CSVs into the
 *                             TimeArcs view, in a worker thread; the IP map,
 *                             event-type and group mappings, colours and
 *                             ground truth come from the first file's folder
 *                             unless chosen explicitly. Returns FALSE (with
 *                             error) only for paths that cannot be opened at
 *                             all; parse errors arrive later and are shown in
 *                             the window, which keeps what it showed before.
 * ta_window_open_folder()     a subset folder: shown in the Flows page
 * ta_window_show_flows_page() switches to the Flows page
 */

TaWindow        *ta_window_new                (GtkApplication *application,
                                               GSettings      *settings);
TaSelection     *ta_window_get_selection      (TaWindow       *self);
TaFlowPanel     *ta_window_get_flow_panel     (TaWindow       *self);
TaTimeArcsView  *ta_window_get_view           (TaWindow       *self);
gboolean         ta_window_open_attack_files  (TaWindow       *self,
                                               GFile         **files,
                                               guint           n_files,
                                               GError        **error);
/* The same with explicit companions (NULL: found next to the first file),
 * e.g. those Import Packets… wrote; they apply to these files only */
gboolean         ta_window_open_attack_files_with (TaWindow    *self,
                                                   GFile      **files,
                                                   guint        n_files,
                                                   const char  *ip_map,
                                                   const char  *mapping,
                                                   const char  *ground_truth,
                                                   GError     **error);
void             ta_window_open_folder        (TaWindow       *self,
                                               GFile          *folder);
void             ta_window_show_flows_page    (TaWindow       *self);
/* Opens Import Packets… (win.import-packets) with @inputs (packet CSVs or
 * captures; may be NULL) already chosen; its result opens in this window */
TaImportDialog  *ta_window_import_packets     (TaWindow       *self,
                                               const char *const *inputs);
/* Explicit companion files (NULL: pick up from the attack file's folder).
 * They apply to the next open, and reload the current files. */
void             ta_window_set_ip_map_path    (TaWindow       *self,
                                               const char     *path);
void             ta_window_set_mapping_path   (TaWindow       *self,
                                               const char     *path);
void             ta_window_set_ground_truth_path (TaWindow    *self,
                                                  const char  *path);
/* Shows a dismissable message above the view (NULL hides it) */
void             ta_window_show_message       (TaWindow       *self,
                                               const char     *message);

G_END_DECLS
