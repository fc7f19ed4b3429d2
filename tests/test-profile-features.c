/* test-profile-features.c — per-connection packet statistics, the
 * RECTor/DeepCoFFEA sequences and their files, the ML feature rows and
 * their dataset preparation (src/core/profile/ta-flow-stats.h,
 * ta-sequences.h, ta-features.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ta-addr-table.h"
#include "ta-features.h"
#include "ta-flow-stats.h"
#include "ta-sequences.h"
#include "ta-test-util.h"

#define SEC G_USEC_PER_SEC
#define T0 G_GINT64_CONSTANT (1793611800000000)
#define EPS 1e-9

static TaConn
make_conn (guint64 id,
           guint8  proto,
           guint32 orig,
           guint32 resp,
           guint16 orig_p,
           guint16 resp_p)
{
  TaConn c;

  memset (&c, 0, sizeof c);
  c.id = id;
  c.proto = proto;
  c.orig = orig;
  c.resp = resp;
  c.orig_p = orig_p;
  c.resp_p = resp_p;
  c.state = TA_CONN_OTH;
  return c;
}

/* A packet of @len frame bytes; @payload < 0: no TA_PKT_HAS_PAYLOAD */
static TaPacket
make_pkt (gint64  ts,
          guint8  proto,
          guint32 len,
          gint    payload,
          guint8  flags)
{
  TaPacket p;

  memset (&p, 0, sizeof p);
  p.ts = ts;
  p.proto = proto;
  p.length = len;
  p.ip_len = len > 14 ? len - 14 : 0;
  p.flags = flags;
  if (payload >= 0)
    {
      p.payload = (guint32) payload;
      p.pflags |= TA_PKT_HAS_PAYLOAD;
    }
  return p;
}

static void
add (TaFlowStatsTable *t,
     const TaConn     *c,
     gint64            ts,
     guint32           len,
     gint              payload,
     guint8            flags,
     gboolean          from_orig)
{
  TaPacket p = make_pkt (ts, c->proto, len, payload, flags);

  ta_flow_stats_add (t, c, &p, from_orig);
}

static double
pop_std (const double *v,
         guint         n)
{
  double m = 0, s = 0;

  for (guint i = 0; i < n; i++)
    m += v[i];
  m /= n;
  for (guint i = 0; i < n; i++)
    s += (v[i] - m) * (v[i] - m);
  return sqrt (s / n);
}

/* Statistics on a known packet list */
static void
test_stats_exact (void)
{
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
  TaConn c = make_conn (7, 6, 0, 1, 40000, 443);
  const TaFlowStats *s;
  const double sizes[] = { 100, 60, 200, 1500, 300 };

  /* orig at 0, 1, 3 s; resp at 0.5, 2 s */
  add (t, &c, T0, 100, 10, TA_TCP_SYN, TRUE);
  add (t, &c, T0 + SEC / 2, 60, -1, TA_TCP_SYN | TA_TCP_ACK, FALSE);  /* ip 46 → 6 */
  add (t, &c, T0 + SEC, 200, -1, TA_TCP_ACK | TA_TCP_PSH, TRUE);      /* ip 186 → 146 */
  add (t, &c, T0 + 2 * SEC, 1500, 1448, TA_TCP_ACK, FALSE);
  add (t, &c, T0 + 3 * SEC, 300, 0, TA_TCP_FIN | TA_TCP_ACK | TA_TCP_ECE | TA_TCP_CWR | TA_TCP_URG | TA_TCP_RST, TRUE);

  s = ta_flow_stats_lookup (t, 7);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->conn_id, ==, 7);
  g_assert_cmpuint (s->packets, ==, 5);
  g_assert_cmpint (s->ts_first, ==, T0);
  g_assert_cmpint (s->ts_last, ==, T0 + 3 * SEC);
  g_assert_cmpuint (s->dir[0].packets, ==, 3);
  g_assert_cmpuint (s->dir[1].packets, ==, 2);
  g_assert_cmpuint (s->dir[0].bytes, ==, 600);
  g_assert_cmpuint (s->dir[1].bytes, ==, 1560);
  g_assert_cmpuint (s->dir[0].payload_bytes, ==, 10 + 146 + 0);
  g_assert_cmpuint (s->dir[1].payload_bytes, ==, 6 + 1448);

  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->dir[0].size), 200, EPS);
  g_assert_cmpfloat_with_epsilon (ta_running_std (&s->dir[0].size), sqrt (20000.0 / 3), EPS);
  g_assert_cmpfloat (ta_running_min (&s->dir[0].size), ==, 100);
  g_assert_cmpfloat (ta_running_max (&s->dir[0].size), ==, 300);
  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->dir[1].size), 780, EPS);
  g_assert_cmpfloat_with_epsilon (ta_running_std (&s->dir[1].size), 720, EPS);

  /* IATs: orig 1, 2; resp 1.5; overall 0.5, 0.5, 1, 1 */
  g_assert_cmpuint (s->dir[0].iat.n, ==, 2);
  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->dir[0].iat), 1.5, EPS);
  g_assert_cmpfloat_with_epsilon (ta_running_std (&s->dir[0].iat), 0.5, EPS);
  g_assert_cmpfloat (ta_running_min (&s->dir[0].iat), ==, 1);
  g_assert_cmpfloat (ta_running_max (&s->dir[0].iat), ==, 2);
  g_assert_cmpuint (s->dir[1].iat.n, ==, 1);
  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->dir[1].iat), 1.5, EPS);
  g_assert_cmpfloat (ta_running_std (&s->dir[1].iat), ==, 0);
  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->iat), 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (ta_running_std (&s->iat), 0.25, EPS);

  /* overall size: sorted 60 100 200 300 1500 */
  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->size), 432, EPS);
  g_assert_cmpfloat_with_epsilon (ta_running_std (&s->size), pop_std (sizes, 5), 1e-6);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 0.25), 100, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 0.5), 200, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 0.75), 300, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 0.9), 1020, EPS);
  /* IAT sample 0.5 0.5 1 1: p25 = 0.5, p50 = 0.75, p90 = 1 */
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_IAT, 0.25), 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_IAT, 0.5), 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_IAT, 0.9), 1, EPS);

  /* flags */
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_SYN], ==, 1);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_ACK], ==, 2);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_PSH], ==, 1);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_FIN], ==, 1);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_RST], ==, 1);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_URG], ==, 1);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_ECE], ==, 1);
  g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_CWR], ==, 1);
  g_assert_cmpuint (s->dir[1].flags[TA_FLOW_FLAG_SYN], ==, 1);
  g_assert_cmpuint (s->dir[1].flags[TA_FLOW_FLAG_ACK], ==, 2);
  g_assert_cmpuint (s->dir[1].flags[TA_FLOW_FLAG_FIN], ==, 0);
  g_assert_cmpstr (ta_flow_flag_name (TA_FLOW_FLAG_CWR), ==, "cwr");

  /* the sequence */
  g_assert_cmpuint (s->n_seq, ==, 5);
  g_assert_false (s->seq_truncated);
  g_assert_cmpint (s->seq[1].ts, ==, T0 + SEC / 2);
  g_assert_cmpuint (s->seq[1].size, ==, 60);
  g_assert_cmpuint (s->seq[1].flags, ==, TA_FLOW_SEQ_FROM_RESP | TA_FLOW_SEQ_HAS_PAYLOAD);
  g_assert_cmpuint (s->seq[4].flags, ==, 0);  /* orig, payload 0 */
}

