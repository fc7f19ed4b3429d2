/* test-attacks.c — ground truth, labelling and attack aggregation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>

#include "ta-attack-agg.h"
#include "ta-attack-data.h"
#include "ta-attacks-job.h"
#include "ta-packet-reader.h"
#include "ta-error.h"
#include "ta-event-mapping.h"
#include "ta-ground-truth.h"
#include "ta-labeler.h"
#include "ta-test-util.h"

/* g_strsplit on a large text is quadratic under ASan (its strstr
 * interceptor measures the rest of the string on every call) */
static GStrv
split_lines (const char *text)
{
  GPtrArray *lines = g_ptr_array_new ();
  const char *p = text, *end = text + strlen (text);

  while (p <= end)
    {
      const char *nl = memchr (p, '\n', end - p);

      if (nl == NULL)
        nl = end;
      g_ptr_array_add (lines, g_strndup (p, nl - p));
      p = nl + 1;
    }
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (lines, FALSE);
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
  g_autofree char *path = ta_test_shared_path_or_skip ("timearcs", "GroundTruth_UTC_naive.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  gint64 a, b, expect_a, expect_b;
  guint with_any_dst = 0;

  if (path == NULL)
    return;
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
  g_autofree char *path = ta_test_shared_path_or_skip ("timearcs", "GroundTruth_UTC_naive.csv", NULL);
  g_autofree char *mpath = ta_test_shared_path ("timearcs", "event_type_mapping_90min_day1.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(TaEventMapping) map = NULL;
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaLabeler) lab = NULL;
  TaPacket p;

  if (path == NULL)
    return;
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
  g_autofree char *mpath = ta_test_shared_path ("timearcs", "event_type_mapping_90min_day1.json", NULL);
  g_autofree char *gpath = ta_test_shared_path ("timearcs", "attack_group_mapping.json", NULL);
  g_autofree char *cpath = NULL;
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

  /* the rest needs the real files (reference data) */
  cpath = ta_test_shared_path_or_skip ("timearcs", "90min_day1_grouped_attacks.csv", NULL);
  if (cpath == NULL)
    return;
  g_assert_true (g_file_get_contents (cpath, &text, NULL, NULL));
  events = ta_event_mapping_load (mpath, &error);
  g_assert_no_error (error);
  groups = ta_event_mapping_load (gpath, &error);
  g_assert_no_error (error);

  /* every attack code of the real grouped file falls in the group the rule
   * gives its day-1 label */
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  lines = split_lines (text);
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
  lines = split_lines (text);
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
  g_autoptr(TaIpMap) ip_map = ta_ip_map_new ();
  g_autoptr(TaAttackAgg) agg = ta_attack_agg_new (addrs, ip_map);
  g_autoptr(TaEventMapping) events = ta_event_mapping_new ();
  g_autoptr(TaEventMapping) groups = ta_event_mapping_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = ta_test_make_tmp_dir ("ta-attacks-XXXXXX");
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

  /* back to the first row after its minute was left: merged, not doubled */
  p = mkpkt (addrs, "10.0.0.1", 1, "10.0.0.2", 80, t0 + 5);
  ta_attack_agg_add (agg, &p, 1);

  g_assert_cmpuint (ta_attack_agg_get_n_packets (agg), ==, 20011);
  g_assert_cmpuint (ta_attack_agg_get_n_rows (agg), ==, 8 + 20000);
  totals = ta_attack_agg_get_label_totals (agg);
  g_assert_cmpuint (totals->len, ==, 4);
  g_assert_cmpint (g_array_index (totals, TaAggLabelTotal, 0).code, ==, -1);
  g_assert_cmpuint (g_array_index (totals, TaAggLabelTotal, 0).packets, ==, 2);
  g_assert_cmpuint (g_array_index (totals, TaAggLabelTotal, 1).packets, ==, 10002);
  g_assert_cmpuint (g_array_index (totals, TaAggLabelTotal, 2).packets, ==, 10006);
  g_assert_cmpint (g_array_index (totals, TaAggLabelTotal, 3).code, ==, 5000);

  g_assert_true (ta_attack_agg_write (agg, out, events, NULL, FALSE, &error));
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
  g_assert_cmpuint (sum, ==, 20011);
  /* first rows: the pre-1970 packet, then minute 20954244 sorted by src id */
  g_assert_cmpint (g_array_index (rows, ParsedRow, 0).minute, ==, -1);
  {
    ParsedRow *r = &g_array_index (rows, ParsedRow, 1);

    g_assert_cmpint (r->minute, ==, 20954244);
    g_assert_cmpint (r->src, ==, 2);
    g_assert_cmpint (r->dst, ==, 1);
    g_assert_cmpint (r->len, ==, 66);
    g_assert_cmpint (r->attack, ==, 1);
    g_assert_cmpint (r->count, ==, 4);
    r++;
    g_assert_cmpint (r->len, ==, 74);
    g_assert_cmpint (r->count, ==, 1);
  }
  g_assert_cmpint (ta_ip_map_lookup_addr (ip_map, "10.0.0.3"), >, 2);
  g_assert_cmpint (ta_ip_map_lookup_addr (ip_map, "10.0.0.5"), >, 2);

  /* no clobber without force; force replaces */
  g_assert_false (ta_attack_agg_write (agg, out, events, NULL, FALSE, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (ta_attack_agg_write (agg, out, events, NULL, TRUE, &error));

  /* grouped: ddos → 0, scan and the unnamed code → other (1), normal → -1 */
  g_assert_true (ta_attack_agg_write (agg, gout, events, groups, FALSE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_array_unref);
  rows = read_attack_csv (gout, TRUE);
  for (guint i = 0; i < rows->len; i++)
    {
      ParsedRow *r = &g_array_index (rows, ParsedRow, i);
      gint64 want = r->attack == 1 ? 0 : r->attack == -1 ? -1 : 1;

      g_assert_cmpint (r->group, ==, want);
    }

  /* time-ordered input streams back from the spill, late rows merged in */
  {
    g_autoptr(TaAttackAgg) agg2 = ta_attack_agg_new (addrs, ip_map);
    g_autoptr(GArray) rows2 = NULL;

    for (guint m = 0; m < 5; m++)
      for (guint k = 0; k < 3; k++)
        {
          p = mkpkt (addrs, "10.0.0.1", 1, "10.0.0.2", 80, t0 + m * MIN_US + k);
          p.length = 60 + k;
          ta_attack_agg_add (agg2, &p, 0);
        }
    p = mkpkt (addrs, "10.0.0.1", 1, "10.0.0.2", 80, t0 + MIN_US + 7);
    p.length = 61;                                  /* an existing row of minute 1 */
    ta_attack_agg_add (agg2, &p, 0);
    p.length = 99;                                  /* a new row of minute 1 */
    ta_attack_agg_add (agg2, &p, 0);
    g_assert_cmpuint (ta_attack_agg_get_n_rows (agg2), ==, 16);
    g_assert_true (ta_attack_agg_write (agg2, out, events, NULL, TRUE, &error));
    g_assert_no_error (error);
    rows2 = read_attack_csv (out, FALSE);
    g_assert_cmpuint (rows2->len, ==, 16);
    g_assert_cmpint (g_array_index (rows2, ParsedRow, 4).minute, ==, 20954245);
    g_assert_cmpint (g_array_index (rows2, ParsedRow, 4).len, ==, 61);
    g_assert_cmpint (g_array_index (rows2, ParsedRow, 4).count, ==, 2);
    g_assert_cmpint (g_array_index (rows2, ParsedRow, 6).len, ==, 99);
    g_assert_cmpint (g_array_index (rows2, ParsedRow, 6).count, ==, 1);
    g_assert_cmpint (g_array_index (rows2, ParsedRow, 7).minute, ==, 20954246);
  }

  g_unlink (out);
  g_unlink (gout);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------ job */

typedef struct
{
  char *dir;
  char *packets;    /* generated packet CSV */
  char *ip_map;
} Fixture;

static gboolean
run_quiet (const char *const *argv,
           int                *status,
           char              **out,
           char              **err)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                              out, err, status, &error);

  g_assert_no_error (error);
  return ok;
}

static void
generate (Fixture    *fx,
          const char *style,
          guint       packets)
{
  fx->dir = ta_test_make_tmp_dir ("ta-attacks-job-XXXXXX");
  fx->packets = g_build_filename (fx->dir, "packets.csv", NULL);
  fx->ip_map = g_build_filename (fx->dir, "gen_map.json", NULL);
  ta_test_generate (fx->packets, fx->ip_map, packets, 1, style, 0, 0);
}

static void
fixture_clear (Fixture *fx)
{
  g_autoptr(GDir) d = g_dir_open (fx->dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (fx->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->packets);
  g_free (fx->ip_map);
}

/* packets per attack code in the `attack` column, read independently */
static GHashTable *
column_totals (const char     *path,
               TaEventMapping *names)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *totals = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  int col = -1;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = split_lines (text);
  {
    g_auto(GStrv) h = g_strsplit (lines[0], ",", -1);

    for (int i = 0; h[i]; i++)
      if (strcmp (h[i], "attack") == 0)
        col = i;
  }
  g_assert_cmpint (col, >=, 0);
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      gint32 code;
      guint64 *c;

      code = names ? ta_event_mapping_lookup (names, f[col]) : atoi (f[col]);
      g_assert_cmpint (code, !=, TA_LABEL_NONE);
      c = g_hash_table_lookup (totals, GINT_TO_POINTER (code));
      if (c == NULL)
        {
          c = g_new0 (guint64, 1);
          g_hash_table_insert (totals, GINT_TO_POINTER (code), c);
        }
      (*c)++;
    }
  return totals;
}

static void
check_totals_against_column (Fixture        *fx,
                             const char     *out,
                             TaEventMapping *names)
{
  g_autoptr(GHashTable) want = column_totals (fx->packets, names);
  g_autoptr(GArray) rows = read_attack_csv (out, FALSE);
  g_autoptr(GHashTable) got = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < rows->len; i++)
    {
      ParsedRow *r = &g_array_index (rows, ParsedRow, i);
      guint64 *c = g_hash_table_lookup (got, GINT_TO_POINTER ((gint32) r->attack));

      if (c == NULL)
        {
          c = g_new0 (guint64, 1);
          g_hash_table_insert (got, GINT_TO_POINTER ((gint32) r->attack), c);
        }
      *c += r->count;
    }
  g_assert_cmpuint (g_hash_table_size (got), ==, g_hash_table_size (want));
  g_assert_cmpuint (g_hash_table_size (want), >=, 3);
  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 *c = g_hash_table_lookup (got, key);

      g_assert_nonnull (c);
      g_assert_cmpuint (*c, ==, *(guint64 *) value);
    }
}

