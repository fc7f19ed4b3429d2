/* ta-extract-job.c
 *
 * Every input file feeds one TaFolderWriter, so flows continue across
 * files. The filters live in the packet reader, which checks them before
 * any other work on a row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ta-addr-table.h"
#include "ta-error.h"
#include "ta-extract-job.h"
#include "ta-ip-map.h"
#include "ta-packet-filter.h"
#include "ta-packet-reader.h"

#define CHECK_EVERY      4096            /* rows between cancel/progress checks */
#define PROGRESS_PERIOD  (G_USEC_PER_SEC / 10)

struct _TaExtractJob
{
  GObject                parent_instance;

  TaExtractOptions      *options;

  /* progress */
  TaExtractProgressFunc  progress_func;
  gpointer               progress_data;
  GDestroyNotify         progress_destroy;
  GMutex                 mutex;          /* guards the fields below (async) */
  GMainContext          *progress_context;
  GSource               *progress_source;
  TaExtractProgress      pending;
  char                  *pending_file;

  /* results */
  TaAddrTable           *addrs;
  TaIpMap               *ip_map;
  TaReadStats            stats;
  TaExtractCounts        counts;
  TaFolderWriter        *writer;
  gboolean               succeeded;
  gboolean               started;
  double                 wall_time;
};

G_DEFINE_FINAL_TYPE (TaExtractJob, ta_extract_job, G_TYPE_OBJECT)

/* ---- options ---------------------------------------------------------- */

TaExtractOptions *
ta_extract_options_new (void)
{
  TaExtractOptions *o = g_new0 (TaExtractOptions, 1);

  o->flow_timeout_s = 300;
  o->chunk_size = 200;
  return o;
}

TaExtractOptions *
ta_extract_options_copy (const TaExtractOptions *options)
{
  TaExtractOptions *o = g_new0 (TaExtractOptions, 1);

  *o = *options;
  o->data_files = g_strdupv (options->data_files);
  o->ip_map_path = g_strdup (options->ip_map_path);
  o->output_dir = g_strdup (options->output_dir);
  o->filter_ips = g_strdupv (options->filter_ips);
  o->attack_context = g_strdup (options->attack_context);
  return o;
}

void
ta_extract_options_free (TaExtractOptions *options)
{
  if (options == NULL)
    return;
  g_strfreev (options->data_files);
  g_free (options->ip_map_path);
  g_free (options->output_dir);
  g_strfreev (options->filter_ips);
  g_free (options->attack_context);
  g_free (options);
}

/* ---- object ----------------------------------------------------------- */

static void
ta_extract_job_finalize (GObject *object)
{
  TaExtractJob *self = (TaExtractJob *) object;

  g_assert (self->progress_source == NULL);
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  g_free (self->pending_file);
  g_mutex_clear (&self->mutex);
  g_clear_pointer (&self->writer, ta_folder_writer_free);
  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  g_clear_pointer (&self->addrs, ta_addr_table_free);
  ta_read_stats_clear (&self->stats);
  ta_extract_options_free (self->options);

  G_OBJECT_CLASS (ta_extract_job_parent_class)->finalize (object);
}

static void
ta_extract_job_class_init (TaExtractJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ta_extract_job_finalize;
}

static void
ta_extract_job_init (TaExtractJob *self)
{
  g_mutex_init (&self->mutex);
  ta_read_stats_init (&self->stats);
}

TaExtractJob *
ta_extract_job_new (const TaExtractOptions *options)
{
  TaExtractJob *self;

  g_return_val_if_fail (options != NULL, NULL);

  self = g_object_new (TA_TYPE_EXTRACT_JOB, NULL);
  self->options = ta_extract_options_copy (options);
  if (self->options->flow_timeout_s == 0)
    self->options->flow_timeout_s = 300;
  if (self->options->chunk_size == 0)
    self->options->chunk_size = 200;
  return self;
}

const TaExtractOptions *
ta_extract_job_get_options (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), NULL);
  return self->options;
}

