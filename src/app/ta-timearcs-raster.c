/* ta-timearcs-raster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ta-timearcs-raster.h"

/* A small anti-aliased rasteriser for arcs: cairo's general stroker
 * scan-converts the whole path at 15× vertical oversampling, which costs
 * hundreds of ms for thousands of long overlapping arcs; a semicircle drawn
 * as coverage spans costs about 3·r pixel blends. */

typedef struct
{
  guint32 *data;     /* 4×4-pixel tiles, one 64-byte cache line each */
  int      tiles_w;  /* tiles per tile row */
  int      width;
  int      height;
  int      y_lo;     /* rows this raster may touch: [y_lo, y_hi), multiples */
  int      y_hi;     /* of 4 so two threads never share a tile */
  guint32  r, g, b, a;  /* colour 0..255, alpha 0..255 */
} Raster;

/* Blend the current colour at alpha a (0..255) over pixel (x, y) */
static inline void
blend_a (Raster  *ras,
         int      x,
         int      y,
         guint32  a)
{
  guint32 *p;
  guint32 inv, d, rb, ag;

  if (a == 0)
    return;
  inv = 255 - a;
  /* tiled: a vertical or horizontal run of 4 pixels stays in one cache
   * line, where a linear layout touches a new line (and page) per row */
  p = ras->data + ((gsize) (y >> 2) * ras->tiles_w + (x >> 2)) * 16 + ((y & 3) << 2) + (x & 3);
  d = *p;
  /* two channels per multiply: premultiplied source over destination */
  rb = ((ras->r << 16) | ras->b) * a + (d & 0x00ff00ff) * inv;
  ag = ((255u << 16) | ras->g) * a + ((d >> 8) & 0x00ff00ff) * inv;
  rb = ((rb + 0x00800080 + ((rb >> 8) & 0x00ff00ff)) >> 8) & 0x00ff00ff;
  ag = ((ag + 0x00800080 + ((ag >> 8) & 0x00ff00ff)) >> 8) & 0x00ff00ff;
  *p = rb | (ag << 8);
}

static inline guint32
cov_alpha (const Raster *ras,
           double        coverage)
{
  int a = (int) (coverage * ras->a + 0.5);

  return (guint32) CLAMP (a, 0, 255);
}

/* Coverage of the span [x0, x1) on pixel row y */
static inline void
hspan (Raster *ras,
       int     y,
       double  x0,
       double  x1)
{
  int i0, i1, lo, hi;

  if (y < ras->y_lo || y >= ras->y_hi || x1 < 0 || x0 >= ras->width)
    return;
  i0 = (int) floor (x0);
  i1 = (int) floor (x1);
  if (i0 == i1)
    {
      if (i0 >= 0 && i0 < ras->width)
        blend_a (ras, i0, y, cov_alpha (ras, x1 - x0));
      return;
    }
  if (i0 >= 0)
    blend_a (ras, i0, y, cov_alpha (ras, i0 + 1 - x0));
  lo = MAX (i0 + 1, 0);
  hi = MIN (i1, ras->width);
  for (int i = lo; i < hi; i++)
    blend_a (ras, i, y, ras->a);
  if (i1 < ras->width)
    blend_a (ras, i1, y, cov_alpha (ras, x1 - i1));
}

static inline void
vspan (Raster *ras,
       int     x,
       double  y0,
       double  y1)
{
  int i0, i1, lo, hi;

  if ((unsigned) x >= (unsigned) ras->width || y1 < ras->y_lo || y0 >= ras->y_hi)
    return;
  i0 = (int) floor (y0);
  i1 = (int) floor (y1);
  if (i0 == i1)
    {
      if (i0 >= ras->y_lo && i0 < ras->y_hi)
        blend_a (ras, x, i0, cov_alpha (ras, y1 - y0));
      return;
    }
  if (i0 >= ras->y_lo)
    blend_a (ras, x, i0, cov_alpha (ras, i0 + 1 - y0));
  lo = MAX (i0 + 1, ras->y_lo);
  hi = MIN (i1, ras->y_hi);
  for (int i = lo; i < hi; i++)
    blend_a (ras, x, i, ras->a);
  if (i1 < ras->y_hi)
    blend_a (ras, x, i1, cov_alpha (ras, y1 - i1));
}

/* Half circle of radius r around (cx, cy) on side s (+1 right, −1 left),
 * stroked w px wide. Steep parts are drawn row by row, flat parts column by
 * column, so the stroke has no gaps. */
static void
raster_half_circle (Raster *ras,
                    double  cx,
                    double  cy,
                    double  r,
                    int     s,
                    double  w)
{
  double k = r * G_SQRT2 / 2;
  double hw = w / 2;
  int y0, y1, n;

  if (cx + s * (r + hw) < -2 && cx < -2)
    return;
  if (cx - 2 > ras->width && cx + s * (r + hw) > ras->width + 2)
    return;

  y0 = (int) MAX (ras->y_lo, floor (cy - k));
  y1 = (int) MIN (ras->y_hi - 1, ceil (cy + k) - 1);
  for (int y = y0; y <= y1; y++)
    {
      double dy = y + 0.5 - cy;
      double dx = sqrt (MAX (0, r * r - dy * dy));
      double x = cx + s * dx;

      hspan (ras, y, x - hw, x + hw);
    }
  n = (int) ceil (k);
  for (int i = 0; i < n; i++)
    {
      /* pixel columns from the apex line outwards; the column centre */
      double ox = i + 0.5;
      double dy = sqrt (MAX (0, r * r - ox * ox));
      int col = s > 0 ? (int) floor (cx) + i : (int) floor (cx) - 1 - i;
      double frac = s > 0 ? cx - floor (cx) : floor (cx) + 1 - cx;

      (void) frac;
      vspan (ras, col, cy - dy - hw, cy - dy + hw);
      vspan (ras, col, cy + dy - hw, cy + dy + hw);
    }
}

