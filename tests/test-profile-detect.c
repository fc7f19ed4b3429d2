/* test-profile-detect.c — the behaviour detectors on hand-made connection
 * sequences (each fires at its threshold and not just below), their files,
 * MAWILab label files, scoring, and the demo investigation scored against
 * its ground truth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-addr-table.h"
#include "ta-attack-data.h"
#include "ta-conn.h"
#include "ta-detect-score.h"
#include "ta-detect.h"
#include "ta-error.h"
#include "ta-ground-truth.h"
#include "ta-ip-map.h"
#include "ta-mawilab.h"
#include "ta-packet-reader.h"
#include "ta-read-stats.h"
#include "ta-test-util.h"

#define T0 G_GINT64_CONSTANT (1793610000000000)   /* a multiple of 300 s */
#define SEC G_GINT64_CONSTANT (1000000)

typedef struct
{
  TaAddrTable *addrs;
  TaDetector  *det;
  guint64      id;
} Fixture;

static void
fixture_init (Fixture               *fx,
              const TaDetectOptions *o)
{
  fx->addrs = ta_addr_table_new ();
  fx->det = ta_detector_new (o);
  fx->id = 0;
}

static void
fixture_clear (Fixture *fx)
{
  ta_detector_free (fx->det);
  ta_addr_table_free (fx->addrs);
}

static guint32
addr (Fixture *fx,
      guint    a,
      guint    b)
{
  g_autofree char *s = g_strdup_printf ("10.%u.%u.%u", a, b / 250, b % 250 + 1);

  return ta_addr_table_intern_text (fx->addrs, s, -1);
}

/* One connection: @answered TCP exchanged payload (SF), else an S0 probe
 * (UDP/ICMP: no reply) */
static TaConn
conn (Fixture *fx,
      gint64   ts,
      guint32  orig,
      guint32  resp,
      guint8   proto,
      guint16  orig_p,
      guint16  resp_p,
      gboolean answered)
{
  TaConn c = { 0, };

  c.id = ++fx->id;
  c.ts_first = ts;
  c.ts_last = ts + (answered ? 2 * SEC : 0);
  c.orig = orig;
  c.resp = resp;
  c.orig_p = orig_p;
  c.resp_p = resp_p;
  c.proto = proto;
  c.state = answered ? TA_CONN_SF : TA_CONN_S0;
  c.orig_pkts = answered ? 6 : 1;
  c.resp_pkts = answered ? 5 : 0;
  c.orig_bytes = answered ? 300 : 0;
  c.resp_bytes = answered ? 1200 : 0;
  c.orig_ip_bytes = c.orig_pkts * 40 + c.orig_bytes;
  c.resp_ip_bytes = c.resp_pkts * 40 + c.resp_bytes;
  c.orig_frame_bytes = c.orig_ip_bytes + 14 * c.orig_pkts;
  c.resp_frame_bytes = c.resp_ip_bytes + 14 * c.resp_pkts;
  return c;
}

static void
add (Fixture *fx,
     TaConn   c)
{
  ta_detector_add_conn (fx->det, &c);
}

/* Finishes and counts the findings of @type */
static guint
finish_count (Fixture      *fx,
              TaFindingType type)
{
  const GPtrArray *f;
  guint n = 0;

  g_assert_true (ta_detector_finish (fx->det, fx->addrs, NULL, NULL));
  f = ta_detector_get_findings (fx->det);
  for (guint i = 0; i < f->len; i++)
    {
      const TaFinding *x = f->pdata[i];

      if (x->type == type)
        n++;
      else
        g_test_message ("other finding: %s %s", ta_finding_type_id (x->type), x->evidence);
    }
  return n;
}

static const TaFinding *
first_finding (Fixture *fx)
{
  const GPtrArray *f = ta_detector_get_findings (fx->det);

  g_assert_cmpuint (f->len, >=, 1);
  return f->pdata[0];
}

/* ---- each detector at its threshold and just below --------------------- */

