/* ta-folder-writer-private.h — what the folder writer's files share: the
 * writer's state, the per-address names and the formatting helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-flow-tracker.h"
#include "ta-folder-writer.h"
#include "ta-json.h"
#include "ta-out.h"

G_BEGIN_DECLS

#define N_BINS 100
#define BIG_BUF (1 << 20)
#define SMALL_BUF (1 << 16)
#define SPILL_NAME ".timestamps.spill"

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
  char           **inputs;       /* the run's inputs, checked again before the rename */
  gboolean         finished;
  guint            chunk_size;
  TaAddrTable     *addrs;
  TaFlowTracker   *tracker;
  GError          *error;      /* first write error, sticky */

  /* written in place: the folder is moved into place as a whole */
  TaOut           *packets;
  TaOut           *index;
  TaOut           *chunk;          /* NULL between chunks */
  TaOut           *spill;
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

static inline char *
json_quote (const char *s)
{
  GString *out = g_string_sized_new (strlen (s) + 2);

  ta_json_append_string (out, s);
  return g_string_free (out, FALSE);
}

static inline char *
put_ts (TaFolderWriter *self,
        char           *p,
        gint64          ts)
{
  guint64 hi;

  if (G_UNLIKELY (ts < 100000000))
    return ta_put_i64 (p, ts);
  hi = (guint64) ts / 100000000;
  if (G_UNLIKELY (hi != self->ts_hi || self->ts_hi_len == 0))
    {
      self->ts_hi = hi;
      self->ts_hi_len = ta_put_u64 (self->ts_hi_str, hi) - self->ts_hi_str;
    }
  p = ta_put_mem (p, self->ts_hi_str, self->ts_hi_len);
  return ta_put_u32_8 (p, (guint32) ((guint64) ts % 100000000));
}

/* Names and counts of an address, created on first use */
AddrInfo *ta_folder_writer_addr_info_slow  (TaFolderWriter *self,
                                            guint32         idx);

G_ALWAYS_INLINE static inline AddrInfo *
ta_folder_writer_addr_info (TaFolderWriter *self,
                            guint32         idx)
{
  AddrInfo *ai;

  if (idx == TA_ADDR_NONE)
    ai = &self->none_info;
  else if (G_LIKELY (idx < self->n_info))
    ai = &self->info[idx];
  else
    return ta_folder_writer_addr_info_slow (self, idx);
  if (G_UNLIKELY (ai->json == NULL))
    return ta_folder_writer_addr_info_slow (self, idx);
  return ai;
}

/* An address that add() has seen: its names are cached */
static inline AddrInfo *
known_info (TaFolderWriter *self,
            guint32         idx)
{
  return idx == TA_ADDR_NONE ? &self->none_info : &self->info[idx];
}

/* Moves the first output's write error into self->error; TRUE */
gboolean  ta_folder_writer_note_error      (TaFolderWriter *self);

/* TRUE once anything failed (self->error then holds the first error) */
static inline gboolean
ta_folder_writer_failed (TaFolderWriter *self)
{
  if (G_LIKELY (self->error == NULL
                && !(self->packets && self->packets->failed)
                && !(self->index && self->index->failed)
                && !(self->spill && self->spill->failed)
                && !(self->chunk && self->chunk->failed)))
    return FALSE;
  return ta_folder_writer_note_error (self);
}

/* ta-folder-writer-flows.c: a completed flow into the index and its chunk */
void      ta_folder_writer_on_flow         (const TaFlow   *f,
                                            gpointer        user_data);
void      ta_folder_writer_close_chunk     (TaFolderWriter *self);

/* ta-folder-writer-stats.c: the files written at finish */
void      ta_folder_writer_summarize_classes (TaFolderWriter *self);
gboolean  ta_folder_writer_write_stats     (TaFolderWriter       *self,
                                            const TaManifestInfo *info,
                                            GError              **error);

G_END_DECLS
