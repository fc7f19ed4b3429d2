/* ta-subset-folder.c — the loaded folder: flag classes and colours, the
 * folder's lifetime, its accessors and the packet → flow lookup. Loading
 * is in ta-subset-folder-load.c and the files it calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ta-packet.h"
#include "ta-subset-folder-private.h"

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

void
ta_packet_columns_clear (TaPacketColumns *p)
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

TaSubsetFolder *
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
  g_queue_init (&self->detail_lru);
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
  ta_packet_columns_clear (&self->packets);
  g_free (self->flows);
  g_free (self->ip_stats);
  g_free (self->bins);
  g_strfreev (self->flag_names);
  g_free (self->flag_counts);
  g_ptr_array_unref (self->warnings);
  g_string_chunk_free (self->strings);
  g_free (self->chunk_dir);
  ta_addr_table_free (self->addrs);
  ta_subset_folder_clear_chunks (self);
  g_clear_pointer (&self->flow_lookup, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

void
ta_subset_folder_add_warning (TaSubsetFolder *self,
                              const char     *format,
                              ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, args));
  va_end (args);
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