void
ta_extract_job_set_progress_func (TaExtractJob          *self,
                                  TaExtractProgressFunc  func,
                                  gpointer               user_data,
                                  GDestroyNotify         destroy)
{
  g_return_if_fail (TA_IS_EXTRACT_JOB (self));
  g_return_if_fail (!self->started);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

/* ---- progress --------------------------------------------------------- */

static gboolean
progress_in_idle (gpointer user_data)
{
  TaExtractJob *self = user_data;
  TaExtractProgress copy;
  g_autofree char *file = NULL;

  g_mutex_lock (&self->mutex);
  copy = self->pending;
  file = g_strdup (self->pending_file);
  g_clear_pointer (&self->progress_source, g_source_unref);
  g_mutex_unlock (&self->mutex);

  copy.current_file = file;
  if (self->progress_func != NULL)
    self->progress_func (&copy, self->progress_data);
  return G_SOURCE_REMOVE;
}

static void
report_progress (TaExtractJob            *self,
                 const TaExtractProgress *progress)
{
  if (self->progress_func == NULL)
    return;
  if (self->progress_context == NULL)
    {
      self->progress_func (progress, self->progress_data);
      return;
    }

  /* async: keep the latest values; one idle at a time delivers them */
  g_mutex_lock (&self->mutex);
  self->pending = *progress;
  if (g_strcmp0 (self->pending_file, progress->current_file) != 0)
    {
      g_free (self->pending_file);
      self->pending_file = g_strdup (progress->current_file);
    }
  if (self->progress_source == NULL)
    {
      self->progress_source = g_idle_source_new ();
      g_source_set_priority (self->progress_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->progress_source, progress_in_idle,
                             g_object_ref (self), g_object_unref);
      g_source_set_static_name (self->progress_source, "[timearcs] extract progress");
      g_source_attach (self->progress_source, self->progress_context);
    }
  g_mutex_unlock (&self->mutex);
}

typedef struct
{
  gint64       start_us;
  gint64       last_report_us;
  guint64      bytes_total;
  guint64      bytes_before;     /* sizes of the files already read */
} ProgressState;

static void
maybe_report (TaExtractJob   *self,
              ProgressState  *ps,
              TaPacketReader *reader,
              const char     *file,
              gboolean        force)
{
  TaExtractProgress p = { 0 };
  gint64 now = g_get_monotonic_time ();
  double elapsed;

  if (self->progress_func == NULL)
    return;
  if (!force && now - ps->last_report_us < PROGRESS_PERIOD)
    return;
  ps->last_report_us = now;
  elapsed = (now - ps->start_us) / (double) G_USEC_PER_SEC;

  p.rows_read = self->stats.rows;
  p.rows_kept = self->counts.rows_kept;
  p.bytes_total = ps->bytes_total;
  p.bytes_done = ps->bytes_before + (reader ? ta_packet_reader_get_file_position (reader) : 0);
  p.bytes_done = MIN (p.bytes_done, p.bytes_total);
  p.rows_per_s = elapsed > 0 ? p.rows_read / elapsed : 0;
  p.eta_s = -1;
  if (elapsed > 0.2 && p.bytes_done > 0)
    p.eta_s = (p.bytes_total - p.bytes_done) / (p.bytes_done / elapsed);
  p.current_file = file;
  report_progress (self, &p);
}

/* ---- the run ---------------------------------------------------------- */

/* An IP filter entry: id ("12"), dotted IPv4 or IPv6 -> TaAddrTable index */
static gboolean
resolve_filter_ip (TaExtractJob  *self,
                   const char    *text,
                   guint32       *out,
                   GError       **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  guint64 id;
  guint32 v4;
  guint8 v6[16];
  char *end = NULL;

  if (*s != '\0' && g_ascii_isdigit (*s))
    {
      id = g_ascii_strtoull (s, &end, 10);
      if (end != NULL && (*end == '\0' || (end[0] == '.' && strspn (end + 1, "0") == strlen (end + 1))))
        {
          const char *name = NULL;
          char buf[24];

          if (self->ip_map != NULL && id <= G_MAXINT64)
            name = ta_ip_map_lookup_id (self->ip_map, (gint64) id);
          if (name == NULL)
            {
              g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, id);
              name = buf;
            }
          *out = ta_addr_table_intern_text (self->addrs, name, -1);
          return TRUE;
        }
    }
  if (ta_parse_ipv4 (s, strlen (s), &v4))
    {
      *out = ta_addr_table_intern_ipv4 (self->addrs, v4);
      return TRUE;
    }
  if (inet_pton (AF_INET6, s, v6) == 1)
    {
      *out = ta_addr_table_intern_ipv6 (self->addrs, v6);
      return TRUE;
    }
  g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
               _("IP filter: “%s” is not an address or an IP map id"), text);
  return FALSE;
}

