/* ta-flow-views.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ta-flow-views.h"

double
ta_time_scale_x (const TaTimeScale *scale,
                 gint64             t)
{
  if (scale->t1 <= scale->t0)
    return scale->x0 + scale->width / 2;
  return scale->x0 + (double) (t - scale->t0) * scale->width / (double) (scale->t1 - scale->t0);
}

gint64
ta_time_scale_time (const TaTimeScale *scale,
                    double             x)
{
  if (scale->width <= 0 || scale->t1 <= scale->t0)
    return scale->t0;
  return scale->t0 + (gint64) llround ((x - scale->x0) / scale->width
                                       * (double) (scale->t1 - scale->t0));
}

/* ------------------------------------------------------------------ */

TaClassBin *
ta_class_bins_from_packets (const TaPacketColumns *packets,
                            gint64                 t0,
                            gint64                 t1,
                            guint                  n_bins)
{
  TaClassBin *bins;
  double span, k;
  guint lo, hi;

  g_return_val_if_fail (n_bins > 0, NULL);

  bins = g_new0 (TaClassBin, n_bins);
  if (t1 < t0)
    t1 = t0;
  span = (double) (t1 - t0);
  for (guint i = 0; i < n_bins; i++)
    {
      bins[i].start = t0 + (gint64) (span * i / n_bins);
      bins[i].end = i + 1 == n_bins ? t1 : t0 + (gint64) (span * (i + 1) / n_bins);
    }
  k = span > 0 ? n_bins / span : 0;
  lo = ta_packet_columns_lower_bound (packets, t0);
  hi = ta_packet_columns_lower_bound (packets, t1);
  while (hi < packets->n && packets->ts[hi] == t1)
    hi++;
  for (guint i = lo; i < hi; i++)
    {
      guint b = (guint) ((double) (packets->ts[i] - t0) * k);

      if (b >= n_bins)
        b = n_bins - 1;
      bins[b].total++;
      bins[b].counts[packets->fclass[i]]++;
    }
  return bins;
}

TaClassBin *
ta_class_bins_from_time_bins (const TaTimeBin *bins,
                              guint            n_bins)
{
  TaClassBin *out = g_new0 (TaClassBin, MAX (n_bins, 1));

  for (guint i = 0; i < n_bins; i++)
    {
      out[i].start = bins[i].start;
      out[i].end = bins[i].end;
      out[i].total = (guint32) MIN (bins[i].count, G_MAXUINT32);
    }
  return out;
}

GArray *
ta_bars_from_bins (const TaClassBin *bins,
                   guint             n_bins,
                   gint64            win_start,
                   gint64            win_end,
                   double            width,
                   double            height,
                   guint32           max_total)
{
  GArray *bars = g_array_new (FALSE, FALSE, sizeof (TaBar));
  TaTimeScale scale = { win_start, win_end, 0, width };

  if (win_end <= win_start || width <= 0 || height <= 0)
    return bars;

  if (max_total == 0)
    for (guint i = 0; i < n_bins; i++)
      if (bins[i].end >= win_start && bins[i].start <= win_end)
        max_total = MAX (max_total, bins[i].total);
  if (max_total == 0)
    return bars;

  for (guint i = 0; i < n_bins; i++)
    {
      const TaClassBin *b = &bins[i];
      double x0, x1, base = height, total_h;
      gboolean classified = FALSE;

      if (b->total == 0 || b->end < win_start || b->start > win_end)
        continue;
      x0 = CLAMP (ta_time_scale_x (&scale, b->start), 0, width);
      x1 = CLAMP (ta_time_scale_x (&scale, b->end), 0, width);
      if (x1 - x0 < 1)
        x1 = MIN (x0 + 1, width);
      total_h = height * MIN (b->total, max_total) / (double) max_total;

      for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
        {
          TaBar bar;

          if (b->counts[c] == 0)
            continue;
          classified = TRUE;
          bar.x = x0;
          bar.w = x1 - x0;
          bar.h = total_h * b->counts[c] / (double) b->total;
          bar.y = base - bar.h;
          bar.bin = i;
          bar.fclass = c;
          base -= bar.h;
          g_array_append_val (bars, bar);
        }
      if (!classified)
        {
          TaBar bar = { x0, height - total_h, x1 - x0, total_h, i, -1 };

          g_array_append_val (bars, bar);
        }
    }
  return bars;
}

