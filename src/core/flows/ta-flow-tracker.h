/* ta-flow-tracker.h — streaming TCP flow tracking (FORMATS.md §7)
 *
 * Packets are grouped per bidirectional connection (both `ip:port` ends).
 * A flow is open until it completes:
 *   - on a RST (the RST is the flow's last packet);
 *   - on a finished close: both ends sent a FIN and a packet from the other
 *     end acknowledged the last FIN (that ACK is the flow's last packet);
 *   - after timeout_us without a packet, checked as the packet clock
 *     advances (before each packet), so a packet arriving after the gap
 *     starts a new flow;
 *   - at the end of input (ta_flow_tracker_finish), in id order.
 * After a RST or a finished close the flow lingers for a short time
 * (TA_FLOW_LINGER_DEFAULT_US, never more than the timeout): stray packets of
 * that connection (a second RST, the peer's RST+ACK, a retransmitted FIN or
 * final ACK) join it instead of making one-packet flows; it is handed over
 * when the linger ends, or at once when a SYN opens a new connection on the
 * same 4-tuple. A packet with the same 4-tuple after that starts a new flow.
 *
 * Flow ids count from 1 in creation order (the original numbers flows when
 * it first sees their connection); flows are handed over in completion
 * order, which is the order the original writes its chunks in.
 *
 * The classification runs over the completed flow's packets sorted by time
 * (stable), exactly as the original's per-flow state machine, except:
 *   - "ACK with payload" uses the real TCP payload when the packet has
 *     TA_PKT_HAS_PAYLOAD; otherwise (CSV input has only the frame length)
 *     payload = frame length − (14 Ethernet + 20 IPv4 or 40 IPv6 + 20 TCP +
 *     12 TCP timestamp option), at least 0. Pure ACKs of 54, 60 (padded) and
 *     66 (timestamps) bytes therefore carry no payload; the original used the
 *     frame length, so every ACK looked like data.
 *   - every packet stays in the flow's packet list (the original dropped the
 *     packets after the one that made the flow invalid).
 *   - sequence arithmetic is modulo 2^32.
 *
 * Open flows keep their packets in a pooled block arena: memory grows only
 * with the number (and size) of open flows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-packet.h"

G_BEGIN_DECLS

typedef enum
{
  TA_FLOW_STATE_NEW,
  TA_FLOW_STATE_ESTABLISHING,
  TA_FLOW_STATE_ESTABLISHED,
  TA_FLOW_STATE_DATA_TRANSFER,
  TA_FLOW_STATE_CLOSING,
  TA_FLOW_STATE_CLOSED,
  TA_FLOW_STATE_ABORTED,
  TA_FLOW_STATE_INVALID,
  TA_FLOW_STATE_ONGOING,
} TaFlowState;

typedef enum
{
  TA_CLOSE_NONE,        /* JSON null */
  TA_CLOSE_GRACEFUL,
  TA_CLOSE_ABORTIVE,
  TA_CLOSE_INVALID,
  TA_CLOSE_OPEN,
} TaCloseType;

typedef enum
{
  TA_INVALID_NONE,      /* JSON null */
  TA_INVALID_SYNACK,
  TA_INVALID_ACK,
  TA_INVALID_RST_DURING_HANDSHAKE,
  TA_INVALID_INCOMPLETE_NO_SYN,
  TA_INVALID_INCOMPLETE_NO_SYNACK,
  TA_INVALID_INCOMPLETE_NO_ACK,
} TaInvalidReason;

/* Phase of one packet; the first three are the establishment phase, then
 * data transfer, then closing (FORMATS.md §8 `phases`). */
typedef enum
{
  TA_PHASE_NONE,
  TA_PHASE_SYN,
  TA_PHASE_SYN_ACK,
  TA_PHASE_ACK,
  TA_PHASE_DATA,
  TA_PHASE_ACK_DATA,
  TA_PHASE_FIN,
  TA_PHASE_RST,
  TA_PHASE_ACK_CLOSE,
} TaFlowPhase;

typedef enum
{
  TA_PHASE_GROUP_NONE,
  TA_PHASE_GROUP_ESTABLISHMENT,
  TA_PHASE_GROUP_DATA_TRANSFER,
  TA_PHASE_GROUP_CLOSING,
} TaPhaseGroup;

