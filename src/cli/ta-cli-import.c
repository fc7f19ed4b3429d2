/* ta-cli-import.c — timearcs-cli import: captures → packet CSV + IP map
 *
 * timearcs-cli import CAPTURE... --out packets.csv[.gz] --ip-map map.json
 *
 * Every packet of every capture becomes one row of the packet CSV
 * (FORMATS.md §1) with its addresses written as ids of the IP map; an
 * existing map is loaded and extended with the addresses it lacks. Both
 * outputs are written to temporary siblings and renamed into place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-cli.h"
#include "ta-cli-progress.h"
#include "ta-error.h"
#include "ta-input.h"
#include "ta-ip-map.h"
#include "ta-read-stats.h"

#define OUT_BUF (1024 * 1024)

static volatile sig_atomic_t cancelled;

static void
on_signal (int sig)
{
  cancelled = 1;
}

typedef struct
{
  char    *tmp_path;
  int      fd;
  gzFile   gz;
  guint8  *buf;
  gsize    len;
  gboolean failed;
  int      saved_errno;
} Out;

static gboolean
out_flush (Out *o)
{
  gsize done = 0;

  if (o->failed)
    return FALSE;
  if (o->gz != NULL)
    {
      if (o->len > 0 && gzwrite (o->gz, o->buf, o->len) != (int) o->len)
        {
          o->failed = TRUE;
          o->saved_errno = errno ? errno : EIO;
        }
      o->len = 0;
      return !o->failed;
    }
  while (done < o->len)
    {
      gssize w = write (o->fd, o->buf + done, o->len - done);

      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          o->failed = TRUE;
          o->saved_errno = errno;
          break;
        }
      done += w;
    }
  o->len = 0;
  return !o->failed;
}

static inline char *
put_u64 (char *p, guint64 v)
{
  char tmp[24];
  int n = 0;

  do
    {
      tmp[n++] = '0' + (v % 10);
      v /= 10;
    }
  while (v != 0);
  while (n > 0)
    *p++ = tmp[--n];
  return p;
}

static inline void
out_row (Out *o, const TaPacket *pkt, gint64 src_id, gint64 dst_id)
{
  char *p;

  if (o->len + 256 > OUT_BUF)
    out_flush (o);
  p = (char *) o->buf + o->len;
  if (pkt->ts < 0)
    {
      *p++ = '-';
      p = put_u64 (p, (guint64) -pkt->ts);
    }
  else
    p = put_u64 (p, pkt->ts);
  *p++ = ',';
  p = put_u64 (p, pkt->length);
  *p++ = ',';
  p = put_u64 (p, pkt->proto);
  *p++ = ',';
  p = put_u64 (p, pkt->sport);
  *p++ = ',';
  p = put_u64 (p, pkt->dport);
  *p++ = ',';
  p = put_u64 (p, src_id);
  *p++ = ',';
  p = put_u64 (p, dst_id);
  *p++ = ',';
  p = put_u64 (p, pkt->flags);
  *p++ = ',';
  p = put_u64 (p, pkt->seq);
  *p++ = ',';
  p = put_u64 (p, pkt->ack);
  *p++ = '\n';
  o->len = p - (char *) o->buf;
}

/* The IP-map id of an interned address; ids are cached by table index */
static inline gint64
addr_id (GArray *cache, TaAddrTable *addrs, TaIpMap *map, guint32 idx, guint *added)
{
  gint64 *slot;

  if (idx >= cache->len)
    {
      guint old = cache->len;

      g_array_set_size (cache, MAX (idx + 1, old * 2));
      for (guint i = old; i < cache->len; i++)
        g_array_index (cache, gint64, i) = -1;
    }
  slot = &g_array_index (cache, gint64, idx);
  if (*slot < 0)
    {
      const char *name = ta_addr_table_get_name (addrs, idx);
      gint64 id = ta_ip_map_lookup_addr (map, name);

      if (id < 0)
        {
          id = ta_ip_map_add (map, name);
          (*added)++;
        }
      *slot = id;
    }
  return *slot;
}

typedef struct
{
  TaCliProgress line;
  gint64   t0;
  guint64  bytes_total;    /* all inputs */
  guint64  bytes_before;   /* inputs finished */
} Progress;

/* As `extract`: a line rewritten in place on a terminal (about four times
 * a second), else a plain line every 5 seconds. */
static void
progress (Progress *pr,
          TaInput  *in,
          guint64   packets)
{
  gint64 now = g_get_monotonic_time ();
  double secs = (now - pr->t0) / 1e6;
  guint64 done = pr->bytes_before + ta_input_get_file_position (in);
  double pct = pr->bytes_total ? 100.0 * done / pr->bytes_total : 0;
  double rate = secs > 0 ? packets / secs : 0;
  double eta = done > 0 && secs > 0 && pr->bytes_total >= done
               ? (pr->bytes_total - done) / (done / secs) : -1;
  char eta_s[32];

  if (!ta_cli_progress_due (&pr->line))
    return;
  ta_cli_format_duration (eta, eta_s, sizeof eta_s);
  if (pr->line.tty)
    g_printerr (_("%'llu packets, %'.0f packets/s, %.0f%%, ETA %s"),
                (unsigned long long) packets, rate, pct, eta_s);
  else
    g_printerr (_("progress: %llu packets, %.0f packets/s, %.0f%% of input, ETA %s\n"),
                (unsigned long long) packets, rate, pct, eta_s);
}

