/* ta-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ta-error.h"
#include "ta-export.h"

gboolean
ta_export_format_from_suffix (const char     *suffix,
                              TaExportFormat *format)
{
  static const struct { const char *suffix; TaExportFormat format; } formats[] = {
    { "png", TA_EXPORT_PNG }, { "svg", TA_EXPORT_SVG }, { "pdf", TA_EXPORT_PDF },
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (suffix, formats[i].suffix) == 0)
      {
        *format = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
ta_export_format_from_name (const char      *path,
                            TaExportFormat  *format,
                            GError         **error)
{
  const char *dot = strrchr (path, '.');

  if (dot == NULL || !ta_export_format_from_suffix (dot + 1, format))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("%s: choose a name ending in .png, .svg or .pdf"), path);
      return FALSE;
    }
  return TRUE;
}

static cairo_surface_t *
create_surface (const char     *path,
                TaExportFormat  format,
                double          width,
                double          height)
{
  cairo_surface_t *surface;

  switch (format)
    {
    case TA_EXPORT_SVG:
      return cairo_svg_surface_create (path, width, height);
    case TA_EXPORT_PDF:
      return cairo_pdf_surface_create (path, width, height);
    case TA_EXPORT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            (int) ceil (width * TA_EXPORT_PNG_SCALE),
                                            (int) ceil (height * TA_EXPORT_PNG_SCALE));
      cairo_surface_set_device_scale (surface, TA_EXPORT_PNG_SCALE, TA_EXPORT_PNG_SCALE);
      return surface;
    }
}

gboolean
ta_export_write (const char      *path,
                 TaExportFormat   format,
                 double           width,
                 double           height,
                 TaExportDrawFunc draw,
                 gpointer         user_data,
                 GError         **error)
{
  cairo_surface_t *surface = create_surface (path, format, width, height);
  cairo_status_t status;
  cairo_t *cr = cairo_create (surface);

  draw (cr, width, height, user_data);
  cairo_destroy (cr);
  /* a finished surface can no longer be written as PNG: flush it for PNG,
   * finish it (which writes the file) for SVG and PDF */
  if (format == TA_EXPORT_PNG)
    {
      cairo_surface_flush (surface);
      status = cairo_surface_status (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png (surface, path);
    }
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: could not write the image: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
