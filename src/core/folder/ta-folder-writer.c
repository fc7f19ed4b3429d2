/* ta-folder-writer.c — the v2.0 subset folder (FORMATS.md §8)
 *
 * Every kept packet is appended to packets.csv and to a spill file of
 * timestamps (zigzag varint deltas) that finish() reads back to bin the
 * packets exactly once the time range is known. TCP packets also go to the
 * flow tracker; each completed flow is written at once to the current chunk
 * file and its index entry to flows_index.json. JSON and CSV are formatted
 * by hand into large buffers: no allocation per packet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ta-error.h"
#include "ta-json.h"
#include "ta-flow-tracker.h"
#include "ta-folder-writer.h"

#define N_BINS 100
#define BIG_BUF (1 << 20)
#define SMALL_BUF (1 << 16)
#define SPILL_NAME ".timestamps.spill"

typedef struct
{
  int    fd;
  char  *buf;
  gsize  len;
  gsize  cap;
  char  *path;
} OutFile;

typedef struct
{
  char    *csv;        /* name as a CSV field */
  char    *json;       /* name as a JSON string, quotes included */
  guint    csv_len;
  guint    json_len;
  gboolean seen;
  guint64  sent_packets, recv_packets, sent_bytes, recv_bytes;
  gint64   first_ts, last_ts;
} AddrInfo;

struct _TaFolderWriter
{
  char            *output_dir;
  char            *parent_dir;
  char            *base_name;
  char            *tmp_dir;
  gboolean         force;
  gboolean         finished;
  guint            chunk_size;
  TaAddrTable     *addrs;
  TaFlowTracker   *tracker;
  GError          *error;      /* first write error, sticky */

  OutFile          packets;
  OutFile          index;
  OutFile          chunk;
  OutFile          spill;
  gboolean         chunk_open;
  char             chunk_name[32];  /* of the open chunk */
  guint            chunk_no;       /* number of the open/next chunk */
  guint            in_chunk;
  guint64          n_index;

  AddrInfo        *info;
  guint            n_info;
  AddrInfo         none_info;      /* TA_ADDR_NONE: empty name */
  GArray          *first_seen;     /* guint32 addr indices, first-seen order */

  guint64          flag_counts[257];  /* 256 = INVALID */
  /* per flags byte (+ 256 when not a number): preformatted fragments
   * `,"flags":N,"flag_type":"NAME","seq_num":` and `N,NAME,` */
  char            *frag_json[512];
  guint8           frag_json_len[512];
  char            *frag_csv[512];
  guint8           frag_csv_len[512];
  GArray          *flag_order;        /* guint16 */

  /* each packet of the flow being written, formatted once */
  char            *pj;
  gsize            pj_cap;
  guint32         *pj_off;         /* n + 1 offsets into pj */
  guint            pj_off_cap;
  gboolean         pj_valid;

  gint64           ts_min, ts_max, ts_prev;
  /* digits of the last timestamp / 10^8: shared by consecutive packets */
  guint64          ts_hi;
  char             ts_hi_str[24];
  guint            ts_hi_len;
  TaFolderSummary  summary;
  /* flows per (state, close type, invalid reason); into summary at finish */
  guint64          class_counts[TA_FLOW_STATE_ONGOING + 1][TA_CLOSE_OPEN + 1][TA_INVALID_INCOMPLETE_NO_ACK + 1];
};

/* -------------------------------------------------------------- output */

static gboolean
out_open (OutFile     *of,
          const char  *path,
          gsize        cap,
          GError     **error)
{
  of->fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (of->fd < 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  of->path = g_strdup (path);
  of->cap = cap;
  of->len = 0;
  of->buf = g_malloc (cap);
  return TRUE;
}

static gboolean
out_flush (OutFile  *of,
           GError  **error)
{
  gsize done = 0;

  if (of->fd < 0)
    {
      of->len = 0;   /* nowhere to write (closed): never let reserve() overrun */
      return TRUE;
    }
  while (done < of->len)
    {
      gssize n = write (of->fd, of->buf + done, of->len - done);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot write “%s”: %s"),
                       of->path, g_strerror (saved));
          of->len = 0;
          return FALSE;
        }
      done += n;
    }
  of->len = 0;
  return TRUE;
}

static gboolean
out_close (OutFile  *of,
           GError  **error)
{
  gboolean ok = TRUE;

  if (of->fd >= 0)
    {
      ok = out_flush (of, error);
      if (close (of->fd) != 0 && ok)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot write “%s”: %s"),
                       of->path, g_strerror (saved));
          ok = FALSE;
        }
      of->fd = -1;
    }
  g_clear_pointer (&of->buf, g_free);
  g_clear_pointer (&of->path, g_free);
  of->len = of->cap = 0;
  return ok;
}

/* Make room for n bytes; returns the write pointer or NULL on error (the
 * writer's sticky error is set). A request larger than the buffer grows it. */
static char *
reserve (TaFolderWriter *self,
         OutFile        *of,
         gsize           n)
{
  if (G_UNLIKELY (of->len + n > of->cap))
    {
      if (self->error == NULL)
        out_flush (of, &self->error);
      else
        of->len = 0;
      if (n > of->cap)
        {
          of->cap = n * 2;
          of->buf = g_realloc (of->buf, of->cap);
        }
    }
  return of->buf + of->len;
}

static inline void
commit (OutFile *of,
        char    *end)
{
  of->len = end - of->buf;
}

