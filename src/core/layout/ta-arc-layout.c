/* ta-arc-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ta-arc-layout.h"

/* Row ordering */

typedef struct
{
  guint    n;
  guint   *start;    /* n + 1 */
  guint32 *nbr;
  guint32 *w;
} Csr;

static void
csr_build (Csr             *csr,
           guint            n_nodes,
           const TaRowEdge *edges,
           guint            n_edges)
{
  guint *fill;

  csr->n = n_nodes;
  csr->start = g_new0 (guint, n_nodes + 1);
  for (guint i = 0; i < n_edges; i++)
    if (edges[i].u != edges[i].v)
      {
        csr->start[edges[i].u + 1]++;
        csr->start[edges[i].v + 1]++;
      }
  for (guint i = 0; i < n_nodes; i++)
    csr->start[i + 1] += csr->start[i];
  csr->nbr = g_new (guint32, MAX (1, csr->start[n_nodes]));
  csr->w = g_new (guint32, MAX (1, csr->start[n_nodes]));
  fill = g_memdup2 (csr->start, sizeof (guint) * n_nodes);
  for (guint i = 0; i < n_edges; i++)
    {
      guint32 u = edges[i].u, v = edges[i].v;

      if (u == v)
        continue;
      csr->nbr[fill[u]] = v;
      csr->w[fill[u]++] = MAX (1, edges[i].weight);
      csr->nbr[fill[v]] = u;
      csr->w[fill[v]++] = MAX (1, edges[i].weight);
    }
  g_free (fill);
}

static void
csr_clear (Csr *csr)
{
  g_free (csr->start);
  g_free (csr->nbr);
  g_free (csr->w);
}

static guint32
uf_find (guint32 *parent,
         guint32  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

typedef struct
{
  double  key;
  double  key2;
  gint64  key3;
  guint32 node;
} SortItem;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const SortItem *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  if (x->key2 != y->key2)
    return x->key2 < y->key2 ? -1 : 1;
  if (x->key3 != y->key3)
    return x->key3 < y->key3 ? -1 : 1;
  return x->node < y->node ? -1 : (x->node > y->node);
}

static double
component_cost (const Csr      *csr,
                const guint32  *nodes,
                guint           n,
                const double   *pos)
{
  double cost = 0;

  for (guint i = 0; i < n; i++)
    {
      guint32 u = nodes[i];

      for (guint k = csr->start[u]; k < csr->start[u + 1]; k++)
        cost += csr->w[k] * fabs (pos[u] - pos[csr->nbr[k]]);
    }
  return cost / 2;
}