/* ------------------------------------------------------------------ */

TaIpBarsGrid *
ta_ip_bars_grid_new (void)
{
  return g_new0 (TaIpBarsGrid, 1);
}

void
ta_ip_bars_grid_free (TaIpBarsGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->counts);
  g_free (grid->totals);
  g_free (grid->first);
  g_free (grid);
}

static gsize
grid_prepare (TaIpBarsGrid *grid,
              guint         n_rows,
              gint64        t0,
              gint64        t1,
              double        width,
              double        col_px)
{
  gsize cells;
  guint n_cols;

  if (col_px < 1)
    col_px = 1;
  n_cols = width > 0 ? (guint) ceil (width / col_px) : 0;
  n_cols = MAX (n_cols, 1);
  cells = (gsize) n_rows * n_cols;
  if (cells > grid->alloc)
    {
      grid->counts = g_renew (guint32, grid->counts, cells * TA_N_FLAG_CLASSES);
      grid->totals = g_renew (guint32, grid->totals, cells);
      grid->first = g_renew (guint32, grid->first, cells);
      grid->alloc = cells;
    }
  memset (grid->counts, 0, cells * TA_N_FLAG_CLASSES * sizeof (guint32));
  memset (grid->totals, 0, cells * sizeof (guint32));
  memset (grid->first, 0xff, cells * sizeof (guint32));
  grid->n_rows = n_rows;
  grid->n_cols = n_cols;
  grid->col_px = col_px;
  grid->t0 = t0;
  grid->t1 = t1;
  grid->max_total = 0;
  grid->n_packets = 0;
  return cells;
}

static void
grid_finish (TaIpBarsGrid *grid,
             gsize         cells,
             guint         counted)
{
  guint32 max_total = 0;

  for (gsize c = 0; c < cells; c++)
    max_total = MAX (max_total, grid->totals[c]);
  grid->max_total = max_total;
  grid->n_packets = counted;
}

void
ta_ip_bars_grid_compute (TaIpBarsGrid          *grid,
                         const TaPacketColumns *packets,
                         const gint32          *row_of_addr,
                         guint                  n_addrs,
                         guint                  n_rows,
                         gint64                 t0,
                         gint64                 t1,
                         double                 width,
                         double                 col_px,
                         const gboolean        *class_visible)
{
  gsize cells = grid_prepare (grid, n_rows, t0, t1, width, col_px);
  guint n_cols = grid->n_cols;
  guint lo, hi;
  double k;
  guint counted = 0;
  gboolean visible[TA_N_FLAG_CLASSES];

  col_px = grid->col_px;
  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    visible[c] = class_visible == NULL || class_visible[c];

  if (t1 <= t0 || n_rows == 0)
    {
      grid->max_total = 0;
      grid->n_packets = 0;
      return;
    }

  k = width / col_px / (double) (t1 - t0);
  lo = ta_packet_columns_lower_bound (packets, t0);
  hi = ta_packet_columns_lower_bound (packets, t1);

  /* the hot loop: one pass over the window, no allocation */
  for (guint i = lo; i < hi; i++)
    {
      guint32 src = packets->src[i];
      guint fc = packets->fclass[i];
      gint32 row;
      guint col;
      gsize cell;

      if (src >= n_addrs || (row = row_of_addr[src]) < 0 || (guint) row >= n_rows || !visible[fc])
        continue;
      col = (guint) ((double) (packets->ts[i] - t0) * k);
      if (col >= n_cols)
        col = n_cols - 1;
      cell = (gsize) row * n_cols + col;
      grid->counts[cell * TA_N_FLAG_CLASSES + fc]++;
      if (grid->totals[cell]++ == 0)
        grid->first[cell] = i;
      counted++;
    }

  grid_finish (grid, cells, counted);
}

