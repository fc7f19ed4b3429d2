/* test-app-open.c — the GApplication open path: folders reach the window
 *
 * Copyright 2026 The TimeArcs developers
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>
#include <unistd.h>

#include "ta-application.h"
#include "ta-flow-panel.h"
#include "ta-window.h"
#include "ta-test-util.h"

/* A file manager hands TimeArcs a folder as a file:// URI (Exec=timearcs %U,
 * or org.freedesktop.Application.Open when D-Bus activated); a shell hands
 * it a path. Both must end with the folder loaded in the flow panel of the
 * application's window, reusing the window that is already open. The
 * folder is a small subset folder of our own extraction, reached
 * through symbolic links whose names need escaping in a URI. Runs on a
 * private session bus (GTestDBus) and needs a display (meson runs it under
 * xvfb-run). */

static GTestDBus *bus;

static char *
make_folder (const char *tmp,
             const char *name)
{
  g_autofree char *made = g_strconcat ("made-", name, NULL);
  g_autofree char *target = ta_test_make_subset_folder (tmp, made);
  char *path = g_build_filename (tmp, name, NULL);

  g_assert_true (g_file_test (target, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (symlink (target, path), ==, 0);
  return path;
}

static void
remove_folder (const char *path)
{
  g_unlink (path);
}

static TaWindow *
the_window (GtkApplication *app)
{
  GList *windows = gtk_application_get_windows (app);
  guint n = 0;
  TaWindow *found = NULL;

  for (GList *l = windows; l; l = l->next)
    if (TA_IS_WINDOW (l->data))
      {
        found = l->data;
        n++;
      }
  g_assert_cmpuint (n, ==, 1);
  return found;
}

static TaFlowPanel *
flow_panel_of (TaWindow *window)
{
  return ta_window_get_flow_panel (window);
}

/* TRUE once the flow panel holds the folder at @path (loading is async) */
static gboolean
panel_shows (TaWindow   *window,
             const char *path)
{
  TaFlowPanel *panel = flow_panel_of (window);
  TaSubsetFolder *folder;
  g_autofree char *loaded = NULL;

  g_assert_nonnull (panel);
  if ((folder = ta_flow_panel_get_folder (panel)) == NULL)
    return FALSE;
  loaded = g_file_get_path (ta_subset_folder_get_file (folder));
  return g_strcmp0 (loaded, path) == 0;
}

static void
assert_window_shows (TaWindow   *window,
                     const char *path)
{
  GFile *shown = g_object_get_data (G_OBJECT (window), "ta-folder");
  g_autofree char *shown_path = NULL;
  g_autofree char *base = g_path_get_basename (path);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TaSubsetFolder *folder;

  g_assert_nonnull (shown);
  shown_path = g_file_get_path (shown);
  g_assert_cmpstr (shown_path, ==, path);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, base);

  while (!panel_shows (window, path) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (panel_shows (window, path));
  folder = ta_flow_panel_get_folder (flow_panel_of (window));
  /* the folder ta_test_make_subset_folder() writes: 7 packets */
  g_assert_cmpuint (ta_subset_folder_get_manifest (folder)->total_packets, ==, 7);
}

static void
close_windows (GtkApplication *app)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* g_application_open() on the registered primary instance: what GApplication
 * does for a local command line and for a remote Open call alike. */
static void
test_open_folder_registered (void)
{
  g_autoptr(TaApplication) app = ta_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("timearcs-open-XXXXXX", NULL);
  g_autofree char *plain = make_folder (tmp, "subset-plain");
  g_autofree char *spaced = make_folder (tmp, "subset with space");
  g_autofree char *uri = NULL;
  g_autoptr(GFile) by_path = g_file_new_for_commandline_arg (plain);
  g_autoptr(GFile) by_uri = NULL;
  TaWindow *window;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  /* a path, as from a shell */
  g_application_open (G_APPLICATION (app), &by_path, 1, "");
  window = the_window (GTK_APPLICATION (app));
  assert_window_shows (window, plain);

  /* a file:// URI with an escaped space, as a file manager sends it; the
   * same window takes it */
  uri = g_filename_to_uri (spaced, NULL, NULL);
  g_assert_nonnull (strstr (uri, "%20"));
  by_uri = g_file_new_for_commandline_arg (uri);
  g_application_open (G_APPLICATION (app), &by_uri, 1, "");
  g_assert_true (the_window (GTK_APPLICATION (app)) == window);
  assert_window_shows (window, spaced);

  close_windows (GTK_APPLICATION (app));
  remove_folder (plain);
  remove_folder (spaced);
  ta_test_rm_rf (tmp);
}

typedef struct
{
  const char *expect;
  gboolean    checked;
} RunCheck;

static gboolean
check_and_quit (gpointer user_data)
{
  GApplication *app = g_application_get_default ();
  RunCheck *check = user_data;

  assert_window_shows (the_window (GTK_APPLICATION (app)), check->expect);
  check->checked = TRUE;
  close_windows (GTK_APPLICATION (app));
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

/* The whole desktop-file path in process: g_application_run() with the
 * argv that `Exec=timearcs %U` produces for a folder. */
static void
test_open_folder_command_line (void)
{
  g_autoptr(TaApplication) app = ta_application_new ();
  g_autofree char *tmp = g_dir_make_tmp ("timearcs-open-XXXXXX", NULL);
  g_autofree char *folder = make_folder (tmp, "subset from the file manager");
  g_autofree char *uri = g_filename_to_uri (folder, NULL, NULL);
  char *argv[] = { (char *) "timearcs", uri, NULL };
  RunCheck check = { folder, FALSE };
  int status;

  g_idle_add (check_and_quit, &check);
  status = g_application_run (G_APPLICATION (app), 2, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (check.checked);

  remove_folder (folder);
  ta_test_rm_rf (tmp);
}

/* Each case runs in its own process: a registered GApplication keeps its
 * bus name for the life of its connection, and the next case registers the
 * same application id. */
static void
in_subprocess (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;

  if (g_test_subprocess ())
    {
      func ();
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  gboolean subprocess = FALSE;
  int ret;

  /* The parent starts a private session bus; the cases run in children
   * that inherit its address (and own the application id only while they
   * live). */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--GTestSubprocess"))
      subprocess = TRUE;
  if (!subprocess)
    {
      bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (bus);
      /* g_test_dbus_up() unsets DISPLAY; the display is xvfb-run's */
      if (display != NULL)
        g_setenv ("DISPLAY", display, TRUE);
    }

  gtk_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/app/desktop/open/folder-registered",
                        (gconstpointer) test_open_folder_registered, in_subprocess);
  g_test_add_data_func ("/app/desktop/open/folder-command-line",
                        (gconstpointer) test_open_folder_command_line, in_subprocess);

  ret = g_test_run ();

  if (bus != NULL)
    {
      g_test_dbus_down (bus);
      g_object_unref (bus);
    }
  return ret;
}
