/* ta-subset-folder.h — a v2.0 subset folder (FORMATS.md §8) loaded for
 * viewing: validated manifest, flows index, per-IP and per-flag statistics,
 * time bins and every packet of packets.csv as compact columns. Flow chunk
 * files are read on demand and kept in a small LRU cache.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The colour classes of the original's flag legend (flag_colors.json), plus
 * one for packets that are not TCP. */
typedef enum
{
  TA_FLAG_CLASS_SYN,
  TA_FLAG_CLASS_SYN_ACK,
  TA_FLAG_CLASS_ACK,
  TA_FLAG_CLASS_PSH,
  TA_FLAG_CLASS_PSH_ACK,
  TA_FLAG_CLASS_FIN,
  TA_FLAG_CLASS_FIN_ACK,
  TA_FLAG_CLASS_RST,
  TA_FLAG_CLASS_RST_ACK,
  TA_FLAG_CLASS_OTHER,
  TA_FLAG_CLASS_NON_TCP,
  TA_N_FLAG_CLASSES
} TaFlagClass;

guint        ta_flag_class_from_flags      (guint        flags,
                                            guint        protocol);
/* Key in flag_colors.json ("ACK+RST" for RST+ACK), "non-TCP" for the last */
const char  *ta_flag_class_name            (guint        fclass);
/* The original's colour as "#rrggbb" */
const char  *ta_flag_class_color           (guint        fclass);
/* "#rrggbb" of flow_colors.json for a close type or invalid reason, or NULL */
const char  *ta_flow_outcome_color         (const char  *close_type,
                                            const char  *invalid_reason);

typedef enum
{
  TA_FLOW_PHASE_NONE,
  TA_FLOW_PHASE_ESTABLISHMENT,
  TA_FLOW_PHASE_DATA,
  TA_FLOW_PHASE_CLOSING,
  TA_N_FLOW_PHASES
} TaFlowPhase;

const char  *ta_flow_phase_label           (TaFlowPhase  phase);

typedef struct
{
  char    *version;
  char    *format;
  char    *created;
  char   **source_files;        /* "source_files", or the original's "source_file" */
  guint64  total_packets;
  guint64  tcp_packets;
  guint64  unique_ips;
  guint64  total_flows;
  guint64  flows_per_chunk;
  guint64  total_chunks;
  gint64   time_start;          /* µs */
  gint64   time_end;
  gint64   duration;
  char    *attack_context;      /* attack_context.type, or NULL */
  char   **filter_ips;          /* NULL = none */
  gboolean has_time_filter;
  gint64   filter_start_us;
  gint64   filter_end_us;
} TaManifest;

/* Every packet of packets.csv, in time order, one array per field:
 * 35 bytes a packet. */
typedef struct
{
  guint    n;
  gint64  *ts;
  guint32 *src;                 /* address index (ta_subset_folder_get_addr_name) */
  guint32 *dst;
  guint16 *sport;
  guint16 *dport;
  guint32 *seq;
  guint32 *ack;
  guint32 *length;
  guint8  *flags;
  guint8  *proto;
  guint8  *fclass;              /* TaFlagClass */
} TaPacketColumns;

#define TA_NO_ADDR G_MAXUINT32

typedef struct
{
  const char *id;               /* "flow_000001" */
  const char *state;            /* interned */
  const char *close_type;       /* interned, NULL when null */
  const char *invalid_reason;   /* interned, NULL when null */
  const char *chunk_file;       /* interned basename */
  gint64      start;
  gint64      end;
  guint64     total_packets;
  guint64     total_bytes;
  guint32     a;                /* the key's first end */
  guint32     b;                /* the key's second end */
  guint32     initiator;        /* TA_NO_ADDR when null */
  guint32     responder;
  guint32     chunk_index;
  guint32     establishment_packets;
  guint32     data_transfer_packets;
  guint32     closing_packets;
  guint16     a_port;
  guint16     b_port;
  gint32      initiator_port;   /* -1 when null */
  gint32      responder_port;
  guint8      establishment_complete;
  guint8      data_transfer_started;
  guint8      closing_started;
  guint8      ongoing;
} TaFlowInfo;

typedef struct
{
  guint32 addr;
  guint64 sent_packets;
  guint64 recv_packets;
  guint64 sent_bytes;
  guint64 recv_bytes;
  gint64  first_ts;
  gint64  last_ts;
} TaIpStats;

typedef struct
{
  gint64  start;
  gint64  end;
  guint64 count;
} TaTimeBin;

