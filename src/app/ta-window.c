/* ta-window.c — the main window: template, legend, status line, message bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-format.h"
#include "ta-window-private.h"

G_DEFINE_FINAL_TYPE (TaWindow, ta_window, GTK_TYPE_APPLICATION_WINDOW)


TaWindow *
ta_window_new (GtkApplication *application,
               GSettings      *settings)
{
  TaWindow *self = g_object_new (TA_TYPE_WINDOW, "application", application, NULL);

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), self);

  g_set_object (&self->settings, settings);
  ta_selection_sidebar_set_settings (self->selection_sidebar, settings);
  ta_window_apply_settings (self);
  if (application)
    ta_window_set_accels (application);
  return self;
}

TaSelection *
ta_window_get_selection (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return ta_timearcs_view_get_selection (self->view);
}

TaFlowPanel *
ta_window_get_flow_panel (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return self->flow_panel;
}

TaTimeArcsView *
ta_window_get_view (TaWindow *self)
{
  g_return_val_if_fail (TA_IS_WINDOW (self), NULL);
  return self->view;
}

void
ta_window_show_flows_page (TaWindow *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "flows");
}

void
ta_window_show_message (TaWindow   *self,
                        const char *message)
{
  g_return_if_fail (TA_IS_WINDOW (self));

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

void
ta_window_open_folder (TaWindow *self,
                       GFile    *folder)
{
  g_autofree char *base = NULL;

  g_return_if_fail (TA_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  ta_flow_panel_open (self->flow_panel, folder);
  /* the window says which folder it shows, as it does for attack files */
  base = g_file_get_basename (folder);
  gtk_window_set_title (GTK_WINDOW (self), base);
  /* the folder shown, for tests and for whoever asks the window */
  g_object_set_data_full (G_OBJECT (self), "ta-folder", g_object_ref (folder), g_object_unref);
  ta_window_show_flows_page (self);
}

/* a finished extraction */
static void
on_extraction_folder (TaWindow   *self,
                      const char *path)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);

  ta_window_open_folder (self, folder);
}

/* Legend */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  guint32 color = GPOINTER_TO_UINT (data);
  double r = MIN (width, height) / 2.0 - 1;

  cairo_arc (cr, width / 2.0, height / 2.0, r, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, ((color >> 16) & 0xff) / 255.0, ((color >> 8) & 0xff) / 255.0,
                        (color & 0xff) / 255.0);
  cairo_fill (cr);
}

static void
update_legend_states (TaWindow *self)
{
  GtkWidget *row;
  guint i = 0;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->legend_list)); row;
       row = gtk_widget_get_next_sibling (row), i++)
    {
      if (ta_timearcs_view_get_label_hidden (self->view, i))
        gtk_widget_add_css_class (row, "ta-hidden");
      else
        gtk_widget_remove_css_class (row, "ta-hidden");
    }
}

static void
rebuild_legend (TaWindow *self)
{
  TaArcModel *model = ta_timearcs_view_get_model (self->view);
  TaLabelMode mode = ta_timearcs_view_get_label_mode (self->view);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend_list))))
    gtk_list_box_remove (self->legend_list, child);

  gtk_label_set_text (self->legend_title, mode == TA_LABEL_MODE_GROUP ? _("Attack Groups") : _("Attack Types"));
  if (model == NULL)
    return;

  for (guint i = 0; i < ta_arc_model_get_n_labels (model, mode); i++)
    {
      const TaArcLabel *l = ta_arc_model_get_label (model, mode, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *swatch = gtk_drawing_area_new ();
      GtkWidget *name = gtk_label_new (l->name);
      g_autofree char *count_text = ta_format_count_commas (l->packets);
      GtkWidget *count = gtk_label_new (count_text);
      g_autofree char *tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n%s packets in %u arc",
                                                           "%s\n%s packets in %u arcs", l->arcs),
                                              l->name, count_text, l->arcs);
      GtkWidget *row;

      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 12);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 12);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                      GUINT_TO_POINTER (l->color), NULL);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (name, "ta-legend-name");
      gtk_widget_add_css_class (count, "dim-label");
      gtk_widget_add_css_class (count, "ta-legend-count");
      gtk_widget_add_css_class (count, "caption");
      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), count);
      gtk_widget_set_tooltip_text (box, tip);

      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_widget_add_css_class (row, "ta-legend-row");
      gtk_list_box_append (self->legend_list, row);
    }
  update_legend_states (self);
}

static void
on_legend_row_activated (GtkListBox    *box,
                         GtkListBoxRow *row,
                         TaWindow      *self)
{
  guint i = gtk_list_box_row_get_index (row);

  ta_timearcs_view_set_label_hidden (self->view, i, !ta_timearcs_view_get_label_hidden (self->view, i));
}

