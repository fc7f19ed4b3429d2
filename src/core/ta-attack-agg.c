/* ta-attack-agg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ta-attack-agg.h"
#include "ta-error.h"

#define DIRECT_CODES 1024   /* codes -1 … 1022 are counted in an array */

/* The rows of the current minute: small, so it stays in cache. Packets come
 * (mostly) in time order, so the working set of the hot path is one
 * minute's rows, not the whole output. */
typedef struct
{
  guint32 src;      /* TaAddrTable index */
  guint32 dst;
  guint32 length;
  gint32  attack;
  guint32 proto;    /* protocol + 1; 0 = empty slot */
  guint32 pad;
  guint64 count;
} Entry;

/* Rows of minutes seen again after the job moved past them */
typedef struct
{
  gint64  minute;
  Entry   e;
} LateEntry;

/* A finished row, with IP-map ids */
typedef struct
{
  gint64  minute;
  gint64  src;
  gint64  dst;
  guint32 length;
  gint32  attack;
  guint32 proto;
  gint32  group;
  guint64 count;
} Row;

struct _TaAttackAgg
{
  TaAddrTable *addrs;
  TaIpMap     *ip_map;
  GArray      *ids;           /* gint64 per TaAddrTable index, -1 = not yet */
  guint        n_new_ids;

  /* the current minute */
  gint64       minute;
  gboolean     has_minute;
  Entry       *slots;
  guint32     *used;          /* indices of the used slots */
  guint        n_used;
  guint        mask;

  /* minutes already flushed, and rows that came back to them */
  GHashTable  *flushed;       /* gint64* set */
  LateEntry   *late;
  guint64      late_mask;
  guint64      n_late;

  GArray      *done;          /* Row */
  gboolean     done_sorted;   /* flushed minutes ascending so far */
  gboolean     finished;

  guint64      n_packets;
  guint64      direct[DIRECT_CODES];
  GHashTable  *other_codes;   /* code -> guint64* */
};

TaAttackAgg *
ta_attack_agg_new (TaAddrTable *addrs,
                   TaIpMap     *ip_map)
{
  TaAttackAgg *self = g_new0 (TaAttackAgg, 1);

  self->addrs = addrs;
  self->ip_map = ip_map;
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->mask = 4096 - 1;
  self->slots = g_new0 (Entry, self->mask + 1);
  self->used = g_new (guint32, self->mask + 1);
  self->flushed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->late_mask = 0;
  self->done = g_array_new (FALSE, FALSE, sizeof (Row));
  self->done_sorted = TRUE;
  self->other_codes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return self;
}

void
ta_attack_agg_free (TaAttackAgg *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->ids);
  g_free (self->slots);
  g_free (self->used);
  g_hash_table_unref (self->flushed);
  g_free (self->late);
  g_array_unref (self->done);
  g_hash_table_unref (self->other_codes);
  g_free (self);
}

static inline guint64
hash_entry (guint32 src,
            guint32 dst,
            guint32 length,
            gint32  attack,
            guint32 proto)
{
  guint64 h = ((guint64) src << 32 | dst) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  h ^= ((guint64) length << 40 | (guint64) (guint32) attack << 8 | proto) * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F);
  h ^= h >> 31;
  h *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  h ^= h >> 29;
  return h;
}

static inline gboolean
entry_equal (const Entry *e,
             guint32      src,
             guint32      dst,
             guint32      length,
             gint32       attack,
             guint32      proto)
{
  return e->src == src && e->dst == dst && e->length == length &&
         e->attack == attack && e->proto == proto;
}

static gint64
addr_id (TaAttackAgg *self,
         guint32      index)
{
  gint64 *slot;

  if (index == TA_ADDR_NONE)
    return -1;
  if (index >= self->ids->len)
    {
      guint old = self->ids->len;

      g_array_set_size (self->ids, MAX (index + 1, old * 2));
      for (guint i = old; i < self->ids->len; i++)
        g_array_index (self->ids, gint64, i) = -1;
    }
  slot = &g_array_index (self->ids, gint64, index);
  if (*slot < 0)
    {
      const char *name = ta_addr_table_get_name (self->addrs, index);
      gint64 id = ta_ip_map_lookup_addr (self->ip_map, name);

      if (id < 0)
        {
          id = ta_ip_map_add (self->ip_map, name);
          self->n_new_ids++;
        }
      *slot = id;
    }
  return *slot;
}

