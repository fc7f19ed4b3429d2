/* ta-cli-demo.c — timearcs-cli demo: a synthetic investigation folder;
 * timearcs-cli generate: the same network as one packet stream (CSV, pcap
 * or pcapng, plain or gzip) of any size, for benchmarks and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-demo-job.h"
#include "ta-demo-write.h"
#include "ta-error.h"
#include "ta-out-target.h"

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
    g_printerr (_("progress: %llu packets, %.0f packets/s, %.0f%%, ETA %s\n"),
                l.items, l.rate, l.percent, l.eta);
}

static void
print_demo_summary (const TaDemoResult *r,
                    double              seconds)
{
  g_printerr (_("Wrote the demo investigation to %s in %.1f s: %llu packets (%.0f per second), "
                "%llu normal\n"), r->dir, seconds, (unsigned long long) r->packets,
              seconds > 0 ? (double) r->packets / seconds : 0.0, (unsigned long long) r->normal_packets);
  for (guint i = 0; i < TA_DEMO_N_ATTACKS; i++)
    g_printerr ("  %10llu  %s\n", (unsigned long long) r->attack_packets[i], ta_demo_attack_label (i));
  g_printerr (_("Ground truth: %u rows; attack CSV: %llu rows\n"), r->gt_rows,
              (unsigned long long) r->attack_rows);
  g_printerr (_("Open it with: timearcs %s\n"), r->attack_file);
}

int
ta_cli_demo_main (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaDemoJob) job = NULL;
  g_auto(GStrv) rest = NULL;
  TaDemoOptions o = { 0, };
  TaCliProgress line;
  gint64 seed = TA_DEMO_DEFAULT_SEED, packets = TA_DEMO_DEFAULT_PACKETS, minutes = 120;
  gboolean quiet = FALSE, ok;
  GOptionEntry entries[] = {
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (same seed, same files)"), N_("N") },
    { "packets", 'n', 0, G_OPTION_ARG_INT64, &packets, N_("Packets to generate (default 500000)"), N_("N") },
    { "minutes", 0, 0, G_OPTION_ARG_INT64, &minutes, N_("Span of the traffic in minutes (default 120)"), N_("N") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &o.force, N_("Replace an existing demo folder"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress and no summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("[DIR]") },
    { NULL }
  };

  ctx = g_option_context_new (_("[DIR] — write a synthetic investigation: captures, packet CSV, "
                                "ground truth, mappings and attack CSVs"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  ta_cli_set_description (ctx,
    _("DIR (default: timearcs-demo) gets demo.pcapng.gz, decoded_demo.csv.gz, demo_ip_map.json,\n"
      "ground_truth.csv, the event and group mappings with colours and demo_attacks.csv /\n"
      "demo_grouped_attacks.csv, made by the attacks job: open demo_attacks.csv in timearcs.\n"
      "An organisation's network (10.20.0.0/16, fd00:20::/64) with web, DNS, mail, SSH and ICMP\n"
      "traffic, and scripted attacks: horizontal and vertical scans, a SYN-flood DDoS, an SSH\n"
      "brute force, C2 beaconing, a bulk exfiltration, a spam bot and a UDP flood."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("timearcs-cli demo: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  if ((rest != NULL && rest[0] != NULL && rest[1] != NULL) || packets < 1 || packets > G_MAXUINT32
      || minutes < 1 || minutes > 60 * 24 * 366 || seed < 0)
    {
      g_printerr (_("timearcs-cli demo: needs at most one DIR, --packets 1…4294967295, "
                    "--minutes 1…527040 and --seed ≥ 0 (see --help)\n"));
      return TA_EXIT_USAGE;
    }
  o.dir = rest != NULL && rest[0] != NULL ? rest[0] : "timearcs-demo";
  o.seed = (guint64) seed;
  o.packets = (guint64) packets;
  o.duration_us = minutes * 60 * G_USEC_PER_SEC;
  ta_cli_progress_init (&line, quiet);
  job = ta_demo_job_new (&o);
  g_signal_connect (job, "notify::items-done", G_CALLBACK (on_progress), &line);
  ok = ta_cli_run_job (TA_JOB (job), &error);
  ta_cli_progress_end_line (&line);
  if (!ok)
    return ta_cli_job_failed ("demo", error, _("timearcs-cli demo: interrupted; nothing written\n"));
  if (!quiet)
    print_demo_summary (ta_demo_job_get_result (job), ta_job_get_elapsed (TA_JOB (job)));
  return TA_EXIT_OK;
}

static gboolean
write_ip_map (const char *path,
              guint64     seed,
              gboolean    force,
              GError    **error)
{
  TaDemoConfig config = { .seed = seed, .packets = 1, .start_us = TA_DEMO_DEFAULT_START_US };
  g_autoptr(TaDemoGen) gen = ta_demo_gen_new (&config);
  g_autofree char *json = ta_demo_ip_map_json (gen);

  return ta_out_target_check_file (path, force, NULL, error) &&
         ta_out_write_file (path, json, strlen (json), error);
}

int
ta_cli_generate_main (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = NULL, *ip_map = NULL;
  TaDemoConfig config = { 0, };
  TaDemoFormat format;
  gint64 seed = TA_DEMO_DEFAULT_SEED, packets = 1000000, rate = 1000, start_us = TA_DEMO_DEFAULT_START_US;
  g_autofree char *label_column = NULL;
  gboolean force = FALSE, no_attacks = FALSE;
  TaOut *out;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      N_("File to write: .csv, .pcap or .pcapng, each optionally .gz"), N_("FILE") },
    { "ip-map", 'm', 0, G_OPTION_ARG_FILENAME, &ip_map, N_("Also write the IP map of the CSV's ids"), N_("FILE") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (same seed, same bytes)"), N_("N") },
    { "packets", 'n', 0, G_OPTION_ARG_INT64, &packets, N_("Packets to generate (default 1000000)"), N_("N") },
    { "rate", 0, 0, G_OPTION_ARG_INT64, &rate, N_("Mean packets per second, which sets the span (default 1000)"), N_("N") },
    { "start-us", 0, 0, G_OPTION_ARG_INT64, &start_us,
      N_("Time of the first packet, µs since the epoch (default 2026-11-02 09:00 UTC)"), N_("US") },
    { "no-attacks", 0, 0, G_OPTION_ARG_NONE, &no_attacks, N_("Normal traffic only"), NULL },
    { "attack-column", 0, 0, G_OPTION_ARG_STRING, &label_column,
      N_("CSV: add the attack column, as event codes (code) or label text (name)"), N_("code|name") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace existing output files"), NULL },
    { NULL }
  };

  ctx = g_option_context_new (_("— write the demo network's packets as one packet CSV or capture"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  ta_cli_set_description (ctx,
    _("The network of “timearcs-cli demo” as a single stream of exactly --packets packets, for\n"
      "benchmarks and tests; memory does not grow with --packets. CSV ids are those of --ip-map."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("timearcs-cli generate: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  if (out_path == NULL || argc > 1 || packets < 1 || rate < 1 || seed < 0 || start_us <= 0 ||
      start_us > G_GINT64_CONSTANT (253402300799000000) ||
      (label_column != NULL && strcmp (label_column, "code") != 0 && strcmp (label_column, "name") != 0) ||
      !ta_demo_format_for_name (out_path, &format))
    {
      g_printerr (_("timearcs-cli generate: needs --out FILE.csv|.pcap|.pcapng[.gz], "
                    "--packets ≥ 1, --rate ≥ 1, --attack-column code|name (see --help)\n"));
      return TA_EXIT_USAGE;
    }
  if (!ta_out_target_check_file (out_path, force, NULL, &error))
    {
      g_printerr ("timearcs-cli generate: %s\n", error->message);
      return TA_EXIT_EXISTS;
    }
  else
    out = ta_out_open (out_path, TA_OUT_GZIP_BY_NAME | TA_OUT_GZIP_FAST, 0, &error);
  config.seed = (guint64) seed;
  config.packets = (guint64) packets;
  config.start_us = start_us;
  config.duration_us = MAX (packets * G_USEC_PER_SEC / rate, 1);
  config.attacks = !no_attacks;
  config.label_column = label_column == NULL ? TA_DEMO_LABEL_NONE
                        : strcmp (label_column, "code") == 0 ? TA_DEMO_LABEL_CODE : TA_DEMO_LABEL_NAME;
  if (out == NULL || !ta_demo_write_stream (&config, format, out, NULL, NULL, NULL, NULL, NULL, NULL, &error) ||
      !ta_out_commit_file (out, &error) ||
      (ip_map != NULL && !write_ip_map (ip_map, config.seed, force, &error)))
    {
      g_printerr ("timearcs-cli generate: %s\n", error->message);
      return error->domain == TA_ERROR && error->code == TA_ERROR_EXISTS ? TA_EXIT_EXISTS : TA_EXIT_FAILURE;
    }
  return TA_EXIT_OK;
}
