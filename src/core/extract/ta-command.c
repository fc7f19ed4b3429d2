/* ta-command.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "ta-command.h"
#include "ta-error.h"
#include "ta-input.h"

G_DEFINE_BOXED_TYPE (TaExtractSpec, ta_extract_spec,
                     ta_extract_spec_copy, ta_extract_spec_free)

TaExtractSpec *
ta_extract_spec_new (void)
{
  return g_new0 (TaExtractSpec, 1);
}

TaExtractSpec *
ta_extract_spec_copy (const TaExtractSpec *spec)
{
  TaExtractSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = ta_extract_spec_new ();
  copy->data_files = g_strdupv (spec->data_files);
  copy->ip_map = g_strdup (spec->ip_map);
  copy->output_dir = g_strdup (spec->output_dir);
  copy->filter_ips = g_strdupv (spec->filter_ips);
  copy->has_time_range = spec->has_time_range;
  copy->first_minute = spec->first_minute;
  copy->last_minute = spec->last_minute;
  copy->attack_context = g_strdup (spec->attack_context);

  return copy;
}

void
ta_extract_spec_free (TaExtractSpec *spec)
{
  if (spec == NULL)
    return;

  g_strfreev (spec->data_files);
  g_free (spec->ip_map);
  g_free (spec->output_dir);
  g_strfreev (spec->filter_ips);
  g_free (spec->attack_context);
  g_free (spec);
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

gboolean
ta_extract_spec_equal (const TaExtractSpec *a,
                       const TaExtractSpec *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return strv_equal0 (a->data_files, b->data_files) &&
         g_strcmp0 (a->ip_map, b->ip_map) == 0 &&
         g_strcmp0 (a->output_dir, b->output_dir) == 0 &&
         strv_equal0 (a->filter_ips, b->filter_ips) &&
         a->has_time_range == b->has_time_range &&
         (!a->has_time_range ||
          (a->first_minute == b->first_minute && a->last_minute == b->last_minute)) &&
         g_strcmp0 (a->attack_context, b->attack_context) == 0;
}

gboolean
ta_minutes_to_us_range (gint64   first_minute,
                        gint64   last_minute,
                        gint64  *start_us,
                        gint64  *end_us,
                        GError **error)
{
  const gint64 max_minute = G_MAXINT64 / TA_US_PER_MINUTE;
  const gint64 min_minute = G_MININT64 / TA_US_PER_MINUTE;

  if (first_minute > last_minute)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("The time range starts at minute %lld after it ends at minute %lld"),
                   (long long) first_minute, (long long) last_minute);
      return FALSE;
    }
  /* end = (last + 1) × 60 000 000 must fit: last + 1 ≤ max_minute */
  if (first_minute < min_minute || last_minute >= max_minute)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("The time range %lld–%lld (minutes) does not fit in microseconds"),
                   (long long) first_minute, (long long) last_minute);
      return FALSE;
    }

  if (start_us != NULL)
    *start_us = first_minute * TA_US_PER_MINUTE;
  if (end_us != NULL)
    *end_us = (last_minute + 1) * TA_US_PER_MINUTE;

  return TRUE;
}

gboolean
ta_extract_spec_get_time_us (const TaExtractSpec *spec,
                             gint64              *start_us,
                             gint64              *end_us,
                             GError             **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!spec->has_time_range)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("The selection has no time range"));
      return FALSE;
    }
  return ta_minutes_to_us_range (spec->first_minute, spec->last_minute,
                                 start_us, end_us, error);
}

gboolean
ta_extract_spec_validate (const TaExtractSpec *spec,
                          GError             **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->data_files == NULL || spec->data_files[0] == NULL)
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_NO_INPUT,
                           _("No data file to extract from: set where the raw packet data lives"));
      return FALSE;
    }
  for (guint i = 0; spec->data_files[i] != NULL; i++)
    if (spec->data_files[i][0] == '\0')
      {
        g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                             _("A data file name is empty"));
        return FALSE;
      }
  if (spec->output_dir == NULL || spec->output_dir[0] == '\0')
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("No output folder: set where subsets go"));
      return FALSE;
    }
  if (spec->filter_ips != NULL)
    for (guint i = 0; spec->filter_ips[i] != NULL; i++)
      {
        const char *ip = spec->filter_ips[i];

        if (ip[0] == '\0' || strchr (ip, ',') != NULL)
          {
            g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                         _("“%s” is not an IP id or address"), ip);
            return FALSE;
          }
      }
  if (spec->has_time_range &&
      !ta_extract_spec_get_time_us (spec, NULL, NULL, error))
    return FALSE;

  return TRUE;
}

