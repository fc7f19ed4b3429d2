/* test-flow-views.c — the flow panel's view state, without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-flow-views.h"
#include "ta-packet.h"
#include "ta-test-util.h"

typedef struct
{
  TaPacketColumns cols;
  gint64  ts[16];
  guint32 src[16], dst[16], seq[16], ack[16], length[16];
  guint16 sport[16], dport[16];
  guint8  flags[16], proto[16], fclass[16];
} SmallPackets;

static void
small_packets_init (SmallPackets *sp,
                    guint         n,
                    const gint64 *ts,
                    const guint32 *src,
                    const guint8 *flags)
{
  memset (sp, 0, sizeof *sp);
  sp->cols.n = n;
  sp->cols.ts = sp->ts;
  sp->cols.src = sp->src;
  sp->cols.dst = sp->dst;
  sp->cols.seq = sp->seq;
  sp->cols.ack = sp->ack;
  sp->cols.length = sp->length;
  sp->cols.sport = sp->sport;
  sp->cols.dport = sp->dport;
  sp->cols.flags = sp->flags;
  sp->cols.proto = sp->proto;
  sp->cols.fclass = sp->fclass;
  for (guint i = 0; i < n; i++)
    {
      sp->ts[i] = ts[i];
      sp->src[i] = src[i];
      sp->dst[i] = src[i] ^ 1;
      sp->flags[i] = flags[i];
      sp->proto[i] = 6;
      sp->fclass[i] = ta_flag_class_from_flags (flags[i], 6);
    }
}

static void
test_flag_classes (void)
{
  g_assert_cmpuint (ta_flag_class_from_flags (TA_TCP_SYN, 6), ==, TA_FLAG_CLASS_SYN);
  g_assert_cmpuint (ta_flag_class_from_flags (TA_TCP_SYN | TA_TCP_ACK, 6), ==, TA_FLAG_CLASS_SYN_ACK);
  g_assert_cmpuint (ta_flag_class_from_flags (TA_TCP_RST | TA_TCP_ACK, 6), ==, TA_FLAG_CLASS_RST_ACK);
  g_assert_cmpstr (ta_flag_class_name (TA_FLAG_CLASS_RST_ACK), ==, "ACK+RST");
  g_assert_cmpuint (ta_flag_class_from_flags (TA_TCP_SYN | TA_TCP_ECE | TA_TCP_CWR, 6), ==,
                    TA_FLAG_CLASS_OTHER);
  g_assert_cmpuint (ta_flag_class_from_flags (0, 17), ==, TA_FLAG_CLASS_NON_TCP);
  g_assert_cmpstr (ta_flag_class_color (TA_FLAG_CLASS_SYN), ==, "#e41a1c");
  g_assert_cmpstr (ta_flag_class_color (TA_FLAG_CLASS_PSH_ACK), ==, "#1b9e77");
  g_assert_cmpstr (ta_flow_outcome_color ("abortive", NULL), ==, "#1b5e20");
  g_assert_cmpstr (ta_flow_outcome_color ("invalid", "rst_during_handshake"), ==, "#6a1b9a");
  g_assert_null (ta_flow_outcome_color ("open", NULL));
}

static void
test_time_scale (void)
{
  TaTimeScale s = { 1000, 3000, 10, 200 };

  g_assert_cmpfloat (ta_time_scale_x (&s, 1000), ==, 10);
  g_assert_cmpfloat (ta_time_scale_x (&s, 2000), ==, 110);
  g_assert_cmpfloat (ta_time_scale_x (&s, 3000), ==, 210);
  g_assert_cmpint (ta_time_scale_time (&s, 110), ==, 2000);
  g_assert_cmpint (ta_time_scale_time (&s, ta_time_scale_x (&s, 2345)), ==, 2345);
}

static void
test_bins_to_bars (void)
{
  static const gint64 ts[] = { 0, 10, 20, 30, 40, 50, 60, 70, 80, 100 };
  static const guint32 src[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const guint8 flags[] = { 2, 18, 16, 16, 24, 24, 16, 17, 16, 4 };
  SmallPackets sp;
  g_autofree TaClassBin *bins = NULL;
  g_autoptr(GArray) bars = NULL;
  guint total = 0;

  small_packets_init (&sp, G_N_ELEMENTS (ts), ts, src, flags);
  bins = ta_class_bins_from_packets (&sp.cols, 0, 100, 5);
  for (guint i = 0; i < 5; i++)
    total += bins[i].total;
  /* the last packet (at t1) is kept: the original's bins drop it */
  g_assert_cmpuint (total, ==, 10);
  g_assert_cmpuint (bins[0].total, ==, 2);
  g_assert_cmpuint (bins[0].counts[TA_FLAG_CLASS_SYN], ==, 1);
  g_assert_cmpuint (bins[0].counts[TA_FLAG_CLASS_SYN_ACK], ==, 1);
  g_assert_cmpuint (bins[4].total, ==, 2);
  g_assert_cmpuint (bins[4].counts[TA_FLAG_CLASS_RST], ==, 1);

  /* full window: bars stacked per class, tallest bin fills the height */
  bars = ta_bars_from_bins (bins, 5, 0, 100, 500, 100, 0);
  g_assert_cmpuint (bars->len, ==, 8);
  {
    TaBar *b0 = &g_array_index (bars, TaBar, 0), *b1 = &g_array_index (bars, TaBar, 1);

    g_assert_cmpfloat_with_epsilon (b0->x, 0, 1e-9);
    g_assert_cmpfloat_with_epsilon (b0->w, 100, 1e-9);
    g_assert_cmpfloat_with_epsilon (b0->h + b1->h, 100, 1e-9);
    g_assert_cmpfloat_with_epsilon (b0->y, 50, 1e-9);     /* stands on the bottom */
    g_assert_cmpfloat_with_epsilon (b1->y + b1->h, 50, 1e-9); /* on top of b0 */
    g_assert_cmpint (b0->fclass, ==, TA_FLAG_CLASS_SYN);
  }
  g_clear_pointer (&bars, g_array_unref);

  /* a window over the second half: only bins 2..4, stretched */
  bars = ta_bars_from_bins (bins, 5, 50, 100, 500, 100, 4);
  for (guint i = 0; i < bars->len; i++)
    {
      TaBar *b = &g_array_index (bars, TaBar, i);

      g_assert_cmpuint (b->bin, >=, 2);
      g_assert_cmpfloat (b->x, >=, 0);
      g_assert_cmpfloat (b->x + b->w, <=, 500);
      g_assert_cmpfloat (b->h, <=, 50 + 1e-9); /* max_total 4, bins hold 2 */
    }
  g_assert_cmpfloat_with_epsilon (g_array_index (bars, TaBar, bars->len - 1).x, 300, 1e-9);
  g_clear_pointer (&bars, g_array_unref);

  /* bins.json bins carry only totals */
  {
    TaTimeBin tb[2] = { { 0, 50, 8 }, { 50, 100, 2 } };
    g_autofree TaClassBin *cb = ta_class_bins_from_time_bins (tb, 2);

    bars = ta_bars_from_bins (cb, 2, 0, 100, 100, 80, 0);
    g_assert_cmpuint (bars->len, ==, 2);
    g_assert_cmpint (g_array_index (bars, TaBar, 0).fclass, ==, -1);
    g_assert_cmpfloat_with_epsilon (g_array_index (bars, TaBar, 0).h, 80, 1e-9);
    g_assert_cmpfloat_with_epsilon (g_array_index (bars, TaBar, 1).h, 20, 1e-9);
  }

  /* empty window */
  g_clear_pointer (&bars, g_array_unref);
  bars = ta_bars_from_bins (bins, 5, 100, 100, 500, 100, 0);
  g_assert_cmpuint (bars->len, ==, 0);
}

