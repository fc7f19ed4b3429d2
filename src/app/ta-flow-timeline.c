/* ta-flow-timeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "ta-flow-timeline.h"
#include "ta-format.h"
#include "ta-ip-bars.h"
#include "ta-packet.h"

#define MARGIN_X   28.0
#define LANE_TOP   58.0
#define LANE_BOTTOM 40.0

struct _TaFlowTimeline
{
  GtkWidget       parent_instance;
  TaSubsetFolder *folder;
  TaFlowDetail   *detail;
  TaFlowAxis      axis;
  TaFlowLayout   *layout;       /* of the last draw */
  gint            selected;
  gint            hover;
};

enum
{
  PACKET_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TaFlowTimeline, ta_flow_timeline, GTK_TYPE_WIDGET)

static const char *phase_colors[TA_N_FLOW_PHASES] = {
  NULL, "#4a90d9", "#43a047", "#fb8c00",
};

GtkWidget *
ta_flow_timeline_new (void)
{
  return g_object_new (TA_TYPE_FLOW_TIMELINE, NULL);
}

static void
draw_arrow (cairo_t           *cr,
            const TaFlowArrow *a,
            double             width,
            gboolean           dashed)
{
  double ang = atan2 (a->y1 - a->y0, a->x1 - a->x0);
  double head = 7 + width;

  cairo_set_line_width (cr, width);
  if (dashed)
    cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  cairo_move_to (cr, a->x0, a->y0);
  cairo_line_to (cr, a->x1 - cos (ang) * head * 0.6, a->y1 - sin (ang) * head * 0.6);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_move_to (cr, a->x1, a->y1);
  cairo_line_to (cr, a->x1 - head * cos (ang - 0.4), a->y1 - head * sin (ang - 0.4));
  cairo_line_to (cr, a->x1 - head * cos (ang + 0.4), a->y1 - head * sin (ang + 0.4));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y,
           const char  *markup)
{
  pango_layout_set_markup (layout, markup, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The flow's id, endpoints, state, counts, start and duration on one line */
static void
draw_header (TaFlowTimeline *self,
             cairo_t        *cr,
             PangoLayout    *layout)
{
  const TaFlowInfo *f = &self->detail->info;
  const TaFlowLayout *l = self->layout;
  g_autofree char *header = NULL, *dur = NULL, *start = NULL;
  g_autofree char *counts = NULL;
  const char *outcome;

  dur = ta_format_duration_us (f->end - f->start);
  start = ta_format_time_us (f->start, f->end - f->start);
  outcome = ta_flow_outcome_color (f->close_type, f->invalid_reason);
  counts = g_strdup_printf (_("%llu packets, %llu bytes"),
                            (unsigned long long) f->total_packets,
                            (unsigned long long) f->total_bytes);
  header = g_markup_printf_escaped ("<b>%s</b>   %s → %s   <b>%s</b>%s%s%s   %s   %s UTC, %s",
                                    f->id, ta_subset_folder_get_addr_name (self->folder, l->lane_addr[0]),
                                    ta_subset_folder_get_addr_name (self->folder, l->lane_addr[1]),
                                    f->state,
                                    f->close_type || f->invalid_reason ? " (" : "",
                                    f->invalid_reason ? f->invalid_reason : f->close_type ? f->close_type : "",
                                    f->close_type || f->invalid_reason ? ")" : "",
                                    counts, start, dur);
  if (outcome)
    {
      ta_draw_set_source_hex (cr, outcome, 1);
      cairo_rectangle (cr, 8, 8, 10, 10);
      cairo_fill (cr);
    }
  cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
  show_text (cr, layout, outcome ? 24 : 8, 5, header);
}

static void
draw_phases (TaFlowTimeline *self,
             cairo_t        *cr,
             PangoLayout    *layout,
             double          width)
{
  const TaFlowLayout *l = self->layout;
  double label_end = 0;

  for (guint s = 0; s < l->n_spans; s++)
    {
      const TaPhaseSpan *span = &l->spans[s];
      g_autofree char *label = g_strdup_printf ("%s (%u)", ta_flow_phase_label (span->phase), span->n_packets);

      ta_draw_set_source_hex (cr, phase_colors[span->phase], 0.13);
      cairo_rectangle (cr, span->x0, l->lane_y[0] - 8, span->x1 - span->x0, l->lane_y[1] - l->lane_y[0] + 16);
      cairo_fill (cr);
      ta_draw_set_source_hex (cr, phase_colors[span->phase], 1);
      cairo_rectangle (cr, span->x0, l->lane_y[0] - 8, span->x1 - span->x0, 3);
      cairo_fill (cr);
      {
        int lw, lh;

        pango_layout_set_markup (layout, label, -1);
        pango_layout_get_pixel_size (layout, &lw, &lh);
        /* keep the label inside the drawing, and clear of the previous one */
        show_text (cr, layout, CLAMP (span->x0 + 2, label_end, MAX (width - lw - 4, label_end)),
                   l->lane_y[0] - 24, label);
        label_end = MAX (label_end, MIN (span->x0 + 2, width - lw - 4) + lw + 8);
      }
    }
}

static void
draw_lanes (TaFlowTimeline *self,
            cairo_t        *cr,
            PangoLayout    *layout,
            double          width)
{
  const TaFlowInfo *f = &self->detail->info;
  const TaFlowLayout *l = self->layout;

  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *label = NULL;
      gboolean known = f->initiator != TA_NO_ADDR;

      label = g_markup_printf_escaped ("<b>%s:%d</b>  %s", ta_subset_folder_get_addr_name (self->folder, l->lane_addr[k]),
                                       l->lane_port[k],
                                       known ? (k == 0 ? _("initiator") : _("responder"))
                                             : (k == 0 ? _("first sender (no SYN seen)") : _("peer")));
      cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, MARGIN_X - 12, l->lane_y[k]);
      cairo_line_to (cr, width - MARGIN_X + 12, l->lane_y[k]);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
      show_text (cr, layout, MARGIN_X - 12, k == 0 ? l->lane_y[0] - 40 : l->lane_y[1] + 4, label);
    }
}

