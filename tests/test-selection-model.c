/* test-selection-model.c — TaSelection notify/changed behaviour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-selection.h"

static void
count_cb (GObject    *obj,
          GParamSpec *pspec,
          gpointer    user_data)
{
  (*(guint *)user_data)++;
}

static void
changed_cb (TaSelection *sel,
            gpointer     user_data)
{
  (*(guint *)user_data)++;
}

static void
test_set_clear (void)
{
  g_autoptr(TaSelection) sel = ta_selection_new ();
  const gint64 ids[] = { 3, 17 };
  const char *names[] = { "10.0.0.1", "10.0.0.2", NULL };
  const char *types[] = { "ddos", NULL };
  guint notifies = 0, changes = 0, n = 0;
  gint64 s = 0, e = 0;
  g_auto(GStrv) got_names = NULL;

  g_assert_true (ta_selection_get_empty (sel));
  g_signal_connect (sel, "notify", G_CALLBACK (count_cb), &notifies);
  g_signal_connect (sel, "changed", G_CALLBACK (changed_cb), &changes);

  ta_selection_set (sel, ids, names, 2, 20954250, 20954244, types, 1234, 5);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (notifies, ==, 8);
  g_assert_false (ta_selection_get_empty (sel));
  g_assert_cmpint (ta_selection_get_ip_ids (sel, &n)[1], ==, 17);
  g_assert_cmpuint (n, ==, 2);
  /* swapped bounds are normalised */
  g_assert_cmpint (ta_selection_get_time_start_minute (sel), ==, 20954244);
  g_assert_cmpint (ta_selection_get_time_end_minute (sel), ==, 20954250);
  g_assert_true (ta_selection_get_time_range_us (sel, &s, &e));
  g_assert_cmpint (s, ==, G_GINT64_CONSTANT (20954244) * 60000000);
  g_assert_cmpint (e, ==, G_GINT64_CONSTANT (20954251) * 60000000);
  g_object_get (sel, "ip-names", &got_names, NULL);
  g_assert_cmpstr (got_names[1], ==, "10.0.0.2");

  /* same values again: nothing emitted */
  ta_selection_set (sel, ids, names, 2, 20954244, 20954250, types, 1234, 5);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (notifies, ==, 8);

  ta_selection_clear (sel);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_true (ta_selection_get_empty (sel));
  g_assert_false (ta_selection_get_time_range_us (sel, NULL, NULL));
  g_assert_null (ta_selection_get_attack_types (sel)[0]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/TaSelection/set-clear", test_set_clear);
  return g_test_run ();
}
