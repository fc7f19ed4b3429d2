/* ta-features.c — streaming dataset preparation: spill file, running
 * column statistics, reservoir medians, median fill, zero-variance drop,
 * standard scaling (ta-features.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-features.h"
#include "ta-out.h"

typedef struct
{
  char     *name;
  TaRunning present;    /* the values that are there */
  double    median;     /* the fill */
  double    mean;       /* of the filled column */
  double    std;
  const char *dropped;  /* the reason, or NULL when kept */
} Column;

struct _TaFeatures
{
  char     *dir;
  guint     n_cols;
  Column   *cols;
  FILE     *spill;
  char     *spill_path;  /* for messages; unlinked */
  guint64   n_rows;
  GError   *error;       /* the first write error */

  /* reservoir: raw rows, then (after fitting) scaled kept rows */
  guint     cap_sample;
  guint     alloc_sample;
  guint     n_sample;
  double   *sample;
  guint64  *sample_ids;
  GRand    *rand;
  guint32   seed;

  gboolean  fitted;
  guint     n_kept;
  guint    *kept;        /* column indices */
  double   *raw;         /* one row */
  double   *scaled;      /* one row of n_kept */
};

static gboolean
open_spill (TaFeatures *self,
            GError    **error)
{
  int fd;
  int saved;

  self->spill_path = g_build_filename (self->dir, ".features-spill-XXXXXX", NULL);
  fd = g_mkstemp_full (self->spill_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create “%s”: %s"),
                   self->spill_path, g_strerror (saved));
      return FALSE;
    }
  /* unlinked at once: the rows live only as long as the descriptor */
  g_unlink (self->spill_path);
  self->spill = fdopen (fd, "w+b");
  if (self->spill == NULL)
    {
      saved = errno;
      close (fd);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create “%s”: %s"),
                   self->spill_path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

TaFeatures *
ta_features_new_custom (const char              *dir,
                        guint                    n_cols,
                        const char *const       *names,
                        const TaFeaturesOptions *options,
                        GError                 **error)
{
  g_autoptr (TaFeatures) self = g_new0 (TaFeatures, 1);

  g_return_val_if_fail (dir != NULL && n_cols > 0 && names != NULL, NULL);

  self->dir = g_strdup (dir);
  self->n_cols = n_cols;
  self->cols = g_new0 (Column, n_cols);
  for (guint c = 0; c < n_cols; c++)
    self->cols[c].name = g_strdup (names[c]);
  self->cap_sample = options && options->reservoir_rows
                     ? options->reservoir_rows : TA_FEATURES_RESERVOIR_DEFAULT;
  self->seed = options && options->seed ? options->seed : TA_FEATURES_SEED_DEFAULT;
  self->rand = g_rand_new_with_seed (self->seed);
  self->raw = g_new (double, n_cols);
  self->scaled = g_new (double, n_cols);
  if (!open_spill (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

TaFeatures *
ta_features_new (const char              *dir,
                 const TaFeaturesOptions *options,
                 GError                 **error)
{
  guint n = ta_features_get_n_columns ();
  g_autofree const char **names = g_new (const char *, n);

  for (guint c = 0; c < n; c++)
    names[c] = ta_features_get_column_name (c);
  return ta_features_new_custom (dir, n, names, options, error);
}

void
ta_features_free (TaFeatures *self)
{
  if (self == NULL)
    return;
  if (self->spill)
    fclose (self->spill);
  for (guint c = 0; c < self->n_cols && self->cols; c++)
    g_free (self->cols[c].name);
  g_free (self->cols);
  g_free (self->spill_path);
  g_clear_error (&self->error);
  g_free (self->sample);
  g_free (self->sample_ids);
  if (self->rand)
    g_rand_free (self->rand);
  g_free (self->kept);
  g_free (self->raw);
  g_free (self->scaled);
  g_free (self->dir);
  g_free (self);
}

static void
set_io_error (TaFeatures *self,
              const char *format)
{
  int saved = errno;

  if (self->error == NULL)
    g_set_error (&self->error, TA_ERROR, TA_ERROR_IO, format,
                 self->spill_path, g_strerror (saved));
}

/* Algorithm R: the first cap rows, then row i replaces a random slot with
 * probability cap / i. The buffer grows as it fills. */
static void
sample_offer (TaFeatures   *self,
              guint64       id,
              const double *row)
{
  guint slot;

  if (self->n_sample < self->cap_sample)
    {
      if (self->n_sample == self->alloc_sample)
        {
          self->alloc_sample = MIN (self->cap_sample, MAX (64, self->alloc_sample * 2));
          self->sample = g_renew (double, self->sample, (gsize) self->alloc_sample * self->n_cols);
          self->sample_ids = g_renew (guint64, self->sample_ids, self->alloc_sample);
        }
      slot = self->n_sample++;
    }
  else
    {
      guint64 j = (guint64) (g_rand_double (self->rand) * (double) self->n_rows);

      if (j >= self->cap_sample)
        return;
      slot = (guint) j;
    }
  memcpy (self->sample + (gsize) slot * self->n_cols, row, self->n_cols * sizeof (double));
  self->sample_ids[slot] = id;
}

gboolean
ta_features_add_row (TaFeatures   *self,
                     guint64       conn_id,
                     const double *row)
{
  g_return_val_if_fail (self != NULL && row != NULL, FALSE);

  if (self->fitted || self->error)
    return FALSE;
  if (fwrite (&conn_id, sizeof conn_id, 1, self->spill) != 1
      || fwrite (row, sizeof (double), self->n_cols, self->spill) != self->n_cols)
    {
      set_io_error (self, _("Cannot write “%s”: %s"));
      return FALSE;
    }
  self->n_rows++;
  for (guint c = 0; c < self->n_cols; c++)
    if (isfinite (row[c]))
      ta_running_add (&self->cols[c].present, row[c]);
  sample_offer (self, conn_id, row);
  return TRUE;
}

gboolean
ta_features_add (TaFeatures        *self,
                 const TaConn      *conn,
                 const TaFlowStats *stats)
{
  g_return_val_if_fail (self != NULL && conn != NULL, FALSE);
  g_return_val_if_fail (self->n_cols == ta_features_get_n_columns (), FALSE);

  ta_features_compute_row (conn, stats, self->raw);
  return ta_features_add_row (self, conn->id, self->raw);
}

/* The k-th smallest of @v (0-based), by quickselect (Hoare's partition,
 * middle pivot): afterwards v[0..k) ≤ v[k] ≤ v(k..n) */
static double
select_kth (double *v,
            guint   n,
            guint   k)
{
  guint lo = 0, hi = n - 1;

  while (lo < hi)
    {
      double pivot = v[lo + (hi - lo) / 2];
      guint i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              double t = v[i];

              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
  return v[k];
}


/* The median of column @c's present values in the sample (pandas': the
 * mean of the two middle values for an even count); the column's mean
 * when the sample has none of them */
static double
sample_median (TaFeatures *self,
               guint       c,
               double     *buf)
{
  guint n = 0;

  for (guint r = 0; r < self->n_sample; r++)
    {
      double v = self->sample[(gsize) r * self->n_cols + c];

      if (isfinite (v))
        buf[n++] = v;
    }
  if (n == 0)
    return ta_running_mean (&self->cols[c].present);
  {
    double hi = select_kth (buf, n, n / 2);

    if (n % 2)
      return hi;
    /* the lower middle: the largest of what select_kth left below it */
    {
      double lo = buf[0];

      for (guint i = 1; i < n / 2; i++)
        lo = MAX (lo, buf[i]);
      return (lo + hi) / 2;
    }
  }
}

/* Mean and population std of the column once its n_missing values are
 * the median: the parallel combination of the present values' (n, mean,
 * M2) with (n_missing, median, 0) */
static void
column_fit (Column  *col,
            guint64  n_rows)
{
  const TaRunning *p = &col->present;
  double n_miss = (double) (n_rows - p->n);
  double n = (double) n_rows;
  double delta = col->median - p->mean;
  double m2 = p->m2 + delta * delta * (double) p->n * n_miss / n;

  col->mean = p->mean + delta * n_miss / n;
  col->std = sqrt (MAX (m2, 0.0) / n);
}

gboolean
ta_features_fit (TaFeatures *self,
                 GError    **error)
{
  g_autofree double *buf = NULL;
  guint k = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->fitted)
    return TRUE;
  if (self->error)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }
  buf = g_new (double, MAX (self->n_sample, 1));
  self->kept = g_new (guint, self->n_cols);
  for (guint c = 0; c < self->n_cols; c++)
    {
      Column *col = &self->cols[c];

      if (col->present.n == 0)
        {
          col->dropped = "all_missing";
          continue;
        }
      col->median = sample_median (self, c, buf);
      if (col->present.min == col->present.max)
        {
          col->dropped = "zero_variance";
          continue;
        }
      column_fit (col, self->n_rows);
      if (!(col->std > 0))
        {
          col->dropped = "zero_variance";
          continue;
        }
      self->kept[k++] = c;
    }
  self->n_kept = k;
  self->fitted = TRUE;

  /* the sample becomes filled, scaled, kept columns, in place */
  for (guint r = 0; r < self->n_sample; r++)
    {
      double *src = self->sample + (gsize) r * self->n_cols;
      double *dst = self->sample + (gsize) r * self->n_kept;

      for (guint i = 0; i < self->n_kept; i++)
        {
          const Column *col = &self->cols[self->kept[i]];
          double v = src[self->kept[i]];

          dst[i] = ((isfinite (v) ? v : col->median) - col->mean) / col->std;
        }
    }
  return TRUE;
}

guint64
ta_features_get_n_rows (TaFeatures *self)
{
  return self->n_rows;
}

guint
ta_features_get_n_kept (TaFeatures *self)
{
  g_return_val_if_fail (self->fitted, 0);
  return self->n_kept;
}

const char *
ta_features_get_kept_name (TaFeatures *self,
                           guint       k)
{
  g_return_val_if_fail (self->fitted && k < self->n_kept, NULL);
  return self->cols[self->kept[k]].name;
}

const double *
ta_features_get_sample (TaFeatures *self,
                        guint      *n_rows)
{
  g_return_val_if_fail (self->fitted, NULL);
  if (n_rows)
    *n_rows = self->n_sample;
  return self->sample;
}

static void
scale_row (TaFeatures *self)
{
  for (guint i = 0; i < self->n_kept; i++)
    {
      const Column *col = &self->cols[self->kept[i]];
      double v = self->raw[self->kept[i]];

      self->scaled[i] = ((isfinite (v) ? v : col->median) - col->mean) / col->std;
    }
}

/* One pass over the spill; @out (may be NULL) gets each row's CSV line */
static gboolean
spill_pass (TaFeatures       *self,
            TaFeaturesRowFunc func,
            gpointer          user_data,
            TaOut            *out,
            GError          **error)
{

  fflush (self->spill);
  if (fseek (self->spill, 0, SEEK_SET) != 0)
    {
      set_io_error (self, _("Cannot read “%s”: %s"));
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }
  for (guint64 r = 0; r < self->n_rows; r++)
    {
      guint64 id;

      if (fread (&id, sizeof id, 1, self->spill) != 1
          || fread (self->raw, sizeof (double), self->n_cols, self->spill) != self->n_cols)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot read “%s”: it ended early"),
                       self->spill_path);
          return FALSE;
        }
      scale_row (self);
      if (func)
        func (id, self->scaled, self->n_kept, user_data);
      if (out == NULL)
        continue;
      {
        char *p = ta_out_reserve (out, 24 + (gsize) self->n_kept * 33);

        p = ta_put_u64 (p, id);
        for (guint i = 0; i < self->n_kept; i++)
          {
            *p++ = ',';
            p = ta_put_double6 (p, self->scaled[i]);
          }
        *p++ = '\n';
        ta_out_commit (out, p);
      }
    }
  fseek (self->spill, 0, SEEK_END);
  return TRUE;
}

gboolean
ta_features_foreach_row (TaFeatures       *self,
                         TaFeaturesRowFunc func,
                         gpointer          user_data,
                         GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  if (!ta_features_fit (self, error))
    return FALSE;
  return spill_pass (self, func, user_data, NULL, error);
}

static char *
scaler_json (TaFeatures *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, (gint64) self->n_rows);
  json_builder_set_member_name (b, "median");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, self->n_rows <= self->cap_sample ? "exact" : "reservoir");
  json_builder_set_member_name (b, "sample_rows");
  json_builder_add_int_value (b, self->n_sample);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, self->seed);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "scaling");
  json_builder_add_string_value (b, "standard");

  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->n_kept; i++)
    {
      const Column *col = &self->cols[self->kept[i]];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, col->name);
      json_builder_set_member_name (b, "mean");
      json_builder_add_double_value (b, col->mean);
      json_builder_set_member_name (b, "std");
      json_builder_add_double_value (b, col->std);
      json_builder_set_member_name (b, "median");
      json_builder_add_double_value (b, col->median);
      json_builder_set_member_name (b, "missing");
      json_builder_add_int_value (b, (gint64) (self->n_rows - col->present.n));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "dropped");
  json_builder_begin_array (b);
  for (guint c = 0; c < self->n_cols; c++)
    {
      const Column *col = &self->cols[c];

      if (col->dropped == NULL)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, col->name);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, col->dropped);
      json_builder_set_member_name (b, "missing");
      json_builder_add_int_value (b, (gint64) (self->n_rows - col->present.n));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static gboolean
