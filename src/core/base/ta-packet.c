/* ta-packet.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-error.h"
#include "ta-packet.h"

G_DEFINE_QUARK (ta-error-quark, ta_error)

/* FORMATS.md §6: the four common pairs by name, otherwise the set flags
 * sorted alphabetically and joined by '+'; "NONE" for 0. All 256 names are
 * built once so the per-packet path is a table lookup. */
static const char *flag_names[256];

static gpointer
build_flag_names (gpointer data)
{
  static const struct { guint bit; const char *name; } bits_sorted[] = {
    { TA_TCP_ACK, "ACK" }, { TA_TCP_CWR, "CWR" }, { TA_TCP_ECE, "ECE" },
    { TA_TCP_FIN, "FIN" }, { TA_TCP_PSH, "PSH" }, { TA_TCP_RST, "RST" },
    { TA_TCP_SYN, "SYN" }, { TA_TCP_URG, "URG" },
  };

  for (guint v = 0; v < 256; v++)
    {
      GString *s;

      if (v == 0)
        { flag_names[v] = "NONE"; continue; }
      if (v == (TA_TCP_SYN | TA_TCP_ACK))
        { flag_names[v] = "SYN+ACK"; continue; }
      if (v == (TA_TCP_FIN | TA_TCP_ACK))
        { flag_names[v] = "FIN+ACK"; continue; }
      if (v == (TA_TCP_PSH | TA_TCP_ACK))
        { flag_names[v] = "PSH+ACK"; continue; }
      if (v == (TA_TCP_RST | TA_TCP_ACK))
        { flag_names[v] = "RST+ACK"; continue; }

      s = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (bits_sorted); i++)
        if (v & bits_sorted[i].bit)
          {
            if (s->len)
              g_string_append_c (s, '+');
            g_string_append (s, bits_sorted[i].name);
          }
      flag_names[v] = g_intern_string (s->str);
      g_string_free (s, TRUE);
    }

  return NULL;
}

const char *
ta_flag_type_name (guint    flags,
                   gboolean invalid)
{
  static GOnce once = G_ONCE_INIT;

  if (invalid)
    return "INVALID";
  g_once (&once, build_flag_names, NULL);
  return flag_names[flags & 0xff];
}

const char *
ta_flag_class_canonical (const char *name)
{
  static const struct { const char *name; guint bit; } bits[] = {
    { "FIN", TA_TCP_FIN }, { "SYN", TA_TCP_SYN }, { "RST", TA_TCP_RST },
    { "PSH", TA_TCP_PSH }, { "ACK", TA_TCP_ACK }, { "URG", TA_TCP_URG },
    { "ECE", TA_TCP_ECE }, { "CWR", TA_TCP_CWR },
  };
  const char *p = name;
  guint mask = 0;

  g_return_val_if_fail (name != NULL, NULL);
  while (*p)
    {
      gsize len = strcspn (p, "+");
      guint i;

      for (i = 0; i < G_N_ELEMENTS (bits); i++)
        if (len == 3 && strncmp (p, bits[i].name, 3) == 0)
          break;
      if (i == G_N_ELEMENTS (bits))
        return name;
      mask |= bits[i].bit;
      p += len;
      if (*p == '+')
        p++;
    }
  if (mask == 0)
    return name;
  return ta_flag_type_name (mask, FALSE);
}
