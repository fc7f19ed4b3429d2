/* ta-demo-gen-private.h — the generator's sessions, shared by its model
 * (ta-demo-gen.c: hosts, heap, spawners) and the per-protocol steps
 * (ta-demo-session.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-demo-gen.h"

G_BEGIN_DECLS

#define TA_DEMO_MSS 1448

typedef enum
{
  S_TCP,
  S_DNS,
  S_ICMP,
  S_UDPFLOOD,
  S_SPAWN,
} SessionType;

/* How a TCP session ends */
typedef enum
{
  END_FIN,        /* graceful: FIN+ACK, FIN+ACK, ACK */
  END_RST,        /* abortive: the client resets */
  END_OPEN,       /* still open when it stops sending */
  END_REFUSED,    /* SYN → RST+ACK (a closed port) */
  END_PROBE_OPEN, /* SYN → SYN+ACK → RST (a scan finding an open port) */
  END_SILENT,     /* SYN only (a filtered port or an absent host) */
  END_HALF,       /* SYN → SYN+ACK, never the final ACK (SYN flood) */
} SessionEnd;

typedef enum
{
  P_SYN, P_SYNACK, P_ACK3, P_DATA, P_ACKR, P_FIN1, P_FIN2, P_FIN3,
  P_RST, P_REFUSE, P_RSTC, P_RETX, P_DONE,
} TcpPhase;

/* What a spawner makes */
typedef enum
{
  K_NORMAL, K_HSCAN, K_VSCAN, K_SYNFLOOD, K_SSH_BRUTE, K_C2, K_EXFIL, K_SPAM, K_UDPFLOOD,
} SpawnKind;

typedef struct _Session Session;
struct _Session
{
  gint64   t;           /* the next packet's time */
  guint32  id;          /* creation order: ties in time go to the older */
  guint8   type;        /* SessionType */
  guint8   phase;
  guint8   end;         /* SessionEnd */
  guint8   app;         /* TaDemoApp */
  gint8    attack;      /* TaDemoAttack, -1 */
  guint8   dir;         /* P_DATA: 0 the client sends, 1 the server */
  guint8   unacked;     /* segments the receiver has not acknowledged */
  guint8   first;       /* the next data segment starts a message */
  guint8   saved_phase; /* P_RETX returns here */
  guint32  c, s;        /* client and server host */
  guint16  cport, sport;
  guint32  cseq, sseq;  /* next sequence number of each side */
  guint32  rounds;      /* request/response rounds left */
  guint32  left;        /* bytes left of the message being sent */
  guint32  msg[2];      /* message size per direction for the next round */
  guint32  rtt;         /* µs */
  guint32  gap;         /* µs between a sender's segments */
  guint32  count;       /* packets left (ICMP, UDP flood), spawns left */
  guint32  last_seq;    /* P_RETX: the segment to send again */
  guint16  last_len;
  guint8   last_flags;
  guint8   last_dir;
  /* spawners */
  guint8   kind;        /* SpawnKind */
  gint64   until;       /* no spawn after this time */
  gint64   every;       /* mean µs between spawns */
  guint32  aux;         /* per-kind state (next scan target …) */
};

struct _TaDemoGen
{
  TaDemoConfig config;
  guint64      rng;
  GArray      *hosts;         /* TaDemoHost */
  guint64      emitted;
  guint64      normal_emitted;
  guint64      normal_target; /* packets of normal traffic over the span */
  guint32      next_id;
  guint16     *next_port;     /* per host: its next ephemeral port */
  /* the heap of sessions, by (t, id) */
  Session    **heap;
  guint        n_heap;
  guint        cap_heap;
  Session     *free_list;     /* recycled sessions (linked through t) */
  GPtrArray   *blocks;        /* allocated session blocks */
  /* host groups (ranges of indices into hosts) */
  guint        srv_web, srv_mail, srv_dns, srv_ssh, srv_file, srv_game;
  guint        ws_first, ws_n;          /* live IPv4 workstations */
  guint        dark_first, dark_n;      /* scanned addresses with no host */
  guint        ws6_first, ws6_n;        /* IPv6 workstations */
  guint        web_first, web_n;        /* external web servers (IPv4) */
  guint        web6_first, web6_n;      /* external web servers (IPv6) */
  guint        mx_first, mx_n;          /* external mail servers */
  guint        resolver_first, resolver_n;
  guint        extssh_first, extssh_n;
  guint        bot_first, bot_n;        /* SYN-flood sources */
  guint        spam_first, spam_n;      /* spam victims' mail servers */
  guint        flood_first, flood_n;    /* UDP-flood sources */
  guint        hscanner, vscanner, brute, c2, drop;
  guint        c2_victim, exfil_victim, spam_bot;
};

/* Random numbers (xorshift64*) */
static inline guint64
demo_rand (TaDemoGen *g)
{
  g->rng ^= g->rng >> 12;
  g->rng ^= g->rng << 25;
  g->rng ^= g->rng >> 27;
  return g->rng * 0x2545F4914F6CDD1DULL;
}

/* uniform in [lo, hi] */
static inline guint32
demo_range (TaDemoGen *g, guint32 lo, guint32 hi)
{
  return lo + (guint32) ((demo_rand (g) >> 32) % ((guint64) hi - lo + 1));
}

/* TRUE with probability @per_mille / 1000 */
static inline gboolean
demo_chance (TaDemoGen *g, guint per_mille)
{
  return (demo_rand (g) >> 40) % 1000 < per_mille;
}

Session *ta_demo_session_new    (TaDemoGen *g, SessionType type, gint64 t);
void     ta_demo_session_push   (TaDemoGen *g, Session *s);
/* A TCP session from @c to @s:@sport with @rounds request/response rounds */
Session *ta_demo_tcp_new        (TaDemoGen *g, gint64 t, guint32 c, guint32 s,
                                 guint16 sport, TaDemoApp app, SessionEnd end,
                                 guint32 rounds, gint attack);
/* One packet of @s into @pkt; FALSE when @s is over (nothing emitted) */
gboolean ta_demo_session_step   (TaDemoGen *g, Session *s, TaDemoPacket *pkt);
/* Message sizes for the next round of a TCP session */
void     ta_demo_tcp_next_round (TaDemoGen *g, Session *s);

/* ta-demo-spawn.c: the spawners of normal traffic and of each attack */
void     ta_demo_start_spawners (TaDemoGen *g);
/* Runs spawner @s at its time; FALSE when it is done */
gboolean ta_demo_spawn          (TaDemoGen *g, Session *s);

G_END_DECLS
