/* ta-folder-writer.h — a v2.0 subset folder (FORMATS.md §8), written while
 * packets stream in. TCP packets go through the flow tracker; completed flows
 * are written in chunks as they complete, so memory grows only with the
 * number of open flows. Everything goes into a temporary sibling folder that
 * is renamed into place by finish(); abort() or free() without finish()
 * removes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ta-addr-table.h"
#include "ta-packet.h"

G_BEGIN_DECLS

/* Flows per chunk file, unless told otherwise */
#define TA_CHUNK_SIZE_DEFAULT 200

typedef struct
{
  guint     chunk_size;        /* flows per chunk file; 0 = TA_CHUNK_SIZE_DEFAULT */
  gint64    flow_timeout_us;   /* inactivity that completes a flow; 0 = TA_FLOW_TIMEOUT_DEFAULT_S */
  gboolean  force;             /* replace an existing subset folder (ta-out-target.h) */
  const char * const *inputs;  /* the run's input files, never replaced; NULL-terminated or NULL */
} TaFolderWriterOptions;

/* What manifest.json records about the run */
typedef struct
{
  const char * const *source_files;   /* NULL-terminated */
  const char         *attack_context; /* NULL = none */
  const char * const *filter_ips;     /* NULL-terminated, NULL = no IP filter */
  gboolean            has_time_start;
  gint64              time_start_us;
  gboolean            has_time_end;
  gint64              time_end_us;
} TaManifestInfo;

/* Flow outcome classes, for summaries */
typedef struct
{
  guint64 total_packets;
  guint64 tcp_packets;
  guint64 total_flows;
  guint   total_chunks;
  guint   unique_ips;
  /* "state/closeType/invalidReason" -> count (guint64 in a GUINT_TO_POINTER
   * is not enough for huge runs, so values are guint64*). A null closeType
   * or invalidReason is written "-": "closed/graceful/-", "new/-/-",
   * "invalid/invalid/rst_during_handshake". */
  GHashTable *flow_classes;
  guint64 flows_by_timeout;   /* flows completed by flow_timeout_us */
} TaFolderSummary;

typedef struct _TaFolderWriter TaFolderWriter;

TaFolderWriter *ta_folder_writer_new      (const char                  *output_dir,
                                           const TaFolderWriterOptions *options,
                                           TaAddrTable                 *addrs,
                                           GError                     **error);
/* Packets must come in time order within a connection; across files a
 * slightly out-of-order packet is still accepted. */
gboolean        ta_folder_writer_add      (TaFolderWriter              *self,
                                           const TaPacket              *pkt,
                                           GError                     **error);
gboolean        ta_folder_writer_finish   (TaFolderWriter              *self,
                                           const TaManifestInfo        *info,
                                           GError                     **error);
/* Valid after finish() */
const TaFolderSummary *ta_folder_writer_get_summary (TaFolderWriter    *self);
/* The hidden folder the files are written into until finish() moves it
 * into place: others (the traffic profile) may add files there */
const char     *ta_folder_writer_get_work_dir (TaFolderWriter      *self);
/* Removes the temporary folder; safe to call more than once */
void            ta_folder_writer_abort    (TaFolderWriter              *self);
void            ta_folder_writer_free     (TaFolderWriter              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaFolderWriter, ta_folder_writer_free)

G_END_DECLS
