/* ta-folder-writer-flows.c — the folder writer's flow files: each
 * completed flow goes to flows_index.json and, in full, to the open
 * chunk_NNNNN.json (FORMATS.md §8). A flow's packets are formatted once and
 * copied into the phases, the special packets and the packet list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-folder-writer-private.h"

static char *
put_packet_json (TaFolderWriter *self,
                 char           *p,
                 const TaPacket *pkt)
{
  /* every address of a flow was seen by add(): its names are cached */
  AddrInfo *s = known_info (self, pkt->src);
  AddrInfo *d = known_info (self, pkt->dst);
  guint fi;

  p = TA_PUT_LIT (p, "{\"timestamp\":");
  p = put_ts (self, p, pkt->ts);
  p = TA_PUT_LIT (p, ",\"src_ip\":");
  p = ta_put_mem (p, s->json, s->json_len);
  p = TA_PUT_LIT (p, ",\"dst_ip\":");
  p = ta_put_mem (p, d->json, d->json_len);
  p = TA_PUT_LIT (p, ",\"src_port\":");
  p = ta_put_u64 (p, pkt->sport);
  p = TA_PUT_LIT (p, ",\"dst_port\":");
  p = ta_put_u64 (p, pkt->dport);
  fi = pkt->flags | ((pkt->pflags & TA_PKT_FLAGS_INVALID) ? 256 : 0);
  p = ta_put_mem (p, self->frag_json[fi], self->frag_json_len[fi]);
  p = ta_put_u64 (p, pkt->seq);
  p = TA_PUT_LIT (p, ",\"ack_num\":");
  p = ta_put_u64 (p, pkt->ack);
  p = TA_PUT_LIT (p, ",\"length\":");
  p = ta_put_u64 (p, pkt->length);
  p = TA_PUT_LIT (p, ",\"protocol\":");
  p = ta_put_u64 (p, pkt->proto);
  *p++ = '}';
  return p;
}

static gsize
packet_json_max (TaFolderWriter *self,
                 const TaPacket *pkt)
{
  return known_info (self, pkt->src)->json_len + known_info (self, pkt->dst)->json_len + 320;
}

static char *
put_name_or_null (char       *p,
                  const char *name)
{
  if (name == NULL)
    return TA_PUT_LIT (p, "null");
  *p++ = '"';
  p = ta_put_str (p, name);
  *p++ = '"';
  return p;
}

static char *
put_bool (char     *p,
          gboolean  v)
{
  return v ? TA_PUT_LIT (p, "true") : TA_PUT_LIT (p, "false");
}

/* The index fields, without the closing brace */
static void
put_flow_head (TaFolderWriter *self,
               TaOut          *of,
               const TaFlow   *f,
               const char     *key_json,
               guint           chunk_index)
{
  gsize need = strlen (key_json) + 1024;
  char *p;

  if (f->has_initiator)
    need += ta_folder_writer_addr_info (self, f->initiator)->json_len + ta_folder_writer_addr_info (self, f->responder)->json_len;
  p = ta_out_reserve (of, need);
  p = TA_PUT_LIT (p, "{\"id\":\"flow_");
  if (f->id < 1000000)
    {
      /* six digits, zero-padded */
      guint32 v = (guint32) f->id;

      for (int k = 5; k >= 0; k--)
        {
          p[k] = (char) ('0' + v % 10);
          v /= 10;
        }
      p += 6;
    }
  else
    p = ta_put_u64 (p, f->id);
  p = TA_PUT_LIT (p, "\",\"key\":");
  p = ta_put_str (p, key_json);
  p = TA_PUT_LIT (p, ",\"initiator\":");
  if (f->has_initiator)
    {
      AddrInfo *ai = ta_folder_writer_addr_info (self, f->initiator);
      AddrInfo *ri = ta_folder_writer_addr_info (self, f->responder);

      p = ta_put_mem (p, ai->json, ai->json_len);
      p = TA_PUT_LIT (p, ",\"responder\":");
      p = ta_put_mem (p, ri->json, ri->json_len);
      p = TA_PUT_LIT (p, ",\"initiatorPort\":");
      p = ta_put_u64 (p, f->initiator_port);
      p = TA_PUT_LIT (p, ",\"responderPort\":");
      p = ta_put_u64 (p, f->responder_port);
    }
  else
    p = TA_PUT_LIT (p, "null,\"responder\":null,\"initiatorPort\":null,\"responderPort\":null");
  p = TA_PUT_LIT (p, ",\"state\":\"");
  p = ta_put_str (p, ta_flow_state_name (f->state));
  p = TA_PUT_LIT (p, "\",\"closeType\":");
  p = put_name_or_null (p, ta_close_type_name (f->close_type));
  p = TA_PUT_LIT (p, ",\"startTime\":");
  p = ta_put_i64 (p, f->start_time);
  p = TA_PUT_LIT (p, ",\"endTime\":");
  p = ta_put_i64 (p, f->end_time);
  p = TA_PUT_LIT (p, ",\"totalPackets\":");
  p = ta_put_u64 (p, f->n_packets);
  p = TA_PUT_LIT (p, ",\"totalBytes\":");
  p = ta_put_u64 (p, f->total_bytes);
  p = TA_PUT_LIT (p, ",\"establishmentComplete\":");
  p = put_bool (p, f->establishment_complete);
  p = TA_PUT_LIT (p, ",\"dataTransferStarted\":");
  p = put_bool (p, f->data_transfer_started);
  p = TA_PUT_LIT (p, ",\"closingStarted\":");
  p = put_bool (p, f->closing_started);
  p = TA_PUT_LIT (p, ",\"invalidReason\":");
  p = put_name_or_null (p, ta_invalid_reason_name (f->invalid_reason));
  p = TA_PUT_LIT (p, ",\"ongoing\":");
  p = put_bool (p, f->ongoing);
  p = TA_PUT_LIT (p, ",\"establishment_packets\":");
  p = ta_put_u64 (p, f->n_establishment);
  p = TA_PUT_LIT (p, ",\"data_transfer_packets\":");
  p = ta_put_u64 (p, f->n_data_transfer);
  p = TA_PUT_LIT (p, ",\"closing_packets\":");
  p = ta_put_u64 (p, f->n_closing);
  p = TA_PUT_LIT (p, ",\"chunk_file\":\"");
  p = ta_put_str (p, self->chunk_name);
  p = TA_PUT_LIT (p, "\",\"chunk_index\":");
  p = ta_put_u64 (p, chunk_index);
  ta_out_commit (of, p);
}

