/* ta-flow-panel-lists.c — the flow panel's IP, flow and packet lists: cells,
 * columns, sorting and filters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-flow-panel-private.h"
#include "ta-format.h"
#include "ta-packet.h"

/* ------------------------------------------------------------------ */
/* list items                                                          */

G_DEFINE_FINAL_TYPE (TaIndexItem, ta_index_item, G_TYPE_OBJECT)

static void ta_index_item_class_init (TaIndexItemClass *klass) { }
static void ta_index_item_init (TaIndexItem *self) { }

TaIndexItem *
ta_index_item_new (guint index)
{
  TaIndexItem *item = g_object_new (TA_TYPE_INDEX_ITEM, NULL);

  item->index = index;
  item->active = TRUE;
  return item;
}

/* ------------------------------------------------------------------ */
/* text of the cells                                                   */

const TaFlowInfo *
ta_flow_panel_flow_at (TaFlowPanel *self,
         guint        index)
{
  guint n;
  const TaFlowInfo *flows = ta_subset_folder_get_flows (self->folder, &n);

  return index < n ? &flows[index] : NULL;
}

static void
flow_ends (const TaFlowInfo *f,
           guint32          *ia,
           gint             *ip,
           guint32          *ib,
           gint             *rp)
{
  /* without a SYN the initiator is unknown: the key's order stands in */
  *ia = f->initiator != TA_NO_ADDR ? f->initiator : f->a;
  *ib = f->responder != TA_NO_ADDR ? f->responder : f->b;
  *ip = f->initiator_port >= 0 ? f->initiator_port : f->a_port;
  *rp = f->responder_port >= 0 ? f->responder_port : f->b_port;
}

static char *
flow_cell_text (TaFlowPanel      *self,
                const TaFlowInfo *f,
                FlowColumn        col)
{
  guint32 ia, ib;
  gint ip, rp;

  flow_ends (f, &ia, &ip, &ib, &rp);
  switch (col)
    {
    case COL_ID: return g_strdup (f->id);
    case COL_INITIATOR:
      return f->initiator != TA_NO_ADDR ? g_strdup (ta_subset_folder_get_addr_name (self->folder, ia))
                                        : g_strdup_printf ("%s ?", ta_subset_folder_get_addr_name (self->folder, ia));
    case COL_IPORT: return g_strdup_printf ("%d", ip);
    case COL_RESPONDER: return g_strdup (ta_subset_folder_get_addr_name (self->folder, ib));
    case COL_RPORT: return g_strdup_printf ("%d", rp);
    case COL_STATE: return g_strdup (f->state);
    case COL_CLOSE: return g_strdup (f->close_type ? f->close_type : "");
    case COL_INVALID: return g_strdup (f->invalid_reason ? f->invalid_reason : "");
    case COL_START: return ta_format_time_us (f->start, 1000);
    case COL_DURATION: return ta_format_duration_us (f->end - f->start);
    case COL_PACKETS: return g_strdup_printf ("%" G_GUINT64_FORMAT, f->total_packets);
    case COL_BYTES: return g_strdup_printf ("%" G_GUINT64_FORMAT, f->total_bytes);
    case N_FLOW_COLS:
    default:
      return g_strdup ("");
    }
}