static void
make_row (TaAttackAgg *self,
          gint64       minute,
          const Entry *e,
          Row         *r)
{
  r->minute = minute;
  r->src = addr_id (self, e->src);
  r->dst = addr_id (self, e->dst);
  r->length = e->length;
  r->attack = e->attack;
  r->proto = e->proto - 1;
  r->group = 0;
  r->count = e->count;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = a, *y = b;

#define CMP(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
  CMP (minute);
  CMP (src);
  CMP (dst);
  CMP (proto);
  CMP (length);
  CMP (attack);
#undef CMP
  return 0;
}

/* Moves the current minute's rows, sorted, to self->done */
static void
flush_minute (TaAttackAgg *self)
{
  guint first = self->done->len;
  gint64 *key;

  if (!self->has_minute)
    return;
  g_array_set_size (self->done, first + self->n_used);
  for (guint i = 0; i < self->n_used; i++)
    {
      Entry *e = &self->slots[self->used[i]];

      make_row (self, self->minute, e, &g_array_index (self->done, Row, first + i));
      e->proto = 0;
    }
  qsort (&g_array_index (self->done, Row, first), self->n_used, sizeof (Row), compare_rows);
  if (first > 0 && g_array_index (self->done, Row, first - 1).minute > self->minute)
    self->done_sorted = FALSE;
  self->n_used = 0;
  key = g_new (gint64, 1);
  *key = self->minute;
  g_hash_table_add (self->flushed, key);
  self->has_minute = FALSE;
}

static void
grow_current (TaAttackAgg *self)
{
  guint n = (self->mask + 1) * 2;
  Entry *slots = g_new0 (Entry, n);
  guint32 *used = g_new (guint32, n);

  for (guint i = 0; i < self->n_used; i++)
    {
      Entry *e = &self->slots[self->used[i]];
      guint h;

      for (h = hash_entry (e->src, e->dst, e->length, e->attack, e->proto) & (n - 1);
           slots[h].proto != 0;
           h = (h + 1) & (n - 1))
        ;
      slots[h] = *e;
      used[i] = h;
    }
  g_free (self->slots);
  g_free (self->used);
  self->slots = slots;
  self->used = used;
  self->mask = n - 1;
}

static inline guint64
hash_late (gint64       minute,
           const Entry *e)
{
  return hash_entry (e->src, e->dst, e->length, e->attack, e->proto) ^
         ((guint64) minute * G_GUINT64_CONSTANT (0x165667B19E3779F9));
}

static void
grow_late (TaAttackAgg *self)
{
  guint64 n = self->late_mask ? (self->late_mask + 1) * 2 : 1024;
  LateEntry *slots = g_new0 (LateEntry, n);

  for (guint64 i = 0; self->late && i <= self->late_mask; i++)
    {
      LateEntry *l = &self->late[i];
      guint64 h;

      if (l->e.proto == 0)
        continue;
      for (h = hash_late (l->minute, &l->e) & (n - 1); slots[h].e.proto != 0; h = (h + 1) & (n - 1))
        ;
      slots[h] = *l;
    }
  g_free (self->late);
  self->late = slots;
  self->late_mask = n - 1;
}

static void
add_late (TaAttackAgg *self,
          gint64       minute,
          const Entry *key)
{
  guint64 h;

  if ((self->n_late + 1) * 2 > self->late_mask + 1)
    grow_late (self);
  for (h = hash_late (minute, key) & self->late_mask;
       self->late[h].e.proto != 0;
       h = (h + 1) & self->late_mask)
    {
      LateEntry *l = &self->late[h];

      if (l->minute == minute && entry_equal (&l->e, key->src, key->dst, key->length, key->attack, key->proto))
        {
          l->e.count++;
          return;
        }
    }
  self->late[h].minute = minute;
  self->late[h].e = *key;
  self->late[h].e.count = 1;
  self->n_late++;
}

static void
count_label (TaAttackAgg *self,
             gint32       attack)
{
  guint64 *p = g_hash_table_lookup (self->other_codes, GINT_TO_POINTER (attack));

  if (p == NULL)
    {
      p = g_new0 (guint64, 1);
      g_hash_table_insert (self->other_codes, GINT_TO_POINTER (attack), p);
    }
  (*p)++;
}

