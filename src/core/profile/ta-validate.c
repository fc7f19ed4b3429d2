/* ta-validate.c — the per-connection validation checklist (see the header
 * for the rules)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "ta-error.h"
#include "ta-validate.h"

#define PROTO_ICMP    1
#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_ICMPV6  58

static const TaCheckInfo check_info[TA_CHECK_N] = {
  [TA_CHECK_TS] = { "ts", 1, TA_CHECK_ERROR, N_("Timestamps are positive and plausible") },
  [TA_CHECK_PKT_COUNT] = { "pkt_count", 1, TA_CHECK_ERROR, N_("At least one packet, and no bytes without packets") },
  [TA_CHECK_BYTES_ABSURD] = { "bytes_absurd", 1, TA_CHECK_ERROR, N_("Counts are not absurdly large, payload not larger than IP bytes") },
  [TA_CHECK_ADDR_INVALID] = { "addr_invalid", 2, TA_CHECK_ERROR, N_("Both addresses are IPv4 or IPv6 host addresses") },
  [TA_CHECK_ADDR_SAME] = { "addr_same", 2, TA_CHECK_ERROR, N_("Originator and responder differ") },
  [TA_CHECK_ADDR_MULTICAST] = { "addr_multicast", 2, TA_CHECK_ERROR, N_("Multicast address (an error as the originator)") },
  [TA_CHECK_ADDR_BROADCAST] = { "addr_broadcast", 2, TA_CHECK_ERROR, N_("Broadcast address (an error as the originator)") },
  [TA_CHECK_ADDR_LOOPBACK] = { "addr_loopback", 2, TA_CHECK_WARNING, N_("Loopback address (an error on one side only)") },
  [TA_CHECK_PROTO_UNKNOWN] = { "proto_unknown", 3, TA_CHECK_ERROR, N_("Known IANA protocol number") },
  [TA_CHECK_PORTS] = { "ports", 3, TA_CHECK_ERROR, N_("Ports fit the protocol (ICMP type and code at most 255, none for protocols without ports)") },
  [TA_CHECK_BYTES_LT_PKTS] = { "bytes_lt_pkts", 4, TA_CHECK_ERROR, N_("IP bytes at least the packets in each direction") },
  [TA_CHECK_MEAN_SIZE] = { "mean_size", 4, TA_CHECK_ERROR, N_("Mean packet size between 20 and 65535 IP bytes") },
  [TA_CHECK_INDEX_ORDER] = { "index_order", 5, TA_CHECK_ERROR, N_("First packet (file, frame) not after the last") },
  [TA_CHECK_DURATION_NEGATIVE] = { "duration_negative", 6, TA_CHECK_ERROR, N_("Duration not negative") },
  [TA_CHECK_DURATION_SINGLE] = { "duration_single", 6, TA_CHECK_ERROR, N_("A single packet lasts about 0 s") },
  [TA_CHECK_DURATION_ZERO] = { "duration_zero", 6, TA_CHECK_WARNING, N_("Several packets in 0 s") },
  [TA_CHECK_DURATION_LONG] = { "duration_long", 6, TA_CHECK_WARNING, N_("Longer than one hour") },
  [TA_CHECK_DNS_LONG] = { "dns_long", 7, TA_CHECK_WARNING, N_("DNS (port 53) shorter than 10 s") },
  [TA_CHECK_HTTPS_SHORT] = { "https_short", 7, TA_CHECK_WARNING, N_("HTTPS (port 443) has at least two packets") },
  [TA_CHECK_PORT_ZERO] = { "port_zero", 7, TA_CHECK_WARNING, N_("TCP or UDP port 0") },
  [TA_CHECK_DUPLICATE] = { "duplicate", 8, TA_CHECK_ERROR, N_("Same 5-tuple and first packet as an earlier connection") },
};

/* Common IANA protocol numbers (www.iana.org/assignments/protocol-numbers);
 * 0 (HOPOPT) is left out: TaPacket.proto is 0 when the protocol is unknown */
