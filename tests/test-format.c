/* test-format.c — durations, counts and minutes (ta-format.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "ta-format.h"

static void
assert_compact (double seconds, const char *expected)
{
  char buf[32];

  ta_format_duration_compact (seconds, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, expected);
}

static void
test_duration_compact (void)
{
  assert_compact (-1, "?");
  assert_compact (0, "0s");
  assert_compact (42.4, "42s");
  assert_compact (59.4, "59s");
  assert_compact (60, "1m00s");
  assert_compact (185.9, "3m05s");
  assert_compact (3599, "59m59s");
  assert_compact (3600, "1h00m");
  assert_compact (2 * 3600 + 10 * 60 + 59, "2h10m");

  /* a short buffer is truncated, never overrun */
  {
    char small[3];

    ta_format_duration_compact (185, small, sizeof small);
    g_assert_cmpstr (small, ==, "3m");
  }
}

static void
assert_str (char *actual, const char *expected)
{
  g_assert_cmpstr (actual, ==, expected);
  g_free (actual);
}

static void
test_duration_clock (void)
{
  assert_str (ta_format_duration_clock (-0.5), "–");
  assert_str (ta_format_duration_clock (0), "0:00");
  assert_str (ta_format_duration_clock (41.6), "0:42");
  assert_str (ta_format_duration_clock (187), "3:07");
  assert_str (ta_format_duration_clock (3599.4), "59:59");
  assert_str (ta_format_duration_clock (3599.5), "1:00:00");
  assert_str (ta_format_duration_clock (2 * 3600 + 5 * 60), "2:05:00");
  assert_str (ta_format_duration_clock (100 * 3600 + 1), "100:00:01");
}

static void
test_duration_us (void)
{
  assert_str (ta_format_duration_us (0), "0 µs");
  assert_str (ta_format_duration_us (850), "850 µs");
  assert_str (ta_format_duration_us (999), "999 µs");
  assert_str (ta_format_duration_us (1000), "1.0 ms");
  assert_str (ta_format_duration_us (12500), "12.5 ms");
  assert_str (ta_format_duration_us (G_USEC_PER_SEC), "1.00 s");
  assert_str (ta_format_duration_us (3250000), "3.25 s");
  assert_str (ta_format_duration_us (G_GINT64_CONSTANT (247000000)), "4 min 07 s");
  assert_str (ta_format_duration_us (G_GINT64_CONSTANT (3600000000)), "1 h 00 min");
  assert_str (ta_format_duration_us (G_GINT64_CONSTANT (7500000000)), "2 h 05 min");
}

static void
test_count_short (void)
{
  assert_str (ta_format_count_short (0), "0");
  assert_str (ta_format_count_short (1234), "1234");
  assert_str (ta_format_count_short (9999), "9999");
  assert_str (ta_format_count_short (45678), "45.7 k");
  assert_str (ta_format_count_short (999999), "1000.0 k");
  assert_str (ta_format_count_short (1527034), "1.5 M");
}

static void
test_count_commas (void)
{
  assert_str (ta_format_count_commas (0), "0");
  assert_str (ta_format_count_commas (999), "999");
  assert_str (ta_format_count_commas (1000), "1,000");
  assert_str (ta_format_count_commas (790668), "790,668");
  assert_str (ta_format_count_commas (1234567), "1,234,567");
  assert_str (ta_format_count_commas (G_MAXUINT64), "18,446,744,073,709,551,615");
}

/* @digits grouped by three with the current locale's separator, when its
 * grouping is by three (every locale with a separator the test looks at) */
static char *
grouped (const char *digits)
{
  const char *sep = localeconv ()->thousands_sep;
  GString *out = g_string_new (NULL);
  int len = strlen (digits);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static void
check_count_in_current_locale (void)
{
  g_autofree char *a = ta_format_count (790668);
  g_autofree char *b = ta_format_count_double (1234566.6);
  g_autofree char *ea = grouped ("790668");
  g_autofree char *eb = grouped ("1234567");

  g_assert_cmpstr (a, ==, ea);
  g_assert_cmpstr (b, ==, eb);
  assert_str (ta_format_count (0), "0");
  assert_str (ta_format_count (999), "999");
  assert_str (ta_format_count_double (0.4), "0");
}

static void
test_count_locale (void)
{
  /* locales with a thousands separator, when installed (`locale -a`) */
  static const char *const grouping_locales[] = {
    "en_US.UTF-8", "en_US.utf8", "de_DE.UTF-8", "de_DE.utf8", "en_GB.UTF-8",
  };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));

  g_assert_nonnull (setlocale (LC_NUMERIC, "C"));
  g_assert_cmpstr (localeconv ()->thousands_sep, ==, "");
  assert_str (ta_format_count (790668), "790668");
  assert_str (ta_format_count (G_MAXUINT64), "18446744073709551615");
  assert_str (ta_format_count_double (1527034.4), "1527034");
  check_count_in_current_locale ();

  for (guint i = 0; i < G_N_ELEMENTS (grouping_locales); i++)
    if (setlocale (LC_NUMERIC, grouping_locales[i]) != NULL)
      {
        g_test_message ("grouping in %s: \"%s\"", grouping_locales[i],
                        localeconv ()->thousands_sep);
        g_assert_cmpstr (localeconv ()->thousands_sep, !=, "");
        check_count_in_current_locale ();
      }

  setlocale (LC_NUMERIC, saved);
}

static void
test_minute (void)
{
  /* 2009-11-03 13:24 UTC */
  const gint64 m = G_GINT64_CONSTANT (20954244);

  assert_str (ta_format_minute (m, TRUE), "2009-11-03 13:24");
  assert_str (ta_format_minute (m, FALSE), "13:24");
  assert_str (ta_format_minute (0, TRUE), "1970-01-01 00:00");
  assert_str (ta_format_minute (-1, FALSE), "23:59");
  /* beyond year 9999, and far enough out that minute * 60 would overflow */
  assert_str (ta_format_minute (G_GINT64_CONSTANT (6000000000), TRUE), "?");
  assert_str (ta_format_minute (G_MAXINT64, TRUE), "?");
  assert_str (ta_format_minute (G_MININT64, FALSE), "?");

  assert_str (ta_format_minute_as (m, "%Y-%m-%dT%H%MZ", "m"), "2009-11-03T1324Z");
  assert_str (ta_format_minute_as (m + 1, "%H:%M", ""), "13:25");
  assert_str (ta_format_minute_as (G_GINT64_CONSTANT (6000000000), "%H%MZ", "m"), "m6000000000");
  assert_str (ta_format_minute_as (G_MAXINT64, "%H:%M", ""), "9223372036854775807");
  assert_str (ta_format_minute_as (G_MININT64, "%H:%M", "m"), "m-9223372036854775808");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/format/duration-compact", test_duration_compact);
  g_test_add_func ("/core/format/duration-clock", test_duration_clock);
  g_test_add_func ("/core/format/duration-us", test_duration_us);
  g_test_add_func ("/core/format/count-short", test_count_short);
  g_test_add_func ("/core/format/count-commas", test_count_commas);
  g_test_add_func ("/core/format/count-locale", test_count_locale);
  g_test_add_func ("/core/format/minute", test_minute);
  return g_test_run ();
}
