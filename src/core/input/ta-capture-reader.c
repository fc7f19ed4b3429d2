/* ta-capture-reader.c — pcap and pcapng records as TaPacket (issue 5)
 *
 * The reader parses records in place in the TaInput window: it asks for
 * exactly the bytes the next record needs (so a stream cut short still gives
 * every whole record before the cut), decodes the link, network and
 * transport headers with explicit bounds checks, and interns the addresses.
 * Nothing is allocated per packet.
 *
 * What becomes a packet: every record whose IPv4 or IPv6 header (up to the
 * addresses) is present. Records of unsupported link types and frames that
 * carry no IP (ARP, LLDP, …) are counted in stats->unsupported; frames cut
 * by the snap length before their IP addresses count as malformed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-capture-reader.h"
#include "ta-error.h"

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
  TaInputKind  kind;

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

/* ------------------------------------------------------------------ */

gboolean
ta_capture_sniff (const guint8 *data,
                  gsize         len,
                  TaInputKind  *kind)
{
  guint32 m;

  if (len < 4)
    return FALSE;
  memcpy (&m, data, 4);
  if (m == PCAPNG_SHB)
    {
      if (kind)
        *kind = TA_INPUT_KIND_PCAPNG;
      return TRUE;
    }
  if (m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS || m == PCAP_MAGIC_KUZNETZOV ||
      m == GUINT32_SWAP_LE_BE (PCAP_MAGIC_US) || m == GUINT32_SWAP_LE_BE (PCAP_MAGIC_NS) ||
      m == GUINT32_SWAP_LE_BE (PCAP_MAGIC_KUZNETZOV))
    {
      if (kind)
        *kind = TA_INPUT_KIND_PCAP;
      return TRUE;
    }
  return FALSE;
}

static inline guint64
cur_offset (TaCaptureReader *self)
{
  return ta_input_get_offset (self->input) + self->win_pos;
}

/* Make @need bytes at the current position available. Returns the bytes
 * with *got >= need, or with *got < need at the end of the stream (NULL
 * only on an input error). A damaged or cut gzip stream is not an error
 * here when @why is given: it ends the data (*got 0, the message in *why). */
static const guint8 *
need_bytes (TaCaptureReader *self,
            gsize            need,
            gsize           *got,
            char           **why,
            GError         **error)
{
  g_autoptr(GError) local = NULL;

  if (self->win != NULL && self->win_len - self->win_pos >= need)
    {
      *got = self->win_len - self->win_pos;
      return self->win + self->win_pos;
    }
  ta_input_consume (self->input, self->win_pos);
  self->win_pos = 0;
  self->win = ta_input_peek (self->input, need, &self->win_len, &local);
  if (self->win == NULL)
    {
      self->win_len = 0;
      if (g_error_matches (local, TA_ERROR, TA_ERROR_CORRUPT) && why != NULL)
        {
          /* gzip cut or damaged: what was decompressed before is kept */
          *why = g_strdup (local->message);
          *got = 0;
          return (const guint8 *) "";
        }
      g_propagate_error (error, g_steal_pointer (&local));
      *got = 0;
      return NULL;
    }
  *got = self->win_len;
  return self->win;
}

static inline void
advance (TaCaptureReader *self,
         gsize            n)
{
  self->win_pos += n;
}

/* The data ends inside the structure at the current position, which
 * needs @need bytes of which @got are there. */
static void
warn_truncated (TaCaptureReader *self,
                const char      *what,
                gsize            got,
                gsize            need,
                const char      *why)
{
  guint64 at = cur_offset (self);

  if (why != NULL && g_str_has_prefix (why, self->path) && why[strlen (self->path)] == ':')
    why += strlen (self->path) + 1 + (why[strlen (self->path) + 1] == ' ');
  if (why != NULL)
    ta_read_stats_add_warning (self->stats,
                               _("%s: capture ends early: %s; the data stops inside %s at byte %llu"
                                 " (%llu records read before it)"),
                               self->path, why, what, (unsigned long long) at,
                               (unsigned long long) self->records);
  else
    ta_read_stats_add_warning (self->stats,
                               _("%s: capture is truncated at byte %llu"
                                 ": %s at byte %llu needs %zu"
                                 " bytes, only %zu are there (%llu"
                                 " records read before it)"),
                               self->path, (unsigned long long) (at + got), what,
                               (unsigned long long) at, need, got,
                               (unsigned long long) self->records);
  self->done = TRUE;
}