void
ta_attack_agg_add (TaAttackAgg    *self,
                   const TaPacket *pkt,
                   gint32          attack)
{
  gint64 minute = pkt->ts / 60000000;
  guint32 proto = (guint32) pkt->proto + 1;
  guint32 src = pkt->src, dst = pkt->dst, length = pkt->length;
  Entry *e;
  guint h;

  g_return_if_fail (!self->finished);

  if (pkt->ts % 60000000 < 0)
    minute--;
  if (attack == TA_LABEL_NONE)
    attack = TA_LABEL_NORMAL;
  self->n_packets++;
  if (G_LIKELY (attack >= -1 && attack < DIRECT_CODES - 1))
    self->direct[attack + 1]++;
  else
    count_label (self, attack);

  if (G_UNLIKELY (!self->has_minute || minute != self->minute))
    {
      if (g_hash_table_contains (self->flushed, &minute))
        {
          Entry key = { src, dst, length, attack, proto, 0, 0 };

          add_late (self, minute, &key);
          return;
        }
      flush_minute (self);
      self->minute = minute;
      self->has_minute = TRUE;
    }

  for (h = hash_entry (src, dst, length, attack, proto) & self->mask;; h = (h + 1) & self->mask)
    {
      e = &self->slots[h];
      if (e->proto == 0)
        break;
      if (entry_equal (e, src, dst, length, attack, proto))
        {
          e->count++;
          return;
        }
    }
  e->src = src;
  e->dst = dst;
  e->length = length;
  e->attack = attack;
  e->proto = proto;
  e->count = 1;
  self->used[self->n_used++] = h;
  /* keep the load under 1/2 */
  if (self->n_used * 2 > self->mask + 1)
    grow_current (self);
}

/* Flushes everything into self->done, sorted, duplicates merged */
static void
finish (TaAttackAgg *self)
{
  guint n;

  if (self->finished)
    return;
  self->finished = TRUE;
  flush_minute (self);
  if (self->n_late > 0)
    {
      for (guint64 i = 0; i <= self->late_mask; i++)
        {
          LateEntry *l = &self->late[i];
          Row r;

          if (l->e.proto == 0)
            continue;
          make_row (self, l->minute, &l->e, &r);
          g_array_append_val (self->done, r);
        }
      g_clear_pointer (&self->late, g_free);
      self->late_mask = 0;
      self->n_late = 0;
      self->done_sorted = FALSE;
    }
  if (self->done_sorted)
    return;
  g_array_sort (self->done, compare_rows);
  n = 0;
  for (guint i = 0; i < self->done->len; i++)
    {
      Row *r = &g_array_index (self->done, Row, i);

      if (n > 0 && compare_rows (&g_array_index (self->done, Row, n - 1), r) == 0)
        g_array_index (self->done, Row, n - 1).count += r->count;
      else
        g_array_index (self->done, Row, n++) = *r;
    }
  g_array_set_size (self->done, n);
  self->done_sorted = TRUE;
}

guint64
ta_attack_agg_get_n_packets (TaAttackAgg *self)
{
  return self->n_packets;
}

guint64
ta_attack_agg_get_n_rows (TaAttackAgg *self)
{
  finish (self);
  return self->done->len;
}

guint
ta_attack_agg_get_n_new_ids (TaAttackAgg *self)
{
  finish (self);
  return self->n_new_ids;
}

gsize
ta_attack_agg_get_memory (TaAttackAgg *self)
{
  return sizeof *self + (self->mask + 1) * (sizeof (Entry) + sizeof (guint32)) +
         (self->late ? (self->late_mask + 1) * sizeof (LateEntry) : 0) +
         self->done->len * sizeof (Row) + self->ids->len * sizeof (gint64) +
         g_hash_table_size (self->flushed) * 32 + g_hash_table_size (self->other_codes) * 48;
}

static int
compare_totals (gconstpointer a,
                gconstpointer b)
{
  const TaAggLabelTotal *x = a, *y = b;

  return (x->code > y->code) - (x->code < y->code);
}

GArray *
ta_attack_agg_get_label_totals (TaAttackAgg *self)
{
  GArray *totals = g_array_new (FALSE, FALSE, sizeof (TaAggLabelTotal));
  GHashTableIter iter;
  gpointer key, value;

  for (gint32 c = -1; c < DIRECT_CODES - 1; c++)
    if (self->direct[c + 1] > 0)
      {
        TaAggLabelTotal t = { c, self->direct[c + 1] };

        g_array_append_val (totals, t);
      }
  g_hash_table_iter_init (&iter, self->other_codes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TaAggLabelTotal t = { GPOINTER_TO_INT (key), *(guint64 *) value };

      g_array_append_val (totals, t);
    }
  g_array_sort (totals, compare_totals);
  return totals;
}

