/* ta-command.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-command.h"
#include "ta-error.h"
#include "ta-format.h"

G_DEFINE_BOXED_TYPE (TaExtractSpec, ta_extract_spec,
                     ta_extract_spec_copy, ta_extract_spec_free)

TaExtractSpec *
ta_extract_spec_new (void)
{
  return g_new0 (TaExtractSpec, 1);
}

TaExtractSpec *
ta_extract_spec_copy (const TaExtractSpec *spec)
{
  TaExtractSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = ta_extract_spec_new ();
  copy->data_files = g_strdupv (spec->data_files);
  copy->ip_map = g_strdup (spec->ip_map);
  copy->output_dir = g_strdup (spec->output_dir);
  copy->filter_ips = g_strdupv (spec->filter_ips);
  copy->has_time_range = spec->has_time_range;
  copy->first_minute = spec->first_minute;
  copy->last_minute = spec->last_minute;
  copy->attack_context = g_strdup (spec->attack_context);

  return copy;
}

void
ta_extract_spec_free (TaExtractSpec *spec)
{
  if (spec == NULL)
    return;

  g_strfreev (spec->data_files);
  g_free (spec->ip_map);
  g_free (spec->output_dir);
  g_strfreev (spec->filter_ips);
  g_free (spec->attack_context);
  g_free (spec);
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

gboolean
ta_extract_spec_equal (const TaExtractSpec *a,
                       const TaExtractSpec *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return strv_equal0 (a->data_files, b->data_files) &&
         g_strcmp0 (a->ip_map, b->ip_map) == 0 &&
         g_strcmp0 (a->output_dir, b->output_dir) == 0 &&
         strv_equal0 (a->filter_ips, b->filter_ips) &&
         a->has_time_range == b->has_time_range &&
         (!a->has_time_range ||
          (a->first_minute == b->first_minute && a->last_minute == b->last_minute)) &&
         g_strcmp0 (a->attack_context, b->attack_context) == 0;
}

gboolean
ta_minutes_to_us_range (gint64   first_minute,
                        gint64   last_minute,
                        gint64  *start_us,
                        gint64  *end_us,
                        GError **error)
{
  const gint64 max_minute = G_MAXINT64 / TA_US_PER_MINUTE;
  const gint64 min_minute = G_MININT64 / TA_US_PER_MINUTE;

  if (first_minute > last_minute)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("The time range starts at minute %lld after it ends at minute %lld"),
                   (long long) first_minute, (long long) last_minute);
      return FALSE;
    }
  /* end = (last + 1) × 60 000 000 must fit: last + 1 ≤ max_minute */
  if (first_minute < min_minute || last_minute >= max_minute)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("The time range %lld–%lld (minutes) does not fit in microseconds"),
                   (long long) first_minute, (long long) last_minute);
      return FALSE;
    }

  if (start_us != NULL)
    *start_us = first_minute * TA_US_PER_MINUTE;
  if (end_us != NULL)
    *end_us = (last_minute + 1) * TA_US_PER_MINUTE;

  return TRUE;
}

gboolean
ta_extract_spec_get_time_us (const TaExtractSpec *spec,
                             gint64              *start_us,
                             gint64              *end_us,
                             GError             **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!spec->has_time_range)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("The selection has no time range"));
      return FALSE;
    }
  return ta_minutes_to_us_range (spec->first_minute, spec->last_minute,
                                 start_us, end_us, error);
}

gboolean
ta_extract_spec_validate (const TaExtractSpec *spec,
                          GError             **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->data_files == NULL || spec->data_files[0] == NULL)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_NO_INPUT,
                           _("No data file to extract from: set where the raw packet data lives"));
      return FALSE;
    }
  for (guint i = 0; spec->data_files[i] != NULL; i++)
    if (spec->data_files[i][0] == '\0')
      {
        g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                             _("A data file name is empty"));
        return FALSE;
      }
  if (spec->output_dir == NULL || spec->output_dir[0] == '\0')
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("No output folder: set where subsets go"));
      return FALSE;
    }
  if (spec->filter_ips != NULL)
    for (guint i = 0; spec->filter_ips[i] != NULL; i++)
      {
        const char *ip = spec->filter_ips[i];

        if (ip[0] == '\0' || strchr (ip, ',') != NULL)
          {
            g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                         _("“%s” is not an IP id or address"), ip);
            return FALSE;
          }
      }
  if (spec->has_time_range &&
      !ta_extract_spec_get_time_us (spec, NULL, NULL, error))
    return FALSE;

  return TRUE;
}

