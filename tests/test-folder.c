/* test-folder.c — the v2.0 folder writer and the folder checker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ta-error.h"
#include "ta-flow-tracker.h"
#include "ta-folder-check.h"
#include "ta-folder-writer.h"
#include "ta-packet-reader.h"
#include "ta-test-util.h"

/* ------------------------------------------------------------ helpers */

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
                           g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                                            "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                                            "/%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                            json_object_get_int_member (p, "timestamp"),
                                            json_object_get_string_member (p, "src_ip"),
                                            json_object_get_string_member (p, "dst_ip"),
                                            json_object_get_int_member (p, "src_port"),
                                            json_object_get_int_member (p, "dst_port"),
                                            json_object_get_int_member (p, "seq_num"),
                                            json_object_get_int_member (p, "ack_num"),
                                            json_object_get_int_member (p, "length"),
                                            json_object_get_string_member (p, "flag_type"),
                                            json_object_get_int_member (p, "protocol"),
                                            json_object_get_int_member (p, "flags"),
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

/* "timestamp/flags/length" of each phased packet -> phase name */
static GHashTable *
phase_map (JsonObject *flow)
{
  static const char * const groups[] = { "establishment", "dataTransfer", "closing" };
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *phases = json_object_get_object_member (flow, "phases");

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      JsonArray *arr = json_object_get_array_member (phases, groups[g]);

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonObject *e = json_array_get_object_element (arr, i);
          JsonObject *p = json_object_get_object_member (e, "packet");
          char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s",
                                       json_object_get_int_member (p, "timestamp"),
                                       json_object_get_int_member (p, "flags"),
                                       json_object_get_int_member (p, "length"),
                                       json_object_get_string_member (p, "src_ip"));

          g_hash_table_insert (map, key, (gpointer) json_object_get_string_member (e, "phase"));
        }
    }
  return map;
}

