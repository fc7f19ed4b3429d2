/* ta-ip-bars-renderer.c — the IP bar diagram drawn to any cairo context,
 * and the drawing helpers the flow panel's views share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "ta-ip-bars-private.h"
#include "ta-packet.h"

/* ------------------------------------------------------------------ */
/* drawing helpers shared by the panel's views                         */

void
ta_draw_set_source_hex (cairo_t    *cr,
                        const char *hex,
                        double      alpha)
{
  GdkRGBA rgba;

  if (hex == NULL || !gdk_rgba_parse (&rgba, hex))
    rgba = (GdkRGBA) { 0.4, 0.4, 0.4, 1 };
  cairo_set_source_rgba (cr, rgba.red, rgba.green, rgba.blue, alpha);
}

char *
ta_format_time_us (gint64 us,
                   gint64 span_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autofree char *hms = NULL;
  gint64 frac = us % G_USEC_PER_SEC;

  if (dt == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, us);
  hms = g_date_time_format (dt, "%H:%M:%S");
  if (span_us < 100000)
    return g_strdup_printf ("%s.%06" G_GINT64_FORMAT, hms, frac);
  if (span_us < G_GINT64_CONSTANT (60000000))
    return g_strdup_printf ("%s.%03" G_GINT64_FORMAT, hms, frac / 1000);
  return g_steal_pointer (&hms);
}

static gint64
nice_step (gint64 span,
           double n_ticks)
{
  double raw = span / MAX (n_ticks, 1);
  double mag = pow (10, floor (log10 (MAX (raw, 1))));
  double f = raw / mag;
  double step = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;

  return MAX ((gint64) (step * mag), 1);
}

void
ta_draw_time_axis (cairo_t           *cr,
                   PangoLayout       *layout,
                   const TaTimeScale *scale,
                   double             y,
                   double             tick_len)
{
  gint64 span = scale->t1 - scale->t0;
  gint64 step, t;

  if (span <= 0 || scale->width < 20)
    return;
  step = nice_step (span, scale->width / 120);
  cairo_set_line_width (cr, 1);
  for (t = (scale->t0 / step) * step; t <= scale->t1; t += step)
    {
      double x;
      g_autofree char *label = NULL;
      int lw, lh;

      if (t < scale->t0)
        continue;
      x = floor (ta_time_scale_x (scale, t)) + 0.5;
      cairo_set_source_rgba (cr, 0, 0, 0, 0.45);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x, y + tick_len);
      cairo_stroke (cr);
      label = ta_format_time_us (t, step * 10);
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (x + 3 + lw > scale->x0 + scale->width + 8)
        continue;
      cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
      cairo_move_to (cr, x + 3, y + (tick_len > 0 ? 0 : tick_len) );
      pango_cairo_show_layout (cr, layout);
    }
}

/* ------------------------------------------------------------------ */
/* renderer                                                            */


TaIpBarsRenderer *
ta_ip_bars_renderer_new (TaSubsetFolder *folder)
{
  TaIpBarsRenderer *self = g_new0 (TaIpBarsRenderer, 1);
  const TaManifest *m = ta_subset_folder_get_manifest (folder);
  const TaPacketColumns *p = ta_subset_folder_get_packets (folder);

  self->folder = ta_subset_folder_ref (folder);
  self->n_addrs = ta_subset_folder_get_n_addrs (folder);
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->grid = ta_ip_bars_grid_new ();
  self->marks = g_array_new (FALSE, FALSE, sizeof (TaMark));
  self->by_source = ta_packets_by_source_new (p, self->n_addrs);
  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    self->class_visible[c] = TRUE;
  self->t0 = p->n ? p->ts[0] : m->time_start;
  self->t1 = (p->n ? p->ts[p->n - 1] : m->time_end) + 1;
  ta_ip_bars_renderer_get_default_rows (self, self->rows);
  return self;
}

void
ta_ip_bars_renderer_free (TaIpBarsRenderer *self)
{
  if (self == NULL)
    return;
  ta_subset_folder_unref (self->folder);
  g_array_unref (self->rows);
  ta_ip_bars_grid_free (self->grid);
  g_array_unref (self->marks);
  ta_packets_by_source_free (self->by_source);
  g_clear_pointer (&self->raster, cairo_surface_destroy);
  g_free (self);
}

typedef struct
{
  guint32 addr;
  gint64  first;
} RowOrder;

