/* bench-pcap.c — speed and memory of reading captures
 *
 * Makes a 1 M-packet packet CSV with `timearcs-cli generate`, turns it into an
 * equivalent pcap here (Ethernet + IPv4/IPv6 + TCP/UDP/ICMP frames with the
 * CSV's addresses, ports, flags, seq/ack and time; snap length 128 with the
 * original length recorded, as `tcpdump -s 128` writes) and a 4× longer
 * pcap (the same records repeated later in time), then measures:
 *   - pcap_read_pkts_per_s: the capture reader alone, in process (best of 3);
 *   - pcap_import_pkts_per_s: `timearcs-cli import` (pcap → CSV + map);
 *   - pcap_extract_pkts_per_s and csv_extract_pkts_per_s: `timearcs-cli
 *     extract` on the pcap and on the equivalent CSV, and their ratio;
 *   - peak RSS (wait4) of import on the 1× and 4× pcap and of extract.
 * Children are timed by wall clock; their CPU time is printed too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-input.h"
#include "ta-ip-map.h"
#include "ta-read-stats.h"

extern char **environ;

#define N_PACKETS 1000000
#define SNAPLEN   128

typedef struct
{
  double wall_s;
  double cpu_s;
  double peak_rss_mib;
  int    status;
} RunResult;

/* Children are started by a small launcher process forked at the start:
 * Linux carries the parent's RSS high-water mark into a vfork'd child's
 * ru_maxrss at exec (and its current RSS into a fork'd one), so spawning
 * from this process, which has read a whole capture, would report our peak
 * instead of the child's. */
static int launch_cmd = -1, launch_res = -1;

