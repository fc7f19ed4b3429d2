/* ta-event-mapping.h — label ↔ code mappings (FORMATS.md §4)
 *
 * The same JSON shape serves the event-type mapping (attack label → code,
 * "normal": -1) and the attack-group mapping (group label → code). Labels
 * missing from a mapping can be added with the next code (largest + 1); the
 * extended mapping is then written back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TaEventMapping TaEventMapping;

/* An empty mapping with just "normal": -1 */
TaEventMapping *ta_event_mapping_new          (void);
TaEventMapping *ta_event_mapping_load         (const char      *path,
                                               GError         **error);
/* The same from JSON text; @name is used in error messages */
TaEventMapping *ta_event_mapping_load_from_data (const char    *name,
                                                 const char    *data,
                                                 gssize         len,
                                                 GError       **error);
void            ta_event_mapping_free         (TaEventMapping  *self);
/* The code of @label, or TA_LABEL_NONE (-2) when it is not in the mapping */
gint32          ta_event_mapping_lookup       (TaEventMapping  *self,
                                               const char      *label);
gint32          ta_event_mapping_lookup_len   (TaEventMapping  *self,
                                               const char      *label,
                                               gsize            len);
/* The existing code, or a new one (largest code + 1, at least 0) */
gint32          ta_event_mapping_ensure       (TaEventMapping  *self,
                                               const char      *label);
/* The label of @code, or NULL */
const char     *ta_event_mapping_get_label    (TaEventMapping  *self,
                                               gint32           code);
guint           ta_event_mapping_get_size     (TaEventMapping  *self);
/* Every code, ascending (normal first) */
GArray         *ta_event_mapping_get_codes    (TaEventMapping  *self);
/* How many labels ensure() added since loading */
guint           ta_event_mapping_get_n_added  (TaEventMapping  *self);
/* Pretty JSON sorted by code, written to a temporary sibling and renamed */
gboolean        ta_event_mapping_save         (TaEventMapping  *self,
                                               const char      *path,
                                               GError         **error);

/* The attack group a label belongs to (attack_group_mapping.json's names:
 * "normal", "spambot - client compromise", "ddos", "c2-based",
 * "post-phishing c2", "other"). The rule, derived from the day-1 files
 * (event_type_mapping_90min_day1.json + 90min_day1_grouped_attacks.csv,
 * where it reproduces all 21 label → group pairs), first match wins:
 *   1. "normal"                                     → normal
 *   2. contains "ddos"                              → ddos
 *   3. ends with " nc" (netcat C2 / exfil)          → c2-based
 *   4. starts with "post-phishing c2"               → post-phishing c2
 *   5. starts with "c2"                             → c2-based
 *   6. without a leading "post-phishing " or "noisy ", starts with "spam"
 *      or "client compromise", and is not the sams_launch exfil tool
 *                                                   → spambot - client compromise
 *   7. anything else                                → other                    */
const char     *ta_attack_group_for_label     (const char      *label);
/* The group code of @label in @groups: the label itself when @groups names
 * it (an explicit override), else its rule group, else "other"; groups
 * missing from @groups are added with new codes. */
gint32          ta_event_mapping_group_code   (TaEventMapping  *groups,
                                               const char      *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaEventMapping, ta_event_mapping_free)

G_END_DECLS
