/* ta-demo-session.c — the packets of one session of the synthetic network:
 * TCP (handshake, data with sequence numbers and delayed ACKs,
 * retransmissions, FIN / RST closes, refused and probed ports), DNS over
 * UDP, ICMP echo and UDP floods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-demo-gen-private.h"
#include "ta-packet.h"

static inline guint
ip_len (TaDemoGen *g, guint32 host)
{
  return g_array_index (g->hosts, TaDemoHost, host).v6 ? 40 : 20;
}

static void
fill (TaDemoGen    *g,
      Session      *s,
      TaDemoPacket *p,
      gboolean      from_client,
      guint8        proto,
      guint         l4_hdr,
      guint         payload)
{
  p->ts = s->t;
  p->src = from_client ? s->c : s->s;
  p->dst = from_client ? s->s : s->c;
  p->sport = from_client ? s->cport : s->sport;
  p->dport = from_client ? s->sport : s->cport;
  p->proto = proto;
  p->payload = (guint16) payload;
  p->length = 14 + ip_len (g, s->c) + l4_hdr + payload;
  p->session = s->id;
  p->attack = s->attack;
  p->app = s->app;
  p->hdr = (guint8) l4_hdr;
  p->first = 0;
  p->from_client = (guint8) from_client;
  p->seq = p->ack = 0;
  p->flags = 0;
}

static void
tcp (TaDemoGen    *g,
     Session      *s,
     TaDemoPacket *p,
     gboolean      from_client,
     guint8        flags,
     guint         payload)
{
  fill (g, s, p, from_client, 6, (flags & TA_TCP_SYN) ? 24 : 20, payload);
  p->flags = flags;
  p->seq = from_client ? s->cseq : s->sseq;
  p->ack = (flags & TA_TCP_ACK) ? (from_client ? s->sseq : s->cseq) : 0;
}

void
ta_demo_tcp_next_round (TaDemoGen *g,
                        Session   *s)
{
  switch (s->app)
    {
    case TA_DEMO_APP_HTTP:
    case TA_DEMO_APP_TLS:
      s->msg[0] = demo_range (g, 250, 900);
      /* responses from a few hundred bytes to a few hundred kilobytes */
      s->msg[1] = demo_range (g, 300, 4000) << (demo_range (g, 0, 4));
      break;
    case TA_DEMO_APP_SMTP:
      s->msg[0] = s->rounds == 1 ? demo_range (g, 2000, 40000) : demo_range (g, 12, 60);
      s->msg[1] = demo_range (g, 20, 90);
      break;
    case TA_DEMO_APP_SSH:
      s->msg[0] = demo_range (g, 36, 120);
      s->msg[1] = demo_range (g, 36, 600);
      break;
    default:
      s->msg[0] = demo_range (g, 64, 512);
      s->msg[1] = demo_range (g, 64, 512);
      break;
    }
}

/* The pause before the next round: a user thinking, a server working */
static guint32
think_us (TaDemoGen *g,
          Session   *s)
{
  if (s->app == TA_DEMO_APP_SSH)
    return demo_range (g, 150000, 4000000);
  return demo_range (g, 2000, 300000);
}

/* After a message: the receiver's ACK if it owes one, else the next step */
static void
after_message (TaDemoGen *g,
               Session   *s)
{
  if (s->dir == 0 && s->msg[1] > 0)
    {
      /* the server answers */
      s->dir = 1;
      s->left = s->msg[1];
      s->first = 1;
      s->unacked = 0;
      s->phase = P_DATA;
      s->t += s->rtt / 2 + demo_range (g, 100, 20000);
      return;
    }
  if (s->rounds > 1)
    {
      s->rounds--;
      ta_demo_tcp_next_round (g, s);
      s->dir = 0;
      s->left = s->msg[0];
      s->first = 1;
      s->unacked = 0;
      s->phase = P_DATA;
      s->t += think_us (g, s);
      return;
    }
  s->phase = s->end == END_RST ? P_RST : s->end == END_OPEN ? P_DONE : P_FIN1;
  s->t += demo_range (g, 200, 50000);
}

