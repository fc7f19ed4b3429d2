/* test-attacks.c — ground truth, labelling and attack aggregation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ta-attack-agg.h"
#include "ta-error.h"
#include "ta-event-mapping.h"
#include "ta-ground-truth.h"
#include "ta-labeler.h"

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

/* ------------------------------------------------------------ labelling */

#define MIN_US G_GINT64_CONSTANT (60000000)

static gint64
us_at (const char *when)
{
  gint64 m;

  g_assert_true (ta_parse_utc_minutes (when, strlen (when), &m));
  return m * MIN_US;
}

static TaPacket
mkpkt (TaAddrTable *addrs,
       const char  *src,
       guint16      sport,
       const char  *dst,
       guint16      dport,
       gint64       ts)
{
  TaPacket p = { 0 };

  p.ts = ts;
  p.src = ta_addr_table_intern_text (addrs, src, -1);
  p.dst = ta_addr_table_intern_text (addrs, dst, -1);
  p.sport = sport;
  p.dport = dport;
  p.proto = 6;
  p.length = 66;
  p.label = TA_LABEL_NONE;
  return p;
}

static const char *
label_of (TaEventMapping *m,
          gint32          code)
{
  return ta_event_mapping_get_label (m, code);
}

static void
test_label_matching (void)
{
  const char *csv =
    GT_HEADER
    "alpha,1,10.0.0.1,0.0,10.0.0.2,80.0,2009-11-03 13:24:00,2009-11-03 13:25:00\n"
    ",,,,,,,\n"
    "beta,2,10.0.0.3,0.0,10.0.0.4,0.0,2009-11-03 13:24:00,2009-11-03 13:24:00\n"
    "wide,3,10.0.0.5,0.0,10.0.0.6,0.0,2009-11-03 13:00:00,2009-11-03 14:00:00\n"
    "narrow,4,10.0.0.6,0.0,10.0.0.5,0.0,2009-11-03 13:20:00,2009-11-03 13:30:00\n"
    "ported,5,10.0.0.5,,10.0.0.6,443,2009-11-03 13:00:00,2009-11-03 14:00:00\n"
    "late,6,10.0.0.5,0.0,10.0.0.6,0.0,2009-11-03 15:05:00,2009-11-03 15:15:00\n"
    "early,7,10.0.0.5,0.0,10.0.0.6,0.0,2009-11-03 15:00:00,2009-11-03 15:10:00\n"
    "eta,8,10.0.0.7,0.0,10.0.0.8,0.0,2009-11-03 16:00:00,2009-11-03 16:00:00\n"
    "zeta,9,10.0.0.7,0.0,10.0.0.8,0.0,2009-11-03 16:00:00,2009-11-03 16:00:00\n"
    "eta,10,10.0.0.7,0.0,10.0.0.8,0.0,2009-11-03 17:00:00,2009-11-03 17:00:00\n"
    "dns,11,,0.0,10.0.0.9,53,2009-11-03 13:00:00,2009-11-03 13:59:00\n"
    "scan,12,10.0.0.10,0,10.0.0.11,21 4899,2009-11-03 13:00:00,2009-11-03 13:00:00\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaGroundTruth) gt = ta_ground_truth_new_from_data (csv, strlen (csv), "gt.csv", &error);
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaEventMapping) map = ta_event_mapping_new ();
  g_autoptr(TaLabeler) lab = NULL;
  gint64 t1324 = us_at ("2009-11-03 13:24:00");
  TaPacket p;
  guint n;

  g_assert_no_error (error);
  g_assert_cmpuint (ta_ground_truth_get_n_blank (gt), ==, 1);
  /* zeta below eta: the lowest code wins the tie, whatever the file order */
  ta_event_mapping_ensure (map, "zeta");
  ta_event_mapping_ensure (map, "eta");
  lab = ta_labeler_new (gt, map, addrs);
  g_assert_cmpint (ta_event_mapping_lookup (map, "zeta"), ==, 0);
  g_assert_cmpint (ta_event_mapping_lookup (map, "eta"), ==, 1);
  g_assert_cmpint (ta_event_mapping_lookup (map, "alpha"), ==, 2);   /* new: max + 1 */
  g_assert_cmpuint (ta_event_mapping_get_n_added (map), ==, 11);

  /* direction: both ways, ports follow the ends */
  p = mkpkt (addrs, "10.0.0.1", 5555, "10.0.0.2", 80, t1324);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "alpha");
  p = mkpkt (addrs, "10.0.0.2", 80, "10.0.0.1", 5555, t1324);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "alpha");
  p = mkpkt (addrs, "10.0.0.2", 5555, "10.0.0.1", 80, t1324);
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, TA_LABEL_NORMAL);
  p = mkpkt (addrs, "10.0.0.1", 5555, "10.0.0.2", 81, t1324);
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, TA_LABEL_NORMAL);
  p = mkpkt (addrs, "10.0.0.1", 5555, "10.0.0.3", 80, t1324);
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, TA_LABEL_NORMAL);

  /* span edges are inclusive minutes */
  p = mkpkt (addrs, "10.0.0.1", 1, "10.0.0.2", 80, t1324);
  g_assert_cmpint (ta_labeler_match (lab, &p, NULL), ==, 0);
  p.ts = t1324 - 1;
  g_assert_cmpint (ta_labeler_match (lab, &p, NULL), ==, -1);
  p.ts = t1324 + 2 * MIN_US - 1;
  g_assert_cmpint (ta_labeler_match (lab, &p, NULL), ==, 0);
  p.ts = t1324 + 2 * MIN_US;
  g_assert_cmpint (ta_labeler_match (lab, &p, NULL), ==, -1);

  /* port 0 = any, on both sides */
  p = mkpkt (addrs, "10.0.0.4", 1234, "10.0.0.3", 4321, t1324 + 59 * 1000000);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "beta");

  /* overlaps: named ports beat narrower spans, narrower spans beat wide */
  p = mkpkt (addrs, "10.0.0.5", 40000, "10.0.0.6", 443, t1324);
  g_assert_cmpint (ta_labeler_match (lab, &p, &n), ==, 4);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "ported");
  p = mkpkt (addrs, "10.0.0.6", 80, "10.0.0.5", 40000, t1324);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "narrow");
  p = mkpkt (addrs, "10.0.0.6", 80, "10.0.0.5", 40000, us_at ("2009-11-03 13:10:00"));
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "wide");
  /* equal spans: the earliest start */
  p = mkpkt (addrs, "10.0.0.6", 80, "10.0.0.5", 40000, us_at ("2009-11-03 15:07:00"));
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "early");
  /* equal span and start: the lowest code */
  p = mkpkt (addrs, "10.0.0.8", 1, "10.0.0.7", 2, us_at ("2009-11-03 16:00:30"));
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "zeta");
  p.ts = us_at ("2009-11-03 17:00:00");
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "eta");

  /* empty Source: any address on that side */
  p = mkpkt (addrs, "192.0.2.1", 3333, "10.0.0.9", 53, t1324);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "dns");
  p = mkpkt (addrs, "10.0.0.9", 53, "192.0.2.1", 3333, t1324);
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "dns");
  p = mkpkt (addrs, "10.0.0.9", 54, "192.0.2.1", 3333, t1324);
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, TA_LABEL_NORMAL);

  /* port lists */
  p = mkpkt (addrs, "10.0.0.10", 1, "10.0.0.11", 4899, us_at ("2009-11-03 13:00:00"));
  g_assert_cmpstr (label_of (map, ta_labeler_label (lab, &p)), ==, "scan");
  p.dport = 4898;
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, TA_LABEL_NORMAL);

  /* counters: matched 14 packets; ambiguous: ported, narrow (wide+narrow),
   * early (late+early), zeta (eta+zeta) */
  g_assert_cmpuint (ta_labeler_get_n_matched (lab), ==, 12);
  g_assert_cmpuint (ta_labeler_get_n_ambiguous (lab), ==, 4);
  g_assert_cmpuint (ta_labeler_get_n_conflicting (lab), ==, 4);
}

