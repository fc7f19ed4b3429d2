/* ta-selection.h — what the analyst has chosen in the TimeArcs view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TA_TYPE_SELECTION (ta_selection_get_type ())

G_DECLARE_FINAL_TYPE (TaSelection, ta_selection, TA, SELECTION, GObject)

/*
 * TaSelection is the model the TimeArcs view writes and the selection
 * sidebar reads. Properties (all read-only from outside; change them with
 * ta_selection_set() or ta_selection_clear(), which emit one notify per
 * property that changed and then one ::changed):
 *
 *   ip-ids            GArray of gint64 (G_TYPE_ARRAY, element size 8): the
 *                     IP-map ids of the chosen rows, ascending. Also
 *                     available without boxing via ta_selection_get_ip_ids().
 *   ip-names          GStrv: the dotted addresses of the same rows, same order.
 *   time-start-minute gint64: first minute (minutes since the epoch), or -1
 *   time-end-minute   gint64: last minute, inclusive, or -1 (no time limit)
 *   attack-types      GStrv: the attack labels (types or groups, following
 *                     the view's label mode) of the chosen arcs, sorted.
 *   packet-count      guint64: packets of the chosen arcs (sum of `count`).
 *   arc-count         guint: number of attack records covered.
 *   empty             gboolean: TRUE when nothing is selected.
 *
 * Extraction: minutes [a, b] become --filter-time-start a*60000000
 * --filter-time-end (b+1)*60000000 (FORMATS.md §3).
 */

TaSelection         *ta_selection_new                   (void);
void                 ta_selection_clear                 (TaSelection        *self);
void                 ta_selection_set                   (TaSelection        *self,
                                                         const gint64       *ip_ids,
                                                         const char * const *ip_names,
                                                         guint               n_ips,
                                                         gint64              time_start_minute,
                                                         gint64              time_end_minute,
                                                         const char * const *attack_types,
                                                         guint64             packet_count,
                                                         guint               arc_count);
const gint64        *ta_selection_get_ip_ids            (TaSelection        *self,
                                                         guint              *n_ids);
const char * const  *ta_selection_get_ip_names          (TaSelection        *self);
gint64               ta_selection_get_time_start_minute (TaSelection        *self);
gint64               ta_selection_get_time_end_minute   (TaSelection        *self);
const char * const  *ta_selection_get_attack_types      (TaSelection        *self);
guint64              ta_selection_get_packet_count      (TaSelection        *self);
guint                ta_selection_get_arc_count         (TaSelection        *self);
gboolean             ta_selection_get_empty             (TaSelection        *self);
/* Microsecond bounds for --filter-time-start/-end; FALSE when no time range */
gboolean             ta_selection_get_time_range_us     (TaSelection        *self,
                                                         gint64             *start_us,
                                                         gint64             *end_us);

G_END_DECLS
