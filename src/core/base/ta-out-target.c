/* ta-out-target.c — the one rule for replacing an output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <ftw.h>

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-json-load.h"
#include "ta-out-target.h"

#define MANIFEST_MAX (16u << 20)

gboolean
ta_out_target_is_subset_folder (const char *path)
{
  g_autofree char *manifest = g_build_filename (path, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *o;
  struct stat st;

  if (g_lstat (manifest, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  parser = ta_json_load_file (manifest, NULL, MANIFEST_MAX, NULL, NULL);
  if (parser == NULL)
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  o = json_node_get_object (root);
  return g_strcmp0 (json_object_get_string_member_with_default (o, "version", NULL), "2.0") == 0
         && json_object_has_member (o, "total_packets")
         && json_object_has_member (o, "total_flows");
}

/* The first input that is @path or lies inside it, or NULL */
static const char *
input_inside (const char          *path,
              const char * const  *inputs)
{
  g_autofree char *real = realpath (path, NULL);
  gsize len;

  if (real == NULL || inputs == NULL)
    return NULL;
  len = strlen (real);
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      g_autofree char *in = realpath (inputs[i], NULL);

      if (in == NULL)
        continue;
      if (strcmp (in, real) == 0
          || (strncmp (in, real, len) == 0 && (in[len] == '/' || strcmp (real, "/") == 0)))
        return inputs[i];
    }
  return NULL;
}

static gboolean
is_empty_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

G_GNUC_PRINTF (2, 3) static gboolean
refuse (GError    **error,
        const char *format,
        ...)
{
  va_list ap;

  va_start (ap, format);
  g_propagate_error (error, g_error_new_valist (TA_ERROR, TA_ERROR_EXISTS, format, ap));
  va_end (ap);
  return FALSE;
}

typedef enum
{
  KIND_SUBSET,
  KIND_DEMO,
  KIND_PROFILE,
} FolderKind;

/* The checks every folder output shares; @kind: what the writer makes */
static gboolean
check_folder (const char          *path,
              gboolean             force,
              const char * const  *inputs,
              FolderKind           kind,
              GError             **error)
{
  struct stat st;
  const char *input;

  if (g_lstat (path, &st) != 0)
    return TRUE;
  if (S_ISLNK (st.st_mode))
    return refuse (error, _("“%s” is a symbolic link; refusing to replace it"), path);
  if (!S_ISDIR (st.st_mode))
    return refuse (error, _("“%s” exists and is not a folder; refusing to replace it"), path);
  if ((input = input_inside (path, inputs)) != NULL)
    return refuse (error, _("“%s” holds “%s”, an input of this run; refusing to replace it"),
                   path, input);
  if (is_empty_dir (path))
    return TRUE;
  if (!force)
    return refuse (error, _("Output folder “%s” already exists and is not empty (use --force to replace it)"),
                   path);
  if (kind == KIND_DEMO && !ta_out_target_is_demo_folder (path))
    return refuse (error, _("“%s” is not a TimeArcs demo investigation (it has no %s); "
                            "refusing to replace it, even with --force"), path, TA_DEMO_MARKER);
  if (kind == KIND_PROFILE && !ta_out_target_is_profile_folder (path))
    return refuse (error, _("“%s” is not a TimeArcs traffic profile (it has no %s of one); "
                            "refusing to replace it, even with --force"), path, TA_PROFILE_MARKER);
  if (kind == KIND_SUBSET && !ta_out_target_is_subset_folder (path))
    return refuse (error, _("“%s” is not a TimeArcs subset folder (it has no v2.0 manifest.json); "
                            "refusing to replace it, even with --force"), path);
  return TRUE;
}

gboolean
ta_out_target_check_folder (const char          *path,
                            gboolean             force,
                            const char * const  *inputs,
                            GError             **error)
{
  return check_folder (path, force, inputs, KIND_SUBSET, error);
}