void
ta_arc_order_rows (guint            n_nodes,
                   const TaRowEdge *edges,
                   guint            n_edges,
                   const gint64    *first_activity,
                   const gint64    *node_ids,
                   guint            sweeps,
                   guint32         *order)
{
  g_autofree guint32 *parent = NULL;
  g_autofree guint32 *comp_size = NULL;
  g_autofree gint64 *comp_first = NULL;
  g_autofree gint64 *comp_minid = NULL;
  g_autofree SortItem *items = NULL;
  g_autofree SortItem *comps = NULL;
  g_autofree guint *comp_start = NULL;
  g_autofree guint32 *members = NULL;
  g_autofree guint32 *best = NULL;
  g_autofree double *pos = NULL;
  g_autofree guint *fill = NULL;
  guint n_comps = 0;
  guint out = 0;
  Csr csr;

  if (n_nodes == 0)
    return;

  parent = g_new (guint32, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    parent[i] = i;
  for (guint i = 0; i < n_edges; i++)
    {
      guint32 a = uf_find (parent, edges[i].u), b = uf_find (parent, edges[i].v);

      if (a != b)
        parent[MAX (a, b)] = MIN (a, b);
    }

  comp_size = g_new0 (guint32, n_nodes);
  comp_first = g_new (gint64, n_nodes);
  comp_minid = g_new (gint64, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    {
      comp_first[i] = G_MAXINT64;
      comp_minid[i] = G_MAXINT64;
    }
  for (guint i = 0; i < n_nodes; i++)
    {
      guint32 r = uf_find (parent, i);
      gint64 fa = first_activity ? first_activity[i] : 0;
      gint64 id = node_ids ? node_ids[i] : i;

      if (comp_size[r]++ == 0)
        n_comps++;
      comp_first[r] = MIN (comp_first[r], fa);
      comp_minid[r] = MIN (comp_minid[r], id);
    }

  /* components: largest first, then earliest activity, then smallest id */
  comps = g_new (SortItem, n_comps);
  n_comps = 0;
  for (guint i = 0; i < n_nodes; i++)
    if (parent[i] == i)
      comps[n_comps++] = (SortItem) { -(double) comp_size[i], (double) comp_first[i], comp_minid[i], i };
  qsort (comps, n_comps, sizeof (SortItem), compare_items);

  /* members of each component in seed order (first activity, id) */
  items = g_new (SortItem, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    items[i] = (SortItem) { 0, first_activity ? (double) first_activity[i] : 0,
                            node_ids ? node_ids[i] : i, i };
  {
    g_autofree guint *rank = g_new (guint, n_nodes);

    for (guint c = 0; c < n_comps; c++)
      rank[comps[c].node] = c;
    for (guint i = 0; i < n_nodes; i++)
      items[i].key = rank[uf_find (parent, i)];
  }
  qsort (items, n_nodes, sizeof (SortItem), compare_items);

  csr_build (&csr, n_nodes, edges, n_edges);
  pos = g_new (double, n_nodes);
  members = g_new (guint32, n_nodes);
  best = g_new (guint32, n_nodes);

  while (out < n_nodes)
    {
      guint begin = out, n;
      double best_cost;

      while (out < n_nodes && items[out].key == items[begin].key)
        out++;
      n = out - begin;
      for (guint i = 0; i < n; i++)
        {
          members[begin + i] = items[begin + i].node;
          pos[items[begin + i].node] = i;
        }
      memcpy (best + begin, members + begin, n * sizeof (guint32));
      if (n <= 2)
        continue;

      best_cost = component_cost (&csr, members + begin, n, pos);
      for (guint s = 0; s < sweeps; s++)
        {
          SortItem *it = items + begin;
          double cost;

          for (guint i = 0; i < n; i++)
            {
              guint32 u = members[begin + i];
              double sum = 0, wsum = 0;

              for (guint k = csr.start[u]; k < csr.start[u + 1]; k++)
                {
                  sum += csr.w[k] * pos[csr.nbr[k]];
                  wsum += csr.w[k];
                }
              it[i] = (SortItem) { wsum > 0 ? sum / wsum : pos[u], pos[u],
                                   node_ids ? node_ids[u] : u, u };
            }
          qsort (it, n, sizeof (SortItem), compare_items);
          for (guint i = 0; i < n; i++)
            {
              members[begin + i] = it[i].node;
              pos[it[i].node] = i;
            }
          cost = component_cost (&csr, members + begin, n, pos);
          if (cost < best_cost - 1e-9)
            {
              best_cost = cost;
              memcpy (best + begin, members + begin, n * sizeof (guint32));
            }
          /* keep items[].key (component rank) intact for the outer loop */
          for (guint i = 0; i < n; i++)
            it[i].key = items[begin].key;
        }

      /* then adjacent swaps on the best order while they shorten the arcs
       * (barycentres alone can stall on chains) */
      for (guint i = 0; i < n; i++)
        pos[best[begin + i]] = i;
      for (guint pass = 0; sweeps > 0 && pass < 4 * sweeps; pass++)
        {
          gboolean improved = FALSE;

          for (guint i = 0; i + 1 < n; i++)
            {
              guint32 u = best[begin + i], v = best[begin + i + 1];
              double before, after;

              before = 0;
              after = 0;
              for (guint k = csr.start[u]; k < csr.start[u + 1]; k++)
                if (csr.nbr[k] != v)
                  {
                    before += csr.w[k] * fabs (pos[u] - pos[csr.nbr[k]]);
                    after += csr.w[k] * fabs (pos[u] + 1 - pos[csr.nbr[k]]);
                  }
              for (guint k = csr.start[v]; k < csr.start[v + 1]; k++)
                if (csr.nbr[k] != u)
                  {
                    before += csr.w[k] * fabs (pos[v] - pos[csr.nbr[k]]);
                    after += csr.w[k] * fabs (pos[v] - 1 - pos[csr.nbr[k]]);
                  }
              if (after < before - 1e-9)
                {
                  best[begin + i] = v;
                  best[begin + i + 1] = u;
                  pos[v] = i;
                  pos[u] = i + 1;
                  improved = TRUE;
                }
            }
          if (!improved)
            break;
        }
    }

  memcpy (order, best, n_nodes * sizeof (guint32));
  csr_clear (&csr);
}

double
ta_arc_total_length (guint            n_nodes,
                     const TaRowEdge *edges,
                     guint            n_edges,
                     const guint32   *order)
{
  g_autofree guint *pos = g_new (guint, MAX (1, n_nodes));
  double cost = 0;

  for (guint i = 0; i < n_nodes; i++)
    pos[order[i]] = i;
  for (guint i = 0; i < n_edges; i++)
    cost += (double) MAX (1, edges[i].weight) * fabs ((double) pos[edges[i].u] - (double) pos[edges[i].v]);
  return cost;
}

/* The model */

struct _TaArcModel
{
  GArray     *rows;     /* TaArcRow */
  GArray     *arcs;     /* TaArc */
  GArray     *labels[TA_N_LABEL_MODES];   /* TaArcLabel */
  GHashTable *row_of_id;                  /* gint64* -> row + 1 */
  gint64      first_minute;
  gint64      last_minute;
  double      seed_cost;
  double      final_cost;
  guint64     max_count;
};

static void
clear_label (gpointer p)
{
  g_free (((TaArcLabel *) p)->name);
}

static void
clear_row (gpointer p)
{
  g_free (((TaArcRow *) p)->name);
}

void
ta_arc_model_free (TaArcModel *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->rows);
  g_array_unref (self->arcs);
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    g_array_unref (self->labels[m]);
  g_hash_table_unref (self->row_of_id);
  g_free (self);
}

typedef struct
{
  gint64  minute;
  guint32 src, dst;    /* node indices */
  gint32  attack, group;
  guint32 record;
} RecKey;

static int
compare_reckey (gconstpointer a,
                gconstpointer b)
{
  const RecKey *x = a, *y = b;

  if (x->minute != y->minute) return x->minute < y->minute ? -1 : 1;
  if (x->src != y->src) return x->src < y->src ? -1 : 1;
  if (x->dst != y->dst) return x->dst < y->dst ? -1 : 1;
  if (x->attack != y->attack) return x->attack < y->attack ? -1 : 1;
  if (x->group != y->group) return x->group < y->group ? -1 : 1;
  return x->record < y->record ? -1 : (x->record > y->record);
}

static int
compare_labels (gconstpointer a,
                gconstpointer b)
{
  const TaArcLabel *x = a, *y = b;

  if (x->packets != y->packets)
    return x->packets > y->packets ? -1 : 1;
  return strcmp (x->name, y->name);
}

static guint32
intern_label (GArray     *labels,
              GHashTable *index,
              char       *name)   /* takes */
{
  gpointer idx;
  TaArcLabel l = { 0 };

  if (g_hash_table_lookup_extended (index, name, NULL, &idx))
    {
      g_free (name);
      return GPOINTER_TO_UINT (idx);
    }
  l.name = name;
  g_array_append_val (labels, l);
  g_hash_table_insert (index, name, GUINT_TO_POINTER (labels->len - 1));
  return labels->len - 1;
}

TaArcModel *
ta_arc_model_new (TaAttackData *data,
                  TaIpMap      *ip_map,
                  TaLabelMap   *types,
                  TaLabelMap   *groups,
                  TaColorMap   *type_colors,
                  TaColorMap   *group_colors)
{
  TaArcModel *self = g_new0 (TaArcModel, 1);
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) node_of_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTable *type_labels[TA_N_LABEL_MODES] = { NULL };
  g_autofree RecKey *keys = NULL;
  g_autofree guint32 *order = NULL;
  g_autofree guint32 *row_of_node = NULL;
  guint32 *rec_label[TA_N_LABEL_MODES] = { NULL };
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (TaRowEdge));
  const TaAttackRecord *recs;
  guint n_recs = 0;

  g_return_val_if_fail (data != NULL, NULL);

  self->max_count = 1;
  self->rows = g_array_new (FALSE, TRUE, sizeof (TaArcRow));
  g_array_set_clear_func (self->rows, clear_row);
  self->arcs = g_array_new (FALSE, FALSE, sizeof (TaArc));
  self->row_of_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    {
      self->labels[m] = g_array_new (FALSE, TRUE, sizeof (TaArcLabel));
      g_array_set_clear_func (self->labels[m], clear_label);
      type_labels[m] = g_hash_table_new (g_str_hash, g_str_equal);
    }

  recs = ta_attack_data_get_records (data, &n_recs);
  keys = g_new (RecKey, MAX (1, n_recs));
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    rec_label[m] = g_new (guint32, MAX (1, n_recs));
  self->first_minute = G_MAXINT64;
  self->last_minute = G_MININT64;

  /* nodes, labels */
  for (guint i = 0; i < n_recs; i++)
    {
      const TaAttackRecord *r = &recs[i];
      gint64 ends[2] = { r->src_id, r->dst_id };
      guint32 idx[2];

      for (guint e = 0; e < 2; e++)
        {
          gpointer v;

          if (g_hash_table_lookup_extended (node_of_id, &ends[e], NULL, &v))
            {
              idx[e] = GPOINTER_TO_UINT (v);
              g_array_index (first, gint64, idx[e]) = MIN (g_array_index (first, gint64, idx[e]), r->minute);
            }
          else
            {
              g_array_append_val (nodes, ends[e]);
              g_array_append_val (first, r->minute);
              idx[e] = nodes->len - 1;
              g_hash_table_insert (node_of_id, g_memdup2 (&ends[e], sizeof (gint64)), GUINT_TO_POINTER (idx[e]));
            }
        }
      keys[i] = (RecKey) { r->minute, idx[0], idx[1], r->attack, r->group, i };
      for (guint m = 0; m < TA_N_LABEL_MODES; m++)
        rec_label[m][i] = intern_label (self->labels[m], type_labels[m],
                                        ta_attack_record_label (r, types, groups, m == TA_LABEL_MODE_GROUP));
      self->first_minute = MIN (self->first_minute, r->minute);
      self->last_minute = MAX (self->last_minute, r->minute);
    }

  qsort (keys, n_recs, sizeof (RecKey), compare_reckey);

  /* merge records into arcs; one ordering edge per arc */
  for (guint i = 0; i < n_recs; )
    {
      guint j = i + 1;
      TaArc arc = { 0 };

      while (j < n_recs && keys[j].minute == keys[i].minute && keys[j].src == keys[i].src &&
             keys[j].dst == keys[i].dst && keys[j].attack == keys[i].attack &&
             keys[j].group == keys[i].group)
        j++;
      arc.minute = keys[i].minute;
      arc.src_row = keys[i].src;    /* node index for now */
      arc.dst_row = keys[i].dst;
      arc.record = keys[i].record;
      arc.n_records = j - i;
      for (guint m = 0; m < TA_N_LABEL_MODES; m++)
        arc.label[m] = rec_label[m][keys[i].record];
      for (guint k = i; k < j; k++)
        {
          arc.count += recs[keys[k].record].count;
          arc.record = MIN (arc.record, keys[k].record);
        }
      g_array_append_val (self->arcs, arc);
      if (arc.src_row != arc.dst_row)
        {
          TaRowEdge e = { arc.src_row, arc.dst_row, 1 };
          g_array_append_val (edges, e);
        }
      i = j;
    }

  /* order rows */
  order = g_new (guint32, MAX (1, nodes->len));
  for (guint i = 0; i < nodes->len; i++)
    order[i] = i;
  {
    g_autofree guint32 *seed = g_new (guint32, MAX (1, nodes->len));

    ta_arc_order_rows (nodes->len, (TaRowEdge *) (gpointer) edges->data, edges->len,
                       (gint64 *) (gpointer) first->data, (gint64 *) (gpointer) nodes->data, 0, seed);
    self->seed_cost = ta_arc_total_length (nodes->len, (TaRowEdge *) (gpointer) edges->data, edges->len, seed);
  }
  ta_arc_order_rows (nodes->len, (TaRowEdge *) (gpointer) edges->data, edges->len,
                     (gint64 *) (gpointer) first->data, (gint64 *) (gpointer) nodes->data, 16, order);
  self->final_cost = ta_arc_total_length (nodes->len, (TaRowEdge *) (gpointer) edges->data, edges->len, order);

  row_of_node = g_new (guint32, MAX (1, nodes->len));
  for (guint i = 0; i < nodes->len; i++)
    {
      guint32 node = order[i];
      TaArcRow row = { 0 };
      const char *addr = ip_map ? ta_ip_map_lookup_id (ip_map, g_array_index (nodes, gint64, node)) : NULL;
      gint64 *key = g_new (gint64, 1);

      row.id = g_array_index (nodes, gint64, node);
      row.name = addr ? g_strdup (addr) : g_strdup_printf ("#%" G_GINT64_FORMAT, row.id);
      row.first_minute = g_array_index (first, gint64, node);
      g_array_append_val (self->rows, row);
      row_of_node[node] = i;
      *key = row.id;
      g_hash_table_insert (self->row_of_id, key, GUINT_TO_POINTER (i + 1));
    }

  for (guint i = 0; i < self->arcs->len; i++)
    {
      TaArc *a = &g_array_index (self->arcs, TaArc, i);

      self->max_count = MAX (self->max_count, a->count);
      a->src_row = row_of_node[a->src_row];
      a->dst_row = row_of_node[a->dst_row];
      g_array_index (self->rows, TaArcRow, a->src_row).packets += a->count;
      if (a->dst_row != a->src_row)
        g_array_index (self->rows, TaArcRow, a->dst_row).packets += a->count;
      for (guint m = 0; m < TA_N_LABEL_MODES; m++)
        {
          TaArcLabel *l = &g_array_index (self->labels[m], TaArcLabel, a->label[m]);

          l->packets += a->count;
          l->arcs++;
        }
    }

  /* labels sorted by packets; remap arc label indices */
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    {
      GArray *labels = self->labels[m];
      g_autofree guint32 *remap = g_new (guint32, MAX (1, labels->len));
      GArray *sorted = g_array_sized_new (FALSE, TRUE, sizeof (TaArcLabel), labels->len);
      TaColorMap *colors = m == TA_LABEL_MODE_GROUP ? group_colors : type_colors;

      g_array_set_clear_func (sorted, clear_label);
      /* rank = position by (packets desc, name asc); labels are few */
      for (guint i = 0; i < labels->len; i++)
        {
          guint rank = 0;

          for (guint k = 0; k < labels->len; k++)
            if (compare_labels (&g_array_index (labels, TaArcLabel, k), &g_array_index (labels, TaArcLabel, i)) < 0)
              rank++;
          remap[i] = rank;
        }
      g_array_set_size (sorted, labels->len);
      for (guint i = 0; i < labels->len; i++)
        {
          TaArcLabel *src = &g_array_index (labels, TaArcLabel, i);
          TaArcLabel *dst = &g_array_index (sorted, TaArcLabel, remap[i]);

          *dst = *src;
          dst->color = colors ? ta_color_map_lookup (colors, src->name) : ta_palette_color (src->name);
          src->name = NULL;
        }
      g_array_unref (labels);
      self->labels[m] = sorted;
      for (guint i = 0; i < self->arcs->len; i++)
        {
          TaArc *a = &g_array_index (self->arcs, TaArc, i);

          a->label[m] = remap[a->label[m]];
        }
    }

  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    {
      g_hash_table_unref (type_labels[m]);
      g_free (rec_label[m]);
    }
  if (n_recs == 0)
    self->first_minute = self->last_minute = 0;
  return self;
}

