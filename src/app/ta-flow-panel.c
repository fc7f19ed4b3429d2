/* ta-flow-panel.c — the flow panel: selection, time window, loading
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-error.h"
#include "ta-flow-panel-private.h"
#include "ta-format.h"
#include "ta-packet.h"

G_DEFINE_FINAL_TYPE (TaFlowPanel, ta_flow_panel, GTK_TYPE_WIDGET)

GtkWidget *
ta_flow_panel_new (void)
{
  return g_object_new (TA_TYPE_FLOW_PANEL, NULL);
}

TaSubsetFolder *
ta_flow_panel_get_folder (TaFlowPanel *self)
{
  g_return_val_if_fail (TA_IS_FLOW_PANEL (self), NULL);
  return self->folder;
}

/* ------------------------------------------------------------------ */
/* selection                                                           */

static void
show_detail (TaFlowPanel  *self,
             TaFlowDetail *detail)
{
  g_clear_pointer (&self->detail, ta_flow_detail_unref);
  g_list_store_remove_all (self->packet_store);
  if (detail != NULL)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      self->detail = ta_flow_detail_ref (detail);
      for (guint i = 0; i < detail->n_packets; i++)
        g_ptr_array_add (items, ta_index_item_new (i));
      g_list_store_splice (self->packet_store, 0, 0, items->pdata, items->len);
    }
  ta_flow_timeline_set_detail (self->timeline, self->folder, detail);
  ta_ip_bars_set_highlight_flow (self->ip_bars, detail ? &detail->info : NULL);
}

static void
detail_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TaFlowPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaFlowDetail) detail = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  detail = ta_subset_folder_get_flow_detail_finish (self->folder, result, &error);
  /* a newer selection replaced this one */
  if (cancellable != self->detail_cancellable || self->folder == NULL)
    return;
  if (detail == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Flow details unavailable: %s"), error->message);

      if (g_error_matches (error, TA_ERROR, TA_ERROR_CHANGED))
        gtk_revealer_set_reveal_child (self->changed_revealer, TRUE);

      show_detail (self, NULL);
      gtk_label_set_text (self->flow_count_label, text);
      return;
    }
  show_detail (self, detail);
}

static void
on_flow_selected (TaFlowPanel *self)
{
  TaIndexItem *item = gtk_single_selection_get_selected_item (self->flow_selection);

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  if (item == NULL || self->folder == NULL)
    {
      show_detail (self, NULL);
      return;
    }
  self->detail_cancellable = g_cancellable_new ();
  ta_subset_folder_get_flow_detail_async (self->folder, item->index, self->detail_cancellable,
                                          detail_loaded_cb, g_object_ref (self));
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

gboolean
ta_flow_panel_select_flow (TaFlowPanel *self,
                           guint        flow)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (TA_IS_FLOW_PANEL (self), FALSE);
  if (self->folder == NULL || ta_flow_panel_flow_at (self, flow) == NULL)
    return FALSE;

  model = G_LIST_MODEL (self->flow_sort_model);
  n = g_list_model_get_n_items (model);
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TaIndexItem) item = g_list_model_get_item (model, i);
          GtkWidget *list;

          if (item->index != flow)
            continue;
          gtk_single_selection_set_selected (self->flow_selection, i);
          /* GTK 4.8 has no gtk_column_view_scroll_to(): use the inner list's action */
          if ((list = find_list_view (GTK_WIDGET (self->flow_view))) != NULL)
            gtk_widget_activate_action (list, "list.scroll-to-item", "u", i);
          return TRUE;
        }
      /* filtered out: clear the filters and look again */
      gtk_drop_down_set_selected (self->state_dropdown, 0);
      gtk_drop_down_set_selected (self->close_dropdown, 0);
      gtk_editable_set_text (GTK_EDITABLE (self->flow_search), "");
      gtk_editable_set_text (GTK_EDITABLE (self->port_entry), "");
      gtk_check_button_set_active (self->window_check, FALSE);
      ta_flow_panel_flow_filter_changed (self);
      n = g_list_model_get_n_items (model);
    }
  return FALSE;
}

static void
on_packet_activated (TaIpBars    *bars,
                     guint        packet,
                     TaFlowPanel *self)
{
  gint flow;

  if (self->folder == NULL || packet >= ta_subset_folder_get_packets (self->folder)->n)
    return;
  flow = ta_subset_folder_find_flow_for_packet (self->folder, packet);
  if (flow >= 0)
    ta_flow_panel_select_flow (self, flow);
  else
    gtk_label_set_text (self->flow_count_label, _("That packet belongs to no TCP flow of this folder"));
}

