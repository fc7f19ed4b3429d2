/* ta-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-job.h"

/* no ETA before this much time: the first rate is noise */
#define ETA_MIN_ELAPSED_S 0.2

typedef struct
{
  guint64  items_done;
  guint64  items_total;
  double   fraction;       /* as reported: < 0 = from the items */
  char    *message;
} Sample;

typedef struct
{
  GCancellable *cancellable;
  GMainContext *context;     /* async: where reports are published */
  GThread      *run_thread;  /* sync: the thread that publishes */
  gint64        start_us;
  gint64        end_us;
  gint64        last_report_us; /* when ta_job_report() was last called */
  TaJobState    outcome;     /* set by the worker before it returns */

  GMutex        lock;        /* guards latest, idle and last_report_us */
  Sample        latest;
  GSource      *idle;        /* a pending publication (a reference) */

  /* published: read on the publishing thread */
  TaJobState    state;
  Sample        shown;
  double        fraction;
  double        rate;
  double        eta;
  double        elapsed;
} TaJobPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TaJob, ta_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_ITEMS_DONE,
  PROP_ITEMS_TOTAL,
  PROP_RATE,
  PROP_ETA,
  PROP_ELAPSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
ta_job_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { TA_JOB_STATE_PENDING, "TA_JOB_STATE_PENDING", "pending" },
        { TA_JOB_STATE_RUNNING, "TA_JOB_STATE_RUNNING", "running" },
        { TA_JOB_STATE_SUCCEEDED, "TA_JOB_STATE_SUCCEEDED", "succeeded" },
        { TA_JOB_STATE_FAILED, "TA_JOB_STATE_FAILED", "failed" },
        { TA_JOB_STATE_CANCELLED, "TA_JOB_STATE_CANCELLED", "cancelled" },
        { 0, NULL, NULL },
      };
      GType id = g_enum_register_static (g_intern_static_string ("TaJobState"), values);

      g_once_init_leave (&type_id, id);
    }
  return type_id;
}

/* ---- publishing ------------------------------------------------------- */

static void
set_double (TaJob  *self,
            double *field,
            double  value,
            guint   prop)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
    }
}

/* Copies the newest sample and notifies what changed; on the publishing
 * thread */
static void
publish (TaJob *self)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  guint64 done, total;
  double reported, fraction, elapsed, rate, eta;
  gboolean message_changed = FALSE;
  gint64 now;

  g_mutex_lock (&priv->lock);
  if (priv->idle != NULL)
    {
      g_source_destroy (priv->idle);
      g_clear_pointer (&priv->idle, g_source_unref);
    }
  done = priv->latest.items_done;
  total = priv->latest.items_total;
  reported = priv->latest.fraction;
  if (g_strcmp0 (priv->shown.message, priv->latest.message) != 0)
    {
      g_free (priv->shown.message);
      priv->shown.message = g_strdup (priv->latest.message);
      message_changed = TRUE;
    }
  g_mutex_unlock (&priv->lock);

  now = priv->end_us != 0 ? priv->end_us : g_get_monotonic_time ();
  elapsed = (now - priv->start_us) / (double) G_USEC_PER_SEC;
  if (reported >= 0)
    fraction = MIN (reported, 1.0);
  else if (total > 0)
    fraction = MIN ((double) done / (double) total, 1.0);
  else
    fraction = -1;
  rate = elapsed > 0 ? done / elapsed : 0;
  eta = fraction > 0 && elapsed >= ETA_MIN_ELAPSED_S ? elapsed * (1.0 - fraction) / fraction : -1;

  g_object_freeze_notify (G_OBJECT (self));
  if (priv->shown.items_done != done)
    {
      priv->shown.items_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEMS_DONE]);
    }
  if (priv->shown.items_total != total)
    {
      priv->shown.items_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEMS_TOTAL]);
    }
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  set_double (self, &priv->fraction, fraction, PROP_FRACTION);
  set_double (self, &priv->rate, rate, PROP_RATE);
  set_double (self, &priv->eta, eta, PROP_ETA);
  set_double (self, &priv->elapsed, elapsed, PROP_ELAPSED);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
