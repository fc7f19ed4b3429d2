/* ta-flow-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-export.h"
#include "ta-flow-overview.h"
#include "ta-folder-load-job.h"
#include "ta-flow-panel.h"
#include "ta-flow-timeline.h"
#include "ta-flow-views.h"
#include "ta-format.h"
#include "ta-ip-bars.h"
#include "ta-packet.h"

/* ------------------------------------------------------------------ */
/* list items: an index into the folder's arrays                       */

#define TA_TYPE_INDEX_ITEM (ta_index_item_get_type ())
G_DECLARE_FINAL_TYPE (TaIndexItem, ta_index_item, TA, INDEX_ITEM, GObject)

struct _TaIndexItem
{
  GObject  parent_instance;
  guint    index;
  gboolean active;      /* IP rows: shown in the diagram */
};

G_DEFINE_FINAL_TYPE (TaIndexItem, ta_index_item, G_TYPE_OBJECT)

static void ta_index_item_class_init (TaIndexItemClass *klass) { }
static void ta_index_item_init (TaIndexItem *self) { }

static TaIndexItem *
ta_index_item_new (guint index)
{
  TaIndexItem *item = g_object_new (TA_TYPE_INDEX_ITEM, NULL);

  item->index = index;
  item->active = TRUE;
  return item;
}

/* ------------------------------------------------------------------ */

typedef enum
{
  COL_ID,
  COL_INITIATOR,
  COL_IPORT,
  COL_RESPONDER,
  COL_RPORT,
  COL_STATE,
  COL_CLOSE,
  COL_INVALID,
  COL_START,
  COL_DURATION,
  COL_PACKETS,
  COL_BYTES,
  N_FLOW_COLS
} FlowColumn;

typedef enum
{
  PCOL_INDEX,
  PCOL_TIME,
  PCOL_DIR,
  PCOL_FLAGS,
  PCOL_SEQ,
  PCOL_ACK,
  PCOL_LENGTH,
  PCOL_PHASE,
  N_PACKET_COLS
} PacketColumn;

struct _TaFlowPanel
{
  GtkWidget          parent_instance;

  /* template */
  GtkStack          *stack;
  GtkLabel          *loading_label;
  GtkProgressBar    *progress;
  GtkLabel          *error_label;
  GtkLabel          *summary_label;
  GtkImage          *warning_icon;
  TaFlowOverview    *overview;
  GtkSearchEntry    *ip_search;
  GtkButton         *ip_all_button;
  GtkButton         *ip_none_button;
  GtkListView       *ip_list;
  TaIpBars          *ip_bars;
  GtkScrollbar      *ip_scrollbar;
  GtkDropDown       *state_dropdown;
  GtkDropDown       *close_dropdown;
  GtkSearchEntry    *flow_search;
  GtkEntry          *port_entry;
  GtkCheckButton    *window_check;
  GtkColumnView     *flow_view;
  GtkLabel          *flow_count_label;
  GtkDropDown       *axis_dropdown;
  TaFlowTimeline    *timeline;
  GtkColumnView     *packet_view;

  /* state */
  TaSubsetFolder    *folder;
  TaFolderLoadJob   *load_job;          /* the load in progress */
  GCancellable      *detail_cancellable;
  GFile             *loading_file;
  TaFlowDetail      *detail;
  gint64             win0;
  gint64             win1;

  GListStore        *ip_store;
  GtkFilterListModel *ip_filter_model;
  GtkCustomFilter   *ip_filter;
  GListStore        *flow_store;
  GtkFilterListModel *flow_filter_model;
  GtkCustomFilter   *flow_filter;
  GtkSortListModel  *flow_sort_model;
  GtkSingleSelection *flow_selection;
  GListStore        *packet_store;
  GtkSingleSelection *packet_selection;
  GtkStringList     *state_list;
  GtkStringList     *close_list;
  TaFlowFilter       filter;
  char              *filter_text;
  gboolean           syncing;
};

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
/* text of the cells                                                   */

