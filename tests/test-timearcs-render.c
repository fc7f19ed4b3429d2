/* test-timearcs-render.c — the shared drawing code, offscreen (no display)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gstdio.h>

#include "ta-attack-data.h"
#include "ta-arc-layout.h"
#include "ta-format.h"
#include "ta-timearcs-render.h"
#include "ta-test-util.h"

static TaArcModel *
real_model (void)
{
  g_autofree char *csv = ta_test_shared_path_or_skip ("timearcs", "90min_day1_attacks.csv", NULL);
  g_autofree char *mapping = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaLabelMap) types = NULL;

  if (csv == NULL)
    return NULL;
  g_assert_true (ta_attack_data_load_file (data, csv, NULL));
  mapping = ta_attack_find_event_mapping (csv);
  types = ta_label_map_load (mapping, NULL);
  return ta_arc_model_new (data, NULL, types, NULL, NULL, NULL);
}

/* coloured pixels in the plot (row lines and text are grey) */
static guint
count_ink (cairo_surface_t *surface,
           int              x0,
           int              y0)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guchar *data = cairo_image_surface_get_data (surface);
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = y0; y < h; y++)
    for (int x = x0; x < w; x++)
      {
        guint32 p = ((guint32 *) (gpointer) (data + y * stride))[x];
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (MAX (MAX (r, g), b) - MIN (MIN (r, g), b) > 40)
          n++;
      }
  return n;
}

static void
test_raster_and_vector (void)
{
  g_autoptr(TaArcModel) model = real_model ();
  g_autofree char *dir = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *pdf = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  TaRenderState state;
  gint64 first, last;
  guint ink_all, ink_hidden, ink_lens;
  gboolean *hidden;
  GStatBuf st;

  if (model == NULL)
    return;  /* skipped: no reference data */
  ta_arc_model_get_minutes (model, &first, &last);
  ta_render_state_init (&state);
  state.model = model;
  state.t0 = first;
  state.t1 = last + 1;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 800);
  cr = cairo_create (surface);
  ta_timearcs_render (&state, cr, 1200, 800);
  ink_all = count_ink (surface, (int) state.geom.x + 2, (int) state.geom.y + 2);
  g_assert_cmpuint (ink_all, >, 2000);

  /* hiding every type leaves only the row lines */
  hidden = g_new0 (gboolean, ta_arc_model_get_n_labels (model, TA_LABEL_MODE_TYPE));
  for (guint i = 0; i < ta_arc_model_get_n_labels (model, TA_LABEL_MODE_TYPE); i++)
    hidden[i] = TRUE;
  state.hidden = hidden;
  ta_timearcs_render (&state, cr, 1200, 800);
  ink_hidden = count_ink (surface, (int) state.geom.x + 2, (int) state.geom.y + 2);
  g_assert_cmpuint (ink_hidden, <, ink_all / 2);
  state.hidden = NULL;
  g_free (hidden);

  /* the lens moves things */
  state.lens = TRUE;
  state.focus_x = 700;
  state.focus_y = 400;
  ta_timearcs_render (&state, cr, 1200, 800);
  ink_lens = count_ink (surface, (int) state.geom.x + 2, (int) state.geom.y + 2);
  g_assert_cmpuint (ink_lens, >, 2000);
  g_assert_cmpuint (ink_lens, !=, ink_all);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* the same code writes SVG and PDF */
  dir = g_dir_make_tmp ("ta-render-XXXXXX", NULL);
  svg = g_build_filename (dir, "view.svg", NULL);
  pdf = g_build_filename (dir, "view.pdf", NULL);
  state.vector = TRUE;
  surface = cairo_svg_surface_create (svg, 1200, 800);
  cr = cairo_create (surface);
  ta_timearcs_render (&state, cr, 1200, 800);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  surface = cairo_pdf_surface_create (pdf, 1200, 800);
  cr = cairo_create (surface);
  ta_timearcs_render (&state, cr, 1200, 800);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  g_assert_cmpint (g_stat (svg, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 10000);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 5000);
  g_unlink (svg);
  g_unlink (pdf);
  g_rmdir (dir);

  ta_render_state_clear (&state);
}

static void
test_format_minute (void)
{
  g_autofree char *a = ta_format_minute (20954244, TRUE);
  g_autofree char *b = ta_format_minute (20954321, FALSE);

  g_assert_cmpstr (a, ==, "2009-11-03 13:24");
  g_assert_cmpstr (b, ==, "14:41");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/render/raster-and-vector", test_raster_and_vector);
  g_test_add_func ("/app/render/format-minute", test_format_minute);
  return g_test_run ();
}
