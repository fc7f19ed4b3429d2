/* ta-profile.c — one pass feeding the connection tracker, the
 * conversation / endpoint tables and the interval statistics; connections
 * are written to conn.log and conn.csv as they end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ta-error.h"
#include "ta-out.h"
#include "ta-profile.h"
#include "ta-profile-private.h"

static gboolean
is_local (TaProfile *self,
          guint32    addr)
{
  return ta_net_list_contains_index (self->nets, self->addrs, self->local_cache, addr);
}

/* ---- conn.log / conn.csv rows ------------------------------------------ */

static const char conn_log_fields[] =
  "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
  "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
  "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents";
static const char conn_log_types[] =
  "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\t"
  "count\tcount\tstring\tbool\tbool\tcount\tstring\t"
  "count\tcount\tcount\tcount\tset[string]";
static const char conn_csv_header[] =
  "ts,uid,orig_h,orig_p,resp_h,resp_p,proto,service,duration,orig_bytes,resp_bytes,"
  "conn_state,local_orig,local_resp,missed_bytes,history,orig_pkts,orig_ip_bytes,"
  "resp_pkts,resp_ip_bytes,ts_last,first_file,first_frame,last_file,last_frame,"
  "ended_by_timeout\n";

/* Zeek's #open / #close stamp: network time (the packets' time) as Zeek
 * uses it when it reads a capture, so that the same input gives the same
 * file */
static char *
zeek_stamp (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return dt ? g_date_time_format (dt, "%Y-%m-%d-%H-%M-%S") : g_strdup ("-");
}

static void
write_log_header (TaProfile *self,
                  gint64     first_ts)
{
  g_autofree char *stamp = zeek_stamp (first_ts);

  ta_out_printf (self->conn_log,
                 "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                 "#unset_field\t-\n#path\tconn\n#open\t%s\n#fields\t%s\n#types\t%s\n",
                 stamp, conn_log_fields, conn_log_types);
  self->log_header_written = TRUE;
}

static char *
put_bool (char     *p,
          gboolean  known,
          gboolean  v)
{
  *p++ = known ? (v ? 'T' : 'F') : '-';
  return p;
}

/* The fields conn.log and conn.csv share, separated by @sep; Zeek leaves
 * duration and the byte counts unset for a connection of no duration */
static char *
put_record (TaProfile    *self,
            char         *p,
            const TaConn *c,
            char          sep)
{
  const char *service = ta_conn_service_guess (c->proto, c->orig_p, c->resp_p);
  gint64 duration = c->ts_last - c->ts_first;
  gboolean nets = self->nets != NULL;
  char uid[20];

  ta_conn_uid (c->id, uid);
  p = ta_put_us_as_s (p, c->ts_first);
  *p++ = sep;
  p = ta_put_str (p, uid);
  *p++ = sep;
  p = ta_put_str (p, ta_addr_table_get_name (self->addrs, c->orig));
  *p++ = sep;
  p = ta_put_u32 (p, c->orig_p);
  *p++ = sep;
  p = ta_put_str (p, ta_addr_table_get_name (self->addrs, c->resp));
  *p++ = sep;
  p = ta_put_u32 (p, c->resp_p);
  *p++ = sep;
  p = ta_put_str (p, ta_conn_proto_name (c->proto));
  *p++ = sep;
  p = ta_put_str (p, service != NULL ? service : "-");
  *p++ = sep;
  if (duration > 0)
    {
      p = ta_put_us_as_s (p, duration);
      *p++ = sep;
      p = ta_put_u64 (p, c->orig_bytes);
      *p++ = sep;
      p = ta_put_u64 (p, c->resp_bytes);
    }
  else
    p = sep == '\t' ? TA_PUT_LIT (p, "-\t-\t-") : TA_PUT_LIT (p, "-,-,-");
  *p++ = sep;
  p = ta_put_str (p, ta_conn_state_name (c->state));
  *p++ = sep;
  p = put_bool (p, nets, nets && is_local (self, c->orig));
  *p++ = sep;
  p = put_bool (p, nets, nets && is_local (self, c->resp));
  *p++ = sep;
  p = ta_put_u64 (p, c->missed_bytes);
  *p++ = sep;
  p = ta_put_str (p, c->history[0] != '\0' ? c->history : "-");
  *p++ = sep;
  p = ta_put_u64 (p, c->orig_pkts);
  *p++ = sep;
  p = ta_put_u64 (p, c->orig_ip_bytes);
  *p++ = sep;
  p = ta_put_u64 (p, c->resp_pkts);
  *p++ = sep;
  p = ta_put_u64 (p, c->resp_ip_bytes);
  return p;
}

