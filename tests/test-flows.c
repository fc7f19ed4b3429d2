/* test-flows.c — the TCP flow tracker (FORMATS.md §7, §11)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-flow-tracker.h"
#include "ta-packet.h"

#define SYN TA_TCP_SYN
#define ACK TA_TCP_ACK
#define FIN TA_TCP_FIN
#define RST TA_TCP_RST
#define PSH TA_TCP_PSH
#define SEC G_USEC_PER_SEC
#define T0 G_GINT64_CONSTANT (1257254400000000)

/* A completed flow, copied out of the callback */
typedef struct
{
  guint64         id;
  char           *key;
  TaFlowState     state;
  TaCloseType     close_type;
  TaInvalidReason reason;
  TaFlowEnd       end;
  guint           n;
  GArray         *packets;
  GString        *phases;     /* one letter per packet, see phase_letter */
  gboolean        est, dts, closing, ongoing, has_initiator;
  guint32         initiator;
  guint16         initiator_port;
  gint            syn_index, synack_index, invalid_index;
  guint           n_est, n_data, n_close;
  guint64         total_bytes;
} Done;

typedef struct
{
  TaAddrTable   *addrs;
  TaFlowTracker *tracker;
  GPtrArray     *done;
  guint32        a, b, c;
} Fixture;

static char
phase_letter (TaFlowPhase p)
{
  /* - none, S syn, Y syn_ack, A ack, D data, d ack_data, F fin, R rst, C ack_close */
  return "-SYADdFRC"[p];
}

static void
done_free (gpointer data)
{
  Done *d = data;

  g_free (d->key);
  g_array_unref (d->packets);
  g_string_free (d->phases, TRUE);
  g_free (d);
}

static void
collect (const TaFlow *f,
         gpointer      user_data)
{
  Fixture *fx = user_data;
  Done *d = g_new0 (Done, 1);

  d->id = f->id;
  d->key = g_strdup (f->key);
  d->state = f->state;
  d->close_type = f->close_type;
  d->reason = f->invalid_reason;
  d->end = f->end;
  d->n = f->n_packets;
  d->packets = g_array_new (FALSE, FALSE, sizeof (TaPacket));
  g_array_append_vals (d->packets, f->packets, f->n_packets);
  d->phases = g_string_new (NULL);
  for (guint i = 0; i < f->n_packets; i++)
    g_string_append_c (d->phases, phase_letter (f->phases[i]));
  d->est = f->establishment_complete;
  d->dts = f->data_transfer_started;
  d->closing = f->closing_started;
  d->ongoing = f->ongoing;
  d->has_initiator = f->has_initiator;
  d->initiator = f->initiator;
  d->initiator_port = f->initiator_port;
  d->syn_index = f->syn_index;
  d->synack_index = f->synack_index;
  d->invalid_index = f->invalid_index;
  d->n_est = f->n_establishment;
  d->n_data = f->n_data_transfer;
  d->n_close = f->n_closing;
  d->total_bytes = f->total_bytes;
  g_ptr_array_add (fx->done, d);
}

static void
fx_init (Fixture *fx,
         gint64   timeout_us)
{
  fx->addrs = ta_addr_table_new ();
  fx->a = ta_addr_table_intern_text (fx->addrs, "10.0.0.1", -1);
  fx->b = ta_addr_table_intern_text (fx->addrs, "172.28.1.2", -1);
  fx->c = ta_addr_table_intern_text (fx->addrs, "2001:db8::1", -1);
  fx->done = g_ptr_array_new_with_free_func (done_free);
  fx->tracker = ta_flow_tracker_new (fx->addrs, timeout_us, collect, fx);
}

static void
fx_clear (Fixture *fx)
{
  ta_flow_tracker_free (fx->tracker);
  g_ptr_array_unref (fx->done);
  ta_addr_table_free (fx->addrs);
}

