/* ta-ip-bars.c — the IP bar widget: scrolling, zooming, hover, tooltips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ta-format.h"
#include "ta-ip-bars-private.h"
#include "ta-packet.h"

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
