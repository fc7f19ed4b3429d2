/* ta-read-stats.h — what the readers count, for summaries and errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TA_READ_STATS_MAX_EXAMPLES 5

typedef enum
{
  TA_TS_UNIT_US = 1 << 0,
  TA_TS_UNIT_MS = 1 << 1,
  TA_TS_UNIT_S  = 1 << 2,
} TaTsUnit;

typedef struct
{
  guint64    rows;           /* data rows / capture records seen */
  guint64    packets;        /* packets delivered to the caller */
  guint64    malformed;      /* rows / records skipped as malformed */
  GPtrArray *examples;       /* char*: the first few "file:line: problem" */
  GPtrArray *warnings;       /* char*: one-off warnings (truncation, link types…) */
  guint      ts_units;       /* TaTsUnit bits seen (CSV) */
  guint64    unsupported;    /* capture records of unsupported link/network types */
  guint      truncated;      /* input files that end early (cut, or damaged
                              * part-way): read up to there, with a warning */
} TaReadStats;

void ta_read_stats_init          (TaReadStats *stats);
void ta_read_stats_clear         (TaReadStats *stats);
/* Counts one malformed row and keeps its message among the first few */
void ta_read_stats_add_malformed (TaReadStats *stats,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);
void ta_read_stats_add_warning   (TaReadStats *stats,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
