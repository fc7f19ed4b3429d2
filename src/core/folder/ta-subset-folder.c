/* ta-subset-folder.c
 *
 * Loading runs in one worker: the flows index is parsed by a second thread
 * while the worker scans packets.csv, so the two biggest files share the
 * machine's cores. packets.csv is mapped and parsed by hand into per-field
 * arrays with no allocation per row; every other file goes through
 * json-glib and is validated field by field so any error names its file
 * and field.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-packet.h"
#include "ta-subset-folder.h"

/* Upper bounds that keep a hostile folder from asking for unbounded memory
 * or overflowing arithmetic */
#define MAX_COUNT        G_GUINT64_CONSTANT (1000000000000)   /* 1e12 */
#define MAX_TIME_US      G_GINT64_CONSTANT (100000000000000000) /* year ~5138 */
#define MAX_BINS         1000000
#define CHUNK_CACHE_SIZE 4

/* ------------------------------------------------------------------ */
/* flag classes and colours                                            */

static const struct
{
  const char *name;
  const char *color;
} flag_classes[TA_N_FLAG_CLASSES] = {
  { "SYN", "#e41a1c" },
  { "SYN+ACK", "#ff7f00" },
  { "ACK", "#b2df8a" },
  { "PSH", "#157256" },
  { "PSH+ACK", "#1b9e77" },
  { "FIN", "#1f78b4" },
  { "FIN+ACK", "#4aa3e0" },
  { "RST", "#7b3294" },
  { "ACK+RST", "#c69bd9" },
  { "OTHER", "#666666" },
  { "non-TCP", "#c8c8c8" },
};

guint
ta_flag_class_from_flags (guint flags,
                          guint protocol)
{
  if (protocol != 6 && protocol != 0)
    return TA_FLAG_CLASS_NON_TCP;

  switch (flags & 0xff)
    {
    case TA_TCP_SYN: return TA_FLAG_CLASS_SYN;
    case TA_TCP_SYN | TA_TCP_ACK: return TA_FLAG_CLASS_SYN_ACK;
    case TA_TCP_ACK: return TA_FLAG_CLASS_ACK;
    case TA_TCP_PSH: return TA_FLAG_CLASS_PSH;
    case TA_TCP_PSH | TA_TCP_ACK: return TA_FLAG_CLASS_PSH_ACK;
    case TA_TCP_FIN: return TA_FLAG_CLASS_FIN;
    case TA_TCP_FIN | TA_TCP_ACK: return TA_FLAG_CLASS_FIN_ACK;
    case TA_TCP_RST: return TA_FLAG_CLASS_RST;
    case TA_TCP_RST | TA_TCP_ACK: return TA_FLAG_CLASS_RST_ACK;
    case 0:
      return protocol == 0 ? TA_FLAG_CLASS_NON_TCP : TA_FLAG_CLASS_OTHER;
    default:
      return TA_FLAG_CLASS_OTHER;
    }
}

const char *
ta_flag_class_name (guint fclass)
{
  return fclass < TA_N_FLAG_CLASSES ? flag_classes[fclass].name : "OTHER";
}

const char *
ta_flag_class_color (guint fclass)
{
  return fclass < TA_N_FLAG_CLASSES ? flag_classes[fclass].color : "#666666";
}

const char *
ta_flow_outcome_color (const char *close_type,
                       const char *invalid_reason)
{
  static const struct { const char *name; const char *color; } colors[] = {
    { "graceful", "#66bb6a" }, { "abortive", "#1b5e20" },
    { "invalid_ack", "#ff0000" }, { "invalid_synack", "#ff3300" },
    { "rst_during_handshake", "#6a1b9a" }, { "incomplete_no_synack", "#cc6600" },
    { "incomplete_no_ack", "#ffcc00" }, { "unknown_invalid", "#ffff00" },
  };
  const char *key = invalid_reason != NULL ? invalid_reason : close_type;

  if (key == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    if (strcmp (colors[i].name, key) == 0)
      return colors[i].color;
  if (invalid_reason != NULL)
    return "#ffff00";
  return NULL;
}

const char *
ta_flow_phase_label (TaFlowPhase phase)
{
  switch (phase)
    {
    case TA_FLOW_PHASE_ESTABLISHMENT: return _("Establishment");
    case TA_FLOW_PHASE_DATA: return _("Data transfer");
    case TA_FLOW_PHASE_CLOSING: return _("Closing");
    case TA_FLOW_PHASE_NONE:
    case TA_N_FLOW_PHASES:
    default:
      return "";
    }
}

/* ------------------------------------------------------------------ */
/* the folder                                                          */

typedef struct
{
  char         *name;
  GPtrArray    *details;        /* TaFlowDetail, in chunk order */
} ChunkEntry;

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
  GQueue           chunk_lru;    /* ChunkEntry*, most recent first */
  GHashTable      *flow_lookup;  /* ConnKey -> GArray of guint */
};

static void
chunk_entry_free (ChunkEntry *entry)
{
  g_free (entry->name);
  g_ptr_array_unref (entry->details);
  g_free (entry);
}

static void
manifest_clear (TaManifest *m)
{
  g_free (m->version);
  g_free (m->format);
  g_free (m->created);
  g_strfreev (m->source_files);
  g_free (m->attack_context);
  g_strfreev (m->filter_ips);
}

static void
packet_columns_free (TaPacketColumns *p)
{
  g_free (p->ts);
  g_free (p->src);
  g_free (p->dst);
  g_free (p->sport);
  g_free (p->dport);
  g_free (p->seq);
  g_free (p->ack);
  g_free (p->length);
  g_free (p->flags);
  g_free (p->proto);
  g_free (p->fclass);
  memset (p, 0, sizeof *p);
}

