/* ta-extract-args.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "ta-error.h"
#include "ta-extract-args.h"
#include "ta-flow-tracker.h"
#include "ta-intervals.h"
#include "ta-presets.h"

/* ---------------------------------------------------------------------- */
/* options → argv                                                          */

/* "--opt" "value", or "--opt=value" when the value starts with "-" */
static void
add_option (GPtrArray  *argv,
            const char *option,
            const char *value)
{
  if (value[0] == '-')
    {
      g_ptr_array_add (argv, g_strconcat (option, "=", value, NULL));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup (option));
      g_ptr_array_add (argv, g_strdup (value));
    }
}

static void
add_number (GPtrArray  *argv,
            const char *option,
            gint64      value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  add_option (argv, option, buf);
}

/* --data F [F …]; a name that starts with "-" gets a "--data=" of its own */
static void
add_data_files (GPtrArray          *argv,
                const char * const *files)
{
  for (guint i = 0; files[i] != NULL; i++)
    {
      if (i == 0 || files[i][0] == '-')
        add_option (argv, "--data", files[i]);
      else
        g_ptr_array_add (argv, g_strdup (files[i]));
    }
}

/* "--filter-ips" is split at "," and each part stripped: a list that does
 * not come back the same cannot be written */
static char *
join_filter_ips (const char * const  *ips,
                 GError             **error)
{
  g_autofree char *joined = g_strjoinv (",", (char **) ips);
  g_auto(GStrv) back = g_strsplit (joined, ",", -1);
  guint i;

  for (i = 0; back[i] != NULL; i++)
    g_strstrip (back[i]);
  if (g_strv_equal ((const char * const *) back, ips))
    return g_steal_pointer (&joined);

  for (i = 0; ips[i] != NULL && back[i] != NULL; i++)
    if (strcmp (ips[i], back[i]) != 0)
      break;
  g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an IP id or address"), ips[i] != NULL ? ips[i] : "");
  return NULL;
}

/* A positive int option; left out at its default */
static gboolean
add_positive (GPtrArray   *argv,
              const char  *option,
              guint64      value,
              guint64      default_value,
              const char  *zero_message,
              GError     **error)
{
  if (value == 0)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT, zero_message);
      return FALSE;
    }
  if (value > G_MAXINT)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("%s: %" PRIu64 " is too large"), option, value);
      return FALSE;
    }
  if (value != default_value)
    add_number (argv, option, (gint64) value);
  return TRUE;
}

/* A timeout in whole seconds; left out at its default (0 = the default) */
static gboolean
add_timeout (GPtrArray   *argv,
             const char  *option,
             gint64       us,
             gint64       default_us,
             GError     **error)
{
  if (us == 0 || us == default_us)
    return TRUE;
  if (us < 0 || us % G_USEC_PER_SEC != 0 || us / G_USEC_PER_SEC > G_MAXINT)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("%s: must be a whole number of seconds"), option);
      return FALSE;
    }
  add_number (argv, option, us / G_USEC_PER_SEC);
  return TRUE;
}

static gboolean
add_profile_settings (GPtrArray               *argv,
                      const TaExtractOptions  *o,
                      GError                 **error)
{
  const TaProfileOptions *p = &o->profile;

  if (o->no_profile)
    g_ptr_array_add (argv, g_strdup ("--no-profile"));
  if (p->no_analysis)
    g_ptr_array_add (argv, g_strdup ("--no-analysis"));
  if (o->preset != NULL)
    add_option (argv, "--preset", o->preset);
  if (p->flow_files > 0)
    add_number (argv, "--flow-files", p->flow_files);
  if (p->relays != NULL)
    add_option (argv, "--relays", p->relays);
  if (p->pseudonymise != NULL)
    add_option (argv, "--pseudonymise", p->pseudonymise);
  if (p->interval_us != 0 && p->interval_us != TA_INTERVAL_DEFAULT_US)
    {
      char buf[32];

      if (p->interval_us % 1000 != 0 || p->interval_us < 0 || p->interval_us > TA_INTERVAL_MAX_US)
        {
          g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                               _("--interval: must be a multiple of 1 ms up to a day"));
          return FALSE;
        }
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT "ms", p->interval_us / 1000);
      add_option (argv, "--interval", buf);
    }
  if (p->local_nets != NULL && *p->local_nets != '\0')
    add_option (argv, "--local-nets", p->local_nets);
  if (p->rank != TA_TRAFFIC_RANK_BYTES)
    add_option (argv, "--rank", ta_traffic_rank_name (p->rank));
  return add_timeout (argv, "--tcp-timeout", p->conn.tcp_timeout_us, TA_CONN_TCP_TIMEOUT_DEFAULT_US, error) &&
         add_timeout (argv, "--udp-timeout", p->conn.udp_timeout_us, TA_CONN_UDP_TIMEOUT_DEFAULT_US, error) &&
         add_timeout (argv, "--icmp-timeout", p->conn.icmp_timeout_us, TA_CONN_ICMP_TIMEOUT_DEFAULT_US, error);
}

