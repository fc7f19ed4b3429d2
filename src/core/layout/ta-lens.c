/* ta-lens.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ta-lens.h"

static inline double
clamp01 (double v)
{
  return v < 0 ? 0 : (v > 1 ? 1 : v);
}

static inline gboolean
lens_off (const TaLens *lens)
{
  return lens == NULL || !(lens->magnification > 1.0) || !(lens->radius > 0.0);
}

/* Horizontal band lens */

typedef struct
{
  double a, b, scale, m;
} Band;

static gboolean
band_setup (const TaLens *lens,
            Band         *band)
{
  double c, inside, outside;

  if (lens_off (lens))
    return FALSE;
  c = clamp01 (lens->focus);
  band->m = lens->magnification;
  band->a = MAX (0.0, c - lens->radius);
  band->b = MIN (1.0, c + lens->radius);
  inside = band->b - band->a;
  outside = band->a + (1.0 - band->b);
  if (inside <= 0.0)
    return FALSE;
  band->scale = 1.0 / (outside + inside * band->m);
  return TRUE;
}

double
ta_lens_band_apply (const TaLens *lens,
                    double        t)
{
  Band band;

  t = clamp01 (t);
  if (!band_setup (lens, &band))
    return t;
  if (t < band.a)
    return t * band.scale;
  if (t <= band.b)
    return band.scale * (band.a + (t - band.a) * band.m);
  return band.scale * (band.a + (band.b - band.a) * band.m + (t - band.b));
}

double
ta_lens_band_invert (const TaLens *lens,
                     double        u)
{
  Band band;
  double ua, ub;

  u = clamp01 (u);
  if (!band_setup (lens, &band))
    return u;
  ua = band.a * band.scale;
  ub = band.scale * (band.a + (band.b - band.a) * band.m);
  if (u < ua)
    return u / band.scale;
  if (u <= ub)
    return band.a + (u / band.scale - band.a) / band.m;
  return clamp01 (band.b + (u - ub) / band.scale);
}

double
ta_lens_band_focus_for (const TaLens *lens,
                        double        u)
{
  double lo = 0, hi = 1;
  TaLens l;

  if (lens_off (lens))
    return clamp01 (u);
  l = *lens;
  /* The centre's image grows monotonically with the focus: bisect. */
  for (guint i = 0; i < 50; i++)
    {
      double mid = (lo + hi) / 2;

      l.focus = mid;
      if (ta_lens_band_apply (&l, mid) < u)
        lo = mid;
      else
        hi = mid;
    }
  return (lo + hi) / 2;
}

/* Vertical cosine lens. On one side of the focus of length L, with
 * distance u from the focus: density g(u) = c + (m − c)(1 + cos πu/R)/2 for
 * u < R, c beyond. Requiring ∫0^L g = L gives c = (L − Rm/2) / (L − R/2). */

typedef struct
{
  double len, r, c, m;
} Side;

static void
side_setup (double len,
            double radius,
            double m,
            Side  *side)
{
  double rfit, r;

  side->len = len;
  side->m = m;
  if (len <= 0)
    {
      side->r = 0;
      side->c = 1;
      return;
    }
  /* Largest band that still leaves density >= TA_LENS_MIN_DENSITY outside */
  rfit = 2 * len * (1 - TA_LENS_MIN_DENSITY) / (m - TA_LENS_MIN_DENSITY);
  r = MIN (radius, rfit);
  r = MIN (r, len);
  side->r = r;
  side->c = (len - r * m / 2) / (len - r / 2);
}

/* ∫0^u g */
static double
side_integral (const Side *s,
               double      u)
{
  double v;

  if (u <= 0)
    return 0;
  if (s->r <= 0)
    return u;
  v = MIN (u, s->r);
  return s->c * v
         + (s->m - s->c) / 2 * (v + s->r / G_PI * sin (G_PI * v / s->r))
         + (u > s->r ? s->c * (u - s->r) : 0);
}

static double
side_density (const Side *s,
              double      u)
{
  if (s->r <= 0)
    return 1;
  if (u >= s->r)
    return s->c;
  return s->c + (s->m - s->c) * (1 + cos (G_PI * u / s->r)) / 2;
}

static double
side_invert (const Side *s,
             double      y)
{
  double lo = 0, hi = s->len;

  if (y <= 0)
    return 0;
  if (y >= s->len)
    return s->len;
  if (s->r <= 0)
    return y;
  if (y >= side_integral (s, s->r))
    return s->r + (y - side_integral (s, s->r)) / s->c;
  for (guint i = 0; i < 60; i++)
    {
      double mid = (lo + hi) / 2;

      if (side_integral (s, mid) < y)
        lo = mid;
      else
        hi = mid;
    }
  return (lo + hi) / 2;
}

double
ta_lens_cosine_apply (const TaLens *lens,
                      double        t)
{
  Side side;
  double f;

  t = clamp01 (t);
  if (lens_off (lens))
    return t;
  f = clamp01 (lens->focus);
  if (t >= f)
    {
      side_setup (1 - f, lens->radius, lens->magnification, &side);
      return clamp01 (f + side_integral (&side, t - f));
    }
  side_setup (f, lens->radius, lens->magnification, &side);
  return clamp01 (f - side_integral (&side, f - t));
}

double
ta_lens_cosine_invert (const TaLens *lens,
                       double        u)
{
  Side side;
  double f;

  u = clamp01 (u);
  if (lens_off (lens))
    return u;
  f = clamp01 (lens->focus);
  if (u >= f)
    {
      side_setup (1 - f, lens->radius, lens->magnification, &side);
      return clamp01 (f + side_invert (&side, u - f));
    }
  side_setup (f, lens->radius, lens->magnification, &side);
  return clamp01 (f - side_invert (&side, f - u));
}

double
ta_lens_cosine_density (const TaLens *lens,
                        double        t)
{
  Side side;
  double f;

  if (lens_off (lens))
    return 1;
  t = clamp01 (t);
  f = clamp01 (lens->focus);
  if (t >= f)
    {
      side_setup (1 - f, lens->radius, lens->magnification, &side);
      return side_density (&side, t - f);
    }
  side_setup (f, lens->radius, lens->magnification, &side);
  return side_density (&side, f - t);
}