/* UDP and ICMP payload fallbacks; one packet: no IAT */
static void
test_stats_payload_rules (void)
{
  TaPacket p = make_pkt (T0, 17, 100, -1, 0);

  g_assert_cmpuint (ta_flow_stats_payload_of (&p), ==, 86 - 28);
  p.proto = 6;
  g_assert_cmpuint (ta_flow_stats_payload_of (&p), ==, 86 - 40);
  p.ip_len = 30;
  g_assert_cmpuint (ta_flow_stats_payload_of (&p), ==, 0);
  p.proto = 1;
  g_assert_cmpuint (ta_flow_stats_payload_of (&p), ==, 2);

  {
    g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
    TaConn c = make_conn (1, 17, 0, 1, 5353, 53);
    const TaFlowStats *s;

    add (t, &c, T0, 80, 38, 0, TRUE);
    s = ta_flow_stats_lookup (t, 1);
    g_assert_true (isnan (ta_running_mean (&s->iat)));
    g_assert_true (isnan (ta_flow_stats_percentile (s, TA_FLOW_VALUE_IAT, 0.5)));
    g_assert_cmpfloat (ta_running_std (&s->size), ==, 0);
    g_assert_cmpuint (s->dir[0].flags[TA_FLOW_FLAG_SYN], ==, 0);
  }
}

/* Percentiles come from the first 64 values; the sequence is capped */
static void
test_stats_caps (void)
{
  TaFlowStatsOptions opt = { .max_seq_packets = 10 };
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (&opt);
  TaConn c = make_conn (3, 17, 0, 1, 1000, 2000);
  const TaFlowStats *s;

  /* sizes 1..100 at one per ms: the sample holds 1..64 */
  for (guint i = 1; i <= 100; i++)
    add (t, &c, T0 + i * 1000, i, 0, 0, TRUE);
  s = ta_flow_stats_lookup (t, 3);
  g_assert_cmpuint (s->n_size_sample, ==, TA_FLOW_STATS_SAMPLE);
  g_assert_cmpuint (s->n_iat_sample, ==, TA_FLOW_STATS_SAMPLE);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 0.5), 32.5, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 0.0), 1, EPS);
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_SIZE, 1.0), 64, EPS);
  g_assert_cmpfloat_with_epsilon (ta_running_mean (&s->size), 50.5, EPS);  /* not capped */
  g_assert_cmpfloat_with_epsilon (ta_flow_stats_percentile (s, TA_FLOW_VALUE_IAT, 0.5), 0.001, EPS);
  g_assert_cmpuint (s->n_seq, ==, 10);
  g_assert_true (s->seq_truncated);
  g_assert_cmpuint (s->seq[9].size, ==, 10);
}

/* Open connections only: released records are reused; lookups stay right
 * after deletions in the middle of probe runs */
