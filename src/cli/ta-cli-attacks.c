/* ta-cli-attacks.c — timearcs-cli attacks: packets → attack CSVs
 *
 * timearcs-cli attacks INPUT... --ip-map MAP --out attacks.csv
 *   [--grouped-out grouped.csv] [--ground-truth GT.csv]
 *   [--event-mapping M.json] [--group-mapping G.json] [--force] [--quiet]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "ta-attacks-job.h"
#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-format.h"
#include "ta-read-stats.h"

/* The progress line as extract draws it: in place on a terminal, else a
 * line every 5 s */
static void
on_progress (TaJob         *job,
             GParamSpec    *pspec,
             TaCliProgress *progress)
{
  TaCliJobLine l;

  if (ta_job_get_message (job) == NULL || !ta_cli_progress_job_due (progress, job, &l))
    return;
  if (progress->tty)
    ta_cli_job_line_print_tty (&l, _("%s rows, %s rows/s, %.0f%%, ETA %s"));
  else
    g_printerr (_("progress: %llu rows read, %.0f rows/s, %.0f%% of input, ETA %s\n"),
                l.items, l.rate, l.percent, l.eta);
}

static void
print_summary (const TaAttacksOptions *opts,
               const TaAttacksResult  *r)
{
  guint64 labelled = 0;

  g_printerr (_("Read %llu packets from %u file(s) into %llu rows\n"),
          (unsigned long long) r->packets, r->n_files_read, (unsigned long long) r->rows);
  if (r->ts_units & (TA_TS_UNIT_S | TA_TS_UNIT_MS))
    g_printerr (_("Timestamps: %s%s%s (told apart by magnitude)\n"),
            (r->ts_units & TA_TS_UNIT_S) ? "s " : "",
            (r->ts_units & TA_TS_UNIT_MS) ? "ms " : "",
            (r->ts_units & TA_TS_UNIT_US) ? "µs" : "");
  if (opts->ground_truth != NULL)
    g_printerr (_("Ground truth: %llu events (%llu blank rows skipped, %llu bad rows)\n"),
            (unsigned long long) r->gt_events, (unsigned long long) r->gt_blank_rows,
            (unsigned long long) r->gt_bad_rows);
  g_printerr (_("Packets per event type:\n"));
  for (guint i = 0; i < r->labels->len; i++)
    {
      const TaAttacksLabelCount *c = &g_array_index (r->labels, TaAttacksLabelCount, i);

      if (c->code != -1)
        labelled += c->packets;
      g_printerr ("  %12" G_GUINT64_FORMAT "  %4d  %s\n", c->packets, c->code,
              c->label ? c->label : _("(not in the event mapping)"));
    }
  g_printerr (_("Labelled: %llu, normal: %llu\n"), (unsigned long long) labelled, (unsigned long long) r->normal);
  if (opts->ground_truth != NULL)
    g_printerr (_("Matched by the ground truth: %llu, ambiguous (several events): %llu, "
              "of which with differing labels: %llu\n"),
            (unsigned long long) r->gt_matched, (unsigned long long) r->ambiguous,
            (unsigned long long) r->conflicting);
  if (r->column_labelled > 0)
    g_printerr (_("Labelled by the attack column: %llu\n"), (unsigned long long) r->column_labelled);
  g_printerr (_("Malformed rows skipped: %llu\n"), (unsigned long long) r->malformed);
  g_printerr (_("New IP ids: %u, new event labels: %u\n"), r->new_ids, r->new_labels);
  g_printerr (_("Wrote %s"), r->out);
  if (r->grouped_out)
    g_printerr (", %s", r->grouped_out);
  g_printerr (", %s, %s", r->ip_map_out, r->event_mapping_out);
  if (r->group_mapping_out)
    g_printerr (", %s", r->group_mapping_out);
  g_printerr ("\n");
}

int
ta_cli_attacks_main (int    argc,
                     char **argv)
{
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaAttacksJob) job = NULL;
  const TaAttacksResult *result;
  TaCliProgress line;
  gboolean quiet = FALSE;
  gboolean ok;
  GOptionEntry entries[] = {
    { "ip-map", 'm', 0, G_OPTION_ARG_FILENAME, &opts->ip_map,
      N_("IP map: numeric src_ip/dst_ip are looked up in it; addresses it lacks get new ids"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &opts->out, N_("Attack CSV to write"), N_("FILE") },
    { "grouped-out", 0, 0, G_OPTION_ARG_FILENAME, &opts->grouped_out,
      N_("Also write the grouped attack CSV (attack_group column)"), N_("FILE") },
    { "ground-truth", 'g', 0, G_OPTION_ARG_FILENAME, &opts->ground_truth,
      N_("Label packets by matching this ground-truth CSV"), N_("FILE") },
    { "event-mapping", 'e', 0, G_OPTION_ARG_FILENAME, &opts->event_mapping,
      N_("Event-type mapping (label → code JSON)"), N_("FILE") },
    { "group-mapping", 0, 0, G_OPTION_ARG_FILENAME, &opts->group_mapping,
      N_("Attack-group mapping (group → code JSON)"), N_("FILE") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &opts->force, N_("Replace existing output files"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress and no summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opts->inputs, NULL, N_("INPUT…") },
    { NULL }
  };

  ctx = g_option_context_new (_("INPUT… — label packets and aggregate them into attack CSVs for the TimeArcs view"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  ta_cli_set_description (ctx,
    _("INPUT is a packet CSV (plain or gzip, with or without an “attack” column) or a capture.\n"
      "Writes timestamp,length,src_ip,dst_ip,protocol,attack,count per (minute, length, src, dst,\n"
      "protocol, attack), and next to it PREFIX_ip_map.json and event_type_mapping_PREFIX.json\n"
      "(PREFIX: the output name without _attacks.csv or .csv; the given mappings extended with\n"
      "what they lacked; attack_group_mapping_PREFIX.json with --grouped-out).\n"
      "With --ground-truth, a packet an event matches takes the event's label; other packets\n"
      "keep their attack column, or are normal (-1)."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("timearcs-cli attacks: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  if (opts->inputs == NULL || opts->inputs[0] == NULL || opts->out == NULL || opts->ip_map == NULL)
    {
      g_printerr (_("timearcs-cli attacks: needs INPUT…, --ip-map FILE and --out FILE (see --help)\n"));
      return TA_EXIT_USAGE;
    }
  if (opts->group_mapping != NULL && opts->grouped_out == NULL)
    {
      g_printerr (_("timearcs-cli attacks: --group-mapping needs --grouped-out\n"));
      return TA_EXIT_USAGE;
    }

  ta_cli_progress_init (&line, quiet);
  job = ta_attacks_job_new (opts);
  g_signal_connect (job, "notify::items-done", G_CALLBACK (on_progress), &line);
  ok = ta_cli_run_job (TA_JOB (job), &error);
  ta_cli_progress_end_line (&line);

  if (!ok)
    return ta_cli_job_failed ("attacks", error, _("timearcs-cli attacks: interrupted; nothing written\n"));

  result = ta_attacks_job_get_result (job);
  /* problems are shown even with --quiet */
  for (guint i = 0; i < result->messages->len; i++)
    g_printerr ("%s\n", (char *) result->messages->pdata[i]);
  if (!quiet)
    print_summary (opts, result);
  return ta_cli_job_done ("attacks", result->n_files_failed, result->truncated);
}
