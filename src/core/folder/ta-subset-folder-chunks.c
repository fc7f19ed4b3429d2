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
#include <math.h>
#include <string.h>

#include "ta-chunk-file.h"
#include "ta-error.h"
#include "ta-json-load.h"
#include "ta-json-scan.h"
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

/* ----------------------------------------------- a flow's text, scanned
 *
 * A chunk flow is read with the streaming scanner rather than a DOM: a
 * flow of 50 packets costs a few microseconds instead of milliseconds, so
 * `check` can read every flow of a big folder. Called with the mutex held
 * (interns addresses and strings). */

typedef struct
{
  TaSubsetFolder *self;
  TaJsonScan     *sc;
  const char     *label;
  GError        **error;
  gboolean        failed;     /* *error is set */
} FlowScan;

G_GNUC_PRINTF (2, 3) static gboolean
flow_fail (FlowScan   *fs,
           const char *format,
           ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (fs->error, TA_ERROR, TA_ERROR_FORMAT, "%s: %s", fs->label, msg);
  fs->failed = TRUE;
  return FALSE;
}

/* After a member: TRUE to read another, FALSE at the closing @close
 * (*done) or on a syntax error */
static gboolean
scan_next (TaJsonScan *sc,
           char        close,
           gboolean   *done)
{
  *done = FALSE;
  if (ta_json_scan_char (sc, ','))
    return TRUE;
  if (ta_json_scan_char (sc, close))
    {
      *done = TRUE;
      return FALSE;
    }
  return ta_json_scan_fail (sc, close == '}' ? _("“,” or “}” was expected")
                                             : _("“,” or “]” was expected"));
}

static gboolean
value_int (FlowScan          *fs,
           const TaJsonValue *v,
           const char        *field,
           gint64             min,
           gint64             max,
           gint64            *out)
{
  if (v->type == TA_JSON_NULL)
    return TRUE;
  if (v->type == TA_JSON_INT && !v->int_overflow && v->i >= min && v->i <= max)
    *out = v->i;
  else if (v->type == TA_JSON_DOUBLE && isfinite (v->d) && v->d == floor (v->d)
           && v->d >= (double) min && v->d <= (double) max)
    *out = (gint64) v->d;
  else
    return flow_fail (fs, _("field “%s” must be an integer from %lld to %lld"), field,
                      (long long) min, (long long) max);
  return TRUE;
}

static const struct
{
  const char *name;
  gint64      max;
} packet_fields[] = {
  { "timestamp", MAX_TIME_US }, { "src_port", 65535 }, { "dst_port", 65535 },
  { "flags", 255 }, { "seq_num", G_MAXUINT32 }, { "ack_num", G_MAXUINT32 },
  { "length", G_MAXUINT32 }, { "protocol", 255 },
};

