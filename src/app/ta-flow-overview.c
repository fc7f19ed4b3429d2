/* ta-flow-overview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "ta-flow-overview.h"
#include "ta-flow-views.h"
#include "ta-ip-bars.h"

#define AXIS_H   16.0
#define BIN_PX   3.0
#define EDGE_PX  6.0

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_LEFT,
  DRAG_RIGHT,
  DRAG_NEW,
} DragMode;

struct _TaFlowOverview
{
  GtkWidget       parent_instance;
  TaSubsetFolder *folder;
  gint64          t0;          /* the folder's range */
  gint64          t1;
  gint64          w0;          /* the window */
  gint64          w1;
  TaClassBin     *bins;
  guint           n_bins;
  guint32         scale_max;   /* bar height scale: clips rare spikes */
  DragMode        drag;
  gint64          drag_w0;
  gint64          drag_w1;
  double          drag_x;
};

enum
{
  WINDOW_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TaFlowOverview, ta_flow_overview, GTK_TYPE_WIDGET)

GtkWidget *
ta_flow_overview_new (void)
{
  return g_object_new (TA_TYPE_FLOW_OVERVIEW, NULL);
}

static TaTimeScale
get_scale (TaFlowOverview *self)
{
  return (TaTimeScale) { self->t0, self->t1, 0, gtk_widget_get_width (GTK_WIDGET (self)) };
}

static gint
compare_u32 (gconstpointer a,
             gconstpointer b,
             gpointer      data)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static void
ensure_bins (TaFlowOverview *self,
             guint           n)
{
  if (self->folder == NULL || n == 0 || n == self->n_bins)
    return;
  g_free (self->bins);
  /* recomputed from the packets: bins.json has no flag classes (and the
   * original's drops the last packet) */
  self->bins = ta_class_bins_from_packets (ta_subset_folder_get_packets (self->folder),
                                           self->t0, self->t1, n);
  self->n_bins = n;

  /* one burst would flatten everything else: scale to the 98th percentile
   * of the non-empty bins and let the few above it touch the top */
  {
    g_autofree guint32 *totals = g_new (guint32, n);
    guint k = 0;

    for (guint i = 0; i < n; i++)
      if (self->bins[i].total > 0)
        totals[k++] = self->bins[i].total;
    g_qsort_with_data (totals, k, sizeof (guint32), compare_u32, NULL);
    self->scale_max = k > 0 ? MAX (totals[MIN (k - 1, k * 98 / 100)] * 11 / 10, 1) : 0;
  }
}

static void
append_hex (GtkSnapshot     *snapshot,
            const char      *hex,
            float            alpha,
            graphene_rect_t *rect)
{
  GdkRGBA rgba;

  if (!gdk_rgba_parse (&rgba, hex))
    rgba = (GdkRGBA) { 0.5, 0.5, 0.5, 1 };
  rgba.alpha = alpha;
  gtk_snapshot_append_color (snapshot, &rgba, rect);
}

static void
ta_flow_overview_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TaFlowOverview *self = TA_FLOW_OVERVIEW (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double plot_h = MAX (h - AXIS_H, 1);
  TaTimeScale scale = get_scale (self);
  g_autoptr(GArray) bars = NULL;
  double x0, x1;
  GdkRGBA bg = { 1, 1, 1, 1 }, shade = { 0, 0, 0, 0.28 }, edge = { 0.1, 0.35, 0.75, 1 };

  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (self->folder == NULL || w < 10)
    return;

  ensure_bins (self, MAX ((guint) (w / BIN_PX), 1));
  bars = ta_bars_from_bins (self->bins, self->n_bins, self->t0, self->t1, w, plot_h - 2,
                            self->scale_max);
  for (guint i = 0; i < bars->len; i++)
    {
      TaBar *b = &g_array_index (bars, TaBar, i);

      append_hex (snapshot, b->fclass >= 0 ? ta_flag_class_color (b->fclass) : "#888888", 1,
                  &GRAPHENE_RECT_INIT (b->x, b->y + 2, MAX (b->w - 0.5, 0.5), b->h));
    }

  /* the window: outside dimmed, edges as handles */
  x0 = ta_time_scale_x (&scale, self->w0);
  x1 = ta_time_scale_x (&scale, self->w1);
  if (x0 > 0)
    gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (0, 0, x0, plot_h));
  if (x1 < w)
    gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x1, 0, w - x1, plot_h));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x0 - 1, 0, 2, plot_h));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x1 - 1, 0, 2, plot_h));
  gtk_snapshot_append_color (snapshot, &edge, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, 2));

  {
    cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, plot_h, w, AXIS_H));
    g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
    g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 7");

    pango_layout_set_font_description (layout, font);
    cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
    cairo_rectangle (cr, 0, plot_h, w, 1);
    cairo_fill (cr);
    ta_draw_time_axis (cr, layout, &scale, plot_h, 4);
    cairo_destroy (cr);
  }
}

static void
ta_flow_overview_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 60;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 84;
}

