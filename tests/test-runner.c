/* test-runner.c — the in-app extraction runner without a display: the job
 * queue end to end on generated data, and the GUI path against the CLI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ta-command.h"
#include "ta-error.h"
#include "ta-ip-map.h"
#include "ta-job-queue.h"
#include "ta-test-util.h"

/* generated once for the whole run */
static char *tmp_root;
static char *data_csv;
static char *ip_map;
static GThread *main_thread;
static const char *sel_label = "ddos";

#define T0_US G_GINT64_CONSTANT (1257254400000000)  /* 2009-11-03 13:20 UTC */
#define T0_MINUTE (T0_US / TA_US_PER_MINUTE)

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static char *
new_dir (const char *name)
{
  char *path = g_build_filename (tmp_root, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  return path;
}

/* A selection like the TimeArcs view makes: three hosts, minutes 1–2 of the
 * capture, labelled "ddos" */
static TaExtractSpec *
spec_for_selection (const char *output_parent,
                    gint64      first_offset,
                    gint64      last_offset,
                    GHashTable *reserved)
{
  const gint64 ids[] = { 1, 2, 3 };
  const char *names[] = { "a", "b", "c" };
  const char *types[] = { sel_label, NULL };
  const char *paths[] = { data_csv, NULL };
  TaSelectionInfo sel = {
    .ip_ids = ids, .n_ips = G_N_ELEMENTS (ids), .ip_names = names,
    .has_time_range = TRUE,
    .first_minute = T0_MINUTE + first_offset, .last_minute = T0_MINUTE + last_offset,
    .attack_types = types, .attack_files = NULL,
  };
  TaExtractSettings settings = {
    .data_paths = paths, .ip_map = ip_map, .output_parent = output_parent,
  };
  g_autoptr(GError) error = NULL;
  TaExtractSpec *spec;

  spec = ta_extract_spec_new_for_selection (&sel, &settings, reserved, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (spec);
  return spec;
}

static guint
add_spec (TaJobQueue          *queue,
          const TaExtractSpec *spec)
{
  g_autoptr(GError) error = NULL;
  guint id = ta_job_queue_add_extraction (queue, spec, &error);

  g_assert_no_error (error);
  return id;
}

/* ---------------------------------------------------------------------- */
/* recording what the queue says                                            */

typedef struct
{
  GMainLoop *loop;
  GPtrArray *events;         /* "added 1", "started 1", "finished 1 ok" … */
  GHashTable *outputs;       /* id → output dir */
  GHashTable *errors;        /* id → GError* */
  guint      n_progress;
  guint      n_progress_off_main;
  guint      n_finished;
  guint      expect_finished;
  guint      cancel_on_start; /* job id, 0 = none */
  guint      cancel_on_progress;
  gboolean   two_running;
  TaJobQueue *queue;
} Recorder;

static void on_progress (TaJob *job, GParamSpec *pspec, Recorder *r);

static void
on_added (TaJobQueue *queue, guint id, TaJob *job, Recorder *r)
{
  g_ptr_array_add (r->events, g_strdup_printf ("added %u", id));
}

static void
on_started (TaJobQueue *queue, guint id, TaJob *job, const char *output, Recorder *r)
{
  g_assert_true (g_thread_self () == main_thread);
  g_assert_true (ta_job_queue_get_current (queue) == job);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_progress), r);
  g_assert_true (ta_job_queue_get_running (queue));
  g_assert_cmpuint (ta_job_queue_get_current_id (queue), ==, id);
  g_ptr_array_add (r->events, g_strdup_printf ("started %u", id));
  if (r->cancel_on_start == id)
    g_assert_true (ta_job_queue_cancel (queue, id));
}

static void
on_progress (TaJob *job, GParamSpec *pspec, Recorder *r)
{
  guint id = ta_job_queue_get_current_id (r->queue);

  r->n_progress++;
  if (g_thread_self () != main_thread)
    r->n_progress_off_main++;
  g_assert_true (ta_job_queue_get_current (r->queue) == job);
  g_assert_true (ta_job_get_fraction (job) <= 1.0);
  if (r->cancel_on_progress == id)
    {
      ta_job_queue_cancel (r->queue, id);
      r->cancel_on_progress = 0;
    }
}