gboolean
ta_out_target_check_demo_folder (const char          *path,
                                 gboolean             force,
                                 GError             **error)
{
  return check_folder (path, force, NULL, KIND_DEMO, error);
}

gboolean
ta_out_target_check_profile_folder (const char          *path,
                                    gboolean             force,
                                    const char * const  *inputs,
                                    GError             **error)
{
  return check_folder (path, force, inputs, KIND_PROFILE, error);
}

gboolean
ta_out_target_is_profile_folder (const char *path)
{
  g_autofree char *marker = g_build_filename (path, TA_PROFILE_MARKER, NULL);
  g_autofree char *text = NULL;
  struct stat st;
  gsize len;

  if (g_lstat (marker, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > 1024 * 1024)
    return FALSE;
  if (!g_file_get_contents (marker, &text, &len, NULL))
    return FALSE;
  return g_strstr_len (text, MIN (len, 256), "\"format\": \"timearcs-profile\"") != NULL;
}

char *
ta_out_make_partial_dir (const char  *target,
                         GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *tmpl = g_strdup_printf (".%s.partial-XXXXXX", base);
  g_autofree char *path = g_build_filename (parent, tmpl, NULL);

  if (g_mkdir_with_parents (parent, 0777) != 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create folder “%s”: %s"),
                   parent, g_strerror (saved));
      return NULL;
    }
  /* 0777 under the umask, as any folder the user makes (g_mkdtemp is 0700) */
  if (g_mkdtemp_full (path, 0777) == NULL)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot write in folder “%s”: %s"),
                   parent, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&path);
}

gboolean
ta_out_target_is_demo_folder (const char *path)
{
  g_autofree char *marker = g_build_filename (path, TA_DEMO_MARKER, NULL);
  struct stat st;

  return g_lstat (marker, &st) == 0 && S_ISREG (st.st_mode);
}

gboolean
ta_out_target_check_file (const char          *path,
                          gboolean             force,
                          const char * const  *inputs,
                          GError             **error)
{
  struct stat st;
  const char *input;

  if (g_lstat (path, &st) != 0)
    return TRUE;
  if (S_ISLNK (st.st_mode))
    return refuse (error, _("“%s” is a symbolic link; refusing to replace it"), path);
  if (S_ISDIR (st.st_mode))
    return refuse (error, _("“%s” is a folder; refusing to replace it with a file"), path);
  if (!S_ISREG (st.st_mode))
    return refuse (error, _("“%s” is not a regular file; refusing to replace it"), path);
  if ((input = input_inside (path, inputs)) != NULL)
    return refuse (error, _("“%s” is “%s”, an input of this run; refusing to replace it"),
                   path, input);
  if (!force)
    return refuse (error, _("%s already exists (use --force to replace it)"), path);
  return TRUE;
}

static int
rm_cb (const char        *path,
       const struct stat *sb,
       int                flag,
       struct FTW        *ftw)
{
  remove (path);
  return 0;
}

void
ta_out_remove_tree (const char *path)
{
  nftw (path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

gboolean
ta_out_move_folder_into_place (const char  *tmp_dir,
                               const char  *target,
                               GError     **error)
{
  g_autofree char *old = NULL;
  struct stat st;

  if (g_lstat (target, &st) == 0)
    {
      g_autofree char *parent = g_path_get_dirname (target);
      g_autofree char *base = g_path_get_basename (target);
      g_autofree char *tmpl = g_strdup_printf (".%s.old-XXXXXX", base);

      old = g_build_filename (parent, tmpl, NULL);
      /* a unique name (mkdtemp) that the old folder or file moves to */
      if (g_mkdtemp (old) == NULL || g_rmdir (old) != 0 || g_rename (target, old) != 0)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot replace “%s”: %s"),
                       target, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rename (tmp_dir, target) != 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot rename “%s” to “%s”: %s"),
                   tmp_dir, target, g_strerror (saved));
      if (old)
        g_rename (old, target);
      return FALSE;
    }
  if (old)
    ta_out_remove_tree (old);
  return TRUE;
}
