/* test-profile-conn.c — the connection tracker against Zeek's documented
 * conn_state / history definitions, and against argus on the vendored
 * captures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-conn.h"
#include "ta-test-util.h"

#define A 1              /* TaAddrTable indices: client and server */
#define B 2
#define AP 40000
#define BP 80
#define ISN_A 1000
#define ISN_B 5000

#define S   TA_TCP_SYN
#define SA  (TA_TCP_SYN | TA_TCP_ACK)
#define AK  TA_TCP_ACK
#define PA  (TA_TCP_PSH | TA_TCP_ACK)
#define FA  (TA_TCP_FIN | TA_TCP_ACK)
#define R   TA_TCP_RST
#define RA  (TA_TCP_RST | TA_TCP_ACK)

typedef struct
{
  TaConnTracker *tracker;
  GArray        *done;     /* TaConn copies, in the order they ended */
  gint64         ts;       /* µs of the next packet */
  guint32        frame;
} Run;

static void
on_done (const TaConn *conn,
         gpointer      user_data)
{
  g_array_append_vals (user_data, conn, 1);
}

static void
run_init (Run *run)
{
  run->done = g_array_new (FALSE, TRUE, sizeof (TaConn));
  run->tracker = ta_conn_tracker_new (NULL, on_done, run->done);
  run->ts = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
  run->frame = 0;
}

static void
run_clear (Run *run)
{
  ta_conn_tracker_free (run->tracker);
  g_array_unref (run->done);
}

/* One TCP packet with a known payload, 10 ms after the previous one */
static const TaConn *
tcp (Run     *run,
     gboolean from_a,
     guint8   flags,
     guint32  seq,
     guint32  ack,
     guint32  len)
{
  TaPacket p = { 0 };

  p.ts = (run->ts += 10000);
  p.src = from_a ? A : B;
  p.dst = from_a ? B : A;
  p.sport = from_a ? AP : BP;
  p.dport = from_a ? BP : AP;
  p.proto = 6;
  p.flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.payload = len;
  p.pflags = TA_PKT_HAS_PAYLOAD | TA_PKT_HAS_PORTS;
  p.ip_len = 40 + len;
  p.length = p.ip_len + 14;
  p.frame = ++run->frame;
  p.file = 3;
  return ta_conn_tracker_add (run->tracker, &p, NULL, NULL);
}

#define O(f, s, a, l) tcp (&run, TRUE, (f), (s), (a), (l))
#define RS(f, s, a, l) tcp (&run, FALSE, (f), (s), (a), (l))

/* The three-way handshake and one data segment each way */
#define HANDSHAKE_AND_DATA()                           \
  do {                                                 \
    O (S, ISN_A, 0, 0);                                \
    RS (SA, ISN_B, ISN_A + 1, 0);                      \
    O (AK, ISN_A + 1, ISN_B + 1, 0);                   \
    O (PA, ISN_A + 1, ISN_B + 1, 100);                 \
    RS (AK, ISN_B + 1, ISN_A + 101, 0);                \
    RS (PA, ISN_B + 1, ISN_A + 101, 200);              \
  } while (0)

static const TaConn *
only_conn (Run *run)
{
  ta_conn_tracker_finish (run->tracker);
  g_assert_cmpuint (run->done->len, ==, 1);
  return &g_array_index (run->done, TaConn, 0);
}

static void
assert_conn (const TaConn *c,
             TaConnState   state,
             const char   *history)
{
  g_assert_cmpstr (ta_conn_state_name (c->state), ==, ta_conn_state_name (state));
  g_assert_cmpstr (c->history, ==, history);
}

/* conn_state S0: "Connection attempt seen, no reply" */
static void
test_state_s0 (void)
{
  Run run;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  O (S, ISN_A, 0, 0);  /* a SYN retry, same sequence number: no new 'S' */
  assert_conn (only_conn (&run), TA_CONN_S0, "S");
  run_clear (&run);
}