static void
test_label_real_ground_truth (void)
{
  g_autofree char *path = g_build_filename (shared_data (), "timearcs", "GroundTruth_UTC_naive.csv", NULL);
  g_autofree char *mpath = g_build_filename (shared_data (), "timearcs", "event_type_mapping_90min_day1.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(TaEventMapping) map = NULL;
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaLabeler) lab = NULL;
  TaPacket p;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared data not found");
      return;
    }
  gt = ta_ground_truth_load (path, NULL, &error);
  g_assert_no_error (error);
  map = ta_event_mapping_load (mpath, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_event_mapping_get_size (map), ==, 22);
  lab = ta_labeler_new (gt, map, addrs);
  /* 47 ground-truth labels, 20 of them in the day-1 mapping */
  g_assert_cmpuint (ta_event_mapping_get_size (map), ==, 22 + 27);
  g_assert_cmpint (ta_event_mapping_lookup (map, "ddos"), ==, 3);

  /* line 2: sams_launch 172.28.219.190 → 138.106.196.178:80 at 13:36 */
  p = mkpkt (addrs, "138.106.196.178", 80, "172.28.219.190", 41000, us_at ("2009-11-03 13:36:10"));
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, 5);
  p.ts = us_at ("2009-11-03 13:37:00");
  g_assert_cmpint (ta_labeler_label (lab, &p), ==, TA_LABEL_NORMAL);
}