TaPacketsBySource *
ta_packets_by_source_new (const TaPacketColumns *packets,
                          guint                  n_addrs)
{
  TaPacketsBySource *index = g_new0 (TaPacketsBySource, 1);
  g_autofree guint32 *fill = g_new0 (guint32, n_addrs + 1);

  index->n_addrs = n_addrs;
  index->offsets = g_new0 (guint32, n_addrs + 1);
  index->packets = g_new (guint32, MAX (packets->n, 1));
  index->ts = g_new (gint64, MAX (packets->n, 1));
  index->fclass = g_new (guint8, MAX (packets->n, 1));
  /* counting sort by source: stable, so each group stays in time order */
  for (guint i = 0; i < packets->n; i++)
    if (packets->src[i] < n_addrs)
      index->offsets[packets->src[i] + 1]++;
  for (guint a = 0; a < n_addrs; a++)
    index->offsets[a + 1] += index->offsets[a];
  memcpy (fill, index->offsets, (n_addrs + 1) * sizeof (guint32));
  for (guint i = 0; i < packets->n; i++)
    if (packets->src[i] < n_addrs)
      {
        guint32 j = fill[packets->src[i]]++;

        index->packets[j] = i;
        index->ts[j] = packets->ts[i];
        index->fclass[j] = packets->fclass[i];
      }
  return index;
}

void
ta_packets_by_source_free (TaPacketsBySource *index)
{
  if (index == NULL)
    return;
  g_free (index->offsets);
  g_free (index->packets);
  g_free (index->ts);
  g_free (index->fclass);
  g_free (index);
}

void
ta_ip_bars_grid_compute_rows (TaIpBarsGrid            *grid,
                              const TaPacketColumns   *packets,
                              const TaPacketsBySource *index,
                              const guint32           *row_addrs,
                              guint                    n_rows,
                              gint64                   t0,
                              gint64                   t1,
                              double                   width,
                              double                   col_px,
                              const gboolean          *class_visible)
{
  gsize cells = grid_prepare (grid, n_rows, t0, t1, width, col_px);
  guint n_cols = grid->n_cols;
  guint counted = 0;
  gboolean visible[TA_N_FLAG_CLASSES];
  double k;

  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    visible[c] = class_visible == NULL || class_visible[c];
  if (t1 <= t0 || n_rows == 0)
    return;
  k = width / grid->col_px / (double) (t1 - t0);

  for (guint r = 0; r < n_rows; r++)
    {
      guint32 a = row_addrs[r];
      guint lo, hi, end;
      guint32 *cell_counts;
      guint32 *cell_totals = grid->totals + (gsize) r * n_cols;
      guint32 *cell_first = grid->first + (gsize) r * n_cols;

      if (a >= index->n_addrs)
        continue;
      lo = index->offsets[a];
      end = hi = index->offsets[a + 1];
      /* first packet of the row at or after t0 */
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (index->ts[mid] < t0)
            lo = mid + 1;
          else
            hi = mid;
        }
      cell_counts = grid->counts + (gsize) r * n_cols * TA_N_FLAG_CLASSES;
      for (guint j = lo; j < end; j++)
        {
          gint64 ts = index->ts[j];
          guint fc, col;

          if (ts >= t1)
            break;
          fc = index->fclass[j];
          if (!visible[fc])
            continue;
          col = (guint) ((double) (ts - t0) * k);
          if (col >= n_cols)
            col = n_cols - 1;
          cell_counts[col * TA_N_FLAG_CLASSES + fc]++;
          if (cell_totals[col]++ == 0)
            cell_first[col] = index->packets[j];
          counted++;
        }
    }
  grid_finish (grid, cells, counted);
}

