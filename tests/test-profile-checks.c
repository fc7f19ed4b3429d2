/* test-profile-checks.c — the per-connection validation checklist (every
 * rule with a connection that fails it and one that passes), validated.csv
 * and the summary, and the service presets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-error.h"
#include "ta-out.h"
#include "ta-presets.h"
#include "ta-test-util.h"
#include "ta-validate.h"

#define T0 G_GINT64_CONSTANT (1793611800000000)  /* 2026-11-02 09:30 UTC */

static TaAddrTable *addrs;

static guint32
addr (const char *text)
{
  return ta_addr_table_intern_text (addrs, text, -1);
}

/* A plausible TCP connection 10.0.0.1:40000 → 10.0.0.2:80 that passes
 * every check */
static TaConn
good_conn (void)
{
  TaConn c;

  memset (&c, 0, sizeof c);
  c.id = 1;
  c.ts_first = T0;
  c.ts_last = T0 + 2 * G_USEC_PER_SEC;
  c.orig = addr ("10.0.0.1");
  c.resp = addr ("10.0.0.2");
  c.orig_p = 40000;
  c.resp_p = 80;
  c.proto = 6;
  c.state = TA_CONN_SF;
  c.orig_pkts = 5;
  c.resp_pkts = 4;
  c.orig_ip_bytes = 500;
  c.resp_ip_bytes = 4000;
  c.orig_bytes = 200;
  c.resp_bytes = 3800;
  c.orig_frame_bytes = 570;
  c.resp_frame_bytes = 4056;
  c.first_file = 0;
  c.first_frame = 1;
  c.last_file = 0;
  c.last_frame = 9;
  c.tcp_flags_orig = 0x1b;
  c.tcp_flags_resp = 0x1b;
  g_strlcpy (c.history, "ShADadFf", sizeof c.history);
  return c;
}

/* Validates @c with a fresh validator */
static guint32
validate (const TaConn *c,
          TaValidation *v)
{
  g_autoptr(TaValidator) val = ta_validator_new ();

  return ta_validate_conn (val, c, addrs, v);
}

static void
expect_fail (const TaConn *c,
             TaCheck       check,
             gboolean      still_valid)
{
  TaValidation v;

  validate (c, &v);
  if (!(v.failed & TA_CHECK_BIT (check)))
    g_error ("check %s did not fail", ta_check_get_info (check)->name);
  g_assert_cmpstr (v.reasons[check], !=, "");
  g_assert_cmpint (v.is_valid, ==, still_valid);
  g_assert_cmpint (v.is_valid, ==, v.errors == 0);
}

static void
expect_pass (const TaConn *c,
             TaCheck       check)
{
  TaValidation v;

  validate (c, &v);
  if (v.failed & TA_CHECK_BIT (check))
    g_error ("check %s failed: %s", ta_check_get_info (check)->name, v.reasons[check]);
  g_assert_cmpstr (v.reasons[check], ==, "");
}

static void
test_good (void)
{
  TaConn c = good_conn ();
  TaValidation v;

  g_assert_cmpuint (validate (&c, &v), ==, 0);
  g_assert_true (v.is_valid);
  g_assert_cmpuint (v.errors, ==, 0);
}

static void
test_names (void)
{
  for (guint i = 0; i < TA_CHECK_N; i++)
    {
      const TaCheckInfo *info = ta_check_get_info (i);

      g_assert_nonnull (info->name);
      g_assert_nonnull (info->description);
      g_assert_cmpuint (info->group, >=, 1);
      g_assert_cmpuint (info->group, <=, 8);
      g_assert_cmpint (ta_check_from_name (info->name), ==, (int) i);
    }
  g_assert_cmpint (ta_check_from_name ("no_such_check"), ==, -1);
  g_assert_cmpint (ta_check_from_name ("addr_multicast"), ==, TA_CHECK_ADDR_MULTICAST);
}

