/* ta-capture-reader.c — placeholder until the capture reader (issue 5) lands:
 * it recognises capture magics so such files are not mistaken for CSV, and
 * refuses to read them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-capture-reader.h"
#include "ta-error.h"

gboolean
ta_capture_sniff (const guint8 *data,
                  gsize         len,
                  TaInputKind  *kind)
{
  static const guint8 magics[][4] = {
    { 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
    { 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
  };

  if (len < 4)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (magics); i++)
    if (memcmp (data, magics[i], 4) == 0)
      {
        if (kind)
          *kind = TA_INPUT_KIND_PCAP;
        return TRUE;
      }
  if (data[0] == 0x0a && data[1] == 0x0d && data[2] == 0x0d && data[3] == 0x0a)
    {
      if (kind)
        *kind = TA_INPUT_KIND_PCAPNG;
      return TRUE;
    }
  return FALSE;
}

TaCaptureReader *
ta_capture_reader_new (TaInput              *input,
                       const TaReaderConfig *config,
                       GError              **error)
{
  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: capture input is not supported by this build"),
               ta_input_get_path (input));
  ta_input_free (input);
  return NULL;
}

gboolean
ta_capture_reader_next (TaCaptureReader  *self,
                        TaPacket         *pkt,
                        GError          **error)
{
  return FALSE;
}

TaInput *
ta_capture_reader_get_input (TaCaptureReader *self)
{
  return NULL;
}

void
ta_capture_reader_free (TaCaptureReader *self)
{
}