static TaSubsetFolder *
ta_subset_folder_new (GFile *file)
{
  TaSubsetFolder *self = g_new0 (TaSubsetFolder, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->file = g_object_ref (file);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->strings = g_string_chunk_new (4096);
  self->addrs = ta_addr_table_new ();
  g_mutex_init (&self->mutex);
  g_queue_init (&self->chunk_lru);
  return self;
}

TaSubsetFolder *
ta_subset_folder_ref (TaSubsetFolder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ta_subset_folder_unref (TaSubsetFolder *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_object (&self->file);
  manifest_clear (&self->manifest);
  packet_columns_free (&self->packets);
  g_free (self->flows);
  g_free (self->ip_stats);
  g_free (self->bins);
  g_strfreev (self->flag_names);
  g_free (self->flag_counts);
  g_ptr_array_unref (self->warnings);
  g_string_chunk_free (self->strings);
  g_free (self->chunk_dir);
  ta_addr_table_free (self->addrs);
  g_queue_clear_full (&self->chunk_lru, (GDestroyNotify) chunk_entry_free);
  g_clear_pointer (&self->flow_lookup, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

static void
add_warning (TaSubsetFolder *self,
             const char     *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (TaSubsetFolder *self,
             const char     *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* ------------------------------------------------------------------ */
/* JSON field access with errors that name the file and the field      */

static gboolean
json_member (JsonObject  *obj,
             const char  *file,
             const char  *where,
             const char  *field,
             gboolean     required,
             JsonNode   **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, field);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: %sfield “%s” is missing"), file, where, field);
          return FALSE;
        }
      return TRUE;
    }
  *out = node;
  return TRUE;
}

static gboolean
json_get_int (JsonObject  *obj,
              const char  *file,
              const char  *where,
              const char  *field,
              gboolean     required,
              gint64       min,
              gint64       max,
              gint64       fallback,
              gint64      *out,
              GError     **error)
{
  JsonNode *node;
  GType type;

  *out = fallback;
  if (!json_member (obj, file, where, field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* the original sometimes writes integral values as floats */
      if (!isfinite (d) || d != floor (d) || d < (double) min || d > (double) max)
        goto bad;
      *out = (gint64) d;
    }
  else
    goto bad;

  /* json-glib saturates integers too big for 64 bits to -1 or G_MININT64,
   * which the range check rejects */
  if (*out < min || *out > max)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: %sfield “%s” must be an integer from %lld to %lld"),
               file, where, field, (long long) min, (long long) max);
  return FALSE;
}

static gboolean
json_get_string (JsonObject   *obj,
                 const char   *file,
                 const char   *where,
                 const char   *field,
                 gboolean      required,
                 const char  **out,
                 GError      **error)
{
  JsonNode *node;

  *out = NULL;
  if (!json_member (obj, file, where, field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: %sfield “%s” must be a string"), file, where, field);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
json_get_object (JsonObject  *obj,
                 const char  *file,
                 const char  *field,
                 gboolean     required,
                 JsonObject **out,
                 GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!json_member (obj, file, "", field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: field “%s” must be an object"), file, field);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

/* Parses one JSON file of the folder; the root must have @root_type. */
static JsonParser *
load_json (GFile         *dir,
           const char    *rel,
           JsonNodeType   root_type,
           gboolean       required,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_resolve_relative_path (dir, rel);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = g_file_get_path (file);
  gsize len;

  if (path != NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!required)
        return NULL;
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"), rel,
                   g_strerror (ENOENT));
      return NULL;
    }
  if (path != NULL ? !g_file_get_contents (path, &contents, &len, &local_error)
                   : !g_file_load_contents (file, cancellable, &contents, &len, NULL, &local_error))
    {
      if (!required && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return NULL;
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"),
                     rel, local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, len, &local_error))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: %s"),
                   rel, local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL
      || json_node_get_node_type (json_parser_get_root (parser)) != root_type)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   root_type == JSON_NODE_ARRAY ? _("%s: the top level must be an array")
                                                : _("%s: the top level must be an object"),
                   rel);
      return NULL;
    }
  return g_steal_pointer (&parser);
}

/* A path from manifest.structure: relative, inside the folder */
static gboolean
check_relative_path (const char  *path,
                     const char  *field,
                     GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (path[0] == '\0' || g_path_is_absolute (path))
    goto bad;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (strcmp (parts[i], "..") == 0)
      goto bad;
  return TRUE;

bad:
  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
               _("manifest.json: structure.%s “%s” must be a relative path inside the folder"),
               field, path);
  return FALSE;
}

static char **
json_string_list (JsonArray   *array,
                  const char  *file,
                  const char  *field,
                  GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: field “%s” item %u must be a string"), file, field, i);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------ */
/* manifest.json                                                       */

typedef struct
{
  char *packets;
  char *flows_index;
  char *time_bins;
  char *ip_stats;
  char *flag_stats;
  char *unique_ips;
} Structure;

static void
structure_clear (Structure *s)
{
  g_free (s->packets);
  g_free (s->flows_index);
  g_free (s->time_bins);
  g_free (s->ip_stats);
  g_free (s->flag_stats);
  g_free (s->unique_ips);
}

static gboolean
parse_manifest (TaSubsetFolder  *self,
                Structure       *structure,
                GCancellable    *cancellable,
                GError         **error)
{
  static const char *file = "manifest.json";
  static const struct { const char *field; gsize offset; } counts[] = {
    { "total_packets", G_STRUCT_OFFSET (TaManifest, total_packets) },
    { "tcp_packets", G_STRUCT_OFFSET (TaManifest, tcp_packets) },
    { "unique_ips", G_STRUCT_OFFSET (TaManifest, unique_ips) },
    { "total_flows", G_STRUCT_OFFSET (TaManifest, total_flows) },
    { "flows_per_chunk", G_STRUCT_OFFSET (TaManifest, flows_per_chunk) },
    { "total_chunks", G_STRUCT_OFFSET (TaManifest, total_chunks) },
  };
  g_autoptr(JsonParser) parser = NULL;
  TaManifest *m = &self->manifest;
  JsonObject *root, *range, *st, *filter;
  const char *s;
  JsonNode *node;
  gint64 v;

  parser = load_json (self->file, file, JSON_NODE_OBJECT, TRUE, cancellable, error);
  if (parser == NULL)
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));

  if (!json_get_string (root, file, "", "version", TRUE, &s, error))
    return FALSE;
  if (strcmp (s, "2.0") != 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: field “version” is “%s”; only subset folders of version 2.0 can be opened"),
                   file, s);
      return FALSE;
    }
  m->version = g_strdup (s);
  if (!json_get_string (root, file, "", "format", FALSE, &s, error))
    return FALSE;
  m->format = g_strdup (s);
  if (!json_get_string (root, file, "", "created", FALSE, &s, error))
    return FALSE;
  m->created = g_strdup (s);

  node = json_object_get_member (root, "source_files");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: field “%s” must be a list of strings"), file, "source_files");
          return FALSE;
        }
      if (!(m->source_files = json_string_list (json_node_get_array (node), file,
                                                "source_files", error)))
        return FALSE;
    }
  else
    {
      if (!json_get_string (root, file, "", "source_file", FALSE, &s, error))
        return FALSE;
      m->source_files = g_new0 (char *, 2);
      m->source_files[0] = s ? g_strdup (s) : NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      if (!json_get_int (root, file, "", counts[i].field, TRUE, 0, MAX_COUNT, 0, &v, error))
        return FALSE;
      G_STRUCT_MEMBER (guint64, m, counts[i].offset) = v;
    }

  if (!json_get_object (root, file, "time_range", TRUE, &range, error))
    return FALSE;
  if (!json_get_int (range, file, "time_range: ", "start", TRUE, 0, MAX_TIME_US, 0,
                     &m->time_start, error)
      || !json_get_int (range, file, "time_range: ", "end", TRUE, 0, MAX_TIME_US, 0,
                        &m->time_end, error)
      || !json_get_int (range, file, "time_range: ", "duration", FALSE, 0, MAX_TIME_US,
                        0, &m->duration, error))
    return FALSE;
  if (m->time_end < m->time_start)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: time_range: “end” is before “start”"), file);
      return FALSE;
    }

  structure->packets = g_strdup ("packets.csv");
  structure->flows_index = g_strdup ("flows/flows_index.json");
  structure->time_bins = g_strdup ("indices/bins.json");
  structure->ip_stats = g_strdup ("ips/ip_stats.json");
  structure->flag_stats = g_strdup ("ips/flag_stats.json");
  structure->unique_ips = g_strdup ("ips/unique_ips.json");
  if (!json_get_object (root, file, "structure", FALSE, &st, error))
    return FALSE;
  if (st != NULL)
    {
      const struct { const char *field; char **dest; } paths[] = {
        { "packets", &structure->packets },
        { "flows_index", &structure->flows_index },
        { "time_bins", &structure->time_bins },
        { "ip_stats", &structure->ip_stats },
        { "flag_stats", &structure->flag_stats },
        { "unique_ips", &structure->unique_ips },
      };

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          if (!json_get_string (st, file, "structure: ", paths[i].field, FALSE, &s, error))
            return FALSE;
          if (s == NULL)
            continue;
          if (!check_relative_path (s, paths[i].field, error))
            return FALSE;
          g_free (*paths[i].dest);
          *paths[i].dest = g_strdup (s);
        }
    }

  node = json_object_get_member (root, "attack_context");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      if (!json_get_string (json_node_get_object (node), file, "attack_context: ", "type",
                            FALSE, &s, error))
        return FALSE;
      m->attack_context = g_strdup (s);
    }

  if (!json_get_object (root, file, "filter_applied", FALSE, &filter, error))
    return FALSE;
  if (filter != NULL)
    {
      JsonNode *ips = json_object_get_member (filter, "ips");
      JsonNode *ts = json_object_get_member (filter, "time_start_us");

      if (ips != NULL && JSON_NODE_HOLDS_ARRAY (ips))
        if (!(m->filter_ips = json_string_list (json_node_get_array (ips), file,
                                                "filter_applied.ips", error)))
          return FALSE;
      if (ts != NULL && !JSON_NODE_HOLDS_NULL (ts))
        {
          if (!json_get_int (filter, file, "filter_applied: ", "time_start_us", FALSE,
                             0, MAX_TIME_US, 0, &m->filter_start_us, error)
              || !json_get_int (filter, file, "filter_applied: ", "time_end_us", FALSE,
                                0, MAX_TIME_US, MAX_TIME_US, &m->filter_end_us, error))
            return FALSE;
          m->has_time_filter = TRUE;
        }
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* flows_index.json (runs in its own thread)                           */

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
} FlowsJob;

static gboolean
parse_endpoint (TaAddrTable *addrs,
                const char  *text,
                gsize        len,
                guint32     *addr,
                guint16     *port)
{
  const char *colon = NULL;
  guint64 p = 0;

  for (gsize i = len; i > 0; i--)
    if (text[i - 1] == ':')
      {
        colon = text + i - 1;
        break;
      }
  if (colon == NULL || colon == text || colon + 1 == text + len)
    return FALSE;
  for (const char *c = colon + 1; c < text + len; c++)
    {
      if (*c < '0' || *c > '9')
        return FALSE;
      p = p * 10 + (*c - '0');
      if (p > 65535)
        return FALSE;
    }
  /* "[v6]:port" or "v6:port" */
  if (text[0] == '[' && colon[-1] == ']')
    *addr = ta_addr_table_intern_text (addrs, text + 1, colon - text - 2);
  else
    *addr = ta_addr_table_intern_text (addrs, text, colon - text);
  *port = p;
  return TRUE;
}

/* flows_index.json can hold hundreds of thousands of flat objects; a
 * DOM parse of it costs more than reading every packet, so it is scanned
 * by hand: one pass, no allocation per value. */

typedef struct
{
  const char *base;
  const char *p;
  const char *end;
  const char *file;
  GError    **error;
  char        scratch[512];  /* unescaped strings */
} Scan;

typedef enum
{
  VAL_NULL,
  VAL_BOOL,
  VAL_INT,
  VAL_DOUBLE,
  VAL_STRING,
  VAL_OTHER,   /* object or array, skipped */
} ValType;

typedef struct
{
  ValType     type;
  gboolean    b;
  gint64      i;
  gboolean    int_overflow;
  double      d;
  const char *s;
  gsize       len;
} Value;

static gboolean G_GNUC_PRINTF (2, 3)
scan_fail (Scan       *sc,
           const char *format,
           ...)
{
  g_autofree char *msg = NULL;
  va_list args;
  guint line = 1;

  for (const char *c = sc->base; c < sc->p && c < sc->end; c++)
    line += *c == '\n';
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: not valid JSON: line %u (byte %llu): %s"),
               sc->file, line, (unsigned long long) (sc->p - sc->base), msg);
  return FALSE;
}

static inline void
scan_ws (Scan *sc)
{
  while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
    sc->p++;
}

