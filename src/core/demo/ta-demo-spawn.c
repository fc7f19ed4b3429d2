/* ta-demo-spawn.c — what starts sessions in the synthetic network: one
 * spawner of normal traffic that keeps the packet rate on course for the
 * span, and one per scripted attack, each in its own time window with a
 * share of the packets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-demo-gen-private.h"

#define SEC G_GINT64_CONSTANT (1000000)

/* Share of all packets per attack, in per mille */
static const guint attack_share[TA_DEMO_N_ATTACKS] = {
  [TA_DEMO_HSCAN] = 4, [TA_DEMO_VSCAN] = 4, [TA_DEMO_SYNFLOOD] = 80,
  [TA_DEMO_SSH_BRUTE] = 20, [TA_DEMO_C2] = 10, [TA_DEMO_EXFIL] = 30,
  [TA_DEMO_SPAM] = 20, [TA_DEMO_UDPFLOOD] = 50,
};

static const guint16 hscan_ports[] = { 445, 3389, 22 };

static guint32
pick (TaDemoGen *g, guint first, guint n)
{
  return first + demo_range (g, 0, n - 1);
}

/* Popular servers get most visits */
static guint32
pick_popular (TaDemoGen *g, guint first, guint n)
{
  guint64 r = demo_rand (g) >> 33;
  guint64 x = (r * r) >> 31;   /* skewed towards 0 */

  return first + (guint32) (x * n >> 31) % n;
}

static Session *
spawner (TaDemoGen *g,
         SpawnKind  kind,
         double     start,
         double     stop,
         gint64     every,
         guint32    count)
{
  gint64 d = g->config.duration_us;
  Session *s = ta_demo_session_new (g, S_SPAWN, g->config.start_us + (gint64) (start * d));

  s->kind = (guint8) kind;
  s->until = g->config.start_us + (gint64) (stop * d);
  s->every = MAX (every, 1);
  s->count = count;
  ta_demo_session_push (g, s);
  return s;
}

void
ta_demo_start_spawners (TaDemoGen *g)
{
  guint64 n = g->config.packets, attack_total = 0;
  guint64 budget[TA_DEMO_N_ATTACKS] = { 0, };
  gint64 d = g->config.duration_us;
  Session *x;

  if (g->config.attacks)
    for (guint i = 0; i < TA_DEMO_N_ATTACKS; i++)
      {
        budget[i] = MAX (n * attack_share[i] / 1000, 8);
        attack_total += budget[i];
      }
  g->normal_target = n > attack_total ? n - attack_total : n / 2;
  /* about 16 packets per normal session */
  x = spawner (g, K_NORMAL, 0, 1e9, MAX (d * 40 / (gint64) MAX (g->normal_target, 1), 1), G_MAXUINT32);
  x->aux = (guint32) MIN (x->every, G_MAXUINT32 / 4);   /* the gap's base */
  if (!g->config.attacks)
    return;
  spawner (g, K_HSCAN, 0.12, 2, 8000, (guint32) MIN (budget[TA_DEMO_HSCAN] * 2 / 3, 254 * 3));
  spawner (g, K_VSCAN, 0.30, 2, 2000, (guint32) MIN (budget[TA_DEMO_VSCAN] / 2, 65535));
  spawner (g, K_SYNFLOOD, 0.45, 2, MAX (180 * SEC / (gint64) (budget[TA_DEMO_SYNFLOOD] / 2), 1),
           (guint32) (budget[TA_DEMO_SYNFLOOD] / 2));
  spawner (g, K_SSH_BRUTE, 0.25, 2, 1200000, (guint32) MAX (budget[TA_DEMO_SSH_BRUTE] / 22, 1));
  spawner (g, K_C2, 0.004, 1.0, MAX (60 * SEC, d * 12 / (gint64) budget[TA_DEMO_C2]), G_MAXUINT32);
  spawner (g, K_EXFIL, 0.70, 2, SEC, 1)->aux = (guint32) (budget[TA_DEMO_EXFIL] * 2 / 3);
  spawner (g, K_SPAM, 0.55, 2, 2500000, (guint32) MAX (budget[TA_DEMO_SPAM] / 18, 1));
  spawner (g, K_UDPFLOOD, 0.80, 2, SEC / 2, g->flood_n)->rounds =
    (guint32) (budget[TA_DEMO_UDPFLOOD] / g->flood_n);
}

/* ---- normal traffic --------------------------------------------------- */

