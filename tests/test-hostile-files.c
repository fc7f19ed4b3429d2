/* test-hostile-files.c — crafted files where TimeArcs reads JSON or a
 * folder: nesting deep enough to overflow a recursive parser, FIFOs and
 * devices in place of files, huge sparse chunks, chunk files past 4 GiB,
 * and a folder replaced while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ta-attack-data.h"
#include "ta-chunk-file.h"
#include "ta-error.h"
#include "ta-event-mapping.h"
#include "ta-extract-job.h"
#include "ta-folder-check.h"
#include "ta-ip-map.h"
#include "ta-job.h"
#include "ta-json-load.h"
#include "ta-subset-folder.h"
#include "ta-test-util.h"

#define DEEP_LEVELS 80000
#define BASE_US G_GINT64_CONSTANT (1257254400000000)

/* "[[[[…]]]]" with @levels levels, about 2 bytes a level */
static char *
deep_json (guint levels)
{
  GString *s = g_string_sized_new (levels * 2 + 1);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
write_deep (const char *path)
{
  g_autofree char *deep = deep_json (DEEP_LEVELS);

  ta_test_write_file (path, deep, -1);
}

static TaSubsetFolder *
load (const char  *dir,
      GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);

  return ta_subset_folder_load (file, NULL, NULL, NULL, error);
}

/* Loads @dir and reads every flow's detail, as the flow panel does; the
 * first error, or TRUE */