guint
ta_arc_model_get_n_rows (TaArcModel *self)
{
  return self->rows->len;
}

const TaArcRow *
ta_arc_model_get_row (TaArcModel *self,
                      guint       row)
{
  g_return_val_if_fail (row < self->rows->len, NULL);
  return &g_array_index (self->rows, TaArcRow, row);
}

gint
ta_arc_model_find_row (TaArcModel *self,
                       gint64      id)
{
  return (gint) GPOINTER_TO_UINT (g_hash_table_lookup (self->row_of_id, &id)) - 1;
}

const TaArc *
ta_arc_model_get_arcs (TaArcModel *self,
                       guint      *n_arcs)
{
  if (n_arcs)
    *n_arcs = self->arcs->len;
  return (const TaArc *) (gpointer) self->arcs->data;
}

guint
ta_arc_model_get_n_labels (TaArcModel  *self,
                           TaLabelMode  mode)
{
  return self->labels[mode]->len;
}

const TaArcLabel *
ta_arc_model_get_label (TaArcModel  *self,
                        TaLabelMode  mode,
                        guint        index)
{
  g_return_val_if_fail (index < self->labels[mode]->len, NULL);
  return &g_array_index (self->labels[mode], TaArcLabel, index);
}

void
ta_arc_model_get_minutes (TaArcModel *self,
                          gint64     *first,
                          gint64     *last)
{
  if (first)
    *first = self->first_minute;
  if (last)
    *last = self->last_minute;
}

