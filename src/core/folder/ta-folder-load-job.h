/* ta-folder-load-job.h — loading a subset folder as a TaJob
 *
 * ta_subset_folder_load() in a job: the flow panel runs it with
 * ta_job_run_async() and shows its fraction and message (the loader's
 * step, e.g. "Reading packets…"); the items are not counted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-job.h"
#include "ta-subset-folder.h"

G_BEGIN_DECLS

#define TA_TYPE_FOLDER_LOAD_JOB (ta_folder_load_job_get_type ())
G_DECLARE_FINAL_TYPE (TaFolderLoadJob, ta_folder_load_job, TA, FOLDER_LOAD_JOB, TaJob)

/* Errors of the run: those of ta_subset_folder_load() */
TaFolderLoadJob *ta_folder_load_job_new        (GFile           *folder);
GFile           *ta_folder_load_job_get_file   (TaFolderLoadJob *self);
/* The loaded folder (owned by the job); NULL unless the run succeeded */
TaSubsetFolder  *ta_folder_load_job_get_folder (TaFolderLoadJob *self);

G_END_DECLS