static inline gboolean
scan_char (Scan *sc,
           char  c)
{
  scan_ws (sc);
  if (sc->p < sc->end && *sc->p == c)
    {
      sc->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
scan_string (Scan        *sc,
             const char **out,
             gsize       *len)
{
  const char *start;
  gsize n = 0;

  scan_ws (sc);
  if (sc->p >= sc->end || *sc->p != '"')
    return scan_fail (sc, _("a string was expected"));
  start = ++sc->p;
  while (sc->p < sc->end && *sc->p != '"' && *sc->p != '\\' && (guchar) *sc->p >= 0x20)
    sc->p++;
  if (sc->p < sc->end && *sc->p == '"')
    {
      *out = start;
      *len = sc->p - start;
      sc->p++;
      return TRUE;
    }
  /* escapes: unescape into the scratch buffer */
  memcpy (sc->scratch, start, MIN ((gsize) (sc->p - start), sizeof sc->scratch - 8));
  n = MIN ((gsize) (sc->p - start), sizeof sc->scratch - 8);
  while (sc->p < sc->end && *sc->p != '"')
    {
      char c = *sc->p++;

      if ((guchar) c < 0x20)
        return scan_fail (sc, _("control character in a string"));
      if (c == '\\')
        {
          if (sc->p >= sc->end)
            break;
          c = *sc->p++;
          switch (c)
            {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '"': case '\\': case '/': break;
            case 'u':
              {
                gunichar u = 0;

                for (int k = 0; k < 4; k++)
                  {
                    if (sc->p >= sc->end || !g_ascii_isxdigit (*sc->p))
                      return scan_fail (sc, _("bad \\u escape"));
                    u = u * 16 + g_ascii_xdigit_value (*sc->p++);
                  }
                if (n + 6 < sizeof sc->scratch)
                  n += g_unichar_to_utf8 (u, sc->scratch + n);
                continue;
              }
            default:
              return scan_fail (sc, _("bad escape"));
            }
        }
      if (n + 1 < sizeof sc->scratch)
        sc->scratch[n++] = c;
    }
  if (sc->p >= sc->end)
    return scan_fail (sc, _("unterminated string"));
  sc->p++;
  sc->scratch[n] = 0;
  *out = sc->scratch;
  *len = n;
  return TRUE;
}

static gboolean scan_skip (Scan *sc, guint depth);

static gboolean
scan_value (Scan  *sc,
            Value *v,
            guint  depth)
{
  scan_ws (sc);
  memset (v, 0, sizeof *v);
  if (sc->p >= sc->end)
    return scan_fail (sc, _("unexpected end of file"));
  switch (*sc->p)
    {
    case '"':
      v->type = VAL_STRING;
      return scan_string (sc, &v->s, &v->len);
    case 't':
      if (sc->end - sc->p >= 4 && memcmp (sc->p, "true", 4) == 0)
        {
          sc->p += 4;
          v->type = VAL_BOOL;
          v->b = TRUE;
          return TRUE;
        }
      break;
    case 'f':
      if (sc->end - sc->p >= 5 && memcmp (sc->p, "false", 5) == 0)
        {
          sc->p += 5;
          v->type = VAL_BOOL;
          return TRUE;
        }
      break;
    case 'n':
      if (sc->end - sc->p >= 4 && memcmp (sc->p, "null", 4) == 0)
        {
          sc->p += 4;
          v->type = VAL_NULL;
          return TRUE;
        }
      break;
    case '{':
    case '[':
      v->type = VAL_OTHER;
      return scan_skip (sc, depth);
    default:
      if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
        {
          const char *s = sc->p;
          gboolean neg = *s == '-', is_double = FALSE;
          guint64 u = 0;

          if (neg)
            sc->p++;
          if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
            return scan_fail (sc, _("bad number"));
          while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
            {
              if (u > (G_MAXUINT64 - 9) / 10)
                v->int_overflow = TRUE;
              else
                u = u * 10 + (*sc->p - '0');
              sc->p++;
            }
          while (sc->p < sc->end && (*sc->p == '.' || *sc->p == 'e' || *sc->p == 'E'
                                     || *sc->p == '+' || *sc->p == '-'
                                     || (*sc->p >= '0' && *sc->p <= '9')))
            {
              is_double = TRUE;
              sc->p++;
            }
          if (is_double)
            {
              char buf[64];
              char *tail;
              gsize len = sc->p - s;

              if (len >= sizeof buf)
                return scan_fail (sc, _("bad number"));
              memcpy (buf, s, len);
              buf[len] = 0;
              v->d = g_ascii_strtod (buf, &tail);
              if (*tail != 0)
                return scan_fail (sc, _("bad number"));
              v->type = VAL_DOUBLE;
              return TRUE;
            }
          if (u > (guint64) G_MAXINT64)
            v->int_overflow = TRUE;
          v->type = VAL_INT;
          v->i = neg ? -(gint64) u : (gint64) u;
          return TRUE;
        }
      break;
    }
  return scan_fail (sc, _("unexpected character “%c”"), *sc->p);
}

static gboolean
scan_skip (Scan *sc,
           guint depth)
{
  char close = *sc->p == '{' ? '}' : ']';
  gboolean object = close == '}';
  Value v;

  if (depth > 64)
    return scan_fail (sc, _("nested too deeply"));
  sc->p++;
  if (scan_char (sc, close))
    return TRUE;
  for (;;)
    {
      if (object)
        {
          const char *k;
          gsize kl;

          if (!scan_string (sc, &k, &kl))
            return FALSE;
          if (!scan_char (sc, ':'))
            return scan_fail (sc, _("“:” was expected"));
        }
      if (!scan_value (sc, &v, depth + 1))
        return FALSE;
      if (scan_char (sc, ','))
        continue;
      if (scan_char (sc, close))
        return TRUE;
      return scan_fail (sc, _("“,” or “%c” was expected"), close);
    }
}

enum
{
  F_ID = 1 << 0,
  F_KEY = 1 << 1,
  F_STATE = 1 << 2,
  F_START = 1 << 3,
  F_END = 1 << 4,
  F_TOTAL = 1 << 5,
  F_CHUNK_FILE = 1 << 6,
  F_CHUNK_INDEX = 1 << 7,
  F_REQUIRED = (1 << 8) - 1,
};

static const char *required_names[] = {
  "id", "key", "state", "startTime", "endTime", "totalPackets", "chunk_file", "chunk_index",
};

static gboolean
value_int (Scan        *sc,
           const Value *v,
           guint        flow,
           const char  *field,
           gint64       min,
           gint64       max,
           gint64       fallback,
           gint64      *out)
{
  if (v->type == VAL_NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (v->type == VAL_INT && !v->int_overflow && v->i >= min && v->i <= max)
    {
      *out = v->i;
      return TRUE;
    }
  if (v->type == VAL_DOUBLE && isfinite (v->d) && v->d == floor (v->d)
      && v->d >= (double) min && v->d <= (double) max)
    {
      *out = (gint64) v->d;
      return TRUE;
    }
  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: flow %u: field “%s” must be an integer from %lld to %lld"),
               sc->file, flow, field, (long long) min, (long long) max);
  return FALSE;
}

static gboolean
value_string (Scan        *sc,
              const Value *v,
              guint        flow,
              const char  *field,
              gboolean     nullable)
{
  if (v->type == VAL_STRING || (nullable && v->type == VAL_NULL))
    return TRUE;
  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
               _("%s: flow %u: field “%s” must be a string"), sc->file, flow, field);
  return FALSE;
}

static const char *
intern_value (GStringChunk *chunk,
              const Value  *v)
{
  char buf[256];

  if (v->type != VAL_STRING)
    return NULL;
  if (v->len < sizeof buf)
    {
      memcpy (buf, v->s, v->len);
      buf[v->len] = 0;
      return g_string_chunk_insert_const (chunk, buf);
    }
  {
    g_autofree char *tmp = g_strndup (v->s, v->len);

    return g_string_chunk_insert_const (chunk, tmp);
  }
}

static gboolean
scan_flow (FlowsJob   *job,
           Scan       *sc,
           guint       n,
           TaFlowInfo *f)
{
  guint seen = 0;

  memset (f, 0, sizeof *f);
  f->initiator = f->responder = TA_NO_ADDR;
  f->initiator_port = f->responder_port = -1;

  scan_ws (sc);
  if (sc->p >= sc->end || *sc->p != '{')
    {
      g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u is not an object"),
                   sc->file, n);
      return FALSE;
    }
  sc->p++;
  if (!scan_char (sc, '}'))
    for (;;)
      {
        const char *k;
        gsize kl;
        char key[32];
        Value v;
        gint64 i;

        if (!scan_string (sc, &k, &kl))
          return FALSE;
        if (kl >= sizeof key)
          kl = sizeof key - 1;
        memcpy (key, k, kl);
        key[kl] = 0;
        if (!scan_char (sc, ':'))
          return scan_fail (sc, _("“:” was expected"));
        if (!scan_value (sc, &v, 1))
          return FALSE;

#define IS(name) (strcmp (key, name) == 0)
        if (IS ("id"))
          {
            if (!value_string (sc, &v, n, key, FALSE))
              return FALSE;
            f->id = g_string_chunk_insert_len (job->strings, v.s, v.len);
            seen |= F_ID;
          }
        else if (IS ("key"))
          {
            const char *dash;

            if (!value_string (sc, &v, n, key, FALSE))
              return FALSE;
            dash = memchr (v.s, '-', v.len);
            if (dash == NULL
                || !parse_endpoint (job->addrs, v.s, dash - v.s, &f->a, &f->a_port)
                || !parse_endpoint (job->addrs, dash + 1, v.s + v.len - dash - 1, &f->b, &f->b_port))
              {
                g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                             _("%s: flow %u: field “key” (“%.*s”) is not “address:port-address:port”"),
                             sc->file, n, (int) MIN (v.len, 80), v.s);
                return FALSE;
              }
            seen |= F_KEY;
          }
        else if (IS ("initiator") || IS ("responder"))
          {
            if (!value_string (sc, &v, n, key, TRUE))
              return FALSE;
            if (v.type == VAL_STRING)
              *(IS ("initiator") ? &f->initiator : &f->responder)
                = ta_addr_table_intern_text (job->addrs, v.s, v.len);
          }
        else if (IS ("initiatorPort") || IS ("responderPort"))
          {
            if (!value_int (sc, &v, n, key, 0, 65535, -1, &i))
              return FALSE;
            *(IS ("initiatorPort") ? &f->initiator_port : &f->responder_port) = i;
          }
        else if (IS ("state"))
          {
            if (!value_string (sc, &v, n, key, FALSE))
              return FALSE;
            f->state = intern_value (job->strings, &v);
            seen |= F_STATE;
          }
        else if (IS ("closeType") || IS ("invalidReason"))
          {
            if (!value_string (sc, &v, n, key, TRUE))
              return FALSE;
            *(IS ("closeType") ? &f->close_type : &f->invalid_reason) = intern_value (job->strings, &v);
          }
        else if (IS ("startTime") || IS ("endTime"))
          {
            if (v.type == VAL_NULL || !value_int (sc, &v, n, key, 0, MAX_TIME_US, 0, &i))
              {
                if (v.type == VAL_NULL)
                  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                               _("%s: flow %u: field “%s” is missing"), sc->file, n, key);
                return FALSE;
              }
            *(IS ("startTime") ? &f->start : &f->end) = i;
            seen |= IS ("startTime") ? F_START : F_END;
          }
        else if (IS ("totalPackets"))
          {
            if (v.type == VAL_NULL || !value_int (sc, &v, n, key, 0, MAX_COUNT, 0, &i))
              {
                if (v.type == VAL_NULL)
                  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                               _("%s: flow %u: field “%s” is missing"), sc->file, n, key);
                return FALSE;
              }
            f->total_packets = i;
            seen |= F_TOTAL;
          }
        else if (IS ("totalBytes"))
          {
            if (!value_int (sc, &v, n, key, 0, G_GINT64_CONSTANT (1) << 56, 0, &i))
              return FALSE;
            f->total_bytes = i;
          }
        else if (IS ("establishment_packets") || IS ("data_transfer_packets") || IS ("closing_packets"))
          {
            if (!value_int (sc, &v, n, key, 0, G_MAXUINT32, 0, &i))
              return FALSE;
            *(IS ("establishment_packets") ? &f->establishment_packets
              : IS ("data_transfer_packets") ? &f->data_transfer_packets : &f->closing_packets) = i;
          }
        else if (IS ("establishmentComplete") || IS ("dataTransferStarted")
                 || IS ("closingStarted") || IS ("ongoing"))
          {
            guint8 *dest = IS ("establishmentComplete") ? &f->establishment_complete
                           : IS ("dataTransferStarted") ? &f->data_transfer_started
                           : IS ("closingStarted") ? &f->closing_started : &f->ongoing;

            if (v.type != VAL_BOOL && v.type != VAL_NULL)
              {
                g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                             _("%s: flow %u: field “%s” must be true or false"), sc->file, n, key);
                return FALSE;
              }
            *dest = v.b;
          }
        else if (IS ("chunk_file"))
          {
            if (!value_string (sc, &v, n, key, FALSE))
              return FALSE;
            if (v.len == 0 || memchr (v.s, '/', v.len) != NULL || memchr (v.s, '\\', v.len) != NULL
                || (v.len <= 2 && memcmp (v.s, "..", v.len) == 0))
              {
                g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                             _("%s: flow %u: field “chunk_file” (“%.*s”) must be a file name"),
                             sc->file, n, (int) MIN (v.len, 80), v.s);
                return FALSE;
              }
            f->chunk_file = intern_value (job->strings, &v);
            seen |= F_CHUNK_FILE;
          }
        else if (IS ("chunk_index"))
          {
            if (v.type == VAL_NULL || !value_int (sc, &v, n, key, 0, G_MAXUINT32, 0, &i))
              {
                if (v.type == VAL_NULL)
                  g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                               _("%s: flow %u: field “%s” is missing"), sc->file, n, key);
                return FALSE;
              }
            f->chunk_index = i;
            seen |= F_CHUNK_INDEX;
          }
