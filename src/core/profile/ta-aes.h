/* ta-aes.h — AES-128 encryption of one block (FIPS-197), for the
 * Crypto-PAn pseudonyms: a plain byte-oriented implementation with the
 * S-box computed once from its definition (the multiplicative inverse in
 * GF(2^8) and the affine map), so no run-time dependency is needed. Not
 * hardened against timing side channels: it hides addresses in files the
 * user writes, it does not run against an attacker who can time it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint8 round_keys[176];   /* 11 round keys of 16 bytes */
} TaAes128;

void ta_aes128_init    (TaAes128       *aes,
                        const guint8    key[16]);
/* @in and @out may be the same block */
void ta_aes128_encrypt (const TaAes128 *aes,
                        const guint8    in[16],
                        guint8          out[16]);

G_END_DECLS
