/* ta-read-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-read-stats.h"

void
ta_read_stats_init (TaReadStats *stats)
{
  memset (stats, 0, sizeof *stats);
  stats->examples = g_ptr_array_new_with_free_func (g_free);
  stats->warnings = g_ptr_array_new_with_free_func (g_free);
}

void
ta_read_stats_clear (TaReadStats *stats)
{
  g_clear_pointer (&stats->examples, g_ptr_array_unref);
  g_clear_pointer (&stats->warnings, g_ptr_array_unref);
}

void
ta_read_stats_add_malformed (TaReadStats *stats,
                             const char  *format,
                             ...)
{
  va_list args;

  stats->malformed++;
  if (stats->examples->len >= TA_READ_STATS_MAX_EXAMPLES)
    return;
  va_start (args, format);
  g_ptr_array_add (stats->examples, g_strdup_vprintf (format, args));
  va_end (args);
}

void
ta_read_stats_add_warning (TaReadStats *stats,
                           const char  *format,
                           ...)
{
  va_list args;

  /* bounded: a hostile file must not grow this without limit */
  if (stats->warnings->len >= 100)
    return;
  va_start (args, format);
  g_ptr_array_add (stats->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}