#undef IS

        if (scan_char (sc, ','))
          continue;
        if (scan_char (sc, '}'))
          break;
        return scan_fail (sc, _("“,” or “}” was expected"));
      }

  if ((seen & F_REQUIRED) != F_REQUIRED)
    for (guint b = 0; b < G_N_ELEMENTS (required_names); b++)
      if (!(seen & (1u << b)))
        {
          g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: flow %u: field “%s” is missing"),
                       sc->file, n, required_names[b]);
          return FALSE;
        }
  if (f->end < f->start)
    {
      g_set_error (sc->error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: flow %u: “endTime” is before “startTime”"), sc->file, n);
      return FALSE;
    }
  return TRUE;
}

static gpointer
flows_job_run (gpointer data)
{
  FlowsJob *job = data;
  g_autoptr(GFile) file = g_file_resolve_relative_path (job->dir, job->rel);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree Scan *sc = g_new0 (Scan, 1);
  gsize len;
  guint cap = 1024, n = 0;
  g_autofree char *path = g_file_get_path (file);

  /* g_file_get_contents() reads a local file in one go; load_contents()
   * grows its buffer and copies as it reads */
  if (path != NULL ? !g_file_get_contents (path, &contents, &len, &local_error)
                   : !g_file_load_contents (file, job->cancellable, &contents, &len, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (&job->error, g_steal_pointer (&local_error));
      else
        g_set_error (&job->error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"),
                     job->rel, local_error->message);
      return NULL;
    }
  sc->base = sc->p = contents;
  sc->end = contents + len;
  sc->file = job->rel;
  sc->error = &job->error;

  if (!scan_char (sc, '['))
    {
      scan_ws (sc);
      if (sc->p < sc->end && *sc->p == '{')
        g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the top level must be an array"),
                     job->rel);
      else
        scan_fail (sc, _("“[” was expected"));
      return NULL;
    }
  job->flows = g_new0 (TaFlowInfo, cap);
  if (!scan_char (sc, ']'))
    for (;;)
      {
        if ((n & 4095) == 0 && g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
          return NULL;
        if (n == cap)
          {
            if (cap >= G_MAXUINT32 / 4)
              {
                g_set_error (&job->error, TA_ERROR, TA_ERROR_FORMAT, _("%s: too many flows"), job->rel);
                return NULL;
              }
            cap *= 2;
            job->flows = g_renew (TaFlowInfo, job->flows, cap);
          }
        if (!scan_flow (job, sc, n + 1, &job->flows[n]))
          return NULL;
        n++;
        if (scan_char (sc, ','))
          continue;
        if (scan_char (sc, ']'))
          break;
        scan_fail (sc, _("“,” or “]” was expected"));
        return NULL;
      }
  scan_ws (sc);
  if (sc->p != sc->end)
    {
      scan_fail (sc, _("trailing data after the array"));
      return NULL;
    }
  job->n_flows = n;
  return NULL;
}

/* ------------------------------------------------------------------ */
/* packets.csv                                                         */

enum
{
  COL_TIMESTAMP,
  COL_SRC_IP,
  COL_DST_IP,
  COL_SRC_PORT,
  COL_DST_PORT,
  COL_FLAGS,
  COL_SEQ,
  COL_ACK,
  COL_LENGTH,
  COL_PROTOCOL,
  N_COLS
};

static const char *col_names[N_COLS] = {
  "timestamp", "src_ip", "dst_ip", "src_port", "dst_port", "flags",
  "seq_num", "ack_num", "length", "protocol",
};

#define MAX_FIELDS 64

static void
packet_columns_resize (TaPacketColumns *p,
                       guint            cap)
{
  p->ts = g_renew (gint64, p->ts, cap);
  p->src = g_renew (guint32, p->src, cap);
  p->dst = g_renew (guint32, p->dst, cap);
  p->sport = g_renew (guint16, p->sport, cap);
  p->dport = g_renew (guint16, p->dport, cap);
  p->seq = g_renew (guint32, p->seq, cap);
  p->ack = g_renew (guint32, p->ack, cap);
  p->length = g_renew (guint32, p->length, cap);
  p->flags = g_renew (guint8, p->flags, cap);
  p->proto = g_renew (guint8, p->proto, cap);
  p->fclass = g_renew (guint8, p->fclass, cap);
}

/* Unsigned decimal, optionally with a fraction (dropped) — "66.0" — or an
 * exponent ("1.2e3"). Empty gives 0. */
static inline gboolean
parse_number (const char *s,
              const char *end,
              guint64     max,
              guint64    *out)
{
  guint64 v = 0;
  const char *p = s;

  while (p < end && *p == ' ')
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '"'))
    end--;
  if (p < end && *p == '"')
    p++;
  if (p == end)
    {
      *out = 0;
      return TRUE;
    }
  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      v = v * 10 + (guint) (*p - '0');
      if (v > max)
        return FALSE;
    }
  if (p < end && *p == '.')
    {
      const char *q = p + 1;

      while (q < end && *q >= '0' && *q <= '9')
        q++;
      if (q == end)
        {
          *out = v;
          return p > s || q > p + 1;
        }
    }
  if (p == end)
    {
      *out = v;
      return TRUE;
    }
  /* rare forms: exponents */
  {
    char buf[64];
    char *tail;
    double d;
    gsize len = end - s;

    if (len >= sizeof buf)
      return FALSE;
    memcpy (buf, s, len);
    buf[len] = 0;
    d = g_ascii_strtod (buf, &tail);
    if (*tail != '\0' || !isfinite (d) || d < 0 || d > (double) max)
      return FALSE;
    *out = (guint64) d;
    return TRUE;
  }
}

typedef struct
{
  TaSubsetFolder *self;
  GCancellable   *cancellable;
  TaProgressFunc  progress;
  gpointer        progress_data;
} LoadContext;

static void
report (LoadContext *ctx,
        double       fraction,
        const char  *message)
{
  if (ctx->progress != NULL)
    ctx->progress (fraction, message, ctx->progress_data);
}

static gint
compare_by_ts (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const gint64 *ts = data;
  gint64 ta = ts[*(const guint32 *) a], tb = ts[*(const guint32 *) b];

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return *(const guint32 *) a < *(const guint32 *) b ? -1 : 1;
}

#define PERMUTE(type, field) \
  G_STMT_START { \
    type *tmp = g_new (type, MAX (p->n, 1)); \
    for (guint i = 0; i < p->n; i++) \
      tmp[i] = p->field[order[i]]; \
    g_free (p->field); \
    p->field = tmp; \
  } G_STMT_END

static void
sort_packets (TaPacketColumns *p)
{
  g_autofree guint32 *order = g_new (guint32, MAX (p->n, 1));

  for (guint i = 0; i < p->n; i++)
    order[i] = i;
  g_qsort_with_data (order, p->n, sizeof (guint32), compare_by_ts, p->ts);
  PERMUTE (gint64, ts);
  PERMUTE (guint32, src);
  PERMUTE (guint32, dst);
  PERMUTE (guint16, sport);
  PERMUTE (guint16, dport);
  PERMUTE (guint32, seq);
  PERMUTE (guint32, ack);
  PERMUTE (guint32, length);
  PERMUTE (guint8, flags);
  PERMUTE (guint8, proto);
  PERMUTE (guint8, fclass);
}

