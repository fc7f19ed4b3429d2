/* ta-flow-tracker.c — streaming TCP flow tracking
 *
 * Open flows live in an open-addressing hash (linear probing, backward-shift
 * deletion) keyed by the numerically ordered ends, and on a list ordered by
 * last activity, so the timeout sweep before each packet is O(1) amortised.
 * Their packets are kept in fixed-size blocks from a pooled free list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-flow-tracker.h"

#define BLOCK_PKTS 7
#define SLAB_BLOCKS 256

typedef struct _Block Block;
struct _Block
{
  Block   *next;
  TaPacket p[BLOCK_PKTS];
};

typedef struct _Flow Flow;
struct _Flow
{
  guint32  a, b;          /* ends, numerically ordered (a, pa) <= (b, pb) */
  guint16  pa, pb;
  guint32  hash;
  guint64  id;
  gint64   last_ts;
  Flow    *prev, *next;   /* activity list */
  Block   *head, *tail;
  guint    n;
  gboolean sorted;
  /* finished-close detection (arrival order) */
  guint8   fin_dirs;      /* bit d: end d sent a FIN */
  guint8   last_fin_dir;
  guint32  fin_seq[2];
  /* completed (RST or finished close), lingering for stray packets */
  gboolean done;
  TaFlowEnd pending_end;
  gint64   linger_until;
};

typedef struct
{
  Flow *head, *tail;
} List;

/* The hash is kept next to the pointer so that a probe rejects other flows
 * without touching them. */
typedef struct
{
  Flow    *flow;
  guint32  hash;
} Slot;

struct _TaFlowTracker
{
  TaAddrTable        *addrs;
  gint64              timeout_us;
  TaFlowCompleteFunc  func;
  gpointer            user_data;

  Slot               *slots;
  guint               n_slots;      /* power of two */
  guint               n_open;
  guint64             n_flows;

  List                lru;          /* open flows by last activity */
  List                linger;       /* completed flows by end of linger */
  gint64              linger_us;
  gint64              clock;
  gboolean            have_clock;

  Block              *free_blocks;
  GPtrArray          *slabs;

  /* completion scratch */
  GString            *key, *key_a, *key_b;
  TaPacket           *scratch;
  guint8             *scratch_phases;
  guint               scratch_cap;
};

/* ---------------------------------------------------------------- names */

const char *
ta_flow_state_name (TaFlowState state)
{
  static const char * const names[] = {
    "new", "establishing", "established", "data_transfer", "closing",
    "closed", "aborted", "invalid", "ongoing",
  };
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (names), "new");
  return names[state];
}

const char *
ta_close_type_name (TaCloseType type)
{
  static const char * const names[] = {
    NULL, "graceful", "abortive", "invalid", "open",
  };
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (names), NULL);
  return names[type];
}

const char *
ta_invalid_reason_name (TaInvalidReason reason)
{
  static const char * const names[] = {
    NULL, "invalid_synack", "invalid_ack", "rst_during_handshake",
    "incomplete_no_syn", "incomplete_no_synack", "incomplete_no_ack",
  };
  g_return_val_if_fail ((guint) reason < G_N_ELEMENTS (names), NULL);
  return names[reason];
}

const char *
ta_flow_phase_name (TaFlowPhase phase)
{
  static const char * const names[] = {
    NULL, "syn", "syn_ack", "ack", "data", "ack_data", "fin", "rst",
    "ack_close",
  };
  g_return_val_if_fail ((guint) phase < G_N_ELEMENTS (names), NULL);
  return names[phase];
}

/* These strings are data of the file format, not user interface text: they
 * are not translated. */
const char *
ta_flow_phase_description (TaFlowPhase phase)
{
  static const char * const names[] = {
    NULL, "Connection Request", "Connection Acceptance",
    "Connection Established", "Data Transfer", "Data Acknowledgment",
    "Close Request", "Connection Aborted", "Close Acknowledgment",
  };
  g_return_val_if_fail ((guint) phase < G_N_ELEMENTS (names), NULL);
  return names[phase];
}

