/* test-extract-args.c — extraction options ↔ the `timearcs-cli extract`
 * argv and its shell line: hostile values round-trip, the CLI's errors,
 * the defaults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ta-command.h"
#include "ta-error.h"
#include "ta-extract-args.h"
#include "ta-flow-tracker.h"

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
  "--",
  "-",
  "back\\slash\\",
  "'",
  "\"",
  "$HOME ${HOME} $((1+1)) !! #comment",
  "*?[a-z]~ > PWNED < /dev/null | cat &",
  "атака 攻撃 💥",
  " ",
  "",
  "a,b",
};

static const gint64 numbers[] = {
  G_MININT64, G_MININT64 + 1, -1, 0, 1, G_GINT64_CONSTANT (1257254640000000),
  G_MAXINT64 - 1, G_MAXINT64,
};

/* what "--filter-ips" gives back unchanged */
static gboolean
ip_representable (const char *ip)
{
  g_autofree char *stripped = g_strstrip (g_strdup (ip));

  return ip[0] != '\0' && strchr (ip, ',') == NULL && strcmp (stripped, ip) == 0;
}

static TaExtractOptions *
hostile_options (const char *v,
                 guint       variant)
{
  TaExtractOptions *o = ta_extract_options_new ();
  GPtrArray *files = g_ptr_array_new ();
  GPtrArray *ips = g_ptr_array_new ();
  gint64 a = numbers[variant % G_N_ELEMENTS (numbers)];
  gint64 b = numbers[(variant + 3) % G_N_ELEMENTS (numbers)];

  g_ptr_array_add (files, g_strdup_printf ("/data/%s/decoded day1.csv", v));
  g_ptr_array_add (files, g_strdup (v));
  g_ptr_array_add (files, g_strconcat ("-", v, NULL));
  g_ptr_array_add (files, g_strdup (""));
  g_ptr_array_add (files, g_strdup (v));
  g_ptr_array_add (files, NULL);
  o->data_files = (char **) g_ptr_array_free (files, FALSE);

  o->ip_map_path = g_strdup (v);
  o->output_dir = v[0] != '\0' ? g_strdup (v) : g_strdup ("-");

  g_ptr_array_add (ips, g_strdup ("15314"));
  if (ip_representable (v))
    g_ptr_array_add (ips, g_strdup (v));
  g_ptr_array_add (ips, g_strdup ("172.28.94.58"));
  g_ptr_array_add (ips, NULL);
  o->filter_ips = (char **) g_ptr_array_free (ips, FALSE);

  o->has_time_start = variant % 3 != 1;
  o->time_start_us = a;
  o->has_time_end = variant % 3 != 2;
  o->time_end_us = b;
  o->attack_context = g_strdup (v);
  o->max_records = variant % 2 ? (guint64) G_MAXINT64 : (guint64) (variant % 4);
  o->flow_timeout_s = variant % 2 ? G_MAXINT : 1;
  o->chunk_size = variant % 2 ? 1 : G_MAXINT;
  o->force = variant % 2;
  /* the profile's settings, every one away from its default in some variant */
  o->no_profile = variant % 3 == 0;
  o->profile.interval_us = variant % 2 ? 250000 : (gint64) 86400 * G_USEC_PER_SEC;
  o->profile.local_nets = variant % 2 ? g_strdup ("10.0.0.0/8,fd00::/8") : NULL;
  o->profile.rank = variant % 3;
  o->profile.no_analysis = variant % 2;
  o->preset = variant % 2 ? g_strdup ("web") : NULL;
  o->profile.flow_files = variant % 2 ? 0 : G_MAXUINT32;
  o->profile.relays = variant % 3 == 1 ? g_strdup (v) : NULL;
  o->profile.conn.tcp_timeout_us = (gint64) (variant + 1) * 7 * G_USEC_PER_SEC;
  o->profile.conn.udp_timeout_us = variant % 2 ? 0 : 3 * G_USEC_PER_SEC;
  o->profile.conn.icmp_timeout_us = variant % 2 ? G_USEC_PER_SEC : 0;
  return o;
}

/* A script that prints its arguments NUL-separated: running the shell line
 * through /bin/sh with it as the program shows what a shell really parses. */
static char *
make_echo_args (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "echo args $(x)", NULL);

  g_file_set_contents (path, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return g_steal_pointer (&path);
}

