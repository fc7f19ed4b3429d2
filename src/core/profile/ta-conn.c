/* ta-conn.c — streaming connection tracking with Zeek conn.log semantics
 *
 * Where each rule comes from (Zeek sources):
 *  - conn_state: the function conn_state() of
 *    scripts/base/protocols/conn/main.zeek, transcribed in conn_state_tcp()
 *    and conn_state_udp() below from the two endpoint states.
 *  - TCP endpoint states (INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL,
 *    ESTABLISHED, CLOSED, RESET) and their transitions: TCPSessionAdapter::
 *    UpdateStateMachine / UpdateInactiveState / UpdateSYN_SentState /
 *    UpdateEstablishedState / UpdateClosedState / UpdateResetState in
 *    src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc (formerly
 *    src/analyzer/protocol/tcp/TCP.cc).
 *  - history letters: update_history() in the same file (s h a d f r i q;
 *    s/h/f/r again only when the sequence number changes), the t letter
 *    from update_last_seq() (TCP_Endpoint::DidRxmit) and the scaled 1, 10,
 *    100, … repeats from Connection::ScaledHistoryEntry (src/Conn.cc); UDP
 *    D/d once per side from UDPSessionAdapter (packet_analysis/protocol/udp/
 *    UDP.cc); '^' from Connection::FlipRoles.
 *  - orig_bytes / resp_bytes for TCP: TCP_Endpoint::Size()
 *    (src/analyzer/protocol/tcp/TCP_Endpoint.cc): max(last seq, peer's ack)
 *    − start seq, less the SYN octet and the FIN octet; a partial endpoint
 *    (no SYN) starts at seq − 1 as Zeek's does.
 *  - ICMP ports: ICMP4_counterpart / ICMP6_counterpart (src/net_util.cc):
 *    orig_p = type, resp_p = the counterpart type for request/reply types,
 *    else the code.
 *  - TCP reuse: TCPSessionAdapter::IsReuse (a SYN with a new sequence
 *    number on a closed connection starts a new one).
 *
 * Differences from Zeek, on purpose or for lack of data:
 *  - Flipping: Zeek flips by likely_server_ports; here a TCP connection
 *    whose first packet is a SYN+ACK is flipped (the header's contract),
 *    UDP never.
 *  - No checksums or TCP windows in TaPacket: c and w never appear.
 *  - g (content gap) and missed_bytes come from sequence holes seen in
 *    arrival order (a data segment starting past the highest sequence),
 *    not from the reassembler's acknowledged gaps.
 *  - The connection ends close_delay after both FINs or a RST (Zeek's
 *    tcp_close_delay / tcp_reset_delay); Zeek's tcp_partial_close_delay
 *    and attempt timers are not modelled.
 *  - Payload of TCP rows without TA_PKT_HAS_PAYLOAD (CSV): ip_len − 20 −
 *    32 (IPv4 header, TCP header with the timestamp option), 0 if negative
 *    or for SYN/RST packets; IPv6 rows over-count by 20.
 *
 * Storage: connections in a pool of slots (a free list, indices so the pool
 * may grow), an open-addressing hash of slot indices (linear probing,
 * backward-shift deletion) keyed by the unordered pair of (address, port)
 * ends and the protocol, and one list per timeout class ordered by last
 * activity, plus one ordered by the end of the close delay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-conn.h"

#define NIL G_MAXUINT32

enum
{
  EP_INACTIVE,
  EP_SYN_SENT,
  EP_SYN_ACK_SENT,
  EP_PARTIAL,
  EP_ESTABLISHED,
  EP_CLOSED,
  EP_RESET,
};

enum
{
  LIST_TCP,
  LIST_UDP,      /* UDP and other IP protocols */
  LIST_ICMP,
  LIST_CLOSING,  /* TCP after both FINs or a RST, by close time */
  N_LISTS
};

/* Endpoint history bits (Zeek's HIST_* per endpoint) */
#define H_SYN   0x01
#define H_FIN   0x02
#define H_RST   0x04
#define H_ACK   0x08
#define H_DATA  0x10
#define H_FINRST 0x20
#define H_MULTI 0x40

typedef struct
{
  guint8   state, prev_state;
  guint8   hist;
  gboolean seq_init;
  guint32  start_seq;
  gint64   last_rel;    /* highest sequence end, relative to start_seq */
  gint64   ack_rel;     /* highest ack from the peer, same space */
  guint32  fin_cnt;
  gint64   last_syn, last_fin, last_rst;
  guint32  rxmit_cnt, rxmit_thresh;
  guint32  gap_cnt, gap_thresh;
  guint64  udp_bytes;   /* UDP / ICMP payload */
} Endpoint;

