/* ta-attack-files.c — the files that go with an attack CSV, found next to
 * it by the names the generator gives them (mappings, IP map, colours,
 * ground truth, the grouped variant)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-attack-data.h"

static char *
attack_prefix (const char *attack_csv)
{
  g_autofree char *base = g_path_get_basename (attack_csv);
  static const char * const suffixes[] = { "_grouped_attacks.csv", "_attacks.csv", ".csv" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (base, suffixes[i]) && strlen (base) > strlen (suffixes[i]))
      return g_strndup (base, strlen (base) - strlen (suffixes[i]));
  return NULL;
}

static char *
sibling_if_exists (const char *attack_csv,
                   const char *name)
{
  g_autofree char *dir = g_path_get_dirname (attack_csv);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);
  return NULL;
}

/* STEM_PREFIX.json next to the attack file, else STEM.json */
static char *
find_json (const char *attack_csv,
           const char *stem)
{
  g_autofree char *prefix = attack_prefix (attack_csv);
  g_autofree char *plain = g_strconcat (stem, ".json", NULL);

  if (prefix != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s_%s.json", stem, prefix);
      char *path = sibling_if_exists (attack_csv, name);

      if (path != NULL)
        return path;
    }
  return sibling_if_exists (attack_csv, plain);
}

char *
ta_attack_find_event_mapping (const char *attack_csv)
{
  return find_json (attack_csv, "event_type_mapping");
}

char *
ta_attack_find_group_mapping (const char *attack_csv)
{
  return find_json (attack_csv, "attack_group_mapping");
}

char *
ta_attack_find_ip_map (const char *attack_csv)
{
  g_autofree char *prefix = attack_prefix (attack_csv);
  char *path = NULL;

  if (prefix != NULL)
    {
      g_autofree char *a = g_strdup_printf ("ip_map_%s.json", prefix);
      g_autofree char *b = g_strdup_printf ("%s_ip_map.json", prefix);

      if ((path = sibling_if_exists (attack_csv, a)) || (path = sibling_if_exists (attack_csv, b)))
        return path;
    }
  return sibling_if_exists (attack_csv, "ip_map.json");
}

char *
ta_attack_find_colors (const char *attack_csv,
                       gboolean    groups)
{
  return sibling_if_exists (attack_csv, groups ? "attack_group_color_mapping.json"
                                               : "color_mapping.json");
}

char *
ta_attack_find_ground_truth (const char *attack_csv)
{
  char *path;

  if ((path = sibling_if_exists (attack_csv, "GroundTruth_UTC_naive.csv")))
    return path;
  return sibling_if_exists (attack_csv, "ground_truth.csv");
}

char *
ta_attack_find_grouped_sibling (const char *attack_csv)
{
  g_autofree char *base = g_path_get_basename (attack_csv);
  g_autofree char *name = NULL;

  if (!g_str_has_suffix (base, "_attacks.csv") || g_str_has_suffix (base, "_grouped_attacks.csv"))
    return NULL;
  name = g_strdup_printf ("%.*s_grouped_attacks.csv", (int) (strlen (base) - strlen ("_attacks.csv")), base);
  return sibling_if_exists (attack_csv, name);
}