/* One packet object: the scanner is at its "{" */
static gboolean
scan_packet (FlowScan     *fs,
             TaFlowPacket *out)
{
  TaJsonScan *sc = fs->sc;
  gint64 f[G_N_ELEMENTS (packet_fields)] = { -1, 0, 0, 0, 0, 0, 0, 6 };
  gboolean done, have_src = FALSE, have_dst = FALSE;

  memset (out, 0, sizeof *out);
  if (!ta_json_scan_char (sc, '{'))
    return flow_fail (fs, _("a packet is not an object"));
  if (!ta_json_scan_char (sc, '}'))
    do
      {
        char key[16];
        TaJsonValue v;
        guint k;

        if (!ta_json_scan_member (sc, key, sizeof key, &v, 4))
          return FALSE;
        for (k = 0; k < G_N_ELEMENTS (packet_fields); k++)
          if (strcmp (key, packet_fields[k].name) == 0)
            break;
        if (k < G_N_ELEMENTS (packet_fields))
          {
            if (!value_int (fs, &v, key, 0, packet_fields[k].max, &f[k]))
              return FALSE;
          }
        else if (strcmp (key, "src_ip") == 0 || strcmp (key, "dst_ip") == 0)
          {
            guint32 *addr = key[0] == 's' ? &out->src : &out->dst;

            if (v.type == TA_JSON_NULL)
              continue;
            if (v.type != TA_JSON_STRING)
              return flow_fail (fs, _("field “%s” must be a string"), key);
            *addr = ta_addr_table_intern_text (fs->self->addrs, v.s, v.len);
            *(key[0] == 's' ? &have_src : &have_dst) = TRUE;
          }
      }
    while (scan_next (sc, '}', &done));
  else
    done = TRUE;
  if (!done)
    return FALSE;
  if (f[0] < 0)
    return flow_fail (fs, _("field “%s” is missing"), "timestamp");
  if (!have_src || !have_dst)
    return flow_fail (fs, _("field “%s” is missing"), have_src ? "dst_ip" : "src_ip");
  out->ts = f[0];
  out->sport = f[1];
  out->dport = f[2];
  out->flags = f[3];
  out->seq = f[4];
  out->ack = f[5];
  out->length = f[6];
  out->proto = f[7];
  out->fclass = ta_flag_class_from_flags (out->flags, out->proto);
  return TRUE;
}

/* A packet found in a phase list or as invalidPacket, merged afterwards */
typedef struct
{
  TaFlowPacket pkt;
  TaFlowPhase  phase;           /* 0 with is_invalid */
  const char  *step;
  const char  *description;
  gboolean     is_invalid;
} Extra;

static gboolean
scan_string_member (FlowScan    *fs,
                    const char  *key,
                    const char **out)
{
  TaJsonValue v;

  if (!ta_json_scan_value (fs->sc, &v, 5))
    return FALSE;
  if (v.type == TA_JSON_NULL)
    return TRUE;
  if (v.type != TA_JSON_STRING)
    return flow_fail (fs, _("field “%s” must be a string"), key);
  *out = g_string_chunk_insert_len (fs->self->strings, v.s, v.len);
  return TRUE;
}

/* One phase list ("establishment": [ {phase, description, packet}, … ]) */
static gboolean
scan_phase_list (FlowScan    *fs,
                 TaFlowPhase  phase,
                 const char  *name,
                 GArray      *extras)
{
  TaJsonScan *sc = fs->sc;
  gboolean done;

  if (!ta_json_scan_char (sc, '['))
    return flow_fail (fs, _("field “phases.%s” must be an array"), name);
  if (ta_json_scan_char (sc, ']'))
    return TRUE;
  do
    {
      Extra e = { .phase = phase };
      gboolean has_packet = FALSE, edone;
      TaJsonValue v;

      if (!ta_json_scan_peek (sc, '{'))
        {
          /* not an entry: skipped, as the viewer does */
          if (!ta_json_scan_value (sc, &v, 3))
            return FALSE;
          continue;
        }
      sc->p++;
      if (!ta_json_scan_char (sc, '}'))
        do
          {
            char key[16];

            if (!ta_json_scan_key (sc, key, sizeof key))
              return FALSE;
            if (strcmp (key, "packet") == 0 && ta_json_scan_peek (sc, '{'))
              {
                if (!scan_packet (fs, &e.pkt))
                  return FALSE;
                has_packet = TRUE;
              }
            else if (strcmp (key, "phase") == 0)
              {
                if (!scan_string_member (fs, "phase", &e.step))
                  return FALSE;
              }
            else if (strcmp (key, "description") == 0)
              {
                if (!scan_string_member (fs, "description", &e.description))
                  return FALSE;
              }
            else if (!ta_json_scan_value (sc, &v, 4))
              return FALSE;
          }
        while (scan_next (sc, '}', &edone));
      else
        edone = TRUE;
      if (!edone)
        return FALSE;
      if (has_packet)
        g_array_append_val (extras, e);
    }
  while (scan_next (sc, ']', &done));
  return done;
}

