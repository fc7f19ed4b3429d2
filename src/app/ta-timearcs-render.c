/* ta-timearcs-render.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "ta-format.h"
#include "ta-timearcs-raster.h"
#include "ta-timearcs-render.h"

#define AXIS_HEIGHT   40.0
#define BOTTOM_MARGIN 12.0
#define RIGHT_MARGIN  24.0
#define LABEL_WIDTH   118.0
#define ROW_FONT_PX   11.0
#define MIN_LABEL_GAP 12.5
#define N_WIDTH_BUCKETS 7

void
ta_render_state_init (TaRenderState *state)
{
  memset (state, 0, sizeof *state);
  state->hover_arc = -1;
  state->hover_row = -1;
  state->magnification = 5.0;
  state->focus_x = state->focus_y = -1;
  state->fg = (TaRgba) { 0.16, 0.16, 0.18, 1 };
  state->bg = (TaRgba) { 1, 1, 1, 1 };
  state->accent = (TaRgba) { 0.21, 0.52, 0.89, 1 };
  state->font_family = "Sans";
  state->aggregator = ta_arc_aggregator_new ();
  state->max_ink = 0.2e6;
}

void
ta_render_state_clear (TaRenderState *state)
{
  g_clear_pointer (&state->aggregator, ta_arc_aggregator_free);
  g_clear_pointer (&state->order, g_free);
  g_clear_pointer (&state->layer, cairo_surface_destroy);
  g_clear_pointer (&state->tiles, free);
  state->order_len = 0;
}

void
ta_timearcs_layout (TaRenderState *state,
                    double         width,
                    double         height)
{
  TaViewGeom *g = &state->geom;
  double fx, fy;

  state->label_width = LABEL_WIDTH;
  g->x = LABEL_WIDTH;
  g->y = AXIS_HEIGHT;
  g->width = MAX (10.0, width - LABEL_WIDTH - RIGHT_MARGIN);
  g->height = MAX (10.0, height - AXIS_HEIGHT - BOTTOM_MARGIN);
  g->t0 = state->t0;
  g->t1 = state->t1 > state->t0 ? state->t1 : state->t0 + 1;
  g->n_rows = state->model ? ta_arc_model_get_n_rows (state->model) : 0;
  g->lens = state->lens && state->magnification > 1.0;

  fx = state->focus_x < 0 ? 0.5 : CLAMP ((state->focus_x - g->x) / g->width, 0, 1);
  fy = state->focus_y < 0 ? 0.5 : CLAMP ((state->focus_y - g->y) / g->height, 0, 1);
  g->time_lens.magnification = state->magnification;
  g->time_lens.radius = TA_LENS_TIME_RADIUS;
  g->time_lens.focus = 0.5;
  /* keep the magnified band centred under the pointer */
  g->time_lens.focus = ta_lens_band_focus_for (&g->time_lens, fx);
  g->row_lens.magnification = state->magnification;
  g->row_lens.radius = TA_LENS_ROW_RADIUS;
  g->row_lens.focus = fy;
}

