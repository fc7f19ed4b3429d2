/* ta-arc-model.c — the TimeArcs model: attack records merged into arcs
 * between ordered IP rows, with their labels; the view geometry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-arc-model-private.h"

/* The model */

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

/* What ta_arc_model_new() builds on its way: the IP ids as nodes (with
 * their first minute), the records' sort keys and labels, and one ordering
 * edge per arc */
typedef struct
{
  GArray     *nodes;       /* gint64 id */
  GArray     *first;       /* gint64 first minute, per node */
  GArray     *edges;       /* TaRowEdge */
  GHashTable *node_of_id;  /* gint64* -> node */
  RecKey     *keys;
  guint32    *rec_label[TA_N_LABEL_MODES];
  GHashTable *label_index[TA_N_LABEL_MODES];
} ModelBuild;

static guint32
intern_node (ModelBuild *b,
             gint64      id,
             gint64      minute)
{
  gpointer v;
  guint32 idx;

  if (g_hash_table_lookup_extended (b->node_of_id, &id, NULL, &v))
    {
      idx = GPOINTER_TO_UINT (v);
      g_array_index (b->first, gint64, idx) = MIN (g_array_index (b->first, gint64, idx), minute);
      return idx;
    }
  g_array_append_val (b->nodes, id);
  g_array_append_val (b->first, minute);
  idx = b->nodes->len - 1;
  g_hash_table_insert (b->node_of_id, g_memdup2 (&id, sizeof (gint64)), GUINT_TO_POINTER (idx));
  return idx;
}

/* nodes, labels, sort keys and the time range of the records */
static void
collect_records (TaArcModel           *self,
                 ModelBuild           *b,
                 const TaAttackRecord *recs,
                 guint                 n_recs,
                 TaLabelMap           *types,
                 TaLabelMap           *groups)
{
  for (guint i = 0; i < n_recs; i++)
    {
      const TaAttackRecord *r = &recs[i];
      guint32 src = intern_node (b, r->src_id, r->minute);
      guint32 dst = intern_node (b, r->dst_id, r->minute);

      b->keys[i] = (RecKey) { r->minute, src, dst, r->attack, r->group, i };
      for (guint m = 0; m < TA_N_LABEL_MODES; m++)
        b->rec_label[m][i] = intern_label (self->labels[m], b->label_index[m],
                                           ta_attack_record_label (r, types, groups, m == TA_LABEL_MODE_GROUP));
      self->first_minute = MIN (self->first_minute, r->minute);
      self->last_minute = MAX (self->last_minute, r->minute);
    }
}

/* merge records (sorted keys) into arcs; one ordering edge per arc */
static void
merge_arcs (TaArcModel           *self,
            ModelBuild           *b,
            const TaAttackRecord *recs,
            guint                 n_recs)
{
  const RecKey *keys = b->keys;

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
        arc.label[m] = b->rec_label[m][keys[i].record];
      for (guint k = i; k < j; k++)
        {
          arc.count += recs[keys[k].record].count;
          arc.record = MIN (arc.record, keys[k].record);
        }
      g_array_append_val (self->arcs, arc);
      if (arc.src_row != arc.dst_row)
        {
          TaRowEdge e = { arc.src_row, arc.dst_row, 1 };
          g_array_append_val (b->edges, e);
        }
      i = j;
    }
}

/* rows in the order that shortens the arcs, named from the IP map; returns
 * the row of each node */