static const char *
linktype_name (guint32 lt)
{
  switch (lt)
    {
    case 6: return "IEEE802_5";
    case 9: return "PPP";
    case 10: return "FDDI";
    case 50: return "PPP_HDLC";
    case 51: return "PPP_ETHER";
    case 104: return "C_HDLC";
    case 105: return "IEEE802_11";
    case 127: return "IEEE802_11_RADIOTAP";
    case 195: return "IEEE802_15_4_WITHFCS";
    case 220: return "USB_LINUX_MMAPPED";
    case 281: return "DSA_TAG_BRCM";
    default: return "?";
    }
}

static void
count_unsupported_link (TaCaptureReader *self,
                        guint32          lt)
{
  self->stats->unsupported++;
  for (guint i = 0; i < self->n_warned; i++)
    if (self->warned[i] == lt)
      return;
  if (self->n_warned < MAX_WARNED_LINKS)
    self->warned[self->n_warned++] = lt;
  ta_read_stats_add_warning (self->stats,
                             _("%s: link type %u (%s) is not supported; its records are counted and skipped"),
                             self->path, lt, linktype_name (lt));
}

/* ------------------------------------------------------------------ */
/* packet decoding */

static inline guint32
intern_ipv4 (TaCaptureReader *self,
             guint32          addr)
{
  guint h = (addr * 2654435761u) >> 24;

  if (self->v4cache[h].idx == TA_ADDR_NONE || self->v4cache[h].addr != addr)
    {
      self->v4cache[h].addr = addr;
      self->v4cache[h].idx = ta_addr_table_intern_ipv4 (self->addrs, addr);
    }
  return self->v4cache[h].idx;
}

static void
decode_transport (guint8        proto,
                  const guint8 *t,
                  gsize         cap,
                  gssize        len,   /* transport bytes on the wire, or -1 */
                  TaPacket     *pkt)
{
  if (proto == 6)
    {
      if (cap >= 4)
        {
          pkt->sport = be16 (t);
          pkt->dport = be16 (t + 2);
          pkt->pflags |= TA_PKT_HAS_PORTS;
        }
      if (cap >= 14)
        {
          guint doff = (t[12] >> 4) * 4;

          pkt->seq = be32 (t + 4);
          pkt->ack = be32 (t + 8);
          pkt->flags = t[13];
          if (doff >= 20 && len >= 0 && (gsize) len >= doff)
            {
              pkt->payload = (guint32) (len - doff);
              pkt->pflags |= TA_PKT_HAS_PAYLOAD;
            }
        }
    }
  else if (proto == 17)
    {
      if (cap >= 4)
        {
          pkt->sport = be16 (t);
          pkt->dport = be16 (t + 2);
          pkt->pflags |= TA_PKT_HAS_PORTS;
        }
    }
}

static DecodeResult
decode_ipv4 (TaCaptureReader *self,
             const guint8    *p,
             gsize            cap,
             gsize            wire,   /* bytes from here to the end of the frame on the wire */
             TaPacket        *pkt)
{
  guint ihl;
  gsize total;
  guint16 frag;

  if (cap < 20)
    return DEC_CUT;
  ihl = (p[0] & 0x0f) * 4;
  if ((p[0] >> 4) != 4 || ihl < 20)
    return DEC_BAD_IP;
  total = be16 (p + 2);
  if (total == 0)
    total = wire;               /* TCP segmentation offload leaves it 0 */
  if (total < ihl)
    return DEC_BAD_IP;

  pkt->src = intern_ipv4 (self, be32 (p + 12));
  pkt->dst = intern_ipv4 (self, be32 (p + 16));
  pkt->proto = p[9];

  frag = be16 (p + 6);
  if ((frag & 0x1fff) != 0)
    return DEC_OK;              /* a later fragment: no transport header */
  if (ihl > cap)
    return DEC_OK;              /* options cut by the snap length */
  decode_transport (pkt->proto, p + ihl, cap - ihl, (gssize) (total - ihl), pkt);
  return DEC_OK;
}

