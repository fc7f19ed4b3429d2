/* test-command.c — the extraction command built from a selection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "ta-command.h"
#include "ta-error.h"
#include "ta-test-util.h"

/* a space and a quote in the temporary folders' names */
#define TMP_TEMPLATE "ta cmd'XXXXXX"

/* ---------------------------------------------------------------------- */

static void
test_us_edges (void)
{
  g_autoptr(GError) error = NULL;
  const gint64 max_minute = G_MAXINT64 / TA_US_PER_MINUTE;
  gint64 s = -1, e = -1;

  g_assert_true (ta_minutes_to_us_range (0, 0, &s, &e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (s, ==, 0);
  g_assert_cmpint (e, ==, G_GINT64_CONSTANT (60000000));

  /* the day-1 file's first and last minutes (FORMATS.md §3) */
  g_assert_true (ta_minutes_to_us_range (20954244, 20954321, &s, &e, &error));
  g_assert_cmpint (s, ==, G_GINT64_CONSTANT (1257254640000000));
  g_assert_cmpint (e, ==, G_GINT64_CONSTANT (1257259320000000));
  g_assert_cmpint (e - s, ==, 78 * TA_US_PER_MINUTE);

  /* one minute */
  g_assert_true (ta_minutes_to_us_range (20954244, 20954244, &s, &e, &error));
  g_assert_cmpint (e - s, ==, TA_US_PER_MINUTE);

  /* before the epoch */
  g_assert_true (ta_minutes_to_us_range (-1, -1, &s, &e, &error));
  g_assert_cmpint (s, ==, -TA_US_PER_MINUTE);
  g_assert_cmpint (e, ==, 0);

  /* the largest minute whose end still fits */
  g_assert_true (ta_minutes_to_us_range (max_minute - 1, max_minute - 1, &s, &e, &error));
  g_assert_cmpint (e, ==, max_minute * TA_US_PER_MINUTE);
  g_assert_cmpint (e, >, 0);

  /* one more overflows (end = (last + 1) × 60e6) */
  g_assert_false (ta_minutes_to_us_range (0, max_minute, &s, &e, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ta_minutes_to_us_range (0, G_MAXINT64, &s, &e, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ta_minutes_to_us_range (G_MININT64, 0, &s, &e, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* reversed */
  g_assert_false (ta_minutes_to_us_range (10, 9, &s, &e, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
}

static TaExtractSpec *
basic_spec (void)
{
  TaExtractSpec *spec = ta_extract_spec_new ();
  const char *files[] = { "/data/decoded_day1.csv", NULL };
  const char *ips[] = { "15314", "3438", "172.28.94.58", NULL };

  spec->data_files = g_strdupv ((char **) files);
  spec->ip_map = g_strdup ("/data/ip_map.json");
  spec->output_dir = g_strdup ("/out/ddos_2009-11-03T1324Z-1330Z");
  spec->filter_ips = g_strdupv ((char **) ips);
  spec->has_time_range = TRUE;
  spec->first_minute = 20954244;
  spec->last_minute = 20954250;
  spec->attack_context = g_strdup ("ddos");
  return spec;
}

static void
test_argv_basic (void)
{
  g_autoptr(TaExtractSpec) spec = basic_spec ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *line = NULL;
  const char *expected[] = {
    "timearcs-cli", "extract",
    "--data", "/data/decoded_day1.csv",
    "--ip-map", "/data/ip_map.json",
    "--output-dir", "/out/ddos_2009-11-03T1324Z-1330Z",
    "--filter-ips", "15314,3438,172.28.94.58",
    "--filter-time-start", "1257254640000000",
    "--filter-time-end", "1257255060000000",
    "--attack-context", "ddos",
    NULL,
  };

  argv = ta_extract_spec_build_argv (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) argv, expected));

  line = ta_extract_spec_build_shell_line (spec, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==,
                   "'timearcs-cli' 'extract' '--data' '/data/decoded_day1.csv' "
                   "'--ip-map' '/data/ip_map.json' "
                   "'--output-dir' '/out/ddos_2009-11-03T1324Z-1330Z' "
                   "'--filter-ips' '15314,3438,172.28.94.58' "
                   "'--filter-time-start' '1257254640000000' "
                   "'--filter-time-end' '1257255060000000' "
                   "'--attack-context' 'ddos'");

  /* copies compare equal; a change does not */
  {
    g_autoptr(TaExtractSpec) copy = ta_extract_spec_copy (spec);

    g_assert_true (ta_extract_spec_equal (spec, copy));
    copy->last_minute++;
    g_assert_false (ta_extract_spec_equal (spec, copy));
  }

  /* several data files follow one --data */
  g_strfreev (spec->data_files);
  spec->data_files = g_strsplit ("/a.csv|/b.csv.gz", "|", -1);
  g_clear_pointer (&spec->filter_ips, g_strfreev);
  spec->has_time_range = FALSE;
  g_clear_pointer (&spec->attack_context, g_free);
  g_clear_pointer (&argv, g_strfreev);
  argv = ta_extract_spec_build_argv (spec, "/usr/bin/timearcs-cli", &error);
  g_assert_no_error (error);
  {
    const char *exp2[] = {
      "/usr/bin/timearcs-cli", "extract", "--data", "/a.csv", "/b.csv.gz",
      "--ip-map", "/data/ip_map.json",
      "--output-dir", "/out/ddos_2009-11-03T1324Z-1330Z", NULL,
    };
    g_assert_true (g_strv_equal ((const char * const *) argv, exp2));
  }
}

static void
test_argv_invalid (void)
{
  g_autoptr(TaExtractSpec) spec = basic_spec ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  g_clear_pointer (&spec->data_files, g_strfreev);
  argv = ta_extract_spec_build_argv (spec, NULL, &error);
  g_assert_null (argv);
  g_assert_error (error, TA_ERROR, TA_ERROR_NO_INPUT);
  g_clear_error (&error);

  spec->data_files = g_strsplit ("/a.csv", "|", -1);
  g_clear_pointer (&spec->output_dir, g_free);
  g_assert_false (ta_extract_spec_validate (spec, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  spec->output_dir = g_strdup ("/o");
  g_strfreev (spec->filter_ips);
  spec->filter_ips = g_strsplit ("1;2,3", ";", -1);   /* "2,3" would change the list */
  g_assert_false (ta_extract_spec_validate (spec, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_clear_pointer (&spec->filter_ips, g_strfreev);
  spec->first_minute = 0;
  spec->last_minute = G_MAXINT64;
  g_assert_false (ta_extract_spec_validate (spec, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
}

static const char *hostile[] = {
  "ddos",
  "client compromise",
  "it's \"quoted\"",
  "$(touch PWNED)",
  "`touch PWNED`",
  "a;touch PWNED;b",
  "x && touch PWNED || true",
  "line1\nline2\ntouch PWNED",
  "tab\there\r",
  "-rf",
  "--force",
  "back\\slash\\",
  "'",
  "\"",
  "$HOME ${HOME} $((1+1)) !! #comment",
  "*?[a-z]~ > PWNED < /dev/null | cat &",
  "атака 攻撃 💥",
  " ",
};

/* A script that prints its arguments NUL-separated: running the shell line
 * through /bin/sh with it as the program shows what a shell really parses. */
static char *
make_echo_args (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "echo args $(x)", NULL);

  ta_test_write_file (path, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n", -1);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return g_steal_pointer (&path);
}

static void
check_through_sh (const char *workdir,
                  const char *line,
                  char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pwned = g_build_filename (workdir, "PWNED", NULL);
  const char *sh_argv[] = { "/bin/sh", "-c", line, NULL };
  gsize len = 0;
  int status = -1;
  guint n = 1;
  const char *p;

  g_spawn_sync (workdir, (char **) sh_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* out holds argv[1..] separated by NULs */
  len = 0;
  for (p = out; argv[n] != NULL; n++)
    {
      g_assert_cmpstr (p, ==, argv[n]);
      p += strlen (p) + 1;
      len++;
    }
  g_assert_cmpuint (len, ==, g_strv_length (argv) - 1);
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
}

static void
test_quote_hostile (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir (TMP_TEMPLATE);
  g_autofree char *program = make_echo_args (dir);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    for (guint multiline = 0; multiline < 2; multiline++)
      {
        g_autoptr(TaExtractSpec) spec = basic_spec ();
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) argv = NULL;
        g_auto(GStrv) parsed = NULL;
        g_autofree char *line = NULL;
        g_autofree char *name = NULL;
        const char *types[] = { hostile[i], NULL };

        g_free (spec->attack_context);
        spec->attack_context = g_strdup (hostile[i]);
        g_strfreev (spec->data_files);
        spec->data_files = g_new0 (char *, 3);
        spec->data_files[0] = g_strdup_printf ("/data/%s/decoded day1.csv", hostile[i]);
        spec->data_files[1] = g_strdup (hostile[i]);
        g_free (spec->ip_map);
        spec->ip_map = g_strdup_printf ("%s.json", hostile[i]);
        name = ta_command_folder_name (types, TRUE, spec->first_minute, spec->last_minute);
        g_free (spec->output_dir);
        spec->output_dir = g_build_filename ("/out dir/$(x)", name, NULL);

        argv = ta_extract_spec_build_argv (spec, program, &error);
        g_assert_no_error (error);
        line = ta_extract_spec_build_shell_line (spec, program, multiline, &error);
        g_assert_no_error (error);

        g_assert_true (g_shell_parse_argv (line, NULL, &parsed, &error));
        g_assert_no_error (error);
        g_assert_true (g_strv_equal ((const char * const *) parsed,
                                     (const char * const *) argv));

        /* the label travels intact as one argument */
        {
          const char *last = argv[g_strv_length (argv) - 1];
          const char *opt = argv[g_strv_length (argv) - 2];

          if (hostile[i][0] == '-')
            {
              g_autofree char *joined = g_strconcat ("--attack-context=", hostile[i], NULL);
              g_assert_cmpstr (last, ==, joined);
            }
          else
            {
              g_assert_cmpstr (opt, ==, "--attack-context");
              g_assert_cmpstr (last, ==, hostile[i]);
            }
        }
        /* a path that starts with "-" is not taken for an option */
        for (guint k = 0; argv[k] != NULL; k++)
          if (k > 0 && g_strcmp0 (argv[k - 1], "--data") == 0)
            g_assert_true (argv[k][0] != '-');

        check_through_sh (dir, line, argv);
      }

  ta_test_rm_rf (dir);
}

static void
assert_safe_name (const char *name)
{
  g_assert_nonnull (name);
  g_assert_cmpuint (strlen (name), >, 0);
  g_assert_cmpuint (strlen (name), <=, TA_FOLDER_NAME_MAX);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_null (strchr (name, '/'));
  g_assert_true (name[0] != '.' && name[0] != '-');
  for (const char *p = name; *p != '\0'; p++)
    {
      g_assert_cmpint ((guchar) *p, >=, 0x20);
      g_assert_null (strchr (" \t\n\r'\"`$;&|<>()*?[]{}~!#\\=%,:", *p));
    }
}

static void
test_folder_name (void)
{
  struct {
    const char *types[4];
    gint64 first, last;
    const char *expected;
  } cases[] = {
    { { "ddos", NULL }, 20954244, 20954250, "ddos_2009-11-03T1324Z-1330Z" },
    { { "client compromise", NULL }, 20954244, 20954244, "client_compromise_2009-11-03T1324Z-1324Z" },
    { { "ddos", "scan", NULL }, 20954244, 20954321, "ddos+scan_2009-11-03T1324Z-1441Z" },
    { { "a", "b", "c", "d" }, 0, 0, "a+b+2_1970-01-01T0000Z-0000Z" },
    { { NULL }, 20954244, 20954250, "selection_2009-11-03T1324Z-1330Z" },
    /* across midnight */
    { { "ddos", NULL }, 20954870, 20954890, "ddos_2009-11-03T2350Z-2009-11-04T0010Z" },
    { { "../../etc/passwd", NULL }, 0, 0, "etc_passwd_1970-01-01T0000Z-0000Z" },
    { { "-rf --force", NULL }, 0, 0, "rf_--force_1970-01-01T0000Z-0000Z" },
    { { ".hidden", NULL }, 0, 0, "hidden_1970-01-01T0000Z-0000Z" },
    { { "$(rm -rf ~)`x`", NULL }, 0, 0, "rm_-rf_x_1970-01-01T0000Z-0000Z" },
    { { "атака", NULL }, 0, 0, "атака_1970-01-01T0000Z-0000Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = ta_command_folder_name (cases[i].types, TRUE,
                                                      cases[i].first, cases[i].last);
      g_assert_cmpstr (name, ==, cases[i].expected);
      assert_safe_name (name);
    }

  /* no time range */
  {
    const char *t[] = { "ddos", NULL };
    g_autofree char *name = ta_command_folder_name (t, FALSE, 0, 0);
    g_assert_cmpstr (name, ==, "ddos");
  }

  /* every hostile label, and invalid UTF-8, long labels, huge minutes */
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      const char *t[] = { hostile[i], NULL };
      g_autofree char *name = ta_command_folder_name (t, TRUE, 20954244, 20954250);
      assert_safe_name (name);
      g_assert_true (g_str_has_suffix (name, "_2009-11-03T1324Z-1330Z"));
    }
  {
    const char *t[] = { "bad\xff\xfe utf8 \xc3", NULL };
    g_autofree char *name = ta_command_folder_name (t, TRUE, 0, 1);
    assert_safe_name (name);
  }
  {
    g_autoptr(GString) long_label = g_string_new (NULL);
    const char *t[2] = { NULL, NULL };
    g_autofree char *name = NULL;

    for (guint i = 0; i < 200; i++)
      g_string_append (long_label, "攻");   /* 3 bytes each: cut on a boundary */
    t[0] = long_label->str;
    name = ta_command_folder_name (t, TRUE, 20954244, 20954250);
    assert_safe_name (name);
    g_assert_true (g_str_has_suffix (name, "_2009-11-03T1324Z-1330Z"));
  }
  {
    const char *t[] = { "ddos", NULL };
    g_autofree char *name = ta_command_folder_name (t, TRUE, G_MAXINT64 / TA_US_PER_MINUTE - 1,
                                                    G_MAXINT64 / TA_US_PER_MINUTE - 1);
    assert_safe_name (name);
    g_assert_true (g_str_has_prefix (name, "ddos_m"));
  }

  /* sanitize edge cases */
  {
    g_autofree char *a = ta_command_sanitize_name ("", 10);
    g_autofree char *b = ta_command_sanitize_name ("///", 10);
    g_autofree char *c = ta_command_sanitize_name ("abcdefghij", 4);
    g_autofree char *d = ta_command_sanitize_name ("a\u202eb", 10);  /* RTL override */

    g_assert_cmpstr (a, ==, "x");
    g_assert_cmpstr (b, ==, "x");
    g_assert_cmpstr (c, ==, "abcd");
    g_assert_cmpstr (d, ==, "a_b");
  }
}

static void
test_unique_path (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir (TMP_TEMPLATE);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr(GHashTable) reserved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  first = ta_command_unique_path (dir, "ddos_x", NULL);
  g_assert_true (g_str_has_suffix (first, "/ddos_x"));
  g_assert_cmpint (g_mkdir (first, 0755), ==, 0);

  second = ta_command_unique_path (dir, "ddos_x", reserved);
  g_assert_true (g_str_has_suffix (second, "/ddos_x-2"));
  g_hash_table_add (reserved, g_strdup (second));

  third = ta_command_unique_path (dir, "ddos_x", reserved);
  g_assert_true (g_str_has_suffix (third, "/ddos_x-3"));

  ta_test_rm_rf (dir);
}

static void
test_map_convention (void)
{
  struct { const char *in, *dir, *out; } cases[] = {
    { "day1_attacks.csv", "/data", "/data/decoded_day1.csv" },
    { "/somewhere/else/day1_attacks.csv", "/data", "/data/decoded_day1.csv" },
    { "90min_day1_attacks.csv", "/mnt/d", "/mnt/d/decoded_90min_day1.csv" },
    { "90min_day1_grouped_attacks.csv", "/mnt/d", "/mnt/d/decoded_90min_day1.csv" },
    { "set5_attack.csv", "/d", "/d/decoded_set5.csv" },
    { "DAY2_ATTACKS.CSV", "/d", "/d/decoded_DAY2.csv" },
    { "capture.csv", "/d", "/d/decoded_capture.csv" },
    { "_attacks.csv", "/d", "/d/decoded__attacks.csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ta_command_map_attack_file (cases[i].in, cases[i].dir);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

/* minutes after 2009-11-03 (small epoch values would read as seconds) */
#define BASE_MINUTE G_GINT64_CONSTANT (20954000)
#define MIN_US(m) ((BASE_MINUTE + (gint64) (m)) * TA_US_PER_MINUTE)

/* A packet CSV whose rows run from minute @first to @last (µs timestamps) */
static char *
csv_for_minutes (gint64 first,
                 gint64 last,
                 gint64 scale)
{
  GString *s = g_string_new ("length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num,timestamp\n");

  for (gint64 m = first; m <= last; m++)
    g_string_append_printf (s, "66.0,6,1,2,1.0,2.0,2,0,0,%" G_GINT64_FORMAT "\n",
                            (MIN_US (m) + 5000000) / scale);
  return g_string_free (s, FALSE);
}

static void
test_probe_span (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir (TMP_TEMPLATE);
  g_autofree char *csv = g_build_filename (dir, "a b.csv", NULL);
  g_autofree char *secs = g_build_filename (dir, "secs.csv", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TaFileSpan span;

  text = csv_for_minutes (100, 200, 1);
  ta_test_write_file (csv, text, -1);
  g_assert_true (ta_data_file_probe_span (csv, &span, &error));
  g_assert_no_error (error);
  g_assert_true (span.has_first && span.has_last);
  g_assert_cmpint (span.first_us, ==, MIN_US (100) + 5000000);
  g_assert_cmpint (span.last_us, ==, MIN_US (200) + 5000000);
  g_assert_true (ta_file_span_overlaps (&span, MIN_US (200), MIN_US (201)));
  g_assert_true (ta_file_span_overlaps (&span, MIN_US (0), MIN_US (100) + 5000000));
  g_assert_false (ta_file_span_overlaps (&span, MIN_US (0), MIN_US (100)));
  g_assert_false (ta_file_span_overlaps (&span, MIN_US (201), MIN_US (300)));

  /* seconds epochs are recognised by magnitude; a trailing bad line is skipped */
  g_clear_pointer (&text, g_free);
  text = csv_for_minutes (244, 250, G_USEC_PER_SEC);
  {
    g_autofree char *more = g_strconcat (text, "66,6,1,2,1,2,2,0,0,notanumber\n", NULL);
    ta_test_write_file (secs, more, -1);
  }
  g_assert_true (ta_data_file_probe_span (secs, &span, &error));
  g_assert_true (span.has_first && span.has_last);
  g_assert_cmpint (span.first_us, ==, MIN_US (244) + 5000000);
  g_assert_cmpint (span.last_us, ==, MIN_US (250) + 5000000);

  /* no timestamp column: nothing known, no failure */
  ta_test_write_file (junk, "a,b\n1,2\n", -1);
  g_assert_true (ta_data_file_probe_span (junk, &span, &error));
  g_assert_false (span.has_first || span.has_last);
  g_assert_true (ta_file_span_overlaps (&span, 0, 1));

  /* a missing file is an error */
  {
    g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);
    g_assert_false (ta_data_file_probe_span (missing, &span, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  /* a real capture: the first record's time */
  {
    g_autofree char *pdir = ta_test_data_path ("pcaps", "good", NULL);
    g_autoptr(GDir) d = g_dir_open (pdir, 0, NULL);
    const char *name;
    guint n_pcap = 0;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (pdir, name, NULL);

        if (!g_str_has_suffix (name, ".pcap") && !g_str_has_suffix (name, ".pcap.gz") &&
            !g_str_has_suffix (name, ".pcapng") && !g_str_has_suffix (name, ".pcapng.gz"))
          continue;
        g_assert_true (ta_data_file_probe_span (p, &span, &error));
        g_assert_no_error (error);
        g_test_message ("%s: first %lld us", name, (long long) span.first_us);
        g_assert_true (span.has_first);
        /* a plausible capture time: after 1990 */
        g_assert_cmpint (span.first_us, >, G_GINT64_CONSTANT (631152000) * G_USEC_PER_SEC);
        n_pcap++;
      }
    g_assert_nonnull (d);
    g_assert_cmpuint (n_pcap, ==, 16);
  }

  ta_test_rm_rf (dir);
}

/* Spans of files larger than the probe window: the first packet of the
 * start, the last of the tail (plain CSV only), read by the packet readers */
static void
test_probe_span_large (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir (TMP_TEMPLATE);
  g_autofree char *csv = g_build_filename (dir, "big.csv", NULL);
  g_autofree char *gz = g_build_filename (dir, "big.csv.gz", NULL);
  g_autofree char *text = csv_for_minutes (0, 9999, 1);
  g_autoptr(GError) error = NULL;
  TaFileSpan span;

  g_assert_cmpuint (strlen (text), >, 4 * 64 * 1024);
  ta_test_write_file (csv, text, -1);
  g_assert_true (ta_data_file_probe_span (csv, &span, &error));
  g_assert_no_error (error);
  g_assert_true (span.has_first && span.has_last);
  g_assert_cmpint (span.first_us, ==, MIN_US (0) + 5000000);
  g_assert_cmpint (span.last_us, ==, MIN_US (9999) + 5000000);

  /* gzip: the start only */
  {
    gsize len = strlen (text);
    uLongf zlen = compressBound (len) + 64;
    g_autofree guint8 *z = g_malloc (zlen);
    z_stream zs = { 0, };

    g_assert_cmpint (deflateInit2 (&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
    zs.next_in = (Bytef *) text;
    zs.avail_in = len;
    zs.next_out = z;
    zs.avail_out = zlen;
    g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
    g_assert_true (g_file_set_contents (gz, (const char *) z, zs.total_out, NULL));
    deflateEnd (&zs);
  }
  g_assert_true (ta_data_file_probe_span (gz, &span, &error));
  g_assert_no_error (error);
  g_assert_true (span.has_first);
  g_assert_false (span.has_last);
  g_assert_cmpint (span.first_us, ==, MIN_US (0) + 5000000);
  ta_test_rm_rf (dir);
}

static void
test_resolve (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir (TMP_TEMPLATE);
  g_autofree char *conv = g_build_filename (dir, "conv", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) files = NULL;
  const char *attack_files[] = { "/elsewhere/day1_attacks.csv", NULL };

  g_assert_cmpint (g_mkdir (conv, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);

  /* 1. convention: decoded_day1.csv wins over other files of the folder */
  {
    g_autofree char *a = g_build_filename (conv, "decoded_day1.csv", NULL);
    g_autofree char *b = g_build_filename (conv, "decoded_day2.csv", NULL);
    g_autofree char *text = csv_for_minutes (0, 1, 1);
    const char *paths[] = { conv, NULL };

    ta_test_write_file (a, text, -1);
    ta_test_write_file (b, text, -1);
    files = ta_command_resolve_data_files (paths, attack_files, TRUE, MIN_US (500), MIN_US (501),
                                           notes, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (files), ==, 1);
    g_assert_cmpstr (files[0], ==, a);
    g_clear_pointer (&files, g_strfreev);
  }

  /* 2. folder: only the files that overlap, in time order; unknown spans kept */
  {
    const struct { const char *name; gint64 first, last; } parts[] = {
      { "c_late.csv", 300, 399 },
      { "a_early.csv", 0, 99 },
      { "b_middle.csv", 100, 199 },
      { "d_middle2.csv", 190, 250 },
    };
    g_autofree char *notes_txt = NULL;
    g_autofree char *readme = g_build_filename (folder, "README.txt", NULL);
    g_autofree char *hidden = g_build_filename (folder, ".hidden.csv", NULL);
    g_autofree char *unknown = g_build_filename (folder, "e_unknown.csv", NULL);
    const char *paths[] = { folder, NULL };

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        g_autofree char *p = g_build_filename (folder, parts[i].name, NULL);
        g_autofree char *text = csv_for_minutes (parts[i].first, parts[i].last, 1);
        ta_test_write_file (p, text, -1);
      }
    ta_test_write_file (readme, "not data\n", -1);
    ta_test_write_file (hidden, "timestamp\n1\n", -1);
    ta_test_write_file (unknown, "ts,x\n1,2\n", -1);

    /* minutes 150–195 overlap b_middle (100–199) and d_middle2 (190–250) */
    files = ta_command_resolve_data_files (paths, attack_files, TRUE, MIN_US (150), MIN_US (196),
                                           notes, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (files), ==, 3);
    g_assert_true (g_str_has_suffix (files[0], "/b_middle.csv"));
    g_assert_true (g_str_has_suffix (files[1], "/d_middle2.csv"));
    g_assert_true (g_str_has_suffix (files[2], "/e_unknown.csv"));
    {
      GString *all = g_string_new (NULL);

      for (guint i = 0; i < notes->len; i++)
        g_string_append_printf (all, "%s\n", (char *) g_ptr_array_index (notes, i));
      notes_txt = g_string_free (all, FALSE);
    }
    g_assert_nonnull (strstr (notes_txt, "a_early.csv: skipped"));
    g_assert_nonnull (strstr (notes_txt, "e_unknown.csv: used, its time span is unknown"));
    g_clear_pointer (&files, g_strfreev);

    /* no time range: every data file of the folder */
    files = ta_command_resolve_data_files (paths, NULL, FALSE, 0, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (files), ==, 5);
    g_assert_true (g_str_has_suffix (files[0], "/a_early.csv"));
    g_clear_pointer (&files, g_strfreev);

    /* a window no known file covers: only the unknown one */
    files = ta_command_resolve_data_files (paths, NULL, TRUE, MIN_US (1000), MIN_US (1001),
                                           NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (files), ==, 1);
    g_clear_pointer (&files, g_strfreev);
    g_remove (unknown);
    files = ta_command_resolve_data_files (paths, NULL, TRUE, MIN_US (1000), MIN_US (1001),
                                           NULL, &error);
    g_assert_null (files);
    g_assert_error (error, TA_ERROR, TA_ERROR_NO_INPUT);
    g_clear_error (&error);
  }

  /* 3. explicit files: used as given, missing ones left out with a note,
   *    duplicates read once */
  {
    g_autofree char *a = g_build_filename (folder, "a_early.csv", NULL);
    g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);
    const char *paths[] = { a, missing, a, NULL };
    gboolean noted = FALSE;

    g_ptr_array_set_size (notes, 0);
    files = ta_command_resolve_data_files (paths, NULL, TRUE, MIN_US (1000), MIN_US (1001),
                                           notes, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (files), ==, 1);
    g_assert_cmpstr (files[0], ==, a);
    for (guint i = 0; i < notes->len; i++)
      noted |= strstr (g_ptr_array_index (notes, i), "missing.csv") != NULL;
    g_assert_true (noted);
    g_clear_pointer (&files, g_strfreev);

    /* only missing → error */
    paths[0] = missing;
    paths[2] = NULL;
    files = ta_command_resolve_data_files (paths, NULL, FALSE, 0, 0, NULL, &error);
    g_assert_null (files);
    g_assert_error (error, TA_ERROR, TA_ERROR_NO_INPUT);
    g_clear_error (&error);
  }

  ta_test_rm_rf (dir);
}

/* generated data (timearcs-cli generate) in a folder: spans probed from real generated CSVs
 * (plain and gzip) */
static void
test_resolve_generated (void)
{
  g_autofree char *dir = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };
  /* two captures, an hour apart, 10 packets/s for 100 s each */
  const gint64 t0 = G_GINT64_CONSTANT (1257254400000000);
  const gint64 t1 = t0 + G_GINT64_CONSTANT (3600000000);

  dir = ta_test_make_tmp_dir (TMP_TEMPLATE);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *out = g_build_filename (dir, i == 0 ? "h0.csv" : "h1.csv.gz", NULL);
      g_autofree char *map = g_build_filename (dir, "map.json.tmp", NULL);
      ta_test_generate (out, map, 1000, 1, NULL, 10, i == 0 ? t0 : t1);
    }

  paths[0] = dir;
  /* the second hour only: h0 is excluded by its last row; h1 (gzip: last
   * row unknown) is kept by its first */
  files = ta_command_resolve_data_files (paths, NULL, TRUE, t1, t1 + 60000000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_true (g_str_has_suffix (files[0], "/h1.csv.gz"));
  g_clear_pointer (&files, g_strfreev);

  /* the first minute: h1 starts after it → excluded by its first row */
  files = ta_command_resolve_data_files (paths, NULL, TRUE, t0, t0 + 60000000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_true (g_str_has_suffix (files[0], "/h0.csv"));
  g_clear_pointer (&files, g_strfreev);

  ta_test_rm_rf (dir);
}

static void
test_debug_selection (void)
{
  TaDebugSelection sel;
  g_autoptr(GError) error = NULL;

  g_assert_true (ta_debug_selection_parse ("ips=15314, 3438;minutes=20954244-20954250;"
                                           "attacks=ddos,scan;packets=120;data=/a.csv,/b;"
                                           "ipmap=/m.json;out=/o", &sel, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sel.ip_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (sel.ip_ids, gint64, 1), ==, 3438);
  g_assert_true (sel.has_time_range);
  g_assert_cmpint (sel.first_minute, ==, 20954244);
  g_assert_cmpint (sel.last_minute, ==, 20954250);
  g_assert_cmpstr (sel.attack_types[1], ==, "scan");
  g_assert_cmpuint (sel.packets, ==, 120);
  g_assert_cmpstr (sel.data_paths[1], ==, "/b");
  g_assert_cmpstr (sel.ip_map, ==, "/m.json");
  g_assert_cmpstr (sel.output_dir, ==, "/o");
  ta_debug_selection_clear (&sel);

  g_assert_true (ta_debug_selection_parse ("minutes=5", &sel, &error));
  g_assert_true (sel.has_time_range && sel.first_minute == 5 && sel.last_minute == 5);
  ta_debug_selection_clear (&sel);

  g_assert_false (ta_debug_selection_parse ("minutes=9-5", &sel, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ta_debug_selection_parse ("ips=x", &sel, &error));
  g_clear_error (&error);
  g_assert_false (ta_debug_selection_parse ("colour=red", &sel, &error));
  g_clear_error (&error);
  g_assert_false (ta_debug_selection_parse ("noequals", &sel, &error));
  g_clear_error (&error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/command/us/edges", test_us_edges);
  g_test_add_func ("/core/command/argv/basic", test_argv_basic);
  g_test_add_func ("/core/command/argv/invalid", test_argv_invalid);
  g_test_add_func ("/core/command/quote/hostile", test_quote_hostile);
  g_test_add_func ("/core/command/folder-name", test_folder_name);
  g_test_add_func ("/core/command/unique-path", test_unique_path);
  g_test_add_func ("/core/command/map/convention", test_map_convention);
  g_test_add_func ("/core/command/probe/span", test_probe_span);
  g_test_add_func ("/core/data-files/probe-large", test_probe_span_large);
  g_test_add_func ("/core/command/resolve/basic", test_resolve);
  g_test_add_func ("/core/command/resolve/generated", test_resolve_generated);
  g_test_add_func ("/core/command/debug-selection", test_debug_selection);

  return g_test_run ();
}
