/* ta-addr-table.c
 *
 * An open-addressing hash of 16-byte keys (IPv4 is stored IPv4-mapped) so the
 * capture and CSV readers intern an address without allocating. Opaque names
 * are keyed by a hash of their text in a separate GHashTable: they are rare.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "ta-addr-table.h"

typedef struct
{
  guint8      key[16];
  guint8      family;
  const char *name;
} Entry;

struct _TaAddrTable
{
  /* Entries live in fixed blocks that never move, so a thread may read the
   * entries it was handed while another thread interns new ones (the
   * extraction job's reader and writer threads). */
  Entry       **blocks;    /* MAX_BLOCKS, allocated on demand */
  guint32       n_entries;
  guint32      *slots;     /* index + 1, 0 = empty */
  guint         n_slots;   /* power of two */
  GStringChunk *names;
  GHashTable   *opaque;    /* name -> index + 1 */
  TaAddrDisplayFunc display;
  gpointer      display_data;
};

#define BLOCK_BITS 12
#define BLOCK_SIZE (1u << BLOCK_BITS)
#define MAX_BLOCKS ((G_MAXUINT32 >> BLOCK_BITS) + 1)  /* the directory: 8 MiB, touched lazily */

static inline Entry *
entry_at (TaAddrTable *self,
          guint32      index)
{
  return &self->blocks[index >> BLOCK_BITS][index & (BLOCK_SIZE - 1)];
}

static void
append_entry (TaAddrTable *self,
              const Entry *e)
{
  guint32 b = self->n_entries >> BLOCK_BITS;

  g_assert (self->n_entries < TA_ADDR_NONE);
  if (self->blocks[b] == NULL)
    self->blocks[b] = g_new (Entry, BLOCK_SIZE);
  self->blocks[b][self->n_entries & (BLOCK_SIZE - 1)] = *e;
  /* published atomically: the extract job's writer thread reads entries
   * while its reader thread interns new ones */
  g_atomic_int_set ((gint *) &self->n_entries, (gint) (self->n_entries + 1));
}

TaAddrTable *
ta_addr_table_new (void)
{
  TaAddrTable *self = g_new0 (TaAddrTable, 1);

  self->blocks = g_new0 (Entry *, MAX_BLOCKS);
  self->n_slots = 1024;
  self->slots = g_new0 (guint32, self->n_slots);
  self->names = g_string_chunk_new (4096);
  self->opaque = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

void
ta_addr_table_free (TaAddrTable *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < MAX_BLOCKS && self->blocks[i] != NULL; i++)
    g_free (self->blocks[i]);
  g_free (self->blocks);
  g_free (self->slots);
  g_string_chunk_free (self->names);
  g_hash_table_unref (self->opaque);
  g_free (self);
}

static inline guint32
hash_key (const guint8 key[16])
{
  guint64 a, b;

  memcpy (&a, key, 8);
  memcpy (&b, key + 8, 8);
  a ^= b * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  a ^= a >> 29;
  a *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  a ^= a >> 32;
  return (guint32) a;
}

static void
grow (TaAddrTable *self)
{
  guint n = self->n_slots * 2;
  guint32 *slots = g_new0 (guint32, n);

  for (guint i = 0; i < self->n_entries; i++)
    {
      Entry *e = entry_at (self, i);
      guint h;

      if (e->family == 0)
        continue;
      h = hash_key (e->key) & (n - 1);
      while (slots[h])
        h = (h + 1) & (n - 1);
      slots[h] = i + 1;
    }
  g_free (self->slots);
  self->slots = slots;
  self->n_slots = n;
}

static guint32
intern_key (TaAddrTable  *self,
            const guint8  key[16],
            guint8        family)
{
  guint mask = self->n_slots - 1;
  guint h = hash_key (key) & mask;
  char buf[INET6_ADDRSTRLEN];
  Entry e;

  for (;;)
    {
      guint32 s = self->slots[h];
      Entry *cur;

      if (s == 0)
        break;
      cur = entry_at (self, s - 1);
      if (memcmp (cur->key, key, 16) == 0)
        return s - 1;
      h = (h + 1) & mask;
    }

  memcpy (e.key, key, 16);
  e.family = family;
  if (family == 4)
    inet_ntop (AF_INET, key + 12, buf, sizeof buf);
  else
    inet_ntop (AF_INET6, key, buf, sizeof buf);
  e.name = g_string_chunk_insert (self->names, buf);
  append_entry (self, &e);
  self->slots[h] = self->n_entries;

  if (self->n_entries * 2 > self->n_slots)
    grow (self);

  return self->n_entries - 1;
}

