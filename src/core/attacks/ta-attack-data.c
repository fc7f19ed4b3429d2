/* ta-attack-data.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ta-attack-data.h"
#include "ta-error.h"
#include "ta-file-read.h"
#include "ta-packet.h"

#define MAX_FILE_SIZE (((gsize) 1) << 31)

struct _TaAttackData
{
  GArray    *records;   /* TaAttackRecord */
  GPtrArray *files;
  gboolean   all_grouped;
  guint64    malformed;
  GPtrArray *problems;   /* char*: the first TA_ATTACK_MAX_PROBLEMS */
};

TaAttackData *
ta_attack_data_new (void)
{
  TaAttackData *self = g_new0 (TaAttackData, 1);

  self->records = g_array_new (FALSE, FALSE, sizeof (TaAttackRecord));
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  self->all_grouped = TRUE;
  return self;
}

void
ta_attack_data_free (TaAttackData *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->records);
  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->problems);
  g_free (self);
}

enum {
  COL_TIMESTAMP,
  COL_LENGTH,
  COL_SRC,
  COL_DST,
  COL_PROTOCOL,
  COL_ATTACK,
  COL_GROUP,
  COL_COUNT,
  N_COLS
};

static const char * const col_names[N_COLS] = {
  "timestamp", "length", "src_ip", "dst_ip", "protocol", "attack", "attack_group", "count",
};

static const gboolean col_required[N_COLS] = {
  TRUE, FALSE, TRUE, TRUE, FALSE, TRUE, FALSE, TRUE,
};

/* Integers, also written as `66.0`; nothing else */
static gboolean
parse_integer (const char *s,
               gsize       len,
               gint64     *out)
{
  char buf[64];
  char *end = NULL;
  gint64 v;
  double d;

  while (len > 0 && (s[0] == ' ' || s[0] == '"'))
    s++, len--;
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '"'))
    len--;
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = 0;

  errno = 0;
  v = g_ascii_strtoll (buf, &end, 10);
  if (errno == 0 && end != buf && *end == 0)
    {
      *out = v;
      return TRUE;
    }
  errno = 0;
  d = g_ascii_strtod (buf, &end);
  if (errno != 0 || end == buf || *end != 0 || !isfinite (d) || d != floor (d) ||
      fabs (d) > 9.0e15)
    return FALSE;
  *out = (gint64) d;
  return TRUE;
}

static char *
field_preview (const char *s,
               gsize       len)
{
  if (len > 40)
    return g_strdup_printf ("%.*s…", 40, s);
  return g_strndup (s, len);
}

/* The header: columns found by name (@col_of_field: the column of each
 * field or -1, @field_of_col: the field of each column or -1) */
static gboolean
parse_header (const char  *name,
              guint        line_no,
              const char  *p,
              const char  *le,
              int         *col_of_field,
              guint        max_fields,
              guint       *n_header,
              int         *field_of_col,
              GError     **error)
{
  const char *q = p;

  while (q <= le)
    {
      const char *c = memchr (q, ',', le - q);
      const char *fe = c ? c : le;
      g_autofree char *fname = NULL;

      if (*n_header >= max_fields)
        {
          g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                       _("%s:%u: too many columns in the header"), name, line_no);
          return FALSE;
        }
      fname = g_strstrip (g_strndup (q, fe - q));
      if (fname[0] == '"')
        {
          memmove (fname, fname + 1, strlen (fname));
          if (fname[0] && fname[strlen (fname) - 1] == '"')
            fname[strlen (fname) - 1] = 0;
        }
      col_of_field[*n_header] = -1;
      for (guint i = 0; i < N_COLS; i++)
        if (g_ascii_strcasecmp (fname, col_names[i]) == 0 && field_of_col[i] < 0)
          {
            col_of_field[*n_header] = i;
            field_of_col[i] = *n_header;
          }
      (*n_header)++;
      if (!c)
        break;
      q = c + 1;
    }
  for (guint i = 0; i < N_COLS; i++)
    if (col_required[i] && field_of_col[i] < 0)
      {
        g_set_error (error, TA_ERROR, TA_ERROR_MISSING_COLUMN,
                     _("%s:%u: not an attack CSV: the header has no “%s” column"),
                     name, line_no, col_names[i]);
        return FALSE;
      }
  return TRUE;
}

