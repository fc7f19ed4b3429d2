/* ta-cli-progress.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "ta-cli-progress.h"

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

void
ta_cli_format_duration (double  seconds,
                        char   *buf,
                        gsize   len)
{
  if (seconds < 0)
    g_strlcpy (buf, "?", len);
  else if (seconds < 60)
    g_snprintf (buf, len, "%.0fs", seconds);
  else if (seconds < 3600)
    g_snprintf (buf, len, "%dm%02ds", (int) seconds / 60, (int) seconds % 60);
  else
    g_snprintf (buf, len, "%dh%02dm", (int) seconds / 3600, ((int) seconds % 3600) / 60);
}