static void
test_stats_table_reuse (void)
{
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);

  for (guint64 id = 1; id <= 1000; id++)
    {
      TaConn c = make_conn (id, 6, 0, 1, 1, 2);

      for (guint k = 0; k < (id % 5) + 1; k++)
        add (t, &c, T0 + k, 60 + id, -1, TA_TCP_ACK, TRUE);
    }
  g_assert_cmpuint (ta_flow_stats_table_get_n_open (t), ==, 1000);
  g_assert_cmpuint (ta_flow_stats_table_get_n_records (t), ==, 1000);
  for (guint64 id = 1; id <= 1000; id += 2)
    ta_flow_stats_release (t, id);
  ta_flow_stats_release (t, 5000);   /* unknown: ignored */
  g_assert_cmpuint (ta_flow_stats_table_get_n_open (t), ==, 500);
  for (guint64 id = 1; id <= 1000; id++)
    {
      const TaFlowStats *s = ta_flow_stats_lookup (t, id);

      if (id % 2)
        {
          g_assert_null (s);
          continue;
        }
      g_assert_nonnull (s);
      g_assert_cmpuint (s->conn_id, ==, id);
      g_assert_cmpuint (s->packets, ==, (id % 5) + 1);
      g_assert_cmpfloat (ta_running_min (&s->size), ==, 60 + id);
    }
  /* 500 new connections fill the released records: no new memory */
  for (guint64 id = 2001; id <= 2500; id++)
    {
      TaConn c = make_conn (id, 17, 0, 1, 1, 2);

      add (t, &c, T0, 100, 58, 0, FALSE);
    }
  g_assert_cmpuint (ta_flow_stats_table_get_n_open (t), ==, 1000);
  g_assert_cmpuint (ta_flow_stats_table_get_n_records (t), ==, 1000);
  {
    const TaFlowStats *s = ta_flow_stats_lookup (t, 2001);

    /* a reused record starts afresh */
    g_assert_cmpuint (s->packets, ==, 1);
    g_assert_cmpuint (s->dir[0].packets, ==, 0);
    g_assert_cmpuint (s->n_seq, ==, 1);
    g_assert_cmpuint (s->proto, ==, 17);
  }
  for (guint64 id = 1; id <= 2500; id++)
    ta_flow_stats_release (t, id);
  g_assert_cmpuint (ta_flow_stats_table_get_n_open (t), ==, 0);
  g_assert_null (ta_flow_stats_lookup (t, 2));
}

/* Random opens, packets and releases against a model (packets per id) */
static void
test_stats_table_random (void)
{
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autofree guint64 *counts = g_new0 (guint64, 4001);
  guint peak = 0;

  for (guint step = 0; step < 200000; step++)
    {
      guint64 id = g_rand_int_range (rand, 1, 4001);

      if (g_rand_int_range (rand, 0, 4) == 0)
        {
          ta_flow_stats_release (t, id);
          counts[id] = 0;
        }
      else
        {
          TaConn c = make_conn (id, 6, 0, 1, 1, 2);

          add (t, &c, T0 + step, 100, 46, TA_TCP_ACK, TRUE);
          counts[id]++;
        }
      if (step % 997 == 0)
        for (guint64 k = 1; k <= 4000; k++)
          {
            const TaFlowStats *s = ta_flow_stats_lookup (t, k);

            if (counts[k] == 0)
              g_assert_null (s);
            else
              {
                g_assert_nonnull (s);
                g_assert_cmpuint (s->packets, ==, counts[k]);
              }
          }
      peak = MAX (peak, ta_flow_stats_table_get_n_open (t));
    }
  g_assert_cmpuint (ta_flow_stats_table_get_n_records (t), <=, peak);
}

/* ACK removal and super-packet merging */
static void
test_seq_build (void)
{
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (TaSeqItem));
  TaConn c = make_conn (1, 6, 0, 1, 40000, 443);
  const TaFlowStats *s;
  const TaSeqItem *it;

  add (t, &c, T0, 60, 0, TA_TCP_ACK, TRUE);                  /* pure ACK */
  add (t, &c, T0 + 100000, 1500, 1446, TA_TCP_ACK, TRUE);
  add (t, &c, T0 + 100000, 1500, 1446, TA_TCP_ACK, TRUE);    /* merged */
  add (t, &c, T0 + 150000, 1000, 946, TA_TCP_ACK, FALSE);    /* other direction */
  add (t, &c, T0 + 300000, 66, 0, TA_TCP_ACK, TRUE);         /* pure ACK at the threshold */
  add (t, &c, T0 + 300000, 67, 0, TA_TCP_ACK, TRUE);         /* larger: kept */
  add (t, &c, T0 + 300000, 500, 446, TA_TCP_ACK, TRUE);      /* merged into it */
  add (t, &c, T0 + 500000, 100, 46, TA_TCP_ACK | TA_TCP_PSH, TRUE);
  s = ta_flow_stats_lookup (t, 1);

  ta_sequences_build_direction (s, 0, 66, items);
  g_assert_cmpuint (items->len, ==, 3);
  it = &g_array_index (items, TaSeqItem, 0);
  g_assert_cmpint (it->time_us, ==, 100000);
  g_assert_cmpint (it->iat_us, ==, 100000);
  g_assert_cmpuint (it->size, ==, 3000);
  it = &g_array_index (items, TaSeqItem, 1);
  g_assert_cmpint (it->time_us, ==, 300000);
  g_assert_cmpint (it->iat_us, ==, 200000);
  g_assert_cmpuint (it->size, ==, 567);
  it = &g_array_index (items, TaSeqItem, 2);
  g_assert_cmpint (it->iat_us, ==, 200000);
  g_assert_cmpuint (it->size, ==, 100);

  ta_sequences_build_direction (s, 1, 66, items);
  g_assert_cmpuint (items->len, ==, 1);
  it = &g_array_index (items, TaSeqItem, 0);
  g_assert_cmpint (it->time_us, ==, 150000);
  g_assert_cmpint (it->iat_us, ==, 150000);
  g_assert_cmpuint (it->size, ==, 1000);

  /* UDP: nothing is an ACK */
  {
    TaConn u = make_conn (2, 17, 0, 1, 1, 2);

    add (t, &u, T0, 42, 0, 0, TRUE);
    add (t, &u, T0 + 1, 42, 0, 0, TRUE);
    ta_sequences_build_direction (ta_flow_stats_lookup (t, 2), 0, 66, items);
    g_assert_cmpuint (items->len, ==, 2);
  }
}