/* One data line's fields into @values (@seen: which were given) */
G_ALWAYS_INLINE static inline gboolean
parse_fields (const char  *name,
              guint        line_no,
              const char  *p,
              const char  *le,
              const int   *col_of_field,
              guint        n_header,
              gint64      *values,
              gboolean    *seen,
              GError     **error)
{
  const char *q = p;
  guint field = 0;

  while (q <= le)
    {
      const char *c = memchr (q, ',', le - q);
      const char *fe = c ? c : le;

      if (field < n_header && col_of_field[field] >= 0)
        {
          int col = col_of_field[field];
          gsize flen = fe - q;

          if (flen == 0 || (flen == 2 && q[0] == '"' && q[1] == '"'))
            {
              if (col_required[col])
                {
                  g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                               _("%s:%u: empty “%s” value"), name, line_no, col_names[col]);
                  return FALSE;
                }
            }
          else if (!parse_integer (q, flen, &values[col]))
            {
              g_autofree char *prev = field_preview (q, flen);

              g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                           _("%s:%u: “%s” is not a valid %s value"),
                           name, line_no, prev, col_names[col]);
              return FALSE;
            }
          else
            seen[col] = TRUE;
        }
      field++;
      if (!c)
        break;
      q = c + 1;
    }

  if (field != n_header)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s:%u: expected %u fields, found %u"),
                   name, line_no, n_header, field);
      return FALSE;
    }
  return TRUE;
}

/* The values of one line are in range */
G_ALWAYS_INLINE static inline gboolean
check_values (const char    *name,
              guint          line_no,
              const gint64  *values,
              GError       **error)
{
  if (values[COL_TIMESTAMP] < 0 || values[COL_TIMESTAMP] > G_GINT64_CONSTANT (1) << 40)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s:%u: timestamp %lld is not in minutes since the epoch"),
                   name, line_no, (long long) values[COL_TIMESTAMP]);
      return FALSE;
    }
  if (values[COL_SRC] < 0 || values[COL_DST] < 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s:%u: IP ids must not be negative"), name, line_no);
      return FALSE;
    }
  if (values[COL_COUNT] < 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s:%u: negative packet count"), name, line_no);
      return FALSE;
    }
  if (values[COL_ATTACK] < G_MININT32 + 1 || values[COL_ATTACK] > G_MAXINT32 ||
      values[COL_GROUP] < G_MININT32 + 1 || values[COL_GROUP] > G_MAXINT32)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s:%u: attack code out of range"), name, line_no);
      return FALSE;
    }
  return TRUE;
}

/* A malformed row: counted, skipped, kept among the first few */
static void
note_bad_row (TaAttackData *self,
              const GError *row_error,
              guint64      *bad_rows,
              char        **first_bad)
{
  (*bad_rows)++;
  if (*first_bad == NULL)
    *first_bad = g_strdup (row_error->message);
  if (self->problems->len < TA_ATTACK_MAX_PROBLEMS)
    g_ptr_array_add (self->problems, g_strdup (row_error->message));
}