static const guint8 known_protocols[] = {
  1,   /* ICMP */
  2,   /* IGMP */
  4,   /* IPv4 (IP in IP) */
  6,   /* TCP */
  8,   /* EGP */
  9,   /* IGP */
  17,  /* UDP */
  27,  /* RDP */
  33,  /* DCCP */
  41,  /* IPv6 */
  43,  /* IPv6-Route */
  44,  /* IPv6-Frag */
  46,  /* RSVP */
  47,  /* GRE */
  50,  /* ESP */
  51,  /* AH */
  58,  /* IPv6-ICMP */
  59,  /* IPv6-NoNxt */
  60,  /* IPv6-Opts */
  88,  /* EIGRP */
  89,  /* OSPF */
  94,  /* IPIP */
  97,  /* ETHERIP */
  98,  /* ENCAP */
  103, /* PIM */
  108, /* IPComp */
  112, /* VRRP */
  115, /* L2TP */
  124, /* IS-IS over IPv4 */
  132, /* SCTP */
  135, /* Mobility Header */
  136, /* UDPLite */
  137, /* MPLS-in-IP */
  139, /* HIP */
  143, /* Ethernet */
};

typedef struct
{
  guint64 id;
  guint32 orig;
  guint32 resp;
  guint32 first_frame;
  guint16 orig_p;
  guint16 resp_p;
  guint16 first_file;
  guint8  proto;
} DupKey;

typedef struct
{
  guint32 net;
  guint32 broadcast;
  char    text[20];
} Subnet;

struct _TaValidator
{
  guint64     counts[TA_CHECK_N];
  guint64     n_conns;
  guint64     n_valid;
  guint64     n_warned;
  GArray     *subnets;   /* Subnet */
  DupKey     *ring;      /* TA_VALIDATE_DUP_WINDOW keys, oldest at head once full */
  guint       ring_head;
  guint       ring_len;
  GHashTable *dups;      /* DupKey* (into ring) -> itself */
};

typedef struct
{
  guint  family;   /* 4, 6 or 0 when not an address */
  guint32 v4;
  guint8 v6[16];
} Addr;

const TaCheckInfo *
ta_check_get_info (TaCheck check)
{
  g_return_val_if_fail ((guint) check < TA_CHECK_N, NULL);
  return &check_info[check];
}

int
ta_check_from_name (const char *name)
{
  for (guint i = 0; i < TA_CHECK_N; i++)
    if (g_strcmp0 (check_info[i].name, name) == 0)
      return (int) i;
  return -1;
}

static guint
dup_key_hash (gconstpointer p)
{
  const DupKey *k = p;
  guint64 h = k->orig;

  h = h * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + k->resp;
  h = h * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + k->first_frame;
  h = h * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) +
      (((guint64) k->orig_p << 40) | ((guint64) k->resp_p << 24) | ((guint64) k->first_file << 8) | k->proto);
  h ^= h >> 31;
  return (guint) (h ^ (h >> 32));
}

static gboolean
dup_key_equal (gconstpointer pa,
               gconstpointer pb)
{
  const DupKey *a = pa, *b = pb;

  return a->orig == b->orig && a->resp == b->resp && a->first_frame == b->first_frame &&
         a->orig_p == b->orig_p && a->resp_p == b->resp_p &&
         a->first_file == b->first_file && a->proto == b->proto;
}

TaValidator *
ta_validator_new (void)
{
  TaValidator *self = g_new0 (TaValidator, 1);

  self->subnets = g_array_new (FALSE, FALSE, sizeof (Subnet));
  self->ring = g_new0 (DupKey, TA_VALIDATE_DUP_WINDOW);
  self->dups = g_hash_table_new (dup_key_hash, dup_key_equal);
  return self;
}

void
ta_validator_free (TaValidator *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->dups);
  g_free (self->ring);
  g_array_unref (self->subnets);
  g_free (self);
}

