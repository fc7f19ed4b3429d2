/* ta-capture-reader.c — pcap and pcapng records as TaPacket
 *
 * The reader parses records in place in the TaInput window: it asks for
 * exactly the bytes the next record needs (so a stream cut short still gives
 * every whole record before the cut), decodes the link, network and
 * transport headers with explicit bounds checks, and interns the addresses.
 * Nothing is allocated per packet. This file holds the per-record path;
 * opening, section and interface headers are in ta-capture-open.c.
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

#include "ta-capture-reader-private.h"
#include "ta-error.h"

/* ------------------------------------------------------------------ */

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

const guint8 *
ta_capture_need_bytes (TaCaptureReader *self,
                       gsize            need,
                       gsize           *got,
                       char           **why,
                       GError         **error)
{
  return need_bytes (self, need, got, why, error);
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
      if (len >= 8)
        {
          pkt->payload = (guint32) (len - 8);
          pkt->pflags |= TA_PKT_HAS_PAYLOAD;
        }
    }
  else if (proto == 1 || proto == 58)
    {
      if (cap >= 2)
        {
          pkt->icmp_type = t[0];
          pkt->icmp_code = t[1];
          pkt->pflags |= TA_PKT_HAS_ICMP;
        }
      if (len >= 8)
        {
          pkt->payload = (guint32) (len - 8);
          pkt->pflags |= TA_PKT_HAS_PAYLOAD;
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
  pkt->ip_len = (guint32) total;

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
  pkt->ip_len = (guint32) MIN (plen + 40, G_MAXUINT32);
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
  pkt->frame = (guint32) MIN (self->records, G_MAXUINT32);
  pkt->file = self->file_index;
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
      ta_capture_count_unsupported_link (self, lt);
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* pcap */

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
            ta_capture_warn_truncated (self, _("the record header"), got, self->rec_hdr, why);
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
          ta_capture_warn_truncated (self, _("the record"), got, self->rec_hdr + caplen, why);
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

/* The next block of the current section, whole and with matching
 * lengths; section headers are read on the way. NULL at the end or on an
 * error (then reading stops). */
static const guint8 *
next_block (TaCaptureReader *self,
            guint32         *type,
            guint32         *len,
            guint64         *at,
            GError         **error)
{
  for (;;)
    {
      const guint8 *b;
      gsize got;
      g_autofree char *why = NULL;

      b = need_bytes (self, 8, &got, &why, error);
      if (b == NULL)
        return NULL;
      if (got < 8)
        {
          if (got > 0 || why != NULL)
            ta_capture_warn_truncated (self, _("the block"), got, 8, why);
          self->done = TRUE;
          return NULL;
        }
      *at = cur_offset (self);
      memcpy (type, b, 4);
      if (*type == PCAPNG_SHB)
        {
          if (!ta_capture_read_shb (self, FALSE, error))
            {
              self->done = TRUE;
              return NULL;
            }
          continue;
        }
      *type = rd32 (b, self->swap);
      *len = rd32 (b + 4, self->swap);
      if (*len < 12 || *len % 4 != 0 || *len > MAX_BLOCK)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: pcapng block of type 0x%08x at byte %llu"
                         " has an impossible length %u%s; reading stops here"),
                       self->path, *type, (unsigned long long) *at, *len,
                       *len % 4 != 0 ? _(" (not a multiple of 4)") : "");
          self->done = TRUE;
          return NULL;
        }
      b = need_bytes (self, *len, &got, &why, error);
      if (b == NULL)
        return NULL;
      if (got < *len)
        {
          ta_capture_warn_truncated (self, _("the block"), got, *len, why);
          return NULL;
        }
      if (rd32 (b + *len - 4, self->swap) != *len)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                       _("%s: pcapng block of type 0x%08x at byte %llu"
                         ": block length %u and trailing length %u differ; reading stops here"),
                       self->path, *type, (unsigned long long) *at, *len,
                       rd32 (b + *len - 4, self->swap));
          self->done = TRUE;
          return NULL;
        }
      return b;
    }
}

