/* ta-cli-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-cli.h"

int
ta_cli_import_main (int    argc,
                  char **argv)
{
  g_printerr (_("timearcs-cli import: not available in this build yet\n"));
  return TA_EXIT_FAILURE;
}