static gboolean
packets_sorted (const TaPacketColumns *p)
{
  for (guint i = 1; i < p->n; i++)
    if (p->ts[i] < p->ts[i - 1])
      return FALSE;
  return TRUE;
}

/* packets.csv is read with pread() in blocks by two workers, each over
 * one half of the file (split at a line start), each with its own address
 * table; the halves are joined and the second half's addresses remapped.
 * Reading beats mapping here: page faults on a mapped file cost more than
 * the copies. */

#define READ_BLOCK (4 * 1024 * 1024)
#define V4_CACHE   4096

typedef struct
{
  guint32 key;   /* IPv4 + 1, 0 = empty */
  guint32 idx;
} V4Slot;

typedef struct
{
  /* in */
  int              fd;
  const char      *rel;
  goffset          start;        /* a line start */
  goffset          end;          /* lines starting before this */
  goffset          file_size;
  const int       *col_of;
  guint            n_fields;
  guint            cap_hint;
  GCancellable    *cancellable;
  LoadContext     *ctx;          /* progress, or NULL */
  /* out */
  TaAddrTable     *addrs;
  TaPacketColumns  cols;
  guint            cap;
  gboolean         sorted;
  goffset          error_offset; /* -1 = none */
  char            *error_message;
  gboolean         cancelled;
  gboolean         io_error;
} RangeJob;

static inline guint32
intern_addr (RangeJob   *job,
             V4Slot     *cache,
             const char *text,
             gsize       len)
{
  guint32 v4;

  if (ta_parse_ipv4 (text, len, &v4))
    {
      guint h = (v4 * 2654435761u) >> 20;

      if (cache[h].key == v4 + 1)
        return cache[h].idx;
      cache[h].key = v4 + 1;
      cache[h].idx = ta_addr_table_intern_ipv4 (job->addrs, v4);
      return cache[h].idx;
    }
  return ta_addr_table_intern_text (job->addrs, text, len);
}

static gboolean
range_fail (RangeJob   *job,
            goffset     offset,
            const char *format,
            ...) G_GNUC_PRINTF (3, 4);

static gboolean
range_fail (RangeJob   *job,
            goffset     offset,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  job->error_message = g_strdup_vprintf (format, args);
  va_end (args);
  job->error_offset = offset;
  return FALSE;
}

static gboolean
parse_line (RangeJob   *job,
            V4Slot     *cache,
            const char *line,
            const char *eol,
            goffset     line_off)
{
  static const guint64 max[N_COLS] = {
    MAX_TIME_US, 0, 0, 65535, 65535, 255, G_MAXUINT32, G_MAXUINT32, G_MAXUINT32, 255,
  };
  const char *fs[MAX_FIELDS], *fe[MAX_FIELDS];
  TaPacketColumns *p = &job->cols;
  const int *col_of = job->col_of;
  guint nf = 0, n = p->n;
  guint64 v[N_COLS];
  const char *c;

  if (eol > line && eol[-1] == '\r')
    eol--;
  if (eol == line)
    return TRUE;

  fs[0] = line;
  for (c = line; c < eol; c++)
    if (*c == ',')
      {
        fe[nf++] = c;
        if (nf >= job->n_fields)
          break;
        fs[nf] = c + 1;
      }
  if (c == eol)
    fe[nf++] = eol;
  if (nf < job->n_fields)
    return range_fail (job, line_off, _("%u fields, the header has %u"), nf, job->n_fields);

  for (guint k = 0; k < N_COLS; k++)
    {
      int ci = col_of[k];

      v[k] = 0;
      if (ci < 0 || k == COL_SRC_IP || k == COL_DST_IP)
        continue;
      if (!parse_number (fs[ci], fe[ci], max[k], &v[k])
          || (k == COL_TIMESTAMP && fs[ci] == fe[ci]))
        return range_fail (job, line_off, _("%s “%.*s” is not a valid value"), col_names[k],
                           (int) MIN (fe[ci] - fs[ci], 40), fs[ci]);
    }

  if (n == job->cap)
    {
      if (job->cap >= G_MAXUINT32 / 4)
        return range_fail (job, line_off, _("too many packets"));
      job->cap = job->cap + job->cap / 2 + 1024;
      packet_columns_resize (p, job->cap);
    }

  {
    const char *sa = fs[col_of[COL_SRC_IP]], *da = fs[col_of[COL_DST_IP]];
    gsize sl = fe[col_of[COL_SRC_IP]] - sa, dl = fe[col_of[COL_DST_IP]] - da;

    if (sl == 0 || dl == 0)
      return range_fail (job, line_off, _("empty address"));
    p->src[n] = intern_addr (job, cache, sa, sl);
    p->dst[n] = intern_addr (job, cache, da, dl);
  }
  p->ts[n] = v[COL_TIMESTAMP];
  p->sport[n] = v[COL_SRC_PORT];
  p->dport[n] = v[COL_DST_PORT];
  p->flags[n] = v[COL_FLAGS];
  p->seq[n] = v[COL_SEQ];
  p->ack[n] = v[COL_ACK];
  p->length[n] = v[COL_LENGTH];
  p->proto[n] = v[COL_PROTOCOL];
  p->fclass[n] = ta_flag_class_from_flags (v[COL_FLAGS], v[COL_PROTOCOL]);
  if (n > 0 && p->ts[n] < p->ts[n - 1])
    job->sorted = FALSE;
  p->n = n + 1;
  return TRUE;
}

static gpointer
range_job_run (gpointer data)
{
  RangeJob *job = data;
  g_autofree char *buf = g_malloc (READ_BLOCK);
  g_autofree V4Slot *cache = g_new0 (V4Slot, V4_CACHE);
  goffset read_off = job->start, buf_off = job->start;
  gsize have = 0;
  gboolean eof = FALSE;
  guint next_check = 0;

  job->sorted = TRUE;
  job->error_offset = -1;
  job->addrs = ta_addr_table_new ();
  job->cap = MAX (job->cap_hint, 1024);
  packet_columns_resize (&job->cols, job->cap);

  while (!eof || have > 0)
    {
      const char *p, *lim;

      if (!eof && have < READ_BLOCK)
        {
          gssize r = pread (job->fd, buf + have, READ_BLOCK - have, read_off);

          if (r < 0)
            {
              job->io_error = TRUE;
              return range_fail (job, read_off, "%s", g_strerror (errno)), NULL;
            }
          read_off += r;
          have += r;
          if (r == 0)
            eof = TRUE;
        }

      p = buf;
      lim = buf + have;
      while (p < lim)
        {
          goffset line_off = buf_off + (p - buf);
          const char *eol;

          if (line_off >= job->end)
            {
              eof = TRUE;
              have = 0;
              goto done;
            }
          eol = memchr (p, '\n', lim - p);
          if (eol == NULL)
            {
              if (!eof)
                break;
              eol = lim;
            }
          if (!parse_line (job, cache, p, eol, line_off))
            return NULL;
          p = eol < lim ? eol + 1 : lim;
        }
      {
        gsize consumed = p - buf;

        if (consumed == 0 && have == READ_BLOCK)
          return range_fail (job, buf_off, _("line too long")), NULL;
        memmove (buf, p, have - consumed);
        have -= consumed;
        buf_off += consumed;
      }
      if (eof && have == 0)
        break;

      if (job->cols.n >= next_check)
        {
          next_check = job->cols.n + 200000;
          if (g_cancellable_is_cancelled (job->cancellable))
            {
              job->cancelled = TRUE;
              return NULL;
            }
          if (job->ctx != NULL)
            report (job->ctx, 0.05 + 0.85 * (double) (buf_off - job->start)
                                     / MAX (job->end - job->start, 1),
                    _("Reading packets…"));
        }
    }
done:
  return NULL;
}

static guint64
line_number_at (int     fd,
                goffset offset)
{
  char buf[65536];
  guint64 line = 1;
  goffset off = 0;

  while (off < offset)
    {
      gssize r = pread (fd, buf, MIN ((goffset) sizeof buf, offset - off), off);

      if (r <= 0)
        break;
      for (gssize i = 0; i < r; i++)
        line += buf[i] == '\n';
      off += r;
    }
  return line;
}

static void
range_job_clear (RangeJob *job)
{
  packet_columns_free (&job->cols);
  g_clear_pointer (&job->addrs, ta_addr_table_free);
  g_clear_pointer (&job->error_message, g_free);
}