static guint
run_network_scan (guint n_dsts)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < n_dsts; i++)
    add (&fx, conn (&fx, T0 + i * 100000, addr (&fx, 9, 0), addr (&fx, 1, i), 6, 40000 + i, 445, FALSE));
  /* some answered traffic of the same source, below the 20 % it may have */
  for (guint i = 0; i < n_dsts / 5; i++)
    add (&fx, conn (&fx, T0 + 10 * SEC + i * SEC, addr (&fx, 9, 0), addr (&fx, 2, 0), 6, 50000 + i, 443, TRUE));
  n = finish_count (&fx, TA_FINDING_NETWORK_SCAN);
  if (n == 1)
    {
      const TaFinding *f = first_finding (&fx);

      g_assert_cmpstr (f->mawilab, ==, "network_scan_SYN");
      g_assert_cmpuint (f->srcs->len, ==, 1);
      g_assert_cmpuint (f->dsts->len, ==, n_dsts);
      g_assert_cmpuint (f->conns, ==, n_dsts);
      g_assert_nonnull (strstr (f->evidence, "distinct_dsts=50"));
    }
  fixture_clear (&fx);
  return n;
}

static guint
run_icmp_sweep (guint16 icmp_type)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < 60; i++)
    add (&fx, conn (&fx, T0 + i * SEC, addr (&fx, 9, 0), addr (&fx, 1, i), 1, icmp_type, 0, FALSE));
  n = finish_count (&fx, TA_FINDING_NETWORK_SCAN);
  if (n == 1)
    g_assert_cmpstr (first_finding (&fx)->mawilab, ==, "network_scan_ICMP_ecrq");
  fixture_clear (&fx);
  return n;
}

static void
test_network_scan (void)
{
  g_assert_cmpuint (run_network_scan (50), ==, 1);
  g_assert_cmpuint (run_network_scan (49), ==, 0);
  /* a ping sweep is one; a router's unreachables to many hosts are not */
  g_assert_cmpuint (run_icmp_sweep (8), ==, 1);
  g_assert_cmpuint (run_icmp_sweep (3), ==, 0);
}

static guint
run_port_scan (guint   n_ports,
               guint8  proto,
               guint64 payload)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < n_ports; i++)
    {
      TaConn c = conn (&fx, T0 + i * 10000, addr (&fx, 9, 1), addr (&fx, 1, 0), proto, 40000, (guint16) (i + 1), FALSE);

      c.orig_bytes = payload;
      add (&fx, c);
    }
  n = finish_count (&fx, TA_FINDING_PORT_SCAN);
  if (n == 1)
    g_assert_cmpuint (first_finding (&fx)->ports->len, ==, n_ports);
  fixture_clear (&fx);
  return n;
}

static void
test_port_scan (void)
{
  g_assert_cmpuint (run_port_scan (50, 6, 0), ==, 1);
  g_assert_cmpuint (run_port_scan (49, 6, 0), ==, 0);
  g_assert_cmpuint (run_port_scan (50, 17, 100), ==, 1);
  /* a UDP flood to random ports carries payload: no scan */
  g_assert_cmpuint (run_port_scan (500, 17, 101), ==, 0);
}

static guint
run_ddos (guint   n_sources,
          guint   n_conns,
          guint8  proto,
          guint   pkts_each)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < n_conns; i++)
    {
      TaConn c = conn (&fx, T0 + i * 1000, addr (&fx, 7, i % n_sources), addr (&fx, 1, 5), proto,
                       (guint16) (1024 + i), 80, FALSE);

      c.orig_pkts = pkts_each;
      add (&fx, c);
    }
  /* normal visits: answered, a few sources */
  for (guint i = 0; i < n_conns / 10; i++)
    add (&fx, conn (&fx, T0 + i * 20000, addr (&fx, 2, i % 3), addr (&fx, 1, 5), proto, 2000, 80, TRUE));
  n = finish_count (&fx, TA_FINDING_DDOS);
  if (n == 1)
    {
      g_assert_cmpuint (first_finding (&fx)->srcs->len, ==, n_sources);
      g_assert_cmpuint (first_finding (&fx)->dsts->len, ==, 1);
    }
  fixture_clear (&fx);
  return n;
}

static void
test_ddos (void)
{
  g_assert_cmpuint (run_ddos (5, 500, 6, 1), ==, 1);
  g_assert_cmpuint (run_ddos (5, 499, 6, 1), ==, 0);
  g_assert_cmpuint (run_ddos (4, 800, 6, 1), ==, 0);
  /* UDP: by packets */
  g_assert_cmpuint (run_ddos (5, 50, 17, 100), ==, 1);
  g_assert_cmpuint (run_ddos (5, 49, 17, 102), ==, 0);   /* 4998 packets */
}

