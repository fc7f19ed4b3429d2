/* test-import-dialog.c — "Import packets…" runs the attacks job with
 * progress and cancel (needs a display; skipped without one)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "ta-arc-layout.h"
#include "ta-import-dialog.h"
#include "ta-timearcs-view.h"
#include "ta-window.h"
#include "ta-test-util.h"

static void
finished_cb (TaImportDialog *dialog,
             gboolean       *done)
{
  *done = TRUE;
}

typedef struct
{
  char *attacks;
  char *ip_map;
  char *event_mapping;
  char *grouped;
} Opened;

static void
open_result_cb (TaImportDialog *dialog,
                const char     *attacks,
                const char     *grouped,
                const char     *ip_map,
                const char     *event_mapping,
                const char     *group_mapping,
                Opened         *opened)
{
  opened->attacks = g_strdup (attacks);
  opened->grouped = g_strdup (grouped);
  opened->ip_map = g_strdup (ip_map);
  opened->event_mapping = g_strdup (event_mapping);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_import_runs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-import-dialog-XXXXXX", NULL);
  g_autofree char *packets = g_build_filename (dir, "packets.csv", NULL);
  g_autofree char *map = g_build_filename (dir, "map.json", NULL);
  g_autofree char *out = g_build_filename (dir, "mine_attacks.csv", NULL);
  g_autofree char *gt = ta_test_shared_path_or_skip ("timearcs", "GroundTruth_UTC_naive.csv", NULL);
  const char *inputs[] = { packets, NULL };
  TaImportDialog *dialog;
  const TaAttacksResult *r;
  gboolean done = FALSE;
  Opened opened = { 0 };

  if (gt == NULL)
    {
      g_rmdir (dir);
      return;
    }
  ta_test_generate (packets, map, 20000, 1, "code", 0, 0);

  dialog = ta_import_dialog_new (NULL);
  g_object_ref_sink (dialog);
  g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &done);
  g_signal_connect (dialog, "open-result", G_CALLBACK (open_result_cb), &opened);
  gtk_window_present (GTK_WINDOW (dialog));

  /* nothing chosen: nothing starts */
  ta_import_dialog_start (dialog);
  g_assert_false (ta_import_dialog_is_running (dialog));

  ta_import_dialog_set_inputs (dialog, inputs);
  ta_import_dialog_set_ip_map (dialog, map);
  ta_import_dialog_set_ground_truth (dialog, gt);
  ta_import_dialog_set_output (dialog, out);
  ta_import_dialog_start (dialog);
  g_assert_true (ta_import_dialog_is_running (dialog));
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ta_import_dialog_is_running (dialog));
  g_assert_null (ta_import_dialog_get_error (dialog));
  r = ta_import_dialog_get_result (dialog);
  g_assert_nonnull (r);
  g_assert_cmpuint (r->packets, ==, 20000);
  g_assert_cmpuint (r->gt_events, ==, 8223);
  g_assert_nonnull (r->grouped_out);
  g_assert_true (g_str_has_suffix (r->grouped_out, "mine_grouped_attacks.csv"));
  g_assert_true (g_file_test (r->grouped_out, G_FILE_TEST_EXISTS));

  /* "Open in TimeArcs" hands over the files and their mappings */
  {
    GtkWidget *w = gtk_window_get_child (GTK_WINDOW (dialog));
    GtkWidget *buttons = gtk_widget_get_last_child (w);
    GtkWidget *open = gtk_widget_get_last_child (buttons);

    g_assert_true (gtk_widget_get_visible (open));
    g_signal_emit_by_name (open, "clicked");
  }
  g_assert_cmpstr (opened.attacks, ==, out);
  g_assert_cmpstr (opened.ip_map, ==, r->ip_map_out);
  g_assert_cmpstr (opened.event_mapping, ==, r->event_mapping_out);

  /* cancel right after the start: cancelled, nothing new written */
  done = FALSE;
  g_unlink (out);
  ta_import_dialog_start (dialog);
  {
    GtkWidget *w = gtk_window_get_child (GTK_WINDOW (dialog));
    GtkWidget *buttons = gtk_widget_get_last_child (w);
    GtkWidget *stop = gtk_widget_get_first_child (buttons);

    g_signal_emit_by_name (stop, "clicked");
  }
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_error_matches (ta_import_dialog_get_error (dialog), G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (opened.attacks);
  g_free (opened.grouped);
  g_free (opened.ip_map);
  g_free (opened.event_mapping);
  remove_dir (dir);
}

