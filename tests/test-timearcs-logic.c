/* test-timearcs-logic.c — lens maths, hit testing, brushing, row ordering,
 * the ground-truth overlay and selection summaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-arc-layout.h"
#include "ta-arc-overlay.h"
#include "ta-attack-data.h"
#include "ta-lens.h"
#include "ta-arc-load-job.h"
#include "ta-error.h"
#include "ta-test-util.h"

typedef double (*LensFn) (const TaLens *, double);

static void
check_lens (LensFn apply,
            LensFn invert,
            double radius)
{
  const double mags[] = { 1.0, 2.0, 5.0, 20.0, 200.0 };
  const double foci[] = { 0.0, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0 };

  for (guint i = 0; i < G_N_ELEMENTS (mags); i++)
    for (guint j = 0; j < G_N_ELEMENTS (foci); j++)
      {
        TaLens lens = { foci[j], mags[i], radius };
        double prev = -1;
        const guint n = 20000;

        g_assert_cmpfloat (fabs (apply (&lens, 0)), <, 1e-9);
        g_assert_cmpfloat (fabs (apply (&lens, 1) - 1), <, 1e-9);
        for (guint k = 0; k <= n; k++)
          {
            double t = (double) k / n;
            double u = apply (&lens, t);

            /* monotonic */
            g_assert_cmpfloat (u, >=, prev);
            /* continuous: a step of 1/n moves at most m/n (plus slack) */
            if (k > 0)
              g_assert_cmpfloat (u - prev, <=, MAX (mags[i], 1.0) * 2.5 / n + 1e-9);
            /* identity when off */
            if (mags[i] <= 1.0)
              g_assert_cmpfloat (fabs (u - t), <, 1e-12);
            /* inverse */
            g_assert_cmpfloat (fabs (invert (&lens, u) - t), <, 1e-6);
            prev = u;
          }
      }
}

static void
test_lens_band (void)
{
  TaLens lens = { 0.5, 5.0, TA_LENS_TIME_RADIUS };
  double f;

  check_lens (ta_lens_band_apply, ta_lens_band_invert, TA_LENS_TIME_RADIUS);

  /* the band is stretched ×m relative to the rest */
  {
    double inside = ta_lens_band_apply (&lens, 0.51) - ta_lens_band_apply (&lens, 0.50);
    double outside = ta_lens_band_apply (&lens, 0.11) - ta_lens_band_apply (&lens, 0.10);

    g_assert_cmpfloat (fabs (inside / outside - 5.0), <, 1e-9);
  }
  /* the focus that centres the band under an output position */
  f = ta_lens_band_focus_for (&lens, 0.3);
  lens.focus = f;
  g_assert_cmpfloat (fabs (ta_lens_band_apply (&lens, f) - 0.3), <, 1e-6);
  /* off: NULL lens and magnification 1 are the identity */
  g_assert_cmpfloat (ta_lens_band_apply (NULL, 0.42), ==, 0.42);
}

static void
test_lens_cosine (void)
{
  TaLens lens = { 0.4, 5.0, TA_LENS_ROW_RADIUS };

  check_lens (ta_lens_cosine_apply, ta_lens_cosine_invert, TA_LENS_ROW_RADIUS);

  /* the focus stays put and is magnified exactly ×m */
  g_assert_cmpfloat (fabs (ta_lens_cosine_apply (&lens, 0.4) - 0.4), <, 1e-12);
  g_assert_cmpfloat (fabs (ta_lens_cosine_density (&lens, 0.4) - 5.0), <, 1e-9);
  {
    double h = 1e-6;
    double d = (ta_lens_cosine_apply (&lens, 0.4 + h) - ta_lens_cosine_apply (&lens, 0.4 - h)) / (2 * h);

    g_assert_cmpfloat (fabs (d - 5.0), <, 1e-3);
  }
  /* far rows are compressed, never folded */
  g_assert_cmpfloat (ta_lens_cosine_density (&lens, 0.95), <, 1.0);
  g_assert_cmpfloat (ta_lens_cosine_density (&lens, 0.95), >=, TA_LENS_MIN_DENSITY - 1e-9);
}