static DecodeResult
decode_ipv6 (TaCaptureReader *self,
             const guint8    *p,
             gsize            cap,
             gsize            wire,
             TaPacket        *pkt)
{
  gsize off = 40;
  gsize plen;
  guint8 nh;

  if (cap < 40)
    return DEC_CUT;
  if ((p[0] >> 4) != 6)
    return DEC_BAD_IP;
  plen = be16 (p + 4);
  if (plen == 0)
    plen = wire > 40 ? wire - 40 : 0;     /* jumbogram or offload */
  nh = p[6];
  pkt->src = ta_addr_table_intern_ipv6 (self->addrs, p + 8);
  pkt->dst = ta_addr_table_intern_ipv6 (self->addrs, p + 24);

  for (guint depth = 0; depth < 16; depth++)
    {
      switch (nh)
        {
        case 0:     /* hop-by-hop */
        case 43:    /* routing */
        case 60:    /* destination options */
        case 135:   /* mobility */
        case 139:   /* HIP */
        case 140:   /* shim6 */
          if (off + 2 > cap)
            goto no_transport;
          nh = p[off];
          off += ((gsize) p[off + 1] + 1) * 8;
          continue;
        case 51:    /* AH */
          if (off + 2 > cap)
            goto no_transport;
          nh = p[off];
          off += ((gsize) p[off + 1] + 2) * 4;
          continue;
        case 44:    /* fragment */
          if (off + 8 > cap)
            goto no_transport;
          nh = p[off];
          if ((be16 (p + off + 2) & 0xfff8) != 0)
            {
              pkt->proto = nh;  /* a later fragment */
              return DEC_OK;
            }
          off += 8;
          continue;
        default:
          break;
        }
      break;
    }

  pkt->proto = nh;
  if (off > cap)
    return DEC_OK;
  decode_transport (nh, p + off, cap - off,
                    plen + 40 >= off ? (gssize) (plen + 40 - off) : -1, pkt);
  return DEC_OK;

no_transport:
  pkt->proto = nh;
  return DEC_OK;
}

/* by the IP version nibble (raw IP link types) */
static DecodeResult
decode_ip_any (TaCaptureReader *self,
               const guint8    *p,
               gsize            cap,
               gsize            wire,
               TaPacket        *pkt)
{
  if (cap < 1)
    return DEC_CUT;
  switch (p[0] >> 4)
    {
    case 4:
      return decode_ipv4 (self, p, cap, wire, pkt);
    case 6:
      return decode_ipv6 (self, p, cap, wire, pkt);
    default:
      return DEC_NOT_IP;
    }
}

static DecodeResult
decode_ethertype (TaCaptureReader *self,
                  guint16          type,
                  const guint8    *p,
                  gsize            cap,
                  gsize            off,
                  gsize            wire,
                  TaPacket        *pkt)
{
  for (guint depth = 0; depth < 8; depth++)
    {
      switch (type)
        {
        case 0x8100:   /* 802.1Q */
        case 0x88a8:   /* 802.1ad */
        case 0x9100:   /* old QinQ */
        case 0x9200:
        case 0x9300:
          if (off + 4 > cap)
            return DEC_CUT;
          type = be16 (p + off + 2);
          off += 4;
          continue;
        case 0x8864:   /* PPPoE session */
          if (off + 8 > cap)
            return DEC_CUT;
          switch (be16 (p + off + 6))
            {
            case 0x0021: type = 0x0800; break;
            case 0x0057: type = 0x86dd; break;
            default: return DEC_NOT_IP;
            }
          off += 8;
          continue;
        case 0x8847:   /* MPLS unicast: labels up to the bottom of the stack */
        case 0x8848:
          for (;;)
            {
              if (off + 4 > cap)
                return DEC_CUT;
              off += 4;
              if (p[off - 2] & 0x01)
                break;
            }
          return decode_ip_any (self, p + off, cap - off, wire > off ? wire - off : 0, pkt);
        case 0x0800:
          return decode_ipv4 (self, p + off, cap - off, wire > off ? wire - off : 0, pkt);
        case 0x86dd:
          return decode_ipv6 (self, p + off, cap - off, wire > off ? wire - off : 0, pkt);
        default:
          if (type < 0x0600)
            {
              /* 802.3 length: IP only behind LLC/SNAP */
              if (off + 8 > cap)
                return DEC_NOT_IP;
              if (p[off] != 0xaa || p[off + 1] != 0xaa || p[off + 2] != 0x03)
                return DEC_NOT_IP;
              type = be16 (p + off + 6);
              off += 8;
              if (type < 0x0600)
                return DEC_NOT_IP;
              continue;
            }
          return DEC_NOT_IP;
        }
    }
  return DEC_NOT_IP;
}