void
ta_ip_bars_grid_marks (const TaIpBarsGrid *grid,
                       double              row_height,
                       double              y_offset,
                       GArray             *marks)
{
  double max_h = row_height * 0.8;
  double smax = grid->max_total > 0 ? sqrt ((double) grid->max_total) : 1;

  g_array_set_size (marks, 0);
  for (guint r = 0; r < grid->n_rows; r++)
    {
      double cy = y_offset + (r + 0.5) * row_height;

      for (guint c = 0; c < grid->n_cols; c++)
        {
          gsize cell = (gsize) r * grid->n_cols + c;
          guint32 total = grid->totals[cell];
          double h, y;

          if (total == 0)
            continue;
          /* a single packet is still clearly visible */
          h = MAX (max_h * 0.3, max_h * sqrt ((double) total) / smax);
          y = cy + h / 2;
          for (guint k = 0; k < TA_N_FLAG_CLASSES; k++)
            {
              guint32 n = grid->counts[cell * TA_N_FLAG_CLASSES + k];
              TaMark m;

              if (n == 0)
                continue;
              m.h = h * n / total;
              m.y = y - m.h;
              /* a little wider than its column so single packets stay visible */
              m.x = c * grid->col_px - 0.5;
              m.w = grid->col_px + 1.0;
              m.row = r;
              m.col = c;
              m.count = n;
              m.fclass = k;
              y -= m.h;
              g_array_append_val (marks, m);
            }
        }
    }
}

gboolean
ta_ip_bars_grid_hit (const TaIpBarsGrid *grid,
                     double              x,
                     double              y,
                     double              row_height,
                     double              y_offset,
                     TaIpBarsHit        *hit)
{
  gint row, col, best = -1;
  gint reach;
  double k;

  if (grid->n_rows == 0 || grid->n_cols == 0 || row_height <= 0 || y < y_offset || x < 0)
    return FALSE;
  row = (gint) ((y - y_offset) / row_height);
  col = (gint) (x / grid->col_px);
  if ((guint) row >= grid->n_rows || (guint) col >= grid->n_cols + 3)
    return FALSE;

  reach = (gint) ceil (3.0 / grid->col_px);
  for (gint d = 0; d <= reach && best < 0; d++)
    for (gint s = -1; s <= 1 && best < 0; s += 2)
      {
        gint c = col + s * d;

        if (c >= 0 && (guint) c < grid->n_cols
            && grid->totals[(gsize) row * grid->n_cols + c] > 0)
          best = c;
      }
  if (best < 0)
    return FALSE;

  memset (hit, 0, sizeof *hit);
  hit->row = row;
  hit->col = best;
  hit->total = grid->totals[(gsize) row * grid->n_cols + best];
  hit->first_packet = grid->first[(gsize) row * grid->n_cols + best];
  memcpy (hit->counts, &grid->counts[((gsize) row * grid->n_cols + best) * TA_N_FLAG_CLASSES],
          sizeof hit->counts);
  k = (double) (grid->t1 - grid->t0) / (grid->n_cols);
  hit->start = grid->t0 + (gint64) (k * best);
  hit->end = grid->t0 + (gint64) (k * (best + 1));
  return TRUE;
}

/* ------------------------------------------------------------------ */

