/* ta-arc-overlay.c — ground-truth spans and unexplained arcs over the
 * TimeArcs model; the summary of a selection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-arc-overlay.h"

GArray *
ta_gt_spans_for_model (TaArcModel    *model,
                       TaGroundTruth *gt,
                       TaIpMap       *ip_map)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (TaGtSpan));
  guint n_addr = ta_ground_truth_get_n_addresses (gt);
  g_autofree gint *row_of_addr = g_new (gint, MAX (1, n_addr));

  for (guint i = 0; i < n_addr; i++)
    {
      gint64 id = ta_ip_map_lookup_addr (ip_map, ta_ground_truth_get_address (gt, i));

      row_of_addr[i] = id >= 0 ? ta_arc_model_find_row (model, id) : -1;
    }

  for (guint i = 0; i < ta_ground_truth_get_n_events (gt); i++)
    {
      const TaGtEvent *e = ta_ground_truth_get_event (gt, i);
      guint32 ends[2] = { e->src, e->dst };

      for (guint k = 0; k < 2; k++)
        {
          TaGtSpan s;

          if (ends[k] == TA_GT_ANY_ADDR || row_of_addr[ends[k]] < 0)
            continue;
          s.start_minute = e->start_min;
          s.stop_minute = e->stop_min;
          s.row = row_of_addr[ends[k]];
          s.label = e->label;
          g_array_append_val (spans, s);
        }
    }
  return spans;
}

gboolean
ta_gt_explains (TaGroundTruth *gt,
                const char    *src,
                const char    *dst,
                gint64         minute)
{
  guint n = 0;
  const guint32 *ev = ta_ground_truth_events_for_address (gt, src, &n);

  for (guint k = 0; k < n; k++)
    {
      const TaGtEvent *e = ta_ground_truth_get_event (gt, ev[k]);
      const char *es = ta_ground_truth_event_src (gt, e);
      const char *ed = ta_ground_truth_event_dst (gt, e);
      gboolean ends_match = (g_strcmp0 (es, src) == 0 && (ed == NULL || g_strcmp0 (ed, dst) == 0)) ||
                            (g_strcmp0 (ed, src) == 0 && (es == NULL || g_strcmp0 (es, dst) == 0)) ||
                            (es == NULL && g_strcmp0 (ed, src) == 0) ||
                            (ed == NULL && g_strcmp0 (es, src) == 0);

      if (ends_match && minute >= e->start_min && minute <= e->stop_min)
        return TRUE;
    }
  return FALSE;
}

guint
ta_gt_mark_unexplained (TaArcModel    *model,
                        TaGroundTruth *gt,
                        guint8        *unexplained)
{
  guint n_arcs = 0, n = 0;
  const TaArc *arcs = ta_arc_model_get_arcs (model, &n_arcs);

  for (guint i = 0; i < n_arcs; i++)
    {
      const char *src = ta_arc_model_get_row (model, arcs[i].src_row)->name;
      const char *dst = ta_arc_model_get_row (model, arcs[i].dst_row)->name;
      const TaArcLabel *type = ta_arc_model_get_label (model, TA_LABEL_MODE_TYPE,
                                                       arcs[i].label[TA_LABEL_MODE_TYPE]);

      /* normal traffic needs no event to explain it */
      unexplained[i] = strcmp (type->name, "normal") != 0 && !ta_gt_explains (gt, src, dst, arcs[i].minute);
      n += unexplained[i];
    }
  return n;
}

const TaGtSpan *
ta_gt_span_at (const TaGtSpan *spans,
               guint           n_spans,
               gint            row,
               double          minute)
{
  for (guint i = 0; row >= 0 && i < n_spans; i++)
    {
      const TaGtSpan *s = &spans[i];

      if (s->row == (guint32) row && minute >= s->start_minute && minute < s->stop_minute + 1)
        return s;
    }
  return NULL;
}

/* Selection summary */

typedef struct
{
  gint64      id;
  const char *name;
} IdName;

static int
compare_id_name (gconstpointer a,
                 gconstpointer b)
{
  const IdName *x = a, *y = b;

  return x->id < y->id ? -1 : x->id > y->id;
}

static int
compare_str (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

void
ta_arc_selection_summarize (TaArcModel            *model,
                            const TaArcSelection  *sel,
                            TaLabelMode            mode,
                            TaArcSelectionSummary *out)
{
  const TaArc *arcs = ta_arc_model_get_arcs (model, NULL);
  g_autofree IdName *rows = g_new (IdName, MAX (1, sel->rows->len));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  out->ip_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), sel->rows->len);
  out->ip_names = g_ptr_array_sized_new (sel->rows->len + 1);
  out->types = g_ptr_array_new ();

  /* rows by IP id (ids are unique), names in the same order */
  for (guint i = 0; i < sel->rows->len; i++)
    {
      const TaArcRow *row = ta_arc_model_get_row (model, g_array_index (sel->rows, guint32, i));

      rows[i] = (IdName) { row->id, row->name };
    }
  qsort (rows, sel->rows->len, sizeof (IdName), compare_id_name);
  for (guint i = 0; i < sel->rows->len; i++)
    {
      g_array_append_val (out->ip_ids, rows[i].id);
      g_ptr_array_add (out->ip_names, (gpointer) rows[i].name);
    }
  g_ptr_array_add (out->ip_names, NULL);

  /* the arcs' labels, each once, by name */
  for (guint i = 0; i < sel->arcs->len; i++)
    {
      const TaArc *a = &arcs[g_array_index (sel->arcs, guint32, i)];
      const char *label = ta_arc_model_get_label (model, mode, a->label[mode])->name;

      if (g_hash_table_add (seen, (gpointer) label))
        g_ptr_array_add (out->types, (gpointer) label);
    }
  g_ptr_array_sort (out->types, compare_str);
  g_ptr_array_add (out->types, NULL);

  out->time_start = sel->t_start;
  out->time_end = sel->t_end;
  out->packets = sel->packets;
  out->n_arcs = sel->arcs->len;
}

void
ta_arc_selection_summary_clear (TaArcSelectionSummary *summary)
{
  g_clear_pointer (&summary->ip_ids, g_array_unref);
  g_clear_pointer (&summary->ip_names, g_ptr_array_unref);
  g_clear_pointer (&summary->types, g_ptr_array_unref);
}
