/* test-attacks.c — ground truth, labelling and attack aggregation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ta-error.h"
#include "ta-ground-truth.h"

static const char *
shared_data (void)
{
  const char *dir = g_getenv ("TA_SHARED_DATA");

  return dir ? dir : SHARED_DATA_DIR;
}

#define GT_HEADER "Event Type,C2S ID,Source,Source Port(s),Destination,Destination Port(s),Start Time (UTC),Stop Time (UTC)\n"

static void
test_gt_minutes (void)
{
  gint64 m;

  g_assert_true (ta_parse_utc_minutes ("2009-11-03 13:24:00", 19, &m));
  g_assert_cmpint (m, ==, 20954244);
  g_assert_true (ta_parse_utc_minutes ("1970-01-01 00:00:59", 19, &m));
  g_assert_cmpint (m, ==, 0);
  g_assert_true (ta_parse_utc_minutes ("1969-12-31 23:59", 16, &m));
  g_assert_cmpint (m, ==, -1);
  g_assert_true (ta_parse_utc_minutes ("2000-02-29T00:01:00", 19, &m));
  g_assert_cmpint (m, ==, 10957 * 1440 + 59 * 1440 + 1);
  g_assert_false (ta_parse_utc_minutes ("2009-11-03", 10, &m));
  g_assert_false (ta_parse_utc_minutes ("2009-13-03 13:24:00", 19, &m));
  g_assert_false (ta_parse_utc_minutes ("2009-02-29 13:24:00", 19, &m));
  g_assert_false (ta_parse_utc_minutes ("2009-11-03 24:00:00", 19, &m));
  g_assert_false (ta_parse_utc_minutes ("2009-11-03 13:24:00x", 20, &m));
  g_assert_false (ta_parse_utc_minutes ("", 0, &m));
}

static void
test_gt_parse (void)
{
  const char *csv =
    "\xef\xbb\xbf" "Source,Event Type,Destination,Destination Port(s),Start Time (UTC),Stop Time (UTC),Source Port(s),C2S ID\r\n"
    "205.63.202.67,client compromise,172.28.1.134,52784,2009-11-03 13:24:00,2009-11-03 13:25:00,80.0,45465.0\r\n"
    ",,,,,,,\r\n"
    "\r\n"
    "1.2.3.4,scan,172.28.1.134,21 4899,2009-11-03 13:24:00,2009-11-03 13:24:00,0.0,\n"
    "1.2.3.4,\"scan, quoted \"\"x\"\"\",5.6.7.8,64142:64353,2009-11-03 13:24,2009-11-03 13:24,,1\n"
    "1.2.3.4,bad time,5.6.7.8,80,2009-11-03,2009-11-03 13:24:00,0,2\n"
    "1.2.3.999,bad addr,5.6.7.8,80,2009-11-03 13:24:00,2009-11-03 13:24:00,0,3\n"
    "1.2.3.4,bad port,5.6.7.8,70000,2009-11-03 13:24:00,2009-11-03 13:24:00,0,4\n"
    "1.2.3.4,stop before start,5.6.7.8,80,2009-11-03 13:24:00,2009-11-03 13:23:00,0,5\n"
    "1.2.3.4,short row\n"
    ",any source,::ffff:9.9.9.9,80,2009-11-03 13:24:00,2009-11-03 13:24:00,0,6\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaGroundTruth) gt = ta_ground_truth_new_from_data (csv, strlen (csv), "gt.csv", &error);
  const TaGtEvent *ev;
  const GPtrArray *problems;
  g_autofree char *ports = NULL;
  g_autofree char *range = NULL;
  const guint32 *touching;
  guint n;
  gint64 a, b;

  g_assert_no_error (error);
  g_assert_nonnull (gt);
  g_assert_cmpuint (ta_ground_truth_get_n_events (gt), ==, 4);
  g_assert_cmpuint (ta_ground_truth_get_n_blank (gt), ==, 2);
  g_assert_cmpuint (ta_ground_truth_get_n_bad (gt), ==, 5);

  problems = ta_ground_truth_get_problems (gt);
  g_assert_cmpuint (problems->len, ==, TA_GT_MAX_PROBLEMS);
  g_assert_true (g_str_has_prefix (problems->pdata[0], "gt.csv:7: "));
  g_assert_nonnull (strstr (problems->pdata[0], "Start Time"));
  g_assert_true (g_str_has_prefix (problems->pdata[1], "gt.csv:8: "));
  g_assert_true (g_str_has_prefix (problems->pdata[2], "gt.csv:9: "));
  g_assert_true (g_str_has_prefix (problems->pdata[3], "gt.csv:10: "));
  g_assert_true (g_str_has_prefix (problems->pdata[4], "gt.csv:11: "));

  ev = ta_ground_truth_get_event (gt, 0);
  g_assert_cmpstr (ta_ground_truth_event_label (gt, ev), ==, "client compromise");
  g_assert_cmpstr (ta_ground_truth_event_src (gt, ev), ==, "205.63.202.67");
  g_assert_cmpstr (ta_ground_truth_event_dst (gt, ev), ==, "172.28.1.134");
  g_assert_cmpuint (ta_ground_truth_event_src_port (gt, ev), ==, 80);
  g_assert_cmpuint (ta_ground_truth_event_dst_port (gt, ev), ==, 52784);
  g_assert_cmpint (ev->start_min, ==, 20954244);
  g_assert_cmpint (ev->stop_min, ==, 20954245);
  g_assert_cmpint (ev->c2s_id, ==, 45465);
  g_assert_cmpuint (ev->line, ==, 2);

  ev = ta_ground_truth_get_event (gt, 1);
  g_assert_cmpstr (ta_ground_truth_event_label (gt, ev), ==, "scan");
  g_assert_cmpuint (ev->n_sports, ==, 0);
  g_assert_cmpuint (ta_ground_truth_event_src_port (gt, ev), ==, 0);
  g_assert_cmpint (ev->c2s_id, ==, -1);
  ports = ta_ground_truth_event_format_ports (gt, ev, TRUE);
  g_assert_cmpstr (ports, ==, "21 4899");
  g_assert_true (ta_ground_truth_event_port_matches (gt, ev, TRUE, 21));
  g_assert_true (ta_ground_truth_event_port_matches (gt, ev, TRUE, 4899));
  g_assert_false (ta_ground_truth_event_port_matches (gt, ev, TRUE, 22));
  g_assert_true (ta_ground_truth_event_port_matches (gt, ev, FALSE, 12345));

  ev = ta_ground_truth_get_event (gt, 2);
  g_assert_cmpstr (ta_ground_truth_event_label (gt, ev), ==, "scan, quoted \"x\"");
  range = ta_ground_truth_event_format_ports (gt, ev, TRUE);
  g_assert_cmpstr (range, ==, "64142:64353");
  g_assert_true (ta_ground_truth_event_port_matches (gt, ev, TRUE, 64142));
  g_assert_true (ta_ground_truth_event_port_matches (gt, ev, TRUE, 64353));
  g_assert_false (ta_ground_truth_event_port_matches (gt, ev, TRUE, 64354));

  ev = ta_ground_truth_get_event (gt, 3);
  g_assert_null (ta_ground_truth_event_src (gt, ev));
  g_assert_cmpstr (ta_ground_truth_event_dst (gt, ev), ==, "9.9.9.9");

  touching = ta_ground_truth_events_for_address (gt, "1.2.3.4", &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (touching[0], ==, 1);
  g_assert_cmpuint (touching[1], ==, 2);
  touching = ta_ground_truth_events_for_address (gt, "172.28.1.134", &n);
  g_assert_cmpuint (n, ==, 2);
  touching = ta_ground_truth_events_for_address (gt, "8.8.8.8", &n);
  g_assert_null (touching);
  g_assert_cmpuint (n, ==, 0);

  g_assert_true (ta_ground_truth_get_time_range (gt, &a, &b));
  g_assert_cmpint (a, ==, 20954244);
  g_assert_cmpint (b, ==, 20954245);
}

static void
test_gt_errors (void)
{
  g_autoptr(GError) error = NULL;
  TaGroundTruth *gt;
  const char *no_dst = "Event Type,Source,Start Time (UTC),Stop Time (UTC)\nx,1.2.3.4,2009-11-03 13:24:00,2009-11-03 13:24:00\n";

  gt = ta_ground_truth_new_from_data ("", 0, "empty.csv", &error);
  g_assert_null (gt);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);

  gt = ta_ground_truth_new_from_data (no_dst, strlen (no_dst), "nodst.csv", &error);
  g_assert_null (gt);
  g_assert_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "nodst.csv:1:"));
  g_assert_nonnull (strstr (error->message, "Destination"));
  g_clear_error (&error);

  gt = ta_ground_truth_load ("/nonexistent/gt.csv", NULL, &error);
  g_assert_null (gt);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/gt.csv"));
  g_clear_error (&error);

  /* arbitrary bytes never crash */
  {
    GRand *rand = g_rand_new_with_seed (7);
    char buf[512];

    for (guint round = 0; round < 2000; round++)
      {
        guint len = g_rand_int_range (rand, 0, sizeof buf);
        TaGroundTruth *fuzz;

        memcpy (buf, GT_HEADER, MIN (len, strlen (GT_HEADER)));
        for (guint i = MIN (len, strlen (GT_HEADER)); i < len; i++)
          buf[i] = "0123456789.,: -\"\n\rabc"[g_rand_int_range (rand, 0, 21)];
        fuzz = ta_ground_truth_new_from_data (buf, len, "fuzz.csv", NULL);
        if (fuzz != NULL)
          {
            for (guint i = 0; i < ta_ground_truth_get_n_events (fuzz); i++)
              {
                const TaGtEvent *ev = ta_ground_truth_get_event (fuzz, i);

                g_assert_cmpint (ev->start_min, <=, ev->stop_min);
                g_assert_true (ev->src != TA_GT_ANY_ADDR || ev->dst != TA_GT_ANY_ADDR);
              }
          }
        g_clear_pointer (&fuzz, ta_ground_truth_unref);
      }
    g_rand_free (rand);
  }
}

