/* test-profile-pseudonym.c — AES-128 against FIPS-197, and Crypto-PAn
 * pseudonyms against the reference implementation's published sample,
 * other implementations' vectors, prefix preservation and key files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-aes.h"
#include "ta-error.h"
#include "ta-pseudonym.h"
#include "ta-test-util.h"

static void
hex_decode (const char *hex,
            guint8     *out,
            gsize       n)
{
  g_assert_cmpuint (strlen (hex), ==, 2 * n);
  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
}

static void
check_aes (const char *key_hex,
           const char *plain_hex,
           const char *cipher_hex)
{
  guint8 key[16], plain[16], cipher[16], out[16];
  TaAes128 aes;

  hex_decode (key_hex, key, 16);
  hex_decode (plain_hex, plain, 16);
  hex_decode (cipher_hex, cipher, 16);
  ta_aes128_init (&aes, key);
  ta_aes128_encrypt (&aes, plain, out);
  g_assert_cmpmem (out, 16, cipher, 16);
  ta_aes128_encrypt (&aes, plain, plain);   /* in place */
  g_assert_cmpmem (plain, 16, cipher, 16);
}

static void
test_aes (void)
{
  /* FIPS-197 appendix C.1 (AES-128) */
  check_aes ("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
             "69c4e0d86a7b0430d8cdb78070b4c55a");
  /* FIPS-197 appendix B (the cipher example) */
  check_aes ("2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734",
             "3925841d02dc09fbdc118597196a0b32");
  /* FIPS-197 appendix A.1: the last round key of the key expansion */
  {
    guint8 key[16], last[16];
    TaAes128 aes;

    hex_decode ("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    hex_decode ("d014f9a8c9ee2589e13f0cc8b6630ca6", last, 16);
    ta_aes128_init (&aes, key);
    g_assert_cmpmem (aes.round_keys + 160, 16, last, 16);
  }
}

/* The key of the Crypto-PAn reference implementation's sample
 * (sample.cpp of Crypto-PAn 1.0, Georgia Tech) */
static const guint8 reference_key[32] = {
  21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
  216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2,
};

/* The distinct addresses of the reference implementation's
 * sample_trace_raw.dat with their sample_trace_sanitized.dat pseudonyms,
 * as the yacryptopan and node-cryptopan test suites carry them */
static const char *const reference_pairs[][2] = {
  { "128.11.68.132", "135.242.180.132" }, { "129.118.74.4", "134.136.186.123" },
  { "130.132.252.244", "133.68.164.234" }, { "141.223.7.43", "141.167.8.160" },
  { "141.233.145.108", "141.129.237.235" }, { "152.163.225.39", "151.140.114.167" },
  { "156.29.3.236", "147.225.12.42" }, { "165.247.96.84", "162.9.99.234" },
  { "166.107.77.190", "160.132.178.185" }, { "192.102.249.13", "252.138.62.131" },
  { "192.215.32.125", "252.43.47.189" }, { "192.233.80.103", "252.25.108.8" },
  { "192.41.57.43", "252.222.221.184" }, { "193.150.244.223", "253.169.52.216" },
  { "195.205.63.100", "255.186.223.5" }, { "198.200.171.101", "249.199.68.213" },
  { "198.26.132.101", "249.36.123.202" }, { "198.36.213.5", "249.7.21.132" },
  { "198.51.77.238", "249.18.186.254" }, { "199.217.79.101", "248.38.184.213" },
  { "202.49.198.20", "245.206.7.234" }, { "203.12.160.252", "244.248.163.4" },
  { "204.184.162.189", "243.192.77.90" }, { "204.202.136.230", "243.178.4.198" },
  { "204.29.20.4", "243.33.20.123" }, { "205.178.38.67", "242.108.198.51" },
  { "205.188.147.153", "242.96.16.101" }, { "205.188.248.25", "242.96.88.27" },
  { "205.245.121.43", "242.21.121.163" }, { "207.105.49.5", "241.118.205.138" },
  { "207.135.65.238", "241.202.129.222" }, { "207.155.9.214", "241.220.250.22" },
  { "207.188.7.45", "241.255.249.220" }, { "207.25.71.27", "241.33.119.156" },
  { "207.33.151.131", "241.1.233.131" }, { "208.147.89.59", "227.237.98.191" },
  { "208.234.120.210", "227.154.67.17" }, { "208.28.185.184", "227.39.94.90" },
  { "208.52.56.122", "227.8.63.165" }, { "209.12.231.7", "226.243.167.8" },
  { "209.238.72.3", "226.6.119.243" }, { "209.246.74.109", "226.22.124.76" },
  { "209.68.60.238", "226.184.220.233" }, { "209.85.249.6", "226.170.70.6" },
  { "212.120.124.31", "228.135.163.231" }, { "212.146.8.236", "228.19.4.234" },
  { "212.186.227.154", "228.59.98.98" }, { "212.204.172.118", "228.71.195.169" },
  { "212.206.130.201", "228.69.242.193" }, { "216.148.237.145", "235.84.194.111" },
  { "216.157.30.252", "235.89.31.26" }, { "216.184.159.48", "235.96.225.78" },
  { "216.227.10.221", "235.28.253.36" }, { "216.254.18.172", "235.7.16.162" },
  { "216.32.132.250", "235.192.139.38" }, { "216.35.217.178", "235.195.157.81" },
  { "24.0.250.221", "100.15.198.226" }, { "24.13.62.231", "100.2.192.247" },
  { "24.14.213.138", "100.1.42.141" }, { "24.5.0.80", "100.9.15.210" },
  { "24.7.198.88", "100.10.6.25" }, { "24.94.26.44", "100.88.228.35" },
  { "38.15.67.68", "64.3.66.187" }, { "4.3.88.225", "124.60.155.63" },
  { "63.14.55.111", "95.9.215.7" }, { "63.195.241.44", "95.179.238.44" },
  { "63.97.7.140", "95.97.9.123" }, { "64.14.118.196", "0.255.183.58" },
  { "64.34.154.117", "0.221.154.117" }, { "64.39.15.238", "0.219.7.41" },
};

static void
check_map (TaPseudonym *p,
           const char  *in,
           const char  *expected)
{
  g_autofree char *out = ta_pseudonym_map_text (p, in);

  g_assert_cmpstr (out, ==, expected);
}

static void
test_reference_sample (void)
{
  g_autoptr(TaPseudonym) p = ta_pseudonym_new (reference_key);

  g_assert_cmpuint (G_N_ELEMENTS (reference_pairs), ==, 70);
  for (guint i = 0; i < G_N_ELEMENTS (reference_pairs); i++)
    check_map (p, reference_pairs[i][0], reference_pairs[i][1]);
}

/* Vectors published with other implementations (gathered in
 * node-cryptopan's test data); IPv6 the same scheme over 128 bits */
static void
test_other_vectors (void)
{
  guint8 key[32];

  {
    g_autoptr(TaPseudonym) p = ta_pseudonym_new (reference_key);

    /* C# (Sappan.CryptoPAn) and Perl (IP::Anonymous) */
    check_map (p, "127.0.0.1", "33.0.243.129");
    check_map (p, "0.0.0.0", "120.255.240.1");
    check_map (p, "255.255.255.255", "206.120.97.255");
    /* Go (Yawning/cryptopan) and C# */
    check_map (p, "::1", "78ff:f001:9fc0:20df:8380:b1f1:704:ed");
    check_map (p, "::2", "78ff:f001:9fc0:20df:8380:b1f1:704:ef");
    check_map (p, "2001:db8::1", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e");
    check_map (p, "2001:db8::2", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c");
  }
  {
    g_autoptr(TaPseudonym) p = NULL;

    for (guint i = 0; i < 32; i++)
      key[i] = (guint8) i;
    p = ta_pseudonym_new (key);
    /* Python (yacryptopan), Perl, Ruby */
    check_map (p, "192.0.2.1", "2.90.93.17");
    check_map (p, "10.0.1.128", "246.35.190.47");
    check_map (p, "148.88.132.153", "106.38.130.153");
    check_map (p, "2001:db8::1", "dd92:2c44:3fc0:ff1e:7ff9:c7f0:8180:7e00");
  }
  {
    g_autoptr(TaPseudonym) p = ta_pseudonym_new ((const guint8 *) "32-char-str-for-AES-key-and-pad.");

    check_map (p, "192.0.2.1", "192.0.125.244");
    check_map (p, "2001:db8::1", "27fe:8bc7:fee:1e:1e1f:f0fe:f0e1:83fd");
  }
  {
    g_autoptr(TaPseudonym) p = ta_pseudonym_new ((const guint8 *) "boojahyoo3vaeToong0Eijee7Ahz3yee");

    check_map (p, "192.0.2.1", "206.2.124.120");
  }
}

static guint
common_prefix (const guint8 *a,
               const guint8 *b,
               guint         n_bits)
{
  for (guint i = 0; i < n_bits; i++)
    if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
      return i;
  return n_bits;
}

static void
test_prefix_preserving (void)
{
  g_autoptr(TaPseudonym) p = ta_pseudonym_new (reference_key);
  GRand *rand = g_rand_new_with_seed (2002);

  for (guint round = 0; round < 300; round++)
    {
      guint32 a = g_rand_int (rand), b;
      guint k = g_rand_int_range (rand, 0, 33);
      guint32 ma, mb;
      guint8 ba[4], bb[4], bma[4], bmb[4];

      /* b shares exactly k leading bits with a */
      b = a;
      if (k < 32)
        b = (a & ~(G_MAXUINT32 >> k)) | ((~a) & (1u << (31 - k))) |
            (g_rand_int (rand) & ((1u << (31 - k)) - 1));
      ma = ta_pseudonym_map_ipv4 (p, a);
      mb = ta_pseudonym_map_ipv4 (p, b);
      for (guint i = 0; i < 4; i++)
        {
          ba[i] = a >> (24 - 8 * i);
          bb[i] = b >> (24 - 8 * i);
          bma[i] = ma >> (24 - 8 * i);
          bmb[i] = mb >> (24 - 8 * i);
        }
      g_assert_cmpuint (common_prefix (ba, bb, 32), ==, k);
      g_assert_cmpuint (common_prefix (bma, bmb, 32), ==, k);
      g_assert_cmpuint (ta_pseudonym_map_ipv4 (p, a), ==, ma);   /* deterministic */
    }
  for (guint round = 0; round < 40; round++)
    {
      guint8 a[16], b[16], ma[16], mb[16];
      guint k = g_rand_int_range (rand, 0, 128);

      for (guint i = 0; i < 16; i++)
        a[i] = b[i] = (guint8) g_rand_int (rand);
      b[k / 8] ^= (guint8) (0x80 >> (k % 8));   /* differ first at bit k */
      for (guint i = k + 1; i < 128; i++)
        if (g_rand_boolean (rand))
          b[i / 8] ^= (guint8) (0x80 >> (i % 8));
      ta_pseudonym_map_ipv6 (p, a, ma);
      ta_pseudonym_map_ipv6 (p, b, mb);
      g_assert_cmpuint (common_prefix (ma, mb, 128), ==, k);
    }
  g_rand_free (rand);
}

static void
test_text_and_index (void)
{
  g_autoptr(TaPseudonym) p = ta_pseudonym_new (reference_key);
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaAddrTable) other = ta_addr_table_new ();
  guint32 a = ta_addr_table_intern_text (addrs, "128.11.68.132", -1);
  guint32 b = ta_addr_table_intern_text (addrs, "2001:db8::1", -1);
  guint32 opaque = ta_addr_table_intern_text (addrs, "host-17", -1);
  const char *s;

  g_assert_null (ta_pseudonym_map_text (p, "host-17"));
  g_assert_null (ta_pseudonym_map_text (p, "1.2.3"));
  g_assert_null (ta_pseudonym_map_text (p, "2001:db8::1::2"));
  g_assert_null (ta_pseudonym_map_text (p, NULL));
  check_map (p, "::ffff:128.11.68.132", "135.242.180.132");
  check_map (p, "2001:0DB8:0000::0001", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e");

  s = ta_pseudonym_map_index (p, addrs, a);
  g_assert_cmpstr (s, ==, "135.242.180.132");
  g_assert_true (ta_pseudonym_map_index (p, addrs, a) == s);   /* cached */
  g_assert_cmpstr (ta_pseudonym_map_index (p, addrs, b), ==, "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e");
  g_assert_null (ta_pseudonym_map_index (p, addrs, opaque));
  g_assert_null (ta_pseudonym_map_index (p, addrs, opaque));
  g_assert_null (ta_pseudonym_map_index (p, addrs, 99));
  g_assert_null (ta_pseudonym_map_index (p, addrs, TA_ADDR_NONE));
  /* another table: index 0 is another address there */
  ta_addr_table_intern_text (other, "24.5.0.80", -1);
  g_assert_cmpstr (ta_pseudonym_map_index (p, other, 0), ==, "100.9.15.210");
  g_assert_cmpstr (ta_pseudonym_map_index (p, addrs, 0), ==, "135.242.180.132");
}

static void
test_key_file (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *raw = g_build_filename (tmp, "raw.key", NULL);
  g_autofree char *hex = g_build_filename (tmp, "hex.key", NULL);
  g_autofree char *bad = g_build_filename (tmp, "bad.key", NULL);
  g_autofree char *missing = g_build_filename (tmp, "missing.key", NULL);
  g_autoptr(GString) text = g_string_new ("  ");
  g_autoptr(GError) error = NULL;
  TaPseudonym *p;
  char *out;

  ta_test_write_file (raw, reference_key, sizeof reference_key);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (text, i % 2 ? "%02x" : "%02X", reference_key[i]);
  g_string_append (text, "\n");
  ta_test_write_file (hex, text->str, -1);

  p = ta_pseudonym_new_from_key_file (raw, &error);
  g_assert_no_error (error);
  out = ta_pseudonym_map_text (p, "128.11.68.132");
  g_assert_cmpstr (out, ==, "135.242.180.132");
  g_free (out);
  ta_pseudonym_free (p);

  p = ta_pseudonym_new_from_key_file (hex, &error);
  g_assert_no_error (error);
  out = ta_pseudonym_map_text (p, "128.11.68.132");
  g_assert_cmpstr (out, ==, "135.242.180.132");
  g_free (out);
  ta_pseudonym_free (p);

  /* 31 bytes, 63 and 65 hex digits, 64 characters that are not hex */
  ta_test_write_file (bad, reference_key, 31);
  g_assert_null (ta_pseudonym_new_from_key_file (bad, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "bad.key"));
  g_assert_nonnull (strstr (error->message, "31 bytes"));
  g_clear_error (&error);
  ta_test_write_file (bad, text->str + 3, -1);
  g_assert_null (ta_pseudonym_new_from_key_file (bad, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);
  g_string_insert_c (text, 2, 'a');
  ta_test_write_file (bad, text->str, -1);
  g_assert_null (ta_pseudonym_new_from_key_file (bad, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);
  ta_test_write_file (bad, "zz3456789012345678901234567890123456789012345678901234567890abcd", -1);
  g_assert_null (ta_pseudonym_new_from_key_file (bad, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);
  ta_test_write_file (bad, "", 0);
  g_assert_null (ta_pseudonym_new_from_key_file (bad, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_clear_error (&error);

  g_assert_null (ta_pseudonym_new_from_key_file (missing, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "missing.key"));
  g_clear_error (&error);
  g_assert_null (ta_pseudonym_new_from_key_file (tmp, &error));   /* a folder */
  g_assert_nonnull (error);
  ta_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/profile/aes/fips-197", test_aes);
  g_test_add_func ("/core/profile/pseudonym/reference-sample", test_reference_sample);
  g_test_add_func ("/core/profile/pseudonym/other-vectors", test_other_vectors);
  g_test_add_func ("/core/profile/pseudonym/prefix-preserving", test_prefix_preserving);
  g_test_add_func ("/core/profile/pseudonym/text-and-index", test_text_and_index);
  g_test_add_func ("/core/profile/pseudonym/key-file", test_key_file);
  return g_test_run ();
}