gboolean
ta_validator_add_subnet (TaValidator  *self,
                         const char   *cidr,
                         GError      **error)
{
  const char *slash = cidr ? strchr (cidr, '/') : NULL;
  guint64 prefix = 0;
  guint32 addr, mask;
  Subnet s;

  if (slash == NULL || !ta_parse_ipv4 (cidr, slash - cidr, &addr) ||
      !g_ascii_string_to_unsigned (slash + 1, 10, 1, 30, &prefix, NULL))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IPv4 subnet such as 10.1.2.0/24 (prefix 1–30)"),
                   cidr ? cidr : "");
      return FALSE;
    }
  mask = G_MAXUINT32 << (32 - prefix);
  s.net = addr & mask;
  s.broadcast = s.net | ~mask;
  g_snprintf (s.text, sizeof s.text, "%u.%u.%u.%u/%u",
              s.net >> 24, (s.net >> 16) & 255, (s.net >> 8) & 255, s.net & 255, (guint) prefix);
  g_array_append_val (self->subnets, s);
  return TRUE;
}

/* Records a failure of @check; a second one appends its reason */
static void G_GNUC_PRINTF (4, 5)
fail (TaValidation *v,
      TaCheck       check,
      gboolean      is_error,
      const char   *format,
      ...)
{
  char *r = v->reasons[check];
  gsize used = strlen (r);
  va_list args;

  if (used > 0 && used + 3 < TA_VALIDATE_REASON_MAX)
    {
      g_strlcat (r, ", ", TA_VALIDATE_REASON_MAX);
      used = strlen (r);
    }
  va_start (args, format);
  if (used < TA_VALIDATE_REASON_MAX - 1)
    g_vsnprintf (r + used, TA_VALIDATE_REASON_MAX - used, format, args);
  va_end (args);
  v->failed |= TA_CHECK_BIT (check);
  if (is_error)
    v->errors |= TA_CHECK_BIT (check);
}

static void
check_schema (const TaConn *c,
              TaValidation *v)
{
  const struct { const char *name; guint64 value; } counts[] = {
    { "orig_pkts", c->orig_pkts }, { "resp_pkts", c->resp_pkts },
    { "orig_ip_bytes", c->orig_ip_bytes }, { "resp_ip_bytes", c->resp_ip_bytes },
    { "orig_bytes", c->orig_bytes }, { "resp_bytes", c->resp_bytes },
    { "orig_frame_bytes", c->orig_frame_bytes }, { "resp_frame_bytes", c->resp_frame_bytes },
    { "missed_bytes", c->missed_bytes },
  };
  guint64 slack = c->proto == PROTO_TCP ? c->missed_bytes : 0;

  if (c->ts_first <= 0 || c->ts_first >= TA_VALIDATE_TS_MAX_US)
    fail (v, TA_CHECK_TS, TRUE, _("first packet time %" PRId64 " µs is not a plausible time"),
          c->ts_first);
  if (c->ts_last <= 0 || c->ts_last >= TA_VALIDATE_TS_MAX_US)
    fail (v, TA_CHECK_TS, TRUE, _("last packet time %" PRId64 " µs is not a plausible time"),
          c->ts_last);

  if (c->orig_pkts == 0 && c->resp_pkts == 0)
    fail (v, TA_CHECK_PKT_COUNT, TRUE, _("no packets"));
  if (c->orig_pkts == 0 && (c->orig_ip_bytes > 0 || c->orig_bytes > 0))
    fail (v, TA_CHECK_PKT_COUNT, TRUE, _("originator bytes without originator packets"));
  if (c->resp_pkts == 0 && (c->resp_ip_bytes > 0 || c->resp_bytes > 0))
    fail (v, TA_CHECK_PKT_COUNT, TRUE, _("responder bytes without responder packets"));

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (counts[i].value >= TA_VALIDATE_BYTES_MAX)
      fail (v, TA_CHECK_BYTES_ABSURD, TRUE, _("%s is absurdly large (%" PRIu64 ")"),
            counts[i].name, counts[i].value);
  if (v->failed & TA_CHECK_BIT (TA_CHECK_BYTES_ABSURD))
    return;
  if (c->orig_bytes > c->orig_ip_bytes + slack)
    fail (v, TA_CHECK_BYTES_ABSURD, TRUE,
          _("originator payload %" PRIu64 " B exceeds its IP bytes %" PRIu64 " B"),
          c->orig_bytes, c->orig_ip_bytes + slack);
  if (c->resp_bytes > c->resp_ip_bytes + slack)
    fail (v, TA_CHECK_BYTES_ABSURD, TRUE,
          _("responder payload %" PRIu64 " B exceeds its IP bytes %" PRIu64 " B"),
          c->resp_bytes, c->resp_ip_bytes + slack);
}