static void
test_job_generator_codes (void)
{
  Fixture fx = { 0 };
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autofree char *emap = NULL;
  g_autofree char *gmap = NULL;
  g_autofree char *imap = NULL;
  g_autofree char *evpath = ta_test_shared_path_or_skip ("timearcs", "event_type_mapping.json", NULL);
  guint64 sum = 0;

  if (evpath == NULL)
    return;
  generate (&fx, "code", 50000);
  opts->inputs = g_new0 (char *, 2);
  opts->inputs[0] = g_strdup (fx.packets);
  opts->ip_map = g_strdup (fx.ip_map);
  opts->out = g_build_filename (fx.dir, "gen_attacks.csv", NULL);
  opts->grouped_out = g_build_filename (fx.dir, "gen_grouped_attacks.csv", NULL);
  opts->event_mapping = g_strdup (evpath);

  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->packets, ==, 50000);
  g_assert_cmpuint (res->malformed, ==, 0);
  g_assert_cmpuint (res->new_ids, ==, 0);
  g_assert_cmpuint (res->new_labels, ==, 0);

  /* sum of count = packets read; per label = the input's column */
  rows = read_attack_csv (opts->out, FALSE);
  g_assert_cmpuint (rows->len, ==, res->rows);
  for (guint i = 0; i < rows->len; i++)
    {
      ParsedRow *r = &g_array_index (rows, ParsedRow, i);

      sum += r->count;
      if (i > 0)
        {
          ParsedRow *q = r - 1;

          g_assert_true (q->minute < r->minute || (q->minute == r->minute &&
                         (q->src < r->src || (q->src == r->src && q->dst <= r->dst))));
        }
    }
  g_assert_cmpuint (sum, ==, 50000);
  check_totals_against_column (&fx, opts->out, NULL);

  /* the TimeArcs view's parser reads both outputs and finds the mappings
   * written next to them */
  g_assert_true (ta_attack_data_load_file (data, opts->out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_attack_data_get_total_packets (data), ==, 50000);
  g_assert_true (ta_attack_data_load_file (data, opts->grouped_out, &error));
  g_assert_no_error (error);
  emap = ta_attack_find_event_mapping (opts->out);
  gmap = ta_attack_find_group_mapping (opts->grouped_out);
  imap = ta_attack_find_ip_map (opts->out);
  g_assert_cmpstr (emap, ==, res->event_mapping_out);
  g_assert_cmpstr (gmap, ==, res->group_mapping_out);
  g_assert_cmpstr (imap, ==, res->ip_map_out);
  {
    g_autoptr(TaAttackData) grouped = ta_attack_data_new ();
    g_autoptr(TaLabelMap) types = ta_label_map_load (emap, &error);
    g_autoptr(TaLabelMap) groups = ta_label_map_load (gmap, &error);

    g_assert_no_error (error);
    g_assert_true (ta_attack_data_load_file (grouped, opts->grouped_out, &error));
    g_assert_true (ta_attack_data_has_groups (grouped));
    g_assert_true (ta_attack_data_check_mapping (grouped, types, groups, &error));
    g_assert_no_error (error);
  }

  /* outputs exist: refused before reading, unless forced */
  g_clear_pointer (&res, ta_attacks_result_free);
  res = ta_attacks_run (opts, &error);
  g_assert_null (res);
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_clear_error (&error);
  opts->force = TRUE;
  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->packets, ==, 50000);

  fixture_clear (&fx);
}

