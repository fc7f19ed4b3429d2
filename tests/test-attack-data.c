/* test-attack-data.c — attack CSVs, mappings, colours (FORMATS.md §3, §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ta-attack-data.h"
#include "ta-error.h"
#include "ta-test-util.h"

/* The attack files are reference data ($TA_SHARED_DATA): without them the
 * case is marked skipped */
static gboolean
have_shared (void)
{
  g_autofree char *p = ta_test_shared_path_or_skip ("timearcs", "90min_day1_attacks.csv", NULL);

  return p != NULL;
}

static void
test_real_totals (void)
{
  g_autofree char *csv = ta_test_shared_path ("timearcs", "90min_day1_attacks.csv", NULL);
  g_autofree char *mapping = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaLabelMap) types = NULL;
  g_autoptr(GError) error = NULL;
  GArray *totals;
  gint64 first, last;
  guint n;

  if (!have_shared ())
    return;

  /* the prefix-named mapping wins over the generic one */
  mapping = ta_attack_find_event_mapping (csv);
  g_assert_nonnull (mapping);
  g_assert_true (g_str_has_suffix (mapping, "event_type_mapping_90min_day1.json"));

  g_assert_true (ta_attack_data_load_file (data, csv, &error));
  g_assert_no_error (error);
  ta_attack_data_get_records (data, &n);
  g_assert_cmpuint (n, ==, 1385);
  g_assert_false (ta_attack_data_has_groups (data));
  g_assert_true (ta_attack_data_get_time_range (data, &first, &last));
  g_assert_cmpint (first, ==, 20954244);
  g_assert_cmpint (last, ==, 20954321);

  types = ta_label_map_load (mapping, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_label_map_get_size (types), ==, 22);
  g_assert_cmpstr (ta_label_map_lookup_code (types, 3), ==, "ddos");

  totals = ta_attack_data_label_totals (data, types, NULL, FALSE);
  g_assert_cmpuint (totals->len, >=, 3);
  g_assert_cmpstr (g_array_index (totals, TaLabelTotal, 0).label, ==, "ddos");
  g_assert_cmpuint (g_array_index (totals, TaLabelTotal, 0).packets, ==, 790668);
  g_assert_cmpstr (g_array_index (totals, TaLabelTotal, 1).label, ==,
                   "c2 + control channel exfil - no precursor nc");
  g_assert_cmpuint (g_array_index (totals, TaLabelTotal, 1).packets, ==, 61364);
  g_assert_cmpstr (g_array_index (totals, TaLabelTotal, 2).label, ==, "malware ddos");
  g_assert_cmpuint (g_array_index (totals, TaLabelTotal, 2).packets, ==, 53100);
  ta_label_totals_free (totals);
}

static void
test_wrong_mapping (void)
{
  g_autofree char *csv = ta_test_shared_path ("timearcs", "90min_day1_grouped_attacks.csv", NULL);
  g_autofree char *right = ta_test_shared_path ("timearcs", "event_type_mapping_90min_day1.json", NULL);
  g_autofree char *wrong = ta_test_shared_path ("timearcs", "event_type_mapping.json", NULL);
  g_autofree char *gpath = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaLabelMap) good = NULL;
  g_autoptr(TaLabelMap) bad = NULL;
  g_autoptr(TaLabelMap) groups = NULL;
  g_autoptr(GError) error = NULL;
  GArray *totals;

  if (!have_shared ())
    return;

  gpath = ta_attack_find_group_mapping (csv);
  g_assert_nonnull (gpath);
  g_assert_true (ta_attack_data_load_file (data, csv, &error));
  g_assert_true (ta_attack_data_has_groups (data));
  good = ta_label_map_load (right, &error);
  bad = ta_label_map_load (wrong, &error);
  groups = ta_label_map_load (gpath, &error);
  g_assert_no_error (error);

  g_assert_true (ta_attack_data_check_mapping (data, good, groups, &error));
  g_assert_no_error (error);

  g_assert_false (ta_attack_data_check_mapping (data, bad, groups, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "wrong mapping"));
  g_assert_nonnull (strstr (error->message, "90min_day1_grouped_attacks.csv:"));
  g_test_message ("%s", error->message);

  /* group totals: ddos group = ddos + malware ddos */
  totals = ta_attack_data_label_totals (data, good, groups, TRUE);
  g_assert_cmpstr (g_array_index (totals, TaLabelTotal, 0).label, ==, "ddos");
  g_assert_cmpuint (g_array_index (totals, TaLabelTotal, 0).packets, ==, 790668 + 53100);
  ta_label_totals_free (totals);
}