static void
test_original_folder (void)
{
  g_autofree char *base = ta_test_shared_path_or_skip ("original-folder", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *map = NULL;
  g_autofree char *orig = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(GHashTable) theirs = NULL;
  g_autoptr(GHashTable) ours = NULL;
  GHashTableIter it;
  gpointer k, v;
  guint same = 0, split = 0, relabelled = 0;

  if (base == NULL)
    return;
  tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  out = g_build_filename (tmp, "out", NULL);
  csv = g_build_filename (base, "input.csv", NULL);
  map = g_build_filename (base, "input_ip_map.json", NULL);
  orig = g_build_filename (base, "folder", NULL);

  /* the checker accepts the original's own folder; the strict check shows
   * its faults of §11: the bins drop the last packet, ip_stats counts TCP
   * only */
  ta_folder_check (orig, TA_FOLDER_CHECK_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_false (ta_folder_check (orig, TA_FOLDER_CHECK_STRICT, &error));
  g_assert_nonnull (strstr (error->message, "bins.json counts 3999 packets, manifest total_packets is 4000"));
  g_assert_nonnull (strstr (error->message, "ip_stats.json has 27 addresses, unique_ips.json 33"));
  g_clear_error (&error);

  g_assert_true (extract (csv, map, out, 50, NULL, &error));
  g_assert_no_error (error);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);

  /* timearcs-cli check */
  g_assert_nonnull (g_getenv ("TA_CLI"));  /* tests/meson.build sets TA_CLI */
  {
    const char *argv_ok[] = { g_getenv ("TA_CLI"), "check", "--strict", out, NULL };
    const char *argv_bad[] = { g_getenv ("TA_CLI"), "check", "--strict", orig, NULL };
    g_autofree char *sout = NULL;
    g_autofree char *serr = NULL;
    int status;

    g_assert_true (g_spawn_sync (NULL, (char **) argv_ok, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &sout, &serr, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (sout, "valid"));
    g_clear_pointer (&sout, g_free);
    g_clear_pointer (&serr, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) argv_bad, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &sout, &serr, &status, &error));
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 1);
    g_assert_nonnull (strstr (serr, "bins.json counts 3999"));
  }

  /* packets.csv is byte for byte the original's; flag_stats (TCP only) and
   * unique_ips are equal; the bins are equal except the last, which holds
   * the last packet (§11); ip_stats covers every protocol where the original
   * counted TCP only: its entries equal ours recomputed over TCP rows. */
  {
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *pa = g_build_filename (out, "packets.csv", NULL);
    g_autofree char *pb = g_build_filename (orig, "packets.csv", NULL);
    g_autoptr(JsonNode) ob = parse_file (out, "indices/bins.json");
    g_autoptr(JsonNode) tb = parse_file (orig, "indices/bins.json");
    g_autoptr(JsonNode) of = parse_file (out, "ips/flag_stats.json");
    g_autoptr(JsonNode) tf = parse_file (orig, "ips/flag_stats.json");
    g_autoptr(JsonNode) ou = parse_file (out, "ips/unique_ips.json");
    g_autoptr(JsonNode) tu = parse_file (orig, "ips/unique_ips.json");
    g_autoptr(JsonNode) tip = parse_file (orig, "ips/ip_stats.json");
    g_autoptr(GHashTable) tcp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_auto(GStrv) rows = NULL;
    JsonArray *oba, *tba;
    GList *members;

    g_assert_true (g_file_get_contents (pa, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (pb, &b, NULL, NULL));
    g_assert_cmpstr (a, ==, b);

    oba = json_node_get_array (ob);
    tba = json_node_get_array (tb);
    g_assert_cmpuint (json_array_get_length (oba), ==, 100);
    g_assert_cmpuint (json_array_get_length (tba), ==, 100);
    for (guint i = 0; i < 100; i++)
      {
        JsonObject *x = json_array_get_object_element (oba, i);
        JsonObject *y = json_array_get_object_element (tba, i);

        g_assert_cmpint (json_object_get_int_member (x, "start"), ==, json_object_get_int_member (y, "start"));
        g_assert_cmpint (json_object_get_int_member (x, "end"), ==, json_object_get_int_member (y, "end"));
        g_assert_cmpint (json_object_get_int_member (x, "count"), ==,
                         json_object_get_int_member (y, "count") + (i == 99 ? 1 : 0));
      }
    g_assert_true (json_node_equal (of, tf));
    g_assert_true (json_node_equal (ou, tu));

    /* TCP-only sums over our packets.csv */
    rows = g_strsplit (a, "\n", -1);
    for (guint i = 1; rows[i] && rows[i][0]; i++)
      {
        g_auto(GStrv) f = g_strsplit (rows[i], ",", -1);
        gint64 len = g_ascii_strtoll (f[9], NULL, 10);

        if (strcmp (f[10], "6") != 0)
          continue;
        for (guint d = 0; d < 2; d++)
          {
            gint64 *st = g_hash_table_lookup (tcp, f[1 + d]);

            if (st == NULL)
              {
                st = g_new0 (gint64, 4);
                g_hash_table_insert (tcp, g_strdup (f[1 + d]), st);
              }
            st[d * 2] += 1;
            st[d * 2 + 1] += len;
          }
      }
    members = json_object_get_members (json_node_get_object (tip));
    g_assert_cmpuint (g_list_length (members), ==, g_hash_table_size (tcp));
    for (GList *l = members; l; l = l->next)
      {
        JsonObject *e = json_object_get_object_member (json_node_get_object (tip), l->data);
        gint64 *st = g_hash_table_lookup (tcp, l->data);

        g_assert_nonnull (st);
        g_assert_cmpint (json_object_get_int_member (e, "sent_packets"), ==, st[0]);
        g_assert_cmpint (json_object_get_int_member (e, "sent_bytes"), ==, st[1]);
        g_assert_cmpint (json_object_get_int_member (e, "recv_packets"), ==, st[2]);
        g_assert_cmpint (json_object_get_int_member (e, "recv_bytes"), ==, st[3]);
      }
    g_list_free (members);
  }

  theirs = load_flows (orig, keep);
  ours = load_flows (out, keep);

  /* Every connection of the original is ours too, with the same state,
   * close type, invalid reason and packets, except where a refused SYN was
   * retried after its RST: the original kept the attempts in one flow, we
   * complete a flow on RST and start a new one (exactly one such key in
   * this sample: 14.52.0.146:60138-172.28.96.96:932, SYN RST+ACK SYN
   * RST+ACK). Phase names differ only where the original called a pure ACK
   * "data" because it took the frame length for the payload (§11). */
  g_assert_cmpuint (g_hash_table_size (ours), ==, g_hash_table_size (theirs));
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

          g_assert_cmpstr (ov->state, ==, tv->state);
          g_assert_cmpstr (ov->close_type, ==, tv->close_type);
          g_assert_cmpstr (ov->reason, ==, tv->reason);
          g_assert_cmpuint (ov->packets->len, ==, tv->packets->len);
          for (guint i = 0; i < ov->packets->len; i++)
            g_assert_cmpstr (ov->packets->pdata[i], ==, tv->packets->pdata[i]);
          g_assert_cmpint (json_object_get_int_member (ov->obj, "totalPackets"), ==,
                           json_object_get_int_member (tv->obj, "totalPackets"));
          g_assert_cmpint (json_object_get_int_member (ov->obj, "totalBytes"), ==,
                           json_object_get_int_member (tv->obj, "totalBytes"));
          g_assert_true (json_object_get_boolean_member (ov->obj, "establishmentComplete")
                         == json_object_get_boolean_member (tv->obj, "establishmentComplete"));
          g_assert_true (json_object_get_boolean_member (ov->obj, "dataTransferStarted")
                         == json_object_get_boolean_member (tv->obj, "dataTransferStarted"));
          {
            g_autoptr(GHashTable) oph = phase_map (ov->obj);
            g_autoptr(GHashTable) tph = phase_map (tv->obj);
            GHashTableIter pit;
            gpointer pk, pv;

            g_assert_cmpuint (g_hash_table_size (oph), ==, g_hash_table_size (tph));
            g_hash_table_iter_init (&pit, tph);
            while (g_hash_table_iter_next (&pit, &pk, &pv))
              {
                const char *on = g_hash_table_lookup (oph, pk);

                g_assert_nonnull (on);
                if (strcmp (on, pv) != 0)
                  {
                    /* "data" by frame length; ours: a pure ACK, in data
                     * transfer or in the close */
                    g_assert_cmpstr (pv, ==, "data");
                    g_assert_true (strcmp (on, "ack_data") == 0 || strcmp (on, "ack_close") == 0);
                    relabelled++;
                  }
              }
          }
          same++;
        }
      else
        {
          guint n = 0;

          g_assert_cmpstr (tv->reason, ==, "rst_during_handshake");
          for (guint i = 0; i < o->len; i++)
            {
              FlowView *ov = o->pdata[i];

              g_assert_cmpstr (ov->reason, ==, "rst_during_handshake");
              g_assert_true (g_str_has_suffix (ov->packets->pdata[0], "/2/2"));     /* SYN */
              for (guint j = 0; j < ov->packets->len; j++)
                g_assert_cmpstr (ov->packets->pdata[j], ==, tv->packets->pdata[n + j]);
              n += ov->packets->len;
            }
          g_assert_cmpuint (n, ==, tv->packets->len);
          g_assert_cmpstr (k, ==, "14.52.0.146:60138-172.28.96.96:932");
          split++;
        }
    }
  g_test_message ("%u flows identical, %u keys split at a RST, %u phases renamed data -> ack_data",
                  same, split, relabelled);
  g_assert_cmpuint (same, ==, 99);
  g_assert_cmpuint (split, ==, 1);
  g_assert_cmpuint (relabelled, >, 0);
  ta_test_rm_rf (tmp);
}