static void
on_finished (TaJobQueue *queue, guint id, const char *output_dir, const GError *error, Recorder *r)
{
  g_assert_true (g_thread_self () == main_thread);
  g_ptr_array_add (r->events, g_strdup_printf ("finished %u %s", id, error == NULL ? "ok" : "error"));
  if (output_dir != NULL)
    g_hash_table_insert (r->outputs, GUINT_TO_POINTER (id), g_strdup (output_dir));
  if (error != NULL)
    g_hash_table_insert (r->errors, GUINT_TO_POINTER (id), g_error_copy (error));
  if (++r->n_finished == r->expect_finished)
    g_main_loop_quit (r->loop);
}

static void
on_running_notify (TaJobQueue *queue, GParamSpec *pspec, Recorder *r)
{
  /* only a check that the flag is consistent with the current id */
  if (ta_job_queue_get_running (queue))
    g_assert_cmpuint (ta_job_queue_get_current_id (queue), !=, 0);
}

static Recorder *
recorder_new (TaJobQueue *queue)
{
  Recorder *r = g_new0 (Recorder, 1);

  r->loop = g_main_loop_new (NULL, FALSE);
  r->events = g_ptr_array_new_with_free_func (g_free);
  r->outputs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  r->errors = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_error_free);
  r->queue = queue;
  g_signal_connect (queue, "job-added", G_CALLBACK (on_added), r);
  g_signal_connect (queue, "job-started", G_CALLBACK (on_started), r);
  g_signal_connect (queue, "job-finished", G_CALLBACK (on_finished), r);
  g_signal_connect (queue, "notify::running", G_CALLBACK (on_running_notify), r);
  return r;
}

static void
recorder_free (Recorder *r)
{
  g_signal_handlers_disconnect_by_data (r->queue, r);
  g_main_loop_unref (r->loop);
  g_ptr_array_unref (r->events);
  g_hash_table_unref (r->outputs);
  g_hash_table_unref (r->errors);
  g_free (r);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for the queue");
  return G_SOURCE_REMOVE;
}

static void
recorder_run (Recorder *r,
              guint     expect_finished)
{
  guint timeout = g_timeout_add_seconds (50, timeout_cb, NULL);

  r->expect_finished = expect_finished;
  if (r->n_finished < expect_finished)
    g_main_loop_run (r->loop);
  g_source_remove (timeout);
}

static char *
events_joined (Recorder *r)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < r->events->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (r->events, i));
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------------- */
/* comparing folders                                                        */

static JsonNode *
load_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Same files, byte for byte, except manifest.json's "created" */
static void
assert_same_folder (const char *a,
                    const char *b,
                    const char *rel)
{
  g_autofree char *da = g_build_filename (a, rel, NULL);
  g_autofree char *db = g_build_filename (b, rel, NULL);
  g_autoptr(GDir) d = g_dir_open (da, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *pa = g_build_filename (da, name, NULL);
      g_autofree char *pb = g_build_filename (db, name, NULL);
      g_autofree char *sub = g_build_filename (rel, name, NULL);

      n++;
      g_assert_true (g_file_test (pb, G_FILE_TEST_EXISTS));
      if (g_file_test (pa, G_FILE_TEST_IS_DIR))
        {
          assert_same_folder (a, b, sub);
        }
      else if (strcmp (name, "manifest.json") == 0)
        {
          g_autoptr(JsonNode) ja = load_json (pa);
          g_autoptr(JsonNode) jb = load_json (pb);

          json_object_remove_member (json_node_get_object (ja), "created");
          json_object_remove_member (json_node_get_object (jb), "created");
          if (!json_node_equal (ja, jb))
            {
              g_autofree char *sa = json_to_string (ja, TRUE);
              g_autofree char *sb = json_to_string (jb, TRUE);
              g_assert_cmpstr (sa, ==, sb);
            }
        }
      else
        {
          g_autofree char *ca = NULL;
          g_autofree char *cb = NULL;
          gsize la, lb;

          g_assert_true (g_file_get_contents (pa, &ca, &la, NULL));
          g_assert_true (g_file_get_contents (pb, &cb, &lb, NULL));
          if (la != lb || memcmp (ca, cb, la) != 0)
            g_error ("%s differs between %s and %s", sub, a, b);
        }
    }
  g_assert_cmpuint (n, ==, count_entries (db));
}