static DecodeResult
decode_af (TaCaptureReader *self,
           guint32          af,
           const guint8    *p,
           gsize            cap,
           gsize            wire,
           TaPacket        *pkt)
{
  switch (af)
    {
    case 2:             /* AF_INET everywhere */
      return decode_ipv4 (self, p + 4, cap - 4, wire > 4 ? wire - 4 : 0, pkt);
    case 10:            /* Linux */
    case 23:            /* Windows */
    case 24:            /* NetBSD, OpenBSD, BSD/OS */
    case 28:            /* FreeBSD, DragonFly BSD */
    case 30:            /* Darwin */
      return decode_ipv6 (self, p + 4, cap - 4, wire > 4 ? wire - 4 : 0, pkt);
    default:
      return DEC_NOT_IP;
    }
}

static DecodeResult
decode_frame (TaCaptureReader *self,
              guint32          lt,
              const guint8    *p,
              gsize            cap,
              gsize            wire,
              TaPacket        *pkt)
{
  switch (lt)
    {
    case LT_ETHERNET:
      if (cap < 14)
        return DEC_CUT;
      return decode_ethertype (self, be16 (p + 12), p, cap, 14, wire, pkt);
    case LT_LINUX_SLL:
      if (cap < 16)
        return DEC_CUT;
      return decode_ethertype (self, be16 (p + 14), p, cap, 16, wire, pkt);
    case LT_LINUX_SLL2:
      if (cap < 20)
        return DEC_CUT;
      return decode_ethertype (self, be16 (p), p, cap, 20, wire, pkt);
    case LT_RAW_12:
    case LT_RAW_14:
    case LT_RAW:
      return decode_ip_any (self, p, cap, wire, pkt);
    case LT_IPV4:
      return decode_ipv4 (self, p, cap, wire, pkt);
    case LT_IPV6:
      return decode_ipv6 (self, p, cap, wire, pkt);
    case LT_NULL:
      {
        guint32 af;

        if (cap < 4)
          return DEC_CUT;
        /* the writer's host byte order: a value with upper bits set is swapped */
        memcpy (&af, p, 4);
        af = GUINT32_FROM_LE (af);
        if (af & 0xffff0000u)
          af = GUINT32_SWAP_LE_BE (af);
        return decode_af (self, af, p, cap, wire, pkt);
      }
    case LT_LOOP:
      if (cap < 4)
        return DEC_CUT;
      return decode_af (self, be32 (p), p, cap, wire, pkt);
    default:
      return DEC_LINK;
    }
}

