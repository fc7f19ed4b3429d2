/* flow-panel-demo.c — the flow panel alone in a window (not installed):
 *   flow-panel-demo [FOLDER [FLOW-INDEX]]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>

#include "ta-flow-panel.h"

static char *folder_arg;
static int flow_arg = -1;

static gboolean
select_when_loaded (gpointer data)
{
  TaFlowPanel *panel = data;

  if (ta_flow_panel_get_folder (panel) == NULL)
    return G_SOURCE_CONTINUE;
  ta_flow_panel_select_flow (panel, flow_arg);
  return G_SOURCE_REMOVE;
}

static void
activate (GtkApplication *app)
{
  GtkWidget *window = gtk_application_window_new (app);
  GtkWidget *panel = ta_flow_panel_new ();

  gtk_window_set_title (GTK_WINDOW (window), "Flow panel");
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  if (folder_arg != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (folder_arg);

      ta_flow_panel_open (TA_FLOW_PANEL (panel), file);
      if (flow_arg >= 0)
        g_timeout_add (50, select_when_loaded, panel);
    }
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.timearcs.FlowPanelDemo",
                                                       G_APPLICATION_NON_UNIQUE);

  if (argc > 1)
    folder_arg = argv[1];
  flow_arg = argc > 2 ? atoi (argv[2]) : (argc > 1 ? 1 : -1);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
