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
#include "ta-out-target.h"
#include "ta-out.h"

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
  gint64       next_new_id;
  GArray      *new_addrs;     /* guint32 TaAddrTable indices, in id order */

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

  /* finished minutes: sorted Rows spilled to an anonymous temporary file,
   * so memory does not grow with them */
  FILE        *spill;
  guint64      n_spilled;
  gint64       last_flushed;
  gboolean     spill_sorted;  /* flushed minutes ascending so far */
  GArray      *scratch;       /* Row: one minute while it is flushed */
  GError      *spill_error;

  /* after finish (): either late rows merged with the spill as it streams
   * back (spill_sorted), or everything sorted in memory */
  gboolean     finished;
  GArray      *late_rows;     /* Row, sorted */
  GArray      *all_rows;      /* Row, sorted, or NULL */
  guint64      n_rows;

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
  self->new_addrs = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->next_new_id = -1;
  self->mask = 4096 - 1;
  self->slots = g_new0 (Entry, self->mask + 1);
  self->used = g_new (guint32, self->mask + 1);
  self->flushed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->late_mask = 0;
  self->scratch = g_array_new (FALSE, FALSE, sizeof (Row));
  self->spill_sorted = TRUE;
  self->last_flushed = G_MININT64;
  self->other_codes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return self;
}

void
ta_attack_agg_free (TaAttackAgg *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->ids);
  g_array_unref (self->new_addrs);
  g_free (self->slots);
  g_free (self->used);
  g_hash_table_unref (self->flushed);
  g_free (self->late);
  if (self->spill != NULL)
    fclose (self->spill);
  g_array_unref (self->scratch);
  g_clear_pointer (&self->late_rows, g_array_unref);
  g_clear_pointer (&self->all_rows, g_array_unref);
  g_clear_error (&self->spill_error);
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

      /* new ids are given here but enter the map only at the end: the
       * readers look numeric ids up in it while the job runs, and an id
       * the input lacks must not come to name an address it never meant */
      if (id < 0)
        {
          if (self->next_new_id < 0)
            self->next_new_id = ta_ip_map_get_max_id (self->ip_map) + 1;
          id = self->next_new_id++;
          g_array_append_val (self->new_addrs, index);
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

static void
spill_rows (TaAttackAgg *self,
            const Row   *rows,
            gsize        n)
{
  if (self->spill_error != NULL || n == 0)
    return;
  if (self->spill == NULL)
    {
      self->spill = tmpfile ();
      if (self->spill == NULL)
        {
          int saved = errno;

          g_set_error (&self->spill_error, TA_ERROR, TA_ERROR_IO,
                       _("cannot create a temporary file in %s: %s"), g_get_tmp_dir (), g_strerror (saved));
          return;
        }
      setvbuf (self->spill, NULL, _IOFBF, 1 << 20);
    }
  if (fwrite (rows, sizeof (Row), n, self->spill) != n)
    {
      int saved = errno;

      g_set_error (&self->spill_error, TA_ERROR, TA_ERROR_IO,
                   _("cannot write a temporary file in %s: %s"), g_get_tmp_dir (), g_strerror (saved));
      return;
    }
  self->n_spilled += n;
}

/* Sorts the current minute's rows and spills them */
static void
flush_minute (TaAttackAgg *self)
{
  gint64 *key;

  if (!self->has_minute)
    return;
  g_array_set_size (self->scratch, self->n_used);
  for (guint i = 0; i < self->n_used; i++)
    {
      Entry *e = &self->slots[self->used[i]];

      make_row (self, self->minute, e, &g_array_index (self->scratch, Row, i));
      e->proto = 0;
    }
  qsort (self->scratch->data, self->n_used, sizeof (Row), compare_rows);
  spill_rows (self, (const Row *) (gpointer) self->scratch->data, self->n_used);
  if (self->minute < self->last_flushed)
    self->spill_sorted = FALSE;
  self->last_flushed = self->minute;
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

/* Reads the spilled rows back in order */
typedef struct
{
  FILE    *file;
  Row      buf[4096];
  gsize    n;
  gsize    pos;
  gboolean failed;
} SpillReader;

static gboolean
spill_reader_start (TaAttackAgg *self,
                    SpillReader *rd)
{
  rd->file = self->spill;
  rd->n = rd->pos = 0;
  rd->failed = FALSE;
  if (rd->file == NULL)
    return TRUE;
  return fflush (rd->file) == 0 && fseek (rd->file, 0, SEEK_SET) == 0;
}

static const Row *
spill_reader_peek (SpillReader *rd)
{
  if (rd->pos == rd->n)
    {
      if (rd->file == NULL)
        return NULL;
      rd->n = fread (rd->buf, sizeof (Row), G_N_ELEMENTS (rd->buf), rd->file);
      rd->pos = 0;
      if (rd->n == 0)
        {
          rd->failed = ferror (rd->file) != 0;
          return NULL;
        }
    }
  return &rd->buf[rd->pos];
}

/* The merged, sorted rows one at a time: the spill (sorted) merged with the
 * sorted late rows, or the in-memory array */
typedef struct
{
  TaAttackAgg *agg;
  SpillReader *spill;
  guint64      late_pos;
  guint64      all_pos;
  Row          row;
} RowIter;

static gboolean
row_iter_next (RowIter *it)
{
  TaAttackAgg *self = it->agg;
  GArray *late = self->late_rows;

  if (self->all_rows != NULL)
    {
      if (it->all_pos >= self->all_rows->len)
        return FALSE;
      it->row = g_array_index (self->all_rows, Row, it->all_pos++);
      return TRUE;
    }
  {
    const Row *a = spill_reader_peek (it->spill);
    const Row *b = late && it->late_pos < late->len ? &g_array_index (late, Row, it->late_pos) : NULL;
    int c;

    if (a == NULL && b == NULL)
      return FALSE;
    c = a == NULL ? 1 : b == NULL ? -1 : compare_rows (a, b);
    if (c <= 0)
      {
        it->row = *a;
        it->spill->pos++;
        if (c == 0)
          {
            it->row.count += b->count;
            it->late_pos++;
          }
      }
    else
      {
        it->row = *b;
        it->late_pos++;
      }
    return TRUE;
  }
}

static GArray *
sort_and_merge (GArray *rows)
{
  guint n = 0;

  g_array_sort (rows, compare_rows);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);

      if (n > 0 && compare_rows (&g_array_index (rows, Row, n - 1), r) == 0)
        g_array_index (rows, Row, n - 1).count += r->count;
      else
        g_array_index (rows, Row, n++) = *r;
    }
  g_array_set_size (rows, n);
  return rows;
}

