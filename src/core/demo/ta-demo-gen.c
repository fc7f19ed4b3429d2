/* ta-demo-gen.c — the synthetic network's hosts, its session heap and the
 * spawners that start normal sessions and the scripted attacks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-demo-gen-private.h"

#define BLOCK 1024
#define SEC G_GINT64_CONSTANT (1000000)

const char *
ta_demo_attack_label (TaDemoAttack attack)
{
  /* ground-truth event types, worded as the original's; "ddos" and a
   * leading "c2"/"spam" put them in its attack groups */
  static const char * const labels[TA_DEMO_N_ATTACKS] = {
    "scan /usr/bin/nmap horizontal syn",
    "scan /usr/bin/nmap vertical ports",
    "ddos syn flood",
    "ssh brute force",
    "c2 beaconing https",
    "exfil bulk upload",
    "spam bot",
    "ddos udp flood",
  };

  return attack < TA_DEMO_N_ATTACKS ? labels[attack] : NULL;
}

/* ---- hosts ------------------------------------------------------------ */

static guint
add_host (TaDemoGen    *g,
          const guint8 *ip,
          gboolean      v6,
          gboolean      internal)
{
  TaDemoHost h = { 0, };
  guint index = g->hosts->len;

  memcpy (h.ip, ip, v6 ? 16 : 4);
  h.v6 = v6;
  h.internal = internal;
  inet_ntop (v6 ? AF_INET6 : AF_INET, ip, h.addr, sizeof h.addr);
  /* internal hosts have their own MAC; the rest are behind the router */
  h.mac[0] = 0x02;
  if (internal)
    {
      h.mac[3] = (guint8) (index >> 16);
      h.mac[4] = (guint8) (index >> 8);
      h.mac[5] = (guint8) index;
      h.mac[2] = 0x0a;
    }
  else
    h.mac[5] = 0x01;
  g_array_append_val (g->hosts, h);
  return index;
}

static guint
add_v4 (TaDemoGen *g, guint a, guint b, guint c, guint d, gboolean internal)
{
  guint8 ip[4] = { (guint8) a, (guint8) b, (guint8) c, (guint8) d };

  return add_host (g, ip, FALSE, internal);
}

/* @n public IPv4 hosts, distinct, outside private and reserved ranges */
static guint
add_public (TaDemoGen  *g,
            guint       n,
            GHashTable *used)
{
  guint first = g->hosts->len;

  while (g->hosts->len < first + n)
    {
      guint32 v = (guint32) (demo_rand (g) >> 32);
      guint a = v >> 24, b = (v >> 16) & 0xff;

      if (a == 0 || a == 10 || a == 127 || a >= 224 || (a == 172 && b >= 16 && b <= 31) ||
          (a == 192 && b == 168) || (a == 169 && b == 254) || (a == 100 && b >= 64 && b < 128) ||
          g_hash_table_contains (used, GUINT_TO_POINTER (v)))
        continue;
      g_hash_table_add (used, GUINT_TO_POINTER (v));
      add_v4 (g, a, b, (v >> 8) & 0xff, v & 0xff, FALSE);
    }
  return first;
}

static guint
add_v6 (TaDemoGen *g,
        guint      n,
        gboolean   internal)
{
  guint first = g->hosts->len;

  for (guint i = 0; i < n; i++)
    {
      guint8 ip[16] = { 0, };

      if (internal)
        {
          ip[0] = 0xfd; ip[3] = 0x20;            /* fd00:20::1:N */
          ip[13] = 0x01; ip[15] = (guint8) (i + 1);
        }
      else
        {
          ip[0] = 0x20; ip[1] = 0x01; ip[2] = 0x0d; ip[3] = 0xb8;   /* 2001:db8:N::80 */
          ip[5] = (guint8) (i + 1); ip[15] = 0x80;
        }
      add_host (g, ip, TRUE, internal);
    }
  return first;
}