static void
on_timeline_packet (TaFlowTimeline *timeline,
                    guint           packet,
                    TaFlowPanel    *self)
{
  GtkWidget *list;

  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->packet_selection, packet);
  if ((list = find_list_view (GTK_WIDGET (self->packet_view))) != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", packet);
  self->syncing = FALSE;
}

static void
on_packet_row_selected (TaFlowPanel *self)
{
  guint pos = gtk_single_selection_get_selected (self->packet_selection);

  if (self->syncing)
    return;
  ta_flow_timeline_set_selected (self->timeline, pos == GTK_INVALID_LIST_POSITION ? -1 : (gint) pos);
}

static void
on_axis_changed (TaFlowPanel *self)
{
  ta_flow_timeline_set_axis (self->timeline, gtk_drop_down_get_selected (self->axis_dropdown) == 1
                                             ? TA_FLOW_AXIS_TIME : TA_FLOW_AXIS_SEQUENCE);
}

/* ------------------------------------------------------------------ */
/* time window                                                         */

static void
on_overview_window (TaFlowPanel *self)
{
  ta_flow_overview_get_window (self->overview, &self->win0, &self->win1);
  ta_ip_bars_set_window (self->ip_bars, self->win0, self->win1);
  if (gtk_check_button_get_active (self->window_check))
    ta_flow_panel_flow_filter_changed (self);
}

static void
on_bars_window (TaFlowPanel *self)
{
  gint64 b0, b1;

  ta_ip_bars_get_window (self->ip_bars, &b0, &b1);
  /* the overview keeps the window inside the data; the diagram follows */
  ta_flow_overview_set_window (self->overview, b0, b1);
  ta_flow_overview_get_window (self->overview, &self->win0, &self->win1);
  if (self->win0 != b0 || self->win1 != b1)
    ta_ip_bars_set_window (self->ip_bars, self->win0, self->win1);
  if (gtk_check_button_get_active (self->window_check))
    ta_flow_panel_flow_filter_changed (self);
}

/* ------------------------------------------------------------------ */
/* loading                                                             */

static gint
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
fill_dropdown (GtkDropDown    *dropdown,
               GtkStringList **list,
               GHashTable     *values,
               gboolean        with_none)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (values, NULL);
  guint n = g_hash_table_size (values);

  g_qsort_with_data (keys, n, sizeof (char *), compare_strings, NULL);
  g_clear_object (list);
  *list = gtk_string_list_new (NULL);
  gtk_string_list_append (*list, _("Any"));
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (*list, keys[i]);
  if (with_none)
    gtk_string_list_append (*list, _("(none)"));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (*list));
  gtk_drop_down_set_selected (dropdown, 0);
}

static gint
compare_flow_start (gconstpointer a,
                    gconstpointer b,
                    gpointer      data)
{
  const TaFlowInfo *flows = data;
  guint x = *(const guint *) a, y = *(const guint *) b;

  if (flows[x].start != flows[y].start)
    return flows[x].start < flows[y].start ? -1 : 1;
  return x < y ? -1 : x > y;
}

gboolean
ta_flow_panel_get_folder_changed (TaFlowPanel *self)
{
  g_return_val_if_fail (TA_IS_FLOW_PANEL (self), FALSE);
  return gtk_revealer_get_reveal_child (self->changed_revealer);
}

gboolean
ta_flow_panel_check_changed (TaFlowPanel *self)
{
  gboolean changed = self->folder != NULL && !ta_subset_folder_check_unchanged (self->folder, NULL);

  if (changed)
    gtk_revealer_set_reveal_child (self->changed_revealer, TRUE);
  return changed;
}

static void
folder_file_changed (GFileMonitor      *monitor,
                     GFile             *file,
                     GFile             *other,
                     GFileMonitorEvent  event,
                     TaFlowPanel       *self)
{
  ta_flow_panel_check_changed (self);
}