static void
test_apply_groups (void)
{
  g_autofree char *csv = ta_test_shared_path ("timearcs", "90min_day1_attacks.csv", NULL);
  g_autofree char *right = ta_test_shared_path ("timearcs", "event_type_mapping_90min_day1.json", NULL);
  g_autofree char *sibling = NULL;
  g_autofree char *gpath = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaAttackData) grouped = ta_attack_data_new ();
  g_autoptr(TaLabelMap) types = NULL;
  g_autoptr(TaLabelMap) groups = NULL;
  GArray *totals;

  if (!have_shared ())
    return;
  sibling = ta_attack_find_grouped_sibling (csv);
  g_assert_nonnull (sibling);
  g_assert_true (g_str_has_suffix (sibling, "90min_day1_grouped_attacks.csv"));
  g_assert_null (ta_attack_find_grouped_sibling (sibling));
  gpath = ta_attack_find_group_mapping (csv);
  g_assert_true (ta_attack_data_load_file (data, csv, NULL));
  g_assert_true (ta_attack_data_load_file (grouped, sibling, NULL));
  types = ta_label_map_load (right, NULL);
  groups = ta_label_map_load (gpath, NULL);

  g_assert_false (ta_attack_data_has_groups (data));
  g_assert_cmpuint (ta_attack_data_apply_groups (data, grouped), ==, 1385);
  g_assert_true (ta_attack_data_has_groups (data));
  totals = ta_attack_data_label_totals (data, types, groups, TRUE);
  g_assert_cmpstr (g_array_index (totals, TaLabelTotal, 0).label, ==, "ddos");
  g_assert_cmpuint (g_array_index (totals, TaLabelTotal, 0).packets, ==, 790668 + 53100);
  ta_label_totals_free (totals);
}

