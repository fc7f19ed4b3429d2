/* ta-demo-gen.h — a deterministic synthetic network: hosts, sessions and
 * the time-ordered packets they send
 *
 * An organisation (internal hosts in 10.20.0.0/16 and fd00:20::/64, its
 * servers: web, mail, DNS, SSH bastion, file server) talks to external
 * hosts: web/TLS browsing, DNS over UDP (with the resolver's upstream
 * queries), mail, interactive SSH, ICMP echo and some IPv6 web. TCP is
 * real: three-way handshakes, sequence and acknowledgement numbers that
 * follow the bytes sent, delayed ACKs, retransmissions, graceful (FIN) and
 * abortive (RST) closes, refused connections (SYN → RST+ACK).
 *
 * Scripted attacks run in their own time windows, each from hosts that do
 * nothing else with their victims, so a ground truth of (attacker, victim,
 * minute span) rows explains exactly their packets (TaDemoAttack):
 * horizontal SYN scan, vertical port scan, SYN-flood DDoS from many
 * sources, SSH brute force, C2 beaconing over the whole span, a bulk
 * exfiltration upload, a spam bot and a UDP flood.
 *
 * The same configuration gives the same packets, byte for byte. Memory is
 * bounded by the open sessions (a few thousand), not by @packets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TA_DEMO_HSCAN,
  TA_DEMO_VSCAN,
  TA_DEMO_SYNFLOOD,
  TA_DEMO_SSH_BRUTE,
  TA_DEMO_C2,
  TA_DEMO_EXFIL,
  TA_DEMO_SPAM,
  TA_DEMO_UDPFLOOD,
  TA_DEMO_N_ATTACKS
} TaDemoAttack;

/* The attack's ground-truth label (an event type) */
const char *ta_demo_attack_label (TaDemoAttack attack);

typedef struct
{
  guint64 seed;
  guint64 packets;       /* exactly this many are generated */
  gint64  start_us;      /* first packet's time, µs since the epoch */
  gint64  duration_us;   /* the span traffic is calibrated to fill */
  gboolean attacks;      /* with the scripted attacks */
  guint    label_column; /* CSV only: TA_DEMO_LABEL_* */
} TaDemoConfig;

/* The CSV's optional `attack` column: none, the attack's code in the demo's
 * event mapping (its TaDemoAttack; -1 normal), or its label text */
enum { TA_DEMO_LABEL_NONE, TA_DEMO_LABEL_CODE, TA_DEMO_LABEL_NAME };

typedef struct
{
  char     addr[48];     /* text form, as the IP map keys it */
  guint8   ip[16];       /* 4 bytes used for IPv4 */
  guint8   mac[6];
  gboolean v6;
  gboolean internal;
} TaDemoHost;

/* One packet with everything its frame needs */
typedef struct
{
  gint64  ts;            /* µs since the epoch */
  guint32 src;           /* host indices */
  guint32 dst;
  guint32 seq;           /* TCP; ICMP: id << 16 | sequence */
  guint32 ack;
  guint32 length;        /* frame length (Ethernet header included) */
  guint32 session;       /* session number: payload filler, IP ids */
  guint16 sport;
  guint16 dport;
  guint16 payload;       /* bytes above the TCP/UDP/ICMP header */
  guint8  proto;         /* 6, 17 or 1 */
  guint8  flags;         /* TCP flags; ICMP: the type */
  guint8  hdr;           /* TCP header length (20, or 24 with the MSS option) */
  guint8  app;           /* TaDemoApp: what the payload looks like */
  gint8   attack;        /* TaDemoAttack, or -1 for normal traffic */
  guint8  first;         /* the first payload segment of its direction */
  guint8  from_client;   /* sent by the session's client (the attacker side) */
} TaDemoPacket;

typedef enum
{
  TA_DEMO_APP_NONE,
  TA_DEMO_APP_HTTP,
  TA_DEMO_APP_TLS,
  TA_DEMO_APP_DNS,
  TA_DEMO_APP_SMTP,
  TA_DEMO_APP_SSH,
  TA_DEMO_APP_ICMP,
  TA_DEMO_APP_FILL,
} TaDemoApp;

typedef struct _TaDemoGen TaDemoGen;

TaDemoGen        *ta_demo_gen_new         (const TaDemoConfig *config);
void              ta_demo_gen_free        (TaDemoGen          *self);
/* The next packet in time order; FALSE after config->packets */
gboolean          ta_demo_gen_next        (TaDemoGen          *self,
                                           TaDemoPacket       *pkt);
guint             ta_demo_gen_get_n_hosts (TaDemoGen          *self);
const TaDemoHost *ta_demo_gen_get_host    (TaDemoGen          *self,
                                           guint               index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaDemoGen, ta_demo_gen_free)

G_END_DECLS
