/* ta-validate.h — the per-connection validation checklist of the flow
 * profiler: every finished TaConn is checked against eight groups of rules
 * and gets is_valid and the list of failed checks, each with a reason.
 *
 *  1. schema and bounds: ts_first and ts_last positive and before year
 *     3000 (µs integers are always finite); at least one packet, and no
 *     bytes in a direction without packets; no byte count ≥ 2^48 and no
 *     payload larger than its IP bytes (TCP: plus the missed bytes)
 *  2. addresses: both are IPv4 or IPv6 of the same version (not an opaque
 *     name, not the unspecified address except as a DHCP client's
 *     source), src ≠ dst,
 *     multicast (224.0.0.0/4, ff00::/8), broadcast (255.255.255.255, and
 *     the directed broadcast of a subnet given by ta_validator_add_subnet()
 *     — x.y.z.255 alone is not flagged), loopback (127.0.0.0/8, ::1); the
 *     reason names the side, the address and the range
 *  3. protocol and ports: a known IANA protocol number (0 = unknown, since
 *     TaPacket.proto is 0 when it is not known); TCP/UDP ports are 16-bit,
 *     so always in 0–65535; ICMP/ICMPv6 carry type and code in the ports,
 *     each ≤ 255; other protocols have no ports (both 0)
 *  4. packets and bytes: IP bytes ≥ packets each way, and the mean IP
 *     bytes per packet each way in [20, 65535]
 *  5. index order: (first_file, first_frame) ≤ (last_file, last_frame)
 *  6. duration: ≥ 0; one packet: ≤ 1 ms (the coarsest input resolution);
 *     several packets in 0 µs (warning); longer than one hour (warning)
 *  7. protocol/port sanity: DNS (TCP/UDP port 53 on either side) shorter
 *     than 10 s (warning); HTTPS (TCP/UDP port 443) at least two packets
 *     (warning); TCP/UDP port 0 on either side (warning)
 *  8. duplicates: the same (proto, orig, orig_p, resp, resp_p, first_file,
 *     first_frame) seen before. The set of keys is bounded: it holds the
 *     keys of the last TA_VALIDATE_DUP_WINDOW connections (FIFO), so a
 *     duplicate is found when its twin was among them. Connections end in
 *     about the order they start, so the window covers the open
 *     connections of any realistic input.
 *
 * Severity: an error makes the connection invalid; a warning is listed in
 * failed and reasons but leaves is_valid true. Multicast and broadcast are
 * errors as a source and warnings as a destination; loopback is a warning
 * when both sides are loopback, an error when only one is.
 *
 * Check names are stable identifiers (columns, filters); the reasons are
 * human text in the user's language.
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
  TA_CHECK_TS,                 /* 1 */
  TA_CHECK_PKT_COUNT,
  TA_CHECK_BYTES_ABSURD,
  TA_CHECK_ADDR_INVALID,       /* 2 */
  TA_CHECK_ADDR_SAME,
  TA_CHECK_ADDR_MULTICAST,
  TA_CHECK_ADDR_BROADCAST,
  TA_CHECK_ADDR_LOOPBACK,
  TA_CHECK_PROTO_UNKNOWN,      /* 3 */
  TA_CHECK_PORTS,
  TA_CHECK_BYTES_LT_PKTS,      /* 4 */
  TA_CHECK_MEAN_SIZE,
  TA_CHECK_INDEX_ORDER,        /* 5 */
  TA_CHECK_DURATION_NEGATIVE,  /* 6 */
  TA_CHECK_DURATION_SINGLE,
  TA_CHECK_DURATION_ZERO,
  TA_CHECK_DURATION_LONG,
  TA_CHECK_DNS_LONG,           /* 7 */
  TA_CHECK_HTTPS_SHORT,
  TA_CHECK_PORT_ZERO,
  TA_CHECK_DUPLICATE,          /* 8 */
  TA_CHECK_N
} TaCheck;