TaPhaseGroup
ta_flow_phase_group (TaFlowPhase phase)
{
  switch (phase)
    {
    case TA_PHASE_SYN:
    case TA_PHASE_SYN_ACK:
    case TA_PHASE_ACK:
      return TA_PHASE_GROUP_ESTABLISHMENT;
    case TA_PHASE_DATA:
    case TA_PHASE_ACK_DATA:
      return TA_PHASE_GROUP_DATA_TRANSFER;
    case TA_PHASE_FIN:
    case TA_PHASE_RST:
    case TA_PHASE_ACK_CLOSE:
      return TA_PHASE_GROUP_CLOSING;
    case TA_PHASE_NONE:
    default:
      return TA_PHASE_GROUP_NONE;
    }
}

/* ---------------------------------------------------------- classification */

guint32
ta_packet_payload_estimate (const TaPacket *pkt,
                            guint           family)
{
  guint32 headers;

  if (pkt->pflags & TA_PKT_HAS_PAYLOAD)
    return pkt->payload;
  /* Ethernet 14 + IP + TCP 20 + timestamp option 12 */
  headers = 14 + (family == 6 ? 40 : 20) + 20 + 12;
  return pkt->length > headers ? pkt->length - headers : 0;
}

static void
flow_reset (TaFlow         *f,
            const TaPacket *packets,
            guint           n,
            guint8         *phases)
{
  f->packets = packets;
  f->phases = phases;
  f->n_packets = n;
  f->state = TA_FLOW_STATE_NEW;
  f->close_type = TA_CLOSE_NONE;
  f->invalid_reason = TA_INVALID_NONE;
  f->establishment_complete = FALSE;
  f->data_transfer_started = FALSE;
  f->closing_started = FALSE;
  f->ongoing = FALSE;
  f->has_initiator = FALSE;
  f->initiator = f->responder = TA_ADDR_NONE;
  f->initiator_port = f->responder_port = 0;
  f->has_expected_seq = f->has_expected_ack = FALSE;
  f->expected_seq = f->expected_ack = 0;
  f->syn_index = f->synack_index = f->invalid_index = -1;
  f->n_establishment = f->n_data_transfer = f->n_closing = 0;
  f->total_bytes = 0;
  f->start_time = n ? packets[0].ts : 0;
  f->end_time = n ? packets[n - 1].ts : 0;
}

/* One packet through the original's state machine: updates @f and returns
 * the packet's phase. Longer than 120 lines on purpose: it is one chain of
 * flag cases, each a transition of the state machine, kept in the
 * original's order so the two can be compared case by case. */
