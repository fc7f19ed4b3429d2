/* ta-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TA_TYPE_APPLICATION (ta_application_get_type ())

G_DECLARE_FINAL_TYPE (TaApplication, ta_application, TA, APPLICATION, GtkApplication)

TaApplication *ta_application_new          (void);
/* The app's settings, or NULL when the schema is not installed (then
 * nothing is remembered). Looks next to the build tree too. */
GSettings     *ta_application_get_settings (TaApplication *self);

G_END_DECLS
