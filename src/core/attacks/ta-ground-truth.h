/* ta-ground-truth.h — the ground-truth CSV (FORMATS.md §5)
 *
 * Columns are found by name: Event Type, C2S ID, Source, Source Port(s),
 * Destination, Destination Port(s), Start Time (UTC), Stop Time (UTC).
 * Times are naive UTC `YYYY-MM-DD HH:MM[:SS]` and become epoch minutes
 * (floor). A port cell is empty or `0`/`0.0` for any port, a number (`80` or
 * `80.0`), a space-separated list (`21 4899`) or an inclusive range
 * (`64142:64353`). An empty Source or Destination means any address on that
 * side (the real file has one such row); at least one must be given.
 *
 * Blank rows (only commas / spaces) are skipped and counted. A bad row is
 * skipped, counted, and the first few are kept as "FILE:LINE: problem"; it
 * never aborts the load. Only an unreadable file or a header without the
 * required columns is fatal.
 *
 * Loading the shared 8,223-event file takes a few milliseconds and a few
 * hundred kilobytes: cheap enough for the main thread, and thread-safe to
 * do in a worker (the object is immutable once loaded and reference
 * counted, so a worker can hand it to the main thread).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TA_GT_ANY_ADDR G_MAXUINT32
#define TA_GT_MAX_PROBLEMS 5

typedef struct
{
  guint16 lo;
  guint16 hi;
} TaPortRange;

/* One event, 48 bytes. Strings live in the TaGroundTruth's tables. */
typedef struct
{
  gint64  start_min;   /* epoch minutes, inclusive */
  gint64  stop_min;    /* epoch minutes, inclusive */
  gint64  c2s_id;      /* -1 when absent */
  guint32 label;       /* index into the label table */
  guint32 src;         /* index into the address table, or TA_GT_ANY_ADDR */
  guint32 dst;
  guint32 line;        /* line number in the file (1 = header) */
  guint32 sports;      /* first TaPortRange of the source port set */
  guint32 dports;
  guint16 n_sports;    /* 0 = any port */
  guint16 n_dports;
} TaGtEvent;

typedef struct _TaGroundTruth TaGroundTruth;

TaGroundTruth   *ta_ground_truth_load              (const char     *path,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* Parse CSV text already in memory; @name is used in messages */
TaGroundTruth   *ta_ground_truth_new_from_data     (const char     *data,
                                                    gsize           len,
                                                    const char     *name,
                                                    GError        **error);
TaGroundTruth   *ta_ground_truth_ref               (TaGroundTruth  *self);
void             ta_ground_truth_unref             (TaGroundTruth  *self);

const char      *ta_ground_truth_get_path          (TaGroundTruth  *self);
guint            ta_ground_truth_get_n_events      (TaGroundTruth  *self);
const TaGtEvent *ta_ground_truth_get_event         (TaGroundTruth  *self,
                                                    guint           index);
/* Rows skipped because every cell was empty */
guint64          ta_ground_truth_get_n_blank       (TaGroundTruth  *self);
/* Rows skipped as bad, and the first TA_GT_MAX_PROBLEMS messages */
guint64          ta_ground_truth_get_n_bad         (TaGroundTruth  *self);
const GPtrArray *ta_ground_truth_get_problems      (TaGroundTruth  *self);
/* Smallest start and largest stop minute; FALSE when there are no events */
gboolean         ta_ground_truth_get_time_range    (TaGroundTruth  *self,
                                                    gint64         *start_min,
                                                    gint64         *stop_min);

/* Labels: distinct event types in order of first appearance */
guint            ta_ground_truth_get_n_labels      (TaGroundTruth  *self);
const char      *ta_ground_truth_get_label         (TaGroundTruth  *self,
                                                    guint           label);
/* Addresses: distinct dotted addresses (IPv6 in canonical form) */
guint            ta_ground_truth_get_n_addresses   (TaGroundTruth  *self);
const char      *ta_ground_truth_get_address       (TaGroundTruth  *self,
                                                    guint           addr);
/* The address index of @text, or TA_GT_ANY_ADDR when no event names it */
guint32          ta_ground_truth_lookup_address    (TaGroundTruth  *self,
                                                    const char     *text);

/* Convenience accessors for one event */
const char      *ta_ground_truth_event_label       (TaGroundTruth   *self,
                                                    const TaGtEvent *event);
/* NULL when the event accepts any address on that side */
const char      *ta_ground_truth_event_src         (TaGroundTruth   *self,
                                                    const TaGtEvent *event);
const char      *ta_ground_truth_event_dst         (TaGroundTruth   *self,
                                                    const TaGtEvent *event);
/* The first port named (lowest of a range), 0 for any */
guint16          ta_ground_truth_event_src_port    (TaGroundTruth   *self,
                                                    const TaGtEvent *event);
guint16          ta_ground_truth_event_dst_port    (TaGroundTruth   *self,
                                                    const TaGtEvent *event);
/* The port set as written back ("80", "21 4899", "64142:64353"), "" for any */
char            *ta_ground_truth_event_format_ports (TaGroundTruth   *self,
                                                     const TaGtEvent *event,
                                                     gboolean         destination);
/* TRUE when @port is in the event's source (@destination FALSE) or
 * destination port set; always TRUE for any */
gboolean         ta_ground_truth_event_port_matches (TaGroundTruth   *self,
                                                     const TaGtEvent *event,
                                                     gboolean         destination,
                                                     guint16          port);
/* Indices (into the event array, ascending) of the events whose Source or
 * Destination is @addr; NULL with *n_events 0 when there are none. */
const guint32   *ta_ground_truth_events_for_address (TaGroundTruth  *self,
                                                     const char     *addr,
                                                     guint          *n_events);

/* "2009-11-03 13:24:00" → epoch minutes. Seconds are optional, a `T` may
 * separate date and time. FALSE for anything else. */
gboolean         ta_parse_utc_minutes              (const char     *text,
                                                    gsize           len,
                                                    gint64         *minutes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaGroundTruth, ta_ground_truth_unref)

G_END_DECLS