/* A tiny data set: rows and arcs at known places */
static TaArcModel *
small_model (void)
{
  const char *csv =
    "timestamp,src_ip,dst_ip,attack,count\n"
    "100,1,2,0,10\n"     /* arc 0 */
    "100,1,2,0,5\n"      /* merged into arc 0 */
    "105,3,1,1,7\n"
    "110,2,3,0,1\n"
    "119,4,5,1,100\n";
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ta_attack_data_load_data (data, "small.csv", csv, strlen (csv), &error));
  return ta_arc_model_new (data, NULL, NULL, NULL, NULL, NULL);
}

static TaViewGeom
geom_for (TaArcModel *model,
          gboolean    lens)
{
  TaViewGeom g = { 0 };

  g.x = 100;
  g.y = 50;
  g.width = 800;
  g.height = 500;
  g.t0 = 100;
  g.t1 = 120;
  g.n_rows = ta_arc_model_get_n_rows (model);
  g.lens = lens;
  g.time_lens = (TaLens) { 0.3, 5, TA_LENS_TIME_RADIUS };
  g.row_lens = (TaLens) { 0.6, 5, TA_LENS_ROW_RADIUS };
  return g;
}

static void
test_model (void)
{
  g_autoptr(TaArcModel) model = small_model ();
  const TaArc *arcs;
  guint n;

  arcs = ta_arc_model_get_arcs (model, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (ta_arc_model_get_n_rows (model), ==, 5);
  g_assert_cmpint (arcs[0].minute, ==, 100);
  g_assert_cmpuint (arcs[0].count, ==, 15);
  g_assert_cmpuint (arcs[0].n_records, ==, 2);
  g_assert_cmpuint (ta_arc_model_get_max_count (model), ==, 100);
  /* labels sorted by packets: code 1 (107) before code 0 (16) */
  g_assert_cmpstr (ta_arc_model_get_label (model, TA_LABEL_MODE_TYPE, 0)->name, ==, "code 1");
  g_assert_cmpuint (ta_arc_model_get_label (model, TA_LABEL_MODE_TYPE, 0)->packets, ==, 107);
}

static void
test_hit_arc (void)
{
  g_autoptr(TaArcModel) model = small_model ();
  const TaArc *arcs = ta_arc_model_get_arcs (model, NULL);

  for (guint lens = 0; lens < 2; lens++)
    {
      TaViewGeom g = geom_for (model, lens);

      for (guint i = 0; i < 4; i++)
        {
          double x = ta_view_geom_x_of_minute (&g, arcs[i].minute);
          double y1 = ta_view_geom_y_of_row (&g, arcs[i].src_row);
          double y2 = ta_view_geom_y_of_row (&g, arcs[i].dst_row);
          double r = fabs (y2 - y1) / 2;
          /* the arc's apex: clockwise from source to destination */
          double ax = y1 < y2 ? x + r : x - r;
          gboolean hidden[2] = { FALSE, FALSE };

          g_assert_cmpint (ta_arc_hit_test (model, &g, TA_LABEL_MODE_TYPE, NULL, ax, (y1 + y2) / 2, 3), ==, i);
          /* a point on the other side of the chord is not on the arc */
          g_assert_cmpint (ta_arc_hit_test (model, &g, TA_LABEL_MODE_TYPE, NULL,
                                            y1 < y2 ? x - r : x + r, (y1 + y2) / 2, 3), !=, (gint) i);
          /* hidden labels cannot be hit */
          hidden[arcs[i].label[TA_LABEL_MODE_TYPE]] = TRUE;
          g_assert_cmpint (ta_arc_hit_test (model, &g, TA_LABEL_MODE_TYPE, hidden, ax, (y1 + y2) / 2, 3), !=, (gint) i);
        }
      /* empty space */
      g_assert_cmpint (ta_arc_hit_test (model, &g, TA_LABEL_MODE_TYPE, NULL, 890, 60, 3), ==, -1);

      /* rows: every row centre maps back to its row */
      for (guint r = 0; r < g.n_rows; r++)
        g_assert_cmpint (ta_row_hit_test (&g, ta_view_geom_y_of_row (&g, r)), ==, r);
      /* minutes: x ↔ minute round-trips through the lens */
      for (double m = 100; m <= 120; m += 0.5)
        g_assert_cmpfloat (fabs (ta_view_geom_minute_at_x (&g, ta_view_geom_x_of_minute (&g, m)) - m), <, 1e-6);
    }
}

static void
test_brush (void)
{
  g_autoptr(TaArcModel) model = small_model ();
  g_autoptr(TaArcSelection) sel = ta_arc_selection_new ();
  g_autoptr(TaArcSelection) other = ta_arc_selection_new ();
  const TaArc *arcs = ta_arc_model_get_arcs (model, NULL);
  TaViewGeom g = geom_for (model, TRUE);
  double x0 = ta_view_geom_x_of_minute (&g, 99.5);
  double x1 = ta_view_geom_x_of_minute (&g, 105.5);
  guint32 r_a = arcs[0].src_row, r_b = arcs[0].dst_row;
  double y0 = ta_view_geom_y_of_row (&g, MIN (r_a, r_b)) - 1;
  double y1 = ta_view_geom_y_of_row (&g, MAX (r_a, r_b)) + 1;

  /* whole plot: everything */
  ta_arc_select_brush (model, &g, TA_LABEL_MODE_TYPE, NULL, g.x, g.y, g.x + g.width, g.y + g.height, sel);
  g_assert_cmpuint (sel->arcs->len, ==, 4);
  g_assert_cmpuint (sel->rows->len, ==, 5);
  g_assert_cmpuint (sel->packets, ==, 123);
  g_assert_cmpint (sel->t_start, ==, 100);
  g_assert_cmpint (sel->t_end, ==, 120);

  /* minutes 100–105 over the rows of arc 0's ends */
  ta_arc_select_brush (model, &g, TA_LABEL_MODE_TYPE, NULL, x0, y0, x1, y1, sel);
  g_assert_cmpint (sel->t_start, ==, 100);
  g_assert_cmpint (sel->t_end, ==, 105);
  g_assert_cmpuint (sel->rows->len, >=, 2);
  for (guint i = 0; i < sel->arcs->len; i++)
    {
      const TaArc *a = &arcs[g_array_index (sel->arcs, guint32, i)];

      g_assert_cmpint (a->minute, >=, 100);
      g_assert_cmpint (a->minute, <=, 105);
    }
  g_assert_cmpuint (g_array_index (sel->arcs, guint32, 0), ==, 0);

  /* an arc, then Shift+row: union, time unbounded because a row has none */
  ta_arc_select_arc (model, 3, sel);
  g_assert_cmpuint (sel->packets, ==, 100);
  g_assert_cmpint (sel->t_start, ==, 119);
  ta_arc_select_row (model, TA_LABEL_MODE_TYPE, NULL, arcs[0].src_row, other);
  ta_arc_selection_union (model, sel, other);
  g_assert_cmpint (sel->t_start, ==, -1);
  g_assert_cmpuint (sel->arcs->len, >=, 2);

  /* two arcs: the time range is the hull */
  ta_arc_select_arc (model, 0, sel);
  ta_arc_select_arc (model, 2, other);
  ta_arc_selection_union (model, sel, other);
  g_assert_cmpint (sel->t_start, ==, 100);
  g_assert_cmpint (sel->t_end, ==, 110);
  g_assert_cmpuint (sel->packets, ==, 16);
}

static void
test_row_order (void)
{
  /* two components, a chain whose first-activity order is scrambled */
  const TaRowEdge edges[] = {
    { 0, 5, 1 }, { 5, 2, 1 }, { 2, 7, 1 }, { 7, 1, 1 }, { 1, 6, 1 },
    { 3, 4, 1 },
  };
  const gint64 first[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const gint64 ids[] = { 10, 11, 12, 13, 14, 15, 16, 17 };
  guint32 a[8], b[8], seed[8];
  double cost_seed, cost;

  ta_arc_order_rows (8, edges, G_N_ELEMENTS (edges), first, ids, 0, seed);
  ta_arc_order_rows (8, edges, G_N_ELEMENTS (edges), first, ids, 16, a);
  ta_arc_order_rows (8, edges, G_N_ELEMENTS (edges), first, ids, 16, b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);

  cost_seed = ta_arc_total_length (8, edges, G_N_ELEMENTS (edges), seed);
  cost = ta_arc_total_length (8, edges, G_N_ELEMENTS (edges), a);
  g_assert_cmpfloat (cost, <=, cost_seed);
  /* the chain of 6 laid out in order has length 5, plus 1 for 3–4 */
  g_assert_cmpfloat (cost, ==, 6);
  /* the larger component comes first */
  g_assert_true (a[0] != 3 && a[0] != 4);
  g_assert_true ((a[6] == 3 && a[7] == 4) || (a[6] == 4 && a[7] == 3));
}

static void
test_real_order (void)
{
  g_autofree char *csv = ta_test_shared_path_or_skip ("timearcs", "90min_day1_attacks.csv", NULL);
  g_autoptr(TaAttackData) d1 = ta_attack_data_new ();
  g_autoptr(TaAttackData) d2 = ta_attack_data_new ();
  g_autoptr(TaArcModel) m1 = NULL;
  g_autoptr(TaArcModel) m2 = NULL;
  double seed_cost, final_cost;

  if (csv == NULL)
    return;
  g_assert_true (ta_attack_data_load_file (d1, csv, NULL));
  g_assert_true (ta_attack_data_load_file (d2, csv, NULL));
  m1 = ta_arc_model_new (d1, NULL, NULL, NULL, NULL, NULL);
  m2 = ta_arc_model_new (d2, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (ta_arc_model_get_n_rows (m1), ==, ta_arc_model_get_n_rows (m2));
  for (guint r = 0; r < ta_arc_model_get_n_rows (m1); r++)
    g_assert_cmpint (ta_arc_model_get_row (m1, r)->id, ==, ta_arc_model_get_row (m2, r)->id);
  ta_arc_model_get_order_cost (m1, &seed_cost, &final_cost);
  g_test_message ("total arc length: first-activity order %.0f, ours %.0f", seed_cost, final_cost);
  g_assert_cmpfloat (final_cost, <=, seed_cost);
}

static void
test_aggregate (void)
{
  g_autoptr(TaArcModel) model = small_model ();
  g_autoptr(TaArcAggregator) agg = ta_arc_aggregator_new ();
  TaViewGeom g = geom_for (model, FALSE);
  const TaDrawArc *d;
  guint n = 0;
  guint64 total = 0;

  d = ta_arc_aggregate (agg, model, &g, TA_LABEL_MODE_TYPE, NULL, 0, &n);
  g_assert_cmpuint (n, ==, 4);
  /* squeeze everything into a few pixels: arcs merge, packets are kept */
  g.width = 1;
  g.height = 1;
  d = ta_arc_aggregate (agg, model, &g, TA_LABEL_MODE_TYPE, NULL, 0, &n);
  g_assert_cmpuint (n, ==, 2);
  for (guint i = 0; i < n; i++)
    total += d[i].count;
  g_assert_cmpuint (total, ==, 123);
}

static guint
row_of_id (TaArcModel *model,
           gint64      id)
{
  gint row = ta_arc_model_find_row (model, id);

  g_assert_cmpint (row, >=, 0);
  return row;
}

static void
test_ground_truth_overlay (void)
{
  const char *gt_csv =
    "Event Type,C2S ID,Source,Source Port(s),Destination,Destination Port(s),Start Time (UTC),Stop Time (UTC)\n"
    "scan,1,10.0.0.1,0,10.0.0.2,80,2009-11-03 13:30:00,2009-11-03 13:35:00\n"
    "beacon,2,10.0.0.3,0,,0,2009-11-03 13:31:00,2009-11-03 13:31:00\n"
    "other,3,10.0.0.9,0,10.0.0.1,0,2009-11-03 13:40:00,2009-11-03 13:41:00\n";
  g_autoptr(TaIpMap) ip_map = ta_ip_map_new ();
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaArcModel) model = NULL;
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("timestamp,src_ip,dst_ip,attack,count\n");
  g_autofree guint8 *unexplained = NULL;
  gint64 a = ta_ip_map_add (ip_map, "10.0.0.1");
  gint64 b = ta_ip_map_add (ip_map, "10.0.0.2");
  gint64 c = ta_ip_map_add (ip_map, "10.0.0.3");
  const TaArc *arcs;
  const TaGtSpan *s;
  const TaGtSpan *at;
  gint64 m0 = 0;
  guint n_arcs = 0;
  guint rows_seen[3] = { 0 };

  ta_ip_map_add (ip_map, "10.0.0.9");    /* in the map, on no row */
  g_assert_true (ta_parse_utc_minutes ("2009-11-03 13:30", strlen ("2009-11-03 13:30"), &m0));
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",0,1\n", m0, a, b);
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",0,1\n", m0 + 2, b, a);
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",0,1\n", m0 + 1, c, b);
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",0,1\n", m0 + 10, c, b);
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",0,1\n", m0 + 20, a, b);
  /* normal traffic no event covers: not "unexplained" */
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",-1,1\n", m0 + 30, a, c);
  g_assert_true (ta_attack_data_load_data (data, "gt.csv", csv->str, csv->len, &error));
  g_assert_no_error (error);
  model = ta_arc_model_new (data, ip_map, NULL, NULL, NULL, NULL);
  gt = ta_ground_truth_new_from_data (gt_csv, strlen (gt_csv), "gt", &error);
  g_assert_no_error (error);
  g_assert_nonnull (gt);

  /* spans: the scan on both its rows, the beacon on its one given end,
   * the third event only on the row it has (10.0.0.9 is no row) */
  spans = ta_gt_spans_for_model (model, gt, ip_map);
  g_assert_cmpuint (spans->len, ==, 4);
  s = (const TaGtSpan *) (gpointer) spans->data;
  g_assert_cmpuint (s[0].row, ==, row_of_id (model, a));
  g_assert_cmpuint (s[1].row, ==, row_of_id (model, b));
  g_assert_cmpuint (s[2].row, ==, row_of_id (model, c));
  g_assert_cmpuint (s[3].row, ==, row_of_id (model, a));
  g_assert_cmpint (s[0].start_minute, ==, m0);
  g_assert_cmpint (s[0].stop_minute, ==, m0 + 5);
  g_assert_cmpstr (ta_ground_truth_get_label (gt, s[0].label), ==, "scan");
  g_assert_cmpstr (ta_ground_truth_get_label (gt, s[2].label), ==, "beacon");
  g_assert_cmpstr (ta_ground_truth_get_label (gt, s[3].label), ==, "other");
  for (guint i = 0; i < spans->len; i++)
    rows_seen[s[i].row]++;
  g_assert_cmpuint (rows_seen[row_of_id (model, a)], ==, 2);

  /* the span under a point: [start, stop + 1) on its row */
  at = ta_gt_span_at (s, spans->len, row_of_id (model, a), m0 + 5.9);
  g_assert_true (at == &s[0]);
  g_assert_null (ta_gt_span_at (s, spans->len, row_of_id (model, a), m0 + 6));
  g_assert_true (ta_gt_span_at (s, spans->len, row_of_id (model, a), m0 + 10.5) == &s[3]);
  g_assert_null (ta_gt_span_at (s, spans->len, -1, m0));
  g_assert_null (ta_gt_span_at (s, spans->len, row_of_id (model, c), m0));

  /* explained: the scan either way round, the beacon with any destination */
  g_assert_true (ta_gt_explains (gt, "10.0.0.1", "10.0.0.2", m0));
  g_assert_true (ta_gt_explains (gt, "10.0.0.2", "10.0.0.1", m0 + 5));
  g_assert_false (ta_gt_explains (gt, "10.0.0.1", "10.0.0.2", m0 + 6));
  g_assert_true (ta_gt_explains (gt, "10.0.0.3", "10.0.0.2", m0 + 1));
  g_assert_false (ta_gt_explains (gt, "10.0.0.3", "10.0.0.2", m0 + 2));
  g_assert_false (ta_gt_explains (gt, "10.0.0.7", "10.0.0.2", m0));

  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  g_assert_cmpuint (n_arcs, ==, 6);
  unexplained = g_new0 (guint8, n_arcs);
  g_assert_cmpuint (ta_gt_mark_unexplained (model, gt, unexplained), ==, 2);
  for (guint i = 0; i < n_arcs; i++)
    g_assert_cmpuint (unexplained[i], ==, arcs[i].minute == m0 + 10 || arcs[i].minute == m0 + 20);
}

