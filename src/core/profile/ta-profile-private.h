/* ta-profile-private.h — what the profile's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-out.h"
#include "ta-profile.h"

G_BEGIN_DECLS

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
  TaProfileSummary  summary;
};

/* ta-profile-json.c */
void     ta_profile_count_port   (TaProfile           *self,
                                  guint8               proto,
                                  guint16              port);
gboolean ta_profile_write_json   (TaProfile           *self,
                                  const TaProfileInfo *info,
                                  GError             **error);

G_END_DECLS
