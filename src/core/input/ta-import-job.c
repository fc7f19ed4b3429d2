/* ta-import-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-error.h"
#include "ta-import-job.h"
#include "ta-input.h"
#include "ta-ip-map.h"

#define OUT_BUF (1024 * 1024)
#define PROGRESS_PERIOD_US (G_USEC_PER_SEC / 10)

static const char header[] =
  "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n";

struct _TaImportJob
{
  TaJob            parent_instance;

  TaImportOptions *options;
  TaImportResult   result;
};

G_DEFINE_FINAL_TYPE (TaImportJob, ta_import_job, TA_TYPE_JOB)

TaImportOptions *
ta_import_options_new (void)
{
  return g_new0 (TaImportOptions, 1);
}

void
ta_import_options_free (TaImportOptions *options)
{
  if (options == NULL)
    return;
  g_strfreev (options->inputs);
  g_free (options->out);
  g_free (options->ip_map);
  g_free (options);
}

/* ---- the CSV writer --------------------------------------------------- */

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

/* The temporary sibling of @path, with the mode a plain create would
 * give, and gzip when the name ends in .gz */
static gboolean
out_open (Out         *o,
          const char  *path,
          TaReadStats *stats,
          GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  mode_t mask;

  o->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  o->fd = g_mkstemp (o->tmp_path);
  if (o->fd < 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("cannot write in %s: %s"), dir, g_strerror (saved));
      g_clear_pointer (&o->tmp_path, g_free);
      return FALSE;
    }
  /* mkstemp makes it 0600 */
  mask = umask (0);
  umask (mask);
  if (fchmod (o->fd, 0666 & ~mask) != 0)
    ta_read_stats_add_warning (stats, _("cannot set the mode of %s: %s"), o->tmp_path, g_strerror (errno));
  if (g_str_has_suffix (path, ".gz"))
    {
      o->gz = gzdopen (o->fd, "wb6");
      if (o->gz == NULL)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_IO, _("cannot start the gzip writer"));
          remove_tmp (o);
          return FALSE;
        }
      gzbuffer (o->gz, 256 * 1024);
    }
  o->buf = g_malloc (OUT_BUF);
  memcpy (o->buf, header, sizeof header - 1);
  o->len = sizeof header - 1;
  return TRUE;
}

/* Flushes, closes and renames into place */
static gboolean
out_commit (Out         *o,
            const char  *path,
            GError     **error)
{
  out_flush (o);
  if (o->gz != NULL)
    {
      int zr = gzclose (o->gz);

      o->gz = NULL;
      o->fd = -1;
      if (zr != Z_OK && !o->failed)
        {
          o->failed = TRUE;
          o->saved_errno = EIO;
        }
    }
  else
    {
      if (fsync (o->fd) != 0 && errno != EINVAL && !o->failed)
        {
          o->failed = TRUE;
          o->saved_errno = errno;
        }
      if (close (o->fd) != 0 && !o->failed)
        {
          o->failed = TRUE;
          o->saved_errno = errno;
        }
      o->fd = -1;
    }
  if (o->failed)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("cannot write %s: %s"), path, g_strerror (o->saved_errno));
      remove_tmp (o);
      return FALSE;
    }
  if (g_rename (o->tmp_path, path) != 0)
    {
      int saved = errno;

      g_set_error (error, TA_ERROR, TA_ERROR_IO, _("cannot rename into %s: %s"), path, g_strerror (saved));
      remove_tmp (o);
      return FALSE;
    }
  return TRUE;
}

/* ---- the run ---------------------------------------------------------- */

typedef struct
{
  TaReaderConfig  cfg;
  TaAddrTable    *addrs;
  TaIpMap        *map;
  GArray         *cache;
  Out             o;
  guint64         bytes_total;    /* all inputs */
  guint64         bytes_before;   /* inputs finished */
  gint64          last_report_us;
} Run;

static void
report (TaImportJob *self,
        Run         *run,
        guint64      packets,
        TaInput     *in,
        const char  *path,
        gboolean     force)
{
  gint64 now = g_get_monotonic_time ();
  guint64 done;

  if (!force && now - run->last_report_us < PROGRESS_PERIOD_US)
    return;
  run->last_report_us = now;
  done = run->bytes_before + (in != NULL ? ta_input_get_file_position (in) : 0);
  ta_job_report (TA_JOB (self), packets, 0,
                 run->bytes_total > 0 ? MIN (done, run->bytes_total) / (double) run->bytes_total : -1,
                 path);
}

/* Writes every packet of @path; a capture that fails is counted and
 * reported in the messages */