static gboolean
open_fully (const char  *dir,
            GError     **error)
{
  g_autoptr(TaSubsetFolder) folder = load (dir, error);
  guint n = 0;

  if (folder == NULL)
    return FALSE;
  ta_subset_folder_get_flows (folder, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TaFlowDetail) d = ta_subset_folder_get_flow_detail (folder, i, NULL, error);

      if (d == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
test_depth_scan (void)
{
  g_autofree char *deep = deep_json (100);

  g_assert_cmpint (ta_json_find_too_deep ("[[1],{\"a\":[2]}]", 15, 3), ==, -1);
  g_assert_cmpint (ta_json_find_too_deep ("[[1],{\"a\":[2]}]", 15, 2), ==, 10);
  g_assert_cmpint (ta_json_find_too_deep ("[[1],{\"a\":[2]}]", 15, 1), ==, 1);
  /* brackets inside strings, also after escaped quotes, do not count */
  g_assert_cmpint (ta_json_find_too_deep ("[\"[[[\\\"[[\"]", 11, 1), ==, -1);
  g_assert_cmpint (ta_json_find_too_deep (deep, strlen (deep), 64), ==, 64);
  g_assert_cmpint (ta_json_find_too_deep (deep, strlen (deep), 100), ==, -1);
}

/* Every JSON the app reads outside a folder: IP maps, event and group
 * mappings, colour maps */
static void
test_deep_maps (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  g_autofree char *path = g_build_filename (tmp, "deep.json", NULL);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(TaEventMapping) mapping = NULL;
  g_autoptr(TaColorMap) colors = NULL;

  write_deep (path);
  map = ta_ip_map_load (path, &e1);
  g_assert_null (map);
  g_assert_error (e1, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_nonnull (strstr (e1->message, "deep.json"));
  g_assert_nonnull (strstr (e1->message, "nested deeper than 64 levels"));
  mapping = ta_event_mapping_load (path, &e2);
  g_assert_null (mapping);
  g_assert_nonnull (strstr (e2->message, "nested deeper"));
  colors = ta_color_map_load (path, &e3);
  g_assert_null (colors);
  g_assert_nonnull (strstr (e3->message, "nested deeper"));
  ta_test_rm_rf (tmp);
}

/* A FIFO given as an IP map, a mapping or an attack CSV (the app's open
 * dialogs accept any path): refused at once, not waited on */
static void
test_special_maps (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  g_autofree char *path = g_build_filename (tmp, "fifo.json", NULL);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(TaEventMapping) mapping = NULL;
  g_autoptr(TaAttackData) data = ta_attack_data_new ();

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  map = ta_ip_map_load (path, &e1);
  g_assert_null (map);
  g_assert_nonnull (strstr (e1->message, "not a regular file"));
  mapping = ta_event_mapping_load (path, &e2);
  g_assert_null (mapping);
  g_assert_nonnull (strstr (e2->message, "not a regular file"));
  g_assert_false (ta_attack_data_load_file (data, path, &e3));
  g_assert_nonnull (strstr (e3->message, "not a regular file"));
  ta_test_rm_rf (tmp);
}

static const char * const folder_json[] = {
  "manifest.json", "flows/flows_index.json", "flows/chunk_00000.json",
  "ips/unique_ips.json", "ips/flag_stats.json", "ips/ip_stats.json", "indices/bins.json",
};

/* Each JSON file of a folder in turn nested 80 000 levels deep: neither
 * the loader nor check may crash, and both refuse the folder */
static void
test_deep_folder (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");

  for (guint i = 0; i < G_N_ELEMENTS (folder_json); i++)
    {
      g_autofree char *name = g_strdup_printf ("subset-%u", i);
      g_autofree char *dir = ta_test_make_subset_folder (tmp, name);
      g_autofree char *path = g_build_filename (dir, folder_json[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) check_error = NULL;
      g_autofree char *err = NULL;
      const char *args[] = { "check", dir, NULL };

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      write_deep (path);
      g_assert_false (open_fully (dir, &error));
      g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
      g_assert_false (ta_folder_check (dir, 0, &check_error));
      g_assert_nonnull (check_error);
      /* the CLI exits with an error naming the file, not a signal */
      g_assert_cmpint (ta_test_run_cli (args, NULL, &err), ==, 1);
      g_assert_nonnull (strstr (err, strrchr (folder_json[i], '/') ? strrchr (folder_json[i], '/') + 1
                                                                   : folder_json[i]));
    }
  ta_test_rm_rf (tmp);
}

/* A FIFO (no writer: opening it for reading would block for ever) and a
 * link to /dev/zero (never ends) in place of each file */
static void
test_special_files (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  const char *rels[] = { "manifest.json", "packets.csv", "ips/ip_stats.json",
                         "flows/flows_index.json", "flows/chunk_00000.json" };

  for (guint kind = 0; kind < 2; kind++)
    for (guint i = 0; i < G_N_ELEMENTS (rels); i++)
      {
        g_autofree char *name = g_strdup_printf ("subset-%u-%u", kind, i);
        g_autofree char *dir = ta_test_make_subset_folder (tmp, name);
        g_autofree char *path = g_build_filename (dir, rels[i], NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) check_error = NULL;

        g_assert_cmpint (g_unlink (path), ==, 0);
        if (kind == 0)
          g_assert_cmpint (mkfifo (path, 0600), ==, 0);
        else
          g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
        g_assert_false (open_fully (dir, &error));
        g_assert_error (error, TA_ERROR, TA_ERROR_IO);
        g_assert_nonnull (strstr (error->message, "not a regular file"));
        g_assert_false (ta_folder_check (dir, 0, &check_error));
      }
  ta_test_rm_rf (tmp);
}

/* A chunk file made sparse and huge (64 GiB of zeros after its text): the
 * flow detail and check stop at the first zero, without reading on */
static void
test_sparse_chunk (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  g_autofree char *dir = ta_test_make_subset_folder (tmp, "subset");
  g_autofree char *chunk = g_build_filename (dir, "flows", "chunk_00000.json", NULL);
  g_autoptr(TaSubsetFolder) folder = NULL;
  g_autoptr(TaFlowDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) check_error = NULL;

  g_assert_cmpint (truncate (chunk, G_GINT64_CONSTANT (64) << 30), ==, 0);
  folder = load (dir, &error);
  g_assert_no_error (error);
  detail = ta_subset_folder_get_flow_detail (folder, 0, NULL, &error);
  g_assert_null (detail);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "chunk_00000.json"));
  g_assert_nonnull (strstr (error->message, "text after the array"));
  g_assert_false (ta_folder_check (dir, 0, &check_error));
  ta_test_rm_rf (tmp);
}

/* A chunk file past 4 GiB: flows after the 4 GiB mark are read, in bounded
 * memory; a single flow too big to hold is refused with its size */
static void
test_big_chunk (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  g_autofree char *path = g_build_filename (tmp, "chunk_00000.json", NULL);
  static const char flow[] =
    "{\"id\":\"flow_%06u\",\"packets\":[{\"timestamp\":1000,\"src_ip\":\"10.0.0.1\","
    "\"dst_ip\":\"10.0.0.2\",\"src_port\":1234,\"dst_port\":80,\"flags\":2}],"
    "\"phases\":{\"establishment\":[],\"dataTransfer\":[],\"closing\":[]}";
  const gsize block = 8u << 20;
  const guint64 pad = (G_GUINT64_CONSTANT (4) << 30) + (16u << 20);
  g_autofree char *buf = g_malloc (block);
  g_autoptr(TaChunkFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) p0 = NULL;
  g_autoptr(JsonParser) p1 = NULL;
  g_autoptr(JsonParser) p2 = NULL;
  g_autofree char *head = NULL;
  FILE *fp = fopen (path, "wb");

  g_assert_nonnull (fp);
  /* [flow 1, flow 2 with a 4 GiB "pad" string, flow 3] */
  head = g_strdup_printf (flow, 1u);
  fprintf (fp, "[%s},\n", head);
  g_free (head);
  head = g_strdup_printf (flow, 2u);
  fprintf (fp, "%s,\"pad\":\"", head);
  memset (buf, 'x', block);
  for (guint64 done = 0; done < pad; done += block)
    g_assert_cmpuint (fwrite (buf, 1, MIN (block, pad - done), fp), ==, MIN (block, pad - done));
  g_free (head);
  head = g_strdup_printf (flow, 3u);
  fprintf (fp, "\"},\n%s}]\n", head);
  g_assert_cmpint (fclose (fp), ==, 0);

  file = ta_chunk_file_open (path, "flows/chunk_00000.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ta_chunk_file_get_n_flows (file), ==, 3);
  g_assert_cmpuint (ta_chunk_file_get_memory_size (file), <, 4096);
  p0 = ta_chunk_file_parse_flow (file, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (p0)), "id"),
                   ==, "flow_000001");
  p2 = ta_chunk_file_parse_flow (file, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (p2)), "id"),
                   ==, "flow_000003");
  p1 = ta_chunk_file_parse_flow (file, 1, NULL, &error);
  g_assert_null (p1);
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "flow 2"));
  g_assert_nonnull (strstr (error->message, "too big"));
  ta_test_rm_rf (tmp);
}

