/* ta-relays.h — tagging Tor relays offline, from a relay snapshot the user
 * supplies: an Onionoo "details" document (https://onionoo.torproject.org/
 * details, the Tor Metrics protocol), as
 *
 *   { "version": "8.0", "relays_published": "2026-11-02 09:00:00",
 *     "relays": [ { "nickname": "…", "fingerprint": "40 hex digits",
 *                   "or_addresses": ["192.0.2.1:9001", "[2001:db8::1]:9001"],
 *                   "exit_addresses": ["192.0.2.77"],
 *                   "flags": ["Exit", "Fast", "Guard", "Running", …],
 *                   "country": "de", "observed_bandwidth": 1234567,
 *                   "advertised_bandwidth": 1000000, … }, … ],
 *     "bridges_published": "…", "bridges": [ … ] }
 *
 * Other fields and the bridges are ignored. Every field that is read is
 * type- and range-checked; a bad file is TA_ERROR_FORMAT naming the file,
 * the relay (its index and fingerprint) and the field.
 *
 * Each OR address (without its port) and each exit address of a relay is
 * an address entry, a TaRelay. Its role:
 *  - exit: the relay has the Exit flag, or the address is one of its
 *    exit_addresses (traffic from an exit address is exit traffic even
 *    when the relay is not flagged Exit);
 *  - guard: otherwise, the relay has the Guard flag;
 *  - middle: otherwise.
 * Exit takes precedence over Guard (a relay flagged both is counted as an
 * exit: that is where its traffic meets the outside). When several relays
 * share an address, the entry keeps the highest role (exit > guard >
 * middle), then the highest bandwidth; n_relays counts them all.
 *
 * bandwidth: advertised_bandwidth (bytes/s, the smallest of the relay's
 * rate, burst and observed bandwidth, what Relay Search shows), or
 * observed_bandwidth when it is absent; 0 when neither is given.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-conn.h"
#include "ta-out.h"

G_BEGIN_DECLS

typedef enum
{
  TA_RELAY_MIDDLE,
  TA_RELAY_GUARD,
  TA_RELAY_EXIT,
  TA_RELAY_N_ROLES
} TaRelayRole;

/* Relay flags (Onionoo "flags") */
#define TA_RELAY_FLAG_AUTHORITY 0x001
#define TA_RELAY_FLAG_BADEXIT   0x002
#define TA_RELAY_FLAG_EXIT      0x004
#define TA_RELAY_FLAG_FAST      0x008
#define TA_RELAY_FLAG_GUARD     0x010
#define TA_RELAY_FLAG_HSDIR     0x020
#define TA_RELAY_FLAG_RUNNING   0x040
#define TA_RELAY_FLAG_STABLE    0x080
#define TA_RELAY_FLAG_V2DIR     0x100
#define TA_RELAY_FLAG_VALID     0x200

/* The largest bandwidth accepted: 10^12 bytes/s (far above any relay) */
#define TA_RELAY_BANDWIDTH_MAX  G_GUINT64_CONSTANT (1000000000000)
/* The largest snapshot read (the whole network's details are ~20 MB) */
#define TA_RELAY_FILE_MAX       (G_GUINT64_CONSTANT (512) << 20)

typedef struct
{
  const char  *address;        /* canonical text, as TaAddrTable names it */
  TaRelayRole  role;
  gboolean     is_exit_address;/* listed in exit_addresses */
  const char  *nickname;
  const char  *fingerprint;    /* 40 upper-case hex digits */
  const char  *country;        /* lower-case ISO 3166 code, "" when unknown */
  guint64      bandwidth;      /* bytes/s, see above */
  guint64      observed_bandwidth;
  guint64      advertised_bandwidth;
  guint32      flags;          /* TA_RELAY_FLAG_* */
  guint        n_relays;       /* relays listing this address */
} TaRelay;

typedef struct _TaRelaySet TaRelaySet;

/* NULL and @error for a file that cannot be read or is not a details
 * document */
TaRelaySet    *ta_relay_set_load            (const char   *path,
                                             GError      **error);
/* The same from text in memory; @label names it in errors */
TaRelaySet    *ta_relay_set_load_data       (const char   *text,
                                             gsize         len,
                                             const char   *label,
                                             GError      **error);
void           ta_relay_set_free            (TaRelaySet   *self);
/* "relays_published", "" when absent */
const char    *ta_relay_set_get_published   (TaRelaySet   *self);
guint          ta_relay_set_get_n_relays    (TaRelaySet   *self);
guint          ta_relay_set_get_n_addresses (TaRelaySet   *self);
/* The entry of an IPv4 or IPv6 address (any text form), or NULL */
const TaRelay *ta_relay_set_lookup          (TaRelaySet   *self,
                                             const char   *address);
/* The same by TaAddrTable index, cached per index. The cache belongs to
 * one table: a call with another table starts it again. */
const TaRelay *ta_relay_set_lookup_index    (TaRelaySet   *self,
                                             TaAddrTable  *addrs,
                                             guint32       index);
/* "guard", "exit", "middle" */
const char    *ta_relay_role_name           (TaRelayRole   role);

/* Per-address traffic of the relays seen in the connections */
typedef struct _TaRelayTagger TaRelayTagger;

typedef struct
{
  guint   addresses;   /* relay addresses seen */
  guint64 connections; /* connections with such an address on one side */
  guint64 packets;
  guint64 bytes;       /* IP bytes */
  guint64 bandwidth;   /* sum of the bandwidth of the addresses seen */
} TaRelayRoleSummary;

typedef struct
{
  char    country[4];  /* "" for unknown */
  guint   addresses;
  guint64 connections;
  guint64 bytes;
} TaRelayCountry;

typedef struct
{
  guint64            connections;  /* connections that touched a relay */
  guint64            packets;
  guint64            bytes;
  guint              relays;       /* distinct fingerprints seen */
  TaRelayRoleSummary roles[TA_RELAY_N_ROLES];
} TaRelaySummary;

/* @set and @addrs must outlive the tagger */
TaRelayTagger *ta_relay_tagger_new          (TaRelaySet   *set,
                                             TaAddrTable  *addrs);
void           ta_relay_tagger_free         (TaRelayTagger *self);
/* Counts @conn for its originator and its responder when they are relay
 * addresses (once for each; a connection between two relays counts for
 * both, and once in the summary's totals). Returns how many of the two
 * sides are relays. */
guint          ta_relay_tagger_add_conn     (TaRelayTagger *self,
                                             const TaConn  *conn);
void           ta_relay_tagger_get_summary  (TaRelayTagger *self,
                                             TaRelaySummary *out);
/* TaRelayCountry*, most bytes first (ties by code); free with
 * g_ptr_array_unref */
GPtrArray     *ta_relay_tagger_get_countries(TaRelayTagger *self);
/* relays.csv: address,role,nickname,fingerprint,bandwidth,country,
 * connections,packets,bytes — one row per relay address seen, most bytes
 * first (ties by address) */
void           ta_relay_tagger_write        (TaRelayTagger *self,
                                             TaOut         *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaRelaySet, ta_relay_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaRelayTagger, ta_relay_tagger_free)

G_END_DECLS
