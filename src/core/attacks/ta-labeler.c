/* ta-labeler.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-labeler.h"

#define ADDR_UNKNOWN 0u   /* cache: not looked up yet */
#define ADDR_ABSENT  1u   /* cache: no event names this address */

typedef struct
{
  guint64 key;     /* lo << 32 | hi (hi = TA_GT_ANY_ADDR for one-sided events) */
  guint32 first;   /* into self->lists */
  guint32 n;       /* 0 = empty slot */
} Slot;

struct _TaLabeler
{
  TaGroundTruth   *gt;
  TaAddrTable     *addrs;
  const TaGtEvent *events;
  guint            n_events;
  gint32          *codes;       /* per ground-truth label */
  guint32         *lists;       /* event indices grouped by key, by start */
  Slot            *slots;
  guint            mask;
  gboolean         has_one_sided;
  guint32         *cache;       /* TaAddrTable index -> ADDR_* or gt index + 2 */
  guint            cache_len;
  guint64          n_matched;
  guint64          n_ambiguous;
  guint64          n_conflicting;
};

static inline guint32
hash64 (guint64 k)
{
  k ^= k >> 33;
  k *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  k ^= k >> 33;
  k *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  k ^= k >> 33;
  return (guint32) k;
}

static inline guint64
pair_key (guint32 a,
          guint32 b)
{
  return a < b ? ((guint64) a << 32) | b : ((guint64) b << 32) | a;
}

typedef struct
{
  guint64 key;
  gint64  start;
  guint32 index;
} Item;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

TaLabeler *
ta_labeler_new (TaGroundTruth  *gt,
                TaEventMapping *mapping,
                TaAddrTable    *addrs)
{
  TaLabeler *self = g_new0 (TaLabeler, 1);
  guint n = ta_ground_truth_get_n_events (gt);
  guint n_labels = ta_ground_truth_get_n_labels (gt);
  Item *items = g_new (Item, MAX (n, 1));
  guint n_slots = 16;

  self->gt = gt;
  self->addrs = addrs;
  self->n_events = n;
  self->events = n ? ta_ground_truth_get_event (gt, 0) : NULL;
  self->codes = g_new (gint32, MAX (n_labels, 1));
  for (guint l = 0; l < n_labels; l++)
    self->codes[l] = ta_event_mapping_ensure (mapping, ta_ground_truth_get_label (gt, l));

  for (guint i = 0; i < n; i++)
    {
      const TaGtEvent *ev = &self->events[i];

      items[i].key = pair_key (ev->src, ev->dst);
      items[i].start = ev->start_min;
      items[i].index = i;
      if (ev->src == TA_GT_ANY_ADDR || ev->dst == TA_GT_ANY_ADDR)
        self->has_one_sided = TRUE;
    }
  qsort (items, n, sizeof (Item), compare_items);

  while (n_slots < 2 * n)
    n_slots *= 2;
  self->mask = n_slots - 1;
  self->slots = g_new0 (Slot, n_slots);
  self->lists = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      guint h;

      self->lists[i] = items[i].index;
      if (i > 0 && items[i].key == items[i - 1].key)
        continue;
      for (h = hash64 (items[i].key) & self->mask; self->slots[h].n != 0; h = (h + 1) & self->mask)
        ;
      self->slots[h].key = items[i].key;
      self->slots[h].first = i;
      self->slots[h].n = 0;
      for (guint j = i; j < n && items[j].key == items[i].key; j++)
        self->slots[h].n++;
    }
  g_free (items);
  return self;
}

void
ta_labeler_free (TaLabeler *self)
{
  if (self == NULL)
    return;
  g_free (self->codes);
  g_free (self->lists);
  g_free (self->slots);
  g_free (self->cache);
  g_free (self);
}

/* The ground-truth address of a job address, or TA_GT_ANY_ADDR */
static inline guint32
gt_addr (TaLabeler *self,
         guint32    index)
{
  guint32 v;

  if (G_UNLIKELY (index >= self->cache_len))
    {
      guint len = MAX (self->cache_len, 256);

      if (index == TA_ADDR_NONE)
        return TA_GT_ANY_ADDR;
      while (len <= index)
        len *= 2;
      self->cache = g_renew (guint32, self->cache, len);
      memset (self->cache + self->cache_len, 0, (len - self->cache_len) * sizeof (guint32));
      self->cache_len = len;
    }
  v = self->cache[index];
  if (G_UNLIKELY (v == ADDR_UNKNOWN))
    {
      const char *name = ta_addr_table_get_name (self->addrs, index);
      guint32 a = name ? ta_ground_truth_lookup_address (self->gt, name) : TA_GT_ANY_ADDR;

      v = a == TA_GT_ANY_ADDR ? ADDR_ABSENT : a + 2;
      self->cache[index] = v;
    }
  return v == ADDR_ABSENT ? TA_GT_ANY_ADDR : v - 2;
}

static inline const Slot *
find (TaLabeler *self,
      guint64    key)
{
  for (guint h = hash64 (key) & self->mask; self->slots[h].n != 0; h = (h + 1) & self->mask)
    if (self->slots[h].key == key)
      return &self->slots[h];
  return NULL;
}