G_ALWAYS_INLINE static inline TaFlowPhase
classify_packet (TaFlow         *f,
                 const TaPacket *p,
                 guint           i,
                 TaAddrTable    *addrs)
{
  guint fl = p->flags;
  gboolean syn = (fl & TA_TCP_SYN) != 0;
  gboolean ack = (fl & TA_TCP_ACK) != 0;
  gboolean fin = (fl & TA_TCP_FIN) != 0;
  gboolean rst = (fl & TA_TCP_RST) != 0;
  gboolean psh = (fl & TA_TCP_PSH) != 0;
  TaFlowPhase phase = TA_PHASE_NONE;

  if (syn && !ack && !rst)
    {
      if (!f->has_initiator)
        {
          f->has_initiator = TRUE;
          f->initiator = p->src;
          f->responder = p->dst;
          f->initiator_port = p->sport;
          f->responder_port = p->dport;
          f->state = TA_FLOW_STATE_ESTABLISHING;
          f->syn_index = i;
          f->has_expected_ack = TRUE;
          f->expected_ack = p->seq + 1;
          phase = TA_PHASE_SYN;
        }
    }
  else if (syn && ack && !rst)
    {
      if (f->state == TA_FLOW_STATE_ESTABLISHING && f->syn_index >= 0)
        {
          if (p->ack == f->expected_ack)
            {
              f->synack_index = i;
              f->has_expected_seq = TRUE;
              f->expected_seq = p->seq + 1;
              phase = TA_PHASE_SYN_ACK;
            }
          else
            {
              f->state = TA_FLOW_STATE_INVALID;
              f->invalid_reason = TA_INVALID_SYNACK;
              f->invalid_index = i;
              f->close_type = TA_CLOSE_INVALID;
            }
        }
      else if (f->synack_index < 0)
        {
          f->synack_index = i;
          phase = TA_PHASE_SYN_ACK;
        }
    }
  else if (ack && !syn && !fin && !rst && !psh
           && f->state == TA_FLOW_STATE_ESTABLISHING)
    {
      if (f->synack_index >= 0 && f->has_expected_seq)
        {
          if (p->ack == f->expected_seq && p->seq == f->expected_ack)
            {
              phase = TA_PHASE_ACK;
              f->establishment_complete = TRUE;
              f->state = TA_FLOW_STATE_ESTABLISHED;
            }
          else
            {
              f->state = TA_FLOW_STATE_INVALID;
              f->invalid_reason = TA_INVALID_ACK;
              f->invalid_index = i;
              f->close_type = TA_CLOSE_INVALID;
            }
        }
      else if (!f->establishment_complete)
        {
          phase = TA_PHASE_ACK;
          f->establishment_complete = TRUE;
          f->state = TA_FLOW_STATE_ESTABLISHED;
        }
    }
  else if (ack && !syn && !fin && !rst && f->establishment_complete
           && ta_packet_payload_estimate (p, ta_addr_table_get_family (addrs, p->src)) > 0)
    {
      if (!f->data_transfer_started)
        {
          f->data_transfer_started = TRUE;
          f->state = TA_FLOW_STATE_DATA_TRANSFER;
        }
      phase = TA_PHASE_DATA;
    }
  else if (fin && !rst)
    {
      if (!f->closing_started)
        {
          f->closing_started = TRUE;
          f->state = TA_FLOW_STATE_CLOSING;
          f->close_type = TA_CLOSE_GRACEFUL;
        }
      phase = TA_PHASE_FIN;
    }
  else if (rst)
    {
      if (f->state == TA_FLOW_STATE_ESTABLISHING)
        {
          f->invalid_reason = TA_INVALID_RST_DURING_HANDSHAKE;
          f->state = TA_FLOW_STATE_INVALID;
          f->close_type = TA_CLOSE_INVALID;
        }
      else
        {
          f->state = TA_FLOW_STATE_ABORTED;
          f->close_type = TA_CLOSE_ABORTIVE;
        }
      f->invalid_index = i;
      phase = TA_PHASE_RST;
    }
  else if (ack && !syn && !fin && !rst && f->establishment_complete)
    {
      if (f->closing_started)
        phase = TA_PHASE_ACK_CLOSE;
      else
        {
          if (!f->data_transfer_started)
            {
              f->data_transfer_started = TRUE;
              f->state = TA_FLOW_STATE_DATA_TRANSFER;
            }
          phase = TA_PHASE_ACK_DATA;
        }
    }

  return phase;
}