static const TaFlowInfo *
flow_at (TaFlowPanel *self,
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
  const TaFlowInfo *fa = flow_at (self, TA_INDEX_ITEM ((gpointer) a)->index);
  const TaFlowInfo *fb = flow_at (self, TA_INDEX_ITEM ((gpointer) b)->index);
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
  const TaFlowInfo *f = self->folder ? flow_at (self, row->index) : NULL;
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

static void
update_ip_rows (TaFlowPanel *self)
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
  update_ip_rows (self);
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
  update_ip_rows (self);
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
  update_ip_rows (self);
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
  f = flow_at (self, TA_INDEX_ITEM (item)->index);
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

static void
on_flow_filter_changed (TaFlowPanel *self)
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
  if (self->folder == NULL || flow_at (self, flow) == NULL)
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
      on_flow_filter_changed (self);
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
    on_flow_filter_changed (self);
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
    on_flow_filter_changed (self);
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
  update_ip_rows (self);

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
  on_flow_filter_changed (self);

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
/* actions: open, cancel, export                                       */

static GtkWindow *
parent_window (TaFlowPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               TaFlowPanel     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        ta_flow_panel_open (self, file);
    }
  g_object_unref (dialog);
}

static void
action_open (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TaFlowPanel *self = TA_FLOW_PANEL (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Open Subset Folder"), parent_window (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_cancel (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TaFlowPanel *self = TA_FLOW_PANEL (widget);

  if (self->load_job != NULL)
    ta_job_cancel (TA_JOB (self->load_job));
}

typedef enum
{
  EXPORT_DIAGRAM,
  EXPORT_TIMELINE,
  EXPORT_FLOWS,
} ExportKind;

static void
export_draw_diagram (cairo_t  *cr,
                     double    width,
                     double    height,
                     gpointer  user_data)
{
  TaFlowPanel *self = user_data;

  ta_ip_bars_renderer_draw (ta_ip_bars_get_renderer (self->ip_bars), cr, width, height);
}

static void
export_draw_timeline (cairo_t  *cr,
                      double    width,
                      double    height,
                      gpointer  user_data)
{
  TaFlowPanel *self = user_data;

  ta_flow_timeline_draw (self->timeline, cr, width, height);
}

static gboolean
export_drawing (TaFlowPanel  *self,
                ExportKind    kind,
                const char   *format_name,
                const char   *path,
                GError      **error)
{
  GtkWidget *source = kind == EXPORT_DIAGRAM ? GTK_WIDGET (self->ip_bars) : GTK_WIDGET (self->timeline);
  double w = MAX (gtk_widget_get_width (source), 400), h = MAX (gtk_widget_get_height (source), 200);
  TaExportFormat format = TA_EXPORT_PNG;
  gboolean ok;

  ta_export_format_from_suffix (format_name, &format);
  ok = ta_export_write (path, format, w, h,
                        kind == EXPORT_DIAGRAM ? export_draw_diagram : export_draw_timeline,
                        self, error);
  /* the renderers keep the geometry of their last draw for hit-testing:
   * draw again at the widget's own size */
  gtk_widget_queue_draw (source);
  return ok;
}

static gboolean
export_flows (TaFlowPanel  *self,
              GFile        *file,
              GError      **error)
{
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  GListModel *model = G_LIST_MODEL (self->flow_sort_model);
  guint n = g_list_model_get_n_items (model);
  g_autofree guint *indices = g_new (guint, MAX (n, 1));

  if (out == NULL)
    return FALSE;
  /* what the list shows, in its order */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaIndexItem) item = g_list_model_get_item (model, i);

      indices[i] = item->index;
    }
  return ta_flows_write_csv (self->folder, indices, n, G_OUTPUT_STREAM (out), NULL, error)
         && g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 TaFlowPanel     *self)
{
  ExportKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "kind"));
  const char *format = g_object_get_data (G_OBJECT (dialog), "format");
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->folder != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      gboolean ok;

      if (kind == EXPORT_FLOWS)
        ok = file != NULL && export_flows (self, file, &error);
      else if (path == NULL)
        {
          ok = FALSE;
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Choose a local file"));
        }
      else
        ok = export_drawing (self, kind, format, path, &error);
      gtk_label_set_text (self->flow_count_label,
                          ok ? _("Exported") : error ? error->message : _("Export failed"));
    }
  g_object_unref (dialog);
}

