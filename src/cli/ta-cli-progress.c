/* ta-cli-progress.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <unistd.h>

#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-error.h"
#include "ta-format.h"

void
ta_cli_progress_init (TaCliProgress *self,
                      gboolean       quiet)
{
  self->quiet = quiet;
  self->tty = isatty (STDERR_FILENO);
  self->line_open = FALSE;
  self->last_us = g_get_monotonic_time ();
}

gboolean
ta_cli_progress_due (TaCliProgress *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->quiet)
    return FALSE;
  if (now - self->last_us < (self->tty ? G_USEC_PER_SEC / 10 : 5 * G_USEC_PER_SEC))
    return FALSE;
  self->last_us = now;
  if (self->tty)
    {
      g_printerr ("\r\033[K");
      self->line_open = TRUE;
    }
  return TRUE;
}

void
ta_cli_progress_end_line (TaCliProgress *self)
{
  if (self->line_open)
    g_printerr ("\n");
  self->line_open = FALSE;
}

gboolean
ta_cli_progress_job_due (TaCliProgress *self,
                         TaJob         *job,
                         TaCliJobLine  *line)
{
  if (!ta_cli_progress_due (self))
    return FALSE;
  line->items = ta_job_get_items_done (job);
  line->rate = ta_job_get_rate (job);
  line->percent = 100.0 * MAX (ta_job_get_fraction (job), 0);
  ta_format_duration_compact (ta_job_get_eta (job), line->eta, sizeof line->eta);
  return TRUE;
}

static gboolean
on_signal (gpointer user_data)
{
  ta_job_cancel (TA_JOB (user_data));
  return G_SOURCE_CONTINUE;
}

static gpointer
run_signal_loop (gpointer data)
{
  GMainLoop *loop = data;

  g_main_context_push_thread_default (g_main_loop_get_context (loop));
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (g_main_loop_get_context (loop));
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

gboolean
ta_cli_run_job (TaJob   *job,
                GError **error)
{
  const int signals[] = { SIGINT, SIGTERM };
  GSource *sources[G_N_ELEMENTS (signals)];
  GMainContext *context = g_main_context_new ();
  GMainLoop *loop = g_main_loop_new (context, FALSE);
  GThread *thread;
  gboolean ok;

  /* a small thread watches for the signals while the job runs here */
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      sources[i] = g_unix_signal_source_new (signals[i]);
      g_source_set_callback (sources[i], on_signal, job, NULL);
      g_source_attach (sources[i], context);
    }
  thread = g_thread_new ("signals", run_signal_loop, loop);

  ok = ta_job_run (job, error);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_source_destroy (sources[i]);
      g_source_unref (sources[i]);
    }
  g_main_context_invoke (context, quit_loop, loop);
  g_thread_join (thread);
  g_main_loop_unref (loop);
  g_main_context_unref (context);
  return ok;
}

const char *
ta_cli_exit_help (void)
{
  return _("Exit status (the same for every subcommand):\n"
           "  0    done: every input was read whole\n"
           "  1    failed (an output could not be written, a bad map or mapping, an invalid folder);\n"
           "       nothing that looks complete is left behind\n"
           "  2    bad arguments\n"
           "  3    an output exists (the force option replaces it), or is something that option\n"
           "       never replaces: a folder that is not a subset folder, a link, a file of the\n"
           "       wrong kind, an input of the run\n"
           "  4    no input could be read; nothing written\n"
           "  5    written, but not every input was read whole: one was skipped (missing or\n"
           "       unreadable) or ended early (cut short, or damaged part-way: what came before\n"
           "       was used); a warning names each file and byte\n"
           "  6    the inputs were read but no packet passed the filters; nothing written\n"
           "  130  interrupted (Ctrl+C or SIGTERM); nothing is left behind");
}

void
ta_cli_set_description (GOptionContext *ctx,
                        const char     *text)
{
  g_autofree char *all = g_strdup_printf ("%s\n\n%s", text, ta_cli_exit_help ());

  g_option_context_set_description (ctx, all);
}

int
ta_cli_job_done (const char *command,
                 guint       n_skipped,
                 guint       n_cut)
{
  if (n_skipped == 0 && n_cut == 0)
    return TA_EXIT_OK;
  g_printerr (_("timearcs-cli %s: output written, but %u input(s) were skipped and %u ended early "
                "(see the warnings above); exit status 5\n"), command, n_skipped, n_cut);
  return TA_EXIT_PARTIAL;
}

int
ta_cli_job_failed (const char   *command,
                   const GError *error,
                   const char   *interrupted)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("%s", interrupted);
      return TA_EXIT_CANCELLED;
    }
  g_printerr ("timearcs-cli %s: %s\n", command, error->message);
  if (g_error_matches (error, TA_ERROR, TA_ERROR_EXISTS))
    return TA_EXIT_EXISTS;
  if (g_error_matches (error, TA_ERROR, TA_ERROR_NO_INPUT))
    return TA_EXIT_NO_INPUT;
  if (g_error_matches (error, TA_ERROR, TA_ERROR_NO_MATCH))
    return TA_EXIT_NO_MATCH;
  if (g_error_matches (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT))
    return TA_EXIT_USAGE;
  return TA_EXIT_FAILURE;
}

void
ta_cli_job_line_print_tty (const TaCliJobLine *line,
                           const char         *format)
{
  g_autofree char *items = ta_format_count (line->items);
  g_autofree char *rate = ta_format_count_double (line->rate);

  g_printerr (format, items, rate, line->percent, line->eta);
}
