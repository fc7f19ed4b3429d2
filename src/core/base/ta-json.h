/* ta-json.h — writing JSON text by hand (the folder writer, mappings, maps)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @s as a JSON string literal: quotes, backslashes and control
 * characters escaped, UTF-8 kept as it is (JSON has no octal escapes, so
 * g_strescape() is not a JSON escaper). */
void ta_json_append_string (GString    *out,
                            const char *s);

G_END_DECLS
