/* ta-export.h — writing a view's drawing to a PNG, SVG or PDF file: the
 * surface, its scale, the file and the error; the drawing stays with the view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TA_EXPORT_PNG,
  TA_EXPORT_SVG,
  TA_EXPORT_PDF,
} TaExportFormat;

/* PNG exports have this many pixels per drawing unit: exports end up in
 * documents. SVG and PDF are drawn at one point per unit. */
#define TA_EXPORT_PNG_SCALE 2.0

/* Draws the view into @cr, @width × @height drawing units */
typedef void (*TaExportDrawFunc) (cairo_t  *cr,
                                  double    width,
                                  double    height,
                                  gpointer  user_data);

/* "png", "svg" or "pdf" (any case) */
gboolean  ta_export_format_from_suffix  (const char      *suffix,
                                         TaExportFormat  *format);
/* The format a file name ends in (".png", ".svg", ".pdf", any case); an
 * error (TA_ERROR_INVALID_ARGUMENT) for any other name */
gboolean  ta_export_format_from_name    (const char      *path,
                                         TaExportFormat  *format,
                                         GError         **error);
/* Draws with @draw into a surface of @format and writes it to @path; an
 * error (TA_ERROR_IO) when the file cannot be written */
gboolean  ta_export_write               (const char      *path,
                                         TaExportFormat   format,
                                         double           width,
                                         double           height,
                                         TaExportDrawFunc draw,
                                         gpointer         user_data,
                                         GError         **error);

G_END_DECLS
