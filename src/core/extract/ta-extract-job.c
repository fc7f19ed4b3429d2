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
#include "ta-format.h"
#include "ta-extract-job.h"
#include "ta-extract-profile.h"
#include "ta-flow-tracker.h"
#include "ta-ip-map.h"
#include "ta-packet-filter.h"
#include "ta-packet-reader.h"
#include "ta-presets.h"


struct _TaExtractJob
{
  TaJob                  parent_instance;

  TaExtractOptions      *options;

  /* results */
  TaAddrTable           *addrs;
  TaIpMap               *ip_map;
  TaReadStats            stats;
  TaExtractCounts        counts;
  TaFolderWriter        *writer;      /* NULL for a profile-only run */
  TaExtractProfile       profile;
  gboolean               has_preset;
  TaPreset               preset;
  gboolean               succeeded;
  double                 wall_time;
};

G_DEFINE_FINAL_TYPE (TaExtractJob, ta_extract_job, TA_TYPE_JOB)

/* ---- object ----------------------------------------------------------- */

static void
ta_extract_job_finalize (GObject *object)
{
  TaExtractJob *self = (TaExtractJob *) object;

  ta_extract_profile_clear (&self->profile);
  g_clear_pointer (&self->writer, ta_folder_writer_free);
  g_clear_pointer (&self->ip_map, ta_ip_map_free);
  g_clear_pointer (&self->addrs, ta_addr_table_free);
  ta_read_stats_clear (&self->stats);
  ta_extract_options_free (self->options);

  G_OBJECT_CLASS (ta_extract_job_parent_class)->finalize (object);
}

static gboolean ta_extract_job_run (TaJob         *job,
                                    GCancellable  *cancellable,
                                    GError       **error);

static void
ta_extract_job_class_init (TaExtractJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ta_extract_job_finalize;
  TA_JOB_CLASS (klass)->run = ta_extract_job_run;
}

static void
ta_extract_job_init (TaExtractJob *self)
{
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
    self->options->flow_timeout_s = TA_FLOW_TIMEOUT_DEFAULT_S;
  if (self->options->chunk_size == 0)
    self->options->chunk_size = TA_CHUNK_SIZE_DEFAULT;
  return self;
}

const TaExtractOptions *
ta_extract_job_get_options (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), NULL);
  return self->options;
}

/* ---- progress --------------------------------------------------------- */

typedef struct
{
  guint64      bytes_total;
} ProgressState;

static void
maybe_report (TaExtractJob  *self,
              ProgressState *ps,
              guint64        rows_read,
              guint64        bytes_done,
              const char    *file,
              gboolean       force)
{
  double fraction;

  if (!force && !ta_job_report_due (TA_JOB (self)))
    return;
  fraction = ps->bytes_total > 0 ? MIN (bytes_done, ps->bytes_total) / (double) ps->bytes_total : -1;
  ta_job_report (TA_JOB (self), rows_read, 0, fraction, file);
}

/* ---- the reader thread -------------------------------------------------
 *
 * A second thread reads and filters the inputs into batches of packets
 * while the job's thread feeds them to the folder writer: on two cores the
 * run takes about as long as the slower half, not the sum. Packets keep
 * their order, so the folder is the same as a single-threaded run's. The
 * address table is shared: the reader interns, the writer only reads
 * entries of packets it was handed (TaAddrTable entries never move). */

#define BATCH_SIZE 4096
#define N_BATCHES  8

typedef struct
{
  TaPacket  pkts[BATCH_SIZE];
  guint     n;
  guint     file;          /* index into files */
  guint64   rows_read;     /* rows read when the batch was sent */
  guint64   bytes_done;
  guint     n_profile;     /* packets the profile thread takes from it */
} Batch;