static gboolean
add_settings (GPtrArray               *argv,
              const TaExtractOptions  *o,
              GError                 **error)
{
  if (o->max_records > (guint64) G_MAXINT64)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("%s: %" PRIu64 " is too large"), "--max-records", o->max_records);
      return FALSE;
    }
  if (o->max_records != 0)
    add_number (argv, "--max-records", (gint64) o->max_records);
  if (!add_positive (argv, "--flow-timeout", o->flow_timeout_s, TA_FLOW_TIMEOUT_DEFAULT_S,
                     _("--flow-timeout must be positive"), error) ||
      !add_positive (argv, "--chunk-size", o->chunk_size, TA_CHUNK_SIZE_DEFAULT,
                     _("--chunk-size must be positive"), error))
    return FALSE;
  if (!add_profile_settings (argv, o, error))
    return FALSE;
  if (o->force)
    g_ptr_array_add (argv, g_strdup ("--force"));
  return TRUE;
}

GStrv
ta_extract_options_build_argv (const TaExtractOptions  *options,
                               const char              *program,
                               GError                 **error)
{
  g_autoptr(GPtrArray) argv = NULL;

  g_return_val_if_fail (options != NULL, NULL);

  if (options->data_files == NULL || options->data_files[0] == NULL)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_NO_INPUT, _("--data is required"));
      return NULL;
    }
  if (options->output_dir == NULL || options->output_dir[0] == '\0')
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("--output-dir is required"));
      return NULL;
    }

  argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (program != NULL ? program : "timearcs-cli"));
  g_ptr_array_add (argv, g_strdup ("extract"));

  add_data_files (argv, (const char * const *) options->data_files);
  if (options->ip_map_path != NULL)
    add_option (argv, "--ip-map", options->ip_map_path);
  add_option (argv, "--output-dir", options->output_dir);
  if (options->filter_ips != NULL)
    {
      g_autofree char *ips = join_filter_ips ((const char * const *) options->filter_ips, error);

      if (ips == NULL)
        return NULL;
      add_option (argv, "--filter-ips", ips);
    }
  if (options->has_time_start)
    add_number (argv, "--filter-time-start", options->time_start_us);
  if (options->has_time_end)
    add_number (argv, "--filter-time-end", options->time_end_us);
  if (options->attack_context != NULL)
    add_option (argv, "--attack-context", options->attack_context);
  if (!add_settings (argv, options, error))
    return NULL;

  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_steal (argv, NULL);
}

char *
ta_extract_argv_to_shell_line (const char * const *argv,
                               gboolean            multiline)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (argv[i]);

      if (i > 0)
        {
          /* a new line before each option after "extract" */
          if (multiline && i > 1 && g_str_has_prefix (argv[i], "--"))
            g_string_append (line, " \\\n  ");
          else
            g_string_append_c (line, ' ');
        }
      g_string_append (line, quoted);
    }

  return g_string_free (line, FALSE);
}

/* ---------------------------------------------------------------------- */
/* argv → options                                                          */

typedef struct
{
  GPtrArray *data_files;      /* char* */
  char      *ip_map;
  char      *output_dir;
  char      *filter_ips;
  char      *time_start;
  char      *time_end;
  char      *attack_context;
  gint64     max_records;
  int        flow_timeout;
  int        chunk_size;
  gboolean   force;
  /* the traffic profile */
  gboolean   no_profile;
  gboolean   no_analysis;
  char      *preset;
  char      *relays;
  char      *pseudonymise;
  gint64     flow_files;
  char      *interval;
  char      *local_nets;
  char      *rank;
  int        tcp_timeout;
  int        udp_timeout;
  int        icmp_timeout;
  /* help texts with the defaults in them */
  char      *flow_timeout_help;
  char      *chunk_size_help;
} ArgState;

