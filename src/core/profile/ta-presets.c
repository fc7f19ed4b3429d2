/* ta-presets.c — service presets (port sets)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ta-error.h"
#include "ta-presets.h"

static const guint16 mail_ports[] = { 25, 465, 587, 110, 995, 143, 993 };
static const guint16 proxy_ports[] = { 3128, 8080, 8000, 8888, 1080 };
static const guint16 web_ports[] = { 80, 443, 8080, 8443 };
static const guint16 dns_ports[] = { 53, 853, 5353 };

static const struct
{
  const char    *name;
  const guint16 *ports;
  gsize          n_ports;
} presets[TA_PRESET_N] = {
  [TA_PRESET_MAIL] = { "mail", mail_ports, G_N_ELEMENTS (mail_ports) },
  [TA_PRESET_PROXY] = { "proxy", proxy_ports, G_N_ELEMENTS (proxy_ports) },
  [TA_PRESET_WEB] = { "web", web_ports, G_N_ELEMENTS (web_ports) },
  [TA_PRESET_DNS] = { "dns", dns_ports, G_N_ELEMENTS (dns_ports) },
};

const char *
ta_preset_name (TaPreset preset)
{
  g_return_val_if_fail ((guint) preset < TA_PRESET_N, NULL);
  return presets[preset].name;
}

gboolean
ta_preset_parse (const char  *name,
                 TaPreset    *out,
                 GError     **error)
{
  for (guint i = 0; i < TA_PRESET_N; i++)
    if (name != NULL && g_ascii_strcasecmp (name, presets[i].name) == 0)
      {
        *out = (TaPreset) i;
        return TRUE;
      }
  g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
               _("Unknown preset “%s” (choose mail, proxy, web or dns)"), name ? name : "");
  return FALSE;
}

const guint16 *
ta_preset_get_ports (TaPreset  preset,
                     gsize    *n_ports)
{
  g_return_val_if_fail ((guint) preset < TA_PRESET_N, NULL);
  if (n_ports != NULL)
    *n_ports = presets[preset].n_ports;
  return presets[preset].ports;
}

char *
ta_preset_ports_to_string (TaPreset preset)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail ((guint) preset < TA_PRESET_N, g_string_free (s, FALSE));
  for (gsize i = 0; i < presets[preset].n_ports; i++)
    g_string_append_printf (s, i ? ", %u" : "%u", presets[preset].ports[i]);
  return g_string_free (s, FALSE);
}

gboolean
ta_preset_has_port (TaPreset preset,
                    guint16  port)
{
  g_return_val_if_fail ((guint) preset < TA_PRESET_N, FALSE);
  for (gsize i = 0; i < presets[preset].n_ports; i++)
    if (presets[preset].ports[i] == port)
      return TRUE;
  return FALSE;
}

gboolean
ta_preset_match_packet (TaPreset        preset,
                        const TaPacket *pkt)
{
  if (pkt->proto != 6 && pkt->proto != 17)
    return FALSE;
  if (!(pkt->pflags & TA_PKT_HAS_PORTS))
    return FALSE;
  return ta_preset_has_port (preset, pkt->sport) || ta_preset_has_port (preset, pkt->dport);
}
