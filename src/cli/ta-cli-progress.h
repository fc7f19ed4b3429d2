/* ta-cli-progress.h — the progress line and the job runner shared by the
 * subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-extract-job.h"

#include "ta-job.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean quiet;
  gboolean tty;        /* stderr is a terminal: one line redrawn in place */
  gboolean line_open;  /* an in-place line is on screen */
  gint64   last_us;    /* when the last line was printed */
} TaCliProgress;

void     ta_cli_progress_init         (TaCliProgress *self,
                                       gboolean       quiet);
/* Whether a progress report is due now: on a terminal at most ten times a
 * second (the current line is cleared, and the caller prints the new one
 * without a newline), otherwise once every 5 seconds (a plain line). */
gboolean ta_cli_progress_due          (TaCliProgress *self);
/* Ends an in-place line so that other output starts on a fresh line */
void     ta_cli_progress_end_line     (TaCliProgress *self);

/* A running job's figures for the progress line */
typedef struct
{
  unsigned long long items;
  double             rate;      /* items per second */
  double             percent;   /* 0 when unknown */
  char               eta[32];   /* as ta_format_duration_compact() */
} TaCliJobLine;

/* ta_cli_progress_due(), and when due @line filled from @job */
gboolean ta_cli_progress_job_due      (TaCliProgress *self,
                                       TaJob         *job,
                                       TaCliJobLine  *line);

/* Prints the in-place terminal line for @line; @format is a translated
 * "%s rows, %s rows/s, %.0f%%, ETA %s" (count, rate, percent, ETA) */
void     ta_cli_job_line_print_tty    (const TaCliJobLine *line,
                                       const char         *format);

/* Runs @job in the calling thread (its notifies come there, between
 * reports); SIGINT or SIGTERM meanwhile cancels it (the caller exits with
 * TA_EXIT_CANCELLED on G_IO_ERROR_CANCELLED) */
gboolean ta_cli_run_job               (TaJob         *job,
                                       GError       **error);

/* Prints why a job failed (@interrupted after a cancel, else "timearcs-cli
 * @command: " and the message) and returns the exit status for it:
 * TA_EXIT_CANCELLED, TA_EXIT_EXISTS, TA_EXIT_NO_INPUT, TA_EXIT_USAGE (an
 * invalid argument) or TA_EXIT_FAILURE */
int      ta_cli_job_failed            (const char    *command,
                                       const GError  *error,
                                       const char    *interrupted);

/* ta-cli-extract.c: runs an extraction (or, with options->profile_only, a
 * profile) with progress and summary; the exit status */
int      ta_cli_extract_run           (const TaExtractOptions *options,
                                       gboolean       quiet,
                                       const char    *command);
void     ta_cli_print_profile_summary (const TaProfileSummary *summary,
                                       const char    *where);

G_END_DECLS