/* S1: "Connection established, not terminated" */
static void
test_state_s1 (void)
{
  Run run;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  RS (SA, ISN_B, ISN_A + 1, 0);
  O (AK, ISN_A + 1, ISN_B + 1, 0);
  O (PA, ISN_A + 1, ISN_B + 1, 100);
  assert_conn (only_conn (&run), TA_CONN_S1, "ShAD");
  run_clear (&run);
}

/* SF: "Normal establishment and termination"; bytes, counts, sources */
static void
test_state_sf (void)
{
  Run run;
  const TaConn *c;

  run_init (&run);
  HANDSHAKE_AND_DATA ();
  O (FA, ISN_A + 101, ISN_B + 201, 0);
  RS (FA, ISN_B + 201, ISN_A + 102, 0);
  O (AK, ISN_A + 102, ISN_B + 202, 0);
  c = only_conn (&run);
  assert_conn (c, TA_CONN_SF, "ShADadFf");
  g_assert_cmpuint (c->orig, ==, A);
  g_assert_cmpuint (c->resp, ==, B);
  g_assert_cmpuint (c->orig_p, ==, AP);
  g_assert_cmpuint (c->resp_p, ==, BP);
  g_assert_cmpuint (c->orig_pkts, ==, 5);
  g_assert_cmpuint (c->resp_pkts, ==, 4);
  /* from sequence numbers, less the SYN and FIN octets */
  g_assert_cmpuint (c->orig_bytes, ==, 100);
  g_assert_cmpuint (c->resp_bytes, ==, 200);
  g_assert_cmpuint (c->orig_ip_bytes, ==, 5 * 40 + 100);
  g_assert_cmpuint (c->resp_ip_bytes, ==, 4 * 40 + 200);
  g_assert_cmpuint (c->orig_frame_bytes, ==, 5 * 54 + 100);
  g_assert_cmpuint (c->missed_bytes, ==, 0);
  g_assert_cmpuint (c->first_file, ==, 3);
  g_assert_cmpuint (c->last_file, ==, 3);
  g_assert_cmpuint (c->first_frame, ==, 1);
  g_assert_cmpuint (c->last_frame, ==, 9);
  g_assert_cmpint (c->ts_last - c->ts_first, ==, 8 * 10000);
  g_assert_false (c->ended_by_timeout);
  g_assert_cmpuint (c->id, ==, 1);
  run_clear (&run);
}

/* REJ: "Connection attempt rejected" */
static void
test_state_rej (void)
{
  Run run;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  RS (RA, 0, ISN_A + 1, 0);
  assert_conn (only_conn (&run), TA_CONN_REJ, "Sr");
  run_clear (&run);
}

/* S2: "established and close attempt by originator seen (but no reply from
 * responder)" */
static void
test_state_s2 (void)
{
  Run run;

  run_init (&run);
  HANDSHAKE_AND_DATA ();
  O (FA, ISN_A + 101, ISN_B + 201, 0);
  assert_conn (only_conn (&run), TA_CONN_S2, "ShADadF");
  run_clear (&run);
}

/* S3: "established and close attempt by responder seen (but no reply from
 * originator)" */
static void
test_state_s3 (void)
{
  Run run;

  run_init (&run);
  HANDSHAKE_AND_DATA ();
  RS (FA, ISN_B + 201, ISN_A + 101, 0);
  assert_conn (only_conn (&run), TA_CONN_S3, "ShADadf");
  run_clear (&run);
}

/* RSTO: "Connection established, originator aborted (sent a RST)" */
static void
test_state_rsto (void)
{
  Run run;

  run_init (&run);
  HANDSHAKE_AND_DATA ();
  O (RA, ISN_A + 101, ISN_B + 201, 0);
  assert_conn (only_conn (&run), TA_CONN_RSTO, "ShADadR");
  run_clear (&run);
}