#define PJ_MAX_PACKETS 65536

/* Formats the flow's packets once into pj (flows up to PJ_MAX_PACKETS
 * packets; bigger ones are formatted where they are written, so memory does
 * not follow a huge flow). */
static void
format_flow_packets (TaFolderWriter *self,
                     const TaFlow   *f)
{
  gsize len = 0;

  self->pj_valid = FALSE;
  if (f->n_packets > PJ_MAX_PACKETS)
    return;
  if (f->n_packets + 1 > self->pj_off_cap)
    {
      self->pj_off_cap = MAX (f->n_packets + 1, self->pj_off_cap * 2);
      self->pj_off = g_renew (guint32, self->pj_off, self->pj_off_cap);
    }
  for (guint i = 0; i < f->n_packets; i++)
    {
      gsize need = packet_json_max (self, &f->packets[i]);

      if (len + need > self->pj_cap)
        {
          self->pj_cap = MAX (len + need, self->pj_cap * 2);
          self->pj = g_realloc (self->pj, self->pj_cap);
        }
      self->pj_off[i] = len;
      len = put_packet_json (self, self->pj + len, &f->packets[i]) - self->pj;
    }
  self->pj_off[f->n_packets] = len;
  self->pj_valid = TRUE;
}

static inline char *
put_flow_packet (TaFolderWriter *self,
                 char           *p,
                 const TaFlow   *f,
                 guint           i)
{
  if (self->pj_valid)
    return ta_put_mem (p, self->pj + self->pj_off[i], self->pj_off[i + 1] - self->pj_off[i]);
  return put_packet_json (self, p, &f->packets[i]);
}

static void
put_packet_or_null (TaFolderWriter *self,
                    TaOut          *of,
                    const TaFlow   *f,
                    gint            index)
{
  char *p;

  if (index < 0)
    {
      p = ta_out_reserve (of, 8);
      p = TA_PUT_LIT (p, "null");
    }
  else
    {
      p = ta_out_reserve (of, packet_json_max (self, &f->packets[index]));
      p = put_flow_packet (self, p, f, index);
    }
  ta_out_commit (of, p);
}

static void
put_phase_group (TaFolderWriter *self,
                 TaOut          *of,
                 const TaFlow   *f,
                 TaPhaseGroup    group)
{
  gboolean first = TRUE;
  char *p;

  for (guint i = 0; i < f->n_packets; i++)
    {
      TaFlowPhase ph = f->phases[i];

      if (ph == TA_PHASE_NONE || ta_flow_phase_group (ph) != group)
        continue;
      p = ta_out_reserve (of, packet_json_max (self, &f->packets[i]) + 128);
      if (!first)
        *p++ = ',';
      first = FALSE;
      p = TA_PUT_LIT (p, "{\"packet\":");
      p = put_flow_packet (self, p, f, i);
      p = TA_PUT_LIT (p, ",\"phase\":\"");
      p = ta_put_str (p, ta_flow_phase_name (ph));
      p = TA_PUT_LIT (p, "\",\"description\":\"");
      p = ta_put_str (p, ta_flow_phase_description (ph));
      p = TA_PUT_LIT (p, "\"}");
      ta_out_commit (of, p);
    }
}

static char *
chunk_path (TaFolderWriter *self,
            guint           chunk)
{
  char name[32];

  g_snprintf (name, sizeof name, "chunk_%05u.json", chunk);
  return g_build_filename (self->tmp_dir, "flows", name, NULL);
}