publish_cb (gpointer data)
{
  publish (TA_JOB (data));
  return G_SOURCE_REMOVE;
}

void
ta_job_report (TaJob      *self,
               guint64     items_done,
               guint64     items_total,
               double      fraction,
               const char *message)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  gboolean now = FALSE;

  g_return_if_fail (TA_IS_JOB (self));

  g_mutex_lock (&priv->lock);
  priv->last_report_us = g_get_monotonic_time ();
  priv->latest.items_done = items_done;
  priv->latest.items_total = items_total;
  priv->latest.fraction = fraction;
  if (g_strcmp0 (priv->latest.message, message) != 0)
    {
      g_free (priv->latest.message);
      priv->latest.message = g_strdup (message);
    }
  if (priv->context == NULL)
    {
      /* sync: published at once, on the thread running the job */
      now = priv->run_thread == g_thread_self ();
    }
  else if (priv->idle == NULL)
    {
      priv->idle = g_idle_source_new ();
      g_source_set_priority (priv->idle, G_PRIORITY_LOW);
      g_source_set_callback (priv->idle, publish_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (priv->idle, "[timearcs] job progress");
      g_source_attach (priv->idle, priv->context);
    }
  g_mutex_unlock (&priv->lock);

  if (now)
    publish (self);
}

/* ---- running ---------------------------------------------------------- */

static void
set_state (TaJob      *self,
           TaJobState  state)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
start (TaJob *self)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  priv->start_us = g_get_monotonic_time ();
  set_state (self, TA_JOB_STATE_RUNNING);
}

static TaJobState
outcome_of (gboolean      ok,
            const GError *error)
{
  if (ok)
    return TA_JOB_STATE_SUCCEEDED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TA_JOB_STATE_CANCELLED;
  return TA_JOB_STATE_FAILED;
}

/* The last report and the final state; on the publishing thread */
static void
finish (TaJob      *self,
        TaJobState  outcome)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  priv->end_us = g_get_monotonic_time ();
  g_object_freeze_notify (G_OBJECT (self));
  publish (self);
  set_state (self, outcome);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
invoke_run (TaJob   *self,
            GError **error)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (priv->cancellable, error))
    return FALSE;
  ok = TA_JOB_GET_CLASS (self)->run (self, priv->cancellable, error);
  g_assert (ok || error == NULL || *error != NULL);
  return ok;
}

gboolean
ta_job_run (TaJob   *self,
            GError **error)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (TA_IS_JOB (self), FALSE);
  g_return_val_if_fail (priv->state == TA_JOB_STATE_PENDING, FALSE);

  priv->run_thread = g_thread_self ();
  start (self);
  ok = invoke_run (self, &local_error);
  finish (self, outcome_of (ok, local_error));
  priv->run_thread = NULL;
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

typedef struct
{
  GAsyncReadyCallback callback;
  gpointer            user_data;
} Closure;

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaJob *self = source_object;
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  GError *error = NULL;
  gboolean ok;

  ok = invoke_run (self, &error);
  priv->outcome = outcome_of (ok, error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  TaJob *self = TA_JOB (source);
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  Closure closure = *(Closure *) data;

  g_free (data);
  finish (self, priv->outcome);
  if (closure.callback != NULL)
    closure.callback (source, result, closure.user_data);
}

