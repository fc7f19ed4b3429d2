/* ta-profile.h — the traffic profile of a stream of packets: connections
 * (ta-conn.h), conversations and endpoints (ta-traffic.h) and interval
 * statistics (ta-intervals.h) in one pass, written as
 *   conn.log           Zeek's TSV (#separator, #fields, #types: zeek-cut reads it)
 *   conn.csv           the same records with a header row, plus where each
 *                      connection's first and last packet are in the inputs
 *   conversations.csv  endpoints.csv  intervals.csv
 *   profile.json       the summary (format "timearcs-profile")
 * and, unless no_analysis (ta-profile-analysis.c):
 *   validated.csv, validation_summary.csv   the checklist of every connection
 *   sequences.jsonl (inflow/, outflow/)     IAT/size sequences (RECTor's input)
 *   features.csv, features_scaler.json      ML-ready features, scaled
 *   anomaly.csv                             isolation-forest scores
 *   findings.csv, detected_attacks.csv, …   detected behaviour (ta-detect.h), also
 *                                           as attack CSVs for the TimeArcs view
 * and with a relay snapshot (options->relays): relays.csv, the Tor relays
 * among the connections' addresses, by role
 * into a folder that exists (TA_OUT_IN_PLACE: the caller moves the folder
 * into place as a whole). conn.log and conn.csv are written while packets
 * come in; memory grows only with open connections, hosts and host pairs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-conn.h"
#include "ta-intervals.h"
#include "ta-packet.h"
#include "ta-read-stats.h"
#include "ta-traffic.h"

G_BEGIN_DECLS

/* What profile.json says this is; a folder holding it is a profile folder */
#define TA_PROFILE_FORMAT "timearcs-profile"
#define TA_PROFILE_VERSION 1
#define TA_PROFILE_TOP 10   /* conversations / endpoints / ports in profile.json */

typedef struct
{
  TaConnOptions  conn;
  gint64         interval_us;   /* 0 = TA_INTERVAL_DEFAULT_US */
  const char    *local_nets;    /* CIDR list, NULL or "" = none */
  TaTrafficRank  rank;          /* order of conversations.csv / endpoints.csv */
  gboolean       no_analysis;   /* no checks, sequences, features, scores */
  guint          min_packets;   /* sequences: 0 = TA_SEQUENCES_MIN_PACKETS_DEFAULT */
  double         anomaly_threshold; /* 0 = TA_IFOREST_DEFAULT_THRESHOLD */
  const char    *relays;        /* an Onionoo details document: relays.csv; NULL = none */
  const char    *pseudonymise;  /* a Crypto-PAn key file: every address in every file
                                 * is written as its prefix-preserving pseudonym; NULL = none */
  guint          flow_files;    /* RECTor's inflow/ and outflow/ files for the first this
                                 * many connections; 0 = none (sequences.jsonl has it all) */
} TaProfileOptions;

/* What profile.json records about the run */
typedef struct
{
  const char * const *inputs;       /* by file index (TaPacket.file), NULL-terminated */
  const char * const *filter_ips;   /* NULL = none */
  gboolean            has_time_start;
  gint64              time_start_us;
  gboolean            has_time_end;
  gint64              time_end_us;
  const TaReadStats  *stats;        /* rows read, malformed, … (may be NULL) */
} TaProfileInfo;

/* Totals, valid after finish() */
typedef struct
{
  guint64 packets;
  guint64 bytes;
  gint64  first_ts;
  gint64  last_ts;
  guint64 proto_packets[4];   /* tcp, udp, icmp, other */
  guint64 proto_bytes[4];
  guint64 connections;
  guint64 conns_by_state[TA_CONN_N_STATES];
  guint64 conns_by_proto[4];
  guint   peak_open_connections;
  guint   conversations;
  guint   endpoints;
  guint64 intervals;
  guint64 anomalous;          /* connections scored at or above the threshold */
  guint   findings;           /* detected behaviour */
} TaProfileSummary;

typedef struct _TaProfile TaProfile;

/* Opens conn.log and conn.csv in @dir (an existing folder). Errors:
 * TA_ERROR_INVALID_ARGUMENT (interval, local networks), TA_ERROR_IO. */
TaProfile              *ta_profile_new         (const char             *dir,
                                                const TaProfileOptions *options,
                                                TaAddrTable            *addrs,
                                                GError                **error);
void                    ta_profile_add         (TaProfile              *self,
                                                const TaPacket         *pkt);
/* Ends the open connections and writes the other files */
gboolean                ta_profile_finish      (TaProfile              *self,
                                                const TaProfileInfo    *info,
                                                GError                **error);
const TaProfileSummary *ta_profile_get_summary (TaProfile              *self);
/* Frees; the files of an unfinished profile are removed */
void                    ta_profile_free        (TaProfile              *self);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaProfile, ta_profile_free)

G_END_DECLS