static void
data_segment (TaDemoGen    *g,
              Session      *s,
              TaDemoPacket *p)
{
  guint n = MIN (s->left, TA_DEMO_MSS);
  gboolean client = s->dir == 0;
  guint8 flags = TA_TCP_ACK | (n == s->left ? TA_TCP_PSH : 0);

  tcp (g, s, p, client, flags, n);
  p->first = s->first;
  s->first = 0;
  s->last_seq = p->seq;
  s->last_len = (guint16) n;
  s->last_flags = flags;
  s->last_dir = s->dir;
  if (client)
    s->cseq += n;
  else
    s->sseq += n;
  s->left -= n;
  s->unacked++;
  if (demo_chance (g, 3))
    {
      /* lost: sent again after a timeout */
      s->saved_phase = P_DATA;
      s->phase = P_RETX;
      s->t += 3 * s->rtt + 200000;
      return;
    }
  if (s->left == 0 || s->unacked >= 2)
    {
      s->phase = P_ACKR;
      s->t += s->rtt / 2 + demo_range (g, 20, 400);
      return;
    }
  s->t += s->gap;
}

/* Sequence number arithmetic wraps: a retransmitted segment carries its
 * old sequence number, the acknowledgement the newest */
static void
retransmit (TaDemoGen    *g,
            Session      *s,
            TaDemoPacket *p)
{
  gboolean client = s->last_dir == 0;

  tcp (g, s, p, client, s->last_flags, s->last_len);
  p->seq = s->last_seq;
  s->phase = s->left == 0 || s->unacked >= 2 ? P_ACKR : s->saved_phase;
  s->t += s->phase == P_ACKR ? s->rtt / 2 + 100 : s->gap;
}

static gboolean
tcp_step (TaDemoGen    *g,
          Session      *s,
          TaDemoPacket *p)
{
  switch (s->phase)
    {
    case P_SYN:
      tcp (g, s, p, TRUE, TA_TCP_SYN, 0);
      s->cseq++;
      s->phase = s->end == END_SILENT ? P_DONE : s->end == END_REFUSED ? P_REFUSE : P_SYNACK;
      s->t += s->rtt / 2;
      return TRUE;
    case P_SYNACK:
      tcp (g, s, p, FALSE, TA_TCP_SYN | TA_TCP_ACK, 0);
      s->sseq++;
      s->phase = s->end == END_HALF ? P_DONE : s->end == END_PROBE_OPEN ? P_RSTC : P_ACK3;
      s->t += s->rtt / 2;
      return TRUE;
    case P_ACK3:
      tcp (g, s, p, TRUE, TA_TCP_ACK, 0);
      s->dir = 0;
      s->left = s->msg[0];
      s->first = 1;
      s->unacked = 0;
      s->phase = P_DATA;
      s->t += demo_range (g, 30, 3000);
      return TRUE;
    case P_DATA:
      data_segment (g, s, p);
      return TRUE;
    case P_RETX:
      retransmit (g, s, p);
      return TRUE;
    case P_ACKR:
      tcp (g, s, p, s->dir != 0, TA_TCP_ACK, 0);
      s->unacked = 0;
      if (s->left > 0)
        {
          s->phase = P_DATA;
          s->t += s->gap;
        }
      else
        after_message (g, s);
      return TRUE;
    case P_FIN1:
      tcp (g, s, p, TRUE, TA_TCP_FIN | TA_TCP_ACK, 0);
      s->cseq++;
      s->phase = P_FIN2;
      s->t += s->rtt / 2;
      return TRUE;
    case P_FIN2:
      tcp (g, s, p, FALSE, TA_TCP_FIN | TA_TCP_ACK, 0);
      s->sseq++;
      s->phase = P_FIN3;
      s->t += s->rtt / 2;
      return TRUE;
    case P_FIN3:
      tcp (g, s, p, TRUE, TA_TCP_ACK, 0);
      s->phase = P_DONE;
      return TRUE;
    case P_RST:
      tcp (g, s, p, TRUE, TA_TCP_RST | TA_TCP_ACK, 0);
      s->phase = P_DONE;
      return TRUE;
    case P_REFUSE:
      tcp (g, s, p, FALSE, TA_TCP_RST | TA_TCP_ACK, 0);
      p->seq = 0;
      s->phase = P_DONE;
      return TRUE;
    case P_RSTC:
      tcp (g, s, p, TRUE, TA_TCP_RST, 0);
      s->phase = P_DONE;
      return TRUE;
    default:
      return FALSE;
    }
}