gboolean
ta_attack_data_load_data (TaAttackData  *self,
                          const char    *name,
                          const char    *text,
                          gsize          len,
                          GError       **error)
{
  int col_of_field[64];
  int field_of_col[N_COLS];
  guint n_header = 0;
  guint line_no = 0;
  guint start_len;
  guint file_index;
  guint64 bad_rows = 0;
  guint start_problems = self->problems->len;
  g_autofree char *first_bad = NULL;
  const char *p = text;
  const char *end = text + len;
  gboolean have_header = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->files->len >= G_MAXUINT16)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_INVALID_ARGUMENT,
                   _("%s: too many attack files"), name);
      return FALSE;
    }
  if (len > 0 && memchr (text, 0, MIN (len, 4096)) != NULL)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: not a text file"), name);
      return FALSE;
    }
  /* a UTF-8 byte order mark, as spreadsheets write it: skipped, as the
   * packet CSV and ground truth readers do */
  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    p += 3;

  start_len = self->records->len;
  file_index = self->files->len;
  for (guint i = 0; i < N_COLS; i++)
    field_of_col[i] = -1;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *le = nl ? nl : end;
      gint64 values[N_COLS] = { 0 };
      gboolean seen[N_COLS] = { FALSE };
      TaAttackRecord rec;

      line_no++;
      if (le > p && le[-1] == '\r')
        le--;
      if (le == p)
        {
          p = nl ? nl + 1 : end;
          continue;
        }

      if (!have_header)
        {
          if (!parse_header (name, line_no, p, le, col_of_field, G_N_ELEMENTS (col_of_field),
                             &n_header, field_of_col, error))
            goto fail;
          have_header = TRUE;
          p = nl ? nl + 1 : end;
          continue;
        }

      {
        g_autoptr(GError) row_error = NULL;

        if (!parse_fields (name, line_no, p, le, col_of_field, n_header, values, seen, &row_error) ||
            !check_values (name, line_no, values, &row_error))
          {
            note_bad_row (self, row_error, &bad_rows, &first_bad);
            p = nl ? nl + 1 : end;
            continue;
          }
      }

      rec.minute = values[COL_TIMESTAMP];
      rec.src_id = values[COL_SRC];
      rec.dst_id = values[COL_DST];
      rec.count = (guint64) values[COL_COUNT];
      rec.attack = (gint32) values[COL_ATTACK];
      rec.group = (field_of_col[COL_GROUP] >= 0 && seen[COL_GROUP])
                  ? (gint32) values[COL_GROUP] : TA_ATTACK_NO_GROUP;
      rec.length = (guint32) CLAMP (values[COL_LENGTH], 0, G_MAXUINT32);
      rec.protocol = (guint16) CLAMP (values[COL_PROTOCOL], 0, G_MAXUINT16);
      rec.line = line_no;
      rec.file_index = file_index;
      g_array_append_val (self->records, rec);

      p = nl ? nl + 1 : end;
    }

  if (!have_header)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s:1: the file is empty"), name);
      goto fail;
    }

  if (bad_rows > 0 && self->records->len == start_len)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   _("%s: no usable row (%llu malformed; the first: %s)"),
                   name, (unsigned long long) bad_rows, first_bad);
      goto fail;
    }
  self->malformed += bad_rows;
  if (field_of_col[COL_GROUP] < 0)
    self->all_grouped = FALSE;
  g_ptr_array_add (self->files, g_strdup (name));
  return TRUE;

fail:
  g_array_set_size (self->records, start_len);
  g_ptr_array_set_size (self->problems, start_problems);
  return FALSE;
}

guint64
ta_attack_data_get_malformed (TaAttackData *self)
{
  return self->malformed;
}

GPtrArray *
ta_attack_data_get_problems (TaAttackData *self)
{
  return self->problems;
}

gboolean
ta_attack_data_load_file (TaAttackData  *self,
                          const char    *path,
                          GError       **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* a regular file of bounded size: a FIFO or device would block or never end */
  if (!ta_file_read_all (path, NULL, MAX_FILE_SIZE, NULL, &contents, &len, error))
    return FALSE;
  return ta_attack_data_load_data (self, path, contents, len, error);
}

const TaAttackRecord *
ta_attack_data_get_records (TaAttackData *self,
                            guint        *n_records)
{
  if (n_records)
    *n_records = self->records->len;
  return (const TaAttackRecord *)(gpointer)self->records->data;
}

guint
ta_attack_data_get_n_files (TaAttackData *self)
{
  return self->files->len;
}

const char *
ta_attack_data_get_file (TaAttackData *self,
                         guint         index)
{
  g_return_val_if_fail (index < self->files->len, NULL);
  return g_ptr_array_index (self->files, index);
}

gboolean
ta_attack_data_has_groups (TaAttackData *self)
{
  return self->files->len > 0 && self->all_grouped;
}

gboolean
ta_attack_data_get_time_range (TaAttackData *self,
                               gint64       *first_minute,
                               gint64       *last_minute)
{
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  for (guint i = 0; i < self->records->len; i++)
    {
      const TaAttackRecord *r = &g_array_index (self->records, TaAttackRecord, i);

      lo = MIN (lo, r->minute);
      hi = MAX (hi, r->minute);
    }
  if (self->records->len == 0)
    return FALSE;
  if (first_minute)
    *first_minute = lo;
  if (last_minute)
    *last_minute = hi;
  return TRUE;
}