/* The original loader's flow classes on `gen_packets.py --packets 200000
 * --seed 2`, "state/closeType/invalidReason" with "-" for
 * null. */
static const struct { const char *cls; guint64 count; } original_classes[] = {
  { "closed/graceful/-", 2667 },
  { "aborted/abortive/-", 520 },
  { "invalid/invalid/rst_during_handshake", 309 },
  { "ongoing/open/-", 254 },
  { "invalid/invalid/incomplete_no_synack", 177 },
  { "invalid/invalid/incomplete_no_ack", 81 },
  { "new/-/-", 27 },
  { "invalid/invalid/invalid_synack", 1 },
};

static char *
index_class (JsonObject *e)
{
  JsonNode *ct = json_object_get_member (e, "closeType");
  JsonNode *ir = json_object_get_member (e, "invalidReason");

  return g_strdup_printf ("%s/%s/%s", json_object_get_string_member (e, "state"),
                          json_node_is_null (ct) ? "-" : json_node_get_string (ct),
                          json_node_is_null (ir) ? "-" : json_node_get_string (ir));
}

static gboolean
within_5_percent (guint64 ours,
                  guint64 theirs)
{
  /* 5 % of the original's count, at least 1 flow for tiny classes */
  return (ours > theirs ? ours - theirs : theirs - ours) * 20 <= MAX (theirs, 20);
}

static void
test_generated_classes (void)
{
  const char *gen = g_getenv ("TA_GEN_PACKETS");
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_autofree char *csv = g_build_filename (tmp, "in.csv", NULL);
  g_autofree char *map = g_build_filename (tmp, "map.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *cmd = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) classes = NULL;
  g_autoptr(GHashTable) first_of_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) by_first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonNode) index = NULL;
  JsonArray *arr;
  guint64 total = 0, extra = 0;

  if (gen == NULL)
    {
      /* the original's counts were taken on that generator's output */
      g_test_skip ("needs $TA_GEN_PACKETS (the reference material's gen_packets.py; .ci/run sets it)");
      ta_test_rm_rf (tmp);
      return;
    }
  cmd = g_strdup_printf ("python3 '%s' --packets 200000 --seed 2 --out '%s' --ip-map '%s'",
                         gen, csv, map);
  g_assert_cmpint (system (cmd), ==, 0);
  g_assert_true (extract (csv, map, out, 200, &classes, &error));
  g_assert_no_error (error);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);

  /* Our flows per key: the original read this file in one 500 000-row
   * chunk, so it made exactly one flow per connection key. We complete a
   * flow on RST and start a new one when the same 4-tuple comes back. */
  index = parse_file (out, "flows/flows_index.json");
  arr = json_node_get_array (index);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *e = json_array_get_object_element (arr, i);
      const char *key = json_object_get_string_member (e, "key");
      char *cls = index_class (e);

      total++;
      if (!g_hash_table_contains (first_of_key, key))
        g_hash_table_insert (first_of_key, g_strdup (key), cls);
      else
        {
          /* every repeated key is a refused connection attempt retried after
           * the RST that refused the previous one */
          g_assert_cmpstr (cls, ==, "invalid/invalid/rst_during_handshake");
          extra++;
          g_free (cls);
        }
    }
  /* index entries are in completion order; take each key's lowest id */
  {
    g_autoptr(GHashTable) lowest = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer k, v;

    for (guint i = 0; i < json_array_get_length (arr); i++)
      {
        JsonObject *e = json_array_get_object_element (arr, i);
        const char *key = json_object_get_string_member (e, "key");
        JsonObject *prev = g_hash_table_lookup (lowest, key);

        if (prev == NULL || strcmp (json_object_get_string_member (e, "id"),
                                    json_object_get_string_member (prev, "id")) < 0)
          g_hash_table_insert (lowest, (gpointer) key, e);
      }
    g_hash_table_iter_init (&it, lowest);
    while (g_hash_table_iter_next (&it, &k, &v))
      {
        char *cls = index_class (v);
        guint64 *n = g_hash_table_lookup (by_first, cls);

        if (n == NULL)
          {
            n = g_new0 (guint64, 1);
            g_hash_table_insert (by_first, cls, n);
          }
        else
          g_free (cls);
        (*n)++;
      }
  }

  g_test_message ("class / original / ours (flows) / ours (first flow per key)");
  for (guint i = 0; i < G_N_ELEMENTS (original_classes); i++)
    {
      guint64 *ours = g_hash_table_lookup (classes, original_classes[i].cls);
      guint64 *first = g_hash_table_lookup (by_first, original_classes[i].cls);

      g_assert_nonnull (ours);
      g_assert_nonnull (first);
      g_test_message ("%s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                      original_classes[i].cls, original_classes[i].count, *ours, *first);
      /* per connection key, every class agrees with the original */
      g_assert_true (within_5_percent (*first, original_classes[i].count));
      if (strcmp (original_classes[i].cls, "invalid/invalid/rst_during_handshake") == 0)
        /* our extra flows are exactly the retried attempts */
        g_assert_cmpuint (*ours, ==, *first + extra);
      else
        g_assert_true (within_5_percent (*ours, original_classes[i].count));
    }
  /* no class the original did not have */
  g_assert_cmpuint (g_hash_table_size (classes), ==, G_N_ELEMENTS (original_classes));
  g_assert_cmpuint (g_hash_table_size (first_of_key) + extra, ==, total);
  g_test_message ("flows %" G_GUINT64_FORMAT ", keys %u, retried attempts %" G_GUINT64_FORMAT,
                  total, g_hash_table_size (first_of_key), extra);
  ta_test_rm_rf (tmp);
}