static gboolean
addr_parse (TaAddrTable *addrs,
            guint32      index,
            Addr        *a)
{
  const char *name;

  a->family = 0;
  if (index == TA_ADDR_NONE || index >= ta_addr_table_get_size (addrs))
    return FALSE;
  name = ta_addr_table_get_real_name (addrs, index);
  switch (ta_addr_table_get_family (addrs, index))
    {
    case 4:
      if (!ta_parse_ipv4 (name, strlen (name), &a->v4))
        return FALSE;
      a->family = 4;
      return TRUE;
    case 6:
      if (inet_pton (AF_INET6, name, a->v6) != 1)
        return FALSE;
      a->family = 6;
      return TRUE;
    default:
      return FALSE;
    }
}

static const char *
addr_name (TaAddrTable *addrs,
           guint32      index)
{
  if (index == TA_ADDR_NONE || index >= ta_addr_table_get_size (addrs))
    return _("(none)");
  return ta_addr_table_get_name (addrs, index);
}

static gboolean
addr_is_unspecified (const Addr *a)
{
  static const guint8 zero[16] = { 0 };

  return a->family == 4 ? a->v4 == 0 : memcmp (a->v6, zero, 16) == 0;
}

static const char *
addr_multicast_range (const Addr *a)
{
  if (a->family == 4)
    return (a->v4 >> 28) == 0xE ? "224.0.0.0/4" : NULL;
  return a->v6[0] == 0xff ? "ff00::/8" : NULL;
}

static const char *
addr_broadcast_range (TaValidator *self,
                      const Addr  *a)
{
  if (a->family != 4)
    return NULL;   /* IPv6 has no broadcast */
  if (a->v4 == G_MAXUINT32)
    return "255.255.255.255";
  for (guint i = 0; i < self->subnets->len; i++)
    {
      const Subnet *s = &g_array_index (self->subnets, Subnet, i);

      if (a->v4 == s->broadcast)
        return s->text;
    }
  return NULL;
}

static const char *
addr_loopback_range (const Addr *a)
{
  static const guint8 one[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

  if (a->family == 4)
    return (a->v4 >> 24) == 127 ? "127.0.0.0/8" : NULL;
  return memcmp (a->v6, one, 16) == 0 ? "::1" : NULL;
}

/* Multicast and broadcast: errors as the originator, warnings as the
 * responder; sides that are not addresses (family 0) are skipped */
static void
check_addr_kinds (TaValidator  *self,
                  const Addr   *o,
                  const Addr   *r,
                  const char   *on,
                  const char   *rn,
                  TaValidation *v)
{
  const char *range;

  if (o->family && (range = addr_multicast_range (o)) != NULL)
    fail (v, TA_CHECK_ADDR_MULTICAST, TRUE, _("originator %s is multicast (%s)"), on, range);
  if (r->family && (range = addr_multicast_range (r)) != NULL)
    fail (v, TA_CHECK_ADDR_MULTICAST, FALSE, _("responder %s is multicast (%s)"), rn, range);
  if (o->family && (range = addr_broadcast_range (self, o)) != NULL)
    fail (v, TA_CHECK_ADDR_BROADCAST, TRUE, _("originator %s is broadcast (%s)"), on, range);
  if (r->family && (range = addr_broadcast_range (self, r)) != NULL)
    fail (v, TA_CHECK_ADDR_BROADCAST, FALSE, _("responder %s is broadcast (%s)"), rn, range);

  {
    const char *lo = o->family ? addr_loopback_range (o) : NULL;
    const char *lr = r->family ? addr_loopback_range (r) : NULL;

    if (lo != NULL && lr != NULL)
      fail (v, TA_CHECK_ADDR_LOOPBACK, FALSE, _("both %s and %s are loopback (%s)"), on, rn, lo);
    else if (lo != NULL)
      fail (v, TA_CHECK_ADDR_LOOPBACK, TRUE,
            _("originator %s is loopback (%s) but the responder is not"), on, lo);
    else if (lr != NULL)
      fail (v, TA_CHECK_ADDR_LOOPBACK, TRUE,
            _("responder %s is loopback (%s) but the originator is not"), rn, lr);
  }
}

static void
check_addrs (TaValidator  *self,
             const TaConn *c,
             TaAddrTable  *addrs,
             TaValidation *v)
{
  const char *on = addr_name (addrs, c->orig), *rn = addr_name (addrs, c->resp);
  gboolean dhcp_client = c->proto == PROTO_UDP && c->orig_p == 68 && c->resp_p == 67;
  Addr o, r;
  gboolean ok_o = addr_parse (addrs, c->orig, &o);
  gboolean ok_r = addr_parse (addrs, c->resp, &r);

  if (!ok_o)
    fail (v, TA_CHECK_ADDR_INVALID, TRUE, _("originator %s is not an IPv4 or IPv6 address"), on);
  if (!ok_r)
    fail (v, TA_CHECK_ADDR_INVALID, TRUE, _("responder %s is not an IPv4 or IPv6 address"), rn);
  if (c->orig == c->resp)
    fail (v, TA_CHECK_ADDR_SAME, TRUE, _("originator and responder are both %s"), on);
  if (ok_o && addr_is_unspecified (&o) && !dhcp_client)
    fail (v, TA_CHECK_ADDR_INVALID, TRUE, _("originator is the unspecified address %s"), on);
  if (ok_r && addr_is_unspecified (&r))
    fail (v, TA_CHECK_ADDR_INVALID, TRUE, _("responder is the unspecified address %s"), rn);
  if (ok_o && ok_r && o.family != r.family)
    fail (v, TA_CHECK_ADDR_INVALID, TRUE, _("originator %s and responder %s are of different IP versions"),
          on, rn);
  check_addr_kinds (self, &o, &r, on, rn, v);   /* each side that parsed */
}

static gboolean
proto_is_known (guint8 proto)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_protocols); i++)
    if (known_protocols[i] == proto)
      return TRUE;
  return FALSE;
}

