/* ta-features-row.c — the numeric row of one connection (ta-features.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ta-features.h"

/* The column order; the blocks below write in the same order */
static const char *const column_names[] = {
  "duration",
  "orig_pkts", "resp_pkts",
  "orig_frame_bytes", "resp_frame_bytes",
  "orig_ip_bytes", "resp_ip_bytes",
  "orig_bytes", "resp_bytes",
  "pkts_per_s", "bytes_per_s",
  "size_mean", "size_std", "size_min", "size_max",
  "size_p25", "size_p50", "size_p75", "size_p90",
  "iat_mean", "iat_std", "iat_min", "iat_max",
  "iat_p25", "iat_p50", "iat_p75", "iat_p90",
  "orig_size_mean", "orig_size_std", "orig_size_min", "orig_size_max",
  "resp_size_mean", "resp_size_std", "resp_size_min", "resp_size_max",
  "orig_iat_mean", "orig_iat_std", "orig_iat_min", "orig_iat_max",
  "resp_iat_mean", "resp_iat_std", "resp_iat_min", "resp_iat_max",
  "orig_syn", "orig_fin", "orig_rst", "orig_psh",
  "orig_ack", "orig_urg", "orig_ece", "orig_cwr",
  "resp_syn", "resp_fin", "resp_rst", "resp_psh",
  "resp_ack", "resp_urg", "resp_ece", "resp_cwr",
  "state_S0", "state_S1", "state_SF", "state_REJ", "state_S2", "state_S3",
  "state_RSTO", "state_RSTR", "state_RSTOS0", "state_RSTRH", "state_SH",
  "state_SHR", "state_OTH",
  "proto_tcp", "proto_udp", "proto_icmp", "proto_other",
  "port_well_known", "port_registered", "port_dynamic",
};

#define N_COLUMNS G_N_ELEMENTS (column_names)

G_STATIC_ASSERT (TA_CONN_N_STATES == 13);
G_STATIC_ASSERT (TA_FLOW_N_FLAGS == 8);

guint
ta_features_get_n_columns (void)
{
  return N_COLUMNS;
}

const char *
ta_features_get_column_name (guint column)
{
  g_return_val_if_fail (column < N_COLUMNS, NULL);
  return column_names[column];
}

static double *
put_running (double          *p,
             const TaRunning *r)
{
  *p++ = ta_running_mean (r);
  *p++ = ta_running_std (r);
  *p++ = ta_running_min (r);
  *p++ = ta_running_max (r);
  return p;
}

static double *
put_percentiles (double            *p,
                 const TaFlowStats *stats,
                 TaFlowValue        value)
{
  static const double qs[] = { 0.25, 0.5, 0.75, 0.9 };

  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    *p++ = stats ? ta_flow_stats_percentile (stats, value, qs[i]) : NAN;
  return p;
}

/* The blocks that need the packet statistics: NaN without them */
static double *
put_stats (double            *p,
           const TaFlowStats *stats)
{
  static const TaRunning empty = { 0 };
  const TaRunning *r;

  r = stats ? &stats->size : &empty;
  p = put_running (p, r);
  p = put_percentiles (p, stats, TA_FLOW_VALUE_SIZE);
  r = stats ? &stats->iat : &empty;
  p = put_running (p, r);
  p = put_percentiles (p, stats, TA_FLOW_VALUE_IAT);
  for (guint d = 0; d < 2; d++)
    p = put_running (p, stats ? &stats->dir[d].size : &empty);
  for (guint d = 0; d < 2; d++)
    p = put_running (p, stats ? &stats->dir[d].iat : &empty);
  for (guint d = 0; d < 2; d++)
    for (guint f = 0; f < TA_FLOW_N_FLAGS; f++)
      *p++ = stats ? (double) stats->dir[d].flags[f] : NAN;
  return p;
}

static double *
put_one_hot (double *p,
             guint   n,
             guint   hot)
{
  for (guint i = 0; i < n; i++)
    *p++ = i == hot ? 1.0 : 0.0;
  return p;
}

static guint
port_class (const TaConn *conn)
{
  if (conn->proto != 6 && conn->proto != 17)
    return G_MAXUINT;   /* no ports: no column is hot */
  if (conn->resp_p < 1024)
    return 0;
  return conn->resp_p < 49152 ? 1 : 2;
}

void
ta_features_compute_row (const TaConn      *conn,
                         const TaFlowStats *stats,
                         double            *row)
{
  double *p = row;
  double duration;
  double pkts, bytes;

  g_return_if_fail (conn != NULL && row != NULL);

  duration = conn->ts_last > conn->ts_first
             ? (double) (conn->ts_last - conn->ts_first) / G_USEC_PER_SEC : 0.0;
  pkts = (double) conn->orig_pkts + (double) conn->resp_pkts;
  bytes = (double) conn->orig_frame_bytes + (double) conn->resp_frame_bytes;

  *p++ = duration;
  *p++ = conn->orig_pkts;
  *p++ = conn->resp_pkts;
  *p++ = conn->orig_frame_bytes;
  *p++ = conn->resp_frame_bytes;
  *p++ = conn->orig_ip_bytes;
  *p++ = conn->resp_ip_bytes;
  *p++ = conn->orig_bytes;
  *p++ = conn->resp_bytes;
  *p++ = duration > 0 ? pkts / duration : NAN;
  *p++ = duration > 0 ? bytes / duration : NAN;
  p = put_stats (p, stats);
  p = put_one_hot (p, TA_CONN_N_STATES, conn->state);
  p = put_one_hot (p, 4, ta_proto_class (conn->proto));
  p = put_one_hot (p, 3, port_class (conn));
  g_assert (p == row + N_COLUMNS);
}