static guint32 *
order_rows (TaArcModel *self,
            ModelBuild *b,
            TaIpMap    *ip_map)
{
  guint n = b->nodes->len;
  const TaRowEdge *edges = (TaRowEdge *) (gpointer) b->edges->data;
  const gint64 *first = (gint64 *) (gpointer) b->first->data;
  const gint64 *ids = (gint64 *) (gpointer) b->nodes->data;
  g_autofree guint32 *order = g_new (guint32, MAX (1, n));
  g_autofree guint32 *seed = g_new (guint32, MAX (1, n));
  guint32 *row_of_node = g_new (guint32, MAX (1, n));

  for (guint i = 0; i < n; i++)
    order[i] = i;
  ta_arc_order_rows (n, edges, b->edges->len, first, ids, 0, seed);
  self->seed_cost = ta_arc_total_length (n, edges, b->edges->len, seed);
  ta_arc_order_rows (n, edges, b->edges->len, first, ids, 16, order);
  self->final_cost = ta_arc_total_length (n, edges, b->edges->len, order);

  for (guint i = 0; i < n; i++)
    {
      guint32 node = order[i];
      TaArcRow row = { 0 };
      const char *addr = ip_map ? ta_ip_map_lookup_id (ip_map, ids[node]) : NULL;
      gint64 *key = g_new (gint64, 1);

      row.id = ids[node];
      row.name = addr ? g_strdup (addr) : g_strdup_printf ("#%" G_GINT64_FORMAT, row.id);
      row.first_minute = first[node];
      g_array_append_val (self->rows, row);
      row_of_node[node] = i;
      *key = row.id;
      g_hash_table_insert (self->row_of_id, key, GUINT_TO_POINTER (i + 1));
    }
  return row_of_node;
}

/* arcs point at rows; rows and labels count their packets */
static void
count_arcs (TaArcModel    *self,
            const guint32 *row_of_node)
{
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
}

/* labels of mode @m sorted by packets, coloured; arc label indices remapped */
static void
sort_labels (TaArcModel  *self,
             TaLabelMode  m,
             TaColorMap  *colors)
{
  GArray *labels = self->labels[m];
  g_autofree guint32 *remap = g_new (guint32, MAX (1, labels->len));
  GArray *sorted = g_array_sized_new (FALSE, TRUE, sizeof (TaArcLabel), labels->len);

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

TaArcModel *
ta_arc_model_new (TaAttackData *data,
                  TaIpMap      *ip_map,
                  TaLabelMap   *types,
                  TaLabelMap   *groups,
                  TaColorMap   *type_colors,
                  TaColorMap   *group_colors)
{
  TaArcModel *self;
  ModelBuild b = { 0 };
  g_autofree guint32 *row_of_node = NULL;
  const TaAttackRecord *recs;
  guint n_recs = 0;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_new0 (TaArcModel, 1);
  self->max_count = 1;
  self->rows = g_array_new (FALSE, TRUE, sizeof (TaArcRow));
  g_array_set_clear_func (self->rows, clear_row);
  self->arcs = g_array_new (FALSE, FALSE, sizeof (TaArc));
  self->row_of_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    {
      self->labels[m] = g_array_new (FALSE, TRUE, sizeof (TaArcLabel));
      g_array_set_clear_func (self->labels[m], clear_label);
    }

  recs = ta_attack_data_get_records (data, &n_recs);
  b.nodes = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.first = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.edges = g_array_new (FALSE, FALSE, sizeof (TaRowEdge));
  b.node_of_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  b.keys = g_new (RecKey, MAX (1, n_recs));
  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    {
      b.rec_label[m] = g_new (guint32, MAX (1, n_recs));
      b.label_index[m] = g_hash_table_new (g_str_hash, g_str_equal);
    }
  self->first_minute = G_MAXINT64;
  self->last_minute = G_MININT64;

  collect_records (self, &b, recs, n_recs, types, groups);
  qsort (b.keys, n_recs, sizeof (RecKey), compare_reckey);
  merge_arcs (self, &b, recs, n_recs);
  row_of_node = order_rows (self, &b, ip_map);
  count_arcs (self, row_of_node);
  sort_labels (self, TA_LABEL_MODE_TYPE, type_colors);
  sort_labels (self, TA_LABEL_MODE_GROUP, group_colors);

  for (guint m = 0; m < TA_N_LABEL_MODES; m++)
    {
      g_hash_table_unref (b.label_index[m]);
      g_free (b.rec_label[m]);
    }
  g_free (b.keys);
  g_hash_table_unref (b.node_of_id);
  g_array_unref (b.edges);
  g_array_unref (b.first);
  g_array_unref (b.nodes);
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

guint64
ta_arc_model_get_max_count (TaArcModel *model)
{
  return model->max_count;
}