/* 1. schema and bounds */
static void
test_schema (void)
{
  TaConn c = good_conn ();

  c.ts_first = 0;
  expect_fail (&c, TA_CHECK_TS, FALSE);
  c = good_conn ();
  c.ts_last = TA_VALIDATE_TS_MAX_US + 1;
  expect_fail (&c, TA_CHECK_TS, FALSE);
  c = good_conn ();
  expect_pass (&c, TA_CHECK_TS);

  c.orig_pkts = c.resp_pkts = 0;
  c.orig_ip_bytes = c.resp_ip_bytes = c.orig_bytes = c.resp_bytes = 0;
  expect_fail (&c, TA_CHECK_PKT_COUNT, FALSE);
  c = good_conn ();
  c.resp_pkts = 0;   /* responder bytes without packets */
  expect_fail (&c, TA_CHECK_PKT_COUNT, FALSE);
  c = good_conn ();
  c.resp_pkts = 0;
  c.resp_ip_bytes = c.resp_bytes = 0;
  expect_pass (&c, TA_CHECK_PKT_COUNT);

  c = good_conn ();
  c.orig_frame_bytes = TA_VALIDATE_BYTES_MAX;
  expect_fail (&c, TA_CHECK_BYTES_ABSURD, FALSE);
  c = good_conn ();
  c.resp_bytes = c.resp_ip_bytes + 1;   /* payload larger than its IP bytes */
  expect_fail (&c, TA_CHECK_BYTES_ABSURD, FALSE);
  c.missed_bytes = 1000;                /* TCP: a sequence gap explains it */
  expect_pass (&c, TA_CHECK_BYTES_ABSURD);
  c.proto = 17;                         /* UDP: no such excuse */
  expect_fail (&c, TA_CHECK_BYTES_ABSURD, FALSE);

  /* extreme values: flagged, no overflow (the sanitizer build checks) */
  c = good_conn ();
  c.ts_first = G_MININT64;
  c.ts_last = G_MAXINT64;
  c.orig_pkts = c.resp_pkts = G_MAXUINT64;
  c.orig_ip_bytes = c.resp_ip_bytes = c.orig_bytes = c.resp_bytes = G_MAXUINT64;
  c.missed_bytes = G_MAXUINT64;
  expect_fail (&c, TA_CHECK_TS, FALSE);
  expect_fail (&c, TA_CHECK_BYTES_ABSURD, FALSE);
  expect_fail (&c, TA_CHECK_DURATION_LONG, FALSE);
  c.ts_first = G_MAXINT64;
  c.ts_last = G_MININT64;
  expect_fail (&c, TA_CHECK_DURATION_NEGATIVE, FALSE);
}

