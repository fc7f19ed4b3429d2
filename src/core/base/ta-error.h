/* ta-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TA_ERROR (ta_error_quark ())

typedef enum
{
  TA_ERROR_IO,             /* cannot open, read or write a file */
  TA_ERROR_FORMAT,         /* input is not in the expected format */
  TA_ERROR_CORRUPT,        /* compressed stream or container damaged */
  TA_ERROR_MISSING_COLUMN, /* required CSV column absent */
  TA_ERROR_EXISTS,         /* output exists and --force was not given */
  TA_ERROR_INVALID_ARGUMENT,
  TA_ERROR_NO_INPUT,       /* none of the inputs could be read */
  TA_ERROR_CHANGED,        /* a file changed on disk since it was opened */
  TA_ERROR_NO_MATCH,       /* inputs were read but no packet passed the filters */
} TaError;

GQuark ta_error_quark (void);

G_END_DECLS