static void
conn_done (const TaConn *c,
           gpointer      user_data)
{
  TaProfile *self = user_data;
  /* two addresses of at most 45 characters, a history, numbers */
  const gsize room = 512;
  char *p;

  if (!self->log_header_written)
    write_log_header (self, c->ts_first);

  p = ta_out_reserve (self->conn_log, room);
  p = put_record (self, p, c, '\t');
  p = TA_PUT_LIT (p, "\t-\n");
  ta_out_commit (self->conn_log, p);

  p = ta_out_reserve (self->conn_csv, room);
  p = put_record (self, p, c, ',');
  *p++ = ',';
  p = ta_put_i64 (p, c->ts_last);
  *p++ = ',';
  p = ta_put_u32 (p, c->first_file);
  *p++ = ',';
  p = ta_put_u32 (p, c->first_frame);
  *p++ = ',';
  p = ta_put_u32 (p, c->last_file);
  *p++ = ',';
  p = ta_put_u32 (p, c->last_frame);
  *p++ = ',';
  *p++ = c->ended_by_timeout ? '1' : '0';
  *p++ = '\n';
  ta_out_commit (self->conn_csv, p);

  self->summary.connections++;
  self->summary.conns_by_state[MIN (c->state, TA_CONN_N_STATES - 1)]++;
  self->summary.conns_by_proto[ta_proto_class (c->proto)]++;
  if (c->resp_p != 0 && (c->proto == 6 || c->proto == 17))
    ta_profile_count_port (self, c->proto, c->resp_p);
  ta_traffic_add_conn (self->traffic, c);
  ta_intervals_add_conn (self->intervals, c);
  ta_profile_analysis_conn_done (self, c);
}

/* ---- the packets -------------------------------------------------------- */

void
ta_profile_add (TaProfile      *self,
                const TaPacket *pkt)
{
  TaProfileSummary *s = &self->summary;
  guint slot = ta_proto_class (pkt->proto);
  gboolean is_new, from_orig;
  const TaConn *conn;

  if (G_UNLIKELY (s->packets == 0))
    s->first_ts = s->last_ts = pkt->ts;
  s->packets++;
  s->bytes += pkt->length;
  s->proto_packets[slot]++;
  s->proto_bytes[slot] += pkt->length;
  s->first_ts = MIN (s->first_ts, pkt->ts);
  s->last_ts = MAX (s->last_ts, pkt->ts);

  conn = ta_conn_tracker_add (self->conns, pkt, &is_new, &from_orig);
  if (conn != NULL)
    ta_profile_analysis_add_packet (self, conn, pkt, from_orig);
  ta_traffic_add_packet (self->traffic, pkt);
  ta_intervals_add_packet (self->intervals, pkt);
}

/* ---- life ---------------------------------------------------------------- */

static const char *
show_pseudonym (TaAddrTable *addrs,
                guint32      index,
                gpointer     user_data)
{
  return ta_pseudonym_map_index (user_data, addrs, index);
}

static TaOut *
open_in (const char  *dir,
         const char  *name,
         GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return ta_out_open (path, TA_OUT_IN_PLACE, 0, error);
}

