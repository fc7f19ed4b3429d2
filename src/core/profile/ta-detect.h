/* ta-detect.h — behaviour detectors over finished connections (ta-conn.h)
 *
 * Feed every finished TaConn to ta_detector_add_conn(); findings come out
 * named with MAWILab's taxonomy (Mazel et al., TRAC 2014, as the MAWILab
 * label files use it: network_scan_SYN, point_to_point_port_scan_TCP,
 * distributed_denial_of_service_SYN, multipoint_to_point_UDP,
 * point_to_point_denial_of_service_ICMP, alpha_flow, point_to_multipoint…)
 * plus a readable name. Brute force and periodic beaconing have no MAWILab
 * label; they get names in the same style (point_to_point_brute_force_SSH,
 * point_to_point_periodic).
 *
 * Streaming, bounded memory. Connections are counted by their first
 * packet's time into fixed windows (window_us, 300 s by default) per key:
 *   source                       network scan, spam (SMTP point to multipoint)
 *   (source, destination)        port scan
 *   (source, destination, port)  brute force (TCP 21, 22, 3389)
 *   (destination, protocol)      DDoS / multipoint to point
 *   destination, ICMP echo       ping flood
 * A key's window is judged when a connection of a later window arrives for
 * it, or when the newest connection seen is more than the connection
 * tracker's longest timeout (TCP 300 s plus the close delay) past its end,
 * or at finish. Findings of the same detector and key in adjacent windows
 * merge into one. Beaconing keeps per (source, destination, protocol, port)
 * the gap statistics (Welford) between connection starts; a pair idle for
 * beacon_idle_us is judged and forgotten. Alpha flows keep only the
 * connections of at least alpha_min_bytes and a log-scale histogram of all
 * connections' bytes (1/8-octave buckets, so the median and p99.9 are
 * within 9 %). Memory grows with the active keys and findings, not with
 * connections; each key keeps at most TA_DETECT_MAX_ROWS attack-CSV rows.
 *
 * Rules (defaults; every threshold is an option, 0 = default):
 *  - a connection is unanswered when TCP exchanged no payload either way
 *    (S0, REJ, half-open SYN/SYN-ACK, RST probes) or UDP/ICMP/other got no
 *    packet back
 *  - network scan: one source, ≥ 50 distinct destinations of unanswered
 *    connections in a window, ≥ 80 % of its connections unanswered, the
 *    probes carrying ≤ 100 payload bytes on average (a flood to random
 *    ports is no scan)
 *  - port scan: one pair, ≥ 50 distinct destination ports of unanswered
 *    connections in a window, ≥ 50 % unanswered, probes as above
 *  - DDoS: one destination and protocol, ≥ 5 distinct sources of unanswered
 *    connections, those making ≥ 80 % of its connections in the window, and
 *    ≥ 500 of them (TCP) or ≥ 5,000 of their packets (UDP, other)
 *  - ping flood: ≥ 1,000 ICMP echo-request packets to one destination in a
 *    window (any number of sources)
 *  - brute force: ≥ 20 TCP connections from one source to one target's port
 *    22, 21 or 3389 in a window, lasting ≤ 60 s on average
 *  - spam: one source, ≥ 90 connections to SMTP ports (25, 465, 587) and
 *    ≥ 20 distinct destinations in a window
 *  - beaconing: ≥ 8 connections of one pair and port, the coefficient of
 *    variation of the gaps between their starts ≤ 0.2, a mean gap ≥ 10 s
 *  - alpha flow (heavy hitter): a connection of bytes (payload both ways)
 *    ≥ max (100 × median, p99.9) of all connections and ≥ 10 MB (10^7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-conn.h"

G_BEGIN_DECLS

typedef enum
{
  TA_FINDING_NETWORK_SCAN,
  TA_FINDING_PORT_SCAN,
  TA_FINDING_DDOS,
  TA_FINDING_PING_FLOOD,
  TA_FINDING_BRUTE_FORCE,
  TA_FINDING_BEACONING,
  TA_FINDING_ALPHA_FLOW,
  TA_FINDING_SPAM,
  TA_FINDING_N_TYPES
} TaFindingType;

#define TA_DETECT_MAX_ROWS 4096     /* attack-CSV rows kept per key and window */
#define TA_DETECT_MAX_ADDRS 65536   /* addresses kept per finding (beyond: counted) */