char *
ta_command_path_arg (const char *path)
{
  if (path[0] == '-')
    return g_strconcat ("./", path, NULL);
  return g_strdup (path);
}

/* The options the spec stands for, field by field: paths as
 * ta_command_path_arg() writes them, IPs as "--filter-ips" reads them, the
 * minutes as µs */
static TaExtractOptions *
spec_options (const TaExtractSpec  *spec,
              GError              **error)
{
  g_autoptr(TaExtractOptions) options = NULL;
  guint n;

  if (!ta_extract_spec_validate (spec, error))
    return NULL;

  options = ta_extract_options_new ();

  n = g_strv_length (spec->data_files);
  options->data_files = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    options->data_files[i] = ta_command_path_arg (spec->data_files[i]);

  if (spec->ip_map != NULL && spec->ip_map[0] != '\0')
    options->ip_map_path = ta_command_path_arg (spec->ip_map);
  options->output_dir = ta_command_path_arg (spec->output_dir);

  if (spec->filter_ips != NULL && spec->filter_ips[0] != NULL)
    {
      n = g_strv_length (spec->filter_ips);
      options->filter_ips = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        options->filter_ips[i] = g_strstrip (g_strdup (spec->filter_ips[i]));
    }

  if (spec->has_time_range)
    {
      if (!ta_extract_spec_get_time_us (spec, &options->time_start_us, &options->time_end_us, error))
        return NULL;
      options->has_time_start = TRUE;
      options->has_time_end = TRUE;
    }

  if (spec->attack_context != NULL && spec->attack_context[0] != '\0')
    options->attack_context = g_strdup (spec->attack_context);

  return g_steal_pointer (&options);
}

GStrv
ta_extract_spec_build_argv (const TaExtractSpec *spec,
                            const char          *program,
                            GError             **error)
{
  g_autoptr(TaExtractOptions) options = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  options = spec_options (spec, error);
  if (options == NULL)
    return NULL;
  return ta_extract_options_build_argv (options, program, error);
}

char *
ta_extract_spec_build_shell_line (const TaExtractSpec *spec,
                                  const char          *program,
                                  gboolean             multiline,
                                  GError             **error)
{
  g_auto(GStrv) argv = NULL;

  argv = ta_extract_spec_build_argv (spec, program, error);
  if (argv == NULL)
    return NULL;
  return ta_extract_argv_to_shell_line ((const char * const *) argv, multiline);
}

TaExtractOptions *
ta_extract_spec_to_options (const TaExtractSpec *spec,
                            GError             **error)
{
  g_autofree char *line = ta_extract_spec_build_shell_line (spec, NULL, TRUE, error);

  if (line == NULL)
    return NULL;
  return ta_extract_options_parse_command_line (line, error);
}

/* ---------------------------------------------------------------------- */
/* folder names                                                            */

static gboolean
name_char_ok (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '+';
  /* letters and digits of any script; no spaces, marks alone, controls,
   * format characters (bidi overrides) or private use */
  return g_unichar_isalnum (c);
}

