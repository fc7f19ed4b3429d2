/* ta-arc-select.c — hit testing and selections of arcs (one arc, a row,
 * a brushed rectangle, their union)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-arc-model-private.h"

/* Hit testing */

static double
arc_distance (double x,
              double y1,
              double y2,
              double px,
              double py)
{
  double cy = (y1 + y2) / 2;
  double r = fabs (y2 - y1) / 2;
  gboolean right = y1 < y2;    /* clockwise from source to destination */

  if (r < 1.0)
    {
      /* self-link, drawn as a small loop of radius 3 to the right */
      return fabs (hypot (px - (x + 3), py - y1) - 3);
    }
  if ((right && px >= x) || (!right && px <= x))
    return fabs (hypot (px - x, py - cy) - r);
  return MIN (hypot (px - x, py - y1), hypot (px - x, py - y2));
}

gint
ta_arc_hit_test (TaArcModel       *model,
                 const TaViewGeom *geom,
                 TaLabelMode       mode,
                 const gboolean   *hidden,
                 double            px,
                 double            py,
                 double            tolerance)
{
  const TaArc *arcs;
  guint n_arcs, begin, end;
  guint64 max_count = ta_arc_model_get_max_count (model);
  double best = G_MAXDOUBLE;
  gint best_arc = -1;

  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  begin = ta_arc_first_at (arcs, n_arcs, floor (geom->t0));
  end = ta_arc_first_at (arcs, n_arcs, ceil (geom->t1) + 1);

  for (guint i = begin; i < end; i++)
    {
      const TaArc *a = &arcs[i];
      double x, y1, y2, d;

      if (hidden && hidden[a->label[mode]])
        continue;
      x = ta_view_geom_x_of_minute (geom, a->minute);
      if (x < geom->x - 0.5 || x > geom->x + geom->width + 0.5)
        continue;
      y1 = ta_view_geom_y_of_row (geom, a->src_row);
      y2 = ta_view_geom_y_of_row (geom, a->dst_row);
      if (py < MIN (y1, y2) - tolerance - 4 || py > MAX (y1, y2) + tolerance + 4)
        continue;
      d = arc_distance (x, y1, y2, px, py) - ta_arc_width_for_count (a->count, max_count) / 2;
      /* prefer the arc drawn last (on top) among equals */
      if (d <= tolerance && d <= best)
        {
          best = d;
          best_arc = i;
        }
    }
  return best_arc;
}

/* Selections */

TaArcSelection *
ta_arc_selection_new (void)
{
  TaArcSelection *sel = g_new0 (TaArcSelection, 1);

  sel->rows = g_array_new (FALSE, FALSE, sizeof (guint32));
  sel->arcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  sel->t_start = sel->t_end = -1;
  return sel;
}

void
ta_arc_selection_free (TaArcSelection *sel)
{
  if (sel == NULL)
    return;
  g_array_unref (sel->rows);
  g_array_unref (sel->arcs);
  g_free (sel);
}

void
ta_arc_selection_clear (TaArcSelection *sel)
{
  g_array_set_size (sel->rows, 0);
  g_array_set_size (sel->arcs, 0);
  sel->t_start = sel->t_end = -1;
  sel->packets = 0;
}

static void
recount (TaArcModel     *model,
         TaArcSelection *sel)
{
  const TaArc *arcs = ta_arc_model_get_arcs (model, NULL);

  sel->packets = 0;
  for (guint i = 0; i < sel->arcs->len; i++)
    sel->packets += arcs[g_array_index (sel->arcs, guint32, i)].count;
}

void
ta_arc_select_arc (TaArcModel     *model,
                   guint           arc,
                   TaArcSelection *out)
{
  const TaArc *arcs;
  guint n_arcs;
  guint32 a, b;

  ta_arc_selection_clear (out);
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  g_return_if_fail (arc < n_arcs);
  a = MIN (arcs[arc].src_row, arcs[arc].dst_row);
  b = MAX (arcs[arc].src_row, arcs[arc].dst_row);
  g_array_append_val (out->rows, a);
  if (b != a)
    g_array_append_val (out->rows, b);
  g_array_append_val (out->arcs, arc);
  out->t_start = out->t_end = arcs[arc].minute;
  recount (model, out);
}

