/* ta-csv-reader-private.h — what the packet CSV reader's files share:
 * the reader's state and its columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-csv-reader.h"

G_BEGIN_DECLS

#define MAX_LINE       (1024 * 1024)  /* longer lines are malformed and skipped */
#define MAX_HEADER     (64 * 1024)
#define READ_AHEAD     (256 * 1024)
#define ID_CACHE_MIN   (1u << 16)     /* ids cached: up to the map's largest id, at least this */
#define ID_CACHE_MAX   (1u << 24)
#define CACHE_UNMAPPED 0x80000000u    /* id_cache value flag: not in the IP map */

typedef enum
{
  COL_TIMESTAMP,
  COL_LENGTH,
  COL_PROTOCOL,
  COL_SRC_PORT,
  COL_DST_PORT,
  COL_SRC_IP,
  COL_DST_IP,
  COL_FLAGS,
  COL_SEQ,
  COL_ACK,
  COL_ATTACK,  /* optional */
  N_COLS
} Column;

typedef struct
{
  const char *p;
  guint32     len;
  guint32     quoted : 1;   /* had "" escapes inside quotes */
} Field;

struct _TaCsvReader
{
  TaInput        *input;
  TaReaderConfig  config;
  const char     *path;          /* owned by input */
  TaPacketFilter *filter;        /* borrowed, may be NULL */
  gboolean        truncation_reported;

  int             col_pos[N_COLS];   /* column index, -1 when absent */
  guint           n_fields;          /* fields needed: 1 + largest col_pos */
  guint           ts_fields;         /* fields needed for the timestamp */
  guint           filter_fields;     /* fields needed for the filter check */
  Field          *fields;            /* n_fields */

  /* window: win[pos..len) is not parsed yet */
  const guint8   *win;
  gsize           win_len;
  gsize           pos;
  guint64         line;              /* number of the last line taken */
  guint           eof : 1;
  guint           skipping : 1;      /* inside an over-long line */
  guint           ordered : 1;
  guint           stopped_early : 1;
  guint           warned_unmapped : 1;

  gint64          last_ts;
  guint           tick_rows;

  /* numeric id -> TaAddrTable index + 1 (| CACHE_UNMAPPED); 0 = unknown */
  guint32        *id_cache;
  gsize           id_cache_len;
  gsize           id_cache_limit;   /* ids at or above are looked up each time */
  guint64         unmapped_rows;
  guint           unmapped_ids;
};

static inline void
trim (const char **p,
      gsize       *len)
{
  while (*len > 0 && g_ascii_isspace (**p))
    (*p)++, (*len)--;
  while (*len > 0 && g_ascii_isspace ((*p)[*len - 1]))
    (*len)--;
  if (*len >= 2 && **p == '"' && (*p)[*len - 1] == '"')
    {
      (*p)++;
      *len -= 2;
    }
}

/* The next line of the stream (see next_line in ta-csv-reader.c) */
gboolean ta_csv_reader_next_line (TaCsvReader  *self,
                                  const char  **line,
                                  gsize        *len,
                                  GError      **error);

G_END_DECLS
