/* ta-intervals.h — per-interval statistics: the series behind I/O graphs
 *
 * Interval k holds the packets with ts in [origin + k·I, origin + (k+1)·I),
 * origin = the first packet's ts rounded down to a multiple of I (µs since
 * the epoch), so a packet on a boundary falls in exactly one interval.
 * Intervals with no packet are written too (zeros), between the first and
 * the last. Per interval: packets and bytes (frame lengths) per protocol
 * (TCP, UDP, ICMP, other), TCP flag counts (SYN without ACK, SYN+ACK, FIN,
 * RST), new connections by conn_state (counted in the interval of the
 * connection's first packet), distinct sources and destinations, the top
 * destination ports, a packet-size histogram, and bytes in / out / within /
 * outside the local networks.
 *
 * Streaming: an interval's distinct-address sets and port counts are kept
 * only while it is recent (packets may arrive out of order by up to the
 * lag); its counters then go to a spill file. A packet later than that
 * still counts in its interval's counters, but not in its distinct
 * addresses or top ports (ta_intervals_get_late_packets() says how many).
 * Memory grows with the traffic within the lag, not with the number of
 * intervals, except for the new-connection counts: 52 bytes per interval
 * in which a connection started. Of a gap of empty intervals (a clock
 * jump, a stray timestamp) only the first TA_INTERVAL_MAX_GAP are written
 * as zero rows.
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

#define TA_INTERVAL_DEFAULT_US   G_USEC_PER_SEC
#define TA_INTERVAL_MAX_US       (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define TA_INTERVAL_TOP_PORTS    5
#define TA_INTERVAL_MAX_GAP      1000

/* Packet-size histogram bins (frame length): upper bounds, inclusive;
 * the last bin is everything above */
#define TA_INTERVAL_N_SIZE_BINS  8  /* ≤64 ≤128 ≤256 ≤512 ≤1024 ≤1518 ≤9000 >9000 */

/* A set of local networks ("10.0.0.0/8,fd00::/8") */
typedef struct _TaNetList TaNetList;

/* NULL with an error naming the bad entry */
TaNetList   *ta_net_list_parse        (const char   *text,
                                       GError      **error);
gboolean     ta_net_list_contains     (const TaNetList *self,
                                       const char   *address);  /* textual IPv4/IPv6 */
char        *ta_net_list_to_string    (const TaNetList *self);
/* The same for an address of @addrs, remembered in @cache (one byte per
 * address index: 0 not looked up, 1 local, 2 not local) */
gboolean     ta_net_list_contains_index (const TaNetList *self,
                                       TaAddrTable  *addrs,
                                       GByteArray   *cache,
                                       guint32       addr);
void         ta_net_list_free         (TaNetList    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaNetList, ta_net_list_free)

typedef struct
{
  gint64           interval_us;   /* 0 = TA_INTERVAL_DEFAULT_US; a multiple of 1000, ≤ TA_INTERVAL_MAX_US */
  const TaNetList *local_nets;    /* NULL = none (the direction columns are 0) */
  gint64           lag_us;        /* 0 = max(10 s, 2 intervals) */
  const char      *spill_dir;     /* where the spill file goes; NULL = g_get_tmp_dir() */
} TaIntervalOptions;

typedef struct _TaIntervals TaIntervals;

/* Fails (TA_ERROR_INVALID_ARGUMENT) on a bad interval; TA_ERROR_IO when the
 * spill file cannot be made */
TaIntervals *ta_intervals_new         (const TaIntervalOptions *options,
                                       TaAddrTable   *addrs,
                                       GError       **error);
void         ta_intervals_free        (TaIntervals   *self);
void         ta_intervals_add_packet  (TaIntervals   *self,
                                       const TaPacket *pkt);
/* a connection that ended: counted by state in its first packet's interval */
void         ta_intervals_add_conn    (TaIntervals   *self,
                                       const TaConn  *conn);
/* intervals.csv; FALSE with an error if the spill file failed */
gboolean     ta_intervals_write_csv   (TaIntervals   *self,
                                       TaOut         *out,
                                       GError       **error);
guint64      ta_intervals_get_count   (TaIntervals   *self);   /* rows written (after write_csv) */
guint64      ta_intervals_get_late_packets (TaIntervals *self);
guint        ta_intervals_get_n_open  (TaIntervals   *self);   /* intervals held in memory */
/* "1s", "250ms", "5m", "1h", "1d" or a number of ms → µs; FALSE on text
 * that is not a multiple of 1 ms from 1 ms to a day */
gboolean     ta_interval_parse        (const char    *text,
                                       gint64        *us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIntervals, ta_intervals_free)

G_END_DECLS
