/* ta-timearcs-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ta-export.h"
#include "ta-format.h"
#include "ta-timearcs-render.h"
#include "ta-timearcs-view.h"

#define MIN_SPAN_MINUTES 4.0

struct _TaTimeArcsView
{
  GtkWidget       parent_instance;

  TaArcModel     *model;
  TaSelection    *selection;
  TaArcSelection *arc_sel;
  TaArcSelection *scratch;
  GArray         *hidden[TA_N_LABEL_MODES];   /* gboolean per label */
  GArray         *gt_spans;                   /* TaGtSpan */
  guint8         *unexplained;
  guint           n_unexplained;
  char          **gt_labels;

  TaRenderState   state;
  gboolean        lens;
  double          magnification;
  TaLabelMode     mode;
  gboolean        show_gt;

  /* drag */
  guint           drag_button;
  double          drag_x, drag_y;
  double          drag_t0, drag_t1;
  gboolean        dragging;
};

G_DEFINE_FINAL_TYPE (TaTimeArcsView, ta_timearcs_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LENS,
  PROP_MAGNIFICATION,
  PROP_LABEL_MODE,
  PROP_SHOW_GROUND_TRUTH,
  N_PROPS
};

enum {
  LABELS_CHANGED,
  HIDDEN_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const gboolean *
current_hidden (TaTimeArcsView *self)
{
  GArray *h = self->hidden[self->mode];

  return h && h->len ? (const gboolean *) (gpointer) h->data : NULL;
}

static void
sync_state (TaTimeArcsView *self)
{
  self->state.model = self->model;
  self->state.mode = self->mode;
  self->state.hidden = current_hidden (self);
  self->state.lens = self->lens;
  self->state.magnification = self->magnification;
  self->state.selection = self->arc_sel;
  self->state.show_ground_truth = self->show_gt && self->gt_spans && self->gt_spans->len > 0;
  self->state.gt_spans = self->gt_spans ? (const TaGtSpan *) (gpointer) self->gt_spans->data : NULL;
  self->state.n_gt_spans = self->gt_spans ? self->gt_spans->len : 0;
  self->state.arc_unexplained = self->unexplained;
}

static void
update_colors (TaTimeArcsView *self)
{
  GdkRGBA fg;
  gboolean dark;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  self->state.fg = (TaRgba) { fg.red, fg.green, fg.blue, 1 };
  /* the view draws its own background: light text means a dark theme */
  dark = (fg.red + fg.green + fg.blue) / 3 > 0.5;
  self->state.bg = dark ? (TaRgba) { 0.14, 0.14, 0.15, 1 } : (TaRgba) { 1, 1, 1, 1 };
  self->state.accent = dark ? (TaRgba) { 0.47, 0.68, 0.93, 1 } : (TaRgba) { 0.21, 0.52, 0.89, 1 };
}

static void
ta_timearcs_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TaTimeArcsView *self = (TaTimeArcsView *) widget;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  sync_state (self);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ta_timearcs_render (&self->state, cr, width, height);
  cairo_destroy (cr);
}

static void
ta_timearcs_view_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (ta_timearcs_view_parent_class)->css_changed (widget, change);
  update_colors (TA_TIMEARCS_VIEW (widget));
  gtk_widget_queue_draw (widget);
}

/* geometry for the current size, for hit testing */
static const TaViewGeom *
current_geom (TaTimeArcsView *self)
{
  sync_state (self);
  ta_timearcs_layout (&self->state, gtk_widget_get_width (GTK_WIDGET (self)),
                      gtk_widget_get_height (GTK_WIDGET (self)));
  return &self->state.geom;
}

static void
publish_selection (TaTimeArcsView *self)
{
  TaArcSelectionSummary sum = { 0 };

  if (self->model == NULL)
    {
      ta_selection_clear (self->selection);
      return;
    }
  ta_arc_selection_summarize (self->model, self->arc_sel, self->mode, &sum);
  ta_selection_set (self->selection,
                    (const gint64 *) (gpointer) sum.ip_ids->data,
                    (const char * const *) sum.ip_names->pdata, sum.ip_ids->len,
                    sum.time_start, sum.time_end,
                    (const char * const *) sum.types->pdata,
                    sum.packets, sum.n_arcs);
  ta_arc_selection_summary_clear (&sum);
}