static gboolean
proto_has_ports (guint8 proto)
{
  return proto == PROTO_TCP || proto == PROTO_UDP || proto == 33 || proto == 132 || proto == 136;
}

static void
check_proto (const TaConn *c,
             TaValidation *v)
{
  if (!proto_is_known (c->proto))
    fail (v, TA_CHECK_PROTO_UNKNOWN, TRUE, _("protocol %u is not a known IANA protocol number"),
          c->proto);

  if (c->proto == PROTO_ICMP || c->proto == PROTO_ICMPV6)
    {
      if (c->orig_p > 255 || c->resp_p > 255)
        fail (v, TA_CHECK_PORTS, TRUE, _("ICMP type %u and code %u must be at most 255"),
              c->orig_p, c->resp_p);
    }
  else if (!proto_has_ports (c->proto) && (c->orig_p != 0 || c->resp_p != 0))
    fail (v, TA_CHECK_PORTS, TRUE, _("protocol %u has no ports but the record has %u and %u"),
          c->proto, c->orig_p, c->resp_p);
}

static void
check_sizes_one (guint64       pkts,
                 guint64       ip_bytes,
                 const char   *side,
                 TaValidation *v)
{
  double mean;

  if (pkts == 0)
    return;
  if (ip_bytes < pkts)
    {
      fail (v, TA_CHECK_BYTES_LT_PKTS, TRUE,
            _("%s: %" PRIu64 " IP bytes in %" PRIu64 " packets"),
            side, ip_bytes, pkts);
      return;
    }
  mean = (double) ip_bytes / (double) pkts;
  if (mean < TA_VALIDATE_MIN_MEAN_SIZE || mean > TA_VALIDATE_MAX_MEAN_SIZE)
    fail (v, TA_CHECK_MEAN_SIZE, TRUE, _("%s: mean packet size %.1f IP bytes"), side, mean);
}

static void
check_index_order (const TaConn *c,
                   TaValidation *v)
{
  if (c->first_file > c->last_file ||
      (c->first_file == c->last_file && c->first_frame > c->last_frame))
    fail (v, TA_CHECK_INDEX_ORDER, TRUE,
          _("first packet (file %u, frame %u) comes after the last (file %u, frame %u)"),
          c->first_file, c->first_frame, c->last_file, c->last_frame);
}