char *
ta_command_sanitize_name (const char *text,
                          gsize       max_bytes)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;
  gboolean last_us = FALSE;

  if (max_bytes < 1)
    max_bytes = 1;

  valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  out = g_string_new (NULL);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char buf[8];
      gint n;

      if (!name_char_ok (c))
        c = '_';
      if (c == '_')
        {
          if (last_us)
            continue;
          last_us = TRUE;
        }
      else
        last_us = FALSE;

      /* nothing may start with ".", "-" or "_" */
      if (out->len == 0 && (c == '.' || c == '-' || c == '_'))
        {
          last_us = FALSE;
          continue;
        }

      n = g_unichar_to_utf8 (c, buf);
      if (out->len + n > max_bytes)
        break;
      g_string_append_len (out, buf, n);
    }

  /* no trailing "_" or "." (a name ending in "." is awkward on some systems) */
  while (out->len > 0 &&
         (out->str[out->len - 1] == '_' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    g_string_assign (out, "x");

  return g_string_free (out, FALSE);
}

char *
ta_command_folder_name (const char * const *attack_types,
                        gboolean            has_time_range,
                        gint64              first_minute,
                        gint64              last_minute)
{
  g_autoptr(GString) label = g_string_new (NULL);
  g_autofree char *safe_label = NULL;
  g_autofree char *range = NULL;
  g_autofree char *name = NULL;
  guint n_types = attack_types != NULL ? g_strv_length ((char **) attack_types) : 0;

  for (guint i = 0; i < n_types && i < 2; i++)
    {
      if (i > 0)
        g_string_append_c (label, '+');
      g_string_append (label, attack_types[i]);
    }
  if (n_types > 2)
    g_string_append_printf (label, "+%u", n_types - 2);
  if (label->len == 0)
    g_string_append (label, "selection");

  /* the date part is at most 36 bytes, the label gets the rest */
  safe_label = ta_command_sanitize_name (label->str, TA_FOLDER_NAME_MAX - 40);

  if (has_time_range)
    {
      g_autofree char *start = ta_format_minute_as (first_minute, "%Y-%m-%dT%H%MZ", "m");
      g_autofree char *start_day = ta_format_minute_as (first_minute, "%Y-%m-%d", "m");
      g_autofree char *end_day = ta_format_minute_as (last_minute, "%Y-%m-%d", "m");
      g_autofree char *end = NULL;

      if (g_strcmp0 (start_day, end_day) == 0 && start[0] != 'm')
        end = ta_format_minute_as (last_minute, "%H%MZ", "m");
      else
        end = ta_format_minute_as (last_minute, "%Y-%m-%dT%H%MZ", "m");
      range = g_strdup_printf ("%s-%s", start, end);
    }

  if (range != NULL)
    name = g_strdup_printf ("%s_%s", safe_label, range);
  else
    name = g_strdup (safe_label);

  return ta_command_sanitize_name (name, TA_FOLDER_NAME_MAX);
}

char *
ta_command_unique_path (const char *parent,
                        const char *name,
                        GHashTable *reserved)
{
  for (guint i = 1; i < 100000; i++)
    {
      g_autofree char *leaf = NULL;
      g_autofree char *path = NULL;

      leaf = i == 1 ? g_strdup (name) : g_strdup_printf ("%s-%u", name, i);
      path = g_build_filename (parent, leaf, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
          !g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
          (reserved == NULL || !g_hash_table_contains (reserved, path)))
        return g_steal_pointer (&path);
    }

  /* 100 000 folders of the same name: fall back to a time stamp */
  return g_strdup_printf ("%s/%s-%" G_GINT64_FORMAT, parent, name, g_get_real_time ());
}

TaExtractSpec *
ta_extract_spec_new_for_selection (const TaSelectionInfo   *selection,
                                   const TaExtractSettings *settings,
                                   GHashTable              *reserved,
                                   GPtrArray               *notes,
                                   GError                 **error)
{
  g_autoptr(TaExtractSpec) spec = ta_extract_spec_new ();
  g_autofree char *name = NULL;
  gint64 start_us = 0, end_us = 0;
  gboolean use_ids;

  g_return_val_if_fail (selection != NULL && settings != NULL, NULL);

  if (selection->has_time_range &&
      !ta_minutes_to_us_range (selection->first_minute, selection->last_minute,
                               &start_us, &end_us, error))
    return NULL;

  if (settings->output_parent == NULL || settings->output_parent[0] == '\0')
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("No output folder: set where subsets go"));
      return NULL;
    }

  spec->data_files = ta_command_resolve_data_files (settings->data_paths,
                                                    selection->attack_files,
                                                    selection->has_time_range,
                                                    start_us, end_us, notes, error);
  if (spec->data_files == NULL)
    return NULL;

  if (settings->ip_map != NULL && settings->ip_map[0] != '\0')
    spec->ip_map = g_canonicalize_filename (settings->ip_map, NULL);

  use_ids = spec->ip_map != NULL || selection->ip_names == NULL;
  if (selection->n_ips > 0)
    {
      spec->filter_ips = g_new0 (char *, selection->n_ips + 1);
      for (guint i = 0; i < selection->n_ips; i++)
        spec->filter_ips[i] = use_ids || selection->ip_names[i] == NULL
                                ? g_strdup_printf ("%" G_GINT64_FORMAT, selection->ip_ids[i])
                                : g_strdup (selection->ip_names[i]);
    }

  spec->has_time_range = selection->has_time_range;
  spec->first_minute = selection->first_minute;
  spec->last_minute = selection->last_minute;

  if (selection->attack_types != NULL && selection->attack_types[0] != NULL)
    spec->attack_context = g_strjoinv (", ", (char **) selection->attack_types);

  name = ta_command_folder_name (selection->attack_types, selection->has_time_range,
                                 selection->first_minute, selection->last_minute);
  {
    g_autofree char *parent = g_canonicalize_filename (settings->output_parent, NULL);
    spec->output_dir = ta_command_unique_path (parent, name, reserved);
  }

  return g_steal_pointer (&spec);
}

