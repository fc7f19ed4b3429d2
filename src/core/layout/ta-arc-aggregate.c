/* ta-arc-aggregate.c — the arcs to draw at a zoom: arcs in one pixel cell
 * merged, the ink capped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-arc-model-private.h"

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
  begin = ta_arc_first_at (arcs, n_arcs, floor (geom->t0));
  end = ta_arc_first_at (arcs, n_arcs, ceil (geom->t1) + 1);

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