static void
test_job_generator_names (void)
{
  Fixture fx = { 0 };
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaEventMapping) written = NULL;

  /* label text, no event mapping: codes are made up in order of appearance
   * and the mapping written next to the output names them */
  generate (&fx, "name", 50000);
  opts->inputs = g_new0 (char *, 2);
  opts->inputs[0] = g_strdup (fx.packets);
  opts->ip_map = g_strdup (fx.ip_map);
  opts->out = g_build_filename (fx.dir, "names.csv", NULL);
  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->packets, ==, 50000);
  g_assert_cmpuint (res->new_labels, ==, 8);   /* the demo network's attacks */
  written = ta_event_mapping_load (res->event_mapping_out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ta_event_mapping_lookup (written, "normal"), ==, -1);
  check_totals_against_column (&fx, opts->out, written);
  fixture_clear (&fx);
}

/* The matching rule written out plainly: every event against every packet */
static gint32
oracle_label (TaGroundTruth  *gt,
              TaLabeler      *lab,
              TaAddrTable    *addrs,
              const TaPacket *p,
              guint          *n_matched)
{
  const char *a = ta_addr_table_get_name (addrs, p->src);
  const char *b = ta_addr_table_get_name (addrs, p->dst);
  gint64 minute = ta_minute_of_us (p->ts);
  gint best = -1;

  *n_matched = 0;
  for (guint i = 0; i < ta_ground_truth_get_n_events (gt); i++)
    {
      const TaGtEvent *ev = ta_ground_truth_get_event (gt, i);
      const char *s = ta_ground_truth_event_src (gt, ev);
      const char *d = ta_ground_truth_event_dst (gt, ev);
      gboolean fwd, rev;

      if (minute < ev->start_min || minute > ev->stop_min)
        continue;
      fwd = (!s || !strcmp (s, a)) && (!d || !strcmp (d, b)) &&
            ta_ground_truth_event_port_matches (gt, ev, FALSE, p->sport) &&
            ta_ground_truth_event_port_matches (gt, ev, TRUE, p->dport);
      rev = (!s || !strcmp (s, b)) && (!d || !strcmp (d, a)) &&
            ta_ground_truth_event_port_matches (gt, ev, FALSE, p->dport) &&
            ta_ground_truth_event_port_matches (gt, ev, TRUE, p->sport);
      if (!fwd && !rev)
        continue;
      (*n_matched)++;
      if (best < 0)
        best = i;
      else
        {
          const TaGtEvent *o = ta_ground_truth_get_event (gt, best);
          int ns = (ev->n_sports > 0) + (ev->n_dports > 0), no = (o->n_sports > 0) + (o->n_dports > 0);
          gint32 ce = ta_labeler_get_code (lab, ev->label), co = ta_labeler_get_code (lab, o->label);

          if (ns > no ||
              (ns == no && (ev->stop_min - ev->start_min < o->stop_min - o->start_min ||
               (ev->stop_min - ev->start_min == o->stop_min - o->start_min &&
                (ev->start_min < o->start_min || (ev->start_min == o->start_min && ce < co))))))
            best = i;
        }
    }
  return best < 0 ? TA_LABEL_NORMAL : ta_labeler_get_code (lab, ta_ground_truth_get_event (gt, best)->label);
}