static int
cmp_int (gint64 a,
         gint64 b)
{
  return a < b ? GTK_ORDERING_SMALLER : a > b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static int
compare_flows (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  TaFlowPanel *self = g_object_get_data (G_OBJECT (data), "panel");
  FlowColumn col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (data), "column"));
  const TaFlowInfo *fa = ta_flow_panel_flow_at (self, TA_INDEX_ITEM ((gpointer) a)->index);
  const TaFlowInfo *fb = ta_flow_panel_flow_at (self, TA_INDEX_ITEM ((gpointer) b)->index);
  guint32 ia, ib, ja, jb;
  gint ip, rp, jp, sp;

  if (fa == NULL || fb == NULL)
    return GTK_ORDERING_EQUAL;
  flow_ends (fa, &ia, &ip, &ib, &rp);
  flow_ends (fb, &ja, &jp, &jb, &sp);
  switch (col)
    {
    case COL_ID: return gtk_ordering_from_cmpfunc (g_strcmp0 (fa->id, fb->id));
    case COL_INITIATOR:
      return gtk_ordering_from_cmpfunc (g_strcmp0 (ta_subset_folder_get_addr_name (self->folder, ia),
                                                   ta_subset_folder_get_addr_name (self->folder, ja)));
    case COL_RESPONDER:
      return gtk_ordering_from_cmpfunc (g_strcmp0 (ta_subset_folder_get_addr_name (self->folder, ib),
                                                   ta_subset_folder_get_addr_name (self->folder, jb)));
    case COL_IPORT: return cmp_int (ip, jp);
    case COL_RPORT: return cmp_int (rp, sp);
    case COL_STATE: return gtk_ordering_from_cmpfunc (g_strcmp0 (fa->state, fb->state));
    case COL_CLOSE: return gtk_ordering_from_cmpfunc (g_strcmp0 (fa->close_type, fb->close_type));
    case COL_INVALID: return gtk_ordering_from_cmpfunc (g_strcmp0 (fa->invalid_reason, fb->invalid_reason));
    case COL_START: return cmp_int (fa->start, fb->start);
    case COL_DURATION: return cmp_int (fa->end - fa->start, fb->end - fb->start);
    case COL_PACKETS: return cmp_int (fa->total_packets, fb->total_packets);
    case COL_BYTES: return cmp_int (fa->total_bytes, fb->total_bytes);
    case N_FLOW_COLS:
    default:
      return GTK_ORDERING_EQUAL;
    }
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "numeric")) ? 1 : 0);
  if (g_object_get_data (G_OBJECT (factory), "ellipsize"))
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_flow_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                TaFlowPanel              *self)
{
  TaIndexItem *row = gtk_list_item_get_item (item);
  FlowColumn col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const TaFlowInfo *f = self->folder ? ta_flow_panel_flow_at (self, row->index) : NULL;
  g_autofree char *text = f ? flow_cell_text (self, f, col) : NULL;
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  if (f && (col == COL_CLOSE || col == COL_INVALID))
    {
      const char *color = ta_flow_outcome_color (col == COL_CLOSE ? f->close_type : NULL,
                                                 col == COL_INVALID ? f->invalid_reason : NULL);

      if (color && text[0])
        {
          g_autofree char *markup = g_markup_printf_escaped ("<span foreground=\"%s\">■</span> %s",
                                                             color, text);

          gtk_label_set_markup (GTK_LABEL (label), markup);
        }
    }
}

static void
add_flow_column (TaFlowPanel *self,
                 const char  *title,
                 FlowColumn   col,
                 gboolean     numeric,
                 gboolean     expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkCustomSorter *sorter;

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (col));
  g_object_set_data (G_OBJECT (factory), "numeric", GINT_TO_POINTER (numeric));
  g_object_set_data (G_OBJECT (factory), "ellipsize", GINT_TO_POINTER (expand));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_flow_cell), self);
  column = gtk_column_view_column_new (title, factory);
  sorter = gtk_custom_sorter_new (compare_flows, NULL, NULL);
  g_object_set_data (G_OBJECT (sorter), "panel", self);
  g_object_set_data (G_OBJECT (sorter), "column", GUINT_TO_POINTER (col));
  /* the sorter is its own user data so the compare function finds its column */
  gtk_custom_sorter_set_sort_func (sorter, compare_flows, sorter, NULL);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (self->flow_view, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

static void
bind_packet_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  TaFlowPanel              *self)
{
  TaIndexItem *row = gtk_list_item_get_item (item);
  PacketColumn col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;
  const TaFlowPacket *p;
  guint32 top;
  gint top_port;

  if (self->detail == NULL || row->index >= self->detail->n_packets)
    {
      gtk_label_set_text (GTK_LABEL (label), "");
      return;
    }
  p = &self->detail->packets[row->index];
  top = self->detail->info.initiator != TA_NO_ADDR ? self->detail->info.initiator
                                                   : self->detail->packets[0].src;
  top_port = self->detail->info.initiator != TA_NO_ADDR ? self->detail->info.initiator_port
                                                        : self->detail->packets[0].sport;
  switch (col)
    {
    case PCOL_INDEX: text = g_strdup_printf ("%u", row->index + 1); break;
    case PCOL_TIME:
      {
        g_autofree char *rel = ta_format_duration_us (p->ts - self->detail->packets[0].ts);

        text = g_strdup_printf ("+%s", rel);
      }
      break;
    case PCOL_DIR:
      text = g_strdup (p->src == top && p->sport == top_port ? "→" : "←");
      break;
    case PCOL_FLAGS:
      {
        g_autofree char *markup = g_markup_printf_escaped ("<span foreground=\"%s\">■</span> %s%s",
                                                           ta_flag_class_color (p->fclass),
                                                           ta_flag_type_name (p->flags, FALSE),
                                                           p->is_invalid_packet ? " ⚠" : "");

        gtk_label_set_markup (GTK_LABEL (label), markup);
        return;
      }
    case PCOL_SEQ: text = g_strdup_printf ("%u", p->seq); break;
    case PCOL_ACK: text = g_strdup_printf ("%u", p->ack); break;
    case PCOL_LENGTH: text = g_strdup_printf ("%u", p->length); break;
    case PCOL_PHASE:
      text = g_strdup_printf ("%s%s%s", ta_flow_phase_label (p->phase),
                              p->phase_step ? " · " : "", p->phase_step ? p->phase_step : "");
      break;
    case N_PACKET_COLS:
    default:
      break;
    }
  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
}