static void
on_show_all (GtkButton *button,
             TaWindow  *self)
{
  ta_timearcs_view_show_all_labels (self->view);
}

/* Status line */

void
ta_window_update_status (TaWindow *self)
{
  TaArcModel *model = ta_timearcs_view_get_model (self->view);
  TaSelection *sel = ta_timearcs_view_get_selection (self->view);
  g_autoptr(GString) s = g_string_new (NULL);

  if (model == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      return;
    }
  if (!ta_selection_get_empty (sel))
    {
      guint n_ids = 0;
      g_autofree char *packets = ta_format_count_commas (ta_selection_get_packet_count (sel));

      ta_selection_get_ip_ids (sel, &n_ids);
      g_string_append_printf (s, _("Selected: %u IPs, %u arcs, %s packets"),
                              n_ids, ta_selection_get_arc_count (sel), packets);
      if (ta_selection_get_time_start_minute (sel) >= 0)
        {
          g_autofree char *a = ta_format_minute (ta_selection_get_time_start_minute (sel), FALSE);
          g_autofree char *b = ta_format_minute (ta_selection_get_time_end_minute (sel), FALSE);

          g_string_append_printf (s, _(", %s–%s UTC"), a, b);
        }
      g_string_append (s, _(" (Esc clears)  ·  "));
    }
  g_string_append (s, self->summary ? self->summary : "");
  gtk_label_set_text (self->status_label, s->str);
}

static void
on_message_close (GtkButton *button,
                  TaWindow  *self)
{
  ta_window_show_message (self, NULL);
}

static gboolean
ta_window_close_request (GtkWindow *window)
{
  TaWindow *self = (TaWindow *) window;

  if (self->settings)
    {
      int w, h;

      gtk_window_get_default_size (window, &w, &h);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && w > 0 && h > 0)
        {
          g_settings_set_int (self->settings, "window-width", w);
          g_settings_set_int (self->settings, "window-height", h);
        }
    }
  return GTK_WINDOW_CLASS (ta_window_parent_class)->close_request (window);
}

static void
ta_window_dispose (GObject *object)
{
  TaWindow *self = (TaWindow *) object;

  ta_window_cancel_load (self);
  ta_window_cancel_demo (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TA_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->ip_map_path, g_free);
  g_clear_pointer (&self->mapping_path, g_free);
  g_clear_pointer (&self->gt_path, g_free);
  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  g_clear_pointer (&self->ground_truth, ta_ground_truth_unref);
  g_clear_pointer (&self->used_ip_map, g_free);
  g_clear_pointer (&self->used_mapping, g_free);
  g_clear_pointer (&self->used_gt, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (ta_window_parent_class)->dispose (object);
}

static void
ta_window_class_init (TaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ta_window_dispose;
  window_class->close_request = ta_window_close_request;

  g_type_ensure (TA_TYPE_TIMEARCS_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ta-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TaWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, attacks_stack);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, flows_box);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, view);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, legend_list);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, legend_title);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, show_all_button);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, message_close);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, magnification_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, demo_progress_box);
  gtk_widget_class_bind_template_child (widget_class, TaWindow, demo_progress);
}

static void
ta_window_init (TaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->paths = g_ptr_array_new_with_free_func (g_free);
  ta_window_add_actions (self);

  g_object_bind_property (self->magnification_adjustment, "value", self->view, "magnification",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->view, "labels-changed", G_CALLBACK (rebuild_legend), self);
  g_signal_connect_swapped (self->view, "labels-changed", G_CALLBACK (ta_window_update_actions), self);
  g_signal_connect_swapped (self->view, "hidden-changed", G_CALLBACK (update_legend_states), self);
  g_signal_connect_object (ta_timearcs_view_get_selection (self->view), "changed",
                           G_CALLBACK (ta_window_update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect (self->legend_list, "row-activated", G_CALLBACK (on_legend_row_activated), self);
  g_signal_connect (self->show_all_button, "clicked", G_CALLBACK (on_show_all), self);
  g_signal_connect (self->message_close, "clicked", G_CALLBACK (on_message_close), self);

  /* the selection sidebar; finished extractions open in the flows page */
  self->selection_sidebar = ta_selection_sidebar_new (ta_timearcs_view_get_selection (self->view));
  gtk_box_append (self->sidebar_box, GTK_WIDGET (self->selection_sidebar));
  g_signal_connect_swapped (self->selection_sidebar, "open-folder",
                            G_CALLBACK (on_extraction_folder), self);

  ta_window_update_actions (self);
  ta_window_rebuild_recent (self);

  /* the flow panel fills the Flows page */
  self->flow_panel = TA_FLOW_PANEL (ta_flow_panel_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->flow_panel), TRUE);
  gtk_box_append (self->flows_box, GTK_WIDGET (self->flow_panel));
}