static void
set_window (TaFlowOverview *self,
            gint64          w0,
            gint64          w1,
            gboolean        emit)
{
  gint64 span = MAX (w1 - w0, 1);

  span = MIN (span, self->t1 - self->t0);
  if (w0 < self->t0)
    w0 = self->t0;
  if (w0 + span > self->t1)
    w0 = self->t1 - span;
  w1 = w0 + span;
  if (w0 == self->w0 && w1 == self->w1)
    return;
  self->w0 = w0;
  self->w1 = w1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (emit)
    g_signal_emit (self, signals[WINDOW_CHANGED], 0);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               TaFlowOverview *self)
{
  TaTimeScale scale = get_scale (self);
  double x0 = ta_time_scale_x (&scale, self->w0), x1 = ta_time_scale_x (&scale, self->w1);

  self->drag_w0 = self->w0;
  self->drag_w1 = self->w1;
  self->drag_x = x;
  if (fabs (x - x0) <= EDGE_PX)
    self->drag = DRAG_LEFT;
  else if (fabs (x - x1) <= EDGE_PX)
    self->drag = DRAG_RIGHT;
  else if (x > x0 && x < x1)
    self->drag = DRAG_MOVE;
  else
    self->drag = DRAG_NEW;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                TaFlowOverview *self)
{
  TaTimeScale scale = get_scale (self);
  gint64 dt = ta_time_scale_time (&scale, dx) - self->t0;
  gint64 min_span = MAX ((self->t1 - self->t0) / 10000, 1);
  gint64 a, b;

  switch (self->drag)
    {
    case DRAG_MOVE:
      set_window (self, self->drag_w0 + dt, self->drag_w1 + dt, TRUE);
      break;
    case DRAG_LEFT:
      set_window (self, MIN (self->drag_w0 + dt, self->drag_w1 - min_span), self->drag_w1, TRUE);
      break;
    case DRAG_RIGHT:
      set_window (self, self->drag_w0, MAX (self->drag_w1 + dt, self->drag_w0 + min_span), TRUE);
      break;
    case DRAG_NEW:
      if (fabs (dx) < 3)
        break;
      a = ta_time_scale_time (&scale, self->drag_x);
      b = ta_time_scale_time (&scale, self->drag_x + dx);
      set_window (self, MIN (a, b), MAX (MAX (a, b), MIN (a, b) + min_span), TRUE);
      break;
    case DRAG_NONE:
    default:
      break;
    }
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TaFlowOverview  *self)
{
  /* double click: the whole range */
  if (n_press == 2)
    set_window (self, self->t0, self->t1, TRUE);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TaFlowOverview           *self)
{
  TaTimeScale scale = get_scale (self);
  double x0 = ta_time_scale_x (&scale, self->w0), x1 = ta_time_scale_x (&scale, self->w1);
  const char *cursor = "crosshair";

  if (fabs (x - x0) <= EDGE_PX || fabs (x - x1) <= EDGE_PX)
    cursor = "ew-resize";
  else if (x > x0 && x < x1)
    cursor = "grab";
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
}

static void
ta_flow_overview_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  TaFlowOverview *self = TA_FLOW_OVERVIEW (widget);

  ensure_bins (self, MAX ((guint) (width / BIN_PX), 1));
}

static void
ta_flow_overview_finalize (GObject *object)
{
  TaFlowOverview *self = TA_FLOW_OVERVIEW (object);

  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  g_free (self->bins);
  G_OBJECT_CLASS (ta_flow_overview_parent_class)->finalize (object);
}

static void
ta_flow_overview_class_init (TaFlowOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ta_flow_overview_finalize;
  widget_class->snapshot = ta_flow_overview_snapshot;
  widget_class->measure = ta_flow_overview_measure;
  widget_class->size_allocate = ta_flow_overview_size_allocate;

  signals[WINDOW_CHANGED] = g_signal_new ("window-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "flowoverview");
}

static void
ta_flow_overview_init (TaFlowOverview *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Drag to choose the time window; drag its edges to resize it; "
                                 "double-click for the whole range"));
}

void
ta_flow_overview_set_folder (TaFlowOverview *self,
                             TaSubsetFolder *folder)
{
  const TaPacketColumns *p;

  g_return_if_fail (TA_IS_FLOW_OVERVIEW (self));

  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  g_clear_pointer (&self->bins, g_free);
  self->n_bins = 0;
  if (folder != NULL)
    {
      self->folder = ta_subset_folder_ref (folder);
      p = ta_subset_folder_get_packets (folder);
      self->t0 = p->n ? p->ts[0] : ta_subset_folder_get_manifest (folder)->time_start;
      self->t1 = (p->n ? p->ts[p->n - 1] : ta_subset_folder_get_manifest (folder)->time_end) + 1;
      self->w0 = self->t0;
      self->w1 = self->t1;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_flow_overview_set_window (TaFlowOverview *self,
                             gint64          t0,
                             gint64          t1)
{
  g_return_if_fail (TA_IS_FLOW_OVERVIEW (self));
  set_window (self, t0, t1, FALSE);
}

void
ta_flow_overview_get_window (TaFlowOverview *self,
                             gint64         *t0,
                             gint64         *t1)
{
  *t0 = self->w0;
  *t1 = self->w1;
}

void
ta_flow_overview_get_range (TaFlowOverview *self,
                            gint64         *t0,
                            gint64         *t1)
{
  *t0 = self->t0;
  *t1 = self->t1;
}