typedef struct
{
  TaConn   pub;
  guint64  e_orig, e_resp; /* (addr << 16 | port) of each end */
  guint32  hash;
  guint32  prev, next;     /* list links; next is also the free-list link */
  guint8   list;
  gboolean closing;
  gint64   close_at;
  Endpoint ep[2];          /* 0 originator, 1 responder */
} Conn;

typedef struct
{
  guint32 idx;             /* NIL = empty */
  guint32 hash;
} Slot;

typedef struct
{
  guint32 head, tail;
} List;

struct _TaConnTracker
{
  TaConnOptions opt;
  TaConnFunc    done;
  gpointer      user_data;
  Conn         *pool;
  guint         pool_cap;
  guint32       free_head;
  Slot         *slots;
  guint         n_slots;
  guint         n_open, peak_open;
  guint64       n_done, next_id;
  List          lists[N_LISTS];
};

/* ------------------------------------------------------------- names */

const char *
ta_conn_state_name (TaConnState state)
{
  static const char * const names[] = {
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH",
    "SH", "SHR", "OTH",
  };
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (names), "OTH");
  return names[state];
}

const char *
ta_conn_proto_name (guint8 proto)
{
  switch (proto)
    {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
    case 58:
      return "icmp";
    default:
      return "unknown_transport";
    }
}

typedef struct
{
  guint16     port;
  guint8      proto;    /* 0 = TCP and UDP */
  const char *name;
} Service;

static const Service services[] = {
  { 20, 6, "ftp-data" }, { 21, 6, "ftp" }, { 22, 6, "ssh" },
  { 23, 6, "telnet" }, { 25, 6, "smtp" }, { 53, 0, "dns" },
  { 67, 17, "dhcp" }, { 68, 17, "dhcp" }, { 69, 17, "tftp" },
  { 80, 6, "http" }, { 88, 0, "krb" }, { 110, 6, "pop3" },
  { 123, 17, "ntp" }, { 137, 17, "netbios-ns" }, { 139, 6, "smb" },
  { 143, 6, "imap" }, { 161, 17, "snmp" }, { 162, 17, "snmp" },
  { 179, 6, "bgp" }, { 389, 0, "ldap" }, { 443, 6, "ssl" },
  { 445, 6, "smb" }, { 465, 6, "ssl" }, { 514, 17, "syslog" },
  { 587, 6, "smtp" }, { 636, 6, "ssl" }, { 853, 6, "ssl" },
  { 993, 6, "ssl" }, { 995, 6, "ssl" }, { 1080, 6, "socks" },
  { 1433, 6, "tds" }, { 1812, 17, "radius" }, { 1883, 6, "mqtt" },
  { 3306, 6, "mysql" }, { 3389, 6, "rdp" }, { 5060, 0, "sip" },
  { 5353, 17, "dns" }, { 5355, 17, "dns" }, { 5432, 6, "postgresql" },
  { 5900, 6, "vnc" }, { 6379, 6, "redis" }, { 6667, 6, "irc" },
  { 8080, 6, "http" }, { 8443, 6, "ssl" }, { 27017, 6, "mongodb" },
};

static const char *
service_for_port (guint8  proto,
                  guint16 port)
{
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    if (services[i].port == port
        && (services[i].proto == proto || services[i].proto == 0))
      return services[i].name;
  return NULL;
}

const char *
ta_conn_service_guess (guint8  proto,
                       guint16 orig_p,
                       guint16 resp_p)
{
  const char *name;

  if (proto != 6 && proto != 17)
    return NULL;
  name = service_for_port (proto, resp_p);
  return name ? name : service_for_port (proto, orig_p);
}

static inline guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser */
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

void
ta_conn_uid (guint64 id,
             char    out[20])
{
  static const char digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  guint64 x = mix64 (id);
  guint64 y = mix64 (id ^ G_GUINT64_CONSTANT (0x5a17c0ffee5eed5));

  out[0] = 'C';
  /* 62^10 < 2^64: ten digits from x, seven from y */
  for (guint i = 0; i < 17; i++)
    {
      guint64 *v = i < 10 ? &x : &y;
      out[1 + i] = digits[*v % 62];
      *v /= 62;
    }
  out[18] = '\0';
  out[19] = '\0';
}

/* ---------------------------------------------------------- conn_state */

/* conn_state() of scripts/base/protocols/conn/main.zeek, TCP branch */
static gboolean
history_is_rstos0 (const char *h)
{
  /* Zeek's pattern \^?S[^HAFGIQ]*R.* matched against the whole history */
  if (*h == '^')
    h++;
  if (*h++ != 'S')
    return FALSE;
  for (; *h; h++)
    {
      if (*h == 'R')
        return TRUE;
      if (strchr ("HAFGIQ", *h))
        return FALSE;
    }
  return FALSE;
}

