/* ta-data-files.c — which data files a selection reads, and what a quick
 * look at each tells about its time span
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-csv-reader.h"
#include "ta-data-files.h"
#include "ta-error.h"
#include "ta-input.h"
#include "ta-read-stats.h"

char *
ta_command_map_attack_file (const char *attack_file,
                            const char *data_dir)
{
  static const char *suffixes[] = { "_grouped_attacks.csv", "_attacks.csv", "_attack.csv" };
  g_autofree char *base = g_path_get_basename (attack_file);
  g_autofree char *leaf = NULL;
  gsize len = strlen (base);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes) && leaf == NULL; i++)
    {
      gsize slen = strlen (suffixes[i]);

      if (len > slen && g_ascii_strcasecmp (base + len - slen, suffixes[i]) == 0)
        leaf = g_strdup_printf ("decoded_%.*s.csv", (int) (len - slen), base);
    }
  if (leaf == NULL)
    leaf = g_strconcat ("decoded_", base, NULL);

  return g_build_filename (data_dir, leaf, NULL);
}

/* The sidebar resolves data files on every selection change: remember each
 * file's span, keyed by path and checked against its size and mtime, so a
 * repeat costs a stat() instead of reading the file again. */
typedef struct
{
  gint64     size;
  gint64     mtime;
  TaFileSpan span;
} CachedSpan;

G_LOCK_DEFINE_STATIC (span_cache);
static GHashTable *span_cache;   /* char* path -> CachedSpan* */

#define PROBE_WINDOW (64 * 1024)

/* The first packet of @data (a memory copy of a file's start or tail) as
 * the capture or packet CSV reader reads it; with @last, the last one. */
static gboolean
probe_window (const guint8 *data,
              gsize         len,
              const char   *name,
              gboolean      last,
              gint64       *ts)
{
  g_autoptr(TaAddrTable) addrs = ta_addr_table_new ();
  g_autoptr(TaCaptureReader) capture = NULL;
  g_autoptr(TaCsvReader) csv = NULL;
  TaInput *in = ta_input_new_from_data (data, len, name);
  TaReaderConfig config = { 0, };
  TaReadStats stats;
  TaPacket pkt;
  gboolean found = FALSE;

  ta_read_stats_init (&stats);
  config.addrs = addrs;
  config.stats = &stats;
  if (ta_capture_sniff (data, len, NULL))
    capture = ta_capture_reader_new (in, &config, NULL);
  else
    csv = ta_csv_reader_new (in, &config, NULL);
  if (capture == NULL && csv == NULL)
    ;   /* the reader freed the input: a span it cannot tell */
  else if (capture != NULL)
    found = ta_capture_reader_next (capture, &pkt, NULL);
  else
    while (ta_csv_reader_next (csv, &pkt, NULL))
      {
        found = TRUE;
        if (!last)
          break;
        *ts = pkt.ts;
      }
  if (found && !last)
    *ts = pkt.ts;
  ta_read_stats_clear (&stats);
  return found;
}

/* The last packet of a plain packet CSV: its header line and the complete
 * lines of its last PROBE_WINDOW bytes, read by the CSV reader */
static void
probe_csv_last (const char   *path,
                const guint8 *head,
                gsize         head_len,
                TaFileSpan   *span)
{
  const guint8 *nl = memchr (head, '\n', head_len);
  g_autofree guint8 *buf = NULL;
  gsize header_len;
  goffset size, from;
  gssize got;
  const guint8 *rows;
  int fd;

  if (nl == NULL)
    return;
  header_len = nl + 1 - head;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  size = lseek (fd, 0, SEEK_END);
  from = size > PROBE_WINDOW ? size - PROBE_WINDOW : 0;
  if (from < (goffset) header_len)
    {
      close (fd);   /* the window already held the whole file */
      if (probe_window (head, head_len, path, TRUE, &span->last_us))
        span->has_last = TRUE;
      return;
    }
  buf = g_malloc (header_len + PROBE_WINDOW);
  memcpy (buf, head, header_len);
  got = pread (fd, buf + header_len, size - from, from);
  close (fd);
  if (got <= 0)
    return;
  /* the window's first line began before it */
  rows = memchr (buf + header_len, '\n', got);
  if (rows == NULL)
    return;
  rows++;
  memmove (buf + header_len, rows, buf + header_len + got - rows);
  got -= rows - (buf + header_len);
  if (probe_window (buf, header_len + got, path, TRUE, &span->last_us))
    span->has_last = TRUE;
}