/* ---------------------------------------------------------------- output */

static inline char *
put_int (char   *p,
         gint64  v)
{
  char tmp[24];
  int n = 0;
  guint64 u;

  if (v < 0)
    {
      *p++ = '-';
      u = (guint64) 0 - (guint64) v;
    }
  else
    u = v;
  do
    {
      tmp[n++] = '0' + u % 10;
      u /= 10;
    }
  while (u);
  while (n)
    *p++ = tmp[--n];
  return p;
}

typedef struct
{
  GHashTable *codes;  /* attack code -> group code + 1 (as pointer) */
  TaEventMapping *events;
  TaEventMapping *groups;
} GroupCache;

static gint32
group_of (GroupCache *gc,
          gint32      attack)
{
  gpointer found;
  const char *label;
  gint32 group;

  if (g_hash_table_lookup_extended (gc->codes, GINT_TO_POINTER (attack), NULL, &found))
    return GPOINTER_TO_INT (found);
  label = gc->events ? ta_event_mapping_get_label (gc->events, attack) : NULL;
  if (attack == TA_LABEL_NORMAL)
    label = "normal";
  /* a code no mapping names is an unknown attack: group "other" */
  group = ta_event_mapping_group_code (gc->groups, label ? label : "");
  g_hash_table_insert (gc->codes, GINT_TO_POINTER (attack), GINT_TO_POINTER (group));
  return group;
}

gboolean
ta_attack_agg_write (TaAttackAgg     *self,
                     const char      *path,
                     TaEventMapping  *events,
                     TaEventMapping  *groups,
                     gboolean         force,
                     GError         **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *buf = NULL;
  g_autoptr(GHashTable) group_codes = NULL;
  GroupCache gc = { NULL, events, groups };
  const Row *rows;
  guint64 n;
  FILE *out = NULL;
  char *p;
  int fd;
  gboolean ok = FALSE;
  const gsize buf_size = 1 << 20;

  if (!force && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_EXISTS,
                   _("%s already exists (use --force to replace it)"), path);
      return FALSE;
    }
  finish (self);
  rows = (const Row *) (gpointer) self->done->data;
  n = self->done->len;
  if (groups != NULL)
    gc.codes = group_codes = g_hash_table_new (g_direct_hash, g_direct_equal);

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp, O_WRONLY, 0666 & ~0022);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot create: %s"), path, g_strerror (saved));
      return FALSE;
    }
  out = fdopen (fd, "w");
  if (out == NULL)
    {
      close (fd);
      goto write_failed;
    }

  buf = g_malloc (buf_size);
  p = buf;
  p = g_stpcpy (p, groups ? "timestamp,length,src_ip,dst_ip,protocol,attack,attack_group,count\n"
                          : "timestamp,length,src_ip,dst_ip,protocol,attack,count\n");
  for (guint64 i = 0; i < n; i++)
    {
      const Row *r = &rows[i];

      if ((gsize) (p - buf) > buf_size - 256)
        {
          if (fwrite (buf, 1, p - buf, out) != (gsize) (p - buf))
            goto write_failed;
          p = buf;
        }
      p = put_int (p, r->minute); *p++ = ',';
      p = put_int (p, r->length); *p++ = ',';
      p = put_int (p, r->src); *p++ = ',';
      p = put_int (p, r->dst); *p++ = ',';
      p = put_int (p, r->proto); *p++ = ',';
      p = put_int (p, r->attack); *p++ = ',';
      if (groups)
        {
          p = put_int (p, group_of (&gc, r->attack));
          *p++ = ',';
        }
      p = put_int (p, (gint64) r->count);
      *p++ = '\n';
    }
  if (fwrite (buf, 1, p - buf, out) != (gsize) (p - buf) || fflush (out) != 0 || fsync (fileno (out)) != 0)
    goto write_failed;
  if (fclose (out) != 0)
    {
      out = NULL;
      goto write_failed;
    }
  out = NULL;
  if (g_rename (tmp, path) != 0)
    goto write_failed;
  ok = TRUE;

write_failed:
  if (!ok)
    {
      int saved = errno;

      if (out != NULL)
        fclose (out);
      g_unlink (tmp);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot write: %s"), path, g_strerror (saved));
    }
  return ok;
}