static guint64 endpoint_size (const Endpoint *ep,
                              const Endpoint *peer);

static TaConnState
conn_state_tcp (const Conn *c)
{
  guint os = c->ep[0].state, rs = c->ep[1].state;
  gboolean o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
  gboolean r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;

  if (rs == EP_RESET)
    {
      if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT
          || (os == EP_RESET && endpoint_size (&c->ep[0], &c->ep[1]) == 0
              && endpoint_size (&c->ep[1], &c->ep[0]) == 0))
        return TA_CONN_REJ;
      return o_inactive ? TA_CONN_RSTRH : TA_CONN_RSTR;
    }
  if (os == EP_RESET)
    {
      if (r_inactive)
        return history_is_rstos0 (c->pub.history) ? TA_CONN_RSTOS0 : TA_CONN_OTH;
      return TA_CONN_RSTO;
    }
  if (rs == EP_CLOSED && os == EP_CLOSED)
    return TA_CONN_SF;
  if (os == EP_CLOSED)
    return r_inactive ? TA_CONN_SH : TA_CONN_S2;
  if (rs == EP_CLOSED)
    return o_inactive ? TA_CONN_SHR : TA_CONN_S3;
  if (os == EP_SYN_SENT && rs == EP_INACTIVE)
    return TA_CONN_S0;
  if (os == EP_ESTABLISHED && rs == EP_ESTABLISHED)
    return TA_CONN_S1;
  return TA_CONN_OTH;
}

/* the UDP branch: UDP_ACTIVE once a side has sent a packet; ICMP and other
 * protocols are OTH there */
static TaConnState
conn_state_udp (const Conn *c)
{
  if (c->pub.orig_pkts)
    return c->pub.resp_pkts ? TA_CONN_SF : TA_CONN_S0;
  return c->pub.resp_pkts ? TA_CONN_SHR : TA_CONN_OTH;
}

/* ------------------------------------------------------------- history */

static void
add_history (Conn    *c,
             gboolean is_orig,
             char     letter)
{
  gsize n = strlen (c->pub.history);

  if (n + 1 < TA_CONN_HISTORY_MAX)
    {
      c->pub.history[n] = is_orig ? g_ascii_toupper (letter) : letter;
      c->pub.history[n + 1] = '\0';
    }
}

/* Connection::CheckHistory: the letter once per endpoint; TRUE when it had
 * been seen already */
static gboolean
check_history (Conn    *c,
               gboolean is_orig,
               guint8   bit,
               char     letter)
{
  Endpoint *ep = &c->ep[is_orig ? 0 : 1];

  if (ep->hist & bit)
    return TRUE;
  ep->hist |= bit;
  add_history (c, is_orig, letter);
  return FALSE;
}

/* Connection::ScaledHistoryEntry: at 1, 10, 100, … occurrences */
static void
scaled_history (Conn    *c,
                gboolean is_orig,
                guint32 *counter,
                guint32 *threshold,
                char     letter)
{
  if (*threshold == 0)
    *threshold = 1;
  if (++*counter == *threshold)
    {
      add_history (c, is_orig, letter);
      if (*threshold <= G_MAXUINT32 / 10)
        *threshold *= 10;
    }
}

/* update_history() of TCPSessionAdapter.cc */
static void
tcp_history (Conn    *c,
             gboolean is_orig,
             guint8   fl,
             gint64   rel_seq,
             guint32  len)
{
  Endpoint *ep = &c->ep[is_orig ? 0 : 1];
  gboolean syn = fl & TA_TCP_SYN, fin = fl & TA_TCP_FIN, rst = fl & TA_TCP_RST;
  int bits = !!syn + !!fin + !!rst;

  if (bits > 1)
    {
      if (fin && rst)
        check_history (c, is_orig, H_FINRST, 'i');
      else
        check_history (c, is_orig, H_MULTI, 'q');
    }
  else if (syn)
    {
      char code = (fl & TA_TCP_ACK) ? 'h' : 's';
      if (check_history (c, is_orig, H_SYN, code) && rel_seq != ep->last_syn)
        add_history (c, is_orig, code);
      ep->last_syn = rel_seq;
    }
  else if (fin)
    {
      if (check_history (c, is_orig, H_FIN, 'f') && rel_seq + len != ep->last_fin)
        add_history (c, is_orig, 'f');
      ep->last_fin = rel_seq + len;
    }
  else if (rst)
    {
      if (check_history (c, is_orig, H_RST, 'r') && rel_seq != ep->last_rst)
        add_history (c, is_orig, 'r');
      ep->last_rst = rel_seq;
    }
  else if (len)
    check_history (c, is_orig, H_DATA, 'd');
  else if (fl & TA_TCP_ACK)
    check_history (c, is_orig, H_ACK, 'a');
}

