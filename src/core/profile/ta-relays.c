/* ta-relays.c — Tor relay snapshots (Onionoo details documents) and the
 * tagging of connection endpoints with them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-json-load.h"
#include "ta-relays.h"
#include "ta-validate.h"

#define CANON_MAX 64

struct _TaRelaySet
{
  char         *published;
  guint         n_relays;
  GStringChunk *strings;
  GHashTable   *by_address;   /* canonical text -> TaRelay* (owned) */
  TaAddrTable  *cache_table;  /* the table the cache is for */
  GPtrArray    *cache;        /* index -> TaRelay*, &not_a_relay, or NULL (not looked up) */
};

static const TaRelay not_a_relay;

typedef struct
{
  const char *nickname;
  const char *fingerprint;
  const char *country;
  guint32     flags;
  guint64     observed;
  guint64     advertised;
  guint64     bandwidth;
} RelayInfo;

/* Where a problem is, for the error message */
typedef struct
{
  const char *label;
  guint       index;
  const char *fingerprint;
  GError    **error;
} Ctx;

static const struct
{
  const char *name;
  guint32     flag;
} flag_names[] = {
  { "Authority", TA_RELAY_FLAG_AUTHORITY }, { "BadExit", TA_RELAY_FLAG_BADEXIT },
  { "Exit", TA_RELAY_FLAG_EXIT }, { "Fast", TA_RELAY_FLAG_FAST },
  { "Guard", TA_RELAY_FLAG_GUARD }, { "HSDir", TA_RELAY_FLAG_HSDIR },
  { "Running", TA_RELAY_FLAG_RUNNING }, { "Stable", TA_RELAY_FLAG_STABLE },
  { "V2Dir", TA_RELAY_FLAG_V2DIR }, { "Valid", TA_RELAY_FLAG_VALID },
};

const char *
ta_relay_role_name (TaRelayRole role)
{
  switch (role)
    {
    case TA_RELAY_GUARD:
      return "guard";
    case TA_RELAY_EXIT:
      return "exit";
    case TA_RELAY_MIDDLE:
    default:
      return "middle";
    }
}

static gboolean G_GNUC_PRINTF (3, 4)
bad (Ctx        *ctx,
     const char *field,
     const char *format,
     ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  if (ctx->fingerprint != NULL)
    g_set_error (ctx->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: relay %u (%s): “%s” %s"),
                 ctx->label, ctx->index, ctx->fingerprint, field, problem);
  else
    g_set_error (ctx->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: relay %u: “%s” %s"),
                 ctx->label, ctx->index, field, problem);
  return FALSE;
}

/* A member that is absent or null gives *out NULL */
static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            gboolean     required,
            const char **out,
            Ctx         *ctx)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? bad (ctx, name, _("is missing")) : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (ctx, name, _("is not a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_bandwidth (JsonObject *obj,
               const char *name,
               guint64    *out,
               gboolean   *present,
               Ctx        *ctx)
{
  JsonNode *node = json_object_get_member (obj, name);
  GType type;

  *out = 0;
  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < 0 || (guint64) v > TA_RELAY_BANDWIDTH_MAX)
        return bad (ctx, name, _("is out of range (%" PRId64 ")"), v);
      *out = (guint64) v;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (!isfinite (d) || d < 0 || d > (double) TA_RELAY_BANDWIDTH_MAX || d != floor (d))
        return bad (ctx, name, _("is not a whole number of bytes per second in range (%g)"), d);
      *out = (guint64) d;
    }
  else
    return bad (ctx, name, _("is not a number"));
  *present = TRUE;
  return TRUE;
}

/* An array of strings, or NULL when absent or null */
static gboolean
get_string_array (JsonObject  *obj,
                  const char  *name,
                  JsonArray  **out,
                  Ctx         *ctx)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad (ctx, name, _("is not an array"));
  *out = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (*out); i++)
    {
      JsonNode *e = json_array_get_element (*out, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        return bad (ctx, name, _("has an element that is not a string (element %u)"), i);
    }
  return TRUE;
}