static guint
run_ping_flood (guint pkts)
{
  Fixture fx;
  TaConn c;
  guint n;

  fixture_init (&fx, NULL);
  c = conn (&fx, T0, addr (&fx, 9, 2), addr (&fx, 1, 7), 1, 8, 0, FALSE);
  c.orig_pkts = pkts;
  c.ts_last = T0 + 60 * SEC;
  add (&fx, c);
  n = finish_count (&fx, TA_FINDING_PING_FLOOD);
  if (n == 1)
    g_assert_cmpstr (first_finding (&fx)->mawilab, ==, "point_to_point_denial_of_service_ICMP");
  fixture_clear (&fx);
  return n;
}

static void
test_ping_flood (void)
{
  g_assert_cmpuint (run_ping_flood (1000), ==, 1);
  g_assert_cmpuint (run_ping_flood (999), ==, 0);
}

static guint
run_brute (guint   n_conns,
           guint16 port)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < n_conns; i++)
    add (&fx, conn (&fx, T0 + i * 3 * SEC, addr (&fx, 9, 3), addr (&fx, 1, 8), 6, (guint16) (50000 + i), port, TRUE));
  n = finish_count (&fx, TA_FINDING_BRUTE_FORCE);
  if (n == 1)
    g_assert_true (g_str_has_prefix (first_finding (&fx)->mawilab, "point_to_point_brute_force_"));
  fixture_clear (&fx);
  return n;
}

static void
test_brute_force (void)
{
  g_assert_cmpuint (run_brute (20, 22), ==, 1);
  g_assert_cmpuint (run_brute (19, 22), ==, 0);
  g_assert_cmpuint (run_brute (20, 3389), ==, 1);
  g_assert_cmpuint (run_brute (40, 443), ==, 0);
}

static guint
run_spam (guint n_conns,
          guint n_dsts)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < n_conns; i++)
    add (&fx, conn (&fx, T0 + i * 2 * SEC, addr (&fx, 1, 99), addr (&fx, 8, i % n_dsts), 6, (guint16) (50000 + i), 25, TRUE));
  n = finish_count (&fx, TA_FINDING_SPAM);
  fixture_clear (&fx);
  return n;
}

static void
test_spam (void)
{
  g_assert_cmpuint (run_spam (90, 20), ==, 1);
  g_assert_cmpuint (run_spam (89, 20), ==, 0);
  g_assert_cmpuint (run_spam (120, 19), ==, 0);
}

/* @n connections every 60 s, alternately @jitter s early and late */
static guint
run_beacon (guint  n_conns,
            double jitter)
{
  Fixture fx;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < n_conns; i++)
    {
      gint64 t = T0 + i * 60 * SEC + (gint64) ((i % 2 ? jitter : -jitter) * 1e6);

      add (&fx, conn (&fx, t, addr (&fx, 1, 66), addr (&fx, 8, 200), 6, (guint16) (50000 + i), 443, TRUE));
    }
  n = finish_count (&fx, TA_FINDING_BEACONING);
  if (n == 1)
    g_assert_cmpuint (first_finding (&fx)->conns, ==, n_conns);
  fixture_clear (&fx);
  return n;
}

static void
test_beaconing (void)
{
  /* gaps 60 ± 2j: sd ≈ 2j, so CV ≈ j / 30 (a bit more with few gaps) */
  g_assert_cmpuint (run_beacon (8, 1.0), ==, 1);
  g_assert_cmpuint (run_beacon (7, 1.0), ==, 0);
  g_assert_cmpuint (run_beacon (40, 5.5), ==, 1);   /* CV ≈ 0.18 */
  g_assert_cmpuint (run_beacon (40, 6.5), ==, 0);   /* CV ≈ 0.22 */
}

static guint
run_alpha (guint64 big)
{
  Fixture fx;
  TaConn c;
  guint n;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < 2000; i++)
    add (&fx, conn (&fx, T0 + i * SEC, addr (&fx, 1, i % 100), addr (&fx, 8, i % 7), 6, 50000, 443, TRUE));
  c = conn (&fx, T0 + 100 * SEC, addr (&fx, 1, 77), addr (&fx, 8, 240), 6, 50001, 443, TRUE);
  c.orig_bytes = big;
  c.resp_bytes = 0;
  c.orig_pkts = big / 1448 + 1;
  c.ts_last = c.ts_first + 7 * SEC;
  add (&fx, c);
  n = finish_count (&fx, TA_FINDING_ALPHA_FLOW);
  fixture_clear (&fx);
  return n;
}

