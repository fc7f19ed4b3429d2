/* ta-ip-map.h — the JSON IP map {"a.b.c.d": id} (FORMATS.md §2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TaIpMap TaIpMap;

TaIpMap    *ta_ip_map_new          (void);
TaIpMap    *ta_ip_map_load         (const char  *path,
                                    GError     **error);
void        ta_ip_map_free         (TaIpMap     *self);
/* The address for an id, or NULL */
const char *ta_ip_map_lookup_id    (TaIpMap     *self,
                                    gint64       id);
/* The id for an address, or -1 */
gint64      ta_ip_map_lookup_addr  (TaIpMap     *self,
                                    const char  *addr);
/* The existing id, or a new one (largest id + 1) */
gint64      ta_ip_map_add          (TaIpMap     *self,
                                    const char  *addr);
guint       ta_ip_map_get_size     (TaIpMap     *self);
gint64      ta_ip_map_get_max_id   (TaIpMap     *self);
/* Written to a temporary sibling and renamed into place */
gboolean    ta_ip_map_save         (TaIpMap     *self,
                                    const char  *path,
                                    GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaIpMap, ta_ip_map_free)

G_END_DECLS