write_scaler (TaFeatures *self,
              GError    **error)
{
  g_autofree char *path = g_build_filename (self->dir, "features_scaler.json", NULL);
  g_autofree char *text = scaler_json (self);
  TaOut *out = ta_out_open (path, TA_OUT_IN_PLACE, 0, error);

  if (out == NULL)
    return FALSE;
  ta_out_puts (out, text);
  ta_out_write (out, "\n", 1);
  return ta_out_commit_file (out, error);
}

gboolean
ta_features_finish (TaFeatures       *self,
                    TaFeaturesRowFunc func,
                    gpointer          user_data,
                    GError          **error)
{
  g_autofree char *path = NULL;
  TaOut *out;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!ta_features_fit (self, error) || !write_scaler (self, error))
    return FALSE;

  path = g_build_filename (self->dir, "features.csv", NULL);
  out = ta_out_open (path, TA_OUT_IN_PLACE, 0, error);
  if (out == NULL)
    return FALSE;
  ta_out_puts (out, "conn_id");
  for (guint i = 0; i < self->n_kept; i++)
    {
      ta_out_write (out, ",", 1);
      ta_out_puts (out, self->cols[self->kept[i]].name);
    }
  ta_out_write (out, "\n", 1);
  if (!spill_pass (self, func, user_data, out, error))
    {
      ta_out_abandon (out);
      return FALSE;
    }
  return ta_out_commit_file (out, error);
}
