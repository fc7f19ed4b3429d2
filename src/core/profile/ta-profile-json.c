/* ta-profile-json.c — profile.json, the summary of a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-json.h"
#include "ta-profile-private.h"

void
ta_profile_count_port (TaProfile *self,
                       guint8     proto,
                       guint16    port)
{
  gpointer key = GUINT_TO_POINTER ((guint) proto << 16 | port);
  guint64 *n = g_hash_table_lookup (self->ports, key);

  if (n == NULL)
    {
      n = g_new0 (guint64, 1);
      g_hash_table_insert (self->ports, key, n);
    }
  (*n)++;
}

typedef struct
{
  guint   key;
  guint64 n;
} PortCount;

static int
cmp_ports (gconstpointer a,
           gconstpointer b)
{
  const PortCount *x = a, *y = b;

  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

static void
append_strv (GString            *s,
             const char * const *v)
{
  g_string_append_c (s, '[');
  for (guint i = 0; v != NULL && v[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      ta_json_append_string (s, v[i]);
    }
  g_string_append_c (s, ']');
}

static void
append_top_ports (TaProfile *self,
                  GString   *s)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (PortCount));
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, self->ports);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_array_append_val (all, ((PortCount) { GPOINTER_TO_UINT (key), *(guint64 *) value }));
  g_array_sort (all, cmp_ports);
  g_string_append (s, "  \"top_responder_ports\": [");
  for (guint i = 0; i < MIN (all->len, TA_PROFILE_TOP); i++)
    {
      PortCount *pc = &g_array_index (all, PortCount, i);
      const char *service = ta_conn_service_guess (pc->key >> 16, 0, pc->key & 0xffff);

      g_string_append_printf (s, "%s\n    {\"proto\": \"%s\", \"port\": %u, \"service\": ",
                              i ? "," : "", ta_conn_proto_name (pc->key >> 16), pc->key & 0xffff);
      if (service != NULL)
        ta_json_append_string (s, service);
      else
        g_string_append (s, "null");
      g_string_append_printf (s, ", \"connections\": %" G_GUINT64_FORMAT "}", pc->n);
    }
  g_string_append (s, all->len ? "\n  ],\n" : "],\n");
}

static void
append_top_tables (TaProfile *self,
                   GString   *s)
{
  g_autoptr(GPtrArray) convs = ta_traffic_get_conversations (self->traffic, self->options.rank,
                                                               TA_PROFILE_TOP);
  g_autoptr(GPtrArray) ends = ta_traffic_get_endpoints (self->traffic, self->options.rank,
                                                          TA_PROFILE_TOP);

  g_string_append (s, "  \"top_conversations\": [");
  for (guint i = 0; i < convs->len; i++)
    {
      const TaConversation *c = g_ptr_array_index (convs, i);

      g_string_append_printf (s, "%s\n    {\"a\": ", i ? "," : "");
      ta_json_append_string (s, ta_addr_table_get_name (self->addrs, c->a));
      g_string_append (s, ", \"b\": ");
      ta_json_append_string (s, ta_addr_table_get_name (self->addrs, c->b));
      g_string_append_printf (s, ", \"packets\": %" G_GUINT64_FORMAT ", \"bytes\": %" G_GUINT64_FORMAT
                              ", \"connections\": %" G_GUINT64_FORMAT "}",
                              c->pkts_ab + c->pkts_ba, c->bytes_ab + c->bytes_ba, c->conns);
    }
  g_string_append (s, convs->len ? "\n  ],\n" : "],\n");
  g_string_append (s, "  \"top_endpoints\": [");
  for (guint i = 0; i < ends->len; i++)
    {
      const TaEndpoint *e = g_ptr_array_index (ends, i);

      g_string_append_printf (s, "%s\n    {\"address\": ", i ? "," : "");
      ta_json_append_string (s, ta_addr_table_get_name (self->addrs, e->addr));
      g_string_append_printf (s, ", \"packets\": %" G_GUINT64_FORMAT ", \"bytes\": %" G_GUINT64_FORMAT
                              ", \"connections\": %" G_GUINT64_FORMAT ", \"peers\": %u}",
                              e->pkts_tx + e->pkts_rx, e->bytes_tx + e->bytes_rx,
                              e->conns_orig + e->conns_resp, e->n_peers);
    }
  g_string_append (s, ends->len ? "\n  ],\n" : "],\n");
}

static void
append_run (TaProfile           *self,
            GString             *s,
            const TaProfileInfo *info)
{
  const TaProfileOptions *o = &self->options;
  g_autofree char *nets = self->nets ? ta_net_list_to_string (self->nets) : NULL;

  g_string_append (s, "  \"inputs\": ");
  append_strv (s, info ? info->inputs : NULL);
  g_string_append (s, ",\n  \"filter\": {\"ips\": ");
  if (info != NULL && info->filter_ips != NULL)
    append_strv (s, info->filter_ips);
  else
    g_string_append (s, "null");
  g_string_append (s, ", \"time_start_us\": ");
  if (info != NULL && info->has_time_start)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, info->time_start_us);
  else
    g_string_append (s, "null");
  g_string_append (s, ", \"time_end_us\": ");
  if (info != NULL && info->has_time_end)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, info->time_end_us);
  else
    g_string_append (s, "null");
  g_string_append_printf (s, "},\n  \"interval_us\": %" G_GINT64_FORMAT ",\n  \"local_nets\": ",
                          o->interval_us > 0 ? o->interval_us : TA_INTERVAL_DEFAULT_US);
  if (nets != NULL)
    ta_json_append_string (s, nets);
  else
    g_string_append (s, "null");
  g_string_append_printf (s, ",\n  \"timeouts_us\": {\"tcp\": %" G_GINT64_FORMAT ", \"udp\": %"
                          G_GINT64_FORMAT ", \"icmp\": %" G_GINT64_FORMAT ", \"close_delay\": %"
                          G_GINT64_FORMAT "},\n  \"rank\": \"%s\",\n",
                          o->conn.tcp_timeout_us ? o->conn.tcp_timeout_us : TA_CONN_TCP_TIMEOUT_DEFAULT_US,
                          o->conn.udp_timeout_us ? o->conn.udp_timeout_us : TA_CONN_UDP_TIMEOUT_DEFAULT_US,
                          o->conn.icmp_timeout_us ? o->conn.icmp_timeout_us : TA_CONN_ICMP_TIMEOUT_DEFAULT_US,
                          o->conn.close_delay_us ? o->conn.close_delay_us : TA_CONN_CLOSE_DELAY_DEFAULT_US,
                          ta_traffic_rank_name (o->rank));
  if (info != NULL && info->stats != NULL)
    g_string_append_printf (s, "  \"rows_read\": %" G_GUINT64_FORMAT ",\n  \"malformed_rows\": %"
                            G_GUINT64_FORMAT ",\n  \"truncated_files\": %u,\n",
                            info->stats->rows, info->stats->malformed, info->stats->truncated);
}

static void
append_totals (TaProfile *self,
               GString   *s)
{
  const TaProfileSummary *t = &self->summary;

  g_string_append_printf (s, "  \"packets\": %" G_GUINT64_FORMAT ",\n  \"bytes\": %" G_GUINT64_FORMAT
                          ",\n  \"first_ts_us\": %" G_GINT64_FORMAT ",\n  \"last_ts_us\": %"
                          G_GINT64_FORMAT ",\n  \"protocols\": {",
                          t->packets, t->bytes, t->first_ts, t->last_ts);
  for (guint i = 0; i < 4; i++)
    g_string_append_printf (s, "%s\"%s\": {\"packets\": %" G_GUINT64_FORMAT ", \"bytes\": %"
                            G_GUINT64_FORMAT ", \"connections\": %" G_GUINT64_FORMAT "}",
                            i ? ", " : "", ta_proto_class_name (i), t->proto_packets[i],
                            t->proto_bytes[i], t->conns_by_proto[i]);
  g_string_append_printf (s, "},\n  \"connections\": %" G_GUINT64_FORMAT ",\n  \"conn_states\": {",
                          t->connections);
  for (guint i = 0; i < TA_CONN_N_STATES; i++)
    g_string_append_printf (s, "%s\"%s\": %" G_GUINT64_FORMAT, i ? ", " : "",
                            ta_conn_state_name (i), t->conns_by_state[i]);
  g_string_append_printf (s, "},\n  \"peak_open_connections\": %u,\n  \"conversations\": %u,\n"
                          "  \"endpoints\": %u,\n  \"intervals\": %" G_GUINT64_FORMAT ",\n",
                          t->peak_open_connections, t->conversations, t->endpoints, t->intervals);
}

gboolean
ta_profile_write_json (TaProfile           *self,
                       const TaProfileInfo *info,
                       GError             **error)
{
  g_autoptr(GString) s = g_string_new ("{\n");
  g_autofree char *path = g_build_filename (self->dir, "profile.json", NULL);
  TaOut *out;

  g_string_append_printf (s, "  \"format\": \"%s\",\n  \"version\": %d,\n",
                          TA_PROFILE_FORMAT, TA_PROFILE_VERSION);
  append_run (self, s, info);
  append_totals (self, s);
  append_top_ports (self, s);
  append_top_tables (self, s);
  ta_profile_analysis_append_json (self, s);
  g_string_append (s, "  \"files\": [\"conn.log\", \"conn.csv\", \"conversations.csv\", "
                      "\"endpoints.csv\", \"intervals.csv\"");
  if (self->analysis.stats != NULL)
    g_string_append_printf (s, ", \"validated.csv\", \"validation_summary.csv\", \"sequences.jsonl\"%s"
                            ", \"features.csv\", \"features_scaler.json\", \"anomaly.csv\", \"findings.csv\", "
                            "\"detected_attacks.csv\", \"detected_grouped_attacks.csv\", \"detected_ip_map.json\", "
                            "\"event_type_mapping_detected.json\", \"attack_group_mapping_detected.json\", "
                            "\"color_mapping.json\", \"attack_group_color_mapping.json\"",
                            self->options.flow_files > 0 ? ", \"inflow/\", \"outflow/\"" : "");
  if (self->analysis.tagger != NULL)
    g_string_append (s, ", \"relays.csv\"");
  g_string_append (s, "]\n}\n");

  out = ta_out_open (path, TA_OUT_IN_PLACE, s->len + 16, error);
  if (out == NULL)
    return FALSE;
  ta_out_write (out, s->str, s->len);
  return ta_out_commit_file (out, error);
}
