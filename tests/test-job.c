/* test-job.c — TaJob: coalesced progress, rate and ETA, cancel, sync and
 * async runs, errors, the state before the async callback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "ta-error.h"
#include "ta-job.h"

static GThread *main_thread;

/* A job that reports n_reports samples (items i of n_reports, message
 * "step i"), sleeping sleep_us after each, then fails with fail_code when
 * fail is set. With wait_cancel it loops until cancelled. */
#define TEST_TYPE_JOB (test_job_get_type ())
G_DECLARE_FINAL_TYPE (TestJob, test_job, TEST, JOB, TaJob)

struct _TestJob
{
  TaJob     parent_instance;
  guint     n_reports;
  gulong    sleep_us;
  gboolean  fail;
  gint      fail_code;
  gboolean  wait_cancel;
  gboolean  no_total;
  gboolean  ran;
  gint      reported_all;  /* atomic */
  GThread  *thread;
};

G_DEFINE_FINAL_TYPE (TestJob, test_job, TA_TYPE_JOB)

static gboolean
test_job_run (TaJob         *job,
              GCancellable  *cancellable,
              GError       **error)
{
  TestJob *self = TEST_JOB (job);

  self->ran = TRUE;
  self->thread = g_thread_self ();
  for (guint i = 1; i <= self->n_reports; i++)
    {
      char message[32];

      g_snprintf (message, sizeof message, "step %u", i);
      ta_job_report (job, i, self->no_total ? 0 : self->n_reports, -1, message);
      if (self->sleep_us > 0)
        g_usleep (self->sleep_us);
    }
  g_atomic_int_set (&self->reported_all, TRUE);
  while (self->wait_cancel && !g_cancellable_is_cancelled (cancellable))
    g_usleep (1000);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (self->fail)
    {
      g_set_error (error, TA_ERROR, self->fail_code, "failed on purpose");
      return FALSE;
    }
  return TRUE;
}

static void
test_job_class_init (TestJobClass *klass)
{
  TA_JOB_CLASS (klass)->run = test_job_run;
}

static void
test_job_init (TestJob *self)
{
}

static TestJob *
test_job_new (guint n_reports)
{
  TestJob *self = g_object_new (TEST_TYPE_JOB, NULL);

  self->n_reports = n_reports;
  return self;
}

/* counting notifies */
typedef struct
{
  guint     items_done;
  guint     message;
  guint     state;
  guint     off_thread;
  GThread  *expected_thread;
  GPtrArray *states;
} Counts;

static void
on_notify (TaJob      *job,
           GParamSpec *pspec,
           Counts     *c)
{
  if (g_thread_self () != c->expected_thread)
    c->off_thread++;
  if (g_str_equal (pspec->name, "items-done"))
    c->items_done++;
  else if (g_str_equal (pspec->name, "message"))
    c->message++;
  else if (g_str_equal (pspec->name, "state"))
    {
      c->state++;
      g_ptr_array_add (c->states, GINT_TO_POINTER (ta_job_get_state (job)));
    }
}

static void
counts_connect (Counts  *c,
                TestJob *job,
                GThread *thread)
{
  c->expected_thread = thread;
  c->states = g_ptr_array_new ();
  g_signal_connect (job, "notify", G_CALLBACK (on_notify), c);
}

typedef struct
{
  gboolean   done;
  gboolean   ok;
  TaJobState state_in_callback;
  GError    *error;
} AsyncResult;

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  AsyncResult *r = data;

  g_assert_true (g_thread_self () == main_thread);
  r->state_in_callback = ta_job_get_state (TA_JOB (source));
  r->ok = ta_job_run_finish (TA_JOB (source), result, &r->error);
  r->done = TRUE;
}