/* Decode one record; TRUE when *pkt is a packet to deliver. */
static gboolean
deliver (TaCaptureReader *self,
         guint32          lt,
         gint64           ts,
         const guint8    *data,
         guint32          caplen,
         guint32          origlen,
         guint64          rec_offset,
         TaPacket        *pkt)
{
  guint32 frame = MAX (origlen, caplen);
  DecodeResult r;

  self->records++;
  self->stats->rows++;
  self->last_ts = ts;

  memset (pkt, 0, sizeof *pkt);
  pkt->ts = ts;
  pkt->length = frame;
  pkt->label = TA_LABEL_NONE;

  r = decode_frame (self, lt, data, caplen, frame, pkt);
  switch (r)
    {
    case DEC_OK:
      self->stats->packets++;
      return TRUE;
    case DEC_CUT:
      ta_read_stats_add_malformed (self->stats,
                                   _("%s: record %llu at byte %llu"
                                     ": only %u of %u bytes captured, not enough for the IP addresses"),
                                   self->path, (unsigned long long) self->records,
                                   (unsigned long long) rec_offset, caplen, frame);
      return FALSE;
    case DEC_BAD_IP:
      ta_read_stats_add_malformed (self->stats,
                                   _("%s: record %llu at byte %llu"
                                     ": invalid IP header"),
                                   self->path, (unsigned long long) self->records,
                                   (unsigned long long) rec_offset);
      return FALSE;
    case DEC_NOT_IP:
      self->stats->unsupported++;
      return FALSE;
    case DEC_LINK:
    default:
      count_unsupported_link (self, lt);
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* pcap */

static gboolean
open_pcap (TaCaptureReader *self,
           GError         **error)
{
  const guint8 *h;
  gsize got;
  guint32 magic;
  guint16 major, minor;

  h = need_bytes (self, 24, &got, NULL, error);
  if (h == NULL)
    return FALSE;
  if (got < 24)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: pcap file header is cut short (%zu of 24 bytes)"),
                   self->path, got);
      return FALSE;
    }
  memcpy (&magic, h, 4);
  self->swap = (magic == GUINT32_SWAP_LE_BE (PCAP_MAGIC_US) ||
                magic == GUINT32_SWAP_LE_BE (PCAP_MAGIC_NS) ||
                magic == GUINT32_SWAP_LE_BE (PCAP_MAGIC_KUZNETZOV));
  if (self->swap)
    magic = GUINT32_SWAP_LE_BE (magic);
  self->nsec = magic == PCAP_MAGIC_NS;
  self->rec_hdr = magic == PCAP_MAGIC_KUZNETZOV ? 24 : 16;
  major = rd16 (h + 4, self->swap);
  minor = rd16 (h + 6, self->swap);
  if (major != 2)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: unsupported pcap version %u.%u (only 2.x is a pcap file)"),
                   self->path, major, minor);
      return FALSE;
    }
  self->linktype = rd32 (h + 20, self->swap) & 0x03ffffffu;   /* upper bits: FCS info */
  advance (self, 24);
  return TRUE;
}

static gboolean
next_pcap (TaCaptureReader *self,
           TaPacket        *pkt,
           GError         **error)
{
  for (;;)
    {
      const guint8 *h;
      gsize got;
      guint32 sec, frac, caplen, origlen;
      guint64 rec_offset;
      gint64 ts;
      g_autofree char *why = NULL;

      h = need_bytes (self, self->rec_hdr, &got, &why, error);
      if (h == NULL)
        return FALSE;
      if (got < self->rec_hdr)
        {
          if (got > 0 || why != NULL)
            warn_truncated (self, _("the record header"), got, self->rec_hdr, why);
          self->done = TRUE;
          return FALSE;
        }
      rec_offset = cur_offset (self);
      sec = rd32 (h, self->swap);
      frac = rd32 (h + 4, self->swap);
      caplen = rd32 (h + 8, self->swap);
      origlen = rd32 (h + 12, self->swap);
      if (caplen > MAX_RECORD)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: record %llu at byte %llu"
                         " claims %u captured bytes (at most %u are possible); reading stops here"),
                       self->path, (unsigned long long) (self->records + 1),
                       (unsigned long long) rec_offset, caplen, (guint) MAX_RECORD);
          self->done = TRUE;
          return FALSE;
        }
      h = need_bytes (self, self->rec_hdr + caplen, &got, &why, error);
      if (h == NULL)
        return FALSE;
      if (got < self->rec_hdr + caplen)
        {
          warn_truncated (self, _("the record"), got, self->rec_hdr + caplen, why);
          return FALSE;
        }
      ts = (gint64) sec * G_USEC_PER_SEC + (self->nsec ? frac / 1000 : frac);
      advance (self, self->rec_hdr + caplen);
      if (deliver (self, self->linktype, ts, h + self->rec_hdr, caplen, origlen, rec_offset, pkt))
        return TRUE;
    }
}

/* ------------------------------------------------------------------ */
/* pcapng */