/* ------------------------------------------------------- writer units */

static TaPacket
pk (gint64  ts,
    guint32 src,
    guint16 sport,
    guint32 dst,
    guint16 dport,
    guint8  proto,
    guint   flags,
    guint32 length)
{
  TaPacket p;

  memset (&p, 0, sizeof p);
  p.ts = ts;
  p.src = src;
  p.dst = dst;
  p.sport = sport;
  p.dport = dport;
  p.proto = proto;
  p.flags = flags;
  p.seq = 100;
  p.ack = flags & TA_TCP_ACK ? 200 : 0;
  p.length = length;
  p.pflags = TA_PKT_HAS_PORTS;
  p.label = TA_LABEL_NONE;
  return p;
}

typedef struct
{
  TaAddrTable *addrs;
  guint32      a, b, c, d, q;
} Hosts;

static void
hosts_init (Hosts *h)
{
  h->addrs = ta_addr_table_new ();
  h->a = ta_addr_table_intern_text (h->addrs, "10.0.0.1", -1);
  h->b = ta_addr_table_intern_text (h->addrs, "172.28.1.2", -1);
  h->c = ta_addr_table_intern_text (h->addrs, "2001:db8::1", -1);
  h->d = ta_addr_table_intern_text (h->addrs, "9.9.9.9", -1);
  h->q = ta_addr_table_intern_text (h->addrs, "odd\"name,x", -1);
}

#define T0 G_GINT64_CONSTANT (1257254400000000)

/* 3 TCP connections, UDP and ICMP rows, IPv6, an odd opaque name and a row
 * whose flags were not a number */
static void
write_sample (Hosts       *h,
              const char  *out,
              guint        chunk_size,
              gboolean     force,
              GError     **error)
{
  g_autoptr(TaFolderWriter) w = NULL;
  TaFolderWriterOptions opts = { chunk_size, 0, force };
  const char *files[] = { "a.csv", "b.csv.gz", NULL };
  const char *ips[] = { "10.0.0.1", "17", NULL };
  TaManifestInfo info = { files, "ddos", ips, TRUE, 20954244 * G_GINT64_CONSTANT (60000000),
                          TRUE, 20954245 * G_GINT64_CONSTANT (60000000) + 30000000 };
  TaPacket p[] = {
    pk (T0 + 0, h->a, 40000, h->b, 80, 6, TA_TCP_SYN, 74),
    pk (T0 + 10, h->a, 53000, h->d, 53, 17, 0, 80),
    pk (T0 + 20, h->b, 80, h->a, 40000, 6, TA_TCP_RST | TA_TCP_ACK, 54),
    pk (T0 + 30, h->c, 1234, h->b, 443, 6, TA_TCP_PSH | TA_TCP_ACK, 300),
    pk (T0 + 40, h->d, 0, h->a, 0, 1, 0, 98),
    pk (T0 + 50, h->q, 5, h->b, 6, 6, TA_TCP_ACK, 60),
    pk (T0 + 60, h->b, 443, h->c, 1234, 6, TA_TCP_ACK, 66),
    pk (T0 + 1000, h->a, 40001, h->b, 80, 6, TA_TCP_SYN, 74),
  };

  p[4].pflags = 0;
  p[5].pflags |= TA_PKT_FLAGS_INVALID;
  w = ta_folder_writer_new (out, &opts, h->addrs, error);
  if (w == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (p); i++)
    if (!ta_folder_writer_add (w, &p[i], error))
      return;
  ta_folder_writer_finish (w, &info, error);
}