static void
run_cli (char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* ---------------------------------------------------------------------- */

/* The GUI path (spec → job options → in-process job) and the CLI (spec →
 * argv → $TA_CLI) give identical folders; the manifest records the selection */
static void
test_gui_equals_cli (void)
{
  g_autofree char *gui_parent = new_dir ("gui");
  g_autofree char *cli_parent = new_dir ("cli");
  g_autoptr(TaJobQueue) queue = ta_job_queue_new ();
  g_autoptr(TaExtractSpec) spec = NULL;
  g_autoptr(TaExtractSpec) cli_spec = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *events = NULL;
  Recorder *r;
  JsonObject *m, *fa, *ac;
  JsonArray *ips, *sources;
  const char *cli = g_getenv ("TA_CLI");
  const char *gui_out;
  guint id;

  spec = spec_for_selection (gui_parent, 1, 2, NULL);
  g_assert_true (g_str_has_suffix (spec->output_dir, "/ddos_2009-11-03T1321Z-1322Z"));

  r = recorder_new (queue);
  id = add_spec (queue, spec);
  g_assert_cmpuint (id, >, 0);
  /* reserved until it finishes */
  g_assert_true (g_hash_table_contains (ta_job_queue_get_reserved (queue), spec->output_dir));
  recorder_run (r, 1);
  events = events_joined (r);
  g_assert_cmpstr (events, ==, "added 1, started 1, finished 1 ok");
  g_assert_cmpuint (r->n_progress_off_main, ==, 0);
  gui_out = g_hash_table_lookup (r->outputs, GUINT_TO_POINTER (id));
  g_assert_cmpstr (gui_out, ==, spec->output_dir);
  g_assert_false (g_hash_table_contains (ta_job_queue_get_reserved (queue), spec->output_dir));

  /* the manifest records the selection */
  manifest_path = g_build_filename (gui_out, "manifest.json", NULL);
  manifest = load_json (manifest_path);
  m = json_node_get_object (manifest);
  ac = json_object_get_object_member (m, "attack_context");
  g_assert_cmpstr (json_object_get_string_member (ac, "type"), ==, "ddos");
  g_assert_cmpstr (json_object_get_string_member (ac, "source"), ==, "attack_timearcs_selection");
  fa = json_object_get_object_member (m, "filter_applied");
  g_assert_cmpint (json_object_get_int_member (fa, "time_start_us"), ==, T0_US + TA_US_PER_MINUTE);
  g_assert_cmpint (json_object_get_int_member (fa, "time_end_us"), ==, T0_US + 3 * TA_US_PER_MINUTE);
  g_assert_cmpint (json_object_get_int_member (fa, "time_start_minutes"), ==, T0_MINUTE + 1);
  ips = json_object_get_array_member (fa, "ips");
  g_assert_cmpuint (json_array_get_length (ips), ==, 3);
  /* ids 1–3, as given or as the addresses they stand for */
  {
    g_autoptr(TaIpMap) map = ta_ip_map_load (ip_map, NULL);

    g_assert_nonnull (map);
    for (guint i = 0; i < 3; i++)
      {
        const char *got = json_array_get_string_element (ips, i);
        g_autofree char *id = g_strdup_printf ("%u", i + 1);

        if (g_strcmp0 (got, id) != 0)
          g_assert_cmpstr (got, ==, ta_ip_map_lookup_id (map, i + 1));
      }
  }
  sources = json_object_get_array_member (m, "source_files");
  g_assert_cmpuint (json_array_get_length (sources), ==, 1);
  g_assert_true (g_str_has_suffix (json_array_get_string_element (sources, 0), "packets.csv"));
  g_assert_cmpint (json_object_get_int_member (m, "total_packets"), >, 0);

  /* the same selection through the CLI */
  g_assert_nonnull (cli);  /* tests/meson.build sets TA_CLI */
  {
    g_autofree char *summary = NULL;

    cli_spec = ta_extract_spec_copy (spec);
    g_free (cli_spec->output_dir);
    cli_spec->output_dir = g_build_filename (cli_parent, "ddos_2009-11-03T1321Z-1322Z", NULL);
    argv = ta_extract_spec_build_argv (cli_spec, cli, NULL);
    run_cli (argv);
    assert_same_folder (gui_out, cli_spec->output_dir, "");

    summary = ta_folder_manifest_summary (gui_out, NULL);
    g_assert_nonnull (strstr (summary, "Attack context: ddos"));
  }

  recorder_free (r);
}

/* A hostile attack label: the GUI job and the copied shell line, run by
 * /bin/sh, give the same folder, and nothing else runs */
static void
test_hostile_label_shell (void)
{
  g_autofree char *gui_parent = new_dir ("hostile-gui");
  g_autofree char *cli_parent = new_dir ("hostile-cli $(touch PWNED)");
  g_autofree char *pwned = g_build_filename (tmp_root, "PWNED", NULL);
  g_autoptr(TaJobQueue) queue = ta_job_queue_new ();
  g_autoptr(TaExtractSpec) spec = NULL;
  g_autoptr(TaExtractSpec) cli_spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *base = NULL;
  g_autofree char *err = NULL;
  const char *cli = g_getenv ("TA_CLI");
  const char *sh_argv[] = { "/bin/sh", "-c", NULL, NULL };
  Recorder *r;
  int status = -1;

  g_assert_nonnull (cli);  /* tests/meson.build sets TA_CLI */

  sel_label = "it's \"x\" $(touch PWNED) `touch PWNED`;\ntouch PWNED";
  spec = spec_for_selection (gui_parent, 0, 1, NULL);
  sel_label = "ddos";

  r = recorder_new (queue);
  add_spec (queue, spec);
  recorder_run (r, 1);
  g_assert_cmpuint (g_hash_table_size (r->errors), ==, 0);

  cli_spec = ta_extract_spec_copy (spec);
  base = g_path_get_basename (spec->output_dir);
  g_free (cli_spec->output_dir);
  cli_spec->output_dir = g_build_filename (cli_parent, base, NULL);
  line = ta_extract_spec_build_shell_line (cli_spec, cli, TRUE, &error);
  g_assert_no_error (error);
  sh_argv[2] = line;
  g_spawn_sync (tmp_root, (char **) sh_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sh -c failed: %s", err);

  assert_same_folder (spec->output_dir, cli_spec->output_dir, "");
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
  {
    g_autofree char *manifest_path = g_build_filename (spec->output_dir, "manifest.json", NULL);
    g_autoptr(JsonNode) manifest = load_json (manifest_path);
    JsonObject *ac = json_object_get_object_member (json_node_get_object (manifest), "attack_context");

    g_assert_cmpstr (json_object_get_string_member (ac, "type"), ==,
                     "it's \"x\" $(touch PWNED) `touch PWNED`;\ntouch PWNED");
  }

  recorder_free (r);
}

/* Cancelled at start, cancelled while running, dropped while queued: no
 * folder and no temporary folder left behind */
static void
test_cancel (void)
{
  g_autofree char *parent = new_dir ("cancel");
  g_autoptr(TaJobQueue) queue = ta_job_queue_new ();
  g_autoptr(TaExtractSpec) a = NULL;
  g_autoptr(TaExtractSpec) b = NULL;
  g_autoptr(TaExtractSpec) c = NULL;
  Recorder *r;
  guint ida, idb, idc;
  const GError *e;

  r = recorder_new (queue);
  /* the whole capture, so that there is work to interrupt */
  a = spec_for_selection (parent, 0, 60, ta_job_queue_get_reserved (queue));
  ida = add_spec (queue, a);
  b = spec_for_selection (parent, 0, 60, ta_job_queue_get_reserved (queue));
  g_assert_cmpstr (a->output_dir, !=, b->output_dir);
  idb = add_spec (queue, b);
  c = spec_for_selection (parent, 0, 60, ta_job_queue_get_reserved (queue));
  idc = add_spec (queue, c);
  g_assert_cmpuint (ta_job_queue_get_n_pending (queue), ==, 3);

  r->cancel_on_start = ida;        /* cancelled from ::job-started */
  r->cancel_on_progress = idb;     /* cancelled at its first progress report */
  g_assert_true (ta_job_queue_cancel (queue, idc));   /* dropped while waiting */
  g_assert_false (ta_job_queue_cancel (queue, 999));
  recorder_run (r, 3);

  e = g_hash_table_lookup (r->errors, GUINT_TO_POINTER (idc));
  g_assert_error ((GError *) e, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  e = g_hash_table_lookup (r->errors, GUINT_TO_POINTER (ida));
  g_assert_error ((GError *) e, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* b either was cancelled mid-run or finished before its first report */
  e = g_hash_table_lookup (r->errors, GUINT_TO_POINTER (idb));
  if (e != NULL)
    {
      g_assert_error ((GError *) e, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_false (g_file_test (b->output_dir, G_FILE_TEST_EXISTS));
    }
  else
    {
      g_test_message ("job b finished before its first progress report");
      ta_test_rm_rf (b->output_dir);
    }

  /* c never started */
  for (guint i = 0; i < r->events->len; i++)
    g_assert_cmpstr (g_ptr_array_index (r->events, i), !=, "started 3");
  g_assert_false (g_file_test (a->output_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (c->output_dir, G_FILE_TEST_EXISTS));
  /* no temporary sibling either */
  g_assert_cmpuint (count_entries (parent), ==, 0);
  g_assert_cmpuint (g_hash_table_size (ta_job_queue_get_reserved (queue)), ==, 0);

  recorder_free (r);
}

/* Queued jobs run one after another, in order */
static void
test_queue_order (void)
{
  g_autofree char *parent = new_dir ("order");
  g_autoptr(TaJobQueue) queue = ta_job_queue_new ();
  g_autofree char *events = NULL;
  Recorder *r;

  r = recorder_new (queue);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TaExtractSpec) spec = spec_for_selection (parent, i, i, ta_job_queue_get_reserved (queue));
      add_spec (queue, spec);
    }
  g_assert_false (ta_job_queue_get_running (queue));   /* starts from the main loop */
  recorder_run (r, 3);
  events = events_joined (r);
  g_assert_cmpstr (events, ==,
                   "added 1, added 2, added 3, "
                   "started 1, finished 1 ok, started 2, finished 2 ok, started 3, finished 3 ok");
  g_assert_cmpuint (count_entries (parent), ==, 3);
  g_assert_cmpuint (r->n_progress_off_main, ==, 0);

  recorder_free (r);
}

/* An error from the core reaches ::job-finished with its message */
static void
test_error (void)
{
  g_autofree char *parent = new_dir ("error");
  g_autofree char *bad = g_build_filename (tmp_root, "bad.csv", NULL);
  g_autoptr(TaJobQueue) queue = ta_job_queue_new ();
  g_autoptr(TaExtractSpec) spec = NULL;
  const GError *e;
  Recorder *r;
  guint id;

  g_assert_true (g_file_set_contents (bad, "length,protocol\n66,6\n", -1, NULL));
  spec = spec_for_selection (parent, 0, 0, NULL);
  g_strfreev (spec->data_files);
  spec->data_files = g_new0 (char *, 2);
  spec->data_files[0] = g_strdup (bad);

  r = recorder_new (queue);
  id = add_spec (queue, spec);
  recorder_run (r, 1);
  e = g_hash_table_lookup (r->errors, GUINT_TO_POINTER (id));
  g_assert_nonnull (e);
  g_assert_nonnull (strstr (e->message, "bad.csv"));
  g_assert_cmpuint (count_entries (parent), ==, 0);

  recorder_free (r);
}

/* Jobs of any kind: progress reported from a worker thread reaches the
 * main context as the job's notifies, coalesced */
#define TEST_TYPE_THREAD_JOB (test_thread_job_get_type ())
G_DECLARE_FINAL_TYPE (TestThreadJob, test_thread_job, TEST, THREAD_JOB, TaJob)

struct _TestThreadJob
{
  TaJob parent_instance;
};

G_DEFINE_FINAL_TYPE (TestThreadJob, test_thread_job, TA_TYPE_JOB)

static gboolean
test_thread_job_run (TaJob         *job,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_assert_true (g_thread_self () != main_thread);
  for (guint i = 1; i <= 200; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      ta_job_report (job, i * 1000, 0, i / 200.0, NULL);
      g_usleep (500);
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static void
test_thread_job_class_init (TestThreadJobClass *klass)
{
  TA_JOB_CLASS (klass)->run = test_thread_job_run;
}

static void
test_thread_job_init (TestThreadJob *self)
{
}

static void
test_progress_main_context (void)
{
  g_autoptr(TaJobQueue) queue = ta_job_queue_new ();
  Recorder *r;

  r = recorder_new (queue);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(TaJob) job = g_object_new (TEST_TYPE_THREAD_JOB, NULL);

      ta_job_queue_add (queue, job, "/nowhere");
    }
  recorder_run (r, 1);                       /* job 1 done … */
  while (!ta_job_queue_get_running (queue))  /* … and 2 started */
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ta_job_queue_get_n_pending (queue), ==, 2);
  ta_job_queue_cancel_pending (queue);       /* drops 3 and 4, not 2 */
  g_assert_cmpuint (ta_job_queue_get_n_pending (queue), ==, 0);
  g_assert_true (ta_job_queue_get_running (queue));
  recorder_run (r, 4);
  g_assert_null (g_hash_table_lookup (r->errors, GUINT_TO_POINTER (2)));
  g_assert_error ((GError *) g_hash_table_lookup (r->errors, GUINT_TO_POINTER (3)),
                  G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error ((GError *) g_hash_table_lookup (r->errors, GUINT_TO_POINTER (4)),
                  G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (r->n_progress, >, 0);
  g_assert_cmpuint (r->n_progress_off_main, ==, 0);
  /* coalesced: never more signals than samples */
  g_assert_cmpuint (r->n_progress, <=, 400);
  g_assert_cmpstr (g_hash_table_lookup (r->outputs, GUINT_TO_POINTER (1)), ==, "/nowhere");

  recorder_free (r);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  tmp_root = g_dir_make_tmp ("ta-runner-XXXXXX", &error);
  g_assert_no_error (error);

  {
      data_csv = g_build_filename (tmp_root, "packets.csv", NULL);
      ip_map = g_build_filename (tmp_root, "ip_map.json", NULL);
      ta_test_generate (data_csv, ip_map, 150000, 3, "name", 1000, T0_US);
      g_test_add_func ("/cli/runner/gui-equals-cli", test_gui_equals_cli);
      g_test_add_func ("/cli/runner/hostile-label-shell", test_hostile_label_shell);
      g_test_add_func ("/core/runner/cancel", test_cancel);
      g_test_add_func ("/core/runner/queue-order", test_queue_order);
      g_test_add_func ("/core/runner/error", test_error);
    }
  g_test_add_func ("/core/runner/progress-main-context", test_progress_main_context);

  ret = g_test_run ();

  ta_test_rm_rf (tmp_root);
  g_free (tmp_root);
  g_free (data_csv);
  g_free (ip_map);
  return ret;
}