static inline void
set_rgba (cairo_t      *cr,
          const TaRgba *c,
          double        alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

static inline void
set_rgb32 (cairo_t *cr,
           guint32  rgb,
           double   alpha)
{
  cairo_set_source_rgba (cr,
                         ((rgb >> 16) & 0xff) / 255.0,
                         ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0,
                         alpha);
}

static inline void
arc_path (cairo_t *cr,
          double   x,
          double   y1,
          double   y2)
{
  double r = fabs (y2 - y1) / 2;

  cairo_new_sub_path (cr);
  if (r < 1.0)
    {
      cairo_arc (cr, x + 3, y1, 3, 0, 2 * G_PI);
      return;
    }
  /* clockwise from the source to the destination, as SVG `A r,r 0 0,1` */
  if (y1 < y2)
    cairo_arc (cr, x, (y1 + y2) / 2, r, -G_PI / 2, G_PI / 2);
  else
    cairo_arc (cr, x, (y1 + y2) / 2, r, G_PI / 2, 3 * G_PI / 2);
}

static void
sort_draw_list (TaRenderState   *state,
                const TaDrawArc *draw,
                guint            n_draw,
                guint            n_keys,
                guint           *bucket_start)
{
  g_autofree guint *fill = NULL;

  if (state->order_len < n_draw)
    {
      g_free (state->order);
      state->order = g_new (guint32, n_draw);
      state->order_len = n_draw;
    }
  for (guint i = 0; i < n_draw; i++)
    {
      guint wb = (guint) CLAMP (lrint ((draw[i].width - 1.0) * 2.0), 0, N_WIDTH_BUCKETS - 1);

      bucket_start[draw[i].label * N_WIDTH_BUCKETS + wb + 1]++;
    }
  for (guint k = 0; k < n_keys; k++)
    bucket_start[k + 1] += bucket_start[k];
  fill = g_memdup2 (bucket_start, sizeof (guint) * (n_keys + 1));
  for (guint i = 0; i < n_draw; i++)
    {
      guint wb = (guint) CLAMP (lrint ((draw[i].width - 1.0) * 2.0), 0, N_WIDTH_BUCKETS - 1);

      state->order[fill[draw[i].label * N_WIDTH_BUCKETS + wb]++] = i;
    }
}

static void
draw_arcs (TaRenderState *state,
           cairo_t       *cr,
           double         width,
           double         height,
           double         alpha)
{
  const TaDrawArc *draw;
  guint n_draw = 0;
  guint n_labels = ta_arc_model_get_n_labels (state->model, state->mode);
  guint n_keys = n_labels * N_WIDTH_BUCKETS;
  g_autofree guint *bucket_start = NULL;

  draw = ta_arc_aggregate (state->aggregator, state->model, &state->geom,
                           state->mode, state->hidden,
                           state->vector ? 0 : state->max_ink, &n_draw);
  if (n_draw == 0)
    return;
  state->n_drawn = n_draw;
  state->n_merged = ta_arc_aggregator_get_n_merged (state->aggregator);

  /* counting sort by (label, width): one colour at a time, and the small
   * labels drawn last so rare types are not buried under the big ones */
  if (state->vector)
    {
      bucket_start = g_new0 (guint, n_keys + 1);
      sort_draw_list (state, draw, n_draw, n_keys, bucket_start);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      for (gint label = (gint) n_labels - 1; label >= 0; label--)
        {
          const TaArcLabel *l = ta_arc_model_get_label (state->model, state->mode, label);

          for (guint wb = 0; wb < N_WIDTH_BUCKETS; wb++)
            {
              guint k = label * N_WIDTH_BUCKETS + wb;

              if (bucket_start[k] == bucket_start[k + 1])
                continue;
              for (guint j = bucket_start[k]; j < bucket_start[k + 1]; j++)
                {
                  const TaDrawArc *d = &draw[state->order[j]];

                  arc_path (cr, d->x, d->y1, d->y2);
                  cairo_set_line_width (cr, 1.0 + wb / 2.0);
                  set_rgb32 (cr, l->color, alpha);
                  cairo_stroke (cr);
                }
            }
        }
      return;
    }

  ta_timearcs_raster_arcs (state, cr, draw, n_draw, width, alpha);
}

static void
draw_selected_arcs (TaRenderState *state,
                    cairo_t       *cr)
{
  const TaArcSelection *sel = state->selection;
  const TaArc *arcs;
  guint n_arcs;
  guint64 max_count = ta_arc_model_get_max_count (state->model);

  arcs = ta_arc_model_get_arcs (state->model, &n_arcs);
  for (guint i = 0; i < sel->arcs->len; i++)
    {
      const TaArc *a = &arcs[g_array_index (sel->arcs, guint32, i)];
      const TaArcLabel *l = ta_arc_model_get_label (state->model, state->mode, a->label[state->mode]);
      double x = ta_view_geom_x_of_minute (&state->geom, a->minute);

      if (state->hidden && state->hidden[a->label[state->mode]])
        continue;
      if (x < state->geom.x - 0.5 || x > state->geom.x + state->geom.width + 0.5)
        continue;
      arc_path (cr, x, ta_view_geom_y_of_row (&state->geom, a->src_row),
                ta_view_geom_y_of_row (&state->geom, a->dst_row));
      cairo_set_line_width (cr, ta_arc_width_for_count (a->count, max_count) + 0.5);
      set_rgb32 (cr, l->color, 0.95);
      cairo_stroke (cr);
    }
}

static void
draw_ground_truth (TaRenderState *state,
                   cairo_t       *cr)
{
  const TaViewGeom *g = &state->geom;
  double spacing = g->n_rows ? g->height / g->n_rows : g->height;

  for (guint i = 0; i < state->n_gt_spans; i++)
    {
      const TaGtSpan *s = &state->gt_spans[i];
      double x0, x1, y, h;

      if (s->stop_minute + 1 < g->t0 || s->start_minute > g->t1)
        continue;
      x0 = ta_view_geom_x_of_minute (g, MAX ((double) s->start_minute, g->t0));
      x1 = ta_view_geom_x_of_minute (g, MIN ((double) s->stop_minute + 1, g->t1));
      y = ta_view_geom_y_of_row (g, s->row);
      h = MAX (3.0, spacing * (g->lens ? ta_lens_cosine_density (&g->row_lens, (s->row + 0.5) / g->n_rows) : 1.0) * 0.8);
      h = MIN (h, 10.0);
      cairo_rectangle (cr, x0, y - h / 2, MAX (1.5, x1 - x0), h);
    }
  cairo_set_source_rgba (cr, 0.95, 0.55, 0.1, 0.16);
  cairo_fill (cr);

  if (state->arc_unexplained)
    {
      const TaArc *arcs;
      guint n_arcs;

      arcs = ta_arc_model_get_arcs (state->model, &n_arcs);
      for (guint i = 0; i < n_arcs; i++)
        {
          double x;

          if (!state->arc_unexplained[i] || (state->hidden && state->hidden[arcs[i].label[state->mode]]))
            continue;
          if (arcs[i].minute < g->t0 || arcs[i].minute > g->t1)
            continue;
          x = ta_view_geom_x_of_minute (g, arcs[i].minute);
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, ta_view_geom_y_of_row (g, arcs[i].src_row), 2.5, 0, 2 * G_PI);
        }
      cairo_set_source_rgba (cr, 0.85, 0.1, 0.1, 0.9);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
    }
}