static void
test_writer_sample (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *csv_path = g_build_filename (out, "packets.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *manifest_path = g_build_filename (out, "manifest.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonNode) ipstats = NULL;
  g_autoptr(JsonNode) flags = NULL;
  g_autoptr(JsonNode) uniq = NULL;
  g_autoptr(JsonNode) index = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *m, *fa;
  JsonArray *u;
  Hosts h;

  hosts_init (&h);
  write_sample (&h, out, 2, FALSE, &error);
  g_assert_no_error (error);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (tmp), ==, 1);   /* no temporary left */

  /* compact JSON that json-glib parses */
  g_assert_true (g_file_get_contents (manifest_path, &manifest_text, NULL, NULL));
  g_assert_null (strchr (manifest_text, '\n'));
  manifest = parse_file (out, "manifest.json");
  m = json_node_get_object (manifest);
  g_assert_cmpstr (json_object_get_string_member (m, "version"), ==, "2.0");
  g_assert_cmpstr (json_object_get_string_member (m, "format"), ==, "chunked");
  g_assert_cmpint (json_object_get_int_member (m, "total_packets"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (m, "tcp_packets"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (m, "unique_ips"), ==, 5);
  /* a:40000 (SYN RST+ACK), c:1234, q:5, a:40001 */
  g_assert_cmpint (json_object_get_int_member (m, "total_flows"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (m, "flows_per_chunk"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (m, "total_chunks"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (m, "time_range"), "start"), ==, T0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (m, "time_range"), "end"), ==, T0 + 1000);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (m, "time_range"), "duration"), ==, 1000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "source_files")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (m, "source_files"), 1), ==, "b.csv.gz");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (m, "attack_context"), "type"), ==, "ddos");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (m, "attack_context"), "source"), ==, "attack_timearcs_selection");
  fa = json_object_get_object_member (m, "filter_applied");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fa, "ips")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (fa, "time_start_us"), ==, G_GINT64_CONSTANT (1257254640000000));
  g_assert_cmpint (json_object_get_int_member (fa, "time_start_minutes"), ==, 20954244);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (fa, "time_end_minutes"), 20954245.5, 1e-6);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (m, "structure"), "flows_index"), ==, "flows/flows_index.json");

  /* packets.csv: every protocol, arrival order, dotted addresses */
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10);
  g_assert_cmpstr (lines[0], ==, "timestamp,src_ip,dst_ip,src_port,dst_port,flags,flag_type,seq_num,ack_num,length,protocol");
  g_assert_cmpstr (lines[1], ==, "1257254400000000,10.0.0.1,172.28.1.2,40000,80,2,SYN,100,0,74,6");
  g_assert_cmpstr (lines[2], ==, "1257254400000010,10.0.0.1,9.9.9.9,53000,53,0,NONE,100,0,80,17");
  g_assert_cmpstr (lines[3], ==, "1257254400000020,172.28.1.2,10.0.0.1,80,40000,20,RST+ACK,100,200,54,6");
  g_assert_cmpstr (lines[4], ==, "1257254400000030,2001:db8::1,172.28.1.2,1234,443,24,PSH+ACK,100,200,300,6");
  g_assert_cmpstr (lines[6], ==, "1257254400000050,\"odd\"\"name,x\",172.28.1.2,5,6,16,INVALID,100,200,60,6");
  g_assert_cmpstr (lines[9], ==, "");

  /* ip_stats over every protocol (9.9.9.9 is only in UDP/ICMP rows) */
  ipstats = parse_file (out, "ips/ip_stats.json");
  {
    JsonObject *s9 = json_object_get_object_member (json_node_get_object (ipstats), "9.9.9.9");
    JsonObject *sa = json_object_get_object_member (json_node_get_object (ipstats), "10.0.0.1");

    g_assert_nonnull (s9);
    g_assert_cmpint (json_object_get_int_member (s9, "sent_packets"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (s9, "recv_packets"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (s9, "sent_bytes"), ==, 98);
    g_assert_cmpint (json_object_get_int_member (s9, "recv_bytes"), ==, 80);
    g_assert_cmpint (json_object_get_int_member (sa, "sent_packets"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (sa, "recv_packets"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (sa, "first_ts"), ==, T0);
    g_assert_cmpint (json_object_get_int_member (sa, "last_ts"), ==, T0 + 1000);
  }
  /* flag_stats: TCP only */
  flags = parse_file (out, "ips/flag_stats.json");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (flags), "SYN"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (flags), "RST+ACK"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (flags), "INVALID"), ==, 1);
  g_assert_false (json_object_has_member (json_node_get_object (flags), "NONE"));
  /* unique_ips sorted */
  uniq = parse_file (out, "ips/unique_ips.json");
  u = json_node_get_array (uniq);
  g_assert_cmpuint (json_array_get_length (u), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (u, 0), ==, "10.0.0.1");
  g_assert_cmpstr (json_array_get_string_element (u, 1), ==, "172.28.1.2");
  g_assert_cmpstr (json_array_get_string_element (u, 2), ==, "2001:db8::1");
  g_assert_cmpstr (json_array_get_string_element (u, 3), ==, "9.9.9.9");
  g_assert_cmpstr (json_array_get_string_element (u, 4), ==, "odd\"name,x");

  /* flows: completion order, ids at creation */
  index = parse_file (out, "flows/flows_index.json");
  {
    JsonArray *ix = json_node_get_array (index);
    JsonObject *f0 = json_array_get_object_element (ix, 0);
    JsonObject *f3 = json_array_get_object_element (ix, 3);

    g_assert_cmpuint (json_array_get_length (ix), ==, 4);
    /* the RST completes flow 1 first */
    g_assert_cmpstr (json_object_get_string_member (f0, "id"), ==, "flow_000001");
    g_assert_cmpstr (json_object_get_string_member (f0, "key"), ==, "10.0.0.1:40000-172.28.1.2:80");
    g_assert_cmpstr (json_object_get_string_member (f0, "state"), ==, "invalid");
    g_assert_cmpstr (json_object_get_string_member (f0, "closeType"), ==, "invalid");
    g_assert_cmpstr (json_object_get_string_member (f0, "invalidReason"), ==, "rst_during_handshake");
    g_assert_cmpstr (json_object_get_string_member (f0, "initiator"), ==, "10.0.0.1");
    g_assert_cmpint (json_object_get_int_member (f0, "responderPort"), ==, 80);
    g_assert_cmpstr (json_object_get_string_member (f0, "chunk_file"), ==, "chunk_00000.json");
    g_assert_cmpint (json_object_get_int_member (f0, "chunk_index"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (f0, "totalBytes"), ==, 128);
    /* the rest at the end of input, in id order */
    g_assert_cmpstr (json_object_get_string_member (f3, "id"), ==, "flow_000004");
    g_assert_cmpstr (json_object_get_string_member (f3, "chunk_file"), ==, "chunk_00001.json");
    g_assert_cmpint (json_object_get_int_member (f3, "chunk_index"), ==, 1);
    g_assert_true (json_node_is_null (json_object_get_member (json_array_get_object_element (ix, 2), "initiator")));
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ix, 2), "key"), ==,
                     "172.28.1.2:6-odd\"name,x:5");
  }
  {
    g_autoptr(JsonNode) chunk = parse_file (out, "flows/chunk_00000.json");
    JsonObject *f0 = json_array_get_object_element (json_node_get_array (chunk), 0);
    JsonObject *syn = json_object_get_object_member (f0, "synPacket");
    JsonArray *closing = json_object_get_array_member (json_object_get_object_member (f0, "phases"), "closing");

    g_assert_cmpint (json_object_get_int_member (syn, "timestamp"), ==, T0);
    g_assert_cmpstr (json_object_get_string_member (syn, "flag_type"), ==, "SYN");
    g_assert_cmpint (json_object_get_int_member (f0, "expectedAckNum"), ==, 101);
    g_assert_true (json_node_is_null (json_object_get_member (f0, "expectedSeqNum")));
    g_assert_true (json_node_is_null (json_object_get_member (f0, "synAckPacket")));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (f0, "invalidPacket"), "flags"), ==, 20);
    g_assert_cmpuint (json_array_get_length (closing), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (closing, 0), "phase"), ==, "rst");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (closing, 0), "description"), ==, "Connection Aborted");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (f0, "packets")), ==, 2);
  }
  ta_addr_table_free (h.addrs);
  ta_test_rm_rf (tmp);
}

