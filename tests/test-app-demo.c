/* test-app-demo.c — "Open the Demo Investigation" end to end in a real
 * window (under Xvfb): the demo is made in the user's data folder, the view
 * shows its attacks, the demo folder leads the extraction's data paths, a
 * selection's extraction finds its packets; the second time it reopens the
 * folder instead of making it again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "ta-demo-job.h"
#include "ta-demo-gen.h"
#include "ta-out-target.h"
#include "ta-test-util.h"
#include "ta-timearcs-view.h"
#include "ta-window.h"

#define APP_ID "io.github.timearcs.TimeArcs"

static char *data_home;

static TaArcModel *
wait_for_model (TaWindow   *window,
                TaArcModel *old)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  TaArcModel *model;

  while (((model = ta_timearcs_view_get_model (ta_window_get_view (window))) == NULL || model == old) &&
         g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  return model;
}

static void
test_open_demo (void)
{
  g_autoptr(GtkApplication) app = gtk_application_new (APP_ID ".DemoTest", G_APPLICATION_NON_UNIQUE);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *dir = ta_demo_default_dir ();
  g_autofree char *marker = g_build_filename (dir, TA_DEMO_MARKER, NULL);
  TaWindow *window;
  TaArcModel *model;
  GStatBuf before, after;
  guint found = 0;

  g_assert_true (g_str_has_prefix (dir, data_home));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") != NULL)
    settings = g_settings_new (APP_ID);
  window = ta_window_new (app, settings);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-demo"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-demo", NULL);
  /* while it is made, the action waits */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-demo"));
  model = wait_for_model (window, NULL);
  g_assert_nonnull (model);
  g_assert_true (ta_out_target_is_demo_folder (dir));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-demo"));

  /* the view shows every scripted attack under its label */
  for (guint i = 0; i < ta_arc_model_get_n_labels (model, TA_LABEL_MODE_TYPE); i++)
    {
      const TaArcLabel *l = ta_arc_model_get_label (model, TA_LABEL_MODE_TYPE, i);

      for (guint a = 0; a < TA_DEMO_N_ATTACKS; a++)
        if (strcmp (l->name, ta_demo_attack_label (a)) == 0 && l->packets > 0)
          found++;
    }
  g_assert_cmpuint (found, ==, TA_DEMO_N_ATTACKS);
  if (settings != NULL)
    {
      g_auto(GStrv) paths = g_settings_get_strv (settings, "data-paths");

      g_assert_nonnull (paths[0]);
      g_assert_cmpstr (paths[0], ==, dir);
    }

  /* the second time: reopened, not made again */
  g_assert_cmpint (g_stat (marker, &before), ==, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-demo", NULL);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open-demo"));
  g_assert_nonnull (wait_for_model (window, model));
  g_assert_cmpint (g_stat (marker, &after), ==, 0);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);
  g_assert_cmpint (before.st_ino, ==, after.st_ino);

  /* a mapping chosen for one file set does not stick to the next: an
   * explicit (empty) IP map, then the demo's attack file opened again,
   * decodes with the map beside it */
  {
    g_autofree char *empty_map = g_build_filename (data_home, "empty_map.json", NULL);
    g_autofree char *attacks = g_build_filename (dir, TA_DEMO_ATTACK_FILE, NULL);
    g_autoptr(GFile) file = g_file_new_for_path (attacks);
    gboolean named = FALSE;

    g_assert_true (g_file_set_contents (empty_map, "{}", -1, NULL));
    model = ta_timearcs_view_get_model (ta_window_get_view (window));
    ta_window_set_ip_map_path (window, empty_map);
    model = wait_for_model (window, model);
    g_assert_true (g_str_has_prefix (ta_arc_model_get_row (model, 0)->name, "#"));
    g_assert_true (ta_window_open_attack_files (window, &file, 1, NULL));
    model = wait_for_model (window, model);
    for (guint i = 0; i < ta_arc_model_get_n_rows (model); i++)
      named |= strcmp (ta_arc_model_get_row (model, i)->name, "10.20.0.10") == 0;
    g_assert_true (named);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* the demo goes to $XDG_DATA_HOME/timearcs/demo: a folder of the test's */
  data_home = ta_test_make_tmp_dir ("ta-app-demo-XXXXXX");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  {
    const char *builddir = g_getenv ("G_TEST_BUILDDIR");
    g_autofree char *schemas = builddir ? g_build_filename (builddir, "..", "data", NULL) : NULL;
    g_autofree char *compiled = schemas ? g_build_filename (schemas, "gschemas.compiled", NULL) : NULL;

    if (compiled != NULL && g_file_test (compiled, G_FILE_TEST_EXISTS))
      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  }
  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipped\n");
      ta_test_rm_rf (data_home);
      return 77;
    }
  g_test_add_func ("/app/demo/open", test_open_demo);
  ret = g_test_run ();
  ta_test_rm_rf (data_home);
  g_free (data_home);
  return ret;
}