static void
end_line (Progress *pr)
{
  ta_cli_progress_end_line (&pr->line);
}

static void
remove_tmp (Out *o)
{
  if (o->gz != NULL)
    {
      gzclose (o->gz);
      o->gz = NULL;
      o->fd = -1;
    }
  if (o->fd >= 0)
    {
      close (o->fd);
      o->fd = -1;
    }
  if (o->tmp_path != NULL)
    g_unlink (o->tmp_path);
}

int
ta_cli_import_main (int    argc,
                    char **argv)
{
  g_autofree char *out_path = NULL;
  g_autofree char *map_path = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean quiet = FALSE;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      N_("Packet CSV to write (gzip when the name ends in .gz)"), N_("FILE") },
    { "ip-map", 'm', 0, G_OPTION_ARG_FILENAME, &map_path,
      N_("IP map to extend (loaded if it exists) and write"), N_("FILE") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace an existing output file"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress and no summary"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("CAPTURE…") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TaIpMap) map = NULL;
  g_autoptr(TaAddrTable) addrs = NULL;
  g_autoptr(GArray) cache = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  TaReadStats stats;
  TaReaderConfig cfg = { 0, };
  Out o = { NULL, -1, NULL, NULL, 0, FALSE, 0 };
  guint n_read = 0, n_failed = 0, n_skipped = 0, added = 0;
  guint64 rows = 0;
  Progress pr = { 0, };
  gint64 t0;
  mode_t mask;
  int ret = TA_EXIT_OK;
  static const char header[] =
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n";

  ctx = g_option_context_new (_("CAPTURE… — convert pcap/pcapng captures (plain or gzip) into a packet CSV"));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    _("Writes the packet CSV header “timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,"
      "flags,seq_num,ack_num” with addresses as ids of the IP map; addresses the map lacks get new ids.\n\n"
      "Exit status: 0 ok, 1 a capture was damaged or could not be written, 2 bad arguments,\n"
      "3 the output exists (use --force), 4 no capture could be read, 130 interrupted."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("timearcs-cli import: %s\n", error->message);
      return TA_EXIT_USAGE;
    }
  if (inputs == NULL || inputs[0] == NULL || out_path == NULL || map_path == NULL)
    {
      g_printerr (_("timearcs-cli import: needs CAPTURE…, --out FILE and --ip-map FILE (see --help)\n"));
      return TA_EXIT_USAGE;
    }
  if (!force && g_file_test (out_path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("timearcs-cli import: %s exists; use --force to replace it\n"), out_path);
      return TA_EXIT_EXISTS;
    }

  if (g_file_test (map_path, G_FILE_TEST_EXISTS))
    {
      map = ta_ip_map_load (map_path, &error);
      if (map == NULL)
        {
          g_printerr ("timearcs-cli import: %s\n", error->message);
          return TA_EXIT_FAILURE;
        }
    }
  else
    map = ta_ip_map_new ();

  /* the temporary sibling of --out */
  dir = g_path_get_dirname (out_path);
  base = g_path_get_basename (out_path);
  o.tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  o.fd = g_mkstemp (o.tmp_path);
  if (o.fd < 0)
    {
      int saved = errno;

      g_printerr (_("timearcs-cli import: cannot write in %s: %s\n"), dir, g_strerror (saved));
      g_clear_pointer (&o.tmp_path, g_free);
      return TA_EXIT_FAILURE;
    }
  /* mkstemp makes it 0600: give it the mode a plain create would */
  mask = umask (0);
  umask (mask);
  if (fchmod (o.fd, 0666 & ~mask) != 0)
    g_printerr (_("timearcs-cli import: cannot set the mode of %s: %s\n"), o.tmp_path, g_strerror (errno));
  if (g_str_has_suffix (out_path, ".gz"))
    {
      o.gz = gzdopen (o.fd, "wb6");
      if (o.gz == NULL)
        {
          g_printerr (_("timearcs-cli import: cannot start the gzip writer\n"));
          remove_tmp (&o);
          g_free (o.tmp_path);
          return TA_EXIT_FAILURE;
        }
      gzbuffer (o.gz, 256 * 1024);
    }
  o.buf = g_malloc (OUT_BUF);
  memcpy (o.buf, header, sizeof header - 1);
  o.len = sizeof header - 1;

  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);

  t0 = g_get_monotonic_time ();
  addrs = ta_addr_table_new ();
  cache = g_array_new (FALSE, FALSE, sizeof (gint64));
  ta_read_stats_init (&stats);
  cfg.addrs = addrs;
  cfg.stats = &stats;
  ta_cli_progress_init (&pr.line, quiet);
  pr.t0 = t0;
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      GStatBuf sb;

      if (g_stat (inputs[i], &sb) == 0)
        pr.bytes_total += sb.st_size;
    }

  for (guint i = 0; inputs[i] != NULL && !cancelled; i++)
    {
      g_autoptr(TaCaptureReader) rd = NULL;
      g_autoptr(GError) ferr = NULL;
      TaInput *in;
      TaPacket pkt;
      guint64 n = 0;

      in = ta_input_open (inputs[i], &ferr);
      if (in != NULL)
        rd = ta_capture_reader_new (in, &cfg, &ferr);
      if (rd == NULL)
        {
          end_line (&pr);
          g_printerr ("%s\n", ferr->message);
          n_failed++;
          n_skipped++;
          continue;
        }
      while (ta_capture_reader_next (rd, &pkt, &ferr))
        {
          gint64 s = addr_id (cache, addrs, map, pkt.src, &added);
          gint64 d = addr_id (cache, addrs, map, pkt.dst, &added);

          out_row (&o, &pkt, s, d);
          n++;
          if ((n & 0xffff) == 0)
            {
              if (cancelled || o.failed)
                break;
              if (!quiet)
                progress (&pr, ta_capture_reader_get_input (rd), rows + n);
            }
        }
      rows += n;
      pr.bytes_before += ta_input_get_file_position (ta_capture_reader_get_input (rd));
      if (ferr != NULL)
        {
          n_failed++;
          if (ta_capture_reader_get_records (rd) == 0)
            {
              /* rejected at its first block: as if it could not be opened */
              end_line (&pr);
              g_printerr ("%s\n", ferr->message);
              n_skipped++;
              continue;
            }
          end_line (&pr);
          g_printerr (_("%s (%llu packets before it were kept)\n"),
                      ferr->message, (unsigned long long) n);
        }
      n_read++;
    }
  end_line (&pr);

  if (cancelled)
    {
      g_printerr (_("timearcs-cli import: interrupted; nothing written\n"));
      remove_tmp (&o);
      ret = TA_EXIT_CANCELLED;
      goto out;
    }
  if (n_read == 0)
    {
      g_printerr (_("timearcs-cli import: no capture could be read; nothing written\n"));
      remove_tmp (&o);
      ret = TA_EXIT_NO_INPUT;
      goto out;
    }

  out_flush (&o);
  if (o.gz != NULL)
    {
      int zr = gzclose (o.gz);

      o.gz = NULL;
      o.fd = -1;
      if (zr != Z_OK && !o.failed)
        {
          o.failed = TRUE;
          o.saved_errno = EIO;
        }
    }
  else
    {
      if (fsync (o.fd) != 0 && errno != EINVAL && !o.failed)
        {
          o.failed = TRUE;
          o.saved_errno = errno;
        }
      if (close (o.fd) != 0 && !o.failed)
        {
          o.failed = TRUE;
          o.saved_errno = errno;
        }
      o.fd = -1;
    }
  if (o.failed)
    {
      g_printerr (_("timearcs-cli import: cannot write %s: %s\n"), out_path, g_strerror (o.saved_errno));
      remove_tmp (&o);
      ret = TA_EXIT_FAILURE;
      goto out;
    }
  if (g_rename (o.tmp_path, out_path) != 0)
    {
      int saved = errno;

      g_printerr (_("timearcs-cli import: cannot rename into %s: %s\n"), out_path, g_strerror (saved));
      remove_tmp (&o);
      ret = TA_EXIT_FAILURE;
      goto out;
    }
  if (!ta_ip_map_save (map, map_path, &error))
    {
      g_printerr ("timearcs-cli import: %s\n", error->message);
      ret = TA_EXIT_FAILURE;
      goto out;
    }

  /* warnings (truncation, unsupported link types) even with --quiet */
  for (guint i = 0; i < stats.warnings->len; i++)
    g_printerr (_("warning: %s\n"), (char *) g_ptr_array_index (stats.warnings, i));
  if (!quiet)
    {
      g_printerr (_("Files: %u read, %u skipped\n"), n_read, n_skipped);
      g_printerr (_("Records read: %llu\n"), (unsigned long long) stats.rows);
      g_printerr (_("Without IP or of unsupported link types: %llu\n"), (unsigned long long) stats.unsupported);
      g_printerr (_("Cut before their IP addresses: %llu\n"), (unsigned long long) stats.malformed);
      for (guint i = 0; i < stats.examples->len; i++)
        g_printerr ("  %s\n", (char *) g_ptr_array_index (stats.examples, i));
      g_printerr (_("Packets written: %llu to %s\n"), (unsigned long long) rows, out_path);
      g_printerr (_("IP map: %u addresses (%u new) in %s\n"), ta_ip_map_get_size (map), added, map_path);
      g_printerr (_("Wall time: %.2f s\n"), (g_get_monotonic_time () - t0) / 1e6);
    }
  if (n_failed > 0)
    ret = TA_EXIT_FAILURE;

out:
  ta_read_stats_clear (&stats);
  g_free (o.buf);
  g_free (o.tmp_path);
  return ret;
}
