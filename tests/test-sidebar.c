/* test-sidebar.c — the selection sidebar bound to a TaSelection: labels,
 * command, Clear, and Extract through the runner (skipped without a display)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "ta-selection-sidebar.h"
#include "ta-test-util.h"

static void
open_folder_cb (TaSelectionSidebar *sidebar,
                const char         *path,
                char              **out)
{
  *out = g_strdup (path);
}

static void
test_sidebar (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ta-sidebar-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "decoded_day1.csv", NULL);
  g_autofree char *out = g_build_filename (dir, "subsets", NULL);
  g_autofree char *opened = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(TaSelection) selection = ta_selection_new ();
  const gint64 ids[] = { 1, 2 };
  const char *names[] = { "10.0.0.1", "10.0.0.2", NULL };
  const char *types[] = { "ddos", NULL };
  const char *data_paths[2] = { dir, NULL };
  const char *attack_files[] = { "/elsewhere/day1_attacks.csv", NULL };
  TaSelectionSidebar *sidebar;
  GtkWidget *window;
  const TaExtractSpec *spec;
  guint id;
  gint64 t;

  g_assert_no_error (error);
  /* minute 20954244 = 2009-11-03 13:24 UTC; rows in it, literal addresses */
  {
    GString *s = g_string_new ("timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n");

    for (guint i = 0; i < 50; i++)
      g_string_append_printf (s, "%lld,60,6,1234,80,10.0.0.%u,10.0.0.9,2,%u,0\n",
                              (long long) (20954244LL * 60000000LL + i * 1000000LL), 1 + i % 3, i);
    g_assert_true (g_file_set_contents (csv, s->str, -1, NULL));
    g_string_free (s, TRUE);
  }

  sidebar = ta_selection_sidebar_new (selection);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (sidebar));
  g_signal_connect (sidebar, "open-folder", G_CALLBACK (open_folder_cb), &opened);

  /* empty: no command, a hint instead */
  g_assert_null (ta_selection_sidebar_get_spec (sidebar));
  g_assert_nonnull (ta_selection_sidebar_get_problem (sidebar));
  g_assert_cmpuint (ta_selection_sidebar_extract (sidebar), ==, 0);

  ta_selection_sidebar_set_data_paths (sidebar, data_paths);
  ta_selection_sidebar_set_ip_map (sidebar, NULL);
  ta_selection_sidebar_set_output_dir (sidebar, out);
  ta_selection_sidebar_set_attack_files (sidebar, attack_files);
  ta_selection_set (selection, ids, names, 2, 20954244, 20954244, types, 50, 3);

  spec = ta_selection_sidebar_get_spec (sidebar);
  g_assert_nonnull (spec);
  /* the convention picked decoded_day1.csv; no IP map → dotted names */
  g_assert_cmpstr (spec->data_files[0], ==, csv);
  g_assert_null (spec->data_files[1]);
  g_assert_cmpstr (spec->filter_ips[0], ==, "10.0.0.1");
  g_assert_cmpstr (spec->attack_context, ==, "ddos");
  g_assert_true (g_str_has_suffix (spec->output_dir, "/ddos_2009-11-03T1324Z-1324Z"));

  text = ta_selection_sidebar_get_command_text (sidebar);
  expected = ta_extract_spec_build_shell_line (spec, "timearcs-cli", TRUE, NULL);
  g_assert_cmpstr (text, ==, expected);
  g_assert_nonnull (strstr (text, "'--filter-time-start' '1257254640000000'"));
  g_assert_nonnull (strstr (text, "'--filter-time-end' '1257254700000000'"));
  /* the job runs what the shown command reads back to */
  {
    g_autoptr(TaExtractOptions) shown = ta_extract_options_parse_command_line (text, NULL);
    g_autoptr(TaExtractOptions) run = ta_extract_spec_to_options (spec, NULL);

    g_assert_nonnull (shown);
    g_assert_true (ta_extract_options_equal (shown, run));
  }

  /* Extract: queued, run, opened; the next command gets a new folder */
  id = ta_selection_sidebar_extract (sidebar);
  g_assert_cmpuint (id, >, 0);
  g_assert_true (g_str_has_suffix (ta_selection_sidebar_get_spec (sidebar)->output_dir,
                                   "/ddos_2009-11-03T1324Z-1324Z-2"));
  t = g_get_monotonic_time ();
  while (opened == NULL && ta_extraction_runner_get_error (ta_selection_sidebar_get_runner (sidebar)) == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time () - t, <, 30 * G_USEC_PER_SEC);
    }
  g_assert_null (ta_extraction_runner_get_error (ta_selection_sidebar_get_runner (sidebar)));
  g_assert_true (g_str_has_suffix (opened, "/ddos_2009-11-03T1324Z-1324Z"));
  {
    g_autofree char *manifest = g_build_filename (opened, "manifest.json", NULL);
    g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  }

  /* an error from the core is shown with its message, naming the file */
  {
    g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
    const char *bad_paths[] = { bad, NULL };
    const char *msg;

    g_assert_true (g_file_set_contents (bad, "length,protocol\n66,6\n", -1, NULL));
    ta_selection_sidebar_set_data_paths (sidebar, bad_paths);
    g_clear_pointer (&opened, g_free);
    g_assert_cmpuint (ta_selection_sidebar_extract (sidebar), >, 0);
    t = g_get_monotonic_time ();
    while (ta_extraction_runner_get_error (ta_selection_sidebar_get_runner (sidebar)) == NULL)
      {
        g_main_context_iteration (NULL, TRUE);
        g_assert_cmpint (g_get_monotonic_time () - t, <, 30 * G_USEC_PER_SEC);
      }
    msg = ta_extraction_runner_get_error (ta_selection_sidebar_get_runner (sidebar));
    g_assert_nonnull (strstr (msg, "bad.csv"));
    g_assert_null (opened);
  }

  /* Clear empties the selection and the command */
  ta_selection_clear (selection);
  g_assert_null (ta_selection_sidebar_get_spec (sidebar));

  gtk_window_destroy (GTK_WINDOW (window));
  ta_test_rm_rf (dir);
}