static void
add_packet_column (TaFlowPanel  *self,
                   const char   *title,
                   PacketColumn  col,
                   gboolean      numeric)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (col));
  g_object_set_data (G_OBJECT (factory), "numeric", GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_packet_cell), self);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, col == PCOL_PHASE);
  gtk_column_view_append_column (self->packet_view, column);
  g_object_unref (column);
}

/* ------------------------------------------------------------------ */
/* IP list                                                             */

void
ta_flow_panel_update_ip_rows (TaFlowPanel *self)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint32));
  GListModel *model = G_LIST_MODEL (self->ip_filter_model);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaIndexItem) item = g_list_model_get_item (model, i);

      if (item->active)
        g_array_append_val (rows, item->index);
    }
  ta_ip_bars_set_rows (self->ip_bars, (guint32 *) (void *) rows->data, rows->len);
}

static gboolean
ip_filter_func (gpointer item,
                gpointer data)
{
  TaFlowPanel *self = data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->ip_search));

  if (self->folder == NULL || text == NULL || text[0] == '\0')
    return TRUE;
  return strstr (ta_subset_folder_get_addr_name (self->folder, TA_INDEX_ITEM (item)->index), text) != NULL;
}

static void
on_ip_toggled (GtkCheckButton *button,
               TaFlowPanel    *self)
{
  TaIndexItem *item = g_object_get_data (G_OBJECT (button), "item");

  if (item == NULL || item->active == gtk_check_button_get_active (button))
    return;
  item->active = gtk_check_button_get_active (button);
  ta_flow_panel_update_ip_rows (self);
}

static void
setup_ip_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              TaFlowPanel              *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *stats = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (stats), 0);
  gtk_label_set_ellipsize (GTK_LABEL (stats), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (stats, "dim-label");
  gtk_widget_add_css_class (stats, "caption");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), stats);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), labels);
  g_signal_connect (check, "toggled", G_CALLBACK (on_ip_toggled), self);
  g_object_set_data (G_OBJECT (box), "check", check);
  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "stats", stats);
  gtk_list_item_set_child (item, box);
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_DEFAULT);
}

static void
bind_ip_row (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             TaFlowPanel              *self)
{
  TaIndexItem *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkCheckButton *check = g_object_get_data (G_OBJECT (box), "check");
  const TaIpStats *stats = NULL;
  const TaIpStats *all;
  guint n;
  g_autofree char *text = NULL;

  all = ta_subset_folder_get_ip_stats (self->folder, &n);
  for (guint i = 0; i < n; i++)
    if (all[i].addr == row->index)
      {
        stats = &all[i];
        break;
      }
  g_object_set_data (G_OBJECT (check), "item", NULL);
  gtk_check_button_set_active (check, row->active);
  g_object_set_data (G_OBJECT (check), "item", row);
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "name"),
                      ta_subset_folder_get_addr_name (self->folder, row->index));
  if (stats)
    {
      g_autofree char *sent = format_bytes (stats->sent_bytes);
      g_autofree char *recv = format_bytes (stats->recv_bytes);

      text = g_strdup_printf (_("sent %llu (%s) · recv %llu (%s)"),
                              (unsigned long long) stats->sent_packets, sent,
                              (unsigned long long) stats->recv_packets, recv);
    }
  else
    text = g_strdup (_("not in ip_stats.json"));
  gtk_label_set_text (g_object_get_data (G_OBJECT (box), "stats"), text);
}

