/* ta-conn.h — connections of every IP protocol, as Zeek's conn.log has them
 *
 * One streaming pass: packets in (time order within a connection), one
 * TaConn out through the done callback when a connection ends — by its TCP
 * close (both FINs, or a RST, then a close delay), by inactivity, or at
 * ta_conn_tracker_finish(). Memory grows only with the open connections.
 *
 * Semantics follow Zeek's conn.log reference:
 *  - TCP and UDP are keyed by the 5-tuple; ICMP by (orig, resp, type, code)
 *    with request and reply types paired (echo 8↔0, timestamp 13↔14,
 *    information 15↔16, address mask 17↔18; ICMPv6 echo 128↔129, router
 *    133↔134, neighbour 135↔136) so that a ping and its reply are one
 *    connection; orig_p is the ICMP type of the originator, resp_p its code.
 *    Other IP protocols are keyed by (orig, resp, proto) with ports 0.
 *  - The originator is the sender of the first packet, except that a TCP
 *    connection first seen with a SYN+ACK is flipped (the history starts
 *    with '^').
 *  - conn_state is Zeek's: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR
 *    OTH; for UDP SF (both sides), S0 (orig only), SHR (resp only).
 *  - history uses Zeek's letters (s h a d f r c g t w i q ^), upper case
 *    for the originator, lower case for the responder: a d i q once per
 *    direction, s h f r again when their sequence number changes, g t w
 *    at 1, 10, 100, … occurrences (Zeek's conn.log rules).
 *  - orig_bytes / resp_bytes: TCP payload taken from sequence numbers as
 *    Zeek does (highest seq end − first seq, less the SYN and FIN); UDP and
 *    ICMP from the packets' payload (TA_PKT_HAS_PAYLOAD), else IP bytes
 *    less a 20-byte IP and 8-byte UDP/ICMP header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-packet.h"

G_BEGIN_DECLS

typedef enum
{
  TA_CONN_S0,
  TA_CONN_S1,
  TA_CONN_SF,
  TA_CONN_REJ,
  TA_CONN_S2,
  TA_CONN_S3,
  TA_CONN_RSTO,
  TA_CONN_RSTR,
  TA_CONN_RSTOS0,
  TA_CONN_RSTRH,
  TA_CONN_SH,
  TA_CONN_SHR,
  TA_CONN_OTH,
  TA_CONN_N_STATES
} TaConnState;

/* Zeek's defaults */
#define TA_CONN_TCP_TIMEOUT_DEFAULT_US   (300 * G_USEC_PER_SEC) /* tcp_inactivity_timeout */
#define TA_CONN_UDP_TIMEOUT_DEFAULT_US   (60 * G_USEC_PER_SEC)  /* udp_inactivity_timeout */
#define TA_CONN_ICMP_TIMEOUT_DEFAULT_US  (60 * G_USEC_PER_SEC)  /* icmp_inactivity_timeout */
#define TA_CONN_CLOSE_DELAY_DEFAULT_US   (5 * G_USEC_PER_SEC)   /* tcp_close_delay, tcp_reset_delay */

typedef struct
{
  gint64 tcp_timeout_us;    /* 0 = TA_CONN_TCP_TIMEOUT_DEFAULT_US */
  gint64 udp_timeout_us;    /* 0 = TA_CONN_UDP_TIMEOUT_DEFAULT_US; also other IP protocols */
  gint64 icmp_timeout_us;   /* 0 = TA_CONN_ICMP_TIMEOUT_DEFAULT_US */
  gint64 close_delay_us;    /* 0 = TA_CONN_CLOSE_DELAY_DEFAULT_US */
} TaConnOptions;

#define TA_CONN_HISTORY_MAX 40

typedef struct
{
  guint64     id;              /* 1, 2, … in order of the first packet: the uid's source */
  gint64      ts_first;        /* µs */
  gint64      ts_last;
  guint32     orig;            /* TaAddrTable index */
  guint32     resp;
  guint16     orig_p;          /* ICMP: type */
  guint16     resp_p;          /* ICMP: code */
  guint8      proto;           /* IP protocol number */
  TaConnState state;
  gboolean    ended_by_timeout;
  guint64     orig_pkts;
  guint64     resp_pkts;
  guint64     orig_ip_bytes;   /* sum of TaPacket.ip_len */
  guint64     resp_ip_bytes;
  guint64     orig_bytes;      /* payload, see above */
  guint64     resp_bytes;
  guint64     orig_frame_bytes;/* sum of TaPacket.length (Wireshark's bytes) */
  guint64     resp_frame_bytes;
  guint64     missed_bytes;    /* TCP sequence gaps */
  guint16     first_file;      /* TaPacket.file / .frame of the first and last packet */
  guint16     last_file;
  guint32     first_frame;
  guint32     last_frame;
  guint32     tcp_flags_orig;  /* OR of the TCP flags each way */
  guint32     tcp_flags_resp;
  char        history[TA_CONN_HISTORY_MAX]; /* NUL-terminated */
} TaConn;

/* Called once per connection when it ends; @conn is valid during the call */
typedef void (*TaConnFunc) (const TaConn *conn,
                            gpointer      user_data);

typedef struct _TaConnTracker TaConnTracker;

TaConnTracker *ta_conn_tracker_new          (const TaConnOptions *options,
                                             TaConnFunc           done,
                                             gpointer             user_data);
/* Adds one packet (with a src and dst address; any protocol). Connections
 * whose timeout has passed by pkt->ts end first. Returns the connection the
 * packet joined, valid until the next call; *is_new when it started it,
 * *from_orig whether the originator sent it. */
const TaConn  *ta_conn_tracker_add          (TaConnTracker       *self,
                                             const TaPacket      *pkt,
                                             gboolean            *is_new,
                                             gboolean            *from_orig);
/* Ends every open connection (at the end of the input) */
void           ta_conn_tracker_finish       (TaConnTracker       *self);
guint          ta_conn_tracker_get_n_open   (TaConnTracker       *self);
guint          ta_conn_tracker_get_peak_open(TaConnTracker       *self);
guint64        ta_conn_tracker_get_n_done   (TaConnTracker       *self);
void           ta_conn_tracker_free         (TaConnTracker       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaConnTracker, ta_conn_tracker_free)

/* "S0", "SF", … */
const char    *ta_conn_state_name           (TaConnState          state);
/* Zeek's proto column: "tcp", "udp", "icmp" (also ICMPv6), else "unknown_transport" */
const char    *ta_conn_proto_name           (guint8               proto);
/* A service guess by well-known port ("http", "ssl", "dns", "ssh", "smtp",
 * …), NULL when none; for TCP/UDP the responder's port is tried first */
const char    *ta_conn_service_guess        (guint8               proto,
                                             guint16              orig_p,
                                             guint16              resp_p);
/* Zeek-style uid for @id: "C" and 17 base62 characters, deterministic */
void           ta_conn_uid                  (guint64              id,
                                             char                 out[20]);

G_END_DECLS