typedef struct
{
  TaExtractJob    *job;
  GPtrArray       *files;        /* borrowed */
  GArray          *sizes;        /* guint64 */
  TaReaderConfig   config;
  TaPacketFilter  *filter;
  GCancellable    *cancellable;
  GPtrArray       *read_files;   /* reader thread appends; read after the join */

  GMutex           mutex;
  GCond            cond;
  GQueue           full;
  GQueue           empty;
  gboolean         stop;         /* the writer side asks the reader to stop */
  gboolean         finished;     /* the reader is done; `full` holds the rest */
  GError          *error;        /* the reader's error */
  /* progress snapshot, for when no batch comes for a while */
  guint64          snap_rows;
  guint64          snap_bytes;
  guint            snap_file;
  /* with a subset folder and a profile, the profile runs on a thread of
   * its own: the writer hands it each batch it has written */
  GThread         *profile_thread;
  GQueue           profile_full;
  gboolean         profile_stop;

  /* reader thread only */
  TaPacketReader  *reader;
  guint64          bytes_before;
  guint            file;
} Pipe;

static void
publish_snapshot (Pipe *pp)
{
  pp->snap_rows = pp->job->stats.rows;
  pp->snap_bytes = pp->bytes_before +
                   (pp->reader ? ta_packet_reader_get_file_position (pp->reader) : 0);
  pp->snap_file = pp->file;
}

/* Called by the reader every TA_PACKET_FILTER_TICK_ROWS rows */
static gboolean
reader_tick (gpointer data)
{
  Pipe *pp = data;
  gboolean go_on;

  g_mutex_lock (&pp->mutex);
  publish_snapshot (pp);
  go_on = !pp->stop && !g_cancellable_is_cancelled (pp->cancellable);
  g_mutex_unlock (&pp->mutex);
  return go_on;
}

static Batch *
take_empty (Pipe *pp)
{
  Batch *b = NULL;

  g_mutex_lock (&pp->mutex);
  while (!pp->stop && g_queue_is_empty (&pp->empty))
    g_cond_wait (&pp->cond, &pp->mutex);
  if (!pp->stop)
    b = g_queue_pop_head (&pp->empty);
  g_mutex_unlock (&pp->mutex);
  if (b != NULL)
    b->n = 0;
  return b;
}

static void
send_full (Pipe  *pp,
           Batch *b)
{
  g_mutex_lock (&pp->mutex);
  b->file = pp->file;
  publish_snapshot (pp);
  b->rows_read = pp->snap_rows;
  b->bytes_done = pp->snap_bytes;
  g_queue_push_tail (&pp->full, b);
  g_cond_broadcast (&pp->cond);
  g_mutex_unlock (&pp->mutex);
}