static void
arg_state_clear (ArgState *st)
{
  g_clear_pointer (&st->data_files, g_ptr_array_unref);
  g_free (st->ip_map);
  g_free (st->output_dir);
  g_free (st->filter_ips);
  g_free (st->time_start);
  g_free (st->time_end);
  g_free (st->attack_context);
  g_free (st->interval);
  g_free (st->preset);
  g_free (st->relays);
  g_free (st->pseudonymise);
  g_free (st->local_nets);
  g_free (st->rank);
  g_free (st->flow_timeout_help);
  g_free (st->chunk_size_help);
}

/* --data F [F …]: the option takes one file; the names that follow it up to
 * the next option become --data options of their own before parsing
 * (expand_data_args()) */
static gboolean
add_data_file (const char  *option_name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  ArgState *st = data;

  g_ptr_array_add (st->data_files, g_strdup (value));
  return TRUE;
}

/* Lets "--data a.csv b.csv c.csv" work: every bare argument after --data
 * (until the next option) becomes another --data. */
static char **
expand_data_args (const char * const *args)
{
  GPtrArray *out = g_ptr_array_new ();
  gboolean in_data = FALSE;
  guint argc = g_strv_length ((char **) args);

  for (guint i = 0; i < argc; i++)
    {
      const char *a = args[i];

      if (i > 0 && in_data && a[0] != '-')
        {
          g_ptr_array_add (out, g_strdup ("--data"));
          g_ptr_array_add (out, g_strdup (a));
          continue;
        }
      in_data = FALSE;
      g_ptr_array_add (out, g_strdup (a));
      if (strcmp (a, "--data") == 0 || strcmp (a, "-d") == 0)
        {
          if (i + 1 < argc)
            g_ptr_array_add (out, g_strdup (args[++i]));
          in_data = TRUE;
        }
      else if (g_str_has_prefix (a, "--data="))
        in_data = TRUE;
      else if (strcmp (a, "--") == 0)
        {
          for (i++; i < argc; i++)
            g_ptr_array_add (out, g_strdup (args[i]));
          break;
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* µs as an integer, or as a decimal ("1257254400000000.0") */
static gboolean
parse_us (const char *text,
          gint64     *out)
{
  char *end = NULL;
  double d;

  if (text == NULL)
    return FALSE;
  *out = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    return TRUE;
  d = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(d > -9.2e18 && d < 9.2e18))
    return FALSE;
  *out = (gint64) d;
  return TRUE;
}

static GOptionGroup *
arg_group_new (ArgState                 *st,
               const TaExtractArgsSetup *setup)
{
  /* a process's argv is in the locale's encoding: GOption converts string
   * values to UTF-8; FILENAME values are taken as they are */
  const GOptionArg string_arg = setup->locale_encoded ? G_OPTION_ARG_STRING : G_OPTION_ARG_FILENAME;
  const int string_flag = setup->locale_encoded ? 0 : G_OPTION_FLAG_FILENAME;
  const GOptionEntry entries[] = {
    { "data", 'd', string_flag, G_OPTION_ARG_CALLBACK, add_data_file,
      N_("Packet CSV or capture, plain or gzip; several may follow, or repeat the option"), N_("FILE…") },
    { "ip-map", 0, 0, G_OPTION_ARG_FILENAME, &st->ip_map,
      N_("IP map JSON {\"a.b.c.d\": id} for numeric src_ip/dst_ip"), N_("FILE") },
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &st->output_dir,
      N_("Folder to write (v2.0 layout); must not exist or be empty"), N_("DIR") },
    { "filter-ips", 0, 0, string_arg, &st->filter_ips,
      N_("Keep rows whose source or destination is one of these (comma list of addresses and IP map ids)"), N_("LIST") },
    { "filter-time-start", 0, 0, string_arg, &st->time_start,
      N_("Keep rows at or after this time (µs since the epoch)"), N_("US") },
    { "filter-time-end", 0, 0, string_arg, &st->time_end,
      N_("Keep rows at or before this time (µs since the epoch)"), N_("US") },
    { "attack-context", 0, 0, string_arg, &st->attack_context,
      N_("Attack label recorded in manifest.json (does not filter rows)"), N_("LABEL") },
    { "max-records", 0, 0, G_OPTION_ARG_INT64, &st->max_records,
      N_("Stop after this many kept rows"), N_("N") },
    { "flow-timeout", 0, 0, G_OPTION_ARG_INT, &st->flow_timeout, st->flow_timeout_help, N_("S") },
    { "chunk-size", 0, 0, G_OPTION_ARG_INT, &st->chunk_size, st->chunk_size_help, N_("N") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &st->force,
      N_("Replace an existing non-empty output folder"), NULL },
    { "no-profile", 0, 0, G_OPTION_ARG_NONE, &st->no_profile,
      N_("Do not write the traffic profile (profile/ in the folder)"), NULL },
    { "no-analysis", 0, 0, G_OPTION_ARG_NONE, &st->no_analysis,
      N_("Profile without the per-connection checks, sequences, features and anomaly scores"), NULL },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &st->preset,
      N_("Keep only TCP/UDP packets of a service: mail, proxy, web or dns"), N_("NAME") },
    { "flow-files", 0, 0, G_OPTION_ARG_INT64, &st->flow_files,
      N_("Write RECTor's inflow/ and outflow/ files for the first N connections (default none)"), N_("N") },
    { "pseudonymise", 0, 0, G_OPTION_ARG_FILENAME, &st->pseudonymise,
      N_("Write every address as its Crypto-PAn pseudonym under this key file (32 bytes, or 64 hex digits)"), N_("KEYFILE") },
    { "relays", 0, 0, G_OPTION_ARG_FILENAME, &st->relays,
      N_("Tor relay snapshot (Onionoo details JSON): tag the relays among the addresses (relays.csv)"), N_("FILE") },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &st->interval,
      N_("Interval of the interval statistics: 1ms to 1d, e.g. 250ms, 1s, 5m (default 1s)"), N_("TIME") },
    { "local-nets", 0, 0, G_OPTION_ARG_STRING, &st->local_nets,
      N_("Local networks for the direction of traffic, e.g. 10.0.0.0/8,fd00::/8"), N_("CIDRS") },
    { "rank", 0, 0, G_OPTION_ARG_STRING, &st->rank,
      N_("Order of conversations and endpoints: bytes, packets or connections (default bytes)"), N_("KEY") },
    { "tcp-timeout", 0, 0, G_OPTION_ARG_INT, &st->tcp_timeout,
      N_("Seconds of inactivity that end a TCP connection of the profile (default 300, as Zeek)"), N_("S") },
    { "udp-timeout", 0, 0, G_OPTION_ARG_INT, &st->udp_timeout,
      N_("Seconds of inactivity that end a UDP connection of the profile (default 60, as Zeek)"), N_("S") },
    { "icmp-timeout", 0, 0, G_OPTION_ARG_INT, &st->icmp_timeout,
      N_("Seconds of inactivity that end an ICMP connection of the profile (default 60, as Zeek)"), N_("S") },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, st, NULL);

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  if (!setup->profile_only)
    {
      /* a subset folder keeps the real addresses: the option is the profile's */
      for (guint i = 0; i < G_N_ELEMENTS (entries) - 1; i++)
        if (strcmp (entries[i].long_name, "pseudonymise") != 0)
          g_option_group_add_entries (group, (GOptionEntry[]) { entries[i], { NULL } });
    }
  else
    {
      static const char * const folder_only[] = { "no-profile", "flow-timeout", "chunk-size",
                                                  "attack-context" };
      /* (and --pseudonymise is the profile's only: see below) */

      for (guint i = 0; i < G_N_ELEMENTS (entries) - 1; i++)
        {
          gboolean skip = FALSE;

          for (guint j = 0; j < G_N_ELEMENTS (folder_only); j++)
            skip = skip || strcmp (entries[i].long_name, folder_only[j]) == 0;
          if (!skip)
            g_option_group_add_entries (group, (GOptionEntry[]) { entries[i], { NULL } });
        }
    }

  if (setup->extra_entries != NULL)
    g_option_group_add_entries (group, setup->extra_entries);
  return group;
}