guint32
ta_addr_table_intern_ipv4 (TaAddrTable *self,
                           guint32      addr)
{
  guint8 key[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  key[12] = addr >> 24;
  key[13] = addr >> 16;
  key[14] = addr >> 8;
  key[15] = addr;
  return intern_key (self, key, 4);
}

guint32
ta_addr_table_intern_ipv6 (TaAddrTable  *self,
                           const guint8  addr[16])
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  /* keep ::ffff:a.b.c.d distinct from a.b.c.d only by name: both are the
   * same host, so both intern as IPv4 */
  if (memcmp (addr, mapped, 12) == 0)
    return intern_key (self, addr, 4);
  return intern_key (self, addr, 6);
}

gboolean
ta_parse_ipv4 (const char *text,
               gsize       len,
               guint32    *out)
{
  guint32 v = 0;
  guint octet = 0, digits = 0, dots = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c >= '0' && c <= '9')
        {
          octet = octet * 10 + (c - '0');
          if (++digits > 3 || octet > 255)
            return FALSE;
        }
      else if (c == '.')
        {
          if (digits == 0 || ++dots > 3)
            return FALSE;
          v = (v << 8) | octet;
          octet = digits = 0;
        }
      else
        return FALSE;
    }
  if (dots != 3 || digits == 0)
    return FALSE;
  *out = (v << 8) | octet;
  return TRUE;
}

guint32
ta_addr_table_intern_text (TaAddrTable *self,
                           const char  *text,
                           gssize       len)
{
  char buf[INET6_ADDRSTRLEN + 1];
  guint32 v4;
  guint8 v6[16];
  gpointer found;
  Entry e = { { 0 }, 0, NULL };

  if (len < 0)
    len = strlen (text);

  if (ta_parse_ipv4 (text, len, &v4))
    return ta_addr_table_intern_ipv4 (self, v4);

  if ((gsize) len < sizeof buf && memchr (text, ':', len) != NULL)
    {
      memcpy (buf, text, len);
      buf[len] = 0;
      if (inet_pton (AF_INET6, buf, v6) == 1)
        return ta_addr_table_intern_ipv6 (self, v6);
    }

  {
    g_autofree char *name = g_strndup (text, len);

    if (g_hash_table_lookup_extended (self->opaque, name, NULL, &found))
      return GPOINTER_TO_UINT (found) - 1;
    e.name = g_string_chunk_insert (self->names, name);
  }
  append_entry (self, &e);
  g_hash_table_insert (self->opaque, (char *) e.name, GUINT_TO_POINTER (self->n_entries));
  return self->n_entries - 1;
}

const char *
ta_addr_table_get_real_name (TaAddrTable *self,
                             guint32      index)
{
  g_return_val_if_fail (index < (guint32) g_atomic_int_get ((gint *) &self->n_entries), "");
  return entry_at (self, index)->name;
}

const char *
ta_addr_table_get_name (TaAddrTable *self,
                        guint32      index)
{
  g_return_val_if_fail (index < (guint32) g_atomic_int_get ((gint *) &self->n_entries), "");
  if (G_UNLIKELY (self->display != NULL))
    {
      const char *shown = self->display (self, index, self->display_data);

      if (shown != NULL)
        return shown;
    }
  return entry_at (self, index)->name;
}

void
ta_addr_table_set_display (TaAddrTable       *self,
                           TaAddrDisplayFunc  func,
                           gpointer           user_data)
{
  g_return_if_fail (self != NULL);
  self->display = func;
  self->display_data = user_data;
}

guint
ta_addr_table_get_family (TaAddrTable *self,
                          guint32      index)
{
  g_return_val_if_fail (index < (guint32) g_atomic_int_get ((gint *) &self->n_entries), 0);
  return entry_at (self, index)->family;
}

guint
ta_addr_table_get_size (TaAddrTable *self)
{
  return (guint) g_atomic_int_get ((gint *) &self->n_entries);
}