static void
test_gt_real_file (void)
{
  g_autofree char *path = g_build_filename (shared_data (), "timearcs", "GroundTruth_UTC_naive.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  gint64 a, b, expect_a, expect_b;
  guint with_any_dst = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared ground truth not found");
      return;
    }
  gt = ta_ground_truth_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_ground_truth_get_n_events (gt), ==, 8223);
  g_assert_cmpuint (ta_ground_truth_get_n_blank (gt), ==, 57312);
  g_assert_cmpuint (ta_ground_truth_get_n_bad (gt), ==, 0);
  g_assert_cmpuint (ta_ground_truth_get_n_labels (gt), ==, 47);
  g_assert_true (ta_ground_truth_get_time_range (gt, &a, &b));
  g_assert_true (ta_parse_utc_minutes ("2009-11-03 13:20:00", 19, &expect_a));
  g_assert_true (ta_parse_utc_minutes ("2009-11-13 13:34:00", 19, &expect_b));
  g_assert_cmpint (a, ==, expect_a);
  g_assert_cmpint (b, ==, expect_b);

  for (guint i = 0; i < ta_ground_truth_get_n_events (gt); i++)
    if (ta_ground_truth_get_event (gt, i)->dst == TA_GT_ANY_ADDR)
      with_any_dst++;
  g_assert_cmpuint (with_any_dst, ==, 1);
  {
    const TaGtEvent *ev = ta_ground_truth_get_event (gt, 0);

    g_assert_cmpstr (ta_ground_truth_event_label (gt, ev), ==, "no precursor client compromise exfil/sams_launch_v");
    g_assert_cmpstr (ta_ground_truth_event_src (gt, ev), ==, "172.28.219.190");
    g_assert_cmpuint (ta_ground_truth_event_dst_port (gt, ev), ==, 80);
    g_assert_cmpint (ev->c2s_id, ==, 43555);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/attacks/ground-truth/minutes", test_gt_minutes);
  g_test_add_func ("/attacks/ground-truth/parse", test_gt_parse);
  g_test_add_func ("/attacks/ground-truth/errors", test_gt_errors);
  g_test_add_func ("/attacks/ground-truth/real-file", test_gt_real_file);

  return g_test_run ();
}