guint64
ta_attack_data_get_total_packets (TaAttackData *self)
{
  guint64 total = 0;

  for (guint i = 0; i < self->records->len; i++)
    total += g_array_index (self->records, TaAttackRecord, i).count;
  return total;
}

guint
ta_attack_data_apply_groups (TaAttackData *self,
                             TaAttackData *grouped)
{
  g_autoptr(GHashTable) votes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;
  guint applied = 0;
  gboolean all = TRUE;

  g_return_val_if_fail (self != NULL && grouped != NULL, 0);

  /* (code, group) -> rows */
  for (guint i = 0; i < grouped->records->len; i++)
    {
      const TaAttackRecord *r = &g_array_index (grouped->records, TaAttackRecord, i);
      gint64 k = (gint64) (((guint64) (guint32) r->attack << 32) | (guint32) r->group);
      gpointer v;

      if (r->group == TA_ATTACK_NO_GROUP)
        continue;
      v = g_hash_table_lookup (votes, &k);
      g_hash_table_replace (votes, g_memdup2 (&k, sizeof k), GUINT_TO_POINTER (GPOINTER_TO_UINT (v) + 1));
    }
  /* code -> group with the most rows (ties: smaller group code) */
  g_hash_table_iter_init (&iter, votes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 k = *(gint64 *) key;
      gint32 code = (gint32) (k >> 32);
      gint32 group = (gint32) (guint32) (k & 0xffffffff);
      guint n = GPOINTER_TO_UINT (value);
      gpointer cur = g_hash_table_lookup (best, GINT_TO_POINTER (code));
      gint64 cur_k;
      guint cur_n;

      if (cur != NULL)
        {
          cur_k = (gint64) (((guint64) (guint32) code << 32) | (guint32) (GPOINTER_TO_INT (cur) - 1));
          cur_n = GPOINTER_TO_UINT (g_hash_table_lookup (votes, &cur_k));
          if (cur_n > n || (cur_n == n && GPOINTER_TO_INT (cur) - 1 < group))
            continue;
        }
      g_hash_table_replace (best, GINT_TO_POINTER (code), GINT_TO_POINTER (group + 1));
    }

  for (guint i = 0; i < self->records->len; i++)
    {
      TaAttackRecord *r = &g_array_index (self->records, TaAttackRecord, i);
      gpointer g;

      if (r->group != TA_ATTACK_NO_GROUP)
        continue;
      if ((g = g_hash_table_lookup (best, GINT_TO_POINTER (r->attack))) != NULL)
        {
          r->group = GPOINTER_TO_INT (g) - 1;
          applied++;
        }
      else
        all = FALSE;
    }
  if (all && self->files->len > 0)
    self->all_grouped = TRUE;
  return applied;
}

/* Mapping check */

typedef enum
{
  KIND_ANY = 0,
  KIND_DDOS = 1 << 0,
  KIND_SPAM = 1 << 1,
  KIND_C2 = 1 << 2,
  KIND_POST_PHISHING = 1 << 3,
  KIND_OTHER = 1 << 4,
} Kind;

/* Which groups a label's name allows (KIND_ANY: the name does not tell) */
static guint
label_allowed_kinds (const char *label)
{
  g_autofree char *l = g_ascii_strdown (label, -1);

  if (strstr (l, "ddos"))
    return KIND_DDOS;
  if (g_str_has_prefix (l, "spam"))
    return KIND_SPAM;
  if (g_str_has_prefix (l, "post-phishing c2"))
    return KIND_POST_PHISHING | KIND_C2;
  if (g_str_has_prefix (l, "c2 "))
    return KIND_C2;
  if (g_str_has_prefix (l, "failed attack") || g_str_has_prefix (l, "scan "))
    return KIND_OTHER;
  return KIND_ANY;
}

static guint
group_kind (const char *group)
{
  g_autofree char *g = g_ascii_strdown (group, -1);

  if (strstr (g, "ddos"))
    return KIND_DDOS;
  if (strstr (g, "spam"))
    return KIND_SPAM;
  if (strstr (g, "post-phishing"))
    return KIND_POST_PHISHING;
  if (strstr (g, "c2"))
    return KIND_C2;
  if (strstr (g, "other"))
    return KIND_OTHER;
  return KIND_ANY;
}