void
ta_folder_writer_close_chunk (TaFolderWriter *self)
{
  char *p;

  if (!self->chunk_open)
    return;
  p = ta_out_reserve (self->chunk, 4);
  *p++ = ']';
  ta_out_commit (self->chunk, p);
  ta_out_commit_file (g_steal_pointer (&self->chunk), self->error ? NULL : &self->error);
  self->chunk_open = FALSE;
  self->chunk_no++;
  self->in_chunk = 0;
  self->summary.total_chunks++;
}

void
ta_folder_writer_on_flow (const TaFlow *f,
                          gpointer      user_data)
{
  TaFolderWriter *self = user_data;
  g_autofree char *key_json = json_quote (f->key);
  char *p;

  self->class_counts[f->state][f->close_type][f->invalid_reason]++;
  self->summary.total_flows++;
  if (f->end == TA_FLOW_END_TIMEOUT)
    self->summary.flows_by_timeout++;

  if (ta_folder_writer_failed (self))
    return;

  if (!self->chunk_open)
    {
      g_autofree char *path = chunk_path (self, self->chunk_no);

      g_snprintf (self->chunk_name, sizeof self->chunk_name, "chunk_%05u.json", self->chunk_no);
      self->chunk = ta_out_open (path, TA_OUT_IN_PLACE, BIG_BUF, &self->error);
      if (self->chunk == NULL)
        return;
      self->chunk_open = TRUE;
      self->in_chunk = 0;
      p = ta_out_reserve (self->chunk, 1);
      *p++ = '[';
      ta_out_commit (self->chunk, p);
    }
  else
    {
      p = ta_out_reserve (self->chunk, 1);
      *p++ = ',';
      ta_out_commit (self->chunk, p);
    }

  /* index entry */
  p = ta_out_reserve (self->index, 1);
  if (self->n_index++ > 0)
    *p++ = ',';
  ta_out_commit (self->index, p);
  put_flow_head (self, self->index, f, key_json, self->in_chunk);
  p = ta_out_reserve (self->index, 1);
  *p++ = '}';
  ta_out_commit (self->index, p);

  /* full flow */
  format_flow_packets (self, f);
  put_flow_head (self, self->chunk, f, key_json, self->in_chunk);
  p = ta_out_reserve (self->chunk, 64);
  p = TA_PUT_LIT (p, ",\"phases\":{\"establishment\":[");
  ta_out_commit (self->chunk, p);
  put_phase_group (self, self->chunk, f, TA_PHASE_GROUP_ESTABLISHMENT);
  p = ta_out_reserve (self->chunk, 64);
  p = TA_PUT_LIT (p, "],\"dataTransfer\":[");
  ta_out_commit (self->chunk, p);
  put_phase_group (self, self->chunk, f, TA_PHASE_GROUP_DATA_TRANSFER);
  p = ta_out_reserve (self->chunk, 64);
  p = TA_PUT_LIT (p, "],\"closing\":[");
  ta_out_commit (self->chunk, p);
  put_phase_group (self, self->chunk, f, TA_PHASE_GROUP_CLOSING);
  p = ta_out_reserve (self->chunk, 128);
  p = TA_PUT_LIT (p, "]},\"expectedSeqNum\":");
  if (f->has_expected_seq)
    p = ta_put_u64 (p, f->expected_seq);
  else
    p = TA_PUT_LIT (p, "null");
  p = TA_PUT_LIT (p, ",\"expectedAckNum\":");
  if (f->has_expected_ack)
    p = ta_put_u64 (p, f->expected_ack);
  else
    p = TA_PUT_LIT (p, "null");
  p = TA_PUT_LIT (p, ",\"invalidPacket\":");
  ta_out_commit (self->chunk, p);
  put_packet_or_null (self, self->chunk, f, f->invalid_index);
  p = ta_out_reserve (self->chunk, 32);
  p = TA_PUT_LIT (p, ",\"synPacket\":");
  ta_out_commit (self->chunk, p);
  put_packet_or_null (self, self->chunk, f, f->syn_index);
  p = ta_out_reserve (self->chunk, 32);
  p = TA_PUT_LIT (p, ",\"synAckPacket\":");
  ta_out_commit (self->chunk, p);
  put_packet_or_null (self, self->chunk, f, f->synack_index);
  p = ta_out_reserve (self->chunk, 32);
  p = TA_PUT_LIT (p, ",\"packets\":[");
  ta_out_commit (self->chunk, p);
  for (guint i = 0; i < f->n_packets; i++)
    {
      p = ta_out_reserve (self->chunk, packet_json_max (self, &f->packets[i]) + 1);
      if (i)
        *p++ = ',';
      p = put_flow_packet (self, p, f, i);
      ta_out_commit (self->chunk, p);
    }
  p = ta_out_reserve (self->chunk, 4);
  p = TA_PUT_LIT (p, "]}");
  ta_out_commit (self->chunk, p);

  self->in_chunk++;
  if (self->in_chunk >= self->chunk_size)
    ta_folder_writer_close_chunk (self);
}

