/* ta-cli-extract.c — timearcs-cli extract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-extract-args.h"
#include "ta-format.h"

typedef struct
{
  TaCliProgress  progress;
} CliState;

static void
on_progress (TaJob      *job,
             GParamSpec *pspec,
             CliState   *st)
{
  TaCliJobLine l;

  if (!ta_cli_progress_job_due (&st->progress, job, &l))
    return;
  if (st->progress.tty)
    ta_cli_job_line_print_tty (&l, _("%s rows, %s rows/s, %.0f%%, ETA %s"));
  else
    g_printerr (_("progress: %llu rows read, %llu kept, "
                  "%.0f rows/s, %.0f%% of input, ETA %s\n"),
                l.items, (unsigned long long) ta_extract_job_get_counts (TA_EXTRACT_JOB (job))->rows_kept,
                l.rate, l.percent, l.eta);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

void
ta_cli_print_profile_summary (const TaProfileSummary *ps,
                              const char             *where)
{
  g_autofree char *conns = ta_format_count (ps->connections);
  g_autofree char *convs = ta_format_count (ps->conversations);
  g_autofree char *ends = ta_format_count (ps->endpoints);
  g_autofree char *ints = ta_format_count (ps->intervals);
  GString *states = g_string_new (NULL);

  for (guint i = 0; i < TA_CONN_N_STATES; i++)
    if (ps->conns_by_state[i] > 0)
      {
        g_autofree char *n = ta_format_count (ps->conns_by_state[i]);

        g_string_append_printf (states, "%s%s %s", states->len ? ", " : "",
                                ta_conn_state_name (i), n);
      }
  g_printerr (_("Profile (%s): %s connections (%s), %s conversations, %s endpoints, %s intervals\n"),
              where, conns, states->str, convs, ends, ints);
  if (ps->findings > 0 || ps->anomalous > 0)
    {
      g_autofree char *anom = ta_format_count (ps->anomalous);

      g_printerr (g_dngettext (GETTEXT_PACKAGE, "Findings: %u detected behaviour; %s connections scored anomalous\n",
                               "Findings: %u detected behaviours; %s connections scored anomalous\n", ps->findings),
                  ps->findings, anom);
    }
  g_string_free (states, TRUE);
}

static void
print_summary (TaExtractJob *job,
               gboolean      ok)
{
  const TaReadStats *stats = ta_extract_job_get_read_stats (job);
  const TaExtractCounts *c = ta_extract_job_get_counts (job);
  const TaFolderSummary *sum = ta_extract_job_get_summary (job);
  const TaExtractOptions *o = ta_extract_job_get_options (job);

  for (guint i = 0; i < stats->warnings->len; i++)
    g_printerr (_("warning: %s\n"), (const char *) g_ptr_array_index (stats->warnings, i));

  g_printerr (_("Files: %u read, %u skipped\n"), c->files_read, c->files_skipped);
  g_printerr (_("Rows read: %llu\n"), (unsigned long long) stats->rows);
  if (stats->ts_units & (TA_TS_UNIT_S | TA_TS_UNIT_MS))
    g_printerr (_("Timestamps: %s%s%s (converted to µs)\n"),
                stats->ts_units & TA_TS_UNIT_S ? _("seconds ") : "",
                stats->ts_units & TA_TS_UNIT_MS ? _("milliseconds ") : "",
                stats->ts_units & TA_TS_UNIT_US ? _("microseconds") : "");
  g_printerr (_("Malformed rows: %llu\n"), (unsigned long long) stats->malformed);
  for (guint i = 0; i < stats->examples->len; i++)
    g_printerr ("  %s\n", (const char *) g_ptr_array_index (stats->examples, i));
  if (o->has_time_start || o->has_time_end)
    g_printerr (_("Rejected by the time filter: %llu%s\n"), (unsigned long long) c->rejected_time,
                c->files_stopped_early ? _(" (reading stopped early past the end)") : "");
  if (o->filter_ips != NULL)
    g_printerr (_("Rejected by the IP filter: %llu\n"), (unsigned long long) c->rejected_ip);
  if (o->preset != NULL)
    g_printerr (_("Rejected by the preset %s: %llu\n"), o->preset, (unsigned long long) c->rejected_preset);
  g_printerr (_("Rows kept: %llu%s\n"), (unsigned long long) c->rows_kept,
              c->max_reached ? _(" (stopped at --max-records)") : "");
  if (ok && ta_extract_job_get_profile_summary (job) != NULL)
    ta_cli_print_profile_summary (ta_extract_job_get_profile_summary (job),
                                  o->profile_only ? o->output_dir : "profile/");
  if (ok && sum != NULL)
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer key;

      g_printerr (_("Packets written: %llu (%llu TCP), "
                    "%u addresses\n"),
                  (unsigned long long) sum->total_packets,
                  (unsigned long long) sum->tcp_packets, sum->unique_ips);
      g_printerr (_("Flows: %llu in %u chunks (%llu"
                    " completed by timeout)\n"),
                  (unsigned long long) sum->total_flows, sum->total_chunks,
                  (unsigned long long) sum->flows_by_timeout);
      g_hash_table_iter_init (&iter, sum->flow_classes);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (keys, key);
      g_ptr_array_sort (keys, compare_strings);
      for (guint i = 0; i < keys->len; i++)
        {
          const guint64 *n = g_hash_table_lookup (sum->flow_classes, keys->pdata[i]);

          g_printerr ("  %-40s %" G_GUINT64_FORMAT "\n", (const char *) keys->pdata[i], *n);
        }
    }
  g_printerr (_("Wall time: %.2f s\n"), ta_extract_job_get_wall_time (job));
}

/* The arguments, through the core's parser; --quiet is the CLI's own */
static TaExtractOptions *
parse_args (char     **argv,
            gboolean  *quiet)
{
  g_autoptr(GError) error = NULL;
  TaExtractOptions *options;
  const GOptionEntry cli_entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, quiet,
      N_("No progress and no summary"), NULL },
    { NULL }
  };
  const TaExtractArgsSetup setup = {
    .extra_entries = cli_entries,
    .help = TRUE,
    .parameter_string = _("— extract a subset folder from packet files"),
    .summary =
      _("Reads packet CSVs (or captures), plain or gzip, applies the filters and writes a\n"
        "v2.0 subset folder: packets.csv, flows/, ips/, indices/ and manifest.json.\n"
        "The folder is written beside the target and renamed into place only on success."),
    .description = ta_cli_exit_help (),
    .locale_encoded = TRUE,
  };

  options = ta_extract_options_parse_argv ((const char * const *) argv, &setup, &error);
  if (options == NULL)
    g_printerr ("timearcs-cli extract: %s\n", error->message);
  return options;
}

