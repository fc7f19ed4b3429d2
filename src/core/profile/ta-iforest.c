/* ta-iforest.c — isolation forest: reservoir sample, trees, scores, summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-iforest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EULER_GAMMA 0.5772156649

/* Random-number streams drawn from one seed */
#define STREAM_RESERVOIR 1
#define STREAM_TREES     2

/* -- xoshiro256** seeded through splitmix64 -- */

typedef struct
{
  guint64 s[4];
} Rng;

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
rng_init (Rng     *rng,
          guint64  seed,
          guint64  stream)
{
  guint64 x = seed ^ (stream * G_GUINT64_CONSTANT (0xd1b54a32d192ed03));

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
rng_next (Rng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n), n > 0, without modulo bias */
static guint64
rng_below (Rng     *rng,
           guint64  n)
{
  guint64 threshold = (0 - n) % n;

  for (;;)
    {
      guint64 r = rng_next (rng);

      if (r >= threshold)
        return r % n;
    }
}

/* Uniform in [0, 1), 53 bits */
static double
rng_double (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

double
ta_iforest_c (guint64 n)
{
  double m;

  if (n <= 1)
    return 0.0;
  if (n == 2)
    return 1.0;
  m = (double) (n - 1);
  return 2.0 * (log (m) + EULER_GAMMA) - 2.0 * m / (double) n;
}

static TaIforestOptions
options_resolve (const TaIforestOptions *options)
{
  TaIforestOptions o = { 0 };

  if (options != NULL)
    o = *options;
  if (o.n_trees == 0)
    o.n_trees = TA_IFOREST_DEFAULT_TREES;
  if (o.subsample == 0)
    o.subsample = TA_IFOREST_DEFAULT_SUBSAMPLE;
  o.subsample = MIN (o.subsample, TA_IFOREST_MAX_SUBSAMPLE);
  if (o.reservoir == 0)
    o.reservoir = TA_IFOREST_DEFAULT_RESERVOIR;
  return o;
}

/* -- the reservoir (Vitter's algorithm R) -- */

struct _TaIforestTrainer
{
  guint            n_features;
  TaIforestOptions options;
  guint64          n_seen;
  guint            n_kept;
  gsize            capacity;    /* rows allocated, ≤ options.reservoir */
  double          *rows;
  Rng              rng;
};

TaIforestTrainer *
ta_iforest_trainer_new (guint                   n_features,
                        const TaIforestOptions *options)
{
  TaIforestTrainer *self;

  g_return_val_if_fail (n_features >= 1 && n_features <= TA_IFOREST_MAX_FEATURES, NULL);

  self = g_new0 (TaIforestTrainer, 1);
  self->n_features = n_features;
  self->options = options_resolve (options);
  rng_init (&self->rng, self->options.seed, STREAM_RESERVOIR);
  return self;
}

static double *
trainer_slot (TaIforestTrainer *self,
              gsize             i)
{
  return self->rows + i * self->n_features;
}

void
ta_iforest_trainer_add (TaIforestTrainer *self,
                        const double     *row)
{
  gsize row_bytes;
  guint64 j;

  g_return_if_fail (self != NULL && row != NULL);

  row_bytes = self->n_features * sizeof (double);
  if (self->n_seen < self->options.reservoir)
    {
      if (self->n_kept == self->capacity)
        {
          self->capacity = MIN (MAX (self->capacity * 2, 64), self->options.reservoir);
          self->rows = g_realloc_n (self->rows, self->capacity, row_bytes);
        }
      memcpy (trainer_slot (self, self->n_kept), row, row_bytes);
      self->n_kept++;
    }
  else
    {
      /* row number n_seen (from 0) is kept with probability k / (n_seen + 1) */
      j = rng_below (&self->rng, self->n_seen + 1);
      if (j < self->options.reservoir)
        memcpy (trainer_slot (self, j), row, row_bytes);
    }
  self->n_seen++;
}

guint64
ta_iforest_trainer_n_seen (const TaIforestTrainer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_seen;
}

guint
ta_iforest_trainer_n_kept (const TaIforestTrainer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_kept;
}

const double *
ta_iforest_trainer_row (const TaIforestTrainer *self,
                        guint                   i)
{
  g_return_val_if_fail (self != NULL && i < self->n_kept, NULL);
  return self->rows + (gsize) i * self->n_features;
}

void
ta_iforest_trainer_free (TaIforestTrainer *self)
{
  if (self == NULL)
    return;
  g_free (self->rows);
  g_free (self);
}

/* -- the forest --
 *
 * A tree is a complete binary tree of `depth` levels of inner nodes:
 * inner node i (0 = root) has children 2i+1 and 2i+2, nodes n_inner …
 * 2·n_inner are the leaves. A leaf above the last level is padded: the
 * inner nodes under it have split +inf (nothing is greater: everything
 * goes left) and all leaves under it hold its path length.
 *
 * Node i of tree t is split[t·n_leaves + i] (feature[] alike; slot
 * n_leaves − 1 of each tree is unused), leaf j is leaf[t·n_leaves + j].
 * Trees are walked in groups of GROUP from one base pointer: in a group,
 * the position p = k·n_leaves + i of node i of tree k has its children at
 * 2p + 1 − k·n_leaves (+1), so the group's walks fit in registers. The
 * last group is padded with trees that are all pass-through, never
 * counted. */

#define GROUP 8   /* ta_iforest_path_length() walks eight trees at a time */

struct _TaIforest
{
  guint    n_trees;
  guint    n_features;
  guint    psi;
  guint    depth;
  gsize    n_inner;     /* 2^depth − 1 */
  gsize    n_leaves;    /* 2^depth */
  guint    n_groups;
  double   c_psi;
  double  *split;
  guint16 *feature;
  double  *leaf;
};

typedef struct
{
  TaIforest     *forest;
  double        *split;      /* this tree's */
  guint16       *feature;
  double        *leaf;
  Rng           *rng;
  guint16       *features;   /* a permutation of the features, drawn from */
} Builder;

static void
builder_leaf (Builder *b,
              gsize    node,
              guint    depth,
              double   value)
{
  guint below = b->forest->depth - depth;
  gsize first = ((node + 1) << below) - 1 - b->forest->n_inner;
  gsize count = (gsize) 1 << below;

  for (gsize j = 0; j < count; j++)
    b->leaf[first + j] = value;
}

/* Draws features without replacement until one is not constant on the
 * rows; FALSE when all are. NaN values are left out of min and max. */
static gboolean
builder_pick_split (Builder       *b,
                    const double **rows,
                    gsize          n,
                    guint16       *feature_out,
                    double        *split_out)
{
  guint nf = b->forest->n_features;

  for (guint k = 0; k < nf; k++)
    {
      guint j = k + (guint) rng_below (b->rng, nf - k);
      guint16 f = b->features[j];
      double lo = INFINITY, hi = -INFINITY, split;

      b->features[j] = b->features[k];
      b->features[k] = f;
      for (gsize r = 0; r < n; r++)
        {
          double x = rows[r][f];

          if (x < lo)
            lo = x;
          if (x > hi)
            hi = x;
        }
      if (!(hi > lo))
        continue;
      split = lo + rng_double (b->rng) * (hi - lo);
      /* rounding, or hi − lo overflowing: split at lo keeps both sides
       * non-empty (x ≤ lo left, x > lo right) */
      if (!(split >= lo && split < hi))
        split = lo;
      *feature_out = f;
      *split_out = split;
      return TRUE;
    }
  return FALSE;
}

static void
builder_node (Builder       *b,
              gsize          node,
              guint          depth,
              const double **rows,
              gsize          n)
{
  guint16 f = 0;
  double split = 0.0;
  gsize lo = 0, hi = n;

  if (depth == b->forest->depth || n <= 1
      || !builder_pick_split (b, rows, n, &f, &split))
    {
      builder_leaf (b, node, depth, (double) depth + ta_iforest_c (n));
      return;
    }

  /* rows [0, lo) go left (x ≤ split or NaN), [lo, n) right */
  while (lo < hi)
    {
      if (rows[lo][f] > split)
        {
          const double *tmp = rows[lo];

          rows[lo] = rows[hi - 1];
          rows[hi - 1] = tmp;
          hi--;
        }
      else
        lo++;
    }
  b->split[node] = split;
  b->feature[node] = f;
  builder_node (b, 2 * node + 1, depth + 1, rows, lo);
  builder_node (b, 2 * node + 2, depth + 1, rows + lo, n - lo);
}

static TaIforest *
forest_new (gsize                   n_rows,
            guint                   n_features,
            const TaIforestOptions *o)
{
  TaIforest *self = g_new0 (TaIforest, 1);
  gsize n_nodes;

  self->n_trees = o->n_trees;
  self->n_features = n_features;
  self->psi = (guint) MIN ((gsize) o->subsample, n_rows);
  /* scikit-learn: ceil(log2(max(ψ, 2))) */
  self->depth = 1;
  while (((gsize) 1 << self->depth) < self->psi)
    self->depth++;
  self->n_leaves = (gsize) 1 << self->depth;
  self->n_inner = self->n_leaves - 1;
  self->c_psi = ta_iforest_c (self->psi);

  self->n_groups = (self->n_trees + GROUP - 1) / GROUP;
  n_nodes = self->n_leaves * self->n_groups * GROUP;
  self->split = g_new (double, n_nodes);
  self->feature = g_new0 (guint16, n_nodes);
  self->leaf = g_new0 (double, self->n_leaves * self->n_groups * GROUP);
  for (gsize i = 0; i < n_nodes; i++)
    self->split[i] = INFINITY;
  return self;
}

static TaIforest *
forest_fit (const double           *rows,
            gsize                   n_rows,
            guint                   n_features,
            const TaIforestOptions *o)
{
  TaIforest *self;
  g_autofree guint *order = NULL;
  g_autofree const double **sample = NULL;
  g_autofree guint16 *features = NULL;
  Rng rng;
  Builder b = { 0 };

  if (n_rows == 0)
    return NULL;
  g_return_val_if_fail (n_rows <= G_MAXUINT, NULL);

  self = forest_new (n_rows, n_features, o);
  rng_init (&rng, o->seed, STREAM_TREES);
  order = g_new (guint, n_rows);
  for (gsize i = 0; i < n_rows; i++)
    order[i] = (guint) i;
  sample = g_new (const double *, self->psi);
  features = g_new (guint16, n_features);
  for (guint f = 0; f < n_features; f++)
    features[f] = (guint16) f;

  b.forest = self;
  b.rng = &rng;
  b.features = features;
  for (guint t = 0; t < self->n_trees; t++)
    {
      /* ψ rows without replacement: a partial Fisher–Yates shuffle */
      for (guint k = 0; k < self->psi; k++)
        {
          gsize j = k + (gsize) rng_below (&rng, n_rows - k);
          guint tmp = order[j];

          order[j] = order[k];
          order[k] = tmp;
          sample[k] = rows + (gsize) tmp * n_features;
        }
      b.split = self->split + (gsize) t * self->n_leaves;
      b.feature = self->feature + (gsize) t * self->n_leaves;
      b.leaf = self->leaf + (gsize) t * self->n_leaves;
      builder_node (&b, 0, 0, sample, self->psi);
    }
  return self;
}

TaIforest *
ta_iforest_fit (const TaIforestTrainer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return forest_fit (self->rows, self->n_kept, self->n_features, &self->options);
}

TaIforest *
ta_iforest_fit_rows (const double           *rows,
                     gsize                   n_rows,
                     guint                   n_features,
                     const TaIforestOptions *options)
{
  TaIforestOptions o = options_resolve (options);

  g_return_val_if_fail (n_features >= 1 && n_features <= TA_IFOREST_MAX_FEATURES, NULL);
  g_return_val_if_fail (rows != NULL || n_rows == 0, NULL);
  return forest_fit (rows, n_rows, n_features, &o);
}

/* One level down from position p of tree k in a group (stride: the
 * trees' n_leaves): right when x > split; NaN and pass-through nodes
 * (split +inf) go left */
#define STEP(p, k) \
  ((p) = 2 * (p) + 1 - (k) * stride + (gsize) (row[f[(p)]] > s[(p)]))

double
ta_iforest_tree_path_length (const TaIforest *self,
                             guint            tree,
                             const double    *row)
{
  const guint16 *f;
  const double *s;
  gsize stride = 0, p = 0;

  g_return_val_if_fail (self != NULL && row != NULL && tree < self->n_trees, NAN);

  f = self->feature + (gsize) tree * self->n_leaves;
  s = self->split + (gsize) tree * self->n_leaves;
  for (guint d = 0; d < self->depth; d++)
    STEP (p, 0);
  return self->leaf[(gsize) tree * self->n_leaves + p - self->n_inner];
}

/* The GROUP trees of a group walked side by side, each in a register:
 * their steps do not depend on each other, so the processor overlaps
 * their loads. The sum is taken in tree order, as
 * ta_iforest_tree_path_length() one by one would give it. */
double
ta_iforest_path_length (const TaIforest *self,
                        const double    *row)
{
  gsize stride;
  double sum = 0.0;

  g_return_val_if_fail (self != NULL && row != NULL, NAN);

  stride = self->n_leaves;
  for (guint g = 0; g < self->n_groups; g++)
    {
      const guint16 *f = self->feature + (gsize) g * GROUP * stride;
      const double *s = self->split + (gsize) g * GROUP * stride;
      const double *l = self->leaf + (gsize) g * GROUP * stride;
      gsize p[GROUP];
      gsize p0 = 0, p1 = stride, p2 = 2 * stride, p3 = 3 * stride;
      gsize p4 = 4 * stride, p5 = 5 * stride, p6 = 6 * stride, p7 = 7 * stride;
      guint m = MIN (GROUP, self->n_trees - g * GROUP);

      for (guint d = 0; d < self->depth; d++)
        {
          STEP (p0, 0);
          STEP (p1, 1);
          STEP (p2, 2);
          STEP (p3, 3);
          STEP (p4, 4);
          STEP (p5, 5);
          STEP (p6, 6);
          STEP (p7, 7);
        }
      p[0] = p0, p[1] = p1, p[2] = p2, p[3] = p3;
      p[4] = p4, p[5] = p5, p[6] = p6, p[7] = p7;
      /* p = k·n_leaves + i, i ≥ n_inner now: a leaf */
      for (guint k = 0; k < m; k++)
        sum += l[p[k] - self->n_inner];
    }
  return sum / self->n_trees;
}

double
ta_iforest_score (const TaIforest *self,
                  const double    *row)
{
  g_return_val_if_fail (self != NULL && row != NULL, NAN);

  /* ψ = 1: every path is 0 and c(1) = 0, nothing to tell rows apart */
  if (self->psi < 2)
    return 0.5;
  return exp2 (-ta_iforest_path_length (self, row) / self->c_psi);
}

guint
ta_iforest_n_trees (const TaIforest *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_trees;
}

guint
ta_iforest_n_features (const TaIforest *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_features;
}

guint
ta_iforest_subsample (const TaIforest *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->psi;
}

guint
ta_iforest_depth (const TaIforest *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->depth;
}

void
ta_iforest_free (TaIforest *self)
{
  if (self == NULL)
    return;
  g_free (self->split);
  g_free (self->feature);
  g_free (self->leaf);
  g_free (self);
}

/* -- the summary -- */

struct _TaIforestSummary
{
  guint            n_bins;
  double           threshold;
  guint            top_k;
  guint64          n;
  guint64          n_nan;
  guint64          n_above;
  guint64         *bins;
  TaIforestScored *heap;       /* min-heap: heap[0] is the worst kept */
  guint            n_heap;
};

TaIforestSummary *
ta_iforest_summary_new (guint  n_bins,
                        double threshold,
                        guint  top_k)
{
  TaIforestSummary *self = g_new0 (TaIforestSummary, 1);

  self->n_bins = n_bins ? n_bins : TA_IFOREST_DEFAULT_BINS;
  self->threshold = threshold > 0.0 ? threshold : TA_IFOREST_DEFAULT_THRESHOLD;
  self->top_k = top_k ? top_k : TA_IFOREST_DEFAULT_TOP_K;
  self->bins = g_new0 (guint64, self->n_bins);
  self->heap = g_new (TaIforestScored, self->top_k);
  return self;
}

/* a ranks before b: higher score, then lower id */
static inline gboolean
scored_before (const TaIforestScored *a,
               const TaIforestScored *b)
{
  return a->score > b->score || (a->score == b->score && a->id < b->id);
}

static void
heap_sift_down (TaIforestScored *heap,
                guint            n,
                guint            i)
{
  for (;;)
    {
      guint worst = i, l = 2 * i + 1, r = 2 * i + 2;
      TaIforestScored tmp;

      if (l < n && scored_before (&heap[worst], &heap[l]))
        worst = l;
      if (r < n && scored_before (&heap[worst], &heap[r]))
        worst = r;
      if (worst == i)
        return;
      tmp = heap[i];
      heap[i] = heap[worst];
      heap[worst] = tmp;
      i = worst;
    }
}

static void
heap_push (TaIforestScored       *heap,
           guint                 *n,
           const TaIforestScored *item)
{
  guint i = (*n)++;

  heap[i] = *item;
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      TaIforestScored tmp;

      if (!scored_before (&heap[parent], &heap[i]))
        return;
      tmp = heap[i];
      heap[i] = heap[parent];
      heap[parent] = tmp;
      i = parent;
    }
}

void
ta_iforest_summary_add (TaIforestSummary *self,
                        guint64           id,
                        double            score)
{
  TaIforestScored item = { id, score };
  double x;
  guint bin;

  g_return_if_fail (self != NULL);

  self->n++;
  if (isnan (score))
    {
      self->n_nan++;
      return;
    }
  x = CLAMP (score, 0.0, 1.0) * self->n_bins;
  bin = MIN ((guint) x, self->n_bins - 1);
  self->bins[bin]++;
  if (score >= self->threshold)
    self->n_above++;

  if (self->n_heap < self->top_k)
    heap_push (self->heap, &self->n_heap, &item);
  else if (scored_before (&item, &self->heap[0]))
    {
      self->heap[0] = item;
      heap_sift_down (self->heap, self->n_heap, 0);
    }
}

guint64
ta_iforest_summary_n (const TaIforestSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

guint64
ta_iforest_summary_n_nan (const TaIforestSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_nan;
}

double
ta_iforest_summary_threshold (const TaIforestSummary *self)
{
  g_return_val_if_fail (self != NULL, NAN);
  return self->threshold;
}

guint64
ta_iforest_summary_n_above (const TaIforestSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_above;
}

double
ta_iforest_summary_share_above (const TaIforestSummary *self)
{
  guint64 n;

  g_return_val_if_fail (self != NULL, 0.0);
  n = self->n - self->n_nan;
  return n ? (double) self->n_above / (double) n : 0.0;
}

const guint64 *
ta_iforest_summary_histogram (const TaIforestSummary *self,
                              guint                  *n_bins)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (n_bins != NULL)
    *n_bins = self->n_bins;
  return self->bins;
}

static int
scored_compare (const void *a,
                const void *b)
{
  if (scored_before (a, b))
    return -1;
  if (scored_before (b, a))
    return 1;
  return 0;
}

TaIforestScored *
ta_iforest_summary_top (const TaIforestSummary *self,
                        guint                  *n)
{
  TaIforestScored *top;

  g_return_val_if_fail (self != NULL && n != NULL, NULL);

  *n = self->n_heap;
  top = g_new (TaIforestScored, MAX (self->n_heap, 1));
  memcpy (top, self->heap, self->n_heap * sizeof (TaIforestScored));
  qsort (top, self->n_heap, sizeof (TaIforestScored), scored_compare);
  return top;
}

void
ta_iforest_summary_free (TaIforestSummary *self)
{
  if (self == NULL)
    return;
  g_free (self->bins);
  g_free (self->heap);
  g_free (self);
}