/* Ends the adding. Time-ordered input streams its rows back from the spill
 * (memory stays flat); otherwise all rows are sorted in memory. */
static gboolean
finish (TaAttackAgg  *self,
        GError      **error)
{
  if (self->finished)
    goto out;
  self->finished = TRUE;
  flush_minute (self);

  self->late_rows = g_array_new (FALSE, FALSE, sizeof (Row));
  if (self->n_late > 0)
    {
      for (guint64 i = 0; i <= self->late_mask; i++)
        {
          LateEntry *l = &self->late[i];
          Row r;

          if (l->e.proto == 0)
            continue;
          make_row (self, l->minute, &l->e, &r);
          g_array_append_val (self->late_rows, r);
        }
      g_clear_pointer (&self->late, g_free);
      self->late_mask = 0;
      self->n_late = 0;
    }
  sort_and_merge (self->late_rows);

  if (self->spill_error == NULL && !self->spill_sorted)
    {
      SpillReader *rd = g_new (SpillReader, 1);
      const Row *r;

      self->all_rows = g_array_sized_new (FALSE, FALSE, sizeof (Row), self->n_spilled + self->late_rows->len);
      if (!spill_reader_start (self, rd))
        rd->failed = TRUE;
      while (!rd->failed && (r = spill_reader_peek (rd)) != NULL)
        {
          g_array_append_vals (self->all_rows, rd->buf, rd->n);
          rd->pos = rd->n;
        }
      if (rd->failed && self->spill_error == NULL)
        g_set_error (&self->spill_error, TA_ERROR, TA_ERROR_IO,
                     _("cannot read back a temporary file in %s"), g_get_tmp_dir ());
      g_free (rd);
      g_array_append_vals (self->all_rows, self->late_rows->data, self->late_rows->len);
      sort_and_merge (self->all_rows);
      g_clear_pointer (&self->late_rows, g_array_unref);
      g_clear_pointer (&self->spill, fclose);
      self->n_rows = self->all_rows->len;
    }
  else if (self->spill_error == NULL)
    {
      if (self->late_rows->len == 0)
        self->n_rows = self->n_spilled;
      else
        {
          /* count the rows the merge gives */
          SpillReader *rd = g_new (SpillReader, 1);
          RowIter it = { self, rd, 0, 0 };

          if (!spill_reader_start (self, rd))
            rd->failed = TRUE;
          self->n_rows = 0;
          while (!rd->failed && row_iter_next (&it))
            self->n_rows++;
          if (rd->failed)
            g_set_error (&self->spill_error, TA_ERROR, TA_ERROR_IO,
                         _("cannot read back a temporary file in %s"), g_get_tmp_dir ());
          g_free (rd);
        }
    }

  /* late rows may still have given new ids above; now extend the map */
  for (guint i = 0; i < self->new_addrs->len; i++)
    {
      guint32 index = g_array_index (self->new_addrs, guint32, i);
      gint64 id = ta_ip_map_add (self->ip_map, ta_addr_table_get_name (self->addrs, index));

      g_warn_if_fail (id == g_array_index (self->ids, gint64, index));
    }
  g_array_set_size (self->new_addrs, 0);

out:
  if (self->spill_error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->spill_error);
      return FALSE;
    }
  return TRUE;
}