static const char digit_pairs[201] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

static inline int
count_digits32 (guint32 v)
{
  if (v < 10000)
    return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : 4;
  if (v < 100000000)
    return v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : 8;
  return v < 1000000000 ? 9 : 10;
}

/* Decimal digits written backwards two at a time, straight into place,
 * in 32-bit arithmetic */
static inline char *
put_u32 (char    *p,
         guint32  v)
{
  char *end = p + count_digits32 (v);
  char *q = end;

  while (v >= 100)
    {
      guint i = (v % 100) * 2;

      v /= 100;
      q -= 2;
      q[0] = digit_pairs[i];
      q[1] = digit_pairs[i + 1];
    }
  if (v >= 10)
    {
      q -= 2;
      q[0] = digit_pairs[v * 2];
      q[1] = digit_pairs[v * 2 + 1];
    }
  else
    *--q = (char) ('0' + v);
  return end;
}

/* exactly eight digits, zero-padded; v < 10^8 */
static inline char *
put_u32_8 (char    *p,
           guint32  v)
{
  for (int k = 6; k >= 0; k -= 2)
    {
      guint i = (v % 100) * 2;

      v /= 100;
      p[k] = digit_pairs[i];
      p[k + 1] = digit_pairs[i + 1];
    }
  return p + 8;
}

static inline char *
put_u64 (char    *p,
         guint64  v)
{
  if (v <= G_MAXUINT32)
    return put_u32 (p, (guint32) v);
  p = put_u64 (p, v / 100000000);
  return put_u32_8 (p, (guint32) (v % 100000000));
}

static inline char *
put_i64 (char   *p,
         gint64  v)
{
  if (v < 0)
    {
      *p++ = '-';
      return put_u64 (p, (guint64) 0 - (guint64) v);
    }
  return put_u64 (p, (guint64) v);
}

static inline char *
put_mem (char       *p,
         const char *s,
         gsize       n)
{
  memcpy (p, s, n);
  return p + n;
}

#define PUT_LIT(p, lit) put_mem ((p), (lit), sizeof (lit) - 1)

static inline char *
put_str (char       *p,
         const char *s)
{
  return put_mem (p, s, strlen (s));
}

static char *
json_quote (const char *s)
{
  GString *out = g_string_sized_new (strlen (s) + 2);

  ta_json_append_string (out, s);
  return g_string_free (out, FALSE);
}