static void
run_async_and_wait (TestJob     *job,
                    AsyncResult *r)
{
  ta_job_run_async (TA_JOB (job), run_done_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

/* ---------------------------------------------------------------------- */

/* Thousands of reports from a worker while the main context is busy
 * become one notify of each property there; the last value wins */
static void
test_coalescing (void)
{
  g_autoptr(TestJob) job = test_job_new (20000);
  AsyncResult r = { 0 };
  Counts c = { 0 };

  counts_connect (&c, job, main_thread);
  ta_job_run_async (TA_JOB (job), run_done_cb, &r);
  while (!g_atomic_int_get (&job->reported_all))
    g_usleep (1000);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (r.ok);
  g_assert_no_error (r.error);
  g_assert_true (job->thread != main_thread);
  g_assert_cmpuint (c.off_thread, ==, 0);
  g_assert_cmpuint (c.items_done, ==, 1);
  g_assert_cmpuint (c.message, ==, 1);
  g_assert_cmpuint (ta_job_get_items_done (TA_JOB (job)), ==, 20000);
  g_assert_cmpuint (ta_job_get_items_total (TA_JOB (job)), ==, 20000);
  g_assert_cmpstr (ta_job_get_message (TA_JOB (job)), ==, "step 20000");
  g_assert_cmpfloat (ta_job_get_fraction (TA_JOB (job)), ==, 1.0);
  g_ptr_array_unref (c.states);
}

/* While a slow worker runs, the main context sees the samples one by one
 * at most, never one from the future */
static void
test_coalescing_monotonic (void)
{
  g_autoptr(TestJob) job = test_job_new (50);
  AsyncResult r = { 0 };
  guint64 last = 0;
  guint seen = 0;

  job->sleep_us = 2000;
  ta_job_run_async (TA_JOB (job), run_done_cb, &r);
  while (!r.done)
    {
      guint64 now;

      g_main_context_iteration (NULL, TRUE);
      now = ta_job_get_items_done (TA_JOB (job));
      g_assert_cmpuint (now, >=, last);
      if (now != last)
        seen++;
      last = now;
    }
  g_assert_true (r.ok);
  g_assert_cmpuint (seen, >=, 2);
  g_assert_cmpuint (last, ==, 50);
}

/* Rate and ETA follow from the items, the fraction and the elapsed time */
static void
test_rate_eta (void)
{
  g_autoptr(TestJob) job = test_job_new (0);
  Counts c = { 0 };
  double elapsed;

  g_assert_cmpfloat (ta_job_get_fraction (TA_JOB (job)), ==, -1);
  g_assert_cmpfloat (ta_job_get_eta (TA_JOB (job)), ==, -1);
  g_assert_cmpint (ta_job_get_state (TA_JOB (job)), ==, TA_JOB_STATE_PENDING);

  counts_connect (&c, job, main_thread);
  /* a sync run with reports from a notify handler would be odd: report
   * through the subclass instead */
  job->n_reports = 4;
  job->sleep_us = 80000;
  g_assert_true (ta_job_run (TA_JOB (job), NULL));
  g_assert_cmpuint (c.off_thread, ==, 0);
  g_assert_cmpuint (c.items_done, ==, 4);

  elapsed = ta_job_get_elapsed (TA_JOB (job));
  g_assert_cmpfloat (elapsed, >=, 0.3);
  g_assert_cmpfloat (ta_job_get_fraction (TA_JOB (job)), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (ta_job_get_rate (TA_JOB (job)), 4 / elapsed, 1e-9);
  g_assert_cmpfloat_with_epsilon (ta_job_get_eta (TA_JOB (job)), 0, 1e-9);
  g_ptr_array_unref (c.states);
}

typedef struct
{
  guint  n;
  double fraction[8];
  double eta[8];
  double rate[8];
  double elapsed[8];
  guint64 items[8];
} Samples;

static void
on_items (TaJob      *job,
          GParamSpec *pspec,
          Samples    *s)
{
  if (s->n >= G_N_ELEMENTS (s->fraction))
    return;
  s->fraction[s->n] = ta_job_get_fraction (job);
  s->eta[s->n] = ta_job_get_eta (job);
  s->rate[s->n] = ta_job_get_rate (job);
  s->elapsed[s->n] = ta_job_get_elapsed (job);
  s->items[s->n] = ta_job_get_items_done (job);
  s->n++;
}

/* Each sample's ETA is elapsed·(1−f)/f once 0.2 s have gone by, unknown
 * before; the rate is items per second; no total means no fraction */
static void
test_rate_eta_samples (void)
{
  g_autoptr(TestJob) job = test_job_new (4);
  g_autoptr(TestJob) open = test_job_new (3);
  Samples s = { 0 };

  job->sleep_us = 100000;
  g_signal_connect (job, "notify::items-done", G_CALLBACK (on_items), &s);
  g_assert_true (ta_job_run (TA_JOB (job), NULL));
  g_assert_cmpuint (s.n, ==, 4);
  for (guint i = 0; i < s.n; i++)
    {
      double f = (i + 1) / 4.0;

      g_assert_cmpuint (s.items[i], ==, i + 1);
      g_assert_cmpfloat (s.fraction[i], ==, f);
      g_assert_cmpfloat_with_epsilon (s.rate[i], (i + 1) / s.elapsed[i], 1e-9);
      if (s.elapsed[i] < 0.2)
        g_assert_cmpfloat (s.eta[i], ==, -1);
      else
        g_assert_cmpfloat_with_epsilon (s.eta[i], s.elapsed[i] * (1 - f) / f, 1e-9);
    }
  g_assert_cmpfloat (s.eta[0], ==, -1);  /* the first report comes at once */
  g_assert_cmpfloat (s.eta[3], >=, 0);

  /* items without a total: fraction and ETA unknown, the rate known */
  open->no_total = TRUE;
  open->sleep_us = 100000;
  g_assert_true (ta_job_run (TA_JOB (open), NULL));
  g_assert_cmpuint (ta_job_get_items_done (TA_JOB (open)), ==, 3);
  g_assert_cmpuint (ta_job_get_items_total (TA_JOB (open)), ==, 0);
  g_assert_cmpfloat (ta_job_get_fraction (TA_JOB (open)), ==, -1);
  g_assert_cmpfloat (ta_job_get_eta (TA_JOB (open)), ==, -1);
  g_assert_cmpfloat (ta_job_get_rate (TA_JOB (open)), >, 0);
}

static void
test_cancel (void)
{
  g_autoptr(TestJob) job = test_job_new (1);
  g_autoptr(TestJob) early = test_job_new (1);
  AsyncResult r = { 0 };
  g_autoptr(GError) error = NULL;

  /* while running */
  job->wait_cancel = TRUE;
  ta_job_run_async (TA_JOB (job), run_done_cb, &r);
  g_assert_cmpint (ta_job_get_state (TA_JOB (job)), ==, TA_JOB_STATE_RUNNING);
  while (ta_job_get_items_done (TA_JOB (job)) == 0)
    g_main_context_iteration (NULL, TRUE);
  ta_job_cancel (TA_JOB (job));
  g_assert_true (g_cancellable_is_cancelled (ta_job_get_cancellable (TA_JOB (job))));
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (r.state_in_callback, ==, TA_JOB_STATE_CANCELLED);
  g_clear_error (&r.error);

  /* before it starts: run() is not called */
  ta_job_cancel (TA_JOB (early));
  g_assert_false (ta_job_run (TA_JOB (early), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (early->ran);
  g_assert_cmpint (ta_job_get_state (TA_JOB (early)), ==, TA_JOB_STATE_CANCELLED);
  g_assert_true (ta_job_is_done (TA_JOB (early)));
}

/* Sync: run() and every notify on the calling thread, states in order */
static void
test_sync (void)
{
  g_autoptr(TestJob) job = test_job_new (3);
  Counts c = { 0 };

  counts_connect (&c, job, main_thread);
  g_assert_true (ta_job_run (TA_JOB (job), NULL));
  g_assert_true (job->thread == main_thread);
  g_assert_cmpuint (c.off_thread, ==, 0);
  g_assert_cmpuint (c.items_done, ==, 3);
  g_assert_cmpuint (c.message, ==, 3);
  g_assert_cmpuint (c.states->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (c.states->pdata[0]), ==, TA_JOB_STATE_RUNNING);
  g_assert_cmpint (GPOINTER_TO_INT (c.states->pdata[1]), ==, TA_JOB_STATE_SUCCEEDED);
  g_assert_cmpstr (ta_job_get_message (TA_JOB (job)), ==, "step 3");
  g_assert_true (ta_job_is_done (TA_JOB (job)));
  g_ptr_array_unref (c.states);
}

/* Async: run() in a worker, notifies on the main context, states in order */
static void
test_async (void)
{
  g_autoptr(TestJob) job = test_job_new (3);
  AsyncResult r = { 0 };
  Counts c = { 0 };

  counts_connect (&c, job, main_thread);
  run_async_and_wait (job, &r);
  g_assert_true (r.ok);
  g_assert_true (job->thread != main_thread);
  g_assert_cmpuint (c.off_thread, ==, 0);
  g_assert_cmpuint (c.states->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (c.states->pdata[0]), ==, TA_JOB_STATE_RUNNING);
  g_assert_cmpint (GPOINTER_TO_INT (c.states->pdata[1]), ==, TA_JOB_STATE_SUCCEEDED);
  g_assert_cmpint (r.state_in_callback, ==, TA_JOB_STATE_SUCCEEDED);
  g_assert_cmpuint (ta_job_get_items_done (TA_JOB (job)), ==, 3);
  g_ptr_array_unref (c.states);
}

/* Async on another thread's main context: notifies go there */
static gpointer
other_thread (gpointer data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TestJob) job = test_job_new (100);
  AsyncResult r = { 0 };
  Counts c = { 0 };

  g_main_context_push_thread_default (context);
  counts_connect (&c, job, g_thread_self ());
  ta_job_run_async (TA_JOB (job), NULL, NULL);
  while (!ta_job_is_done (TA_JOB (job)))
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_assert_cmpuint (c.off_thread, ==, 0);
  g_assert_cmpuint (ta_job_get_items_done (TA_JOB (job)), ==, 100);
  g_assert_false (r.done);
  g_ptr_array_unref (c.states);
  return NULL;
}

static void
test_async_other_context (void)
{
  g_thread_join (g_thread_new ("other", other_thread, NULL));
}

/* Errors reach the caller as run() set them; the state says failed */
static void
test_error (void)
{
  g_autoptr(TestJob) sync_job = test_job_new (2);
  g_autoptr(TestJob) async_job = test_job_new (2);
  g_autoptr(GError) error = NULL;
  AsyncResult r = { 0 };

  sync_job->fail = TRUE;
  sync_job->fail_code = TA_ERROR_NO_INPUT;
  g_assert_false (ta_job_run (TA_JOB (sync_job), &error));
  g_assert_error (error, TA_ERROR, TA_ERROR_NO_INPUT);
  g_assert_cmpstr (error->message, ==, "failed on purpose");
  g_assert_cmpint (ta_job_get_state (TA_JOB (sync_job)), ==, TA_JOB_STATE_FAILED);

  async_job->fail = TRUE;
  async_job->fail_code = TA_ERROR_EXISTS;
  run_async_and_wait (async_job, &r);
  g_assert_false (r.ok);
  g_assert_error (r.error, TA_ERROR, TA_ERROR_EXISTS);
  g_assert_cmpint (r.state_in_callback, ==, TA_JOB_STATE_FAILED);
  /* the last sample was published before the callback */
  g_assert_cmpuint (ta_job_get_items_done (TA_JOB (async_job)), ==, 2);
  g_clear_error (&r.error);

  /* a NULL GError is fine */
  {
    g_autoptr(TestJob) quiet = test_job_new (0);

    quiet->fail = TRUE;
    quiet->fail_code = TA_ERROR_IO;
    g_assert_false (ta_job_run (TA_JOB (quiet), NULL));
  }
}

/* ta_job_report_due: due before any report, not right after one, due
 * again once TA_JOB_REPORT_PERIOD_US has passed */
static void
test_report_due (void)
{
  g_autoptr(TestJob) job = test_job_new (0);

  g_assert_true (ta_job_report_due (TA_JOB (job)));
  ta_job_report (TA_JOB (job), 1, 2, -1, NULL);
  g_assert_false (ta_job_report_due (TA_JOB (job)));
  g_usleep (TA_JOB_REPORT_PERIOD_US + 20000);
  g_assert_true (ta_job_report_due (TA_JOB (job)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  g_test_add_func ("/core/job/coalescing", test_coalescing);
  g_test_add_func ("/core/job/coalescing-monotonic", test_coalescing_monotonic);
  g_test_add_func ("/core/job/rate-eta", test_rate_eta);
  g_test_add_func ("/core/job/rate-eta-samples", test_rate_eta_samples);
  g_test_add_func ("/core/job/cancel", test_cancel);
  g_test_add_func ("/core/job/sync", test_sync);
  g_test_add_func ("/core/job/async", test_async);
  g_test_add_func ("/core/job/async-other-context", test_async_other_context);
  g_test_add_func ("/core/job/error", test_error);
  g_test_add_func ("/core/job/report-due", test_report_due);

  return g_test_run ();
}