static void
draw_packets (TaFlowTimeline *self,
              cairo_t        *cr)
{
  const TaFlowLayout *l = self->layout;

  for (guint i = 0; i < l->n_arrows; i++)
    {
      const TaFlowArrow *a = &l->arrows[i];
      const TaFlowPacket *p = &self->detail->packets[a->packet];

      if ((gint) i == self->selected)
        {
          cairo_set_source_rgba (cr, 0, 0, 0, 0.9);
          draw_arrow (cr, a, 5, FALSE);
        }
      ta_draw_set_source_hex (cr, ta_flag_class_color (a->fclass), 1);
      draw_arrow (cr, a, (gint) i == self->hover ? 3 : 1.6, !p->in_packet_list);
      if (p->is_invalid_packet)
        {
          cairo_set_source_rgb (cr, 0.9, 0, 0);
          cairo_arc (cr, (a->x0 + a->x1) / 2, (a->y0 + a->y1) / 2, 5, 0, 2 * G_PI);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
}

void
ta_flow_timeline_draw (TaFlowTimeline *self,
                       cairo_t        *cr,
                       double          width,
                       double          height)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 8");
  TaFlowLayout *l;

  pango_layout_set_font_description (layout, font);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  if (self->detail == NULL)
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
      show_text (cr, layout, 16, 16, _("Select a flow to see its packets between its two endpoints"));
      cairo_restore (cr);
      return;
    }

  g_clear_pointer (&self->layout, ta_flow_layout_free);
  self->layout = l = ta_flow_layout_compute (self->detail, self->axis, width, height,
                                             MARGIN_X, 0);
  l->lane_y[0] = LANE_TOP;
  l->lane_y[1] = MAX (height - LANE_BOTTOM, LANE_TOP + 20);
  for (guint i = 0; i < l->n_arrows; i++)
    {
      TaFlowArrow *a = &l->arrows[i];

      a->y0 = a->downward ? l->lane_y[0] : l->lane_y[1];
      a->y1 = a->downward ? l->lane_y[1] : l->lane_y[0];
    }

  draw_header (self, cr, layout);
  draw_phases (self, cr, layout, width);
  draw_lanes (self, cr, layout, width);
  draw_packets (self, cr);

  if (self->axis == TA_FLOW_AXIS_TIME)
    ta_draw_time_axis (cr, layout, &l->scale, height - 16, -4);
  else
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
      show_text (cr, layout, MARGIN_X, height - 16,
                 _("packets in order, evenly spaced (switch to “Time” for real spacing)"));
    }
  cairo_restore (cr);
}