/* ---------------------------------------------------------------- TCP */

static inline void
ep_set_state (Endpoint *ep,
              guint8    state)
{
  if (state != ep->state)
    {
      ep->prev_state = ep->state;
      ep->state = state;
    }
}

/* TCP_Endpoint::Size() */
static guint64
endpoint_size (const Endpoint *ep,
               const Endpoint *peer)
{
  gint64 size;

  if (!ep->seq_init)
    return 0;
  /* a half-open connection found and aborted: sequence numbers mean
   * nothing (the NoDataAcked() case) */
  if (ep->prev_state == EP_SYN_SENT && ep->state == EP_RESET
      && peer->state == EP_INACTIVE && ep->ack_rel != 0 && ep->ack_rel != 1)
    return 0;
  size = MAX (ep->last_rel, ep->ack_rel);
  if (size > 0)
    size--;
  if (ep->fin_cnt > 0 && size > 0)
    size--;
  return size > 0 ? (guint64) size : 0;
}

static inline gint64
rel_seq (const Endpoint *ep,
         guint32         seq)
{
  return ep->last_rel + (gint32) (seq - (guint32) (ep->start_seq + ep->last_rel));
}

/* The payload: the real one for captures, else the documented estimate */
static guint32
tcp_payload (const TaPacket *pkt)
{
  if (pkt->pflags & TA_PKT_HAS_PAYLOAD)
    return pkt->payload;
  if (pkt->flags & (TA_TCP_SYN | TA_TCP_RST))
    return 0;
  return pkt->ip_len > 20 + 32 ? pkt->ip_len - 20 - 32 : 0;
}

/* UpdateInactiveState() */
static void
tcp_inactive (Endpoint *ep,
              Endpoint *peer,
              gboolean  is_orig,
              guint8    fl)
{
  if (fl & TA_TCP_SYN)
    {
      if (is_orig)
        ep_set_state (ep, (fl & TA_TCP_ACK) ? EP_SYN_ACK_SENT : EP_SYN_SENT);
      else
        {
          if (peer->state == EP_SYN_SENT)
            ep_set_state (peer, EP_ESTABLISHED);
          ep_set_state (ep, EP_ESTABLISHED);
        }
    }
  if (fl & TA_TCP_FIN)
    ep_set_state (ep, EP_CLOSED);
  if (fl & TA_TCP_RST)
    ep_set_state (ep, EP_RESET);
  if (ep->state == EP_INACTIVE)
    ep_set_state (ep, EP_PARTIAL);
}

/* UpdateStateMachine() and the per-state functions it calls */
static void
tcp_state_machine (Endpoint *ep,
                   Endpoint *peer,
                   gboolean  is_orig,
                   guint8    fl)
{
  switch (ep->state)
    {
    case EP_INACTIVE:
      tcp_inactive (ep, peer, is_orig, fl);
      break;
    case EP_SYN_SENT:
    case EP_SYN_ACK_SENT:
      /* UpdateSYN_SentState() */
      if (fl & TA_TCP_FIN)
        ep_set_state (ep, EP_CLOSED);
      if (fl & TA_TCP_RST)
        ep_set_state (ep, EP_RESET);
      break;
    case EP_ESTABLISHED:
    case EP_PARTIAL:
      /* UpdateEstablishedState() */
      if ((fl & TA_TCP_SYN) && ep->state == EP_PARTIAL
          && peer->state == EP_INACTIVE && !(fl & TA_TCP_ACK))
        ep_set_state (ep, EP_SYN_SENT);
      if (fl & TA_TCP_FIN)
        {
          ep_set_state (ep, EP_CLOSED);
          /* a FIN then a RST from the peer was a normal close */
          if (peer->state == EP_RESET && peer->prev_state == EP_CLOSED)
            ep_set_state (peer, EP_CLOSED);
        }
      if (fl & TA_TCP_RST)
        ep_set_state (ep, EP_RESET);
      break;
    case EP_CLOSED:
      /* UpdateClosedState(): a RST after both FINs changes nothing */
      if ((fl & TA_TCP_RST) && peer->state != EP_CLOSED)
        ep_set_state (ep, EP_RESET);
      break;
    case EP_RESET:
    default:
      break;
    }
}