static void
check_duration (const TaConn *c,
                guint64       n_pkts,
                TaValidation *v)
{
  guint64 d;

  if (c->ts_last < c->ts_first)
    {
      fail (v, TA_CHECK_DURATION_NEGATIVE, TRUE, _("the last packet is %.6f s before the first"),
            (double) ((guint64) c->ts_first - (guint64) c->ts_last) / G_USEC_PER_SEC);
      return;
    }
  d = (guint64) c->ts_last - (guint64) c->ts_first;
  if (n_pkts == 1 && d > TA_VALIDATE_SINGLE_MAX_US)
    fail (v, TA_CHECK_DURATION_SINGLE, TRUE, _("a single packet lasts %.6f s"),
          (double) d / G_USEC_PER_SEC);
  if (n_pkts > 1 && d == 0)
    fail (v, TA_CHECK_DURATION_ZERO, FALSE, _("%" PRIu64 " packets in 0 s"), n_pkts);
  if (d > (guint64) TA_VALIDATE_LONG_US)
    fail (v, TA_CHECK_DURATION_LONG, FALSE, _("lasts %.1f h"), (double) d / TA_VALIDATE_LONG_US);
}

static void
check_services (const TaConn *c,
                guint64       n_pkts,
                TaValidation *v)
{
  /* unsigned: absurd times must not overflow (a negative duration is 0 here) */
  guint64 d = c->ts_last >= c->ts_first ? (guint64) c->ts_last - (guint64) c->ts_first : 0;

  if (c->proto != PROTO_TCP && c->proto != PROTO_UDP)
    return;
  if ((c->orig_p == 53 || c->resp_p == 53) && d >= (guint64) TA_VALIDATE_DNS_MAX_US)
    fail (v, TA_CHECK_DNS_LONG, FALSE, _("DNS connection lasts %.1f s"), (double) d / G_USEC_PER_SEC);
  if ((c->orig_p == 443 || c->resp_p == 443) && n_pkts < 2)
    fail (v, TA_CHECK_HTTPS_SHORT, FALSE, _("HTTPS connection of one packet"));
  if (c->orig_p == 0 || c->resp_p == 0)
    fail (v, TA_CHECK_PORT_ZERO, FALSE, _("%s port 0"), c->proto == PROTO_TCP ? "TCP" : "UDP");
}

static void
check_duplicate (TaValidator  *self,
                 const TaConn *c,
                 TaValidation *v)
{
  DupKey key = { c->id, c->orig, c->resp, c->first_frame, c->orig_p, c->resp_p,
                 c->first_file, c->proto };
  const DupKey *seen = g_hash_table_lookup (self->dups, &key);
  DupKey *slot;

  if (seen != NULL)
    {
      fail (v, TA_CHECK_DUPLICATE, TRUE,
            _("same 5-tuple and first packet (file %u, frame %u) as connection %" PRIu64),
            c->first_file, c->first_frame, seen->id);
      return;
    }
  slot = &self->ring[self->ring_head];
  if (self->ring_len == TA_VALIDATE_DUP_WINDOW)
    g_hash_table_remove (self->dups, slot);
  else
    self->ring_len++;
  *slot = key;
  g_hash_table_add (self->dups, slot);
  self->ring_head = (self->ring_head + 1) % TA_VALIDATE_DUP_WINDOW;
}

guint32
ta_validate_conn (TaValidator  *self,
                  const TaConn *conn,
                  TaAddrTable  *addrs,
                  TaValidation *out)
{
  guint64 n_pkts;

  g_return_val_if_fail (self != NULL && conn != NULL && addrs != NULL && out != NULL, 0);

  out->failed = 0;
  out->errors = 0;
  for (guint i = 0; i < TA_CHECK_N; i++)
    out->reasons[i][0] = '\0';
  n_pkts = conn->orig_pkts + conn->resp_pkts;
  if (n_pkts < conn->orig_pkts)
    n_pkts = G_MAXUINT64;

  check_schema (conn, out);
  check_addrs (self, conn, addrs, out);
  check_proto (conn, out);
  check_sizes_one (conn->orig_pkts, conn->orig_ip_bytes, _("originator"), out);
  check_sizes_one (conn->resp_pkts, conn->resp_ip_bytes, _("responder"), out);
  check_index_order (conn, out);
  check_duration (conn, n_pkts, out);
  check_services (conn, n_pkts, out);
  check_duplicate (self, conn, out);

  out->is_valid = out->errors == 0;
  self->n_conns++;
  if (out->is_valid)
    {
      self->n_valid++;
      if (out->failed != 0)
        self->n_warned++;
    }
  for (guint i = 0; i < TA_CHECK_N; i++)
    if (out->failed & TA_CHECK_BIT (i))
      self->counts[i]++;
  return out->failed;
}

