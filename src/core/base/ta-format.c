/* ta-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ta-format.h"

void
ta_format_duration_compact (double  seconds,
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

char *
ta_format_duration_clock (double seconds)
{
  guint64 t;

  if (seconds < 0)
    return g_strdup ("–");
  t = (guint64) (seconds + 0.5);
  if (t >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u:%02u", t / 3600,
                            (guint) (t / 60 % 60), (guint) (t % 60));
  return g_strdup_printf ("%u:%02u", (guint) (t / 60), (guint) (t % 60));
}

char *
ta_format_duration_us (gint64 us)
{
  if (us < 1000)
    return g_strdup_printf (_("%lld µs"), (long long) us);
  if (us < G_USEC_PER_SEC)
    return g_strdup_printf (_("%.1f ms"), us / 1000.0);
  if (us < G_GINT64_CONSTANT (60000000))
    return g_strdup_printf (_("%.2f s"), us / 1e6);
  if (us < G_GINT64_CONSTANT (3600000000))
    return g_strdup_printf (_("%d min %02d s"), (int) (us / 60000000), (int) (us / 1000000 % 60));
  return g_strdup_printf (_("%d h %02d min"), (int) (us / 3600000000LL), (int) (us / 60000000 % 60));
}

char *
ta_format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

char *
ta_format_count_double (double x)
{
  return g_strdup_printf ("%'.0f", x);
}

char *
ta_format_count_commas (guint64 n)
{
  char digits[32];
  GString *out = g_string_new (NULL);
  int len = g_snprintf (digits, sizeof digits, "%llu", (unsigned long long) n);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
ta_format_count_short (double n)
{
  if (n >= 1e6)
    return g_strdup_printf ("%.1f M", n / 1e6);
  if (n >= 1e4)
    return g_strdup_printf ("%.1f k", n / 1e3);
  return g_strdup_printf ("%.0f", n);
}

/* NULL when GDateTime cannot hold @minute; the bound keeps minute * 60 from
 * overflowing */
static GDateTime *
minute_date_time (gint64 minute)
{
  if (minute <= -G_GINT64_CONSTANT (100000000000) || minute >= G_GINT64_CONSTANT (100000000000))
    return NULL;
  return g_date_time_new_from_unix_utc (minute * 60);
}

char *
ta_format_minute_as (gint64      minute,
                     const char *format,
                     const char *number_prefix)
{
  g_autoptr(GDateTime) dt = minute_date_time (minute);

  if (dt == NULL)
    return g_strdup_printf ("%s%" G_GINT64_FORMAT, number_prefix, minute);
  return g_date_time_format (dt, format);
}

char *
ta_format_minute (gint64   minute,
                  gboolean with_date)
{
  g_autoptr(GDateTime) dt = minute_date_time (minute);

  if (dt == NULL)
    return g_strdup ("?");
  return g_date_time_format (dt, with_date ? "%Y-%m-%d %H:%M" : "%H:%M");
}
