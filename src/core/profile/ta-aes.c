/* ta-aes.c — AES-128 encryption of one block (FIPS-197)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-aes.h"

static guint8 sbox[256];

static inline guint8
rotl8 (guint8 x,
       guint  n)
{
  return (guint8) ((x << n) | (x >> (8 - n)));
}

static inline guint8
xtime (guint8 x)
{
  return (guint8) ((x << 1) ^ ((x & 0x80) ? 0x1b : 0));
}

/* FIPS-197 §5.1.1: p walks the multiplicative group by the generator 3,
 * q = p⁻¹ walks it by 3⁻¹; the S-box is the affine map of the inverse */
static void
init_sbox (void)
{
  guint8 p = 1, q = 1;

  do
    {
      p = p ^ xtime (p);
      q ^= (guint8) (q << 1);
      q ^= (guint8) (q << 2);
      q ^= (guint8) (q << 4);
      if (q & 0x80)
        q ^= 0x09;
      sbox[p] = q ^ rotl8 (q, 1) ^ rotl8 (q, 2) ^ rotl8 (q, 3) ^ rotl8 (q, 4) ^ 0x63;
    }
  while (p != 1);
  sbox[0] = 0x63;
}

static void
ensure_sbox (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      init_sbox ();
      g_once_init_leave (&done, 1);
    }
}

void
ta_aes128_init (TaAes128     *aes,
                const guint8  key[16])
{
  guint8 *w = aes->round_keys;
  guint8 rcon = 1;

  ensure_sbox ();
  memcpy (w, key, 16);
  for (guint i = 16; i < 176; i += 4)
    {
      guint8 t[4] = { w[i - 4], w[i - 3], w[i - 2], w[i - 1] };

      if (i % 16 == 0)
        {
          guint8 t0 = t[0];

          t[0] = sbox[t[1]] ^ rcon;
          t[1] = sbox[t[2]];
          t[2] = sbox[t[3]];
          t[3] = sbox[t0];
          rcon = xtime (rcon);
        }
      for (guint k = 0; k < 4; k++)
        w[i + k] = w[i - 16 + k] ^ t[k];
    }
}

/* SubBytes and ShiftRows together: state byte (row r, column c) is
 * s[r + 4c]; row r moves r columns to the left */
static void
sub_shift (guint8 s[16])
{
  guint8 t[16];

  for (guint c = 0; c < 4; c++)
    for (guint r = 0; r < 4; r++)
      t[r + 4 * c] = sbox[s[r + 4 * ((c + r) % 4)]];
  memcpy (s, t, 16);
}

static void
mix_columns (guint8 s[16])
{
  for (guint c = 0; c < 4; c++)
    {
      guint8 *a = s + 4 * c;
      guint8 a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
      guint8 all = a0 ^ a1 ^ a2 ^ a3;

      a[0] ^= all ^ xtime (a0 ^ a1);
      a[1] ^= all ^ xtime (a1 ^ a2);
      a[2] ^= all ^ xtime (a2 ^ a3);
      a[3] ^= all ^ xtime (a3 ^ a0);
    }
}

void
ta_aes128_encrypt (const TaAes128 *aes,
                   const guint8    in[16],
                   guint8          out[16])
{
  const guint8 *rk = aes->round_keys;
  guint8 s[16];

  for (guint i = 0; i < 16; i++)
    s[i] = in[i] ^ rk[i];
  for (guint round = 1; round <= 10; round++)
    {
      sub_shift (s);
      if (round < 10)
        mix_columns (s);
      for (guint i = 0; i < 16; i++)
        s[i] ^= rk[16 * round + i];
    }
  memcpy (out, s, 16);
}