static char *
csv_quote (const char *s)
{
  GString *out;

  if (strpbrk (s, ",\"\r\n") == NULL)
    return g_strdup (s);
  out = g_string_new ("\"");
  for (const char *c = s; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static inline char *
put_ts (TaFolderWriter *self,
        char           *p,
        gint64          ts)
{
  guint64 hi;

  if (G_UNLIKELY (ts < 100000000))
    return put_i64 (p, ts);
  hi = (guint64) ts / 100000000;
  if (G_UNLIKELY (hi != self->ts_hi || self->ts_hi_len == 0))
    {
      self->ts_hi = hi;
      self->ts_hi_len = put_u64 (self->ts_hi_str, hi) - self->ts_hi_str;
    }
  p = put_mem (p, self->ts_hi_str, self->ts_hi_len);
  return put_u32_8 (p, (guint32) ((guint64) ts % 100000000));
}

/* ----------------------------------------------------------- addresses */

static void
info_init_names (AddrInfo   *ai,
                 const char *name)
{
  ai->csv = csv_quote (name);
  ai->csv_len = strlen (ai->csv);
  ai->json = json_quote (name);
  ai->json_len = strlen (ai->json);
}

static AddrInfo *
addr_info (TaFolderWriter *self,
           guint32         idx)
{
  AddrInfo *ai;

  if (idx == TA_ADDR_NONE)
    ai = &self->none_info;
  else
    {
      if (G_UNLIKELY (idx >= self->n_info))
        {
          guint n = MAX (idx + 1, self->n_info * 2);

          self->info = g_renew (AddrInfo, self->info, n);
          memset (self->info + self->n_info, 0, (n - self->n_info) * sizeof (AddrInfo));
          self->n_info = n;
        }
      ai = &self->info[idx];
    }
  if (G_UNLIKELY (ai->json == NULL))
    info_init_names (ai, idx == TA_ADDR_NONE ? "" : ta_addr_table_get_name (self->addrs, idx));
  return ai;
}

static inline AddrInfo *
known_info (TaFolderWriter *self,
            guint32         idx)
{
  return idx == TA_ADDR_NONE ? &self->none_info : &self->info[idx];
}

static void
addr_seen (TaFolderWriter *self,
           AddrInfo       *ai,
           guint32         idx,
           gint64          ts)
{
  if (!ai->seen)
    {
      ai->seen = TRUE;
      ai->first_ts = ai->last_ts = ts;
      g_array_append_val (self->first_seen, idx);
    }
  else
    {
      if (ts < ai->first_ts)
        ai->first_ts = ts;
      if (ts > ai->last_ts)
        ai->last_ts = ts;
    }
}

/* ----------------------------------------------------------- JSON parts */

static char *
put_packet_json (TaFolderWriter *self,
                 char           *p,
                 const TaPacket *pkt)
{
  /* every address of a flow was seen by add(): its names are cached */
  AddrInfo *s = known_info (self, pkt->src);
  AddrInfo *d = known_info (self, pkt->dst);
  guint fi;

  p = PUT_LIT (p, "{\"timestamp\":");
  p = put_ts (self, p, pkt->ts);
  p = PUT_LIT (p, ",\"src_ip\":");
  p = put_mem (p, s->json, s->json_len);
  p = PUT_LIT (p, ",\"dst_ip\":");
  p = put_mem (p, d->json, d->json_len);
  p = PUT_LIT (p, ",\"src_port\":");
  p = put_u64 (p, pkt->sport);
  p = PUT_LIT (p, ",\"dst_port\":");
  p = put_u64 (p, pkt->dport);
  fi = pkt->flags | ((pkt->pflags & TA_PKT_FLAGS_INVALID) ? 256 : 0);
  p = put_mem (p, self->frag_json[fi], self->frag_json_len[fi]);
  p = put_u64 (p, pkt->seq);
  p = PUT_LIT (p, ",\"ack_num\":");
  p = put_u64 (p, pkt->ack);
  p = PUT_LIT (p, ",\"length\":");
  p = put_u64 (p, pkt->length);
  p = PUT_LIT (p, ",\"protocol\":");
  p = put_u64 (p, pkt->proto);
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
    return PUT_LIT (p, "null");
  *p++ = '"';
  p = put_str (p, name);
  *p++ = '"';
  return p;
}

static char *
put_bool (char     *p,
          gboolean  v)
{
  return v ? PUT_LIT (p, "true") : PUT_LIT (p, "false");
}

/* The index fields, without the closing brace */
static void
put_flow_head (TaFolderWriter *self,
               OutFile        *of,
               const TaFlow   *f,
               const char     *key_json,
               guint           chunk_index)
{
  gsize need = strlen (key_json) + 1024;
  char *p;

  if (f->has_initiator)
    need += addr_info (self, f->initiator)->json_len + addr_info (self, f->responder)->json_len;
  p = reserve (self, of, need);
  p = PUT_LIT (p, "{\"id\":\"flow_");
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
    p = put_u64 (p, f->id);
  p = PUT_LIT (p, "\",\"key\":");
  p = put_str (p, key_json);
  p = PUT_LIT (p, ",\"initiator\":");
  if (f->has_initiator)
    {
      AddrInfo *ai = addr_info (self, f->initiator);
      AddrInfo *ri = addr_info (self, f->responder);

      p = put_mem (p, ai->json, ai->json_len);
      p = PUT_LIT (p, ",\"responder\":");
      p = put_mem (p, ri->json, ri->json_len);
      p = PUT_LIT (p, ",\"initiatorPort\":");
      p = put_u64 (p, f->initiator_port);
      p = PUT_LIT (p, ",\"responderPort\":");
      p = put_u64 (p, f->responder_port);
    }
  else
    p = PUT_LIT (p, "null,\"responder\":null,\"initiatorPort\":null,\"responderPort\":null");
  p = PUT_LIT (p, ",\"state\":\"");
  p = put_str (p, ta_flow_state_name (f->state));
  p = PUT_LIT (p, "\",\"closeType\":");
  p = put_name_or_null (p, ta_close_type_name (f->close_type));
  p = PUT_LIT (p, ",\"startTime\":");
  p = put_i64 (p, f->start_time);
  p = PUT_LIT (p, ",\"endTime\":");
  p = put_i64 (p, f->end_time);
  p = PUT_LIT (p, ",\"totalPackets\":");
  p = put_u64 (p, f->n_packets);
  p = PUT_LIT (p, ",\"totalBytes\":");
  p = put_u64 (p, f->total_bytes);
  p = PUT_LIT (p, ",\"establishmentComplete\":");
  p = put_bool (p, f->establishment_complete);
  p = PUT_LIT (p, ",\"dataTransferStarted\":");
  p = put_bool (p, f->data_transfer_started);
  p = PUT_LIT (p, ",\"closingStarted\":");
  p = put_bool (p, f->closing_started);
  p = PUT_LIT (p, ",\"invalidReason\":");
  p = put_name_or_null (p, ta_invalid_reason_name (f->invalid_reason));
  p = PUT_LIT (p, ",\"ongoing\":");
  p = put_bool (p, f->ongoing);
  p = PUT_LIT (p, ",\"establishment_packets\":");
  p = put_u64 (p, f->n_establishment);
  p = PUT_LIT (p, ",\"data_transfer_packets\":");
  p = put_u64 (p, f->n_data_transfer);
  p = PUT_LIT (p, ",\"closing_packets\":");
  p = put_u64 (p, f->n_closing);
  p = PUT_LIT (p, ",\"chunk_file\":\"");
  p = put_str (p, self->chunk_name);
  p = PUT_LIT (p, "\",\"chunk_index\":");
  p = put_u64 (p, chunk_index);
  commit (of, p);
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
    return put_mem (p, self->pj + self->pj_off[i], self->pj_off[i + 1] - self->pj_off[i]);
  return put_packet_json (self, p, &f->packets[i]);
}

static void
put_packet_or_null (TaFolderWriter *self,
                    OutFile        *of,
                    const TaFlow   *f,
                    gint            index)
{
  char *p;

  if (index < 0)
    {
      p = reserve (self, of, 8);
      p = PUT_LIT (p, "null");
    }
  else
    {
      p = reserve (self, of, packet_json_max (self, &f->packets[index]));
      p = put_flow_packet (self, p, f, index);
    }
  commit (of, p);
}

static void
put_phase_group (TaFolderWriter *self,
                 OutFile        *of,
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
      p = reserve (self, of, packet_json_max (self, &f->packets[i]) + 128);
      if (!first)
        *p++ = ',';
      first = FALSE;
      p = PUT_LIT (p, "{\"packet\":");
      p = put_flow_packet (self, p, f, i);
      p = PUT_LIT (p, ",\"phase\":\"");
      p = put_str (p, ta_flow_phase_name (ph));
      p = PUT_LIT (p, "\",\"description\":\"");
      p = put_str (p, ta_flow_phase_description (ph));
      p = PUT_LIT (p, "\"}");
      commit (of, p);
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

static void
close_chunk (TaFolderWriter *self)
{
  char *p;

  if (!self->chunk_open)
    return;
  p = reserve (self, &self->chunk, 4);
  *p++ = ']';
  commit (&self->chunk, p);
  out_close (&self->chunk, self->error ? NULL : &self->error);
  self->chunk_open = FALSE;
  self->chunk_no++;
  self->in_chunk = 0;
  self->summary.total_chunks++;
}

static void
summarize_classes (TaFolderWriter *self)
{
  for (guint st = 0; st <= TA_FLOW_STATE_ONGOING; st++)
    for (guint ct = 0; ct <= TA_CLOSE_OPEN; ct++)
      for (guint ir = 0; ir <= TA_INVALID_INCOMPLETE_NO_ACK; ir++)
        if (self->class_counts[st][ct][ir])
          {
            const char *ctn = ta_close_type_name (ct);
            const char *irn = ta_invalid_reason_name (ir);
            guint64 *count = g_new (guint64, 1);

            *count = self->class_counts[st][ct][ir];
            g_hash_table_replace (self->summary.flow_classes,
                                  g_strdup_printf ("%s/%s/%s", ta_flow_state_name (st),
                                                   ctn ? ctn : "-", irn ? irn : "-"),
                                  count);
          }
}

static void
on_flow (const TaFlow *f,
         gpointer      user_data)
{
  TaFolderWriter *self = user_data;
  g_autofree char *key_json = json_quote (f->key);
  char *p;

  self->class_counts[f->state][f->close_type][f->invalid_reason]++;
  self->summary.total_flows++;
  if (f->end == TA_FLOW_END_TIMEOUT)
    self->summary.flows_by_timeout++;

  if (self->error)
    return;

  if (!self->chunk_open)
    {
      g_autofree char *path = chunk_path (self, self->chunk_no);

      g_snprintf (self->chunk_name, sizeof self->chunk_name, "chunk_%05u.json", self->chunk_no);
      if (!out_open (&self->chunk, path, BIG_BUF, &self->error))
        return;
      self->chunk_open = TRUE;
      self->in_chunk = 0;
      p = reserve (self, &self->chunk, 1);
      *p++ = '[';
      commit (&self->chunk, p);
    }
  else
    {
      p = reserve (self, &self->chunk, 1);
      *p++ = ',';
      commit (&self->chunk, p);
    }

  /* index entry */
  p = reserve (self, &self->index, 1);
  if (self->n_index++ > 0)
    *p++ = ',';
  commit (&self->index, p);
  put_flow_head (self, &self->index, f, key_json, self->in_chunk);
  p = reserve (self, &self->index, 1);
  *p++ = '}';
  commit (&self->index, p);

  /* full flow */
  format_flow_packets (self, f);
  put_flow_head (self, &self->chunk, f, key_json, self->in_chunk);
  p = reserve (self, &self->chunk, 64);
  p = PUT_LIT (p, ",\"phases\":{\"establishment\":[");
  commit (&self->chunk, p);
  put_phase_group (self, &self->chunk, f, TA_PHASE_GROUP_ESTABLISHMENT);
  p = reserve (self, &self->chunk, 64);
  p = PUT_LIT (p, "],\"dataTransfer\":[");
  commit (&self->chunk, p);
  put_phase_group (self, &self->chunk, f, TA_PHASE_GROUP_DATA_TRANSFER);
  p = reserve (self, &self->chunk, 64);
  p = PUT_LIT (p, "],\"closing\":[");
  commit (&self->chunk, p);
  put_phase_group (self, &self->chunk, f, TA_PHASE_GROUP_CLOSING);
  p = reserve (self, &self->chunk, 128);
  p = PUT_LIT (p, "]},\"expectedSeqNum\":");
  if (f->has_expected_seq)
    p = put_u64 (p, f->expected_seq);
  else
    p = PUT_LIT (p, "null");
  p = PUT_LIT (p, ",\"expectedAckNum\":");
  if (f->has_expected_ack)
    p = put_u64 (p, f->expected_ack);
  else
    p = PUT_LIT (p, "null");
  p = PUT_LIT (p, ",\"invalidPacket\":");
  commit (&self->chunk, p);
  put_packet_or_null (self, &self->chunk, f, f->invalid_index);
  p = reserve (self, &self->chunk, 32);
  p = PUT_LIT (p, ",\"synPacket\":");
  commit (&self->chunk, p);
  put_packet_or_null (self, &self->chunk, f, f->syn_index);
  p = reserve (self, &self->chunk, 32);
  p = PUT_LIT (p, ",\"synAckPacket\":");
  commit (&self->chunk, p);
  put_packet_or_null (self, &self->chunk, f, f->synack_index);
  p = reserve (self, &self->chunk, 32);
  p = PUT_LIT (p, ",\"packets\":[");
  commit (&self->chunk, p);
  for (guint i = 0; i < f->n_packets; i++)
    {
      p = reserve (self, &self->chunk, packet_json_max (self, &f->packets[i]) + 1);
      if (i)
        *p++ = ',';
      p = put_flow_packet (self, p, f, i);
      commit (&self->chunk, p);
    }
  p = reserve (self, &self->chunk, 4);
  p = PUT_LIT (p, "]}");
  commit (&self->chunk, p);

  self->in_chunk++;
  if (self->in_chunk >= self->chunk_size)
    close_chunk (self);
}

/* ------------------------------------------------------------ folders */

static int
rm_cb (const char        *path,
       const struct stat *sb,
       int                flag,
       struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static void
remove_tree (const char *path)
{
  nftw (path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* 1 = non-empty directory or other file, 0 = absent or empty directory */
static int
target_state (const char *path,
              gboolean   *exists)
{
  struct stat st;
  GDir *dir;
  int ret;

  *exists = FALSE;
  if (g_lstat (path, &st) != 0)
    return 0;
  *exists = TRUE;
  if (!S_ISDIR (st.st_mode))
    return 1;
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return 1;
  ret = g_dir_read_name (dir) != NULL ? 1 : 0;
  g_dir_close (dir);
  return ret;
}

TaFolderWriter *
ta_folder_writer_new (const char                  *output_dir,
                      const TaFolderWriterOptions *options,
                      TaAddrTable                 *addrs,
                      GError                     **error)
{
  g_autoptr(TaFolderWriter) self = NULL;
  g_autofree char *tmpl = NULL;
  g_autofree char *path = NULL;
  gboolean exists;
  static const char * const subdirs[] = { "flows", "ips", "indices" };

  g_return_val_if_fail (output_dir != NULL && addrs != NULL, NULL);

  self = g_new0 (TaFolderWriter, 1);
  self->packets.fd = self->index.fd = self->chunk.fd = self->spill.fd = -1;
  self->addrs = addrs;
  self->force = options ? options->force : FALSE;
  self->chunk_size = options && options->chunk_size ? options->chunk_size : TA_CHUNK_SIZE_DEFAULT;
  self->output_dir = g_strdup (output_dir);
  self->parent_dir = g_path_get_dirname (output_dir);
  self->base_name = g_path_get_basename (output_dir);
  self->first_seen = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->flag_order = g_array_new (FALSE, FALSE, sizeof (guint16));
  self->summary.flow_classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (*output_dir == '\0' || strcmp (self->base_name, ".") == 0
      || strcmp (self->base_name, "..") == 0 || strcmp (self->base_name, G_DIR_SEPARATOR_S) == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be used as an output folder name"), output_dir);
      return NULL;
    }

  if (target_state (output_dir, &exists) && !self->force)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_EXISTS,
                   _("Output folder “%s” already exists and is not empty (use --force to replace it)"),
                   output_dir);
      return NULL;
    }

  if (g_mkdir_with_parents (self->parent_dir, 0777) != 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create folder “%s”: %s"),
                   self->parent_dir, g_strerror (saved));
      return NULL;
    }
  tmpl = g_strdup_printf (".%s.partial-XXXXXX", self->base_name);
  path = g_build_filename (self->parent_dir, tmpl, NULL);
  if (g_mkdtemp (path) == NULL)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot write in folder “%s”: %s"),
                   self->parent_dir, g_strerror (saved));
      return NULL;
    }
  self->tmp_dir = g_steal_pointer (&path);

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *sub = g_build_filename (self->tmp_dir, subdirs[i], NULL);

      if (g_mkdir (sub, 0777) != 0)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot create folder “%s”: %s"),
                       sub, g_strerror (saved));
          return NULL;
        }
    }

  path = g_build_filename (self->tmp_dir, "packets.csv", NULL);
  if (!out_open (&self->packets, path, BIG_BUF, error))
    return NULL;
  g_free (path);
  path = g_build_filename (self->tmp_dir, "flows", "flows_index.json", NULL);
  if (!out_open (&self->index, path, SMALL_BUF * 4, error))
    return NULL;
  g_free (path);
  path = g_build_filename (self->tmp_dir, SPILL_NAME, NULL);
  if (!out_open (&self->spill, path, SMALL_BUF * 4, error))
    return NULL;

  {
    static const char header[] =
      "timestamp,src_ip,dst_ip,src_port,dst_port,flags,flag_type,seq_num,ack_num,length,protocol\n";
    char *p = reserve (self, &self->packets, sizeof header);

    commit (&self->packets, PUT_LIT (p, header));
    p = reserve (self, &self->index, 1);
    *p++ = '[';
    commit (&self->index, p);
  }

  for (guint i = 0; i < 512; i++)
    {
      const char *name = ta_flag_type_name (i & 0xff, i >= 256);

      self->frag_json[i] = g_strdup_printf (",\"flags\":%u,\"flag_type\":\"%s\",\"seq_num\":", i & 0xff, name);
      self->frag_json_len[i] = strlen (self->frag_json[i]);
      self->frag_csv[i] = g_strdup_printf ("%u,%s,", i & 0xff, name);
      self->frag_csv_len[i] = strlen (self->frag_csv[i]);
    }

  self->tracker = ta_flow_tracker_new (addrs,
                                       options ? options->flow_timeout_us : 0,
                                       on_flow, self);
  self->ts_min = G_MAXINT64;
  self->ts_max = G_MININT64;
  return g_steal_pointer (&self);
}

