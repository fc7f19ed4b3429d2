/* ta-subset-folder-chunks.c — flow detail from the chunk files: a chunk
 * is scanned once for where its flows lie (TaChunkFile, outside the lock;
 * a small LRU keeps the scans), a flow is read and parsed alone, its
 * packets merged with its phase lists and invalid packet, and the details
 * kept in an LRU bounded by their packets. Before any read the folder is
 * checked to be the one opened.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-chunk-file.h"
#include "ta-error.h"
#include "ta-packet.h"
#include "ta-subset-folder-private.h"

#define CHUNK_CACHE_SIZE     8
#define DETAIL_CACHE_SIZE    512
#define DETAIL_CACHE_PACKETS (1u << 20)

/* A scanned chunk file; reference-counted (g_rc_box) so that a reader
 * outside the lock keeps it while the LRU drops it */
typedef struct
{
  char        *name;
  TaChunkFile *file;
} ChunkEntry;

static void
chunk_entry_clear (gpointer data)
{
  ChunkEntry *entry = data;

  g_free (entry->name);
  ta_chunk_file_free (entry->file);
}

static void
chunk_entry_release (ChunkEntry *entry)
{
  g_rc_box_release_full (entry, chunk_entry_clear);
}

typedef struct
{
  guint         flow;
  TaFlowDetail *detail;
} DetailEntry;

static void
detail_entry_free (DetailEntry *entry)
{
  ta_flow_detail_unref (entry->detail);
  g_free (entry);
}

/* A detail is allocated behind a small header holding its refcount */
typedef struct
{
  gatomicrefcount ref_count;
  gint            padding;
  TaFlowDetail    detail;
} DetailBox;

#define DETAIL_BOX(d) ((DetailBox *) (void *) ((char *) (d) - G_STRUCT_OFFSET (DetailBox, detail)))

TaFlowDetail *
ta_flow_detail_ref (TaFlowDetail *detail)
{
  g_atomic_ref_count_inc (&DETAIL_BOX (detail)->ref_count);
  return detail;
}

void
ta_flow_detail_unref (TaFlowDetail *detail)
{
  DetailBox *box;

  if (detail == NULL)
    return;
  box = DETAIL_BOX (detail);
  if (!g_atomic_ref_count_dec (&box->ref_count))
    return;
  g_free (box->detail.packets);
  g_free (box);
}

static TaFlowDetail *
flow_detail_new (void)
{
  DetailBox *box = g_new0 (DetailBox, 1);

  g_atomic_ref_count_init (&box->ref_count);
  return &box->detail;
}

/* Called with the mutex held (interns addresses) */
static gboolean
parse_chunk_packet (TaSubsetFolder  *self,
                    JsonNode        *node,
                    const char      *file,
                    const char      *where,
                    TaFlowPacket    *out,
                    GError         **error)
{
  JsonObject *o;
  const char *s;
  gint64 v;

  memset (out, 0, sizeof *out);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: %sa packet is not an object"),
                   file, where);
      return FALSE;
    }
  o = json_node_get_object (node);
  if (!ta_folder_json_get_int (o, file, where, "timestamp", TRUE, 0, MAX_TIME_US, 0, &out->ts, error))
    return FALSE;
  if (!ta_folder_json_get_string (o, file, where, "src_ip", TRUE, &s, error))
    return FALSE;
  out->src = ta_addr_table_intern_text (self->addrs, s, -1);
  if (!ta_folder_json_get_string (o, file, where, "dst_ip", TRUE, &s, error))
    return FALSE;
  out->dst = ta_addr_table_intern_text (self->addrs, s, -1);
  if (!ta_folder_json_get_int (o, file, where, "src_port", FALSE, 0, 65535, 0, &v, error))
    return FALSE;
  out->sport = v;
  if (!ta_folder_json_get_int (o, file, where, "dst_port", FALSE, 0, 65535, 0, &v, error))
    return FALSE;
  out->dport = v;
  if (!ta_folder_json_get_int (o, file, where, "flags", FALSE, 0, 255, 0, &v, error))
    return FALSE;
  out->flags = v;
  if (!ta_folder_json_get_int (o, file, where, "seq_num", FALSE, 0, G_MAXUINT32, 0, &v, error))
    return FALSE;
  out->seq = v;
  if (!ta_folder_json_get_int (o, file, where, "ack_num", FALSE, 0, G_MAXUINT32, 0, &v, error))
    return FALSE;
  out->ack = v;
  if (!ta_folder_json_get_int (o, file, where, "length", FALSE, 0, G_MAXUINT32, 0, &v, error))
    return FALSE;
  out->length = v;
  if (!ta_folder_json_get_int (o, file, where, "protocol", FALSE, 0, 255, 6, &v, error))
    return FALSE;
  out->proto = v;
  out->fclass = ta_flag_class_from_flags (out->flags, out->proto);
  return TRUE;
}