/* 2. addresses */
static void
test_addresses (void)
{
  TaConn c = good_conn ();
  g_autoptr(TaValidator) val = ta_validator_new ();
  g_autoptr(GError) error = NULL;
  TaValidation v;

  c.resp = addr ("4711");   /* an opaque name */
  expect_fail (&c, TA_CHECK_ADDR_INVALID, FALSE);
  c.resp = TA_ADDR_NONE;
  expect_fail (&c, TA_CHECK_ADDR_INVALID, FALSE);
  c.resp = addr ("0.0.0.0");
  expect_fail (&c, TA_CHECK_ADDR_INVALID, FALSE);
  c = good_conn ();
  c.proto = 17;              /* a DHCP client's 0.0.0.0:68 → 255.255.255.255:67 */
  c.orig = addr ("0.0.0.0");
  c.resp = addr ("255.255.255.255");
  c.orig_p = 68;
  c.resp_p = 67;
  c.resp_pkts = c.resp_ip_bytes = c.resp_bytes = c.resp_frame_bytes = 0;
  expect_pass (&c, TA_CHECK_ADDR_INVALID);
  expect_fail (&c, TA_CHECK_ADDR_BROADCAST, TRUE);   /* only a warning as the responder */
  c = good_conn ();
  c.resp = addr ("2001:db8::2");   /* IPv4 to IPv6 */
  expect_fail (&c, TA_CHECK_ADDR_INVALID, FALSE);
  c.orig = addr ("2001:db8::1");
  expect_pass (&c, TA_CHECK_ADDR_INVALID);
  c = good_conn ();
  expect_pass (&c, TA_CHECK_ADDR_INVALID);

  c.resp = c.orig;
  expect_fail (&c, TA_CHECK_ADDR_SAME, FALSE);
  c = good_conn ();
  expect_pass (&c, TA_CHECK_ADDR_SAME);

  c.resp = addr ("224.0.0.251");
  expect_fail (&c, TA_CHECK_ADDR_MULTICAST, TRUE);
  validate (&c, &v);
  g_assert_nonnull (strstr (v.reasons[TA_CHECK_ADDR_MULTICAST], "224.0.0.0/4"));
  g_assert_nonnull (strstr (v.reasons[TA_CHECK_ADDR_MULTICAST], "224.0.0.251"));
  c = good_conn ();
  c.orig = addr ("ff02::1");
  c.resp = addr ("fe80::1");
  expect_fail (&c, TA_CHECK_ADDR_MULTICAST, FALSE);   /* a multicast source is an error */
  c.orig = addr ("fe80::2");
  expect_pass (&c, TA_CHECK_ADDR_MULTICAST);
  c = good_conn ();
  c.resp = addr ("239.255.255.250");
  c.orig = addr ("223.255.255.255");
  expect_fail (&c, TA_CHECK_ADDR_MULTICAST, TRUE);
  c.resp = addr ("240.0.0.1");
  expect_pass (&c, TA_CHECK_ADDR_MULTICAST);

  /* broadcast: the limited one always, a directed one only when known */
  c = good_conn ();
  c.orig = addr ("255.255.255.255");
  expect_fail (&c, TA_CHECK_ADDR_BROADCAST, FALSE);
  c = good_conn ();
  c.resp = addr ("10.1.2.255");
  expect_pass (&c, TA_CHECK_ADDR_BROADCAST);
  g_assert_true (ta_validator_add_subnet (val, "10.1.2.0/24", &error));
  g_assert_no_error (error);
  ta_validate_conn (val, &c, addrs, &v);
  g_assert_true (v.failed & TA_CHECK_BIT (TA_CHECK_ADDR_BROADCAST));
  g_assert_nonnull (strstr (v.reasons[TA_CHECK_ADDR_BROADCAST], "10.1.2.0/24"));
  g_assert_false (ta_validator_add_subnet (val, "10.1.2.0", &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ta_validator_add_subnet (val, "10.1.2.0/31", &error));
  g_clear_error (&error);
  g_assert_false (ta_validator_add_subnet (val, "fd00::/8", &error));
  g_clear_error (&error);

  /* loopback: both sides a warning, one side an error */
  c = good_conn ();
  c.orig = addr ("127.0.0.1");
  c.resp = addr ("127.0.0.53");
  expect_fail (&c, TA_CHECK_ADDR_LOOPBACK, TRUE);
  c.resp = addr ("10.0.0.2");
  expect_fail (&c, TA_CHECK_ADDR_LOOPBACK, FALSE);
  c = good_conn ();
  c.orig = addr ("::1");
  c.resp = addr ("2001:db8::1");
  expect_fail (&c, TA_CHECK_ADDR_LOOPBACK, FALSE);
  validate (&c, &v);
  g_assert_nonnull (strstr (v.reasons[TA_CHECK_ADDR_LOOPBACK], "::1"));
  c.orig = addr ("2001:db8::2");
  expect_pass (&c, TA_CHECK_ADDR_LOOPBACK);
  c = good_conn ();
  c.orig = addr ("128.0.0.1");
  expect_pass (&c, TA_CHECK_ADDR_LOOPBACK);
}

/* 3. protocol and ports */
static void
test_protocol (void)
{
  TaConn c = good_conn ();

  c.proto = 0;
  c.orig_p = c.resp_p = 0;
  expect_fail (&c, TA_CHECK_PROTO_UNKNOWN, FALSE);
  c.proto = 253;   /* experimentation */
  expect_fail (&c, TA_CHECK_PROTO_UNKNOWN, FALSE);
  c.proto = 47;    /* GRE */
  expect_pass (&c, TA_CHECK_PROTO_UNKNOWN);
  expect_pass (&c, TA_CHECK_PORTS);
  c.orig_p = 1234; /* GRE has no ports */
  expect_fail (&c, TA_CHECK_PORTS, FALSE);

  c = good_conn ();
  c.proto = 1;     /* ICMP echo: type 8, code 0 */
  c.orig_p = 8;
  c.resp_p = 0;
  c.orig_bytes = c.resp_bytes = 0;
  expect_pass (&c, TA_CHECK_PORTS);
  expect_pass (&c, TA_CHECK_PROTO_UNKNOWN);
  c.resp_p = 300;
  expect_fail (&c, TA_CHECK_PORTS, FALSE);
  c = good_conn ();
  c.orig_p = 65535;  /* TCP: every 16-bit port is in range */
  c.resp_p = 65535;
  expect_pass (&c, TA_CHECK_PORTS);
}

/* 4. packets and bytes */
static void
test_sizes (void)
{
  TaConn c = good_conn ();

  c.orig_ip_bytes = 4;   /* 5 packets */
  c.orig_bytes = 0;
  expect_fail (&c, TA_CHECK_BYTES_LT_PKTS, FALSE);
  c.orig_ip_bytes = 5;
  expect_pass (&c, TA_CHECK_BYTES_LT_PKTS);
  expect_fail (&c, TA_CHECK_MEAN_SIZE, FALSE);   /* 1 byte per packet */
  c.orig_ip_bytes = 100; /* 20 per packet: the smallest IPv4 header */
  expect_pass (&c, TA_CHECK_MEAN_SIZE);
  c.orig_ip_bytes = 5 * G_GUINT64_CONSTANT (70000);
  expect_fail (&c, TA_CHECK_MEAN_SIZE, FALSE);
  c.orig_ip_bytes = 5 * G_GUINT64_CONSTANT (65535);
  expect_pass (&c, TA_CHECK_MEAN_SIZE);
}

/* 5. first index ≤ last index */
static void
test_index_order (void)
{
  TaConn c = good_conn ();

  c.first_frame = 10;
  c.last_frame = 9;
  expect_fail (&c, TA_CHECK_INDEX_ORDER, FALSE);
  c.first_file = 0;
  c.last_file = 1;     /* a later file: any frame */
  expect_pass (&c, TA_CHECK_INDEX_ORDER);
  c.first_file = 2;
  expect_fail (&c, TA_CHECK_INDEX_ORDER, FALSE);
  c = good_conn ();
  c.first_frame = c.last_frame;
  expect_pass (&c, TA_CHECK_INDEX_ORDER);
}

/* 6. duration */
static void
test_duration (void)
{
  TaConn c = good_conn ();

  c.ts_last = c.ts_first - 1;
  expect_fail (&c, TA_CHECK_DURATION_NEGATIVE, FALSE);
  c.ts_last = c.ts_first;
  expect_pass (&c, TA_CHECK_DURATION_NEGATIVE);

  /* several packets in 0 µs: a warning */
  expect_fail (&c, TA_CHECK_DURATION_ZERO, TRUE);
  c.ts_last = c.ts_first + 1;
  expect_pass (&c, TA_CHECK_DURATION_ZERO);

  c = good_conn ();
  c.orig_pkts = 1;
  c.orig_ip_bytes = 60;
  c.orig_bytes = 0;
  c.resp_pkts = c.resp_ip_bytes = c.resp_bytes = 0;
  c.last_frame = c.first_frame;
  expect_fail (&c, TA_CHECK_DURATION_SINGLE, FALSE);   /* one packet over 2 s */
  c.ts_last = c.ts_first;
  expect_pass (&c, TA_CHECK_DURATION_SINGLE);
  expect_pass (&c, TA_CHECK_DURATION_ZERO);

  c = good_conn ();
  c.ts_last = c.ts_first + TA_VALIDATE_LONG_US + 1;
  expect_fail (&c, TA_CHECK_DURATION_LONG, TRUE);
  c.ts_last = c.ts_first + TA_VALIDATE_LONG_US;
  expect_pass (&c, TA_CHECK_DURATION_LONG);
}

/* 7. protocol/port sanity */
static void
test_services (void)
{
  TaConn c = good_conn ();

  c.proto = 17;
  c.resp_p = 53;
  c.orig_bytes = c.resp_bytes = 0;
  c.ts_last = c.ts_first + 12 * G_USEC_PER_SEC;
  expect_fail (&c, TA_CHECK_DNS_LONG, TRUE);
  c.ts_last = c.ts_first + 200000;
  expect_pass (&c, TA_CHECK_DNS_LONG);

  c = good_conn ();
  c.resp_p = 443;
  c.orig_pkts = 1;
  c.orig_ip_bytes = 60;
  c.orig_bytes = 0;
  c.resp_pkts = c.resp_ip_bytes = c.resp_bytes = 0;
  c.ts_last = c.ts_first;
  c.last_frame = c.first_frame;
  expect_fail (&c, TA_CHECK_HTTPS_SHORT, TRUE);
  c.resp_pkts = 1;
  c.resp_ip_bytes = 60;
  c.ts_last = c.ts_first + 1000;
  expect_pass (&c, TA_CHECK_HTTPS_SHORT);

  c = good_conn ();
  c.resp_p = 0;
  expect_fail (&c, TA_CHECK_PORT_ZERO, TRUE);
  c.resp_p = 1;
  expect_pass (&c, TA_CHECK_PORT_ZERO);
  c.proto = 1;   /* ICMP echo reply: type 0 is no port */
  c.orig_p = 0;
  c.resp_p = 0;
  c.orig_bytes = c.resp_bytes = 0;
  expect_pass (&c, TA_CHECK_PORT_ZERO);
}

/* 8. duplicates */
static void
test_duplicates (void)
{
  g_autoptr(TaValidator) val = ta_validator_new ();
  TaConn a = good_conn (), b = good_conn (), d = good_conn ();
  TaValidation v;

  b.id = 2;
  b.first_frame = 2;   /* another first packet: not a duplicate */
  d.id = 3;            /* a's 5-tuple and first packet again */
  ta_validate_conn (val, &a, addrs, &v);
  g_assert_false (v.failed & TA_CHECK_BIT (TA_CHECK_DUPLICATE));
  ta_validate_conn (val, &b, addrs, &v);
  g_assert_false (v.failed & TA_CHECK_BIT (TA_CHECK_DUPLICATE));
  ta_validate_conn (val, &d, addrs, &v);
  g_assert_true (v.failed & TA_CHECK_BIT (TA_CHECK_DUPLICATE));
  g_assert_false (v.is_valid);
  g_assert_nonnull (strstr (v.reasons[TA_CHECK_DUPLICATE], "connection 1"));

  /* the window: after TA_VALIDATE_DUP_WINDOW others, a's key is forgotten */
  for (guint i = 0; i < TA_VALIDATE_DUP_WINDOW; i++)
    {
      TaConn o = good_conn ();

      o.id = 10 + i;
      o.first_frame = 100 + i;
      o.last_frame = 200 + i;
      ta_validate_conn (val, &o, addrs, &v);
      g_assert_false (v.failed & TA_CHECK_BIT (TA_CHECK_DUPLICATE));
    }
  ta_validate_conn (val, &d, addrs, &v);
  g_assert_false (v.failed & TA_CHECK_BIT (TA_CHECK_DUPLICATE));
  g_assert_cmpuint (ta_validator_get_count (val, TA_CHECK_DUPLICATE), ==, 1);
  g_assert_cmpuint (ta_validator_get_n_conns (val), ==, TA_VALIDATE_DUP_WINDOW + 4);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_csv (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *path = g_build_filename (tmp, "validated.csv", NULL);
  g_autofree char *spath = g_build_filename (tmp, "validation_summary.csv", NULL);
  g_autofree char *text = NULL, *summary = NULL;
  g_autoptr(TaValidator) val = ta_validator_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  TaConn good = good_conn (), bad = good_conn ();
  TaValidation v;
  TaOut *out;

  bad.id = 2;
  bad.first_frame = 20;
  bad.last_frame = 30;
  bad.resp = addr ("224.0.0.251");       /* warning */
  bad.ts_last = bad.ts_first - 5;        /* error */
  bad.orig = addr ("weird,name");        /* an opaque name with a comma: quoted */

  out = ta_out_open (path, TA_OUT_NONE, 0, &error);
  g_assert_no_error (error);
  ta_validated_write_header (out);
  ta_validate_conn (val, &good, addrs, &v);
  ta_validated_write_row (out, &good, "CABCDEFGHIJKLMNOPQ", addrs, &v);
  ta_validate_conn (val, &bad, addrs, &v);
  g_assert_false (v.is_valid);
  ta_validated_write_row (out, &bad, NULL, addrs, &v);
  g_assert_true (ta_out_commit_file (out, &error));
  g_assert_no_error (error);

  text = read_text (path);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "conn_id,uid,proto,orig_h,orig_p,resp_h,resp_p,is_valid,failed,reasons");
  g_assert_cmpstr (lines[1], ==, "1,CABCDEFGHIJKLMNOPQ,6,10.0.0.1,40000,10.0.0.2,80,true,,");
  g_test_message ("%s", lines[2]);
  g_assert_true (g_str_has_prefix (lines[2],
                                   "2,,6,\"weird,name\",40000,224.0.0.251,80,false,"
                                   "addr_invalid addr_multicast duration_negative,"));
  g_assert_nonnull (strstr (lines[2], "; "));
  g_assert_cmpstr (lines[3], ==, "");

  out = ta_out_open (spath, TA_OUT_NONE, 0, &error);
  ta_validator_write_summary (val, out);
  g_assert_true (ta_out_commit_file (out, &error));
  summary = read_text (spath);
  g_assert_nonnull (strstr (summary, "check,group,severity,connections\nts,1,error,0\n"));
  g_assert_nonnull (strstr (summary, "\naddr_multicast,2,error,1\n"));
  g_assert_nonnull (strstr (summary, "\nduration_negative,6,error,1\n"));
  g_assert_nonnull (strstr (summary, "\nall,0,,2\nvalid,0,,1\nvalid_with_warnings,0,,0\n"));
  g_assert_cmpuint (ta_validator_get_n_valid (val), ==, 1);
  ta_test_rm_rf (tmp);
}

static void
test_csv_field (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *path = g_build_filename (tmp, "f.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  TaOut *out = ta_out_open (path, TA_OUT_NONE, 0, &error);

  ta_validate_put_csv_field (out, "plain");
  ta_validate_put_csv_field (out, "|a,b|");
  ta_validate_put_csv_field (out, "say \"hi\"");
  ta_validate_put_csv_field (out, " lead");
  ta_validate_put_csv_field (out, "");
  g_assert_true (ta_out_commit_file (out, &error));
  text = read_text (path);
  g_assert_cmpstr (text, ==, "plain\"|a,b|\"\"say \"\"hi\"\"\"\" lead\"");
  ta_test_rm_rf (tmp);
}

static TaPacket
packet (guint8  proto,
        guint16 sport,
        guint16 dport)
{
  TaPacket p;

  memset (&p, 0, sizeof p);
  p.proto = proto;
  p.sport = sport;
  p.dport = dport;
  p.pflags = TA_PKT_HAS_PORTS;
  return p;
}

static void
test_presets (void)
{
  static const guint16 mail[] = { 25, 465, 587, 110, 995, 143, 993 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const guint16 *ports;
  TaPreset preset;
  TaPacket p;
  gsize n;

  g_assert_true (ta_preset_parse ("mail", &preset, &error));
  g_assert_cmpint (preset, ==, TA_PRESET_MAIL);
  ports = ta_preset_get_ports (preset, &n);
  g_assert_cmpmem (ports, n * sizeof *ports, mail, sizeof mail);
  g_assert_true (ta_preset_parse ("DNS", &preset, &error));
  g_assert_cmpint (preset, ==, TA_PRESET_DNS);
  text = ta_preset_ports_to_string (preset);
  g_assert_cmpstr (text, ==, "53, 853, 5353");
  g_assert_false (ta_preset_parse ("ftp", &preset, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "ftp"));
  for (guint i = 0; i < TA_PRESET_N; i++)
    {
      TaPreset back;

      g_assert_true (ta_preset_parse (ta_preset_name (i), &back, NULL));
      g_assert_cmpint (back, ==, (int) i);
    }

  g_assert_true (ta_preset_has_port (TA_PRESET_PROXY, 3128));
  g_assert_true (ta_preset_has_port (TA_PRESET_PROXY, 1080));
  g_assert_false (ta_preset_has_port (TA_PRESET_PROXY, 80));
  g_assert_true (ta_preset_has_port (TA_PRESET_WEB, 8443));

  p = packet (6, 51000, 443);
  g_assert_true (ta_preset_match_packet (TA_PRESET_WEB, &p));
  p = packet (6, 443, 51000);   /* the server's reply */
  g_assert_true (ta_preset_match_packet (TA_PRESET_WEB, &p));
  p = packet (17, 51000, 443);  /* QUIC */
  g_assert_true (ta_preset_match_packet (TA_PRESET_WEB, &p));
  p = packet (6, 51000, 22);
  g_assert_false (ta_preset_match_packet (TA_PRESET_WEB, &p));
  p = packet (17, 5353, 5353);
  g_assert_true (ta_preset_match_packet (TA_PRESET_DNS, &p));
  p = packet (1, 0, 53);        /* ICMP: no ports */
  g_assert_false (ta_preset_match_packet (TA_PRESET_DNS, &p));
  p = packet (17, 40000, 53);
  p.pflags = 0;                 /* ports unknown (a later fragment) */
  g_assert_false (ta_preset_match_packet (TA_PRESET_DNS, &p));
  p = packet (6, 40000, 993);
  g_assert_true (ta_preset_match_packet (TA_PRESET_MAIL, &p));
  g_assert_false (ta_preset_match_packet (TA_PRESET_PROXY, &p));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  addrs = ta_addr_table_new ();
  g_test_add_func ("/core/profile/validate/good", test_good);
  g_test_add_func ("/core/profile/validate/names", test_names);
  g_test_add_func ("/core/profile/validate/schema", test_schema);
  g_test_add_func ("/core/profile/validate/addresses", test_addresses);
  g_test_add_func ("/core/profile/validate/protocol", test_protocol);
  g_test_add_func ("/core/profile/validate/sizes", test_sizes);
  g_test_add_func ("/core/profile/validate/index-order", test_index_order);
  g_test_add_func ("/core/profile/validate/duration", test_duration);
  g_test_add_func ("/core/profile/validate/services", test_services);
  g_test_add_func ("/core/profile/validate/duplicates", test_duplicates);
  g_test_add_func ("/core/profile/validate/csv", test_csv);
  g_test_add_func ("/core/profile/validate/csv-field", test_csv_field);
  g_test_add_func ("/core/profile/presets", test_presets);
  ret = g_test_run ();
  ta_addr_table_free (addrs);
  return ret;
}