/* IPv4 or IPv6 text (@len bytes) in the form TaAddrTable names it
 * (inet_ntop; IPv4-mapped IPv6 as IPv4) */
static gboolean
canonical_address (const char *text,
                   gsize       len,
                   char        out[CANON_MAX])
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  char buf[CANON_MAX];
  guint32 v4;
  guint8 v6[16];

  if (ta_parse_ipv4 (text, len, &v4))
    {
      g_snprintf (out, CANON_MAX, "%u.%u.%u.%u", v4 >> 24, (v4 >> 16) & 255, (v4 >> 8) & 255, v4 & 255);
      return TRUE;
    }
  if (len >= sizeof buf || memchr (text, ':', len) == NULL)
    return FALSE;
  memcpy (buf, text, len);
  buf[len] = '\0';
  if (inet_pton (AF_INET6, buf, v6) != 1)
    return FALSE;
  if (memcmp (v6, mapped, 12) == 0)
    {
      g_snprintf (out, CANON_MAX, "%u.%u.%u.%u", v6[12], v6[13], v6[14], v6[15]);
      return TRUE;
    }
  return inet_ntop (AF_INET6, v6, out, CANON_MAX) != NULL;
}

/* "192.0.2.1:9001" or "[2001:db8::1]:9001" */
static gboolean
parse_or_address (const char *text,
                  char        out[CANON_MAX])
{
  const char *colon, *host = text;
  gsize host_len;
  guint64 port;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        return FALSE;
      host = text + 1;
      host_len = close - host;
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        return FALSE;
      host_len = colon - text;
      if (memchr (text, ':', host_len) != NULL)
        return FALSE;   /* IPv6 without brackets */
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    return FALSE;
  return canonical_address (host, host_len, out);
}

static void
add_address (TaRelaySet      *self,
             const char      *canon,
             const RelayInfo *r,
             gboolean         exit_address)
{
  TaRelayRole role = exit_address || (r->flags & TA_RELAY_FLAG_EXIT) ? TA_RELAY_EXIT :
                     (r->flags & TA_RELAY_FLAG_GUARD) ? TA_RELAY_GUARD : TA_RELAY_MIDDLE;
  TaRelay *e = g_hash_table_lookup (self->by_address, canon);

  if (e != NULL && e->fingerprint == r->fingerprint)
    {
      /* the same relay again (an OR address that is also its exit address) */
      e->is_exit_address |= exit_address;
      e->role = MAX (e->role, role);
      return;
    }
  if (e == NULL)
    {
      e = g_new0 (TaRelay, 1);
      e->address = g_string_chunk_insert_const (self->strings, canon);
      g_hash_table_insert (self->by_address, (char *) e->address, e);
    }
  else if (role < e->role || (role == e->role && r->bandwidth <= e->bandwidth))
    {
      e->n_relays++;
      return;
    }
  e->n_relays++;
  e->role = role;
  e->is_exit_address = exit_address;
  e->nickname = r->nickname;
  e->fingerprint = r->fingerprint;
  e->country = r->country;
  e->bandwidth = r->bandwidth;
  e->observed_bandwidth = r->observed;
  e->advertised_bandwidth = r->advertised;
  e->flags = r->flags;
}