/* An enhanced or obsolete packet block */
G_ALWAYS_INLINE static inline BlockResult
packet_block (TaCaptureReader *self,
              guint32          type,
              const guint8    *b,
              guint32          len,
              guint64          at,
              TaPacket        *pkt,
              GError         **error)
{
  guint32 id, caplen, origlen;
  const Iface *iface;
  guint64 t;

  if (len < 32)
    return ta_capture_fail_too_short (self, type, len, at, error);
  id = type == PCAPNG_EPB ? rd32 (b + 8, self->swap) : rd16 (b + 8, self->swap);
  t = ((guint64) rd32 (b + 12, self->swap) << 32) | rd32 (b + 16, self->swap);
  caplen = rd32 (b + 20, self->swap);
  origlen = rd32 (b + 24, self->swap);
  if (id >= self->ifaces->len)
    return ta_capture_fail_bad_iface (self, b, at, error);
  if (caplen > len - 32)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
                   _("%s: packet block at byte %llu"
                     " claims %u captured bytes but holds at most %u; reading stops here"),
                   self->path, (unsigned long long) at, caplen, len - 32);
      self->done = TRUE;
      return BLOCK_FAILED;
    }
  iface = &g_array_index (self->ifaces, Iface, id);
  advance (self, len);
  if (deliver (self, iface->linktype, iface_ts (iface, t), b + 28, caplen, origlen, at, pkt))
    return BLOCK_PACKET;
  return BLOCK_SKIPPED;
}

/* A simple packet block */
G_ALWAYS_INLINE static inline BlockResult
simple_packet_block (TaCaptureReader *self,
                     const guint8    *b,
                     guint32          len,
                     guint64          at,
                     TaPacket        *pkt,
                     GError         **error)
{
  guint32 caplen, origlen;
  const Iface *iface;

  if (len < 16)
    return ta_capture_fail_too_short (self, PCAPNG_SPB, len, at, error);
  if (self->ifaces->len == 0)
    return ta_capture_fail_bad_iface (self, b, at, error);
  iface = &g_array_index (self->ifaces, Iface, 0);
  origlen = rd32 (b + 8, self->swap);
  caplen = MIN (origlen, len - 16);
  if (iface->snaplen != 0)
    caplen = MIN (caplen, iface->snaplen);
  advance (self, len);
  /* a simple packet block has no timestamp: it gets the previous
   * record's (0 only when it is the first), not 1970 */
  if (deliver (self, iface->linktype, self->last_ts, b + 12, caplen, origlen, at, pkt))
    return BLOCK_PACKET;
  return BLOCK_SKIPPED;
}

static gboolean
next_pcapng (TaCaptureReader *self,
             TaPacket        *pkt,
             GError         **error)
{
  for (;;)
    {
      guint32 type = 0, len = 0;
      guint64 at = 0;
      const guint8 *b = next_block (self, &type, &len, &at, error);
      BlockResult r;

      if (b == NULL)
        return FALSE;
      switch (type)
        {
        case PCAPNG_IDB:
          if (!ta_capture_read_idb (self, b, len, at, error))
            return FALSE;
          advance (self, len);
          continue;
        case PCAPNG_EPB:
        case PCAPNG_OPB:
          r = packet_block (self, type, b, len, at, pkt, error);
          break;
        case PCAPNG_SPB:
          r = simple_packet_block (self, b, len, at, pkt, error);
          break;
        default:
          /* NRB, ISB, DSB, custom and unknown blocks */
          advance (self, len);
          continue;
        }
      if (r != BLOCK_SKIPPED)
        return r == BLOCK_PACKET;
    }
}

/* ------------------------------------------------------------------ */

gboolean
ta_capture_reader_next (TaCaptureReader *self,
                        TaPacket        *pkt,
                        GError         **error)
{
  gboolean more;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->done)
    return FALSE;
  more = self->kind == TA_INPUT_KIND_PCAP ? next_pcap (self, pkt, error)
                                          : next_pcapng (self, pkt, error);
  /* a cut gzip stream ends the capture, maybe on a record boundary */
  if (!more && (error == NULL || *error == NULL)
      && ta_input_get_truncation (self->input) != NULL && !self->gzip_cut_reported)
    {
      self->gzip_cut_reported = TRUE;
      /* one warning a file: a record cut by it was reported already */
      if (!self->truncated)
        {
          self->truncated = TRUE;
          self->stats->truncated++;
          ta_read_stats_add_warning (self->stats, "%s", ta_input_get_truncation (self->input));
        }
    }
  return more;
}