/* One packet of a flow, from its chunk file */
typedef struct
{
  gint64      ts;
  guint32     src;
  guint32     dst;
  guint32     seq;
  guint32     ack;
  guint32     length;
  guint16     sport;
  guint16     dport;
  guint8      flags;
  guint8      proto;
  guint8      fclass;
  guint8      phase;            /* TaFlowPhase */
  guint8      in_packet_list;   /* FALSE: only in phases/invalidPacket (FORMATS.md §11) */
  guint8      is_invalid_packet;
  const char *phase_step;       /* "syn", "data", … interned, or NULL */
  const char *description;      /* interned, or NULL */
} TaFlowPacket;

typedef struct
{
  TaFlowInfo    info;
  TaFlowPacket *packets;        /* time order */
  guint         n_packets;
  gboolean      has_expected;
  gint64        expected_seq;
  gint64        expected_ack;
} TaFlowDetail;

typedef struct _TaSubsetFolder TaSubsetFolder;

typedef void (*TaProgressFunc) (double      fraction,
                                const char *message,
                                gpointer    user_data);

/* In the calling thread; @progress is called there. In a worker thread,
 * with progress on the main context: ta-folder-load-job.h. */
TaSubsetFolder      *ta_subset_folder_load              (GFile               *folder,
                                                         GCancellable        *cancellable,
                                                         TaProgressFunc       progress,
                                                         gpointer             progress_data,
                                                         GError             **error);
TaSubsetFolder      *ta_subset_folder_ref               (TaSubsetFolder      *self);
void                 ta_subset_folder_unref             (TaSubsetFolder      *self);

GFile               *ta_subset_folder_get_file          (TaSubsetFolder      *self);
const TaManifest    *ta_subset_folder_get_manifest      (TaSubsetFolder      *self);
const TaPacketColumns *ta_subset_folder_get_packets     (TaSubsetFolder      *self);
const TaFlowInfo    *ta_subset_folder_get_flows         (TaSubsetFolder      *self,
                                                         guint               *n_flows);
const TaIpStats     *ta_subset_folder_get_ip_stats      (TaSubsetFolder      *self,
                                                         guint               *n_ips);
const TaTimeBin     *ta_subset_folder_get_bins          (TaSubsetFolder      *self,
                                                         guint               *n_bins);
/* flag class name as in flag_stats.json -> count, in file order */
const char * const  *ta_subset_folder_get_flag_stats    (TaSubsetFolder      *self,
                                                         const guint64      **counts,
                                                         guint               *n);
guint                ta_subset_folder_get_n_addrs       (TaSubsetFolder      *self);
const char          *ta_subset_folder_get_addr_name     (TaSubsetFolder      *self,
                                                         guint32              addr);
/* Things that were not fatal: a missing optional file, counts that differ */
const char * const  *ta_subset_folder_get_warnings      (TaSubsetFolder      *self);
/* Bytes held for the packet columns, flows and statistics */
gsize                ta_subset_folder_get_memory_size   (TaSubsetFolder      *self);

/* Reads the flow's chunk file (cached, LRU); thread-safe. */
TaFlowDetail        *ta_subset_folder_get_flow_detail   (TaSubsetFolder      *self,
                                                         guint                flow,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
void                 ta_subset_folder_get_flow_detail_async  (TaSubsetFolder      *self,
                                                              guint                flow,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
TaFlowDetail        *ta_subset_folder_get_flow_detail_finish (TaSubsetFolder      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
TaFlowDetail        *ta_flow_detail_ref                 (TaFlowDetail        *detail);
void                 ta_flow_detail_unref               (TaFlowDetail        *detail);
guint                ta_subset_folder_get_n_cached_chunks (TaSubsetFolder    *self);
/* FALSE with TA_ERROR_CHANGED when the folder on disk is no longer the one
 * loaded (its manifest.json was replaced or rewritten); every flow detail
 * read checks it first */
gboolean             ta_subset_folder_check_unchanged   (TaSubsetFolder      *self,
                                                         GError             **error);

/* The flow a packet of packets.csv belongs to (same two ends, within the
 * flow's time span), or -1 */
gint                 ta_subset_folder_find_flow_for_packet (TaSubsetFolder   *self,
                                                            guint             packet);

/* Index of the first packet with ts >= t (binary search) */
guint                ta_packet_columns_lower_bound      (const TaPacketColumns *packets,
                                                         gint64                 t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaSubsetFolder, ta_subset_folder_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaFlowDetail, ta_flow_detail_unref)

G_END_DECLS
