/* test-flatpak-manifest.c — the Flatpak manifest has what flatpak-builder needs
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

#include <json-glib/json-glib.h>
#include <string.h>

/* Checks flatpak/io.github.timearcs.TimeArcs.json: valid JSON, the top-level
 * fields flatpak-builder requires, a released runtime, every module with a
 * name, a build system and sources, every local path it names existing, and
 * every finish-arg explained in README.md. The same checker is run on broken
 * variants so that it is known to fail. */

static const char *build_systems[] = {
  "autotools", "cmake", "cmake-ninja", "meson", "simple", "qmake", NULL,
};

static gboolean
str_in (const char  *s,
        const char **list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_strcmp0 (s, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
problem (GPtrArray  *problems,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
problem (GPtrArray  *problems,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static const char *
get_string (JsonObject *obj,
            const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
get_array (JsonObject *obj,
           const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static void
check_local_path (GPtrArray  *problems,
                  const char *base_dir,
                  const char *what,
                  const char *path,
                  gboolean    want_dir)
{
  g_autofree char *full = NULL;

  if (g_path_is_absolute (path))
    {
      problem (problems, "%s: path “%s” must be relative to the manifest", what, path);
      return;
    }
  full = g_build_filename (base_dir, path, NULL);
  if (!g_file_test (full, want_dir ? G_FILE_TEST_IS_DIR : G_FILE_TEST_IS_REGULAR))
    problem (problems, "%s: %s “%s” does not exist (looked at %s)",
             what, want_dir ? "folder" : "file", path, full);
}

static void
check_source (GPtrArray  *problems,
              const char *base_dir,
              const char *module,
              guint       index,
              JsonNode   *node)
{
  g_autofree char *what = g_strdup_printf ("module %s, source %u", module, index);
  JsonObject *src;
  const char *type;
  const char *path;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* a string names a JSON file holding the source */
      check_local_path (problems, base_dir, what, json_node_get_string (node), FALSE);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      problem (problems, "%s: not an object", what);
      return;
    }
  src = json_node_get_object (node);
  type = get_string (src, "type");
  path = get_string (src, "path");
  if (type == NULL)
    {
      problem (problems, "%s: no “type”", what);
      return;
    }

  if (g_str_equal (type, "dir"))
    {
      if (path == NULL)
        problem (problems, "%s: a dir source needs “path”", what);
      else
        check_local_path (problems, base_dir, what, path, TRUE);
    }
  else if (g_str_equal (type, "file") || g_str_equal (type, "archive") ||
           g_str_equal (type, "patch"))
    {
      JsonArray *paths = get_array (src, "paths");

      if (path != NULL)
        check_local_path (problems, base_dir, what, path, FALSE);
      else if (paths != NULL && g_str_equal (type, "patch"))
        for (guint i = 0; i < json_array_get_length (paths); i++)
          check_local_path (problems, base_dir, what,
                            json_array_get_string_element (paths, i), FALSE);
      else if (get_string (src, "url") == NULL)
        problem (problems, "%s: a %s source needs “path” or “url”", what, type);
      else if (get_string (src, "sha256") == NULL && get_string (src, "sha512") == NULL)
        problem (problems, "%s: a downloaded %s needs a “sha256” checksum", what, type);
    }
  else if (g_str_equal (type, "git"))
    {
      if (get_string (src, "url") == NULL && path == NULL)
        problem (problems, "%s: a git source needs “url” or “path”", what);
      if (path != NULL)
        check_local_path (problems, base_dir, what, path, TRUE);
      if (get_string (src, "commit") == NULL && get_string (src, "tag") == NULL &&
          get_string (src, "branch") == NULL)
        problem (problems, "%s: a git source should pin “commit”, “tag” or “branch”", what);
    }
  else if (!g_str_equal (type, "script") && !g_str_equal (type, "shell") &&
           !g_str_equal (type, "inline") && !g_str_equal (type, "extra-data"))
    {
      problem (problems, "%s: unknown source type “%s”", what, type);
    }
}

static void
check_module (GPtrArray  *problems,
              const char *base_dir,
              guint       index,
              JsonNode   *node)
{
  g_autofree char *what = g_strdup_printf ("module %u", index);
  JsonObject *mod;
  const char *name;
  const char *bs;
  JsonArray *sources;
  JsonArray *sub;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* a string names a JSON file holding the module */
      check_local_path (problems, base_dir, what, json_node_get_string (node), FALSE);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      problem (problems, "%s: not an object", what);
      return;
    }
  mod = json_node_get_object (node);

  if ((name = get_string (mod, "name")) == NULL || *name == '\0')
    {
      problem (problems, "%s: no “name”", what);
      name = what;
    }
  if ((bs = get_string (mod, "buildsystem")) == NULL)
    problem (problems, "module %s: no “buildsystem”", name);
  else if (!str_in (bs, build_systems))
    problem (problems, "module %s: unknown buildsystem “%s”", name, bs);

  if ((sources = get_array (mod, "sources")) == NULL || json_array_get_length (sources) == 0)
    problem (problems, "module %s: no “sources”", name);
  else
    for (guint i = 0; i < json_array_get_length (sources); i++)
      check_source (problems, base_dir, name, i, json_array_get_element (sources, i));

  if ((sub = get_array (mod, "modules")) != NULL)
    for (guint i = 0; i < json_array_get_length (sub); i++)
      check_module (problems, base_dir, i, json_array_get_element (sub, i));
}

/* Returns the problems found (empty when the manifest is good). @readme may
 * be NULL to skip the finish-args documentation check. */
static GPtrArray *
check_manifest (const char *json,
                const char *base_dir,
                const char *readme)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char *required[] = { "app-id", "runtime", "runtime-version", "sdk", "command", NULL };
  static const char *needed_args[] = {
    "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri", NULL,
  };
  JsonObject *root;
  JsonArray *modules;
  JsonArray *finish_args;
  const char *version;
  JsonObject *app_module = NULL;

  if (!json_parser_load_from_data (parser, json, -1, &error))
    {
      problem (problems, "not valid JSON: %s", error->message);
      return g_steal_pointer (&problems);
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      problem (problems, "the top level is not an object");
      return g_steal_pointer (&problems);
    }
  root = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; required[i] != NULL; i++)
    {
      const char *v = get_string (root, required[i]);

      if (v == NULL || *v == '\0')
        problem (problems, "no string “%s”", required[i]);
    }

  if (g_strcmp0 (get_string (root, "app-id"), APP_ID) != 0)
    problem (problems, "app-id is not %s", APP_ID);
  if (g_strcmp0 (get_string (root, "command"), "timearcs") != 0)
    problem (problems, "command is not timearcs, the binary meson installs");

  /* a released runtime: "47", "48", …, not master or nightly */
  version = get_string (root, "runtime-version");
  if (version != NULL)
    {
      gboolean numeric = *version != '\0';

      for (const char *p = version; *p; p++)
        if (!g_ascii_isdigit (*p) && *p != '.')
          numeric = FALSE;
      if (!numeric)
        problem (problems, "runtime-version “%s” is not a released runtime", version);
    }
  if (g_strcmp0 (get_string (root, "runtime"), "org.gnome.Platform") != 0 ||
      g_strcmp0 (get_string (root, "sdk"), "org.gnome.Sdk") != 0)
    problem (problems, "runtime and sdk should be org.gnome.Platform and org.gnome.Sdk");

  finish_args = get_array (root, "finish-args");
  if (finish_args == NULL)
    problem (problems, "no “finish-args”");
  else
    {
      for (guint i = 0; needed_args[i] != NULL; i++)
        {
          gboolean found = FALSE;

          for (guint j = 0; j < json_array_get_length (finish_args); j++)
            if (g_strcmp0 (json_array_get_string_element (finish_args, j), needed_args[i]) == 0)
              found = TRUE;
          if (!found)
            problem (problems, "finish-args lack %s", needed_args[i]);
        }
      for (guint j = 0; readme != NULL && j < json_array_get_length (finish_args); j++)
        {
          const char *arg = json_array_get_string_element (finish_args, j);
          g_autofree char *quoted = g_strdup_printf ("`%s`", arg ? arg : "");

          if (arg == NULL || strstr (readme, quoted) == NULL)
            problem (problems, "finish-arg %s is not explained in README.md", arg ? arg : "(null)");
        }
    }

  modules = get_array (root, "modules");
  if (modules == NULL || json_array_get_length (modules) == 0)
    problem (problems, "no “modules”");
  else
    {
      for (guint i = 0; i < json_array_get_length (modules); i++)
        {
          JsonNode *node = json_array_get_element (modules, i);

          check_module (problems, base_dir, i, node);
          if (JSON_NODE_HOLDS_OBJECT (node) &&
              g_strcmp0 (get_string (json_node_get_object (node), "name"), "timearcs") == 0)
            app_module = json_node_get_object (node);
        }

      /* the app itself: meson from the local checkout */
      if (app_module == NULL)
        problem (problems, "no module named timearcs");
      else
        {
          JsonArray *sources = get_array (app_module, "sources");
          gboolean local = FALSE;

          if (g_strcmp0 (get_string (app_module, "buildsystem"), "meson") != 0)
            problem (problems, "module timearcs is not built with meson");
          for (guint i = 0; sources != NULL && i < json_array_get_length (sources); i++)
            {
              JsonNode *node = json_array_get_element (sources, i);
              JsonObject *src;
              g_autofree char *meson_build = NULL;

              if (!JSON_NODE_HOLDS_OBJECT (node))
                continue;
              src = json_node_get_object (node);
              if (g_strcmp0 (get_string (src, "type"), "dir") != 0 || get_string (src, "path") == NULL)
                continue;
              meson_build = g_build_filename (base_dir, get_string (src, "path"), "meson.build", NULL);
              if (g_file_test (meson_build, G_FILE_TEST_IS_REGULAR))
                local = TRUE;
            }
          if (!local)
            problem (problems, "module timearcs is not built from the local source (a dir source with meson.build)");
        }
    }

  return g_steal_pointer (&problems);
}

static char *
manifest_dir (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "flatpak", NULL);
}

static char *
read_or_die (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
print_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (const char *) problems->pdata[i]);
}