static void
test_job_ground_truth (void)
{
  Fixture fx = { 0 };
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) gtcsv = g_string_new (GT_HEADER);
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaPacketReader) rd = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(TaEventMapping) names = NULL;
  g_autoptr(TaLabeler) lab = NULL;
  g_autoptr(GHashTable) want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GArray) rows = NULL;
  g_autofree char *gtpath = NULL;
  TaReadStats stats;
  TaReaderConfig cfg = { 0 };
  TaPacket p;
  guint64 n = 0, matched = 0, ambiguous = 0;

  generate (&fx, "code", 30000);
  map = ta_ip_map_load (fx.ip_map, &error);
  g_assert_no_error (error);

  /* events made from real packets: every 500th packet's pair, alternately
   * with its ports, any port, or a wider span and the reverse direction */
  ta_read_stats_init (&stats);
  cfg.addrs = addrs;
  cfg.ip_map = map;
  cfg.stats = &stats;
  rd = ta_packet_reader_open (fx.packets, &cfg, &error);
  g_assert_no_error (error);
  while (ta_packet_reader_next (rd, &p, &error))
    {
      gint64 m = ta_minute_of_us (p.ts);
      g_autoptr(GDateTime) t0 = NULL;
      g_autoptr(GDateTime) t1 = NULL;
      g_autofree char *s0 = NULL;
      g_autofree char *s1 = NULL;
      guint k = n / 500;

      if (n++ % 500 != 0)
        continue;
      t0 = g_date_time_new_from_unix_utc ((m - (k % 3 == 2 ? 2 : 0)) * 60);
      t1 = g_date_time_new_from_unix_utc ((m + (k % 3 == 2 ? 3 : 0)) * 60);
      s0 = g_date_time_format (t0, "%Y-%m-%d %H:%M:%S");
      s1 = g_date_time_format (t1, "%Y-%m-%d %H:%M:%S");
      if (k % 3 == 0)
        g_string_append_printf (gtcsv, "ported %u,%u,%s,%u.0,%s,%u,%s,%s\n", k % 4, k,
                                ta_addr_table_get_name (addrs, p.src), p.sport,
                                ta_addr_table_get_name (addrs, p.dst), p.dport, s0, s1);
      else
        g_string_append_printf (gtcsv, "any %u,%u,%s,0.0,%s,0,%s,%s\n", k % 4, k,
                                ta_addr_table_get_name (addrs, k % 3 == 2 ? p.dst : p.src),
                                ta_addr_table_get_name (addrs, k % 3 == 2 ? p.src : p.dst), s0, s1);
      if (k % 7 == 0)
        g_string_append (gtcsv, ",,,,,,,\n");
    }
  g_assert_no_error (error);
  g_string_append (gtcsv, "bad,1,10.0.0.1,0,10.0.0.2,0,yesterday,today\n");
  gtpath = g_build_filename (fx.dir, "gt.csv", NULL);
  g_assert_true (g_file_set_contents (gtpath, gtcsv->str, gtcsv->len, NULL));
  g_clear_pointer (&rd, ta_packet_reader_free);

  opts->inputs = g_new0 (char *, 2);
  opts->inputs[0] = g_strdup (fx.packets);
  opts->ip_map = g_strdup (fx.ip_map);
  opts->out = g_build_filename (fx.dir, "gt_attacks.csv", NULL);
  opts->ground_truth = g_strdup (gtpath);
  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->packets, ==, 30000);
  g_assert_cmpuint (res->gt_events, ==, 60);
  g_assert_cmpuint (res->gt_blank_rows, ==, 9);
  g_assert_cmpuint (res->gt_bad_rows, ==, 1);
  {
    g_autofree char *where = g_strdup_printf ("%s:%u: ", gtpath, 1 + 60 + 9 + 1);
    gboolean found = FALSE;

    for (guint i = 0; i < res->messages->len; i++)
      found |= g_str_has_prefix (res->messages->pdata[i], where);
    g_assert_true (found);
  }

  /* the oracle, with the codes the job gave (same order of appearance) */
  gt = ta_ground_truth_load (gtpath, NULL, &error);
  g_assert_no_error (error);
  names = ta_event_mapping_new ();
  lab = ta_labeler_new (gt, names, addrs);
  rd = ta_packet_reader_open (fx.packets, &cfg, &error);
  g_assert_no_error (error);
  while (ta_packet_reader_next (rd, &p, &error))
    {
      guint nm;
      gint32 code = oracle_label (gt, lab, addrs, &p, &nm);
      gint32 fast = ta_labeler_label (lab, &p);
      char *key;
      guint64 *c;

      g_assert_cmpint (fast, ==, code);
      if (code == TA_LABEL_NORMAL && p.label >= 0)
        code = p.label;   /* the column where the ground truth says nothing */
      if (nm > 0)
        matched++;
      if (nm > 1)
        ambiguous++;
      key = g_strdup_printf ("%" G_GINT64_FORMAT ",%u,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%d",
                             ta_minute_of_us (p.ts), p.length,
                             ta_ip_map_lookup_addr (map, ta_addr_table_get_name (addrs, p.src)),
                             ta_ip_map_lookup_addr (map, ta_addr_table_get_name (addrs, p.dst)),
                             p.proto, code);
      c = g_hash_table_lookup (want, key);
      if (c == NULL)
        {
          c = g_new0 (guint64, 1);
          g_hash_table_insert (want, key, c);
        }
      else
        g_free (key);
      (*c)++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (matched, >, 60);
  g_assert_cmpuint (res->gt_matched, ==, matched);
  g_assert_cmpuint (res->ambiguous, ==, ambiguous);

  rows = read_attack_csv (opts->out, FALSE);
  g_assert_cmpuint (rows->len, ==, g_hash_table_size (want));
  for (guint i = 0; i < rows->len; i++)
    {
      ParsedRow *r = &g_array_index (rows, ParsedRow, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                                              ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                                              r->minute, r->len, r->src, r->dst, r->proto, r->attack);
      guint64 *c = g_hash_table_lookup (want, key);

      g_assert_nonnull (c);
      g_assert_cmpuint (*c, ==, r->count);
    }
  ta_read_stats_clear (&stats);
  fixture_clear (&fx);
}