static TaPacket
mk (gint64  ts,
    guint32 src,
    guint16 sport,
    guint32 dst,
    guint16 dport,
    guint   flags,
    guint32 seq,
    guint32 ack,
    guint32 length)
{
  TaPacket p;

  memset (&p, 0, sizeof p);
  p.ts = ts;
  p.src = src;
  p.dst = dst;
  p.sport = sport;
  p.dport = dport;
  p.flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.length = length;
  p.proto = 6;
  p.pflags = TA_PKT_HAS_PORTS;
  p.label = TA_LABEL_NONE;
  return p;
}

/* client a:40000 -> server b:80 */
#define C2S(fx, ts, fl, seq, ack, len) mk ((ts), (fx)->a, 40000, (fx)->b, 80, (fl), (seq), (ack), (len))
#define S2C(fx, ts, fl, seq, ack, len) mk ((ts), (fx)->b, 80, (fx)->a, 40000, (fl), (seq), (ack), (len))

static void
feed (Fixture  *fx,
      TaPacket  p)
{
  g_assert_true (ta_flow_tracker_add (fx->tracker, &p));
}

/* SYN (isn 1000), SYN+ACK (isn 5000), ACK: a valid handshake starting at ts */
static void
handshake (Fixture *fx,
           gint64   ts)
{
  feed (fx, C2S (fx, ts, SYN, 1000, 0, 74));
  feed (fx, S2C (fx, ts + 10, SYN | ACK, 5000, 1001, 74));
  feed (fx, C2S (fx, ts + 20, ACK, 1001, 5001, 66));
}

static Done *
only (Fixture *fx)
{
  g_assert_cmpuint (fx->done->len, ==, 1);
  return fx->done->pdata[0];
}

/* --------------------------------------------------------------- tests */

static void
test_graceful (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  handshake (&fx, T0);
  feed (&fx, C2S (&fx, T0 + 30, PSH | ACK, 1001, 5001, 66 + 100));
  feed (&fx, S2C (&fx, T0 + 40, ACK, 5001, 1101, 66));
  feed (&fx, C2S (&fx, T0 + 50, FIN | ACK, 1101, 5001, 66));
  feed (&fx, S2C (&fx, T0 + 60, ACK, 5001, 1102, 66));
  /* half-closed: the server still sends data, still the same flow */
  feed (&fx, S2C (&fx, T0 + 65, PSH | ACK, 5001, 1102, 66 + 10));
  feed (&fx, S2C (&fx, T0 + 70, FIN | ACK, 5011, 1102, 66));
  g_assert_cmpuint (fx.done->len, ==, 0);
  g_assert_cmpuint (ta_flow_tracker_get_n_open (fx.tracker), ==, 1);
  /* the ACK of the last FIN finishes the close and stays in the flow */
  feed (&fx, C2S (&fx, T0 + 80, ACK, 1102, 5012, 66));
  /* the flow lingers: a duplicate final ACK joins it */
  feed (&fx, C2S (&fx, T0 + 90, ACK, 1102, 5012, 66));
  g_assert_cmpuint (fx.done->len, ==, 0);
  /* handed over once the clock is past the linger */
  feed (&fx, mk (T0 + 80 + TA_FLOW_LINGER_DEFAULT_US, fx.c, 9, fx.b, 9, ACK, 1, 1, 66));
  d = only (&fx);
  g_assert_cmpuint (ta_flow_tracker_get_n_open (fx.tracker), ==, 1);
  g_assert_cmpint (d->end, ==, TA_FLOW_END_CLOSE);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_CLOSED);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_GRACEFUL);
  g_assert_cmpint (d->reason, ==, TA_INVALID_NONE);
  g_assert_cmpuint (d->n, ==, 11);
  g_assert_cmpstr (d->phases->str, ==, "SYADdFCDFCC");
  g_assert_true (d->est && d->dts && d->closing && !d->ongoing);
  g_assert_true (d->has_initiator);
  g_assert_cmpuint (d->initiator, ==, fx.a);
  g_assert_cmpuint (d->initiator_port, ==, 40000);
  g_assert_cmpstr (d->key, ==, "10.0.0.1:40000-172.28.1.2:80");
  g_assert_cmpuint (d->n_est, ==, 3);
  g_assert_cmpuint (d->n_data, ==, 3);
  g_assert_cmpuint (d->n_close, ==, 5);
  g_assert_cmpuint (d->total_bytes, ==, 74 * 2 + 66 * 7 + 166 + 76);
  g_assert_cmpstr (ta_flow_state_name (d->state), ==, "closed");
  g_assert_cmpstr (ta_close_type_name (d->close_type), ==, "graceful");
  g_assert_null (ta_invalid_reason_name (d->reason));
  g_assert_cmpstr (ta_flow_phase_name (TA_PHASE_ACK_CLOSE), ==, "ack_close");
  g_assert_cmpstr (ta_flow_phase_description (TA_PHASE_ACK_CLOSE), ==, "Close Acknowledgment");
  g_assert_cmpstr (ta_flow_phase_description (TA_PHASE_SYN), ==, "Connection Request");
  g_assert_cmpstr (ta_flow_phase_description (TA_PHASE_DATA), ==, "Data Transfer");

  /* after the linger, the same 4-tuple is a new flow */
  feed (&fx, C2S (&fx, T0 + 3 * SEC, ACK, 1102, 5012, 66));
  ta_flow_tracker_finish (fx.tracker);
  g_assert_cmpuint (fx.done->len, ==, 3);
  d = fx.done->pdata[2];
  g_assert_cmpuint (d->id, ==, 3);
  g_assert_cmpuint (d->n, ==, 1);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_NEW);

  /* §11: the original split a FIN and its final ACK that fell in different
   * read chunks (it completed the flow at the chunk end after a FIN). Here
   * the flow stays open until the last FIN is acknowledged, whatever the
   * reader's chunking: a late ACK of the first FIN alone does not close. */
  fx_clear (&fx);
}

