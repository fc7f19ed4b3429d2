/* test-profile-iforest.c — the isolation forest: c(n), path lengths on
 * tiny data, determinism, the reservoir sample, NaN, the summary, and
 * agreement with scikit-learn's IsolationForest (when python3 with
 * scikit-learn is there; SKIP otherwise)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ta-iforest.h"
#include "ta-test-util.h"

#define EULER 0.5772156649
/* ta_iforest_score() of row 0 of test_determinism's rows, seed 1 */
#define GOLDEN_SCORE 0.46806945284933554

/* -- a seeded generator for the test data (not the forest's) -- */

static guint64
xorshift (guint64 *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static double
gauss (guint64 *s)
{
  double u = ((xorshift (s) >> 11) + 0.5) / 9007199254740992.0;
  double v = (xorshift (s) >> 11) / 9007199254740992.0;

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

static void
test_c (void)
{
  g_assert_cmpfloat (ta_iforest_c (0), ==, 0.0);
  g_assert_cmpfloat (ta_iforest_c (1), ==, 0.0);
  g_assert_cmpfloat (ta_iforest_c (2), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (ta_iforest_c (3), 2 * (log (2) + EULER) - 4.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (ta_iforest_c (4), 2 * (log (3) + EULER) - 1.5, 1e-12);
  /* scikit-learn's _average_path_length([256]) */
  g_assert_cmpfloat_with_epsilon (ta_iforest_c (256), 10.244770920116851, 1e-9);
}

static void
test_depth (void)
{
  const guint psis[] = { 1, 2, 3, 4, 5, 256, 257 };
  const guint depths[] = { 1, 1, 2, 2, 3, 8, 9 };
  double rows[300];

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    rows[i] = i;
  for (guint k = 0; k < G_N_ELEMENTS (psis); k++)
    {
      TaIforestOptions o = { .n_trees = 3, .subsample = psis[k] };
      g_autoptr(TaIforest) f = ta_iforest_fit_rows (rows, G_N_ELEMENTS (rows), 1, &o);

      g_assert_cmpuint (ta_iforest_subsample (f), ==, psis[k]);
      g_assert_cmpuint (ta_iforest_depth (f), ==, depths[k]);
      g_assert_cmpuint (ta_iforest_n_trees (f), ==, 3);
    }
  /* ψ = min (subsample, rows) */
  {
    g_autoptr(TaIforest) f = ta_iforest_fit_rows (rows, 10, 1, NULL);

    g_assert_cmpuint (ta_iforest_subsample (f), ==, 10);
    g_assert_cmpuint (ta_iforest_n_trees (f), ==, 100);
    g_assert_cmpuint (ta_iforest_depth (f), ==, 4);
  }
  g_assert_null (ta_iforest_fit_rows (rows, 0, 1, NULL));
}

/* h(x) exact where the random split cannot matter */
static void
test_path_tiny (void)
{
  const double two[] = { 0, 1 };
  const double four[] = { 0, 0, 0, 10 };
  const double flat[] = { 7, 7, 7, 7, 7, 7, 7, 7 };   /* 4 rows × 2 */
  const double one_const[] = { 5, 0, 5, 1, 5, 2, 5, 3 };  /* feature 0 constant */
  TaIforestOptions o = { .n_trees = 10, .seed = 42 };
  g_autoptr(TaIforest) f2 = ta_iforest_fit_rows (two, 2, 1, &o);
  g_autoptr(TaIforest) f4 = ta_iforest_fit_rows (four, 4, 1, &o);
  g_autoptr(TaIforest) ff = ta_iforest_fit_rows (flat, 4, 2, &o);
  g_autoptr(TaIforest) fc = ta_iforest_fit_rows (one_const, 4, 2, &o);
  double x;

  for (guint t = 0; t < 10; t++)
    {
      /* two rows, depth 1: one split, two leaves of one row */
      g_assert_cmpfloat (ta_iforest_tree_path_length (f2, t, &two[0]), ==, 1.0);
      g_assert_cmpfloat (ta_iforest_tree_path_length (f2, t, &two[1]), ==, 1.0);
      /* {0,0,0,10}: the split is in [0, 10): {0,0,0} | {10}, and {0,0,0}
       * is constant: a leaf of 3 at depth 1 */
      x = 0;
      g_assert_cmpfloat_with_epsilon (ta_iforest_tree_path_length (f4, t, &x), 1 + ta_iforest_c (3), 1e-12);
      x = 10;
      g_assert_cmpfloat (ta_iforest_tree_path_length (f4, t, &x), ==, 1.0);
      x = 1e9;
      g_assert_cmpfloat (ta_iforest_tree_path_length (f4, t, &x), ==, 1.0);
      x = -1e9;
      g_assert_cmpfloat_with_epsilon (ta_iforest_tree_path_length (f4, t, &x), 1 + ta_iforest_c (3), 1e-12);
      /* all constant: the root is a leaf of 4 */
      g_assert_cmpfloat_with_epsilon (ta_iforest_tree_path_length (ff, t, (double[]) { 0, 100 }),
                                      ta_iforest_c (4), 1e-12);
      /* a constant feature is never split on */
      g_assert_cmpfloat (ta_iforest_tree_path_length (fc, t, (double[]) { -1e6, 1.5 }), ==,
                         ta_iforest_tree_path_length (fc, t, (double[]) { 1e6, 1.5 }));
      /* depth ≤ 2, and a leaf at depth 2 holds at most 2 rows */
      x = ta_iforest_tree_path_length (fc, t, (double[]) { 5, 0 });
      g_assert_true (x == 1.0 || x == 2.0 || x == 3.0);
    }
  g_assert_cmpfloat (ta_iforest_path_length (f2, &two[0]), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (ta_iforest_score (f2, &two[1]), 0.5, 1e-15);
  g_assert_cmpfloat_with_epsilon (ta_iforest_score (ff, flat), 0.5, 1e-15);
  x = 10;
  g_assert_cmpfloat_with_epsilon (ta_iforest_score (f4, &x), exp2 (-1.0 / ta_iforest_c (4)), 1e-15);
}

static double *
gaussian_rows (gsize    n,
               guint    nf,
               guint64  seed)
{
  double *rows = g_new (double, n * nf);

  for (gsize i = 0; i < n * nf; i++)
    rows[i] = gauss (&seed) + (i % nf == 0 ? 5.0 * (i / nf % 2) : 0.0);
  return rows;
}

static void
test_determinism (void)
{
  const gsize n = 3000;
  const guint nf = 6;
  g_autofree double *rows = gaussian_rows (n, nf, 7);
  TaIforestOptions o1 = { .seed = 1 }, o2 = { .seed = 2 };
  g_autoptr(TaIforestTrainer) ta = ta_iforest_trainer_new (nf, &o1);
  g_autoptr(TaIforestTrainer) tb = ta_iforest_trainer_new (nf, &o1);
  g_autoptr(TaIforest) fa = NULL, fb = NULL, fc = NULL, fd = NULL;
  guint n_differ = 0;

  for (gsize i = 0; i < n; i++)
    {
      ta_iforest_trainer_add (ta, rows + i * nf);
      ta_iforest_trainer_add (tb, rows + i * nf);
    }
  fa = ta_iforest_fit (ta);
  fb = ta_iforest_fit (tb);
  fc = ta_iforest_fit_rows (rows, n, nf, &o1);
  fd = ta_iforest_fit_rows (rows, n, nf, &o2);
  for (gsize i = 0; i < n; i++)
    {
      double sa = ta_iforest_score (fa, rows + i * nf);
      double sum = 0.0;

      g_assert_cmpfloat (sa, ==, ta_iforest_score (fb, rows + i * nf));
      g_assert_cmpfloat (sa, ==, ta_iforest_score (fc, rows + i * nf));
      g_assert_cmpfloat (sa, >, 0.0);
      g_assert_cmpfloat (sa, <=, 1.0);
      if (ta_iforest_score (fd, rows + i * nf) != sa)
        n_differ++;
      /* the blocked walk sums as the trees one by one */
      for (guint t = 0; t < ta_iforest_n_trees (fa); t++)
        sum += ta_iforest_tree_path_length (fa, t, rows + i * nf);
      g_assert_cmpfloat (sum / ta_iforest_n_trees (fa), ==, ta_iforest_path_length (fa, rows + i * nf));
    }
  g_assert_cmpuint (n_differ, >, n * 9 / 10);
  /* a fixed value: the generator and the trees do not change unnoticed */
  g_test_message ("score of row 0, seed 1: %.17g", ta_iforest_score (fa, rows));
  g_assert_cmpfloat_with_epsilon (ta_iforest_score (fa, rows), GOLDEN_SCORE, 1e-12);
}

/* Algorithm R keeps each row with probability k/n */
static void
test_reservoir (void)
{
  const guint n = 20000, k = 2000;
  TaIforestOptions o = { .reservoir = k, .seed = 3 };
  g_autoptr(TaIforestTrainer) t = ta_iforest_trainer_new (1, &o);
  g_autofree guint8 *seen = g_new0 (guint8, n);
  guint deciles[10] = { 0 }, counts[10] = { 0 };
  double chi2 = 0.0;

  for (guint i = 0; i < n; i++)
    ta_iforest_trainer_add (t, (double[]) { i });
  g_assert_cmpuint (ta_iforest_trainer_n_seen (t), ==, n);
  g_assert_cmpuint (ta_iforest_trainer_n_kept (t), ==, k);
  for (guint i = 0; i < k; i++)
    {
      double v = ta_iforest_trainer_row (t, i)[0];

      g_assert_cmpfloat (v, >=, 0);
      g_assert_cmpfloat (v, <, n);
      g_assert_false (seen[(guint) v]);
      seen[(guint) v] = 1;
      deciles[(guint) v / (n / 10)]++;
    }
  for (guint d = 0; d < 10; d++)
    chi2 += (deciles[d] - 200.0) * (deciles[d] - 200.0) / 200.0;
  g_test_message ("reservoir deciles chi2 = %.2f (9 df)", chi2);
  g_assert_cmpfloat (chi2, <, 27.88);  /* p = 0.001 */

  /* inclusion frequency of each of 10 rows, reservoir 3, over 3000 seeds:
   * 0.3 each, σ ≈ 0.0084 */
  for (guint s = 0; s < 3000; s++)
    {
      TaIforestOptions os = { .reservoir = 3, .seed = s };
      g_autoptr(TaIforestTrainer) ts = ta_iforest_trainer_new (1, &os);

      for (guint i = 0; i < 10; i++)
        ta_iforest_trainer_add (ts, (double[]) { i });
      for (guint i = 0; i < 3; i++)
        counts[(guint) ta_iforest_trainer_row (ts, i)[0]]++;
    }
  for (guint i = 0; i < 10; i++)
    g_assert_cmpfloat (fabs (counts[i] / 3000.0 - 0.3), <, 0.04);

  /* fewer rows than the reservoir: all kept, in order */
  {
    g_autoptr(TaIforestTrainer) tf = ta_iforest_trainer_new (2, NULL);

    g_assert_null (ta_iforest_fit (tf));
    for (guint i = 0; i < 100; i++)
      ta_iforest_trainer_add (tf, (double[]) { i, -(double) i });
    g_assert_cmpuint (ta_iforest_trainer_n_kept (tf), ==, 100);
    for (guint i = 0; i < 100; i++)
      g_assert_cmpfloat (ta_iforest_trainer_row (tf, i)[1], ==, -(double) i);
  }
}

static void
test_nan (void)
{
  const gsize n = 500;
  const guint nf = 3;
  g_autofree double *rows = gaussian_rows (n, nf, 11);
  g_autoptr(TaIforest) f = NULL;
  g_autoptr(TaIforest) g = NULL;
  double probes[][3] = {
    { NAN, NAN, NAN }, { NAN, 0, 0 }, { INFINITY, -INFINITY, 0 },
    { 1e308, -1e308, NAN }, { 0, 0, 0 },
  };

  /* NaN in the training rows, a column all NaN, infinities */
  for (gsize i = 0; i < n; i++)
    {
      rows[i * nf + 2] = NAN;
      if (i % 7 == 0)
        rows[i * nf] = NAN;
      if (i % 50 == 0)
        rows[i * nf + 1] = (i % 100) ? INFINITY : -1e308;
    }
  f = ta_iforest_fit_rows (rows, n, nf, NULL);
  for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
    {
      double s = ta_iforest_score (f, probes[p]);

      g_assert_true (isfinite (s));
      g_assert_cmpfloat (s, >, 0.0);
      g_assert_cmpfloat (s, <=, 1.0);
    }
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (ta_iforest_score (f, rows + i * nf)));

  /* NaN goes left, as the smallest value would: a NaN and −inf take the
   * same path in every tree */
  g = ta_iforest_fit_rows (rows, n, nf, NULL);
  for (guint t = 0; t < ta_iforest_n_trees (g); t++)
    g_assert_cmpfloat (ta_iforest_tree_path_length (g, t, (double[]) { NAN, NAN, NAN }), ==,
                       ta_iforest_tree_path_length (g, t, (double[]) { -INFINITY, -INFINITY, -INFINITY }));
}

static void
test_summary (void)
{
  g_autoptr(TaIforestSummary) s = ta_iforest_summary_new (0, 0, 5);
  g_autofree guint *order = g_new (guint, 100);
  g_autofree TaIforestScored *top = NULL;
  const guint64 *bins;
  guint n_bins, n_top;
  guint64 seed = 5;

  /* scores (i + 0.5)/100 in a shuffled order: 5 a bin */
  for (guint i = 0; i < 100; i++)
    order[i] = i;
  for (guint i = 99; i > 0; i--)
    {
      guint j = xorshift (&seed) % (i + 1), tmp = order[i];

      order[i] = order[j];
      order[j] = tmp;
    }
  for (guint i = 0; i < 100; i++)
    ta_iforest_summary_add (s, 1000 + order[i], (order[i] + 0.5) / 100.0);
  ta_iforest_summary_add (s, 1, 1.0);
  ta_iforest_summary_add (s, 2, 1.5);
  ta_iforest_summary_add (s, 3, -0.1);
  ta_iforest_summary_add (s, 4, NAN);
  ta_iforest_summary_add (s, 6, 0.985);   /* ties with id 1098 */
  ta_iforest_summary_add (s, 5000, 0.985);

  g_assert_cmpuint (ta_iforest_summary_n (s), ==, 106);
  g_assert_cmpuint (ta_iforest_summary_n_nan (s), ==, 1);
  g_assert_cmpfloat (ta_iforest_summary_threshold (s), ==, 0.6);
  bins = ta_iforest_summary_histogram (s, &n_bins);
  g_assert_cmpuint (n_bins, ==, 20);
  g_assert_cmpuint (bins[0], ==, 6);    /* 5 + (−0.1) */
  for (guint b = 1; b < 19; b++)
    g_assert_cmpuint (bins[b], ==, 5);
  g_assert_cmpuint (bins[19], ==, 9);   /* 5 + 1.0 + 1.5 + 2 × 0.985 */
  /* ≥ 0.6: i = 60 … 99, 1.0, 1.5, the two 0.985 */
  g_assert_cmpuint (ta_iforest_summary_n_above (s), ==, 44);
  g_assert_cmpfloat_with_epsilon (ta_iforest_summary_share_above (s), 44.0 / 105, 1e-15);

  top = ta_iforest_summary_top (s, &n_top);
  g_assert_cmpuint (n_top, ==, 5);
  g_assert_cmpuint (top[0].id, ==, 2);
  g_assert_cmpuint (top[1].id, ==, 1);
  g_assert_cmpuint (top[2].id, ==, 1099);
  g_assert_cmpfloat (top[2].score, ==, 0.995);
  g_assert_cmpuint (top[3].id, ==, 6);      /* 0.985: lowest id first */
  g_assert_cmpuint (top[4].id, ==, 1098);

  /* fewer scores than K; the defaults */
  {
    g_autoptr(TaIforestSummary) e = ta_iforest_summary_new (0, NAN, 0);
    g_autofree TaIforestScored *t = NULL;

    g_assert_cmpfloat (ta_iforest_summary_share_above (e), ==, 0.0);
    ta_iforest_summary_add (e, 9, 0.7);
    ta_iforest_summary_add (e, 8, 0.2);
    t = ta_iforest_summary_top (e, &n_top);
    g_assert_cmpuint (n_top, ==, 2);
    g_assert_cmpuint (t[0].id, ==, 9);
    g_assert_cmpuint (t[1].id, ==, 8);
    g_assert_cmpfloat (ta_iforest_summary_share_above (e), ==, 0.5);
    g_assert_cmpfloat (ta_iforest_summary_threshold (e), ==, 0.6);
  }
}

/* -- scikit-learn -- */

#define SK_ROWS      5000
#define SK_OUTLIERS  10
#define SK_FEATURES  12
#define SK_SLACK     5
#define SK_CENTRES   4.0    /* σ of the cluster centres */
/* An outlier is out in 6 of the 12 dimensions, by 15, 20, … 40: a point
 * beyond the training range of a feature goes with the extreme training
 * rows at every split on it, so an outlier out in only one to three
 * dimensions scores, in the ~95 % of trees whose subsample lacks it, about
 * as the tails of the clusters do (scikit-learn's as ours) */
#define SK_FAR_DIMS  6
#define SK_FAR       15.0

static int
cmp_by_value (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  const double *x = data;
  double u = x[*(const gsize *) a], v = x[*(const gsize *) b];

  return (u > v) - (u < v);
}

/* Ranks 1 … n, ties the average of their ranks */
static double *
ranks (const double *x,
       gsize         n)
{
  g_autofree gsize *idx = g_new (gsize, n);
  double *r = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    idx[i] = i;
  g_qsort_with_data (idx, n, sizeof (gsize), cmp_by_value, (gpointer) x);
  for (gsize i = 0; i < n;)
    {
      gsize j = i;

      while (j + 1 < n && x[idx[j + 1]] == x[idx[i]])
        j++;
      for (gsize k = i; k <= j; k++)
        r[idx[k]] = (i + j) / 2.0 + 1.0;
      i = j + 1;
    }
  return r;
}

static double
spearman (const double *x,
          const double *y,
          gsize         n)
{
  g_autofree double *rx = ranks (x, n);
  g_autofree double *ry = ranks (y, n);
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

  for (gsize i = 0; i < n; i++)
    {
      mx += rx[i];
      my += ry[i];
    }
  mx /= n;
  my /= n;
  for (gsize i = 0; i < n; i++)
    {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
  return sxy / sqrt (sxx * syy);
}

static void
test_spearman (void)
{
  const double a[] = { 1, 2, 3, 4, 5 };
  const double b[] = { 5, 6, 7, 8, 7 };
  const double c[] = { 10, 20, 20, 30 };
  g_autofree double *rc = ranks (c, 4);

  g_assert_cmpfloat_with_epsilon (spearman (a, a, 5), 1.0, 1e-12);
  /* ranks of b: 1 2 3.5 5 3.5 → ρ = 0.82078… */
  g_assert_cmpfloat_with_epsilon (spearman (a, b, 5), 0.8207826816681233, 1e-12);
  g_assert_cmpfloat (rc[1], ==, 2.5);
  g_assert_cmpfloat (rc[2], ==, 2.5);
  g_assert_cmpfloat (rc[3], ==, 4.0);
}

/* A mixture of three Gaussians in 12 dimensions (weights ½ ⅓ ⅙, spreads
 * 1, 2, ½, so that the density varies from row to row), then SK_OUTLIERS
 * rows (the last ones) like the others but far out in SK_FAR_DIMS
 * dimensions */
static double *
sklearn_matrix (void)
{
  gsize n = SK_ROWS + SK_OUTLIERS;
  double *x = g_new (double, n * SK_FEATURES);
  const double spread[3] = { 1.0, 2.0, 0.5 };
  double centres[3][SK_FEATURES];
  guint64 seed = 20080401;

  for (guint c = 0; c < 3; c++)
    for (guint f = 0; f < SK_FEATURES; f++)
      centres[c][f] = SK_CENTRES * gauss (&seed);
  for (gsize i = 0; i < n; i++)
    {
      guint u = xorshift (&seed) % 6;
      guint c = u < 3 ? 0 : u < 5 ? 1 : 2;

      for (guint f = 0; f < SK_FEATURES; f++)
        x[i * SK_FEATURES + f] = centres[c][f] + spread[c] * gauss (&seed);
      if (i >= SK_ROWS)
        for (guint k = 0; k < SK_FAR_DIMS; k++)
          {
            guint f = (i * 5 + k * 7) % SK_FEATURES;

            x[i * SK_FEATURES + f] += (xorshift (&seed) % 2 ? 1 : -1) * (SK_FAR + 5.0 * k);
          }
    }
  return x;
}

/* A python3 that imports sklearn: $TA_PYTHON3, python3 on the PATH, or
 * /usr/bin/python3 (a pyenv python3 may come first on the PATH without
 * Debian's python3-sklearn) */
static char *
find_python (void)
{
  const char *candidates[] = { g_getenv ("TA_PYTHON3"), "python3", "/usr/bin/python3" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = NULL;
      const char *argv[] = { NULL, "-c", "import sklearn.ensemble", NULL };
      int status = -1;

      if (candidates[i] == NULL || *candidates[i] == '\0')
        continue;
      path = g_find_program_in_path (candidates[i]);
      if (path == NULL)
        continue;
      argv[0] = path;
      if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL)
          && g_spawn_check_wait_status (status, NULL))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static int
cmp_double_desc (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  double u = *(const double *) a, v = *(const double *) b;

  return (u < v) - (u > v);
}

/* The rank (0-based, by descending score) of the lowest-ranked outlier:
 * the rows scored strictly above it in the ranking by descending score */
static guint
worst_outlier_rank (const double *scores,
                    gsize         n)
{
  guint worst = 0;

  for (gsize o = SK_ROWS; o < n; o++)
    {
      guint above = 0;

      for (gsize i = 0; i < n; i++)
        if (scores[i] > scores[o])
          above++;
      worst = MAX (worst, above);
    }
  return worst;
}

static double *
run_sklearn (const char   *python,
             const double *x,
             gsize         n)
{
  g_autofree char *dir = ta_test_make_tmp_dir ("ta-iforest-XXXXXX");
  g_autofree char *csv = g_build_filename (dir, "x.csv", NULL);
  g_autofree char *out = g_build_filename (dir, "scores.txt", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "iforest-sklearn.py", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { python, script, csv, out, NULL };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double *scores = g_new (double, n);
  int status = -1;

  for (gsize i = 0; i < n; i++)
    for (guint f = 0; f < SK_FEATURES; f++)
      {
        g_string_append (text, g_ascii_dtostr (buf, sizeof buf, x[i * SK_FEATURES + f]));
        g_string_append_c (text, f + 1 < SK_FEATURES ? ',' : '\n');
      }
  ta_test_write_file (csv, text->str, text->len);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", script, err);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (g_strstrip (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n);
  for (gsize i = 0; i < n; i++)
    scores[i] = g_ascii_strtod (lines[i], NULL);
  ta_test_rm_rf (dir);
  return scores;
}

/* The outliers scored at or above the score of rank @k (0-based) */
static guint
outliers_in_top (const double *scores,
                 gsize         n,
                 guint         k)
{
  g_autofree double *sorted = g_memdup2 (scores, n * sizeof (double));
  guint count = 0;
  double cut;

  g_qsort_with_data (sorted, n, sizeof (double), cmp_double_desc, NULL);
  cut = sorted[k];
  for (gsize o = SK_ROWS; o < n; o++)
    if (scores[o] >= cut)
      count++;
  return count;
}

static void
test_sklearn (void)
{
  gsize n = SK_ROWS + SK_OUTLIERS;
  g_autofree char *python = find_python ();
  g_autofree double *x = NULL;
  g_autofree double *ours = NULL;
  g_autofree double *theirs = NULL;
  g_autoptr(TaIforestTrainer) trainer = NULL;
  g_autoptr(TaIforest) forest = NULL;
  TaIforestOptions o = { .n_trees = 100, .subsample = 256, .seed = 0 };
  guint our_worst, their_worst, top1 = n / 100;
  double rho;

  if (python == NULL)
    {
      g_test_skip ("no python3 with scikit-learn (Debian: python3-sklearn)");
      return;
    }
  x = sklearn_matrix ();
  trainer = ta_iforest_trainer_new (SK_FEATURES, &o);
  for (gsize i = 0; i < n; i++)
    ta_iforest_trainer_add (trainer, x + i * SK_FEATURES);
  forest = ta_iforest_fit (trainer);
  ours = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    ours[i] = ta_iforest_score (forest, x + i * SK_FEATURES);
  theirs = run_sklearn (python, x, n);
  {
    /* the noise floor: two of our forests, seeds 0 and 1 */
    TaIforestOptions o1 = o;
    g_autoptr(TaIforest) other = NULL;
    g_autofree double *again = g_new (double, n);

    o1.seed = 1;
    other = ta_iforest_fit_rows (x, n, SK_FEATURES, &o1);
    for (gsize i = 0; i < n; i++)
      again[i] = ta_iforest_score (other, x + i * SK_FEATURES);
    g_test_message ("Spearman rho (ours seed 0, ours seed 1) = %.4f", spearman (ours, again, n));
  }

  rho = spearman (ours, theirs, n);
  our_worst = worst_outlier_rank (ours, n);
  their_worst = worst_outlier_rank (theirs, n);
  g_test_message ("Spearman rho (ours, scikit-learn) = %.4f over %zu rows", rho, n);
  g_test_message ("lowest-ranked planted outlier: ours #%u, scikit-learn #%u (0-based; %u planted)",
                  our_worst, their_worst, SK_OUTLIERS);
  g_test_message ("outliers in the top 1 %% (%u rows): ours %u, scikit-learn %u",
                  top1, outliers_in_top (ours, n, top1 - 1), outliers_in_top (theirs, n, top1 - 1));
  g_assert_cmpfloat (rho, >=, 0.9);
  g_assert_cmpuint (our_worst, <, SK_OUTLIERS + SK_SLACK);
  g_assert_cmpuint (their_worst, <, SK_OUTLIERS + SK_SLACK);
  g_assert_cmpuint (outliers_in_top (ours, n, top1 - 1), ==, SK_OUTLIERS);
  g_assert_cmpuint (outliers_in_top (theirs, n, top1 - 1), ==, SK_OUTLIERS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/iforest/c", test_c);
  g_test_add_func ("/iforest/depth", test_depth);
  g_test_add_func ("/iforest/path-tiny", test_path_tiny);
  g_test_add_func ("/iforest/determinism", test_determinism);
  g_test_add_func ("/iforest/reservoir", test_reservoir);
  g_test_add_func ("/iforest/nan", test_nan);
  g_test_add_func ("/iforest/summary", test_summary);
  g_test_add_func ("/iforest/spearman", test_spearman);
  g_test_add_func ("/iforest/sklearn", test_sklearn);
  return g_test_run ();
}
