/* ta-command.h — from a TimeArcs selection to one extraction request
 *
 * TaExtractSpec is the single source of truth for an extraction the analyst
 * asks for: the `timearcs-cli extract …` argv and its shell line are built
 * from it (through ta-extract-args.h), and the options of the in-process
 * extraction job are parsed back from that line, so the copied command and
 * the Extract button can never disagree.
 *
 * Also here: minutes ↔ µs (FORMATS.md §3) and the readable and safe name
 * of an output folder. Which data files a selection reads is in
 * ta-data-files.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ta-data-files.h"
#include "ta-extract-args.h"

G_BEGIN_DECLS

#define TA_US_PER_MINUTE G_GINT64_CONSTANT (60000000)

/* Longest folder name ta_command_folder_name() makes, in bytes */
#define TA_FOLDER_NAME_MAX 120

typedef struct
{
  char   **data_files;        /* NULL-terminated input files, in reading order */
  char    *ip_map;            /* NULL = none */
  char    *output_dir;
  char   **filter_ips;        /* NULL-terminated ids or addresses; NULL = no IP filter */
  gboolean has_time_range;
  gint64   first_minute;      /* minutes since the epoch, inclusive */
  gint64   last_minute;       /* inclusive */
  char    *attack_context;    /* NULL = none */
} TaExtractSpec;

#define TA_TYPE_EXTRACT_SPEC (ta_extract_spec_get_type ())

GType          ta_extract_spec_get_type        (void) G_GNUC_CONST;
TaExtractSpec *ta_extract_spec_new             (void);
TaExtractSpec *ta_extract_spec_copy            (const TaExtractSpec *spec);
void           ta_extract_spec_free            (TaExtractSpec       *spec);
gboolean       ta_extract_spec_equal           (const TaExtractSpec *a,
                                                const TaExtractSpec *b);
/* Data files, output folder present; time range convertible to µs */
gboolean       ta_extract_spec_validate        (const TaExtractSpec *spec,
                                                GError             **error);
/* The µs window of the spec (FALSE with has_time_range unset or on overflow) */
gboolean       ta_extract_spec_get_time_us     (const TaExtractSpec *spec,
                                                gint64              *start_us,
                                                gint64              *end_us,
                                                GError             **error);

/* ta_extract_options_build_argv() of the spec's options: paths that start
 * with "-" written as ta_command_path_arg() does, the minutes as µs */
GStrv          ta_extract_spec_build_argv      (const TaExtractSpec *spec,
                                                const char          *program,
                                                GError             **error);
/* ta_extract_argv_to_shell_line() of that argv: the command the app shows */
char          *ta_extract_spec_build_shell_line (const TaExtractSpec *spec,
                                                 const char          *program,
                                                 gboolean             multiline,
                                                 GError             **error);
/* The options of the in-process extraction for @spec: the ones
 * ta_extract_options_parse_command_line() reads back from the command
 * ta_extract_spec_build_shell_line() shows, so the job runs exactly what
 * the copied command runs */
TaExtractOptions *ta_extract_spec_to_options   (const TaExtractSpec *spec,
                                                GError             **error);

/* A path as it goes on the command line and into the job: one that starts
 * with "-" becomes "./-…" so it is never taken for an option */
char          *ta_command_path_arg             (const char          *path);

/* Minutes [first, last] → [first × 60 000 000, (last + 1) × 60 000 000] µs.
 * Fails on first > last and when a value does not fit in gint64. */
gboolean       ta_minutes_to_us_range          (gint64               first_minute,
                                                gint64               last_minute,
                                                gint64              *start_us,
                                                gint64              *end_us,
                                                GError             **error);

/* A file-name-safe version of @text: valid UTF-8, letters, digits and
 * "-_.+" kept, everything else (slashes, controls, spaces, quotes, shell
 * metacharacters) → "_", runs of "_" collapsed, no leading ".", "-" or "_",
 * at most @max_bytes bytes cut on a character boundary. Never empty: "x". */
char          *ta_command_sanitize_name        (const char          *text,
                                                gsize                max_bytes);
/* "ddos_2009-11-03T1324Z-1330Z"; several types joined by "+" (the first two
 * and "+N" more); no type → "selection"; a range across days repeats the
 * date: "ddos_2009-11-03T2350Z-2009-11-04T0010Z". Safe and ≤ TA_FOLDER_NAME_MAX. */
char          *ta_command_folder_name          (const char * const  *attack_types,
                                                gboolean             has_time_range,
                                                gint64               first_minute,
                                                gint64               last_minute);
/* @parent/@name, or @parent/@name-2, -3, … : the first that does not exist
 * and is not in @reserved (a set of paths; may be NULL). */
char          *ta_command_unique_path          (const char          *parent,
                                                const char          *name,
                                                GHashTable          *reserved);

/* A selection of the TimeArcs view, without GTK */
typedef struct
{
  const gint64       *ip_ids;
  guint               n_ips;
  const char * const *ip_names;      /* n_ips entries, or NULL */
  gboolean            has_time_range;
  gint64              first_minute;
  gint64              last_minute;
  const char * const *attack_types;  /* NULL-terminated, may be NULL */
  const char * const *attack_files;  /* the attack CSVs on display, for the convention */
} TaSelectionInfo;

/* Where data lives and where subsets go (the app's GSettings) */
typedef struct
{
  const char * const *data_paths;    /* files and/or folders */
  const char         *ip_map;        /* may be NULL or "" */
  const char         *output_parent; /* folder that receives subset folders */
} TaExtractSettings;

/* The spec for a selection: data files resolved (see
 * ta_command_resolve_data_files()), output folder = @output_parent / a unique
 * ta_command_folder_name(), IPs as IP-map ids when an IP map is set (as the
 * original does) or as dotted names otherwise, attack context = the attack
 * types joined by ", ". @reserved as for ta_command_unique_path(). */
TaExtractSpec *ta_extract_spec_new_for_selection (const TaSelectionInfo   *selection,
                                                  const TaExtractSettings *settings,
                                                  GHashTable              *reserved,
                                                  GPtrArray               *notes,
                                                  GError                 **error);

/* A selection and settings written as text, for screenshots and debugging
 * (the app reads it from $TA_DEBUG_SELECTION):
 *   "ips=15314,3438;minutes=20954244-20954250;attacks=ddos;packets=120;
 *    data=/path/a.csv,/path/folder;ipmap=/path/ip_map.json;out=/path"
 * Every key is optional; unknown keys are an error. */
typedef struct
{
  GArray  *ip_ids;        /* gint64 */
  gboolean has_time_range;
  gint64   first_minute;
  gint64   last_minute;
  char   **attack_types;
  guint64  packets;
  char   **data_paths;
  char    *ip_map;
  char    *output_dir;
} TaDebugSelection;

gboolean       ta_debug_selection_parse        (const char          *text,
                                                TaDebugSelection    *out,
                                                GError             **error);
void           ta_debug_selection_clear        (TaDebugSelection    *sel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaExtractSpec, ta_extract_spec_free)

G_END_DECLS