static void
check_through_sh (const char         *workdir,
                  const char         *line,
                  const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pwned = g_build_filename (workdir, "PWNED", NULL);
  const char *sh_argv[] = { "/bin/sh", "-c", line, NULL };
  gsize out_len = 0;
  const char *p;
  int status = -1;
  guint n;

  g_spawn_sync (workdir, (char **) sh_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* out holds argv[1..], each ended by a NUL (empty ones too) */
  for (n = 1; argv[n] != NULL; n++)
    out_len += strlen (argv[n]) + 1;
  p = out;
  for (n = 1; argv[n] != NULL; n++)
    {
      g_assert_cmpstr (p, ==, argv[n]);
      p += strlen (p) + 1;
    }
  g_assert_cmpuint (p - out, ==, out_len);
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
}

/* options → argv → text → argv → options → argv → text, all equal */
static void
check_round_trip (const TaExtractOptions *o,
                  const char             *program,
                  gboolean                multiline)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) parsed = NULL;
  g_auto(GStrv) argv2 = NULL;
  g_autoptr(TaExtractOptions) from_argv = NULL;
  g_autoptr(TaExtractOptions) from_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;

  argv = ta_extract_options_build_argv (o, program, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (argv[0], ==, program != NULL ? program : "timearcs-cli");
  g_assert_cmpstr (argv[1], ==, "extract");
  /* no value is ever taken for an option */
  for (guint k = 2; argv[k] != NULL; k++)
    if (argv[k][0] == '-')
      g_assert_true (g_str_has_prefix (argv[k], "--"));

  text = ta_extract_argv_to_shell_line ((const char * const *) argv, multiline);
  g_assert_true (g_shell_parse_argv (text, NULL, &parsed, &error));
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) parsed, (const char * const *) argv));

  from_argv = ta_extract_options_parse_argv ((const char * const *) argv + 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ta_extract_options_equal (o, from_argv));

  from_text = ta_extract_options_parse_command_line (text, &error);
  g_assert_no_error (error);
  g_assert_true (ta_extract_options_equal (o, from_text));

  argv2 = ta_extract_options_build_argv (from_text, program, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) argv2, (const char * const *) argv));
  text2 = ta_extract_argv_to_shell_line ((const char * const *) argv2, multiline);
  g_assert_cmpstr (text2, ==, text);
}

static void
test_round_trip_hostile (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ta args'XXXXXX", &error);
  g_autofree char *program = NULL;

  g_assert_no_error (error);
  program = make_echo_args (dir);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    for (guint variant = 0; variant < G_N_ELEMENTS (numbers); variant++)
      {
        g_autoptr(TaExtractOptions) o = hostile_options (hostile[i], variant);

        check_round_trip (o, NULL, variant % 2);
        check_round_trip (o, program, variant % 2 == 0);
        if (variant < 2)
          {
            g_auto(GStrv) argv = ta_extract_options_build_argv (o, program, &error);
            g_autofree char *line = ta_extract_argv_to_shell_line ((const char * const *) argv,
                                                                   variant);

            g_assert_no_error (error);
            check_through_sh (dir, line, (const char * const *) argv);
          }
      }

  /* the empty filter list is a list, not "no filter" */
  {
    g_autoptr(TaExtractOptions) o = hostile_options ("x", 0);

    g_strfreev (o->filter_ips);
    o->filter_ips = g_new0 (char *, 1);
    check_round_trip (o, NULL, TRUE);
    g_clear_pointer (&o->filter_ips, g_strfreev);
    check_round_trip (o, NULL, TRUE);
  }

  g_remove (program);
  g_rmdir (dir);
}

/* Command lines a person might type: what the parser reads from them is
 * written back into an argv that reads the same */
