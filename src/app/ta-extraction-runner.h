/* ta-extraction-runner.h — progress, cancel and errors of queued extractions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-job-queue.h"

G_BEGIN_DECLS

#define TA_TYPE_EXTRACTION_RUNNER (ta_extraction_runner_get_type ())

G_DECLARE_FINAL_TYPE (TaExtractionRunner, ta_extraction_runner, TA, EXTRACTION_RUNNER, GtkBox)

/* Signal ::folder-ready (const char *path): an extraction finished; open it */
TaExtractionRunner *ta_extraction_runner_new       (void);
TaJobQueue         *ta_extraction_runner_get_queue (TaExtractionRunner *self);
/* Queues the extraction @spec describes; 0 (and the error shown) when
 * @spec is invalid */
guint               ta_extraction_runner_add       (TaExtractionRunner  *self,
                                                    const TaExtractSpec *spec);
/* The error shown (NULL when none), for tests */
const char         *ta_extraction_runner_get_error (TaExtractionRunner *self);
void                ta_extraction_runner_show_error (TaExtractionRunner *self,
                                                     const char         *message);

G_END_DECLS