static gint
compare_row_order (gconstpointer a,
                   gconstpointer b,
                   gpointer      data)
{
  const RowOrder *x = a, *y = b;

  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void
ta_ip_bars_renderer_get_default_rows (TaIpBarsRenderer *self,
                                      GArray           *addrs)
{
  const TaPacketColumns *p = ta_subset_folder_get_packets (self->folder);
  g_autofree RowOrder *order = g_new (RowOrder, MAX (self->n_addrs, 1));

  for (guint a = 0; a < self->n_addrs; a++)
    {
      order[a].addr = a;
      order[a].first = G_MAXINT64;
    }
  for (guint i = 0; i < p->n; i++)
    {
      if (p->src[i] < self->n_addrs && order[p->src[i]].first == G_MAXINT64)
        order[p->src[i]].first = p->ts[i];
      if (p->dst[i] < self->n_addrs && order[p->dst[i]].first == G_MAXINT64)
        order[p->dst[i]].first = p->ts[i];
    }
  g_qsort_with_data (order, self->n_addrs, sizeof (RowOrder), compare_row_order, NULL);
  g_array_set_size (addrs, 0);
  for (guint a = 0; a < self->n_addrs; a++)
    g_array_append_val (addrs, order[a].addr);
}

void
ta_ip_bars_renderer_set_window (TaIpBarsRenderer *self,
                                gint64            t0,
                                gint64            t1)
{
  self->t0 = t0;
  self->t1 = MAX (t1, t0 + 1);
}

void
ta_ip_bars_renderer_set_rows (TaIpBarsRenderer *self,
                              const guint32    *addrs,
                              guint             n)
{
  g_array_set_size (self->rows, 0);
  g_array_append_vals (self->rows, addrs, n);
  self->first_row = MIN (self->first_row, MAX ((double) n - 1, 0));
}

guint
ta_ip_bars_renderer_get_n_rows (TaIpBarsRenderer *self)
{
  return self->rows->len;
}

void
ta_ip_bars_renderer_set_first_row (TaIpBarsRenderer *self,
                                   double            first_row)
{
  self->first_row = MAX (first_row, 0);
}

void
ta_ip_bars_renderer_set_class_visible (TaIpBarsRenderer *self,
                                       guint             fclass,
                                       gboolean          visible)
{
  if (fclass < TA_N_FLAG_CLASSES)
    self->class_visible[fclass] = visible;
}

void
ta_ip_bars_renderer_set_hover (TaIpBarsRenderer  *self,
                               const TaIpBarsHit *hit)
{
  self->has_hover = hit != NULL;
  if (hit)
    self->hover = *hit;
}

void
ta_ip_bars_renderer_set_highlight_flow (TaIpBarsRenderer *self,
                                        const TaFlowInfo *flow)
{
  self->has_flow = flow != NULL;
  if (flow)
    self->flow = *flow;
}

double
ta_ip_bars_renderer_get_row_height (TaIpBarsRenderer *self)
{
  return ROW_HEIGHT;
}

void
ta_ip_bars_renderer_get_scale (TaIpBarsRenderer *self,
                               TaTimeScale      *scale)
{
  *scale = self->scale;
}

static gboolean
is_vector_target (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_RECORDING:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Tens of thousands of small boxes: cairo's path filling costs far more
 * than writing the pixels, so pixel targets get the marks painted into an
 * image here and composited once. Vector targets (SVG, PDF) get paths. */
static void
draw_marks_raster (TaIpBarsRenderer *self,
                   cairo_t          *cr,
                   double            plot_x,
                   double            plot_top,
                   double            plot_w,
                   double            plot_h)
{
  double sx = 1, sy = 1;
  guint32 colors[TA_N_FLAG_CLASSES];
  int w, h, stride;
  guint8 *data;
  double dy = self->grid_y - plot_top;

  cairo_surface_get_device_scale (cairo_get_target (cr), &sx, &sy);
  w = (int) ceil (plot_w * sx);
  h = (int) ceil (plot_h * sy);
  if (w <= 0 || h <= 0)
    return;
  if (self->raster == NULL || cairo_image_surface_get_width (self->raster) != w
      || cairo_image_surface_get_height (self->raster) != h)
    {
      g_clear_pointer (&self->raster, cairo_surface_destroy);
      self->raster = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_surface_set_device_scale (self->raster, sx, sy);
    }
  cairo_surface_flush (self->raster);
  data = cairo_image_surface_get_data (self->raster);
  stride = cairo_image_surface_get_stride (self->raster);
  memset (data, 0, (gsize) stride * h);
  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    {
      GdkRGBA rgba;

      gdk_rgba_parse (&rgba, ta_flag_class_color (c));
      colors[c] = 0xff000000u | (guint32) (rgba.red * 255) << 16 | (guint32) (rgba.green * 255) << 8
                  | (guint32) (rgba.blue * 255);
    }

  for (guint i = 0; i < self->marks->len; i++)
    {
      const TaMark *m = &g_array_index (self->marks, TaMark, i);
      int x0 = (int) lround (m->x * sx), x1 = (int) lround ((m->x + m->w) * sx);
      int y0 = (int) lround ((dy + m->y) * sy), y1 = (int) lround ((dy + m->y + m->h) * sy);
      guint32 color = colors[m->fclass];

      if (y1 <= y0)
        y1 = y0 + 1;
      if (x1 <= x0)
        x1 = x0 + 1;
      x0 = MAX (x0, 0);
      y0 = MAX (y0, 0);
      x1 = MIN (x1, w);
      y1 = MIN (y1, h);
      for (int y = y0; y < y1; y++)
        {
          guint32 *row = (guint32 *) (void *) (data + (gsize) y * stride);

          for (int x = x0; x < x1; x++)
            row[x] = color;
        }
    }
  cairo_surface_mark_dirty (self->raster);
  cairo_set_source_surface (cr, self->raster, plot_x, plot_top);
  cairo_paint (cr);
}

static void
draw_legend (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    {
      int lw, lh;

      ta_draw_set_source_hex (cr, ta_flag_class_color (c), 1);
      cairo_rectangle (cr, x, y + 5, 10, 10);
      cairo_fill (cr);
      pango_layout_set_text (layout, ta_flag_class_name (c), -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.75);
      cairo_move_to (cr, x + 14, y + 10 - lh / 2.0);
      pango_cairo_show_layout (cr, layout);
      x += 14 + lw + 12;
    }
}

/* Alternate rows striped, the selected flow's rows and time span shaded */
static void
draw_stripes (TaIpBarsRenderer *self,
              cairo_t          *cr,
              double            width,
              double            plot_x,
              double            plot_top,
              double            plot_w,
              double            plot_h)
{
  for (guint r = 0; r < self->n_visible; r++)
    {
      guint32 addr = g_array_index (self->rows, guint32, self->first_visible + r);
      double y = self->grid_y + r * ROW_HEIGHT;

      if (self->has_flow && (addr == self->flow.a || addr == self->flow.b))
        {
          cairo_set_source_rgba (cr, 1.0, 0.85, 0.2, 0.25);
          cairo_rectangle (cr, 0, y, width, ROW_HEIGHT);
          cairo_fill (cr);
        }
      else if ((self->first_visible + r) % 2 == 1)
        {
          cairo_set_source_rgba (cr, 0, 0, 0, 0.035);
          cairo_rectangle (cr, 0, y, width, ROW_HEIGHT);
          cairo_fill (cr);
        }
    }
  if (self->has_flow)
    {
      double x0 = ta_time_scale_x (&self->scale, self->flow.start);
      double x1 = ta_time_scale_x (&self->scale, self->flow.end);

      x0 = CLAMP (x0, plot_x, plot_x + plot_w);
      x1 = CLAMP (x1, plot_x, plot_x + plot_w);
      cairo_set_source_rgba (cr, 0.95, 0.6, 0.0, 0.15);
      cairo_rectangle (cr, x0 - 1, plot_top, MAX (x1 - x0, 0) + 2, plot_h);
      cairo_fill (cr);
    }
}

/* The marks as paths, one fill per class, for vector targets */
static void
draw_marks_vector (TaIpBarsRenderer *self,
                   cairo_t          *cr,
                   double            plot_x)
{
  for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < self->marks->len; i++)
        {
          const TaMark *m = &g_array_index (self->marks, TaMark, i);

          if (m->fclass != c)
            continue;
          cairo_rectangle (cr, plot_x + m->x, self->grid_y + m->y, m->w, m->h);
          any = TRUE;
        }
      if (any)
        {
          ta_draw_set_source_hex (cr, ta_flag_class_color (c), 1);
          cairo_fill (cr);
        }
    }
}

