/* ta-arc-load-job.h — opening attack files for the TimeArcs view, as a TaJob
 *
 * Reads the attack CSVs (several files share one model), finds and reads
 * the files that decode them (event-type and group mappings, IP map,
 * colours, ground truth: the given ones, else those next to the first
 * file) and builds the arc model with its row order. The window runs it
 * with ta_job_run_async() and shows the result; a newer open cancels an
 * older one. The fraction is by attack file; the message names the file.
 *
 * A companion file that is missing or unreadable is no error: it is left
 * out and said in the warnings. Errors of the run: those of reading an
 * attack file (TA_ERROR_*), G_IO_ERROR_CANCELLED.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-arc-layout.h"
#include "ta-attack-data.h"
#include "ta-ground-truth.h"
#include "ta-ip-map.h"
#include "ta-job.h"

G_BEGIN_DECLS

#define TA_TYPE_ARC_LOAD_JOB (ta_arc_load_job_get_type ())
G_DECLARE_FINAL_TYPE (TaArcLoadJob, ta_arc_load_job, TA, ARC_LOAD_JOB, TaJob)

/* @paths: the attack CSVs (at least one); the other arguments: files
 * chosen explicitly, or NULL to look next to the first attack file */
TaArcLoadJob  *ta_arc_load_job_new                    (const char * const *paths,
                                                       const char         *event_mapping,
                                                       const char         *ip_map,
                                                       const char         *ground_truth);

/* The results, after a successful run; NULL otherwise (and for the
 * optional ones when there was none). The steal functions pass ownership. */
TaAttackData  *ta_arc_load_job_get_data               (TaArcLoadJob *self);
TaArcModel    *ta_arc_load_job_steal_model            (TaArcLoadJob *self);
TaIpMap       *ta_arc_load_job_steal_ip_map           (TaArcLoadJob *self);
TaGroundTruth *ta_arc_load_job_steal_ground_truth     (TaArcLoadJob *self);
/* The companion files used (NULL: none) */
const char    *ta_arc_load_job_get_event_mapping_path (TaArcLoadJob *self);
const char    *ta_arc_load_job_get_ip_map_path        (TaArcLoadJob *self);
const char    *ta_arc_load_job_get_ground_truth_path  (TaArcLoadJob *self);
/* What was left out or looks wrong, one line each; NULL when nothing */
const char    *ta_arc_load_job_get_warnings           (TaArcLoadJob *self);

G_END_DECLS