static void
test_selection_summary (void)
{
  g_autoptr(TaArcModel) model = small_model ();
  g_autoptr(TaArcSelection) sel = ta_arc_selection_new ();
  g_autoptr(TaArcSelection) other = ta_arc_selection_new ();
  TaArcSelectionSummary sum = { 0 };
  const TaArc *arcs;
  guint n_arcs = 0;
  guint big = G_MAXUINT;

  /* the row of IP 1: its arcs 1 → 2 (code 0, 15 packets) and 3 → 1 (code 1, 7) */
  ta_arc_select_row (model, TA_LABEL_MODE_TYPE, NULL, row_of_id (model, 1), sel);
  ta_arc_selection_summarize (model, sel, TA_LABEL_MODE_TYPE, &sum);
  g_assert_cmpuint (sum.ip_ids->len, ==, sel->rows->len);
  g_assert_cmpint (g_array_index (sum.ip_ids, gint64, 0), ==, 1);
  g_assert_cmpuint (sum.n_arcs, ==, 2);
  g_assert_cmpuint (sum.packets, ==, 22);
  g_assert_cmpuint (sum.types->len, ==, 3);
  g_assert_cmpstr (sum.types->pdata[0], ==, "code 0");
  g_assert_cmpstr (sum.types->pdata[1], ==, "code 1");
  g_assert_null (sum.types->pdata[2]);
  g_assert_cmpint (sum.time_start, ==, sel->t_start);
  g_assert_cmpint (sum.time_end, ==, sel->t_end);
  ta_arc_selection_summary_clear (&sum);
  g_assert_null (sum.ip_ids);

  /* with the arc 4 → 5 (code 1, 100 packets): ids ascending, names beside
   * them, each type once */
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  for (guint i = 0; i < n_arcs; i++)
    if (arcs[i].count == 100)
      big = i;
  g_assert_cmpuint (big, <, n_arcs);
  ta_arc_select_arc (model, big, other);
  ta_arc_selection_union (model, sel, other);
  ta_arc_selection_summarize (model, sel, TA_LABEL_MODE_TYPE, &sum);
  g_assert_cmpuint (sum.n_arcs, ==, 3);
  g_assert_cmpuint (sum.packets, ==, sel->packets);
  g_assert_cmpuint (sum.ip_ids->len, ==, sel->rows->len);
  g_assert_cmpuint (sum.ip_names->len, ==, sum.ip_ids->len + 1);
  for (guint i = 0; i < sum.ip_ids->len; i++)
    {
      gint64 id = g_array_index (sum.ip_ids, gint64, i);
      g_autofree char *name = g_strdup_printf ("#%" G_GINT64_FORMAT, id);

      if (i > 0)
        g_assert_cmpint (g_array_index (sum.ip_ids, gint64, i - 1), <, id);
      g_assert_cmpstr (sum.ip_names->pdata[i], ==, name);
    }
  g_assert_null (sum.ip_names->pdata[sum.ip_ids->len]);
  g_assert_cmpuint (sum.types->len, ==, 3);
  g_assert_cmpstr (sum.types->pdata[0], ==, "code 0");
  g_assert_cmpstr (sum.types->pdata[1], ==, "code 1");
  ta_arc_selection_summary_clear (&sum);

  /* nothing selected */
  ta_arc_selection_clear (sel);
  ta_arc_selection_summarize (model, sel, TA_LABEL_MODE_TYPE, &sum);
  g_assert_cmpuint (sum.ip_ids->len, ==, 0);
  g_assert_cmpuint (sum.n_arcs, ==, 0);
  g_assert_null (sum.types->pdata[0]);
  g_assert_null (sum.ip_names->pdata[0]);
  ta_arc_selection_summary_clear (&sum);
}