static void
test_manifest_real (void)
{
  g_autofree char *dir = manifest_dir ();
  g_autofree char *path = g_build_filename (dir, APP_ID ".json", NULL);
  g_autofree char *readme_path = g_test_build_filename (G_TEST_DIST, "..", "README.md", NULL);
  g_autofree char *json = read_or_die (path);
  g_autofree char *readme = read_or_die (readme_path);
  g_autoptr(GPtrArray) problems = check_manifest (json, dir, readme);

  print_problems (problems);
  g_assert_cmpuint (problems->len, ==, 0);
}

/* Each broken variant must be caught, with a message naming the fault. */
static void
expect_problem (const char *json,
                const char *base_dir,
                const char *readme,
                const char *fragment)
{
  g_autoptr(GPtrArray) problems = check_manifest (json, base_dir, readme);
  gboolean found = FALSE;

  print_problems (problems);
  for (guint i = 0; i < problems->len; i++)
    if (strstr (problems->pdata[i], fragment) != NULL)
      found = TRUE;
  if (!found)
    g_test_message ("expected a problem containing “%s”", fragment);
  g_assert_true (found);
}

static char *
replace (const char *haystack,
         const char *needle,
         const char *with)
{
  g_auto(GStrv) parts = g_strsplit (haystack, needle, 2);

  g_assert_nonnull (parts[1]);
  return g_strconcat (parts[0], with, parts[1], NULL);
}