/* The state a flow ends in once all its packets are seen */
static void
classify_finish (TaFlow *f)
{
  if (f->state == TA_FLOW_STATE_ESTABLISHING)
    {
      f->state = TA_FLOW_STATE_INVALID;
      f->close_type = TA_CLOSE_INVALID;
      if (f->syn_index < 0)
        f->invalid_reason = TA_INVALID_INCOMPLETE_NO_SYN;
      else if (f->synack_index < 0)
        f->invalid_reason = TA_INVALID_INCOMPLETE_NO_SYNACK;
      else
        f->invalid_reason = TA_INVALID_INCOMPLETE_NO_ACK;
    }
  else if (f->state == TA_FLOW_STATE_CLOSING)
    f->state = TA_FLOW_STATE_CLOSED;

  if (f->state != TA_FLOW_STATE_INVALID && f->state != TA_FLOW_STATE_CLOSED
      && f->state != TA_FLOW_STATE_ABORTED && f->close_type == TA_CLOSE_NONE
      && (f->establishment_complete || f->data_transfer_started))
    {
      f->state = TA_FLOW_STATE_ONGOING;
      f->ongoing = TRUE;
      f->close_type = TA_CLOSE_OPEN;
    }
}

void
ta_flow_classify (TaFlow         *f,
                  const TaPacket *packets,
                  guint           n,
                  guint8         *phases,
                  TaAddrTable    *addrs)
{
  flow_reset (f, packets, n, phases);
  for (guint i = 0; i < n; i++)
    {
      const TaPacket *p = &packets[i];
      TaFlowPhase phase = TA_PHASE_NONE;

      f->total_bytes += p->length;
      phases[i] = TA_PHASE_NONE;
      if (f->state == TA_FLOW_STATE_INVALID)
        continue;

      phase = classify_packet (f, p, i, addrs);
      phases[i] = phase;
      switch (ta_flow_phase_group (phase))
        {
        case TA_PHASE_GROUP_ESTABLISHMENT: f->n_establishment++; break;
        case TA_PHASE_GROUP_DATA_TRANSFER: f->n_data_transfer++; break;
        case TA_PHASE_GROUP_CLOSING: f->n_closing++; break;
        case TA_PHASE_GROUP_NONE:
        default: break;
        }
    }
  classify_finish (f);
}

/* ------------------------------------------------------------------ arena */

static Block *
block_get (TaFlowTracker *self)
{
  Block *b;

  if (self->free_blocks == NULL)
    {
      Block *slab = g_new (Block, SLAB_BLOCKS);

      g_ptr_array_add (self->slabs, slab);
      for (guint i = 0; i < SLAB_BLOCKS; i++)
        {
          slab[i].next = self->free_blocks;
          self->free_blocks = &slab[i];
        }
    }
  b = self->free_blocks;
  self->free_blocks = b->next;
  b->next = NULL;
  return b;
}

static void
flow_append (TaFlowTracker  *self,
             Flow           *flow,
             const TaPacket *pkt)
{
  guint slot = flow->n % BLOCK_PKTS;

  if (slot == 0)
    {
      Block *b = block_get (self);

      if (flow->tail)
        flow->tail->next = b;
      else
        flow->head = b;
      flow->tail = b;
    }
  if (flow->n > 0 && pkt->ts < flow->last_ts)
    flow->sorted = FALSE;
  flow->tail->p[slot] = *pkt;
  flow->n++;
}

/* ------------------------------------------------------------------- hash */

static inline guint32
end_hash (guint32 a, guint16 pa, guint32 b, guint16 pb)
{
  guint64 x = ((guint64) a << 32) ^ ((guint64) pa << 16) ^ pb;
  guint64 y = (guint64) b * 0x9E3779B97F4A7C15ull;

  x ^= y;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return (guint32) x;
}

static void
table_grow (TaFlowTracker *self)
{
  guint old_n = self->n_slots;
  Slot *old = self->slots;

  self->n_slots = old_n * 2;
  self->slots = g_new0 (Slot, self->n_slots);
  for (guint i = 0; i < old_n; i++)
    if (old[i].flow)
      {
        guint mask = self->n_slots - 1;
        guint j = old[i].hash & mask;

        while (self->slots[j].flow)
          j = (j + 1) & mask;
        self->slots[j] = old[i];
      }
  g_free (old);
}