guint64
ta_validator_get_n_conns (TaValidator *self)
{
  return self->n_conns;
}

guint64
ta_validator_get_n_valid (TaValidator *self)
{
  return self->n_valid;
}

guint64
ta_validator_get_n_warned (TaValidator *self)
{
  return self->n_warned;
}

guint64
ta_validator_get_count (TaValidator *self,
                        TaCheck      check)
{
  g_return_val_if_fail ((guint) check < TA_CHECK_N, 0);
  return self->counts[check];
}

void
ta_validate_put_csv_field (TaOut      *out,
                           const char *text)
{
  gsize n = strlen (text);
  gboolean quote = n > 0 && (text[0] == ' ' || text[n - 1] == ' ');

  for (gsize i = 0; i < n && !quote; i++)
    if (text[i] == ',' || text[i] == '"' || text[i] == '\n' || text[i] == '\r')
      quote = TRUE;
  if (!quote)
    {
      ta_out_write (out, text, n);
      return;
    }
  ta_out_write (out, "\"", 1);
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        ta_out_write (out, "\"\"", 2);
      else
        ta_out_write (out, p, 1);
    }
  ta_out_write (out, "\"", 1);
}

void
ta_validated_write_header (TaOut *out)
{
  ta_out_puts (out, "conn_id,uid,proto,orig_h,orig_p,resp_h,resp_p,is_valid,failed,reasons\n");
}

void
ta_validated_write_row (TaOut              *out,
                        const TaConn       *conn,
                        const char         *uid,
                        TaAddrTable        *addrs,
                        const TaValidation *v)
{
  g_autoptr(GString) failed = g_string_new (NULL);
  g_autoptr(GString) reasons = g_string_new (NULL);

  for (guint i = 0; i < TA_CHECK_N; i++)
    {
      if (!(v->failed & TA_CHECK_BIT (i)))
        continue;
      if (failed->len > 0)
        {
          g_string_append_c (failed, ' ');
          g_string_append (reasons, "; ");
        }
      g_string_append (failed, check_info[i].name);
      g_string_append (reasons, v->reasons[i]);
    }

  ta_out_printf (out, "%" PRIu64 ",", conn->id);
  ta_validate_put_csv_field (out, uid ? uid : "");
  ta_out_printf (out, ",%u,", conn->proto);
  ta_validate_put_csv_field (out, addr_name (addrs, conn->orig));
  ta_out_printf (out, ",%u,", conn->orig_p);
  ta_validate_put_csv_field (out, addr_name (addrs, conn->resp));
  ta_out_printf (out, ",%u,%s,%s,", conn->resp_p, v->is_valid ? "true" : "false", failed->str);
  ta_validate_put_csv_field (out, reasons->str);
  ta_out_write (out, "\n", 1);
}

void
ta_validator_write_summary (TaValidator *self,
                            TaOut       *out)
{
  ta_out_puts (out, "check,group,severity,connections\n");
  for (guint i = 0; i < TA_CHECK_N; i++)
    ta_out_printf (out, "%s,%u,%s,%" PRIu64 "\n", check_info[i].name, check_info[i].group,
                   check_info[i].severity == TA_CHECK_ERROR ? "error" : "warning", self->counts[i]);
  ta_out_printf (out, "all,0,,%" PRIu64 "\n", self->n_conns);
  ta_out_printf (out, "valid,0,,%" PRIu64 "\n", self->n_valid);
  ta_out_printf (out, "valid_with_warnings,0,,%" PRIu64 "\n", self->n_warned);
}
