/* ta-selection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-selection.h"

struct _TaSelection
{
  GObject  parent_instance;

  GArray  *ip_ids;        /* gint64 */
  char   **ip_names;
  char   **attack_types;
  gint64   time_start;
  gint64   time_end;
  guint64  packet_count;
  guint    arc_count;
};

G_DEFINE_FINAL_TYPE (TaSelection, ta_selection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IP_IDS,
  PROP_IP_NAMES,
  PROP_TIME_START_MINUTE,
  PROP_TIME_END_MINUTE,
  PROP_ATTACK_TYPES,
  PROP_PACKET_COUNT,
  PROP_ARC_COUNT,
  PROP_EMPTY,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char * const empty_strv[] = { NULL };

static void
ta_selection_finalize (GObject *object)
{
  TaSelection *self = (TaSelection *)object;

  g_clear_pointer (&self->ip_ids, g_array_unref);
  g_clear_pointer (&self->ip_names, g_strfreev);
  g_clear_pointer (&self->attack_types, g_strfreev);

  G_OBJECT_CLASS (ta_selection_parent_class)->finalize (object);
}

static void
ta_selection_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TaSelection *self = TA_SELECTION (object);

  switch (prop_id)
    {
    case PROP_IP_IDS:
      g_value_set_boxed (value, self->ip_ids);
      break;

    case PROP_IP_NAMES:
      g_value_set_boxed (value, ta_selection_get_ip_names (self));
      break;

    case PROP_TIME_START_MINUTE:
      g_value_set_int64 (value, self->time_start);
      break;

    case PROP_TIME_END_MINUTE:
      g_value_set_int64 (value, self->time_end);
      break;

    case PROP_ATTACK_TYPES:
      g_value_set_boxed (value, ta_selection_get_attack_types (self));
      break;

    case PROP_PACKET_COUNT:
      g_value_set_uint64 (value, self->packet_count);
      break;

    case PROP_ARC_COUNT:
      g_value_set_uint (value, self->arc_count);
      break;

    case PROP_EMPTY:
      g_value_set_boolean (value, ta_selection_get_empty (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ta_selection_class_init (TaSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ta_selection_finalize;
  object_class->get_property = ta_selection_get_property;

  properties[PROP_IP_IDS] =
    g_param_spec_boxed ("ip-ids", NULL, NULL, G_TYPE_ARRAY, flags);
  properties[PROP_IP_NAMES] =
    g_param_spec_boxed ("ip-names", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_TIME_START_MINUTE] =
    g_param_spec_int64 ("time-start-minute", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_TIME_END_MINUTE] =
    g_param_spec_int64 ("time-end-minute", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_ATTACK_TYPES] =
    g_param_spec_boxed ("attack-types", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_PACKET_COUNT] =
    g_param_spec_uint64 ("packet-count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ARC_COUNT] =
    g_param_spec_uint ("arc-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_EMPTY] =
    g_param_spec_boolean ("empty", NULL, NULL, TRUE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TaSelection::changed:
   *
   * Emitted once after any change, after the per-property notifications.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ta_selection_init (TaSelection *self)
{
  self->ip_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->time_start = -1;
  self->time_end = -1;
}

TaSelection *
ta_selection_new (void)
{
  return g_object_new (TA_TYPE_SELECTION, NULL);
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL)
    a = empty_strv;
  if (b == NULL)
    b = empty_strv;
  return g_strv_equal (a, b);
}

void
ta_selection_set (TaSelection        *self,
                  const gint64       *ip_ids,
                  const char * const *ip_names,
                  guint               n_ips,
                  gint64              time_start_minute,
                  gint64              time_end_minute,
                  const char * const *attack_types,
                  guint64             packet_count,
                  guint               arc_count)
{
  gboolean was_empty;
  gboolean ids_changed;
  gboolean changed = FALSE;

  g_return_if_fail (TA_IS_SELECTION (self));
  g_return_if_fail (n_ips == 0 || ip_ids != NULL);

  if (time_start_minute < 0 || time_end_minute < 0)
    time_start_minute = time_end_minute = -1;
  else if (time_end_minute < time_start_minute)
    {
      gint64 t = time_start_minute;
      time_start_minute = time_end_minute;
      time_end_minute = t;
    }

  was_empty = ta_selection_get_empty (self);

  g_object_freeze_notify (G_OBJECT (self));

  ids_changed = n_ips != self->ip_ids->len ||
                (n_ips > 0 && memcmp (ip_ids, self->ip_ids->data, n_ips * sizeof (gint64)) != 0);
  if (ids_changed)
    {
      g_array_set_size (self->ip_ids, 0);
      if (n_ips > 0)
        g_array_append_vals (self->ip_ids, ip_ids, n_ips);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IP_IDS]);
      changed = TRUE;
    }

  if (!strv_equal0 ((const char * const *)self->ip_names, ip_names))
    {
      g_strfreev (self->ip_names);
      self->ip_names = (ip_names && ip_names[0]) ? g_strdupv ((char **)ip_names) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IP_NAMES]);
      changed = TRUE;
    }

  if (self->time_start != time_start_minute)
    {
      self->time_start = time_start_minute;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_START_MINUTE]);
      changed = TRUE;
    }

  if (self->time_end != time_end_minute)
    {
      self->time_end = time_end_minute;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_END_MINUTE]);
      changed = TRUE;
    }

  if (!strv_equal0 ((const char * const *)self->attack_types, attack_types))
    {
      g_strfreev (self->attack_types);
      self->attack_types = (attack_types && attack_types[0]) ? g_strdupv ((char **)attack_types) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACK_TYPES]);
      changed = TRUE;
    }

  if (self->packet_count != packet_count)
    {
      self->packet_count = packet_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKET_COUNT]);
      changed = TRUE;
    }

  if (self->arc_count != arc_count)
    {
      self->arc_count = arc_count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARC_COUNT]);
      changed = TRUE;
    }

  if (was_empty != ta_selection_get_empty (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPTY]);

  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