static char *
read_text (const char *dir,
           const char *sub,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, sub, name, NULL);
  char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Two TCP connections through the writer: the windows on a known
 * timeline, sequences.jsonl's numbers, the inflow/outflow files' bytes,
 * the file cap and the short connections */
static void
test_seq_writer (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autoptr (TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
  g_autoptr (GError) error = NULL;
  TaSequencesOptions opt = { .window_s = 5, .step_s = 2, .n_windows = 3, .max_flow_files = 1 };
  g_autoptr (TaSequencesWriter) w = NULL;
  guint32 a = ta_addr_table_intern_text (addrs, "10.0.0.1", -1);
  guint32 b = ta_addr_table_intern_text (addrs, "fd00::2", -1);
  TaConn c1 = make_conn (9, 6, a, b, 40000, 443);
  TaConn c2 = make_conn (10, 6, a, b, 40001, 443);
  TaConn c3 = make_conn (11, 17, a, b, 53, 53);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *wins, *eg, *in;

  /* egress: one data packet each second 0…12; ingress at 0.5 s, 6.25 s;
   * an ACK at 3 s (dropped from windows, kept in the raw files) */
  for (guint i = 0; i <= 12; i++)
    add (t, &c1, T0 + i * SEC, 100 + i, 40 + i, TA_TCP_ACK | TA_TCP_PSH, TRUE);
  add (t, &c1, T0 + SEC / 2, 1500, 1446, TA_TCP_ACK, FALSE);
  add (t, &c1, T0 + 3 * SEC, 54, 0, TA_TCP_ACK, FALSE);
  add (t, &c1, T0 + 6 * SEC + SEC / 4, 900, 846, TA_TCP_ACK, FALSE);
  for (guint i = 0; i < 5; i++)
    add (t, &c2, T0 + i * 1000, 200, 146, TA_TCP_ACK, TRUE);
  for (guint i = 0; i < 4; i++)
    add (t, &c3, T0 + i * 1000, 200, 158, 0, TRUE);

  w = ta_sequences_writer_new (tmp, &opt, &error);
  g_assert_no_error (error);
  g_assert_true (ta_sequences_writer_add (w, &c1, ta_flow_stats_lookup (t, 9), addrs));
  g_assert_true (ta_sequences_writer_add (w, &c2, ta_flow_stats_lookup (t, 10), addrs));
  g_assert_true (ta_sequences_writer_add (w, &c3, ta_flow_stats_lookup (t, 11), addrs));
  g_assert_true (ta_sequences_writer_finish (w, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ta_sequences_writer_get_n_written (w), ==, 2);
  g_assert_cmpuint (ta_sequences_writer_get_n_short (w), ==, 1);
  g_assert_cmpuint (ta_sequences_writer_get_n_flow_files (w), ==, 1);
  g_assert_cmpuint (ta_sequences_writer_get_n_files_skipped (w), ==, 1);

  /* the raw files of the first connection only */
  text = read_text (tmp, "inflow", "9_tcp_10.0.0.1_40000_fd00--2_443");
  g_assert_cmpstr (text, ==, "0.500000\t1500\n3.000000\t54\n6.250000\t900\n");
  g_free (text);
  text = read_text (tmp, "outflow", "9_tcp_10.0.0.1_40000_fd00--2_443");
  g_assert_true (g_str_has_prefix (text, "0.000000\t100\n1.000000\t101\n2.000000\t102\n"));
  g_assert_true (g_str_has_suffix (text, "\n12.000000\t112\n"));
  g_free (text);
  {
    g_autofree char *p = g_build_filename (tmp, "inflow", "10_tcp_10.0.0.1_40001_fd00--2_443", NULL);

    g_assert_false (g_file_test (p, G_FILE_TEST_EXISTS));
  }

  text = read_text (tmp, "sequences.jsonl", NULL);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  json_parser_load_from_data (parser, lines[0], -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "conn_id"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (o, "proto"), ==, "tcp");
  g_assert_cmpstr (json_object_get_string_member (o, "orig"), ==, "10.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (o, "resp"), ==, "fd00::2");
  g_assert_cmpint (json_object_get_int_member (o, "orig_p"), ==, 40000);
  g_assert_cmpint (json_object_get_int_member (o, "resp_p"), ==, 443);
  g_assert_cmpint (json_object_get_int_member (o, "ts_first"), ==, T0);
  g_assert_cmpint (json_object_get_int_member (o, "packets"), ==, 16);
  g_assert_false (json_object_get_boolean_member (o, "truncated"));
  wins = json_object_get_array_member (o, "windows");
  g_assert_cmpuint (json_array_get_length (wins), ==, 3);

  /* window 0: [0, 5] s: egress 0…5 (6 packets), ingress 0.5 only */
  o = json_array_get_object_element (wins, 0);
  g_assert_cmpfloat (json_object_get_double_member (o, "start"), ==, 0);
  eg = json_object_get_array_member (o, "egress");
  in = json_object_get_array_member (o, "ingress");
  g_assert_cmpuint (json_array_get_length (eg), ==, 6);
  g_assert_cmpuint (json_array_get_length (in), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (in, 0), 0), ==, 0.5);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (in, 0), 1), ==, 1500);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (eg, 0), 0), ==, 0);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (eg, 5), 1), ==, 105);

  /* window 1: [2, 7] s: egress 2…7, the first iat 1 s (from the packet at
   * 1 s); ingress 6.25 s with iat 5.75 s (the ACK at 3 s is not there) */
  o = json_array_get_object_element (wins, 1);
  g_assert_cmpfloat (json_object_get_double_member (o, "start"), ==, 2);
  eg = json_object_get_array_member (o, "egress");
  in = json_object_get_array_member (o, "ingress");
  g_assert_cmpuint (json_array_get_length (eg), ==, 6);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (eg, 0), 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (eg, 0), 1), ==, 102);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (eg, 5), 1), ==, 107);
  g_assert_cmpuint (json_array_get_length (in), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (in, 0), 0), ==, 5.75);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (in, 0), 1), ==, 900);

  /* window 2: [4, 9] s */
  o = json_array_get_object_element (wins, 2);
  g_assert_cmpfloat (json_object_get_double_member (o, "start"), ==, 4);
  eg = json_object_get_array_member (o, "egress");
  g_assert_cmpuint (json_array_get_length (eg), ==, 6);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (eg, 0), 1), ==, 104);

  /* the second connection: its sequence line, exactly */
  g_assert_cmpstr (lines[1], ==,
                   "{\"conn_id\":10,\"proto\":\"tcp\",\"orig\":\"10.0.0.1\",\"orig_p\":40001,"
                   "\"resp\":\"fd00::2\",\"resp_p\":443,\"ts_first\":1793611800000000,"
                   "\"packets\":5,\"truncated\":false,\"windows\":["
                   "{\"start\":0,\"ingress\":[],\"egress\":[[0,200],[0.001,200],[0.001,200],[0.001,200],[0.001,200]]},"
                   "{\"start\":2,\"ingress\":[],\"egress\":[]},"
                   "{\"start\":4,\"ingress\":[],\"egress\":[]}]}");
  ta_test_rm_rf (tmp);
}