char *
ta_command_path_arg (const char *path)
{
  if (path[0] == '-')
    return g_strconcat ("./", path, NULL);
  return g_strdup (path);
}

/* The options the spec stands for, field by field: paths as
 * ta_command_path_arg() writes them, IPs as "--filter-ips" reads them, the
 * minutes as µs */
static TaExtractOptions *
spec_options (const TaExtractSpec  *spec,
              GError              **error)
{
  g_autoptr(TaExtractOptions) options = NULL;
  guint n;

  if (!ta_extract_spec_validate (spec, error))
    return NULL;

  options = ta_extract_options_new ();

  n = g_strv_length (spec->data_files);
  options->data_files = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    options->data_files[i] = ta_command_path_arg (spec->data_files[i]);

  if (spec->ip_map != NULL && spec->ip_map[0] != '\0')
    options->ip_map_path = ta_command_path_arg (spec->ip_map);
  options->output_dir = ta_command_path_arg (spec->output_dir);

  if (spec->filter_ips != NULL && spec->filter_ips[0] != NULL)
    {
      n = g_strv_length (spec->filter_ips);
      options->filter_ips = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        options->filter_ips[i] = g_strstrip (g_strdup (spec->filter_ips[i]));
    }

  if (spec->has_time_range)
    {
      if (!ta_extract_spec_get_time_us (spec, &options->time_start_us, &options->time_end_us, error))
        return NULL;
      options->has_time_start = TRUE;
      options->has_time_end = TRUE;
    }

  if (spec->attack_context != NULL && spec->attack_context[0] != '\0')
    options->attack_context = g_strdup (spec->attack_context);

  return g_steal_pointer (&options);
}

GStrv
ta_extract_spec_build_argv (const TaExtractSpec *spec,
                            const char          *program,
                            GError             **error)
{
  g_autoptr(TaExtractOptions) options = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  options = spec_options (spec, error);
  if (options == NULL)
    return NULL;
  return ta_extract_options_build_argv (options, program, error);
}

char *
ta_extract_spec_build_shell_line (const TaExtractSpec *spec,
                                  const char          *program,
                                  gboolean             multiline,
                                  GError             **error)
{
  g_auto(GStrv) argv = NULL;

  argv = ta_extract_spec_build_argv (spec, program, error);
  if (argv == NULL)
    return NULL;
  return ta_extract_argv_to_shell_line ((const char * const *) argv, multiline);
}

TaExtractOptions *
ta_extract_spec_to_options (const TaExtractSpec *spec,
                            GError             **error)
{
  g_autofree char *line = ta_extract_spec_build_shell_line (spec, NULL, TRUE, error);

  if (line == NULL)
    return NULL;
  return ta_extract_options_parse_command_line (line, error);
}

/* ---------------------------------------------------------------------- */
/* folder names                                                            */

static gboolean
name_char_ok (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '+';
  /* letters and digits of any script; no spaces, marks alone, controls,
   * format characters (bidi overrides) or private use */
  return g_unichar_isalnum (c);
}

char *
ta_command_sanitize_name (const char *text,
                          gsize       max_bytes)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;
  gboolean last_us = FALSE;

  if (max_bytes < 1)
    max_bytes = 1;

  valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  out = g_string_new (NULL);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char buf[8];
      gint n;

      if (!name_char_ok (c))
        c = '_';
      if (c == '_')
        {
          if (last_us)
            continue;
          last_us = TRUE;
        }
      else
        last_us = FALSE;

      /* nothing may start with ".", "-" or "_" */
      if (out->len == 0 && (c == '.' || c == '-' || c == '_'))
        {
          last_us = FALSE;
          continue;
        }

      n = g_unichar_to_utf8 (c, buf);
      if (out->len + n > max_bytes)
        break;
      g_string_append_len (out, buf, n);
    }

  /* no trailing "_" or "." (a name ending in "." is awkward on some systems) */
  while (out->len > 0 &&
         (out->str[out->len - 1] == '_' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);

  if (out->len == 0)
    g_string_assign (out, "x");

  return g_string_free (out, FALSE);
}