static gboolean
read_identity (TaRelaySet *self,
               JsonObject *obj,
               RelayInfo  *r,
               Ctx        *ctx)
{
  const char *fp, *nick, *country;
  char buf[41];

  if (!get_string (obj, "fingerprint", TRUE, &fp, ctx))
    return FALSE;
  if (strlen (fp) != 40)
    return bad (ctx, "fingerprint", _("is not 40 hexadecimal digits"));
  for (guint i = 0; i < 40; i++)
    {
      if (!g_ascii_isxdigit (fp[i]))
        return bad (ctx, "fingerprint", _("is not 40 hexadecimal digits"));
      buf[i] = g_ascii_toupper (fp[i]);
    }
  buf[40] = '\0';
  r->fingerprint = g_string_chunk_insert (self->strings, buf);
  ctx->fingerprint = r->fingerprint;

  if (!get_string (obj, "nickname", FALSE, &nick, ctx))
    return FALSE;
  if (nick != NULL && (nick[0] == '\0' || strlen (nick) > 64))
    return bad (ctx, "nickname", _("is empty or longer than 64 characters"));
  r->nickname = g_string_chunk_insert_const (self->strings, nick ? nick : "Unnamed");

  if (!get_string (obj, "country", FALSE, &country, ctx))
    return FALSE;
  if (country != NULL &&
      (strlen (country) != 2 || !g_ascii_isalpha (country[0]) || !g_ascii_isalpha (country[1])))
    return bad (ctx, "country", _("is not a two-letter country code"));
  {
    char cc[3] = { 0 };

    if (country != NULL)
      {
        cc[0] = g_ascii_tolower (country[0]);
        cc[1] = g_ascii_tolower (country[1]);
      }
    r->country = g_string_chunk_insert_const (self->strings, cc);
  }
  return TRUE;
}

static gboolean
read_relay (TaRelaySet *self,
            JsonNode   *node,
            Ctx        *ctx)
{
  JsonObject *obj;
  JsonArray *flags, *or_addrs, *exit_addrs;
  RelayInfo r = { 0 };
  gboolean has_obs, has_adv;
  char canon[CANON_MAX];

  ctx->fingerprint = NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad (ctx, "relays", _("has an element that is not an object"));
  obj = json_node_get_object (node);
  if (!read_identity (self, obj, &r, ctx) ||
      !get_bandwidth (obj, "observed_bandwidth", &r.observed, &has_obs, ctx) ||
      !get_bandwidth (obj, "advertised_bandwidth", &r.advertised, &has_adv, ctx) ||
      !get_string_array (obj, "flags", &flags, ctx) ||
      !get_string_array (obj, "or_addresses", &or_addrs, ctx) ||
      !get_string_array (obj, "exit_addresses", &exit_addrs, ctx))
    return FALSE;
  r.bandwidth = has_adv ? r.advertised : r.observed;
  for (guint i = 0; flags != NULL && i < json_array_get_length (flags); i++)
    {
      const char *name = json_array_get_string_element (flags, i);

      for (guint k = 0; k < G_N_ELEMENTS (flag_names); k++)
        if (strcmp (name, flag_names[k].name) == 0)
          r.flags |= flag_names[k].flag;
    }
  if (or_addrs == NULL)
    return bad (ctx, "or_addresses", _("is missing"));
  for (guint i = 0; i < json_array_get_length (or_addrs); i++)
    {
      const char *text = json_array_get_string_element (or_addrs, i);

      if (!parse_or_address (text, canon))
        return bad (ctx, "or_addresses", _("has “%s”, not an address:port"), text);
      add_address (self, canon, &r, FALSE);
    }
  for (guint i = 0; exit_addrs != NULL && i < json_array_get_length (exit_addrs); i++)
    {
      const char *text = json_array_get_string_element (exit_addrs, i);

      if (!canonical_address (text, strlen (text), canon))
        return bad (ctx, "exit_addresses", _("has “%s”, not an IP address"), text);
      add_address (self, canon, &r, TRUE);
    }
  self->n_relays++;
  return TRUE;
}

static TaRelaySet *
relay_set_new (void)
{
  TaRelaySet *self = g_new0 (TaRelaySet, 1);

  self->strings = g_string_chunk_new (4096);
  self->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->cache = g_ptr_array_new ();
  return self;
}

static TaRelaySet *
relay_set_from_parser (JsonParser  *parser,
                       const char  *label,
                       GError     **error)
{
  g_autoptr(TaRelaySet) self = relay_set_new ();
  JsonNode *root = json_parser_get_root (parser), *relays, *published;
  JsonArray *array;
  Ctx ctx = { label, 0, NULL, error };

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not an Onionoo details document (the top level is not an object)"), label);
      return NULL;
    }
  relays = json_object_get_member (json_node_get_object (root), "relays");
  if (relays == NULL || !JSON_NODE_HOLDS_ARRAY (relays))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not an Onionoo details document (no “relays” array)"), label);
      return NULL;
    }
  published = json_object_get_member (json_node_get_object (root), "relays_published");
  if (published != NULL && !JSON_NODE_HOLDS_NULL (published))
    {
      if (!JSON_NODE_HOLDS_VALUE (published) || json_node_get_value_type (published) != G_TYPE_STRING)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: “relays_published” is not a string"), label);
          return NULL;
        }
      self->published = g_strdup (json_node_get_string (published));
    }
  array = json_node_get_array (relays);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      ctx.index = i;
      if (!read_relay (self, json_array_get_element (array, i), &ctx))
        return NULL;
    }
  return g_steal_pointer (&self);
}