static void
test_manifest_broken (void)
{
  g_autofree char *dir = manifest_dir ();
  g_autofree char *path = g_build_filename (dir, APP_ID ".json", NULL);
  g_autofree char *readme_path = g_test_build_filename (G_TEST_DIST, "..", "README.md", NULL);
  g_autofree char *json = read_or_die (path);
  g_autofree char *readme = read_or_die (readme_path);
  g_autofree char *truncated = g_strndup (json, strlen (json) / 2);
  g_autofree char *no_sdk = replace (json, "\"sdk\"", "\"sdk-extensions\"");
  g_autofree char *nightly = replace (json, "\"runtime-version\": \"", "\"runtime-version\": \"master");
  g_autofree char *bad_path = replace (json, "\"path\": \"..\"", "\"path\": \"../no-such-folder\"");
  g_autofree char *no_bs = replace (json, "\"buildsystem\"", "\"build-system\"");
  g_autofree char *no_sources = replace (json, "\"sources\"", "\"source\"");
  g_autofree char *extra_arg = replace (json, "\"--device=dri\",", "\"--device=dri\", \"--share=network\",");
  g_autofree char *no_wayland = replace (json, "\"--socket=wayland\",", "");

  expect_problem (truncated, dir, readme, "not valid JSON");
  expect_problem ("[1, 2]", dir, readme, "top level");
  expect_problem (no_sdk, dir, readme, "“sdk”");
  expect_problem (nightly, dir, readme, "not a released runtime");
  expect_problem (bad_path, dir, readme, "does not exist");
  expect_problem (no_bs, dir, readme, "no “buildsystem”");
  expect_problem (no_sources, dir, readme, "no “sources”");
  expect_problem (extra_arg, dir, readme, "--share=network is not explained");
  expect_problem (no_wayland, dir, readme, "lack --socket=wayland");
  expect_problem ("{\"app-id\": \"io.github.timearcs.TimeArcs\", \"runtime\": \"org.gnome.Platform\","
                  " \"runtime-version\": \"49\", \"sdk\": \"org.gnome.Sdk\", \"command\": \"timearcs\","
                  " \"finish-args\": [], \"modules\": [\"missing-module.json\","
                  " {\"name\": \"dep\", \"buildsystem\": \"meson\", \"sources\":"
                  " [{\"type\": \"archive\", \"url\": \"https://example.org/dep.tar.xz\"}]}]}",
                  dir, NULL, "missing-module.json");
  expect_problem ("{\"app-id\": \"io.github.timearcs.TimeArcs\", \"runtime\": \"org.gnome.Platform\","
                  " \"runtime-version\": \"49\", \"sdk\": \"org.gnome.Sdk\", \"command\": \"timearcs\","
                  " \"finish-args\": [], \"modules\": ["
                  " {\"name\": \"dep\", \"buildsystem\": \"meson\", \"sources\":"
                  " [{\"type\": \"archive\", \"url\": \"https://example.org/dep.tar.xz\"}]}]}",
                  dir, NULL, "sha256");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/desktop/flatpak/manifest", test_manifest_real);
  g_test_add_func ("/core/desktop/flatpak/broken-variants", test_manifest_broken);

  return g_test_run ();
}