static void
make_hosts (TaDemoGen *g)
{
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);

  g->srv_web = add_v4 (g, 10, 20, 0, 10, TRUE);
  g->srv_mail = add_v4 (g, 10, 20, 0, 25, TRUE);
  g->srv_dns = add_v4 (g, 10, 20, 0, 53, TRUE);
  g->srv_ssh = add_v4 (g, 10, 20, 0, 22, TRUE);
  g->srv_file = add_v4 (g, 10, 20, 0, 30, TRUE);
  g->srv_game = add_v4 (g, 10, 20, 0, 40, TRUE);
  g->ws_first = g->hosts->len;
  g->ws_n = 150;
  for (guint i = 1; i <= g->ws_n; i++)
    add_v4 (g, 10, 20, 1, i, TRUE);
  g->dark_first = g->hosts->len;
  g->dark_n = 254 - g->ws_n;
  for (guint i = g->ws_n + 1; i <= 254; i++)
    add_v4 (g, 10, 20, 1, i, TRUE);
  g->ws6_n = 20;
  g->ws6_first = add_v6 (g, g->ws6_n, TRUE);
  g->web_n = 240;
  g->web_first = add_public (g, g->web_n, used);
  g->web6_n = 20;
  g->web6_first = add_v6 (g, g->web6_n, FALSE);
  g->mx_n = 30;
  g->mx_first = add_public (g, g->mx_n, used);
  g->resolver_n = 2;
  g->resolver_first = add_public (g, g->resolver_n, used);
  g->extssh_n = 5;
  g->extssh_first = add_public (g, g->extssh_n, used);
  g->hscanner = add_public (g, 1, used);
  g->vscanner = add_public (g, 1, used);
  g->bot_n = 80;
  g->bot_first = add_public (g, g->bot_n, used);
  g->brute = add_public (g, 1, used);
  g->c2 = add_public (g, 1, used);
  g->drop = add_public (g, 1, used);
  g->spam_n = 40;
  g->spam_first = add_public (g, g->spam_n, used);
  g->flood_n = 6;
  g->flood_first = add_public (g, g->flood_n, used);
  g->c2_victim = g->ws_first + 65;      /* 10.20.1.66 */
  g->exfil_victim = g->ws_first + 76;   /* 10.20.1.77 */
  g->spam_bot = g->ws_first + 98;       /* 10.20.1.99 */
}

/* ---- the session heap ------------------------------------------------- */

static inline gboolean
before (const Session *a,
        const Session *b)
{
  return a->t < b->t || (a->t == b->t && a->id < b->id);
}

