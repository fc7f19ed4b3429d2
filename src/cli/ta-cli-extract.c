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
#include "ta-error.h"
#include "ta-cli-progress.h"
#include "ta-extract-job.h"

typedef struct
{
  GPtrArray     *data_files;   /* char* */
  TaCliProgress  progress;
} CliState;

static CliState *cli_state;

/* --data F [F …]: the option takes one file; the names that follow it up to
 * the next option are collected in main() before parsing. */
static gboolean
add_data_file (const char  *option_name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  g_ptr_array_add (cli_state->data_files, g_strdup (value));
  return TRUE;
}

static gboolean
parse_us (const char *text,
          gint64     *out)
{
  char *end = NULL;
  double d;

  if (text == NULL)
    return FALSE;
  *out = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    return TRUE;
  d = g_ascii_strtod (text, &end);   /* "1257254400000000.0" */
  if (end == text || *end != '\0' || !(d > -9.2e18 && d < 9.2e18))
    return FALSE;
  *out = (gint64) d;
  return TRUE;
}

static void
on_progress (TaJob      *job,
             GParamSpec *pspec,
             CliState   *st)
{
  char eta[32];
  double pct = MAX (ta_job_get_fraction (job), 0) * 100.0;
  unsigned long long rows = ta_job_get_items_done (job);

  if (!ta_cli_progress_due (&st->progress))
    return;
  ta_cli_format_duration (ta_job_get_eta (job), eta, sizeof eta);
  if (st->progress.tty)
    {
      g_printerr (_("%'llu rows, %'.0f rows/s, %.0f%%, ETA %s"),
                  rows, ta_job_get_rate (job), pct, eta);
      return;
    }
  g_printerr (_("progress: %llu rows read, %llu kept, "
                "%.0f rows/s, %.0f%% of input, ETA %s\n"),
              rows, (unsigned long long) ta_extract_job_get_counts (TA_EXTRACT_JOB (job))->rows_kept,
              ta_job_get_rate (job), pct, eta);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
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
  g_printerr (_("Rows kept: %llu%s\n"), (unsigned long long) c->rows_kept,
              c->max_reached ? _(" (stopped at --max-records)") : "");
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

/* Lets "--data a.csv b.csv c.csv" work: every bare argument after --data
 * (until the next option) becomes another --data. */
static char **
expand_data_args (int    argc,
                  char **argv,
                  int   *out_argc)
{
  GPtrArray *out = g_ptr_array_new ();
  gboolean in_data = FALSE;

  for (int i = 0; i < argc; i++)
    {
      const char *a = argv[i];

      if (i > 0 && in_data && a[0] != '-')
        {
          g_ptr_array_add (out, g_strdup ("--data"));
          g_ptr_array_add (out, g_strdup (a));
          continue;
        }
      in_data = FALSE;
      g_ptr_array_add (out, g_strdup (a));
      if (strcmp (a, "--data") == 0 || strcmp (a, "-d") == 0)
        {
          if (i + 1 < argc)
            g_ptr_array_add (out, g_strdup (argv[++i]));
          in_data = TRUE;
        }
      else if (g_str_has_prefix (a, "--data="))
        in_data = TRUE;
      else if (strcmp (a, "--") == 0)
        {
          for (i++; i < argc; i++)
            g_ptr_array_add (out, g_strdup (argv[i]));
          break;
        }
    }
  *out_argc = out->len;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

int
ta_cli_extract_main (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaExtractOptions) opts = ta_extract_options_new ();
  g_autoptr(TaExtractJob) job = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *ip_map = NULL;
  g_autofree char *output_dir = NULL;
  g_autofree char *filter_ips = NULL;
  g_autofree char *time_start = NULL;
  g_autofree char *time_end = NULL;
  g_autofree char *attack_context = NULL;
  gint64 max_records = 0;
  int flow_timeout = 300;
  int chunk_size = 200;
  gboolean force = FALSE;
  gboolean quiet = FALSE;
  CliState st = { 0 };
  gboolean ok;
  int n_args;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_CALLBACK, add_data_file,
      N_("Packet CSV or capture, plain or gzip; several may follow, or repeat the option"), N_("FILE…") },
    { "ip-map", 0, 0, G_OPTION_ARG_FILENAME, &ip_map,
      N_("IP map JSON {\"a.b.c.d\": id} for numeric src_ip/dst_ip"), N_("FILE") },
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_("Folder to write (v2.0 layout); must not exist or be empty"), N_("DIR") },
    { "filter-ips", 0, 0, G_OPTION_ARG_STRING, &filter_ips,
      N_("Keep rows whose source or destination is one of these (comma list of addresses and IP map ids)"), N_("LIST") },
    { "filter-time-start", 0, 0, G_OPTION_ARG_STRING, &time_start,
      N_("Keep rows at or after this time (µs since the epoch)"), N_("US") },
    { "filter-time-end", 0, 0, G_OPTION_ARG_STRING, &time_end,
      N_("Keep rows at or before this time (µs since the epoch)"), N_("US") },
    { "attack-context", 0, 0, G_OPTION_ARG_STRING, &attack_context,
      N_("Attack label recorded in manifest.json (does not filter rows)"), N_("LABEL") },
    { "max-records", 0, 0, G_OPTION_ARG_INT64, &max_records,
      N_("Stop after this many kept rows"), N_("N") },
    { "flow-timeout", 0, 0, G_OPTION_ARG_INT, &flow_timeout,
      N_("Seconds without a packet that complete a flow (default 300)"), N_("S") },
    { "chunk-size", 0, 0, G_OPTION_ARG_INT, &chunk_size,
      N_("Flows per chunk file (default 200)"), N_("N") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Replace an existing non-empty output folder"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      N_("No progress and no summary"), NULL },
    { NULL }
  };

  st.data_files = g_ptr_array_new_with_free_func (g_free);
  cli_state = &st;

  ctx = g_option_context_new (_("— extract a subset folder from packet files"));
  g_option_context_set_summary (ctx,
    _("Reads packet CSVs (or captures), plain or gzip, applies the filters and writes a\n"
      "v2.0 subset folder: packets.csv, flows/, ips/, indices/ and manifest.json.\n"
      "The folder is written beside the target and renamed into place only on success."));
  g_option_context_set_description (ctx,
    _("Exit status:\n"
      "  0    success\n"
      "  1    processing failed (I/O error, corrupt or unreadable input)\n"
      "  2    bad arguments\n"
      "  3    the output folder exists and is not empty (use --force)\n"
      "  4    no input file could be read\n"
      "  130  interrupted (Ctrl+C); nothing is left behind\n"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);

  /* parse_strv, not parse: args is ours, and only the strv variant frees
   * the strings it removes from the vector */
  args = expand_data_args (argc, argv, &n_args);
  {
    if (!g_option_context_parse_strv (ctx, &args, &error))
      {
        g_printerr ("timearcs-cli extract: %s\n", error->message);
        g_ptr_array_unref (st.data_files);
        return TA_EXIT_USAGE;
      }
    n_args = g_strv_length (args);
    if (n_args > 1)
      {
        g_printerr (_("timearcs-cli extract: unexpected argument “%s”\n"), args[1]);
        g_ptr_array_unref (st.data_files);
        return TA_EXIT_USAGE;
      }
  }

#define USAGE_ERROR(...) G_STMT_START {                           \
    g_printerr ("timearcs-cli extract: ");                        \
    g_printerr (__VA_ARGS__);                                     \
    g_printerr ("\n");                                            \
    g_ptr_array_unref (st.data_files);                            \
    return TA_EXIT_USAGE;                                         \
  } G_STMT_END

  if (st.data_files->len == 0)
    USAGE_ERROR (_("--data is required"));
  if (output_dir == NULL || *output_dir == '\0')
    USAGE_ERROR (_("--output-dir is required"));
  if (time_start && !parse_us (time_start, &opts->time_start_us))
    USAGE_ERROR (_("--filter-time-start: not a number: %s"), time_start);
  if (time_end && !parse_us (time_end, &opts->time_end_us))
    USAGE_ERROR (_("--filter-time-end: not a number: %s"), time_end);
  if (max_records < 0)
    USAGE_ERROR (_("--max-records must not be negative"));
  if (flow_timeout <= 0)
    USAGE_ERROR (_("--flow-timeout must be positive"));
  if (chunk_size <= 0)
    USAGE_ERROR (_("--chunk-size must be positive"));

  g_ptr_array_add (st.data_files, NULL);
  opts->data_files = (char **) g_ptr_array_free (st.data_files, FALSE);
  st.data_files = NULL;
  opts->ip_map_path = g_steal_pointer (&ip_map);
  opts->output_dir = g_steal_pointer (&output_dir);
  if (filter_ips != NULL)
    {
      opts->filter_ips = g_strsplit (filter_ips, ",", -1);
      for (guint i = 0; opts->filter_ips[i]; i++)
        g_strstrip (opts->filter_ips[i]);
    }
  opts->has_time_start = time_start != NULL;
  opts->has_time_end = time_end != NULL;
  opts->attack_context = g_steal_pointer (&attack_context);
  opts->max_records = max_records;
  opts->flow_timeout_s = flow_timeout;
  opts->chunk_size = chunk_size;
  opts->force = force;

  ta_cli_progress_init (&st.progress, quiet);

  job = ta_extract_job_new (opts);
  g_signal_connect (job, "notify::items-done", G_CALLBACK (on_progress), &st);
  ok = ta_cli_run_job (TA_JOB (job), &error);

  ta_cli_progress_end_line (&st.progress);
  if (!quiet && (ok || ta_extract_job_get_counts (job)->files_read > 0))
    print_summary (job, ok);
  else if (!quiet)
    {
      const TaReadStats *stats = ta_extract_job_get_read_stats (job);

      for (guint i = 0; i < stats->warnings->len; i++)
        g_printerr (_("warning: %s\n"), (const char *) g_ptr_array_index (stats->warnings, i));
    }
  if (ok)
    return TA_EXIT_OK;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr (_("timearcs-cli extract: interrupted; no output written\n"));
      return TA_EXIT_CANCELLED;
    }
  g_printerr ("timearcs-cli extract: %s\n", error->message);
  if (g_error_matches (error, TA_ERROR, TA_ERROR_EXISTS))
    return TA_EXIT_EXISTS;
  if (g_error_matches (error, TA_ERROR, TA_ERROR_NO_INPUT))
    return TA_EXIT_NO_INPUT;
  if (g_error_matches (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT))
    return TA_EXIT_USAGE;
  return TA_EXIT_FAILURE;
}