/* Sequence bookkeeping: update_last_seq(), the peer's ack, gaps */
static void
tcp_sequence (Conn           *c,
              Endpoint       *ep,
              Endpoint       *peer,
              gboolean        is_orig,
              const TaPacket *pkt,
              gint64          rel,
              guint32         len)
{
  guint8 fl = pkt->flags;
  gint64 end = rel + len + !!(fl & TA_TCP_SYN) + !!(fl & TA_TCP_FIN);
  gint64 delta = end - ep->last_rel;

  if (len > 0 && rel > ep->last_rel && !(fl & (TA_TCP_SYN | TA_TCP_RST)))
    {
      c->pub.missed_bytes += rel - ep->last_rel;
      scaled_history (c, is_orig, &ep->gap_cnt, &ep->gap_thresh, 'g');
    }
  if ((fl & (TA_TCP_SYN | TA_TCP_RST)) && (delta > 16384 || delta < -16384))
    ep->last_rel = end;
  else if (delta > 0)
    ep->last_rel = end;
  else if (len > 0)
    scaled_history (c, is_orig, &ep->rxmit_cnt, &ep->rxmit_thresh, 't');

  if ((fl & TA_TCP_ACK) && peer->seq_init)
    {
      gint64 a = peer->last_rel
        + (gint32) (pkt->ack - (guint32) (peer->start_seq + peer->last_rel));
      if (a > peer->ack_rel)
        peer->ack_rel = a;
    }
  if (fl & TA_TCP_FIN)
    ep->fin_cnt++;
}

static void
tcp_packet (Conn           *c,
            const TaPacket *pkt,
            gboolean        is_orig)
{
  Endpoint *ep = &c->ep[is_orig ? 0 : 1];
  Endpoint *peer = &c->ep[is_orig ? 1 : 0];
  guint32 len = tcp_payload (pkt);
  gint64 rel;

  if (!ep->seq_init)
    {
      /* a partial endpoint starts as though it had sent a SYN */
      gboolean syn = (pkt->flags & TA_TCP_SYN) != 0;
      ep->seq_init = TRUE;
      ep->start_seq = syn ? pkt->seq : pkt->seq - 1;
      ep->last_rel = syn ? 0 : 1;
      ep->last_syn = ep->last_fin = ep->last_rst = -1;
    }
  rel = rel_seq (ep, pkt->seq);
  tcp_history (c, is_orig, pkt->flags, rel, len);
  tcp_sequence (c, ep, peer, is_orig, pkt, rel, len);
  tcp_state_machine (ep, peer, is_orig, pkt->flags);
}

static gboolean
tcp_is_closed (const Conn *c)
{
  guint os = c->ep[0].state, rs = c->ep[1].state;

  return os == EP_RESET || rs == EP_RESET
    || (os == EP_CLOSED && rs == EP_CLOSED);
}

/* TCPSessionAdapter::IsReuse, for a connection in its close delay */
static gboolean
tcp_is_reuse (const Conn     *c,
              const TaPacket *pkt,
              gboolean        is_orig)
{
  const Endpoint *ep = &c->ep[is_orig ? 0 : 1];

  if (!c->closing || (pkt->flags & (TA_TCP_SYN | TA_TCP_ACK | TA_TCP_RST)) != TA_TCP_SYN)
    return FALSE;
  return !ep->seq_init || pkt->seq != ep->start_seq;
}

/* ----------------------------------------------------------- the table */

/* ICMP4_counterpart() / ICMP6_counterpart() of src/net_util.cc: the type a
 * reply (request) has, or the code for one-way types */
static guint16
icmp_counterpart (guint8 proto,
                  guint8 type,
                  guint8 code)
{
  static const guint8 pairs4[][2] = {
    { 8, 0 }, { 13, 14 }, { 15, 16 }, { 10, 9 }, { 17, 18 },
  };
  static const guint8 pairs6[][2] = {
    { 128, 129 }, { 130, 131 }, { 133, 134 }, { 135, 136 }, { 139, 140 },
  };
  const guint8 (*pairs)[2] = proto == 58 ? pairs6 : pairs4;
  guint n = proto == 58 ? G_N_ELEMENTS (pairs6) : G_N_ELEMENTS (pairs4);

  for (guint i = 0; i < n; i++)
    {
      if (pairs[i][0] == type)
        return pairs[i][1];
      if (pairs[i][1] == type)
        return pairs[i][0];
    }
  return code;
}

static inline gboolean
is_icmp (guint8 proto)
{
  return proto == 1 || proto == 58;
}