static void
import_capture (TaImportJob  *self,
                Run          *run,
                const char   *path,
                GCancellable *cancellable)
{
  TaImportResult *r = &self->result;
  g_autoptr(TaCaptureReader) rd = NULL;
  g_autoptr(GError) ferr = NULL;
  TaInput *in;
  TaPacket pkt;
  guint64 n = 0;

  report (self, run, r->packets, NULL, path, TRUE);
  in = ta_input_open (path, &ferr);
  if (in != NULL)
    rd = ta_capture_reader_new (in, &run->cfg, &ferr);
  if (rd == NULL)
    {
      g_ptr_array_add (r->messages, g_strdup (ferr->message));
      r->n_failed++;
      r->n_skipped++;
      return;
    }
  while (ta_capture_reader_next (rd, &pkt, &ferr))
    {
      gint64 s = addr_id (run->cache, run->addrs, run->map, pkt.src, &r->new_ids);
      gint64 d = addr_id (run->cache, run->addrs, run->map, pkt.dst, &r->new_ids);

      out_row (&run->o, &pkt, s, d);
      n++;
      if ((n & 0xffff) == 0)
        {
          if (g_cancellable_is_cancelled (cancellable) || run->o.failed)
            break;
          report (self, run, r->packets + n, ta_capture_reader_get_input (rd), path, FALSE);
        }
    }
  r->packets += n;
  run->bytes_before += ta_input_get_file_position (ta_capture_reader_get_input (rd));
  if (ferr != NULL)
    {
      r->n_failed++;
      if (ta_capture_reader_get_records (rd) == 0)
        {
          /* rejected at its first block: as if it could not be opened */
          g_ptr_array_add (r->messages, g_strdup (ferr->message));
          r->n_skipped++;
          return;
        }
      g_ptr_array_add (r->messages,
                       g_strdup_printf (_("%s (%llu packets before it were kept)"),
                                        ferr->message, (unsigned long long) n));
    }
  r->n_read++;
}

static gboolean
run_import (TaImportJob   *self,
            Run           *run,
            GCancellable  *cancellable,
            GError       **error)
{
  const TaImportOptions *o = self->options;
  TaImportResult *r = &self->result;
  gint64 t0;

  if (!o->force && g_file_test (o->out, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TA_ERROR, TA_ERROR_EXISTS, _("%s exists; use --force to replace it"), o->out);
      return FALSE;
    }
  if (g_file_test (o->ip_map, G_FILE_TEST_EXISTS))
    run->map = ta_ip_map_load (o->ip_map, error);
  else
    run->map = ta_ip_map_new ();
  if (run->map == NULL || !out_open (&run->o, o->out, &r->stats, error))
    return FALSE;

  t0 = g_get_monotonic_time ();
  run->addrs = ta_addr_table_new ();
  run->cache = g_array_new (FALSE, FALSE, sizeof (gint64));
  run->cfg.addrs = run->addrs;
  run->cfg.stats = &r->stats;
  for (guint i = 0; o->inputs[i] != NULL; i++)
    {
      GStatBuf sb;

      if (g_stat (o->inputs[i], &sb) == 0)
        run->bytes_total += sb.st_size;
    }

  for (guint i = 0; o->inputs[i] != NULL && !g_cancellable_is_cancelled (cancellable); i++)
    import_capture (self, run, o->inputs[i], cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      remove_tmp (&run->o);
      return FALSE;
    }
  if (r->n_read == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_NO_INPUT, _("no capture could be read; nothing written"));
      remove_tmp (&run->o);
      return FALSE;
    }
  if (!out_commit (&run->o, o->out, error) || !ta_ip_map_save (run->map, o->ip_map, error))
    return FALSE;
  report (self, run, r->packets, NULL, NULL, TRUE);
  r->map_size = ta_ip_map_get_size (run->map);
  r->wall_time = (g_get_monotonic_time () - t0) / 1e6;
  return TRUE;
}

static gboolean
ta_import_job_run (TaJob         *job,
                   GCancellable  *cancellable,
                   GError       **error)
{
  TaImportJob *self = TA_IMPORT_JOB (job);
  Run run = { .o = { NULL, -1, NULL, NULL, 0, FALSE, 0 } };
  gboolean ok;

  ok = run_import (self, &run, cancellable, error);
  g_clear_pointer (&run.map, ta_ip_map_free);
  g_clear_pointer (&run.addrs, ta_addr_table_free);
  g_clear_pointer (&run.cache, g_array_unref);
  g_free (run.o.buf);
  g_free (run.o.tmp_path);
  return ok;
}

/* ---- object ----------------------------------------------------------- */

static void
ta_import_job_finalize (GObject *object)
{
  TaImportJob *self = (TaImportJob *) object;

  ta_import_options_free (self->options);
  g_ptr_array_unref (self->result.messages);
  ta_read_stats_clear (&self->result.stats);

  G_OBJECT_CLASS (ta_import_job_parent_class)->finalize (object);
}

static void
ta_import_job_class_init (TaImportJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ta_import_job_finalize;
  TA_JOB_CLASS (klass)->run = ta_import_job_run;
}

static void
ta_import_job_init (TaImportJob *self)
{
  self->result.messages = g_ptr_array_new_with_free_func (g_free);
  ta_read_stats_init (&self->result.stats);
}

TaImportJob *
ta_import_job_new (const TaImportOptions *options)
{
  TaImportJob *self;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->inputs != NULL && options->out != NULL && options->ip_map != NULL, NULL);

  self = g_object_new (TA_TYPE_IMPORT_JOB, NULL);
  self->options = ta_import_options_new ();
  self->options->inputs = g_strdupv (options->inputs);
  self->options->out = g_strdup (options->out);
  self->options->ip_map = g_strdup (options->ip_map);
  self->options->force = options->force;
  return self;
}

const TaImportResult *
ta_import_job_get_result (TaImportJob *self)
{
  g_return_val_if_fail (TA_IS_IMPORT_JOB (self), NULL);
  return &self->result;
}
