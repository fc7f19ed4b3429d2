/* ta-cli.h — subcommands of timearcs-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes, the same for every subcommand: ta_cli_exit_help() is the
 * table --help, README.md and timearcs-cli.1 show */
#define TA_EXIT_OK        0
#define TA_EXIT_FAILURE   1  /* failed; nothing written */
#define TA_EXIT_USAGE     2  /* bad arguments */
#define TA_EXIT_EXISTS    3  /* output exists (--force), or is never replaced */
#define TA_EXIT_NO_INPUT  4  /* no input could be read */
#define TA_EXIT_PARTIAL   5  /* written, but an input was skipped or ended early */
#define TA_EXIT_NO_MATCH  6  /* inputs read, but no packet passed the filters */
#define TA_EXIT_CANCELLED 130

/* The exit status table, translated, for g_option_context_set_description */
const char *ta_cli_exit_help (void);
/* Sets @text and then the exit status table as --help's closing text */
void        ta_cli_set_description (GOptionContext *ctx,
                                    const char     *text);
/* The status of a run that wrote its output: TA_EXIT_PARTIAL (with a
 * closing line) when @n_skipped inputs could not be read or @n_cut ended
 * early, else TA_EXIT_OK */
int         ta_cli_job_done  (const char *command,
                              guint       n_skipped,
                              guint       n_cut);

int ta_cli_extract_main (int argc, char **argv);
int ta_cli_import_main  (int argc, char **argv);
int ta_cli_attacks_main (int argc, char **argv);
int ta_cli_check_main   (int argc, char **argv);
int ta_cli_demo_main    (int argc, char **argv);
int ta_cli_generate_main (int argc, char **argv);
int ta_cli_profile_main (int argc, char **argv);

G_END_DECLS
