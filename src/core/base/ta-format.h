/* ta-format.h — durations, counts and minutes as the app and the CLI show them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Durations */

/* @seconds as "42s", "3m07s" or "2h05m"; "?" when negative (unknown): the
 * CLI's progress line. Writes at most @len bytes to @buf. */
void     ta_format_duration_compact (double       seconds,
                                     char        *buf,
                                     gsize        len);
/* @seconds rounded to a second as "0:42", "3:07" or "2:05:00"; "–" when
 * negative (unknown): the runner's ETA */
char    *ta_format_duration_clock   (double       seconds);
/* @us microseconds as "850 µs", "12.5 ms", "3.25 s", "4 min 07 s" or
 * "2 h 05 min" (translated): flow durations in the flow panel */
char    *ta_format_duration_us      (gint64       us);

/* Counts */

/* @n with the locale's digit grouping ("790,668" in en_US, "790.668" in
 * de_DE, "790668" in C) */
char    *ta_format_count            (guint64      n);
/* @x rounded to a whole number, with the locale's digit grouping (a rate) */
char    *ta_format_count_double     (double       x);
/* @n with a comma every three digits, whatever the locale ("790,668") */
char    *ta_format_count_commas     (guint64      n);
/* 1234 → "1234", 45678 → "45.7 k", 1527034 → "1.5 M" */
char    *ta_format_count_short      (double       n);

/* Minutes (since the Unix epoch, UTC) */

/* @minute as @format (g_date_time_format()); when GDateTime cannot hold it
 * (outside the years 1–9999), @number_prefix followed by the minute number */
char    *ta_format_minute_as        (gint64       minute,
                                     const char  *format,
                                     const char  *number_prefix);
/* "2009-11-03 13:24" with @with_date, else "13:24"; "?" when GDateTime
 * cannot hold it: the views' labels */
char    *ta_format_minute           (gint64       minute,
                                     gboolean     with_date);

G_END_DECLS