/* RSTR: "Responder sent a RST" */
static void
test_state_rstr (void)
{
  Run run;

  run_init (&run);
  HANDSHAKE_AND_DATA ();
  RS (R, ISN_B + 201, 0, 0);
  assert_conn (only_conn (&run), TA_CONN_RSTR, "ShADadr");
  run_clear (&run);
}

/* RSTOS0: "Originator sent a SYN followed by a RST, we never saw a SYN-ACK
 * from the responder" */
static void
test_state_rstos0 (void)
{
  Run run;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  O (R, ISN_A + 1, 0, 0);
  assert_conn (only_conn (&run), TA_CONN_RSTOS0, "SR");
  run_clear (&run);
}

/* RSTRH: "Responder sent a SYN ACK followed by a RST, we never saw a SYN
 * from the (purported) originator"; the SYN+ACK first flips the roles */
static void
test_state_rstrh (void)
{
  Run run;
  const TaConn *c;

  run_init (&run);
  RS (SA, ISN_B, ISN_A + 1, 0);
  RS (R, ISN_B + 1, 0, 0);
  c = only_conn (&run);
  assert_conn (c, TA_CONN_RSTRH, "^hr");
  g_assert_cmpuint (c->orig, ==, A);
  g_assert_cmpuint (c->resp_p, ==, BP);
  run_clear (&run);
}

/* SH: "Originator sent a SYN followed by a FIN, we never saw a SYN ACK from
 * the responder (hence the connection was 'half' open)" */
static void
test_state_sh (void)
{
  Run run;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  O (TA_TCP_FIN, ISN_A + 1, 0, 0);
  assert_conn (only_conn (&run), TA_CONN_SH, "SF");
  run_clear (&run);
}

/* SHR: "Responder sent a SYN ACK followed by a FIN, we never saw a SYN from
 * the originator" */
static void
test_state_shr (void)
{
  Run run;

  run_init (&run);
  RS (SA, ISN_B, ISN_A + 1, 0);
  RS (FA, ISN_B + 1, ISN_A + 1, 0);
  assert_conn (only_conn (&run), TA_CONN_SHR, "^hf");
  run_clear (&run);
}

/* OTH: "No SYN seen, just midstream traffic" */
static void
test_state_oth (void)
{
  Run run;
  const TaConn *c;

  run_init (&run);
  O (PA, ISN_A + 1, ISN_B + 1, 100);
  RS (PA, ISN_B + 1, ISN_A + 101, 50);
  RS (AK, ISN_B + 51, ISN_A + 101, 0);
  c = only_conn (&run);
  assert_conn (c, TA_CONN_OTH, "Dda");
  /* a partial endpoint counts from its first sequence number */
  g_assert_cmpuint (c->orig_bytes, ==, 100);
  g_assert_cmpuint (c->resp_bytes, ==, 50);
  run_clear (&run);
}

/* A connection first seen with its SYN+ACK: '^', the roles swapped */
static void
test_flipped (void)
{
  Run run;
  gboolean is_new, from_orig;
  const TaConn *c;
  TaPacket p = { 0 };

  run_init (&run);
  p.ts = run.ts;
  p.src = B;
  p.dst = A;
  p.sport = BP;
  p.dport = AP;
  p.proto = 6;
  p.flags = SA;
  p.seq = ISN_B;
  p.ack = ISN_A + 1;
  p.pflags = TA_PKT_HAS_PAYLOAD | TA_PKT_HAS_PORTS;
  p.ip_len = 40;
  c = ta_conn_tracker_add (run.tracker, &p, &is_new, &from_orig);
  g_assert_true (is_new);
  g_assert_false (from_orig);
  g_assert_cmpuint (c->orig, ==, A);
  g_assert_cmpuint (c->orig_p, ==, AP);
  g_assert_cmpuint (c->resp_pkts, ==, 1);
  O (AK, ISN_A + 1, ISN_B + 1, 0);
  O (PA, ISN_A + 1, ISN_B + 1, 10);
  c = only_conn (&run);
  g_assert_cmpstr (c->history, ==, "^hAD");
  g_assert_cmpuint (c->orig_pkts, ==, 2);
  run_clear (&run);
}