TaProfile *
ta_profile_new (const char             *dir,
                const TaProfileOptions *options,
                TaAddrTable            *addrs,
                GError                **error)
{
  g_autoptr(TaProfile) self = g_new0 (TaProfile, 1);
  TaIntervalOptions iopts = { 0 };

  g_return_val_if_fail (dir != NULL && options != NULL && addrs != NULL, NULL);

  self->dir = g_strdup (dir);
  self->options = *options;
  self->options.local_nets = NULL;
  self->addrs = addrs;
  self->local_cache = g_byte_array_new ();
  self->ports = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  if (options->pseudonymise != NULL && *options->pseudonymise != '\0')
    {
      self->pseudonym = ta_pseudonym_new_from_key_file (options->pseudonymise, error);
      if (self->pseudonym == NULL)
        return NULL;
      /* every name written from here on is a pseudonym; matching (local
       * networks, relays, checks) uses the real ones */
      ta_addr_table_set_display (addrs, show_pseudonym, self->pseudonym);
    }
  if (options->local_nets != NULL && *options->local_nets != '\0')
    {
      self->nets = ta_net_list_parse (options->local_nets, error);
      if (self->nets == NULL)
        return NULL;
    }
  iopts.interval_us = options->interval_us;
  iopts.local_nets = self->nets;
  iopts.spill_dir = dir;
  self->intervals = ta_intervals_new (&iopts, addrs, error);
  if (self->intervals == NULL)
    return NULL;
  self->traffic = ta_traffic_new ();
  self->conns = ta_conn_tracker_new (&options->conn, conn_done, self);
  self->conn_log = open_in (dir, "conn.log", error);
  if (self->conn_log == NULL)
    return NULL;
  self->conn_csv = open_in (dir, "conn.csv", error);
  if (self->conn_csv == NULL)
    return NULL;
  ta_out_puts (self->conn_csv, conn_csv_header);
  if (!ta_profile_analysis_init (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
commit_in (TaOut      **out,
           GError     **error)
{
  return ta_out_commit_file (g_steal_pointer (out), error);
}

static gboolean
write_table (TaProfile   *self,
             const char  *name,
             int          which,
             GError     **error)
{
  TaOut *out = open_in (self->dir, name, error);

  if (out == NULL)
    return FALSE;
  if (which == 0)
    ta_traffic_write_conversations (self->traffic, self->addrs, self->options.rank, out);
  else if (which == 1)
    ta_traffic_write_endpoints (self->traffic, self->addrs, self->options.rank, out);
  else if (!ta_intervals_write_csv (self->intervals, out, error))
    {
      ta_out_abandon (out);
      return FALSE;
    }
  return commit_in (&out, error);
}

gboolean
ta_profile_finish (TaProfile           *self,
                   const TaProfileInfo *info,
                   GError             **error)
{
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (self != NULL && !self->finished, FALSE);

  ta_conn_tracker_finish (self->conns);
  if (!self->log_header_written)
    write_log_header (self, self->summary.first_ts);
  stamp = zeek_stamp (self->summary.last_ts);
  ta_out_printf (self->conn_log, "#close\t%s\n", stamp);
  if (!commit_in (&self->conn_log, error) || !commit_in (&self->conn_csv, error))
    return FALSE;

  self->summary.peak_open_connections = ta_conn_tracker_get_peak_open (self->conns);
  self->summary.conversations = ta_traffic_get_n_conversations (self->traffic);
  self->summary.endpoints = ta_traffic_get_n_endpoints (self->traffic);
  if (!write_table (self, "conversations.csv", 0, error) ||
      !write_table (self, "endpoints.csv", 1, error) ||
      !write_table (self, "intervals.csv", 2, error))
    return FALSE;
  self->summary.intervals = ta_intervals_get_count (self->intervals);
  if (!ta_profile_analysis_finish (self, error))
    return FALSE;
  self->summary.anomalous = ta_profile_analysis_n_above (self);
  self->summary.findings = ta_profile_analysis_n_findings (self);
  if (!ta_profile_write_json (self, info, error))
    return FALSE;
  self->finished = TRUE;
  return TRUE;
}

const TaProfileSummary *
ta_profile_get_summary (TaProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->summary;
}

void
ta_profile_free (TaProfile *self)
{
  if (self == NULL)
    return;
  /* an unfinished profile leaves nothing behind */
  ta_out_abandon (self->conn_log);
  ta_out_abandon (self->conn_csv);
  if (!self->finished && self->dir != NULL)
    {
      static const char *names[] = { "conversations.csv", "endpoints.csv", "intervals.csv",
                                     "profile.json" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (self->dir, names[i], NULL);

          g_remove (path);
        }
    }
  ta_profile_analysis_clear (self);
  if (self->pseudonym != NULL)
    {
      ta_addr_table_set_display (self->addrs, NULL, NULL);
      g_clear_pointer (&self->pseudonym, ta_pseudonym_free);
    }
  g_clear_pointer (&self->conns, ta_conn_tracker_free);
  g_clear_pointer (&self->traffic, ta_traffic_free);
  g_clear_pointer (&self->intervals, ta_intervals_free);
  g_clear_pointer (&self->nets, ta_net_list_free);
  g_clear_pointer (&self->local_cache, g_byte_array_unref);
  g_clear_pointer (&self->ports, g_hash_table_unref);
  g_free (self->dir);
  g_free (self);
}