static gboolean
scan_phases (FlowScan *fs,
             GArray   *extras)
{
  static const struct { const char *name; TaFlowPhase phase; } lists[] = {
    { "establishment", TA_FLOW_PHASE_ESTABLISHMENT },
    { "dataTransfer", TA_FLOW_PHASE_DATA },
    { "closing", TA_FLOW_PHASE_CLOSING },
  };
  TaJsonScan *sc = fs->sc;
  gboolean done;

  sc->p++;                      /* the "{" the caller saw */
  if (ta_json_scan_char (sc, '}'))
    return TRUE;
  do
    {
      char key[24];
      TaJsonValue v;
      guint k;

      if (!ta_json_scan_key (sc, key, sizeof key))
        return FALSE;
      for (k = 0; k < G_N_ELEMENTS (lists); k++)
        if (strcmp (key, lists[k].name) == 0)
          break;
      if (k < G_N_ELEMENTS (lists) && !ta_json_scan_peek (sc, 'n'))
        {
          if (!scan_phase_list (fs, lists[k].phase, lists[k].name, extras))
            return FALSE;
        }
      else if (!ta_json_scan_value (sc, &v, 3))
        return FALSE;
    }
  while (scan_next (sc, '}', &done));
  return done;
}

static gboolean
scan_packet_list (FlowScan *fs,
                  GArray   *packets)
{
  TaJsonScan *sc = fs->sc;
  gboolean done;

  if (!ta_json_scan_char (sc, '['))
    return flow_fail (fs, _("field “packets” must be an array"));
  if (ta_json_scan_char (sc, ']'))
    return TRUE;
  do
    {
      TaFlowPacket p;

      if (!scan_packet (fs, &p))
        return FALSE;
      p.in_packet_list = TRUE;
      g_array_append_val (packets, p);
    }
  while (scan_next (sc, ']', &done));
  return done;
}

typedef struct
{
  char   *id;
  gint64  expected_seq;
  gint64  expected_ack;
  GArray *packets;
  GArray *extras;
} FlowParts;

static gboolean
scan_flow_member (FlowScan   *fs,
                  const char *key,
                  FlowParts  *parts,
                  gboolean   *have_packets)
{
  TaJsonScan *sc = fs->sc;
  TaJsonValue v;

  if (strcmp (key, "packets") == 0)
    {
      *have_packets = TRUE;
      return scan_packet_list (fs, parts->packets);
    }
  if (strcmp (key, "phases") == 0 && ta_json_scan_peek (sc, '{'))
    return scan_phases (fs, parts->extras);
  if (strcmp (key, "phases") == 0 && !ta_json_scan_peek (sc, 'n'))
    return flow_fail (fs, _("field “phases” must be an object"));
  if (strcmp (key, "invalidPacket") == 0 && ta_json_scan_peek (sc, '{'))
    {
      Extra e = { .is_invalid = TRUE };

      if (!scan_packet (fs, &e.pkt))
        return FALSE;
      g_array_append_val (parts->extras, e);
      return TRUE;
    }
  if (!ta_json_scan_value (sc, &v, 2))
    return FALSE;
  if (strcmp (key, "id") == 0 && v.type == TA_JSON_STRING)
    {
      g_free (parts->id);
      parts->id = g_strndup (v.s, v.len);
    }
  else if (strcmp (key, "id") == 0 && v.type != TA_JSON_NULL)
    return flow_fail (fs, _("field “%s” must be a string"), "id");
  else if ((strcmp (key, "expectedSeqNum") == 0 || strcmp (key, "expectedAckNum") == 0)
           && v.type == TA_JSON_INT && !v.int_overflow && v.i >= 0 && v.i <= G_MAXUINT32)
    *(key[8] == 'S' ? &parts->expected_seq : &parts->expected_ack) = v.i;
  return TRUE;
}