/* --------------------------------------------------------------- groups */

static void
test_group_rule (void)
{
  g_autofree char *dir = g_build_filename (shared_data (), "timearcs", NULL);
  g_autofree char *mpath = g_build_filename (dir, "event_type_mapping_90min_day1.json", NULL);
  g_autofree char *gpath = g_build_filename (dir, "attack_group_mapping.json", NULL);
  g_autofree char *cpath = g_build_filename (dir, "90min_day1_grouped_attacks.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(TaEventMapping) events = NULL;
  g_autoptr(TaEventMapping) groups = NULL;
  g_autoptr(GError) error = NULL;
  guint checked = 0;
  GHashTable *seen;

  g_assert_cmpstr (ta_attack_group_for_label ("normal"), ==, "normal");
  g_assert_cmpstr (ta_attack_group_for_label ("noisy c2+ tcp control channel exfil nc"), ==, "c2-based");
  g_assert_cmpstr (ta_attack_group_for_label ("c2 heartbeat exploit/malware/malclient.pl"), ==, "c2-based");
  g_assert_cmpstr (ta_attack_group_for_label ("noisy client compromise + malicious download exfil"), ==, "spambot - client compromise");
  g_assert_cmpstr (ta_attack_group_for_label ("client compromise exfil/sams_launch_vulnerable_cli"), ==, "other");
  g_assert_cmpstr (ta_attack_group_for_label ("compromised_server"), ==, "other");
  g_assert_cmpstr (ta_attack_group_for_label ("post-phishing c2 echo"), ==, "post-phishing c2");

  if (!g_file_get_contents (cpath, &text, NULL, NULL))
    {
      g_test_skip ("shared data not found");
      return;
    }
  events = ta_event_mapping_load (mpath, &error);
  g_assert_no_error (error);
  groups = ta_event_mapping_load (gpath, &error);
  g_assert_no_error (error);

  /* every attack code of the real grouped file falls in the group the rule
   * gives its day-1 label */
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "timestamp,length,src_ip,dst_ip,protocol,attack,attack_group,count");
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      gint32 attack = atoi (f[5]);
      const char *label = ta_event_mapping_get_label (events, attack);

      g_assert_nonnull (label);
      g_assert_cmpint (ta_event_mapping_group_code (groups, label), ==, atoi (f[6]));
      g_hash_table_add (seen, GINT_TO_POINTER (attack));
      checked++;
    }
  g_assert_cmpuint (checked, ==, 1385);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 21);
  g_assert_cmpuint (ta_event_mapping_get_n_added (groups), ==, 0);
  g_hash_table_unref (seen);
}