TaFlowLayout *
ta_flow_layout_compute (const TaFlowDetail *detail,
                        TaFlowAxis          axis,
                        double              width,
                        double              height,
                        double              margin_x,
                        double              margin_y)
{
  TaFlowLayout *l = g_new0 (TaFlowLayout, 1);
  const TaFlowInfo *info = &detail->info;
  double inner = MAX (width - 2 * margin_x, 1);
  double spacing, slant;
  gint64 t0 = G_MAXINT64, t1 = G_MININT64;
  double span_lo[TA_N_FLOW_PHASES], span_hi[TA_N_FLOW_PHASES];
  guint span_n[TA_N_FLOW_PHASES] = { 0 };

  if (info->initiator != TA_NO_ADDR && info->responder != TA_NO_ADDR)
    {
      l->lane_addr[0] = info->initiator;
      l->lane_port[0] = info->initiator_port;
      l->lane_addr[1] = info->responder;
      l->lane_port[1] = info->responder_port;
    }
  else if (detail->n_packets > 0)
    {
      /* seen without a SYN: the first packet's sender goes on top */
      l->lane_addr[0] = detail->packets[0].src;
      l->lane_port[0] = detail->packets[0].sport;
      l->lane_addr[1] = detail->packets[0].dst;
      l->lane_port[1] = detail->packets[0].dport;
    }
  else
    {
      l->lane_addr[0] = info->a;
      l->lane_port[0] = info->a_port;
      l->lane_addr[1] = info->b;
      l->lane_port[1] = info->b_port;
    }
  l->lane_y[0] = margin_y;
  l->lane_y[1] = MAX (height - margin_y, margin_y + 1);
  l->axis = axis;

  for (guint i = 0; i < detail->n_packets; i++)
    {
      t0 = MIN (t0, detail->packets[i].ts);
      t1 = MAX (t1, detail->packets[i].ts);
    }
  if (detail->n_packets == 0)
    t0 = t1 = info->start;
  l->scale.t0 = t0;
  l->scale.t1 = t1;
  l->scale.x0 = margin_x;
  l->scale.width = inner;

  spacing = detail->n_packets > 1 ? inner / (detail->n_packets - 1) : inner;
  slant = axis == TA_FLOW_AXIS_SEQUENCE ? MIN (spacing * 0.5, 14.0) : 0;

  l->arrows = g_new0 (TaFlowArrow, MAX (detail->n_packets, 1));
  l->n_arrows = detail->n_packets;
  for (guint p = 0; p < TA_N_FLOW_PHASES; p++)
    {
      span_lo[p] = G_MAXDOUBLE;
      span_hi[p] = -G_MAXDOUBLE;
    }
  for (guint i = 0; i < detail->n_packets; i++)
    {
      const TaFlowPacket *pkt = &detail->packets[i];
      TaFlowArrow *a = &l->arrows[i];
      double x;

      if (axis == TA_FLOW_AXIS_SEQUENCE)
        x = detail->n_packets > 1 ? margin_x + i * spacing - slant / 2
                                  : margin_x + inner / 2;
      else
        x = ta_time_scale_x (&l->scale, pkt->ts);

      a->downward = !(pkt->src == l->lane_addr[1] && pkt->sport == l->lane_port[1]
                      && !(pkt->src == l->lane_addr[0] && pkt->sport == l->lane_port[0]));
      a->x0 = x;
      a->x1 = x + slant;
      a->y0 = a->downward ? l->lane_y[0] : l->lane_y[1];
      a->y1 = a->downward ? l->lane_y[1] : l->lane_y[0];
      a->packet = i;
      a->fclass = pkt->fclass;
      a->phase = pkt->phase;
      if (pkt->phase != TA_FLOW_PHASE_NONE && pkt->phase < TA_N_FLOW_PHASES)
        {
          span_lo[pkt->phase] = MIN (span_lo[pkt->phase], MIN (a->x0, a->x1));
          span_hi[pkt->phase] = MAX (span_hi[pkt->phase], MAX (a->x0, a->x1));
          span_n[pkt->phase]++;
        }
    }

  for (guint p = TA_FLOW_PHASE_ESTABLISHMENT; p < TA_N_FLOW_PHASES; p++)
    {
      TaPhaseSpan *s;
      double pad = axis == TA_FLOW_AXIS_SEQUENCE ? MIN (spacing * 0.4, 12) : 3;

      if (span_n[p] == 0)
        continue;
      s = &l->spans[l->n_spans++];
      s->phase = p;
      s->x0 = span_lo[p] - pad;
      s->x1 = span_hi[p] + pad;
      s->n_packets = span_n[p];
    }
  return l;
}

void
ta_flow_layout_free (TaFlowLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->arrows);
  g_free (layout);
}