static void
raster_arc (Raster *ras,
            double  x,
            double  y1,
            double  y2,
            double  w)
{
  double r = fabs (y2 - y1) / 2;

  if (r < 1.0)
    {
      raster_half_circle (ras, x + 3, y1, 3, +1, w);
      raster_half_circle (ras, x + 3, y1, 3, -1, w);
      return;
    }
  raster_half_circle (ras, x, (y1 + y2) / 2, r, y1 < y2 ? +1 : -1, w);
}

/* The tile buffer is walked down columns by tall arcs: ask for huge pages
 * where the kernel offers them (transparent huge pages in madvise mode). */
static guint32 *
alloc_tiles (gsize  size,
             gsize *out_size)
{
  void *mem = NULL;

  size = (size + (2u << 20) - 1) & ~(gsize) ((2u << 20) - 1);
  if (posix_memalign (&mem, 2u << 20, size) != 0)
    g_error ("out of memory");
#ifdef MADV_HUGEPAGE
  madvise (mem, size, MADV_HUGEPAGE);
#endif
  *out_size = size;
  return mem;
}

typedef struct
{
  Raster               ras;
  const TaRenderState *state;
  const TaDrawArc     *draw;
  guint                n_draw;
  int                  ox, oy;
  guchar              *dst;
  int                  stride;
} RasterBand;

/* Clear, draw and untile one band of rows into the cairo layer */
static gpointer
raster_band_worker (gpointer data)
{
  RasterBand *band = data;
  Raster *ras = &band->ras;
  gsize row_words = (gsize) ras->tiles_w * 16;

  memset (ras->data + (gsize) (ras->y_lo >> 2) * row_words, 0,
          (gsize) ((ras->y_hi - ras->y_lo + 3) >> 2) * row_words * sizeof (guint32));

  /* In x order (the draw list comes sorted by minute): consecutive arcs
   * touch neighbouring columns, so the tile buffer is swept once instead of
   * once per colour. */
  for (guint j = 0; j < band->n_draw; j++)
    {
      const TaDrawArc *d = &band->draw[j];
      guint32 color = ta_arc_model_get_label (band->state->model, band->state->mode, d->label)->color;

      ras->r = (color >> 16) & 0xff;
      ras->g = (color >> 8) & 0xff;
      ras->b = color & 0xff;
      raster_arc (ras, d->x - band->ox, d->y1 - band->oy, d->y2 - band->oy, d->width);
    }

  for (int y = ras->y_lo; y < ras->y_hi; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (band->dst + (gsize) y * band->stride);
      const guint32 *src = ras->data + (gsize) (y >> 2) * row_words + ((y & 3) << 2);

      for (int tx = 0; tx < ras->tiles_w; tx++)
        {
          int x = tx * 4;

          if (x + 4 <= ras->width)
            memcpy (row + x, src + tx * 16, 16);
          else
            memcpy (row + x, src + tx * 16, (ras->width - x) * 4);
        }
    }

  return NULL;
}

void
ta_timearcs_raster_arcs (TaRenderState   *state,
                         cairo_t         *cr,
                         const TaDrawArc *draw,
                         guint            n_draw,
                         double           width,
                         double           alpha)
{
  Raster ras;
  int lw, lh, ox, oy;

  /* the layer covers the plot (arcs are clipped to it anyway) */
  ox = (int) floor (state->geom.x);
  oy = (int) floor (state->geom.y) - 4;
  lw = MAX (1, (int) ceil (width) - ox);
  lh = MAX (1, (int) ceil (state->geom.height) + 8);
  if (state->layer == NULL ||
      cairo_image_surface_get_width (state->layer) != lw ||
      cairo_image_surface_get_height (state->layer) != lh)
    {
      g_clear_pointer (&state->layer, cairo_surface_destroy);
      g_clear_pointer (&state->tiles, free);
      state->layer = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, lw, lh);
      state->tiles = alloc_tiles ((gsize) ((lw + 3) / 4) * ((lh + 3) / 4) * 16 * 4, &state->tiles_size);
    }
  ras.data = state->tiles;
  ras.tiles_w = (lw + 3) / 4;
  ras.width = lw;
  ras.height = lh;
  ras.a = (guint32) CLAMP (alpha * 255 + 0.5, 0, 255);

  /* Two bands of tile rows, the lower one on a second thread: each band
   * draws every arc clipped to its rows, in the same order, so the pixels
   * are exactly those of one pass. */
  cairo_surface_flush (state->layer);
  {
    RasterBand top, bottom;
    int split = ((lh / 2) + 3) & ~3;
    GThread *thread = NULL;

    top.ras = ras;
    top.ras.y_lo = 0;
    top.ras.y_hi = MIN (split, lh);
    top.state = state;
    top.draw = draw;
    top.n_draw = n_draw;
    top.ox = ox;
    top.oy = oy;
    top.dst = cairo_image_surface_get_data (state->layer);
    top.stride = cairo_image_surface_get_stride (state->layer);
    bottom = top;
    bottom.ras.y_lo = top.ras.y_hi;
    bottom.ras.y_hi = lh;

    if (bottom.ras.y_lo < bottom.ras.y_hi && n_draw > 64)
      thread = g_thread_try_new ("timearcs-raster", raster_band_worker, &bottom, NULL);
    raster_band_worker (&top);
    if (thread != NULL)
      g_thread_join (thread);
    else if (bottom.ras.y_lo < bottom.ras.y_hi)
      raster_band_worker (&bottom);
  }
  cairo_surface_mark_dirty (state->layer);
  cairo_set_source_surface (cr, state->layer, ox, oy);
  cairo_paint (cr);
}