/* DNS: query, the resolver's upstream query and answer (phase 1, 2) when
 * it is not cached, answer */
static gboolean
dns_step (TaDemoGen    *g,
          Session      *s,
          TaDemoPacket *p)
{
  switch (s->phase)
    {
    case 0:
      fill (g, s, p, TRUE, 17, 8, s->msg[0]);
      s->phase = s->aux != G_MAXUINT32 ? 1 : 3;
      s->t += s->phase == 1 ? demo_range (g, 50, 300) : demo_range (g, 80, 900);
      break;
    case 1:
    case 2:
      fill (g, s, p, s->phase == 2, 17, 8, s->phase == 1 ? s->msg[0] : s->msg[1]);
      /* the resolver (the session's server) asks upstream (aux) */
      p->src = s->phase == 1 ? s->s : s->aux;
      p->dst = s->phase == 1 ? s->aux : s->s;
      p->sport = s->phase == 1 ? (guint16) s->count : 53;
      p->dport = s->phase == 1 ? 53 : (guint16) s->count;
      s->t += s->phase == 1 ? demo_range (g, 5000, 60000) : demo_range (g, 50, 300);
      s->phase++;
      break;
    case 3:
      fill (g, s, p, FALSE, 17, 8, s->msg[1]);
      s->phase = 4;
      break;
    default:
      return FALSE;
    }
  p->first = 1;
  return TRUE;
}

static gboolean
icmp_step (TaDemoGen    *g,
           Session      *s,
           TaDemoPacket *p)
{
  gboolean request = (s->phase & 1) == 0;

  if (s->count == 0)
    return FALSE;
  fill (g, s, p, request, 1, 8, 56);
  p->sport = p->dport = 0;
  p->flags = request ? 8 : 0;   /* echo request, echo reply */
  p->seq = ((guint32) s->cport << 16) | (s->phase / 2 + 1);
  p->first = 1;
  if (request)
    s->t += s->rtt;
  else
    {
      s->count--;
      s->t += 1000000 - s->rtt;
    }
  s->phase++;
  return TRUE;
}

static gboolean
udpflood_step (TaDemoGen    *g,
               Session      *s,
               TaDemoPacket *p)
{
  if (s->count == 0)
    return FALSE;
  s->cport = (guint16) demo_range (g, 1024, 65535);
  s->sport = (guint16) demo_range (g, 1, 65535);
  fill (g, s, p, TRUE, 17, 8, demo_range (g, 512, 1400));
  p->first = 1;
  s->count--;
  s->t += s->gap + demo_range (g, 0, s->gap);
  return TRUE;
}

gboolean
ta_demo_session_step (TaDemoGen    *g,
                      Session      *s,
                      TaDemoPacket *p)
{
  switch (s->type)
    {
    case S_TCP:
      return tcp_step (g, s, p);
    case S_DNS:
      return dns_step (g, s, p);
    case S_ICMP:
      return icmp_step (g, s, p);
    case S_UDPFLOOD:
      return udpflood_step (g, s, p);
    default:
      return FALSE;
    }
}
