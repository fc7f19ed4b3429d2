/* ta-lens.h — focus+context fisheye maths for the TimeArcs view (FORMATS.md §10)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Both lenses map normalised positions [0, 1] onto [0, 1]. They are
 * continuous, strictly increasing (so nothing overlaps or swaps order),
 * fix both ends, and are the identity when magnification <= 1.
 *
 * Horizontal (time), as in the original: a band of ±radius (default 0.045)
 * around the focus is stretched ×m relative to the rest, which is compressed
 * uniformly; piecewise linear.
 *
 * Vertical (rows): the original scaled the *distance* to the focus by
 * m − (m − 1)(1 − cos πd)/2, which folds rows over each other near the band
 * edge. Here the same cosine profile is used as the *density* instead: at
 * the focus rows are spaced ×m wider than without the lens, falling smoothly
 * (cosine) to a constant compression c outside the band; each side of the
 * focus keeps its own length, so the focus stays under the pointer. When the
 * requested band cannot hold ×m on a side, the band narrows (never below a
 * compression of TA_LENS_MIN_DENSITY outside), so the magnification at the
 * focus is always exactly m.
 */

#define TA_LENS_TIME_RADIUS    0.045
#define TA_LENS_ROW_RADIUS     0.5
#define TA_LENS_MIN_DENSITY    0.1

typedef struct
{
  double focus;          /* 0..1 */
  double magnification;  /* <= 1 means off */
  double radius;         /* half-width of the band, 0..1 */
} TaLens;

double ta_lens_band_apply          (const TaLens *lens,
                                    double        t);
double ta_lens_band_invert         (const TaLens *lens,
                                    double        u);
/* The focus whose magnified band is centred on output position u */
double ta_lens_band_focus_for      (const TaLens *lens,
                                    double        u);

double ta_lens_cosine_apply        (const TaLens *lens,
                                    double        t);
double ta_lens_cosine_invert       (const TaLens *lens,
                                    double        u);
/* d(output)/d(input) at t: the local magnification */
double ta_lens_cosine_density      (const TaLens *lens,
                                    double        t);

G_END_DECLS
