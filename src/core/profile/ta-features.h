/* ta-features.h — one numeric row per connection, prepared for machine
 * learning with bounded memory
 *
 * The row (ta_features_compute_row; column names from
 * ta_features_get_column_name): duration (s); orig/resp packets, frame
 * bytes, IP bytes and payload bytes (TaConn's Zeek-style orig_bytes);
 * packets/s and frame bytes/s (missing for a zero duration); the frame
 * size's and the IAT's mean, std, min, max, p25, p50, p75, p90 over the
 * connection, and mean, std, min, max per direction (see ta-flow-stats.h);
 * the TCP flag counts per direction; conn_state one-hot (13 columns, Zeek's
 * order); proto one-hot (tcp, udp, icmp, other); the responder port's class
 * one-hot (well-known < 1024, registered < 49152, dynamic; all 0 without
 * ports). A missing value is NaN (the IAT of a one-packet connection, every
 * statistic when no TaFlowStats is given); infinities count as missing.
 *
 * Dataset preparation, as the flow profiler does it: missing values are
 * filled with the column's median, columns without any value
 * ("all_missing") or with one value only ("zero_variance") are dropped,
 * and the kept columns are scaled to mean 0 and standard deviation 1
 * (population std, as scikit-learn's StandardScaler) with the mean and std
 * of the filled column.
 *
 * Streaming: each row goes to a spill file (the connection id and the raw
 * doubles; created in the output folder and unlinked at once, so it never
 * shows and vanishes on a crash), while per column a running count, mean,
 * M2, min and max of the present values accumulate, and a reservoir sample
 * (Algorithm R, seeded GRand) of up to reservoir_rows rows is kept. The
 * median is that of the present values in the sample: exact while the rows
 * fit in the reservoir, an estimate beyond. The fill's effect on the mean
 * and variance is added exactly (the parallel Welford combination with
 * n_missing copies of the median). Memory: the reservoir (rows × columns
 * doubles, allocated as it fills) and one row.
 *
 * Files (in the folder given to ta_features_new):
 *  - features.csv: "conn_id" and the kept columns; one line per row, in
 *    input order, scaled values rounded to six decimals (ta_put_double6);
 *  - features_scaler.json: {"rows", "median": {"method": "exact" or
 *    "reservoir", "sample_rows", "seed"}, "scaling": "standard",
 *    "columns": [{"name", "mean", "std", "median", "missing"}, …] (kept,
 *    in CSV order), "dropped": [{"name", "reason", "missing"}, …]}.
 *
 * Use: _add every connection; then either _finish (fits, writes both
 * files, and hands every scaled row to a callback during the CSV pass), or
 * _fit, train on _get_sample and/or _foreach_row, then _finish (e.g. an
 * isolation forest trains on the sample and scores each row in the
 * finish pass).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-conn.h"
#include "ta-flow-stats.h"

G_BEGIN_DECLS

#define TA_FEATURES_RESERVOIR_DEFAULT 16384
#define TA_FEATURES_SEED_DEFAULT      20261102

guint        ta_features_get_n_columns     (void);
const char  *ta_features_get_column_name   (guint               column);
/* Writes ta_features_get_n_columns() values to @row; @stats may be NULL */
void         ta_features_compute_row       (const TaConn       *conn,
                                            const TaFlowStats  *stats,
                                            double             *row);

typedef struct
{
  guint   reservoir_rows;  /* 0 = TA_FEATURES_RESERVOIR_DEFAULT */
  guint32 seed;            /* 0 = TA_FEATURES_SEED_DEFAULT */
} TaFeaturesOptions;

/* One scaled row: @row holds @n_cols values, the kept columns */
typedef void (*TaFeaturesRowFunc) (guint64       conn_id,
                                   const double *row,
                                   guint         n_cols,
                                   gpointer      user_data);

typedef struct _TaFeatures TaFeatures;

/* The connection features, written to @dir (which must exist) */
TaFeatures   *ta_features_new              (const char              *dir,
                                            const TaFeaturesOptions *options,
                                            GError                 **error);
/* Any columns: @names has @n_cols names (copied) */
TaFeatures   *ta_features_new_custom       (const char              *dir,
                                            guint                    n_cols,
                                            const char *const       *names,
                                            const TaFeaturesOptions *options,
                                            GError                 **error);
/* ta_features_compute_row() and _add_row() */
gboolean      ta_features_add              (TaFeatures              *self,
                                            const TaConn            *conn,
                                            const TaFlowStats       *stats);
/* @row has the table's n_cols values; FALSE after a write error or once fitted */
gboolean      ta_features_add_row          (TaFeatures              *self,
                                            guint64                  conn_id,
                                            const double            *row);
/* Ends the input: medians, the kept columns, means and stds */
gboolean      ta_features_fit              (TaFeatures              *self,
                                            GError                 **error);
guint64       ta_features_get_n_rows       (TaFeatures              *self);
/* after fitting */
guint         ta_features_get_n_kept       (TaFeatures              *self);
const char   *ta_features_get_kept_name    (TaFeatures              *self,
                                            guint                    k);
/* The sample rows, filled and scaled: *n_rows × n_kept values */
const double *ta_features_get_sample       (TaFeatures              *self,
                                            guint                   *n_rows);
/* A pass over every row, filled and scaled (fits first if needed) */
gboolean      ta_features_foreach_row      (TaFeatures              *self,
                                            TaFeaturesRowFunc        func,
                                            gpointer                 user_data,
                                            GError                 **error);
/* Fits if needed, writes features_scaler.json and features.csv, handing
 * each row to @func (may be NULL) as it is written */
gboolean      ta_features_finish           (TaFeatures              *self,
                                            TaFeaturesRowFunc        func,
                                            gpointer                 user_data,
                                            GError                 **error);
void          ta_features_free             (TaFeatures              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaFeatures, ta_features_free)

G_END_DECLS
