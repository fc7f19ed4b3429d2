/* ta-timearcs-view.h — the attack TimeArcs view widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ta-arc-layout.h"
#include "ta-ground-truth.h"
#include "ta-selection.h"

G_BEGIN_DECLS

#define TA_TYPE_TIMEARCS_VIEW (ta_timearcs_view_get_type ())

G_DECLARE_FINAL_TYPE (TaTimeArcsView, ta_timearcs_view, TA, TIMEARCS_VIEW, GtkWidget)

/*
 * Properties: "lens" (gboolean), "magnification" (double, 2–200, default 5),
 * "label-mode" (int: 0 attack type, 1 attack group), "show-ground-truth"
 * (gboolean), "selection" (TaSelection, construct-only default: a new one).
 * Signals: "labels-changed" when the model or the label mode changes (the
 * legend rebuilds), "hidden-changed".
 */

GtkWidget    *ta_timearcs_view_new                (void);
/* Takes ownership of model (may be NULL) */
void          ta_timearcs_view_set_model          (TaTimeArcsView *self,
                                                   TaArcModel     *model);
TaArcModel   *ta_timearcs_view_get_model          (TaTimeArcsView *self);
TaSelection  *ta_timearcs_view_get_selection      (TaTimeArcsView *self);
void          ta_timearcs_view_set_lens           (TaTimeArcsView *self,
                                                   gboolean        lens);
gboolean      ta_timearcs_view_get_lens           (TaTimeArcsView *self);
void          ta_timearcs_view_set_magnification  (TaTimeArcsView *self,
                                                   double          magnification);
double        ta_timearcs_view_get_magnification  (TaTimeArcsView *self);
void          ta_timearcs_view_set_label_mode     (TaTimeArcsView *self,
                                                   TaLabelMode     mode);
TaLabelMode   ta_timearcs_view_get_label_mode     (TaTimeArcsView *self);
void          ta_timearcs_view_set_label_hidden   (TaTimeArcsView *self,
                                                   guint           label,
                                                   gboolean        hidden);
gboolean      ta_timearcs_view_get_label_hidden   (TaTimeArcsView *self,
                                                   guint           label);
void          ta_timearcs_view_show_all_labels    (TaTimeArcsView *self);
/* gt may be NULL to remove the overlay; ip_map resolves its addresses */
void          ta_timearcs_view_set_ground_truth   (TaTimeArcsView *self,
                                                   TaGroundTruth  *gt,
                                                   TaIpMap        *ip_map);
guint         ta_timearcs_view_get_n_gt_spans     (TaTimeArcsView *self);
guint         ta_timearcs_view_get_n_unexplained  (TaTimeArcsView *self);
void          ta_timearcs_view_set_show_ground_truth (TaTimeArcsView *self,
                                                      gboolean        show);
void          ta_timearcs_view_reset_zoom         (TaTimeArcsView *self);
void          ta_timearcs_view_zoom               (TaTimeArcsView *self,
                                                   double          factor);
void          ta_timearcs_view_clear_selection    (TaTimeArcsView *self);
/* Format from the extension: .png, .svg or .pdf */
gboolean      ta_timearcs_view_export             (TaTimeArcsView *self,
                                                   const char     *path,
                                                   GError        **error);

G_END_DECLS
