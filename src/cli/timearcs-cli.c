/* timearcs-cli.c — command-line front end of the TimeArcs core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ta-cli.h"

static const struct
{
  const char *name;
  int       (*main) (int, char **);
  const char *summary;
} commands[] = {
  { "extract", ta_cli_extract_main, N_("Extract a subset folder (v2.0) from packet CSVs or captures") },
  { "import",  ta_cli_import_main,  N_("Convert captures (pcap, pcapng, gzip) into a packet CSV and IP map") },
  { "attacks", ta_cli_attacks_main, N_("Label packets and aggregate them into attack CSVs for the TimeArcs view") },
  { "profile", ta_cli_profile_main, N_("Profile traffic: Zeek conn.log connections, conversations, endpoints, intervals") },
  { "check",   ta_cli_check_main,   N_("Check that subset folders load as the original viewer loads them") },
  { "demo",    ta_cli_demo_main,    N_("Write a synthetic investigation: captures, packets, ground truth, attack CSVs") },
  { "generate", ta_cli_generate_main, N_("Write synthetic packets (CSV, pcap, pcapng) of any size") },
};

static void
usage (FILE *out)
{
  fprintf (out, _("Usage: timearcs-cli COMMAND [OPTION…]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nRun “timearcs-cli COMMAND --help” for the options of a command.\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? TA_EXIT_USAGE : TA_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("timearcs-cli %s\n", PACKAGE_VERSION);
      return TA_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].main (argc - 1, argv + 1);

  fprintf (stderr, _("timearcs-cli: unknown command “%s”\n"), argv[1]);
  usage (stderr);
  return TA_EXIT_USAGE;
}