/* Default windows: DeepCoFFEA's 11 windows of 5 s every 2 s */
static void
test_seq_defaults (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TaSequencesWriter) w = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  TaSequencesOptions opt = { .no_flow_files = TRUE };
  TaConn c = make_conn (1, 17, 0, 1, 1, 2);
  g_autofree char *path = g_build_filename (tmp, "sequences.jsonl", NULL);
  g_autofree char *inflow = g_build_filename (tmp, "inflow", NULL);
  JsonArray *wins;

  for (guint i = 0; i < 30; i++)
    add (t, &c, T0 + i * SEC, 100, 58, 0, i % 2);
  w = ta_sequences_writer_new (tmp, &opt, &error);
  g_assert_no_error (error);
  ta_sequences_writer_add (w, &c, ta_flow_stats_lookup (t, 1), NULL);
  g_assert_true (ta_sequences_writer_finish (w, &error));
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  wins = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "windows");
  g_assert_cmpuint (json_array_get_length (wins), ==, 11);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (wins, 10), "start"), ==, 20);
  /* [20, 25]: 20 22 24 from the responder (i even) */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_array_get_object_element (wins, 10), "ingress")), ==, 3);
  g_assert_false (g_file_test (inflow, G_FILE_TEST_EXISTS));
  ta_test_rm_rf (tmp);
}

/* CSV helpers */
typedef struct
{
  GStrv   header;
  GPtrArray *rows; /* of GArray of double, with the conn id first */
} Csv;

static void
csv_clear (Csv *csv)
{
  g_strfreev (csv->header);
  for (guint i = 0; i < csv->rows->len; i++)
    g_array_unref (g_ptr_array_index (csv->rows, i));
  g_ptr_array_unref (csv->rows);
}