static void
table_remove (TaFlowTracker *self,
              Flow          *flow)
{
  guint mask = self->n_slots - 1;
  guint i = flow->hash & mask;
  guint j;

  while (self->slots[i].flow != flow)
    i = (i + 1) & mask;
  /* backward-shift deletion */
  j = i;
  for (;;)
    {
      guint k;

      self->slots[i].flow = NULL;
      for (;;)
        {
          j = (j + 1) & mask;
          if (self->slots[j].flow == NULL)
            return;
          k = self->slots[j].hash & mask;
          /* can slots[j] move to i? yes if k is cyclically outside (i, j] */
          if (i <= j ? (k <= i || k > j) : (k <= i && k > j))
            break;
        }
      self->slots[i] = self->slots[j];
      i = j;
    }
}

/* ---------------------------------------------------------------- tracker */

TaFlowTracker *
ta_flow_tracker_new (TaAddrTable        *addrs,
                     gint64              timeout_us,
                     TaFlowCompleteFunc  func,
                     gpointer            user_data)
{
  TaFlowTracker *self = g_new0 (TaFlowTracker, 1);

  self->addrs = addrs;
  self->timeout_us = timeout_us > 0 ? timeout_us : TA_FLOW_TIMEOUT_DEFAULT_S * G_USEC_PER_SEC;
  self->linger_us = MIN (TA_FLOW_LINGER_DEFAULT_US, self->timeout_us);
  self->func = func;
  self->user_data = user_data;
  self->n_slots = 1024;
  self->slots = g_new0 (Slot, self->n_slots);
  self->slabs = g_ptr_array_new_with_free_func (g_free);
  self->key = g_string_new (NULL);
  self->key_a = g_string_new (NULL);
  self->key_b = g_string_new (NULL);
  return self;
}

static void
list_unlink (List *l,
             Flow *flow)
{
  if (flow->prev)
    flow->prev->next = flow->next;
  else
    l->head = flow->next;
  if (flow->next)
    flow->next->prev = flow->prev;
  else
    l->tail = flow->prev;
  flow->prev = flow->next = NULL;
}

static void
list_append (List *l,
             Flow *flow)
{
  flow->prev = l->tail;
  flow->next = NULL;
  if (l->tail)
    l->tail->next = flow;
  else
    l->head = flow;
  l->tail = flow;
}

static void
append_end (GString *s,
            const char *name,
            guint16 port)
{
  char digits[8];
  int n = 0;

  g_string_append (s, name);
  g_string_append_c (s, ':');
  do
    {
      digits[n++] = (char) ('0' + port % 10);
      port /= 10;
    }
  while (port);
  while (n)
    g_string_append_c (s, digits[--n]);
}

/* "a:p-b:q", the lexically smaller end first (as the original compared the
 * two joined strings: '-' sorts before every character of an end) */
static const char *
make_key (TaFlowTracker *self,
          Flow          *flow)
{
  GString *ea = self->key_a, *eb = self->key_b;

  g_string_truncate (ea, 0);
  g_string_truncate (eb, 0);
  append_end (ea, ta_addr_table_get_name (self->addrs, flow->a), flow->pa);
  append_end (eb, ta_addr_table_get_name (self->addrs, flow->b), flow->pb);
  if (strcmp (ea->str, eb->str) > 0)
    {
      GString *t = ea;

      ea = eb;
      eb = t;
    }
  g_string_truncate (self->key, 0);
  g_string_append_len (self->key, ea->str, ea->len);
  g_string_append_c (self->key, '-');
  g_string_append_len (self->key, eb->str, eb->len);
  return self->key->str;
}

static gint
packet_ts_cmp (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const TaPacket *pa = a;
  const TaPacket *pb = b;

  return pa->ts < pb->ts ? -1 : pa->ts > pb->ts;
}