static gboolean
poll_folder (gpointer data)
{
  TaFlowPanel *self = data;

  if (ta_flow_panel_check_changed (self))
    {
      self->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
unwatch_folder (TaFlowPanel *self)
{
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, folder_file_changed, self);
  g_clear_object (&self->monitor);
  g_clear_handle_id (&self->poll_id, g_source_remove);
}

/* Watches manifest.json: a folder replaced (extract --force) or rewritten
 * shows the bar at once, not only when a flow's packets are asked for. A
 * file monitor may miss a folder renamed over (inotify watches the old
 * folder), so a stat every two seconds backs it up. */
static void
watch_folder (TaFlowPanel    *self,
              TaSubsetFolder *folder)
{
  g_autoptr(GFile) manifest = g_file_get_child (ta_subset_folder_get_file (folder), "manifest.json");

  unwatch_folder (self);
  gtk_revealer_set_reveal_child (self->changed_revealer, FALSE);
  self->poll_id = g_timeout_add_seconds (2, poll_folder, self);
  self->monitor = g_file_monitor_file (manifest, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (folder_file_changed), self);
}

static void
install_folder (TaFlowPanel    *self,
                TaSubsetFolder *folder)
{
  const TaManifest *m = ta_subset_folder_get_manifest (folder);
  const TaPacketColumns *p = ta_subset_folder_get_packets (folder);
  const char * const *warnings = ta_subset_folder_get_warnings (folder);
  g_autoptr(GHashTable) states = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) closes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *name = g_file_get_basename (ta_subset_folder_get_file (folder));
  g_autofree char *dur = NULL, *summary = NULL;
  const TaFlowInfo *flows;
  g_autofree guint *order = NULL;
  guint n_flows;
  gboolean any_null_close = FALSE;

  show_detail (self, NULL);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  self->folder = ta_subset_folder_ref (folder);
  watch_folder (self, folder);

  ta_flow_overview_set_folder (self->overview, folder);
  ta_ip_bars_set_folder (self->ip_bars, folder);
  ta_flow_overview_get_window (self->overview, &self->win0, &self->win1);
  ta_ip_bars_set_window (self->ip_bars, self->win0, self->win1);

  /* addresses, in the diagram's default order (first activity) */
  ta_ip_bars_renderer_get_default_rows (ta_ip_bars_get_renderer (self->ip_bars), rows);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (items, ta_index_item_new (g_array_index (rows, guint32, i)));
  g_list_store_remove_all (self->ip_store);
  g_list_store_splice (self->ip_store, 0, 0, items->pdata, items->len);
  g_ptr_array_set_size (items, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->ip_search), "");
  ta_flow_panel_update_ip_rows (self);

  flows = ta_subset_folder_get_flows (folder, &n_flows);
  order = g_new (guint, MAX (n_flows, 1));
  for (guint i = 0; i < n_flows; i++)
    {
      g_hash_table_add (states, (gpointer) flows[i].state);
      if (flows[i].close_type)
        g_hash_table_add (closes, (gpointer) flows[i].close_type);
      else
        any_null_close = TRUE;
      order[i] = i;
    }
  /* unsorted, the list shows flows by start time (files list them as they complete) */
  g_qsort_with_data (order, n_flows, sizeof (guint), compare_flow_start, (gpointer) flows);
  for (guint i = 0; i < n_flows; i++)
    g_ptr_array_add (items, ta_index_item_new (order[i]));
  memset (&self->filter, 0, sizeof self->filter);
  self->filter.port = -1;
  fill_dropdown (self->state_dropdown, &self->state_list, states, FALSE);
  fill_dropdown (self->close_dropdown, &self->close_list, closes, any_null_close);
  gtk_editable_set_text (GTK_EDITABLE (self->flow_search), "");
  gtk_editable_set_text (GTK_EDITABLE (self->port_entry), "");
  gtk_check_button_set_active (self->window_check, FALSE);
  g_list_store_remove_all (self->flow_store);
  g_list_store_splice (self->flow_store, 0, 0, items->pdata, items->len);
  gtk_single_selection_set_selected (self->flow_selection, GTK_INVALID_LIST_POSITION);
  ta_flow_panel_flow_filter_changed (self);

  dur = ta_format_duration_us (m->time_end - m->time_start);
  summary = g_markup_printf_escaped (_("<b>%s</b>   %u packets (%llu TCP) · %u addresses · "
                                       "%u flows in %llu chunks · %s%s%s"),
                                     name, p->n, (unsigned long long) m->tcp_packets,
                                     ta_subset_folder_get_n_addrs (folder),
                                     n_flows, (unsigned long long) m->total_chunks, dur,
                                     m->attack_context ? " · " : "",
                                     m->attack_context ? m->attack_context : "");
  gtk_label_set_markup (self->summary_label, summary);
  if (warnings[0] != NULL)
    {
      g_autofree char *tip = g_strjoinv ("\n", (char **) warnings);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_icon), tip);
      gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), FALSE);

  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