static void
draw_address_labels (TaIpBarsRenderer *self,
                     cairo_t          *cr,
                     PangoLayout      *layout,
                     double            plot_x,
                     double            plot_top,
                     double            plot_h)
{
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_rectangle (cr, 0, plot_top, plot_x - 4, plot_h);
  cairo_fill (cr);
  pango_layout_set_width (layout, (int) ((plot_x - 14) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_MIDDLE);
  for (guint r = 0; r < self->n_visible; r++)
    {
      guint32 addr = g_array_index (self->rows, guint32, self->first_visible + r);
      int lw, lh;

      pango_layout_set_text (layout, ta_subset_folder_get_addr_name (self->folder, addr), -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
      cairo_move_to (cr, 8, self->grid_y + r * ROW_HEIGHT + (ROW_HEIGHT - lh) / 2);
      pango_cairo_show_layout (cr, layout);
    }
  pango_layout_set_width (layout, -1);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
}

void
ta_ip_bars_renderer_draw (TaIpBarsRenderer *self,
                          cairo_t          *cr,
                          double            width,
                          double            height)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 8");
  double plot_x = LABEL_WIDTH, plot_w = MAX (width - LABEL_WIDTH - RIGHT_PAD, 10);
  double plot_top = AXIS_HEIGHT, plot_h = MAX (height - AXIS_HEIGHT - LEGEND_HEIGHT, 1);
  double frac;
  guint first, n_vis;

  pango_layout_set_font_description (layout, font);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  first = (guint) floor (self->first_row);
  frac = self->first_row - first;
  first = MIN (first, self->rows->len);
  n_vis = MIN ((guint) ceil (plot_h / ROW_HEIGHT + frac) + 1, self->rows->len - first);
  self->first_visible = first;
  self->n_visible = n_vis;
  self->grid_y = plot_top - frac * ROW_HEIGHT;
  self->scale = (TaTimeScale) { self->t0, self->t1, plot_x, plot_w };

  /* visible rows only: the aggregation never touches rows off screen */
  ta_ip_bars_grid_compute_rows (self->grid, ta_subset_folder_get_packets (self->folder),
                                self->by_source, &g_array_index (self->rows, guint32, first),
                                n_vis, self->t0, self->t1, plot_w, COLUMN_PX, self->class_visible);
  ta_ip_bars_grid_marks (self->grid, ROW_HEIGHT, 0, self->marks);

  cairo_save (cr);
  cairo_rectangle (cr, 0, plot_top, width, plot_h);
  cairo_clip (cr);

  draw_stripes (self, cr, width, plot_x, plot_top, plot_w, plot_h);

  cairo_save (cr);
  cairo_rectangle (cr, plot_x, plot_top, plot_w, plot_h);
  cairo_clip (cr);
  if (!is_vector_target (cr))
    draw_marks_raster (self, cr, plot_x, plot_top, plot_w, plot_h);
  else
    draw_marks_vector (self, cr, plot_x);
  if (self->has_hover && self->hover.row < n_vis)
    {
      double x = plot_x + self->hover.col * self->grid->col_px;
      double y = self->grid_y + self->hover.row * ROW_HEIGHT;

      cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
      cairo_set_line_width (cr, 1.5);
      cairo_rectangle (cr, x - 1.5, y + 0.75, self->grid->col_px + 3, ROW_HEIGHT - 1.5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  draw_address_labels (self, cr, layout, plot_x, plot_top, plot_h);
  cairo_restore (cr);

  /* frame, axis and legend */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, plot_x - 0.5, plot_top);
  cairo_line_to (cr, plot_x - 0.5, plot_top + plot_h);
  cairo_move_to (cr, 0, plot_top - 0.5);
  cairo_line_to (cr, width, plot_top - 0.5);
  cairo_stroke (cr);
  ta_draw_time_axis (cr, layout, &self->scale, 4, AXIS_HEIGHT - 6);
  if (self->rows->len == 0)
    {
      pango_layout_set_text (layout, _("No address selected"), -1);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
      cairo_move_to (cr, plot_x + 12, plot_top + 12);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, height - LEGEND_HEIGHT, width, LEGEND_HEIGHT);
  cairo_fill (cr);
  draw_legend (cr, layout, 8, height - LEGEND_HEIGHT);
  cairo_restore (cr);
}

gboolean
ta_ip_bars_renderer_hit (TaIpBarsRenderer *self,
                         double            x,
                         double            y,
                         TaIpBarsHit      *hit,
                         guint32          *addr)
{
  if (x < self->scale.x0 || y < AXIS_HEIGHT)
    return FALSE;
  if (!ta_ip_bars_grid_hit (self->grid, x - self->scale.x0, y, ROW_HEIGHT, self->grid_y, hit))
    return FALSE;
  if (addr)
    *addr = g_array_index (self->rows, guint32, self->first_visible + hit->row);
  return TRUE;
}
