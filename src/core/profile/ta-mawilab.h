/* ta-mawilab.h — MAWILab label files (`YYYYMMDD_anomalous_suspicious.csv`)
 * as a ground truth
 *
 * MAWILab (Fontugne et al., CoNEXT 2010) labels the MAWI backbone traces
 * with four labels (anomalous, suspicious, notice, benign); its CSV files
 * have one row per anomaly slice with the columns
 *   anomalyID,srcIP,srcPort,dstIP,dstPort,taxonomy,heuristic,distance,nbDetectors,label
 * found here by name in any order (the published header has a space after
 * each comma; names are trimmed, a row may end in one extra empty field, a
 * trailing comma). An empty address or port means any (an
 * anomaly is often described by a destination alone); taxonomy is the
 * label of Mazel et al.'s taxonomy (network_scan_SYN, alpha_flow, …);
 * heuristic MAWILab's simple heuristic code; distance the distance to the
 * normal traffic; nbDetectors the detectors that reported it.
 *
 * Times: the published CSV rows carry no times — an anomaly lies inside its
 * 15-minute trace — so without time columns every event spans the whole
 * trace, which ta_mawilab_set_time_range() may name. Optional columns
 * `from`/`to` (also `start`/`end`), in epoch seconds with decimals (the
 * admd file's <from>/<to>), give an event its own span.
 *
 * Every number is range-checked (ports 0–65535, heuristic 0–999, distance
 * finite and ≥ 0, nbDetectors 0–100, times 0–10^11 s, from ≤ to); addresses
 * must be IPv4 or IPv6; the label one of the four. A bad row is skipped,
 * counted, and the first TA_MAWILAB_MAX_PROBLEMS kept as "FILE:LINE:
 * problem". Only an unreadable file or a header lacking a required column
 * (anomalyID, srcIP, dstIP, taxonomy, label) is fatal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TA_MAWILAB_MAX_PROBLEMS 5
#define TA_MAWILAB_ANY_PORT (-1)

typedef struct
{
  guint64  anomaly_id;
  char    *src;           /* canonical address text, NULL for any */
  char    *dst;
  gint32   sport;         /* TA_MAWILAB_ANY_PORT for any */
  gint32   dport;
  char    *taxonomy;
  gint32   heuristic;     /* -1 when absent */
  double   distance;      /* -1 when absent */
  gint32   nb_detectors;  /* -1 when absent */
  char    *label;         /* anomalous, suspicious, notice, benign */
  gint64   start_us;      /* G_MININT64 / G_MAXINT64 when not given */
  gint64   end_us;
  guint    line;
} TaMawilabEvent;

typedef struct _TaMawilab TaMawilab;

TaMawilab            *ta_mawilab_load           (const char  *path,
                                                 GError     **error);
/* @name is used in messages */
TaMawilab            *ta_mawilab_new_from_data  (const char  *data,
                                                 gsize        len,
                                                 const char  *name,
                                                 GError     **error);
void                  ta_mawilab_free           (TaMawilab   *self);
guint                 ta_mawilab_get_n_events   (TaMawilab   *self);
const TaMawilabEvent *ta_mawilab_get_event      (TaMawilab   *self,
                                                 guint        index);
guint64               ta_mawilab_get_n_bad      (TaMawilab   *self);
guint64               ta_mawilab_get_n_blank    (TaMawilab   *self);
const GPtrArray      *ta_mawilab_get_problems   (TaMawilab   *self);
/* The trace's span, for the events without their own times */
void                  ta_mawilab_set_time_range (TaMawilab   *self,
                                                 gint64       start_us,
                                                 gint64       end_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaMawilab, ta_mawilab_free)

G_END_DECLS
