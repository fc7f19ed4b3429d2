/* test-profile-relays.c — Tor relay snapshots (Onionoo details documents):
 * loading, hostile files, tagging addresses, the per-address counts, the
 * summary and relays.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-error.h"
#include "ta-out.h"
#include "ta-relays.h"
#include "ta-test-util.h"

static TaRelaySet *
load_sample (void)
{
  g_autofree char *path = ta_test_data_path ("onionoo", "details-sample.json", NULL);
  g_autoptr(GError) error = NULL;
  TaRelaySet *set = ta_relay_set_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

static void
test_load (void)
{
  g_autoptr(TaRelaySet) set = load_sample ();
  const TaRelay *r;

  g_assert_cmpstr (ta_relay_set_get_published (set), ==, "2026-11-02 09:00:00");
  g_assert_cmpuint (ta_relay_set_get_n_relays (set), ==, 6);
  g_assert_cmpuint (ta_relay_set_get_n_addresses (set), ==, 8);

  r = ta_relay_set_lookup (set, "192.0.2.10");
  g_assert_nonnull (r);
  g_assert_cmpstr (r->address, ==, "192.0.2.10");
  g_assert_cmpint (r->role, ==, TA_RELAY_GUARD);
  g_assert_cmpstr (r->nickname, ==, "SampleGuardOne");
  g_assert_cmpstr (r->fingerprint, ==, "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678");
  g_assert_cmpstr (r->country, ==, "de");
  g_assert_cmpuint (r->bandwidth, ==, 8388608);
  g_assert_true (r->flags & TA_RELAY_FLAG_GUARD);
  g_assert_true (r->flags & TA_RELAY_FLAG_HSDIR);
  g_assert_false (r->flags & TA_RELAY_FLAG_EXIT);
  g_assert_cmpuint (r->n_relays, ==, 1);
  /* the IPv6 OR address, in any spelling */
  g_assert_true (ta_relay_set_lookup (set, "2001:db8:10::1") == ta_relay_set_lookup (set, "2001:0db8:0010:0000:0000:0000:0000:0001"));
  g_assert_cmpstr (ta_relay_set_lookup (set, "2001:db8:10::1")->nickname, ==, "SampleGuardOne");
  g_assert_true (ta_relay_set_lookup (set, "::ffff:192.0.2.10") == ta_relay_set_lookup (set, "192.0.2.10"));

  /* Exit and Guard: exit wins; fingerprints are upper-cased */
  r = ta_relay_set_lookup (set, "198.51.100.20");
  g_assert_cmpint (r->role, ==, TA_RELAY_EXIT);
  g_assert_false (r->is_exit_address);
  g_assert_cmpstr (r->fingerprint, ==, "B2C3D4E5F60718293A4B5C6D7E8F901234567890");
  g_assert_cmpuint (r->bandwidth, ==, 26214400);     /* advertised */
  g_assert_cmpuint (r->observed_bandwidth, ==, 31457280);
  r = ta_relay_set_lookup (set, "198.51.100.21");
  g_assert_cmpint (r->role, ==, TA_RELAY_EXIT);
  g_assert_true (r->is_exit_address);

  /* no flag: middle; bandwidth from observed_bandwidth when not advertised */
  r = ta_relay_set_lookup (set, "203.0.113.30");
  g_assert_cmpint (r->role, ==, TA_RELAY_MIDDLE);
  g_assert_cmpuint (r->bandwidth, ==, 1048576);

  /* an exit address without the Exit flag: the OR address is middle, the
   * exit address exit */
  g_assert_cmpint (ta_relay_set_lookup (set, "203.0.113.40")->role, ==, TA_RELAY_MIDDLE);
  r = ta_relay_set_lookup (set, "203.0.113.41");
  g_assert_cmpint (r->role, ==, TA_RELAY_EXIT);
  g_assert_cmpstr (r->nickname, ==, "SampleExitAddr");

  /* two relays on one address: the higher role */
  r = ta_relay_set_lookup (set, "192.0.2.50");
  g_assert_cmpint (r->role, ==, TA_RELAY_GUARD);
  g_assert_cmpstr (r->nickname, ==, "SharedGuard");
  g_assert_cmpuint (r->n_relays, ==, 2);

  /* not relays: the bridge, other addresses, text that is no address */
  g_assert_null (ta_relay_set_lookup (set, "10.255.0.1"));
  g_assert_null (ta_relay_set_lookup (set, "192.0.2.11"));
  g_assert_null (ta_relay_set_lookup (set, "not an address"));
  g_assert_null (ta_relay_set_lookup (set, "192.0.2.10:9001"));
  g_assert_cmpstr (ta_relay_role_name (TA_RELAY_GUARD), ==, "guard");
  g_assert_cmpstr (ta_relay_role_name (TA_RELAY_EXIT), ==, "exit");
  g_assert_cmpstr (ta_relay_role_name (TA_RELAY_MIDDLE), ==, "middle");
}

/* Loads @json, expects TA_ERROR_FORMAT with every one of the
 * NULL-terminated fragments in its message */