static char *
format_minute (gint64      minute,
               const char *format)
{
  g_autoptr(GDateTime) dt = NULL;

  /* GDateTime covers years 1–9999 */
  if (minute > -G_GINT64_CONSTANT (1000000000000) && minute < G_GINT64_CONSTANT (1000000000000))
    dt = g_date_time_new_from_unix_utc (minute * 60);
  if (dt == NULL)
    return g_strdup_printf ("m%" G_GINT64_FORMAT, minute);
  return g_date_time_format (dt, format);
}

char *
ta_command_folder_name (const char * const *attack_types,
                        gboolean            has_time_range,
                        gint64              first_minute,
                        gint64              last_minute)
{
  g_autoptr(GString) label = g_string_new (NULL);
  g_autofree char *safe_label = NULL;
  g_autofree char *range = NULL;
  g_autofree char *name = NULL;
  guint n_types = attack_types != NULL ? g_strv_length ((char **) attack_types) : 0;

  for (guint i = 0; i < n_types && i < 2; i++)
    {
      if (i > 0)
        g_string_append_c (label, '+');
      g_string_append (label, attack_types[i]);
    }
  if (n_types > 2)
    g_string_append_printf (label, "+%u", n_types - 2);
  if (label->len == 0)
    g_string_append (label, "selection");

  /* the date part is at most 36 bytes, the label gets the rest */
  safe_label = ta_command_sanitize_name (label->str, TA_FOLDER_NAME_MAX - 40);

  if (has_time_range)
    {
      g_autofree char *start = format_minute (first_minute, "%Y-%m-%dT%H%MZ");
      g_autofree char *start_day = format_minute (first_minute, "%Y-%m-%d");
      g_autofree char *end_day = format_minute (last_minute, "%Y-%m-%d");
      g_autofree char *end = NULL;

      if (g_strcmp0 (start_day, end_day) == 0 && start[0] != 'm')
        end = format_minute (last_minute, "%H%MZ");
      else
        end = format_minute (last_minute, "%Y-%m-%dT%H%MZ");
      range = g_strdup_printf ("%s-%s", start, end);
    }

  if (range != NULL)
    name = g_strdup_printf ("%s_%s", safe_label, range);
  else
    name = g_strdup (safe_label);

  return ta_command_sanitize_name (name, TA_FOLDER_NAME_MAX);
}

char *
ta_command_unique_path (const char *parent,
                        const char *name,
                        GHashTable *reserved)
{
  for (guint i = 1; i < 100000; i++)
    {
      g_autofree char *leaf = NULL;
      g_autofree char *path = NULL;

      leaf = i == 1 ? g_strdup (name) : g_strdup_printf ("%s-%u", name, i);
      path = g_build_filename (parent, leaf, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
          !g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
          (reserved == NULL || !g_hash_table_contains (reserved, path)))
        return g_steal_pointer (&path);
    }

  /* 100 000 folders of the same name: fall back to a time stamp */
  return g_strdup_printf ("%s/%s-%" G_GINT64_FORMAT, parent, name, g_get_real_time ());
}

/* ---------------------------------------------------------------------- */
/* file mapping                                                            */

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

/* µs from an epoch value in s, ms or µs, told apart by magnitude (FORMATS §1) */
static gboolean
parse_epoch_us (const char *text,
                gsize       len,
                gint64     *out)
{
  char buf[64];
  char *end;
  double v, a;

  while (len > 0 && (*text == ' ' || *text == '"'))
    text++, len--;
  while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '"' || text[len - 1] == '\r'))
    len--;
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, text, len);
  buf[len] = '\0';

  v = g_ascii_strtod (buf, &end);
  if (end == buf || *end != '\0' || !isfinite (v))
    return FALSE;

  a = fabs (v);
  if (a < 1e11)
    v *= 1e6;
  else if (a < 1e14)
    v *= 1e3;
  if (v >= 9.2e18 || v <= -9.2e18)
    return FALSE;
  *out = (gint64) llround (v);
  return TRUE;
}

/* The @col-th comma-separated field of @line (no quoting: the timestamp
 * column of a packet CSV holds a number) */
static gboolean
csv_field (const char *line,
           gsize       len,
           guint       col,
           const char **field,
           gsize       *flen)
{
  const char *p = line, *end = line + len;
  guint i = 0;

  for (;;)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *fend = comma != NULL ? comma : end;

      if (i == col)
        {
          *field = p;
          *flen = fend - p;
          return TRUE;
        }
      if (comma == NULL)
        return FALSE;
      p = comma + 1;
      i++;
    }
}

