/* ta-cli.h — subcommands of timearcs-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes, documented in --help */
#define TA_EXIT_OK        0
#define TA_EXIT_FAILURE   1  /* processing failed (I/O, corrupt input) */
#define TA_EXIT_USAGE     2  /* bad arguments */
#define TA_EXIT_EXISTS    3  /* output exists; use --force */
#define TA_EXIT_NO_INPUT  4  /* no input could be read */
#define TA_EXIT_CANCELLED 130

int ta_cli_extract_main (int argc, char **argv);
int ta_cli_import_main  (int argc, char **argv);
int ta_cli_attacks_main (int argc, char **argv);
int ta_cli_check_main   (int argc, char **argv);

G_END_DECLS