static void
test_ip_bars_aggregation (void)
{
  /* addr 0 -> row 0, addr 1 -> row 1, addr 2 hidden */
  static const gint64 ts[] = { 0, 5, 9, 10, 50, 51, 99, 99, 100 };
  static const guint32 src[] = { 0, 0, 0, 1, 1, 2, 0, 0, 1 };
  static const guint8 flags[] = { 2, 16, 16, 18, 24, 16, 4, 16, 16 };
  gint32 rows[3] = { 0, 1, -1 };
  SmallPackets sp;
  g_autoptr(TaIpBarsGrid) grid = ta_ip_bars_grid_new ();
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (TaMark));
  TaIpBarsHit hit;
  gboolean visible[TA_N_FLAG_CLASSES];
  double sum_h = 0;

  small_packets_init (&sp, G_N_ELEMENTS (ts), ts, src, flags);
  /* 100 px wide, 10 px columns: 10 time units per column, [0, 100) */
  ta_ip_bars_grid_compute (grid, &sp.cols, rows, 3, 2, 0, 100, 100, 10, NULL);
  g_assert_cmpuint (grid->n_cols, ==, 10);
  g_assert_cmpuint (grid->n_packets, ==, 7); /* addr 2 hidden, t=100 outside */
  g_assert_cmpuint (grid->totals[0], ==, 3);
  g_assert_cmpuint (grid->counts[0 * TA_N_FLAG_CLASSES + TA_FLAG_CLASS_SYN], ==, 1);
  g_assert_cmpuint (grid->counts[0 * TA_N_FLAG_CLASSES + TA_FLAG_CLASS_ACK], ==, 2);
  g_assert_cmpuint (grid->first[0], ==, 0);
  g_assert_cmpuint (grid->totals[9], ==, 2);
  g_assert_cmpuint (grid->totals[1 * 10 + 1], ==, 1);
  g_assert_cmpuint (grid->totals[1 * 10 + 5], ==, 1);
  g_assert_cmpuint (grid->first[1 * 10 + 5], ==, 4);
  g_assert_cmpuint (grid->max_total, ==, 3);

  /* marks: one per (cell, class), stacked inside the row */
  ta_ip_bars_grid_marks (grid, 20, 0, marks);
  g_assert_cmpuint (marks->len, ==, 6);
  for (guint i = 0; i < marks->len; i++)
    {
      TaMark *m = &g_array_index (marks, TaMark, i);

      g_assert_cmpfloat (m->y, >=, m->row * 20);
      g_assert_cmpfloat (m->y + m->h, <=, (m->row + 1) * 20);
      if (m->row == 0 && m->col == 0)
        sum_h += m->h;
    }
  /* the fullest cell gets 80 % of the row */
  g_assert_cmpfloat_with_epsilon (sum_h, 16, 1e-4);

  /* hit tests */
  g_assert_true (ta_ip_bars_grid_hit (grid, 4, 10, 20, 0, &hit));
  g_assert_cmpuint (hit.row, ==, 0);
  g_assert_cmpuint (hit.col, ==, 0);
  g_assert_cmpuint (hit.total, ==, 3);
  g_assert_cmpuint (hit.first_packet, ==, 0);
  g_assert_cmpint (hit.start, ==, 0);
  g_assert_cmpint (hit.end, ==, 10);
  g_assert_true (ta_ip_bars_grid_hit (grid, 52, 30, 20, 0, &hit));
  g_assert_cmpuint (hit.row, ==, 1);
  g_assert_cmpuint (hit.first_packet, ==, 4);
  g_assert_cmpuint (hit.counts[TA_FLAG_CLASS_PSH_ACK], ==, 1);
  /* 2 px to the right of a column edge still finds it */
  g_assert_true (ta_ip_bars_grid_hit (grid, 61.5, 30, 20, 0, &hit));
  g_assert_cmpuint (hit.col, ==, 5);
  g_assert_false (ta_ip_bars_grid_hit (grid, 35, 10, 20, 0, &hit));
  g_assert_false (ta_ip_bars_grid_hit (grid, 4, 45, 20, 0, &hit));

  /* classes can be hidden */
  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    visible[c] = c != TA_FLAG_CLASS_ACK;
  ta_ip_bars_grid_compute (grid, &sp.cols, rows, 3, 2, 0, 100, 100, 10, visible);
  g_assert_cmpuint (grid->totals[0], ==, 1);
  g_assert_cmpuint (grid->n_packets, ==, 4);

  /* zoomed into [40, 60): one pixel per column */
  ta_ip_bars_grid_compute (grid, &sp.cols, rows, 3, 2, 40, 60, 200, 1, NULL);
  g_assert_cmpuint (grid->n_cols, ==, 200);
  g_assert_cmpuint (grid->n_packets, ==, 1);
  g_assert_cmpuint (grid->totals[1 * 200 + 100], ==, 1);
}

