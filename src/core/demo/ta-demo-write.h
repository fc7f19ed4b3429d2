/* ta-demo-write.h — the synthetic network's packets written as a packet
 * CSV (FORMATS.md §1, addresses as IP-map ids = host index + 1), a pcapng
 * or a pcap capture (Ethernet, IPv4/IPv6, TCP/UDP/ICMP headers with their
 * first payload bytes; 96-byte snapshot length), plain or gzip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ta-demo-gen.h"
#include "ta-out.h"

G_BEGIN_DECLS

#define TA_DEMO_SNAPLEN 96

typedef enum
{
  TA_DEMO_FORMAT_CSV,
  TA_DEMO_FORMAT_PCAPNG,
  TA_DEMO_FORMAT_PCAP,
} TaDemoFormat;

/* The format a file name asks for (.csv, .pcapng, .pcap, each with or
 * without .gz); FALSE for any other name */
gboolean ta_demo_format_for_name (const char   *path,
                                  TaDemoFormat *format);

/* What the attack packets were: per attack its packets, and per
 * (attack, attacker, victim) the first and last minute, for the ground
 * truth */
typedef struct
{
  guint64     packets[TA_DEMO_N_ATTACKS];
  guint64     normal;
  GHashTable *pairs;     /* DemoPair* (key = value) */
} TaDemoTally;

typedef struct
{
  guint8  attack;
  guint32 attacker;      /* host indices */
  guint32 victim;
  gint64  first_min;     /* epoch minutes */
  gint64  last_min;
} TaDemoPair;

void     ta_demo_tally_init  (TaDemoTally *tally);
void     ta_demo_tally_clear (TaDemoTally *tally);
/* The pairs in (attack, first minute, attacker, victim) order */
GPtrArray *ta_demo_tally_sorted_pairs (TaDemoTally *tally);

typedef void (*TaDemoProgress) (guint64 done, gpointer user_data);
/* Gets every batch of packets after it was written; FALSE stops the
 * stream (the writer then returns, failing only if cancelled) */
typedef gboolean (*TaDemoTee) (const TaDemoPacket *pkts, guint n, gpointer user_data);

#define TA_DEMO_BATCH 8192

/* Generates @config's packets into @out in @format, in batches of
 * TA_DEMO_BATCH. @tally (may be NULL) counts them; @progress (may be NULL)
 * is called after each batch, and @tee (may be NULL) gets each batch, both
 * from this thread (the demo job hands the batches to a second writer so
 * that the packets are generated once). FALSE with G_IO_ERROR_CANCELLED
 * when @cancellable fires; write errors are @out's (ta_out_commit_file()). */
gboolean ta_demo_write_stream (const TaDemoConfig *config,
                               TaDemoFormat        format,
                               TaOut              *out,
                               TaDemoTally        *tally,
                               TaDemoProgress      progress,
                               gpointer            user_data,
                               TaDemoTee           tee,
                               gpointer            tee_data,
                               GCancellable       *cancellable,
                               GError            **error);
/* The pieces: the file header, and packets written with @hosts' host
 * table (any generator of the same configuration) */
void     ta_demo_write_header  (const TaDemoConfig *config,
                                TaDemoFormat        format,
                                TaOut              *out);
void     ta_demo_write_packets (TaDemoGen          *hosts,
                                TaDemoFormat        format,
                                guint               label_column,
                                TaOut              *out,
                                const TaDemoPacket *pkts,
                                guint               n);

/* The IP map of @gen's hosts (address → host index + 1) as JSON text */
char    *ta_demo_ip_map_json  (TaDemoGen *gen);

G_END_DECLS