typedef enum
{
  TA_FLOW_END_CLOSE,    /* finished FIN exchange */
  TA_FLOW_END_RST,
  TA_FLOW_END_TIMEOUT,
  TA_FLOW_END_INPUT,    /* end of input */
} TaFlowEnd;

/* A completed, classified flow. Pointers are valid during the callback. */
typedef struct
{
  guint64          id;              /* 1-based; "flow_%06" */
  const char      *key;             /* "a:p-b:q" */
  const TaPacket  *packets;         /* n_packets, sorted by time */
  const guint8    *phases;          /* TaFlowPhase per packet */
  guint            n_packets;
  guint64          total_bytes;     /* sum of frame lengths */
  gint64           start_time;
  gint64           end_time;

  TaFlowState      state;
  TaCloseType      close_type;
  TaInvalidReason  invalid_reason;
  gboolean         establishment_complete;
  gboolean         data_transfer_started;
  gboolean         closing_started;
  gboolean         ongoing;

  gboolean         has_initiator;   /* initiator/responder known (a SYN was seen) */
  guint32          initiator;       /* TaAddrTable index */
  guint32          responder;
  guint16          initiator_port;
  guint16          responder_port;

  gboolean         has_expected_seq;
  guint32          expected_seq;
  gboolean         has_expected_ack;
  guint32          expected_ack;

  gint             syn_index;       /* into packets, -1 = none */
  gint             synack_index;
  gint             invalid_index;

  guint            n_establishment; /* packets per phase group */
  guint            n_data_transfer;
  guint            n_closing;

  TaFlowEnd        end;
} TaFlow;

typedef void (*TaFlowCompleteFunc) (const TaFlow *flow,
                                    gpointer      user_data);

typedef struct _TaFlowTracker TaFlowTracker;

#define TA_FLOW_LINGER_DEFAULT_US G_GINT64_CONSTANT (1000000)
/* Seconds without a packet that complete a flow, unless told otherwise */
#define TA_FLOW_TIMEOUT_DEFAULT_S 300

/* timeout_us <= 0 means TA_FLOW_TIMEOUT_DEFAULT_S */
TaFlowTracker *ta_flow_tracker_new        (TaAddrTable        *addrs,
                                           gint64              timeout_us,
                                           TaFlowCompleteFunc  func,
                                           gpointer            user_data);
/* Only TCP packets (proto 6) with both ports non-zero belong to a flow;
 * others are ignored (returns FALSE). */
gboolean       ta_flow_tracker_add        (TaFlowTracker      *self,
                                           const TaPacket     *pkt);
/* Completes every open flow (in id order) */
void           ta_flow_tracker_finish     (TaFlowTracker      *self);
void           ta_flow_tracker_free       (TaFlowTracker      *self);
/* 0 hands a flow over at its RST or finished close, without lingering */
void           ta_flow_tracker_set_linger (TaFlowTracker      *self,
                                           gint64              linger_us);

/* open flows, lingering ones included */
guint          ta_flow_tracker_get_n_open (TaFlowTracker      *self);
guint64        ta_flow_tracker_get_n_flows (TaFlowTracker     *self);

/* Payload bytes used for the "ACK with payload" rule (see above) */
guint32        ta_packet_payload_estimate (const TaPacket     *pkt,
                                           guint               family);

/* Classify packets (already sorted by time) as the state machine does.
 * Fills the classification fields of flow and phases[n]. Exposed for
 * tests. */
void           ta_flow_classify           (TaFlow             *flow,
                                           const TaPacket     *packets,
                                           guint               n,
                                           guint8             *phases,
                                           TaAddrTable        *addrs);

const char    *ta_flow_state_name         (TaFlowState         state);
const char    *ta_close_type_name         (TaCloseType         type);    /* NULL for NONE */
const char    *ta_invalid_reason_name     (TaInvalidReason     reason);  /* NULL for NONE */
const char    *ta_flow_phase_name         (TaFlowPhase         phase);
const char    *ta_flow_phase_description  (TaFlowPhase         phase);
TaPhaseGroup   ta_flow_phase_group        (TaFlowPhase         phase);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaFlowTracker, ta_flow_tracker_free)

G_END_DECLS
