/* ta-detect-write.c — the detector's files: findings.csv, and the
 * findings' traffic as attack CSVs (through TaAttackAgg) with their IP map,
 * event-type, group and colour mappings, named so the TimeArcs view picks
 * them up next to detected_attacks.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ta-attack-agg.h"
#include "ta-attacks-job.h"
#include "ta-detect-private.h"
#include "ta-event-mapping.h"
#include "ta-ip-map.h"
#include "ta-json.h"
#include "ta-out.h"

#define LIST_FIRST 5   /* addresses and ports named in findings.csv */

static const char * const type_colors[TA_FINDING_N_TYPES] = {
  [TA_FINDING_NETWORK_SCAN] = "#C9A200", [TA_FINDING_PORT_SCAN] = "#E6AB02",
  [TA_FINDING_DDOS] = "#264D99", [TA_FINDING_PING_FLOOD] = "#66A61E",
  [TA_FINDING_BRUTE_FORCE] = "#D41159", [TA_FINDING_BEACONING] = "#D95F02",
  [TA_FINDING_ALPHA_FLOW] = "#6A0DAD", [TA_FINDING_SPAM] = "#E7298A",
};

static const char group_mapping[] =
  "{\"normal\": -1, \"spambot - client compromise\": 0, \"ddos\": 1, \"c2-based\": 2, "
  "\"post-phishing c2\": 3, \"other\": 4}";
static const char group_colors[] =
  "{\n  \"normal\": \"#4B4B4B\",\n  \"spambot - client compromise\": \"#e7298a\",\n"
  "  \"ddos\": \"#7570b3\",\n  \"c2-based\": \"#d95f02\",\n  \"post-phishing c2\": \"#1b9e77\",\n"
  "  \"other\": \"#66a61e\"\n}\n";

static void
put_csv_field (GString    *s,
               const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

static void
put_time (GString *s,
          gint64   us)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autofree char *text = t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  g_string_append_printf (s, "%s,%" G_GINT64_FORMAT ",", text != NULL ? text : "", us);
}

static void
put_addrs (GString     *s,
           GArray      *addrs,
           TaAddrTable *table)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < MIN (addrs->len, LIST_FIRST); i++)
    {
      const char *name = ta_addr_table_get_name (table, g_array_index (addrs, guint32, i));

      if (i > 0)
        g_string_append_c (list, ' ');
      g_string_append (list, name != NULL ? name : "?");
    }
  g_string_append_printf (s, "%u,", addrs->len);
  put_csv_field (s, list->str);
  g_string_append_c (s, ',');
  g_string_free (list, TRUE);
}

static void
put_ports (GString *s,
           GArray  *ports)
{
  g_string_append_printf (s, "%u,", ports->len);
  for (guint i = 0; i < MIN (ports->len, LIST_FIRST); i++)
    g_string_append_printf (s, "%s%u", i > 0 ? " " : "", g_array_index (ports, guint16, i));
  g_string_append_c (s, ',');
}

static gboolean
write_findings_csv (GPtrArray   *findings,
                    TaAddrTable *addrs,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GString) s = g_string_new ("id,type,mawilab,name,protocol,start,start_us,end,end_us,"
                                       "n_sources,sources,n_destinations,destinations,n_ports,ports,"
                                       "connections,packets,bytes,evidence\n");

  for (guint i = 0; i < findings->len; i++)
    {
      const TaFinding *f = findings->pdata[i];

      g_string_append_printf (s, "%u,%s,%s,", i + 1, ta_finding_type_id (f->type), f->mawilab);
      put_csv_field (s, ta_finding_type_label (f->type));
      g_string_append_printf (s, ",%u,", f->proto);
      put_time (s, f->start_us);
      put_time (s, f->end_us);
      put_addrs (s, f->srcs, addrs);
      put_addrs (s, f->dsts, addrs);
      put_ports (s, f->ports);
      g_string_append_printf (s, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",",
                              f->conns, f->pkts, f->bytes);
      put_csv_field (s, f->evidence);
      g_string_append_c (s, '\n');
    }
  return ta_out_write_file (path, s->str, s->len, error);
}

/* ---- attack CSVs ------------------------------------------------------------ */

typedef struct
{
  DetRow  row;
  gint32  code;
} CodedRow;