static void
test_parse_typed (void)
{
  static const char *lines[] = {
    "timearcs-cli extract -d a.csv b.csv -o out -f --max-records 5 -q",
    "x extract --data=-a.csv b '' --output-dir -o",
    "x extract --data '' '' --output-dir 'o\nut' --filter-ips ' 1 , 2 ,,' --attack-context ''",
    "x extract --data a --output-dir o --filter-time-start 1257254400000000.0 --filter-time-end -0",
    "x extract --data a --ip-map m1 --output-dir o --ip-map m2 --data b --filter-ips ''",
    "x extract --data a -o o --flow-timeout 2147483647 --chunk-size 1 --max-records 9223372036854775807",
    "x extract --data a -o o --attack-context 'атака 攻撃 💥' --filter-ips атака",
    "x extract \\\n  --data a \\\n  --output-dir \"$(x)\" \\\n  --filter-time-start=-9223372036854775808",
    "x extract --data a -o o --flow-timeout 300 --chunk-size 200 --max-records 0",
  };
  static const char *expected[][14] = {
    { "--data", "a.csv", "b.csv", "--output-dir", "out", "--max-records", "5", "--force" },
    { "--data=-a.csv", "b", "", "--output-dir=-o" },
    { "--data", "", "", "--output-dir", "o\nut", "--filter-ips", "1,2,,", "--attack-context", "" },
    { "--data", "a", "--output-dir", "o", "--filter-time-start", "1257254400000000",
      "--filter-time-end", "0" },
    { "--data", "a", "b", "--ip-map", "m2", "--output-dir", "o", "--filter-ips", "" },
    { "--data", "a", "--output-dir", "o", "--max-records", "9223372036854775807",
      "--flow-timeout", "2147483647", "--chunk-size", "1" },
    { "--data", "a", "--output-dir", "o", "--filter-ips", "атака",
      "--attack-context", "атака 攻撃 💥" },
    { "--data", "a", "--output-dir", "$(x)", "--filter-time-start=-9223372036854775808" },
    { "--data", "a", "--output-dir", "o" },
  };
  const GOptionEntry quiet_entry[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, NULL, NULL, NULL },
    { NULL }
  };
  gboolean quiet = FALSE;
  GOptionEntry extra[2];

  memcpy (extra, quiet_entry, sizeof extra);
  extra[0].arg_data = &quiet;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaExtractOptions) o = NULL;
      g_autoptr(TaExtractOptions) again = NULL;
      g_autoptr(GPtrArray) want = g_ptr_array_new ();
      g_auto(GStrv) args = NULL;
      g_auto(GStrv) argv = NULL;

      g_assert_true (g_shell_parse_argv (lines[i], NULL, &args, &error));
      if (i == 0)
        {
          /* the CLI's --quiet rides along */
          const TaExtractArgsSetup setup = { .extra_entries = extra };

          o = ta_extract_options_parse_argv ((const char * const *) args + 1, &setup, &error);
          g_assert_true (quiet);
        }
      else
        {
          o = ta_extract_options_parse_command_line (lines[i], &error);
        }
      g_assert_no_error (error);
      g_assert_nonnull (o);

      argv = ta_extract_options_build_argv (o, "x", &error);
      g_assert_no_error (error);
      g_ptr_array_add (want, (gpointer) "x");
      g_ptr_array_add (want, (gpointer) "extract");
      for (guint k = 0; k < G_N_ELEMENTS (expected[i]) && expected[i][k] != NULL; k++)
        g_ptr_array_add (want, (gpointer) expected[i][k]);
      g_ptr_array_add (want, NULL);
      g_assert_true (g_strv_equal ((const char * const *) argv,
                                   (const char * const *) want->pdata));

      again = ta_extract_options_parse_argv ((const char * const *) argv + 1, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (ta_extract_options_equal (o, again));
    }
}