static void
packet_ends (const TaPacket *pkt,
             guint64        *e_src,
             guint64        *e_dst)
{
  guint16 sp = pkt->sport, dp = pkt->dport;

  if (is_icmp (pkt->proto))
    {
      if (pkt->pflags & TA_PKT_HAS_ICMP)
        {
          sp = pkt->icmp_type;
          dp = icmp_counterpart (pkt->proto, pkt->icmp_type, pkt->icmp_code);
        }
      else
        sp = dp = 0;
    }
  else if (pkt->proto != 6 && pkt->proto != 17)
    sp = dp = 0;
  *e_src = ((guint64) pkt->src << 16) | sp;
  *e_dst = ((guint64) pkt->dst << 16) | dp;
}

static inline guint32
ends_hash (guint64 e1,
           guint64 e2,
           guint8  proto)
{
  guint64 a = MIN (e1, e2), b = MAX (e1, e2);

  return (guint32) mix64 (a * G_GUINT64_CONSTANT (0x100000001b3) ^ (b << 8 | proto)
                          ^ (b >> 56));
}

static guint32
table_find (TaConnTracker *self,
            guint64        e1,
            guint64        e2,
            guint8         proto,
            guint32        hash)
{
  guint mask = self->n_slots - 1;

  for (guint i = hash & mask;; i = (i + 1) & mask)
    {
      Slot *s = &self->slots[i];
      const Conn *c;

      if (s->idx == NIL)
        return NIL;
      if (s->hash != hash)
        continue;
      c = &self->pool[s->idx];
      if (c->pub.proto == proto
          && ((c->e_orig == e1 && c->e_resp == e2)
              || (c->e_orig == e2 && c->e_resp == e1)))
        return s->idx;
    }
}

static void
table_put (Slot    *slots,
           guint    n_slots,
           guint32  idx,
           guint32  hash)
{
  guint mask = n_slots - 1;
  guint i = hash & mask;

  while (slots[i].idx != NIL)
    i = (i + 1) & mask;
  slots[i].idx = idx;
  slots[i].hash = hash;
}

static void
table_grow (TaConnTracker *self)
{
  guint n = self->n_slots * 2;
  Slot *slots = g_new (Slot, n);

  for (guint i = 0; i < n; i++)
    slots[i].idx = NIL;
  for (guint i = 0; i < self->n_slots; i++)
    if (self->slots[i].idx != NIL)
      table_put (slots, n, self->slots[i].idx, self->slots[i].hash);
  g_free (self->slots);
  self->slots = slots;
  self->n_slots = n;
}

/* Backward-shift deletion */
static void
table_remove (TaConnTracker *self,
              guint32        idx)
{
  guint mask = self->n_slots - 1;
  guint i = self->pool[idx].hash & mask;
  guint j;

  while (self->slots[i].idx != idx)
    i = (i + 1) & mask;
  j = i;
  for (;;)
    {
      guint k;

      j = (j + 1) & mask;
      if (self->slots[j].idx == NIL)
        break;
      k = self->slots[j].hash & mask;
      /* move j back to i unless its home k lies cyclically in (i, j] */
      if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
        continue;
      self->slots[i] = self->slots[j];
      i = j;
    }
  self->slots[i].idx = NIL;
}

/* ------------------------------------------------------------- lists */

static void
list_unlink (TaConnTracker *self,
             guint32        idx)
{
  Conn *c = &self->pool[idx];
  List *l = &self->lists[c->list];

  if (c->prev != NIL)
    self->pool[c->prev].next = c->next;
  else
    l->head = c->next;
  if (c->next != NIL)
    self->pool[c->next].prev = c->prev;
  else
    l->tail = c->prev;
  c->prev = c->next = NIL;
}

static void
list_append (TaConnTracker *self,
             guint          list,
             guint32        idx)
{
  Conn *c = &self->pool[idx];
  List *l = &self->lists[list];

  c->list = list;
  c->next = NIL;
  c->prev = l->tail;
  if (l->tail != NIL)
    self->pool[l->tail].next = idx;
  else
    l->head = idx;
  l->tail = idx;
}

/* ------------------------------------------------------- the tracker */

TaConnTracker *
ta_conn_tracker_new (const TaConnOptions *options,
                     TaConnFunc           done,
                     gpointer             user_data)
{
  TaConnTracker *self = g_new0 (TaConnTracker, 1);

  if (options)
    self->opt = *options;
  if (self->opt.tcp_timeout_us <= 0)
    self->opt.tcp_timeout_us = TA_CONN_TCP_TIMEOUT_DEFAULT_US;
  if (self->opt.udp_timeout_us <= 0)
    self->opt.udp_timeout_us = TA_CONN_UDP_TIMEOUT_DEFAULT_US;
  if (self->opt.icmp_timeout_us <= 0)
    self->opt.icmp_timeout_us = TA_CONN_ICMP_TIMEOUT_DEFAULT_US;
  if (self->opt.close_delay_us <= 0)
    self->opt.close_delay_us = TA_CONN_CLOSE_DELAY_DEFAULT_US;
  self->done = done;
  self->user_data = user_data;
  self->free_head = NIL;
  self->n_slots = 64;
  self->slots = g_new (Slot, self->n_slots);
  for (guint i = 0; i < self->n_slots; i++)
    self->slots[i].idx = NIL;
  for (guint l = 0; l < N_LISTS; l++)
    self->lists[l].head = self->lists[l].tail = NIL;
  return self;
}

