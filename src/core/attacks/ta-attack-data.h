/* ta-attack-data.h — attack CSVs, event-type/group mappings and colours
 * (FORMATS.md §3, §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TA_ATTACK_NO_GROUP G_MININT32

typedef struct
{
  gint64  minute;      /* minutes since the epoch */
  gint64  src_id;      /* IP-map ids */
  gint64  dst_id;
  guint64 count;       /* packets */
  gint32  attack;      /* event-type code */
  gint32  group;       /* group code, or TA_ATTACK_NO_GROUP */
  guint32 length;
  guint32 line;        /* 1-based line in its file */
  guint16 protocol;
  guint16 file_index;
} TaAttackRecord;

typedef struct _TaAttackData TaAttackData;

TaAttackData         *ta_attack_data_new             (void);
void                  ta_attack_data_free            (TaAttackData  *self);
/* Appends the rows of one attack CSV (plain or grouped). A malformed row
 * (bad value, wrong field count, out of range) is counted, skipped and,
 * among the first TA_ATTACK_MAX_PROBLEMS, kept as "FILE:LINE: problem";
 * the good rows load. Errors: a file that cannot be read, has no header,
 * or has rows but none usable (the message names the first bad row). On
 * error nothing of that file is kept. */
gboolean              ta_attack_data_load_file       (TaAttackData  *self,
                                                      const char    *path,
                                                      GError       **error);
/* Same, from memory; `name` is used in messages */
gboolean              ta_attack_data_load_data       (TaAttackData  *self,
                                                      const char    *name,
                                                      const char    *text,
                                                      gsize          len,
                                                      GError       **error);
const TaAttackRecord *ta_attack_data_get_records     (TaAttackData  *self,
                                                      guint         *n_records);
guint                 ta_attack_data_get_n_files     (TaAttackData  *self);
const char           *ta_attack_data_get_file        (TaAttackData  *self,
                                                      guint          index);
/* TRUE when every loaded file had an attack_group column */
gboolean              ta_attack_data_has_groups      (TaAttackData  *self);
gboolean              ta_attack_data_get_time_range  (TaAttackData  *self,
                                                      gint64        *first_minute,
                                                      gint64        *last_minute);
guint64               ta_attack_data_get_total_packets (TaAttackData *self);
#define TA_ATTACK_MAX_PROBLEMS 5
/* Rows skipped as malformed, over every file loaded */
guint64               ta_attack_data_get_malformed   (TaAttackData  *self);
/* The first few of them, "FILE:LINE: problem" (char*) */
GPtrArray            *ta_attack_data_get_problems    (TaAttackData  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaAttackData, ta_attack_data_free)

/* label <-> code (event_type_mapping*.json, attack_group_mapping.json) */
typedef struct _TaLabelMap TaLabelMap;

TaLabelMap  *ta_label_map_load          (const char  *path,
                                         GError     **error);
TaLabelMap  *ta_label_map_new_from_data (const char  *name,
                                         const char  *json,
                                         gssize       len,
                                         GError     **error);
void         ta_label_map_free          (TaLabelMap  *self);
/* The label for a code, or NULL */
const char  *ta_label_map_lookup_code   (TaLabelMap  *self,
                                         gint64       code);
gboolean     ta_label_map_lookup_label  (TaLabelMap  *self,
                                         const char  *label,
                                         gint64      *code);
guint        ta_label_map_get_size      (TaLabelMap  *self);
const char  *ta_label_map_get_name      (TaLabelMap  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaLabelMap, ta_label_map_free)

/* label -> colour (color_mapping.json, attack_group_color_mapping.json) */
typedef struct _TaColorMap TaColorMap;

TaColorMap  *ta_color_map_new           (void);
TaColorMap  *ta_color_map_load          (const char  *path,
                                         GError     **error);
void         ta_color_map_free          (TaColorMap  *self);
/* 0xRRGGBB: from the map, else a fixed palette colour stable per label */
guint32      ta_color_map_lookup        (TaColorMap  *self,
                                         const char  *label);
gboolean     ta_color_map_contains      (TaColorMap  *self,
                                         const char  *label);
guint32      ta_palette_color           (const char  *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaColorMap, ta_color_map_free)

/* Companion files next to an attack CSV. Each returns a newly allocated
 * path that exists, or NULL.
 * Event-type mapping: `event_type_mapping_PREFIX.json` (PREFIX is the name
 * without `_attacks.csv` / `_grouped_attacks.csv`) wins over
 * `event_type_mapping.json` in the same folder. */
char        *ta_attack_find_event_mapping (const char *attack_csv);
char        *ta_attack_find_group_mapping (const char *attack_csv);
char        *ta_attack_find_ip_map        (const char *attack_csv);
char        *ta_attack_find_colors        (const char *attack_csv,
                                           gboolean    groups);
char        *ta_attack_find_ground_truth  (const char *attack_csv);

/* `PREFIX_grouped_attacks.csv` next to `PREFIX_attacks.csv`, or NULL */
char        *ta_attack_find_grouped_sibling (const char *attack_csv);
/* Records without a group take the group their event code carries in
 * `grouped` (the most frequent one, by rows). Returns the number of records
 * that got a group; has_groups() becomes TRUE when none is left without. */
guint        ta_attack_data_apply_groups  (TaAttackData  *self,
                                           TaAttackData  *grouped);

/* Check a grouped file's codes against a mapping. With the mapping the file
 * was made with, every event label lies in the group its rows carry; a label
 * whose name says which group it belongs to (…ddos…, spam…, c2…,
 * post-phishing c2…, failed attack/scan…) but whose rows carry another
 * group, or a ddos group row whose label is not a ddos, means the mapping is
 * the wrong one. Returns FALSE with a TA_ERROR_FORMAT "wrong mapping"
 * message naming the first contradiction (FILE:LINE) and their number.
 * Files without groups always pass. */
gboolean     ta_attack_data_check_mapping (TaAttackData  *self,
                                           TaLabelMap    *types,
                                           TaLabelMap    *groups,
                                           GError       **error);

/* Per-label packet totals */
typedef struct
{
  char    *label;
  guint64  packets;
  guint    records;
} TaLabelTotal;

/* Label of a record: by type (`types` may be NULL: the code's text) or by
 * group (group column; when absent, the type label). Returns a new string. */
char        *ta_attack_record_label      (const TaAttackRecord *rec,
                                          TaLabelMap           *types,
                                          TaLabelMap           *groups,
                                          gboolean              by_group);
/* GArray of TaLabelTotal (free with ta_label_totals_free), largest first,
 * ties by label */
GArray      *ta_attack_data_label_totals (TaAttackData  *self,
                                          TaLabelMap    *types,
                                          TaLabelMap    *groups,
                                          gboolean       by_group);
void         ta_label_totals_free        (GArray        *totals);

G_END_DECLS
