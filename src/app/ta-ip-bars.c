/* ta-ip-bars.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "ta-format.h"
#include "ta-ip-bars.h"
#include "ta-packet.h"

#define LABEL_WIDTH  150.0
#define AXIS_HEIGHT  24.0
#define LEGEND_HEIGHT 22.0
#define RIGHT_PAD    12.0
#define ROW_HEIGHT   18.0
#define COLUMN_PX    2.0

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

struct _TaIpBarsRenderer
{
  TaSubsetFolder *folder;
  guint           n_addrs;
  GArray         *rows;           /* guint32 addresses */
  double          first_row;
  gint64          t0;
  gint64          t1;
  gboolean        class_visible[TA_N_FLAG_CLASSES];
  TaIpBarsGrid   *grid;
  GArray         *marks;
  TaPacketsBySource *by_source;

  /* layout of the last draw */
  TaTimeScale     scale;
  double          grid_y;
  guint           first_visible;
  guint           n_visible;

  gboolean        has_hover;
  TaIpBarsHit     hover;
  gboolean        has_flow;
  TaFlowInfo      flow;

  cairo_surface_t *raster;        /* the marks, for pixel targets */
};

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

  /* stripes, the selected flow's rows and span */
  for (guint r = 0; r < n_vis; r++)
    {
      guint32 addr = g_array_index (self->rows, guint32, first + r);
      double y = self->grid_y + r * ROW_HEIGHT;

      if (self->has_flow && (addr == self->flow.a || addr == self->flow.b))
        {
          cairo_set_source_rgba (cr, 1.0, 0.85, 0.2, 0.25);
          cairo_rectangle (cr, 0, y, width, ROW_HEIGHT);
          cairo_fill (cr);
        }
      else if ((first + r) % 2 == 1)
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

  /* marks, one fill per class */
  cairo_save (cr);
  cairo_rectangle (cr, plot_x, plot_top, plot_w, plot_h);
  cairo_clip (cr);
  if (!is_vector_target (cr))
    draw_marks_raster (self, cr, plot_x, plot_top, plot_w, plot_h);
  else for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
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

  /* address labels */
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_rectangle (cr, 0, plot_top, plot_x - 4, plot_h);
  cairo_fill (cr);
  pango_layout_set_width (layout, (int) ((plot_x - 14) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_MIDDLE);
  for (guint r = 0; r < n_vis; r++)
    {
      guint32 addr = g_array_index (self->rows, guint32, first + r);
      int lw, lh;

      pango_layout_set_text (layout, ta_subset_folder_get_addr_name (self->folder, addr), -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
      cairo_move_to (cr, 8, self->grid_y + r * ROW_HEIGHT + (ROW_HEIGHT - lh) / 2);
      pango_cairo_show_layout (cr, layout);
    }
  pango_layout_set_width (layout, -1);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
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

/* ------------------------------------------------------------------ */
/* widget                                                              */

struct _TaIpBars
{
  GtkWidget         parent_instance;
  TaSubsetFolder   *folder;
  TaIpBarsRenderer *renderer;
  GtkAdjustment    *vadjustment;
  gint64            drag_t0;
  gint64            drag_t1;
  gboolean          dragged;
  double            pointer_x;
};

enum
{
  WINDOW_CHANGED,
  PACKET_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TaIpBars, ta_ip_bars, GTK_TYPE_WIDGET)

GtkWidget *
ta_ip_bars_new (void)
{
  return g_object_new (TA_TYPE_IP_BARS, NULL);
}

static void
update_adjustment (TaIpBars *self)
{
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double page = MAX ((h - AXIS_HEIGHT - LEGEND_HEIGHT) / ROW_HEIGHT, 1);
  guint n = self->renderer ? ta_ip_bars_renderer_get_n_rows (self->renderer) : 0;

  gtk_adjustment_configure (self->vadjustment,
                            MIN (gtk_adjustment_get_value (self->vadjustment), MAX (n - page, 0)),
                            0, MAX (n, page), 1, page, page);
}

static void
ta_ip_bars_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  TaIpBars *self = TA_IP_BARS (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->renderer == NULL || w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  ta_ip_bars_renderer_set_first_row (self->renderer, gtk_adjustment_get_value (self->vadjustment));
  ta_ip_bars_renderer_draw (self->renderer, cr, w, h);
  cairo_destroy (cr);
}

static void
ta_ip_bars_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  update_adjustment (TA_IP_BARS (widget));
}

static void
ta_ip_bars_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 300 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 360;
}

static void
set_window_internal (TaIpBars *self,
                     gint64    t0,
                     gint64    t1,
                     gboolean  emit)
{
  if (self->renderer == NULL)
    return;
  ta_ip_bars_renderer_set_window (self->renderer, t0, t1);
  ta_ip_bars_renderer_set_hover (self->renderer, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (emit)
    g_signal_emit (self, signals[WINDOW_CHANGED], 0);
}

void
ta_ip_bars_get_window (TaIpBars *self,
                       gint64   *t0,
                       gint64   *t1)
{
  g_return_if_fail (TA_IS_IP_BARS (self));
  if (self->renderer == NULL)
    {
      *t0 = *t1 = 0;
      return;
    }
  *t0 = self->renderer->t0;
  *t1 = self->renderer->t1;
}

void
ta_ip_bars_set_window (TaIpBars *self,
                       gint64    t0,
                       gint64    t1)
{
  g_return_if_fail (TA_IS_IP_BARS (self));
  set_window_internal (self, t0, t1, FALSE);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TaIpBars                 *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  TaTimeScale s;
  gint64 span;

  if (self->renderer == NULL)
    return FALSE;
  ta_ip_bars_renderer_get_scale (self->renderer, &s);
  span = s.t1 - s.t0;

  if (mods & GDK_CONTROL_MASK)
    {
      /* zoom around the pointer */
      double px = self->pointer_x;
      double factor = pow (1.25, dy);
      gint64 anchor, nt0, nt1;

      anchor = ta_time_scale_time (&s, CLAMP (px, s.x0, s.x0 + s.width));
      nt0 = anchor - (gint64) ((anchor - s.t0) * factor);
      nt1 = anchor + (gint64) ((s.t1 - anchor) * factor);
      if (nt1 - nt0 < 10)
        return TRUE;
      set_window_internal (self, nt0, nt1, TRUE);
      return TRUE;
    }
  if ((mods & GDK_SHIFT_MASK) || dx != 0)
    {
      double d = dx != 0 ? dx : dy;
      gint64 shift = (gint64) (d * span / 10.0);

      set_window_internal (self, s.t0 + shift, s.t1 + shift, TRUE);
      return TRUE;
    }
  gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_value (self->vadjustment) + dy * 3);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               TaIpBars       *self)
{
  if (self->renderer == NULL)
    return;
  self->drag_t0 = self->renderer->t0;
  self->drag_t1 = self->renderer->t1;
  self->dragged = FALSE;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                TaIpBars       *self)
{
  TaTimeScale s;
  gint64 shift;

  if (self->renderer == NULL || (fabs (dx) < 3 && !self->dragged))
    return;
  self->dragged = TRUE;
  ta_ip_bars_renderer_get_scale (self->renderer, &s);
  shift = (gint64) (-dx * (self->drag_t1 - self->drag_t0) / MAX (s.width, 1));
  set_window_internal (self, self->drag_t0 + shift, self->drag_t1 + shift, TRUE);
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             TaIpBars        *self)
{
  TaIpBarsHit hit;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->renderer == NULL || self->dragged)
    return;
  if (ta_ip_bars_renderer_hit (self->renderer, x, y, &hit, NULL))
    g_signal_emit (self, signals[PACKET_ACTIVATED], 0, hit.first_packet);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TaIpBars                 *self)
{
  TaIpBarsHit hit;

  self->pointer_x = x;
  if (self->renderer == NULL)
    return;
  if (ta_ip_bars_renderer_hit (self->renderer, x, y, &hit, NULL))
    {
      if (!self->renderer->has_hover || hit.row != self->renderer->hover.row
          || hit.col != self->renderer->hover.col)
        {
          ta_ip_bars_renderer_set_hover (self->renderer, &hit);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
    }
  else if (self->renderer->has_hover)
    {
      ta_ip_bars_renderer_set_hover (self->renderer, NULL);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  TaIpBars   *self)
{
  TaIpBarsHit hit;
  guint32 addr;
  g_autoptr(GString) s = NULL;
  const TaPacketColumns *p;
  g_autofree char *t0 = NULL;

  if (self->renderer == NULL || !ta_ip_bars_renderer_hit (self->renderer, x, y, &hit, &addr))
    return FALSE;
  p = ta_subset_folder_get_packets (self->folder);
  s = g_string_new (NULL);
  g_string_append_printf (s, "<b>%s</b>\n", ta_subset_folder_get_addr_name (self->folder, addr));
  if (hit.total == 1 && hit.first_packet < p->n)
    {
      guint i = hit.first_packet;

      t0 = ta_format_time_us (p->ts[i], 0);
      g_string_append_printf (s, _("%s UTC\n%s:%u → %s:%u\nflags %s (%s), seq %u, ack %u, %u bytes"),
                              t0, ta_subset_folder_get_addr_name (self->folder, p->src[i]),
                              p->sport[i], ta_subset_folder_get_addr_name (self->folder, p->dst[i]),
                              p->dport[i], ta_flag_type_name (p->flags[i], FALSE),
                              ta_flag_class_name (p->fclass[i]), p->seq[i], p->ack[i], p->length[i]);
      g_string_append (s, _("\nClick to select its flow"));
    }
  else
    {
      g_autofree char *dur = ta_format_duration_us (hit.end - hit.start);

      t0 = ta_format_time_us (hit.start, hit.end - hit.start);
      g_string_append_printf (s, ngettext ("%u packet sent in %s from %s UTC",
                                           "%u packets sent in %s from %s UTC", hit.total),
                              hit.total, dur, t0);
      for (guint c = 0; c < TA_N_FLAG_CLASSES; c++)
        if (hit.counts[c])
          g_string_append_printf (s, "\n<span foreground=\"%s\">■</span> %s: %u",
                                  ta_flag_class_color (c), ta_flag_class_name (c), hit.counts[c]);
    }
  gtk_tooltip_set_markup (tooltip, s->str);
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TaIpBars              *self)
{
  TaTimeScale s;
  gint64 mid, half;
  const TaPacketColumns *p;

  if (self->renderer == NULL)
    return FALSE;
  ta_ip_bars_renderer_get_scale (self->renderer, &s);
  mid = s.t0 + (s.t1 - s.t0) / 2;
  half = (s.t1 - s.t0) / 2;
  switch (keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      if (half > 10)
        set_window_internal (self, mid - half / 2, mid + half / 2, TRUE);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      set_window_internal (self, mid - half * 2, mid + half * 2, TRUE);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_Right:
      set_window_internal (self, s.t0 + (keyval == GDK_KEY_Left ? -half / 4 : half / 4),
                           s.t1 + (keyval == GDK_KEY_Left ? -half / 4 : half / 4), TRUE);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_0:
      p = ta_subset_folder_get_packets (self->folder);
      if (p->n > 0)
        set_window_internal (self, p->ts[0], p->ts[p->n - 1] + 1, TRUE);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
ta_ip_bars_dispose (GObject *object)
{
  TaIpBars *self = TA_IP_BARS (object);

  g_clear_pointer (&self->renderer, ta_ip_bars_renderer_free);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  g_clear_object (&self->vadjustment);
  G_OBJECT_CLASS (ta_ip_bars_parent_class)->dispose (object);
}

static void
ta_ip_bars_class_init (TaIpBarsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ta_ip_bars_dispose;
  widget_class->snapshot = ta_ip_bars_snapshot;
  widget_class->size_allocate = ta_ip_bars_size_allocate;
  widget_class->measure = ta_ip_bars_measure;

  signals[WINDOW_CHANGED] = g_signal_new ("window-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[PACKET_ACTIVATED] = g_signal_new ("packet-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "ipbars");
}

static void
ta_ip_bars_init (TaIpBars *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->vadjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 1, 1, 1, 1));
  /* the flow panel's scrollbar shares this adjustment and may outlive us */
  g_signal_connect_object (self->vadjustment, "value-changed",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

void
ta_ip_bars_set_folder (TaIpBars       *self,
                       TaSubsetFolder *folder)
{
  g_return_if_fail (TA_IS_IP_BARS (self));

  g_clear_pointer (&self->renderer, ta_ip_bars_renderer_free);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  if (folder != NULL)
    {
      self->folder = ta_subset_folder_ref (folder);
      self->renderer = ta_ip_bars_renderer_new (folder);
    }
  gtk_adjustment_set_value (self->vadjustment, 0);
  update_adjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TaIpBarsRenderer *
ta_ip_bars_get_renderer (TaIpBars *self)
{
  g_return_val_if_fail (TA_IS_IP_BARS (self), NULL);
  return self->renderer;
}

GtkAdjustment *
ta_ip_bars_get_vadjustment (TaIpBars *self)
{
  g_return_val_if_fail (TA_IS_IP_BARS (self), NULL);
  return self->vadjustment;
}

void
ta_ip_bars_set_rows (TaIpBars      *self,
                     const guint32 *addrs,
                     guint          n)
{
  g_return_if_fail (TA_IS_IP_BARS (self));
  if (self->renderer == NULL)
    return;
  ta_ip_bars_renderer_set_rows (self->renderer, addrs, n);
  ta_ip_bars_renderer_set_hover (self->renderer, NULL);
  update_adjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_ip_bars_set_highlight_flow (TaIpBars         *self,
                               const TaFlowInfo *flow)
{
  g_return_if_fail (TA_IS_IP_BARS (self));
  if (self->renderer == NULL)
    return;
  ta_ip_bars_renderer_set_highlight_flow (self->renderer, flow);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_ip_bars_queue_update (TaIpBars *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