static gboolean
probe_span (const char *path,
            TaFileSpan *span,
            GError    **error)
{
  g_autoptr(TaInput) in = NULL;
  const guint8 *buf;
  gsize avail = 0;

  memset (span, 0, sizeof *span);

  in = ta_input_open (path, error);
  if (in == NULL)
    return FALSE;

  buf = ta_input_peek (in, PROBE_WINDOW, &avail, NULL);
  if (buf == NULL || avail < 4)
    return TRUE;   /* unreadable or empty: nothing known */
  avail = MIN (avail, PROBE_WINDOW);
  if (probe_window (buf, avail, path, FALSE, &span->first_us))
    span->has_first = TRUE;
  if (!ta_capture_sniff (buf, avail, NULL) && !ta_input_is_gzip (in))
    probe_csv_last (path, buf, avail, span);
  return TRUE;
}

gboolean
ta_data_file_probe_span (const char *path,
                         TaFileSpan *span,
                         GError    **error)
{
  GStatBuf st;
  CachedSpan *cached;
  gboolean have_stat = g_stat (path, &st) == 0;

  if (have_stat)
    {
      G_LOCK (span_cache);
      cached = span_cache ? g_hash_table_lookup (span_cache, path) : NULL;
      if (cached != NULL && cached->size == (gint64) st.st_size && cached->mtime == (gint64) st.st_mtime)
        {
          *span = cached->span;
          G_UNLOCK (span_cache);
          return TRUE;
        }
      G_UNLOCK (span_cache);
    }

  if (!probe_span (path, span, error))
    return FALSE;

  if (have_stat)
    {
      cached = g_new (CachedSpan, 1);
      cached->size = st.st_size;
      cached->mtime = st.st_mtime;
      cached->span = *span;
      G_LOCK (span_cache);
      if (span_cache == NULL || g_hash_table_size (span_cache) >= 4096)
        {
          g_clear_pointer (&span_cache, g_hash_table_unref);
          span_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        }
      g_hash_table_replace (span_cache, g_strdup (path), cached);
      G_UNLOCK (span_cache);
    }
  return TRUE;
}

gboolean
ta_file_span_overlaps (const TaFileSpan *span,
                       gint64            start_us,
                       gint64            end_us)
{
  if (span->has_first && span->first_us > end_us)
    return FALSE;
  if (span->has_last && span->last_us < start_us)
    return FALSE;
  return TRUE;
}

