/* ta-packet.h — the one packet row every reader produces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TCP flag bits (FORMATS.md §1) */
#define TA_TCP_FIN 0x01
#define TA_TCP_SYN 0x02
#define TA_TCP_RST 0x04
#define TA_TCP_PSH 0x08
#define TA_TCP_ACK 0x10
#define TA_TCP_URG 0x20
#define TA_TCP_ECE 0x40
#define TA_TCP_CWR 0x80

/* TaPacket.pflags */
#define TA_PKT_FLAGS_INVALID  0x01 /* the flags field was present but not a number */
#define TA_PKT_HAS_PAYLOAD    0x02 /* payload holds the real TCP or UDP payload length (captures) */
#define TA_PKT_HAS_PORTS      0x04 /* ports are known (TCP/UDP, first fragment) */
#define TA_PKT_HAS_ICMP       0x08 /* icmp_type / icmp_code are known (ICMP, ICMPv6) */

#define TA_LABEL_NONE (-2)   /* no attack column / empty */
#define TA_LABEL_NORMAL (-1)

/* One packet, as a CSV row or a capture record becomes it. Addresses are
 * indices into the job's TaAddrTable; the reader interns them. Kept small
 * (56 bytes) because open flows hold their packets. */
typedef struct
{
  gint64  ts;        /* µs since the epoch */
  guint32 src;       /* TaAddrTable index */
  guint32 dst;
  guint32 seq;
  guint32 ack;
  guint32 length;    /* frame length in bytes (original length for snap-cut captures) */
  guint32 payload;   /* TCP or UDP payload bytes when TA_PKT_HAS_PAYLOAD */
  guint32 ip_len;    /* IP bytes (header and payload): the IP total length in
                      * captures; frame length − 14 (Ethernet II) for CSV rows */
  guint32 frame;     /* where it came from: the record number in a capture
                      * (1-based, Wireshark's frame.number), the line in a CSV */
  gint32  label;     /* attack label: TA_LABEL_NONE, or a code (TA_LABEL_NORMAL = normal) */
  guint16 sport;
  guint16 dport;
  guint16 file;      /* the input's index in its job (TaReaderConfig.file_index) */
  guint8  proto;     /* IP protocol number; 0 when unknown */
  guint8  flags;     /* TCP flags byte */
  guint8  pflags;    /* TA_PKT_* */
  guint8  icmp_type; /* when TA_PKT_HAS_ICMP */
  guint8  icmp_code;
  guint8  reserved;
} TaPacket;

G_STATIC_ASSERT (sizeof (TaPacket) == 56);

/* The profile's protocol classes: TCP, UDP, ICMP (v4 and v6), other */
#define TA_PROTO_N_CLASSES 4

static inline guint
ta_proto_class (guint8 proto)
{
  return proto == 6 ? 0 : proto == 17 ? 1 : (proto == 1 || proto == 58) ? 2 : 3;
}

/* "tcp", "udp", "icmp", "other" */
static inline const char *
ta_proto_class_name (guint cls)
{
  static const char * const names[TA_PROTO_N_CLASSES] = { "tcp", "udp", "icmp", "other" };

  return cls < TA_PROTO_N_CLASSES ? names[cls] : "other";
}

const char *ta_flag_type_name (guint flags,
                               gboolean invalid);
/* The canonical name of a flag class written in any order, e.g.
 * flag_colors.json's "ACK+RST" -> "RST+ACK" (the same class, 0x14);
 * text that is not a '+'-list of flag names is returned as it is. */
const char *ta_flag_class_canonical (const char *name);

G_END_DECLS
