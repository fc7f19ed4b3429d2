/* test-flow-panel-render.c — the IP bar diagram's shared drawing code on
 * image, SVG and PDF surfaces (what the widget and the exports use), and
 * its hit test after a draw; no display needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ta-ip-bars.h"
#include "ta-subset-folder.h"
#include "ta-test-util.h"

/* Runs a case on the original tool's subset folder (reference data,
 * $TA_SHARED_DATA), or marks it skipped without it */
static void
with_original (gconstpointer data)
{
  void (* const *run) (TaSubsetFolder *) = data;
  g_autofree char *path = ta_test_shared_path_or_skip ("original-folder", "folder", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaSubsetFolder) folder = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  folder = ta_subset_folder_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  (*run) (folder);
}

static guint
count_flag_pixels (cairo_surface_t *surface,
                   guint32          rgb)
{
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      if ((((guint32 *) (void *) (data + y * stride))[x] & 0xffffff) == rgb)
        n++;
  return n;
}

static void
test_raster (TaSubsetFolder *folder)
{
  g_autoptr(TaIpBarsRenderer) r = ta_ip_bars_renderer_new (folder);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1000, 600);
  cairo_t *cr = cairo_create (surface);
  TaTimeScale scale;
  TaIpBarsHit hit;
  guint32 addr;
  gboolean found = FALSE;
  guint ack_px, syn_px;

  g_assert_cmpuint (ta_ip_bars_renderer_get_n_rows (r), ==, 33);
  ta_ip_bars_renderer_draw (r, cr, 1000, 600);
  cairo_surface_flush (surface);
  /* ACK (#b2df8a) is the commonest class, SYN (#e41a1c) is present */
  ack_px = count_flag_pixels (surface, 0xb2df8a);
  syn_px = count_flag_pixels (surface, 0xe41a1c);
  g_assert_cmpuint (ack_px, >, 500);
  g_assert_cmpuint (syn_px, >, 0);

  /* find a mark by scanning the plot, then check what the hit test says */
  ta_ip_bars_renderer_get_scale (r, &scale);
  for (double y = 30; y < 560 && !found; y += 3)
    for (double x = scale.x0 + 1; x < scale.x0 + scale.width && !found; x += 2)
      if (ta_ip_bars_renderer_hit (r, x, y, &hit, &addr))
        found = TRUE;
  g_assert_true (found);
  g_assert_cmpuint (hit.total, >, 0);
  g_assert_cmpuint (ta_subset_folder_get_packets (folder)->src[hit.first_packet], ==, addr);
  g_assert_false (ta_ip_bars_renderer_hit (r, 5, 5, &hit, &addr));

  /* hiding a class removes its pixels */
  ta_ip_bars_renderer_set_class_visible (r, TA_FLAG_CLASS_ACK, FALSE);
  ta_ip_bars_renderer_draw (r, cr, 1000, 600);
  cairo_surface_flush (surface);
  g_assert_cmpuint (count_flag_pixels (surface, 0xb2df8a), <, 200); /* legend swatch only */

  /* no rows: still draws */
  ta_ip_bars_renderer_set_rows (r, NULL, 0);
  ta_ip_bars_renderer_draw (r, cr, 1000, 600);
  g_assert_false (ta_ip_bars_renderer_hit (r, 500, 100, &hit, &addr));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_vector (TaSubsetFolder *folder)
{
  g_autoptr(TaIpBarsRenderer) r = ta_ip_bars_renderer_new (folder);
  g_autofree char *dir = g_dir_make_tmp ("ta-render-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (dir, "d.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "d.pdf", NULL);
  g_autofree char *text = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  gsize len;

  surface = cairo_svg_surface_create (svg, 800, 500);
  cr = cairo_create (surface);
  ta_ip_bars_renderer_draw (r, cr, 800, 500);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (svg, &text, &len, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  /* marks are vector paths in the flag colours */
  g_assert_nonnull (strstr (text, "rgb(69.8"));  /* #b2df8a = rgb(69.8%, 87.5%, 54.1%) */

  surface = cairo_pdf_surface_create (pdf, 800, 500);
  cr = cairo_create (surface);
  ta_ip_bars_renderer_draw (r, cr, 800, 500);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (pdf, &text, &len, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF"));
  g_assert_cmpuint (len, >, 2000);

  g_unlink (svg);
  g_unlink (pdf);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  static void (* const raster) (TaSubsetFolder *) = test_raster;
  static void (* const vector) (TaSubsetFolder *) = test_vector;

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/app/flow-panel/ip-bars/raster", &raster, with_original);
  g_test_add_data_func ("/app/flow-panel/ip-bars/vector", &vector, with_original);

  return g_test_run ();
}
