/* test-flow-panel.c — the flow panel in a real window (meson runs it under
 * xvfb-run): a folder replaced on disk while it is shown, as
 * `extract --force` does, is noticed and can be reloaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "ta-flow-panel.h"
#include "ta-subset-folder.h"
#include "ta-test-util.h"

/* Runs the main loop until @done (or 20 s) */
static gboolean
iterate_until (gboolean (*done) (TaFlowPanel *, gpointer),
               TaFlowPanel *panel,
               gpointer     data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (panel, data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  return done (panel, data);
}

static gboolean
holds (TaFlowPanel *panel,
       gpointer     data)
{
  TaSubsetFolder *folder = ta_flow_panel_get_folder (panel);

  return folder != NULL && folder != data;
}

static gboolean
changed (TaFlowPanel *panel,
         gpointer     data)
{
  return ta_flow_panel_get_folder_changed (panel);
}

static void
test_replaced (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-panel-XXXXXX");
  g_autofree char *dir = ta_test_make_subset_folder (tmp, "subset");
  g_autofree char *old = g_build_filename (tmp, "subset.old", NULL);
  g_autofree char *other = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  GtkWidget *window = gtk_window_new ();
  TaFlowPanel *panel = TA_FLOW_PANEL (ta_flow_panel_new ());
  TaSubsetFolder *first;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  gtk_window_present (GTK_WINDOW (window));
  ta_flow_panel_open (panel, file);
  g_assert_true (iterate_until (holds, panel, NULL));
  first = ta_flow_panel_get_folder (panel);
  g_assert_false (ta_flow_panel_get_folder_changed (panel));

  /* replaced as extract --force replaces a folder: renamed over */
  other = ta_test_make_subset_folder (tmp, "subset2");
  g_assert_cmpint (g_rename (dir, old), ==, 0);
  g_assert_cmpint (g_rename (other, dir), ==, 0);
  g_assert_true (iterate_until (changed, panel, NULL));

  /* Reload opens what the folder holds now, and the bar goes */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "flowpanel.reload", NULL));
  g_assert_true (iterate_until (holds, panel, first));
  g_assert_false (ta_flow_panel_get_folder_changed (panel));
  g_assert_true (ta_subset_folder_check_unchanged (ta_flow_panel_get_folder (panel), NULL));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  ta_test_rm_rf (tmp);
}

static void
skip_no_display (void)
{
  g_test_skip ("no display");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* no accessibility bus: its absence would be a (fatal) warning */
  g_setenv ("GTK_A11Y", "none", TRUE);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/app/flow-panel/replaced-folder", skip_no_display);
      return g_test_run ();
    }
  g_test_add_func ("/app/flow-panel/replaced-folder", test_replaced);
  return g_test_run ();
}