static gboolean
load_packets (LoadContext  *ctx,
              const char   *rel,
              GError      **error)
{
  TaSubsetFolder *self = ctx->self;
  g_autoptr(GFile) file = g_file_resolve_relative_path (self->file, rel);
  g_autofree char *path = g_file_get_path (file);
  char header[8192];
  const char *eol;
  int col_of[N_COLS];
  guint n_fields = 0;
  gssize hl;
  goffset size, body, split;
  RangeJob jobs[2];
  GThread *thread = NULL;
  gboolean ok = FALSE;
  struct stat st;
  int fd;

  if (path == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: not a local file"), rel);
      return FALSE;
    }
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"), rel, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  size = st.st_size;
  if (size == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: the file is empty"), rel);
      close (fd);
      return FALSE;
    }

  /* header */
  hl = pread (fd, header, sizeof header - 1, 0);
  if (hl <= 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read"), rel);
      close (fd);
      return FALSE;
    }
  header[hl] = 0;
  eol = memchr (header, '\n', hl);
  if (eol == NULL)
    {
      if (hl == (gssize) sizeof header - 1)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s line 1: the header is too long"), rel);
          close (fd);
          return FALSE;
        }
      eol = header + hl;
    }
  for (guint i = 0; i < N_COLS; i++)
    col_of[i] = -1;
  {
    const char *f = header;

    while (f <= eol && n_fields < MAX_FIELDS)
      {
        const char *fe = memchr (f, ',', eol - f);
        const char *a = f, *b;

        if (fe == NULL)
          fe = eol;
        b = fe;
        while (a < b && (*a == ' ' || *a == '"' || (guchar) *a == 0xef || (guchar) *a == 0xbb
                         || (guchar) *a == 0xbf))
          a++;
        while (b > a && (b[-1] == '\r' || b[-1] == ' ' || b[-1] == '"'))
          b--;
        for (guint c = 0; c < N_COLS; c++)
          if ((gsize) (b - a) == strlen (col_names[c]) && memcmp (a, col_names[c], b - a) == 0
              && col_of[c] < 0)
            col_of[c] = n_fields;
        n_fields++;
        f = fe + 1;
      }
  }
  for (guint c = 0; c <= COL_DST_IP; c++)
    if (col_of[c] < 0)
      {
        g_set_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN,
                     _("%s line 1: required column “%s” is missing"), rel, col_names[c]);
        close (fd);
        return FALSE;
      }
  body = MIN ((goffset) (eol - header) + 1, size);

  /* split point: the first line start after the middle */
  split = size;
  if (size - body > 1024 * 1024)
    {
      char probe[4096];
      goffset mid = body + (size - body) / 2;
      gssize r = pread (fd, probe, sizeof probe, mid);
      const char *nl = r > 0 ? memchr (probe, '\n', r) : NULL;

      if (nl != NULL)
        split = mid + (nl - probe) + 1;
    }

  memset (jobs, 0, sizeof jobs);
  for (guint k = 0; k < 2; k++)
    {
      RangeJob *j = &jobs[k];
      /* bounded by the bytes: a wrong manifest cannot make us over-allocate */
      guint64 hint = MIN ((guint64) ((k == 0 ? split - body : size - split) / 40 + 16),
                          self->manifest.total_packets / (split < size ? 2 : 1) + 1024);

      j->fd = fd;
      j->rel = rel;
      j->start = k == 0 ? body : split;
      j->end = k == 0 ? split : size;
      j->file_size = size;
      j->col_of = col_of;
      j->n_fields = n_fields;
      j->cap_hint = (guint) MIN (hint, G_MAXUINT32 / 8);
      j->cancellable = ctx->cancellable;
      j->ctx = k == 0 ? ctx : NULL;
    }
  if (split < size)
    thread = g_thread_new ("ta-packets", range_job_run, &jobs[1]);
  range_job_run (&jobs[0]);
  if (thread != NULL)
    g_thread_join (thread);

  for (guint k = 0; k < 2; k++)
    {
      if (jobs[k].cancelled)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
          goto out;
        }
      if (jobs[k].error_message != NULL)
        {
          if (jobs[k].io_error)
            g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s: cannot read: %s"), rel,
                         jobs[k].error_message);
          else
            g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s line %llu: %s"), rel,
                         (unsigned long long) line_number_at (fd, jobs[k].error_offset),
                         jobs[k].error_message);
          goto out;
        }
    }

  /* join: the first half's table becomes the folder's */
  {
    TaPacketColumns *a = &jobs[0].cols, *b = &jobs[1].cols;
    guint n = a->n + b->n;
    guint nb = jobs[1].addrs ? ta_addr_table_get_size (jobs[1].addrs) : 0;
    g_autofree guint32 *remap = g_new (guint32, MAX (nb, 1));

    ta_addr_table_free (self->addrs);
    self->addrs = g_steal_pointer (&jobs[0].addrs);
    for (guint i = 0; i < nb; i++)
      {
        remap[i] = ta_addr_table_intern_text (self->addrs,
                                              ta_addr_table_get_name (jobs[1].addrs, i), -1);
      }
    packet_columns_resize (a, MAX (n, 1));
    if (b->n > 0)
      {
        memcpy (a->ts + a->n, b->ts, b->n * sizeof (gint64));
        for (guint i = 0; i < b->n; i++)
          {
            a->src[a->n + i] = remap[b->src[i]];
            a->dst[a->n + i] = remap[b->dst[i]];
          }
        memcpy (a->sport + a->n, b->sport, b->n * sizeof (guint16));
        memcpy (a->dport + a->n, b->dport, b->n * sizeof (guint16));
        memcpy (a->seq + a->n, b->seq, b->n * sizeof (guint32));
        memcpy (a->ack + a->n, b->ack, b->n * sizeof (guint32));
        memcpy (a->length + a->n, b->length, b->n * sizeof (guint32));
        memcpy (a->flags + a->n, b->flags, b->n);
        memcpy (a->proto + a->n, b->proto, b->n);
        memcpy (a->fclass + a->n, b->fclass, b->n);
      }
    a->n = n;
    self->packets = *a;
    self->packets_cap = MAX (n, 1);
    memset (a, 0, sizeof *a);
  }

  if (!packets_sorted (&self->packets))
    {
      add_warning (self, _("%s is not in time order; packets were sorted"), rel);
      sort_packets (&self->packets);
    }
  ok = TRUE;

out:
  range_job_clear (&jobs[0]);
  range_job_clear (&jobs[1]);
  close (fd);
  return ok;
}

/* ------------------------------------------------------------------ */
/* ips/ files and indices/bins.json                                    */

static gboolean
load_ip_stats (TaSubsetFolder  *self,
               const char      *rel,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;
  guint i = 0;

  parser = load_json (self->file, rel, JSON_NODE_OBJECT, FALSE, cancellable, error);
  if (parser == NULL)
    {
      const TaPacketColumns *p = &self->packets;
      guint n_addrs;

      if (error != NULL && *error != NULL)
        return FALSE;
      /* recompute from the packets */
      add_warning (self, _("%s is missing; per-address statistics were recomputed"), rel);
      n_addrs = ta_addr_table_get_size (self->addrs);
      self->ip_stats = g_new0 (TaIpStats, MAX (n_addrs, 1));
      for (guint a = 0; a < n_addrs; a++)
        self->ip_stats[a].addr = a;
      for (guint k = 0; k < p->n; k++)
        {
          TaIpStats *s = &self->ip_stats[p->src[k]], *d = &self->ip_stats[p->dst[k]];

          s->sent_packets++;
          s->sent_bytes += p->length[k];
          d->recv_packets++;
          d->recv_bytes += p->length[k];
          if (s->first_ts == 0 || p->ts[k] < s->first_ts)
            s->first_ts = p->ts[k];
          if (d->first_ts == 0 || p->ts[k] < d->first_ts)
            d->first_ts = p->ts[k];
          s->last_ts = MAX (s->last_ts, p->ts[k]);
          d->last_ts = MAX (d->last_ts, p->ts[k]);
        }
      self->n_ip_stats = n_addrs;
      return TRUE;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  self->ip_stats = g_new0 (TaIpStats, MAX (json_object_get_size (root), 1));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      static const struct { const char *field; gsize offset; } fields[] = {
        { "sent_packets", G_STRUCT_OFFSET (TaIpStats, sent_packets) },
        { "recv_packets", G_STRUCT_OFFSET (TaIpStats, recv_packets) },
        { "sent_bytes", G_STRUCT_OFFSET (TaIpStats, sent_bytes) },
        { "recv_bytes", G_STRUCT_OFFSET (TaIpStats, recv_bytes) },
        { "first_ts", G_STRUCT_OFFSET (TaIpStats, first_ts) },
        { "last_ts", G_STRUCT_OFFSET (TaIpStats, last_ts) },
      };
      const char *name = l->data;
      g_autofree char *where = g_strdup_printf ("%s: ", name);
      TaIpStats *st = &self->ip_stats[i];
      JsonNode *node = json_object_get_member (root, name);
      JsonObject *o;
      gint64 v;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s: the entry of “%s” must be an object"), rel, name);
          return FALSE;
        }
      o = json_node_get_object (node);
      st->addr = ta_addr_table_intern_text (self->addrs, name, -1);
      for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
        {
          if (!json_get_int (o, rel, where, fields[k].field, FALSE, 0, MAX_TIME_US, 0, &v, error))
            return FALSE;
          G_STRUCT_MEMBER (gint64, st, fields[k].offset) = v;
        }
      i++;
    }
  self->n_ip_stats = i;
  return TRUE;
}

static gboolean
load_flag_stats (TaSubsetFolder  *self,
                 const char      *rel,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;
  guint i = 0, n;

  parser = load_json (self->file, rel, JSON_NODE_OBJECT, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      add_warning (self, _("%s is missing"), rel);
      self->flag_names = g_new0 (char *, 1);
      return TRUE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  n = json_object_get_size (root);
  self->flag_names = g_new0 (char *, n + 1);
  self->flag_counts = g_new0 (guint64, MAX (n, 1));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gint64 v;

      if (!json_get_int (root, rel, "", name, TRUE, 0, MAX_COUNT, 0, &v, error))
        return FALSE;
      self->flag_names[i] = g_strdup (name);
      self->flag_counts[i] = v;
      i++;
    }
  self->n_flag_stats = i;
  return TRUE;
}

static gboolean
load_bins (TaSubsetFolder  *self,
           const char      *rel,
           GCancellable    *cancellable,
           GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *array;
  guint n;

  parser = load_json (self->file, rel, JSON_NODE_ARRAY, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      add_warning (self, _("%s is missing"), rel);
      return TRUE;
    }
  array = json_node_get_array (json_parser_get_root (parser));
  n = json_array_get_length (array);
  if (n > MAX_BINS)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: too many bins (%u)"), rel, n);
      return FALSE;
    }
  self->bins = g_new0 (TaTimeBin, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf (_("bin %u: "), i);
      JsonObject *o;
      gint64 v;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("%s: bin %u is not an object"), rel, i);
          return FALSE;
        }
      o = json_node_get_object (node);
      if (!json_get_int (o, rel, where, "start", TRUE, 0, MAX_TIME_US, 0, &self->bins[i].start, error)
          || !json_get_int (o, rel, where, "end", TRUE, 0, MAX_TIME_US, 0, &self->bins[i].end, error)
          || !json_get_int (o, rel, where, "count", TRUE, 0, MAX_COUNT, 0, &v, error))
        return FALSE;
      self->bins[i].count = v;
    }
  self->n_bins = n;
  return TRUE;
}