static void
test_fin_ack_split (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  handshake (&fx, T0);
  feed (&fx, C2S (&fx, T0 + 50, FIN | ACK, 1001, 5001, 66));
  /* "chunk boundary" here in the original: the flow had a FIN */
  feed (&fx, S2C (&fx, T0 + 60, FIN | ACK, 5001, 1002, 66));
  g_assert_cmpuint (fx.done->len, ==, 0);
  /* an ACK from the side of the last FIN does not finish */
  feed (&fx, S2C (&fx, T0 + 61, ACK, 5002, 1002, 66));
  g_assert_cmpuint (fx.done->len, ==, 0);
  feed (&fx, C2S (&fx, T0 + 70, ACK, 1002, 5002, 66));
  g_assert_cmpuint (fx.done->len, ==, 0);
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpuint (d->n, ==, 7);
  g_assert_cmpstr (d->phases->str, ==, "SYAFFCC");
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_CLOSED);
  g_assert_cmpint (d->end, ==, TA_FLOW_END_CLOSE);
  fx_clear (&fx);
}

static void
test_ongoing (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  handshake (&fx, T0);
  feed (&fx, C2S (&fx, T0 + 30, PSH | ACK, 1001, 5001, 66 + 100));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->end, ==, TA_FLOW_END_INPUT);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_ONGOING);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_OPEN);
  g_assert_true (d->ongoing);
  g_assert_cmpstr (d->phases->str, ==, "SYAD");
  g_ptr_array_set_size (fx.done, 0);

  /* established without data is ongoing too */
  handshake (&fx, T0 + SEC);
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_ONGOING);
  g_assert_true (d->est && !d->dts);
  fx_clear (&fx);
}

static void
test_aborted (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  handshake (&fx, T0);
  feed (&fx, S2C (&fx, T0 + 30, RST | ACK, 5001, 1001, 54));
  /* the peer's answering RST, 2 µs later, joins the aborted flow */
  feed (&fx, C2S (&fx, T0 + 32, RST, 1001, 0, 54));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->end, ==, TA_FLOW_END_RST);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_ABORTED);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_ABORTIVE);
  g_assert_cmpint (d->invalid_index, ==, 4);
  g_assert_cmpstr (d->phases->str, ==, "SYARR");
  g_ptr_array_set_size (fx.done, 0);

  /* without linger, the RST hands the flow over at once */
  ta_flow_tracker_set_linger (fx.tracker, 0);
  handshake (&fx, T0 + SEC);
  feed (&fx, S2C (&fx, T0 + SEC + 30, RST | ACK, 5001, 1001, 54));
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_ABORTED);
  g_assert_cmpuint (d->n, ==, 4);
  fx_clear (&fx);
}