TaRelaySet *
ta_relay_set_load_data (const char  *text,
                        gsize        len,
                        const char  *label,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = ta_json_load_data (text, len, label, error);

  if (parser == NULL)
    return NULL;
  return relay_set_from_parser (parser, label, error);
}

TaRelaySet *
ta_relay_set_load (const char  *path,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = ta_json_load_file (path, NULL, TA_RELAY_FILE_MAX, NULL, error);

  if (parser == NULL)
    return NULL;
  return relay_set_from_parser (parser, path, error);
}

void
ta_relay_set_free (TaRelaySet *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_address);
  g_string_chunk_free (self->strings);
  g_ptr_array_unref (self->cache);
  g_free (self->published);
  g_free (self);
}

const char *
ta_relay_set_get_published (TaRelaySet *self)
{
  return self->published ? self->published : "";
}

guint
ta_relay_set_get_n_relays (TaRelaySet *self)
{
  return self->n_relays;
}

guint
ta_relay_set_get_n_addresses (TaRelaySet *self)
{
  return g_hash_table_size (self->by_address);
}

const TaRelay *
ta_relay_set_lookup (TaRelaySet *self,
                     const char *address)
{
  char canon[CANON_MAX];

  if (address == NULL || !canonical_address (address, strlen (address), canon))
    return NULL;
  return g_hash_table_lookup (self->by_address, canon);
}

const TaRelay *
ta_relay_set_lookup_index (TaRelaySet  *self,
                           TaAddrTable *addrs,
                           guint32      index)
{
  const TaRelay *r;

  if (index == TA_ADDR_NONE || index >= ta_addr_table_get_size (addrs))
    return NULL;
  if (self->cache_table != addrs)
    {
      g_ptr_array_set_size (self->cache, 0);
      self->cache_table = addrs;
    }
  if (index >= self->cache->len)
    g_ptr_array_set_size (self->cache, index + 1);
  r = self->cache->pdata[index];
  if (r == NULL)
    {
      if (ta_addr_table_get_family (addrs, index) != 0)
        r = g_hash_table_lookup (self->by_address, ta_addr_table_get_real_name (addrs, index));
      self->cache->pdata[index] = (gpointer) (r ? r : &not_a_relay);
    }
  return r == &not_a_relay ? NULL : r;
}

/* -- the tagger -- */

typedef struct
{
  guint64 connections;
  guint64 packets;
  guint64 bytes;
} Counts;

struct _TaRelayTagger
{
  TaRelaySet  *set;
  TaAddrTable *addrs;
  GHashTable  *seen;      /* const TaRelay* -> Counts* */
  guint64      connections;
  guint64      packets;
  guint64      bytes;
};

TaRelayTagger *
ta_relay_tagger_new (TaRelaySet  *set,
                     TaAddrTable *addrs)
{
  TaRelayTagger *self = g_new0 (TaRelayTagger, 1);

  self->set = set;
  self->addrs = addrs;
  self->seen = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return self;
}

void
ta_relay_tagger_free (TaRelayTagger *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->seen);
  g_free (self);
}

static void
count (TaRelayTagger *self,
       const TaRelay *r,
       guint64        packets,
       guint64        bytes)
{
  Counts *c = g_hash_table_lookup (self->seen, r);

  if (c == NULL)
    {
      c = g_new0 (Counts, 1);
      g_hash_table_insert (self->seen, (gpointer) r, c);
    }
  c->connections++;
  c->packets += packets;
  c->bytes += bytes;
}