/* t: at the 1st, 10th, 100th retransmission */
static void
test_retransmissions (void)
{
  static const struct { guint n; const char *history; } cases[] = {
    { 1, "ShADT" }, { 9, "ShADT" }, { 10, "ShADTT" }, { 99, "ShADTT" },
    { 100, "ShADTTT" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      Run run;
      const TaConn *c;

      run_init (&run);
      O (S, ISN_A, 0, 0);
      RS (SA, ISN_B, ISN_A + 1, 0);
      O (AK, ISN_A + 1, ISN_B + 1, 0);
      for (guint i = 0; i <= cases[k].n; i++)
        O (PA, ISN_A + 1, ISN_B + 1, 100);
      c = only_conn (&run);
      g_assert_cmpstr (c->history, ==, cases[k].history);
      g_assert_cmpuint (c->orig_bytes, ==, 100);
      run_clear (&run);
    }
}

static void
udp (Run     *run,
     gboolean from_a,
     gint64   dt_us,
     guint16  a_port,
     guint16  b_port,
     guint32  len)
{
  TaPacket p = { 0 };

  p.ts = (run->ts += dt_us);
  p.src = from_a ? A : B;
  p.dst = from_a ? B : A;
  p.sport = from_a ? a_port : b_port;
  p.dport = from_a ? b_port : a_port;
  p.proto = 17;
  p.payload = len;
  p.pflags = TA_PKT_HAS_PAYLOAD | TA_PKT_HAS_PORTS;
  p.ip_len = 28 + len;
  p.length = p.ip_len + 14;
  p.frame = ++run->frame;
  ta_conn_tracker_add (run->tracker, &p, NULL, NULL);
}

static void
test_udp_states (void)
{
  Run run;
  const TaConn *c;

  /* SF: both sides */
  run_init (&run);
  udp (&run, TRUE, 1000, 5555, 53, 30);
  udp (&run, FALSE, 1000, 5555, 53, 90);
  udp (&run, TRUE, 1000, 5555, 53, 30);
  c = only_conn (&run);
  assert_conn (c, TA_CONN_SF, "Dd");
  g_assert_cmpuint (c->orig_bytes, ==, 60);
  g_assert_cmpuint (c->resp_bytes, ==, 90);
  g_assert_cmpuint (c->orig_ip_bytes, ==, 2 * 58);
  run_clear (&run);

  /* S0: the originator only */
  run_init (&run);
  udp (&run, TRUE, 1000, 5555, 53, 30);
  assert_conn (only_conn (&run), TA_CONN_S0, "D");
  run_clear (&run);

  /* SHR: the responder only — a reply from a likely server port (53) to
   * one that is not is flipped, as Zeek's UDP analyzer does */
  run_init (&run);
  udp (&run, FALSE, 1000, 5555, 53, 90);
  c = only_conn (&run);
  assert_conn (c, TA_CONN_SHR, "^d");
  g_assert_cmpuint (c->orig, ==, A);
  g_assert_cmpuint (c->resp_p, ==, 53);
  run_clear (&run);
}

/* A gap of 61 s, past udp_inactivity_timeout, makes two connections */
static void
test_udp_timeout (void)
{
  Run run;

  run_init (&run);
  udp (&run, TRUE, 1000, 5555, 9999, 10);
  udp (&run, FALSE, 1000, 5555, 9999, 10);
  udp (&run, TRUE, 61 * G_USEC_PER_SEC, 5555, 9999, 10);
  g_assert_cmpuint (run.done->len, ==, 1);
  g_assert_true (g_array_index (run.done, TaConn, 0).ended_by_timeout);
  g_assert_cmpuint (ta_conn_tracker_get_n_open (run.tracker), ==, 1);
  ta_conn_tracker_finish (run.tracker);
  g_assert_cmpuint (run.done->len, ==, 2);
  g_assert_cmpuint (g_array_index (run.done, TaConn, 0).orig_pkts, ==, 1);
  g_assert_cmpuint (g_array_index (run.done, TaConn, 0).resp_pkts, ==, 1);
  g_assert_cmpuint (g_array_index (run.done, TaConn, 1).orig_pkts, ==, 1);
  g_assert_cmpuint (g_array_index (run.done, TaConn, 1).id, ==, 2);
  g_assert_false (g_array_index (run.done, TaConn, 1).ended_by_timeout);
  g_assert_cmpuint (ta_conn_tracker_get_n_done (run.tracker), ==, 2);
  g_assert_cmpuint (ta_conn_tracker_get_peak_open (run.tracker), ==, 1);
  run_clear (&run);
}

/* An echo request and its reply are one connection: orig_p 8, resp_p 0 */
static void
test_icmp_echo (void)
{
  Run run;
  const TaConn *c;

  run_init (&run);
  for (guint i = 0; i < 2; i++)
    {
      TaPacket p = { 0 };
      p.ts = (run.ts += 1000);
      p.src = i ? B : A;
      p.dst = i ? A : B;
      p.proto = 1;
      p.icmp_type = i ? 0 : 8;
      p.pflags = TA_PKT_HAS_ICMP;
      p.ip_len = 84;
      p.length = 98;
      ta_conn_tracker_add (run.tracker, &p, NULL, NULL);
    }
  c = only_conn (&run);
  g_assert_cmpuint (c->orig, ==, A);
  g_assert_cmpuint (c->orig_p, ==, 8);
  g_assert_cmpuint (c->resp_p, ==, 0);
  g_assert_cmpuint (c->orig_pkts, ==, 1);
  g_assert_cmpuint (c->resp_pkts, ==, 1);
  g_assert_cmpuint (c->orig_bytes, ==, 56);
  g_assert_cmpstr (ta_conn_proto_name (c->proto), ==, "icmp");
  g_assert_cmpstr (ta_conn_state_name (c->state), ==, "OTH");
  run_clear (&run);
}

/* After both FINs the tuple is free again once the close delay (5 s) has
 * passed: a SYN 10 s later is a second connection; a stray ACK within the
 * delay still joins the first */
static void
test_tcp_close_delay (void)
{
  Run run;

  run_init (&run);
  HANDSHAKE_AND_DATA ();
  O (FA, ISN_A + 101, ISN_B + 201, 0);
  RS (FA, ISN_B + 201, ISN_A + 102, 0);
  run.ts += 2 * G_USEC_PER_SEC;
  O (AK, ISN_A + 102, ISN_B + 202, 0);
  g_assert_cmpuint (run.done->len, ==, 0);
  run.ts += 10 * G_USEC_PER_SEC;
  O (S, ISN_A + 7777, 0, 0);
  g_assert_cmpuint (run.done->len, ==, 1);
  g_assert_false (g_array_index (run.done, TaConn, 0).ended_by_timeout);
  assert_conn (&g_array_index (run.done, TaConn, 0), TA_CONN_SF, "ShADadFf");
  g_assert_cmpuint (g_array_index (run.done, TaConn, 0).orig_pkts, ==, 5);
  ta_conn_tracker_finish (run.tracker);
  g_assert_cmpuint (run.done->len, ==, 2);
  assert_conn (&g_array_index (run.done, TaConn, 1), TA_CONN_S0, "S");
  run_clear (&run);
}

/* A new SYN within the close delay but with a new sequence number is a
 * reuse (Zeek's IsReuse): a second connection at once */
static void
test_tcp_reuse (void)
{
  Run run;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  RS (RA, 0, ISN_A + 1, 0);
  O (S, ISN_A + 99999, 0, 0);
  ta_conn_tracker_finish (run.tracker);
  g_assert_cmpuint (run.done->len, ==, 2);
  assert_conn (&g_array_index (run.done, TaConn, 0), TA_CONN_REJ, "Sr");
  assert_conn (&g_array_index (run.done, TaConn, 1), TA_CONN_S0, "S");
  run_clear (&run);
}

/* A packet older than the connection's last one (another file) must not
 * make a negative duration */
static void
test_out_of_order (void)
{
  Run run;
  const TaConn *c;

  run_init (&run);
  O (S, ISN_A, 0, 0);
  RS (SA, ISN_B, ISN_A + 1, 0);
  run.ts -= 1000000;
  O (AK, ISN_A + 1, ISN_B + 1, 0);
  c = only_conn (&run);
  g_assert_cmpint (c->ts_last, >=, c->ts_first);
  g_assert_cmpuint (c->orig_pkts, ==, 2);
  run_clear (&run);
}

static void
test_names (void)
{
  char uid[20], uid2[20];

  for (guint s = 0; s < TA_CONN_N_STATES; s++)
    g_assert_nonnull (ta_conn_state_name (s));
  g_assert_cmpstr (ta_conn_state_name (TA_CONN_RSTOS0), ==, "RSTOS0");
  g_assert_cmpstr (ta_conn_proto_name (6), ==, "tcp");
  g_assert_cmpstr (ta_conn_proto_name (58), ==, "icmp");
  g_assert_cmpstr (ta_conn_proto_name (47), ==, "unknown_transport");
  g_assert_cmpstr (ta_conn_service_guess (6, 51000, 443), ==, "ssl");
  g_assert_cmpstr (ta_conn_service_guess (17, 53, 51000), ==, "dns");
  g_assert_cmpstr (ta_conn_service_guess (6, 40000, 53), ==, "dns");
  g_assert_cmpstr (ta_conn_service_guess (6, 40000, 993), ==, "ssl");
  g_assert_null (ta_conn_service_guess (6, 40000, 40001));
  g_assert_null (ta_conn_service_guess (1, 8, 0));
  ta_conn_uid (1, uid);
  ta_conn_uid (1, uid2);
  g_assert_cmpstr (uid, ==, uid2);
  g_assert_cmpuint (strlen (uid), ==, 18);
  g_assert_cmpint (uid[0], ==, 'C');
  ta_conn_uid (2, uid2);
  g_assert_cmpstr (uid, !=, uid2);
}

#include "test-profile-conn-argus.inc"

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/conn/state/S0", test_state_s0);
  g_test_add_func ("/conn/state/S1", test_state_s1);
  g_test_add_func ("/conn/state/SF", test_state_sf);
  g_test_add_func ("/conn/state/REJ", test_state_rej);
  g_test_add_func ("/conn/state/S2", test_state_s2);
  g_test_add_func ("/conn/state/S3", test_state_s3);
  g_test_add_func ("/conn/state/RSTO", test_state_rsto);
  g_test_add_func ("/conn/state/RSTR", test_state_rstr);
  g_test_add_func ("/conn/state/RSTOS0", test_state_rstos0);
  g_test_add_func ("/conn/state/RSTRH", test_state_rstrh);
  g_test_add_func ("/conn/state/SH", test_state_sh);
  g_test_add_func ("/conn/state/SHR", test_state_shr);
  g_test_add_func ("/conn/state/OTH", test_state_oth);
  g_test_add_func ("/conn/flipped", test_flipped);
  g_test_add_func ("/conn/retransmissions", test_retransmissions);
  g_test_add_func ("/conn/udp/states", test_udp_states);
  g_test_add_func ("/conn/udp/timeout", test_udp_timeout);
  g_test_add_func ("/conn/icmp/echo", test_icmp_echo);
  g_test_add_func ("/conn/tcp/close-delay", test_tcp_close_delay);
  g_test_add_func ("/conn/tcp/reuse", test_tcp_reuse);
  g_test_add_func ("/conn/out-of-order", test_out_of_order);
  g_test_add_func ("/conn/names", test_names);
  add_argus_tests ();
  return g_test_run ();
}