gboolean
ta_folder_writer_add (TaFolderWriter  *self,
                      const TaPacket  *pkt,
                      GError         **error)
{
  AddrInfo *s, *d;
  char *p;
  guint64 zz;
  gint64 delta;
  guint fclass, fi;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);

  if (G_UNLIKELY (self->error))
    {
      if (error)
        *error = g_error_copy (self->error);
      return FALSE;
    }

  addr_info (self, pkt->dst);     /* grow the table first: pointers stay valid */
  s = addr_info (self, pkt->src);
  d = addr_info (self, pkt->dst);

  /* packets.csv */
  p = reserve (self, &self->packets, s->csv_len + d->csv_len + 160);
  p = put_ts (self, p, pkt->ts);
  *p++ = ',';
  p = put_mem (p, s->csv, s->csv_len);
  *p++ = ',';
  p = put_mem (p, d->csv, d->csv_len);
  *p++ = ',';
  p = put_u64 (p, pkt->sport);
  *p++ = ',';
  p = put_u64 (p, pkt->dport);
  *p++ = ',';
  fi = pkt->flags | ((pkt->pflags & TA_PKT_FLAGS_INVALID) ? 256 : 0);
  p = put_mem (p, self->frag_csv[fi], self->frag_csv_len[fi]);
  p = put_u64 (p, pkt->seq);
  *p++ = ',';
  p = put_u64 (p, pkt->ack);
  *p++ = ',';
  p = put_u64 (p, pkt->length);
  *p++ = ',';
  p = put_u64 (p, pkt->proto);
  *p++ = '\n';
  commit (&self->packets, p);

  /* timestamps for the bins: zigzag varint of the delta */
  p = reserve (self, &self->spill, 10);
  delta = (gint64) ((guint64) pkt->ts - (guint64) self->ts_prev);
  self->ts_prev = pkt->ts;
  zz = ((guint64) delta << 1) ^ (guint64) (delta >> 63);
  while (zz >= 0x80)
    {
      *p++ = (char) (zz | 0x80);
      zz >>= 7;
    }
  *p++ = (char) zz;
  commit (&self->spill, p);
  if (pkt->ts < self->ts_min)
    self->ts_min = pkt->ts;
  if (pkt->ts > self->ts_max)
    self->ts_max = pkt->ts;

  /* ip stats, every protocol */
  addr_seen (self, s, pkt->src, pkt->ts);
  s->sent_packets++;
  s->sent_bytes += pkt->length;
  addr_seen (self, d, pkt->dst, pkt->ts);
  d->recv_packets++;
  d->recv_bytes += pkt->length;

  self->summary.total_packets++;
  if (pkt->proto == 6)
    {
      self->summary.tcp_packets++;
      fclass = (pkt->pflags & TA_PKT_FLAGS_INVALID) ? 256 : pkt->flags;
      if (self->flag_counts[fclass]++ == 0)
        {
          guint16 v = fclass;

          g_array_append_val (self->flag_order, v);
        }
      ta_flow_tracker_add (self->tracker, pkt);
    }

  if (G_UNLIKELY (self->error))
    {
      if (error)
        *error = g_error_copy (self->error);
      return FALSE;
    }
  return TRUE;
}

