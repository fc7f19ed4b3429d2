/* ta-iforest.h — an isolation forest (Liu, Ting and Zhou 2008), with
 * scikit-learn's IsolationForest defaults
 *
 * Two passes over the caller's rows (one feature row of doubles each):
 *  1. ta_iforest_trainer_add() for every row: a reservoir sample (Vitter's
 *     algorithm R, seeded) of at most `reservoir` rows is kept, so memory
 *     does not grow with the number of rows; then ta_iforest_fit() builds
 *     the forest, each tree from its own subsample (without replacement) of
 *     ψ = min(subsample, rows kept) reservoir rows.
 *  2. ta_iforest_score() for every row (streamed again by the caller).
 *
 * A tree: at each node a random feature among those not constant on the
 * node's rows, and a split value uniform in [min, max) of that feature on
 * those rows; rows with x > split go right, the others left. A node
 * becomes a leaf at depth ceil(log2 ψ), with one row, or when every
 * feature is constant on its rows. The path length of x in a tree is the
 * depth of the leaf it reaches plus c(leaf size), c(n) the average path
 * length of an unsuccessful search in a binary search tree of n keys:
 *   c(n) = 2 H(n−1) − 2 (n−1)/n,  H(i) ≈ ln(i) + 0.5772156649,
 *   c(2) = 1, c(1) = c(0) = 0.
 * The score is s(x) = 2^(−E[h(x)] / c(ψ)), E over the trees: in (0, 1],
 * near 1 for an anomaly, about 0.5 or less for ordinary rows. This is
 * scikit-learn's −score_samples(x). With ψ = 1 (one training row) every
 * score is 0.5.
 *
 * NaN: a NaN value is never greater than a split, so it goes left, in
 * training and in scoring; a feature that is NaN on all a node's rows
 * counts as constant. Nothing crashes on NaN or ±inf; the scores are only
 * meaningful for finite inputs (callers median-fill missing values).
 *
 * Deterministic: the random numbers come from our own xoshiro256** seeded
 * through splitmix64, so the same seed and rows give the same forest and
 * scores on every platform (up to libm's log() in c(n)).
 *
 * Trees are stored as complete binary trees of depth ceil(log2 ψ) in flat
 * arrays (split value, feature index per inner node; path length per
 * leaf), early leaves padded with pass-through nodes: scoring walks every
 * tree the same number of steps without branches, several trees at a time.
 * Hence the cap TA_IFOREST_MAX_SUBSAMPLE on ψ.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TA_IFOREST_DEFAULT_TREES      100
#define TA_IFOREST_DEFAULT_SUBSAMPLE  256
#define TA_IFOREST_MAX_SUBSAMPLE      4096     /* trees of depth ≤ 12 */
#define TA_IFOREST_DEFAULT_RESERVOIR  65536
#define TA_IFOREST_MAX_FEATURES       65535

typedef struct
{
  guint   n_trees;      /* 0 = TA_IFOREST_DEFAULT_TREES */
  guint   subsample;    /* ψ; 0 = TA_IFOREST_DEFAULT_SUBSAMPLE; capped at TA_IFOREST_MAX_SUBSAMPLE */
  guint   reservoir;    /* rows kept for training; 0 = TA_IFOREST_DEFAULT_RESERVOIR */
  guint64 seed;         /* any value, 0 included */
} TaIforestOptions;

/* c(n) above */
double            ta_iforest_c                  (guint64                 n);

/* -- the training sample -- */

typedef struct _TaIforestTrainer TaIforestTrainer;

/* @n_features in 1 … TA_IFOREST_MAX_FEATURES; @options NULL = defaults
 * (copied) */
TaIforestTrainer *ta_iforest_trainer_new        (guint                   n_features,
                                                 const TaIforestOptions *options);
/* @row: n_features values, copied when kept */
void              ta_iforest_trainer_add        (TaIforestTrainer       *self,
                                                 const double           *row);