static void
test_rst_during_handshake (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  feed (&fx, C2S (&fx, T0, SYN, 1000, 0, 74));
  feed (&fx, S2C (&fx, T0 + 10, RST | ACK, 0, 1001, 54));
  g_assert_cmpuint (fx.done->len, ==, 0);      /* lingering */
  /* a retried SYN after the RST is a new connection attempt (4-tuple reuse
   * after a completed flow): the first flow is handed over at once, the
   * SYN starts a new flow with a new id */
  feed (&fx, C2S (&fx, T0 + 500000, SYN, 1000, 0, 74));
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_INVALID);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_INVALID);
  g_assert_cmpint (d->reason, ==, TA_INVALID_RST_DURING_HANDSHAKE);
  g_assert_cmpstr (ta_invalid_reason_name (d->reason), ==, "rst_during_handshake");
  g_assert_cmpint (d->invalid_index, ==, 1);
  g_assert_cmpstr (d->phases->str, ==, "SR");

  g_assert_cmpuint (d->id, ==, 1);
  feed (&fx, S2C (&fx, T0 + 500010, RST | ACK, 0, 1001, 54));
  ta_flow_tracker_finish (fx.tracker);
  g_assert_cmpuint (fx.done->len, ==, 2);
  d = fx.done->pdata[1];
  g_assert_cmpuint (d->id, ==, 2);
  g_assert_cmpint (d->reason, ==, TA_INVALID_RST_DURING_HANDSHAKE);
  g_assert_cmpuint (d->n, ==, 2);
  fx_clear (&fx);
}

static void
test_invalid_synack (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  feed (&fx, C2S (&fx, T0, SYN, 1000, 0, 74));
  feed (&fx, S2C (&fx, T0 + 10, SYN | ACK, 5000, 7777, 74));
  feed (&fx, C2S (&fx, T0 + 20, ACK, 1001, 5001, 66));
  feed (&fx, C2S (&fx, T0 + 30, PSH | ACK, 1001, 5001, 200));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_INVALID);
  g_assert_cmpint (d->reason, ==, TA_INVALID_SYNACK);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_INVALID);
  g_assert_cmpint (d->invalid_index, ==, 1);
  /* §11: every packet is listed, including the invalid one and those after
   * it (the original stopped listing at the invalid packet) */
  g_assert_cmpuint (d->n, ==, 4);
  g_assert_cmpuint (d->packets->len, ==, 4);
  g_assert_cmpstr (d->phases->str, ==, "S---");
  fx_clear (&fx);
}

static void
test_invalid_ack (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  feed (&fx, C2S (&fx, T0, SYN, 1000, 0, 74));
  feed (&fx, S2C (&fx, T0 + 10, SYN | ACK, 5000, 1001, 74));
  feed (&fx, C2S (&fx, T0 + 20, ACK, 1001, 9999, 66));
  feed (&fx, C2S (&fx, T0 + 30, FIN | ACK, 1001, 5001, 66));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_INVALID);
  g_assert_cmpint (d->reason, ==, TA_INVALID_ACK);
  g_assert_cmpint (d->invalid_index, ==, 2);
  g_assert_cmpuint (d->packets->len, ==, 4);
  g_assert_cmpstr (d->phases->str, ==, "SY--");
  g_assert_false (d->closing);
  fx_clear (&fx);
}