static void
ta_flow_timeline_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TaFlowTimeline *self = TA_FLOW_TIMELINE (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  ta_flow_timeline_draw (self, cr, w, h);
  cairo_destroy (cr);
}

static void
ta_flow_timeline_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 300 : 170;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 210;
}

static gint
hit (TaFlowTimeline *self,
     double          x,
     double          y)
{
  if (self->layout == NULL || self->detail == NULL)
    return -1;
  return ta_flow_layout_hit (self->layout, x, y, 5);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TaFlowTimeline           *self)
{
  gint h = hit (self, x, y);

  if (h != self->hover)
    {
      self->hover = h;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TaFlowTimeline  *self)
{
  gint h = hit (self, x, y);

  if (h >= 0)
    {
      ta_flow_timeline_set_selected (self, h);
      g_signal_emit (self, signals[PACKET_SELECTED], 0, (guint) h);
    }
}

static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip,
                  TaFlowTimeline *self)
{
  gint h = hit (self, x, y);
  const TaFlowPacket *p;
  g_autofree char *t = NULL, *text = NULL;

  if (h < 0)
    return FALSE;
  p = &self->detail->packets[self->layout->arrows[h].packet];
  t = ta_format_time_us (p->ts, 0);
  text = g_markup_printf_escaped (_("<b>%s</b> (%s)\n%s UTC\n%s:%u → %s:%u\nseq %u  ack %u  %u bytes\n%s%s%s"),
                                  ta_flag_type_name (p->flags, FALSE), ta_flag_class_name (p->fclass), t,
                                  ta_subset_folder_get_addr_name (self->folder, p->src), p->sport,
                                  ta_subset_folder_get_addr_name (self->folder, p->dst), p->dport,
                                  p->seq, p->ack, p->length,
                                  p->description ? p->description : "",
                                  p->is_invalid_packet ? _("\nThis packet made the flow invalid") : "",
                                  p->in_packet_list ? "" : _("\nMissing from the chunk's packet list"));
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
ta_flow_timeline_finalize (GObject *object)
{
  TaFlowTimeline *self = TA_FLOW_TIMELINE (object);

  g_clear_pointer (&self->layout, ta_flow_layout_free);
  g_clear_pointer (&self->detail, ta_flow_detail_unref);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  G_OBJECT_CLASS (ta_flow_timeline_parent_class)->finalize (object);
}

static void
ta_flow_timeline_class_init (TaFlowTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ta_flow_timeline_finalize;
  widget_class->snapshot = ta_flow_timeline_snapshot;
  widget_class->measure = ta_flow_timeline_measure;

  signals[PACKET_SELECTED] = g_signal_new ("packet-selected", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "flowtimeline");
}

static void
ta_flow_timeline_init (TaFlowTimeline *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->selected = -1;
  self->hover = -1;
  self->axis = TA_FLOW_AXIS_SEQUENCE;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}

void
ta_flow_timeline_set_detail (TaFlowTimeline *self,
                             TaSubsetFolder *folder,
                             TaFlowDetail   *detail)
{
  g_return_if_fail (TA_IS_FLOW_TIMELINE (self));

  g_clear_pointer (&self->layout, ta_flow_layout_free);
  g_clear_pointer (&self->detail, ta_flow_detail_unref);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  if (detail != NULL)
    {
      self->detail = ta_flow_detail_ref (detail);
      self->folder = ta_subset_folder_ref (folder);
    }
  self->selected = self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_flow_timeline_set_axis (TaFlowTimeline *self,
                           TaFlowAxis      axis)
{
  g_return_if_fail (TA_IS_FLOW_TIMELINE (self));
  self->axis = axis;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_flow_timeline_set_selected (TaFlowTimeline *self,
                               gint            packet)
{
  g_return_if_fail (TA_IS_FLOW_TIMELINE (self));
  self->selected = packet;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