static gboolean
scan_flow (FlowScan  *fs,
           FlowParts *parts)
{
  TaJsonScan *sc = fs->sc;
  gboolean done, have_packets = FALSE;

  if (!ta_json_scan_char (sc, '{'))
    return flow_fail (fs, _("the flow is not an object"));
  if (!ta_json_scan_char (sc, '}'))
    do
      {
        char key[24];

        if (!ta_json_scan_key (sc, key, sizeof key) || !scan_flow_member (fs, key, parts, &have_packets))
          return FALSE;
      }
    while (scan_next (sc, '}', &done));
  else
    done = TRUE;
  if (!done)
    return FALSE;
  if (!ta_json_scan_end (sc))
    return ta_json_scan_fail (sc, _("text after the flow"));
  if (parts->id == NULL)
    return flow_fail (fs, _("field “%s” is missing"), "id");
  if (!have_packets)
    return flow_fail (fs, _("field “packets” must be an array"));
  return TRUE;
}

/* Called with the mutex held */
static TaFlowDetail *
scan_chunk_flow (TaSubsetFolder  *self,
                 const char      *text,
                 gsize            len,
                 const char      *label,
                 GError         **error)
{
  g_autofree TaJsonScan *sc = g_new0 (TaJsonScan, 1);
  g_autoptr(GArray) packets = g_array_new (FALSE, TRUE, sizeof (TaFlowPacket));
  g_autoptr(GArray) extras = g_array_new (FALSE, TRUE, sizeof (Extra));
  FlowParts parts = { NULL, -1, -1, packets, extras };
  FlowScan fs = { self, sc, label, error, FALSE };
  TaFlowDetail *detail;

  ta_json_scan_init (sc, text, len);
  sc->max_depth = TA_JSON_LOAD_MAX_DEPTH;
  if (!scan_flow (&fs, &parts))
    {
      if (!fs.failed)
        ta_json_scan_set_error (sc, label, error);
      ta_json_scan_clear (sc);
      g_free (parts.id);
      return NULL;
    }
  ta_json_scan_clear (sc);

  /* phase-list and invalid packets: merged into the list (FORMATS.md §11) */
  for (guint i = 0; i < extras->len; i++)
    {
      const Extra *e = &g_array_index (extras, Extra, i);
      TaFlowPacket *p = merge_packet (packets, &e->pkt);

      if (e->is_invalid)
        p->is_invalid_packet = TRUE;
      else
        {
          p->phase = e->phase;
          p->phase_step = e->step;
          p->description = e->description;
        }
    }
  /* g_qsort_with_data is a stable merge sort: equal timestamps keep file order */
  g_qsort_with_data (packets->data, packets->len, sizeof (TaFlowPacket), compare_flow_packets, NULL);

  detail = flow_detail_new ();
  detail->n_packets = packets->len;
  detail->packets = (TaFlowPacket *) (void *) g_array_free (g_steal_pointer (&packets), FALSE);
  detail->info.id = g_string_chunk_insert_const (self->strings, parts.id);
  g_free (parts.id);
  if (parts.expected_seq >= 0 || parts.expected_ack >= 0)
    {
      detail->has_expected = TRUE;
      detail->expected_seq = parts.expected_seq;
      detail->expected_ack = parts.expected_ack;
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
  g_autofree char *text = NULL;
  g_autofree char *flow_label = NULL;
  const char *label = ta_chunk_file_get_label (file);
  TaFlowDetail *detail;
  guint64 listed = 0;
  gsize len = 0;

  if (index >= ta_chunk_file_get_n_flows (file))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %s is entry %u of this chunk, which holds only %u flows"),
                   label, info ? info->id : "?", index + 1, ta_chunk_file_get_n_flows (file));
      return NULL;
    }
  /* the read runs without the lock */
  text = ta_chunk_file_read_flow (file, index, cancellable, &len, &flow_label, error);
  if (text == NULL)
    return NULL;

  g_mutex_lock (&self->mutex);
  detail = scan_chunk_flow (self, text, len, flow_label, error);
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