static void
expect_bad (const char *json,
            ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaRelaySet) set = ta_relay_set_load_data (json, strlen (json), "snap.json", &error);
  const char *fragment;
  va_list args;

  g_assert_null (set);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_true (g_str_has_prefix (error->message, "snap.json: "));
  va_start (args, json);
  while ((fragment = va_arg (args, const char *)) != NULL)
    if (strstr (error->message, fragment) == NULL)
      g_error ("“%s” does not say “%s”", error->message, fragment);
  va_end (args);
}

#define FP "C3D4E5F60718293A4B5C6D7E8F90123456789012"

static void
test_bad_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *path = g_build_filename (tmp, "nothing.json", NULL);
  g_autofree char *deep = NULL;
  static const char small[] =
    "{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [\"[2001:db8::7]:443\"],"
    " \"nickname\": null, \"flags\": null}]}";
  TaRelaySet *set;

  /* not JSON, the wrong top level */
  expect_bad ("this is not JSON", "not valid JSON", NULL);
  expect_bad ("", NULL);
  expect_bad ("[1, 2, 3]", "not an object", NULL);
  expect_bad ("{\"bridges\": []}", "relays", NULL);
  expect_bad ("{\"relays\": {}}", "relays", NULL);
  expect_bad ("{\"relays_published\": 5, \"relays\": []}", "relays_published", NULL);
  deep = g_strnfill (100000, '[');
  expect_bad (deep, NULL);

  /* wrong types */
  expect_bad ("{\"relays\": [5]}", "relay 0", "not an object", NULL);
  expect_bad ("{\"relays\": [{\"or_addresses\": [\"192.0.2.1:1\"]}]}", "fingerprint", "missing", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": 12, \"or_addresses\": []}]}", "fingerprint", "not a string", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"ABC\", \"or_addresses\": []}]}", "fingerprint", "40", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\"}]}", FP, "or_addresses", "missing", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": \"192.0.2.1:1\"}]}",
              "or_addresses", "not an array", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [7]}]}",
              "or_addresses", "not a string", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [\"192.0.2.1\"]}]}",
              "or_addresses", "192.0.2.1", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [\"192.0.2.1:70000\"]}]}",
              "or_addresses", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [\"2001:db8::1:9001\"]}]}",
              "or_addresses", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"exit_addresses\": [\"exit.example\"]}]}",
              "exit_addresses", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"flags\": \"Guard\"}]}",
              "flags", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"country\": \"Germany\"}]}",
              "country", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"nickname\": true}]}",
              "nickname", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"observed_bandwidth\": \"fast\"}]}",
              "observed_bandwidth", "not a number", NULL);
  /* the second relay is bad: its index is named */
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": []}, {\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"advertised_bandwidth\": -1}]}",
              "relay 1", "advertised_bandwidth", NULL);

  /* huge numbers */
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"observed_bandwidth\": 1e300}]}",
              "observed_bandwidth", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"observed_bandwidth\": 9223372036854775807}]}",
              "observed_bandwidth", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"observed_bandwidth\": 123456789012345678901234567890}]}",
              "observed_bandwidth", NULL);
  expect_bad ("{\"relays\": [{\"fingerprint\": \"" FP "\", \"or_addresses\": [], \"observed_bandwidth\": 1.5}]}",
              "observed_bandwidth", NULL);

  /* a missing file and a folder */
  set = ta_relay_set_load (path, &error);
  g_assert_null (set);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "nothing.json"));
  g_clear_error (&error);
  set = ta_relay_set_load (tmp, &error);
  g_assert_null (set);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a small good one: null fields are absent ones */
  set = ta_relay_set_load_data (small, strlen (small), "ok.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ta_relay_set_lookup (set, "2001:db8::7")->nickname, ==, "Unnamed");
  g_assert_cmpstr (ta_relay_set_lookup (set, "2001:db8::7")->country, ==, "");
  g_assert_cmpstr (ta_relay_set_get_published (set), ==, "");
  ta_relay_set_free (set);
  ta_test_rm_rf (tmp);
}

static TaConn
conn (TaAddrTable *addrs,
      const char  *orig,
      const char  *resp,
      guint64      pkts,
      guint64      bytes)
{
  TaConn c;

  memset (&c, 0, sizeof c);
  c.orig = ta_addr_table_intern_text (addrs, orig, -1);
  c.resp = ta_addr_table_intern_text (addrs, resp, -1);
  c.proto = 6;
  c.orig_pkts = pkts;
  c.orig_ip_bytes = bytes;
  return c;
}