static void
test_alpha_flow (void)
{
  g_assert_cmpuint (run_alpha (10000000), ==, 1);
  g_assert_cmpuint (run_alpha (9999999), ==, 0);
}

/* A scan over two windows is one finding; the key tables empty as time
 * passes (memory does not grow with connections) */
static void
test_windows (void)
{
  Fixture fx;
  guint peak;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < 200; i++)
    add (&fx, conn (&fx, T0 + 290 * SEC + i * 100000, addr (&fx, 9, 0), addr (&fx, 1, i), 6, 40000, 445, FALSE));
  for (guint r = 0; r < 50; r++)
    for (guint i = 0; i < 100; i++)
      add (&fx, conn (&fx, T0 + 400 * SEC + r * 120 * SEC + i * SEC, addr (&fx, 2, i), addr (&fx, 3, i % 10), 17,
                      (guint16) (1024 + r), 53, TRUE));
  peak = ta_detector_get_peak_keys (fx.det);
  g_test_message ("keys peak %u, now %u, connections %" G_GUINT64_FORMAT, peak,
                  ta_detector_get_n_keys (fx.det), ta_detector_get_n_conns (fx.det));
  g_assert_cmpuint (peak, <, 5000);
  g_assert_cmpuint (finish_count (&fx, TA_FINDING_NETWORK_SCAN), ==, 1);
  g_assert_cmpuint (first_finding (&fx)->dsts->len, ==, 200);
  fixture_clear (&fx);
}

/* ---- the files ------------------------------------------------------------ */

static void
test_files (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-detect-XXXXXX");
  g_autofree char *dir = g_build_filename (tmp, "profile", NULL);
  g_autofree char *csv = g_build_filename (dir, "detected_attacks.csv", NULL);
  g_autofree char *grouped = g_build_filename (dir, "detected_grouped_attacks.csv", NULL);
  g_autofree char *findings = g_build_filename (dir, "findings.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaAttackData) gdata = ta_attack_data_new ();
  g_autoptr(TaLabelMap) types = NULL;
  g_autoptr(TaLabelMap) groups = NULL;
  g_autoptr(TaIpMap) ip_map = NULL;
  g_autofree char *types_path = NULL, *groups_path = NULL, *map_path = NULL, *colors = NULL;
  g_autoptr(GError) error = NULL;
  const TaAttackRecord *recs;
  guint n_recs;
  gint64 code;
  Fixture fx;

  fixture_init (&fx, NULL);
  for (guint i = 0; i < 60; i++)
    add (&fx, conn (&fx, T0 + i * 2 * SEC, addr (&fx, 9, 0), addr (&fx, 1, i), 6, 40000, 445, FALSE));
  for (guint i = 0; i < 100; i++)
    add (&fx, conn (&fx, T0 + i * 2 * SEC, addr (&fx, 1, 99), addr (&fx, 8, i % 30), 6, (guint16) (50000 + i), 25, TRUE));
  g_assert_true (ta_detector_finish (fx.det, fx.addrs, dir, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_detector_get_findings (fx.det)->len, ==, 2);

  g_assert_true (g_file_get_contents (findings, &text, NULL, NULL));
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "id,type,mawilab,name,protocol,start,start_us,end,end_us,"));
  g_assert_nonnull (strstr (text, ",network_scan,network_scan_SYN,network scan,6,2026-11-02T09:00:00Z,"));
  g_assert_nonnull (strstr (text, ",spam,point_to_multipoint_SMTP,"));
  g_assert_nonnull (strstr (text, ",1,10.9.0.1,60,10.1.0.1 10.1.0.2 10.1.0.3 10.1.0.4 10.1.0.5,1,445,60,60,"));

  /* the view's companion lookup finds every mapping */
  types_path = ta_attack_find_event_mapping (csv);
  groups_path = ta_attack_find_group_mapping (csv);
  map_path = ta_attack_find_ip_map (csv);
  colors = ta_attack_find_colors (csv, FALSE);
  g_assert_nonnull (types_path);
  g_assert_nonnull (groups_path);
  g_assert_nonnull (map_path);
  g_assert_nonnull (colors);
  types = ta_label_map_load (types_path, &error);
  g_assert_no_error (error);
  groups = ta_label_map_load (groups_path, &error);
  g_assert_no_error (error);
  ip_map = ta_ip_map_load (map_path, &error);
  g_assert_no_error (error);
  g_assert_true (ta_label_map_lookup_label (types, "network scan", &code));
  g_assert_cmpint (ta_ip_map_lookup_addr (ip_map, "10.9.0.1"), >=, 0);

  g_assert_true (ta_attack_data_load_file (data, csv, &error));
  g_assert_no_error (error);
  recs = ta_attack_data_get_records (data, &n_recs);
  g_assert_cmpuint (n_recs, >, 0);
  /* the scan's 60 SYNs and the spam's 100 × 11 packets */
  g_assert_cmpuint (ta_attack_data_get_total_packets (data), ==, 60 + 100 * 11);
  for (guint i = 0; i < n_recs; i++)
    g_assert_nonnull (ta_label_map_lookup_code (types, recs[i].attack));
  g_assert_true (ta_attack_data_load_file (gdata, grouped, &error));
  g_assert_no_error (error);
  g_assert_true (ta_attack_data_has_groups (gdata));
  g_assert_true (ta_attack_data_check_mapping (gdata, types, groups, &error));
  g_assert_no_error (error);
  fixture_clear (&fx);
  ta_test_rm_rf (tmp);
}

