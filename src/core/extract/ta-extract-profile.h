/* ta-extract-profile.h — the traffic profile of an extraction: under
 * profile/ in the subset folder, or (profile_only) a profile folder of its
 * own, written into a hidden sibling and moved into place when complete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-extract-job.h"
#include "ta-folder-writer.h"
#include "ta-profile.h"

G_BEGIN_DECLS

/* The name of the profile's folder inside a subset folder */
#define TA_EXTRACT_PROFILE_DIR "profile"

typedef struct
{
  TaProfile              *profile;   /* NULL: no profile */
  char                   *tmp_dir;   /* profile-only: the hidden sibling */
  const TaProfileSummary *summary;   /* after a successful finish */
  TaProfileSummary        kept;
} TaExtractProfile;

/* @writer: the subset folder's writer, NULL for a profile-only run;
 * @inputs: what may never be replaced */
gboolean ta_extract_profile_begin  (TaExtractProfile       *ep,
                                    const TaExtractOptions *options,
                                    TaFolderWriter         *writer,
                                    const char * const     *inputs,
                                    TaAddrTable            *addrs,
                                    GError                **error);
/* Writes the rest of the profile; a profile-only run's folder takes its
 * name here. @files: the inputs by file index. */
gboolean ta_extract_profile_finish (TaExtractProfile       *ep,
                                    const TaExtractOptions *options,
                                    const TaManifestInfo   *info,
                                    GPtrArray              *files,
                                    const TaReadStats      *stats,
                                    GError                **error);
/* Frees the profile; what an unfinished one wrote is removed */
void     ta_extract_profile_clear  (TaExtractProfile       *ep);

G_END_DECLS