static gpointer
reader_thread (gpointer data)
{
  Pipe *pp = data;
  TaExtractJob *self = pp->job;
  GError *error = NULL;
  Batch *b = NULL;

  for (pp->file = 0; pp->file < pp->files->len; pp->file++)
    {
      const char *path = g_ptr_array_index (pp->files, pp->file);
      guint64 size = g_array_index (pp->sizes, guint64, pp->file);
      TaPacketReader *reader;

      pp->config.file_index = pp->file;
      reader = ta_packet_reader_open (path, &pp->config, &error);
      if (reader == NULL)
        {
          if (g_error_matches (error, TA_ERROR, TA_ERROR_IO))
            {
              /* vanished or became unreadable since the check */
              ta_read_stats_add_warning (&self->stats, _("skipped: %s"), error->message);
              g_clear_error (&error);
              self->counts.files_skipped++;
              pp->bytes_before += size;
              continue;
            }
          break;
        }
      ta_packet_reader_set_filter (reader, pp->filter);
      g_mutex_lock (&pp->mutex);
      pp->reader = reader;
      g_mutex_unlock (&pp->mutex);
      self->counts.files_read++;
      g_ptr_array_add (pp->read_files, (gpointer) path);

      for (;;)
        {
          if (b == NULL && (b = take_empty (pp)) == NULL)
            break;
          if (!ta_packet_reader_next (reader, &b->pkts[b->n], &error))
            break;
          if (++b->n == BATCH_SIZE)
            {
              send_full (pp, b);
              b = NULL;
            }
        }
      /* damaged part-way (bad gzip data, a broken capture block): the
       * packets before the damage are kept, as for a cut file, and the
       * run says so (exit status 5) */
      if (g_error_matches (error, TA_ERROR, TA_ERROR_CORRUPT))
        {
          ta_read_stats_add_warning (&self->stats, _("%s (the packets before it were kept)"),
                                     error->message);
          self->stats.truncated++;
          g_clear_error (&error);
        }
      if (error == NULL && ta_packet_reader_get_stopped_early (reader))
        self->counts.files_stopped_early++;

      g_mutex_lock (&pp->mutex);
      pp->reader = NULL;
      pp->bytes_before += size;
      g_mutex_unlock (&pp->mutex);
      ta_packet_reader_free (reader);
      if (error != NULL || b == NULL)
        break;
      if (b->n > 0)
        {
          /* a batch never spans two files: progress names the right one */
          send_full (pp, b);
          b = NULL;
        }
    }

  g_mutex_lock (&pp->mutex);
  if (b != NULL)
    g_queue_push_tail (&pp->empty, b);
  if (error != NULL && !pp->stop)
    pp->error = g_steal_pointer (&error);
  pp->finished = TRUE;
  g_cond_broadcast (&pp->cond);
  g_mutex_unlock (&pp->mutex);
  g_clear_error (&error);
  return NULL;
}

/* The next full batch, NULL when the reader is done. Wakes up every
 * TA_JOB_REPORT_PERIOD_US to report progress and notice a cancellation. */
static Batch *
take_full (TaExtractJob   *self,
           Pipe           *pp,
           ProgressState  *ps,
           GError        **error)
{
  Batch *b = NULL;

  g_mutex_lock (&pp->mutex);
  for (;;)
    {
      gint64 until;

      if (!g_queue_is_empty (&pp->full))
        {
          b = g_queue_pop_head (&pp->full);
          break;
        }
      if (pp->finished)
        break;
      until = g_get_monotonic_time () + TA_JOB_REPORT_PERIOD_US;
      if (!g_cond_wait_until (&pp->cond, &pp->mutex, until))
        {
          guint64 rows = pp->snap_rows, bytes = pp->snap_bytes;
          guint file = pp->snap_file;

          g_mutex_unlock (&pp->mutex);
          if (g_cancellable_set_error_if_cancelled (pp->cancellable, error))
            return NULL;
          maybe_report (self, ps, rows, bytes, g_ptr_array_index (pp->files, MIN (file, pp->files->len - 1)), FALSE);
          g_mutex_lock (&pp->mutex);
        }
    }
  g_mutex_unlock (&pp->mutex);
  return b;
}

static void
give_back (Pipe  *pp,
           Batch *b)
{
  g_mutex_lock (&pp->mutex);
  g_queue_push_tail (&pp->empty, b);
  g_cond_broadcast (&pp->cond);
  g_mutex_unlock (&pp->mutex);
}

static gpointer
profile_thread (gpointer data)
{
  Pipe *pp = data;
  TaProfile *profile = pp->job->profile.profile;

  for (;;)
    {
      Batch *b;

      g_mutex_lock (&pp->mutex);
      while (g_queue_is_empty (&pp->profile_full) && !pp->profile_stop)
        g_cond_wait (&pp->cond, &pp->mutex);
      b = g_queue_pop_head (&pp->profile_full);
      g_mutex_unlock (&pp->mutex);
      if (b == NULL)
        break;
      for (guint k = 0; k < b->n_profile; k++)
        ta_profile_add (profile, &b->pkts[k]);
      give_back (pp, b);
    }
  return NULL;
}

/* A batch the writer is done with: to the profile thread, or back to the
 * reader */