static gboolean
walk_options (TaCaptureReader *self,
              const guint8    *o,
              gsize            len,
              gboolean         swap,
              Iface           *iface,
              guint64          at,
              GError         **error)
{
  gsize pos = 0;

  while (pos + 4 <= len)
    {
      guint16 code = rd16 (o + pos, swap);
      guint16 olen = rd16 (o + pos + 2, swap);
      gsize padded = ((gsize) olen + 3) & ~(gsize) 3;

      if (code == 0)
        return TRUE;
      if (pos + 4 + padded > len)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: option %u of length %u runs past the end of its block at byte %llu"),
                       self->path, code, olen, (unsigned long long) (at + pos));
          return FALSE;
        }
      if (iface != NULL && code == 9 && olen >= 1)            /* if_tsresol */
        {
          guint8 r = o[pos + 4];

          if (r & 0x80)
            {
              guint n = r & 0x7f;

              if (n > 63)
                n = 63;
              iface->ts_mode = TS_POW2;
              iface->ts_shift = n;
            }
          else
            {
              guint64 f = 1;
              guint n = MIN (r, 19);

              if (n <= 6)
                {
                  for (guint i = n; i < 6; i++)
                    f *= 10;
                  iface->ts_mode = TS_MUL;
                }
              else
                {
                  for (guint i = 6; i < n; i++)
                    f *= 10;
                  iface->ts_mode = TS_DIV;
                }
              iface->ts_factor = f;
            }
        }
      else if (iface != NULL && code == 14 && olen >= 8)      /* if_tsoffset, seconds */
        {
          gint64 s = (gint64) rd64 (o + pos + 4, swap);

          if (s > -G_GINT64_CONSTANT (9000000000000) && s < G_GINT64_CONSTANT (9000000000000))
            iface->ts_offset_us = s * G_USEC_PER_SEC;
        }
      pos += 4 + padded;
    }
  return TRUE;
}

static inline gint64
iface_ts (const Iface *iface,
          guint64      t)
{
  guint64 us;

  switch (iface->ts_mode)
    {
    case TS_MUL:
      us = t * iface->ts_factor;
      break;
    case TS_DIV:
      us = t / iface->ts_factor;
      break;
    case TS_POW2:
    default:
      us = (guint64) (((unsigned __int128) t * 1000000u) >> iface->ts_shift);
      break;
    }
  /* wraps instead of overflowing on absurd values */
  return (gint64) (us + (guint64) iface->ts_offset_us);
}

/* Reads the SHB at the current position; @first: at the start of the file */
static gboolean
read_shb (TaCaptureReader *self,
          gboolean         first,
          GError         **error)
{
  const guint8 *b;
  gsize got;
  guint32 bom, len;
  gboolean swap;
  guint16 major, minor;
  guint64 at = cur_offset (self);
  g_autofree char *why = NULL;

  b = need_bytes (self, 12, &got, first ? NULL : &why, error);
  if (b == NULL)
    return FALSE;
  if (got < 12)
    {
      if (first)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: pcapng section header is cut short (%zu bytes)"),
                       self->path, got);
          return FALSE;
        }
      warn_truncated (self, _("the section header block"), got, 12, why);
      return FALSE;
    }
  memcpy (&bom, b + 8, 4);
  if (bom == PCAPNG_BOM)
    swap = FALSE;
  else if (bom == GUINT32_SWAP_LE_BE (PCAPNG_BOM))
    swap = TRUE;
  else
    {
      g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                   _("%s: pcapng section header at byte %llu"
                     " has no valid byte-order magic"), self->path, (unsigned long long) at);
      return FALSE;
    }
  len = rd32 (b + 4, swap);
  if (len < 28 || len % 4 != 0 || len > MAX_BLOCK)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                   _("%s: pcapng section header at byte %llu"
                     " has an impossible length %u"), self->path, (unsigned long long) at, len);
      return FALSE;
    }
  b = need_bytes (self, len, &got, first ? NULL : &why, error);
  if (b == NULL)
    return FALSE;
  if (got < len)
    {
      if (first)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: pcapng section header is cut short (%zu of %u bytes)"),
                       self->path, got, len);
          return FALSE;
        }
      warn_truncated (self, _("the section header block"), got, len, why);
      return FALSE;
    }
  major = rd16 (b + 12, swap);
  minor = rd16 (b + 14, swap);
  if (major != 1 || (minor != 0 && minor != 2))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: unsupported pcapng version %u.%u in the section header at byte %llu"),
                   self->path, major, minor, (unsigned long long) at);
      return FALSE;
    }
  if (rd32 (b + len - 4, swap) != len)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                   _("%s: pcapng section header at byte %llu"
                     ": block length %u and trailing length %u differ"),
                   self->path, (unsigned long long) at, len, rd32 (b + len - 4, swap));
      return FALSE;
    }
  if (!walk_options (self, b + 24, len - 28, swap, NULL, at + 24, error))
    return FALSE;
  self->swap = swap;
  g_array_set_size (self->ifaces, 0);
  advance (self, len);
  return TRUE;
}