/* -------------------------------------------------------------- finish */

static gboolean
write_small_file (TaFolderWriter  *self,
                  const char      *rel,
                  GString         *text,
                  GError         **error)
{
  g_autofree char *path = g_build_filename (self->tmp_dir, rel, NULL);
  OutFile of = { -1, NULL, 0, 0, NULL };
  char *p;

  if (!out_open (&of, path, MAX (text->len, 16), error))
    return FALSE;
  p = reserve (self, &of, text->len);
  commit (&of, put_mem (p, text->str, text->len));
  return out_close (&of, error);
}

static void
gstr_json_string (GString    *s,
                  const char *text)
{
  g_autofree char *q = json_quote (text);

  g_string_append (s, q);
}

static gint
name_cmp (gconstpointer a,
          gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
write_bins (TaFolderWriter  *self,
            GError         **error)
{
  g_autoptr(GString) out = g_string_new ("[");
  g_autofree char *path = g_build_filename (self->tmp_dir, SPILL_NAME, NULL);
  guint64 counts[N_BINS] = { 0 };
  guint64 n = self->summary.total_packets;
  gint64 lo = self->ts_min, hi = self->ts_max;
  double width;
  FILE *fp;
  gint64 ts = 0;
  guint64 acc = 0;
  guint shift = 0;
  int c;

  if (n == 0)
    {
      g_string_append_c (out, ']');
      return write_small_file (self, "indices/bins.json", out, error);
    }
  if (lo == hi)
    {
      g_string_append_printf (out, "{\"bin\":0,\"start\":%" G_GINT64_FORMAT ",\"end\":%"
                              G_GINT64_FORMAT ",\"count\":%" G_GUINT64_FORMAT "}]", lo, hi, n);
      return write_small_file (self, "indices/bins.json", out, error);
    }

  fp = fopen (path, "rb");
  if (fp == NULL)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot read “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  width = (double) (hi - lo) / N_BINS;
  /* The bins are the original's: bin i is [lo + i·w, lo + (i+1)·w) in
   * floating point, except that the last bin also holds hi (the original
   * dropped that packet). */
  while ((c = getc_unlocked (fp)) != EOF)
    {
      acc |= (guint64) (c & 0x7f) << shift;
      if (c & 0x80)
        {
          shift += 7;
          continue;
        }
      {
        gint64 delta = (gint64) ((acc >> 1) ^ (~(acc & 1) + 1));
        double x;
        int i;

        ts = (gint64) ((guint64) ts + (guint64) delta);
        acc = 0;
        shift = 0;
        x = (double) ts;
        i = (int) ((x - (double) lo) / width);
        i = CLAMP (i, 0, N_BINS - 1);
        while (i > 0 && x < (double) lo + i * width)
          i--;
        while (i < N_BINS - 1 && x >= (double) lo + (i + 1) * width)
          i++;
        counts[i]++;
      }
    }
  fclose (fp);

  for (int i = 0; i < N_BINS; i++)
    {
      double start = (double) lo + i * width;
      double end = (double) lo + (i + 1) * width;

      g_string_append_printf (out, "%s{\"bin\":%d,\"start\":%" G_GINT64_FORMAT ",\"end\":%"
                              G_GINT64_FORMAT ",\"count\":%" G_GUINT64_FORMAT "}",
                              i ? "," : "", i, (gint64) start, (gint64) end, counts[i]);
    }
  g_string_append_c (out, ']');
  return write_small_file (self, "indices/bins.json", out, error);
}

static void
append_minutes (GString *s,
                gint64   us)
{
  if (us % 60000000 == 0)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, us / 60000000);
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (s, g_ascii_dtostr (buf, sizeof buf, us / 60000000.0));
    }
}