/* ---------------------------------------------------------- aggregation */

typedef struct
{
  gint64  minute;
  gint64  len, src, dst, proto, attack, group, count;
} ParsedRow;

/* Reads an attack CSV back (by column name); returns rows, asserts format */
static GArray *
read_attack_csv (const char *path,
                 gboolean    grouped)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (ParsedRow));

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, grouped ? "timestamp,length,src_ip,dst_ip,protocol,attack,attack_group,count"
                                         : "timestamp,length,src_ip,dst_ip,protocol,attack,count");
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      ParsedRow r;
      guint k = 0;

      g_assert_cmpuint (g_strv_length (f), ==, grouped ? 8 : 7);
      r.minute = g_ascii_strtoll (f[k++], NULL, 10);
      r.len = g_ascii_strtoll (f[k++], NULL, 10);
      r.src = g_ascii_strtoll (f[k++], NULL, 10);
      r.dst = g_ascii_strtoll (f[k++], NULL, 10);
      r.proto = g_ascii_strtoll (f[k++], NULL, 10);
      r.attack = g_ascii_strtoll (f[k++], NULL, 10);
      r.group = grouped ? g_ascii_strtoll (f[k++], NULL, 10) : 0;
      r.count = g_ascii_strtoll (f[k++], NULL, 10);
      g_array_append_val (rows, r);
    }
  return rows;
}

