/* ta-import-dialog.h — "Import packets…": packet files (+ optional ground
 * truth and mappings) → attack CSVs, run by the core's attacks job (a TaJob)
 * with progress and cancel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-attacks-job.h"

G_BEGIN_DECLS

#define TA_TYPE_IMPORT_DIALOG (ta_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TaImportDialog, ta_import_dialog, TA, IMPORT_DIALOG, GtkWindow)

TaImportDialog         *ta_import_dialog_new          (GtkWindow        *parent);
/* Preset the choices (the file choosers set them too) */
void                    ta_import_dialog_set_inputs   (TaImportDialog   *self,
                                                       const char *const *paths);
void                    ta_import_dialog_set_ground_truth (TaImportDialog *self,
                                                       const char       *path);
void                    ta_import_dialog_set_event_mapping (TaImportDialog *self,
                                                       const char       *path);
void                    ta_import_dialog_set_ip_map   (TaImportDialog   *self,
                                                       const char       *path);
/* The attack CSV to write; the grouped one goes next to it */
void                    ta_import_dialog_set_output   (TaImportDialog   *self,
                                                       const char       *path);
/* Starts the import (as the Import button does) */
void                    ta_import_dialog_start        (TaImportDialog   *self);
gboolean                ta_import_dialog_is_running   (TaImportDialog   *self);
/* After "finished": the result, or NULL with the error */
const TaAttacksResult  *ta_import_dialog_get_result   (TaImportDialog   *self);
const GError           *ta_import_dialog_get_error    (TaImportDialog   *self);

/* The ground truth chosen (NULL: none) */
const char             *ta_import_dialog_get_ground_truth (TaImportDialog *self);
/* Where the packet files are remembered for the selection sidebar
 * (data-paths); NULL: nowhere */
void                    ta_import_dialog_set_settings (TaImportDialog   *self,
                                                       GSettings        *settings);

/* Signals:
 *   "finished" (void): the import ended (see get_result / get_error).
 *   "open-result" (const char *attacks_csv, const char *grouped_csv,
 *                  const char *ip_map, const char *event_mapping,
 *                  const char *group_mapping): the user asked to open the
 *                  result; the window opens it */

G_END_DECLS