/* The messages `timearcs-cli extract` prints after "timearcs-cli extract: " */
static void
test_parse_errors (void)
{
  static const struct {
    const char *args;
    const char *message;
  } cases[] = {
    { "", "--data is required" },
    { "--output-dir /tmp/x", "--data is required" },
    { "--data a.csv", "--output-dir is required" },
    { "--data a.csv --output-dir ''", "--output-dir is required" },
    { "--data a -o o --filter-time-start soon", "--filter-time-start: not a number: soon" },
    { "--data a -o o --filter-time-end 1e", "--filter-time-end: not a number: 1e" },
    { "--data a -o o --filter-time-end ''", "--filter-time-end: not a number: " },
    { "--data a -o o --max-records -1", "--max-records must not be negative" },
    { "--data a -o o --max-records 99999999999999999999",
      "Integer value “99999999999999999999” for --max-records out of range" },
    { "--data a -o o --max-records abc", "Cannot parse integer value “abc” for --max-records" },
    { "--data a -o o --flow-timeout 0", "--flow-timeout must be positive" },
    { "--data a -o o --flow-timeout -5", "--flow-timeout must be positive" },
    { "--data a -o o --flow-timeout 3000000000",
      "Integer value “3000000000” for --flow-timeout out of range" },
    { "--data a -o o --chunk-size 0", "--chunk-size must be positive" },
    { "--data a -o o extra", "unexpected argument “extra”" },
    { "--data a -o o -- --extra", "unexpected argument “--”" },
    { "--data a -o o --bogus", "Unknown option --bogus" },
    { "--data a -o o -z", "Unknown option -z" },
    /* no help text outside the CLI: --help does not exit the process */
    { "--data a -o o --help", "Unknown option --help" },
    { "--data a -o o -q", "Unknown option -q" },
    { "--data", "Missing argument for --data" },
    { "--data a --output-dir", "Missing argument for --output-dir" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_strconcat ("timearcs-cli extract ", cases[i].args, NULL);
      g_autoptr(TaExtractOptions) o = ta_extract_options_parse_command_line (line, &error);

      g_assert_null (o);
      g_assert_nonnull (error);
      g_assert_true (error->domain == TA_ERROR || error->domain == G_OPTION_ERROR);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TaExtractOptions) o = NULL;

    o = ta_extract_options_parse_command_line ("timearcs-cli import --data a -o o", &error);
    g_assert_null (o);
    g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    o = ta_extract_options_parse_command_line ("timearcs-cli", &error);
    g_assert_null (o);
    g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    o = ta_extract_options_parse_command_line ("timearcs-cli extract --data 'a", &error);
    g_assert_null (o);
    g_assert_true (error != NULL && error->domain == G_SHELL_ERROR);
  }
}

/* Options no argv can give back are refused, not written differently */
static void
test_build_errors (void)
{
  static const char *bad_ips[][3] = {
    { "1,2", NULL }, { " 1", NULL }, { "1\t", NULL }, { "", NULL }, { "1", "2,3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_ips); i++)
    {
      g_autoptr(TaExtractOptions) o = hostile_options ("x", 0);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = NULL;

      g_strfreev (o->filter_ips);
      o->filter_ips = g_strdupv ((char **) bad_ips[i]);
      argv = ta_extract_options_build_argv (o, NULL, &error);
      g_assert_null (argv);
      g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "is not an IP id or address"));
    }

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(TaExtractOptions) o = hostile_options ("x", 0);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = NULL;
      int code = TA_ERROR_INVALID_ARGUMENT;

      switch (i)
        {
        case 0: g_clear_pointer (&o->data_files, g_strfreev); code = TA_ERROR_NO_INPUT; break;
        case 1: g_strfreev (o->data_files); o->data_files = g_new0 (char *, 1);
                code = TA_ERROR_NO_INPUT; break;
        case 2: g_clear_pointer (&o->output_dir, g_free); break;
        case 3: o->output_dir[0] = '\0'; break;
        case 4: o->flow_timeout_s = 0; break;
        case 5: o->flow_timeout_s = (guint) G_MAXINT + 1; break;
        case 6: o->chunk_size = 0; break;
        case 7: o->max_records = (guint64) G_MAXINT64 + 1; break;
        default: g_assert_not_reached ();
        }
      argv = ta_extract_options_build_argv (o, NULL, &error);
      g_assert_null (argv);
      g_assert_error (error, TA_ERROR, code);
    }
}

/* Defaults are the header constants everywhere: options, parser, builder,
 * the CLI's help */