static Csv
csv_read (const char *path)
{
  Csv csv;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  csv.header = g_strsplit (lines[0], ",", -1);
  csv.rows = g_ptr_array_new ();
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[i], ",", -1);
      GArray *row = g_array_new (FALSE, FALSE, sizeof (double));

      g_assert_cmpuint (g_strv_length (cells), ==, g_strv_length (csv.header));
      for (guint j = 0; cells[j]; j++)
        {
          double v = g_ascii_strtod (cells[j], NULL);

          g_array_append_val (row, v);
        }
      g_ptr_array_add (csv.rows, row);
    }
  return csv;
}

static double
csv_get (const Csv *csv,
         guint      r,
         guint      c)
{
  return g_array_index ((GArray *) g_ptr_array_index (csv->rows, r), double, c);
}

/* Every value column of @csv has mean 0 and population std 1 */
static void
assert_standardised (const Csv *csv)
{
  guint n = csv->rows->len;

  for (guint c = 1; csv->header[c]; c++)
    {
      double m = 0, s = 0;

      for (guint r = 0; r < n; r++)
        m += csv_get (csv, r, c);
      m /= n;
      for (guint r = 0; r < n; r++)
        s += (csv_get (csv, r, c) - m) * (csv_get (csv, r, c) - m);
      /* the file holds six decimals: each value is off by at most 5e-7 */
      g_assert_cmpfloat_with_epsilon (m, 0, 1e-6);
      g_assert_cmpfloat_with_epsilon (sqrt (s / n), 1, 1e-5);
    }
}

static JsonObject *
find_named (JsonArray  *array,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (o, "name"), name) == 0)
        return o;
    }
  return NULL;
}

typedef struct
{
  guint   n;
  guint64 last_id;
  guint   n_cols;
} RowCount;

static void
count_row (guint64       conn_id,
           const double *row,
           guint         n_cols,
           gpointer      user_data)
{
  RowCount *rc = user_data;

  g_assert_true (isfinite (row[0]));
  rc->n++;
  rc->last_id = conn_id;
  rc->n_cols = n_cols;
}

/* Median fill, zero-variance and all-missing drops, scaling, the scaler */
static void
test_features_prepare (void)
{
  static const char *const names[] = { "a", "b", "c", "d" };
  const double rows[4][4] = {
    { 1, 7, NAN, 10 },
    { 2, 7, NAN, 20 },
    { NAN, 7, NAN, 30 },
    { 4, INFINITY, NAN, 40 },
  };
  g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
  g_autofree char *csv_path = g_build_filename (tmp, "features.csv", NULL);
  g_autofree char *json_path = g_build_filename (tmp, "features_scaler.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TaFeatures) f = ta_features_new_custom (tmp, 4, names, NULL, &error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GDir) d = NULL;
  RowCount rc = { 0 };
  const double *sample;
  guint n_sample;
  double std_a = sqrt (4.75 / 4), std_d = sqrt (500.0 / 4);
  JsonObject *root, *o;
  Csv csv;

  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    g_assert_true (ta_features_add_row (f, 100 + i, rows[i]));
  g_assert_true (ta_features_fit (f, &error));
  g_assert_false (ta_features_add_row (f, 200, rows[0]));  /* fitted */
  g_assert_cmpuint (ta_features_get_n_rows (f), ==, 4);
  g_assert_cmpuint (ta_features_get_n_kept (f), ==, 2);
  g_assert_cmpstr (ta_features_get_kept_name (f, 0), ==, "a");
  g_assert_cmpstr (ta_features_get_kept_name (f, 1), ==, "d");

  /* the sample holds every row, scaled */
  sample = ta_features_get_sample (f, &n_sample);
  g_assert_cmpuint (n_sample, ==, 4);
  g_assert_cmpfloat_with_epsilon (sample[2 * 2 + 0], (2 - 2.25) / std_a, 1e-12);
  g_assert_cmpfloat_with_epsilon (sample[3 * 2 + 1], (40 - 25) / std_d, 1e-12);

  g_assert_true (ta_features_foreach_row (f, count_row, &rc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rc.n, ==, 4);
  g_assert_cmpuint (rc.n_cols, ==, 2);
  rc.n = 0;
  g_assert_true (ta_features_finish (f, count_row, &rc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rc.n, ==, 4);
  g_assert_cmpuint (rc.last_id, ==, 103);

  /* no spill file is left in the folder */
  d = g_dir_open (tmp, 0, NULL);
  for (const char *name; (name = g_dir_read_name (d));)
    g_assert_false (g_str_has_prefix (name, ".features-spill"));

  csv = csv_read (csv_path);
  g_assert_cmpuint (g_strv_length (csv.header), ==, 3);
  g_assert_cmpstr (csv.header[0], ==, "conn_id");
  g_assert_cmpstr (csv.header[1], ==, "a");
  g_assert_cmpstr (csv.header[2], ==, "d");
  g_assert_cmpuint (csv.rows->len, ==, 4);
  g_assert_cmpfloat (csv_get (&csv, 0, 0), ==, 100);
  g_assert_cmpfloat (csv_get (&csv, 3, 0), ==, 103);
  /* a: 1 2 (2) 4 → mean 2.25; the missing one is the median 2 */
  g_assert_cmpfloat_with_epsilon (csv_get (&csv, 2, 1), (2 - 2.25) / std_a, 5e-7);  /* six decimals in the file */
  g_assert_cmpfloat_with_epsilon (csv_get (&csv, 0, 1), (1 - 2.25) / std_a, 5e-7);  /* six decimals in the file */
  g_assert_cmpfloat_with_epsilon (csv_get (&csv, 0, 2), (10 - 25) / std_d, 5e-7);  /* six decimals in the file */
  assert_standardised (&csv);
  csv_clear (&csv);

  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "rows"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "median"), "method"), ==, "exact");
  g_assert_cmpstr (json_object_get_string_member (root, "scaling"), ==, "standard");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "columns")), ==, 2);
  o = find_named (json_object_get_array_member (root, "columns"), "a");
  g_assert_nonnull (o);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "mean"), 2.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "std"), std_a, 1e-12);
  g_assert_cmpfloat (json_object_get_double_member (o, "median"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "missing"), ==, 1);
  o = find_named (json_object_get_array_member (root, "columns"), "d");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "mean"), 25, 1e-12);
  g_assert_cmpfloat (json_object_get_double_member (o, "median"), ==, 25);
  g_assert_cmpint (json_object_get_int_member (o, "missing"), ==, 0);
  o = find_named (json_object_get_array_member (root, "dropped"), "b");
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "zero_variance");
  g_assert_cmpint (json_object_get_int_member (o, "missing"), ==, 1);  /* the infinity */
  o = find_named (json_object_get_array_member (root, "dropped"), "c");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "all_missing");
  g_assert_cmpint (json_object_get_int_member (o, "missing"), ==, 4);
  ta_test_rm_rf (tmp);
}