static void
unbind_ip_row (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               TaFlowPanel              *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  g_object_set_data (g_object_get_data (G_OBJECT (box), "check"), "item", NULL);
}

static void
set_all_ips (TaFlowPanel *self,
             gboolean     active)
{
  GListModel *model = G_LIST_MODEL (self->ip_filter_model);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaIndexItem) item = g_list_model_get_item (model, i);

      item->active = active;
    }
  /* rebind the visible rows */
  gtk_filter_changed (GTK_FILTER (self->ip_filter), GTK_FILTER_CHANGE_DIFFERENT);
  ta_flow_panel_update_ip_rows (self);
}

static void
on_ip_all (TaFlowPanel *self)
{
  set_all_ips (self, TRUE);
}

static void
on_ip_none (TaFlowPanel *self)
{
  set_all_ips (self, FALSE);
}

static void
on_ip_search_changed (TaFlowPanel *self)
{
  gtk_filter_changed (GTK_FILTER (self->ip_filter), GTK_FILTER_CHANGE_DIFFERENT);
  ta_flow_panel_update_ip_rows (self);
}

/* ------------------------------------------------------------------ */
/* flow list filter                                                    */

static gboolean
flow_filter_func (gpointer item,
                  gpointer data)
{
  TaFlowPanel *self = data;
  const TaFlowInfo *f;

  if (self->folder == NULL)
    return FALSE;
  f = ta_flow_panel_flow_at (self, TA_INDEX_ITEM (item)->index);
  return f != NULL && ta_flow_filter_match (self->folder, f, &self->filter);
}

static const char *
dropdown_choice (GtkDropDown   *dropdown,
                 GtkStringList *list)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  if (pos == 0 || pos == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (list, pos);
}

static void
update_flow_count (TaFlowPanel *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->flow_filter_model));
  guint total = self->flow_store ? g_list_model_get_n_items (G_LIST_MODEL (self->flow_store)) : 0;
  g_autofree char *text = g_strdup_printf (_("%u of %u flows"), shown, total);

  gtk_label_set_text (self->flow_count_label, text);
}