static gint
csv_timestamp_column (const char *line,
                      gsize       len)
{
  /* skip a UTF-8 byte order mark */
  if (len >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
    line += 3, len -= 3;

  for (guint col = 0; col < 4096; col++)
    {
      const char *f;
      gsize flen;

      if (!csv_field (line, len, col, &f, &flen))
        break;
      while (flen > 0 && (*f == ' ' || *f == '"'))
        f++, flen--;
      while (flen > 0 && (f[flen - 1] == ' ' || f[flen - 1] == '"' || f[flen - 1] == '\r'))
        flen--;
      if (flen == 9 && g_ascii_strncasecmp (f, "timestamp", 9) == 0)
        return col;
    }
  return -1;
}

static guint32
rd32 (const guint8 *p,
      gboolean      swap)
{
  guint32 v;

  memcpy (&v, p, 4);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

#define PROBE_WINDOW (64 * 1024)

static void
probe_pcap_first (const guint8 *buf,
                  gsize         avail,
                  TaFileSpan   *span)
{
  guint32 magic;
  gboolean swap, nano;

  if (avail < 24 + 16)
    return;
  memcpy (&magic, buf, 4);
  switch (magic)
    {
    case 0xa1b2c3d4: swap = FALSE; nano = FALSE; break;
    case 0xd4c3b2a1: swap = TRUE;  nano = FALSE; break;
    case 0xa1b23c4d: swap = FALSE; nano = TRUE;  break;
    case 0x4d3cb2a1: swap = TRUE;  nano = TRUE;  break;
    default: return;
    }
  span->first_us = (gint64) rd32 (buf + 24, swap) * G_USEC_PER_SEC +
                   (nano ? rd32 (buf + 28, swap) / 1000 : rd32 (buf + 28, swap));
  span->has_first = TRUE;
}

/* pcapng: the first Enhanced (or obsolete) Packet Block in the window, in
 * the resolution of its interface (if_tsresol; default µs) */
static void
probe_pcapng_first (const guint8 *buf,
                    gsize         avail,
                    TaFileSpan   *span)
{
  guint8 tsresol[64];
  guint n_if = 0;
  gboolean swap = FALSE;
  gsize off = 0;

  while (off + 12 <= avail)
    {
      guint32 type, len;
      const guint8 *body;
      gsize body_len;

      memcpy (&type, buf + off, 4);
      if (type == 0x0a0d0d0a)
        {
          guint32 bom;

          memcpy (&bom, buf + off + 8, 4);
          if (bom == 0x1a2b3c4d)
            swap = FALSE;
          else if (bom == 0x4d3c2b1a)
            swap = TRUE;
          else
            return;
          n_if = 0;   /* a new section restarts interface numbering */
        }
      else if (swap)
        type = GUINT32_SWAP_LE_BE (type);

      len = rd32 (buf + off + 4, swap);
      if (len < 12 || len % 4 != 0 || off + len > avail)
        return;
      body = buf + off + 8;
      body_len = len - 12;

      if (type == 1 && body_len >= 8)             /* Interface Description */
        {
          guint8 res = 6;
          gsize o = 8;

          while (o + 4 <= body_len)
            {
              guint16 code, olen;

              memcpy (&code, body + o, 2);
              memcpy (&olen, body + o + 2, 2);
              if (swap)
                code = GUINT16_SWAP_LE_BE (code), olen = GUINT16_SWAP_LE_BE (olen);
              if (code == 0)
                break;
              if (code == 9 && olen >= 1 && o + 5 <= body_len)
                res = body[o + 4];
              o += 4 + ((olen + 3u) & ~3u);
            }
          if (n_if < G_N_ELEMENTS (tsresol))
            tsresol[n_if] = res;
          n_if++;
        }
      else if ((type == 6 && body_len >= 12) || (type == 2 && body_len >= 12))
        {
          guint32 iface = type == 6 ? rd32 (body, swap)
                                    : (swap ? GUINT16_SWAP_LE_BE (*(const guint16 *) body)
                                            : *(const guint16 *) body);
          guint64 ts = ((guint64) rd32 (body + 4, swap) << 32) | rd32 (body + 8, swap);
          guint8 res = iface < MIN (n_if, G_N_ELEMENTS (tsresol)) ? tsresol[iface] : 6;
          double us;

          if (res & 0x80)
            us = (double) ts * 1e6 / ldexp (1.0, res & 0x7f);
          else if (res <= 6)
            us = (double) ts * pow (10, 6 - res);
          else
            us = (double) ts / pow (10, res - 6);
          if (us < 9.2e18)
            {
              span->first_us = (gint64) us;
              span->has_first = TRUE;
            }
          return;
        }
      off += len;
    }
}

/* The last complete line of a plain file, from one read of its tail */
static void
probe_csv_last (const char *path,
                guint       ts_col,
                TaFileSpan *span)
{
  g_autofree char *tail = NULL;
  goffset size, from;
  gssize got;
  char *end, *nl;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  size = lseek (fd, 0, SEEK_END);
  from = size > PROBE_WINDOW ? size - PROBE_WINDOW : 0;
  tail = g_malloc (PROBE_WINDOW + 1);
  got = size > 0 ? pread (fd, tail, size - from, from) : 0;
  close (fd);
  if (got <= 0)
    return;
  tail[got] = '\0';

  end = tail + got;
  /* drop trailing newlines, then walk back line by line (a few tries) */
  for (guint tries = 0; tries < 16 && end > tail; tries++)
    {
      const char *field;
      gsize flen;
      char *line;

      while (end > tail && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
      if (end == tail)
        return;
      *end = '\0';
      nl = g_strrstr_len (tail, end - tail, "\n");
      if (nl == NULL && from > 0)
        return;   /* the line began before the window: give up */
      line = nl != NULL ? nl + 1 : tail;
      if (csv_field (line, end - line, ts_col, &field, &flen) &&
          parse_epoch_us (field, flen, &span->last_us))
        {
          span->has_last = TRUE;
          return;
        }
      if (nl == NULL)
        return;
      end = nl;
    }
}

static gboolean probe_span (const char *path,
                            TaFileSpan *span,
                            GError    **error);

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

static gboolean
probe_span (const char *path,
            TaFileSpan *span,
            GError    **error)
{
  g_autoptr(TaInput) in = NULL;
  const guint8 *buf;
  gsize avail = 0;
  const char *p, *end, *nl;
  gint ts_col;

  memset (span, 0, sizeof *span);

  in = ta_input_open (path, error);
  if (in == NULL)
    return FALSE;

  buf = ta_input_peek (in, PROBE_WINDOW, &avail, NULL);
  if (buf == NULL || avail < 4)
    return TRUE;   /* unreadable or empty: nothing known */

  if (memcmp (buf, "\x0a\x0d\x0d\x0a", 4) == 0)
    {
      probe_pcapng_first (buf, avail, span);
      return TRUE;
    }
  probe_pcap_first (buf, avail, span);
  if (span->has_first)
    return TRUE;

  /* CSV: header, then the first row with a readable timestamp */
  p = (const char *) buf;
  end = p + avail;
  nl = memchr (p, '\n', end - p);
  if (nl == NULL)
    return TRUE;
  ts_col = csv_timestamp_column (p, nl - p);
  if (ts_col < 0)
    return TRUE;

  for (guint tries = 0; tries < 16; tries++)
    {
      const char *field;
      gsize flen;

      p = nl + 1;
      if (p >= end)
        break;
      nl = memchr (p, '\n', end - p);
      if (nl == NULL)
        break;
      if (csv_field (p, nl - p, ts_col, &field, &flen) &&
          parse_epoch_us (field, flen, &span->first_us))
        {
          span->has_first = TRUE;
          break;
        }
    }

  if (!ta_input_is_gzip (in))
    probe_csv_last (path, ts_col, span);

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

TaExtractSpec *
ta_extract_spec_new_for_selection (const TaSelectionInfo   *selection,
                                   const TaExtractSettings *settings,
                                   GHashTable              *reserved,
                                   GPtrArray               *notes,
                                   GError                 **error)
{
  g_autoptr(TaExtractSpec) spec = ta_extract_spec_new ();
  g_autofree char *name = NULL;
  gint64 start_us = 0, end_us = 0;
  gboolean use_ids;

  g_return_val_if_fail (selection != NULL && settings != NULL, NULL);

  if (selection->has_time_range &&
      !ta_minutes_to_us_range (selection->first_minute, selection->last_minute,
                               &start_us, &end_us, error))
    return NULL;

  if (settings->output_parent == NULL || settings->output_parent[0] == '\0')
    {
      g_set_error_literal (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                           _("No output folder: set where subsets go"));
      return NULL;
    }

  spec->data_files = ta_command_resolve_data_files (settings->data_paths,
                                                    selection->attack_files,
                                                    selection->has_time_range,
                                                    start_us, end_us, notes, error);
  if (spec->data_files == NULL)
    return NULL;

  if (settings->ip_map != NULL && settings->ip_map[0] != '\0')
    spec->ip_map = g_canonicalize_filename (settings->ip_map, NULL);

  use_ids = spec->ip_map != NULL || selection->ip_names == NULL;
  if (selection->n_ips > 0)
    {
      spec->filter_ips = g_new0 (char *, selection->n_ips + 1);
      for (guint i = 0; i < selection->n_ips; i++)
        spec->filter_ips[i] = use_ids || selection->ip_names[i] == NULL
                                ? g_strdup_printf ("%" G_GINT64_FORMAT, selection->ip_ids[i])
                                : g_strdup (selection->ip_names[i]);
    }

  spec->has_time_range = selection->has_time_range;
  spec->first_minute = selection->first_minute;
  spec->last_minute = selection->last_minute;

  if (selection->attack_types != NULL && selection->attack_types[0] != NULL)
    spec->attack_context = g_strjoinv (", ", (char **) selection->attack_types);

  name = ta_command_folder_name (selection->attack_types, selection->has_time_range,
                                 selection->first_minute, selection->last_minute);
  {
    g_autofree char *parent = g_canonicalize_filename (settings->output_parent, NULL);
    spec->output_dir = ta_command_unique_path (parent, name, reserved);
  }

  return g_steal_pointer (&spec);
}

void
ta_debug_selection_clear (TaDebugSelection *sel)
{
  g_clear_pointer (&sel->ip_ids, g_array_unref);
  g_clear_pointer (&sel->attack_types, g_strfreev);
  g_clear_pointer (&sel->data_paths, g_strfreev);
  g_clear_pointer (&sel->ip_map, g_free);
  g_clear_pointer (&sel->output_dir, g_free);
  memset (sel, 0, sizeof *sel);
}

static gboolean
parse_int64 (const char *text,
             gint64     *out)
{
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL);
}

gboolean
ta_debug_selection_parse (const char       *text,
                          TaDebugSelection *out,
                          GError          **error)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ";", -1);

  memset (out, 0, sizeof *out);
  out->ip_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *eq = strchr (part, '=');
      const char *key, *value;

      if (part[0] == '\0')
        continue;
      if (eq == NULL)
        goto bad;
      *eq = '\0';
      key = g_strstrip (part);
      value = g_strstrip (eq + 1);

      if (strcmp (key, "ips") == 0)
        {
          g_auto(GStrv) ids = g_strsplit (value, ",", -1);

          for (guint k = 0; ids[k] != NULL; k++)
            {
              gint64 id;

              if (!parse_int64 (g_strstrip (ids[k]), &id) || id < 0)
                goto bad;
              g_array_append_val (out->ip_ids, id);
            }
        }
      else if (strcmp (key, "minutes") == 0)
        {
          g_auto(GStrv) ab = g_strsplit (value, "-", 2);

          if (!parse_int64 (ab[0], &out->first_minute))
            goto bad;
          if (ab[1] == NULL)
            out->last_minute = out->first_minute;
          else if (!parse_int64 (ab[1], &out->last_minute))
            goto bad;
          if (out->last_minute < out->first_minute)
            goto bad;
          out->has_time_range = TRUE;
        }
      else if (strcmp (key, "attacks") == 0)
        {
          g_strfreev (out->attack_types);
          out->attack_types = g_strsplit (value, ",", -1);
        }
      else if (strcmp (key, "packets") == 0)
        {
          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &out->packets, NULL))
            goto bad;
        }
      else if (strcmp (key, "data") == 0)
        {
          g_strfreev (out->data_paths);
          out->data_paths = g_strsplit (value, ",", -1);
        }
      else if (strcmp (key, "ipmap") == 0)
        {
          g_free (out->ip_map);
          out->ip_map = g_strdup (value);
        }
      else if (strcmp (key, "out") == 0)
        {
          g_free (out->output_dir);
          out->output_dir = g_strdup (value);
        }
      else
        goto bad;
      continue;

    bad:
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("Cannot read “%s” in the debug selection"), parts[i]);
      ta_debug_selection_clear (out);
      return FALSE;
    }

  return TRUE;
}