guint64
ta_attack_agg_get_n_packets (TaAttackAgg *self)
{
  return self->n_packets;
}

guint64
ta_attack_agg_get_n_rows (TaAttackAgg *self)
{
  finish (self, NULL);
  return self->n_rows;
}

guint
ta_attack_agg_get_n_new_ids (TaAttackAgg *self)
{
  finish (self, NULL);
  return self->n_new_ids;
}

gsize
ta_attack_agg_get_memory (TaAttackAgg *self)
{
  return sizeof *self + (self->mask + 1) * (sizeof (Entry) + sizeof (guint32)) +
         (self->late ? (self->late_mask + 1) * sizeof (LateEntry) : 0) +
         self->scratch->len * sizeof (Row) + self->ids->len * sizeof (gint64) +
         (self->late_rows ? self->late_rows->len * sizeof (Row) : 0) +
         (self->all_rows ? self->all_rows->len * sizeof (Row) : 0) +
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
  g_autoptr(GHashTable) group_codes = NULL;
  GroupCache gc = { NULL, events, groups };
  g_autofree SpillReader *rd = g_new (SpillReader, 1);
  RowIter it = { self, rd, 0, 0 };
  TaOut *out;

  if (!ta_out_target_check_file (path, force, NULL, error))
    return FALSE;
  if (!finish (self, error))
    return FALSE;
  if (!spill_reader_start (self, rd))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("cannot read back a temporary file in %s"),
                   g_get_tmp_dir ());
      return FALSE;
    }
  if (groups != NULL)
    gc.codes = group_codes = g_hash_table_new (g_direct_hash, g_direct_equal);

  out = ta_out_open (path, TA_OUT_NONE, 1 << 20, error);
  if (out == NULL)
    return FALSE;
  ta_out_puts (out, groups ? "timestamp,length,src_ip,dst_ip,protocol,attack,attack_group,count\n"
                           : "timestamp,length,src_ip,dst_ip,protocol,attack,count\n");
  while (row_iter_next (&it))
    {
      const Row *r = &it.row;
      char *p = ta_out_reserve (out, 256);

      p = ta_put_i64 (p, r->minute); *p++ = ',';
      p = ta_put_i64 (p, r->length); *p++ = ',';
      p = ta_put_i64 (p, r->src); *p++ = ',';
      p = ta_put_i64 (p, r->dst); *p++ = ',';
      p = ta_put_i64 (p, r->proto); *p++ = ',';
      p = ta_put_i64 (p, r->attack); *p++ = ',';
      if (groups)
        {
          p = ta_put_i64 (p, group_of (&gc, r->attack));
          *p++ = ',';
        }
      p = ta_put_i64 (p, (gint64) r->count);
      *p++ = '\n';
      ta_out_commit (out, p);
    }
  if (rd->failed)
    {
      ta_out_abandon (out);
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("cannot read back a temporary file in %s"),
                   g_get_tmp_dir ());
      return FALSE;
    }
  return ta_out_commit_file (out, error);
}