void
ta_demo_session_push (TaDemoGen *g,
                      Session   *s)
{
  guint i;

  if (g->n_heap == g->cap_heap)
    {
      g->cap_heap = MAX (64, g->cap_heap * 2);
      g->heap = g_renew (Session *, g->heap, g->cap_heap);
    }
  i = g->n_heap++;
  while (i > 0 && before (s, g->heap[(i - 1) / 2]))
    {
      g->heap[i] = g->heap[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  g->heap[i] = s;
}

static Session *
pop (TaDemoGen *g)
{
  Session *top = g->heap[0], *last = g->heap[--g->n_heap];
  guint i = 0;

  for (;;)
    {
      guint c = 2 * i + 1;

      if (c >= g->n_heap)
        break;
      if (c + 1 < g->n_heap && before (g->heap[c + 1], g->heap[c]))
        c++;
      if (!before (g->heap[c], last))
        break;
      g->heap[i] = g->heap[c];
      i = c;
    }
  if (g->n_heap > 0)
    g->heap[i] = last;
  return top;
}

Session *
ta_demo_session_new (TaDemoGen   *g,
                     SessionType  type,
                     gint64       t)
{
  Session *s = g->free_list;

  if (s == NULL)
    {
      Session *block = g_new (Session, BLOCK);

      g_ptr_array_add (g->blocks, block);
      for (guint i = 0; i < BLOCK - 1; i++)
        *(Session **) &block[i] = &block[i + 1];
      *(Session **) &block[BLOCK - 1] = NULL;
      s = block;
    }
  g->free_list = *(Session **) s;
  memset (s, 0, sizeof *s);
  s->t = t;
  s->id = g->next_id++;
  s->type = (guint8) type;
  s->attack = -1;
  return s;
}

static void
session_free (TaDemoGen *g,
              Session   *s)
{
  *(Session **) s = g->free_list;
  g->free_list = s;
}

Session *
ta_demo_tcp_new (TaDemoGen  *g,
                 gint64      t,
                 guint32     c,
                 guint32     s,
                 guint16     sport,
                 TaDemoApp   app,
                 SessionEnd  end,
                 guint32     rounds,
                 gint        attack)
{
  Session *x = ta_demo_session_new (g, S_TCP, t);
  gboolean far = !g_array_index (g->hosts, TaDemoHost, c).internal ||
                 !g_array_index (g->hosts, TaDemoHost, s).internal;

  x->c = c;
  x->s = s;
  /* ephemeral ports go up one by one per host (never reusing a 4-tuple
   * within the span, as tshark and the flow tracker both assume) */
  x->cport = g->next_port[c];
  g->next_port[c] = g->next_port[c] >= 60999 ? 32768 : g->next_port[c] + 1;
  x->sport = sport;
  x->cseq = (guint32) demo_rand (g);
  x->sseq = (guint32) demo_rand (g);
  x->app = (guint8) app;
  x->end = (guint8) end;
  x->rounds = MAX (rounds, 1);
  x->attack = (gint8) attack;
  x->rtt = far ? demo_range (g, 8000, 160000) : demo_range (g, 150, 1500);
  x->gap = demo_range (g, 15, 400);
  ta_demo_tcp_next_round (g, x);
  return x;
}

/* ---- the generator ---------------------------------------------------- */

TaDemoGen *
ta_demo_gen_new (const TaDemoConfig *config)
{
  TaDemoGen *g = g_new0 (TaDemoGen, 1);

  g->config = *config;
  if (g->config.duration_us <= 0)
    g->config.duration_us = 2 * 3600 * SEC;
  g->rng = config->seed * 0x9E3779B97F4A7C15ULL + 0x6A09E667F3BCC909ULL;
  if (g->rng == 0)
    g->rng = 1;
  g->hosts = g_array_new (FALSE, FALSE, sizeof (TaDemoHost));
  g->blocks = g_ptr_array_new_with_free_func (g_free);
  make_hosts (g);
  g->next_port = g_new (guint16, g->hosts->len);
  for (guint i = 0; i < g->hosts->len; i++)
    g->next_port[i] = (guint16) demo_range (g, 32768, 60999);
  ta_demo_start_spawners (g);
  return g;
}

void
ta_demo_gen_free (TaDemoGen *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->hosts);
  g_ptr_array_unref (self->blocks);
  g_free (self->heap);
  g_free (self->next_port);
  g_free (self);
}

gboolean
ta_demo_gen_next (TaDemoGen    *self,
                  TaDemoPacket *pkt)
{
  while (self->emitted < self->config.packets && self->n_heap > 0)
    {
      Session *s = pop (self);

      if (s->type == S_SPAWN)
        {
          if (ta_demo_spawn (self, s))
            ta_demo_session_push (self, s);
          else
            session_free (self, s);
          continue;
        }
      if (!ta_demo_session_step (self, s, pkt))
        {
          session_free (self, s);
          continue;
        }
      ta_demo_session_push (self, s);
      self->emitted++;
      if (pkt->attack < 0)
        self->normal_emitted++;
      return TRUE;
    }
  return FALSE;
}

guint
ta_demo_gen_get_n_hosts (TaDemoGen *self)
{
  return self->hosts->len;
}

const TaDemoHost *
ta_demo_gen_get_host (TaDemoGen *self,
                      guint      index)
{
  g_return_val_if_fail (index < self->hosts->len, NULL);
  return &g_array_index (self->hosts, TaDemoHost, index);
}