guint
ta_relay_tagger_add_conn (TaRelayTagger *self,
                          const TaConn  *conn)
{
  const TaRelay *ro = ta_relay_set_lookup_index (self->set, self->addrs, conn->orig);
  const TaRelay *rr = ta_relay_set_lookup_index (self->set, self->addrs, conn->resp);
  guint64 packets = conn->orig_pkts + conn->resp_pkts;
  guint64 bytes = conn->orig_ip_bytes + conn->resp_ip_bytes;
  guint n = 0;

  if (ro != NULL)
    {
      count (self, ro, packets, bytes);
      n++;
    }
  if (rr != NULL && rr != ro)
    {
      count (self, rr, packets, bytes);
      n++;
    }
  if (n > 0)
    {
      self->connections++;
      self->packets += packets;
      self->bytes += bytes;
    }
  return n;
}

void
ta_relay_tagger_get_summary (TaRelayTagger  *self,
                             TaRelaySummary *out)
{
  g_autoptr(GHashTable) fingerprints = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  memset (out, 0, sizeof *out);
  out->connections = self->connections;
  out->packets = self->packets;
  out->bytes = self->bytes;
  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const TaRelay *r = key;
      const Counts *c = value;
      TaRelayRoleSummary *s = &out->roles[r->role];

      s->addresses++;
      s->connections += c->connections;
      s->packets += c->packets;
      s->bytes += c->bytes;
      s->bandwidth += r->bandwidth;
      g_hash_table_add (fingerprints, (char *) r->fingerprint);
    }
  out->relays = g_hash_table_size (fingerprints);
}

static int
compare_countries (gconstpointer pa,
                   gconstpointer pb)
{
  const TaRelayCountry *a = *(TaRelayCountry **) pa, *b = *(TaRelayCountry **) pb;

  if (a->bytes != b->bytes)
    return a->bytes > b->bytes ? -1 : 1;
  return strcmp (a->country, b->country);
}

GPtrArray *
ta_relay_tagger_get_countries (TaRelayTagger *self)
{
  g_autoptr(GHashTable) by_code = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const TaRelay *r = key;
      const Counts *c = value;
      TaRelayCountry *tc = g_hash_table_lookup (by_code, r->country);

      if (tc == NULL)
        {
          tc = g_new0 (TaRelayCountry, 1);
          g_strlcpy (tc->country, r->country, sizeof tc->country);
          g_hash_table_insert (by_code, (char *) r->country, tc);
          g_ptr_array_add (list, tc);
        }
      tc->addresses++;
      tc->connections += c->connections;
      tc->bytes += c->bytes;
    }
  g_ptr_array_sort (list, compare_countries);
  return list;
}

static int
compare_rows (gconstpointer pa,
              gconstpointer pb,
              gpointer      seen)
{
  const TaRelay *a = *(const TaRelay **) pa, *b = *(const TaRelay **) pb;
  const Counts *ca = g_hash_table_lookup (seen, a), *cb = g_hash_table_lookup (seen, b);

  if (ca->bytes != cb->bytes)
    return ca->bytes > cb->bytes ? -1 : 1;
  return strcmp (a->address, b->address);
}

void
ta_relay_tagger_write (TaRelayTagger *self,
                       TaOut         *out)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (rows, key);
  g_ptr_array_sort_with_data (rows, compare_rows, self->seen);
  ta_out_puts (out, "address,role,nickname,fingerprint,bandwidth,country,connections,packets,bytes\n");
  for (guint i = 0; i < rows->len; i++)
    {
      const TaRelay *r = rows->pdata[i];
      const Counts *c = g_hash_table_lookup (self->seen, r);

      ta_validate_put_csv_field (out, r->address);
      ta_out_printf (out, ",%s,", ta_relay_role_name (r->role));
      ta_validate_put_csv_field (out, r->nickname);
      ta_out_printf (out, ",%s,%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64
                     ",%" PRIu64 "\n", r->fingerprint, r->bandwidth, r->country,
                     c->connections, c->packets, c->bytes);
    }
}
