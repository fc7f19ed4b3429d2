/* ta-capture-open.c — the capture reader's cold paths: recognising and
 * opening a capture, pcapng section and interface headers, and the
 * warnings and errors that end reading
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-capture-reader-private.h"
#include "ta-error.h"

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

/* The data ends inside the structure at the current position, which
 * needs @need bytes of which @got are there. */
void
ta_capture_warn_truncated (TaCaptureReader *self,
                           const char      *what,
                           gsize            got,
                           gsize            need,
                           const char      *why)
{
  guint64 at = cur_offset (self);

  if (!self->truncated)
    {
      self->truncated = TRUE;
      self->stats->truncated++;
    }
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

void
ta_capture_count_unsupported_link (TaCaptureReader *self,
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

static gboolean
open_pcap (TaCaptureReader *self,
           GError         **error)
{
  const guint8 *h;
  gsize got;
  guint32 magic;
  guint16 major, minor;

  h = ta_capture_need_bytes (self, 24, &got, NULL, error);
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

/* Reads the SHB at the current position; @first: at the start of the file */
gboolean
ta_capture_read_shb (TaCaptureReader *self,
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

  b = ta_capture_need_bytes (self, 12, &got, first ? NULL : &why, error);
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
      ta_capture_warn_truncated (self, _("the section header block"), got, 12, why);
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
  b = ta_capture_need_bytes (self, len, &got, first ? NULL : &why, error);
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
      ta_capture_warn_truncated (self, _("the section header block"), got, len, why);
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

/* An interface description block: one more interface of the section */
gboolean
ta_capture_read_idb (TaCaptureReader *self,
                     const guint8    *b,
                     guint32          len,
                     guint64          at,
                     GError         **error)
{
  Iface iface = { 0, };

  if (len < 20)
    {
      ta_capture_fail_too_short (self, PCAPNG_IDB, len, at, error);
      return FALSE;
    }
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
  return TRUE;
}

BlockResult
ta_capture_fail_bad_iface (TaCaptureReader *self,
                           const guint8    *b,
                           guint64          at,
                           GError         **error)
{
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
  return BLOCK_FAILED;
}

BlockResult
ta_capture_fail_too_short (TaCaptureReader *self,
                           guint32          type,
                           guint32          len,
                           guint64          at,
                           GError         **error)
{
  g_set_error (error, TA_ERROR, TA_ERROR_CORRUPT,
               _("%s: pcapng block of type 0x%08x at byte %llu"
                 " is too short (%u bytes); reading stops here"),
               self->path, type, (unsigned long long) at, len);
  self->done = TRUE;
  return BLOCK_FAILED;
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
  self->file_index = (guint16) MIN (config->file_index, G_MAXUINT16);
  self->path = ta_input_get_path (input);
  self->ifaces = g_array_new (FALSE, FALSE, sizeof (Iface));
  for (guint i = 0; i < G_N_ELEMENTS (self->v4cache); i++)
    self->v4cache[i].idx = TA_ADDR_NONE;

  h = ta_capture_need_bytes (self, 4, &got, NULL, error);
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
  else if (!ta_capture_read_shb (self, TRUE, error))
    return NULL;

  return g_steal_pointer (&self);
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
