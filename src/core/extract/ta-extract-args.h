/* ta-extract-args.h — extraction options ↔ the `timearcs-cli extract` argv
 *
 * One path both ways: ta_extract_options_build_argv() writes the arguments
 * for a TaExtractOptions, ta_extract_options_parse_argv() reads them back
 * (`timearcs-cli extract` parses its own arguments with it), and
 * ta_extract_options_parse_command_line() reads a shell line such as the
 * one the app shows and copies. For every argv the builder makes, the parser
 * gives back equal options, and building those again gives the same argv.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-extract-job.h"

G_BEGIN_DECLS

/* How ta_extract_options_parse_argv() reads its arguments. All zero (or
 * NULL for the whole struct): no --help (it is an unknown option), strings
 * taken as UTF-8. */
typedef struct
{
  /* Options of the caller's own, after the extraction options (the CLI's
   * --quiet); NULL-terminated, may be NULL */
  const GOptionEntry *extra_entries;
  /* --help prints the help (with these texts) and exits, as a command does */
  gboolean            help;
  const char         *parameter_string;
  const char         *summary;
  const char         *description;
  /* The arguments are a process's argv: string values are converted from
   * the locale's encoding to UTF-8. FALSE: they are UTF-8 already. */
  gboolean            locale_encoded;
  /* `timearcs-cli profile`: the options of subset folders only
   * (--no-profile, --flow-timeout, --chunk-size, --attack-context) are
   * left out */
  gboolean            profile_only;
} TaExtractArgsSetup;

/* argv[0] is @program ("timearcs-cli" when NULL), argv[1] "extract". Every
 * value that starts with "-" is written "--option=value"; options left at
 * their defaults are left out. Fails (TA_ERROR_NO_INPUT without data files,
 * TA_ERROR_INVALID_ARGUMENT otherwise) for options no argv can give back:
 * no output folder, IPs that "--filter-ips" would split or strip
 * differently, a flow timeout, chunk size or max-records out of range. */
GStrv             ta_extract_options_build_argv   (const TaExtractOptions   *options,
                                                   const char               *program,
                                                   GError                  **error);
/* Every argument passed through g_shell_quote(); @multiline puts each
 * option on its own line after " \\\n  " so it reads well and still pastes
 * into a POSIX shell as one command. g_shell_parse_argv() of the line gives
 * back exactly @argv. */
char             *ta_extract_argv_to_shell_line   (const char * const       *argv,
                                                   gboolean                  multiline);
/* @args: NULL-terminated, args[0] the command's name ("extract"), then its
 * arguments. "--data F [F …]" takes the names that follow up to the next
 * option. Errors are G_OPTION_ERROR (what GOption reports) or
 * TA_ERROR_INVALID_ARGUMENT; their messages are what `timearcs-cli extract`
 * prints after its name. @setup may be NULL. */
TaExtractOptions *ta_extract_options_parse_argv   (const char * const       *args,
                                                   const TaExtractArgsSetup *setup,
                                                   GError                  **error);
/* g_shell_parse_argv() of @line, which must run "… extract …", then
 * ta_extract_options_parse_argv() of the arguments from "extract" on
 * (UTF-8, no --help) */
TaExtractOptions *ta_extract_options_parse_command_line (const char         *line,
                                                         GError            **error);

/* Same files, filters and settings (time values compared only when set) */
gboolean          ta_extract_options_equal        (const TaExtractOptions   *a,
                                                   const TaExtractOptions   *b);

G_END_DECLS
