/* ta-sequences.h — per-connection [iat, size] sequences in overlapping
 * windows, as the Tor flow-correlation tools prepare them: DeepCoFFEA's
 * preprocessing (new_dcf_parse.py, filter.py of traffic-analysis/deepcoffea),
 * whose inflow/outflow folders and windows RECTor's tools take over. RECTor's
 * own code was not at hand, so the rules and defaults below are
 * DeepCoFFEA's, checked in its source.
 *
 * Directions: egress = originator → responder, ingress = responder →
 * originator. Times are seconds since the connection's first packet.
 *
 * For a connection of at least min_packets packets (TaFlowStats.packets;
 * only the first max_seq_packets are there, see ta-flow-stats.h), per
 * direction:
 *  1. pure ACKs are removed: TCP packets without payload whose frame is at
 *     most ack_threshold bytes (DeepCoFFEA's parser drops packets of
 *     |size| <= 66 on the exit side, <= 512 on the Tor side, whatever
 *     their payload; one threshold serves both directions here);
 *  2. super packets are merged: a packet with the same timestamp as the
 *     previous kept packet of its direction (zero delay) adds its size to
 *     that one (DeepCoFFEA's parser does the same, though it sums the
 *     sizes wrongly and loses a trailing group; here the sizes are summed);
 *  3. each kept packet gets iat = its time − the previous kept packet's of
 *     the same direction (for the first one, its time since the
 *     connection's start, as DeepCoFFEA's parser starts from 0);
 *  4. windows: window w (0 ≤ w < n_windows) holds the packets with
 *     w·step_s ≤ time ≤ w·step_s + window_s (both ends included, as
 *     DeepCoFFEA's parse_csv does). The defaults are DeepCoFFEA's: 11
 *     windows of 5 s every 2 s, 0–5 s … 20–25 s
 *     (create_overlap_window_csv(…, 5, 11, 2); filter.py uses the same;
 *     a step of 1 s appears only as a commented-out alternative).
 *     Every window is written, empty or not.
 *
 * Files written in the folder given to ta_sequences_writer_new():
 *  - sequences.jsonl: one line per connection, e.g.
 *      {"conn_id":7,"proto":"tcp","orig":"10.0.0.1","orig_p":40000,
 *       "resp":"10.0.0.2","resp_p":443,"ts_first":1700000000000000,
 *       "packets":12,"truncated":false,"windows":[{"start":0,
 *       "ingress":[[0.2,1500],…],"egress":[[0,120],…]},…]}
 *  - inflow/NAME and outflow/NAME: the raw capped packets (no ACK removal,
 *    no merging: DeepCoFFEA's parser does that itself) of the ingress and
 *    the egress direction, one "time<TAB>size" line each (time in seconds
 *    since the connection's first packet, six decimals; size in frame
 *    bytes, always positive: one direction per file), the layout of
 *    DeepCoFFEA's CrawlE_Proc folders. NAME is
 *    "ID_PROTO_ORIG_ORIGPORT_RESP_RESPPORT" (PROTO tcp, udp, icmp or
 *    other; ICMP's ports are its type and code) with every character other than
 *    letters, digits, '.' and '-' of the addresses turned into '-'. At most
 *    max_flow_files connections get files; the others are counted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-conn.h"
#include "ta-flow-stats.h"

G_BEGIN_DECLS

#define TA_SEQUENCES_MIN_PACKETS_DEFAULT    5
#define TA_SEQUENCES_ACK_THRESHOLD_DEFAULT  66
#define TA_SEQUENCES_WINDOW_S_DEFAULT       5.0
#define TA_SEQUENCES_STEP_S_DEFAULT         2.0
#define TA_SEQUENCES_N_WINDOWS_DEFAULT      11
#define TA_SEQUENCES_MAX_FLOW_FILES_DEFAULT 10000

typedef struct
{
  guint    min_packets;     /* 0 = TA_SEQUENCES_MIN_PACKETS_DEFAULT */
  guint    ack_threshold;   /* frame bytes; 0 = TA_SEQUENCES_ACK_THRESHOLD_DEFAULT */
  double   window_s;        /* 0 = TA_SEQUENCES_WINDOW_S_DEFAULT */
  double   step_s;          /* 0 = TA_SEQUENCES_STEP_S_DEFAULT */
  guint    n_windows;       /* 0 = TA_SEQUENCES_N_WINDOWS_DEFAULT */
  guint    max_flow_files;  /* 0 = TA_SEQUENCES_MAX_FLOW_FILES_DEFAULT */
  gboolean no_flow_files;   /* write sequences.jsonl only */
} TaSequencesOptions;

/* One kept (merged) packet of a direction; the files write the times in
 * seconds, exactly (µs as six decimals; trailing zeros trimmed in JSON) */
typedef struct
{
  gint64  time_us; /* since the connection's first packet */
  gint64  iat_us;
  guint64 size;    /* frame bytes, summed over a super packet */
} TaSeqItem;

/* Steps 1–3 above for one direction (0 = egress, from the originator;
 * 1 = ingress) of @stats into @out (TaSeqItem), which is cleared first */
void ta_sequences_build_direction (const TaFlowStats *stats,
                                   guint              direction,
                                   guint              ack_threshold,
                                   GArray            *out);

typedef struct _TaSequencesWriter TaSequencesWriter;

/* Opens sequences.jsonl (and makes inflow/ and outflow/) in @dir, which
 * must exist; the files are written in place (TA_OUT_IN_PLACE) */
TaSequencesWriter *ta_sequences_writer_new     (const char               *dir,
                                                const TaSequencesOptions *options,
                                                GError                  **error);
/* Writes @conn's line and files when it has enough packets; @stats may be
 * NULL (then nothing is written). FALSE after a write error (kept for
 * _finish). */
gboolean           ta_sequences_writer_add     (TaSequencesWriter        *self,
                                                const TaConn             *conn,
                                                const TaFlowStats        *stats,
                                                TaAddrTable              *addrs);
/* Closes the files; FALSE and @error on the first write error */
gboolean           ta_sequences_writer_finish  (TaSequencesWriter        *self,
                                                GError                  **error);
/* connections written to sequences.jsonl */
guint64            ta_sequences_writer_get_n_written  (TaSequencesWriter *self);
/* connections left out for having fewer than min_packets packets */
guint64            ta_sequences_writer_get_n_short    (TaSequencesWriter *self);
/* connections that got inflow/outflow files */
guint64            ta_sequences_writer_get_n_flow_files (TaSequencesWriter *self);
/* connections written to sequences.jsonl without files: max_flow_files hit */
guint64            ta_sequences_writer_get_n_files_skipped (TaSequencesWriter *self);
void               ta_sequences_writer_free    (TaSequencesWriter        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaSequencesWriter, ta_sequences_writer_free)

G_END_DECLS
