/* ta-cli-profile.c — timearcs-cli profile INPUT… --out DIR
 *
 * The extraction's reader, filters and options (ta-extract-args.h) with a
 * profile folder as the only output: the inputs may be given bare, and
 * --out is --output-dir.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-extract-args.h"

/* Options of `extract` that take a value in the next argument */
static gboolean
takes_value (const char *arg)
{
  static const char * const with_value[] = {
    "--data", "-d", "--ip-map", "--output-dir", "-o", "--out", "--filter-ips",
    "--filter-time-start", "--filter-time-end", "--max-records", "--interval", "--preset", "--relays", "--flow-files", "--pseudonymise", "--local-nets", "--rank",
    "--tcp-timeout", "--udp-timeout", "--icmp-timeout",
  };

  for (guint i = 0; i < G_N_ELEMENTS (with_value); i++)
    if (strcmp (arg, with_value[i]) == 0)
      return TRUE;
  return FALSE;
}

/* "profile a.pcap b.csv --out DIR" → "profile --data a.pcap --data b.csv
 * --output-dir DIR"; after "--" every argument is an input */
static char **
rewrite_args (char **argv)
{
  GPtrArray *out = g_ptr_array_new ();
  gboolean rest = FALSE;

  g_ptr_array_add (out, g_strdup (argv[0]));
  for (guint i = 1; argv[i] != NULL; i++)
    {
      const char *a = argv[i];

      if (rest || a[0] != '-' || strcmp (a, "-") == 0)
        {
          g_ptr_array_add (out, g_strdup ("--data"));
          g_ptr_array_add (out, g_strdup (a));
        }
      else if (strcmp (a, "--") == 0)
        rest = TRUE;
      else if (strcmp (a, "--out") == 0)
        {
          g_ptr_array_add (out, g_strdup ("--output-dir"));
          if (argv[i + 1] != NULL)
            g_ptr_array_add (out, g_strdup (argv[++i]));
        }
      else if (g_str_has_prefix (a, "--out="))
        g_ptr_array_add (out, g_strconcat ("--output-dir=", a + strlen ("--out="), NULL));
      else
        {
          g_ptr_array_add (out, g_strdup (a));
          if (takes_value (a) && argv[i + 1] != NULL)
            g_ptr_array_add (out, g_strdup (argv[++i]));
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

int
ta_cli_profile_main (int    argc,
                     char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaExtractOptions) opts = NULL;
  g_auto(GStrv) args = rewrite_args (argv);
  gboolean quiet = FALSE;
  const GOptionEntry cli_entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress and no summary"), NULL },
    { NULL }
  };
  const TaExtractArgsSetup setup = {
    .extra_entries = cli_entries,
    .help = TRUE,
    .parameter_string = _("INPUT… --out DIR — the traffic profile of packet files"),
    .summary =
      _("Reads packet CSVs or captures (pcap, pcapng), plain or gzip, applies the filters of\n"
        "“extract” and writes a profile folder: conn.log (Zeek's TSV, for zeek-cut), conn.csv,\n"
        "conversations.csv, endpoints.csv, intervals.csv and profile.json. Connections follow\n"
        "Zeek's conn.log (conn_state, history, timeouts); conversations and endpoints count as\n"
        "Wireshark's Statistics do. Use --out (or --output-dir) for the folder. The folder is\n"
        "written beside the target and renamed into place only on success."),
    .description = ta_cli_exit_help (),
    .locale_encoded = TRUE,
    .profile_only = TRUE,
  };

  opts = ta_extract_options_parse_argv ((const char * const *) args, &setup, &error);
  if (opts == NULL)
    {
      /* the extraction's wording, with the profile's option name */
      if (g_strcmp0 (error->message, _("--output-dir is required")) == 0)
        g_printerr ("timearcs-cli profile: %s\n", _("--out is required"));
      else
        g_printerr ("timearcs-cli profile: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  opts->profile_only = TRUE;
  return ta_cli_extract_run (opts, quiet, "profile");
}
