/* ta-data-files.h — which data files a selection reads: the original's
 * `day1_attacks.csv` → `<data path>/decoded_day1.csv` convention, explicit
 * files, or a folder whose files are kept when their time span overlaps the
 * selection. Spans are probed with the packet readers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The original's convention: "day1_attacks.csv" → "@data_dir/decoded_day1.csv"
 * ("_attacks.csv", "_attack.csv" and, ours, "_grouped_attacks.csv" are
 * replaced by ".csv"; any other name gets the "decoded_" prefix as is). */
char          *ta_command_map_attack_file      (const char          *attack_file,
                                                const char          *data_dir);

/* What a quick look at a data file tells about its time span */
typedef struct
{
  gboolean has_first;
  gint64   first_us;
  gboolean has_last;
  gint64   last_us;
} TaFileSpan;

/* The first packet within the first 64 KiB of the (decompressed) stream,
 * read by the packet CSV or capture reader, and for a plain CSV the last
 * packet of its last 64 KiB. Fails only when the file cannot be opened; a
 * span it cannot tell is left unset. Spans are cached by path, size and
 * modification time. */
gboolean       ta_data_file_probe_span         (const char          *path,
                                                TaFileSpan          *span,
                                                GError             **error);
/* FALSE only when the known part of @span proves no overlap with [start, end] */
gboolean       ta_file_span_overlaps           (const TaFileSpan    *span,
                                                gint64               start_us,
                                                gint64               end_us);

/* The data files for a selection. Each entry of @data_paths is a file (used
 * as is) or a folder: in a folder, the files the convention names for
 * @attack_files are used when they exist (decoded_X.csv, or .csv.gz);
 * otherwise every packet CSV / capture in it (*.csv, *.csv.gz, *.pcap,
 * *.pcapng, *.cap and their .gz) whose span overlaps the selection, in
 * order of first timestamp (then name). @notes (may be NULL) receives one
 * human-readable line per decision. Fails when no file remains. */
GStrv          ta_command_resolve_data_files   (const char * const  *data_paths,
                                                const char * const  *attack_files,
                                                gboolean             has_time_range,
                                                gint64               start_us,
                                                gint64               end_us,
                                                GPtrArray           *notes,
                                                GError             **error);

G_END_DECLS
