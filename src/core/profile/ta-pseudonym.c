/* ta-pseudonym.c — Crypto-PAn prefix-preserving pseudonyms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "ta-aes.h"
#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-pseudonym.h"

#define KEY_FILE_MAX 4096

struct _TaPseudonym
{
  TaAes128     aes;
  guint8       pad[16];
  TaAddrTable *cache_table;
  GPtrArray   *cache;        /* index -> char* (owned), "" for none, NULL when not computed */
};

TaPseudonym *
ta_pseudonym_new (const guint8 key[TA_PSEUDONYM_KEY_SIZE])
{
  TaPseudonym *self = g_new0 (TaPseudonym, 1);

  ta_aes128_init (&self->aes, key);
  ta_aes128_encrypt (&self->aes, key + 16, self->pad);
  self->cache = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
ta_pseudonym_free (TaPseudonym *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->cache);
  memset (self, 0, sizeof *self);
  g_free (self);
}

static gboolean
parse_hex_key (const char *text,
               gsize       len,
               guint8      key[TA_PSEUDONYM_KEY_SIZE])
{
  while (len > 0 && g_ascii_isspace (text[len - 1]))
    len--;
  while (len > 0 && g_ascii_isspace (*text))
    {
      text++;
      len--;
    }
  if (len != 2 * TA_PSEUDONYM_KEY_SIZE)
    return FALSE;
  for (guint i = 0; i < TA_PSEUDONYM_KEY_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]), lo = g_ascii_xdigit_value (text[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      key[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

TaPseudonym *
ta_pseudonym_new_from_key_file (const char  *path,
                                GError     **error)
{
  g_autofree char *contents = NULL;
  guint8 key[TA_PSEUDONYM_KEY_SIZE];
  TaPseudonym *self;
  gsize len = 0;

  if (!ta_file_read_all (path, NULL, KEY_FILE_MAX, NULL, &contents, &len, error))
    return NULL;
  if (len == TA_PSEUDONYM_KEY_SIZE)
    memcpy (key, contents, TA_PSEUDONYM_KEY_SIZE);
  else if (!parse_hex_key (contents, len, key))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: a pseudonymisation key is 32 raw bytes or 64 hexadecimal characters; "
                     "this file has %zu bytes that are neither"), path, len);
      return NULL;
    }
  self = ta_pseudonym_new (key);
  memset (key, 0, sizeof key);
  return self;
}

/* The Crypto-PAn rounds over the first @n_bits bits of @addr (big-endian
 * bytes): @out = @addr XOR the one-time pad */
static void
map_bits (TaPseudonym  *self,
          const guint8 *addr,
          guint         n_bits,
          guint8       *out)
{
  guint8 otp[16] = { 0 };
  guint8 block[16], enc[16];

  for (guint pos = 0; pos < n_bits; pos++)
    {
      guint full = pos / 8, rest = pos % 8;

      memcpy (block, self->pad, 16);
      memcpy (block, addr, full);
      if (rest > 0)
        {
          guint8 mask = (guint8) (0xff << (8 - rest));

          block[full] = (addr[full] & mask) | (self->pad[full] & (guint8) ~mask);
        }
      ta_aes128_encrypt (&self->aes, block, enc);
      otp[pos / 8] |= (guint8) ((enc[0] >> 7) << (7 - pos % 8));
    }
  for (guint i = 0; i < n_bits / 8; i++)
    out[i] = addr[i] ^ otp[i];
}

guint32
ta_pseudonym_map_ipv4 (TaPseudonym *self,
                       guint32      addr)
{
  guint8 in[4] = { addr >> 24, addr >> 16, addr >> 8, addr }, out[4];

  map_bits (self, in, 32, out);
  return (guint32) out[0] << 24 | (guint32) out[1] << 16 | (guint32) out[2] << 8 | out[3];
}

void
ta_pseudonym_map_ipv6 (TaPseudonym  *self,
                       const guint8  addr[16],
                       guint8        out[16])
{
  map_bits (self, addr, 128, out);
}

static char *
ipv4_text (guint32 v)
{
  return g_strdup_printf ("%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

char *
ta_pseudonym_map_text (TaPseudonym *self,
                       const char  *address)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  char buf[INET6_ADDRSTRLEN];
  guint8 v6[16], out[16];
  guint32 v4;

  if (address == NULL)
    return NULL;
  if (ta_parse_ipv4 (address, strlen (address), &v4))
    return ipv4_text (ta_pseudonym_map_ipv4 (self, v4));
  if (strchr (address, ':') == NULL || inet_pton (AF_INET6, address, v6) != 1)
    return NULL;
  if (memcmp (v6, mapped, 12) == 0)
    return ipv4_text (ta_pseudonym_map_ipv4 (self, (guint32) v6[12] << 24 | (guint32) v6[13] << 16 |
                                                   (guint32) v6[14] << 8 | v6[15]));
  ta_pseudonym_map_ipv6 (self, v6, out);
  if (inet_ntop (AF_INET6, out, buf, sizeof buf) == NULL)
    return NULL;
  return g_strdup (buf);
}

const char *
ta_pseudonym_map_index (TaPseudonym *self,
                        TaAddrTable *addrs,
                        guint32      index)
{
  char *s;

  if (index == TA_ADDR_NONE || index >= ta_addr_table_get_size (addrs))
    return NULL;
  if (self->cache_table != addrs)
    {
      g_ptr_array_set_size (self->cache, 0);
      self->cache_table = addrs;
    }
  if (index >= self->cache->len)
    g_ptr_array_set_size (self->cache, index + 1);
  s = self->cache->pdata[index];
  if (s == NULL)
    {
      if (ta_addr_table_get_family (addrs, index) != 0)
        s = ta_pseudonym_map_text (self, ta_addr_table_get_real_name (addrs, index));
      if (s == NULL)
        s = g_strdup ("");
      self->cache->pdata[index] = s;
    }
  return s[0] ? s : NULL;
}
