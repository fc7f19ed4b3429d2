/* test-json-scan.c — the streaming JSON scanner: values, strings with
 * escapes, skipped containers, and errors with their offsets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-error.h"
#include "ta-json-scan.h"

/* Scans one value from @text, which must be all of it */
static gboolean
scan_one (const char  *text,
          TaJsonValue *v,
          TaJsonScan  *sc)
{
  ta_json_scan_init (sc, text, strlen (text));
  return ta_json_scan_value (sc, v, 0) && ta_json_scan_end (sc);
}

static void
test_scalars (void)
{
  TaJsonScan sc;
  TaJsonValue v;

  g_assert_true (scan_one (" null ", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_NULL);
  g_assert_true (scan_one ("true", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_BOOL);
  g_assert_true (v.b);
  g_assert_true (scan_one ("false", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_BOOL);
  g_assert_false (v.b);

  g_assert_true (scan_one ("1700000000123456", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_INT);
  g_assert_cmpint (v.i, ==, G_GINT64_CONSTANT (1700000000123456));
  g_assert_false (v.int_overflow);
  g_assert_true (scan_one ("-42", &v, &sc));
  g_assert_cmpint (v.i, ==, -42);
  g_assert_true (scan_one ("9223372036854775807", &v, &sc));
  g_assert_cmpint (v.i, ==, G_MAXINT64);
  g_assert_false (v.int_overflow);
  g_assert_true (scan_one ("9223372036854775808", &v, &sc));
  g_assert_true (v.int_overflow);
  g_assert_true (scan_one ("123456789012345678901234567890", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_INT);
  g_assert_true (v.int_overflow);

  g_assert_true (scan_one ("66.0", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_DOUBLE);
  g_assert_cmpfloat (v.d, ==, 66.0);
  g_assert_true (scan_one ("-1.5e3", &v, &sc));
  g_assert_cmpfloat (v.d, ==, -1500.0);
  g_assert_true (scan_one ("2E+2", &v, &sc));
  g_assert_cmpfloat (v.d, ==, 200.0);
  /* longer than the stack buffer */
  g_assert_true (scan_one ("0.000000000000000000000000000000000000000000000000000000000000000000001e69",
                           &v, &sc));
  g_assert_cmpfloat_with_epsilon (v.d, 1.0, 1e-9);
}

static void
test_strings (void)
{
  TaJsonScan sc;
  TaJsonValue v;

  g_assert_true (scan_one ("\"10.0.0.1:80-10.0.0.2:443\"", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_STRING);
  g_assert_cmpmem (v.s, v.len, "10.0.0.1:80-10.0.0.2:443", 24);
  /* plain strings point into the text */
  g_assert_true (v.s > sc.base && v.s < sc.end);

  g_assert_true (scan_one ("\"a\\nb\\t\\\"c\\\\/\\/\\u00e9\\u20ac\"", &v, &sc));
  g_assert_cmpmem (v.s, v.len, "a\nb\t\"c\\//\xc3\xa9\xe2\x82\xac", 14);
  g_assert_true (v.s == sc.scratch);

  g_assert_true (scan_one ("\"\"", &v, &sc));
  g_assert_cmpuint (v.len, ==, 0);
}

static void
test_containers (void)
{
  TaJsonScan sc;
  TaJsonValue v;
  const char *member_text = "{ \"id\" : \"f1\" , \"n\": 7 }";
  const char *k;
  gsize kl;

  g_assert_true (scan_one ("[1, [2, 3], {\"a\": [4]}, \"x\", null]", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_ARRAY);
  g_assert_cmpint (v.n_elements, ==, 5);
  g_assert_true (scan_one ("[]", &v, &sc));
  g_assert_cmpint (v.n_elements, ==, 0);
  g_assert_true (scan_one ("{\"a\": 1, \"b\": {\"c\": [true, false]}}", &v, &sc));
  g_assert_cmpint (v.type, ==, TA_JSON_OBJECT);
  g_assert_true (scan_one ("{ }", &v, &sc));

  /* member by member */
  ta_json_scan_init (&sc, member_text, strlen (member_text));
  g_assert_true (ta_json_scan_peek (&sc, '{'));
  g_assert_true (ta_json_scan_char (&sc, '{'));
  g_assert_true (ta_json_scan_string (&sc, &k, &kl));
  g_assert_cmpmem (k, kl, "id", 2);
  g_assert_true (ta_json_scan_char (&sc, ':'));
  g_assert_true (ta_json_scan_value (&sc, &v, 1));
  g_assert_cmpmem (v.s, v.len, "f1", 2);
  g_assert_true (ta_json_scan_char (&sc, ','));
  g_assert_false (ta_json_scan_char (&sc, '}'));
  g_assert_true (ta_json_scan_string (&sc, &k, &kl));
  g_assert_true (ta_json_scan_char (&sc, ':'));
  g_assert_true (ta_json_scan_value (&sc, &v, 1));
  g_assert_cmpint (v.i, ==, 7);
  g_assert_true (ta_json_scan_char (&sc, '}'));
  g_assert_true (ta_json_scan_end (&sc));
  g_assert_null (sc.message);

  /* "key": value in one step, the key copied and cut to the buffer */
  {
    const char *text = "\"chunk\\u005findex\": \"a\\tb\", \"establishment_packets\" : 3";
    char key[8];

    ta_json_scan_init (&sc, text, strlen (text));
    g_assert_true (ta_json_scan_member (&sc, key, sizeof key, &v, 1));
    g_assert_cmpstr (key, ==, "chunk_i");
    g_assert_cmpmem (v.s, v.len, "a\tb", 3);
    g_assert_true (ta_json_scan_char (&sc, ','));
    g_assert_true (ta_json_scan_member (&sc, key, sizeof key, &v, 1));
    g_assert_cmpstr (key, ==, "establi");
    g_assert_cmpint (v.i, ==, 3);
    ta_json_scan_init (&sc, "\"a\" 1", 6);
    g_assert_false (ta_json_scan_member (&sc, key, sizeof key, &v, 1));
    g_assert_cmpstr (sc.message, ==, "“:” was expected");
    ta_json_scan_clear (&sc);
  }
}

static void
test_errors (void)
{
  static const struct { const char *text; const char *message; gsize offset; } cases[] = {
    { "", "unexpected end of file", 0 },
    { "nul", "unexpected character “n”", 0 },
    { "tru", "unexpected character “t”", 0 },
    { "x", "unexpected character “x”", 0 },
    { "-", "bad number", 1 },
    { "1.", "bad number", 2 },
    { "1.e5", "bad number", 2 },
    { "1e", "bad number", 2 },
    { "\"abc", "unterminated string", 4 },
    { "\"a\\qb\"", "bad escape", 4 },
    { "\"a\\u12g4\"", "bad \\u escape", 6 },
    { "\"a\\n\x01\"", "control character in a string", 5 },
    { "[1 2]", "“,” or “]” was expected", 3 },
    { "{\"a\" 1}", "“:” was expected", 5 },
    { "{\"a\": 1 \"b\"}", "“,” or “}” was expected", 8 },
    { "{1: 2}", "a string was expected", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TaJsonScan sc;
      TaJsonValue v;

      ta_json_scan_init (&sc, cases[i].text, strlen (cases[i].text));
      g_assert_false (ta_json_scan_value (&sc, &v, 0));
      g_assert_cmpstr (sc.message, ==, cases[i].message);
      g_assert_cmpuint (sc.error_offset, ==, cases[i].offset);
      ta_json_scan_clear (&sc);
      g_assert_null (sc.message);
    }
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  TaJsonScan sc;
  TaJsonValue v;

  for (guint i = 0; i <= TA_JSON_SCAN_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i <= TA_JSON_SCAN_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  ta_json_scan_init (&sc, deep->str, deep->len);
  g_assert_true (ta_json_scan_value (&sc, &v, 0));
  g_assert_cmpint (v.n_elements, ==, 1);

  g_string_prepend_c (deep, '[');
  g_string_append_c (deep, ']');
  ta_json_scan_init (&sc, deep->str, deep->len);
  g_assert_false (ta_json_scan_value (&sc, &v, 0));
  g_assert_cmpstr (sc.message, ==, "nested too deeply");
  ta_json_scan_clear (&sc);

  /* a caller may allow more */
  ta_json_scan_init (&sc, deep->str, deep->len);
  sc.max_depth = TA_JSON_SCAN_MAX_DEPTH + 1;
  g_assert_true (ta_json_scan_value (&sc, &v, 0));
}

static void
test_error_report (void)
{
  const char *text = "[\n  1,\n  2 3\n]";
  g_autoptr(GError) error = NULL;
  TaJsonScan sc;
  TaJsonValue v;

  ta_json_scan_init (&sc, text, strlen (text));
  g_assert_true (ta_json_scan_char (&sc, '['));
  g_assert_true (ta_json_scan_value (&sc, &v, 1));
  g_assert_true (ta_json_scan_char (&sc, ','));
  g_assert_true (ta_json_scan_value (&sc, &v, 1));
  g_assert_false (ta_json_scan_char (&sc, ','));
  g_assert_false (ta_json_scan_fail (&sc, "“,” or “]” was expected"));
  /* the first error is kept */
  sc.p = sc.end;
  g_assert_false (ta_json_scan_fail (&sc, "later"));
  g_assert_cmpuint (sc.error_offset, ==, 11);
  g_assert_cmpuint (ta_json_scan_line (&sc), ==, 3);
  ta_json_scan_set_error (&sc, "flows/flows_index.json", &error);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_cmpstr (error->message, ==,
                   "flows/flows_index.json: not valid JSON: line 3 (byte 11): “,” or “]” was expected");
  ta_json_scan_clear (&sc);

  /* trailing text */
  ta_json_scan_init (&sc, "{} x", 4);
  g_assert_true (ta_json_scan_value (&sc, &v, 0));
  g_assert_false (ta_json_scan_end (&sc));
  g_assert_true (sc.p == sc.base + 3);

  /* no text at all */
  ta_json_scan_init (&sc, NULL, 0);
  g_assert_false (ta_json_scan_peek (&sc, '['));
  g_assert_true (ta_json_scan_end (&sc));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/json-scan/scalars", test_scalars);
  g_test_add_func ("/core/json-scan/strings", test_strings);
  g_test_add_func ("/core/json-scan/containers", test_containers);
  g_test_add_func ("/core/json-scan/errors", test_errors);
  g_test_add_func ("/core/json-scan/depth", test_depth);
  g_test_add_func ("/core/json-scan/error-report", test_error_report);
  return g_test_run ();
}