static gboolean
check_unique_ips (TaSubsetFolder  *self,
                  const char      *rel,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_auto(GStrv) list = NULL;

  parser = load_json (self->file, rel, JSON_NODE_ARRAY, FALSE, cancellable, error);
  if (parser == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      add_warning (self, _("%s is missing"), rel);
      return TRUE;
    }
  list = json_string_list (json_node_get_array (json_parser_get_root (parser)), rel,
                           "unique_ips", error);
  if (list == NULL)
    return FALSE;
  if (g_strv_length (list) != self->manifest.unique_ips)
    add_warning (self, _("%s lists %u addresses, manifest.json says %llu"),
                 rel, g_strv_length (list), (unsigned long long) self->manifest.unique_ips);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* loading                                                             */

static gboolean
load_folder (LoadContext  *ctx,
             GError      **error)
{
  TaSubsetFolder *self = ctx->self;
  Structure st = { 0 };
  FlowsJob job = { 0 };
  GThread *thread = NULL;
  gboolean ok = FALSE;
  guint64 tcp = 0;
  g_autoptr(GFile) index_file = NULL;
  g_autoptr(GFile) index_dir = NULL;
  g_autoptr(GFileInfo) info = NULL;

  report (ctx, 0.0, _("Reading manifest…"));
  info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, ctx->cancellable, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *name = g_file_get_parse_name (self->file);

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("%s is not a folder"), name);
      goto out;
    }
  if (!parse_manifest (self, &st, ctx->cancellable, error))
    goto out;

  job.dir = self->file;
  job.rel = st.flows_index;
  job.cancellable = ctx->cancellable;
  job.addrs = ta_addr_table_new ();
  job.strings = self->strings;
  thread = g_thread_new ("ta-flows-index", flows_job_run, &job);

  report (ctx, 0.05, _("Reading packets…"));
  if (!load_packets (ctx, st.packets, error))
    goto out;
  g_thread_join (g_steal_pointer (&thread));
  if (job.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job.error));
      goto out;
    }

  /* move the flows' addresses into the folder's table */
  {
    guint n = ta_addr_table_get_size (job.addrs);
    g_autofree guint32 *remap = g_new (guint32, MAX (n, 1));

    for (guint i = 0; i < n; i++)
      remap[i] = ta_addr_table_intern_text (self->addrs, ta_addr_table_get_name (job.addrs, i), -1);
    for (guint i = 0; i < job.n_flows; i++)
      {
        TaFlowInfo *f = &job.flows[i];

        f->a = remap[f->a];
        f->b = remap[f->b];
        if (f->initiator != TA_NO_ADDR)
          f->initiator = remap[f->initiator];
        if (f->responder != TA_NO_ADDR)
          f->responder = remap[f->responder];
      }
    self->flows = g_steal_pointer (&job.flows);
    self->n_flows = job.n_flows;
  }

  index_file = g_file_resolve_relative_path (self->file, st.flows_index);
  index_dir = g_file_get_parent (index_file);
  self->chunk_dir = g_file_get_path (index_dir);

  report (ctx, 0.92, _("Reading statistics…"));
  if (!load_ip_stats (self, st.ip_stats, ctx->cancellable, error)
      || !load_flag_stats (self, st.flag_stats, ctx->cancellable, error)
      || !load_bins (self, st.time_bins, ctx->cancellable, error)
      || !check_unique_ips (self, st.unique_ips, ctx->cancellable, error))
    goto out;

  for (guint i = 0; i < self->packets.n; i++)
    tcp += self->packets.proto[i] == 6;
  if (self->packets.n != self->manifest.total_packets)
    add_warning (self, _("%s has %u packets, manifest.json says %llu"),
                 st.packets, self->packets.n, (unsigned long long) self->manifest.total_packets);
  if (tcp != self->manifest.tcp_packets)
    add_warning (self, _("%s has %llu TCP packets, manifest.json says %llu"),
                 st.packets, (unsigned long long) tcp, (unsigned long long) self->manifest.tcp_packets);
  if (self->n_flows != self->manifest.total_flows)
    add_warning (self, _("%s has %u flows, manifest.json says %llu"),
                 st.flows_index, self->n_flows, (unsigned long long) self->manifest.total_flows);

  report (ctx, 1.0, _("Done"));
  ok = TRUE;

out:
  if (thread != NULL)
    {
      /* the flows thread stops at its next cancellation check, or when it
       * is done; either way it must finish before job is freed */
      g_thread_join (thread);
    }
  g_clear_error (&job.error);
  g_free (job.flows);
  g_clear_pointer (&job.addrs, ta_addr_table_free);
  structure_clear (&st);
  return ok;
}

TaSubsetFolder *
ta_subset_folder_load (GFile           *folder,
                       GCancellable    *cancellable,
                       TaProgressFunc   progress,
                       gpointer         progress_data,
                       GError         **error)
{
  g_autoptr(TaSubsetFolder) self = NULL;
  LoadContext ctx;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  self = ta_subset_folder_new (folder);
  ctx.self = self;
  ctx.cancellable = cancellable;
  ctx.progress = progress;
  ctx.progress_data = progress_data;
  if (!load_folder (&ctx, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* progress hop from the worker to the caller's main context: the worker
 * stores the latest value and schedules at most one idle at a time */
typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GMainContext    *context;
  TaProgressFunc   func;
  gpointer         data;
  GDestroyNotify   notify;
  double           fraction;
  char            *message;
  gboolean         pending;
} ProgressHop;

static ProgressHop *
progress_hop_ref (ProgressHop *hop)
{
  g_atomic_ref_count_inc (&hop->ref_count);
  return hop;
}

static void
progress_hop_unref (ProgressHop *hop)
{
  if (!g_atomic_ref_count_dec (&hop->ref_count))
    return;
  if (hop->notify != NULL)
    hop->notify (hop->data);
  g_main_context_unref (hop->context);
  g_mutex_clear (&hop->mutex);
  g_free (hop->message);
  g_free (hop);
}

static gboolean
progress_hop_dispatch (gpointer data)
{
  ProgressHop *hop = data;
  g_autofree char *message = NULL;
  double fraction;

  g_mutex_lock (&hop->mutex);
  hop->pending = FALSE;
  fraction = hop->fraction;
  message = g_steal_pointer (&hop->message);
  g_mutex_unlock (&hop->mutex);

  hop->func (fraction, message, hop->data);
  return G_SOURCE_REMOVE;
}

static void
progress_hop_report (double      fraction,
                     const char *message,
                     gpointer    data)
{
  ProgressHop *hop = data;
  gboolean schedule;

  g_mutex_lock (&hop->mutex);
  hop->fraction = fraction;
  g_free (hop->message);
  hop->message = g_strdup (message);
  schedule = !hop->pending;
  hop->pending = TRUE;
  g_mutex_unlock (&hop->mutex);

  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, progress_hop_dispatch, progress_hop_ref (hop),
                             (GDestroyNotify) progress_hop_unref);
      g_source_attach (source, hop->context);
      g_source_unref (source);
    }
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ProgressHop *hop = task_data;
  GFile *folder = g_object_get_data (G_OBJECT (task), "folder");
  GError *error = NULL;
  TaSubsetFolder *self;

  self = ta_subset_folder_load (folder, cancellable,
                                hop->func ? progress_hop_report : NULL, hop, &error);
  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, (GDestroyNotify) ta_subset_folder_unref);
}