static gboolean
next_pcapng (TaCaptureReader *self,
             TaPacket        *pkt,
             GError         **error)
{
  for (;;)
    {
      const guint8 *b;
      gsize got;
      guint32 type, len;
      guint64 at;
      g_autofree char *why = NULL;

      b = need_bytes (self, 8, &got, &why, error);
      if (b == NULL)
        return FALSE;
      if (got < 8)
        {
          if (got > 0 || why != NULL)
            warn_truncated (self, _("the block"), got, 8, why);
          self->done = TRUE;
          return FALSE;
        }
      at = cur_offset (self);
      memcpy (&type, b, 4);
      if (type == PCAPNG_SHB)
        {
          if (!read_shb (self, FALSE, error))
            {
              self->done = TRUE;
              return FALSE;
            }
          continue;
        }
      type = rd32 (b, self->swap);
      len = rd32 (b + 4, self->swap);
      if (len < 12 || len % 4 != 0 || len > MAX_BLOCK)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: pcapng block of type 0x%08x at byte %llu"
                         " has an impossible length %u%s; reading stops here"),
                       self->path, type, (unsigned long long) at, len,
                       len % 4 != 0 ? _(" (not a multiple of 4)") : "");
          self->done = TRUE;
          return FALSE;
        }
      b = need_bytes (self, len, &got, &why, error);
      if (b == NULL)
        return FALSE;
      if (got < len)
        {
          warn_truncated (self, _("the block"), got, len, why);
          return FALSE;
        }
      if (rd32 (b + len - 4, self->swap) != len)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: pcapng block of type 0x%08x at byte %llu"
                         ": block length %u and trailing length %u differ; reading stops here"),
                       self->path, type, (unsigned long long) at, len,
                       rd32 (b + len - 4, self->swap));
          self->done = TRUE;
          return FALSE;
        }

      switch (type)
        {
        case PCAPNG_IDB:
          {
            Iface iface = { 0, };

            if (len < 20)
              goto too_short;
            iface.linktype = rd16 (b + 8, self->swap);
            iface.snaplen = rd32 (b + 12, self->swap);
            iface.ts_mode = TS_MUL;
            iface.ts_factor = 1;
            if (!walk_options (self, b + 16, len - 20, self->swap, &iface, at + 16, error))
              {
                self->done = TRUE;
                return FALSE;
              }
            if (self->ifaces->len >= 65536)
              {
                g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                             _("%s: too many interfaces in one section (byte %llu)"),
                             self->path, (unsigned long long) at);
                self->done = TRUE;
                return FALSE;
              }
            g_array_append_val (self->ifaces, iface);
            advance (self, len);
            continue;
          }
        case PCAPNG_EPB:
        case PCAPNG_OPB:
          {
            guint32 id, caplen, origlen;
            const Iface *iface;
            guint64 t;

            if (len < 32)
              goto too_short;
            id = type == PCAPNG_EPB ? rd32 (b + 8, self->swap) : rd16 (b + 8, self->swap);
            t = ((guint64) rd32 (b + 12, self->swap) << 32) | rd32 (b + 16, self->swap);
            caplen = rd32 (b + 20, self->swap);
            origlen = rd32 (b + 24, self->swap);
            if (id >= self->ifaces->len)
              goto bad_iface;
            if (caplen > len - 32)
              {
                g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                             _("%s: packet block at byte %llu"
                               " claims %u captured bytes but holds at most %u; reading stops here"),
                             self->path, (unsigned long long) at, caplen, len - 32);
                self->done = TRUE;
                return FALSE;
              }
            iface = &g_array_index (self->ifaces, Iface, id);
            advance (self, len);
            if (deliver (self, iface->linktype, iface_ts (iface, t), b + 28, caplen, origlen, at, pkt))
              return TRUE;
            continue;
          }
        case PCAPNG_SPB:
          {
            guint32 caplen, origlen;
            const Iface *iface;

            if (len < 16)
              goto too_short;
            if (self->ifaces->len == 0)
              goto bad_iface;
            iface = &g_array_index (self->ifaces, Iface, 0);
            origlen = rd32 (b + 8, self->swap);
            caplen = MIN (origlen, len - 16);
            if (iface->snaplen != 0)
              caplen = MIN (caplen, iface->snaplen);
            advance (self, len);
            /* a simple packet block has no timestamp: it gets the previous
             * record's (0 only when it is the first), not 1970 */
            if (deliver (self, iface->linktype, self->last_ts, b + 12, caplen, origlen, at, pkt))
              return TRUE;
            continue;
          }
        default:
          /* NRB, ISB, DSB, custom and unknown blocks */
          advance (self, len);
          continue;
        }

    bad_iface:
      if (self->ifaces->len == 0)
        g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                     _("%s: packet block at byte %llu"
                       " comes before any interface description block; reading stops here"),
                     self->path, (unsigned long long) at);
      else
        g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                   _("%s: packet block at byte %llu"
                     " names interface %u but its section has %u; reading stops here"),
                   self->path, (unsigned long long) at, rd32 (b + 8, self->swap),
                   self->ifaces->len);
      self->done = TRUE;
      return FALSE;

    too_short:
      g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                   _("%s: pcapng block of type 0x%08x at byte %llu"
                     " is too short (%u bytes); reading stops here"),
                   self->path, type, (unsigned long long) at, len);
      self->done = TRUE;
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */

TaCaptureReader *
ta_capture_reader_new (TaInput              *input,
                       const TaReaderConfig *config,
                       GError              **error)
{
  g_autoptr(TaCaptureReader) self = NULL;
  const guint8 *h;
  gsize got;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (config != NULL && config->addrs != NULL && config->stats != NULL, NULL);

  self = g_new0 (TaCaptureReader, 1);
  self->input = input;
  self->addrs = config->addrs;
  self->stats = config->stats;
  self->path = ta_input_get_path (input);
  self->ifaces = g_array_new (FALSE, FALSE, sizeof (Iface));
  for (guint i = 0; i < G_N_ELEMENTS (self->v4cache); i++)
    self->v4cache[i].idx = TA_ADDR_NONE;

  h = need_bytes (self, 4, &got, NULL, error);
  if (h == NULL)
    return NULL;
  if (got == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the file is empty"), self->path);
      return NULL;
    }
  if (!ta_capture_sniff (h, got, &self->kind))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not a pcap or pcapng capture"), self->path);
      return NULL;
    }
  if (self->kind == TA_INPUT_KIND_PCAP)
    {
      if (!open_pcap (self, error))
        return NULL;
    }
  else if (!read_shb (self, TRUE, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
ta_capture_reader_next (TaCaptureReader *self,
                        TaPacket        *pkt,
                        GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->done)
    return FALSE;
  if (self->kind == TA_INPUT_KIND_PCAP)
    return next_pcap (self, pkt, error);
  return next_pcapng (self, pkt, error);
}

TaInput *
ta_capture_reader_get_input (TaCaptureReader *self)
{
  return self->input;
}

TaInputKind
ta_capture_reader_get_kind (TaCaptureReader *self)
{
  return self->kind;
}

guint64
ta_capture_reader_get_records (TaCaptureReader *self)
{
  return self->records;
}

void
ta_capture_reader_free (TaCaptureReader *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->input, ta_input_free);
  g_array_unref (self->ifaces);
  g_free (self);
}
