/* ta-extract-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ta-error.h"
#include "ta-extract-profile.h"
#include "ta-out-target.h"

gboolean
ta_extract_profile_begin (TaExtractProfile       *ep,
                          const TaExtractOptions *options,
                          TaFolderWriter         *writer,
                          const char * const     *inputs,
                          TaAddrTable            *addrs,
                          GError                **error)
{
  g_autofree char *dir = NULL;

  if (options->no_profile && !options->profile_only)
    return TRUE;
  if (writer != NULL)
    {
      dir = g_build_filename (ta_folder_writer_get_work_dir (writer), TA_EXTRACT_PROFILE_DIR, NULL);
      if (g_mkdir (dir, 0777) != 0)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create folder “%s”: %s"),
                       dir, g_strerror (saved));
          return FALSE;
        }
    }
  else
    {
      if (!ta_out_target_check_profile_folder (options->output_dir, options->force, inputs, error))
        return FALSE;
      ep->tmp_dir = ta_out_make_partial_dir (options->output_dir, error);
      if (ep->tmp_dir == NULL)
        return FALSE;
      dir = g_strdup (ep->tmp_dir);
    }
  ep->profile = ta_profile_new (dir, &options->profile, addrs, error);
  return ep->profile != NULL;
}

gboolean
ta_extract_profile_finish (TaExtractProfile       *ep,
                           const TaExtractOptions *options,
                           const TaManifestInfo   *info,
                           GPtrArray              *files,
                           const TaReadStats      *stats,
                           GError                **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  TaProfileInfo pinfo = { 0 };

  if (ep->profile == NULL)
    return TRUE;
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (inputs, g_ptr_array_index (files, i));
  g_ptr_array_add (inputs, NULL);
  pinfo.inputs = (const char * const *) inputs->pdata;
  pinfo.filter_ips = info->filter_ips;
  pinfo.has_time_start = info->has_time_start;
  pinfo.time_start_us = info->time_start_us;
  pinfo.has_time_end = info->has_time_end;
  pinfo.time_end_us = info->time_end_us;
  pinfo.stats = stats;
  if (!ta_profile_finish (ep->profile, &pinfo, error))
    return FALSE;
  if (ep->tmp_dir != NULL)
    {
      /* again: the target may have changed while the run read its inputs */
      if (!ta_out_target_check_profile_folder (options->output_dir, options->force,
                                               (const char * const *) options->data_files, error) ||
          !ta_out_move_folder_into_place (ep->tmp_dir, options->output_dir, error))
        return FALSE;
      g_clear_pointer (&ep->tmp_dir, g_free);
    }
  ep->kept = *ta_profile_get_summary (ep->profile);
  ep->summary = &ep->kept;
  return TRUE;
}

void
ta_extract_profile_clear (TaExtractProfile *ep)
{
  g_clear_pointer (&ep->profile, ta_profile_free);
  if (ep->tmp_dir != NULL)
    {
      ta_out_remove_tree (ep->tmp_dir);
      g_clear_pointer (&ep->tmp_dir, g_free);
    }
}
