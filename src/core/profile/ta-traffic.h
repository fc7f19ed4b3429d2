/* ta-traffic.h — conversations (unordered host pairs) and endpoints
 * (hosts), as Wireshark's Statistics → Conversations → IPv4/IPv6 and
 * Endpoints → IPv4/IPv6 count them: every IP packet counts once in its
 * conversation and once in each of its two endpoints, with its frame length
 * (TaPacket.length) as bytes. Connections (from ta-conn.h) add the
 * connection counts, the distinct responder ports and the top ports.
 *
 * Memory grows with the distinct hosts and host pairs (and the distinct
 * (host, responder port) pairs), not with packets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-conn.h"
#include "ta-out.h"
#include "ta-packet.h"

G_BEGIN_DECLS

#define TA_TRAFFIC_TOP_PORTS 5

typedef enum
{
  TA_TRAFFIC_RANK_BYTES,
  TA_TRAFFIC_RANK_PACKETS,
  TA_TRAFFIC_RANK_CONNECTIONS,
} TaTrafficRank;

typedef struct
{
  guint16 port;
  guint8  proto;
  guint64 conns;
} TaPortCount;

/* a = the lower TaAddrTable index of the pair */
typedef struct
{
  guint32 a;
  guint32 b;
  guint64 pkts_ab;
  guint64 pkts_ba;
  guint64 bytes_ab;
  guint64 bytes_ba;
  gint64  first;      /* µs */
  gint64  last;
  guint64 conns;      /* connections between the two, either way */
  guint   n_ports;    /* distinct responder ports of those connections */
  TaPortCount top_ports[TA_TRAFFIC_TOP_PORTS];  /* by connections (ties by proto, port);
                                                * conns 0 ends the list */
} TaConversation;

typedef struct
{
  guint32 addr;
  guint64 pkts_tx;
  guint64 pkts_rx;
  guint64 bytes_tx;
  guint64 bytes_rx;
  gint64  first;
  gint64  last;
  guint64 conns_orig; /* connections it originated */
  guint64 conns_resp; /* connections it answered */
  guint   n_peers;    /* distinct hosts it exchanged packets with */
  guint   n_ports;    /* distinct responder ports of its connections (either side) */
  TaPortCount top_ports[TA_TRAFFIC_TOP_PORTS];
} TaEndpoint;

typedef struct _TaTraffic TaTraffic;

TaTraffic      *ta_traffic_new                 (void);
void            ta_traffic_free                (TaTraffic      *self);
void            ta_traffic_add_packet          (TaTraffic      *self,
                                                const TaPacket *pkt);
void            ta_traffic_add_conn            (TaTraffic      *self,
                                                const TaConn   *conn);
guint           ta_traffic_get_n_conversations (TaTraffic      *self);
guint           ta_traffic_get_n_endpoints     (TaTraffic      *self);
/* Ranked, most first (ties by address index); at most @limit (0 = all).
 * Owned by the caller (g_ptr_array_unref); the elements belong to @self
 * and stay valid until the next add or free. */
GPtrArray      *ta_traffic_get_conversations   (TaTraffic      *self,
                                                TaTrafficRank   rank,
                                                guint           limit);
GPtrArray      *ta_traffic_get_endpoints       (TaTraffic      *self,
                                                TaTrafficRank   rank,
                                                guint           limit);
/* conversations.csv / endpoints.csv (header row, then ranked rows) */
void            ta_traffic_write_conversations (TaTraffic      *self,
                                                TaAddrTable    *addrs,
                                                TaTrafficRank   rank,
                                                TaOut          *out);
void            ta_traffic_write_endpoints     (TaTraffic      *self,
                                                TaAddrTable    *addrs,
                                                TaTrafficRank   rank,
                                                TaOut          *out);
/* "bytes" / "packets" / "connections" and back; FALSE for unknown text */
const char     *ta_traffic_rank_name           (TaTrafficRank   rank);
gboolean        ta_traffic_rank_parse          (const char     *text,
                                                TaTrafficRank  *rank);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaTraffic, ta_traffic_free)

G_END_DECLS
