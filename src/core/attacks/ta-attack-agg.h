/* ta-attack-agg.h — streaming aggregation of labelled packets into attack
 * CSV rows (FORMATS.md §3)
 *
 * One row per (minute, length, src, dst, protocol, attack) with the number of
 * packets. The rows of the current minute live in a small open-addressing
 * hash of compact keys (the job's address indices), so the hot path stays in
 * cache; when the minute changes they are sorted and spilled, with IP-map
 * ids, to an anonymous temporary file, which streams back when writing.
 * Packets of a minute already left (unordered input, or a second file over
 * the same time) go to a second hash, merged in at the end. So for input in
 * time order memory holds one minute's rows plus the late rows; input whose
 * minutes go backwards is sorted in memory (distinct rows), never more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-event-mapping.h"
#include "ta-ip-map.h"
#include "ta-packet.h"

G_BEGIN_DECLS

typedef struct _TaAttackAgg TaAttackAgg;

typedef struct
{
  gint32  code;
  guint64 packets;
} TaAggLabelTotal;

/* Ids come from @ip_map; addresses it lacks get new ids (largest + 1, …),
 * added to @ip_map only when adding ends, so readers can keep resolving
 * numeric ids through it meanwhile. Nothing else may extend @ip_map while
 * packets are added. */
TaAttackAgg *ta_attack_agg_new              (TaAddrTable    *addrs,
                                             TaIpMap        *ip_map);
void         ta_attack_agg_free             (TaAttackAgg    *self);
/* Counts @pkt under @attack (a code; TA_LABEL_NONE counts as normal) */
void         ta_attack_agg_add              (TaAttackAgg    *self,
                                             const TaPacket *pkt,
                                             gint32          attack);
guint64      ta_attack_agg_get_n_packets    (TaAttackAgg    *self);
/* The rows written; ends the adding */
guint64      ta_attack_agg_get_n_rows       (TaAttackAgg    *self);
/* Addresses added to the IP map; ends the adding */
guint        ta_attack_agg_get_n_new_ids    (TaAttackAgg    *self);
/* Packets per attack code, ascending by code (TaAggLabelTotal) */
GArray      *ta_attack_agg_get_label_totals (TaAttackAgg    *self);
/* Bytes the aggregation holds (hash + totals), for the RSS check */
gsize        ta_attack_agg_get_memory       (TaAttackAgg    *self);

/* Ends the adding and writes `timestamp,length,src_ip,dst_ip,protocol,
 * attack,count`, or with @groups (group mapping) and @events (the event
 * mapping naming the codes) `…,attack,attack_group,count`. The caller saves
 * the extended IP map. Rows are sorted by (timestamp,
 * src_ip, dst_ip, protocol, length, attack). Written to a temporary sibling
 * and renamed into place; an existing @path is an error (TA_ERROR_EXISTS)
 * unless @force. */
gboolean     ta_attack_agg_write            (TaAttackAgg    *self,
                                             const char     *path,
                                             TaEventMapping *events,
                                             TaEventMapping *groups,
                                             gboolean        force,
                                             GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaAttackAgg, ta_attack_agg_free)

G_END_DECLS
