/* ta-folder-check.h — validate a v2.0 subset folder (FORMATS.md §8) the way
 * the original web viewer loads it: manifest fields present and typed, every
 * index entry's chunk_file/chunk_index holds the flow with that id and its
 * `packets` list has totalPackets packets, and the manifest's totals equal
 * the files' contents.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TA_FOLDER_CHECK_DEFAULT = 0,
  /* also what TimeArcs itself guarantees beyond the original: source_files,
   * attack_context and filter_applied in the manifest, the bins counting
   * every packet, ip_stats covering exactly the unique addresses */
  TA_FOLDER_CHECK_STRICT  = 1 << 0,
} TaFolderCheckFlags;

/* TRUE if the folder is valid: exactly when TimeArcs opens it and reads
 * every flow's packets (the same loader). Otherwise FALSE and a
 * TA_ERROR_FORMAT error (TA_ERROR_IO when the folder cannot be read). What
 * the original viewer's rules find beyond that (totals, cross-references)
 * and the loader's warnings are notes; with TA_FOLDER_CHECK_STRICT the
 * original's rules fail the folder too. */
gboolean ta_folder_check      (const char          *folder,
                               TaFolderCheckFlags   flags,
                               GError             **error);
/* The same, adding the notes (char *) to @notes */
gboolean ta_folder_check_full (const char          *folder,
                               TaFolderCheckFlags   flags,
                               GPtrArray           *notes,
                               GError             **error);

G_END_DECLS