/* More rows than the reservoir: the mean and std stay exact, the median
 * is an estimate, the sample is bounded and seeded (the same twice) */
static void
test_features_reservoir (void)
{
  static const char *const names[] = { "x", "y" };
  TaFeaturesOptions opt = { .reservoir_rows = 500, .seed = 42 };
  double medians[2] = { 0 };

  for (guint run = 0; run < 2; run++)
    {
      g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
      g_autofree char *csv_path = g_build_filename (tmp, "features.csv", NULL);
      g_autofree char *json_path = g_build_filename (tmp, "features_scaler.json", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (TaFeatures) f = ta_features_new_custom (tmp, 2, names, &opt, &error);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *root, *x;
      guint n_sample;
      Csv csv;

      g_assert_no_error (error);
      for (guint i = 0; i < 20000; i++)
        {
          double row[2] = { i, (i % 10 == 0) ? NAN : (double) (i % 7) };

          g_assert_true (ta_features_add_row (f, i + 1, row));
        }
      g_assert_true (ta_features_finish (f, NULL, NULL, &error));
      g_assert_no_error (error);
      ta_features_get_sample (f, &n_sample);
      g_assert_cmpuint (n_sample, ==, 500);

      json_parser_load_from_file (parser, json_path, &error);
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "median"), "method"), ==, "reservoir");
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "median"), "sample_rows"), ==, 500);
      x = find_named (json_object_get_array_member (root, "columns"), "x");
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (x, "mean"), 9999.5, 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (x, "std"), sqrt ((20000.0 * 20000.0 - 1) / 12), 1e-6);
      medians[run] = json_object_get_double_member (x, "median");
      g_assert_cmpfloat (fabs (medians[run] - 10000), <, 1500);

      csv = csv_read (csv_path);
      g_assert_cmpuint (csv.rows->len, ==, 20000);
      assert_standardised (&csv);
      csv_clear (&csv);
      ta_test_rm_rf (tmp);
    }
  g_assert_cmpfloat (medians[0], ==, medians[1]);
}