load_progress (TaJob       *job,
               GParamSpec  *pspec,
               TaFlowPanel *self)
{
  if (self->load_job != TA_FOLDER_LOAD_JOB (job))
    return;
  gtk_progress_bar_set_fraction (self->progress, MAX (ta_job_get_fraction (job), 0));
  gtk_progress_bar_set_text (self->progress, ta_job_get_message (job));
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TaFlowPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  TaFolderLoadJob *job = TA_FOLDER_LOAD_JOB (source);
  TaSubsetFolder *folder = NULL;

  g_signal_handlers_disconnect_by_func (job, load_progress, self);
  if (ta_job_run_finish (TA_JOB (job), result, &error))
    folder = ta_folder_load_job_get_folder (job);
  if (job != self->load_job)
    return;
  g_clear_object (&self->load_job);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flowpanel.cancel", FALSE);

  if (folder != NULL)
    {
      install_folder (self, folder);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_stack_set_visible_child_name (self->stack, self->folder ? "content" : "empty");
      return;
    }
  gtk_label_set_text (self->error_label, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

void
ta_flow_panel_open (TaFlowPanel *self,
                    GFile       *folder)
{
  g_autofree char *name = NULL, *label = NULL;

  g_return_if_fail (TA_IS_FLOW_PANEL (self));
  g_return_if_fail (G_IS_FILE (folder));

  if (self->load_job != NULL)
    ta_job_cancel (TA_JOB (self->load_job));
  g_clear_object (&self->load_job);
  self->load_job = ta_folder_load_job_new (folder);
  g_set_object (&self->loading_file, folder);

  name = g_file_get_parse_name (folder);
  label = g_strdup_printf (_("Opening %s"), name);
  gtk_label_set_text (self->loading_label, label);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, _("Starting…"));
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flowpanel.cancel", TRUE);

  g_signal_connect (self->load_job, "notify::fraction", G_CALLBACK (load_progress), self);
  g_signal_connect (self->load_job, "notify::message", G_CALLBACK (load_progress), self);
  ta_job_run_async (TA_JOB (self->load_job), load_done_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------ */

static void
ta_flow_panel_dispose (GObject *object)
{
  TaFlowPanel *self = TA_FLOW_PANEL (object);
  GtkWidget *child;

  if (self->load_job != NULL)
    ta_job_cancel (TA_JOB (self->load_job));
  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->load_job);
  g_clear_object (&self->detail_cancellable);
  unwatch_folder (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ta_flow_panel_parent_class)->dispose (object);
}

static void
ta_flow_panel_finalize (GObject *object)
{
  TaFlowPanel *self = TA_FLOW_PANEL (object);

  g_clear_pointer (&self->detail, ta_flow_detail_unref);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);
  g_clear_object (&self->loading_file);
  g_clear_object (&self->ip_store);
  g_clear_object (&self->flow_store);
  g_clear_object (&self->packet_store);
  g_clear_object (&self->state_list);
  g_clear_object (&self->close_list);
  g_free (self->filter_text);
  G_OBJECT_CLASS (ta_flow_panel_parent_class)->finalize (object);
}

static void
ta_flow_panel_class_init (TaFlowPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ta_flow_panel_dispose;
  object_class->finalize = ta_flow_panel_finalize;

  g_type_ensure (TA_TYPE_FLOW_OVERVIEW);
  g_type_ensure (TA_TYPE_IP_BARS);
  g_type_ensure (TA_TYPE_FLOW_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/ta-flow-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, loading_label);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, progress);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, changed_revealer);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, overview);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, ip_search);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, ip_all_button);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, ip_none_button);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, ip_list);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, ip_bars);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, ip_scrollbar);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, close_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, flow_search);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, port_entry);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, window_check);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, flow_view);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, flow_count_label);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, timeline);
  gtk_widget_class_bind_template_child (widget_class, TaFlowPanel, packet_view);

  ta_flow_panel_class_init_actions (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flowpanel");
}

static void
ta_flow_panel_init (TaFlowPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ta_flow_panel_init_lists (self);

  /* diagram */
  gtk_scrollbar_set_adjustment (self->ip_scrollbar, ta_ip_bars_get_vadjustment (self->ip_bars));
  g_signal_connect_swapped (self->overview, "window-changed", G_CALLBACK (on_overview_window), self);
  g_signal_connect_swapped (self->ip_bars, "window-changed", G_CALLBACK (on_bars_window), self);
  g_signal_connect (self->ip_bars, "packet-activated", G_CALLBACK (on_packet_activated), self);

  /* selections */
  g_signal_connect_swapped (self->flow_selection, "notify::selected-item", G_CALLBACK (on_flow_selected), self);
  g_signal_connect_swapped (self->packet_selection, "notify::selected", G_CALLBACK (on_packet_row_selected), self);
  g_signal_connect (self->timeline, "packet-selected", G_CALLBACK (on_timeline_packet), self);
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected", G_CALLBACK (on_axis_changed), self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flowpanel.cancel", FALSE);
  ta_flow_panel_init_drop (self);
}