static RunResult
spawn_and_wait (char **argv)
{
  RunResult r = { 0, };
  struct rusage ru;
  pid_t pid;
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;

  if (posix_spawn (&pid, argv[0], NULL, NULL, argv, environ) != 0)
    {
      r.status = -2;
      return r;
    }
  while (wait4 (pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      {
        r.status = -3;
        return r;
      }
  r.wall_s = (g_get_monotonic_time () - t0) / 1e6;
  r.cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  r.peak_rss_mib = ru.ru_maxrss / 1024.0;
  r.status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return r;
}

static gboolean
read_full (int fd, void *buf, gsize n)
{
  gsize done = 0;

  while (done < n)
    {
      gssize k = read (fd, (char *) buf + done, n - done);

      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        return FALSE;
      done += k;
    }
  return TRUE;
}

static void
start_launcher (void)
{
  int cmd[2], res[2];
  pid_t pid;

  if (pipe (cmd) != 0 || pipe (res) != 0)
    g_error ("pipe: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      close (cmd[1]);
      close (res[0]);
      for (;;)
        {
          guint32 len;
          char buf[8192];
          char *argv[32];
          guint n = 0;
          RunResult r;

          if (!read_full (cmd[0], &len, sizeof len) || len == 0 || len > sizeof buf)
            _exit (0);
          if (!read_full (cmd[0], buf, len))
            _exit (1);
          for (gsize i = 0; i < len && n < G_N_ELEMENTS (argv) - 1; i += strlen (buf + i) + 1)
            argv[n++] = buf + i;
          argv[n] = NULL;
          r = spawn_and_wait (argv);
          if (write (res[1], &r, sizeof r) != sizeof r)
            _exit (1);
        }
    }
  close (cmd[0]);
  close (res[1]);
  launch_cmd = cmd[1];
  launch_res = res[0];
}

static RunResult
run_child (const char * const *argv)
{
  GString *msg = g_string_new (NULL);
  guint32 len;
  RunResult r;

  for (guint i = 0; argv[i]; i++)
    g_string_append_len (msg, argv[i], strlen (argv[i]) + 1);
  len = msg->len;
  if (write (launch_cmd, &len, sizeof len) != sizeof len
      || write (launch_cmd, msg->str, msg->len) != (gssize) msg->len
      || !read_full (launch_res, &r, sizeof r))
    g_error ("the launcher process failed");
  g_string_free (msg, TRUE);
  if (r.status != 0)
    g_error ("%s %s exited with %d", argv[0], argv[1], r.status);
  return r;
}

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

static void
put32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

/* One record per CSV row; the frame body past the headers is zeros */
typedef struct
{
  FILE  *f;
  guint8 rec[16 + SNAPLEN];
} PcapOut;

static void
pcap_header (FILE *f)
{
  guint32 h[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, SNAPLEN, 1 };

  fwrite (h, sizeof h, 1, f);
}

static gboolean
parse_addr (const char *text, guint8 out[16], gboolean *v6)
{
  *v6 = strchr (text, ':') != NULL;
  return inet_pton (*v6 ? AF_INET6 : AF_INET, text, out) == 1;
}

/* CSV (timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num) → pcap records */
static guint64
csv_to_pcap (const char *csv, TaIpMap *map, FILE *out, gint64 shift_us)
{
  FILE *in = fopen (csv, "r");
  char line[512];
  guint64 n = 0;

  g_assert_nonnull (in);
  g_assert_nonnull (fgets (line, sizeof line, in));   /* header */
  while (fgets (line, sizeof line, in))
    {
      char *f[10];
      char *p = line;
      guint8 fr[SNAPLEN + 16];
      guint8 *b = fr + 16;
      guint8 src[16], dst[16];
      gboolean v6, v6b;
      guint proto, hdr, ip_len, l4;
      guint32 len, cap;
      gint64 ts;
      const char *sa, *da;

      for (guint i = 0; i < 10; i++)
        {
          f[i] = p;
          p = strchr (p, i < 9 ? ',' : '\n');
          if (p == NULL)
            break;
          *p++ = '\0';
        }
      if (p == NULL)
        continue;
      ts = g_ascii_strtoll (f[0], NULL, 10);
      len = (guint32) g_ascii_strtod (f[1], NULL);
      proto = atoi (f[2]);
      sa = ta_ip_map_lookup_id (map, (gint64) g_ascii_strtod (f[5], NULL));
      da = ta_ip_map_lookup_id (map, (gint64) g_ascii_strtod (f[6], NULL));
      if (sa == NULL || da == NULL || !parse_addr (sa, src, &v6) || !parse_addr (da, dst, &v6b) || v6 != v6b)
        continue;

      memset (b, 0, SNAPLEN);
      /* Ethernet */
      put16 (b + 12, v6 ? 0x86dd : 0x0800);
      hdr = 14;
      l4 = proto == 6 ? 20 : 8;
      if (len < hdr + (v6 ? 40 : 20) + l4)
        len = hdr + (v6 ? 40 : 20) + l4;
      ip_len = len - 14;
      if (v6)
        {
          b[hdr] = 0x60;
          put16 (b + hdr + 4, ip_len - 40);
          b[hdr + 6] = proto;
          b[hdr + 7] = 64;
          memcpy (b + hdr + 8, src, 16);
          memcpy (b + hdr + 24, dst, 16);
          hdr += 40;
        }
      else
        {
          b[hdr] = 0x45;
          put16 (b + hdr + 2, ip_len);
          b[hdr + 8] = 64;
          b[hdr + 9] = proto;
          memcpy (b + hdr + 12, src, 4);
          memcpy (b + hdr + 16, dst, 4);
          hdr += 20;
        }
      if (proto == 6 || proto == 17)
        {
          put16 (b + hdr, atoi (f[3]));
          put16 (b + hdr + 2, atoi (f[4]));
        }
      if (proto == 6)
        {
          put32 (b + hdr + 4, (guint32) g_ascii_strtoull (f[8], NULL, 10));
          put32 (b + hdr + 8, (guint32) g_ascii_strtoull (f[9], NULL, 10));
          b[hdr + 12] = 5 << 4;
          b[hdr + 13] = atoi (f[7]);
        }
      else if (proto == 17)
        put16 (b + hdr + 4, ip_len - (v6 ? 40 : 20));
      cap = MIN (len, SNAPLEN);

      {
        gint64 t = ts + shift_us;
        guint32 rh[4] = { t / G_USEC_PER_SEC, t % G_USEC_PER_SEC, cap, len };

        memcpy (fr, rh, 16);
        fwrite (fr, 16 + cap, 1, out);
      }
      n++;
    }
  fclose (in);
  return n;
}

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* best of 3 by wall clock; *cpu_rate: best by CPU time (steadier on a
 * shared machine) */
static double
read_rate (const char *path, guint64 *count, double *cpu_rate)
{
  double best = 0;

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
      g_autoptr(GError) error = NULL;
      TaReadStats stats;
      TaReaderConfig cfg = { 0, };
      TaCaptureReader *rd;
      TaPacket pkt;
      guint64 n = 0, sum = 0;
      gint64 t0;
      double rate, c0;

      ta_read_stats_init (&stats);
      cfg.addrs = addrs;
      cfg.stats = &stats;
      t0 = g_get_monotonic_time ();
      c0 = cpu_now ();
      rd = ta_capture_reader_new (ta_input_open (path, &error), &cfg, &error);
      g_assert_no_error (error);
      while (ta_capture_reader_next (rd, &pkt, &error))
        {
          n++;
          sum += pkt.sport + pkt.flags;
        }
      g_assert_no_error (error);
      ta_capture_reader_free (rd);
      rate = n / ((g_get_monotonic_time () - t0) / 1e6);
      best = MAX (best, rate);
      *cpu_rate = MAX (round == 0 ? 0 : *cpu_rate, n / (cpu_now () - c0));
      *count = n + (sum & 0);
      ta_read_stats_clear (&stats);
    }
  return best;
}

int
main (int argc, char **argv)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autofree char *dir = g_dir_make_tmp ("ta-bench-pcap-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "p.csv", NULL);
  g_autofree char *map_path = g_build_filename (dir, "m.json", NULL);
  g_autofree char *pcap1 = g_build_filename (dir, "p.pcap", NULL);
  g_autofree char *pcap4 = g_build_filename (dir, "p4.pcap", NULL);
  g_autofree char *out_csv = g_build_filename (dir, "imp.csv", NULL);
  g_autofree char *out_map = g_build_filename (dir, "imp.json", NULL);
  g_autofree char *fold_a = g_build_filename (dir, "xa", NULL);
  g_autofree char *fold_b = g_build_filename (dir, "xb", NULL);
  g_autofree char *npk = g_strdup_printf ("%d", N_PACKETS);
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) map = NULL;
  guint64 n, n4, counted;
  RunResult imp, imp4, xp, xc;
  double rate, cpu_rate = 0;

  start_launcher ();
  if (cli == NULL)
    {
      g_printerr ("bench-pcap: TA_CLI must be set (run through meson)\n");
      return 1;
    }
  {
    const char *gargv[] = { cli, "generate", "--force", "--packets", npk, "--start-us", "1257254400000000",
                            "--out", csv, "--ip-map", map_path, NULL };
    run_child (gargv);
  }
  map = ta_ip_map_load (map_path, &error);
  g_assert_no_error (error);

  /* 1× pcap, and 4× (the records again, each copy 4 h later: time order) */
  {
    FILE *f = fopen (pcap1, "wb");

    g_assert_nonnull (f);
    pcap_header (f);
    n = csv_to_pcap (csv, map, f, 0);
    g_assert_cmpint (fclose (f), ==, 0);
    f = fopen (pcap4, "wb");
    g_assert_nonnull (f);
    pcap_header (f);
    n4 = 0;
    for (guint k = 0; k < 4; k++)
      n4 += csv_to_pcap (csv, map, f, k * G_GINT64_CONSTANT (4) * 3600 * G_USEC_PER_SEC);
    g_assert_cmpint (fclose (f), ==, 0);
  }

  rate = read_rate (pcap1, &counted, &cpu_rate);
  g_assert_cmpuint (counted, ==, n);
  printf ("BENCH pcap_read_pkts_per_s %.0f packets/s\n", rate);
  printf ("BENCH pcap_read_cpu_pkts_per_s %.0f packets/s\n", cpu_rate);
  {
    struct stat st;

    if (g_stat (pcap1, &st) == 0)
      printf ("BENCH pcap_read_mib_per_s %.0f MiB/s\n", rate * (st.st_size / (double) n) / (1024.0 * 1024.0));
  }

  {
    const char *a[] = { cli, "import", pcap1, "--out", out_csv, "--ip-map", out_map, "--quiet", "--force", NULL };
    const char *a4[] = { cli, "import", pcap4, "--out", out_csv, "--ip-map", out_map, "--quiet", "--force", NULL };

    imp = run_child (a);
    imp4 = run_child (a4);
  }
  printf ("BENCH pcap_import_pkts_per_s %.0f packets/s\n", n / imp.wall_s);
  printf ("BENCH pcap_import_cpu_pkts_per_s %.0f packets/s\n", n / imp.cpu_s);
  printf ("BENCH pcap_peak_rss_mib %.1f MiB\n", imp.peak_rss_mib);
  printf ("BENCH pcap_peak_rss_4x_mib %.1f MiB\n", imp4.peak_rss_mib);
  printf ("BENCH pcap_import_4x_pkts_per_s %.0f packets/s\n", n4 / imp4.wall_s);

  {
    const char *ap[] = { cli, "extract", "-q", "-f", "-d", pcap1, "-o", fold_a, NULL };
    const char *ac[] = { cli, "extract", "-q", "-f", "-d", csv, "--ip-map", map_path, "-o", fold_b, NULL };

    xp = run_child (ap);
    xc = run_child (ac);
  }
  printf ("BENCH pcap_extract_pkts_per_s %.0f packets/s\n", n / xp.wall_s);
  printf ("BENCH csv_extract_pkts_per_s %.0f packets/s\n", n / xc.wall_s);
  printf ("BENCH pcap_extract_time_vs_csv %.2f ratio\n", xp.wall_s / xc.wall_s);
  printf ("BENCH pcap_extract_peak_rss_mib %.1f MiB\n", xp.peak_rss_mib);

  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    if (g_getenv ("TA_BENCH_KEEP") == NULL)
      g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
    else
      printf ("# kept %s\n", dir);
  }
  return 0;
}
