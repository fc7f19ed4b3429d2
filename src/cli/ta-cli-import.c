/* ta-cli-import.c — timearcs-cli import: captures → packet CSV + IP map
 *
 * timearcs-cli import CAPTURE... --out packets.csv[.gz] --ip-map map.json
 *
 * The work is the core's import job (ta-import-job.h); this file parses
 * the arguments and prints the progress line and the summary.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-format.h"
#include "ta-import-job.h"

/* As `extract`: a line rewritten in place on a terminal, else a plain line
 * every 5 seconds */
static void
on_progress (TaJob         *job,
             GParamSpec    *pspec,
             TaCliProgress *progress)
{
  TaCliJobLine l;

  if (!ta_cli_progress_job_due (progress, job, &l))
    return;
  if (progress->tty)
    ta_cli_job_line_print_tty (&l, _("%s packets, %s packets/s, %.0f%%, ETA %s"));
  else
    g_printerr (_("progress: %llu packets, %.0f packets/s, %.0f%% of input, ETA %s\n"),
                l.items, l.rate, l.percent, l.eta);
}

static void
print_summary (const TaImportOptions *o,
               const TaImportResult  *r)
{
  const TaReadStats *stats = &r->stats;

  g_printerr (_("Files: %u read, %u skipped\n"), r->n_read, r->n_skipped);
  g_printerr (_("Records read: %llu\n"), (unsigned long long) stats->rows);
  g_printerr (_("Without IP or of unsupported link types: %llu\n"), (unsigned long long) stats->unsupported);
  g_printerr (_("Cut before their IP addresses: %llu\n"), (unsigned long long) stats->malformed);
  for (guint i = 0; i < stats->examples->len; i++)
    g_printerr ("  %s\n", (char *) g_ptr_array_index (stats->examples, i));
  g_printerr (_("Packets written: %llu to %s\n"), (unsigned long long) r->packets, o->out);
  g_printerr (_("IP map: %u addresses (%u new) in %s\n"), r->map_size, r->new_ids, o->ip_map);
  g_printerr (_("Wall time: %.2f s\n"), r->wall_time);
}

int
ta_cli_import_main (int    argc,
                    char **argv)
{
  g_autoptr(TaImportOptions) o = ta_import_options_new ();
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out,
      N_("Packet CSV to write (gzip when the name ends in .gz)"), N_("FILE") },
    { "ip-map", 'm', 0, G_OPTION_ARG_FILENAME, &o->ip_map,
      N_("IP map to extend (loaded if it exists) and write"), N_("FILE") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &o->force, N_("Replace an existing output file"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress and no summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->inputs, NULL, N_("CAPTURE…") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaImportJob) job = NULL;
  const TaImportResult *r;
  TaCliProgress line;
  gboolean ok;

  ctx = g_option_context_new (_("CAPTURE… — convert pcap/pcapng captures (plain or gzip) into a packet CSV"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  ta_cli_set_description (ctx,
    _("Writes the packet CSV header “timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,"
      "flags,seq_num,ack_num” with addresses as ids of the IP map; addresses the map lacks get new ids."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("timearcs-cli import: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  if (o->inputs == NULL || o->inputs[0] == NULL || o->out == NULL || o->ip_map == NULL)
    {
      g_printerr (_("timearcs-cli import: needs CAPTURE…, --out FILE and --ip-map FILE (see --help)\n"));
      return TA_EXIT_USAGE;
    }

  ta_cli_progress_init (&line, quiet);
  job = ta_import_job_new (o);
  if (!quiet)
    g_signal_connect (job, "notify::items-done", G_CALLBACK (on_progress), &line);
  ok = ta_cli_run_job (TA_JOB (job), &error);
  ta_cli_progress_end_line (&line);

  /* failed captures, then warnings (truncation, unsupported link types),
   * even with --quiet */
  r = ta_import_job_get_result (job);
  for (guint i = 0; i < r->messages->len; i++)
    g_printerr ("%s\n", (char *) g_ptr_array_index (r->messages, i));
  if (!ok)
    return ta_cli_job_failed ("import", error, _("timearcs-cli import: interrupted; nothing written\n"));
  for (guint i = 0; i < r->stats.warnings->len; i++)
    g_printerr (_("warning: %s\n"), (char *) g_ptr_array_index (r->stats.warnings, i));
  if (!quiet)
    print_summary (o, r);
  /* n_failed: skipped, or damaged part-way (the packets before it kept) */
  return ta_cli_job_done ("import", r->n_skipped, r->n_failed - r->n_skipped + r->stats.truncated);
}