void
ta_arc_select_row (TaArcModel     *model,
                   TaLabelMode     mode,
                   const gboolean *hidden,
                   guint           row,
                   TaArcSelection *out)
{
  const TaArc *arcs;
  guint n_arcs;
  guint32 r = row;

  ta_arc_selection_clear (out);
  g_return_if_fail (row < ta_arc_model_get_n_rows (model));
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  g_array_append_val (out->rows, r);
  for (guint32 i = 0; i < n_arcs; i++)
    if ((arcs[i].src_row == row || arcs[i].dst_row == row) &&
        !(hidden && hidden[arcs[i].label[mode]]))
      g_array_append_val (out->arcs, i);
  recount (model, out);
}

void
ta_arc_select_brush (TaArcModel       *model,
                     const TaViewGeom *geom,
                     TaLabelMode       mode,
                     const gboolean   *hidden,
                     double            x0,
                     double            y0,
                     double            x1,
                     double            y1,
                     TaArcSelection   *out)
{
  const TaArc *arcs;
  guint n_arcs, n_rows;
  g_autofree gboolean *in_rows = NULL;
  double ta, tb, ra, rb;

  ta_arc_selection_clear (out);
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  n_rows = ta_arc_model_get_n_rows (model);
  if (n_rows == 0)
    return;

  if (x1 < x0) { double t = x0; x0 = x1; x1 = t; }
  if (y1 < y0) { double t = y0; y0 = y1; y1 = t; }
  x0 = CLAMP (x0, geom->x, geom->x + geom->width);
  x1 = CLAMP (x1, geom->x, geom->x + geom->width);

  /* minutes whose x lies in [x0, x1] */
  ta = ceil (ta_view_geom_minute_at_x (geom, x0) - 1e-9);
  tb = floor (ta_view_geom_minute_at_x (geom, x1) + 1e-9);
  /* a narrow brush inside one minute still selects that minute */
  if (tb < ta)
    ta = tb = floor (ta_view_geom_minute_at_x (geom, (x0 + x1) / 2) + 0.5);

  /* rows whose centre is inside [y0, y1]; row centres are monotonic */
  ra = ceil (ta_view_geom_row_at_y (geom, y0) - 1e-9);
  rb = floor (ta_view_geom_row_at_y (geom, y1) + 1e-9);
  ra = MAX (ra, 0);
  rb = MIN (rb, (double) n_rows - 1);

  out->t_start = (gint64) ta;
  out->t_end = (gint64) tb;
  if (rb < ra)
    return;

  in_rows = g_new0 (gboolean, n_rows);
  for (guint32 r = (guint32) ra; r <= (guint32) rb; r++)
    {
      in_rows[r] = TRUE;
      g_array_append_val (out->rows, r);
    }
  for (guint32 i = ta_arc_first_at (arcs, n_arcs, ta); i < n_arcs && arcs[i].minute <= tb; i++)
    if ((in_rows[arcs[i].src_row] || in_rows[arcs[i].dst_row]) &&
        !(hidden && hidden[arcs[i].label[mode]]))
      g_array_append_val (out->arcs, i);
  recount (model, out);
}

static int
compare_u32 (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : (x > y);
}

static void
union_sorted (GArray       *into,
              const GArray *other)
{
  guint n = into->len;

  g_array_append_vals (into, other->data, other->len);
  g_array_sort (into, compare_u32);
  /* dedup */
  n = 0;
  for (guint i = 0; i < into->len; i++)
    if (n == 0 || g_array_index (into, guint32, n - 1) != g_array_index (into, guint32, i))
      g_array_index (into, guint32, n++) = g_array_index (into, guint32, i);
  g_array_set_size (into, n);
}

void
ta_arc_selection_union (TaArcModel           *model,
                        TaArcSelection       *into,
                        const TaArcSelection *other)
{
  gboolean into_empty = into->rows->len == 0 && into->arcs->len == 0 && into->t_start < 0;

  if (into_empty)
    {
      into->t_start = other->t_start;
      into->t_end = other->t_end;
    }
  else if (into->t_start < 0 || other->t_start < 0)
    into->t_start = into->t_end = -1;
  else
    {
      into->t_start = MIN (into->t_start, other->t_start);
      into->t_end = MAX (into->t_end, other->t_end);
    }
  union_sorted (into->rows, other->rows);
  union_sorted (into->arcs, other->arcs);
  recount (model, into);
}