typedef struct
{
  gint64  window_us;              /* 300 s */
  guint   scan_min_dsts;          /* 50 */
  double  scan_min_unanswered;    /* 0.8 */
  guint   scan_max_probe_bytes;   /* 100: mean originator payload of a probe */
  guint   portscan_min_ports;     /* 50 */
  double  portscan_min_unanswered;/* 0.5 */
  guint   ddos_min_sources;       /* 5 */
  double  ddos_min_fraction;      /* 0.8 */
  guint64 ddos_min_tcp_conns;     /* 500 */
  guint64 ddos_min_pkts;          /* 5000 (UDP, other) */
  guint64 ping_min_pkts;          /* 1000 */
  guint   brute_min_conns;        /* 20 */
  gint64  brute_max_mean_us;      /* 60 s */
  guint   spam_min_conns;         /* 90 */
  guint   spam_min_dsts;          /* 20 */
  guint   beacon_min_conns;       /* 8 */
  double  beacon_max_cv;          /* 0.2 */
  gint64  beacon_min_gap_us;      /* 10 s */
  gint64  beacon_idle_us;         /* 3600 s */
  guint64 alpha_min_bytes;        /* 10,000,000 */
  double  alpha_median_factor;    /* 100 */
  double  alpha_quantile;         /* 0.999 */
} TaDetectOptions;

typedef struct
{
  TaFindingType type;
  char    *mawilab;        /* MAWILab-style label, e.g. "network_scan_SYN" */
  guint8   proto;
  gint64   start_us;       /* first connection's first packet */
  gint64   end_us;         /* last packet of its connections */
  guint64  conns;
  guint64  pkts;           /* both ways */
  guint64  bytes;          /* IP bytes both ways */
  GArray  *srcs;           /* guint32 TaAddrTable indices, ascending */
  GArray  *dsts;
  GArray  *ports;          /* guint16 destination ports (ICMP: type), ascending */
  guint64  n_srcs;         /* distinct, also beyond what srcs holds */
  guint64  n_dsts;
  char    *evidence;       /* "distinct_dsts=254 unanswered=0.99 window_s=300" */
} TaFinding;

typedef struct _TaDetector TaDetector;

/* @options NULL: every default */
TaDetector      *ta_detector_new           (const TaDetectOptions *options);
void             ta_detector_free          (TaDetector            *self);
void             ta_detector_add_conn      (TaDetector            *self,
                                            const TaConn          *conn);
/* Judges what is left and, with @dir, writes into it (atomically each):
 *   findings.csv                         one row per finding
 *   detected_attacks.csv                 attack CSV: the findings' traffic,
 *   detected_grouped_attacks.csv         one row per minute, length, source,
 *                                        destination, protocol and type
 *   detected_ip_map.json                 the IP map of those files
 *   event_type_mapping_detected.json     readable type name → code
 *   attack_group_mapping_detected.json   group → code
 *   color_mapping.json, attack_group_color_mapping.json
 * so the TimeArcs view opens detected_attacks.csv with its mappings.
 * @dir NULL: only judges. Call once; adding ends. */
gboolean         ta_detector_finish        (TaDetector            *self,
                                            TaAddrTable           *addrs,
                                            const char            *dir,
                                            GError               **error);
/* TaFinding, by start time; valid until the detector is freed */
const GPtrArray *ta_detector_get_findings  (TaDetector            *self);
guint64          ta_detector_get_n_conns   (TaDetector            *self);
/* Keys (windows, pairs) held now and at most: the memory check */
guint            ta_detector_get_n_keys    (TaDetector            *self);
guint            ta_detector_get_peak_keys (TaDetector            *self);

/* "network_scan", … : the findings.csv type column */
const char      *ta_finding_type_id        (TaFindingType          type);
/* The readable name, untranslated: the label in the attack CSV mapping,
 * e.g. "network scan", "ddos (multipoint to point)", "c2 beaconing" */
const char      *ta_finding_type_label     (TaFindingType          type);
/* The same, translated, for display */
const char      *ta_finding_type_display   (TaFindingType          type);
/* The type of a label: our ids and labels, MAWILab taxonomy names
 * (network_scan_*, point_to_point_port_scan*, distributed_denial_of_service*,
 * multipoint_to_point*, *denial_of_service_ICMP*, alpha_flow*, heavy_hitter,
 * point_to_multipoint*) and words of other ground truths (horizontal /
 * vertical scan, flood, brute, beacon, exfil, spam). -1 when none fits. */
gint             ta_finding_type_for_label (const char            *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaDetector, ta_detector_free)

G_END_DECLS
