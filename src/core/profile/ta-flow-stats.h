/* ta-flow-stats.h — per-connection packet statistics
 *
 * One TaFlowStats per open connection (keyed by TaConn.id), fed every
 * packet the connection tracker put into that connection, read when the
 * connection ends and then released. The table is open addressing (linear
 * probing, backward-shift deletion); a released record goes back to a free
 * list and its buffers are reused by the next connection, so in the steady
 * state no packet allocates and memory grows only with the peak number of
 * open connections.
 *
 * What a record holds (per direction: 0 = the originator's packets,
 * 1 = the responder's):
 *  - packets, frame bytes (TaPacket.length), payload bytes: TaPacket.payload
 *    when TA_PKT_HAS_PAYLOAD, else the IP bytes less the headers: TCP
 *    ip_len − 40, UDP and ICMP ip_len − 28, other protocols ip_len − 20,
 *    clamped at 0;
 *  - the frame size's and the inter-arrival time's count, mean, population
 *    standard deviation (Welford; 0 for one value), minimum and maximum,
 *    per direction and over the whole connection. An IAT is the time since
 *    the previous packet (of the same direction, or of the connection for
 *    the overall one), in seconds; a packet earlier than the previous one
 *    counts 0;
 *  - percentiles (p25, p50, p75, p90) of the frame size and the overall
 *    IAT from a bounded sample: the first TA_FLOW_STATS_SAMPLE values
 *    (sizes of the first 64 packets, IATs between the first 65). They are
 *    exact for connections of at most 64 packets. Interpolation is
 *    linear between the closest ranks (numpy's default);
 *  - TCP flag counts (TCP packets only), in TaFlowFlag order;
 *  - the first max_seq_packets packets (ts, frame size, direction, whether
 *    the payload is > 0) for the sequences (ta-sequences.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-conn.h"
#include "ta-packet.h"

G_BEGIN_DECLS

#define TA_FLOW_STATS_SAMPLE 64
#define TA_FLOW_STATS_MAX_SEQ_DEFAULT 1000

typedef enum
{
  TA_FLOW_FLAG_SYN,
  TA_FLOW_FLAG_FIN,
  TA_FLOW_FLAG_RST,
  TA_FLOW_FLAG_PSH,
  TA_FLOW_FLAG_ACK,
  TA_FLOW_FLAG_URG,
  TA_FLOW_FLAG_ECE,
  TA_FLOW_FLAG_CWR,
  TA_FLOW_N_FLAGS
} TaFlowFlag;

/* "syn", "fin", … */
const char *ta_flow_flag_name (TaFlowFlag flag);

typedef struct
{
  guint max_seq_packets;   /* 0 = TA_FLOW_STATS_MAX_SEQ_DEFAULT */
} TaFlowStatsOptions;

/* Running count, mean, M2 (sum of squared deviations), min and max */
typedef struct
{
  guint64 n;
  double  mean;
  double  m2;
  double  min;
  double  max;
} TaRunning;

void    ta_running_add  (TaRunning       *r,
                         double           x);
/* NaN when empty */
double  ta_running_mean (const TaRunning *r);
/* population standard deviation; NaN when empty, 0 for one value */
double  ta_running_std  (const TaRunning *r);
double  ta_running_min  (const TaRunning *r);
double  ta_running_max  (const TaRunning *r);

/* One packet of the capped sequence */
#define TA_FLOW_SEQ_FROM_RESP    0x01  /* sent by the responder */
#define TA_FLOW_SEQ_HAS_PAYLOAD  0x02  /* payload bytes > 0 */

typedef struct
{
  gint64  ts;       /* µs */
  guint32 size;     /* frame bytes */
  guint32 flags;    /* TA_FLOW_SEQ_* */
} TaFlowSeqPacket;

typedef struct
{
  guint64   packets;
  guint64   bytes;           /* frame */
  guint64   payload_bytes;
  TaRunning size;            /* frame bytes */
  TaRunning iat;             /* s, between this direction's packets */
  gint64    last_ts;
  guint64   flags[TA_FLOW_N_FLAGS];
} TaFlowDirStats;

typedef enum
{
  TA_FLOW_VALUE_SIZE,
  TA_FLOW_VALUE_IAT,
} TaFlowValue;

typedef struct
{
  guint64         conn_id;
  guint8          proto;
  gint64          ts_first;      /* µs, of the first packet added */
  gint64          ts_last;
  guint64         packets;
  TaFlowDirStats  dir[2];        /* 0: from the originator, 1: from the responder */
  TaRunning       size;          /* both directions */
  TaRunning       iat;
  guint           n_size_sample;
  guint           n_iat_sample;
  guint32         size_sample[TA_FLOW_STATS_SAMPLE];
  double          iat_sample[TA_FLOW_STATS_SAMPLE];
  TaFlowSeqPacket *seq;          /* the first n_seq packets */
  guint           n_seq;
  gboolean        seq_truncated; /* packets were left out of seq */
  guint           seq_cap;       /* private */
} TaFlowStats;

/* The @q-quantile (0…1) of the size or IAT sample; NaN when it is empty */
double ta_flow_stats_percentile (const TaFlowStats *stats,
                                 TaFlowValue        value,
                                 double             q);

typedef struct _TaFlowStatsTable TaFlowStatsTable;

TaFlowStatsTable  *ta_flow_stats_table_new      (const TaFlowStatsOptions *options);
/* Adds @pkt to @conn's record (created at its first packet) */
void               ta_flow_stats_add            (TaFlowStatsTable   *self,
                                                 const TaConn       *conn,
                                                 const TaPacket     *pkt,
                                                 gboolean            from_orig);
/* NULL when @conn_id has no open record; valid until it is released */
const TaFlowStats *ta_flow_stats_lookup         (TaFlowStatsTable   *self,
                                                 guint64             conn_id);
/* Forgets @conn_id's record (its memory is kept for the next one) */
void               ta_flow_stats_release        (TaFlowStatsTable   *self,
                                                 guint64             conn_id);
guint              ta_flow_stats_table_get_n_open     (TaFlowStatsTable *self);
/* records ever allocated: the peak number of open connections */
guint              ta_flow_stats_table_get_n_records  (TaFlowStatsTable *self);
void               ta_flow_stats_table_free     (TaFlowStatsTable   *self);

/* Payload bytes of @pkt as the statistics count them (see above) */
guint32            ta_flow_stats_payload_of     (const TaPacket     *pkt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaFlowStatsTable, ta_flow_stats_table_free)

G_END_DECLS