static gboolean
write_stats (TaFolderWriter       *self,
             const TaManifestInfo *info,
             GError              **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  gint64 lo = self->summary.total_packets ? self->ts_min : 0;
  gint64 hi = self->summary.total_packets ? self->ts_max : 0;

  /* ip_stats.json, first-seen order */
  g_string_append_c (s, '{');
  for (guint i = 0; i < self->first_seen->len; i++)
    {
      guint32 idx = g_array_index (self->first_seen, guint32, i);
      AddrInfo *ai = addr_info (self, idx);

      g_string_append_printf (s, "%s%s:{\"sent_packets\":%" G_GUINT64_FORMAT
                              ",\"recv_packets\":%" G_GUINT64_FORMAT
                              ",\"sent_bytes\":%" G_GUINT64_FORMAT
                              ",\"recv_bytes\":%" G_GUINT64_FORMAT
                              ",\"first_ts\":%" G_GINT64_FORMAT
                              ",\"last_ts\":%" G_GINT64_FORMAT "}",
                              i ? "," : "", ai->json, ai->sent_packets, ai->recv_packets,
                              ai->sent_bytes, ai->recv_bytes, ai->first_ts, ai->last_ts);
      g_ptr_array_add (names, (gpointer) (idx == TA_ADDR_NONE ? "" : ta_addr_table_get_name (self->addrs, idx)));
    }
  g_string_append_c (s, '}');
  if (!write_small_file (self, "ips/ip_stats.json", s, error))
    return FALSE;

  /* unique_ips.json, sorted */
  g_ptr_array_sort (names, name_cmp);
  g_string_assign (s, "[");
  for (guint i = 0; i < names->len; i++)
    {
      if (i)
        g_string_append_c (s, ',');
      gstr_json_string (s, names->pdata[i]);
    }
  g_string_append_c (s, ']');
  if (!write_small_file (self, "ips/unique_ips.json", s, error))
    return FALSE;
  self->summary.unique_ips = names->len;

  /* flag_stats.json, TCP only, first-seen order */
  g_string_assign (s, "{");
  for (guint i = 0; i < self->flag_order->len; i++)
    {
      guint v = g_array_index (self->flag_order, guint16, i);

      g_string_append_printf (s, "%s\"%s\":%" G_GUINT64_FORMAT, i ? "," : "",
                              ta_flag_type_name (v & 0xff, v == 256), self->flag_counts[v]);
    }
  g_string_append_c (s, '}');
  if (!write_small_file (self, "ips/flag_stats.json", s, error))
    return FALSE;

  if (!write_bins (self, error))
    return FALSE;

  /* manifest.json */
  g_string_assign (s, "{\"version\":\"2.0\",\"format\":\"chunked\",\"created\":\"");
  g_string_append_printf (s, "%s.%06d\",\"source_files\":[", created,
                          g_date_time_get_microsecond (now));
  for (guint i = 0; info && info->source_files && info->source_files[i]; i++)
    {
      if (i)
        g_string_append_c (s, ',');
      gstr_json_string (s, info->source_files[i]);
    }
  g_string_append_printf (s, "],\"total_packets\":%" G_GUINT64_FORMAT
                          ",\"tcp_packets\":%" G_GUINT64_FORMAT
                          ",\"unique_ips\":%u,\"total_flows\":%" G_GUINT64_FORMAT
                          ",\"flows_per_chunk\":%u,\"total_chunks\":%u"
                          ",\"time_range\":{\"start\":%" G_GINT64_FORMAT ",\"end\":%" G_GINT64_FORMAT
                          ",\"duration\":%" G_GINT64_FORMAT "}",
                          self->summary.total_packets, self->summary.tcp_packets,
                          self->summary.unique_ips, self->summary.total_flows,
                          self->chunk_size, self->summary.total_chunks, lo, hi, hi - lo);
  g_string_append (s, ",\"structure\":{\"packets\":\"packets.csv\","
                   "\"flows_index\":\"flows/flows_index.json\","
                   "\"flow_chunks\":\"flows/chunk_*.json\","
                   "\"time_bins\":\"indices/bins.json\","
                   "\"ip_stats\":\"ips/ip_stats.json\","
                   "\"flag_stats\":\"ips/flag_stats.json\","
                   "\"unique_ips\":\"ips/unique_ips.json\"}");
  g_string_append (s, ",\"attack_context\":");
  if (info && info->attack_context)
    {
      g_string_append (s, "{\"type\":");
      gstr_json_string (s, info->attack_context);
      g_string_append (s, ",\"source\":\"attack_timearcs_selection\"}");
    }
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"filter_applied\":{\"ips\":");
  if (info && info->filter_ips)
    {
      g_string_append_c (s, '[');
      for (guint i = 0; info->filter_ips[i]; i++)
        {
          if (i)
            g_string_append_c (s, ',');
          gstr_json_string (s, info->filter_ips[i]);
        }
      g_string_append_c (s, ']');
    }
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_start_us\":");
  if (info && info->has_time_start)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, info->time_start_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_end_us\":");
  if (info && info->has_time_end)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, info->time_end_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_start_minutes\":");
  if (info && info->has_time_start)
    append_minutes (s, info->time_start_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\"time_end_minutes\":");
  if (info && info->has_time_end)
    append_minutes (s, info->time_end_us);
  else
    g_string_append (s, "null");
  g_string_append (s, "}}");
  return write_small_file (self, "manifest.json", s, error);
}

