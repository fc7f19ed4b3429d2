/* test-folder.c — the v2.0 folder writer and the folder checker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-flow-tracker.h"
#include "ta-folder-check.h"
#include "ta-folder-writer.h"
#include "ta-packet-reader.h"

/* ------------------------------------------------------------ helpers */

static void
rm_rf (const char *path)
{
  g_autofree char *cmd = NULL;

  if (path == NULL)
    return;
  cmd = g_strdup_printf ("rm -rf '%s'", path);
  g_assert_cmpint (system (cmd), ==, 0);
}

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ta-folder-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static JsonNode *
parse_file (const char *folder,
            const char *rel)
{
  g_autofree char *path = g_build_filename (folder, rel, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d))
    n++;
  return n;
}

/* Runs a CSV through the packet reader into the writer, as the extraction
 * job does without filters. */
static gboolean
extract (const char  *csv,
         const char  *ip_map_path,
         const char  *out,
         guint        chunk_size,
         GHashTable **classes,
         GError     **error)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(TaPacketReader) reader = NULL;
  g_autoptr(TaFolderWriter) writer = NULL;
  TaFolderWriterOptions opts = { chunk_size, 0, FALSE };
  TaReaderConfig config = { 0 };
  const char *files[] = { csv, NULL };
  TaManifestInfo info = { files, NULL, NULL, FALSE, 0, FALSE, 0 };
  TaReadStats stats;
  TaPacket pkt;
  gboolean ok = FALSE;

  ta_read_stats_init (&stats);
  if (ip_map_path)
    {
      map = ta_ip_map_load (ip_map_path, error);
      if (map == NULL)
        goto out;
    }
  config.addrs = addrs;
  config.ip_map = map;
  config.stats = &stats;
  reader = ta_packet_reader_open (csv, &config, error);
  if (reader == NULL)
    goto out;
  writer = ta_folder_writer_new (out, &opts, addrs, error);
  if (writer == NULL)
    goto out;
  while (ta_packet_reader_next (reader, &pkt, error))
    if (!ta_folder_writer_add (writer, &pkt, error))
      goto out;
  if (error && *error)
    goto out;
  if (!ta_folder_writer_finish (writer, &info, error))
    goto out;
  if (classes)
    {
      const TaFolderSummary *sum = ta_folder_writer_get_summary (writer);

      *classes = g_hash_table_ref (sum->flow_classes);
    }
  ok = TRUE;
out:
  ta_read_stats_clear (&stats);
  return ok;
}

/* ------------------------------------------------------ original folder */

typedef struct
{
  const char *state;
  const char *close_type;
  const char *reason;
  GPtrArray  *packets;   /* "ts/src/dst/flags" strings */
  JsonObject *obj;
} FlowView;

static void
flow_view_free (gpointer data)
{
  FlowView *v = data;

  g_ptr_array_unref (v->packets);
  json_object_unref (v->obj);
  g_free (v);
}

/* key -> GPtrArray of FlowView, in id order */
static GHashTable *
load_flows (const char *folder,
            GPtrArray  *keep)
{
  g_autoptr(JsonNode) index = parse_file (folder, "flows/flows_index.json");
  GHashTable *by_key = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) g_ptr_array_unref);
  JsonArray *arr = json_node_get_array (index);
  g_autofree char *last_chunk = NULL;
  JsonNode *chunk = NULL;

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *e = json_array_get_object_element (arr, i);
      const char *cf = json_object_get_string_member (e, "chunk_file");
      JsonObject *flow;
      JsonArray *pk;
      FlowView *v;
      GPtrArray *list;

      if (last_chunk == NULL || strcmp (last_chunk, cf) != 0)
        {
          g_autofree char *rel = g_build_filename ("flows", cf, NULL);

          chunk = parse_file (folder, rel);
          g_ptr_array_add (keep, chunk);
          g_free (last_chunk);
          last_chunk = g_strdup (cf);
        }
      flow = json_array_get_object_element (json_node_get_array (chunk),
                                             json_object_get_int_member (e, "chunk_index"));
      v = g_new0 (FlowView, 1);
      v->obj = json_object_ref (flow);
      v->state = json_object_get_string_member (flow, "state");
      v->close_type = json_object_get_string_member_with_default (flow, "closeType", NULL);
      if (json_node_is_null (json_object_get_member (flow, "closeType")))
        v->close_type = NULL;
      v->reason = json_node_is_null (json_object_get_member (flow, "invalidReason"))
                  ? NULL : json_object_get_string_member (flow, "invalidReason");
      v->packets = g_ptr_array_new_with_free_func (g_free);
      pk = json_object_get_array_member (flow, "packets");
      for (guint j = 0; j < json_array_get_length (pk); j++)
        {
          JsonObject *p = json_array_get_object_element (pk, j);

          g_ptr_array_add (v->packets,
                           g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s/%" G_GINT64_FORMAT,
                                            json_object_get_int_member (p, "timestamp"),
                                            json_object_get_string_member (p, "src_ip"),
                                            json_object_get_string_member (p, "dst_ip"),
                                            json_object_get_int_member (p, "flags")));
        }
      list = g_hash_table_lookup (by_key, json_object_get_string_member (flow, "key"));
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (flow_view_free);
          g_hash_table_insert (by_key, (gpointer) json_object_get_string_member (flow, "key"), list);
        }
      g_ptr_array_add (list, v);
    }
  return by_key;
}