void
ta_flow_panel_flow_filter_changed (TaFlowPanel *self)
{
  const char *port = gtk_editable_get_text (GTK_EDITABLE (self->port_entry));
  const char *close_type;
  char *end = NULL;
  guint64 v;

  self->filter.state = dropdown_choice (self->state_dropdown, self->state_list);
  close_type = dropdown_choice (self->close_dropdown, self->close_list);
  self->filter.close_type = close_type && g_str_equal (close_type, _("(none)")) ? "none" : close_type;
  g_free (self->filter_text);
  self->filter_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->flow_search)));
  self->filter.text = self->filter_text;
  v = port && port[0] ? g_ascii_strtoull (port, &end, 10) : 0;
  self->filter.port = (port && port[0] && end && *end == '\0' && v <= 65535) ? (gint) v : -1;
  self->filter.has_time = gtk_check_button_get_active (self->window_check);
  self->filter.t0 = self->win0;
  self->filter.t1 = self->win1;
  gtk_filter_changed (GTK_FILTER (self->flow_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_flow_count (self);
}

/* The IP list, the flow list and the packet list: models, columns, filters */
void
ta_flow_panel_init_lists (TaFlowPanel *self)
{
  GtkListItemFactory *factory;
  GtkSorter *sorter;

  /* IP list */
  self->ip_store = g_list_store_new (TA_TYPE_INDEX_ITEM);
  self->ip_filter = gtk_custom_filter_new (ip_filter_func, self, NULL);
  self->ip_filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->ip_store)),
                                                     GTK_FILTER (self->ip_filter));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_ip_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_ip_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_ip_row), self);
  gtk_list_view_set_factory (self->ip_list, factory);
  g_object_unref (factory);
  {
    GtkNoSelection *selection = gtk_no_selection_new (G_LIST_MODEL (self->ip_filter_model));

    gtk_list_view_set_model (self->ip_list, GTK_SELECTION_MODEL (selection));
    g_object_unref (selection);
  }
  g_signal_connect_swapped (self->ip_search, "search-changed", G_CALLBACK (on_ip_search_changed), self);
  g_signal_connect_swapped (self->ip_all_button, "clicked", G_CALLBACK (on_ip_all), self);
  g_signal_connect_swapped (self->ip_none_button, "clicked", G_CALLBACK (on_ip_none), self);

  /* flows */
  add_flow_column (self, _("Flow"), COL_ID, FALSE, FALSE);
  add_flow_column (self, _("Initiator"), COL_INITIATOR, FALSE, TRUE);
  add_flow_column (self, _("Port"), COL_IPORT, TRUE, FALSE);
  add_flow_column (self, _("Responder"), COL_RESPONDER, FALSE, TRUE);
  add_flow_column (self, _("Port"), COL_RPORT, TRUE, FALSE);
  add_flow_column (self, _("State"), COL_STATE, FALSE, FALSE);
  add_flow_column (self, _("Close"), COL_CLOSE, FALSE, FALSE);
  add_flow_column (self, _("Invalid reason"), COL_INVALID, FALSE, FALSE);
  add_flow_column (self, _("Start (UTC)"), COL_START, FALSE, FALSE);
  add_flow_column (self, _("Duration"), COL_DURATION, TRUE, FALSE);
  add_flow_column (self, _("Packets"), COL_PACKETS, TRUE, FALSE);
  add_flow_column (self, _("Bytes"), COL_BYTES, TRUE, FALSE);
  self->flow_store = g_list_store_new (TA_TYPE_INDEX_ITEM);
  self->flow_filter = gtk_custom_filter_new (flow_filter_func, self, NULL);
  self->flow_filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->flow_store)),
                                                       GTK_FILTER (self->flow_filter));
  sorter = gtk_column_view_get_sorter (self->flow_view);
  self->flow_sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->flow_filter_model),
                                                   sorter ? g_object_ref (sorter) : NULL);
  self->flow_selection = gtk_single_selection_new (G_LIST_MODEL (self->flow_sort_model));
  gtk_single_selection_set_autoselect (self->flow_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->flow_selection, TRUE);
  gtk_column_view_set_model (self->flow_view, GTK_SELECTION_MODEL (self->flow_selection));
  g_object_unref (self->flow_selection);
  g_signal_connect_swapped (self->state_dropdown, "notify::selected", G_CALLBACK (ta_flow_panel_flow_filter_changed), self);
  g_signal_connect_swapped (self->close_dropdown, "notify::selected", G_CALLBACK (ta_flow_panel_flow_filter_changed), self);
  g_signal_connect_swapped (self->flow_search, "search-changed", G_CALLBACK (ta_flow_panel_flow_filter_changed), self);
  g_signal_connect_swapped (self->port_entry, "changed", G_CALLBACK (ta_flow_panel_flow_filter_changed), self);
  g_signal_connect_swapped (self->window_check, "toggled", G_CALLBACK (ta_flow_panel_flow_filter_changed), self);

  /* packets of the selected flow */
  add_packet_column (self, "#", PCOL_INDEX, TRUE);
  add_packet_column (self, _("Time"), PCOL_TIME, TRUE);
  add_packet_column (self, _("Dir"), PCOL_DIR, FALSE);
  add_packet_column (self, _("Flags"), PCOL_FLAGS, FALSE);
  add_packet_column (self, _("Seq"), PCOL_SEQ, TRUE);
  add_packet_column (self, _("Ack"), PCOL_ACK, TRUE);
  add_packet_column (self, _("Length"), PCOL_LENGTH, TRUE);
  add_packet_column (self, _("Phase"), PCOL_PHASE, FALSE);
  self->packet_store = g_list_store_new (TA_TYPE_INDEX_ITEM);
  self->packet_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->packet_store)));
  gtk_single_selection_set_autoselect (self->packet_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->packet_selection, TRUE);
  gtk_column_view_set_model (self->packet_view, GTK_SELECTION_MODEL (self->packet_selection));
  g_object_unref (self->packet_selection);
}