static const int tick_steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080 };

static void
draw_axis (TaRenderState *state,
           cairo_t       *cr,
           PangoLayout   *layout,
           double         width)
{
  const TaViewGeom *g = &state->geom;
  double px_per_min = g->width / MAX (1e-9, g->t1 - g->t0);
  int step = tick_steps[G_N_ELEMENTS (tick_steps) - 1];
  double last_label_end = -1e9;
  g_autofree char *date = NULL;
  PangoRectangle ext;
  gint64 first, m;

  for (guint i = 0; i < G_N_ELEMENTS (tick_steps); i++)
    if (tick_steps[i] * px_per_min >= 64)
      {
        step = tick_steps[i];
        break;
      }

  /* axis line */
  set_rgba (cr, &state->fg, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, g->x, g->y - 6.5);
  cairo_line_to (cr, g->x + g->width, g->y - 6.5);
  cairo_stroke (cr);

  /* base ticks, plus minute ticks wherever the lens makes room for them */
  first = (gint64) ceil (g->t0);
  for (m = first; m <= (gint64) floor (g->t1); m++)
    {
      gboolean major = (m % step) == 0;
      double x = ta_view_geom_x_of_minute (g, m);
      double local = ta_view_geom_x_of_minute (g, m + 1) - x;
      g_autofree char *text = NULL;

      if (!major && local < 34)
        continue;
      if (x < g->x - 0.5 || x > g->x + g->width + 0.5)
        continue;
      set_rgba (cr, &state->fg, major ? 0.45 : 0.25);
      cairo_move_to (cr, floor (x) + 0.5, g->y - 10);
      cairo_line_to (cr, floor (x) + 0.5, g->y - 3);
      cairo_stroke (cr);
      /* faint vertical guide */
      set_rgba (cr, &state->fg, major ? 0.07 : 0.04);
      cairo_move_to (cr, floor (x) + 0.5, g->y);
      cairo_line_to (cr, floor (x) + 0.5, g->y + g->height);
      cairo_stroke (cr);

      text = ta_format_minute (m, FALSE);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_extents (layout, NULL, &ext);
      if (x - ext.width / 2.0 < last_label_end + 6 || x + ext.width / 2.0 > width - 2)
        continue;
      set_rgba (cr, &state->fg, major ? 0.85 : 0.6);
      cairo_move_to (cr, x - ext.width / 2.0, g->y - 12 - ext.height);
      pango_cairo_show_layout (cr, layout);
      last_label_end = x + ext.width / 2.0;
    }

  /* date and zone at the left, above the labels column */
  date = ta_format_minute (first, TRUE);
  date[10] = 0;
  {
    g_autofree char *t = g_strdup_printf ("%s UTC", date);

    pango_layout_set_text (layout, t, -1);
    pango_layout_get_pixel_extents (layout, NULL, &ext);
    set_rgba (cr, &state->fg, 0.6);
    cairo_move_to (cr, 8, g->y - 12 - ext.height);
    pango_cairo_show_layout (cr, layout);
  }
}