static void
flow_complete (TaFlowTracker *self,
               Flow          *flow,
               TaFlowEnd      end)
{
  TaFlow f;
  guint k = 0;
  Block *b;

  table_remove (self, flow);
  list_unlink (flow->done ? &self->linger : &self->lru, flow);
  self->n_open--;

  if (flow->n > self->scratch_cap)
    {
      self->scratch_cap = MAX (flow->n, self->scratch_cap * 2);
      self->scratch = g_renew (TaPacket, self->scratch, self->scratch_cap);
      self->scratch_phases = g_renew (guint8, self->scratch_phases, self->scratch_cap);
    }
  b = flow->head;
  while (b)
    {
      Block *next = b->next;
      guint take = MIN ((guint) BLOCK_PKTS, flow->n - k);

      memcpy (&self->scratch[k], b->p, take * sizeof (TaPacket));
      k += take;
      b->next = self->free_blocks;
      self->free_blocks = b;
      b = next;
    }
  if (!flow->sorted)
    g_qsort_with_data (self->scratch, flow->n, sizeof (TaPacket),
                       packet_ts_cmp, NULL); /* stable (merge sort) */

  memset (&f, 0, sizeof f);
  f.id = flow->id;
  f.key = make_key (self, flow);
  f.end = end;
  ta_flow_classify (&f, self->scratch, flow->n, self->scratch_phases, self->addrs);
  g_free (flow);

  if (self->func)
    self->func (&f, self->user_data);
}

static void
expire (TaFlowTracker *self)
{
  while (self->lru.head
         && self->clock - self->lru.head->last_ts >= self->timeout_us)
    flow_complete (self, self->lru.head, TA_FLOW_END_TIMEOUT);
  while (self->linger.head && self->clock >= self->linger.head->linger_until)
    flow_complete (self, self->linger.head, self->linger.head->pending_end);
}

/* The connection is over: its flow lingers, taking stray packets, until
 * linger_us has passed, or a new connection starts on its 4-tuple */
static void
flow_done (TaFlowTracker *self,
           Flow          *flow,
           TaFlowEnd      end,
           gint64         ts)
{
  if (self->linger_us <= 0)
    {
      flow_complete (self, flow, end);
      return;
    }
  list_unlink (&self->lru, flow);
  flow->done = TRUE;
  flow->pending_end = end;
  flow->linger_until = ts + self->linger_us;
  list_append (&self->linger, flow);
}