static gboolean
same_packet (const TaFlowPacket *a,
             const TaFlowPacket *b)
{
  return a->ts == b->ts && a->src == b->src && a->dst == b->dst && a->seq == b->seq
         && a->ack == b->ack && a->flags == b->flags && a->length == b->length;
}

static gint
compare_flow_packets (gconstpointer a,
                      gconstpointer b,
                      gpointer      data)
{
  const TaFlowPacket *pa = a, *pb = b;

  return pa->ts < pb->ts ? -1 : pa->ts > pb->ts;
}

/* Adds @pkt (from a phase list or invalidPacket) to @packets unless it is
 * already there; returns the packet in the array */
static TaFlowPacket *
merge_packet (GArray             *packets,
              const TaFlowPacket *pkt)
{
  for (guint i = 0; i < packets->len; i++)
    {
      TaFlowPacket *p = &g_array_index (packets, TaFlowPacket, i);

      if (same_packet (p, pkt))
        return p;
    }
  g_array_append_vals (packets, pkt, 1);
  return &g_array_index (packets, TaFlowPacket, packets->len - 1);
}

static TaFlowDetail *
parse_chunk_flow (TaSubsetFolder  *self,
                  JsonNode        *node,
                  const char      *file,
                  guint            index,
                  GError         **error)
{
  static const struct { const char *name; TaFlowPhase phase; } phase_lists[] = {
    { "establishment", TA_FLOW_PHASE_ESTABLISHMENT },
    { "dataTransfer", TA_FLOW_PHASE_DATA },
    { "closing", TA_FLOW_PHASE_CLOSING },
  };
  g_autoptr(GArray) packets = g_array_new (FALSE, TRUE, sizeof (TaFlowPacket));
  g_autofree char *where = g_strdup_printf (_("flow %u: "), index + 1);
  TaFlowDetail *detail;
  JsonObject *o, *phases = NULL;
  JsonNode *list;
  const char *id;
  TaFlowPacket pkt;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u is not an object"),
                   file, index + 1);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!ta_folder_json_get_string (o, file, where, "id", TRUE, &id, error))
    return NULL;

  list = json_object_get_member (o, "packets");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: %sfield “packets” must be an array"), file, where);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      if (!parse_chunk_packet (self, json_array_get_element (json_node_get_array (list), i),
                               file, where, &pkt, error))
        return NULL;
      pkt.in_packet_list = TRUE;
      g_array_append_val (packets, pkt);
    }

  if (!ta_folder_json_get_object (o, file, "phases", FALSE, &phases, error))
    return NULL;
  for (guint k = 0; phases != NULL && k < G_N_ELEMENTS (phase_lists); k++)
    {
      JsonNode *pl = json_object_get_member (phases, phase_lists[k].name);
      JsonArray *arr;

      if (pl == NULL || JSON_NODE_HOLDS_NULL (pl))
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (pl))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: %sfield “phases.%s” must be an array"), file, where,
                       phase_lists[k].name);
          return NULL;
        }
      arr = json_node_get_array (pl);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *en = json_array_get_element (arr, i);
          JsonObject *eo;
          JsonNode *pn;
          TaFlowPacket *p;
          const char *step = NULL, *desc = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (en))
            continue;
          eo = json_node_get_object (en);
          pn = json_object_get_member (eo, "packet");
          if (pn == NULL)
            continue;
          if (!parse_chunk_packet (self, pn, file, where, &pkt, error))
            return NULL;
          if (!ta_folder_json_get_string (eo, file, where, "phase", FALSE, &step, error)
              || !ta_folder_json_get_string (eo, file, where, "description", FALSE, &desc, error))
            return NULL;
          p = merge_packet (packets, &pkt);
          p->phase = phase_lists[k].phase;
          p->phase_step = step ? g_string_chunk_insert_const (self->strings, step) : NULL;
          p->description = desc ? g_string_chunk_insert_const (self->strings, desc) : NULL;
        }
    }

  list = json_object_get_member (o, "invalidPacket");
  if (list != NULL && JSON_NODE_HOLDS_OBJECT (list))
    {
      TaFlowPacket *p;

      if (!parse_chunk_packet (self, list, file, where, &pkt, error))
        return NULL;
      p = merge_packet (packets, &pkt);
      p->is_invalid_packet = TRUE;
    }

  /* g_qsort_with_data is a stable merge sort: equal timestamps keep file order */
  g_qsort_with_data (packets->data, packets->len, sizeof (TaFlowPacket), compare_flow_packets, NULL);

  detail = flow_detail_new ();
  detail->n_packets = packets->len;
  detail->packets = (TaFlowPacket *) (void *) g_array_free (g_steal_pointer (&packets), FALSE);
  detail->info.id = g_string_chunk_insert_const (self->strings, id);
  {
    gint64 es, ea;
    g_autoptr(GError) ignored = NULL;

    if (ta_folder_json_get_int (o, file, where, "expectedSeqNum", FALSE, 0, G_MAXUINT32, -1, &es, &ignored)
        && ta_folder_json_get_int (o, file, where, "expectedAckNum", FALSE, 0, G_MAXUINT32, -1, &ea, &ignored)
        && (es >= 0 || ea >= 0))
      {
        detail->has_expected = TRUE;
        detail->expected_seq = es;
        detail->expected_ack = ea;
      }
  }
  return detail;
}