static gboolean
is_data_file_name (const char *name)
{
  static const char *exts[] = { ".csv", ".pcap", ".pcapng", ".cap" };
  g_autofree char *lower = g_ascii_strdown (name, -1);
  gsize len;

  if (name[0] == '.')
    return FALSE;
  if (g_str_has_suffix (lower, ".gz"))
    lower[strlen (lower) - 3] = '\0';
  len = strlen (lower);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      gsize elen = strlen (exts[i]);

      if (len > elen && strcmp (lower + len - elen, exts[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  char      *path;
  TaFileSpan span;
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_free (c->path);
  g_free (c);
}

static gint
candidate_cmp (gconstpointer a,
               gconstpointer b)
{
  const Candidate *ca = *(Candidate * const *) a;
  const Candidate *cb = *(Candidate * const *) b;

  if (ca->span.has_first && cb->span.has_first && ca->span.first_us != cb->span.first_us)
    return ca->span.first_us < cb->span.first_us ? -1 : 1;
  if (ca->span.has_first != cb->span.has_first)
    return ca->span.has_first ? -1 : 1;
  return strcmp (ca->path, cb->path);
}

static void
note (GPtrArray  *notes,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (GPtrArray  *notes,
      const char *format,
      ...)
{
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (notes, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
resolve_folder (const char         *dir,
                const char * const *attack_files,
                gboolean            has_time_range,
                gint64              start_us,
                gint64              end_us,
                GPtrArray          *out,
                GPtrArray          *notes,
                GError            **error)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) cands = NULL;
  gboolean by_convention = FALSE;
  const char *name;

  /* 1. the original's naming convention */
  if (attack_files != NULL)
    for (guint i = 0; attack_files[i] != NULL; i++)
      {
        g_autofree char *mapped = ta_command_map_attack_file (attack_files[i], dir);
        g_autofree char *mapped_gz = g_strconcat (mapped, ".gz", NULL);

        if (g_file_test (mapped, G_FILE_TEST_IS_REGULAR))
          {
            note (notes, _("%s: named by the convention for %s"), mapped, attack_files[i]);
            g_ptr_array_add (out, g_steal_pointer (&mapped));
            by_convention = TRUE;
          }
        else if (g_file_test (mapped_gz, G_FILE_TEST_IS_REGULAR))
          {
            note (notes, _("%s: named by the convention for %s"), mapped_gz, attack_files[i]);
            g_ptr_array_add (out, g_steal_pointer (&mapped_gz));
            by_convention = TRUE;
          }
      }
  if (by_convention)
    return TRUE;

  /* 2. every data file whose span overlaps */
  d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return FALSE;

  cands = g_ptr_array_new_with_free_func (candidate_free);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) local_error = NULL;
      Candidate *c;

      if (!is_data_file_name (name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      c = g_new0 (Candidate, 1);
      c->path = g_steal_pointer (&path);
      if (!ta_data_file_probe_span (c->path, &c->span, &local_error))
        note (notes, _("%s: span unknown (%s)"), c->path, local_error->message);

      if (has_time_range && !ta_file_span_overlaps (&c->span, start_us, end_us))
        {
          note (notes, _("%s: skipped, its time span does not overlap the selection"), c->path);
          candidate_free (c);
          continue;
        }
      if (has_time_range)
        note (notes, c->span.has_first || c->span.has_last
                       ? _("%s: its time span overlaps the selection")
                       : _("%s: used, its time span is unknown"),
              c->path);
      g_ptr_array_add (cands, c);
    }

  g_ptr_array_sort (cands, candidate_cmp);
  for (guint i = 0; i < cands->len; i++)
    {
      Candidate *c = g_ptr_array_index (cands, i);

      g_ptr_array_add (out, g_steal_pointer (&c->path));
    }

  return TRUE;
}

GStrv
ta_command_resolve_data_files (const char * const *data_paths,
                               const char * const *attack_files,
                               gboolean            has_time_range,
                               gint64              start_us,
                               gint64              end_us,
                               GPtrArray          *notes,
                               GError            **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (data_paths != NULL)
    for (guint i = 0; data_paths[i] != NULL; i++)
      {
        g_autofree char *path = NULL;

        if (data_paths[i][0] == '\0')
          continue;
        path = g_canonicalize_filename (data_paths[i], NULL);

        if (g_file_test (path, G_FILE_TEST_IS_DIR))
          {
            if (!resolve_folder (path, attack_files, has_time_range, start_us, end_us,
                                 out, notes, error))
              return NULL;
          }
        else if (g_file_test (path, G_FILE_TEST_EXISTS))
          {
            g_ptr_array_add (out, g_steal_pointer (&path));
          }
        else
          {
            note (notes, _("%s: does not exist, left out"), path);
          }
      }

  /* a file named twice (a folder and one of its files) is read once */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < out->len;)
      {
        const char *p = g_ptr_array_index (out, i);

        if (g_hash_table_contains (seen, p))
          {
            g_ptr_array_remove_index (out, i);
          }
        else
          {
            g_hash_table_add (seen, (gpointer) p);
            i++;
          }
      }
  }

  if (out->len == 0)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_NO_INPUT,
                           _("No data file matches the selection: check the data paths in the settings"));
      return NULL;
    }

  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_steal (out, NULL);
}