static void
spawn_dns (TaDemoGen *g,
           gint64     t)
{
  Session *x = ta_demo_session_new (g, S_DNS, t);

  x->c = pick (g, g->ws_first, g->ws_n);
  x->s = g->srv_dns;
  x->cport = (guint16) demo_range (g, 32768, 60999);
  x->sport = 53;
  x->app = TA_DEMO_APP_DNS;
  x->msg[0] = 33;   /* www.example.com A? */
  x->msg[1] = 49;   /* … and its one answer */
  x->aux = demo_chance (g, 300) ? pick (g, g->resolver_first, g->resolver_n) : G_MAXUINT32;
  x->count = demo_range (g, 1024, 65535);   /* the resolver's upstream port */
  ta_demo_session_push (g, x);
}

static void
spawn_web (TaDemoGen *g,
           gint64     t)
{
  guint r = demo_range (g, 0, 999);
  gboolean v6 = r < 100, http = r >= 850;
  guint32 c = v6 ? pick (g, g->ws6_first, g->ws6_n) : pick (g, g->ws_first, g->ws_n);
  guint32 s = v6 ? pick (g, g->web6_first, g->web6_n) : pick_popular (g, g->web_first, g->web_n);
  guint e = demo_range (g, 0, 99);
  SessionEnd end = e < 85 ? END_FIN : e < 92 ? END_RST : e < 98 ? END_OPEN : END_REFUSED;
  guint16 port = end == END_REFUSED ? 8080 : http ? 80 : 443;

  if (!v6 && demo_chance (g, 100))
    s = g->srv_web;   /* the intranet site */
  ta_demo_session_push (g, ta_demo_tcp_new (g, t, c, s, port, http ? TA_DEMO_APP_HTTP : TA_DEMO_APP_TLS,
                                            end, demo_range (g, 1, 5), -1));
}

static void
spawn_other (TaDemoGen *g,
             gint64     t,
             guint      r)
{
  Session *x;

  if (r < 120)
    {
      /* mail: inbound to our server, or our server sending out */
      guint32 mx = pick (g, g->mx_first, g->mx_n);
      gboolean in = demo_chance (g, 600);

      x = ta_demo_tcp_new (g, t, in ? mx : g->srv_mail, in ? g->srv_mail : mx, 25,
                           TA_DEMO_APP_SMTP, END_FIN, 6, -1);
    }
  else if (r < 170)
    {
      gboolean out = demo_chance (g, 300);

      x = ta_demo_tcp_new (g, t, out ? g->srv_ssh : pick (g, g->ws_first, g->ws_n),
                           out ? pick (g, g->extssh_first, g->extssh_n) : g->srv_ssh, 22,
                           TA_DEMO_APP_SSH, END_FIN, demo_range (g, 5, 60), -1);
    }
  else
    {
      x = ta_demo_session_new (g, S_ICMP, t);
      x->c = pick (g, g->ws_first, g->ws_n);
      x->s = demo_chance (g, 500) ? pick (g, g->srv_web, 6) : pick (g, g->web_first, g->web_n);
      x->cport = (guint16) demo_range (g, 1, 65535);   /* echo identifier */
      x->count = demo_range (g, 3, 8);
      x->rtt = demo_range (g, 200, 60000);
      x->app = TA_DEMO_APP_ICMP;
    }
  ta_demo_session_push (g, x);
}

static void
spawn_normal (TaDemoGen *g,
              Session   *sp)
{
  guint r = demo_range (g, 0, 999);
  gint64 elapsed = sp->t - g->config.start_us;
  double target = (double) g->normal_target * (double) elapsed / (double) g->config.duration_us;
  gint64 mean = sp->every;

  if (r < 520)
    spawn_web (g, sp->t);
  else if (r < 800)
    spawn_dns (g, sp->t);
  else
    spawn_other (g, sp->t, r - 800);
  /* keep on course: spawn faster while behind the target, slower ahead;
   * the mean gap itself adapts, by at most 2 % a spawn */
  if ((double) g->normal_emitted < target * 0.99)
    sp->every = MAX (sp->every * 99 / 100, MAX ((gint64) sp->aux / 4, 1));
  else if ((double) g->normal_emitted > target * 1.01)
    sp->every = MIN (sp->every * 101 / 100 + 1, (gint64) sp->aux * 4);
  mean = sp->every;
  sp->t += 1 + (gint64) demo_range (g, 0, (guint32) MIN (2 * mean, G_MAXUINT32 - 1));
}