G_STATIC_ASSERT (TA_CHECK_N <= 32);

#define TA_CHECK_BIT(check) (1u << (check))

typedef enum
{
  TA_CHECK_ERROR,
  TA_CHECK_WARNING,
} TaCheckSeverity;

typedef struct
{
  const char     *name;         /* "ts", "addr_multicast", … */
  guint           group;        /* 1–8 */
  TaCheckSeverity severity;     /* the usual one (see above for the exceptions) */
  const char     *description;  /* untranslated: pass it to gettext */
} TaCheckInfo;

#define TA_VALIDATE_DUP_WINDOW       65536
#define TA_VALIDATE_TS_MAX_US        (G_GINT64_CONSTANT (32503680000) * G_USEC_PER_SEC) /* 3000-01-01 */
#define TA_VALIDATE_BYTES_MAX        (G_GUINT64_CONSTANT (1) << 48)
#define TA_VALIDATE_MIN_MEAN_SIZE    20
#define TA_VALIDATE_MAX_MEAN_SIZE    65535
#define TA_VALIDATE_SINGLE_MAX_US    1000
#define TA_VALIDATE_LONG_US          (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define TA_VALIDATE_DNS_MAX_US       (10 * G_USEC_PER_SEC)
#define TA_VALIDATE_REASON_MAX       160

typedef struct
{
  guint32  failed;   /* TA_CHECK_BIT of every failed check */
  guint32  errors;   /* those of them at error level */
  gboolean is_valid; /* errors == 0 */
  char     reasons[TA_CHECK_N][TA_VALIDATE_REASON_MAX]; /* "" for a check that passed */
} TaValidation;

typedef struct _TaValidator TaValidator;

const TaCheckInfo *ta_check_get_info      (TaCheck             check);
/* The check named @name, or -1 */
int                ta_check_from_name     (const char         *name);

TaValidator       *ta_validator_new       (void);
void               ta_validator_free      (TaValidator        *self);
/* Makes the directed broadcast address of an IPv4 subnet ("10.1.2.0/24")
 * known, so that 10.1.2.255 is flagged as broadcast; FALSE with @error
 * for text that is not an IPv4 CIDR with a prefix of 1–30 */
gboolean           ta_validator_add_subnet(TaValidator        *self,
                                           const char         *cidr,
                                           GError            **error);
/* Checks @conn, fills @out and counts the failures; returns out->failed */
guint32            ta_validate_conn       (TaValidator        *self,
                                           const TaConn       *conn,
                                           TaAddrTable        *addrs,
                                           TaValidation       *out);

/* Counts for the summary */
guint64            ta_validator_get_n_conns   (TaValidator    *self);
guint64            ta_validator_get_n_valid   (TaValidator    *self);
guint64            ta_validator_get_n_warned  (TaValidator    *self); /* valid, with a warning */
guint64            ta_validator_get_count     (TaValidator    *self,
                                               TaCheck         check);

/* validated.csv: conn_id,uid,proto,orig_h,orig_p,resp_h,resp_p,is_valid,
 * failed,reasons — proto the IANA number, is_valid true/false, failed the
 * check names separated by spaces, reasons separated by "; " (the field
 * CSV-quoted when it needs it). @uid may be NULL (empty column). */
void               ta_validated_write_header  (TaOut          *out);
void               ta_validated_write_row     (TaOut          *out,
                                               const TaConn   *conn,
                                               const char     *uid,
                                               TaAddrTable    *addrs,
                                               const TaValidation *v);
/* validation_summary.csv: check,group,severity,connections — one row per
 * check, then "all", "valid" and "valid_with_warnings" rows (group 0) */
void               ta_validator_write_summary (TaValidator    *self,
                                               TaOut          *out);
/* Appends @text to @out as one CSV field, quoted when it holds a comma, a
 * quote, a line break or leading/trailing space */
void               ta_validate_put_csv_field  (TaOut          *out,
                                               const char     *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaValidator, ta_validator_free)

G_END_DECLS