void
ta_subset_folder_load_async (GFile               *folder,
                             GCancellable        *cancellable,
                             TaProgressFunc       progress,
                             gpointer             progress_data,
                             GDestroyNotify       progress_notify,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProgressHop *hop;

  g_return_if_fail (G_IS_FILE (folder));

  hop = g_new0 (ProgressHop, 1);
  g_atomic_ref_count_init (&hop->ref_count);
  g_mutex_init (&hop->mutex);
  hop->context = g_main_context_ref_thread_default ();
  hop->func = progress;
  hop->data = progress_data;
  hop->notify = progress_notify;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ta_subset_folder_load_async);
  g_task_set_task_data (task, hop, (GDestroyNotify) progress_hop_unref);
  g_object_set_data_full (G_OBJECT (task), "folder", g_object_ref (folder), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

TaSubsetFolder *
ta_subset_folder_load_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ta_subset_folder_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */

GFile *
ta_subset_folder_get_file (TaSubsetFolder *self)
{
  return self->file;
}

const TaManifest *
ta_subset_folder_get_manifest (TaSubsetFolder *self)
{
  return &self->manifest;
}

const TaPacketColumns *
ta_subset_folder_get_packets (TaSubsetFolder *self)
{
  return &self->packets;
}

const TaFlowInfo *
ta_subset_folder_get_flows (TaSubsetFolder *self,
                            guint          *n_flows)
{
  *n_flows = self->n_flows;
  return self->flows;
}

const TaIpStats *
ta_subset_folder_get_ip_stats (TaSubsetFolder *self,
                               guint          *n_ips)
{
  *n_ips = self->n_ip_stats;
  return self->ip_stats;
}

const TaTimeBin *
ta_subset_folder_get_bins (TaSubsetFolder *self,
                           guint          *n_bins)
{
  *n_bins = self->n_bins;
  return self->bins;
}

const char * const *
ta_subset_folder_get_flag_stats (TaSubsetFolder  *self,
                                 const guint64  **counts,
                                 guint           *n)
{
  *counts = self->flag_counts;
  *n = self->n_flag_stats;
  return (const char * const *) self->flag_names;
}

guint
ta_subset_folder_get_n_addrs (TaSubsetFolder *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = ta_addr_table_get_size (self->addrs);
  g_mutex_unlock (&self->mutex);
  return n;
}

const char *
ta_subset_folder_get_addr_name (TaSubsetFolder *self,
                                guint32         addr)
{
  const char *name;

  if (addr == TA_NO_ADDR)
    return "";
  g_mutex_lock (&self->mutex);
  name = addr < ta_addr_table_get_size (self->addrs)
         ? ta_addr_table_get_name (self->addrs, addr) : "";
  g_mutex_unlock (&self->mutex);
  return name;
}

const char * const *
ta_subset_folder_get_warnings (TaSubsetFolder *self)
{
  if (self->warnings->len == 0 || g_ptr_array_index (self->warnings, self->warnings->len - 1) != NULL)
    g_ptr_array_add (self->warnings, NULL);
  return (const char * const *) self->warnings->pdata;
}

gsize
ta_subset_folder_get_memory_size (TaSubsetFolder *self)
{
  gsize per_packet = sizeof (gint64) + 6 * sizeof (guint32) + 2 * sizeof (guint16) + 3;

  return (gsize) self->packets_cap * per_packet
         + (gsize) self->n_flows * sizeof (TaFlowInfo)
         + (gsize) self->n_ip_stats * sizeof (TaIpStats)
         + (gsize) self->n_bins * sizeof (TaTimeBin)
         + (gsize) ta_addr_table_get_size (self->addrs) * 64;
}

guint
ta_packet_columns_lower_bound (const TaPacketColumns *packets,
                               gint64                 t)
{
  guint lo = 0, hi = packets->n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (packets->ts[mid] < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* ------------------------------------------------------------------ */
/* chunk files                                                         */

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
  if (!json_get_int (o, file, where, "timestamp", TRUE, 0, MAX_TIME_US, 0, &out->ts, error))
    return FALSE;
  if (!json_get_string (o, file, where, "src_ip", TRUE, &s, error))
    return FALSE;
  out->src = ta_addr_table_intern_text (self->addrs, s, -1);
  if (!json_get_string (o, file, where, "dst_ip", TRUE, &s, error))
    return FALSE;
  out->dst = ta_addr_table_intern_text (self->addrs, s, -1);
  if (!json_get_int (o, file, where, "src_port", FALSE, 0, 65535, 0, &v, error))
    return FALSE;
  out->sport = v;
  if (!json_get_int (o, file, where, "dst_port", FALSE, 0, 65535, 0, &v, error))
    return FALSE;
  out->dport = v;
  if (!json_get_int (o, file, where, "flags", FALSE, 0, 255, 0, &v, error))
    return FALSE;
  out->flags = v;
  if (!json_get_int (o, file, where, "seq_num", FALSE, 0, G_MAXUINT32, 0, &v, error))
    return FALSE;
  out->seq = v;
  if (!json_get_int (o, file, where, "ack_num", FALSE, 0, G_MAXUINT32, 0, &v, error))
    return FALSE;
  out->ack = v;
  if (!json_get_int (o, file, where, "length", FALSE, 0, G_MAXUINT32, 0, &v, error))
    return FALSE;
  out->length = v;
  if (!json_get_int (o, file, where, "protocol", FALSE, 0, 255, 6, &v, error))
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
  if (!json_get_string (o, file, where, "id", TRUE, &id, error))
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

  if (!json_get_object (o, file, "phases", FALSE, &phases, error))
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
          if (!json_get_string (eo, file, where, "phase", FALSE, &step, error)
              || !json_get_string (eo, file, where, "description", FALSE, &desc, error))
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

    if (json_get_int (o, file, where, "expectedSeqNum", FALSE, 0, G_MAXUINT32, -1, &es, &ignored)
        && json_get_int (o, file, where, "expectedAckNum", FALSE, 0, G_MAXUINT32, -1, &ea, &ignored)
        && (es >= 0 || ea >= 0))
      {
        detail->has_expected = TRUE;
        detail->expected_seq = es;
        detail->expected_ack = ea;
      }
  }
  return detail;
}

/* The JSON parse, the slow part, runs without the lock */
static JsonParser *
load_chunk_json (TaSubsetFolder  *self,
                 const char      *name,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (self->chunk_dir);
  JsonParser *parser = load_json (dir, name, JSON_NODE_ARRAY, TRUE, cancellable, error);

  if (parser == NULL && error != NULL && *error != NULL && (*error)->domain == TA_ERROR)
    g_prefix_error (error, "flows/");
  return parser;
}

/* Called with the mutex held (interns addresses and strings) */
static ChunkEntry *
build_chunk_entry (TaSubsetFolder  *self,
                   const char      *name,
                   JsonParser      *parser,
                   GError         **error)
{
  g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func ((GDestroyNotify) ta_flow_detail_unref);
  g_autofree char *label = g_strdup_printf ("flows/%s", name);
  JsonArray *array = json_node_get_array (json_parser_get_root (parser));
  ChunkEntry *entry;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      TaFlowDetail *d = parse_chunk_flow (self, json_array_get_element (array, i), label, i, error);

      if (d == NULL)
        return NULL;
      g_ptr_array_add (details, d);
    }
  entry = g_new0 (ChunkEntry, 1);
  entry->name = g_strdup (name);
  entry->details = g_steal_pointer (&details);
  return entry;
}

static ChunkEntry *
find_cached_chunk (TaSubsetFolder *self,
                   const char     *name)
{
  for (GList *l = self->chunk_lru.head; l; l = l->next)
    if (strcmp (((ChunkEntry *) l->data)->name, name) == 0)
      {
        g_queue_unlink (&self->chunk_lru, l);
        g_queue_push_head_link (&self->chunk_lru, l);
        return l->data;
      }
  return NULL;
}

TaFlowDetail *
ta_subset_folder_get_flow_detail (TaSubsetFolder  *self,
                                  guint            flow,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  const TaFlowInfo *info;
  ChunkEntry *entry = NULL;
  TaFlowDetail *found = NULL, *result;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (flow < self->n_flows, NULL);

  info = &self->flows[flow];
  g_mutex_lock (&self->mutex);
  entry = find_cached_chunk (self, info->chunk_file);
  if (entry == NULL)
    {
      g_autoptr(JsonParser) parser = NULL;

      g_mutex_unlock (&self->mutex);
      parser = load_chunk_json (self, info->chunk_file, cancellable, error);
      if (parser == NULL)
        return NULL;
      g_mutex_lock (&self->mutex);
      /* another thread may have read it meanwhile */
      entry = find_cached_chunk (self, info->chunk_file);
      if (entry == NULL)
        {
          entry = build_chunk_entry (self, info->chunk_file, parser, error);
          if (entry == NULL)
            {
              g_mutex_unlock (&self->mutex);
              return NULL;
            }
          g_queue_push_head (&self->chunk_lru, entry);
          while (self->chunk_lru.length > CHUNK_CACHE_SIZE)
            chunk_entry_free (g_queue_pop_tail (&self->chunk_lru));
        }
    }

  if (info->chunk_index < entry->details->len)
    {
      TaFlowDetail *d = g_ptr_array_index (entry->details, info->chunk_index);

      if (strcmp (d->info.id, info->id) == 0)
        found = d;
    }
  for (guint i = 0; found == NULL && i < entry->details->len; i++)
    {
      TaFlowDetail *d = g_ptr_array_index (entry->details, i);

      if (strcmp (d->info.id, info->id) == 0)
        found = d;
    }
  if (found == NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT, _("flows/%s: flow %s is not in this chunk"),
                   info->chunk_file, info->id);
      g_mutex_unlock (&self->mutex);
      return NULL;
    }
  found->info = *info;
  result = ta_flow_detail_ref (found);
  g_mutex_unlock (&self->mutex);

  return result;
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

/* ------------------------------------------------------------------ */
/* packet -> flow                                                      */

typedef struct
{
  guint32 a, b;
  guint16 ap, bp;
} ConnKey;

static guint
conn_key_hash (gconstpointer p)
{
  const ConnKey *k = p;
  guint64 h = ((guint64) k->a << 32 | k->b) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  h ^= ((guint64) k->ap << 16 | k->bp) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  return (guint) (h ^ (h >> 32));
}

static gboolean
conn_key_equal (gconstpointer a,
                gconstpointer b)
{
  const ConnKey *x = a, *y = b;

  return x->a == y->a && x->b == y->b && x->ap == y->ap && x->bp == y->bp;
}

static void
conn_key_make (ConnKey *k,
               guint32  a,
               guint16  ap,
               guint32  b,
               guint16  bp)
{
  if (a < b || (a == b && ap <= bp))
    {
      k->a = a; k->ap = ap; k->b = b; k->bp = bp;
    }
  else
    {
      k->a = b; k->ap = bp; k->b = a; k->bp = ap;
    }
}

gint
ta_subset_folder_find_flow_for_packet (TaSubsetFolder *self,
                                       guint           packet)
{
  const TaPacketColumns *p = &self->packets;
  ConnKey key;
  GArray *list;
  gint result = -1;

  g_return_val_if_fail (packet < p->n, -1);

  g_mutex_lock (&self->mutex);
  if (self->flow_lookup == NULL)
    {
      self->flow_lookup = g_hash_table_new_full (conn_key_hash, conn_key_equal, g_free,
                                                 (GDestroyNotify) g_array_unref);
      for (guint i = 0; i < self->n_flows; i++)
        {
          ConnKey *k = g_new (ConnKey, 1);
          GArray *l;

          conn_key_make (k, self->flows[i].a, self->flows[i].a_port,
                         self->flows[i].b, self->flows[i].b_port);
          l = g_hash_table_lookup (self->flow_lookup, k);
          if (l == NULL)
            {
              l = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (self->flow_lookup, k, l);
            }
          else
            g_free (k);
          g_array_append_val (l, i);
        }
    }
  conn_key_make (&key, p->src[packet], p->sport[packet], p->dst[packet], p->dport[packet]);
  list = g_hash_table_lookup (self->flow_lookup, &key);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      guint f = g_array_index (list, guint, i);

      if (p->ts[packet] >= self->flows[f].start && p->ts[packet] <= self->flows[f].end)
        {
          result = f;
          break;
        }
    }
  g_mutex_unlock (&self->mutex);
  return result;
}
