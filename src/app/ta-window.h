/* ta-window.h — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-selection.h"
#include "ta-timearcs-view.h"

G_BEGIN_DECLS

#define TA_TYPE_WINDOW (ta_window_get_type ())

G_DECLARE_FINAL_TYPE (TaWindow, ta_window, TA, WINDOW, GtkApplicationWindow)

/*
 * Stable API for the other parts of the app:
 *
 * ta_window_get_selection()   the TaSelection the TimeArcs view writes
 *                             (owned by the view; lives as long as the window)
 * ta_window_get_sidebar_slot() an empty vertical GtkBox at the right of the
 *                             Attacks page; the selection sidebar goes there
 *                             (gtk_box_append)
 * ta_window_get_flows_slot()  the vertical GtkBox of the "Flows" page; it
 *                             holds a placeholder until a flow panel is
 *                             appended (the placeholder hides itself then)
 * ta_window_open_attack_files() loads one or more attack CSVs into the
 *                             TimeArcs view, in a worker thread; the IP map,
 *                             event-type and group mappings, colours and
 *                             ground truth come from the first file's folder
 *                             unless chosen explicitly. Returns FALSE (with
 *                             error) only for paths that cannot be opened at
 *                             all; parse errors arrive later and are shown in
 *                             the window, which keeps what it showed before.
 * ta_window_open_folder()     a subset folder: shown in the Flows page
 *                             (a clear message until the flow panel exists)
 * ta_window_show_flows_page() switches to the Flows page
 */

TaWindow        *ta_window_new                (GtkApplication *application);
TaSelection     *ta_window_get_selection      (TaWindow       *self);
GtkBox          *ta_window_get_sidebar_slot   (TaWindow       *self);
GtkBox          *ta_window_get_flows_slot     (TaWindow       *self);
TaTimeArcsView  *ta_window_get_view           (TaWindow       *self);
gboolean         ta_window_open_attack_files  (TaWindow       *self,
                                               GFile         **files,
                                               guint           n_files,
                                               GError        **error);
void             ta_window_open_folder        (TaWindow       *self,
                                               GFile          *folder);
void             ta_window_show_flows_page    (TaWindow       *self);
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
