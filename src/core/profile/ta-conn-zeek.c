/* ta-conn-zeek.c — Zeek's rules for connections: conn_state, history,
 * the TCP endpoint state machine, payload sizes; names, services, uids
 *
 * Where each rule comes from (Zeek sources):
 *  - conn_state: the function conn_state() of
 *    scripts/base/protocols/conn/main.zeek, transcribed in ta_conn_state_tcp()
 *    and ta_conn_state_udp() below from the two endpoint states.
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
 *    whose first packet is a SYN+ACK is flipped (the header's contract);
 *    UDP from a port of the service table below to one not in it, as
 *    Zeek's UDPAnalyzer::WantConnection does with likely_server_ports.
 *  - No checksums or TCP windows in TaPacket: c and w never appear.
 *  - g (content gap) and missed_bytes come from sequence holes seen in
 *    arrival order (a data segment starting past the highest sequence),
 *    not from the reassembler's acknowledged gaps.
 *  - The connection ends close_delay after both FINs or a RST (Zeek's
 *    tcp_close_delay / tcp_reset_delay); Zeek's tcp_partial_close_delay
 *    and attempt timers are not modelled.
 *  - Payload of TCP rows without TA_PKT_HAS_PAYLOAD (CSV): ip_len − 20 −
 *    32 (IPv4 header, TCP header with the timestamp option), 0 if negative
 *    or for SYN/RST packets; IPv6 rows over-count by 20. That estimate is
 *    good enough for 'd' and for a size, not for sequence arithmetic: for
 *    such rows no gap is inferred (no g, missed_bytes 0) and a data segment
 *    is a retransmission ('t') when it starts at or below the start of an
 *    earlier one of its side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-conn-private.h"

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

TaConnState
ta_conn_state_tcp (const Conn *c)
{
  guint os = c->ep[0].state, rs = c->ep[1].state;
  gboolean o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
  gboolean r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;

  if (rs == EP_RESET)
    {
      if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT
          || (os == EP_RESET && ta_conn_endpoint_size (&c->ep[0], &c->ep[1]) == 0
              && ta_conn_endpoint_size (&c->ep[1], &c->ep[0]) == 0))
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
TaConnState
ta_conn_state_udp (const Conn *c)
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
gboolean
ta_conn_check_history (Conn    *c,
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
        ta_conn_check_history (c, is_orig, H_FINRST, 'i');
      else
        ta_conn_check_history (c, is_orig, H_MULTI, 'q');
    }
  else if (syn)
    {
      char code = (fl & TA_TCP_ACK) ? 'h' : 's';
      if (ta_conn_check_history (c, is_orig, H_SYN, code) && rel_seq != ep->last_syn)
        add_history (c, is_orig, code);
      ep->last_syn = rel_seq;
    }
  else if (fin)
    {
      if (ta_conn_check_history (c, is_orig, H_FIN, 'f') && rel_seq + len != ep->last_fin)
        add_history (c, is_orig, 'f');
      ep->last_fin = rel_seq + len;
    }
  else if (rst)
    {
      if (ta_conn_check_history (c, is_orig, H_RST, 'r') && rel_seq != ep->last_rst)
        add_history (c, is_orig, 'r');
      ep->last_rst = rel_seq;
    }
  else if (len)
    ta_conn_check_history (c, is_orig, H_DATA, 'd');
  else if (fl & TA_TCP_ACK)
    ta_conn_check_history (c, is_orig, H_ACK, 'a');
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
guint64
ta_conn_endpoint_size (const Endpoint *ep,
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

  if (!(pkt->pflags & TA_PKT_HAS_PAYLOAD))
    {
      /* a CSV row: the length is an estimate (see above) */
      if (len > 0 && !(fl & (TA_TCP_SYN | TA_TCP_RST)))
        {
          if (ep->seen_data && rel <= ep->max_data_rel)
            scaled_history (c, is_orig, &ep->rxmit_cnt, &ep->rxmit_thresh, 't');
          else
            {
              ep->max_data_rel = rel;
              ep->seen_data = TRUE;
            }
        }
      if (end > ep->last_rel || ((fl & (TA_TCP_SYN | TA_TCP_RST)) && (delta > 16384 || delta < -16384)))
        ep->last_rel = end;
    }
  else if (len > 0 && rel > ep->last_rel && !(fl & (TA_TCP_SYN | TA_TCP_RST)))
    {
      c->pub.missed_bytes += rel - ep->last_rel;
      scaled_history (c, is_orig, &ep->gap_cnt, &ep->gap_thresh, 'g');
    }
  if (!(pkt->pflags & TA_PKT_HAS_PAYLOAD))
    ;
  else if ((fl & (TA_TCP_SYN | TA_TCP_RST)) && (delta > 16384 || delta < -16384))
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

void
ta_conn_tcp_packet (Conn           *c,
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

gboolean
ta_conn_tcp_is_closed (const Conn *c)
{
  guint os = c->ep[0].state, rs = c->ep[1].state;

  return os == EP_RESET || rs == EP_RESET
    || (os == EP_CLOSED && rs == EP_CLOSED);
}

/* TCPSessionAdapter::IsReuse, for a connection in its close delay */
gboolean
ta_conn_tcp_is_reuse (const Conn     *c,
              const TaPacket *pkt,
              gboolean        is_orig)
{
  const Endpoint *ep = &c->ep[is_orig ? 0 : 1];

  if (!c->closing || (pkt->flags & (TA_TCP_SYN | TA_TCP_ACK | TA_TCP_RST)) != TA_TCP_SYN)
    return FALSE;
  return !ep->seq_init || pkt->seq != ep->start_seq;
}
