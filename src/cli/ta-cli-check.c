/* ta-cli-check.c — `timearcs-cli check`: validate subset folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ta-cli.h"
#include "ta-folder-check.h"

int
ta_cli_check_main (int    argc,
                   char **argv)
{
  gboolean strict = FALSE;
  g_auto(GStrv) folders = NULL;
  GOptionEntry entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict,
      N_("Fail on the notes too, and require what TimeArcs writes beyond the original (source_files, filter_applied, bins counting every packet)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &folders, NULL, N_("FOLDER…") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("FOLDER… — check subset folders (v2.0)"));
  g_autoptr(GError) error = NULL;
  int status = TA_EXIT_OK;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  ta_cli_set_description (ctx,
    _("A folder is valid exactly when TimeArcs opens it: the same loader reads its manifest,\n"
      "packets, statistics and flows index, then every flow's packets from the chunk files.\n"
      "The original web viewer's rules (fields typed, totals equal to the files' contents,\n"
      "index entries pointing at their flows) are then checked too; what they find is printed\n"
      "as notes, and fails the folder only with --strict."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "timearcs-cli check: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  if (folders == NULL || folders[0] == NULL)
    {
      fprintf (stderr, _("timearcs-cli check: no folder given\n"));
      return TA_EXIT_USAGE;
    }
  for (guint i = 0; folders[i]; i++)
    {
      g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);

      g_clear_error (&error);
      if (ta_folder_check_full (folders[i], strict ? TA_FOLDER_CHECK_STRICT : TA_FOLDER_CHECK_DEFAULT,
                                notes, &error))
        {
          printf (_("%s: valid\n"), folders[i]);
          for (guint j = 0; j < notes->len; j++)
            fprintf (stderr, _("%s: note: %s\n"), folders[i], (const char *) notes->pdata[j]);
        }
      else
        {
          fprintf (stderr, "%s\n", error->message);
          status = TA_EXIT_FAILURE;
        }
    }
  return status;
}
