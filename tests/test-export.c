/* test-export.c — the views' export helper: format from the name, PNG at
 * its scale, SVG and PDF files, the errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ta-error.h"
#include "ta-export.h"
#include "ta-test-util.h"

static void
test_format (void)
{
  g_autoptr(GError) error = NULL;
  TaExportFormat f = TA_EXPORT_SVG;

  g_assert_true (ta_export_format_from_suffix ("png", &f));
  g_assert_cmpint (f, ==, TA_EXPORT_PNG);
  g_assert_true (ta_export_format_from_suffix ("PDF", &f));
  g_assert_cmpint (f, ==, TA_EXPORT_PDF);
  g_assert_false (ta_export_format_from_suffix ("jpeg", &f));

  g_assert_true (ta_export_format_from_name ("/tmp/a.b/view.SVG", &f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f, ==, TA_EXPORT_SVG);
  g_assert_true (ta_export_format_from_name ("view.png", &f, NULL));
  g_assert_cmpint (f, ==, TA_EXPORT_PNG);
  g_assert_false (ta_export_format_from_name ("view.jpeg", &f, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (ta_export_format_from_name ("view", &f, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  int    calls;
  double width, height;
} DrawRecord;

static void
draw_box (cairo_t  *cr,
          double    width,
          double    height,
          gpointer  user_data)
{
  DrawRecord *r = user_data;

  r->calls++;
  r->width = width;
  r->height = height;
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_rectangle (cr, 0, 0, width / 2, height / 2);
  cairo_fill (cr);
}

static void
test_write (void)
{
  g_autofree char *dir = ta_test_make_tmp_dir ("ta-export-XXXXXX");
  g_autofree char *png = g_build_filename (dir, "v.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "v.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "v.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  DrawRecord r = { 0 };
  cairo_surface_t *image;
  guint32 px;

  /* PNG: TA_EXPORT_PNG_SCALE pixels per unit, the callback in units */
  g_assert_true (ta_export_write (png, TA_EXPORT_PNG, 300, 200, draw_box, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.calls, ==, 1);
  g_assert_cmpfloat (r.width, ==, 300);
  g_assert_cmpfloat (r.height, ==, 200);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 300 * TA_EXPORT_PNG_SCALE);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 200 * TA_EXPORT_PNG_SCALE);
  /* the box covers the top-left quarter, in pixels too */
  px = *(guint32 *) (void *) cairo_image_surface_get_data (image);
  g_assert_cmphex (px, ==, 0xffff0000);
  px = *(guint32 *) (void *) (cairo_image_surface_get_data (image)
                              + (gsize) cairo_image_surface_get_stride (image) * 250 + 4 * 350);
  g_assert_cmphex (px, ==, 0);
  cairo_surface_destroy (image);

  g_assert_true (ta_export_write (svg, TA_EXPORT_SVG, 300, 200, draw_box, &r, &error));
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "width=\"300"));
  g_clear_pointer (&text, g_free);

  g_assert_true (ta_export_write (pdf, TA_EXPORT_PDF, 300, 200, draw_box, &r, &error));
  g_assert_true (g_file_get_contents (pdf, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "%PDF"));
  g_assert_cmpint (r.calls, ==, 3);

  ta_test_rm_rf (dir);
}

static void
test_write_error (void)
{
  static const TaExportFormat formats[] = { TA_EXPORT_PNG, TA_EXPORT_SVG, TA_EXPORT_PDF };
  DrawRecord r = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ta_export_write ("/nonexistent-dir/v.out", formats[i], 100, 100,
                                       draw_box, &r, &error));
      g_assert_error (error, TA_ERROR, TA_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "/nonexistent-dir/v.out"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/export/format", test_format);
  g_test_add_func ("/app/export/write", test_write);
  g_test_add_func ("/app/export/write-error", test_write_error);
  return g_test_run ();
}
