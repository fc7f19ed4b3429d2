/* ta-subset-folder-private.h — what the files of the subset folder loader
 * share: the folder's fields, the load context, the paths from the
 * manifest, the flows index job and the JSON field readers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ta-addr-table.h"
#include "ta-chunk-file.h"
#include "ta-file-read.h"
#include "ta-subset-folder.h"

G_BEGIN_DECLS

/* Upper bounds that keep a hostile folder from asking for unbounded memory
 * or overflowing arithmetic */
#define MAX_COUNT        G_GUINT64_CONSTANT (1000000000000)   /* 1e12 */
#define MAX_TIME_US      G_GINT64_CONSTANT (100000000000000000) /* year ~5138 */

struct _TaSubsetFolder
{
  gatomicrefcount  ref_count;
  GFile           *file;
  TaManifest       manifest;
  TaPacketColumns  packets;
  guint            packets_cap;
  TaFlowInfo      *flows;
  guint            n_flows;
  TaIpStats       *ip_stats;
  guint            n_ip_stats;
  TaTimeBin       *bins;
  guint            n_bins;
  char           **flag_names;
  guint64         *flag_counts;
  guint            n_flag_stats;
  GPtrArray       *warnings;     /* char*, NULL-terminated on demand */
  GStringChunk    *strings;
  char            *chunk_dir;    /* absolute path of the chunks' directory */

  GMutex           mutex;        /* guards addrs, chunk cache, flow lookup */
  TaAddrTable     *addrs;
  GQueue           chunk_lru;    /* scanned chunk files, most recent first */
  GQueue           detail_lru;   /* parsed flow details, most recent first */
  guint64          detail_packets; /* packets held by detail_lru */
  TaFileStamp      manifest_stamp; /* manifest.json as opened */
  gboolean         has_stamp;
  GHashTable      *flow_lookup;  /* ConnKey -> GArray of guint */
};

typedef struct
{
  TaSubsetFolder *self;
  GCancellable   *cancellable;
  TaProgressFunc  progress;
  gpointer        progress_data;
} TaLoadContext;

/* The files named by manifest.structure (or their defaults) */
typedef struct
{
  char *packets;
  char *flows_index;
  char *time_bins;
  char *ip_stats;
  char *flag_stats;
  char *unique_ips;
} TaFolderStructure;

/* flows_index.json, read in its own thread */
typedef struct
{
  GFile        *dir;
  char         *rel;
  GCancellable *cancellable;
  TaAddrTable  *addrs;        /* thread-private, remapped afterwards */
  GStringChunk *strings;
  TaFlowInfo   *flows;
  guint         n_flows;
  GError       *error;
} TaFlowsJob;

/* ta-subset-folder.c: the model */
TaSubsetFolder *ta_subset_folder_new            (GFile           *file);
void            ta_subset_folder_add_warning    (TaSubsetFolder  *self,
                                                 const char      *format,
                                                 ...) G_GNUC_PRINTF (2, 3);
void            ta_packet_columns_clear         (TaPacketColumns *p);

/* ta-subset-folder-load.c */
void            ta_load_context_report          (TaLoadContext   *ctx,
                                                 double           fraction,
                                                 const char      *message);

/* ta-subset-folder-json.c: json-glib field access with errors that name
 * the file and the field */
JsonParser     *ta_folder_json_load             (GFile           *dir,
                                                 const char      *rel,
                                                 JsonNodeType     root_type,
                                                 gboolean         required,
                                                 GCancellable    *cancellable,
                                                 GError         **error);
gboolean        ta_folder_json_get_int          (JsonObject      *obj,
                                                 const char      *file,
                                                 const char      *where,
                                                 const char      *field,
                                                 gboolean         required,
                                                 gint64           min,
                                                 gint64           max,
                                                 gint64           fallback,
                                                 gint64          *out,
                                                 GError         **error);
gboolean        ta_folder_json_get_string       (JsonObject      *obj,
                                                 const char      *file,
                                                 const char      *where,
                                                 const char      *field,
                                                 gboolean         required,
                                                 const char     **out,
                                                 GError         **error);
gboolean        ta_folder_json_get_object       (JsonObject      *obj,
                                                 const char      *file,
                                                 const char      *field,
                                                 gboolean         required,
                                                 JsonObject     **out,
                                                 GError         **error);
char          **ta_folder_json_string_list      (JsonArray       *array,
                                                 const char      *file,
                                                 const char      *field,
                                                 GError         **error);

/* ta-subset-folder-manifest.c */
gboolean        ta_subset_folder_parse_manifest (TaSubsetFolder    *self,
                                                 TaFolderStructure *structure,
                                                 GCancellable      *cancellable,
                                                 GError           **error);
void            ta_folder_structure_clear       (TaFolderStructure *s);

/* ta-subset-folder-flows.c: the thread function of a TaFlowsJob */
gpointer        ta_flows_job_run                (gpointer         data);

/* ta-subset-folder-packets.c */
gboolean        ta_subset_folder_load_packets   (TaLoadContext   *ctx,
                                                 const char      *rel,
                                                 GError         **error);

/* ta-subset-folder-stats.c: ips/ files and indices/bins.json */
gboolean        ta_subset_folder_load_stats     (TaSubsetFolder          *self,
                                                 const TaFolderStructure *st,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);

/* ta-subset-folder-chunks.c */
void            ta_subset_folder_clear_chunks   (TaSubsetFolder  *self);
TaFlowDetail   *ta_subset_folder_read_chunk_flow (TaSubsetFolder   *self,
                                                  TaChunkFile      *file,
                                                  guint             index,
                                                  const TaFlowInfo *info,
                                                  GCancellable     *cancellable,
                                                  GError          **error);

G_END_DECLS