static gboolean
cancelled (GCancellable  *cancellable,
           GError       **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
run_job (TaExtractJob  *self,
         GCancellable  *cancellable,
         GError       **error)
{
  TaExtractOptions *o = self->options;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();       /* readable inputs */
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GPtrArray) read_files = g_ptr_array_new ();  /* for the manifest */
  g_autoptr(GPtrArray) filter_names = NULL;
  g_autoptr(GByteArray) addr_bits = NULL;
  TaPacketFilter filter = { 0 };
  TaFolderWriterOptions wopts = { 0 };
  TaManifestInfo info = { 0 };
  TaReaderConfig config = { 0 };
  ProgressState ps = { 0 };
  guint64 kept = 0;
  gboolean use_filter;
  gboolean done = FALSE;

  ps.start_us = g_get_monotonic_time ();

  if (o->output_dir == NULL || *o->output_dir == '\0')
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT, _("No output folder given"));
      return FALSE;
    }
  if (o->has_time_start && o->has_time_end && o->time_start_us > o->time_end_us)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("The time filter starts after it ends"));
      return FALSE;
    }

  /* inputs: a missing or unreadable file is a warning */
  for (guint i = 0; o->data_files != NULL && o->data_files[i] != NULL; i++)
    {
      const char *path = o->data_files[i];
      GStatBuf st;

      if (g_stat (path, &st) != 0 || g_access (path, R_OK) != 0)
        {
          int saved = errno;

          ta_read_stats_add_warning (&self->stats, _("%s: skipped: %s"), path, g_strerror (saved));
          self->counts.files_skipped++;
          continue;
        }
      if (S_ISDIR (st.st_mode))
        {
          ta_read_stats_add_warning (&self->stats, _("%s: skipped: is a folder"), path);
          self->counts.files_skipped++;
          continue;
        }
      g_ptr_array_add (files, (gpointer) path);
      g_array_append_val (sizes, (guint64) { st.st_size });
      ps.bytes_total += st.st_size;
    }
  if (files->len == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_NO_INPUT, _("No readable input file"));
      return FALSE;
    }

  self->addrs = ta_addr_table_new ();
  if (o->ip_map_path != NULL)
    {
      self->ip_map = ta_ip_map_load (o->ip_map_path, error);
      if (self->ip_map == NULL)
        return FALSE;
    }

  /* filters */
  if (o->filter_ips != NULL)
    {
      filter_names = g_ptr_array_new_with_free_func (g_free);
      addr_bits = g_byte_array_new ();
      for (guint i = 0; o->filter_ips[i] != NULL; i++)
        {
          guint32 index;
          const char *name;

          if (*o->filter_ips[i] == '\0')
            continue;
          if (!resolve_filter_ip (self, o->filter_ips[i], &index, error))
            return FALSE;
          if (index / 8 >= addr_bits->len)
            {
              guint old = addr_bits->len;

              g_byte_array_set_size (addr_bits, index / 8 + 1);
              memset (addr_bits->data + old, 0, addr_bits->len - old);
            }
          name = ta_addr_table_get_name (self->addrs, index);
          if (!(addr_bits->data[index / 8] & (1u << (index & 7))))
            g_ptr_array_add (filter_names, g_strdup (name));
          addr_bits->data[index / 8] |= 1u << (index & 7);
        }
      if (filter_names->len == 0)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT, _("The IP filter is empty"));
          return FALSE;
        }
      g_ptr_array_add (filter_names, NULL);
      filter.has_addrs = TRUE;
      filter.addr_bits = addr_bits->data;
      filter.n_addr_bits = addr_bits->len * 8;
    }
  filter.has_time_start = o->has_time_start;
  filter.time_start_us = o->time_start_us;
  filter.has_time_end = o->has_time_end;
  filter.time_end_us = o->time_end_us;
  use_filter = filter.has_addrs || filter.has_time_start || filter.has_time_end;

  if (cancelled (cancellable, error))
    return FALSE;

  wopts.chunk_size = o->chunk_size;
  wopts.flow_timeout_us = (gint64) o->flow_timeout_s * G_USEC_PER_SEC;
  wopts.force = o->force;
  self->writer = ta_folder_writer_new (o->output_dir, &wopts, self->addrs, error);
  if (self->writer == NULL)
    return FALSE;

  config.addrs = self->addrs;
  config.ip_map = self->ip_map;
  config.stats = &self->stats;

  for (guint i = 0; i < files->len && !done; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(TaPacketReader) reader = NULL;
      TaPacket pkt;
      guint n = 0;

      maybe_report (self, &ps, NULL, path, TRUE);
      reader = ta_packet_reader_open (path, &config, &local_error);
      if (reader == NULL)
        {
          if (g_error_matches (local_error, TA_ERROR, TA_ERROR_IO))
            {
              /* vanished or became unreadable since the check */
              ta_read_stats_add_warning (&self->stats, _("skipped: %s"), local_error->message);
              self->counts.files_skipped++;
              ps.bytes_before += g_array_index (sizes, guint64, i);
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (use_filter)
        ta_packet_reader_set_filter (reader, &filter);
      self->counts.files_read++;
      g_ptr_array_add (read_files, (gpointer) path);

      while (ta_packet_reader_next (reader, &pkt, &local_error))
        {
          if (!ta_folder_writer_add (self->writer, &pkt, error))
            goto fail;
          kept++;
          self->counts.rows_kept = kept;
          if (o->max_records > 0 && kept >= o->max_records)
            {
              self->counts.max_reached = TRUE;
              done = TRUE;
              break;
            }
          if (G_UNLIKELY (++n == CHECK_EVERY))
            {
              n = 0;
              if (cancelled (cancellable, error))
                goto fail;
              maybe_report (self, &ps, reader, path, FALSE);
            }
        }
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (cancelled (cancellable, error))
        goto fail;
      if (ta_packet_reader_get_stopped_early (reader))
        self->counts.files_stopped_early++;
      ps.bytes_before += g_array_index (sizes, guint64, i);
      maybe_report (self, &ps, NULL, path, TRUE);
    }

  self->counts.rejected_time = filter.rejected_time;
  self->counts.rejected_ip = filter.rejected_addr;
  g_ptr_array_add (read_files, NULL);

  info.source_files = (const char * const *) read_files->pdata;
  info.attack_context = o->attack_context;
  info.filter_ips = filter_names ? (const char * const *) filter_names->pdata : NULL;
  info.has_time_start = o->has_time_start;
  info.time_start_us = o->time_start_us;
  info.has_time_end = o->has_time_end;
  info.time_end_us = o->time_end_us;
  if (!ta_folder_writer_finish (self->writer, &info, error))
    goto fail;

  self->succeeded = TRUE;
  return TRUE;

fail:
  self->counts.rejected_time = filter.rejected_time;
  self->counts.rejected_ip = filter.rejected_addr;
  ta_folder_writer_abort (self->writer);
  return FALSE;
}

static gboolean
run_timed (TaExtractJob  *self,
           GCancellable  *cancellable,
           GError       **error)
{
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  ok = run_job (self, cancellable, error);
  self->wall_time = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  return ok;
}

gboolean
ta_extract_job_run (TaExtractJob  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  self->started = TRUE;
  return run_timed (self, cancellable, error);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaExtractJob *self = source_object;
  GError *error = NULL;

  if (run_timed (self, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ta_extract_job_run_async (TaExtractJob        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TA_IS_EXTRACT_JOB (self));
  g_return_if_fail (!self->started);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self->started = TRUE;
  self->progress_context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ta_extract_job_run_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
ta_extract_job_run_finish (TaExtractJob  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

const TaReadStats *
ta_extract_job_get_read_stats (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), NULL);
  return &self->stats;
}

const TaExtractCounts *
ta_extract_job_get_counts (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), NULL);
  return &self->counts;
}

const TaFolderSummary *
ta_extract_job_get_summary (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), NULL);
  return self->succeeded ? ta_folder_writer_get_summary (self->writer) : NULL;
}

double
ta_extract_job_get_wall_time (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), 0);
  return self->wall_time;
}