static void
test_original_folder (void)
{
  const char *shared = g_getenv ("TA_SHARED_DATA");
  g_autofree char *base = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *map = NULL;
  g_autofree char *orig = NULL;
  g_autofree char *tmp = make_tmp ();
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GHashTable) theirs = NULL;
  g_autoptr(GHashTable) ours = NULL;
  GHashTableIter it;
  gpointer k, v;
  guint same = 0, split = 0;

  if (shared == NULL)
    {
      g_test_skip ("TA_SHARED_DATA not set");
      return;
    }
  base = g_build_filename (shared, "original-folder", NULL);
  csv = g_build_filename (base, "input.csv", NULL);
  map = g_build_filename (base, "input_ip_map.json", NULL);
  orig = g_build_filename (base, "folder", NULL);

  /* the checker accepts the original's own folder */
  ta_folder_check (orig, TA_FOLDER_CHECK_DEFAULT, &error);
  g_assert_no_error (error);

  g_assert_true (extract (csv, map, out, 50, NULL, &error));
  g_assert_no_error (error);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);

  theirs = load_flows (orig, keep);
  ours = load_flows (out, keep);

  g_hash_table_iter_init (&it, theirs);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      GPtrArray *t = v;
      GPtrArray *o = g_hash_table_lookup (ours, k);
      FlowView *tv;

      g_assert_cmpuint (t->len, ==, 1);
      tv = t->pdata[0];
      g_assert_nonnull (o);
      if (o->len == 1)
        {
          FlowView *ov = o->pdata[0];

          if (g_strcmp0 (ov->state, tv->state) || g_strcmp0 (ov->close_type, tv->close_type)
              || g_strcmp0 (ov->reason, tv->reason) || ov->packets->len != tv->packets->len)
            g_printerr ("DIFF %s: ours %s/%s/%s %u, theirs %s/%s/%s %u\n", (char *) k,
                        ov->state, ov->close_type, ov->reason, ov->packets->len,
                        tv->state, tv->close_type, tv->reason, tv->packets->len);
          else
            same++;
        }
      else
        {
          g_printerr ("SPLIT %s: theirs %s/%s/%s %u; ours", (char *) k,
                      tv->state, tv->close_type, tv->reason, tv->packets->len);
          for (guint i = 0; i < o->len; i++)
            {
              FlowView *ov = o->pdata[i];

              g_printerr (" [%s/%s/%s %u]", ov->state, ov->close_type, ov->reason, ov->packets->len);
            }
          g_printerr ("\n");
          split++;
        }
    }
  g_printerr ("same %u split %u\n", same, split);
  rm_rf (tmp);
}

typedef struct
{
  const char *cls;
  guint64     original;
} ClassCount;

static void
test_generated_classes (void)
{
  const char *gen = g_getenv ("TA_GEN_PACKETS");
  g_autofree char *tmp = make_tmp ();
  g_autofree char *csv = g_build_filename (tmp, "in.csv", NULL);
  g_autofree char *map = g_build_filename (tmp, "map.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *cmd = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) classes = NULL;
  GHashTableIter it;
  gpointer k, v;

  if (gen == NULL)
    {
      g_test_skip ("TA_GEN_PACKETS not set");
      return;
    }
  cmd = g_strdup_printf ("python3 '%s' --packets 200000 --seed 2 --out '%s' --ip-map '%s'",
                         gen, csv, map);
  g_assert_cmpint (system (cmd), ==, 0);
  {
    g_autoptr(GTimer) t = g_timer_new ();
  g_assert_true (extract (csv, map, out, 200, &classes, &error));
  g_printerr ("extract %.2f s\n", g_timer_elapsed (t, NULL));
  }
  g_assert_no_error (error);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&it, classes);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_printerr ("CLASS %s %" G_GUINT64_FORMAT "\n", (char *) k, *(guint64 *) v);
  rm_rf (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/folder/original-folder", test_original_folder);
  g_test_add_func ("/folder/generated-classes", test_generated_classes);
  return g_test_run ();
}