static void
test_incomplete (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  feed (&fx, C2S (&fx, T0, SYN, 1000, 0, 74));
  feed (&fx, C2S (&fx, T0 + SEC, SYN, 1000, 0, 74));   /* retransmission */
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_INVALID);
  g_assert_cmpint (d->reason, ==, TA_INVALID_INCOMPLETE_NO_SYNACK);
  g_assert_cmpstr (d->phases->str, ==, "S-");
  g_ptr_array_set_size (fx.done, 0);

  feed (&fx, C2S (&fx, T0 + 2 * SEC, SYN, 1000, 0, 74));
  feed (&fx, S2C (&fx, T0 + 2 * SEC + 10, SYN | ACK, 5000, 1001, 74));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->reason, ==, TA_INVALID_INCOMPLETE_NO_ACK);
  g_assert_cmpstr (ta_invalid_reason_name (d->reason), ==, "incomplete_no_ack");

  /* "incomplete_no_syn" cannot be reached: only a SYN makes a flow
   * "establishing" (the same holds in the original); the name exists */
  g_assert_cmpstr (ta_invalid_reason_name (TA_INVALID_INCOMPLETE_NO_SYN), ==, "incomplete_no_syn");
  fx_clear (&fx);
}

static void
test_new_and_no_syn (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  /* mid-stream packets only: stays "new", no initiator */
  feed (&fx, C2S (&fx, T0, PSH | ACK, 1, 2, 300));
  feed (&fx, S2C (&fx, T0 + 10, ACK, 2, 235, 66));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_NEW);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_NONE);
  g_assert_false (d->has_initiator);
  g_assert_cmpstr (d->phases->str, ==, "--");
  g_ptr_array_set_size (fx.done, 0);

  /* a SYN+ACK without SYN is listed as syn_ack but changes no state */
  feed (&fx, S2C (&fx, T0 + SEC, SYN | ACK, 5000, 1001, 74));
  feed (&fx, C2S (&fx, T0 + SEC + 10, ACK, 1001, 5001, 66));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_NEW);
  g_assert_cmpint (d->synack_index, ==, 0);
  g_assert_cmpstr (d->phases->str, ==, "Y-");
  g_ptr_array_set_size (fx.done, 0);

  /* closed without a SYN seen: closed/graceful, initiator null */
  feed (&fx, C2S (&fx, T0 + 2 * SEC, PSH | ACK, 10, 20, 300));
  feed (&fx, C2S (&fx, T0 + 2 * SEC + 1, FIN | ACK, 244, 20, 66));
  feed (&fx, S2C (&fx, T0 + 2 * SEC + 2, FIN | ACK, 20, 245, 66));
  feed (&fx, C2S (&fx, T0 + 2 * SEC + 3, ACK, 245, 21, 66));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_CLOSED);
  g_assert_cmpint (d->close_type, ==, TA_CLOSE_GRACEFUL);
  g_assert_false (d->has_initiator);
  g_assert_cmpstr (d->phases->str, ==, "-FF-");
  fx_clear (&fx);
}

/* §11: the original checked timeouts only at read-chunk boundaries (every
 * 500 000 rows). Here a flow times out as soon as the packet clock has moved
 * timeout past its last packet, before that packet is handled. */
static void
test_timeout_continuous (void)
{
  Fixture fx;
  Done *d;
  TaPacket other;

  fx_init (&fx, 300 * SEC);
  handshake (&fx, T0);
  other = mk (T0 + 100 * SEC, fx.c, 1234, fx.b, 443, SYN, 1, 0, 94);
  feed (&fx, other);
  other.ts = T0 + 200 * SEC;
  feed (&fx, other);
  other.ts = T0 + 20 + 300 * SEC - 1;
  feed (&fx, other);
  g_assert_cmpuint (fx.done->len, ==, 0);
  other.ts = T0 + 20 + 300 * SEC;      /* exactly 300 s after the last ACK */
  feed (&fx, other);
  d = only (&fx);
  g_assert_cmpint (d->end, ==, TA_FLOW_END_TIMEOUT);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_ONGOING);
  g_assert_cmpuint (d->n, ==, 3);
  g_assert_cmpuint (ta_flow_tracker_get_n_open (fx.tracker), ==, 1);

  /* the same 4-tuple later is a new flow; a packet after a long gap first
   * expires the old flow of its own connection */
  feed (&fx, C2S (&fx, T0 + 400 * SEC, ACK, 1001, 5001, 66));
  feed (&fx, C2S (&fx, T0 + 800 * SEC, ACK, 1001, 5001, 66));
  g_assert_cmpuint (fx.done->len, ==, 3);
  g_assert_cmpuint (((Done *) fx.done->pdata[1])->id, ==, 2);  /* the c:1234 flow */
  g_assert_cmpuint (((Done *) fx.done->pdata[2])->id, ==, 3);
  g_assert_cmpuint (((Done *) fx.done->pdata[2])->n, ==, 1);
  ta_flow_tracker_finish (fx.tracker);
  g_assert_cmpuint (fx.done->len, ==, 4);
  g_assert_cmpuint (((Done *) fx.done->pdata[3])->id, ==, 4);
  g_assert_cmpuint (ta_flow_tracker_get_n_flows (fx.tracker), ==, 4);
  fx_clear (&fx);
}