void
ta_debug_selection_clear (TaDebugSelection *sel)
{
  g_clear_pointer (&sel->ip_ids, g_array_unref);
  g_clear_pointer (&sel->attack_types, g_strfreev);
  g_clear_pointer (&sel->data_paths, g_strfreev);
  g_clear_pointer (&sel->ip_map, g_free);
  g_clear_pointer (&sel->output_dir, g_free);
  memset (sel, 0, sizeof *sel);
}

static gboolean
parse_int64 (const char *text,
             gint64     *out)
{
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL);
}

gboolean
ta_debug_selection_parse (const char       *text,
                          TaDebugSelection *out,
                          GError          **error)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ";", -1);

  memset (out, 0, sizeof *out);
  out->ip_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *eq = strchr (part, '=');
      const char *key, *value;

      if (part[0] == '\0')
        continue;
      if (eq == NULL)
        goto bad;
      *eq = '\0';
      key = g_strstrip (part);
      value = g_strstrip (eq + 1);

      if (strcmp (key, "ips") == 0)
        {
          g_auto(GStrv) ids = g_strsplit (value, ",", -1);

          for (guint k = 0; ids[k] != NULL; k++)
            {
              gint64 id;

              if (!parse_int64 (g_strstrip (ids[k]), &id) || id < 0)
                goto bad;
              g_array_append_val (out->ip_ids, id);
            }
        }
      else if (strcmp (key, "minutes") == 0)
        {
          g_auto(GStrv) ab = g_strsplit (value, "-", 2);

          if (!parse_int64 (ab[0], &out->first_minute))
            goto bad;
          if (ab[1] == NULL)
            out->last_minute = out->first_minute;
          else if (!parse_int64 (ab[1], &out->last_minute))
            goto bad;
          if (out->last_minute < out->first_minute)
            goto bad;
          out->has_time_range = TRUE;
        }
      else if (strcmp (key, "attacks") == 0)
        {
          g_strfreev (out->attack_types);
          out->attack_types = g_strsplit (value, ",", -1);
        }
      else if (strcmp (key, "packets") == 0)
        {
          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &out->packets, NULL))
            goto bad;
        }
      else if (strcmp (key, "data") == 0)
        {
          g_strfreev (out->data_paths);
          out->data_paths = g_strsplit (value, ",", -1);
        }
      else if (strcmp (key, "ipmap") == 0)
        {
          g_free (out->ip_map);
          out->ip_map = g_strdup (value);
        }
      else if (strcmp (key, "out") == 0)
        {
          g_free (out->output_dir);
          out->output_dir = g_strdup (value);
        }
      else
        goto bad;
      continue;

    bad:
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("Cannot read “%s” in the debug selection"), parts[i]);
      ta_debug_selection_clear (out);
      return FALSE;
    }

  return TRUE;
}