/* Called with the mutex held: a cached scan of @name, now most recent,
 * with a reference for the caller */
static ChunkEntry *
find_cached_chunk (TaSubsetFolder *self,
                   const char     *name)
{
  for (GList *l = self->chunk_lru.head; l; l = l->next)
    if (strcmp (((ChunkEntry *) l->data)->name, name) == 0)
      {
        g_queue_unlink (&self->chunk_lru, l);
        g_queue_push_head_link (&self->chunk_lru, l);
        return g_rc_box_acquire (l->data);
      }
  return NULL;
}

/* The scan of a chunk file, from the cache or made now (without the lock) */
static ChunkEntry *
get_chunk (TaSubsetFolder  *self,
           const char      *name,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autofree char *path = g_build_filename (self->chunk_dir, name, NULL);
  g_autofree char *label = g_strdup_printf ("flows/%s", name);
  ChunkEntry *entry, *other;
  TaChunkFile *file;

  g_mutex_lock (&self->mutex);
  entry = find_cached_chunk (self, name);
  g_mutex_unlock (&self->mutex);
  if (entry != NULL)
    return entry;

  file = ta_chunk_file_open (path, label, cancellable, error);
  if (file == NULL)
    return NULL;
  entry = g_rc_box_new0 (ChunkEntry);
  entry->name = g_strdup (name);
  entry->file = file;

  g_mutex_lock (&self->mutex);
  /* another thread may have scanned it meanwhile */
  other = find_cached_chunk (self, name);
  if (other != NULL)
    {
      g_mutex_unlock (&self->mutex);
      chunk_entry_release (entry);
      return other;
    }
  g_queue_push_head (&self->chunk_lru, g_rc_box_acquire (entry));
  while (self->chunk_lru.length > CHUNK_CACHE_SIZE)
    chunk_entry_release (g_queue_pop_tail (&self->chunk_lru));
  g_mutex_unlock (&self->mutex);
  return entry;
}

/* Called with the mutex held: a cached detail of @flow, referenced */
static TaFlowDetail *
find_cached_detail (TaSubsetFolder *self,
                    guint           flow)
{
  for (GList *l = self->detail_lru.head; l; l = l->next)
    if (((DetailEntry *) l->data)->flow == flow)
      {
        g_queue_unlink (&self->detail_lru, l);
        g_queue_push_head_link (&self->detail_lru, l);
        return ta_flow_detail_ref (((DetailEntry *) l->data)->detail);
      }
  return NULL;
}

/* Called with the mutex held */
static void
cache_detail (TaSubsetFolder *self,
              guint           flow,
              TaFlowDetail   *detail)
{
  DetailEntry *entry = g_new0 (DetailEntry, 1);

  entry->flow = flow;
  entry->detail = ta_flow_detail_ref (detail);
  g_queue_push_head (&self->detail_lru, entry);
  self->detail_packets += detail->n_packets;
  while (self->detail_lru.length > 1
         && (self->detail_lru.length > DETAIL_CACHE_SIZE
             || self->detail_packets > DETAIL_CACHE_PACKETS))
    {
      DetailEntry *old = g_queue_pop_tail (&self->detail_lru);

      self->detail_packets -= old->detail->n_packets;
      detail_entry_free (old);
    }
}

/* TA_ERROR_CHANGED when manifest.json is no longer the file that was
 * opened: the folder was replaced or rewritten, and its chunks no longer
 * match the flows in memory */
gboolean
ta_subset_folder_check_unchanged (TaSubsetFolder  *self,
                                  GError         **error)
{
  g_autofree char *dir = g_file_get_path (self->file);
  g_autofree char *path = dir ? g_build_filename (dir, "manifest.json", NULL) : NULL;
  TaFileStamp now;

  if (path == NULL || !self->has_stamp)
    return TRUE;
  if (ta_file_stamp_path (path, &now) && ta_file_stamp_equal (&now, &self->manifest_stamp))
    return TRUE;
  g_set_error (error, TA_ERROR, TA_ERROR_CHANGED,
               _("%s changed on disk since it was opened (it was replaced or rewritten); "
                 "reload it to see its flows"), dir);
  return FALSE;
}

