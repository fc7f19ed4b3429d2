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

typedef struct
{
  gint64  minute;
  guint32 src;      /* TaAddrTable index */
  guint32 dst;
  guint32 length;
  gint32  attack;
  guint32 proto;    /* protocol + 1; 0 = empty slot */
  guint32 pad;
  guint64 count;
} Entry;

struct _TaAttackAgg
{
  TaAddrTable *addrs;
  Entry       *slots;
  guint64      mask;
  guint64      n_rows;
  guint64      n_packets;
  guint64      direct[DIRECT_CODES];
  GHashTable  *other_codes;   /* code -> guint64* */
  Entry       *last;          /* the row of the previous packet */
};

TaAttackAgg *
ta_attack_agg_new (TaAddrTable *addrs)
{
  TaAttackAgg *self = g_new0 (TaAttackAgg, 1);

  self->addrs = addrs;
  self->mask = 4096 - 1;
  self->slots = g_new0 (Entry, self->mask + 1);
  self->other_codes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return self;
}

void
ta_attack_agg_free (TaAttackAgg *self)
{
  if (self == NULL)
    return;
  g_free (self->slots);
  g_hash_table_unref (self->other_codes);
  g_free (self);
}

static inline guint64
hash_entry (gint64  minute,
            guint32 src,
            guint32 dst,
            guint32 length,
            gint32  attack,
            guint32 proto)
{
  guint64 h = (guint64) minute * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  h ^= ((guint64) src << 32 | dst) * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F);
  h ^= ((guint64) length << 40 | (guint64) (guint32) attack << 8 | proto) * G_GUINT64_CONSTANT (0x165667B19E3779F9);
  h ^= h >> 31;
  h *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  h ^= h >> 29;
  return h;
}

static void
grow (TaAttackAgg *self)
{
  guint64 n = (self->mask + 1) * 2;
  Entry *slots = g_new0 (Entry, n);

  for (guint64 i = 0; i <= self->mask; i++)
    {
      Entry *e = &self->slots[i];
      guint64 h;

      if (e->proto == 0)
        continue;
      for (h = hash_entry (e->minute, e->src, e->dst, e->length, e->attack, e->proto) & (n - 1);
           slots[h].proto != 0;
           h = (h + 1) & (n - 1))
        ;
      slots[h] = *e;
    }
  g_free (self->slots);
  self->slots = slots;
  self->mask = n - 1;
  self->last = NULL;
}

static void
count_label (TaAttackAgg *self,
             gint32       attack)
{
  guint64 *p;

  if (attack >= -1 && attack < DIRECT_CODES - 1)
    {
      self->direct[attack + 1]++;
      return;
    }
  p = g_hash_table_lookup (self->other_codes, GINT_TO_POINTER (attack));
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
  Entry *e = self->last;
  guint64 h;

  if (pkt->ts % 60000000 < 0)
    minute--;
  if (attack == TA_LABEL_NONE)
    attack = TA_LABEL_NORMAL;
  self->n_packets++;
  if (G_LIKELY (attack >= -1 && attack < DIRECT_CODES - 1))
    self->direct[attack + 1]++;
  else
    count_label (self, attack);

  /* consecutive packets of one conversation usually share their row */
  if (e != NULL && e->minute == minute && e->src == pkt->src && e->dst == pkt->dst &&
      e->length == pkt->length && e->attack == attack && e->proto == proto)
    {
      e->count++;
      return;
    }

  h = hash_entry (minute, pkt->src, pkt->dst, pkt->length, attack, proto) & self->mask;
  for (;;)
    {
      e = &self->slots[h];
      if (e->proto == 0)
        break;
      if (e->minute == minute && e->src == pkt->src && e->dst == pkt->dst &&
          e->length == pkt->length && e->attack == attack && e->proto == proto)
        {
          e->count++;
          self->last = e;
          return;
        }
      h = (h + 1) & self->mask;
    }
  e->minute = minute;
  e->src = pkt->src;
  e->dst = pkt->dst;
  e->length = pkt->length;
  e->attack = attack;
  e->proto = proto;
  e->count = 1;
  self->last = e;
  self->n_rows++;
  /* keep the load under 1/2 */
  if (self->n_rows * 2 > self->mask + 1)
    grow (self);
}

guint64
ta_attack_agg_get_n_packets (TaAttackAgg *self)
{
  return self->n_packets;
}

guint64
ta_attack_agg_get_n_rows (TaAttackAgg *self)
{
  return self->n_rows;
}

gsize
ta_attack_agg_get_memory (TaAttackAgg *self)
{
  return sizeof *self + (self->mask + 1) * sizeof (Entry) +
         g_hash_table_size (self->other_codes) * 48;
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
  gint64  minute;
  gint64  src;      /* ids */
  gint64  dst;
  guint32 length;
  gint32  attack;
  guint32 proto;
  gint32  group;
  guint64 count;
} Row;

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
                     TaIpMap         *ip_map,
                     TaEventMapping  *events,
                     TaEventMapping  *groups,
                     gboolean         force,
                     GError         **error)
{
  g_autofree Row *rows = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *buf = NULL;
  g_autofree gint64 *ids = NULL;
  GroupCache gc = { NULL, events, groups };
  guint n_addrs = ta_addr_table_get_size (self->addrs);
  guint64 n = 0;
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

  /* ids of every address seen, new ones added to the map */
  ids = g_new0 (gint64, MAX (n_addrs, 1));
  for (guint i = 0; i < n_addrs; i++)
    ids[i] = -1;

  rows = g_new (Row, MAX (self->n_rows, 1));
  if (groups != NULL)
    gc.codes = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint64 i = 0; i <= self->mask; i++)
    {
      const Entry *e = &self->slots[i];
      Row *r;

      if (e->proto == 0)
        continue;
      r = &rows[n++];
      for (guint side = 0; side < 2; side++)
        {
          guint32 a = side ? e->dst : e->src;
          gint64 id = -1;

          if (a < n_addrs)
            {
              if (ids[a] < 0)
                ids[a] = ta_ip_map_add (ip_map, ta_addr_table_get_name (self->addrs, a));
              id = ids[a];
            }
          if (side)
            r->dst = id;
          else
            r->src = id;
        }
      r->minute = e->minute;
      r->length = e->length;
      r->attack = e->attack;
      r->proto = e->proto - 1;
      r->count = e->count;
      r->group = groups ? group_of (&gc, e->attack) : 0;
    }
  g_clear_pointer (&gc.codes, g_hash_table_unref);
  qsort (rows, n, sizeof (Row), compare_rows);

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
          p = put_int (p, r->group);
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