void
ta_arc_model_get_order_cost (TaArcModel *self,
                             double     *seed_cost,
                             double     *final_cost)
{
  if (seed_cost)
    *seed_cost = self->seed_cost;
  if (final_cost)
    *final_cost = self->final_cost;
}

/* Geometry */

double
ta_view_geom_x_of_minute (const TaViewGeom *geom,
                          double            minute)
{
  double span = MAX (1e-9, geom->t1 - geom->t0);
  double u = (minute - geom->t0) / span;

  if (geom->lens && u >= 0 && u <= 1)
    u = ta_lens_band_apply (&geom->time_lens, u);
  return geom->x + u * geom->width;
}

double
ta_view_geom_minute_at_x (const TaViewGeom *geom,
                          double            x)
{
  double u = geom->width > 0 ? (x - geom->x) / geom->width : 0;

  if (geom->lens && u >= 0 && u <= 1)
    u = ta_lens_band_invert (&geom->time_lens, u);
  return geom->t0 + u * (geom->t1 - geom->t0);
}

double
ta_view_geom_y_of_row (const TaViewGeom *geom,
                       double            row)
{
  double v;

  if (geom->n_rows == 0)
    return geom->y;
  v = (row + 0.5) / geom->n_rows;
  if (geom->lens)
    v = ta_lens_cosine_apply (&geom->row_lens, v);
  return geom->y + v * geom->height;
}