static gboolean
move_into_place (TaFolderWriter  *self,
                 GError         **error)
{
  gboolean exists;
  int state = target_state (self->output_dir, &exists);
  g_autofree char *old = NULL;

  if (state && !self->force)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_EXISTS,
                   _("Output folder “%s” already exists and is not empty (use --force to replace it)"),
                   self->output_dir);
      return FALSE;
    }
  if (exists)
    {
      g_autofree char *tmpl = g_strdup_printf (".%s.old-XXXXXX", self->base_name);

      old = g_build_filename (self->parent_dir, tmpl, NULL);
      /* a unique name (mkdtemp) that the old folder or file moves to */
      if (g_mkdtemp (old) == NULL || g_rmdir (old) != 0
          || g_rename (self->output_dir, old) != 0)
        {
          int saved = errno;

          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot replace “%s”: %s"),
                       self->output_dir, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rename (self->tmp_dir, self->output_dir) != 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("Cannot rename “%s” to “%s”: %s"),
                   self->tmp_dir, self->output_dir, g_strerror (saved));
      if (old)
        g_rename (old, self->output_dir);
      return FALSE;
    }
  if (old)
    remove_tree (old);
  return TRUE;
}

gboolean
ta_folder_writer_finish (TaFolderWriter        *self,
                         const TaManifestInfo  *info,
                         GError               **error)
{
  char *p;
  g_autofree char *spill = NULL;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);

  if (self->error == NULL)
    {
      ta_flow_tracker_finish (self->tracker);
      summarize_classes (self);
      close_chunk (self);
      p = reserve (self, &self->index, 1);
      *p++ = ']';
      commit (&self->index, p);
    }
  if (self->error == NULL)
    out_close (&self->index, &self->error);
  if (self->error == NULL)
    out_close (&self->packets, &self->error);
  if (self->error == NULL)
    out_close (&self->spill, &self->error);
  if (self->error)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      ta_folder_writer_abort (self);
      return FALSE;
    }

  if (!write_stats (self, info, error))
    {
      ta_folder_writer_abort (self);
      return FALSE;
    }
  spill = g_build_filename (self->tmp_dir, SPILL_NAME, NULL);
  g_unlink (spill);

  if (!move_into_place (self, error))
    {
      ta_folder_writer_abort (self);
      return FALSE;
    }
  g_clear_pointer (&self->tmp_dir, g_free);
  self->finished = TRUE;
  return TRUE;
}