gboolean
ta_flow_tracker_add (TaFlowTracker  *self,
                     const TaPacket *pkt)
{
  guint32 a, b, hash;
  guint16 pa, pb;
  guint mask, i;
  Flow *flow;
  guint dir;

  if (pkt->proto != 6 || pkt->sport == 0 || pkt->dport == 0
      || pkt->src == TA_ADDR_NONE || pkt->dst == TA_ADDR_NONE)
    return FALSE;

  if (!self->have_clock || pkt->ts > self->clock)
    {
      self->clock = pkt->ts;
      self->have_clock = TRUE;
      expire (self);
    }

  if (pkt->src < pkt->dst || (pkt->src == pkt->dst && pkt->sport <= pkt->dport))
    {
      a = pkt->src; pa = pkt->sport; b = pkt->dst; pb = pkt->dport;
    }
  else
    {
      a = pkt->dst; pa = pkt->dport; b = pkt->src; pb = pkt->sport;
    }
  hash = end_hash (a, pa, b, pb);
  mask = self->n_slots - 1;
  i = hash & mask;
  while ((flow = self->slots[i].flow) != NULL)
    {
      if (self->slots[i].hash == hash && flow->a == a && flow->b == b
          && flow->pa == pa && flow->pb == pb)
        break;
      i = (i + 1) & mask;
    }

  if (flow != NULL && flow->done)
    {
      if ((pkt->flags & (TA_TCP_SYN | TA_TCP_ACK)) != TA_TCP_SYN)
        {
          /* a stray packet of the completed connection (a second RST, a
           * retransmitted FIN or ACK): it stays in that flow */
          flow_append (self, flow, pkt);
          if (pkt->ts > flow->last_ts)
            flow->last_ts = pkt->ts;
          return TRUE;
        }
      /* a new connection on the same 4-tuple */
      flow_complete (self, flow, flow->pending_end);
      flow = NULL;
      mask = self->n_slots - 1;
      i = hash & mask;
      while (self->slots[i].flow != NULL)
        i = (i + 1) & mask;
    }

  if (flow == NULL)
    {
      flow = g_new0 (Flow, 1);
      flow->a = a; flow->pa = pa; flow->b = b; flow->pb = pb;
      flow->hash = hash;
      flow->id = ++self->n_flows;
      flow->sorted = TRUE;
      flow->last_ts = pkt->ts;
      self->slots[i].flow = flow;
      self->slots[i].hash = hash;
      self->n_open++;
      list_append (&self->lru, flow);
      if (self->n_open * 2 > self->n_slots)
        table_grow (self);
    }
  else
    {
      list_unlink (&self->lru, flow);
      list_append (&self->lru, flow);
    }

  flow_append (self, flow, pkt);
  if (pkt->ts > flow->last_ts)
    flow->last_ts = pkt->ts;

  if (pkt->flags & TA_TCP_RST)
    {
      flow_done (self, flow, TA_FLOW_END_RST, pkt->ts);
      return TRUE;
    }

  dir = (pkt->src == a && pkt->sport == pa) ? 0 : 1;
  if (pkt->flags & TA_TCP_FIN)
    {
      flow->fin_dirs |= 1u << dir;
      flow->fin_seq[dir] = pkt->seq;
      flow->last_fin_dir = dir;
    }
  else if (flow->fin_dirs == 3 && (pkt->flags & TA_TCP_ACK)
           && dir != flow->last_fin_dir
           && (gint32) (pkt->ack - (flow->fin_seq[flow->last_fin_dir] + 1)) >= 0)
    flow_done (self, flow, TA_FLOW_END_CLOSE, pkt->ts);

  return TRUE;
}

static gint
flow_id_cmp (gconstpointer a,
             gconstpointer b)
{
  const Flow *fa = *(Flow * const *) a;
  const Flow *fb = *(Flow * const *) b;

  return fa->id < fb->id ? -1 : fa->id > fb->id;
}

void
ta_flow_tracker_finish (TaFlowTracker *self)
{
  g_autoptr(GPtrArray) open = g_ptr_array_sized_new (self->n_open);

  for (Flow *f = self->lru.head; f; f = f->next)
    g_ptr_array_add (open, f);
  for (Flow *f = self->linger.head; f; f = f->next)
    g_ptr_array_add (open, f);
  g_ptr_array_sort (open, flow_id_cmp);
  for (guint i = 0; i < open->len; i++)
    {
      Flow *f = open->pdata[i];

      flow_complete (self, f, f->done ? f->pending_end : TA_FLOW_END_INPUT);
    }
}

void
ta_flow_tracker_free (TaFlowTracker *self)
{
  Flow *f;

  if (self == NULL)
    return;
  for (guint l = 0; l < 2; l++)
    {
      f = l ? self->linger.head : self->lru.head;
      while (f)
        {
          Flow *next = f->next;

          g_free (f);
          f = next;
        }
    }
  g_free (self->slots);
  g_ptr_array_unref (self->slabs);
  g_free (self->scratch);
  g_free (self->scratch_phases);
  g_string_free (self->key, TRUE);
  g_string_free (self->key_a, TRUE);
  g_string_free (self->key_b, TRUE);
  g_free (self);
}

void
ta_flow_tracker_set_linger (TaFlowTracker *self,
                            gint64         linger_us)
{
  self->linger_us = MAX (0, MIN (linger_us, self->timeout_us));
}

guint
ta_flow_tracker_get_n_open (TaFlowTracker *self)
{
  return self->n_open;
}

guint64
ta_flow_tracker_get_n_flows (TaFlowTracker *self)
{
  return self->n_flows;
}