static double
segment_distance (double px, double py,
                  double x0, double y0,
                  double x1, double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

gint
ta_flow_layout_hit (const TaFlowLayout *layout,
                    double              x,
                    double              y,
                    double              tolerance)
{
  gint best = -1;
  double best_d = tolerance;

  for (guint i = 0; i < layout->n_arrows; i++)
    {
      const TaFlowArrow *a = &layout->arrows[i];
      double d = segment_distance (x, y, a->x0, a->y0, a->x1, a->y1);

      if (d <= best_d)
        {
          best_d = d;
          best = i;
        }
    }
  return best;
}

/* ------------------------------------------------------------------ */

gboolean
ta_flow_filter_match (TaSubsetFolder     *folder,
                      const TaFlowInfo   *f,
                      const TaFlowFilter *filter)
{
  if (filter->state != NULL && g_strcmp0 (filter->state, f->state) != 0)
    return FALSE;
  if (filter->close_type != NULL)
    {
      if (strcmp (filter->close_type, "none") == 0 ? f->close_type != NULL
                                                   : g_strcmp0 (filter->close_type, f->close_type) != 0)
        return FALSE;
    }
  if (filter->port >= 0 && f->a_port != filter->port && f->b_port != filter->port)
    return FALSE;
  if (filter->has_time && (f->end < filter->t0 || f->start > filter->t1))
    return FALSE;
  if (filter->text != NULL && filter->text[0] != '\0'
      && strstr (ta_subset_folder_get_addr_name (folder, f->a), filter->text) == NULL
      && strstr (ta_subset_folder_get_addr_name (folder, f->b), filter->text) == NULL)
    return FALSE;
  return TRUE;
}

static void
csv_field (GString    *s,
           const char *text)
{
  if (text == NULL)
    text = "";
  if (strpbrk (text, ",\"\n") != NULL)
    {
      g_string_append_c (s, '"');
      for (const char *c = text; *c; c++)
        {
          if (*c == '"')
            g_string_append_c (s, '"');
          g_string_append_c (s, *c);
        }
      g_string_append_c (s, '"');
    }
  else
    g_string_append (s, text);
}

gboolean
ta_flows_write_csv (TaSubsetFolder  *folder,
                    const guint     *indices,
                    guint            n,
                    GOutputStream   *out,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autoptr(GString) s = g_string_new ("id,initiator,initiator_port,responder,responder_port,"
                                       "state,close_type,invalid_reason,start_us,end_us,"
                                       "duration_us,packets,bytes\n");
  guint n_flows;
  const TaFlowInfo *flows = ta_subset_folder_get_flows (folder, &n_flows);

  if (indices == NULL)
    n = n_flows;
  for (guint i = 0; i < n; i++)
    {
      guint idx = indices ? indices[i] : i;
      const TaFlowInfo *f;
      guint32 ia, ib;
      gint ip, rp;

      if (idx >= n_flows)
        continue;
      f = &flows[idx];
      /* without a SYN the initiator is unknown: the key's order is used */
      ia = f->initiator != TA_NO_ADDR ? f->initiator : f->a;
      ib = f->responder != TA_NO_ADDR ? f->responder : f->b;
      ip = f->initiator_port >= 0 ? f->initiator_port : f->a_port;
      rp = f->responder_port >= 0 ? f->responder_port : f->b_port;
      csv_field (s, f->id);
      g_string_append_c (s, ',');
      csv_field (s, ta_subset_folder_get_addr_name (folder, ia));
      g_string_append_printf (s, ",%d,", ip);
      csv_field (s, ta_subset_folder_get_addr_name (folder, ib));
      g_string_append_printf (s, ",%d,", rp);
      csv_field (s, f->state);
      g_string_append_c (s, ',');
      csv_field (s, f->close_type);
      g_string_append_c (s, ',');
      csv_field (s, f->invalid_reason);
      g_string_append_printf (s, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                              ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\n",
                              f->start, f->end, f->end - f->start, f->total_packets,
                              f->total_bytes);
      if (s->len > 65536)
        {
          if (!g_output_stream_write_all (out, s->str, s->len, NULL, cancellable, error))
            return FALSE;
          g_string_truncate (s, 0);
        }
    }
  return g_output_stream_write_all (out, s->str, s->len, NULL, cancellable, error);
}