/* §11: the original's bins dropped the last packet (the last bin is
 * half-open at the maximum). Ours are its bins with the maximum included. */
static void
test_bins_exact (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaFolderWriter) w = NULL;
  g_autoptr(JsonNode) bins = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  TaFolderWriterOptions opts = { 0, 0, FALSE };
  guint64 expect[100] = { 0 };
  const guint N = 30000;
  gint64 lo = T0 + 17, hi = T0 + 17 + 123456789;
  double width = (double) (hi - lo) / 100;
  JsonArray *arr;
  Hosts h;
  guint64 sum = 0;

  hosts_init (&h);
  w = ta_folder_writer_new (out, &opts, h.addrs, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N; i++)
    {
      /* first and last packets at lo and hi, the rest anywhere, some exactly
       * on bin edges; out of time order across connections */
      gint64 ts = i == 0 ? lo : i == N - 1 ? hi
                  : i % 7 == 0 ? (gint64) ((double) lo + (i % 100) * width)
                  : lo + g_rand_int_range (rand, 0, (gint32) (hi - lo));
      TaPacket p = pk (ts, h.a, 1000 + i % 50, h.b, 80, 17, 0, 60);
      gint bin;

      g_assert_true (ta_folder_writer_add (w, &p, &error));
      /* reference: the original's rule, bin i = [lo + i·w, lo + (i+1)·w) */
      for (bin = 0; bin < 100; bin++)
        if ((double) lo + bin * width <= (double) ts && (double) ts < (double) lo + (bin + 1) * width)
          break;
      if (bin == 100)
        {
          g_assert_cmpint (ts, ==, hi);   /* only the maximum falls outside */
          bin = 99;
        }
      expect[bin]++;
    }
  g_assert_true (ta_folder_writer_finish (w, NULL, &error));
  bins = parse_file (out, "indices/bins.json");
  arr = json_node_get_array (bins);
  g_assert_cmpuint (json_array_get_length (arr), ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      JsonObject *b = json_array_get_object_element (arr, i);

      g_assert_cmpint (json_object_get_int_member (b, "bin"), ==, i);
      g_assert_cmpint (json_object_get_int_member (b, "start"), ==, (gint64) ((double) lo + i * width));
      g_assert_cmpint (json_object_get_int_member (b, "end"), ==, (gint64) ((double) lo + (i + 1) * width));
      g_assert_cmpint (json_object_get_int_member (b, "count"), ==, expect[i]);
      sum += json_object_get_int_member (b, "count");
    }
  g_assert_cmpuint (sum, ==, N);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);
  ta_test_rm_rf (out);
  g_clear_pointer (&w, ta_folder_writer_free);

  /* one timestamp: one bin; no packets: no bins */
  {
    TaPacket p = pk (T0, h.a, 1, h.b, 2, 17, 0, 60);

    w = ta_folder_writer_new (out, &opts, h.addrs, &error);
    g_assert_true (ta_folder_writer_add (w, &p, &error));
    g_assert_true (ta_folder_writer_add (w, &p, &error));
    g_assert_true (ta_folder_writer_finish (w, NULL, &error));
    g_clear_pointer (&bins, json_node_unref);
    bins = parse_file (out, "indices/bins.json");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (bins)), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (bins), 0), "count"), ==, 2);
    ta_test_rm_rf (out);
    g_clear_pointer (&w, ta_folder_writer_free);

    w = ta_folder_writer_new (out, &opts, h.addrs, &error);
    g_assert_true (ta_folder_writer_finish (w, NULL, &error));
    g_clear_pointer (&bins, json_node_unref);
    bins = parse_file (out, "indices/bins.json");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (bins)), ==, 0);
    ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
    g_assert_no_error (error);
  }
  ta_addr_table_free (h.addrs);
  ta_test_rm_rf (tmp);
}

/* A flow bigger than the writer's per-flow formatting cache is written
 * packet by packet, all packets listed */
