/* ta-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/wait.h>
#include <zlib.h>

#include "ta-extract-job.h"
#include "ta-job.h"
#include "ta-test-util.h"

char *
ta_test_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl != NULL ? tmpl : "ta-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

void
ta_test_rm_rf (const char *path)
{
  if (path == NULL)
    return;
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          ta_test_rm_rf (child);
        }
    }
  g_remove (path);
}

void
ta_test_write_file (const char *path,
                    const void *data,
                    gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

void
ta_test_write_gzip (const char *path,
                    const void *data,
                    gsize       len,
                    gsize       cut)
{
  gzFile gz = gzopen (path, "wb");

  g_assert_nonnull (gz);
  g_assert_cmpint (gzwrite (gz, data, len), ==, (int) len);
  g_assert_cmpint (gzclose (gz), ==, Z_OK);
  if (cut > 0)
    {
      g_autofree char *bytes = NULL;
      gsize n = 0;

      g_assert_true (g_file_get_contents (path, &bytes, &n, NULL));
      g_assert_cmpuint (n, >, cut);
      ta_test_write_file (path, bytes, n - cut);
    }
}

/* @base/@first/… from a NULL-terminated list */
static char *
build_path_va (const char *base,
               const char *first,
               va_list     ap)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  g_ptr_array_add (parts, (gpointer) base);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) s);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

char *
ta_test_data_path (const char *first_element,
                   ...)
{
  va_list ap;
  char *path;

  va_start (ap, first_element);
  path = build_path_va (TA_TEST_DATA_DIR, first_element, ap);
  va_end (ap);
  return path;
}

const char *
ta_test_shared_data (void)
{
  const char *dir = g_getenv ("TA_SHARED_DATA");

  return dir != NULL && dir[0] != '\0' ? dir : NULL;
}

char *
ta_test_shared_path (const char *first_element,
                     ...)
{
  const char *shared = ta_test_shared_data ();
  va_list ap;
  char *path;

  if (shared == NULL)
    return NULL;
  va_start (ap, first_element);
  path = build_path_va (shared, first_element, ap);
  va_end (ap);
  return path;
}

char *
ta_test_shared_path_or_skip (const char *first_element,
                             ...)
{
  const char *shared = ta_test_shared_data ();
  va_list ap;
  char *path;

  if (shared == NULL)
    {
      g_test_skip ("needs $TA_SHARED_DATA (the reference data)");
      return NULL;
    }
  va_start (ap, first_element);
  path = build_path_va (shared, first_element, ap);
  va_end (ap);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("needs $TA_SHARED_DATA (the reference data): "
                                              "%s is missing", path);

      g_test_skip (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

void
ta_test_generate (const char *out,
                  const char *ip_map,
                  guint       packets,
                  guint       seed,
                  const char *attack_column,
                  guint       rate,
                  gint64      start_us)
{
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, start_us);
  g_autofree char *n = g_strdup_printf ("%u", packets);
  g_autofree char *s = g_strdup_printf ("%u", seed);
  g_autofree char *r = g_strdup_printf ("%u", rate ? rate : 1000);
  const char *args[24] = { "generate", "--force", "--packets", n, "--seed", s, "--rate", r, "--out", out, NULL };
  guint k = 10;

  if (ip_map != NULL)
    {
      args[k++] = "--ip-map";
      args[k++] = ip_map;
    }
  if (attack_column != NULL)
    {
      args[k++] = "--attack-column";
      args[k++] = attack_column;
    }
  if (start_us > 0)
    {
      args[k++] = "--start-us";
      args[k++] = t;
    }
  args[k] = NULL;
  g_assert_cmpint (ta_test_run_cli (args, NULL, NULL), ==, 0);
}

int
ta_test_run_cli (const char * const *args,
                 char              **out,
                 char              **err)
{
  const char *cli = g_getenv ("TA_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSpawnFlags flags = G_SPAWN_DEFAULT;
  int status = -1;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (out == NULL)
    flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
  if (err == NULL)
    flags |= G_SPAWN_STDERR_TO_DEV_NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, flags, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

char *
ta_test_make_subset_folder (const char *tmp,
                            const char *name)
{
  static const char csv[] =
    "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n"
    "1257254400000100,60,6,1234,80,1,2,2,100,0\n"
    "1257254400000200,60,6,80,1234,2,1,18,500,101\n"
    "1257254400000300,52,6,1234,80,1,2,16,101,501\n"
    "1257254400000400,60,6,1235,80,1,2,2,200,0\n"
    "1257254400000500,60,6,80,1235,2,1,20,0,201\n"
    "1257254400000600,60,6,1236,22,3,2,2,300,0\n"
    "1257254400000700,60,17,53,53,3,2,0,0,0\n";
  g_autofree char *csv_path = g_build_filename (tmp, "packets-in.csv", NULL);
  g_autofree char *map_path = g_build_filename (tmp, "map.json", NULL);
  g_autoptr(TaExtractOptions) o = ta_extract_options_new ();
  g_autoptr(TaExtractJob) job = NULL;
  g_autoptr(GError) error = NULL;
  char *files[] = { csv_path, NULL };

  ta_test_write_file (csv_path, csv, -1);
  ta_test_write_file (map_path, "{\"10.0.0.1\": 1, \"10.0.0.2\": 2, \"10.0.0.3\": 3}", -1);
  o->data_files = g_strdupv (files);
  o->ip_map_path = g_strdup (map_path);
  o->output_dir = g_build_filename (tmp, name, NULL);
  job = ta_extract_job_new (o);
  g_assert_true (ta_job_run (TA_JOB (job), &error));
  g_assert_no_error (error);
  return g_strdup (o->output_dir);
}
