/* ta-packet-filter.h — the extraction filters (time window, addresses),
 * applied by the packet reader before any other work on a row. The CSV
 * reader checks them as soon as it has parsed the timestamp and address
 * fields and skips the rest of a rejected row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TA_PACKET_FILTER_TICK_ROWS 65536

typedef struct
{
  /* settings */
  gboolean      has_time_start;
  gint64        time_start_us;     /* inclusive */
  gboolean      has_time_end;
  gint64        time_end_us;       /* inclusive */
  const guint8 *addr_bits;         /* bit i set: TaAddrTable index i matches */
  guint32       n_addr_bits;
  gboolean      has_addrs;         /* FALSE: no address filter */

  /* Called by the reader every TA_PACKET_FILTER_TICK_ROWS rows read (kept
   * or not), so a job can report progress and stop even while a filter
   * rejects everything; returning FALSE makes the reader stop with
   * G_IO_ERROR_CANCELLED. May be NULL. */
  gboolean    (*tick)      (gpointer data);
  gpointer      tick_data;

  /* counters, added to by every reader using the filter */
  guint64       rejected_time;
  guint64       rejected_addr;
} TaPacketFilter;

static inline gboolean
ta_packet_filter_time_ok (const TaPacketFilter *f,
                          gint64                ts)
{
  return (!f->has_time_start || ts >= f->time_start_us) &&
         (!f->has_time_end || ts <= f->time_end_us);
}

static inline gboolean
ta_packet_filter_addr_in (const TaPacketFilter *f,
                          guint32               index)
{
  return index < f->n_addr_bits && (f->addr_bits[index >> 3] & (1u << (index & 7))) != 0;
}

static inline gboolean
ta_packet_filter_addrs_ok (const TaPacketFilter *f,
                           guint32               src,
                           guint32               dst)
{
  return !f->has_addrs || ta_packet_filter_addr_in (f, src) || ta_packet_filter_addr_in (f, dst);
}

G_END_DECLS