static void
test_defaults (void)
{
  g_autoptr(TaExtractOptions) fresh = ta_extract_options_new ();
  g_autoptr(TaExtractOptions) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  const char *minimal[] = { "extract", "--data", "a", "--output-dir", "o", NULL };
  const char *cli = g_getenv ("TA_CLI");

  g_assert_cmpuint (TA_FLOW_TIMEOUT_DEFAULT_S, ==, 300);
  g_assert_cmpuint (TA_CHUNK_SIZE_DEFAULT, ==, 200);
  g_assert_cmpuint (fresh->flow_timeout_s, ==, TA_FLOW_TIMEOUT_DEFAULT_S);
  g_assert_cmpuint (fresh->chunk_size, ==, TA_CHUNK_SIZE_DEFAULT);
  g_assert_cmpuint (fresh->max_records, ==, 0);
  g_assert_false (fresh->force);

  parsed = ta_extract_options_parse_argv (minimal, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->flow_timeout_s, ==, TA_FLOW_TIMEOUT_DEFAULT_S);
  g_assert_cmpuint (parsed->chunk_size, ==, TA_CHUNK_SIZE_DEFAULT);
  g_assert_cmpuint (parsed->max_records, ==, 0);
  g_assert_false (parsed->force);
  g_assert_null (parsed->filter_ips);
  g_assert_null (parsed->ip_map_path);
  g_assert_null (parsed->attack_context);
  g_assert_false (parsed->has_time_start || parsed->has_time_end);

  argv = ta_extract_options_build_argv (parsed, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (argv[0], ==, "timearcs-cli");
  g_assert_true (g_strv_equal ((const char * const *) argv + 1, minimal));

  if (cli != NULL)
    {
      const char *help_argv[] = { cli, "extract", "--help", NULL };
      g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
      g_autofree char *out = NULL;
      g_autofree char *expect_timeout = g_strdup_printf ("(default %d)", TA_FLOW_TIMEOUT_DEFAULT_S);
      g_autofree char *expect_chunk = g_strdup_printf ("(default %d)", TA_CHUNK_SIZE_DEFAULT);
      int status = -1;

      env = g_environ_setenv (env, "LANGUAGE", "C", TRUE);
      g_spawn_sync (NULL, (char **) help_argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                    &out, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, expect_timeout));
      g_assert_nonnull (strstr (out, expect_chunk));
      g_assert_nonnull (strstr (out, "--quiet"));
    }
}

/* The in-app job's options are the ones read back from the command the app
 * shows, and they hold what the spec asks for */
static void
test_spec_options (void)
{
  g_autoptr(TaExtractSpec) spec = ta_extract_spec_new ();
  g_autoptr(TaExtractOptions) options = NULL;
  g_autoptr(TaExtractOptions) shown = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *files[] = { "/data/decoded day1.csv", "-rf.csv", NULL };
  const char *ips[] = { "15314", "10.0.0.1", NULL };
  const char *want_files[] = { "/data/decoded day1.csv", "./-rf.csv", NULL };

  spec->data_files = g_strdupv ((char **) files);
  spec->ip_map = g_strdup ("--ip_map.json");
  spec->output_dir = g_strdup ("/out/$(x) 'ddos'");
  spec->filter_ips = g_strdupv ((char **) ips);
  spec->has_time_range = TRUE;
  spec->first_minute = 20954244;
  spec->last_minute = 20954250;
  spec->attack_context = g_strdup ("-rf атака\n");

  options = ta_extract_spec_to_options (spec, &error);
  g_assert_no_error (error);
  line = ta_extract_spec_build_shell_line (spec, "timearcs-cli", TRUE, &error);
  g_assert_no_error (error);
  shown = ta_extract_options_parse_command_line (line, &error);
  g_assert_no_error (error);
  g_assert_true (ta_extract_options_equal (options, shown));

  g_assert_true (g_strv_equal ((const char * const *) options->data_files, want_files));
  g_assert_cmpstr (options->ip_map_path, ==, "./--ip_map.json");
  g_assert_cmpstr (options->output_dir, ==, spec->output_dir);
  g_assert_true (g_strv_equal ((const char * const *) options->filter_ips, ips));
  g_assert_true (options->has_time_start && options->has_time_end);
  g_assert_cmpint (options->time_start_us, ==, G_GINT64_CONSTANT (1257254640000000));
  g_assert_cmpint (options->time_end_us, ==, G_GINT64_CONSTANT (1257255060000000));
  g_assert_cmpstr (options->attack_context, ==, spec->attack_context);
  g_assert_cmpuint (options->flow_timeout_s, ==, TA_FLOW_TIMEOUT_DEFAULT_S);
  g_assert_cmpuint (options->chunk_size, ==, TA_CHUNK_SIZE_DEFAULT);
  g_assert_false (options->force);

  /* an invalid spec gives no options */
  g_clear_pointer (&spec->output_dir, g_free);
  g_clear_pointer (&options, ta_extract_options_free);
  options = ta_extract_spec_to_options (spec, &error);
  g_assert_null (options);
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/extract-args/round-trip/hostile", test_round_trip_hostile);
  g_test_add_func ("/core/extract-args/parse/typed", test_parse_typed);
  g_test_add_func ("/core/extract-args/parse/errors", test_parse_errors);
  g_test_add_func ("/core/extract-args/build/errors", test_build_errors);
  g_test_add_func ("/core/extract-args/defaults", test_defaults);
  g_test_add_func ("/core/extract-args/spec-options", test_spec_options);

  return g_test_run ();
}