guint64           ta_iforest_trainer_n_seen     (const TaIforestTrainer *self);
/* min(seen, reservoir) */
guint             ta_iforest_trainer_n_kept     (const TaIforestTrainer *self);
/* Row @i < n_kept of the reservoir (order unspecified) */
const double     *ta_iforest_trainer_row        (const TaIforestTrainer *self,
                                                 guint                   i);
void              ta_iforest_trainer_free       (TaIforestTrainer       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIforestTrainer, ta_iforest_trainer_free)

/* -- the forest -- */

typedef struct _TaIforest TaIforest;

/* The forest of the rows kept so far; NULL when no row was added. The
 * trainer is left as it was. */
TaIforest        *ta_iforest_fit                (const TaIforestTrainer *self);
/* The same from @n_rows rows of @n_features values in @rows (row-major),
 * all used as the reservoir; NULL when @n_rows is 0 */
TaIforest        *ta_iforest_fit_rows           (const double           *rows,
                                                 gsize                   n_rows,
                                                 guint                   n_features,
                                                 const TaIforestOptions *options);
/* s(x) in (0, 1]; @row: n_features values */
double            ta_iforest_score              (const TaIforest        *self,
                                                 const double           *row);
/* E[h(x)], the mean path length over the trees */
double            ta_iforest_path_length        (const TaIforest        *self,
                                                 const double           *row);
/* h(x) in tree @tree < n_trees */
double            ta_iforest_tree_path_length   (const TaIforest        *self,
                                                 guint                   tree,
                                                 const double           *row);
guint             ta_iforest_n_trees            (const TaIforest        *self);
guint             ta_iforest_n_features         (const TaIforest        *self);
/* ψ used: min(subsample, rows trained on) */
guint             ta_iforest_subsample          (const TaIforest        *self);
guint             ta_iforest_depth              (const TaIforest        *self);
void              ta_iforest_free               (TaIforest              *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIforest, ta_iforest_free)

/* -- a summary of the scores -- */

#define TA_IFOREST_DEFAULT_BINS       20
#define TA_IFOREST_DEFAULT_THRESHOLD  0.6
#define TA_IFOREST_DEFAULT_TOP_K      20

typedef struct
{
  guint64 id;
  double  score;
} TaIforestScored;

typedef struct _TaIforestSummary TaIforestSummary;

/* A histogram of @n_bins equal bins over [0, 1] (0 = TA_IFOREST_DEFAULT_BINS;
 * bin i holds [i/n, (i+1)/n), the last one 1 too; scores outside [0, 1]
 * go to the first or last bin), the rows with score ≥ @threshold
 * (≤ 0 or NaN = TA_IFOREST_DEFAULT_THRESHOLD), and the @top_k highest
 * scores (0 = TA_IFOREST_DEFAULT_TOP_K) with their ids, in a bounded heap.
 * NaN scores are counted apart and kept out of all three. */
TaIforestSummary *ta_iforest_summary_new        (guint                   n_bins,
                                                 double                  threshold,
                                                 guint                   top_k);
void              ta_iforest_summary_add        (TaIforestSummary       *self,
                                                 guint64                 id,
                                                 double                  score);
/* Scores added, NaN ones included */
guint64           ta_iforest_summary_n          (const TaIforestSummary *self);
guint64           ta_iforest_summary_n_nan      (const TaIforestSummary *self);
double            ta_iforest_summary_threshold  (const TaIforestSummary *self);
guint64           ta_iforest_summary_n_above    (const TaIforestSummary *self);
/* n_above / (n − n_nan); 0 when there is none */
double            ta_iforest_summary_share_above (const TaIforestSummary *self);
/* @n_bins (out, may be NULL): the histogram's length */
const guint64    *ta_iforest_summary_histogram  (const TaIforestSummary *self,
                                                 guint                  *n_bins);
/* The top scores, highest first (equal scores: lower id first); @n (out):
 * min(top_k, non-NaN scores added). Free with g_free(). */
TaIforestScored  *ta_iforest_summary_top        (const TaIforestSummary *self,
                                                 guint                  *n);
void              ta_iforest_summary_free       (TaIforestSummary       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIforestSummary, ta_iforest_summary_free)

G_END_DECLS