/* ---- attacks ---------------------------------------------------------- */

static Session *
spawn_probe (TaDemoGen *g,
             Session   *sp,
             guint32    attacker,
             guint32    target,
             guint16    port,
             SessionEnd end,
             gint       attack)
{
  Session *x = ta_demo_tcp_new (g, sp->t, attacker, target, port, TA_DEMO_APP_NONE, end, 1, attack);

  x->cport = (guint16) demo_range (g, 40000, 65000);
  return x;
}

static Session *
spawn_attack (TaDemoGen *g,
              Session   *sp)
{
  guint32 i = sp->aux++;
  Session *x;

  switch (sp->kind)
    {
    case K_HSCAN:
      {
        guint32 target = g->ws_first + i % 254;   /* 10.20.1.1 … 254 (dark beyond ws) */
        guint16 port = hscan_ports[(i / 254) % G_N_ELEMENTS (hscan_ports)];
        SessionEnd end = target >= g->dark_first ? END_SILENT
                         : port == 3389 ? END_SILENT
                         : port == 22 && demo_chance (g, 100) ? END_PROBE_OPEN : END_REFUSED;

        return spawn_probe (g, sp, g->hscanner, target, port, end, TA_DEMO_HSCAN);
      }
    case K_VSCAN:
      {
        guint16 port = (guint16) (i + 1);
        gboolean open = port == 21 || port == 22 || port == 80 || port == 139 || port == 445 || port == 2049;

        return spawn_probe (g, sp, g->vscanner, g->srv_file, port, open ? END_PROBE_OPEN : END_REFUSED,
                            TA_DEMO_VSCAN);
      }
    case K_SYNFLOOD:
      /* each bot walks its source ports: no 4-tuple twice */
      x = spawn_probe (g, sp, g->bot_first + i % g->bot_n, g->srv_web, 80, END_HALF, TA_DEMO_SYNFLOOD);
      x->cport = (guint16) (1024 + (i / g->bot_n) % 64000);
      return x;
    case K_SSH_BRUTE:
      return ta_demo_tcp_new (g, sp->t, g->brute, g->srv_ssh, 22, TA_DEMO_APP_SSH,
                              END_FIN, 3, TA_DEMO_SSH_BRUTE);
    case K_C2:
      x = ta_demo_tcp_new (g, sp->t, g->c2_victim, g->c2, 443, TA_DEMO_APP_TLS, END_FIN, 1, TA_DEMO_C2);
      x->msg[0] = demo_range (g, 180, 420);
      x->msg[1] = demo_chance (g, 100) ? demo_range (g, 2000, 9000) : demo_range (g, 90, 300);
      return x;
    case K_EXFIL:
      x = ta_demo_tcp_new (g, sp->t, g->exfil_victim, g->drop, 443, TA_DEMO_APP_TLS, END_FIN, 1, TA_DEMO_EXFIL);
      x->msg[0] = (guint32) MIN ((guint64) i * TA_DEMO_MSS, G_MAXUINT32 / 2);
      x->msg[1] = 120;
      x->gap = 700;   /* about 2 MB/s */
      return x;
    case K_SPAM:
      return ta_demo_tcp_new (g, sp->t, g->spam_bot, pick (g, g->spam_first, g->spam_n), 25,
                              TA_DEMO_APP_SMTP, END_FIN, 5, TA_DEMO_SPAM);
    case K_UDPFLOOD:
    default:
      x = ta_demo_session_new (g, S_UDPFLOOD, sp->t);
      x->c = g->flood_first + i % g->flood_n;
      x->s = g->srv_game;
      x->count = sp->rounds;   /* packets per source */
      x->gap = (guint32) MAX (120 * SEC / (gint64) MAX (sp->rounds, 1), 50);
      x->attack = TA_DEMO_UDPFLOOD;
      x->app = TA_DEMO_APP_FILL;
      return x;
    }
}

gboolean
ta_demo_spawn (TaDemoGen *g,
               Session   *sp)
{
  Session *x;

  if (sp->kind == K_NORMAL)
    {
      spawn_normal (g, sp);
      return TRUE;
    }
  if (sp->count == 0 || sp->t > sp->until)
    return FALSE;
  x = spawn_attack (g, sp);
  ta_demo_session_push (g, x);
  sp->count--;
  sp->t += sp->kind == K_C2 ? sp->every * 9 / 10 + demo_range (g, 0, (guint32) (sp->every / 5))
                            : sp->every;
  return sp->count > 0;
}