/* The checks GOption cannot make, in the order the CLI has always made them */
static gboolean
arg_state_check (ArgState          *st,
                 TaExtractOptions  *o,
                 GError           **error)
{
#define FAIL(...) G_STMT_START {                                           \
    g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT, __VA_ARGS__);   \
    return FALSE;                                                          \
  } G_STMT_END

  if (st->data_files->len == 0)
    FAIL ("%s", _("--data is required"));
  if (st->output_dir == NULL || st->output_dir[0] == '\0')
    FAIL ("%s", _("--output-dir is required"));
  if (st->time_start != NULL && !parse_us (st->time_start, &o->time_start_us))
    FAIL (_("--filter-time-start: not a number: %s"), st->time_start);
  if (st->time_end != NULL && !parse_us (st->time_end, &o->time_end_us))
    FAIL (_("--filter-time-end: not a number: %s"), st->time_end);
  if (st->max_records < 0)
    FAIL ("%s", _("--max-records must not be negative"));
  if (st->flow_timeout <= 0)
    FAIL ("%s", _("--flow-timeout must be positive"));
  if (st->chunk_size <= 0)
    FAIL ("%s", _("--chunk-size must be positive"));
  if (st->interval != NULL && !ta_interval_parse (st->interval, &o->profile.interval_us))
    FAIL (_("--interval: “%s” is not a time from 1ms to 1d in whole milliseconds (e.g. 250ms, 1s, 5m)"),
          st->interval);
  if (st->flow_files < 0 || st->flow_files > G_MAXUINT32)
    FAIL ("%s", _("--flow-files must be a number from 0 to 4294967295"));
  if (st->preset != NULL)
    {
      TaPreset preset;

      if (!ta_preset_parse (st->preset, &preset, error))
        return FALSE;
    }
  if (st->rank != NULL && !ta_traffic_rank_parse (st->rank, &o->profile.rank))
    FAIL (_("--rank: “%s” is not bytes, packets or connections"), st->rank);
  if (st->local_nets != NULL)
    {
      g_autoptr(TaNetList) nets = ta_net_list_parse (st->local_nets, error);

      if (nets == NULL)
        return FALSE;
    }
  if (st->tcp_timeout < 0 || st->udp_timeout < 0 || st->icmp_timeout < 0)
    FAIL ("%s", _("a timeout must not be negative"));
  return TRUE;