static void
test_ip_bars_many (void)
{
  guint n = 200000;
  g_autofree gint64 *ts = g_new (gint64, n);
  g_autofree guint32 *src = g_new (guint32, n);
  g_autofree guint8 *fclass = g_new (guint8, n);
  TaPacketColumns cols = { 0 };
  gint32 rows[50];
  g_autoptr(TaIpBarsGrid) grid = ta_ip_bars_grid_new ();
  guint64 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      ts[i] = 1000000 + (gint64) i * 37;
      src[i] = g_random_int_range (0, 50);
      fclass[i] = g_random_int_range (0, TA_N_FLAG_CLASSES);
    }
  for (guint i = 0; i < 50; i++)
    rows[i] = i;
  cols.n = n;
  cols.ts = ts;
  cols.src = src;
  cols.fclass = fclass;
  ta_ip_bars_grid_compute (grid, &cols, rows, 50, 50, ts[0], ts[n - 1] + 1, 1200, 2, NULL);
  for (gsize c = 0; c < (gsize) grid->n_rows * grid->n_cols; c++)
    sum += grid->totals[c];
  g_assert_cmpuint (sum, ==, n);
  g_assert_cmpuint (grid->n_packets, ==, n);

  /* the per-source index gives the same cells for any rows and window */
  {
    g_autoptr(TaPacketsBySource) index = ta_packets_by_source_new (&cols, 50);
    g_autoptr(TaIpBarsGrid) grid2 = ta_ip_bars_grid_new ();
    guint32 row_addrs[7] = { 3, 17, 0, 49, 22, 8, 31 };
    gint32 row_of[50];
    gboolean visible[TA_N_FLAG_CLASSES];
    gint64 t0 = ts[n / 5], t1 = ts[n / 2] + 5;

    for (guint i = 0; i < 50; i++)
      row_of[i] = -1;
    for (guint r = 0; r < G_N_ELEMENTS (row_addrs); r++)
      row_of[row_addrs[r]] = r;
    for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
      visible[c] = c != TA_FLAG_CLASS_FIN;
    g_assert_cmpuint (index->offsets[50], ==, n);
    ta_ip_bars_grid_compute (grid, &cols, row_of, 50, 7, t0, t1, 700, 3, visible);
    ta_ip_bars_grid_compute_rows (grid2, &cols, index, row_addrs, 7, t0, t1, 700, 3, visible);
    g_assert_cmpuint (grid->n_cols, ==, grid2->n_cols);
    g_assert_cmpuint (grid->n_packets, ==, grid2->n_packets);
    g_assert_cmpuint (grid->n_packets, >, 0);
    g_assert_cmpuint (grid->max_total, ==, grid2->max_total);
    g_assert_cmpmem (grid->counts, (gsize) 7 * grid->n_cols * TA_N_FLAG_CLASSES * 4,
                     grid2->counts, (gsize) 7 * grid2->n_cols * TA_N_FLAG_CLASSES * 4);
    g_assert_cmpmem (grid->first, (gsize) 7 * grid->n_cols * 4, grid2->first, (gsize) 7 * grid2->n_cols * 4);
  }
}