static void
test_aggregate (void)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaAttackAgg) agg = ta_attack_agg_new (addrs);
  g_autoptr(TaIpMap) ip_map = ta_ip_map_new ();
  g_autoptr(TaEventMapping) events = ta_event_mapping_new ();
  g_autoptr(TaEventMapping) groups = ta_event_mapping_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ta-attacks-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "attacks.csv", NULL);
  g_autofree char *gout = g_build_filename (dir, "grouped.csv", NULL);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) totals = NULL;
  gint64 t0 = us_at ("2009-11-03 13:24:00");
  guint64 sum = 0;
  TaPacket p;

  ta_event_mapping_ensure (events, "scan /usr/bin/nmap");  /* 0 */
  ta_event_mapping_ensure (events, "ddos");                /* 1 */
  ta_event_mapping_ensure (groups, "ddos");                /* 0 */
  ta_event_mapping_ensure (groups, "other");               /* 1 */
  ta_ip_map_add (ip_map, "10.0.0.2");                      /* 1 */
  ta_ip_map_add (ip_map, "10.0.0.1");                      /* 2 */

  /* three packets on one row, across a row change and back */
  p = mkpkt (addrs, "10.0.0.1", 1, "10.0.0.2", 80, t0);
  ta_attack_agg_add (agg, &p, 1);
  p.ts += 59999999;
  ta_attack_agg_add (agg, &p, 1);
  p.length = 74;
  ta_attack_agg_add (agg, &p, 1);
  p.length = 66;
  ta_attack_agg_add (agg, &p, 1);
  /* next minute */
  p.ts += 1;
  ta_attack_agg_add (agg, &p, 1);
  /* unlabelled counts as normal; unknown addresses get new ids */
  p = mkpkt (addrs, "10.0.0.3", 1, "10.0.0.1", 80, t0);
  ta_attack_agg_add (agg, &p, TA_LABEL_NONE);
  p.proto = 17;
  ta_attack_agg_add (agg, &p, TA_LABEL_NORMAL);
  p.proto = 6;
  ta_attack_agg_add (agg, &p, 0);
  /* a code no mapping names */
  ta_attack_agg_add (agg, &p, 5000);
  /* before 1970: floor, not truncation */
  p.ts = -1;
  ta_attack_agg_add (agg, &p, 0);

  /* many distinct rows force the hash to grow */
  for (guint i = 0; i < 20000; i++)
    {
      p = mkpkt (addrs, "10.0.0.4", 1, "10.0.0.5", 80, t0 + (gint64) (i % 100) * MIN_US);
      p.length = 40 + i / 100;
      ta_attack_agg_add (agg, &p, i % 2);
    }

  g_assert_cmpuint (ta_attack_agg_get_n_packets (agg), ==, 20010);
  g_assert_cmpuint (ta_attack_agg_get_n_rows (agg), ==, 8 + 20000);
  totals = ta_attack_agg_get_label_totals (agg);
  g_assert_cmpuint (totals->len, ==, 4);
  g_assert_cmpint (g_array_index (totals, TaAggLabelTotal, 0).code, ==, -1);
  g_assert_cmpuint (g_array_index (totals, TaAggLabelTotal, 0).packets, ==, 2);
  g_assert_cmpuint (g_array_index (totals, TaAggLabelTotal, 1).packets, ==, 10002);
  g_assert_cmpuint (g_array_index (totals, TaAggLabelTotal, 2).packets, ==, 10005);
  g_assert_cmpint (g_array_index (totals, TaAggLabelTotal, 3).code, ==, 5000);

  g_assert_true (ta_attack_agg_write (agg, out, ip_map, events, NULL, FALSE, &error));
  g_assert_no_error (error);
  rows = read_attack_csv (out, FALSE);
  g_assert_cmpuint (rows->len, ==, 20008);
  for (guint i = 0; i < rows->len; i++)
    {
      ParsedRow *r = &g_array_index (rows, ParsedRow, i);

      sum += r->count;
      if (i > 0)
        g_assert_cmpint (r[-1].minute, <=, r->minute);
    }
  g_assert_cmpuint (sum, ==, 20010);
  /* first rows: the pre-1970 packet, then minute 20954244 sorted by src id */
  g_assert_cmpint (g_array_index (rows, ParsedRow, 0).minute, ==, -1);
  {
    ParsedRow *r = &g_array_index (rows, ParsedRow, 1);

    g_assert_cmpint (r->minute, ==, 20954244);
    g_assert_cmpint (r->src, ==, 2);
    g_assert_cmpint (r->dst, ==, 1);
    g_assert_cmpint (r->len, ==, 66);
    g_assert_cmpint (r->attack, ==, 1);
    g_assert_cmpint (r->count, ==, 3);
    r++;
    g_assert_cmpint (r->len, ==, 74);
    g_assert_cmpint (r->count, ==, 1);
  }
  g_assert_cmpint (ta_ip_map_lookup_addr (ip_map, "10.0.0.3"), >, 2);
  g_assert_cmpint (ta_ip_map_lookup_addr (ip_map, "10.0.0.5"), >, 2);

  /* no clobber without force; force replaces */
  g_assert_false (ta_attack_agg_write (agg, out, ip_map, events, NULL, FALSE, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (ta_attack_agg_write (agg, out, ip_map, events, NULL, TRUE, &error));

  /* grouped: ddos → 0, scan and the unnamed code → other (1), normal → -1 */
  g_assert_true (ta_attack_agg_write (agg, gout, ip_map, events, groups, FALSE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_array_unref);
  rows = read_attack_csv (gout, TRUE);
  for (guint i = 0; i < rows->len; i++)
    {
      ParsedRow *r = &g_array_index (rows, ParsedRow, i);
      gint64 want = r->attack == 1 ? 0 : r->attack == -1 ? -1 : 1;

      g_assert_cmpint (r->group, ==, want);
    }

  g_unlink (out);
  g_unlink (gout);
  g_rmdir (dir);
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
  g_test_add_func ("/attacks/label/matching", test_label_matching);
  g_test_add_func ("/attacks/label/real-ground-truth", test_label_real_ground_truth);
  g_test_add_func ("/attacks/group/rule", test_group_rule);
  g_test_add_func ("/attacks/aggregate/rows", test_aggregate);

  return g_test_run ();
}
