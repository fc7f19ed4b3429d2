/* ta-application.c — the application: windows, files opened from outside,
 * app actions, and the one GSettings object the windows share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ta-application.h"
#include "ta-file-kind.h"
#include "ta-window.h"

struct _TaApplication
{
  GtkApplication  parent_instance;

  GSettings      *settings;
  gboolean        settings_looked_up;
};

G_DEFINE_FINAL_TYPE (TaApplication, ta_application, GTK_TYPE_APPLICATION)

TaApplication *
ta_application_new (void)
{
  return g_object_new (TA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

/* Running from the build tree: the schema is compiled into build/data */
static GSettingsSchemaSource *
build_tree_schemas (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  g_autofree char *compiled = NULL;

  if (exe == NULL)
    return NULL;
  dir = g_path_get_dirname (exe);
  data = g_build_filename (dir, "..", "..", "data", NULL);
  compiled = g_build_filename (data, "gschemas.compiled", NULL);
  if (!g_file_test (compiled, G_FILE_TEST_EXISTS))
    return NULL;
  return g_settings_schema_source_new_from_directory (data, g_settings_schema_source_get_default (),
                                                      FALSE, NULL);
}

GSettings *
ta_application_get_settings (TaApplication *self)
{
  g_return_val_if_fail (TA_IS_APPLICATION (self), NULL);

  if (!self->settings_looked_up)
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;

      self->settings_looked_up = TRUE;
      if (source)
        schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
      if (schema == NULL)
        {
          g_autoptr(GSettingsSchemaSource) local = build_tree_schemas ();

          if (local)
            schema = g_settings_schema_source_lookup (local, APP_ID, TRUE);
        }
      if (schema != NULL)
        self->settings = g_settings_new_full (schema, NULL, NULL);
      else
        g_message ("Settings schema %s not found: nothing will be remembered", APP_ID);
    }
  return self->settings;
}

static TaWindow *
get_window (TaApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (ta_window_new (GTK_APPLICATION (self), ta_application_get_settings (self)));
  return TA_WINDOW (window);
}

static void
ta_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (TA_APPLICATION (app))));
}

static void
ta_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  TaWindow *window = get_window (TA_APPLICATION (app));
  g_autoptr(GPtrArray) csvs = g_ptr_array_new ();
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func (g_free);

  /* folders are subset folders (flow panel); packet CSVs and captures go
   * to Import Packets… (they are not attack CSVs); anything else is tried
   * as an attack CSV, whose loader says what is wrong with it */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (g_file_query_file_type (files[i], G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        ta_window_open_folder (window, files[i]);
      else if (path != NULL && ta_file_kind_sniff (path) == TA_FILE_KIND_PACKETS)
        g_ptr_array_add (packets, g_steal_pointer (&path));
      else
        g_ptr_array_add (csvs, files[i]);
    }
  if (csvs->len > 0)
    ta_window_open_attack_files (window, (GFile **) csvs->pdata, csvs->len, NULL);
  gtk_window_present (GTK_WINDOW (window));
  if (packets->len > 0)
    {
      g_ptr_array_add (packets, NULL);
      ta_window_import_packets (window, (const char * const *) packets->pdata);
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  TaApplication *self = user_data;
  static const char *developers[] = { "The TimeArcs contributors", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "program-name", _("TimeArcs"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("See who attacked whom, minute by minute, and pull the packets behind it"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", developers,
                         "copyright", "© 2026 The TimeArcs contributors",
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* close the windows so they save their state */
  while (windows)
    {
      GtkWindow *w = windows->data;

      windows = windows->next;
      gtk_window_close (w);
    }
}

static void
ta_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "about", about_action },
    { "quit", quit_action },
  };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (ta_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Primary>q", NULL });

  gtk_css_provider_load_from_resource (css, RESOURCE_BASE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
ta_application_dispose (GObject *object)
{
  TaApplication *self = (TaApplication *) object;

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ta_application_parent_class)->dispose (object);
}

static void
ta_application_class_init (TaApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ta_application_dispose;
  app_class->activate = ta_application_activate;
  app_class->open = ta_application_open;
  app_class->startup = ta_application_startup;
}

static void
ta_application_init (TaApplication *self)
{
}