double
ta_view_geom_row_at_y (const TaViewGeom *geom,
                       double            y)
{
  double v = geom->height > 0 ? (y - geom->y) / geom->height : 0;

  v = CLAMP (v, 0, 1);
  if (geom->lens)
    v = ta_lens_cosine_invert (&geom->row_lens, v);
  return v * geom->n_rows - 0.5;
}

double
ta_arc_width_for_count (guint64 count,
                        guint64 max_count)
{
  double lmax;

  if (max_count <= 1 || count <= 1)
    return 1.0;
  lmax = log ((double) max_count);
  return 1.0 + 3.0 * MIN (1.0, log ((double) count) / lmax);
}

gint
ta_row_hit_test (const TaViewGeom *geom,
                 double            y)
{
  double r;
  gint row;

  if (geom->n_rows == 0 || y < geom->y || y > geom->y + geom->height)
    return -1;
  r = ta_view_geom_row_at_y (geom, y);
  row = (gint) floor (r + 0.5);
  return CLAMP (row, 0, (gint) geom->n_rows - 1);
}

/* Aggregation */

#define LOCAL_TABLE_SIZE 4096   /* power of two; 64 KiB */
#define LOCAL_TABLE_FILL 2048

typedef struct
{
  guint32 gen;
  guint32 slot;   /* index in out */
  guint32 y1, y2;
  guint32 label;
} Bucket;

struct _TaArcAggregator
{
  GArray  *out;       /* TaDrawArc */
  Bucket  *table;
  guint32  gen;
  float   *row_y;
  guint32 *row_cell;
  guint    row_y_len;
  guint    cell;
  guint    n_visible;
  guint    n_rows;
  guint    n_merged;    /* draw arcs before the ink cap */
  guint32 *keep;
  guint    keep_len;
};

TaArcAggregator *
ta_arc_aggregator_new (void)
{
  TaArcAggregator *self = g_new0 (TaArcAggregator, 1);

  self->out = g_array_new (FALSE, FALSE, sizeof (TaDrawArc));
  self->table = g_new0 (Bucket, LOCAL_TABLE_SIZE);
  return self;
}

void
ta_arc_aggregator_free (TaArcAggregator *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->out);
  g_free (self->table);
  g_free (self->row_y);
  g_free (self->row_cell);
  g_free (self->keep);
  g_free (self);
}

guint
ta_arc_aggregator_get_cell (TaArcAggregator *self)
{
  return self->cell;
}

guint
ta_arc_aggregator_get_n_visible (TaArcAggregator *self)
{
  return self->n_visible;
}

guint
ta_arc_aggregator_get_n_merged (TaArcAggregator *self)
{
  return self->n_merged;
}

/* Keep the arcs with the most packets until `max_ink` is spent, in their
 * original (x) order. Runs every frame when zoomed out over many arcs, so no
 * comparison sort: a stable three-pass radix sort (11-bit digits) of the
 * indices by count, descending with ties in x order; the kept ones are then
 * compacted in place, which keeps x order without sorting again. */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

static inline guint32
count_key (const TaDrawArc *a)
{
  /* ascending key is descending count */
  return ~(guint32) MIN (a->count, G_MAXUINT32);
}