#undef FAIL
}

static void
arg_state_to_options (ArgState         *st,
                      TaExtractOptions *o)
{
  g_ptr_array_add (st->data_files, NULL);
  o->data_files = (char **) g_ptr_array_free (g_steal_pointer (&st->data_files), FALSE);
  o->ip_map_path = g_steal_pointer (&st->ip_map);
  o->output_dir = g_steal_pointer (&st->output_dir);
  if (st->filter_ips != NULL)
    {
      o->filter_ips = g_strsplit (st->filter_ips, ",", -1);
      for (guint i = 0; o->filter_ips[i] != NULL; i++)
        g_strstrip (o->filter_ips[i]);
    }
  o->has_time_start = st->time_start != NULL;
  o->has_time_end = st->time_end != NULL;
  o->attack_context = g_steal_pointer (&st->attack_context);
  o->max_records = (guint64) st->max_records;
  o->flow_timeout_s = (guint) st->flow_timeout;
  o->chunk_size = (guint) st->chunk_size;
  o->force = st->force;
  o->no_profile = st->no_profile;
  o->profile.no_analysis = st->no_analysis;
  o->preset = g_steal_pointer (&st->preset);
  o->profile.relays = g_steal_pointer (&st->relays);
  o->profile.pseudonymise = g_steal_pointer (&st->pseudonymise);
  o->profile.flow_files = (guint) st->flow_files;
  o->profile.local_nets = g_steal_pointer (&st->local_nets);
  o->profile.conn.tcp_timeout_us = (gint64) st->tcp_timeout * G_USEC_PER_SEC;
  o->profile.conn.udp_timeout_us = (gint64) st->udp_timeout * G_USEC_PER_SEC;
  o->profile.conn.icmp_timeout_us = (gint64) st->icmp_timeout * G_USEC_PER_SEC;
}