gboolean
ta_attack_data_check_mapping (TaAttackData  *self,
                              TaLabelMap    *types,
                              TaLabelMap    *groups,
                              GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  const TaAttackRecord *first = NULL;
  const char *first_label = NULL;
  const char *first_group = NULL;
  guint n_bad = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (types == NULL || groups == NULL)
    return TRUE;

  for (guint i = 0; i < self->records->len; i++)
    {
      const TaAttackRecord *r = &g_array_index (self->records, TaAttackRecord, i);
      const char *label, *group;
      guint allowed, gk;
      gpointer key;

      if (r->group == TA_ATTACK_NO_GROUP)
        continue;
      key = GUINT_TO_POINTER (((guint32) r->attack & 0xffffu) << 16 | ((guint32) r->group & 0xffffu));
      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, key);

      label = ta_label_map_lookup_code (types, r->attack);
      group = ta_label_map_lookup_code (groups, r->group);
      if (label == NULL || group == NULL)
        continue;
      if (r->attack < 0 || r->group < 0)
        continue;  /* normal */
      allowed = label_allowed_kinds (label);
      gk = group_kind (group);
      if (gk == KIND_ANY)
        continue;
      if ((allowed != KIND_ANY && !(allowed & gk)) ||
          (gk == KIND_DDOS && allowed != KIND_DDOS))
        {
          if (first == NULL)
            {
              first = r;
              first_label = label;
              first_group = group;
            }
          n_bad++;
        }
    }

  if (n_bad > 0)
    {
      g_set_error (error, TA_ERROR, TA_ERROR_FORMAT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s:%u: wrong mapping: %s calls code %d “%s”, but the file puts it in group “%s” (%u contradiction)",
                                "%s:%u: wrong mapping: %s calls code %d “%s”, but the file puts it in group “%s” (%u contradictions)",
                                n_bad),
                   ta_attack_data_get_file (self, first->file_index), first->line,
                   ta_label_map_get_name (types), first->attack, first_label, first_group, n_bad);
      return FALSE;
    }
  return TRUE;
}

/* Totals */

char *
ta_attack_record_label (const TaAttackRecord *rec,
                        TaLabelMap           *types,
                        TaLabelMap           *groups,
                        gboolean              by_group)
{
  const char *label;

  if (by_group && rec->group != TA_ATTACK_NO_GROUP)
    {
      if ((label = ta_label_map_lookup_code (groups, rec->group)))
        return g_strdup (label);
      return g_strdup_printf (_("group %d"), rec->group);
    }
  if ((label = ta_label_map_lookup_code (types, rec->attack)))
    return g_strdup (label);
  if (rec->attack == -1)
    return g_strdup ("normal");
  return g_strdup_printf (_("code %d"), rec->attack);
}

static int
compare_totals (gconstpointer a,
                gconstpointer b)
{
  const TaLabelTotal *x = a, *y = b;

  if (x->packets != y->packets)
    return x->packets > y->packets ? -1 : 1;
  return strcmp (x->label, y->label);
}

GArray *
ta_attack_data_label_totals (TaAttackData *self,
                             TaLabelMap   *types,
                             TaLabelMap   *groups,
                             gboolean      by_group)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *totals = g_array_new (FALSE, TRUE, sizeof (TaLabelTotal));

  for (guint i = 0; i < self->records->len; i++)
    {
      const TaAttackRecord *r = &g_array_index (self->records, TaAttackRecord, i);
      g_autofree char *label = ta_attack_record_label (r, types, groups, by_group);
      gpointer idx;
      TaLabelTotal *t;

      if (!g_hash_table_lookup_extended (index, label, NULL, &idx))
        {
          TaLabelTotal nt = { g_strdup (label), 0, 0 };

          g_array_append_val (totals, nt);
          idx = GUINT_TO_POINTER (totals->len - 1);
          g_hash_table_insert (index, g_array_index (totals, TaLabelTotal, totals->len - 1).label, idx);
        }
      t = &g_array_index (totals, TaLabelTotal, GPOINTER_TO_UINT (idx));
      t->packets += r->count;
      t->records++;
    }
  g_array_sort (totals, compare_totals);
  return totals;
}

void
ta_label_totals_free (GArray *totals)
{
  if (totals == NULL)
    return;
  for (guint i = 0; i < totals->len; i++)
    g_free (g_array_index (totals, TaLabelTotal, i).label);
  g_array_unref (totals);
}
