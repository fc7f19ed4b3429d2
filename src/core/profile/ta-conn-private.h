/* ta-conn-private.h — what ta-conn.c and ta-conn-zeek.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-conn.h"

G_BEGIN_DECLS

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
  gint64   max_data_rel; /* rows without a payload length: the highest data segment start */
  gboolean seen_data;
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


static inline guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser */
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}


TaConnState ta_conn_state_tcp     (const Conn     *c);
TaConnState ta_conn_state_udp     (const Conn     *c);
guint64     ta_conn_endpoint_size (const Endpoint *ep,
                                   const Endpoint *peer);
gboolean    ta_conn_check_history (Conn           *c,
                                   gboolean        is_orig,
                                   guint8          bit,
                                   char            letter);
void        ta_conn_tcp_packet    (Conn           *c,
                                   const TaPacket *pkt,
                                   gboolean        is_orig);
gboolean    ta_conn_tcp_is_closed (const Conn     *c);
gboolean    ta_conn_tcp_is_reuse  (const Conn     *c,
                                   const TaPacket *pkt,
                                   gboolean        is_orig);

G_END_DECLS
