/* ta-out-target.h — what a writer may replace. Every writer (extract,
 * import, attacks) asks here before it writes anything and again just
 * before its result takes the output's name:
 *  - an absent output, or an empty folder where a folder goes, is free;
 *  - an existing output is replaced only with --force, and then only when
 *    it is of the kind the writer makes: a TimeArcs/v2.0 subset folder (its
 *    manifest.json says so) for a folder, a regular file for a file;
 *  - never a symbolic link, never something of the other kind, never an
 *    input of the same run nor a folder that holds one (compared after
 *    resolving links and "..").
 * A refusal is TA_ERROR_EXISTS naming the path and the reason.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean ta_out_target_check_folder (const char          *path,
                                     gboolean             force,
                                     const char * const  *inputs,
                                     GError             **error);

gboolean ta_out_target_check_file   (const char          *path,
                                     gboolean             force,
                                     const char * const  *inputs,
                                     GError             **error);

/* A demo investigation (timearcs-cli demo) is replaced, with @force, only
 * when it is one: a folder holding the regular file TA_DEMO_MARKER */
#define TA_DEMO_MARKER "timearcs-demo.json"
gboolean ta_out_target_check_demo_folder (const char     *path,
                                          gboolean        force,
                                          GError        **error);
gboolean ta_out_target_is_demo_folder    (const char     *path);

/* A traffic profile folder (timearcs-cli profile) is replaced, with
 * @force, only when it is one: its profile.json says format
 * "timearcs-profile" */
#define TA_PROFILE_MARKER "profile.json"
gboolean ta_out_target_check_profile_folder (const char         *path,
                                             gboolean            force,
                                             const char * const *inputs,
                                             GError            **error);
gboolean ta_out_target_is_profile_folder    (const char         *path);
/* Makes the hidden sibling a folder output is written into before
 * ta_out_move_folder_into_place(): ".NAME.partial-XXXXXX" next to
 * @target (its parent folders are made first). NULL with TA_ERROR_IO. */
char    *ta_out_make_partial_dir        (const char      *target,
                                         GError         **error);
/* Whether @path is a folder whose manifest.json is a v2.0 subset folder's */
gboolean ta_out_target_is_subset_folder (const char      *path);

/* Removes a folder and everything in it (links are removed, not followed) */
void     ta_out_remove_tree              (const char     *path);
/* Gives @tmp_dir the name @target: what is at @target moves aside to a
 * unique hidden sibling first, comes back if the rename fails, and is
 * removed after it succeeded. @error names the paths. */
gboolean ta_out_move_folder_into_place   (const char     *tmp_dir,
                                          const char     *target,
                                          GError        **error);

G_END_DECLS