static void
expect_error (const char *text,
              const char *where)
{
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(GError) error = NULL;
  guint n;

  g_assert_false (ta_attack_data_load_data (data, "bad.csv", text, strlen (text), &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, where));
  ta_attack_data_get_records (data, &n);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_malformed (void)
{
  const char *hdr = "timestamp,length,src_ip,dst_ip,protocol,attack,count\n";
  g_autofree char *t1 = g_strconcat (hdr, "20954244,66,1,2,6,0,2\n20954244,66,x,2,6,0,2\n", NULL);
  g_autofree char *t2 = g_strconcat (hdr, "20954244,66,1,2,6,0\n", NULL);
  g_autofree char *t3 = g_strconcat (hdr, "20954244,66,1,2,6,0,2\n\n20954245,66,1,2,6,0,-4\n", NULL);
  g_autofree char *t4 = g_strconcat (hdr, "nan,66,1,2,6,0,2\n", NULL);
  g_autofree char *t5 = g_strconcat (hdr, "20954244.5,66,1,2,6,0,2\n", NULL);
  g_autofree char *t6 = g_strconcat (hdr, "20954244,66,1,,6,0,2\n", NULL);
  g_autofree char *t7 = g_strconcat (hdr, "99999999999999999999,66,1,2,6,0,2\n", NULL);

  /* no usable row: the file is refused, naming the first bad one */
  expect_error (t2, "bad.csv:2:");
  expect_error (t4, "bad.csv:2:");
  expect_error (t5, "bad.csv:2:");
  expect_error (t6, "bad.csv:2:");
  expect_error (t7, "bad.csv:2:");
  expect_error ("time,src,dst\n1,2,3\n", "bad.csv:1:");
  expect_error ("", "bad.csv:1:");
  expect_error ("\x01\x02\x00\x03", "bad.csv:");

  /* good rows with bad ones: the good load, the bad are counted and
   * named with file:line (a truncated last line is one of them) */
  {
    g_autofree char *t8 = g_strconcat (hdr, "20954244,66,1,2,6,0,2\n20954244,66,x,2,6,0,2\n"
                                       "20954245,66,1,2,6,0,-4\n20954246,66,3,4,6,1,5\n20954247,66,3", NULL);
    g_autoptr(TaAttackData) data = ta_attack_data_new ();
    g_autoptr(GError) error = NULL;
    const TaAttackRecord *r;
    GPtrArray *problems;
    guint n;

    g_assert_true (ta_attack_data_load_data (data, "mixed.csv", t8, strlen (t8), &error));
    g_assert_no_error (error);
    r = ta_attack_data_get_records (data, &n);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpint (r[0].minute, ==, 20954244);
    g_assert_cmpint (r[1].minute, ==, 20954246);
    g_assert_cmpuint (ta_attack_data_get_malformed (data), ==, 3);
    problems = ta_attack_data_get_problems (data);
    g_assert_cmpuint (problems->len, ==, 3);
    g_assert_true (g_str_has_prefix (problems->pdata[0], "mixed.csv:3:"));
    g_assert_true (g_str_has_prefix (problems->pdata[1], "mixed.csv:4:"));
    g_assert_true (g_str_has_prefix (problems->pdata[2], "mixed.csv:6:"));
    g_assert_true (ta_attack_data_load_data (data, "t1.csv", t1, strlen (t1), NULL));
    g_assert_true (ta_attack_data_load_data (data, "t3.csv", t3, strlen (t3), NULL));
    ta_attack_data_get_records (data, &n);
    g_assert_cmpuint (n, ==, 4);
    g_assert_cmpuint (ta_attack_data_get_malformed (data), ==, 5);
    /* a refused file adds nothing, not even its problems */
    g_assert_false (ta_attack_data_load_data (data, "t2.csv", t2, strlen (t2), NULL));
    g_assert_cmpuint (ta_attack_data_get_problems (data)->len, ==, 5);
    g_assert_cmpuint (ta_attack_data_get_malformed (data), ==, 5);
  }
}

static void
test_ok_variants (void)
{
  /* columns found by name in any order; CRLF; `1.0` ids; optional columns absent */
  const char *text = "count,attack,dst_ip,src_ip,timestamp\r\n3,7,2.0,1,20954244\r\n1,-1,1,2,20954245\r\n";
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(GError) error = NULL;
  const TaAttackRecord *r;
  guint n;

  g_assert_true (ta_attack_data_load_data (data, "ok.csv", text, strlen (text), &error));
  g_assert_no_error (error);
  r = ta_attack_data_get_records (data, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (r[0].dst_id, ==, 2);
  g_assert_cmpint (r[0].attack, ==, 7);
  g_assert_cmpuint (r[0].count, ==, 3);
  g_assert_cmpuint (r[1].line, ==, 3);
  g_assert_cmpuint (ta_attack_data_get_total_packets (data), ==, 4);
}

/* A UTF-8 byte order mark before the header (spreadsheets write one) */
static void
test_bom (void)
{
  const char *text = "\xef\xbb\xbftimestamp,length,src_ip,dst_ip,protocol,attack,count\n"
                     "20954244,60,1,2,6,7,3\n";
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(GError) error = NULL;
  guint n;

  g_assert_true (ta_attack_data_load_data (data, "bom.csv", text, strlen (text), &error));
  g_assert_no_error (error);
  ta_attack_data_get_records (data, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (ta_attack_data_get_total_packets (data), ==, 3);
}

static void
test_mappings_and_colors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaLabelMap) m = NULL;
  g_autoptr(TaColorMap) colors = NULL;
  g_autofree char *cpath = ta_test_shared_path ("timearcs", "color_mapping.json", NULL);
  guint32 a, b;

  m = ta_label_map_new_from_data ("m.json", "{\"normal\": -1, \"ddos\": 3}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ta_label_map_lookup_code (m, 3), ==, "ddos");
  g_assert_null (ta_label_map_lookup_code (m, 4));
  g_clear_pointer (&m, ta_label_map_free);

  m = ta_label_map_new_from_data ("m.json", "{\"ddos\": \"x\"}", -1, &error);
  g_assert_null (m);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_true (g_str_has_prefix (error->message, "m.json"));
  g_clear_error (&error);
  m = ta_label_map_new_from_data ("m.json", "[1,2", -1, &error);
  g_assert_null (m);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* palette fallback: stable per label, deterministic */
  a = ta_palette_color ("some new label");
  b = ta_palette_color ("some new label");
  g_assert_cmpuint (a, ==, b);
  g_assert_cmpuint (ta_color_map_lookup (NULL, "some new label"), ==, a);

  if (!have_shared ())
    return;
  colors = ta_color_map_load (cpath, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_color_map_lookup (colors, "ddos"), ==, 0x264D99);
  g_assert_cmpuint (ta_color_map_lookup (colors, "not in the map"), ==, ta_palette_color ("not in the map"));
}

static void
test_find_companions (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-attack-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "set9_attacks.csv", NULL);
  g_autofree char *generic = g_build_filename (dir, "event_type_mapping.json", NULL);
  g_autofree char *specific = g_build_filename (dir, "event_type_mapping_set9.json", NULL);
  g_autofree char *found = NULL;

  g_assert_true (g_file_set_contents (csv, "timestamp,src_ip,dst_ip,attack,count\n", -1, NULL));
  g_assert_null (ta_attack_find_event_mapping (csv));
  g_assert_true (g_file_set_contents (generic, "{}", -1, NULL));
  found = ta_attack_find_event_mapping (csv);
  g_assert_cmpstr (found, ==, generic);
  g_clear_pointer (&found, g_free);
  g_assert_true (g_file_set_contents (specific, "{}", -1, NULL));
  found = ta_attack_find_event_mapping (csv);
  g_assert_cmpstr (found, ==, specific);

  g_unlink (csv);
  g_unlink (generic);
  g_unlink (specific);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/attack-data/real-totals", test_real_totals);
  g_test_add_func ("/core/attack-data/wrong-mapping", test_wrong_mapping);
  g_test_add_func ("/core/attack-data/bom", test_bom);
  g_test_add_func ("/core/attack-data/apply-groups", test_apply_groups);
  g_test_add_func ("/core/attack-data/malformed", test_malformed);
  g_test_add_func ("/core/attack-data/ok-variants", test_ok_variants);
  g_test_add_func ("/core/attack-data/mappings-colors", test_mappings_and_colors);
  g_test_add_func ("/core/attack-data/find-companions", test_find_companions);
  return g_test_run ();
}
