/* ta-net-list.c — local networks as a CIDR list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-intervals.h"

typedef struct
{
  guint8 family;      /* 4 or 6 */
  guint8 prefix;      /* bits */
  guint8 bytes[16];   /* network, host bits cleared */
} Net;

struct _TaNetList
{
  GArray *nets;       /* Net */
};

/* IPv4 in the first 4 bytes, or IPv6 */
static gboolean
parse_addr (const char *text,
            guint8     *bytes,
            guint8     *family)
{
  guint32 v4;

  if (ta_parse_ipv4 (text, strlen (text), &v4))
    {
      bytes[0] = v4 >> 24;
      bytes[1] = v4 >> 16;
      bytes[2] = v4 >> 8;
      bytes[3] = v4;
      *family = 4;
      return TRUE;
    }
  if (inet_pton (AF_INET6, text, bytes) == 1)
    {
      *family = 6;
      return TRUE;
    }
  return FALSE;
}

static void
mask (guint8 *bytes,
      guint   n_bytes,
      guint   prefix)
{
  for (guint i = 0; i < n_bytes; i++)
    {
      guint bits = prefix > i * 8 ? MIN (prefix - i * 8, 8) : 0;

      bytes[i] &= (guint8) (bits == 0 ? 0 : 0xff << (8 - bits));
    }
}

static gboolean
parse_entry (const char  *entry,
             Net         *net,
             GError     **error)
{
  g_autofree char *addr = g_strdup (entry);
  char *slash = strchr (addr, '/');
  guint max;

  memset (net, 0, sizeof *net);
  if (slash != NULL)
    *slash = '\0';
  if (!parse_addr (addr, net->bytes, &net->family))
    goto bad;
  max = net->family == 4 ? 32 : 128;
  net->prefix = max;
  if (slash != NULL)
    {
      char *end = NULL;
      guint64 p;

      if (!g_ascii_isdigit (slash[1]))
        goto bad;
      p = g_ascii_strtoull (slash + 1, &end, 10);
      if (*end != '\0' || p > max)
        goto bad;
      net->prefix = (guint8) p;
    }
  mask (net->bytes, net->family == 4 ? 4 : 16, net->prefix);
  return TRUE;

bad:
  g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
               _("Local networks: “%s” is not an IPv4 or IPv6 network (such as 10.0.0.0/8 or fd00::/8)"),
               entry);
  return FALSE;
}

TaNetList *
ta_net_list_parse (const char  *text,
                   GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);
  TaNetList *self = g_new0 (TaNetList, 1);

  self->nets = g_array_new (FALSE, FALSE, sizeof (Net));
  for (guint i = 0; parts[i] != NULL; i++)
    {
      Net net;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      if (!parse_entry (parts[i], &net, error))
        {
          ta_net_list_free (self);
          return NULL;
        }
      g_array_append_val (self->nets, net);
    }
  if (self->nets->len == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT, _("Local networks: the list is empty"));
      ta_net_list_free (self);
      return NULL;
    }
  return self;
}

gboolean
ta_net_list_contains (const TaNetList *self,
                      const char      *address)
{
  guint8 bytes[16] = { 0 };
  guint8 family;

  if (self == NULL || address == NULL || !parse_addr (address, bytes, &family))
    return FALSE;
  for (guint i = 0; i < self->nets->len; i++)
    {
      const Net *n = &g_array_index (self->nets, Net, i);
      guint8 b[16];

      if (n->family != family)
        continue;
      memcpy (b, bytes, sizeof b);
      mask (b, family == 4 ? 4 : 16, n->prefix);
      if (memcmp (b, n->bytes, family == 4 ? 4 : 16) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
ta_net_list_contains_index (const TaNetList *self,
                            TaAddrTable     *addrs,
                            GByteArray      *cache,
                            guint32          addr)
{
  if (addr == TA_ADDR_NONE)
    return FALSE;
  if (addr >= cache->len)
    {
      guint old = cache->len;

      g_byte_array_set_size (cache, MAX (addr + 1, old * 2));
      memset (cache->data + old, 0, cache->len - old);
    }
  if (cache->data[addr] == 0)
    cache->data[addr] = ta_net_list_contains (self, ta_addr_table_get_real_name (addrs, addr)) ? 1 : 2;
  return cache->data[addr] == 1;
}

char *
ta_net_list_to_string (const TaNetList *self)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; self != NULL && i < self->nets->len; i++)
    {
      const Net *n = &g_array_index (self->nets, Net, i);
      char buf[INET6_ADDRSTRLEN];

      if (n->family == 4)
        g_snprintf (buf, sizeof buf, "%u.%u.%u.%u", n->bytes[0], n->bytes[1], n->bytes[2], n->bytes[3]);
      else
        inet_ntop (AF_INET6, n->bytes, buf, sizeof buf);
      g_string_append_printf (s, "%s%s/%u", i ? "," : "", buf, n->prefix);
    }
  return g_string_free (s, FALSE);
}

void
ta_net_list_free (TaNetList *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->nets);
  g_free (self);
}