static void
cap_ink (TaArcAggregator *self,
         double           max_ink)
{
  guint n = self->out->len;
  TaDrawArc *d = (TaDrawArc *) (gpointer) self->out->data;
  g_autofree guint32 *tmp = NULL;
  g_autofree guint8 *kept_flag = NULL;
  guint hist[3][RADIX_SIZE + 1];
  guint32 *src, *dst;
  double ink = 0;
  guint kept = 0, out = 0;

  if (self->keep_len < n)
    {
      g_free (self->keep);
      self->keep = g_new (guint32, n);
      self->keep_len = n;
    }
  tmp = g_new (guint32, n);

  memset (hist, 0, sizeof hist);
  for (guint i = 0; i < n; i++)
    {
      guint32 key = count_key (&d[i]);

      for (guint p = 0; p < 3; p++)
        hist[p][((key >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)) + 1]++;
    }
  for (guint p = 0; p < 3; p++)
    for (guint b = 0; b < RADIX_SIZE; b++)
      hist[p][b + 1] += hist[p][b];

  /* pass 0 from the identity order into tmp, 1 into keep, 2 into tmp… */
  src = self->keep;
  for (guint i = 0; i < n; i++)
    src[i] = i;
  dst = tmp;
  for (guint p = 0; p < 3; p++)
    {
      guint32 *t;

      for (guint j = 0; j < n; j++)
        {
          guint32 key = count_key (&d[src[j]]);

          dst[hist[p][(key >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++] = src[j];
        }
      t = src;
      src = dst;
      dst = t;
    }
  /* after three passes the sorted order is in src (== tmp) */

  kept_flag = g_new0 (guint8, n);
  while (kept < n && ink < max_ink)
    {
      guint32 i = src[kept++];
      const TaDrawArc *a = &d[i];

      kept_flag[i] = 1;
      ink += G_PI / 2 * fabs (a->y2 - a->y1) + 6;
    }
  for (guint i = 0; i < n; i++)
    if (kept_flag[i])
      d[out++] = d[i];
  g_array_set_size (self->out, out);
}

guint64
ta_arc_model_get_max_count (TaArcModel *model)
{
  return model->max_count;
}

static guint
first_arc_at (const TaArc *arcs,
              guint        n,
              double       minute)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if ((double) arcs[mid].minute < minute)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static inline void
next_gen (TaArcAggregator *self)
{
  if (++self->gen == 0)
    {
      memset (self->table, 0, sizeof (Bucket) * LOCAL_TABLE_SIZE);
      self->gen = 1;
    }
}

static double
aggregate_pass (TaArcAggregator  *self,
                const TaArc      *arcs,
                guint             begin,
                guint             end,
                const TaViewGeom *geom,
                TaLabelMode       mode,
                const gboolean   *hidden,
                guint             cell)
{
  double last_minute = -1;
  double last_x = 0;
  double ink = 0;
  gint64 cur_col = G_MININT64;
  guint col_fill = 0;

  g_array_set_size (self->out, 0);
  self->n_visible = 0;
  for (guint r = 0; r < self->n_rows; r++)
    self->row_cell[r] = (guint32) MAX (0, floor (self->row_y[r] - geom->y)) / cell;

  next_gen (self);
  for (guint i = begin; i < end; i++)
    {
      const TaArc *a = &arcs[i];
      guint32 label = a->label[mode];
      guint32 y1c, y2c;
      gint64 col;
      double x;
      guint h;

      if (hidden && hidden[label])
        continue;
      if (a->minute != last_minute)
        {
          last_minute = a->minute;
          last_x = ta_view_geom_x_of_minute (geom, a->minute);
        }
      x = last_x;
      if (x < geom->x - 0.5 || x > geom->x + geom->width + 0.5)
        continue;
      self->n_visible++;
      col = (gint64) floor ((x - geom->x) / cell);
      if (col != cur_col || col_fill >= LOCAL_TABLE_FILL)
        {
          cur_col = col;
          col_fill = 0;
          next_gen (self);
        }
      y1c = self->row_cell[a->src_row];
      y2c = self->row_cell[a->dst_row];
      h = (y1c * 73856093u) ^ (y2c * 19349663u) ^ (label * 2654435761u);
      h ^= h >> 15;
      for (h &= LOCAL_TABLE_SIZE - 1; ; h = (h + 1) & (LOCAL_TABLE_SIZE - 1))
        {
          Bucket *b = &self->table[h];

          if (b->gen != self->gen)
            {
              TaDrawArc d;

              b->gen = self->gen;
              b->y1 = y1c;
              b->y2 = y2c;
              b->label = label;
              b->slot = self->out->len;
              col_fill++;
              d.x = (float) x;
              d.y1 = self->row_y[a->src_row];
              d.y2 = self->row_y[a->dst_row];
              d.label = label;
              d.arc = i;
              d.count = a->count;
              d.width = 0;
              g_array_append_val (self->out, d);
              ink += G_PI / 2 * fabs (d.y2 - d.y1) + 6;
              break;
            }
          if (b->y1 == y1c && b->y2 == y2c && b->label == label)
            {
              TaDrawArc *d = &g_array_index (self->out, TaDrawArc, b->slot);

              if (a->count > arcs[d->arc].count)
                {
                  ink += G_PI / 2 * (fabs (self->row_y[a->src_row] - self->row_y[a->dst_row]) - fabs (d->y2 - d->y1));
                  d->arc = i;
                  d->x = (float) x;
                  d->y1 = self->row_y[a->src_row];
                  d->y2 = self->row_y[a->dst_row];
                }
              d->count += a->count;
              break;
            }
        }
    }
  return ink;
}

const TaDrawArc *
ta_arc_aggregate (TaArcAggregator  *self,
                  TaArcModel       *model,
                  const TaViewGeom *geom,
                  TaLabelMode       mode,
                  const gboolean   *hidden,
                  double            max_ink,
                  guint            *n_out)
{
  const TaArc *arcs;
  guint n_arcs, begin, end, n_rows;
  guint64 max_count;
  double ink = 0;
  guint cell = 1;

  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  n_rows = ta_arc_model_get_n_rows (model);
  self->n_rows = n_rows;

  if (n_rows > self->row_y_len)
    {
      g_free (self->row_y);
      g_free (self->row_cell);
      self->row_y = g_new (float, n_rows);
      self->row_cell = g_new (guint32, n_rows);
      self->row_y_len = n_rows;
    }
  for (guint r = 0; r < n_rows; r++)
    self->row_y[r] = (float) ta_view_geom_y_of_row (geom, r);

  max_count = ta_arc_model_get_max_count (model);
  begin = first_arc_at (arcs, n_arcs, floor (geom->t0));
  end = first_arc_at (arcs, n_arcs, ceil (geom->t1) + 1);

  /* merge at 1 px; while the result needs more ink than allowed, double
   * the cell and merge again */
  ink = aggregate_pass (self, arcs, begin, end, geom, mode, hidden, cell);
  if (max_ink > 0 && ink > max_ink)
    {
      /* merging in cells of c px cuts the ink roughly by c²: jump there,
       * then to the largest cell if that was not enough */
      while (cell < 64 && (double) cell * cell < ink / max_ink)
        cell *= 2;
      ink = aggregate_pass (self, arcs, begin, end, geom, mode, hidden, cell);
      if (ink > 2 * max_ink && cell < 64)
        {
          cell = 64;
          ink = aggregate_pass (self, arcs, begin, end, geom, mode, hidden, cell);
        }
    }
  self->cell = cell;
  self->n_merged = self->out->len;

  /* still too much to draw in a frame: the largest first, and say so */
  if (max_ink > 0 && ink > 2 * max_ink)
    cap_ink (self, 2 * max_ink);

  for (guint i = 0; i < self->out->len; i++)
    {
      TaDrawArc *d = &g_array_index (self->out, TaDrawArc, i);

      d->width = (float) ta_arc_width_for_count (d->count, max_count);
    }

  *n_out = self->out->len;
  return (const TaDrawArc *) (gpointer) self->out->data;
}

/* Hit testing */

static double
arc_distance (double x,
              double y1,
              double y2,
              double px,
              double py)
{
  double cy = (y1 + y2) / 2;
  double r = fabs (y2 - y1) / 2;
  gboolean right = y1 < y2;    /* clockwise from source to destination */

  if (r < 1.0)
    {
      /* self-link, drawn as a small loop of radius 3 to the right */
      return fabs (hypot (px - (x + 3), py - y1) - 3);
    }
  if ((right && px >= x) || (!right && px <= x))
    return fabs (hypot (px - x, py - cy) - r);
  return MIN (hypot (px - x, py - y1), hypot (px - x, py - y2));
}

gint
ta_arc_hit_test (TaArcModel       *model,
                 const TaViewGeom *geom,
                 TaLabelMode       mode,
                 const gboolean   *hidden,
                 double            px,
                 double            py,
                 double            tolerance)
{
  const TaArc *arcs;
  guint n_arcs, begin, end;
  guint64 max_count = ta_arc_model_get_max_count (model);
  double best = G_MAXDOUBLE;
  gint best_arc = -1;

  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  begin = first_arc_at (arcs, n_arcs, floor (geom->t0));
  end = first_arc_at (arcs, n_arcs, ceil (geom->t1) + 1);

  for (guint i = begin; i < end; i++)
    {
      const TaArc *a = &arcs[i];
      double x, y1, y2, d;

      if (hidden && hidden[a->label[mode]])
        continue;
      x = ta_view_geom_x_of_minute (geom, a->minute);
      if (x < geom->x - 0.5 || x > geom->x + geom->width + 0.5)
        continue;
      y1 = ta_view_geom_y_of_row (geom, a->src_row);
      y2 = ta_view_geom_y_of_row (geom, a->dst_row);
      if (py < MIN (y1, y2) - tolerance - 4 || py > MAX (y1, y2) + tolerance + 4)
        continue;
      d = arc_distance (x, y1, y2, px, py) - ta_arc_width_for_count (a->count, max_count) / 2;
      /* prefer the arc drawn last (on top) among equals */
      if (d <= tolerance && d <= best)
        {
          best = d;
          best_arc = i;
        }
    }
  return best_arc;
}

/* Selections */

TaArcSelection *
ta_arc_selection_new (void)
{
  TaArcSelection *sel = g_new0 (TaArcSelection, 1);

  sel->rows = g_array_new (FALSE, FALSE, sizeof (guint32));
  sel->arcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  sel->t_start = sel->t_end = -1;
  return sel;
}

void
ta_arc_selection_free (TaArcSelection *sel)
{
  if (sel == NULL)
    return;
  g_array_unref (sel->rows);
  g_array_unref (sel->arcs);
  g_free (sel);
}

void
ta_arc_selection_clear (TaArcSelection *sel)
{
  g_array_set_size (sel->rows, 0);
  g_array_set_size (sel->arcs, 0);
  sel->t_start = sel->t_end = -1;
  sel->packets = 0;
}

static void
recount (TaArcModel     *model,
         TaArcSelection *sel)
{
  const TaArc *arcs = ta_arc_model_get_arcs (model, NULL);

  sel->packets = 0;
  for (guint i = 0; i < sel->arcs->len; i++)
    sel->packets += arcs[g_array_index (sel->arcs, guint32, i)].count;
}

void
ta_arc_select_arc (TaArcModel     *model,
                   guint           arc,
                   TaArcSelection *out)
{
  const TaArc *arcs;
  guint n_arcs;
  guint32 a, b;

  ta_arc_selection_clear (out);
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  g_return_if_fail (arc < n_arcs);
  a = MIN (arcs[arc].src_row, arcs[arc].dst_row);
  b = MAX (arcs[arc].src_row, arcs[arc].dst_row);
  g_array_append_val (out->rows, a);
  if (b != a)
    g_array_append_val (out->rows, b);
  g_array_append_val (out->arcs, arc);
  out->t_start = out->t_end = arcs[arc].minute;
  recount (model, out);
}

void
ta_arc_select_row (TaArcModel     *model,
                   TaLabelMode     mode,
                   const gboolean *hidden,
                   guint           row,
                   TaArcSelection *out)
{
  const TaArc *arcs;
  guint n_arcs;
  guint32 r = row;

  ta_arc_selection_clear (out);
  g_return_if_fail (row < ta_arc_model_get_n_rows (model));
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  g_array_append_val (out->rows, r);
  for (guint32 i = 0; i < n_arcs; i++)
    if ((arcs[i].src_row == row || arcs[i].dst_row == row) &&
        !(hidden && hidden[arcs[i].label[mode]]))
      g_array_append_val (out->arcs, i);
  recount (model, out);
}

void
ta_arc_select_brush (TaArcModel       *model,
                     const TaViewGeom *geom,
                     TaLabelMode       mode,
                     const gboolean   *hidden,
                     double            x0,
                     double            y0,
                     double            x1,
                     double            y1,
                     TaArcSelection   *out)
{
  const TaArc *arcs;
  guint n_arcs, n_rows;
  g_autofree gboolean *in_rows = NULL;
  double ta, tb, ra, rb;

  ta_arc_selection_clear (out);
  arcs = ta_arc_model_get_arcs (model, &n_arcs);
  n_rows = ta_arc_model_get_n_rows (model);
  if (n_rows == 0)
    return;

  if (x1 < x0) { double t = x0; x0 = x1; x1 = t; }
  if (y1 < y0) { double t = y0; y0 = y1; y1 = t; }
  x0 = CLAMP (x0, geom->x, geom->x + geom->width);
  x1 = CLAMP (x1, geom->x, geom->x + geom->width);

  /* minutes whose x lies in [x0, x1] */
  ta = ceil (ta_view_geom_minute_at_x (geom, x0) - 1e-9);
  tb = floor (ta_view_geom_minute_at_x (geom, x1) + 1e-9);
  /* a narrow brush inside one minute still selects that minute */
  if (tb < ta)
    ta = tb = floor (ta_view_geom_minute_at_x (geom, (x0 + x1) / 2) + 0.5);

  /* rows whose centre is inside [y0, y1]; row centres are monotonic */
  ra = ceil (ta_view_geom_row_at_y (geom, y0) - 1e-9);
  rb = floor (ta_view_geom_row_at_y (geom, y1) + 1e-9);
  ra = MAX (ra, 0);
  rb = MIN (rb, (double) n_rows - 1);

  out->t_start = (gint64) ta;
  out->t_end = (gint64) tb;
  if (rb < ra)
    return;

  in_rows = g_new0 (gboolean, n_rows);
  for (guint32 r = (guint32) ra; r <= (guint32) rb; r++)
    {
      in_rows[r] = TRUE;
      g_array_append_val (out->rows, r);
    }
  for (guint32 i = first_arc_at (arcs, n_arcs, ta); i < n_arcs && arcs[i].minute <= tb; i++)
    if ((in_rows[arcs[i].src_row] || in_rows[arcs[i].dst_row]) &&
        !(hidden && hidden[arcs[i].label[mode]]))
      g_array_append_val (out->arcs, i);
  recount (model, out);
}

static int
compare_u32 (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : (x > y);
}

static void
union_sorted (GArray       *into,
              const GArray *other)
{
  guint n = into->len;

  g_array_append_vals (into, other->data, other->len);
  g_array_sort (into, compare_u32);
  /* dedup */
  n = 0;
  for (guint i = 0; i < into->len; i++)
    if (n == 0 || g_array_index (into, guint32, n - 1) != g_array_index (into, guint32, i))
      g_array_index (into, guint32, n++) = g_array_index (into, guint32, i);
  g_array_set_size (into, n);
}

void
ta_arc_selection_union (TaArcModel           *model,
                        TaArcSelection       *into,
                        const TaArcSelection *other)
{
  gboolean into_empty = into->rows->len == 0 && into->arcs->len == 0 && into->t_start < 0;

  if (into_empty)
    {
      into->t_start = other->t_start;
      into->t_end = other->t_end;
    }
  else if (into->t_start < 0 || other->t_start < 0)
    into->t_start = into->t_end = -1;
  else
    {
      into->t_start = MIN (into->t_start, other->t_start);
      into->t_end = MAX (into->t_end, other->t_end);
    }
  union_sorted (into->rows, other->rows);
  union_sorted (into->arcs, other->arcs);
  recount (model, into);
}
