/* ta-selection-sidebar.h — the selection, its extraction command, and the runner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-command.h"
#include "ta-extraction-runner.h"
#include "ta-selection.h"

G_BEGIN_DECLS

#define TA_TYPE_SELECTION_SIDEBAR (ta_selection_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (TaSelectionSidebar, ta_selection_sidebar, TA, SELECTION_SIDEBAR, GtkBox)

/*
 * Properties: selection (TaSelection), attack-files (GStrv: the attack CSVs
 * on display, for the decoded_X.csv convention).
 * Signal ::open-folder (const char *path): a finished extraction.
 * Settings: the keys data-paths (as), ip-map (s), output-dir (s) of the
 * GSettings given with set_settings (the application's); without one the
 * values live only in memory (tests).
 */
TaSelectionSidebar *ta_selection_sidebar_new              (TaSelection        *selection);
TaSelection        *ta_selection_sidebar_get_selection    (TaSelectionSidebar *self);
void                ta_selection_sidebar_set_attack_files (TaSelectionSidebar *self,
                                                           const char * const *files);
/* Reads the remembered values from @settings (NULL: none) and writes
 * changes back to it */
void                ta_selection_sidebar_set_settings     (TaSelectionSidebar *self,
                                                           GSettings          *settings);
/* Settings (also written to GSettings when available) */
void                ta_selection_sidebar_set_data_paths   (TaSelectionSidebar *self,
                                                           const char * const *paths);
void                ta_selection_sidebar_set_ip_map       (TaSelectionSidebar *self,
                                                           const char         *path);
/* The IP map used while the ip-map setting is empty (the one the attack
 * files on display were decoded with) */
void                ta_selection_sidebar_set_fallback_ip_map (TaSelectionSidebar *self,
                                                              const char         *path);
void                ta_selection_sidebar_set_output_dir   (TaSelectionSidebar *self,
                                                           const char         *path);
/* The spec the command and the Extract button use now (NULL when the
 * selection or the settings do not make one; see get_problem) */
const TaExtractSpec *ta_selection_sidebar_get_spec        (TaSelectionSidebar *self);
const char         *ta_selection_sidebar_get_problem      (TaSelectionSidebar *self);
char               *ta_selection_sidebar_get_command_text (TaSelectionSidebar *self);
/* Queues the current spec (the Extract button); 0 when there is none */
guint               ta_selection_sidebar_extract          (TaSelectionSidebar *self);
TaExtractionRunner *ta_selection_sidebar_get_runner       (TaSelectionSidebar *self);

G_END_DECLS