/* §11: the original used the frame length as the payload length, so every
 * ACK after the handshake looked like data. Captures give the real payload;
 * CSV frames are estimated (length − 66, IPv6 − 86). */
static void
test_payload_rule (void)
{
  Fixture fx;
  Done *d;
  TaPacket p;

  fx_init (&fx, 0);
  handshake (&fx, T0);
  feed (&fx, C2S (&fx, T0 + 30, ACK, 1001, 5001, 54));   /* no options */
  feed (&fx, C2S (&fx, T0 + 31, ACK, 1001, 5001, 60));   /* padded */
  feed (&fx, C2S (&fx, T0 + 32, ACK, 1001, 5001, 66));   /* timestamps */
  feed (&fx, C2S (&fx, T0 + 33, ACK, 1001, 5001, 67));   /* 1 byte */
  p = C2S (&fx, T0 + 34, ACK, 1002, 5001, 1514);
  p.pflags |= TA_PKT_HAS_PAYLOAD;
  p.payload = 0;                                         /* capture: pure ACK */
  feed (&fx, p);
  p = C2S (&fx, T0 + 35, ACK, 1002, 5001, 54);
  p.pflags |= TA_PKT_HAS_PAYLOAD;
  p.payload = 10;                                        /* capture: data */
  feed (&fx, p);
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  g_assert_cmpstr (d->phases->str, ==, "SYAdddDdD");

  g_assert_cmpuint (ta_packet_payload_estimate (&p, 4), ==, 10);
  p.pflags &= ~TA_PKT_HAS_PAYLOAD;
  p.length = 86;
  g_assert_cmpuint (ta_packet_payload_estimate (&p, 6), ==, 0);
  g_assert_cmpuint (ta_packet_payload_estimate (&p, 4), ==, 20);
  fx_clear (&fx);
}

/* §11: RST+ACK (the loader's name) and ACK+RST (flag_colors.json) are the
 * same class 0x14; files keep RST+ACK for compatibility. */
static void
test_rst_ack_name (void)
{
  g_assert_cmpstr (ta_flag_type_name (RST | ACK, FALSE), ==, "RST+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("ACK+RST"), ==, "RST+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("RST+ACK"), ==, "RST+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("SYN+ACK"), ==, "SYN+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("ACK+SYN"), ==, "SYN+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("ACK+PSH"), ==, "PSH+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("ACK+FIN"), ==, "FIN+ACK");
  g_assert_cmpstr (ta_flag_class_canonical ("OTHER"), ==, "OTHER");
  g_assert_cmpstr (ta_flag_type_name (SYN | ACK | TA_TCP_ECE, FALSE), ==, "ACK+ECE+SYN");
}

static void
test_out_of_order (void)
{
  Fixture fx;
  Done *d;

  fx_init (&fx, 0);
  feed (&fx, S2C (&fx, T0 + 10, SYN | ACK, 5000, 1001, 74));
  feed (&fx, C2S (&fx, T0, SYN, 1000, 0, 74));           /* arrives late */
  feed (&fx, C2S (&fx, T0 + 20, ACK, 1001, 5001, 66));
  ta_flow_tracker_finish (fx.tracker);
  d = only (&fx);
  /* classified in time order, as the original sorted each flow */
  g_assert_cmpstr (d->phases->str, ==, "SYA");
  g_assert_cmpint (g_array_index (d->packets, TaPacket, 0).ts, ==, T0);
  g_assert_cmpint (d->state, ==, TA_FLOW_STATE_ONGOING);
  fx_clear (&fx);
}