/* state and byte counts from the endpoints, for the caller */
static void
conn_refresh (Conn *c)
{
  TaConn *p = &c->pub;

  if (p->proto == 6)
    {
      p->state = conn_state_tcp (c);
      p->orig_bytes = endpoint_size (&c->ep[0], &c->ep[1]);
      p->resp_bytes = endpoint_size (&c->ep[1], &c->ep[0]);
    }
  else
    {
      p->state = p->proto == 17 ? conn_state_udp (c) : TA_CONN_OTH;
      p->orig_bytes = c->ep[0].udp_bytes;
      p->resp_bytes = c->ep[1].udp_bytes;
    }
}

static void
conn_end (TaConnTracker *self,
          guint32        idx,
          gboolean       by_timeout)
{
  Conn *c = &self->pool[idx];

  conn_refresh (c);
  c->pub.ended_by_timeout = by_timeout;
  if (self->done)
    self->done (&c->pub, self->user_data);
  table_remove (self, idx);
  list_unlink (self, idx);
  c->next = self->free_head;
  self->free_head = idx;
  self->n_open--;
  self->n_done++;
}

static void
expire (TaConnTracker *self,
        gint64         ts)
{
  const gint64 timeouts[] = {
    self->opt.tcp_timeout_us, self->opt.udp_timeout_us, self->opt.icmp_timeout_us,
  };

  for (guint l = 0; l < G_N_ELEMENTS (timeouts); l++)
    {
      guint32 h;
      while ((h = self->lists[l].head) != NIL
             && self->pool[h].pub.ts_last + timeouts[l] < ts)
        conn_end (self, h, TRUE);
    }
  {
    guint32 h;
    while ((h = self->lists[LIST_CLOSING].head) != NIL
           && self->pool[h].close_at <= ts)
      conn_end (self, h, FALSE);
  }
}

static guint
list_for_proto (guint8 proto)
{
  if (proto == 6)
    return LIST_TCP;
  return is_icmp (proto) ? LIST_ICMP : LIST_UDP;
}

static guint32
conn_new (TaConnTracker  *self,
          const TaPacket *pkt,
          guint64         e_src,
          guint64         e_dst,
          guint32         hash)
{
  guint32 idx;
  Conn *c;
  gboolean flip = pkt->proto == 6
    && (pkt->flags & (TA_TCP_SYN | TA_TCP_ACK | TA_TCP_RST)) == (TA_TCP_SYN | TA_TCP_ACK);

  if (self->free_head == NIL)
    {
      guint cap = self->pool_cap ? self->pool_cap * 2 : 64;
      self->pool = g_renew (Conn, self->pool, cap);
      for (guint i = cap; i > self->pool_cap; i--)
        {
          self->pool[i - 1].next = self->free_head;
          self->free_head = i - 1;
        }
      self->pool_cap = cap;
    }
  if ((self->n_open + 1) * 2 > self->n_slots)
    table_grow (self);
  idx = self->free_head;
  c = &self->pool[idx];
  self->free_head = c->next;
  memset (c, 0, sizeof *c);
  c->e_orig = flip ? e_dst : e_src;
  c->e_resp = flip ? e_src : e_dst;
  c->hash = hash;
  c->pub.id = ++self->next_id;
  c->pub.ts_first = c->pub.ts_last = pkt->ts;
  c->pub.orig = c->e_orig >> 16;
  c->pub.resp = c->e_resp >> 16;
  c->pub.orig_p = c->e_orig & 0xffff;
  c->pub.resp_p = c->e_resp & 0xffff;
  c->pub.proto = pkt->proto;
  c->pub.first_file = pkt->file;
  c->pub.first_frame = pkt->frame;
  if (flip)
    c->pub.history[0] = '^';
  c->prev = c->next = NIL;
  table_put (self->slots, self->n_slots, idx, hash);
  list_append (self, list_for_proto (pkt->proto), idx);
  self->n_open++;
  self->peak_open = MAX (self->peak_open, self->n_open);
  return idx;
}