/* The window's "Import Packets…" action opens the dialog; its result opens
 * in the window's TimeArcs view */
static void
test_import_from_window (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ta-import-window-XXXXXX", NULL);
  g_autofree char *packets = g_build_filename (dir, "packets.csv", NULL);
  g_autofree char *map = g_build_filename (dir, "map.json", NULL);
  g_autofree char *out = g_build_filename (dir, "win_attacks.csv", NULL);
  const char *inputs[] = { packets, NULL };
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.timearcs.TimeArcs.ImportTest",
                                                       G_APPLICATION_NON_UNIQUE);
  g_autoptr(GSettings) settings = NULL;
  TaWindow *window;
  TaImportDialog *dialog = NULL;
  GListModel *toplevels;
  TaArcModel *model;
  gboolean done = FALSE;

  ta_test_generate (packets, map, 20000, 1, "code", 0, 0);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  /* the schema compiled in the build tree, when main() found it */
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") != NULL)
    settings = g_settings_new (APP_ID);
  window = ta_window_new (app, settings);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "import-packets"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "import-packets", NULL);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (TA_IS_IMPORT_DIALOG (w))
        dialog = TA_IMPORT_DIALOG (w);
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));

  g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &done);
  ta_import_dialog_set_inputs (dialog, inputs);
  ta_import_dialog_set_ip_map (dialog, map);
  ta_import_dialog_set_output (dialog, out);
  ta_import_dialog_start (dialog);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (ta_import_dialog_get_result (dialog));
  {
    GtkWidget *w = gtk_window_get_child (GTK_WINDOW (dialog));
    GtkWidget *buttons = gtk_widget_get_last_child (w);

    g_signal_emit_by_name (gtk_widget_get_last_child (buttons), "clicked");
  }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* the packet files are remembered for the selection sidebar */
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_auto(GStrv) remembered = g_settings_get_strv (settings, "data-paths");

      g_assert_cmpuint (g_strv_length (remembered), ==, 1);
      g_assert_cmpstr (remembered[0], ==, packets);
    }
  /* the window loads the result in a worker: wait for it (bounded) */
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (ta_timearcs_view_get_model (ta_window_get_view (window)) == NULL &&
           g_get_monotonic_time () < deadline)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
  }
  model = ta_timearcs_view_get_model (ta_window_get_view (window));
  g_assert_nonnull (model);
  g_assert_cmpuint (ta_arc_model_get_n_rows (model), >, 10);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  /* no accessibility bus in a test session */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  if (argc > 2 && strcmp (argv[1], "--show") == 0)
    {
      /* manual look: the dialog after importing argv[2] */
      const char *inputs[] = { argv[2], NULL };
      TaImportDialog *dialog;
      gboolean done = FALSE;

      gtk_init ();
      dialog = ta_import_dialog_new (NULL);
      ta_import_dialog_set_inputs (dialog, inputs);
      if (argc > 3)
        ta_import_dialog_set_ground_truth (dialog, argv[3]);
      ta_import_dialog_set_output (dialog, "/tmp/ta-import-dialog-show_attacks.csv");
      g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &done);
      gtk_window_present (GTK_WINDOW (dialog));
      ta_import_dialog_start (dialog);
      for (;;)
        g_main_context_iteration (NULL, TRUE);
    }
  g_test_init (&argc, &argv, NULL);
  {
    /* the schema compiled in the build tree */
    const char *builddir = g_getenv ("G_TEST_BUILDDIR");
    g_autofree char *schemas = builddir ? g_build_filename (builddir, "..", "data", NULL) : NULL;
    g_autofree char *compiled = schemas ? g_build_filename (schemas, "gschemas.compiled", NULL) : NULL;

    if (compiled != NULL && g_file_test (compiled, G_FILE_TEST_EXISTS))
      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  }
  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipped\n");
      return 77;
    }
  g_test_add_func ("/app/import-dialog/runs", test_import_runs);
  g_test_add_func ("/app/import-dialog/from-window", test_import_from_window);
  return g_test_run ();
}