static void
written (Pipe  *pp,
         Batch *b,
         guint  n)
{
  if (pp->profile_thread == NULL)
    {
      give_back (pp, b);
      return;
    }
  b->n_profile = n;
  g_mutex_lock (&pp->mutex);
  g_queue_push_tail (&pp->profile_full, b);
  g_cond_broadcast (&pp->cond);
  g_mutex_unlock (&pp->mutex);
}

static void
stop_profile_thread (Pipe *pp)
{
  if (pp->profile_thread == NULL)
    return;
  g_mutex_lock (&pp->mutex);
  pp->profile_stop = TRUE;
  g_cond_broadcast (&pp->cond);
  g_mutex_unlock (&pp->mutex);
  g_thread_join (g_steal_pointer (&pp->profile_thread));
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

/* The readable inputs and their sizes: a missing or unreadable file is a
 * warning */
static gboolean
check_inputs (TaExtractJob  *self,
              GPtrArray     *files,
              GArray        *sizes,
              guint64       *bytes_total,
              GError       **error)
{
  TaExtractOptions *o = self->options;

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
      *bytes_total += st.st_size;
    }
  if (files->len == 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_NO_INPUT, _("No readable input file"));
      return FALSE;
    }
  return TRUE;
}

/* The address and time filters; @filter_names gets the addresses for the
 * manifest (NULL-terminated), @addr_bits holds the filter's bit set */
static gboolean
build_filter (TaExtractJob    *self,
              TaPacketFilter  *filter,
              GPtrArray      **filter_names,
              GByteArray     **addr_bits,
              GError         **error)
{
  TaExtractOptions *o = self->options;

  if (o->filter_ips != NULL)
    {
      GPtrArray *names = *filter_names = g_ptr_array_new_with_free_func (g_free);
      GByteArray *bits = *addr_bits = g_byte_array_new ();

      for (guint i = 0; o->filter_ips[i] != NULL; i++)
        {
          guint32 index;
          const char *name;

          if (*o->filter_ips[i] == '\0')
            continue;
          if (!resolve_filter_ip (self, o->filter_ips[i], &index, error))
            return FALSE;
          if (index / 8 >= bits->len)
            {
              guint old = bits->len;

              g_byte_array_set_size (bits, index / 8 + 1);
              memset (bits->data + old, 0, bits->len - old);
            }
          name = ta_addr_table_get_name (self->addrs, index);
          if (!(bits->data[index / 8] & (1u << (index & 7))))
            g_ptr_array_add (names, g_strdup (name));
          bits->data[index / 8] |= 1u << (index & 7);
        }
      if (names->len == 0)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT, _("The IP filter is empty"));
          return FALSE;
        }
      g_ptr_array_add (names, NULL);
      filter->has_addrs = TRUE;
      filter->addr_bits = bits->data;
      filter->n_addr_bits = bits->len * 8;
    }
  filter->has_time_start = o->has_time_start;
  filter->time_start_us = o->time_start_us;
  filter->has_time_end = o->has_time_end;
  filter->time_end_us = o->time_end_us;
  return TRUE;
}