/* TaArcLoadJob: the shipped attack file with the files next to it gives
 * the model, the mapping, the IP map and the ground truth; a lone file
 * loads with warnings naming what was left out; a broken file fails; a
 * cancelled job fails with G_IO_ERROR_CANCELLED */
static void
test_load_job (void)
{
  g_autofree char *csv = ta_test_shared_path_or_skip ("timearcs", "90min_day1_attacks.csv", NULL);
  g_autofree char *tmp = NULL;
  g_autofree char *lone = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GError) error = NULL;

  if (csv == NULL)
    return;
  tmp = ta_test_make_tmp_dir ("ta-load-XXXXXX");
  lone = g_build_filename (tmp, "lone_attacks.csv", NULL);
  bad = g_build_filename (tmp, "bad_attacks.csv", NULL);
  {
    const char *paths[] = { csv, NULL };
    g_autoptr(TaArcLoadJob) job = ta_arc_load_job_new (paths, NULL, NULL, NULL);
    g_autoptr(TaArcModel) model = NULL;
    g_autoptr(TaIpMap) map = NULL;
    g_autoptr(TaGroundTruth) gt = NULL;
    guint n_arcs = 0;

    g_assert_true (ta_job_run (TA_JOB (job), &error));
    g_assert_no_error (error);
    g_assert_cmpfloat (ta_job_get_fraction (TA_JOB (job)), ==, 1.0);
    model = ta_arc_load_job_steal_model (job);
    map = ta_arc_load_job_steal_ip_map (job);
    gt = ta_arc_load_job_steal_ground_truth (job);
    g_assert_nonnull (model);
    g_assert_nonnull (map);
    g_assert_nonnull (gt);
    ta_arc_model_get_arcs (model, &n_arcs);
    g_assert_cmpuint (n_arcs, >, 0);
    g_assert_true (g_str_has_suffix (ta_arc_load_job_get_event_mapping_path (job),
                                     "event_type_mapping_90min_day1.json"));
    g_assert_true (g_str_has_suffix (ta_arc_load_job_get_ip_map_path (job), "ip_map.json"));
    g_assert_null (ta_arc_load_job_steal_model (job));  /* stolen once */
  }
  ta_test_write_file (lone, "timestamp,length,src_ip,dst_ip,protocol,attack,count\n"
                            "20954244,66,1,2,6,0,2\n", -1);
  {
    const char *paths[] = { lone, NULL };
    g_autoptr(TaArcLoadJob) job = ta_arc_load_job_new (paths, NULL, NULL, NULL);
    g_autoptr(TaArcModel) model = NULL;

    g_assert_true (ta_job_run (TA_JOB (job), &error));
    model = ta_arc_load_job_steal_model (job);
    g_assert_nonnull (model);
    g_assert_null (ta_arc_load_job_get_ip_map_path (job));
    g_assert_nonnull (strstr (ta_arc_load_job_get_warnings (job), "No event-type mapping"));
    g_assert_nonnull (strstr (ta_arc_load_job_get_warnings (job), "No IP map"));
  }
  ta_test_write_file (bad, "not,an,attack,file\n1,2,3,4\n", -1);
  {
    const char *paths[] = { lone, bad, NULL };
    g_autoptr(TaArcLoadJob) job = ta_arc_load_job_new (paths, NULL, NULL, NULL);

    g_assert_false (ta_job_run (TA_JOB (job), &error));
    g_assert_nonnull (error);
    g_assert_true (error->domain == TA_ERROR);
    g_assert_cmpint (ta_job_get_state (TA_JOB (job)), ==, TA_JOB_STATE_FAILED);
    g_assert_null (ta_arc_load_job_get_data (job));
    g_clear_error (&error);
  }
  {
    const char *paths[] = { lone, NULL };
    g_autoptr(TaArcLoadJob) job = ta_arc_load_job_new (paths, NULL, NULL, NULL);

    ta_job_cancel (TA_JOB (job));
    g_assert_false (ta_job_run (TA_JOB (job), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (ta_arc_load_job_steal_model (job));
  }
  ta_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/lens/band", test_lens_band);
  g_test_add_func ("/core/lens/cosine", test_lens_cosine);
  g_test_add_func ("/core/arc-layout/model", test_model);
  g_test_add_func ("/core/arc-layout/hit-arc", test_hit_arc);
  g_test_add_func ("/core/arc-layout/brush", test_brush);
  g_test_add_func ("/core/arc-layout/row-order", test_row_order);
  g_test_add_func ("/core/arc-layout/row-order-real", test_real_order);
  g_test_add_func ("/core/arc-layout/aggregate", test_aggregate);
  g_test_add_func ("/core/arc-overlay/ground-truth", test_ground_truth_overlay);
  g_test_add_func ("/core/arc-overlay/selection-summary", test_selection_summary);
  g_test_add_func ("/core/arc-load-job", test_load_job);
  return g_test_run ();
}