static gint
cmp_coded (gconstpointer a,
           gconstpointer b)
{
  const CodedRow *x = a, *y = b;

  if (x->row.minute != y->row.minute)
    return x->row.minute < y->row.minute ? -1 : 1;
  return x->code - y->code;
}

/* Every finding's rows under its type's code, in time order (so the
 * aggregation holds one minute at a time) */
static void
add_rows (GPtrArray      *findings,
          TaEventMapping *events,
          TaAttackAgg    *agg)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (CodedRow));

  for (guint i = 0; i < findings->len; i++)
    {
      DetFinding *f = findings->pdata[i];
      gint32 code = ta_event_mapping_lookup (events, ta_finding_type_label (f->pub.type));
      GHashTableIter it;
      gpointer k;

      if (f->rows == NULL)
        continue;
      g_hash_table_iter_init (&it, f->rows);
      while (g_hash_table_iter_next (&it, &k, NULL))
        {
          CodedRow r = { *(const DetRow *) k, code };

          g_array_append_val (rows, r);
        }
    }
  g_array_sort (rows, cmp_coded);
  for (guint i = 0; i < rows->len; i++)
    {
      const CodedRow *r = &g_array_index (rows, CodedRow, i);
      TaPacket pkt = { 0, };

      pkt.ts = r->row.minute * TA_DET_MINUTE_US;
      pkt.src = r->row.src;
      pkt.dst = r->row.dst;
      pkt.length = r->row.length;
      pkt.proto = r->row.proto;
      for (guint64 n = 0; n < r->row.count; n++)
        ta_attack_agg_add (agg, &pkt, r->code);
    }
}

static char *
colors_json (void)
{
  GString *s = g_string_new ("{\n  \"normal\": \"#4B4B4B\"");

  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    {
      g_string_append (s, ",\n  ");
      ta_json_append_string (s, ta_finding_type_label (t));
      g_string_append_printf (s, ": \"%s\"", type_colors[t]);
    }
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

static gboolean
write_text (const char  *dir,
            const char  *name,
            const char  *text,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return ta_out_write_file (path, text, strlen (text), error);
}

gboolean
det_write_files (GPtrArray   *findings,
                 TaAddrTable *addrs,
                 const char  *dir,
                 GError     **error)
{
  g_autofree char *findings_path = g_build_filename (dir, "findings.csv", NULL);
  g_autofree char *out = g_build_filename (dir, "detected_attacks.csv", NULL);
  g_autofree char *grouped = g_build_filename (dir, "detected_grouped_attacks.csv", NULL);
  g_autofree char *ip_map_path = ta_attacks_companion_path (out, TA_ATTACKS_COMPANION_IP_MAP);
  g_autofree char *events_path = ta_attacks_companion_path (out, TA_ATTACKS_COMPANION_EVENT_MAPPING);
  g_autofree char *groups_path = ta_attacks_companion_path (out, TA_ATTACKS_COMPANION_GROUP_MAPPING);
  g_autofree char *colors = colors_json ();
  g_autoptr(TaIpMap) ip_map = ta_ip_map_new ();
  g_autoptr(TaEventMapping) events = ta_event_mapping_new ();
  g_autoptr(TaEventMapping) groups = NULL;
  g_autoptr(TaAttackAgg) agg = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), _("cannot create %s: %s"), dir,
                   g_strerror (e));
      return FALSE;
    }
  groups = ta_event_mapping_load_from_data ("attack groups", group_mapping, -1, error);
  if (groups == NULL)
    return FALSE;
  for (guint t = 0; t < TA_FINDING_N_TYPES; t++)
    {
      ta_event_mapping_ensure (events, ta_finding_type_label (t));
      ta_event_mapping_group_code (groups, ta_finding_type_label (t));
    }
  agg = ta_attack_agg_new (addrs, ip_map);
  add_rows (findings, events, agg);
  return write_findings_csv (findings, addrs, findings_path, error) &&
         ta_attack_agg_write (agg, out, events, NULL, TRUE, error) &&
         ta_attack_agg_write (agg, grouped, events, groups, TRUE, error) &&
         ta_ip_map_save (ip_map, ip_map_path, error) &&
         ta_event_mapping_save (events, events_path, error) &&
         ta_event_mapping_save (groups, groups_path, error) &&
         write_text (dir, "color_mapping.json", colors, error) &&
         write_text (dir, "attack_group_color_mapping.json", group_colors, error);
}