/* Reads @files through the reader thread into the folder writer */
static gboolean
pump (TaExtractJob   *self,
      Pipe           *pp,
      ProgressState  *ps,
      GCancellable   *cancellable,
      GError        **error)
{
  TaExtractOptions *o = self->options;
  GPtrArray *files = pp->files;
  Batch *batches;
  Batch *b;
  GThread *thread;
  GError *local_error = NULL;
  guint last_file = 0;
  guint64 kept = 0;

  g_mutex_init (&pp->mutex);
  g_cond_init (&pp->cond);
  batches = g_new (Batch, N_BATCHES);
  for (guint i = 0; i < N_BATCHES; i++)
    g_queue_push_tail (&pp->empty, &batches[i]);
  pp->filter->tick = reader_tick;
  pp->filter->tick_data = pp;

  maybe_report (self, ps, 0, 0, g_ptr_array_index (files, 0), TRUE);
  thread = g_thread_new ("ta-extract-read", reader_thread, pp);
  if (self->writer != NULL && self->profile.profile != NULL)
    pp->profile_thread = g_thread_new ("ta-extract-profile", profile_thread, pp);

  while ((b = take_full (self, pp, ps, &local_error)) != NULL)
    {
      guint k;

      if (self->has_preset)
        {
          guint w = 0;

          for (guint r = 0; r < b->n; r++)
            if (ta_preset_match_packet (self->preset, &b->pkts[r]))
              b->pkts[w++] = b->pkts[r];
          self->counts.rejected_preset += b->n - w;
          b->n = w;
        }
      for (k = 0; k < b->n; k++)
        {
          if (self->writer != NULL && !ta_folder_writer_add (self->writer, &b->pkts[k], &local_error))
            break;
          if (self->profile.profile != NULL && pp->profile_thread == NULL)
            ta_profile_add (self->profile.profile, &b->pkts[k]);
          kept++;
          if (o->max_records > 0 && kept >= o->max_records)
            {
              self->counts.max_reached = TRUE;
              break;
            }
        }
      self->counts.rows_kept = kept;
      maybe_report (self, ps, b->rows_read, b->bytes_done,
                    g_ptr_array_index (files, b->file), b->file != last_file);
      last_file = b->file;
      /* the packet that reached --max-records counts; a failed one not */
      written (pp, b, local_error != NULL ? k : MIN (k + 1, b->n));
      if (local_error != NULL || self->counts.max_reached ||
          g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;
    }

  /* the profile has every written packet; stop the reader (if it is
   * still going) and wait for it */
  stop_profile_thread (pp);
  g_mutex_lock (&pp->mutex);
  pp->stop = TRUE;
  g_cond_broadcast (&pp->cond);
  g_mutex_unlock (&pp->mutex);
  g_thread_join (thread);
  g_mutex_clear (&pp->mutex);
  g_cond_clear (&pp->cond);
  g_queue_clear (&pp->full);
  g_queue_clear (&pp->empty);
  g_queue_clear (&pp->profile_full);
  g_free (batches);

  if (local_error == NULL && pp->error != NULL)
    local_error = g_steal_pointer (&pp->error);
  g_clear_error (&pp->error);
  if (local_error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* The subset folder's writer (unless profile-only) and the profile */
static gboolean
open_outputs (TaExtractJob  *self,
              GError       **error)
{
  TaExtractOptions *o = self->options;
  TaFolderWriterOptions wopts = { 0 };
  g_autoptr(GPtrArray) ins = g_ptr_array_new ();

  wopts.chunk_size = o->chunk_size;
  wopts.flow_timeout_us = (gint64) o->flow_timeout_s * G_USEC_PER_SEC;
  wopts.force = o->force;
  for (guint i = 0; o->data_files && o->data_files[i]; i++)
    g_ptr_array_add (ins, o->data_files[i]);
  if (o->ip_map_path != NULL)
    g_ptr_array_add (ins, o->ip_map_path);
  g_ptr_array_add (ins, NULL);
  wopts.inputs = (const char * const *) ins->pdata;
  /* never replaced, nor a folder holding them (ta-out-target.h) */
  if (!o->profile_only)
    {
      self->writer = ta_folder_writer_new (o->output_dir, &wopts, self->addrs, error);
      if (self->writer == NULL)
        return FALSE;
    }
  return ta_extract_profile_begin (&self->profile, o, self->writer, wopts.inputs,
                                   self->addrs, error);
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
  TaManifestInfo info = { 0 };
  TaReaderConfig config = { 0 };
  ProgressState ps = { 0 };
  Pipe pp = { 0 };

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
  if (o->profile.pseudonymise != NULL && !o->profile_only)
    {
      /* the folder writer and the profile thread both name addresses */
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("Pseudonymised addresses are for a profile of its own, not a subset folder"));
      return FALSE;
    }
  if (!check_inputs (self, files, sizes, &ps.bytes_total, error))
    return FALSE;
  if (o->preset != NULL && !(self->has_preset = ta_preset_parse (o->preset, &self->preset, error)))
    return FALSE;

  self->addrs = ta_addr_table_new ();
  if (o->ip_map_path != NULL)
    {
      self->ip_map = ta_ip_map_load (o->ip_map_path, error);
      if (self->ip_map == NULL)
        return FALSE;
    }
  if (!build_filter (self, &filter, &filter_names, &addr_bits, error) ||
      cancelled (cancellable, error))
    return FALSE;

  if (!open_outputs (self, error))
    goto fail;

  config.addrs = self->addrs;
  config.ip_map = self->ip_map;
  config.stats = &self->stats;

  pp.job = self;
  pp.files = files;
  pp.sizes = sizes;
  pp.config = config;
  pp.filter = &filter;
  pp.cancellable = cancellable;
  pp.read_files = read_files;
  if (!pump (self, &pp, &ps, cancellable, error))
    goto fail;
  maybe_report (self, &ps, self->stats.rows, ps.bytes_total,
                g_ptr_array_index (files, files->len - 1), TRUE);

  self->counts.rejected_time = filter.rejected_time;
  self->counts.rejected_ip = filter.rejected_addr;
  g_ptr_array_add (read_files, NULL);

  /* an empty result is not a result: say which filter removed everything,
   * and leave no folder that would open as one */
  if (self->counts.rows_kept == 0)
    {
      g_autofree char *rows = ta_format_count (self->stats.rows);
      g_autofree char *by_time = ta_format_count (filter.rejected_time);
      g_autofree char *by_ip = ta_format_count (filter.rejected_addr);
      g_autofree char *bad = ta_format_count (self->stats.malformed);

      g_set_error (error, TA_ERROR, TA_ERROR_NO_MATCH,
                   _("No packet matched: of %s rows read, the time filter removed %s, the IP filter %s, "
                     "and %s were malformed; nothing was written"), rows, by_time, by_ip, bad);
      goto fail;
    }

  info.source_files = (const char * const *) read_files->pdata;
  info.attack_context = o->attack_context;
  info.filter_ips = filter_names ? (const char * const *) filter_names->pdata : NULL;
  info.has_time_start = o->has_time_start;
  info.time_start_us = o->time_start_us;
  info.has_time_end = o->has_time_end;
  info.time_end_us = o->time_end_us;
  if (!ta_extract_profile_finish (&self->profile, o, &info, files, &self->stats, error))
    goto fail;
  if (self->writer != NULL && !ta_folder_writer_finish (self->writer, &info, error))
    goto fail;

  self->succeeded = TRUE;
  return TRUE;

fail:
  self->counts.rejected_time = filter.rejected_time;
  self->counts.rejected_ip = filter.rejected_addr;
  if (self->writer != NULL)
    ta_folder_writer_abort (self->writer);
  ta_extract_profile_clear (&self->profile);
  return FALSE;
}

static gboolean
ta_extract_job_run (TaJob         *job,
                    GCancellable  *cancellable,
                    GError       **error)
{
  TaExtractJob *self = TA_EXTRACT_JOB (job);
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  ok = run_job (self, cancellable, error);
  self->wall_time = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  return ok;
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
  return self->succeeded && self->writer ? ta_folder_writer_get_summary (self->writer) : NULL;
}

const TaProfileSummary *
ta_extract_job_get_profile_summary (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), NULL);
  return self->succeeded ? self->profile.summary : NULL;
}

double
ta_extract_job_get_wall_time (TaExtractJob *self)
{
  g_return_val_if_fail (TA_IS_EXTRACT_JOB (self), 0);
  return self->wall_time;
}