static void
test_huge_flow (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaFolderWriter) w = NULL;
  g_autoptr(JsonNode) index = NULL;
  TaFolderWriterOptions opts = { 0, 0, FALSE };
  const guint N = 70000;
  JsonObject *e;
  Hosts h;

  hosts_init (&h);
  w = ta_folder_writer_new (out, &opts, h.addrs, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N; i++)
    {
      TaPacket p = i % 2 ? pk (T0 + i, h.b, 80, h.a, 5555, 6, TA_TCP_ACK, 66)
                         : pk (T0 + i, h.a, 5555, h.b, 80, 6, TA_TCP_ACK | TA_TCP_PSH, 500);

      g_assert_true (ta_folder_writer_add (w, &p, &error));
    }
  g_assert_true (ta_folder_writer_finish (w, NULL, &error));
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);
  index = parse_file (out, "flows/flows_index.json");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (index)), ==, 1);
  e = json_array_get_object_element (json_node_get_array (index), 0);
  g_assert_cmpint (json_object_get_int_member (e, "totalPackets"), ==, N);
  g_assert_cmpstr (json_object_get_string_member (e, "state"), ==, "new");
  ta_addr_table_free (h.addrs);
  ta_test_rm_rf (tmp);
}

static void
test_atomic (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *keep = g_build_filename (out, "keep.txt", NULL);
  g_autofree char *manifest = g_build_filename (out, "manifest.json", NULL);
  g_autoptr(GError) error = NULL;
  TaFolderWriterOptions opts = { 0, 0, FALSE };
  Hosts h;

  hosts_init (&h);

  /* an existing non-empty folder is refused and left alone */
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  ta_test_write_file (keep, "mine", -1);
  write_sample (&h, out, 0, FALSE, &error);
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, out));
  g_clear_error (&error);
  g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (tmp), ==, 1);

  /* --force does not replace it either: it is not a subset folder */
  write_sample (&h, out, 0, TRUE, &error);
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "not a TimeArcs subset folder"));
  g_clear_error (&error);
  g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (tmp), ==, 1);

  /* a subset folder: refused without --force, replaced with it */
  ta_test_rm_rf (out);
  write_sample (&h, out, 1, FALSE, &error);
  g_assert_no_error (error);
  ta_test_write_file (keep, "mine", -1);
  write_sample (&h, out, 0, FALSE, &error);
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_clear_error (&error);
  write_sample (&h, out, 0, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (keep, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (tmp), ==, 1);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);

  /* an empty folder is used */
  ta_test_rm_rf (out);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  write_sample (&h, out, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
  ta_test_rm_rf (out);

  /* a plain file in the way is refused, even forced, and kept */
  ta_test_write_file (out, "x", -1);
  write_sample (&h, out, 0, FALSE, &error);
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_clear_error (&error);
  write_sample (&h, out, 0, TRUE, &error);
  g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "not a folder"));
  g_clear_error (&error);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  ta_test_rm_rf (out);

  /* abort and free-without-finish remove the temporary folder */
  {
    TaFolderWriter *w = ta_folder_writer_new (out, &opts, h.addrs, &error);
    TaPacket p = pk (T0, h.a, 1, h.b, 2, 6, TA_TCP_SYN, 60);

    g_assert_no_error (error);
    g_assert_true (ta_folder_writer_add (w, &p, &error));
    g_assert_cmpuint (count_entries (tmp), ==, 1);    /* .out.partial-XXXXXX */
    ta_folder_writer_abort (w);
    ta_folder_writer_abort (w);
    g_assert_cmpuint (count_entries (tmp), ==, 0);
    ta_folder_writer_free (w);

    w = ta_folder_writer_new (out, &opts, h.addrs, &error);
    g_assert_true (ta_folder_writer_add (w, &p, &error));
    ta_folder_writer_free (w);
    g_assert_cmpuint (count_entries (tmp), ==, 0);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }

  /* an unwritable location is a clear error naming the path */
  {
    g_autofree char *file = g_build_filename (tmp, "plain", NULL);
    g_autofree char *below = g_build_filename (file, "sub", "out", NULL);
    TaFolderWriter *w;

    ta_test_write_file (file, "x", -1);
    w = ta_folder_writer_new (below, &opts, h.addrs, &error);
    g_assert_null (w);
    g_assert_error (error, TA_ERROR, TA_ERROR_IO);
    g_assert_nonnull (strstr (error->message, file));
    g_clear_error (&error);

    if (geteuid () != 0)
      {
        g_autofree char *ro = g_build_filename (tmp, "ro", NULL);
        g_autofree char *inside = g_build_filename (ro, "out", NULL);

        g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);
        w = ta_folder_writer_new (inside, &opts, h.addrs, &error);
        g_assert_null (w);
        g_assert_error (error, TA_ERROR, TA_ERROR_IO);
        g_assert_nonnull (strstr (error->message, ro));
        g_clear_error (&error);
        g_chmod (ro, 0755);
      }
  }

  /* the output folder appeared between new() and finish(): refused */
  {
    TaFolderWriter *w = ta_folder_writer_new (out, &opts, h.addrs, &error);
    TaPacket p = pk (T0, h.a, 1, h.b, 2, 6, TA_TCP_SYN, 60);

    g_assert_no_error (error);
    g_assert_true (ta_folder_writer_add (w, &p, &error));
    g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
    ta_test_write_file (keep, "late", -1);
    g_assert_false (ta_folder_writer_finish (w, NULL, &error));
    g_assert_error (error, TA_ERROR, TA_ERROR_EXISTS);
    g_clear_error (&error);
    ta_folder_writer_free (w);
    g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (count_entries (tmp), ==, 2);    /* out, plain */
  }
  ta_addr_table_free (h.addrs);
  ta_test_rm_rf (tmp);
}