void
ta_job_run_async (TaJob               *self,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  Closure *closure;

  g_return_if_fail (TA_IS_JOB (self));
  g_return_if_fail (priv->state == TA_JOB_STATE_PENDING);

  priv->context = g_main_context_ref_thread_default ();
  closure = g_new (Closure, 1);
  closure->callback = callback;
  closure->user_data = user_data;
  task = g_task_new (self, priv->cancellable, run_done_cb, closure);
  g_task_set_source_tag (task, ta_job_run_async);
  g_task_set_check_cancellable (task, FALSE);
  start (self);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
ta_job_run_finish (TaJob         *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (TA_IS_JOB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ta_job_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- object ----------------------------------------------------------- */

gboolean
ta_job_report_due (TaJob *self)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);
  gint64 last;

  g_mutex_lock (&priv->lock);
  last = priv->last_report_us;
  g_mutex_unlock (&priv->lock);
  return g_get_monotonic_time () - last >= TA_JOB_REPORT_PERIOD_US;
}

GCancellable *
ta_job_get_cancellable (TaJob *self)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  g_return_val_if_fail (TA_IS_JOB (self), NULL);
  return priv->cancellable;
}

void
ta_job_cancel (TaJob *self)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  g_return_if_fail (TA_IS_JOB (self));
  g_cancellable_cancel (priv->cancellable);
}

#define GETTER(type, name, expr)                                   \
  type                                                             \
  ta_job_get_##name (TaJob *self)                                  \
  {                                                                \
    TaJobPrivate *priv = ta_job_get_instance_private (self);       \
                                                                   \
    g_return_val_if_fail (TA_IS_JOB (self), (type) 0);             \
    return expr;                                                   \
  }

GETTER (TaJobState, state, priv->state)
GETTER (double, fraction, priv->fraction)
GETTER (const char *, message, priv->shown.message)
GETTER (guint64, items_done, priv->shown.items_done)
GETTER (guint64, items_total, priv->shown.items_total)
GETTER (double, rate, priv->rate)
GETTER (double, eta, priv->eta)
GETTER (double, elapsed, priv->elapsed)

#undef GETTER

gboolean
ta_job_is_done (TaJob *self)
{
  TaJobState state = ta_job_get_state (self);

  return state != TA_JOB_STATE_PENDING && state != TA_JOB_STATE_RUNNING;
}

static void
ta_job_finalize (GObject *object)
{
  TaJob *self = (TaJob *) object;
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  /* a pending idle holds a reference: none is left here */
  g_assert (priv->idle == NULL);
  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->context, g_main_context_unref);
  g_free (priv->latest.message);
  g_free (priv->shown.message);
  g_mutex_clear (&priv->lock);

  G_OBJECT_CLASS (ta_job_parent_class)->finalize (object);
}

static void
ta_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  TaJob *self = TA_JOB (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, ta_job_get_state (self));
      break;
    case PROP_FRACTION:
      g_value_set_double (value, ta_job_get_fraction (self));
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, ta_job_get_message (self));
      break;
    case PROP_ITEMS_DONE:
      g_value_set_uint64 (value, ta_job_get_items_done (self));
      break;
    case PROP_ITEMS_TOTAL:
      g_value_set_uint64 (value, ta_job_get_items_total (self));
      break;
    case PROP_RATE:
      g_value_set_double (value, ta_job_get_rate (self));
      break;
    case PROP_ETA:
      g_value_set_double (value, ta_job_get_eta (self));
      break;
    case PROP_ELAPSED:
      g_value_set_double (value, ta_job_get_elapsed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_job_class_init (TaJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ta_job_finalize;
  object_class->get_property = ta_job_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TA_TYPE_JOB_STATE, TA_JOB_STATE_PENDING, flags);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, -1, 1, -1, flags);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_ITEMS_DONE] =
    g_param_spec_uint64 ("items-done", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ITEMS_TOTAL] =
    g_param_spec_uint64 ("items-total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_ETA] =
    g_param_spec_double ("eta", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  properties[PROP_ELAPSED] =
    g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ta_job_init (TaJob *self)
{
  TaJobPrivate *priv = ta_job_get_instance_private (self);

  g_mutex_init (&priv->lock);
  priv->cancellable = g_cancellable_new ();
  priv->state = TA_JOB_STATE_PENDING;
  priv->latest.fraction = -1;
  priv->fraction = -1;
  priv->eta = -1;
}