static TaFlowDetail *
make_detail (TaFlowPacket *pkts,
             guint         n,
             gboolean      with_initiator)
{
  TaFlowDetail *d = g_new0 (TaFlowDetail, 1);

  d->packets = pkts;
  d->n_packets = n;
  d->info.a = 5;
  d->info.a_port = 80;
  d->info.b = 7;
  d->info.b_port = 40000;
  d->info.initiator = with_initiator ? 7 : TA_NO_ADDR;
  d->info.initiator_port = with_initiator ? 40000 : -1;
  d->info.responder = with_initiator ? 5 : TA_NO_ADDR;
  d->info.responder_port = with_initiator ? 80 : -1;
  return d;
}

static void
test_flow_layout (void)
{
  /* client 7:40000, server 5:80 */
  TaFlowPacket pkts[] = {
    { .ts = 1000, .src = 7, .dst = 5, .sport = 40000, .dport = 80, .flags = 2, .phase = TA_FLOW_PHASE_ESTABLISHMENT },
    { .ts = 1100, .src = 5, .dst = 7, .sport = 80, .dport = 40000, .flags = 18, .phase = TA_FLOW_PHASE_ESTABLISHMENT },
    { .ts = 1200, .src = 7, .dst = 5, .sport = 40000, .dport = 80, .flags = 16, .phase = TA_FLOW_PHASE_ESTABLISHMENT },
    { .ts = 2000, .src = 7, .dst = 5, .sport = 40000, .dport = 80, .flags = 24, .phase = TA_FLOW_PHASE_DATA },
    { .ts = 3000, .src = 5, .dst = 7, .sport = 80, .dport = 40000, .flags = 16, .phase = TA_FLOW_PHASE_DATA },
    { .ts = 5000, .src = 7, .dst = 5, .sport = 40000, .dport = 80, .flags = 17, .phase = TA_FLOW_PHASE_CLOSING },
    { .ts = 5000, .src = 5, .dst = 7, .sport = 80, .dport = 40000, .flags = 16, .phase = TA_FLOW_PHASE_CLOSING },
  };
  guint n = G_N_ELEMENTS (pkts);
  g_autofree TaFlowDetail *d = NULL;
  g_autoptr(TaFlowLayout) l = NULL;

  for (guint i = 0; i < n; i++)
    pkts[i].fclass = ta_flag_class_from_flags (pkts[i].flags, 6);
  d = make_detail (pkts, n, TRUE);

  /* time axis: 1000..5000 over x 10..410 */
  l = ta_flow_layout_compute (d, TA_FLOW_AXIS_TIME, 420, 200, 10, 20);
  g_assert_cmpuint (l->lane_addr[0], ==, 7); /* initiator on top */
  g_assert_cmpint (l->lane_port[0], ==, 40000);
  g_assert_cmpfloat (l->lane_y[0], ==, 20);
  g_assert_cmpfloat (l->lane_y[1], ==, 180);
  g_assert_cmpuint (l->n_arrows, ==, n);
  g_assert_true (l->arrows[0].downward);
  g_assert_false (l->arrows[1].downward);
  g_assert_cmpfloat (l->arrows[1].y0, ==, 180);
  g_assert_cmpfloat (l->arrows[1].y1, ==, 20);
  g_assert_cmpfloat_with_epsilon (l->arrows[0].x0, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (l->arrows[3].x0, 110, 1e-9);
  g_assert_cmpfloat_with_epsilon (l->arrows[6].x0, 410, 1e-9);
  g_assert_cmpuint (l->arrows[1].fclass, ==, TA_FLAG_CLASS_SYN_ACK);

  g_assert_cmpuint (l->n_spans, ==, 3);
  g_assert_cmpint (l->spans[0].phase, ==, TA_FLOW_PHASE_ESTABLISHMENT);
  g_assert_cmpint (l->spans[1].phase, ==, TA_FLOW_PHASE_DATA);
  g_assert_cmpint (l->spans[2].phase, ==, TA_FLOW_PHASE_CLOSING);
  g_assert_cmpuint (l->spans[0].n_packets, ==, 3);
  g_assert_cmpfloat (l->spans[0].x1, <, l->spans[1].x0);
  g_assert_cmpfloat (l->spans[1].x1, <, l->spans[2].x0);
  g_assert_cmpfloat (l->spans[0].x0, <=, l->arrows[0].x0);
  g_assert_cmpfloat (l->spans[2].x1, >=, l->arrows[6].x0);

  /* hits: on the arrow of packet 3 (x = 110), anywhere between the lanes */
  g_assert_cmpint (ta_flow_layout_hit (l, 111, 100, 4), ==, 3);
  g_assert_cmpint (ta_flow_layout_hit (l, 60, 100, 4), ==, -1);
  g_assert_cmpint (ta_flow_layout_hit (l, 210, 5, 4), ==, -1);
  g_clear_pointer (&l, ta_flow_layout_free);

  /* sequence axis: evenly spaced, slanted arrows */
  l = ta_flow_layout_compute (d, TA_FLOW_AXIS_SEQUENCE, 420, 200, 10, 20);
  {
    double step = l->arrows[1].x0 - l->arrows[0].x0;

    for (guint i = 1; i < n; i++)
      g_assert_cmpfloat_with_epsilon (l->arrows[i].x0 - l->arrows[i - 1].x0, step, 1e-9);
    g_assert_cmpfloat (l->arrows[0].x1, >, l->arrows[0].x0);
    g_assert_cmpint (ta_flow_layout_hit (l, (l->arrows[4].x0 + l->arrows[4].x1) / 2, 100, 3), ==, 4);
  }
  g_clear_pointer (&l, ta_flow_layout_free);

  /* seen without SYN: the first packet's sender on top */
  g_clear_pointer (&d, g_free);
  d = make_detail (pkts + 1, n - 1, FALSE);
  l = ta_flow_layout_compute (d, TA_FLOW_AXIS_TIME, 420, 200, 10, 20);
  g_assert_cmpuint (l->lane_addr[0], ==, 5);
  g_assert_cmpint (l->lane_port[0], ==, 80);
  g_assert_true (l->arrows[0].downward);
  g_assert_false (l->arrows[1].downward);
  g_clear_pointer (&l, ta_flow_layout_free);

  /* one packet, zero duration: centred, no crash */
  g_clear_pointer (&d, g_free);
  d = make_detail (pkts, 1, TRUE);
  l = ta_flow_layout_compute (d, TA_FLOW_AXIS_TIME, 420, 200, 10, 20);
  g_assert_cmpfloat_with_epsilon (l->arrows[0].x0, 210, 1e-9);
}

/* The original tool's subset folder (reference data, $TA_SHARED_DATA);
 * NULL, with the case marked skipped, without it */
static TaSubsetFolder *
load_original (void)
{
  g_autofree char *path = ta_test_shared_path_or_skip ("original-folder", "folder", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  TaSubsetFolder *folder;

  if (path == NULL)
    return NULL;
  file = g_file_new_for_path (path);
  folder = ta_subset_folder_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return folder;
}

static guint
count_matching (TaSubsetFolder     *folder,
                const TaFlowFilter *filter)
{
  guint n_flows, n = 0;
  const TaFlowInfo *flows = ta_subset_folder_get_flows (folder, &n_flows);

  for (guint i = 0; i < n_flows; i++)
    n += ta_flow_filter_match (folder, &flows[i], filter);
  return n;
}

static void
test_flow_filter (void)
{
  g_autoptr(TaSubsetFolder) folder = load_original ();
  TaFlowFilter any = { NULL, NULL, NULL, -1 };
  TaFlowFilter f;

  if (folder == NULL)
    return;
  g_assert_cmpuint (count_matching (folder, &any), ==, 100);
  /* README: 69 closed/graceful, 13 aborted/abortive, 9 ongoing/open,
   * 5 invalid rst_during_handshake, 4 invalid incomplete_no_synack */
  f = any; f.state = "closed";
  g_assert_cmpuint (count_matching (folder, &f), ==, 69);
  f = any; f.close_type = "abortive";
  g_assert_cmpuint (count_matching (folder, &f), ==, 13);
  f = any; f.state = "ongoing"; f.close_type = "open";
  g_assert_cmpuint (count_matching (folder, &f), ==, 9);
  f = any; f.state = "invalid";
  g_assert_cmpuint (count_matching (folder, &f), ==, 9);
  f = any; f.text = "172.28.157.144";
  g_assert_cmpuint (count_matching (folder, &f), >, 0);
  g_assert_cmpuint (count_matching (folder, &f), <, 100);
  f = any; f.text = "no-such-address";
  g_assert_cmpuint (count_matching (folder, &f), ==, 0);
  f = any; f.port = 5222;
  g_assert_cmpuint (count_matching (folder, &f), >, 0);
  f = any; f.has_time = TRUE; f.t0 = 0; f.t1 = 1;
  g_assert_cmpuint (count_matching (folder, &f), ==, 0);
}

static void
test_flows_csv (void)
{
  g_autoptr(TaSubsetFolder) folder = load_original ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint subset[] = { 1, 0 };

  if (folder == NULL)
    return;
  g_assert_true (ta_flows_write_csv (folder, NULL, 0, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 102); /* header, 100 rows, "" */
  g_assert_true (g_str_has_prefix (lines[0], "id,initiator,"));
  g_assert_cmpstr (lines[2], ==,
                   "flow_000002,56.147.66.190,59821,14.52.0.146,80,closed,graceful,,"
                   "1257254400784907,1257254416132888,15347981,11,3687");
  g_clear_object (&out);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&lines, g_strfreev);

  out = g_memory_output_stream_new_resizable ();
  g_assert_true (ta_flows_write_csv (folder, subset, 2, out, NULL, &error));
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[1], "flow_000002,"));
  /* no SYN: the key's order stands in for initiator/responder */
  g_assert_true (g_str_has_prefix (lines[2], "flow_000001,172.28.157.144,5222,39.129.177.155,49497,"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/flow-views/flag-classes", test_flag_classes);
  g_test_add_func ("/core/flow-views/time-scale", test_time_scale);
  g_test_add_func ("/core/flow-views/bins-to-bars", test_bins_to_bars);
  g_test_add_func ("/core/flow-views/ip-bars/aggregation", test_ip_bars_aggregation);
  g_test_add_func ("/core/flow-views/ip-bars/many", test_ip_bars_many);
  g_test_add_func ("/core/flow-views/flow-layout", test_flow_layout);
  g_test_add_func ("/core/flow-views/flow-filter", test_flow_filter);
  g_test_add_func ("/core/flow-views/flows-csv", test_flows_csv);

  return g_test_run ();
}