ta_selection_clear (TaSelection *self)
{
  g_return_if_fail (TA_IS_SELECTION (self));

  ta_selection_set (self, NULL, NULL, 0, -1, -1, NULL, 0, 0);
}

const gint64 *
ta_selection_get_ip_ids (TaSelection *self,
                         guint       *n_ids)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), NULL);

  if (n_ids)
    *n_ids = self->ip_ids->len;
  return (const gint64 *)(gpointer)self->ip_ids->data;
}

const char * const *
ta_selection_get_ip_names (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), NULL);

  return self->ip_names ? (const char * const *)self->ip_names : empty_strv;
}

gint64
ta_selection_get_time_start_minute (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), -1);
  return self->time_start;
}

gint64
ta_selection_get_time_end_minute (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), -1);
  return self->time_end;
}

const char * const *
ta_selection_get_attack_types (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), NULL);

  return self->attack_types ? (const char * const *)self->attack_types : empty_strv;
}

guint64
ta_selection_get_packet_count (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), 0);
  return self->packet_count;
}

guint
ta_selection_get_arc_count (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), 0);
  return self->arc_count;
}

gboolean
ta_selection_get_empty (TaSelection *self)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), TRUE);

  return self->ip_ids->len == 0 && self->time_start < 0 &&
         self->attack_types == NULL && self->arc_count == 0;
}

gboolean
ta_selection_get_time_range_us (TaSelection *self,
                                gint64      *start_us,
                                gint64      *end_us)
{
  g_return_val_if_fail (TA_IS_SELECTION (self), FALSE);

  if (self->time_start < 0)
    return FALSE;
  if (start_us)
    *start_us = self->time_start * G_GINT64_CONSTANT (60000000);
  if (end_us)
    *end_us = (self->time_end + 1) * G_GINT64_CONSTANT (60000000);
  return TRUE;
}