/* The remembered data paths change elsewhere (Import Packets… writes the
 * setting): the sidebar follows at once, and its command reads them */
static void
test_follows_setting (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ta-sidebar-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "decoded_day1.csv", NULL);
  g_autoptr(TaSelection) selection = ta_selection_new ();
  g_autoptr(GSettings) settings = NULL;
  const gint64 ids[] = { 1, 2 };
  const char *names[] = { "10.0.0.1", "10.0.0.2", NULL };
  const char *types[] = { "ddos", NULL };
  const char *none[] = { NULL };
  const char *paths[] = { dir, NULL };
  const char *attack_files[] = { "/elsewhere/day1_attacks.csv", NULL };
  TaSelectionSidebar *sidebar;
  GtkWidget *window;
  const TaExtractSpec *spec;

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_test_skip ("the build's compiled schema was not found");
      return;
    }
  g_assert_true (g_file_set_contents (csv, "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
                                      "1257254640000000,60,6,1234,80,10.0.0.1,10.0.0.2,2,1,0\n", -1, NULL));
  settings = g_settings_new ("io.github.timearcs.TimeArcs");
  g_settings_set_strv (settings, "data-paths", none);
  sidebar = ta_selection_sidebar_new (selection);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (sidebar));
  ta_selection_sidebar_set_settings (sidebar, settings);
  ta_selection_sidebar_set_attack_files (sidebar, attack_files);
  ta_selection_set (selection, ids, names, 2, 20954244, 20954244, types, 1, 1);
  g_assert_null (ta_selection_sidebar_get_spec (sidebar));   /* no data yet */

  g_settings_set_strv (settings, "data-paths", paths);
  spec = ta_selection_sidebar_get_spec (sidebar);
  g_assert_nonnull (spec);
  g_assert_cmpstr (spec->data_files[0], ==, csv);

  g_settings_set_strv (settings, "data-paths", none);
  g_assert_null (ta_selection_sidebar_get_spec (sidebar));
  gtk_window_destroy (GTK_WINDOW (window));
  ta_test_rm_rf (dir);
}

static void
skip_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  {
    /* the schema compiled in the build tree; settings in memory */
    const char *builddir = g_getenv ("G_TEST_BUILDDIR");
    g_autofree char *schemas = builddir ? g_build_filename (builddir, "..", "data", NULL) : NULL;
    g_autofree char *compiled = schemas ? g_build_filename (schemas, "gschemas.compiled", NULL) : NULL;

    if (compiled != NULL && g_file_test (compiled, G_FILE_TEST_EXISTS))
      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
    g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  }

  /* no accessibility bus: its absence would be a (fatal) warning */
  g_setenv ("GTK_A11Y", "none", TRUE);
  if (!gtk_init_check ())
    {
      g_test_message ("no display");
      g_test_add_func ("/app/sidebar/bound", skip_no_display);
      return g_test_run ();
    }
  g_test_add_func ("/app/sidebar/bound", test_sidebar);
  g_test_add_func ("/app/sidebar/follows-setting", test_follows_setting);

  return g_test_run ();
}
