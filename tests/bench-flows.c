/* bench-flows.c — the flow tracker and the folder writer alone, on
 * synthetic TCP connections made in memory (no CSV parsing):
 *   BENCH tracker_rows_per_s   tracker only
 *   BENCH writer_rows_per_s    tracker + folder writer into a temp folder
 *   BENCH writer_bytes_per_row output size
 *   BENCH writer_peak_rss_mib
 * Rows: BENCH_ROWS (default 1 000 000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ta-flow-tracker.h"
#include "ta-folder-writer.h"

#define ACTIVE 3000

typedef struct
{
  guint32 client, server;
  guint16 cport, sport;
  guint32 cseq, sseq;
  guint   step, n_data;
} Conn;

typedef struct
{
  TaAddrTable *addrs;
  guint32      hosts[500];
  Conn         conns[ACTIVE];
  guint64      rng;
  gint64       ts;
  guint16      next_port;
} Gen;

static guint32
rnd (Gen *g)
{
  g->rng ^= g->rng << 13;
  g->rng ^= g->rng >> 7;
  g->rng ^= g->rng << 17;
  return (guint32) g->rng;
}

static void
conn_new (Gen  *g,
          Conn *c)
{
  c->client = g->hosts[rnd (g) % 400];
  c->server = g->hosts[400 + rnd (g) % 100];
  c->cport = 1024 + (g->next_port++ % 60000);
  c->sport = (rnd (g) % 2) ? 443 : 80;
  c->cseq = rnd (g);
  c->sseq = rnd (g);
  c->step = 0;
  c->n_data = 4 + rnd (g) % 60;
}

static void
gen_init (Gen *g)
{
  memset (g, 0, sizeof *g);
  g->rng = 88172645463325252ull;
  g->addrs = ta_addr_table_new ();
  for (guint i = 0; i < G_N_ELEMENTS (g->hosts); i++)
    g->hosts[i] = ta_addr_table_intern_ipv4 (g->addrs, 0xac1c0000u + i * 7 + 1);
  g->ts = G_GINT64_CONSTANT (1257254400000000);
  for (guint i = 0; i < ACTIVE; i++)
    conn_new (g, &g->conns[i]);
}

static void
gen_next (Gen      *g,
          TaPacket *p)
{
  Conn *c = &g->conns[rnd (g) % ACTIVE];
  gboolean from_client;
  guint flags;
  guint32 len = 66;
  guint last = 3 + c->n_data;

  if (c->step == 0)
    { from_client = TRUE; flags = TA_TCP_SYN; len = 74; }
  else if (c->step == 1)
    { from_client = FALSE; flags = TA_TCP_SYN | TA_TCP_ACK; len = 74; }
  else if (c->step == 2)
    { from_client = TRUE; flags = TA_TCP_ACK; }
  else if (c->step < last)
    {
      from_client = c->step % 2;
      flags = (c->step % 3) ? TA_TCP_ACK | TA_TCP_PSH : TA_TCP_ACK;
      len = (flags & TA_TCP_PSH) ? 66 + rnd (g) % 1400 : 66;
    }
  else if (c->step == last)
    { from_client = TRUE; flags = TA_TCP_FIN | TA_TCP_ACK; }
  else if (c->step == last + 1)
    { from_client = FALSE; flags = TA_TCP_FIN | TA_TCP_ACK; }
  else
    { from_client = TRUE; flags = TA_TCP_ACK; }

  memset (p, 0, sizeof *p);
  g->ts += 1 + rnd (g) % 1000;
  p->ts = g->ts;
  p->proto = 6;
  p->flags = flags;
  p->length = len;
  p->pflags = TA_PKT_HAS_PORTS;
  p->label = TA_LABEL_NONE;
  if (from_client)
    {
      p->src = c->client; p->dst = c->server; p->sport = c->cport; p->dport = c->sport;
      p->seq = c->cseq; p->ack = c->sseq;
    }
  else
    {
      p->src = c->server; p->dst = c->client; p->sport = c->sport; p->dport = c->cport;
      p->seq = c->sseq; p->ack = c->cseq;
    }
  if (c->step == 0)
    c->cseq++;
  else if (c->step == 1)
    c->sseq++;
  else if (flags & TA_TCP_FIN)
    {
      if (from_client)
        c->cseq++;
      else
        c->sseq++;
    }
  c->step++;
  if (c->step > last + 2)
    conn_new (g, c);
}

static double
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  p = strstr (status, "VmHWM:");
  return p ? g_ascii_strtod (p + 6, NULL) / 1024.0 : 0;
}

static guint64
dir_size (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_stat (child, &st) == 0)
        total += S_ISDIR (st.st_mode) ? dir_size (child) : (guint64) st.st_size;
    }
  return total;
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
         + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
count_flow (const TaFlow *flow,
            gpointer      user_data)
{
  (*(guint64 *) user_data)++;
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("BENCH_ROWS");
  guint64 rows = env ? g_ascii_strtoull (env, NULL, 10) : 1000000;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("ta-bench-flows-XXXXXX", &error);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *cmd = NULL;
  TaFolderWriterOptions opts = { 200, 0, FALSE };
  TaFolderWriter *w;
  TaFlowTracker *t;
  guint64 flows = 0;
  TaPacket p;
  Gen g;
  gint64 t0;
  double secs, cpu0;

  g_assert_no_error (error);

  gen_init (&g);
  t = ta_flow_tracker_new (g.addrs, 0, count_flow, &flows);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  for (guint64 i = 0; i < rows; i++)
    {
      gen_next (&g, &p);
      ta_flow_tracker_add (t, &p);
    }
  ta_flow_tracker_finish (t);
  secs = (g_get_monotonic_time () - t0) / 1e6;
  printf ("BENCH tracker_rows_per_s %.0f rows/s\n", rows / secs);
  printf ("BENCH tracker_rows_per_cpu_s %.0f rows/s\n", rows / (cpu_seconds () - cpu0));
  ta_flow_tracker_free (t);
  ta_addr_table_free (g.addrs);

  gen_init (&g);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  w = ta_folder_writer_new (out, &opts, g.addrs, &error);
  g_assert_no_error (error);
  for (guint64 i = 0; i < rows; i++)
    {
      gen_next (&g, &p);
      if (!ta_folder_writer_add (w, &p, &error))
        g_error ("%s", error->message);
    }
  if (!ta_folder_writer_finish (w, NULL, &error))
    g_error ("%s", error->message);
  secs = (g_get_monotonic_time () - t0) / 1e6;
  printf ("BENCH writer_rows_per_s %.0f rows/s\n", rows / secs);
  printf ("BENCH writer_rows_per_cpu_s %.0f rows/s\n", rows / (cpu_seconds () - cpu0));
  printf ("BENCH writer_bytes_per_row %.0f bytes\n", (double) dir_size (out) / rows);
  printf ("BENCH writer_flows %" G_GUINT64_FORMAT " flows\n",
          ta_folder_writer_get_summary (w)->total_flows);
  printf ("BENCH writer_peak_rss_mib %.1f MiB\n", peak_rss_mib ());
  ta_folder_writer_free (w);
  ta_addr_table_free (g.addrs);
  cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    return 1;
  return 0;
}
