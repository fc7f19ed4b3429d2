/* ta-profile-private.h — what the profile's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-detect.h"
#include "ta-features.h"
#include "ta-flow-stats.h"
#include "ta-iforest.h"
#include "ta-out.h"
#include "ta-profile.h"
#include "ta-pseudonym.h"
#include "ta-relays.h"
#include "ta-sequences.h"
#include "ta-validate.h"

G_BEGIN_DECLS

/* ta-profile-analysis.c: per-connection statistics, checks, sequences,
 * features, anomaly scores */
typedef struct
{
  TaFlowStatsTable  *stats;       /* NULL: no analysis */
  TaValidator       *validator;
  TaOut             *validated;
  TaSequencesWriter *sequences;
  TaFeatures        *features;
  TaIforest         *forest;
  TaIforestSummary  *scores;
  TaDetector        *detector;
  TaRelaySet        *relays;      /* NULL: no snapshot given */
  TaRelayTagger     *tagger;
} TaProfileAnalysis;

struct _TaProfile
{
  char             *dir;
  TaProfileOptions  options;      /* local_nets not kept: see nets */
  TaAddrTable      *addrs;        /* borrowed */
  TaNetList        *nets;         /* NULL: no local networks */
  GByteArray       *local_cache;  /* by address index: 0 unknown, 1 local, 2 not */
  TaConnTracker    *conns;
  TaTraffic        *traffic;
  TaIntervals      *intervals;
  TaOut            *conn_log;
  TaOut            *conn_csv;
  gboolean          log_header_written;
  gboolean          finished;
  /* (proto << 16 | port) -> guint64 connections, for profile.json */
  GHashTable       *ports;
  TaPseudonym      *pseudonym;    /* NULL: real addresses */
  TaProfileSummary  summary;
  TaProfileAnalysis analysis;
};

/* ta-profile-json.c */
void     ta_profile_count_port   (TaProfile           *self,
                                  guint8               proto,
                                  guint16              port);
gboolean ta_profile_write_json   (TaProfile           *self,
                                  const TaProfileInfo *info,
                                  GError             **error);

/* ta-profile-analysis.c */
gboolean ta_profile_analysis_init        (TaProfile      *self,
                                          GError        **error);
void     ta_profile_analysis_add_packet  (TaProfile      *self,
                                          const TaConn   *conn,
                                          const TaPacket *pkt,
                                          gboolean        from_orig);
void     ta_profile_analysis_conn_done   (TaProfile      *self,
                                          const TaConn   *conn);
gboolean ta_profile_analysis_finish      (TaProfile      *self,
                                          GError        **error);
void     ta_profile_analysis_append_json (TaProfile      *self,
                                          GString        *s);
guint64  ta_profile_analysis_n_above     (TaProfile      *self);
guint    ta_profile_analysis_n_findings  (TaProfile      *self);
void     ta_profile_analysis_clear       (TaProfile      *self);

G_END_DECLS
