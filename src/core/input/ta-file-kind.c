/* ta-file-kind.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-capture-reader.h"
#include "ta-file-kind.h"
#include "ta-input.h"

static gboolean
has_column (char * const *cols,
            const char   *name)
{
  for (guint i = 0; cols[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (cols[i]), name) == 0)
      return TRUE;
  return FALSE;
}

TaFileKind
ta_file_kind_from_header (const char *line,
                          gsize       len)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) cols = NULL;
  const char *nl = memchr (line, '\n', len);

  if (nl != NULL)
    len = nl - line;
  /* a UTF-8 byte order mark */
  if (len >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
    {
      line += 3;
      len -= 3;
    }
  copy = g_strndup (line, len);
  cols = g_strsplit (copy, ",", -1);

  if (!has_column (cols, "timestamp") || !has_column (cols, "src_ip") || !has_column (cols, "dst_ip"))
    return TA_FILE_KIND_UNKNOWN;
  if (has_column (cols, "count") && has_column (cols, "attack"))
    return TA_FILE_KIND_ATTACK_CSV;
  if (has_column (cols, "flags") || has_column (cols, "seq_num") || has_column (cols, "src_port"))
    return TA_FILE_KIND_PACKETS;
  return TA_FILE_KIND_UNKNOWN;
}

TaFileKind
ta_file_kind_sniff (const char *path)
{
  g_autoptr(TaInput) in = ta_input_open (path, NULL);
  const guint8 *p;
  gsize avail = 0;
  TaInputKind kind;

  if (in == NULL)
    return TA_FILE_KIND_UNKNOWN;
  p = ta_input_peek (in, 4096, &avail, NULL);
  if (p == NULL || avail == 0)
    return TA_FILE_KIND_UNKNOWN;
  if (avail >= 4 && ta_capture_sniff (p, avail, &kind))
    return TA_FILE_KIND_PACKETS;
  return ta_file_kind_from_header ((const char *) p, MIN (avail, 4096));
}