static void
test_not_tracked (void)
{
  Fixture fx;
  TaPacket p;

  fx_init (&fx, 0);
  p = C2S (&fx, T0, SYN, 1, 0, 74);
  p.proto = 17;
  g_assert_false (ta_flow_tracker_add (fx.tracker, &p));
  p.proto = 6;
  p.sport = 0;                                           /* no port: no key */
  g_assert_false (ta_flow_tracker_add (fx.tracker, &p));
  ta_flow_tracker_finish (fx.tracker);
  g_assert_cmpuint (fx.done->len, ==, 0);
  fx_clear (&fx);
}

/* Many interleaved flows, completed in random order: the hash table's
 * growth and deletion keep every packet in its flow. */
static void
test_many_flows (void)
{
  Fixture fx;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const guint N = 20000;
  g_autofree guint *sent = g_new0 (guint, N);
  g_autofree gboolean *closed = g_new0 (gboolean, N);
  gint64 ts = T0;
  guint64 total = 0;

  fx_init (&fx, 0);
  for (guint round = 0; round < 6 * N; round++)
    {
      guint i = g_rand_int_range (rand, 0, N);
      guint16 port = 1024 + i;
      TaPacket p;

      if (closed[i])
        continue;
      ts += 7;
      if (sent[i] >= 3 && g_rand_int_range (rand, 0, 4) == 0)
        {
          p = mk (ts, fx.b, 80, fx.a, port, RST, 0, 0, 54);
          closed[i] = TRUE;
        }
      else
        p = mk (ts, fx.a, port, fx.b, 80, sent[i] == 0 ? SYN : ACK, 0, 0, 66);
      feed (&fx, p);
      sent[i]++;
    }
  g_assert_cmpuint (ta_flow_tracker_get_n_open (fx.tracker) + fx.done->len, ==, ta_flow_tracker_get_n_flows (fx.tracker));
  ta_flow_tracker_finish (fx.tracker);
  g_assert_cmpuint (ta_flow_tracker_get_n_open (fx.tracker), ==, 0);
  for (guint k = 0; k < fx.done->len; k++)
    {
      Done *d = fx.done->pdata[k];
      guint i = g_array_index (d->packets, TaPacket, 0).sport - 1024;

      g_assert_cmpuint (d->n, ==, sent[i]);
      for (guint j = 0; j < d->n; j++)
        {
          const TaPacket *p = &g_array_index (d->packets, TaPacket, j);

          g_assert_true (p->sport == 1024 + i || p->dport == 1024 + i);
        }
      total += d->n;
    }
  for (guint i = 0; i < N; i++)
    total -= sent[i];
  g_assert_cmpuint (total, ==, 0);
  fx_clear (&fx);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/flows/state/closed-graceful", test_graceful);
  g_test_add_func ("/core/flows/state/ongoing-open", test_ongoing);
  g_test_add_func ("/core/flows/state/aborted-abortive", test_aborted);
  g_test_add_func ("/core/flows/state/invalid-rst-during-handshake", test_rst_during_handshake);
  g_test_add_func ("/core/flows/state/invalid-synack", test_invalid_synack);
  g_test_add_func ("/core/flows/state/invalid-ack", test_invalid_ack);
  g_test_add_func ("/core/flows/state/invalid-incomplete", test_incomplete);
  g_test_add_func ("/core/flows/state/new-and-no-syn", test_new_and_no_syn);
  g_test_add_func ("/core/flows/fault/fin-ack-split", test_fin_ack_split);
  g_test_add_func ("/core/flows/fault/timeout-continuous", test_timeout_continuous);
  g_test_add_func ("/core/flows/fault/payload-rule", test_payload_rule);
  g_test_add_func ("/core/flows/fault/rst-ack-name", test_rst_ack_name);
  g_test_add_func ("/core/flows/order/out-of-order", test_out_of_order);
  g_test_add_func ("/core/flows/tracker/not-tracked", test_not_tracked);
  g_test_add_func ("/core/flows/tracker/many-flows", test_many_flows);
  return g_test_run ();
}
