/* ta-pseudonym.h — prefix-preserving address pseudonyms (--pseudonymise
 * KEYFILE) with the Crypto-PAn scheme of Xu, Fan, Ammar and Moon
 * ("Prefix-preserving IP address anonymization", ICNP 2002), as its
 * reference implementation computes them:
 *
 *  - the 32-byte key: AES-128 with the first 16 bytes is the pseudorandom
 *    function f; the second 16 bytes, encrypted with it, are the pad;
 *  - for each bit position i of the address (from the most significant),
 *    the block is the address's first i bits followed by the pad's other
 *    bits; the first bit of f(block) is bit i of a one-time pad;
 *  - the pseudonym is the address XOR that one-time pad.
 *
 * Two addresses sharing a k-bit prefix get pseudonyms sharing a k-bit
 * prefix, and nothing more. IPv4 (32 rounds) is the reference algorithm
 * and gives its published sample; IPv6 is the same scheme over 128 bits
 * (128 rounds: the block is the address's first i bits and the pad's last
 * 128 − i), as the Go, C# and Python implementations do. IPv4-mapped IPv6
 * text (::ffff:a.b.c.d) is mapped as the IPv4 address, as TaAddrTable
 * interns it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"

G_BEGIN_DECLS

#define TA_PSEUDONYM_KEY_SIZE 32

typedef struct _TaPseudonym TaPseudonym;

TaPseudonym *ta_pseudonym_new               (const guint8  key[TA_PSEUDONYM_KEY_SIZE]);
/* The key file: exactly 32 raw bytes, or 64 hexadecimal characters (upper
 * or lower case, surrounding white space allowed). Anything else is
 * TA_ERROR_FORMAT naming the file and what it holds. */
TaPseudonym *ta_pseudonym_new_from_key_file (const char   *path,
                                             GError      **error);
void         ta_pseudonym_free              (TaPseudonym  *self);

/* Host byte order */
guint32      ta_pseudonym_map_ipv4          (TaPseudonym  *self,
                                             guint32       addr);
void         ta_pseudonym_map_ipv6          (TaPseudonym  *self,
                                             const guint8  addr[16],
                                             guint8        out[16]);
/* The pseudonym of IPv4 or IPv6 text, in canonical form (free it); NULL
 * for text that is not an address (an opaque name cannot keep its
 * prefixes: the caller decides what to write for it) */
char        *ta_pseudonym_map_text          (TaPseudonym  *self,
                                             const char   *address);
/* The same for a TaAddrTable index, computed once per index (the cache
 * belongs to one table: a call with another starts it again); NULL for an
 * opaque name or an index not in the table. Valid as long as @self. */
const char  *ta_pseudonym_map_index         (TaPseudonym  *self,
                                             TaAddrTable  *addrs,
                                             guint32       index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaPseudonym, ta_pseudonym_free)

G_END_DECLS
