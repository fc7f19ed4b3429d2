/* ta-presets.h — service presets (--preset mail|proxy|web|dns): named
 * sets of well-known ports used as packet filters. A TCP or UDP packet
 * whose ports are known (TA_PKT_HAS_PORTS) matches when its source or its
 * destination port is in the set.
 *
 *   mail   25 (SMTP), 465 (SMTPS), 587 (submission), 110 (POP3),
 *          995 (POP3S), 143 (IMAP), 993 (IMAPS)
 *   proxy  3128 (Squid), 8080, 8000, 8888 (HTTP proxies), 1080 (SOCKS)
 *   web    80 (HTTP), 443 (HTTPS, QUIC over UDP), 8080, 8443
 *   dns    53 (DNS), 853 (DNS over TLS/QUIC), 5353 (mDNS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-packet.h"

G_BEGIN_DECLS

typedef enum
{
  TA_PRESET_MAIL,
  TA_PRESET_PROXY,
  TA_PRESET_WEB,
  TA_PRESET_DNS,
  TA_PRESET_N
} TaPreset;

/* "mail", "proxy", "web", "dns" */
const char    *ta_preset_name            (TaPreset        preset);
/* FALSE with @error (TA_ERROR_INVALID_ARGUMENT, naming the choices) for
 * an unknown name; names are matched without regard to case */
gboolean       ta_preset_parse           (const char     *name,
                                          TaPreset       *out,
                                          GError        **error);
/* The ports of @preset, in the order above; *n_ports receives their number */
const guint16 *ta_preset_get_ports       (TaPreset        preset,
                                          gsize          *n_ports);
/* "25, 465, 587, …" (free it) */
char          *ta_preset_ports_to_string (TaPreset        preset);
gboolean       ta_preset_has_port        (TaPreset        preset,
                                          guint16         port);
/* TCP or UDP, ports known, sport or dport in the set */
gboolean       ta_preset_match_packet    (TaPreset        preset,
                                          const TaPacket *pkt);

G_END_DECLS