int
ta_cli_extract_main (int    argc,
                     char **argv)
{
  g_autoptr(TaExtractOptions) opts = NULL;
  gboolean quiet = FALSE;

  opts = parse_args (argv, &quiet);
  if (opts == NULL)
    return TA_EXIT_USAGE;
  return ta_cli_extract_run (opts, quiet, "extract");
}

int
ta_cli_extract_run (const TaExtractOptions *opts,
                    gboolean                quiet,
                    const char             *command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaExtractJob) job = NULL;
  g_autofree char *interrupted = g_strdup_printf (_("timearcs-cli %s: interrupted; no output written\n"),
                                                  command);
  CliState st = { 0 };
  gboolean ok;

  ta_cli_progress_init (&st.progress, quiet);

  job = ta_extract_job_new (opts);
  g_signal_connect (job, "notify::items-done", G_CALLBACK (on_progress), &st);
  ok = ta_cli_run_job (TA_JOB (job), &error);

  ta_cli_progress_end_line (&st.progress);
  if (!quiet && (ok || ta_extract_job_get_counts (job)->files_read > 0))
    print_summary (job, ok);
  else
    {
      /* warnings (skipped, cut or damaged inputs) even with --quiet */
      const TaReadStats *stats = ta_extract_job_get_read_stats (job);

      for (guint i = 0; i < stats->warnings->len; i++)
        g_printerr (_("warning: %s\n"), (const char *) g_ptr_array_index (stats->warnings, i));
    }
  if (ok)
    return ta_cli_job_done (command, ta_extract_job_get_counts (job)->files_skipped,
                            ta_extract_job_get_read_stats (job)->truncated);

  return ta_cli_job_failed (command, error, interrupted);
}
