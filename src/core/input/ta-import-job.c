/* ta-import-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-error.h"
#include "ta-out-target.h"
#include "ta-import-job.h"
#include "ta-input.h"
#include "ta-ip-map.h"
#include "ta-out.h"

#define OUT_BUF (1024 * 1024)

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

/* ---- the CSV rows ----------------------------------------------------- */

static inline void
out_row (TaOut *o, const TaPacket *pkt, gint64 src_id, gint64 dst_id)
{
  char *p = ta_out_reserve (o, 256);

  p = ta_put_i64 (p, pkt->ts);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->length);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->proto);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->sport);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->dport);
  *p++ = ',';
  p = ta_put_u64 (p, src_id);
  *p++ = ',';
  p = ta_put_u64 (p, dst_id);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->flags);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->seq);
  *p++ = ',';
  p = ta_put_u32 (p, pkt->ack);
  *p++ = '\n';
  ta_out_commit (o, p);
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

/* ---- the run ---------------------------------------------------------- */

typedef struct
{
  TaReaderConfig  cfg;
  TaAddrTable    *addrs;
  TaIpMap        *map;
  GArray         *cache;
  TaOut          *o;
  guint64         bytes_total;    /* all inputs */
  guint64         bytes_before;   /* inputs finished */
} Run;

static void
report (TaImportJob *self,
        Run         *run,
        guint64      packets,
        TaInput     *in,
        const char  *path,
        gboolean     force)
{
  guint64 done;

  if (!force && !ta_job_report_due (TA_JOB (self)))
    return;
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

      out_row (run->o, &pkt, s, d);
      n++;
      if ((n & 0xffff) == 0)
        {
          if (g_cancellable_is_cancelled (cancellable) || run->o->failed)
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

  /* the IP map is updated in place by design; the captures are never replaced */
  if (!ta_out_target_check_file (o->out, o->force, (const char * const *) o->inputs, error))
    return FALSE;
  if (g_file_test (o->ip_map, G_FILE_TEST_EXISTS))
    run->map = ta_ip_map_load (o->ip_map, error);
  else
    run->map = ta_ip_map_new ();
  if (run->map == NULL)
    return FALSE;
  run->o = ta_out_open (o->out, TA_OUT_GZIP_BY_NAME, OUT_BUF, error);
  if (run->o == NULL)
    return FALSE;
  ta_out_write (run->o, header, sizeof header - 1);

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
    return FALSE;
  if (r->n_read == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_NO_INPUT, _("no capture could be read; nothing written"));
      return FALSE;
    }
  if (!ta_out_target_check_file (o->out, o->force, (const char * const *) o->inputs, error))
    {
      ta_out_abandon (g_steal_pointer (&run->o));
      return FALSE;
    }
  if (!ta_out_commit_file (g_steal_pointer (&run->o), error) ||
      !ta_ip_map_save (run->map, o->ip_map, error))
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
  Run run = { 0 };
  gboolean ok;

  ok = run_import (self, &run, cancellable, error);
  g_clear_pointer (&run.o, ta_out_abandon);
  g_clear_pointer (&run.map, ta_ip_map_free);
  g_clear_pointer (&run.addrs, ta_addr_table_free);
  g_clear_pointer (&run.cache, g_array_unref);
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