static gboolean
row_selected (const TaArcSelection *sel,
              guint32               row)
{
  guint lo = 0, hi;

  if (sel == NULL)
    return FALSE;
  hi = sel->rows->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      guint32 v = g_array_index (sel->rows, guint32, mid);

      if (v == row)
        return TRUE;
      if (v < row)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

static void
draw_row_labels (TaRenderState *state,
                 cairo_t       *cr,
                 PangoLayout   *layout)
{
  const TaViewGeom *g = &state->geom;
  guint n = g->n_rows;
  PangoRectangle ext;
  gint focus_row = -1;

  if (n == 0)
    return;

  /* selected and hovered rows first get a highlight band */
  for (guint r = 0; r < n; r++)
    {
      gboolean sel = row_selected (state->selection, r);

      if (sel || (gint) r == state->hover_row)
        {
          double y = ta_view_geom_y_of_row (g, r);

          set_rgba (cr, &state->accent, sel ? 0.16 : 0.08);
          cairo_rectangle (cr, 0, y - 6.5, g->x + g->width, 13);
          cairo_fill (cr);
        }
    }

  /* Labels wherever there is room: the lens spreads the rows around the
   * focus apart so their labels appear while the rest stay hidden. Placed by
   * priority (the row at the focus, selected rows, then the others in
   * order), each only where no placed label is within MIN_LABEL_GAP. */
  if (g->lens || state->hover_row >= 0)
    focus_row = state->hover_row >= 0 ? state->hover_row
                                      : (gint) CLAMP (floor (g->row_lens.focus * n), 0, n - 1);
  {
    int top = (int) floor (g->y) - 16;
    int span = (int) ceil (g->height) + 32;
    g_autofree guint8 *taken = g_new0 (guint8, span);

    for (guint pass = 0; pass < 3; pass++)
      for (guint r = 0; r < n; r++)
        {
          const TaArcRow *row;
          double y;
          gboolean sel = row_selected (state->selection, r);
          gboolean free_here = TRUE;
          int c, lo, hi;

          if ((pass == 0 && (gint) r != focus_row) ||
              (pass == 1 && (!sel || (gint) r == focus_row)) ||
              (pass == 2 && (sel || (gint) r == focus_row)))
            continue;
          y = ta_view_geom_y_of_row (g, r);
          c = (int) floor (y) - top;
          lo = MAX (0, c - (int) (MIN_LABEL_GAP / 2));
          hi = MIN (span - 1, c + (int) (MIN_LABEL_GAP / 2));
          for (int i = lo; i <= hi && free_here; i++)
            free_here = !taken[i];
          if (!free_here)
            continue;
          memset (taken + lo, 1, hi - lo + 1);

          row = ta_arc_model_get_row (state->model, r);
          pango_layout_set_text (layout, row->name, -1);
          pango_layout_get_pixel_extents (layout, NULL, &ext);
          if (sel)
            set_rgba (cr, &state->accent, 1);
          else
            set_rgba (cr, &state->fg, (gint) r == state->hover_row || (gint) r == focus_row ? 1.0 : 0.78);
          cairo_move_to (cr, g->x - 10 - ext.width, y - ext.height / 2.0);
          pango_cairo_show_layout (cr, layout);

          /* tick to the row */
          set_rgba (cr, &state->fg, 0.25);
          cairo_move_to (cr, g->x - 6, floor (y) + 0.5);
          cairo_line_to (cr, g->x - 1, floor (y) + 0.5);
          cairo_stroke (cr);
        }
  }
}

static void
draw_rows (TaRenderState *state,
           cairo_t       *cr)
{
  const TaViewGeom *g = &state->geom;
  guint n = g->n_rows;
  double prev = -1e9;

  /* faint row lines where rows are far enough apart to tell them apart */
  for (guint r = 0; r < n; r++)
    {
      double y = ta_view_geom_y_of_row (g, r);

      if (y - prev >= 4)
        {
          cairo_move_to (cr, g->x, floor (y) + 0.5);
          cairo_line_to (cr, g->x + g->width, floor (y) + 0.5);
          prev = y;
        }
    }
  set_rgba (cr, &state->fg, 0.06);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* The arc under the pointer, on top, with its endpoints */
static void
draw_hover_arc (TaRenderState *state,
                cairo_t       *cr)
{
  const TaViewGeom *g = &state->geom;
  guint n_arcs;
  const TaArc *arcs;
  const TaArc *a;
  const TaArcLabel *l;
  double x, y1, y2;

  arcs = ta_arc_model_get_arcs (state->model, &n_arcs);
  if (state->hover_arc < 0 || (guint) state->hover_arc >= n_arcs)
    return;
  a = &arcs[state->hover_arc];
  l = ta_arc_model_get_label (state->model, state->mode, a->label[state->mode]);
  x = ta_view_geom_x_of_minute (g, a->minute);
  y1 = ta_view_geom_y_of_row (g, a->src_row);
  y2 = ta_view_geom_y_of_row (g, a->dst_row);

  arc_path (cr, x, y1, y2);
  cairo_set_source_rgba (cr, state->bg.r, state->bg.g, state->bg.b, 0.9);
  cairo_set_line_width (cr, 6);
  cairo_stroke_preserve (cr);
  set_rgb32 (cr, l->color, 1);
  cairo_set_line_width (cr, 3);
  cairo_stroke (cr);
  /* endpoints */
  cairo_arc (cr, x, y1, 3.5, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_arc (cr, x, y2, 3.5, 0, 2 * G_PI);
  set_rgba (cr, &state->fg, 1);
  cairo_fill (cr);
}

void
ta_timearcs_render (TaRenderState *state,
                    cairo_t       *cr,
                    double         width,
                    double         height)
{
  const TaViewGeom *g;
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  gboolean have_sel;

  ta_timearcs_layout (state, width, height);
  g = &state->geom;

  cairo_save (cr);
  set_rgba (cr, &state->bg, 1);
  cairo_paint (cr);

  if (state->model == NULL)
    {
      cairo_restore (cr);
      return;
    }

  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_new ();
  pango_font_description_set_family (font, state->font_family);
  pango_font_description_set_absolute_size (font, ROW_FONT_PX * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  /* lens band */
  if (g->lens)
    {
      double a = MAX (0, g->time_lens.focus - g->time_lens.radius);
      double b = MIN (1, g->time_lens.focus + g->time_lens.radius);
      double xa = g->x + ta_lens_band_apply (&g->time_lens, a) * g->width;
      double xb = g->x + ta_lens_band_apply (&g->time_lens, b) * g->width;

      set_rgba (cr, &state->accent, 0.06);
      cairo_rectangle (cr, xa, g->y, xb - xa, g->height);
      cairo_fill (cr);
    }

  draw_rows (state, cr);

  cairo_save (cr);
  cairo_rectangle (cr, g->x, g->y - 4, width - g->x, g->height + 8);
  cairo_clip (cr);

  if (state->show_ground_truth)
    draw_ground_truth (state, cr);

  state->n_drawn = state->n_merged = 0;
  have_sel = state->selection != NULL && state->selection->arcs->len > 0;
  draw_arcs (state, cr, width, height, have_sel ? 0.15 : 0.8);
  if (have_sel)
    draw_selected_arcs (state, cr);

  draw_hover_arc (state, cr);
  cairo_restore (cr);

  draw_row_labels (state, cr, layout);

  if (state->n_drawn < state->n_merged)
    {
      g_autofree char *text = g_strdup_printf (_("Showing the %u busiest of %u arcs at this zoom — zoom in to see them all"),
                                               state->n_drawn, state->n_merged);
      PangoRectangle ext;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_extents (layout, NULL, &ext);
      set_rgba (cr, &state->bg, 0.85);
      cairo_rectangle (cr, g->x + g->width - ext.width - 12, g->y + g->height - ext.height - 6,
                       ext.width + 8, ext.height + 4);
      cairo_fill (cr);
      set_rgba (cr, &state->fg, 0.8);
      cairo_move_to (cr, g->x + g->width - ext.width - 8, g->y + g->height - ext.height - 4);
      pango_cairo_show_layout (cr, layout);
    }
  draw_axis (state, cr, layout, width);

  if (state->brushing)
    {
      double x0 = MIN (state->brush_x0, state->brush_x1);
      double y0 = MIN (state->brush_y0, state->brush_y1);
      double w = fabs (state->brush_x1 - state->brush_x0);
      double h = fabs (state->brush_y1 - state->brush_y0);

      set_rgba (cr, &state->accent, 0.15);
      cairo_rectangle (cr, x0, y0, w, h);
      cairo_fill_preserve (cr);
      set_rgba (cr, &state->accent, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}
