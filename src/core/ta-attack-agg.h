/* ta-attack-agg.h — streaming aggregation of labelled packets into attack
 * CSV rows (FORMATS.md §3)
 *
 * One row per (minute, length, src, dst, protocol, attack) with the number of
 * packets. Keys are held compactly in an open-addressing hash by the job's
 * address indices; ids are given through the IP map only when writing, so
 * memory grows with the distinct rows, never with the packets.
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

TaAttackAgg *ta_attack_agg_new              (TaAddrTable    *addrs);
void         ta_attack_agg_free             (TaAttackAgg    *self);
/* Counts @pkt under @attack (a code; TA_LABEL_NONE counts as normal) */
void         ta_attack_agg_add              (TaAttackAgg    *self,
                                             const TaPacket *pkt,
                                             gint32          attack);
guint64      ta_attack_agg_get_n_packets    (TaAttackAgg    *self);
guint64      ta_attack_agg_get_n_rows       (TaAttackAgg    *self);
/* Packets per attack code, ascending by code (TaAggLabelTotal) */
GArray      *ta_attack_agg_get_label_totals (TaAttackAgg    *self);
/* Bytes the aggregation holds (hash + totals), for the RSS check */
gsize        ta_attack_agg_get_memory       (TaAttackAgg    *self);

/* Writes `timestamp,length,src_ip,dst_ip,protocol,attack,count`, or with
 * @groups (group mapping) and @events (the event mapping naming the codes)
 * `…,attack,attack_group,count`. Addresses missing from @ip_map get new ids
 * (the caller saves the extended map). Rows are sorted by (timestamp,
 * src_ip, dst_ip, protocol, length, attack). Written to a temporary sibling
 * and renamed into place; an existing @path is an error (TA_ERROR_EXISTS)
 * unless @force. */
gboolean     ta_attack_agg_write            (TaAttackAgg    *self,
                                             const char     *path,
                                             TaIpMap        *ip_map,
                                             TaEventMapping *events,
                                             TaEventMapping *groups,
                                             gboolean        force,
                                             GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaAttackAgg, ta_attack_agg_free)

G_END_DECLS
