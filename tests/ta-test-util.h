/* ta-test-util.h — what many test programs need: temporary folders, files
 * written in one call, the test and reference data folders, and
 * `timearcs-cli` runs
 *
 * Every helper asserts on failure, so a test never goes on with a missing
 * folder or file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new folder under the temporary directory; @tmpl as g_dir_make_tmp()
 * takes it (NULL: "ta-test-XXXXXX") */
char       *ta_test_make_tmp_dir   (const char         *tmpl);
/* Removes @path and, for a folder, all it holds; symbolic links are
 * removed, never followed. A missing or NULL @path is no error. */
void        ta_test_rm_rf          (const char         *path);
/* Writes @len bytes (-1: a NUL-terminated text) to @path */
void        ta_test_write_file     (const char         *path,
                                    const void         *data,
                                    gssize              len);
/* Writes @data gzip-compressed; the last @cut bytes of the compressed file
 * are dropped (0: none), for tests of a file cut short */
void        ta_test_write_gzip     (const char         *path,
                                    const void         *data,
                                    gsize               len,
                                    gsize               cut);
/* A file of the test data shipped in the source tree, tests/data/@first_element/…
 * (NULL-terminated), e.g. ("pcaps", "good", "zeek-redis_attr.pcap", NULL) */
char       *ta_test_data_path      (const char         *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;
/* The reference data folder, $TA_SHARED_DATA: material that may not be
 * redistributed (the original tool's folder, the attack, mapping and
 * ground-truth files). NULL when the variable is unset or empty. */
const char *ta_test_shared_data    (void);
/* A file in it: $TA_SHARED_DATA/@first_element/… (NULL-terminated); NULL
 * when $TA_SHARED_DATA is unset */
char       *ta_test_shared_path    (const char         *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;
/* The same, for a test case that needs the file: when $TA_SHARED_DATA is
 * unset or the file is missing, marks the case skipped (g_test_skip) and
 * returns NULL; the case then returns at once. */
char       *ta_test_shared_path_or_skip (const char    *first_element,
                                         ...) G_GNUC_NULL_TERMINATED;
/* Runs $TA_CLI with @args (NULL-terminated); returns its exit status, -1
 * when it did not exit normally. @out and @err receive its standard output
 * and error (NULL: discarded). */
/* A small subset folder @tmp/@name written by our own extraction (three
 * TCP flows and a UDP packet, every file of the format); returns its path */
char       *ta_test_make_subset_folder (const char    *tmp,
                                        const char    *name);
/* `timearcs-cli generate`: @packets packets of the demo network into @out
 * (.csv, .pcap, .pcapng, optionally .gz) and its IP map into @ip_map (may
 * be NULL); @attack_column NULL, "code" or "name"; @rate packets/s (0:
 * the default 1000); @start_us the first packet's time (0: the default).
 * Asserts that it worked. */
void        ta_test_generate       (const char         *out,
                                    const char         *ip_map,
                                    guint               packets,
                                    guint               seed,
                                    const char         *attack_column,
                                    guint               rate,
                                    gint64              start_us);
int         ta_test_run_cli        (const char * const *args,
                                    char              **out,
                                    char              **err);

G_END_DECLS
