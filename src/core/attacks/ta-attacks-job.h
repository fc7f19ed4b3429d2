/* ta-attacks-job.h — packets → labelled attack CSVs for the TimeArcs view
 *
 * Reads packet CSVs or captures (anything TaPacketReader reads), labels
 * each packet (its `attack` column, and/or a ground truth), aggregates per
 * (minute, length, src, dst, protocol, attack) and writes the attack CSV,
 * optionally the grouped one, and next to the output the mappings that
 * decode it: `PREFIX_ip_map.json`, `event_type_mapping_PREFIX.json` and,
 * with a grouped output, `attack_group_mapping_PREFIX.json` (see
 * ta_attacks_companion_path()). They are the given mappings extended with
 * the addresses and labels they lacked, so the folder opens on its own.
 *
 * Labels: a packet's `attack` cell is used as it is (a code, or text mapped
 * through the event mapping; new text gets a new code). With a ground
 * truth, a packet it matches takes the event's label (the ground truth
 * wins over the column); a packet it does not match keeps its column label,
 * or is normal (-1) without one.
 *
 * Memory is bounded by the distinct output rows, addresses and ground-truth
 * events, not by the number of packets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-job.h"

G_BEGIN_DECLS

typedef struct
{
  char   **inputs;              /* packet CSV(.gz) or capture paths */
  char    *ip_map;              /* required: loaded if it exists */
  char    *out;                 /* required: attack CSV */
  char    *grouped_out;         /* optional: grouped attack CSV */
  char    *ground_truth;        /* optional */
  char    *event_mapping;       /* optional: label → code JSON */
  char    *group_mapping;       /* optional: group → code JSON (default: the
                                 * attack_group_mapping.json groups) */
  gboolean force;               /* replace existing outputs */
} TaAttacksOptions;

TaAttacksOptions *ta_attacks_options_new  (void);
TaAttacksOptions *ta_attacks_options_copy (const TaAttacksOptions *options);
void              ta_attacks_options_free (TaAttacksOptions       *options);

typedef struct
{
  gint32   code;
  char    *label;               /* NULL when no mapping names the code */
  guint64  packets;
} TaAttacksLabelCount;

typedef struct
{
  /* what was written */
  char    *out;
  char    *grouped_out;         /* NULL without one */
  char    *ip_map_out;
  char    *event_mapping_out;
  char    *group_mapping_out;   /* NULL without a grouped output */
  /* counts */
  guint    n_files_read;
  guint    n_files_failed;      /* unreadable, or damaged part-way */
  guint    truncated;           /* inputs cut short (read up to the cut) */
  guint64  packets;             /* packets aggregated (= sum of count) */
  guint64  rows;                /* attack CSV rows */
  guint64  malformed;           /* input rows skipped */
  guint64  normal;
  guint64  gt_matched;          /* packets labelled by the ground truth */
  guint64  ambiguous;           /* … matched by several events */
  guint64  conflicting;         /* … whose labels differed */
  guint64  column_labelled;     /* packets labelled by their attack column */
  guint    new_ids;             /* addresses added to the IP map */
  guint    new_labels;          /* labels added to the event mapping */
  guint64  gt_events;
  guint64  gt_blank_rows;
  guint64  gt_bad_rows;
  guint    ts_units;            /* TaTsUnit bits seen */
  GArray  *labels;              /* TaAttacksLabelCount, by code */
  GPtrArray *messages;          /* char*: file errors, malformed examples,
                                 * bad ground-truth rows, warnings */
} TaAttacksResult;

void             ta_attacks_result_free   (TaAttacksResult *result);

/* The job. Errors of the run: TA_ERROR_EXISTS before reading when an
 * output exists and !force, TA_ERROR_NO_INPUT when no input could be read,
 * G_IO_ERROR_CANCELLED when cancelled (nothing is written then). A file
 * that fails part-way keeps the packets read before it and is reported in
 * the result's messages. Progress: items are packets read, the fraction
 * counts each input file the same, the message is the current input (NULL
 * once all are read), about ten reports a second. */
#define TA_TYPE_ATTACKS_JOB (ta_attacks_job_get_type ())
G_DECLARE_FINAL_TYPE (TaAttacksJob, ta_attacks_job, TA, ATTACKS_JOB, TaJob)

TaAttacksJob           *ta_attacks_job_new          (const TaAttacksOptions *options);
const TaAttacksOptions *ta_attacks_job_get_options  (TaAttacksJob           *self);
/* NULL unless the run succeeded */
const TaAttacksResult  *ta_attacks_job_get_result   (TaAttacksJob           *self);
TaAttacksResult        *ta_attacks_job_steal_result (TaAttacksJob           *self);

/* A job run in the calling thread, for callers without progress */
TaAttacksResult        *ta_attacks_run              (const TaAttacksOptions *options,
                                                     GError                **error);

typedef enum
{
  TA_ATTACKS_COMPANION_IP_MAP,         /* PREFIX_ip_map.json */
  TA_ATTACKS_COMPANION_EVENT_MAPPING,  /* event_type_mapping_PREFIX.json */
  TA_ATTACKS_COMPANION_GROUP_MAPPING,  /* attack_group_mapping_PREFIX.json */
} TaAttacksCompanion;

/* The mapping file written next to @out (PREFIX = its name without
 * `_grouped_attacks.csv`, `_attacks.csv` or `.csv`): the names the TimeArcs
 * view looks for first, so the output opens with the right mappings. */
char            *ta_attacks_companion_path (const char             *out,
                                            TaAttacksCompanion      companion);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaAttacksOptions, ta_attacks_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaAttacksResult, ta_attacks_result_free)

G_END_DECLS