/* Flow @index of @file, read and checked as the flow panel shows it; with
 * @info (its flows index entry), the flow must be the one the index places
 * there and list as many packets as the index counts. `check` reads every
 * flow through this too. */
TaFlowDetail *
ta_subset_folder_read_chunk_flow (TaSubsetFolder    *self,
                                  TaChunkFile       *file,
                                  guint              index,
                                  const TaFlowInfo  *info,
                                  GCancellable      *cancellable,
                                  GError           **error)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *label = ta_chunk_file_get_label (file);
  TaFlowDetail *detail;
  guint64 listed = 0;

  if (index >= ta_chunk_file_get_n_flows (file))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %s is entry %u of this chunk, which holds only %u flows"),
                   label, info ? info->id : "?", index + 1, ta_chunk_file_get_n_flows (file));
      return NULL;
    }
  /* the read and the JSON parse, the slow parts, run without the lock */
  parser = ta_chunk_file_parse_flow (file, index, cancellable, error);
  if (parser == NULL)
    return NULL;

  g_mutex_lock (&self->mutex);
  detail = parse_chunk_flow (self, json_parser_get_root (parser), label, index, error);
  g_mutex_unlock (&self->mutex);
  if (detail == NULL || info == NULL)
    return detail;
  for (guint i = 0; i < detail->n_packets; i++)
    listed += detail->packets[i].in_packet_list;
  if (strcmp (detail->info.id, info->id) != 0)
    g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                 _("%s: entry %u holds flow %s, but the flows index places %s there"),
                 label, index + 1, detail->info.id, info->id);
  else if (listed != info->total_packets)
    g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                 _("%s: flow %s lists %llu packets, but the flows index counts %llu"),
                 label, info->id, (unsigned long long) listed,
                 (unsigned long long) info->total_packets);
  else
    {
      detail->info = *info;
      return detail;
    }
  ta_flow_detail_unref (detail);
  return NULL;
}

TaFlowDetail *
ta_subset_folder_get_flow_detail (TaSubsetFolder  *self,
                                  guint            flow,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  const TaFlowInfo *info;
  ChunkEntry *entry;
  TaFlowDetail *detail;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (flow < self->n_flows, NULL);

  if (!ta_subset_folder_check_unchanged (self, error))
    return NULL;
  info = &self->flows[flow];
  g_mutex_lock (&self->mutex);
  detail = find_cached_detail (self, flow);
  g_mutex_unlock (&self->mutex);
  if (detail != NULL)
    return detail;

  entry = get_chunk (self, info->chunk_file, cancellable, error);
  if (entry == NULL)
    return NULL;
  detail = ta_subset_folder_read_chunk_flow (self, entry->file, info->chunk_index, info,
                                             cancellable, error);
  chunk_entry_release (entry);
  if (detail != NULL)
    {
      g_mutex_lock (&self->mutex);
      cache_detail (self, flow, detail);
      g_mutex_unlock (&self->mutex);
    }
  return detail;
}

guint
ta_subset_folder_get_n_cached_chunks (TaSubsetFolder *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->chunk_lru.length;
  g_mutex_unlock (&self->mutex);
  return n;
}

void
ta_subset_folder_clear_chunks (TaSubsetFolder *self)
{
  g_queue_clear_full (&self->chunk_lru, (GDestroyNotify) chunk_entry_release);
  g_queue_clear_full (&self->detail_lru, (GDestroyNotify) detail_entry_free);
  self->detail_packets = 0;
}

static void
flow_detail_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TaSubsetFolder *self = task_data;
  guint flow = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flow"));
  GError *error = NULL;
  TaFlowDetail *detail;

  detail = ta_subset_folder_get_flow_detail (self, flow, cancellable, &error);
  if (detail == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, detail, (GDestroyNotify) ta_flow_detail_unref);
}

void
ta_subset_folder_get_flow_detail_async (TaSubsetFolder      *self,
                                        guint                flow,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (flow < self->n_flows);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ta_subset_folder_get_flow_detail_async);
  g_task_set_task_data (task, ta_subset_folder_ref (self), (GDestroyNotify) ta_subset_folder_unref);
  g_object_set_data (G_OBJECT (task), "flow", GUINT_TO_POINTER (flow));
  g_task_run_in_thread (task, flow_detail_thread);
}

TaFlowDetail *
ta_subset_folder_get_flow_detail_finish (TaSubsetFolder  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