const TaFolderSummary *
ta_folder_writer_get_summary (TaFolderWriter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->summary;
}

void
ta_folder_writer_abort (TaFolderWriter *self)
{
  if (self == NULL)
    return;
  out_close (&self->packets, NULL);
  out_close (&self->index, NULL);
  out_close (&self->chunk, NULL);
  out_close (&self->spill, NULL);
  self->chunk_open = FALSE;
  if (self->tmp_dir && !self->finished)
    remove_tree (self->tmp_dir);
  g_clear_pointer (&self->tmp_dir, g_free);
}

void
ta_folder_writer_free (TaFolderWriter *self)
{
  if (self == NULL)
    return;
  ta_folder_writer_abort (self);
  ta_flow_tracker_free (self->tracker);
  for (guint i = 0; i < self->n_info; i++)
    {
      g_free (self->info[i].csv);
      g_free (self->info[i].json);
    }
  g_free (self->info);
  g_free (self->pj);
  g_free (self->pj_off);
  for (guint i = 0; i < 512; i++)
    {
      g_free (self->frag_json[i]);
      g_free (self->frag_csv[i]);
    }
  g_free (self->none_info.csv);
  g_free (self->none_info.json);
  if (self->first_seen)
    g_array_unref (self->first_seen);
  if (self->flag_order)
    g_array_unref (self->flag_order);
  if (self->summary.flow_classes)
    g_hash_table_unref (self->summary.flow_classes);
  g_clear_error (&self->error);
  g_free (self->output_dir);
  g_free (self->parent_dir);
  g_free (self->base_name);
  g_free (self);
}