static inline gboolean
event_matches (TaLabeler       *self,
               const TaGtEvent *ev,
               guint32          a,
               guint32          b,
               guint16          pa,
               guint16          pb)
{
  if ((ev->src == TA_GT_ANY_ADDR || ev->src == a) &&
      (ev->dst == TA_GT_ANY_ADDR || ev->dst == b) &&
      ta_ground_truth_event_port_matches (self->gt, ev, FALSE, pa) &&
      ta_ground_truth_event_port_matches (self->gt, ev, TRUE, pb))
    return TRUE;
  return (ev->src == TA_GT_ANY_ADDR || ev->src == b) &&
         (ev->dst == TA_GT_ANY_ADDR || ev->dst == a) &&
         ta_ground_truth_event_port_matches (self->gt, ev, FALSE, pb) &&
         ta_ground_truth_event_port_matches (self->gt, ev, TRUE, pa);
}

/* TRUE when event @x is more specific than event @y */
static gboolean
more_specific (TaLabeler *self,
               guint32    x,
               guint32    y)
{
  const TaGtEvent *a = &self->events[x], *b = &self->events[y];
  guint na = (a->n_sports > 0) + (a->n_dports > 0);
  guint nb = (b->n_sports > 0) + (b->n_dports > 0);
  gint32 ca, cb;

  if (na != nb)
    return na > nb;
  if (a->stop_min - a->start_min != b->stop_min - b->start_min)
    return a->stop_min - a->start_min < b->stop_min - b->start_min;
  if (a->start_min != b->start_min)
    return a->start_min < b->start_min;
  ca = self->codes[a->label];
  cb = self->codes[b->label];
  if (ca != cb)
    return ca < cb;
  return x < y;
}

typedef struct
{
  gint     best;
  guint    n;
  gboolean conflict;
} Match;

static inline void
scan_list (TaLabeler  *self,
           const Slot *slot,
           gint64      minute,
           guint32     a,
           guint32     b,
           guint16     pa,
           guint16     pb,
           Match      *m)
{
  for (guint i = 0; i < slot->n; i++)
    {
      guint32 e = self->lists[slot->first + i];
      const TaGtEvent *ev = &self->events[e];

      if (ev->start_min > minute)
        break;   /* sorted by start */
      if (ev->stop_min < minute || !event_matches (self, ev, a, b, pa, pb))
        continue;
      if (m->best >= 0 && self->codes[ev->label] != self->codes[self->events[m->best].label])
        m->conflict = TRUE;
      m->n++;
      if (m->best < 0 || more_specific (self, e, m->best))
        m->best = e;
    }
}

static inline void
match (TaLabeler      *self,
       const TaPacket *pkt,
       Match          *m)
{
  guint32 a, b;
  gint64 minute;
  const Slot *slot;

  m->best = -1;
  m->n = 0;
  m->conflict = FALSE;
  if (self->n_events == 0)
    return;
  a = gt_addr (self, pkt->src);
  b = gt_addr (self, pkt->dst);
  if (a == TA_GT_ANY_ADDR && b == TA_GT_ANY_ADDR)
    return;
  minute = ta_minute_of_us (pkt->ts);
  if (a != TA_GT_ANY_ADDR && b != TA_GT_ANY_ADDR)
    {
      slot = find (self, pair_key (a, b));
      if (slot != NULL)
        scan_list (self, slot, minute, a, b, pkt->sport, pkt->dport, m);
    }
  if (self->has_one_sided)
    {
      if (a != TA_GT_ANY_ADDR && (slot = find (self, pair_key (a, TA_GT_ANY_ADDR))) != NULL)
        scan_list (self, slot, minute, a, b, pkt->sport, pkt->dport, m);
      if (b != TA_GT_ANY_ADDR && b != a && (slot = find (self, pair_key (b, TA_GT_ANY_ADDR))) != NULL)
        scan_list (self, slot, minute, a, b, pkt->sport, pkt->dport, m);
    }
}

gint
ta_labeler_match (TaLabeler      *self,
                  const TaPacket *pkt,
                  guint          *n_matched)
{
  Match m;

  match (self, pkt, &m);
  if (n_matched)
    *n_matched = m.n;
  return m.best;
}

gint32
ta_labeler_label (TaLabeler      *self,
                  const TaPacket *pkt)
{
  Match m;

  match (self, pkt, &m);
  if (m.best < 0)
    return TA_LABEL_NORMAL;
  self->n_matched++;
  if (m.n > 1)
    {
      self->n_ambiguous++;
      if (m.conflict)
        self->n_conflicting++;
    }
  return self->codes[self->events[m.best].label];
}

gint32
ta_labeler_get_code (TaLabeler *self,
                     guint      label)
{
  return self->codes[label];
}

guint64
ta_labeler_get_n_matched (TaLabeler *self)
{
  return self->n_matched;
}

guint64
ta_labeler_get_n_ambiguous (TaLabeler *self)
{
  return self->n_ambiguous;
}

guint64
ta_labeler_get_n_conflicting (TaLabeler *self)
{
  return self->n_conflicting;
}