static void
start_export (TaFlowPanel *self,
              ExportKind   kind,
              const char  *format)
{
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->folder == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Export"), parent_window (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  name = kind == EXPORT_FLOWS ? g_strdup ("flows.csv")
         : g_strdup_printf ("%s.%s", kind == EXPORT_DIAGRAM ? "ip-bars" : "flow-timeline", format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data (G_OBJECT (dialog), "kind", GUINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (dialog), "format", g_strdup (format), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_export_diagram (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  start_export (TA_FLOW_PANEL (widget), EXPORT_DIAGRAM, g_variant_get_string (parameter, NULL));
}

static void
action_export_timeline (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  start_export (TA_FLOW_PANEL (widget), EXPORT_TIMELINE, g_variant_get_string (parameter, NULL));
}

static void
action_export_flows (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  start_export (TA_FLOW_PANEL (widget), EXPORT_FLOWS, "csv");
}

/* ------------------------------------------------------------------ */
/* drag and drop                                                       */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TaFlowPanel   *self)
{
  GdkFileList *list;
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  list = g_value_get_boxed (value);
  files = gdk_file_list_get_files (list);
  if (files == NULL)
    return FALSE;
  ta_flow_panel_open (self, files->data);
  g_slist_free (files);
  return TRUE;
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

  gtk_widget_class_install_action (widget_class, "flowpanel.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "flowpanel.cancel", NULL, action_cancel);
  gtk_widget_class_install_action (widget_class, "flowpanel.export-diagram", "s", action_export_diagram);
  gtk_widget_class_install_action (widget_class, "flowpanel.export-timeline", "s", action_export_timeline);
  gtk_widget_class_install_action (widget_class, "flowpanel.export-flows", NULL, action_export_flows);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flowpanel");
}

static void
ta_flow_panel_init (TaFlowPanel *self)
{
  GtkListItemFactory *factory;
  GtkDropTarget *drop;
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));

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

  /* diagram */
  gtk_scrollbar_set_adjustment (self->ip_scrollbar, ta_ip_bars_get_vadjustment (self->ip_bars));
  g_signal_connect_swapped (self->overview, "window-changed", G_CALLBACK (on_overview_window), self);
  g_signal_connect_swapped (self->ip_bars, "window-changed", G_CALLBACK (on_bars_window), self);
  g_signal_connect (self->ip_bars, "packet-activated", G_CALLBACK (on_packet_activated), self);

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
  g_signal_connect_swapped (self->flow_selection, "notify::selected-item", G_CALLBACK (on_flow_selected), self);
  g_signal_connect_swapped (self->state_dropdown, "notify::selected", G_CALLBACK (on_flow_filter_changed), self);
  g_signal_connect_swapped (self->close_dropdown, "notify::selected", G_CALLBACK (on_flow_filter_changed), self);
  g_signal_connect_swapped (self->flow_search, "search-changed", G_CALLBACK (on_flow_filter_changed), self);
  g_signal_connect_swapped (self->port_entry, "changed", G_CALLBACK (on_flow_filter_changed), self);
  g_signal_connect_swapped (self->window_check, "toggled", G_CALLBACK (on_flow_filter_changed), self);

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
  g_signal_connect_swapped (self->packet_selection, "notify::selected", G_CALLBACK (on_packet_row_selected), self);
  g_signal_connect (self->timeline, "packet-selected", G_CALLBACK (on_timeline_packet), self);
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected", G_CALLBACK (on_axis_changed), self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flowpanel.cancel", FALSE);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