/* The folder is replaced (as extract --force does) while it is open: the
 * flow detail refuses to read the new chunks for the old flows */
static void
test_replaced_folder (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  g_autofree char *dir = ta_test_make_subset_folder (tmp, "subset");
  g_autofree char *other = NULL;
  g_autoptr(TaSubsetFolder) folder = NULL;
  g_autoptr(TaFlowDetail) before = NULL;
  g_autoptr(TaFlowDetail) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old = g_build_filename (tmp, "subset.old", NULL);

  folder = load (dir, &error);
  g_assert_no_error (error);
  g_assert_true (ta_subset_folder_check_unchanged (folder, &error));
  before = ta_subset_folder_get_flow_detail (folder, 0, NULL, &error);
  g_assert_no_error (error);

  other = ta_test_make_subset_folder (tmp, "subset2");
  g_assert_cmpint (g_rename (dir, old), ==, 0);
  g_assert_cmpint (g_rename (other, dir), ==, 0);

  g_assert_false (ta_subset_folder_check_unchanged (folder, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_CHANGED);
  g_clear_error (&error);
  after = ta_subset_folder_get_flow_detail (folder, 1, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, TA_ERROR, TA_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "subset"));
  ta_test_rm_rf (tmp);
}

/* Edits the chunk text of a fresh folder: the first @from becomes @to */
static char *
folder_with_chunk_edit (const char *tmp,
                        const char *name,
                        const char *from,
                        const char *to)
{
  char *dir = ta_test_make_subset_folder (tmp, name);
  g_autofree char *chunk = g_build_filename (dir, "flows", "chunk_00000.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) s = NULL;

  g_assert_true (g_file_get_contents (chunk, &text, NULL, NULL));
  s = g_string_new (text);
  g_assert_nonnull (strstr (s->str, from));
  g_string_replace (s, from, to, 1);
  ta_test_write_file (chunk, s->str, -1);
  return dir;
}

/* check and the flow panel read chunks with the same code: a packet the
 * panel cannot show fails both; what the panel shows passes both */
static void
test_chunk_agree (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-hostile-XXXXXX");
  g_autofree char *bad = folder_with_chunk_edit (tmp, "bad", "\"timestamp\":", "\"timestamp\":-");
  g_autofree char *other = folder_with_chunk_edit (tmp, "other", "\"flow_000001\"", "\"flow_999999\"");
  g_autofree char *extra = folder_with_chunk_edit (tmp, "extra", "\"packets\":[", "\"note\":[1,2],\"packets\":[");
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;

  g_assert_false (open_fully (bad, &e1));
  g_assert_nonnull (strstr (e1->message, "timestamp"));
  g_assert_false (ta_folder_check (bad, 0, &e2));
  g_assert_nonnull (strstr (e2->message, "timestamp"));
  g_assert_false (open_fully (other, &e3));
  g_assert_false (ta_folder_check (other, 0, &e4));
  g_assert_nonnull (strstr (e4->message, "holds flow flow_999999"));
  g_assert_true (open_fully (extra, NULL));
  g_assert_true (ta_folder_check (extra, 0, NULL));
  ta_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/hostile/depth-scan", test_depth_scan);
  g_test_add_func ("/core/hostile/deep-maps", test_deep_maps);
  g_test_add_func ("/core/hostile/special-maps", test_special_maps);
  g_test_add_func ("/cli/hostile/deep-folder", test_deep_folder);
  g_test_add_func ("/core/hostile/special-files", test_special_files);
  g_test_add_func ("/core/hostile/sparse-chunk", test_sparse_chunk);
  g_test_add_func ("/core/hostile/big-chunk", test_big_chunk);
  g_test_add_func ("/core/hostile/replaced-folder", test_replaced_folder);
  g_test_add_func ("/core/hostile/chunk-agree", test_chunk_agree);
  return g_test_run ();
}
