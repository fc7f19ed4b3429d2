/* bench-timearcs.c — ms per frame of the TimeArcs view, offscreen, lens on
 *
 * Synthesises attack CSVs of 1 k, 10 k and 100 k records (skewed like real
 * attack data: a few busy attackers and targets, a long tail, a dominant
 * type), builds the model once (layout is off the draw path) and renders
 * 1920×1080 frames with the lens following a moving pointer.
 *
 * The figure is the median wall-clock time per frame (what the user waits
 * for; the arcs are rasterised on two threads). The median CPU time of the
 * whole process per frame is printed as a comment: on a shared machine it
 * tells the work apart from the waiting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <math.h>
#include <time.h>

#include "ta-attack-data.h"
#include "ta-arc-layout.h"
#include "ta-timearcs-render.h"

static guint
skewed (GRand *rand,
        guint  n)
{
  /* roughly Zipf: small indices are much more likely */
  double u = g_rand_double (rand);

  return (guint) MIN (n - 1, floor (pow (u, 3.0) * n));
}

static GString *
synthesize (guint n_records,
            guint seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GString *csv = g_string_new ("timestamp,length,src_ip,dst_ip,protocol,attack,count\n");
  guint n_ips = MAX (50, n_records / 30);
  guint minutes = MAX (90, MIN (1440, n_records / 60));

  for (guint i = 0; i < n_records; i++)
    {
      guint src = 1 + skewed (rand, n_ips);
      guint dst = 1 + skewed (rand, n_ips);
      guint attack = skewed (rand, 21);
      guint minute = g_rand_int_range (rand, 0, minutes);
      guint count = 1 + skewed (rand, 5000);

      g_string_append_printf (csv, "%u,66,%u,%u,6,%u,%u\n",
                              20954244 + minute, src, dst, attack, count);
    }
  return csv;
}

static void
bench (guint       n_records,
       const char *name)
{
  g_autoptr(TaAttackData) data = ta_attack_data_new ();
  g_autoptr(TaArcModel) model = NULL;
  g_autoptr(GError) error = NULL;
  GString *csv = synthesize (n_records, 42);
  cairo_surface_t *surface;
  cairo_t *cr;
  TaRenderState state;
  gint64 first, last;
  double times[15];
  double wall[15];
  guint n_arcs;
  guint n_drawn = 0;

  if (!ta_attack_data_load_data (data, name, csv->str, csv->len, &error))
    g_error ("%s", error->message);
  g_string_free (csv, TRUE);
  model = ta_arc_model_new (data, NULL, NULL, NULL, NULL, NULL);
  ta_arc_model_get_arcs (model, &n_arcs);
  ta_arc_model_get_minutes (model, &first, &last);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  cr = cairo_create (surface);
  ta_render_state_init (&state);
  state.model = model;
  state.t0 = first;
  state.t1 = last + 1;
  state.lens = TRUE;
  state.magnification = 5;

  for (guint i = 0; i < G_N_ELEMENTS (times) + 2; i++)
    {
      gint64 t0, w0;
      struct timespec c0, c1;

      state.focus_x = 300 + i * 80;
      state.focus_y = 200 + i * 40;
      w0 = g_get_monotonic_time ();
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &c0);
      ta_timearcs_render (&state, cr, 1920, 1080);
      cairo_surface_flush (surface);
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &c1);
      t0 = (c1.tv_sec - c0.tv_sec) * G_GINT64_CONSTANT (1000000000) + (c1.tv_nsec - c0.tv_nsec);
      if (i >= 2)
        {
          times[i - 2] = t0 / 1.0e6;
          wall[i - 2] = (g_get_monotonic_time () - w0) / 1000.0;
        }
    }
  /* medians */
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (times); j++)
      {
        if (times[j] < times[i])
          {
            double t = times[i];
            times[i] = times[j];
            times[j] = t;
          }
        if (wall[j] < wall[i])
          {
            double t = wall[i];
            wall[i] = wall[j];
            wall[j] = t;
          }
      }
  ta_arc_aggregate (state.aggregator, model, &state.geom, state.mode, NULL, state.max_ink, &n_drawn);
  if (g_getenv ("TA_BENCH_PNG"))
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", g_getenv ("TA_BENCH_PNG"), name);
      cairo_surface_write_to_png (surface, png);
    }
  g_printerr ("# %s: %u records, %u arcs, %u rows, %u drawn (cell %u px); "
              "median wall %.2f ms (min %.2f), median CPU of all threads %.2f ms\n",
              name, n_records, n_arcs, ta_arc_model_get_n_rows (model), n_drawn,
              ta_arc_aggregator_get_cell (state.aggregator), wall[G_N_ELEMENTS (wall) / 2], wall[0],
              times[G_N_ELEMENTS (times) / 2]);
  g_print ("BENCH %s %.2f ms\n", name, wall[G_N_ELEMENTS (wall) / 2]);

  ta_render_state_clear (&state);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  bench (1000, "timearcs_frame_1k_ms");
  bench (10000, "timearcs_frame_10k_ms");
  bench (100000, "timearcs_frame_100k_ms");
  return 0;
}