TaExtractOptions *
ta_extract_options_parse_argv (const char * const       *args,
                               const TaExtractArgsSetup *setup,
                               GError                  **error)
{
  static const TaExtractArgsSetup no_setup = { 0 };
  g_autoptr(TaExtractOptions) options = ta_extract_options_new ();
  g_autoptr(GOptionContext) ctx = NULL;
  g_auto(GStrv) argv = NULL;
  ArgState st = { 0 };
  gboolean ok;

  g_return_val_if_fail (args != NULL && args[0] != NULL, NULL);

  if (setup == NULL)
    setup = &no_setup;

  st.data_files = g_ptr_array_new_with_free_func (g_free);
  st.flow_timeout = options->flow_timeout_s;
  st.chunk_size = options->chunk_size;
  st.flow_timeout_help = g_strdup_printf (_("Seconds without a packet that complete a flow (default %d)"),
                                          TA_FLOW_TIMEOUT_DEFAULT_S);
  st.chunk_size_help = g_strdup_printf (_("Flows per chunk file (default %d)"),
                                        TA_CHUNK_SIZE_DEFAULT);

  ctx = g_option_context_new (setup->parameter_string);
  g_option_context_set_help_enabled (ctx, setup->help);
  g_option_context_set_summary (ctx, setup->summary);
  g_option_context_set_description (ctx, setup->description);
  g_option_context_set_main_group (ctx, arg_group_new (&st, setup));

  /* parse_strv, not parse: argv is ours, and only the strv variant frees
   * the strings it removes from the vector */
  argv = expand_data_args (args);
  ok = g_option_context_parse_strv (ctx, &argv, error);
  if (ok && g_strv_length (argv) > 1)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("unexpected argument “%s”"), argv[1]);
      ok = FALSE;
    }
  ok = ok && arg_state_check (&st, options, error);
  if (ok)
    arg_state_to_options (&st, options);
  arg_state_clear (&st);

  return ok ? g_steal_pointer (&options) : NULL;
}

TaExtractOptions *
ta_extract_options_parse_command_line (const char  *line,
                                       GError     **error)
{
  g_auto(GStrv) argv = NULL;
  int argc = 0;

  g_return_val_if_fail (line != NULL, NULL);

  if (!g_shell_parse_argv (line, &argc, &argv, error))
    return NULL;
  if (argc < 2 || strcmp (argv[1], "extract") != 0)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("The command line does not run “extract”"));
      return NULL;
    }
  return ta_extract_options_parse_argv ((const char * const *) argv + 1, NULL, error);
}

/* ---------------------------------------------------------------------- */

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

static gint64
or_default (gint64 v,
            gint64 default_value)
{
  return v != 0 ? v : default_value;
}

static gboolean
profile_equal (const TaProfileOptions *a,
               const TaProfileOptions *b)
{
  return or_default (a->interval_us, TA_INTERVAL_DEFAULT_US) == or_default (b->interval_us, TA_INTERVAL_DEFAULT_US) &&
         g_strcmp0 (a->local_nets && *a->local_nets ? a->local_nets : NULL,
                    b->local_nets && *b->local_nets ? b->local_nets : NULL) == 0 &&
         a->rank == b->rank &&
         a->no_analysis == b->no_analysis &&
         g_strcmp0 (a->relays, b->relays) == 0 &&
         g_strcmp0 (a->pseudonymise, b->pseudonymise) == 0 &&
         a->flow_files == b->flow_files &&
         or_default (a->conn.tcp_timeout_us, TA_CONN_TCP_TIMEOUT_DEFAULT_US) ==
         or_default (b->conn.tcp_timeout_us, TA_CONN_TCP_TIMEOUT_DEFAULT_US) &&
         or_default (a->conn.udp_timeout_us, TA_CONN_UDP_TIMEOUT_DEFAULT_US) ==
         or_default (b->conn.udp_timeout_us, TA_CONN_UDP_TIMEOUT_DEFAULT_US) &&
         or_default (a->conn.icmp_timeout_us, TA_CONN_ICMP_TIMEOUT_DEFAULT_US) ==
         or_default (b->conn.icmp_timeout_us, TA_CONN_ICMP_TIMEOUT_DEFAULT_US);
}

gboolean
ta_extract_options_equal (const TaExtractOptions *a,
                          const TaExtractOptions *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return strv_equal0 (a->data_files, b->data_files) &&
         g_strcmp0 (a->ip_map_path, b->ip_map_path) == 0 &&
         g_strcmp0 (a->output_dir, b->output_dir) == 0 &&
         strv_equal0 (a->filter_ips, b->filter_ips) &&
         a->has_time_start == b->has_time_start &&
         (!a->has_time_start || a->time_start_us == b->time_start_us) &&
         a->has_time_end == b->has_time_end &&
         (!a->has_time_end || a->time_end_us == b->time_end_us) &&
         g_strcmp0 (a->attack_context, b->attack_context) == 0 &&
         a->max_records == b->max_records &&
         a->flow_timeout_s == b->flow_timeout_s &&
         a->chunk_size == b->chunk_size &&
         a->force == b->force &&
         a->no_profile == b->no_profile &&
         g_strcmp0 (a->preset, b->preset) == 0 &&
         a->profile_only == b->profile_only &&
         profile_equal (&a->profile, &b->profile);
}
