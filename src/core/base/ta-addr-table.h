/* ta-addr-table.h — interned network addresses for one job
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TaAddrTable TaAddrTable;

#define TA_ADDR_NONE G_MAXUINT32

TaAddrTable *ta_addr_table_new          (void);
void         ta_addr_table_free         (TaAddrTable  *self);
/* host byte order */
guint32      ta_addr_table_intern_ipv4  (TaAddrTable  *self,
                                         guint32       addr);
guint32      ta_addr_table_intern_ipv6  (TaAddrTable  *self,
                                         const guint8  addr[16]);
/* Dotted IPv4 or IPv6 text; anything else is interned verbatim as an
 * opaque name (the original writes an unmapped id as its decimal text). */
guint32      ta_addr_table_intern_text  (TaAddrTable  *self,
                                         const char   *text,
                                         gssize        len);
/* The name outputs show: the address text, or what the display function
 * set below gives for it (pseudonyms) */
const char  *ta_addr_table_get_name     (TaAddrTable  *self,
                                         guint32       index);
/* The address text itself, for matching (networks, relays, checks) */
const char  *ta_addr_table_get_real_name (TaAddrTable *self,
                                         guint32       index);
/* @func (NULL: none) gives the name get_name() returns instead of the real
 * one, or NULL to keep it; called on the caller's thread, so set it only
 * while one thread asks for names */
typedef const char *(*TaAddrDisplayFunc) (TaAddrTable *self,
                                          guint32      index,
                                          gpointer     user_data);
void         ta_addr_table_set_display  (TaAddrTable       *self,
                                         TaAddrDisplayFunc  func,
                                         gpointer           user_data);
/* 4 for IPv4, 6 for IPv6, 0 for an opaque name */
guint        ta_addr_table_get_family   (TaAddrTable  *self,
                                         guint32       index);
guint        ta_addr_table_get_size     (TaAddrTable  *self);

/* Parse dotted IPv4 (host order result). Strict: four decimal octets. */
gboolean     ta_parse_ipv4              (const char   *text,
                                         gsize         len,
                                         guint32      *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaAddrTable, ta_addr_table_free)

G_END_DECLS
