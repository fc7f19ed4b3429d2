/* test-folder-agree.c — `timearcs-cli check` passes exactly the folders
 * the app opens: one folder written by our extractor, one damage at a
 * time, and for each the verdict of ta_folder_check() and of the loader
 * (load, then every flow's packets, as the flow panel reads them) must be
 * the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ta-folder-check.h"
#include "ta-subset-folder.h"
#include "ta-test-util.h"

typedef struct
{
  const char *name;
  const char *file;     /* relative to the folder */
  const char *from;     /* replaced once; NULL: the whole file becomes @to */
  const char *to;       /* NULL with from NULL: the file is removed */
  gboolean    valid;    /* what both must say */
} Damage;

static const Damage damages[] = {
  { "untouched", "manifest.json", "\"version\"", "\"version\"", TRUE },
  { "ip-stats-empty-object", "ips/ip_stats.json", NULL, "{}", TRUE },
  { "ip-stats-empty-file", "ips/ip_stats.json", NULL, "", FALSE },
  { "ip-stats-missing", "ips/ip_stats.json", NULL, NULL, TRUE },
  { "ip-stats-negative", "ips/ip_stats.json", "\"sent_packets\":", "\"sent_packets\":-", FALSE },
  { "ip-stats-not-object", "ips/ip_stats.json", NULL, "[]", FALSE },
  { "flag-stats-negative", "ips/flag_stats.json", "\"SYN\":", "\"SYN\":-", FALSE },
  { "flag-stats-missing", "ips/flag_stats.json", NULL, NULL, TRUE },
  { "flag-stats-string", "ips/flag_stats.json", "\"SYN\":", "\"SYN\":\"x\",\"Z\":", FALSE },
  { "unique-ips-missing", "ips/unique_ips.json", NULL, NULL, TRUE },
  { "unique-ips-number", "ips/unique_ips.json", "[\"", "[7,\"", FALSE },
  { "unique-ips-object", "ips/unique_ips.json", NULL, "{}", FALSE },
  { "bins-missing", "indices/bins.json", NULL, NULL, TRUE },
  { "bins-object", "indices/bins.json", NULL, "{}", FALSE },
  { "bins-negative", "indices/bins.json", "\"count\":", "\"count\":-", FALSE },
  { "manifest-negative-packets", "manifest.json", "\"total_packets\":", "\"total_packets\":-", FALSE },
  { "manifest-negative-flows", "manifest.json", "\"total_flows\":", "\"total_flows\":-", FALSE },
  { "manifest-flows-off", "manifest.json", "\"total_flows\":", "\"total_flows\":9", TRUE },
  { "manifest-packets-off", "manifest.json", "\"total_packets\":", "\"total_packets\":9", TRUE },
  { "manifest-chunks-off", "manifest.json", "\"total_chunks\":", "\"total_chunks\":9", TRUE },
  { "manifest-version", "manifest.json", "\"2.0\"", "\"1.0\"", FALSE },
  { "manifest-end-before-start", "manifest.json", "\"end\":", "\"end\":1,\"x\":", FALSE },
  { "manifest-no-structure", "manifest.json", "\"structure\":", "\"structurX\":", TRUE },
  { "manifest-unique-off", "manifest.json", "\"unique_ips\":", "\"unique_ips\":7", TRUE },
  { "manifest-tcp-off", "manifest.json", "\"tcp_packets\":", "\"tcp_packets\":9", TRUE },
  { "index-negative-total", "flows/flows_index.json", "\"totalPackets\":", "\"totalPackets\":-", FALSE },
  { "index-chunk-index-out", "flows/flows_index.json", "\"chunk_index\":", "\"chunk_index\":9", FALSE },
  { "index-chunk-missing", "flows/flows_index.json", "\"chunk_file\":\"", "\"chunk_file\":\"x", FALSE },
  { "index-empty", "flows/flows_index.json", NULL, "[]", TRUE },
  { "index-state-number", "flows/flows_index.json", "\"state\":", "\"state\":1,\"x\":", FALSE },
  { "packets-header", "packets.csv", "timestamp", "timestump", FALSE },
  { "packets-row-gone", "packets.csv", "\n1257254400000200", "\nx", FALSE },
  { "packets-empty", "packets.csv", NULL, "", FALSE },
};

static void
damage (const char   *dir,
        const Damage *d)
{
  g_autofree char *path = g_build_filename (dir, d->file, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) s = NULL;

  if (d->from == NULL && d->to == NULL)
    {
      g_assert_cmpint (g_unlink (path), ==, 0);
      return;
    }
  if (d->from == NULL)
    {
      ta_test_write_file (path, d->to, -1);
      return;
    }
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  s = g_string_new (text);
  g_assert_nonnull (strstr (s->str, d->from));
  g_string_replace (s, d->from, d->to, 1);
  ta_test_write_file (path, s->str, -1);
}

/* The app's verdict: the folder loads and every flow's packets read */
static gboolean
app_opens (const char  *dir,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(TaSubsetFolder) folder = ta_subset_folder_load (file, NULL, NULL, NULL, error);
  guint n = 0;

  if (folder == NULL)
    return FALSE;
  ta_subset_folder_get_flows (folder, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaFlowDetail) detail = ta_subset_folder_get_flow_detail (folder, i, NULL, error);

      if (detail == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
test_agree (gconstpointer data)
{
  const Damage *d = data;
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-agree-XXXXXX");
  g_autofree char *dir = ta_test_make_subset_folder (tmp, "subset");
  g_autoptr(GError) app_error = NULL;
  g_autoptr(GError) check_error = NULL;
  gboolean app, check;

  damage (dir, d);
  app = app_opens (dir, &app_error);
  check = ta_folder_check (dir, TA_FOLDER_CHECK_DEFAULT, &check_error);
  g_test_message ("%s: app %s (%s), check %s (%s)", d->name, app ? "opens" : "refuses",
                  app_error ? app_error->message : "", check ? "passes" : "fails",
                  check_error ? check_error->message : "");
  g_assert_cmpint (app, ==, check);
  g_assert_cmpint (app, ==, d->valid);
  /* what the app opens despite a damage, it opens with a warning, and
   * check passes it with a note */
  if (app && strcmp (d->name, "untouched") != 0)
    {
      g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);

      g_assert_true (ta_folder_check_full (dir, TA_FOLDER_CHECK_DEFAULT, notes, NULL));
      g_assert_cmpuint (notes->len, >, 0);
    }
  ta_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/folder-agree/%s", damages[i].name);

      g_test_add_data_func (path, &damages[i], test_agree);
    }
  return g_test_run ();
}