static void
apply_selection (TaTimeArcsView *self,
                 gboolean        extend)
{
  if (extend)
    ta_arc_selection_union (self->model, self->arc_sel, self->scratch);
  else
    {
      TaArcSelection *t = self->arc_sel;

      self->arc_sel = self->scratch;
      self->scratch = t;
    }
  publish_selection (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_timearcs_view_clear_selection (TaTimeArcsView *self)
{
  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  ta_arc_selection_clear (self->arc_sel);
  publish_selection (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
clamp_window (TaTimeArcsView *self)
{
  gint64 first, last;
  double lo, hi, span;

  if (self->model == NULL)
    return;
  ta_arc_model_get_minutes (self->model, &first, &last);
  lo = first;
  hi = last + 1;
  span = self->state.t1 - self->state.t0;
  span = CLAMP (span, MIN (MIN_SPAN_MINUTES, hi - lo), hi - lo);
  if (self->state.t0 < lo)
    self->state.t0 = lo;
  if (self->state.t0 + span > hi)
    self->state.t0 = hi - span;
  self->state.t1 = self->state.t0 + span;
}

void
ta_timearcs_view_reset_zoom (TaTimeArcsView *self)
{
  gint64 first = 0, last = 0;

  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  if (self->model)
    ta_arc_model_get_minutes (self->model, &first, &last);
  self->state.t0 = first;
  self->state.t1 = last + 1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_at (TaTimeArcsView *self,
         double          factor,
         double          x)
{
  const TaViewGeom *g = current_geom (self);
  double m = ta_view_geom_minute_at_x (g, CLAMP (x, g->x, g->x + g->width));
  double frac = (m - self->state.t0) / MAX (1e-9, self->state.t1 - self->state.t0);
  double span = (self->state.t1 - self->state.t0) * factor;

  self->state.t0 = m - frac * span;
  self->state.t1 = self->state.t0 + span;
  clamp_window (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_timearcs_view_zoom (TaTimeArcsView *self,
                       double          factor)
{
  const TaViewGeom *g = current_geom (self);

  zoom_at (self, factor, g->x + g->width / 2);
}

static void
pan_by_pixels (TaTimeArcsView *self,
               double          dx)
{
  const TaViewGeom *g = current_geom (self);
  double per_px = (self->state.t1 - self->state.t0) / MAX (1.0, g->width);

  self->state.t0 -= dx * per_px;
  self->state.t1 -= dx * per_px;
  clamp_window (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TaTimeArcsView           *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (self->model == NULL)
    return FALSE;
  if (mods & GDK_CONTROL_MASK)
    {
      zoom_at (self, pow (1.15, dy), self->state.focus_x);
      return TRUE;
    }
  if (mods & GDK_SHIFT_MASK && dx == 0)
    dx = dy;
  pan_by_pixels (self, -(dx != 0 ? dx : dy) * 40);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TaTimeArcsView           *self)
{
  const TaViewGeom *g;
  gint arc = -1, row = -1;

  self->state.focus_x = x;
  self->state.focus_y = y;
  if (self->model == NULL)
    return;
  g = current_geom (self);
  if (!self->dragging)
    {
      if (x >= g->x)
        arc = ta_arc_hit_test (self->model, g, self->mode, current_hidden (self), x, y, 3.0);
      if (arc < 0 && x < g->x)
        row = ta_row_hit_test (g, y);
    }
  if (arc != self->state.hover_arc || row != self->state.hover_row || self->lens)
    {
      self->state.hover_arc = arc;
      self->state.hover_row = row;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave (GtkEventControllerMotion *controller,
          TaTimeArcsView           *self)
{
  self->state.hover_arc = -1;
  self->state.hover_row = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               TaTimeArcsView *self)
{
  self->drag_button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  self->drag_x = x;
  self->drag_y = y;
  self->drag_t0 = self->state.t0;
  self->drag_t1 = self->state.t1;
  self->dragging = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          ox,
                double          oy,
                TaTimeArcsView *self)
{
  const TaViewGeom *g;

  if (self->model == NULL)
    return;
  if (!self->dragging && hypot (ox, oy) < 4)
    return;
  self->dragging = TRUE;
  g = current_geom (self);
  if (self->drag_button == GDK_BUTTON_PRIMARY && self->drag_x >= g->x && self->drag_y >= g->y - 8)
    {
      self->state.brushing = TRUE;
      self->state.brush_x0 = self->drag_x;
      self->state.brush_y0 = self->drag_y;
      self->state.brush_x1 = self->drag_x + ox;
      self->state.brush_y1 = self->drag_y + oy;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    {
      double per_px = (self->drag_t1 - self->drag_t0) / MAX (1.0, g->width);

      self->state.t0 = self->drag_t0 - ox * per_px;
      self->state.t1 = self->drag_t1 - ox * per_px;
      clamp_window (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          ox,
             double          oy,
             TaTimeArcsView *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean extend = (mods & GDK_SHIFT_MASK) != 0;
  const TaViewGeom *g;

  if (self->model == NULL)
    return;
  g = current_geom (self);

  if (self->state.brushing)
    {
      self->state.brushing = FALSE;
      ta_arc_select_brush (self->model, g, self->mode, current_hidden (self),
                           self->drag_x, self->drag_y, self->drag_x + ox, self->drag_y + oy,
                           self->scratch);
      apply_selection (self, extend);
    }
  else if (!self->dragging && self->drag_button == GDK_BUTTON_PRIMARY)
    {
      double x = self->drag_x, y = self->drag_y;
      gint arc = -1, row = -1;

      if (x >= g->x)
        arc = ta_arc_hit_test (self->model, g, self->mode, current_hidden (self), x, y, 3.0);
      else
        row = ta_row_hit_test (g, y);

      if (arc >= 0)
        {
          ta_arc_select_arc (self->model, arc, self->scratch);
          apply_selection (self, extend);
        }
      else if (row >= 0)
        {
          ta_arc_select_row (self->model, self->mode, current_hidden (self), row, self->scratch);
          apply_selection (self, extend);
        }
      else if (!extend)
        ta_timearcs_view_clear_selection (self);
    }
  self->dragging = FALSE;
}

static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip,
                  TaTimeArcsView *self)
{
  const TaViewGeom *g;
  gint arc, row;

  if (self->model == NULL || keyboard)
    return FALSE;
  g = current_geom (self);
  if (x < g->x)
    {
      const TaArcRow *r;
      g_autofree char *first = NULL;
      g_autofree char *text = NULL;

      if ((row = ta_row_hit_test (g, y)) < 0)
        return FALSE;
      r = ta_arc_model_get_row (self->model, row);
      first = ta_format_minute (r->first_minute, TRUE);
      text = g_markup_printf_escaped (_("<b>%s</b>\nIP id %lld · %llu packets\nfirst seen %s UTC\nClick to select, Shift+click to add"),
                                      r->name, (long long) r->id, (unsigned long long) r->packets, first);
      gtk_tooltip_set_markup (tooltip, text);
      return TRUE;
    }

  arc = ta_arc_hit_test (self->model, g, self->mode, current_hidden (self), x, y, 3.0);
  if (arc >= 0)
    {
      const TaArc *a = &ta_arc_model_get_arcs (self->model, NULL)[arc];
      const TaArcRow *src = ta_arc_model_get_row (self->model, a->src_row);
      const TaArcRow *dst = ta_arc_model_get_row (self->model, a->dst_row);
      const TaArcLabel *type = ta_arc_model_get_label (self->model, TA_LABEL_MODE_TYPE, a->label[TA_LABEL_MODE_TYPE]);
      const TaArcLabel *group = ta_arc_model_get_label (self->model, TA_LABEL_MODE_GROUP, a->label[TA_LABEL_MODE_GROUP]);
      g_autofree char *when = ta_format_minute (a->minute, TRUE);
      g_autofree char *text = NULL;
      g_autofree char *group_line = NULL;

      if (g_strcmp0 (type->name, group->name) != 0)
        group_line = g_markup_printf_escaped (_("\nGroup: %s"), group->name);
      text = g_markup_printf_escaped (_("<b>%s</b> → <b>%s</b>\n%s UTC\nType: %s%s\n%llu packets"),
                                      src->name, dst->name, when, type->name,
                                      "", (unsigned long long) a->count);
      if (group_line)
        {
          g_autofree char *t = g_strconcat (text, group_line, NULL);

          g_free (text);
          text = g_steal_pointer (&t);
        }
      if (self->unexplained && self->state.show_ground_truth)
        {
          g_autofree char *t = g_strconcat (text, self->unexplained[arc]
                                            ? _("\n<i>No ground-truth event explains this arc</i>")
                                            : _("\nExplained by the ground truth"), NULL);

          g_free (text);
          text = g_steal_pointer (&t);
        }
      gtk_tooltip_set_markup (tooltip, text);
      return TRUE;
    }

  /* ground-truth span under the pointer */
  if (self->state.show_ground_truth)
    {
      const TaGtSpan *s = ta_gt_span_at ((const TaGtSpan *) (gpointer) self->gt_spans->data,
                                         self->gt_spans->len, ta_row_hit_test (g, y),
                                         ta_view_geom_minute_at_x (g, x));

      if (s != NULL)
        {
          g_autofree char *a = ta_format_minute (s->start_minute, TRUE);
          g_autofree char *b = ta_format_minute (s->stop_minute, FALSE);
          g_autofree char *text = g_markup_printf_escaped (_("Ground truth: <b>%s</b>\n%s – %s UTC"),
                                                           self->gt_labels[s->label], a, b);

          gtk_tooltip_set_markup (tooltip, text);
          return TRUE;
        }
    }
  return FALSE;
}

static void
ta_timearcs_view_dispose (GObject *object)
{
  TaTimeArcsView *self = (TaTimeArcsView *) object;

  g_clear_pointer (&self->model, ta_arc_model_free);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->arc_sel, ta_arc_selection_free);
  g_clear_pointer (&self->scratch, ta_arc_selection_free);
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    g_clear_pointer (&self->hidden[m], g_array_unref);
  g_clear_pointer (&self->gt_spans, g_array_unref);
  g_clear_pointer (&self->unexplained, g_free);
  g_clear_pointer (&self->gt_labels, g_strfreev);
  ta_render_state_clear (&self->state);

  G_OBJECT_CLASS (ta_timearcs_view_parent_class)->dispose (object);
}

static void
ta_timearcs_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TaTimeArcsView *self = TA_TIMEARCS_VIEW (object);

  switch (prop_id)
    {
    case PROP_LENS:
      g_value_set_boolean (value, self->lens);
      break;

    case PROP_MAGNIFICATION:
      g_value_set_double (value, self->magnification);
      break;

    case PROP_LABEL_MODE:
      g_value_set_int (value, self->mode);
      break;

    case PROP_SHOW_GROUND_TRUTH:
      g_value_set_boolean (value, self->show_gt);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_timearcs_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TaTimeArcsView *self = TA_TIMEARCS_VIEW (object);

  switch (prop_id)
    {
    case PROP_LENS:
      ta_timearcs_view_set_lens (self, g_value_get_boolean (value));
      break;

    case PROP_MAGNIFICATION:
      ta_timearcs_view_set_magnification (self, g_value_get_double (value));
      break;

    case PROP_LABEL_MODE:
      ta_timearcs_view_set_label_mode (self, g_value_get_int (value));
      break;

    case PROP_SHOW_GROUND_TRUTH:
      ta_timearcs_view_set_show_ground_truth (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_timearcs_view_class_init (TaTimeArcsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ta_timearcs_view_dispose;
  object_class->get_property = ta_timearcs_view_get_property;
  object_class->set_property = ta_timearcs_view_set_property;
  widget_class->snapshot = ta_timearcs_view_snapshot;
  widget_class->css_changed = ta_timearcs_view_css_changed;

  properties[PROP_LENS] = g_param_spec_boolean ("lens", NULL, NULL, FALSE, flags);
  properties[PROP_MAGNIFICATION] = g_param_spec_double ("magnification", NULL, NULL, 2, 200, 5, flags);
  properties[PROP_LABEL_MODE] = g_param_spec_int ("label-mode", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_SHOW_GROUND_TRUTH] = g_param_spec_boolean ("show-ground-truth", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LABELS_CHANGED] = g_signal_new ("labels-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[HIDDEN_CHANGED] = g_signal_new ("hidden-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "timearcsview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ta_timearcs_view_init (TaTimeArcsView *self)
{
  GtkEventController *controller;
  GtkGesture *drag;

  ta_render_state_init (&self->state);
  self->magnification = 5;
  self->show_gt = TRUE;
  self->selection = ta_selection_new ();
  self->arc_sel = ta_arc_selection_new ();
  self->scratch = ta_arc_selection_new ();
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    self->hidden[m] = g_array_new (FALSE, TRUE, sizeof (gboolean));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  update_colors (self);
}

GtkWidget *
ta_timearcs_view_new (void)
{
  return g_object_new (TA_TYPE_TIMEARCS_VIEW, NULL);
}

void
ta_timearcs_view_set_model (TaTimeArcsView *self,
                            TaArcModel     *model)
{
  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  g_clear_pointer (&self->model, ta_arc_model_free);
  self->model = model;
  ta_arc_selection_clear (self->arc_sel);
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    g_array_set_size (self->hidden[m], model ? ta_arc_model_get_n_labels (model, m) : 0);
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    memset (self->hidden[m]->data, 0, sizeof (gboolean) * self->hidden[m]->len);
  g_clear_pointer (&self->gt_spans, g_array_unref);
  g_clear_pointer (&self->unexplained, g_free);
  self->state.hover_arc = self->state.hover_row = -1;
  ta_timearcs_view_reset_zoom (self);
  publish_selection (self);
  g_signal_emit (self, signals[LABELS_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TaArcModel *
ta_timearcs_view_get_model (TaTimeArcsView *self)
{
  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), NULL);
  return self->model;
}

TaSelection *
ta_timearcs_view_get_selection (TaTimeArcsView *self)
{
  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), NULL);
  return self->selection;
}

void
ta_timearcs_view_set_lens (TaTimeArcsView *self,
                           gboolean        lens)
{
  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  lens = !!lens;
  if (lens != self->lens)
    {
      self->lens = lens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LENS]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

gboolean
ta_timearcs_view_get_lens (TaTimeArcsView *self)
{
  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), FALSE);
  return self->lens;
}

void
ta_timearcs_view_set_magnification (TaTimeArcsView *self,
                                    double          magnification)
{
  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  magnification = CLAMP (magnification, 2, 200);
  if (magnification != self->magnification)
    {
      self->magnification = magnification;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAGNIFICATION]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

double
ta_timearcs_view_get_magnification (TaTimeArcsView *self)
{
  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), 5);
  return self->magnification;
}

void
ta_timearcs_view_set_label_mode (TaTimeArcsView *self,
                                 TaLabelMode     mode)
{
  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));
  g_return_if_fail (mode < TA_N_LABEL_MODES);

  if (mode != self->mode)
    {
      self->mode = mode;
      if (self->model)
        publish_selection (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL_MODE]);
      g_signal_emit (self, signals[LABELS_CHANGED], 0);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

TaLabelMode
ta_timearcs_view_get_label_mode (TaTimeArcsView *self)
{
  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), 0);
  return self->mode;
}

void
ta_timearcs_view_set_label_hidden (TaTimeArcsView *self,
                                   guint           label,
                                   gboolean        hidden)
{
  GArray *h;

  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));
  h = self->hidden[self->mode];
  g_return_if_fail (label < h->len);

  if (g_array_index (h, gboolean, label) != !!hidden)
    {
      g_array_index (h, gboolean, label) = !!hidden;
      g_signal_emit (self, signals[HIDDEN_CHANGED], 0);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

gboolean
ta_timearcs_view_get_label_hidden (TaTimeArcsView *self,
                                   guint           label)
{
  GArray *h;

  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), FALSE);
  h = self->hidden[self->mode];
  return label < h->len && g_array_index (h, gboolean, label);
}

void
ta_timearcs_view_show_all_labels (TaTimeArcsView *self)
{
  GArray *h = self->hidden[self->mode];

  memset (h->data, 0, sizeof (gboolean) * h->len);
  g_signal_emit (self, signals[HIDDEN_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ta_timearcs_view_set_show_ground_truth (TaTimeArcsView *self,
                                        gboolean        show)
{
  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  show = !!show;
  if (show != self->show_gt)
    {
      self->show_gt = show;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_GROUND_TRUTH]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
ta_timearcs_view_set_ground_truth (TaTimeArcsView *self,
                                   TaGroundTruth  *gt,
                                   TaIpMap        *ip_map)
{
  guint n_arcs = 0;

  g_return_if_fail (TA_IS_TIMEARCS_VIEW (self));

  g_clear_pointer (&self->gt_spans, g_array_unref);
  g_clear_pointer (&self->unexplained, g_free);
  g_clear_pointer (&self->gt_labels, g_strfreev);
  self->n_unexplained = 0;
  if (gt == NULL || ip_map == NULL || self->model == NULL)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  self->gt_labels = g_new0 (char *, ta_ground_truth_get_n_labels (gt) + 1);
  for (guint i = 0; i < ta_ground_truth_get_n_labels (gt); i++)
    self->gt_labels[i] = g_strdup (ta_ground_truth_get_label (gt, i));
  self->gt_spans = ta_gt_spans_for_model (self->model, gt, ip_map);
  ta_arc_model_get_arcs (self->model, &n_arcs);
  self->unexplained = g_new0 (guint8, MAX (1, n_arcs));
  self->n_unexplained = ta_gt_mark_unexplained (self->model, gt, self->unexplained);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ta_timearcs_view_get_n_gt_spans (TaTimeArcsView *self)
{
  return self->gt_spans ? self->gt_spans->len : 0;
}

guint
ta_timearcs_view_get_n_unexplained (TaTimeArcsView *self)
{
  return self->unexplained ? self->n_unexplained : 0;
}

/* Paths rather than the image layer (the export has its own scale), and no
 * hover highlight */
static void
export_draw (cairo_t  *cr,
             double    width,
             double    height,
             gpointer  user_data)
{
  TaTimeArcsView *self = user_data;
  double saved_fx = self->state.focus_x, saved_fy = self->state.focus_y;
  gint saved_hover = self->state.hover_arc;

  self->state.hover_arc = -1;
  self->state.vector = TRUE;
  ta_timearcs_render (&self->state, cr, width, height);
  self->state.vector = FALSE;
  self->state.focus_x = saved_fx;
  self->state.focus_y = saved_fy;
  self->state.hover_arc = saved_hover;
}

gboolean
ta_timearcs_view_export (TaTimeArcsView *self,
                         const char     *path,
                         GError        **error)
{
  int width = MAX (800, gtk_widget_get_width (GTK_WIDGET (self)));
  int height = MAX (500, gtk_widget_get_height (GTK_WIDGET (self)));
  TaExportFormat format;
  gboolean ok;

  g_return_val_if_fail (TA_IS_TIMEARCS_VIEW (self), FALSE);

  if (!ta_export_format_from_name (path, &format, error))
    return FALSE;
  sync_state (self);
  ok = ta_export_write (path, format, width, height, export_draw, self, error);
  /* the render state keeps the geometry of the last draw for hit-testing:
   * draw again at the widget's size */
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return ok;
}