/* The connection row */
static void
test_features_conn_row (void)
{
  g_autoptr (TaFlowStatsTable) t = ta_flow_stats_table_new (NULL);
  guint n = ta_features_get_n_columns ();
  g_autofree double *row = g_new (double, n);
  TaConn c = make_conn (5, 6, 0, 1, 50000, 22);
  TaConn u = make_conn (6, 17, 0, 1, 5000, 60000);
  const TaFlowStats *s;
  GHashTable *col = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (col, (gpointer) ta_features_get_column_name (i), GUINT_TO_POINTER (i));
#define V(name) row[GPOINTER_TO_UINT (g_hash_table_lookup (col, name))]
  g_assert_cmpuint (n, ==, 79);
  g_assert_cmpuint (g_hash_table_size (col), ==, n);   /* distinct names */

  c.ts_first = T0;
  c.ts_last = T0 + 2 * SEC;
  c.state = TA_CONN_SF;
  c.orig_pkts = 3;
  c.resp_pkts = 1;
  c.orig_frame_bytes = 300;
  c.resp_frame_bytes = 100;
  c.orig_ip_bytes = 258;
  c.orig_bytes = 140;
  add (t, &c, T0, 100, 46, TA_TCP_SYN, TRUE);
  add (t, &c, T0 + SEC, 100, 46, TA_TCP_SYN | TA_TCP_ACK, FALSE);
  add (t, &c, T0 + SEC, 100, 46, TA_TCP_ACK, TRUE);
  add (t, &c, T0 + 2 * SEC, 100, 46, TA_TCP_FIN | TA_TCP_ACK, TRUE);
  s = ta_flow_stats_lookup (t, 5);
  ta_features_compute_row (&c, s, row);
  g_assert_cmpfloat (V ("duration"), ==, 2);
  g_assert_cmpfloat (V ("orig_pkts"), ==, 3);
  g_assert_cmpfloat (V ("orig_ip_bytes"), ==, 258);
  g_assert_cmpfloat (V ("orig_bytes"), ==, 140);
  g_assert_cmpfloat (V ("pkts_per_s"), ==, 2);
  g_assert_cmpfloat (V ("bytes_per_s"), ==, 200);
  g_assert_cmpfloat (V ("size_mean"), ==, 100);
  g_assert_cmpfloat (V ("size_std"), ==, 0);
  g_assert_cmpfloat (V ("iat_p50"), ==, 1);   /* of 1, 0, 1 */
  g_assert_cmpfloat (V ("orig_iat_mean"), ==, 1);
  g_assert_true (isnan (V ("resp_iat_mean")));   /* one responder packet */
  g_assert_cmpfloat (V ("orig_syn"), ==, 1);
  g_assert_cmpfloat (V ("orig_ack"), ==, 2);
  g_assert_cmpfloat (V ("resp_syn"), ==, 1);
  g_assert_cmpfloat (V ("orig_fin"), ==, 1);
  g_assert_cmpfloat (V ("state_SF"), ==, 1);
  g_assert_cmpfloat (V ("state_S0"), ==, 0);
  g_assert_cmpfloat (V ("proto_tcp"), ==, 1);
  g_assert_cmpfloat (V ("proto_udp"), ==, 0);
  g_assert_cmpfloat (V ("port_well_known"), ==, 1);
  g_assert_cmpfloat (V ("port_dynamic"), ==, 0);

  /* without statistics; a zero duration; a dynamic responder port */
  u.state = TA_CONN_S0;
  u.orig_pkts = 1;
  ta_features_compute_row (&u, NULL, row);
  g_assert_cmpfloat (V ("duration"), ==, 0);
  g_assert_true (isnan (V ("pkts_per_s")));
  g_assert_true (isnan (V ("size_mean")));
  g_assert_true (isnan (V ("orig_syn")));
  g_assert_cmpfloat (V ("proto_udp"), ==, 1);
  g_assert_cmpfloat (V ("state_S0"), ==, 1);
  g_assert_cmpfloat (V ("port_dynamic"), ==, 1);
  u.proto = 1;
  ta_features_compute_row (&u, NULL, row);
  g_assert_cmpfloat (V ("proto_icmp"), ==, 1);
  g_assert_cmpfloat (V ("port_well_known") + V ("port_registered") + V ("port_dynamic"), ==, 0);
#undef V

  /* through the connection table into features.csv */
  {
    g_autofree char *tmp = ta_test_make_tmp_dir (NULL);
    g_autofree char *csv_path = g_build_filename (tmp, "features.csv", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (TaFeatures) f = ta_features_new (tmp, NULL, &error);
    Csv csv;

    g_assert_no_error (error);
    u.proto = 17;
    g_assert_true (ta_features_add (f, &c, s));
    g_assert_true (ta_features_add (f, &u, NULL));
    g_assert_true (ta_features_finish (f, NULL, NULL, &error));
    g_assert_no_error (error);
    csv = csv_read (csv_path);
    g_assert_cmpstr (csv.header[0], ==, "conn_id");
    g_assert_true (g_strv_contains ((const char *const *) csv.header, "duration"));
    g_assert_false (g_strv_contains ((const char *const *) csv.header, "state_OTH"));  /* all 0 */
    g_assert_cmpuint (csv.rows->len, ==, 2);
    g_assert_cmpfloat (csv_get (&csv, 1, 0), ==, 6);
    assert_standardised (&csv);
    csv_clear (&csv);
    ta_test_rm_rf (tmp);
  }
  g_hash_table_unref (col);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/profile/flow-stats/exact", test_stats_exact);
  g_test_add_func ("/core/profile/flow-stats/payload-rules", test_stats_payload_rules);
  g_test_add_func ("/core/profile/flow-stats/caps", test_stats_caps);
  g_test_add_func ("/core/profile/flow-stats/table-reuse", test_stats_table_reuse);
  g_test_add_func ("/core/profile/flow-stats/table-random", test_stats_table_random);
  g_test_add_func ("/core/profile/sequences/build", test_seq_build);
  g_test_add_func ("/core/profile/sequences/writer", test_seq_writer);
  g_test_add_func ("/core/profile/sequences/defaults", test_seq_defaults);
  g_test_add_func ("/core/profile/features/prepare", test_features_prepare);
  g_test_add_func ("/core/profile/features/reservoir", test_features_reservoir);
  g_test_add_func ("/core/profile/features/conn-row", test_features_conn_row);
  return g_test_run ();
}