/* No finding: the files are written all the same (headers only) */
static void
test_files_empty (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-detect-XXXXXX");
  g_autofree char *csv = g_build_filename (tmp, "detected_attacks.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fx;

  fixture_init (&fx, NULL);
  add (&fx, conn (&fx, T0, addr (&fx, 1, 1), addr (&fx, 2, 2), 6, 40000, 443, TRUE));
  g_assert_true (ta_detector_finish (fx.det, fx.addrs, tmp, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_detector_get_findings (fx.det)->len, ==, 0);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "timestamp,length,src_ip,dst_ip,protocol,attack,count\n");
  fixture_clear (&fx);
  ta_test_rm_rf (tmp);
}

static void
test_type_labels (void)
{
  static const struct { const char *label; gint type; } cases[] = {
    { "scan /usr/bin/nmap horizontal syn", TA_FINDING_NETWORK_SCAN },
    { "scan /usr/bin/nmap vertical ports", TA_FINDING_PORT_SCAN },
    { "ddos syn flood", TA_FINDING_DDOS },
    { "ssh brute force", TA_FINDING_BRUTE_FORCE },
    { "c2 beaconing https", TA_FINDING_BEACONING },
    { "exfil bulk upload", TA_FINDING_ALPHA_FLOW },
    { "spam bot", TA_FINDING_SPAM },
    { "ddos udp flood", TA_FINDING_DDOS },
    { "network_scan_SYN_t_139_445", TA_FINDING_NETWORK_SCAN },
    { "network_scan_ICMP_ecrq", TA_FINDING_NETWORK_SCAN },
    { "point_to_point_port_scan_UDP", TA_FINDING_PORT_SCAN },
    { "distributed_denial_of_service_SYN", TA_FINDING_DDOS },
    { "multipoint_to_point_low_activity_HTTP", TA_FINDING_DDOS },
    { "small_point_to_point_denial_of_service_ICMP", TA_FINDING_PING_FLOOD },
    { "alpha_flow_HTTP", TA_FINDING_ALPHA_FLOW },
    { "heavy_hitter", TA_FINDING_ALPHA_FLOW },
    { "point_to_multipoint_HTTP", TA_FINDING_SPAM },
    { "multipoint_to_multipoint", -1 },
    { "ipv4_ipv6_tunnel", -1 },
    { "ttl_error", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (ta_finding_type_for_label (cases[i].label), ==, cases[i].type);
  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    {
      g_assert_cmpint (ta_finding_type_for_label (ta_finding_type_id (t)), ==, (gint) t);
      g_assert_cmpint (ta_finding_type_for_label (ta_finding_type_label (t)), ==, (gint) t);
    }
}

/* ---- MAWILab ----------------------------------------------------------------- */

static void
test_mawilab_good (void)
{
  g_autofree char *path = ta_test_data_path ("mawilab", "20261102_anomalous_suspicious.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaMawilab) m = ta_mawilab_load (path, &error);
  const TaMawilabEvent *e;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpuint (ta_mawilab_get_n_bad (m), ==, 0);
  g_assert_cmpuint (ta_mawilab_get_n_events (m), ==, 6);
  e = ta_mawilab_get_event (m, 0);
  g_assert_cmpuint (e->anomaly_id, ==, 0);
  g_assert_cmpstr (e->src, ==, "10.9.0.1");
  g_assert_null (e->dst);
  g_assert_cmpint (e->sport, ==, TA_MAWILAB_ANY_PORT);
  g_assert_cmpint (e->dport, ==, 445);
  g_assert_cmpstr (e->taxonomy, ==, "network_scan_SYN");
  g_assert_cmpint (e->heuristic, ==, 20);
  g_assert_cmpfloat_with_epsilon (e->distance, 3.17, 1e-9);
  g_assert_cmpint (e->nb_detectors, ==, 3);
  g_assert_cmpstr (e->label, ==, "anomalous");
  g_assert_cmpint (e->start_us, ==, G_MININT64);
  ta_mawilab_set_time_range (m, T0, T0 + 900 * SEC);
  g_assert_cmpint (ta_mawilab_get_event (m, 0)->start_us, ==, T0);
  g_assert_cmpint (ta_mawilab_get_event (m, 0)->end_us, ==, T0 + 900 * SEC);
}

static void
test_mawilab_bad (void)
{
  static const char data[] =
    "anomalyID,srcIP,srcPort,dstIP,dstPort,taxonomy,heuristic,distance,nbDetectors,label,from,to\r\n"
    "1,10.0.0.1,,10.0.0.2,80,alpha_flow_HTTP,502,1.5,2,suspicious,1793610000.5,1793610060\r\n"
    "2,10.0.0.300,,,,network_scan_SYN,20,1,1,anomalous,,\r\n"         /* 3: address */
    "3,10.0.0.1,70000,,,network_scan_SYN,20,1,1,anomalous,,\r\n"      /* 4: port */
    "4,10.0.0.1,,,80,network_scan_SYN,1000,1,1,anomalous,,\r\n"       /* 5: heuristic */
    "5,10.0.0.1,,,80,network_scan_SYN,20,-1,1,anomalous,,\r\n"        /* 6: distance */
    "6,10.0.0.1,,,80,network_scan_SYN,20,1,1,weird,,\r\n"             /* 7: label */
    "7,10.0.0.1,,,80,network_scan_SYN,20,1,1,anomalous,20,10\r\n"     /* 8: to < from */
    "8,10.0.0.1,,,80\r\n"                                             /* 9: fields */
    "x,10.0.0.1,,,80,network_scan_SYN,20,1,1,anomalous,,\r\n"         /* 10: id */
    ",,,,,,,,,,,\r\n"
    "9,fd00:20::0:1,,2001:db8::80,443,alpha_flow,20,nan,1,notice,,\r\n"  /* 12: distance nan */
    "10,fd00:20::0:1,,2001:db8::80,443,alpha_flow,20,0.5,101,notice,,\r\n" /* 13: detectors */
    "11,FD00:20::1,,,443.0,alpha_flow,20,0.5,4,notice,,\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaMawilab) m = ta_mawilab_new_from_data (data, sizeof data - 1, "bad.csv", &error);
  const GPtrArray *problems;

  g_assert_no_error (error);
  g_assert_cmpuint (ta_mawilab_get_n_events (m), ==, 2);
  g_assert_cmpuint (ta_mawilab_get_n_bad (m), ==, 10);
  g_assert_cmpuint (ta_mawilab_get_n_blank (m), ==, 1);
  g_assert_cmpint (ta_mawilab_get_event (m, 0)->start_us, ==, G_GINT64_CONSTANT (1793610000500000));
  g_assert_cmpint (ta_mawilab_get_event (m, 0)->end_us, ==, G_GINT64_CONSTANT (1793610060000000));
  g_assert_cmpstr (ta_mawilab_get_event (m, 1)->src, ==, "fd00:20::1");
  g_assert_cmpint (ta_mawilab_get_event (m, 1)->dport, ==, 443);
  problems = ta_mawilab_get_problems (m);
  g_assert_cmpuint (problems->len, ==, TA_MAWILAB_MAX_PROBLEMS);
  g_assert_cmpstr (problems->pdata[0], ==, "bad.csv:3: bad srcIP");
  g_assert_true (g_str_has_prefix (problems->pdata[1], "bad.csv:4: bad srcPort"));
  g_assert_true (g_str_has_prefix (problems->pdata[2], "bad.csv:5: bad heuristic"));

  g_clear_pointer (&m, ta_mawilab_free);
  m = ta_mawilab_new_from_data ("anomalyID,srcIP,dstIP,label\n", 28, "nohdr.csv", &error);
  g_assert_null (m);
  g_assert_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN);
  g_clear_error (&error);
  m = ta_mawilab_new_from_data ("", 0, "empty.csv", &error);
  g_assert_null (m);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
}

/* Hand-made findings against the hand-made MAWILab file */
static void
test_score_mawilab (void)
{
  g_autofree char *path = ta_test_data_path ("mawilab", "20261102_anomalous_suspicious.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaMawilab) m = ta_mawilab_load (path, &error);
  g_autoptr(GArray) events = ta_score_events_new ();
  TaDetectScore score;
  Fixture fx;

  g_assert_no_error (error);
  ta_mawilab_set_time_range (m, T0, T0 + 900 * SEC);
  ta_score_events_add_mawilab (events, m);
  fixture_init (&fx, NULL);
  /* the scan the file labels, and a port scan it does not */
  for (guint i = 0; i < 60; i++)
    add (&fx, conn (&fx, T0 + i * SEC, addr (&fx, 9, 0), addr (&fx, 1, i), 6, 40000, 445, FALSE));
  for (guint i = 0; i < 60; i++)
    add (&fx, conn (&fx, T0 + i * SEC, addr (&fx, 9, 5), addr (&fx, 1, 0), 6, 40000, (guint16) (i + 1), FALSE));
  g_assert_true (ta_detector_finish (fx.det, fx.addrs, NULL, NULL));
  ta_detect_score (ta_detector_get_findings (fx.det), fx.addrs, events, 60 * SEC, &score);
  /* 6 rows: the notice row is left out; multipoint_to_multipoint has no type */
  g_assert_cmpuint (events->len, ==, 5);
  g_assert_cmpuint (score.n_events_untyped, ==, 1);
  g_assert_cmpuint (score.types[TA_FINDING_NETWORK_SCAN].n_events, ==, 1);
  g_assert_cmpfloat (score.types[TA_FINDING_NETWORK_SCAN].recall, ==, 1.0);
  g_assert_cmpfloat (score.types[TA_FINDING_NETWORK_SCAN].precision, ==, 1.0);
  g_assert_cmpfloat (score.types[TA_FINDING_PORT_SCAN].precision, ==, 0.0);
  g_assert_cmpfloat (score.types[TA_FINDING_PORT_SCAN].recall, ==, -1.0);
  g_assert_cmpfloat (score.types[TA_FINDING_DDOS].recall, ==, 0.0);
  g_assert_cmpfloat (score.types[TA_FINDING_DDOS].precision, ==, -1.0);
  g_assert_cmpfloat (score.types[TA_FINDING_ALPHA_FLOW].recall, ==, 0.0);
  fixture_clear (&fx);
}

/* ---- the demo investigation ------------------------------------------------ */


static void
conn_done (const TaConn *c,
           gpointer      user_data)
{
  ta_detector_add_conn (user_data, c);
}

/* Packets → connections → detector, as the profile feeds it */
static void
detect_file (const char  *path,
             const char  *map_path,
             TaAddrTable *addrs,
             TaDetector  *det)
{
  g_autoptr(TaIpMap) ip_map = ta_ip_map_load (map_path, NULL);
  g_autoptr(TaConnTracker) tracker = ta_conn_tracker_new (NULL, conn_done, det);
  g_autoptr(GError) error = NULL;
  TaReaderConfig rc = { 0, };
  TaReadStats stats;
  TaPacketReader *reader;
  TaPacket p;
  guint64 n = 0;

  g_assert_nonnull (ip_map);
  ta_read_stats_init (&stats);
  rc.addrs = addrs;
  rc.stats = &stats;
  rc.ip_map = ip_map;
  reader = ta_packet_reader_open (path, &rc, &error);
  g_assert_no_error (error);
  while (ta_packet_reader_next (reader, &p, &error))
    {
      gboolean is_new, from_orig;

      ta_conn_tracker_add (tracker, &p, &is_new, &from_orig);
      n++;
    }
  g_assert_no_error (error);
  ta_conn_tracker_finish (tracker);
  g_test_message ("%" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " connections, peak open %u",
                  n, ta_conn_tracker_get_n_done (tracker), ta_conn_tracker_get_peak_open (tracker));
  ta_packet_reader_free (reader);
  ta_read_stats_clear (&stats);
}

static void
test_demo (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-detect-demo-XXXXXX");
  g_autofree char *dir = g_build_filename (tmp, "demo", NULL);
  g_autofree char *out = g_build_filename (tmp, "profile", NULL);
  g_autofree char *csv = g_build_filename (dir, "decoded_demo.csv.gz", NULL);
  g_autofree char *map = g_build_filename (dir, "demo_ip_map.json", NULL);
  g_autofree char *gt_path = g_build_filename (dir, "ground_truth.csv", NULL);
  g_autofree char *attacks = g_build_filename (out, "detected_attacks.csv", NULL);
  const char *args[] = { "demo", "--quiet", "--force", dir, NULL };
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaDetector) det = ta_detector_new (NULL);
  g_autoptr(TaGroundTruth) gt = NULL;
  g_autoptr(GArray) events = ta_score_events_new ();
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(GError) error = NULL;
  const GPtrArray *findings;
  TaDetectScore score;
  gboolean scripted[TA_FINDING_N_TYPES] = { FALSE, };

  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
  detect_file (csv, map, addrs, det);
  g_test_message ("detector keys: peak %u", ta_detector_get_peak_keys (det));
  g_assert_true (ta_detector_finish (det, addrs, out, &error));
  g_assert_no_error (error);
  findings = ta_detector_get_findings (det);
  for (guint i = 0; i < findings->len; i++)
    {
      const TaFinding *f = findings->pdata[i];

      g_test_message ("finding %s (%s): %u srcs, %u dsts, %" G_GUINT64_FORMAT " conns, %s", ta_finding_type_id (f->type),
                      f->mawilab, f->srcs->len, f->dsts->len, f->conns, f->evidence);
    }
  gt = ta_ground_truth_load (gt_path, NULL, &error);
  g_assert_no_error (error);
  ta_score_events_add_ground_truth (events, gt);
  ta_detect_score (findings, addrs, events, 60 * SEC, &score);
  g_assert_cmpuint (score.n_events_untyped, ==, 0);
  for (guint j = 0; j < events->len; j++)
    scripted[g_array_index (events, TaScoreEvent, j).type] = TRUE;
  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    {
      const TaScoreType *s = &score.types[t];

      g_test_message ("%-13s findings %u (matched %u), events %u (found %u): precision %.3f recall %.3f",
                      ta_finding_type_id (t), s->n_findings, s->n_findings_matched, s->n_events,
                      s->n_events_found, s->precision, s->recall);
    }
  /* every scripted attack type is found by its detector */
  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    if (scripted[t])
      {
        g_assert_cmpfloat (score.types[t].recall, >=, 0.9);
        g_assert_cmpfloat (score.types[t].precision, >=, 0.8);
      }
  g_assert_true (scripted[TA_FINDING_NETWORK_SCAN] && scripted[TA_FINDING_PORT_SCAN] &&
                 scripted[TA_FINDING_DDOS] && scripted[TA_FINDING_BRUTE_FORCE] &&
                 scripted[TA_FINDING_BEACONING] && scripted[TA_FINDING_ALPHA_FLOW] &&
                 scripted[TA_FINDING_SPAM]);
  /* the attack CSV of the findings opens */
  g_assert_true (ta_attack_data_load_file (data, attacks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_attack_data_get_total_packets (data), >, 0);
  ta_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/network-scan", test_network_scan);
  g_test_add_func ("/core/detect/port-scan", test_port_scan);
  g_test_add_func ("/core/detect/ddos", test_ddos);
  g_test_add_func ("/core/detect/ping-flood", test_ping_flood);
  g_test_add_func ("/core/detect/brute-force", test_brute_force);
  g_test_add_func ("/core/detect/spam", test_spam);
  g_test_add_func ("/core/detect/beaconing", test_beaconing);
  g_test_add_func ("/core/detect/alpha-flow", test_alpha_flow);
  g_test_add_func ("/core/detect/windows", test_windows);
  g_test_add_func ("/core/detect/files", test_files);
  g_test_add_func ("/core/detect/files-empty", test_files_empty);
  g_test_add_func ("/core/detect/type-labels", test_type_labels);
  g_test_add_func ("/core/detect/mawilab-good", test_mawilab_good);
  g_test_add_func ("/core/detect/mawilab-bad", test_mawilab_bad);
  g_test_add_func ("/core/detect/score-mawilab", test_score_mawilab);
  g_test_add_func ("/cli/detect/demo", test_demo);
  return g_test_run ();
}
