/* ta-capture-reader-private.h — what the capture reader's files share:
 * the reader's state, the formats' constants and the byte helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "ta-capture-reader.h"

G_BEGIN_DECLS

#define PCAP_MAGIC_US       0xa1b2c3d4u
#define PCAP_MAGIC_NS       0xa1b23c4du
#define PCAP_MAGIC_KUZNETZOV 0xa1b2cd34u
#define PCAPNG_SHB          0x0a0d0d0au
#define PCAPNG_BOM          0x1a2b3c4du

#define PCAPNG_IDB          0x00000001u
#define PCAPNG_OPB          0x00000002u
#define PCAPNG_SPB          0x00000003u
#define PCAPNG_EPB          0x00000006u

/* libpcap's largest snap length; a record claiming more is damage */
#define MAX_RECORD          (256 * 1024)
/* largest pcapng block we buffer (libpcap uses the same bound) */
#define MAX_BLOCK           (16 * 1024 * 1024)
#define MAX_WARNED_LINKS    16

/* link types */
#define LT_NULL             0
#define LT_ETHERNET         1
#define LT_RAW_12           12
#define LT_RAW_14           14
#define LT_RAW              101
#define LT_LOOP             108
#define LT_LINUX_SLL        113
#define LT_IPV4             228
#define LT_IPV6             229
#define LT_LINUX_SLL2       276

typedef enum
{
  DEC_OK,
  DEC_CUT,       /* snap length ends before the IP addresses */
  DEC_BAD_IP,    /* an IP header that cannot be right */
  DEC_NOT_IP,    /* a frame of a supported link type carrying no IP */
  DEC_LINK,      /* unsupported link type */
} DecodeResult;

typedef enum
{
  TS_MUL,        /* µs = ts * factor */
  TS_DIV,        /* µs = ts / factor */
  TS_POW2,       /* µs = ts * 1e6 / 2^shift */
} TsMode;

typedef struct
{
  guint32 linktype;
  guint32 snaplen;
  TsMode  ts_mode;
  guint64 ts_factor;
  guint   ts_shift;
  gint64  ts_offset_us;
} Iface;

struct _TaCaptureReader
{
  TaInput     *input;
  TaAddrTable *addrs;
  TaReadStats *stats;
  const char  *path;
  guint16      file_index;    /* TaReaderConfig.file_index, for TaPacket.file */
  TaInputKind  kind;
  gboolean     truncated;     /* a truncation was counted for this file */
  gboolean     gzip_cut_reported;

  /* pcap */
  gboolean     swap;          /* file byte order differs from ours */
  gboolean     nsec;
  guint        rec_hdr;       /* 16, or 24 for the Kuznetzov variant */
  guint32      linktype;

  /* pcapng: interfaces of the current section */
  GArray      *ifaces;

  guint64      records;       /* records seen in this file */
  gint64       last_ts;       /* of the previous record (for SPBs) */
  guint32      warned[MAX_WARNED_LINKS];
  guint        n_warned;
  gboolean     done;

  /* recent IPv4 addresses → table index (direct mapped): skips the
   * table's hashing for the addresses of busy conversations */
  struct
  {
    guint32 addr;
    guint32 idx;
  } v4cache[256];

  /* the current window of the input: win[pos..len) is unparsed */
  const guint8 *win;
  gsize        win_len;
  gsize        win_pos;
};

/* ------------------------------------------------------------------ */
/* byte helpers (unaligned, bounds checked by the callers) */

static inline guint16
be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint32
rd32 (const guint8 *p,
      gboolean      swap)
{
  guint32 v;

  memcpy (&v, p, 4);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

static inline guint16
rd16 (const guint8 *p,
      gboolean      swap)
{
  guint16 v;

  memcpy (&v, p, 2);
  return swap ? GUINT16_SWAP_LE_BE (v) : v;
}

static inline guint64
rd64 (const guint8 *p,
      gboolean      swap)
{
  guint64 v;

  memcpy (&v, p, 8);
  return swap ? GUINT64_SWAP_LE_BE (v) : v;
}

typedef enum
{
  BLOCK_SKIPPED,   /* no packet in it: read on */
  BLOCK_PACKET,    /* *pkt is the next packet */
  BLOCK_FAILED,    /* reading stops (error set) */
} BlockResult;

static inline guint64
cur_offset (TaCaptureReader *self)
{
  return ta_input_get_offset (self->input) + self->win_pos;
}

static inline void
advance (TaCaptureReader *self,
         gsize            n)
{
  self->win_pos += n;
}

/* Make @need bytes at the current position available (see need_bytes in
 * ta-capture-reader.c) */
const guint8 *ta_capture_need_bytes (TaCaptureReader *self,
                                     gsize            need,
                                     gsize           *got,
                                     char           **why,
                                     GError         **error);

/* ta-capture-open.c: the cold paths */
void        ta_capture_warn_truncated         (TaCaptureReader *self,
                                               const char      *what,
                                               gsize            got,
                                               gsize            need,
                                               const char      *why);
void        ta_capture_count_unsupported_link (TaCaptureReader *self,
                                               guint32          lt);
gboolean    ta_capture_read_shb               (TaCaptureReader *self,
                                               gboolean         first,
                                               GError         **error);
gboolean    ta_capture_read_idb               (TaCaptureReader *self,
                                               const guint8    *b,
                                               guint32          len,
                                               guint64          at,
                                               GError         **error);
BlockResult ta_capture_fail_too_short         (TaCaptureReader *self,
                                               guint32          type,
                                               guint32          len,
                                               guint64          at,
                                               GError         **error);
BlockResult ta_capture_fail_bad_iface         (TaCaptureReader *self,
                                               const guint8    *b,
                                               guint64          at,
                                               GError         **error);

G_END_DECLS