static void
test_tagging (void)
{
  g_autoptr(TaRelaySet) set = load_sample ();
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaAddrTable) other = ta_addr_table_new ();
  g_autoptr(TaRelayTagger) tagger = NULL;
  g_autoptr(GPtrArray) countries = NULL;
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *path = g_build_filename (tmp, "relays.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TaRelaySummary sum;
  TaConn c;
  TaOut *out;
  guint32 client = ta_addr_table_intern_text (addrs, "10.0.0.5", -1);
  guint32 guard = ta_addr_table_intern_text (addrs, "192.0.2.10", -1);

  /* by index, cached, and per table */
  g_assert_null (ta_relay_set_lookup_index (set, addrs, client));
  g_assert_null (ta_relay_set_lookup_index (set, addrs, client));
  g_assert_cmpstr (ta_relay_set_lookup_index (set, addrs, guard)->nickname, ==, "SampleGuardOne");
  g_assert_true (ta_relay_set_lookup_index (set, addrs, guard) == ta_relay_set_lookup (set, "192.0.2.10"));
  g_assert_null (ta_relay_set_lookup_index (set, addrs, TA_ADDR_NONE));
  g_assert_null (ta_relay_set_lookup_index (set, addrs, 1000));
  ta_addr_table_intern_text (other, "192.0.2.10", -1);   /* index 0 there */
  g_assert_nonnull (ta_relay_set_lookup_index (set, other, 0));
  g_assert_null (ta_relay_set_lookup_index (set, addrs, 0));  /* 10.0.0.5 here */
  g_assert_null (ta_relay_set_lookup_index (set, addrs, ta_addr_table_intern_text (addrs, "opaque-7", -1)));

  tagger = ta_relay_tagger_new (set, addrs);
  c = conn (addrs, "10.0.0.5", "192.0.2.10", 10, 1000);       /* client → guard */
  g_assert_cmpuint (ta_relay_tagger_add_conn (tagger, &c), ==, 1);
  g_assert_cmpuint (ta_relay_tagger_add_conn (tagger, &c), ==, 1);
  c = conn (addrs, "198.51.100.21", "10.0.0.80", 5, 5000);    /* exit → a server */
  g_assert_cmpuint (ta_relay_tagger_add_conn (tagger, &c), ==, 1);
  c = conn (addrs, "192.0.2.10", "203.0.113.30", 3, 300);     /* guard → middle */
  g_assert_cmpuint (ta_relay_tagger_add_conn (tagger, &c), ==, 2);
  c = conn (addrs, "10.0.0.5", "10.0.0.80", 100, 100000);     /* no relay */
  g_assert_cmpuint (ta_relay_tagger_add_conn (tagger, &c), ==, 0);

  ta_relay_tagger_get_summary (tagger, &sum);
  g_assert_cmpuint (sum.connections, ==, 4);
  g_assert_cmpuint (sum.packets, ==, 28);
  g_assert_cmpuint (sum.bytes, ==, 7300);
  g_assert_cmpuint (sum.relays, ==, 3);
  g_assert_cmpuint (sum.roles[TA_RELAY_GUARD].addresses, ==, 1);
  g_assert_cmpuint (sum.roles[TA_RELAY_GUARD].connections, ==, 3);
  g_assert_cmpuint (sum.roles[TA_RELAY_GUARD].bytes, ==, 2300);
  g_assert_cmpuint (sum.roles[TA_RELAY_GUARD].bandwidth, ==, 8388608);
  g_assert_cmpuint (sum.roles[TA_RELAY_EXIT].addresses, ==, 1);
  g_assert_cmpuint (sum.roles[TA_RELAY_EXIT].packets, ==, 5);
  g_assert_cmpuint (sum.roles[TA_RELAY_MIDDLE].connections, ==, 1);
  g_assert_cmpuint (sum.roles[TA_RELAY_MIDDLE].bandwidth, ==, 1048576);

  countries = ta_relay_tagger_get_countries (tagger);
  g_assert_cmpuint (countries->len, ==, 3);
  g_assert_cmpstr (((TaRelayCountry *) countries->pdata[0])->country, ==, "nl");
  g_assert_cmpuint (((TaRelayCountry *) countries->pdata[0])->bytes, ==, 5000);
  g_assert_cmpstr (((TaRelayCountry *) countries->pdata[1])->country, ==, "de");
  g_assert_cmpuint (((TaRelayCountry *) countries->pdata[1])->connections, ==, 3);
  g_assert_cmpstr (((TaRelayCountry *) countries->pdata[2])->country, ==, "us");

  out = ta_out_open (path, TA_OUT_NONE, 0, &error);
  g_assert_no_error (error);
  ta_relay_tagger_write (tagger, out);
  g_assert_true (ta_out_commit_file (out, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_cmpstr (text, ==,
                   "address,role,nickname,fingerprint,bandwidth,country,connections,packets,bytes\n"
                   "198.51.100.21,exit,SampleExitOne,B2C3D4E5F60718293A4B5C6D7E8F901234567890,26214400,nl,1,5,5000\n"
                   "192.0.2.10,guard,SampleGuardOne,A1B2C3D4E5F60718293A4B5C6D7E8F9012345678,8388608,de,3,23,2300\n"
                   "203.0.113.30,middle,SampleMiddle,C3D4E5F60718293A4B5C6D7E8F90123456789012,1048576,us,1,3,300\n");
  ta_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/profile/relays/load", test_load);
  g_test_add_func ("/core/profile/relays/bad-files", test_bad_files);
  g_test_add_func ("/core/profile/relays/tagging", test_tagging);
  return g_test_run ();
}