static void
test_job_bad_input (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir ("ta-attacks-bad-XXXXXX");
  g_autofree char *good = g_build_filename (dir, "good.csv", NULL);
  g_autofree char *gz = g_build_filename (dir, "broken.csv.gz", NULL);
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  const char *csv =
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num,attack\n"
    "1257254400000000,66,6,1,2,10.0.0.1,10.0.0.2,2,0,0,ddos\n"
    "x,66,6,1,2,10.0.0.1,10.0.0.2,2,0,0,ddos\n"
    "1257254460000000,66,6,1,2,10.0.0.1,10.0.0.3,2,0,0,-1\n";
  const char *names[] = { "out.csv", "out_ip_map.json", "event_type_mapping_out.json", NULL };

  g_assert_true (g_file_set_contents (good, csv, -1, NULL));
  /* a gzip header and then garbage */
  g_assert_true (g_file_set_contents (gz, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-garbage", 24, NULL));

  opts->inputs = g_strsplit ("/nonexistent.csv", " ", -1);
  opts->ip_map = g_build_filename (dir, "map.json", NULL);
  opts->out = g_build_filename (dir, "out.csv", NULL);
  res = ta_attacks_run (opts, &error);
  g_assert_null (res);
  g_assert_error (error, TA_ERROR, TA_ERROR_NO_INPUT);
  g_assert_false (g_file_test (opts->out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_strfreev (opts->inputs);
  opts->inputs = g_new0 (char *, 4);
  opts->inputs[0] = g_strdup ("/nonexistent.csv");
  opts->inputs[1] = g_strdup (gz);
  opts->inputs[2] = g_strdup (good);
  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->packets, ==, 2);
  g_assert_cmpuint (res->malformed, ==, 1);
  g_assert_cmpuint (res->n_files_read, ==, 1);
  g_assert_cmpuint (res->n_files_failed, ==, 2);
  g_assert_cmpuint (res->new_ids, ==, 3);
  g_assert_cmpuint (res->new_labels, ==, 1);
  g_assert_cmpuint (res->messages->len, >=, 3);
  g_assert_nonnull (strstr (res->messages->pdata[0], "/nonexistent.csv"));
  g_assert_nonnull (strstr (res->messages->pdata[1], "broken.csv.gz"));
  {
    gboolean line3 = FALSE;
    g_autofree char *where = g_strdup_printf ("%s:3", good);

    for (guint i = 0; i < res->messages->len; i++)
      line3 |= strstr (res->messages->pdata[i], where) != NULL;
    g_assert_true (line3);
  }

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
      g_unlink (path);
    }
  g_unlink (good);
  g_unlink (gz);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* An id the map lacks gets a new id only at the end: meanwhile a later row's
 * unmapped numeric id must not resolve to the address given that new id */
static void
test_job_unmapped_ids (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir ("ta-attacks-ids-XXXXXX");
  g_autofree char *csv_path = g_build_filename (dir, "ids.csv", NULL);
  g_autofree char *map_path = g_build_filename (dir, "map.json", NULL);
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(TaIpMap) written = NULL;
  const char *csv =
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400000000,60,6,1,2,1,7,2,0,0\n"
    "1257254460000000,60,6,1,2,1,2,2,0,0\n"
    "1257254520000000,60,6,1,2,1,3,2,0,0\n";

  g_assert_true (g_file_set_contents (csv_path, csv, -1, NULL));
  g_assert_true (g_file_set_contents (map_path, "{\"10.0.0.1\": 1, \"10.0.0.2\": 2}", -1, NULL));
  opts->inputs = g_new0 (char *, 2);
  opts->inputs[0] = g_strdup (csv_path);
  opts->ip_map = g_strdup (map_path);
  opts->out = g_build_filename (dir, "ids_attacks.csv", NULL);
  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->new_ids, ==, 2);
  rows = read_attack_csv (res->out, FALSE);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpint (g_array_index (rows, ParsedRow, 0).dst, ==, 3);   /* "7" */
  g_assert_cmpint (g_array_index (rows, ParsedRow, 1).dst, ==, 2);
  g_assert_cmpint (g_array_index (rows, ParsedRow, 2).dst, ==, 4);   /* "3", not "7" */
  written = ta_ip_map_load (res->ip_map_out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ta_ip_map_lookup_id (written, 3), ==, "7");
  g_assert_cmpstr (ta_ip_map_lookup_id (written, 4), ==, "3");
  g_unlink (res->out);
  g_unlink (res->ip_map_out);
  g_unlink (res->event_mapping_out);
  g_unlink (csv_path);
  g_unlink (map_path);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_job_captures (void)
{
  g_autofree char *a = ta_test_data_path ("pcaps", "good", "tcpdump-resp_1_benchmark.pcap", NULL);
  g_autofree char *b = ta_test_data_path ("pcaps", "good", "arkime-wireshark-retrans.pcap", NULL);
  g_autofree char *dir = ta_test_make_tmp_dir ("ta-attacks-cap-XXXXXX");
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  guint64 sum = 0;

  opts->inputs = g_new0 (char *, 3);
  opts->inputs[0] = g_strdup (a);
  opts->inputs[1] = g_strdup (b);
  opts->ip_map = g_build_filename (dir, "new_map.json", NULL);
  opts->out = g_build_filename (dir, "cap_attacks.csv", NULL);
  res = ta_attacks_run (opts, &error);
  g_assert_no_error (error);
  /* tshark's packet counts (tests/data/pcaps/expected.csv): 150 + 108 */
  g_assert_cmpuint (res->packets, ==, 150 + 108);
  g_assert_cmpuint (res->normal, ==, res->packets);
  rows = read_attack_csv (opts->out, FALSE);
  for (guint i = 0; i < rows->len; i++)
    sum += g_array_index (rows, ParsedRow, i).count;
  g_assert_cmpuint (sum, ==, res->packets);
  g_unlink (res->out);
  g_unlink (res->ip_map_out);
  g_unlink (res->event_mapping_out);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef struct
{
  GMainLoop       *loop;
  TaAttacksResult *result;
  GError          *error;
  guint            n_progress;
  GThread         *main_thread;
  gboolean         wrong_thread;
} AsyncState;

static void
async_progress (TaJob      *job,
                GParamSpec *pspec,
                AsyncState *st)
{
  st->n_progress++;
  if (g_thread_self () != st->main_thread)
    st->wrong_thread = TRUE;
}

static void
async_done (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncState *st = user_data;

  if (ta_job_run_finish (TA_JOB (source), res, &st->error))
    st->result = ta_attacks_job_steal_result (TA_ATTACKS_JOB (source));
  g_main_loop_quit (st->loop);
}

static void
test_job_async (void)
{
  Fixture fx = { 0 };
  g_autoptr(TaAttacksOptions) opts = ta_attacks_options_new ();
  g_autoptr(TaAttacksJob) job = NULL;
  g_autoptr(TaAttacksJob) cancelled = NULL;
  AsyncState st = { 0 };

  generate (&fx, "code", 20000);
  opts->inputs = g_new0 (char *, 3);
  opts->inputs[0] = g_strdup (fx.packets);
  opts->inputs[1] = g_strdup (fx.packets);
  opts->ip_map = g_strdup (fx.ip_map);
  opts->out = g_build_filename (fx.dir, "async.csv", NULL);
  st.loop = g_main_loop_new (NULL, FALSE);
  st.main_thread = g_thread_self ();

  job = ta_attacks_job_new (opts);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (async_progress), &st);
  ta_job_run_async (TA_JOB (job), async_done, &st);
  g_main_loop_run (st.loop);
  g_assert_no_error (st.error);
  g_assert_nonnull (st.result);
  g_assert_cmpuint (st.result->packets, ==, 40000);
  g_assert_cmpuint (st.result->n_files_read, ==, 2);
  /* flush progress sources still queued */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (st.n_progress, >=, 1);
  g_assert_false (st.wrong_thread);
  g_clear_pointer (&st.result, ta_attacks_result_free);

  /* cancelled before it starts: nothing written */
  g_unlink (opts->out);
  cancelled = ta_attacks_job_new (opts);
  ta_job_cancel (TA_JOB (cancelled));
  ta_job_run_async (TA_JOB (cancelled), async_done, &st);
  g_main_loop_run (st.loop);
  g_assert_null (st.result);
  g_assert_error (st.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&st.error);
  g_assert_false (g_file_test (opts->out, G_FILE_TEST_EXISTS));

  g_main_loop_unref (st.loop);
  fixture_clear (&fx);
}

static void
test_cli (void)
{
  Fixture fx = { 0 };
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *out = NULL;
  g_autofree char *gt = ta_test_shared_path_or_skip ("timearcs", "GroundTruth_UTC_naive.csv", NULL);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status;

  if (gt == NULL)
    return;
  g_assert_nonnull (cli);
  generate (&fx, "code", 5000);
  out = g_build_filename (fx.dir, "cli_attacks.csv", NULL);
  {
    const char *argv[] = { cli, "attacks", fx.packets, "--ip-map", fx.ip_map, "--out", out,
                           "--ground-truth", gt, NULL };

    run_quiet (argv, &status, &stdout_text, &stderr_text);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    /* the summary goes to stderr, as extract's */
    g_assert_cmpstr (stdout_text, ==, "");
    g_assert_nonnull (strstr (stderr_text, "Read 5000 packets"));
    g_assert_nonnull (strstr (stderr_text, "8223 events (57312 blank rows skipped, 0 bad rows)"));
    g_assert_nonnull (strstr (stderr_text, "normal"));
    g_free (stdout_text);
    g_free (stderr_text);
    /* exists → 3 */
    run_quiet (argv, &status, &stdout_text, &stderr_text);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 3);
    g_free (stdout_text);
    g_free (stderr_text);
  }
  {
    const char *argv[] = { cli, "attacks", "/nonexistent.csv", "--ip-map", fx.ip_map,
                           "--out", out, "--force", "--quiet", NULL };

    run_quiet (argv, &status, &stdout_text, &stderr_text);
    g_assert_cmpint (WEXITSTATUS (status), ==, 4);
    g_assert_cmpstr (stdout_text, ==, "");
    g_assert_null (strstr (stderr_text, "Read "));
    g_assert_nonnull (strstr (stderr_text, "/nonexistent.csv"));
    g_free (stdout_text);
    g_free (stderr_text);
  }
  {
    const char *argv[] = { cli, "attacks", fx.packets, "--out", out, NULL };

    run_quiet (argv, &status, &stdout_text, &stderr_text);
    g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    g_clear_pointer (&stdout_text, g_free);
    g_clear_pointer (&stderr_text, g_free);
  }
  fixture_clear (&fx);
}

/* attacks --force never replaces an input, a folder or a link; it does
 * replace its own earlier output */
static void
test_cli_force_safety (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-attacks-XXXXXX");
  g_autofree char *csv = g_build_filename (tmp, "packets.csv", NULL);
  g_autofree char *map = g_build_filename (tmp, "map.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "out.csv", NULL);
  g_autofree char *dir = g_build_filename (tmp, "a-folder", NULL);
  g_autofree char *link = g_build_filename (tmp, "link.csv", NULL);
  g_autofree char *text = NULL;
  static const char packets[] =
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400000100,60,6,1234,80,1,2,2,100,0\n";
  const char *targets[] = { csv, dir, link };
  const char *needles[] = { "an input of this run", "is a folder", "symbolic link" };

  ta_test_write_file (csv, packets, -1);
  ta_test_write_file (map, "{\"10.0.0.1\": 1, \"10.0.0.2\": 2}", -1);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  ta_test_write_file (out, "old output", -1);
  g_assert_cmpint (symlink (out, link), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *args[] = { "attacks", csv, "--ip-map", map, "--out", targets[i], "--force",
                             "--quiet", NULL };
      g_autofree char *err = NULL;

      g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 3);
      g_assert_nonnull (strstr (err, needles[i]));
    }
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, packets);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old output");
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  {
    const char *args[] = { "attacks", csv, "--ip-map", map, "--out", out, "--force", "--quiet", NULL };

    g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  }
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "timestamp,"));
  ta_test_rm_rf (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/attacks/ground-truth/minutes", test_gt_minutes);
  g_test_add_func ("/core/attacks/ground-truth/parse", test_gt_parse);
  g_test_add_func ("/core/attacks/ground-truth/errors", test_gt_errors);
  g_test_add_func ("/core/attacks/ground-truth/real-file", test_gt_real_file);
  g_test_add_func ("/core/attacks/label/matching", test_label_matching);
  g_test_add_func ("/core/attacks/label/real-ground-truth", test_label_real_ground_truth);
  g_test_add_func ("/core/attacks/group/rule", test_group_rule);
  g_test_add_func ("/core/attacks/aggregate/rows", test_aggregate);
  g_test_add_func ("/core/attacks/job/generator-codes", test_job_generator_codes);
  g_test_add_func ("/core/attacks/job/generator-names", test_job_generator_names);
  g_test_add_func ("/core/attacks/job/ground-truth", test_job_ground_truth);
  g_test_add_func ("/core/attacks/job/bad-input", test_job_bad_input);
  g_test_add_func ("/core/attacks/job/async", test_job_async);
  g_test_add_func ("/core/attacks/job/captures", test_job_captures);
  g_test_add_func ("/core/attacks/job/unmapped-ids", test_job_unmapped_ids);
  g_test_add_func ("/cli/attacks", test_cli);
  g_test_add_func ("/cli/attacks/force-safety", test_cli_force_safety);

  return g_test_run ();
}