/* The checker finds what the original web viewer would trip on */
static void
test_checker_detects (void)
{
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *chunk = g_build_filename (out, "flows", "chunk_00000.json", NULL);
  g_autofree char *csv = g_build_filename (out, "packets.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *csv_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) edited = NULL;
  char *p;
  Hosts h;

  hosts_init (&h);
  write_sample (&h, out, 2, FALSE, &error);
  g_assert_no_error (error);

  /* drop the second packet of flow_000001 from its packets list, as the
   * original did for the packet that made a flow invalid (§11) */
  g_assert_true (g_file_get_contents (chunk, &text, NULL, NULL));
  p = strstr (text, "\"packets\":[");
  g_assert_nonnull (p);
  p = strstr (p, "},{");
  g_assert_nonnull (p);
  edited = g_string_new_len (text, p - text + 1);
  g_string_append (edited, strstr (p, "]"));
  ta_test_write_file (chunk, edited->str, -1);
  g_assert_false (ta_folder_check (out, TA_FOLDER_CHECK_DEFAULT, &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "flow_000001 lists 1 packets, but the flows index counts 2"));
  g_clear_error (&error);

  /* a truncated chunk */
  g_string_assign (edited, text);
  g_string_truncate (edited, edited->len / 2);
  ta_test_write_file (chunk, edited->str, -1);
  g_assert_false (ta_folder_check (out, TA_FOLDER_CHECK_DEFAULT, &error));
  g_assert_nonnull (strstr (error->message, "chunk_00000.json: not valid JSON: byte"));
  g_clear_error (&error);
  ta_test_write_file (chunk, text, -1);
  ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
  g_assert_no_error (error);

  /* a packets.csv row missing */
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  *strrchr (csv_text, ',') = '\0';
  *strrchr (csv_text, '\n') = '\0';
  strcat (csv_text, "\n");
  ta_test_write_file (csv, csv_text, -1);
  /* the app opens it (with a warning): check passes it with the note, and
   * --strict fails it */
  {
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
    gboolean noted = FALSE;

    g_assert_true (ta_folder_check_full (out, TA_FOLDER_CHECK_DEFAULT, notes, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < notes->len; i++)
      noted |= strstr (notes->pdata[i], "packets.csv has 7 rows") != NULL;
    g_assert_true (noted);
  }
  g_assert_false (ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error));
  g_assert_nonnull (strstr (error->message, "packets.csv has 7 rows"));
  g_clear_error (&error);

  /* a chunk file gone */
  g_assert_cmpint (g_unlink (chunk), ==, 0);
  /* the app cannot read that chunk's flows: check fails with its message */
  g_assert_false (ta_folder_check (out, TA_FOLDER_CHECK_DEFAULT, &error));
  g_assert_nonnull (strstr (error->message, "chunk_00000.json: cannot open"));
  g_clear_error (&error);

  g_assert_false (ta_folder_check (tmp, TA_FOLDER_CHECK_DEFAULT, &error));
  g_assert_nonnull (strstr (error->message, "manifest.json"));
  g_clear_error (&error);
  ta_addr_table_free (h.addrs);
  ta_test_rm_rf (tmp);
}

/* On every good capture sample our flows are tshark's TCP streams: one per
 * connection, a new one when a 4-tuple is reused, stray RSTs and
 * retransmissions after the end kept in their flow (the linger). */
static void
test_capture_streams (void)
{
  g_autofree char *expected = ta_test_data_path ("pcaps", "expected.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *tmp = ta_test_make_tmp_dir ("ta-folder-XXXXXX");
  g_auto(GStrv) lines = NULL;
  guint checked = 0;

  g_assert_true (g_file_get_contents (expected, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  /* file,format,linktype,packets,tcp_packets,tcp_conversations,... category
   * is column 8; only the first columns are needed, none of them quoted */
  for (guint i = 1; lines[i] && lines[i][0]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", 8);
      g_autofree char *path = NULL;
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) manifest = NULL;
      JsonObject *m;

      if (!g_str_has_prefix (f[0], "good/"))
        continue;
      path = ta_test_data_path ("pcaps", f[0], NULL);
      out = g_strdup_printf ("%s/out%u", tmp, i);
      g_assert_true (extract (path, NULL, out, 200, NULL, &error));
      g_assert_no_error (error);
      ta_folder_check (out, TA_FOLDER_CHECK_STRICT, &error);
      g_assert_no_error (error);
      manifest = parse_file (out, "manifest.json");
      m = json_node_get_object (manifest);
      g_test_message ("%s: %" G_GINT64_FORMAT " flows, tshark %s TCP streams", f[0],
                      json_object_get_int_member (m, "total_flows"), f[5]);
      g_assert_cmpint (json_object_get_int_member (m, "tcp_packets"), ==, g_ascii_strtoll (f[4], NULL, 10));
      g_assert_cmpint (json_object_get_int_member (m, "total_flows"), ==, g_ascii_strtoll (f[5], NULL, 10));
      checked++;
    }
  g_assert_cmpuint (checked, ==, 16);
  ta_test_rm_rf (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/folder/writer/sample", test_writer_sample);
  g_test_add_func ("/core/folder/writer/bins-exact", test_bins_exact);
  g_test_add_func ("/core/folder/writer/atomic", test_atomic);
  g_test_add_func ("/core/folder/writer/huge-flow", test_huge_flow);
  g_test_add_func ("/core/folder/check/detects", test_checker_detects);
  g_test_add_func ("/cli/folder/original-folder", test_original_folder);
  g_test_add_func ("/core/folder/capture-streams", test_capture_streams);
  g_test_add_func ("/core/folder/generated-classes", test_generated_classes);
  return g_test_run ();
}