static guint32
datagram_payload (const TaPacket *pkt)
{
  if (pkt->pflags & TA_PKT_HAS_PAYLOAD)
    return pkt->payload;
  return pkt->ip_len > 28 ? pkt->ip_len - 28 : 0;
}

static void
count_packet (Conn           *c,
              const TaPacket *pkt,
              gboolean        from_orig)
{
  TaConn *p = &c->pub;

  if (from_orig)
    {
      p->orig_pkts++;
      p->orig_ip_bytes += pkt->ip_len;
      p->orig_frame_bytes += pkt->length;
      p->tcp_flags_orig |= pkt->flags;
    }
  else
    {
      p->resp_pkts++;
      p->resp_ip_bytes += pkt->ip_len;
      p->resp_frame_bytes += pkt->length;
      p->tcp_flags_resp |= pkt->flags;
    }
  /* out of order across files: the span only grows */
  if (pkt->ts > p->ts_last)
    p->ts_last = pkt->ts;
  if (pkt->ts < p->ts_first)
    p->ts_first = pkt->ts;
  p->last_file = pkt->file;
  p->last_frame = pkt->frame;
}

const TaConn *
ta_conn_tracker_add (TaConnTracker  *self,
                     const TaPacket *pkt,
                     gboolean       *is_new,
                     gboolean       *from_orig)
{
  guint64 e_src, e_dst;
  guint32 hash, idx;
  gboolean created = FALSE, orig;
  Conn *c;

  g_return_val_if_fail (self != NULL && pkt != NULL, NULL);

  expire (self, pkt->ts);
  packet_ends (pkt, &e_src, &e_dst);
  hash = ends_hash (e_src, e_dst, pkt->proto);
  idx = table_find (self, e_src, e_dst, pkt->proto, hash);
  if (idx != NIL && pkt->proto == 6
      && tcp_is_reuse (&self->pool[idx], pkt, e_src == self->pool[idx].e_orig))
    {
      conn_end (self, idx, FALSE);
      idx = NIL;
    }
  if (idx == NIL)
    {
      idx = conn_new (self, pkt, e_src, e_dst, hash);
      created = TRUE;
    }
  c = &self->pool[idx];
  orig = e_src == c->e_orig;
  count_packet (c, pkt, orig);

  if (pkt->proto == 6)
    tcp_packet (c, pkt, orig);
  else if (pkt->proto == 17 || is_icmp (pkt->proto))
    {
      if (pkt->proto == 17)
        check_history (c, orig, H_DATA, 'd');
      c->ep[orig ? 0 : 1].udp_bytes += datagram_payload (pkt);
    }

  if (c->closing)
    ; /* stays on the close list until its delay ends */
  else if (pkt->proto == 6 && tcp_is_closed (c))
    {
      c->closing = TRUE;
      c->close_at = c->pub.ts_last + self->opt.close_delay_us;
      list_unlink (self, idx);
      list_append (self, LIST_CLOSING, idx);
    }
  else if (self->lists[c->list].tail != idx)
    {
      list_unlink (self, idx);
      list_append (self, c->list, idx);
    }
  conn_refresh (c);
  if (is_new)
    *is_new = created;
  if (from_orig)
    *from_orig = orig;
  return &c->pub;
}

static int
cmp_id (gconstpointer a,
        gconstpointer b,
        gpointer      user_data)
{
  const Conn *pool = user_data;
  guint64 ia = pool[*(const guint32 *) a].pub.id;
  guint64 ib = pool[*(const guint32 *) b].pub.id;

  return ia < ib ? -1 : ia > ib;
}

void
ta_conn_tracker_finish (TaConnTracker *self)
{
  g_autoptr (GArray) open = g_array_sized_new (FALSE, FALSE, sizeof (guint32),
                                               self->n_open);

  g_return_if_fail (self != NULL);
  for (guint l = 0; l < N_LISTS; l++)
    for (guint32 i = self->lists[l].head; i != NIL; i = self->pool[i].next)
      g_array_append_val (open, i);
  /* in the order of their first packet */
  g_array_sort_with_data (open, cmp_id, self->pool);
  for (guint i = 0; i < open->len; i++)
    conn_end (self, g_array_index (open, guint32, i), FALSE);
}

guint
ta_conn_tracker_get_n_open (TaConnTracker *self)
{
  return self->n_open;
}

guint
ta_conn_tracker_get_peak_open (TaConnTracker *self)
{
  return self->peak_open;
}

guint64
ta_conn_tracker_get_n_done (TaConnTracker *self)
{
  return self->n_done;
}

void
ta_conn_tracker_free (TaConnTracker *self)
{
  if (self == NULL)
    return;
  g_free (self->pool);
  g_free (self->slots);
  g_free (self);
}
