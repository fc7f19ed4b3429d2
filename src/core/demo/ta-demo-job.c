/* ta-demo-job.c — the demo investigation folder: capture and CSV in two
 * threads, IP map, ground truth, mappings and colours, then the attacks job
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ta-attacks-job.h"
#include "ta-demo-job.h"
#include "ta-demo-write.h"
#include "ta-error.h"
#include "ta-format.h"
#include "ta-json.h"
#include "ta-out-target.h"

struct _TaDemoJob
{
  TaJob          parent_instance;
  TaDemoOptions  options;
  TaDemoResult   result;
  gboolean       has_result;
};

G_DEFINE_FINAL_TYPE (TaDemoJob, ta_demo_job, TA_TYPE_JOB)

/* Event colours: one per attack, far apart */
static const char * const attack_colors[TA_DEMO_N_ATTACKS] = {
  "#C9A200", "#E6AB02", "#264D99", "#D41159", "#D95F02", "#6A0DAD", "#E7298A", "#178DBD",
};

char *
ta_demo_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "timearcs", "demo", NULL);
}

static TaDemoConfig
config_of (const TaDemoOptions *o)
{
  TaDemoConfig c = { 0, };

  c.seed = o->seed;
  c.packets = o->packets;
  c.start_us = o->start_us;
  c.duration_us = o->duration_us > 0 ? o->duration_us : 2 * G_GINT64_CONSTANT (3600000000);
  c.attacks = TRUE;
  return c;
}

/* ---- the two writers -------------------------------------------------
 *
 * The CSV thread generates the packets, writes the CSV, counts the tally
 * and hands each batch over; the job's thread writes them as the capture.
 * Batches circulate between a free and a full queue (N_BATCHES of them, so
 * memory is fixed); a batch with no packets ends the stream. When the
 * capture side stops early it cancels the CSV side and drains the full
 * queue until the end, so neither thread can wait for the other forever. */

#define N_BATCHES 4

typedef struct
{
  TaDemoPacket *pkts;
  guint         n;
} Batch;

typedef struct
{
  TaJob        *job;       /* reports progress; may be NULL */
  TaDemoConfig  config;
  char         *path;
  TaDemoTally   tally;
  GCancellable *cancellable;
  GAsyncQueue  *free_q;
  GAsyncQueue  *full_q;
  Batch         batches[N_BATCHES];
  Batch         end;
  GError       *error;
  gboolean      ok;
} Pipe;

static gboolean
hand_over (const TaDemoPacket *pkts,
           guint               n,
           gpointer            user_data)
{
  Pipe *t = user_data;
  Batch *b = g_async_queue_pop (t->free_q);

  if (g_cancellable_is_cancelled (t->cancellable))
    {
      g_async_queue_push (t->free_q, b);
      return FALSE;
    }
  memcpy (b->pkts, pkts, n * sizeof *pkts);
  b->n = n;
  g_async_queue_push (t->full_q, b);
  return TRUE;
}

static gpointer
csv_thread (gpointer data)
{
  Pipe *t = data;
  TaOut *out = ta_out_open (t->path, TA_OUT_GZIP | TA_OUT_GZIP_FAST | TA_OUT_IN_PLACE, 0, &t->error);

  if (out != NULL)
    {
      if (ta_demo_write_stream (&t->config, TA_DEMO_FORMAT_CSV, out, &t->tally, NULL, NULL,
                                hand_over, t, t->cancellable, &t->error))
        t->ok = ta_out_commit_file (out, &t->error);
      else
        ta_out_abandon (out);
    }
  g_async_queue_push (t->full_q, &t->end);
  return NULL;
}

/* The capture side; FALSE with @error when it stopped early */
static gboolean
write_capture (Pipe         *t,
               const char   *path,
               GCancellable *cancellable,
               GError      **error)
{
  g_autoptr(TaDemoGen) hosts = ta_demo_gen_new (&t->config);
  TaOut *out = ta_out_open (path, TA_OUT_GZIP | TA_OUT_GZIP_FAST | TA_OUT_IN_PLACE, 0, error);
  gboolean ok = out != NULL;
  guint64 done = 0;
  Batch *b;

  if (ok)
    ta_demo_write_header (&t->config, TA_DEMO_FORMAT_PCAPNG, out);
  while ((b = g_async_queue_pop (t->full_q)) != &t->end)
    {
      if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      if (ok)
        {
          ta_demo_write_packets (hosts, TA_DEMO_FORMAT_PCAPNG, 0, out, b->pkts, b->n);
          done += b->n;
          if (t->job != NULL && ta_job_report_due (t->job))
            ta_job_report (t->job, done, t->config.packets,
                           0.85 * (double) done / (double) MAX (t->config.packets, 1),
                           _("Generating packets"));
        }
      else
        g_cancellable_cancel (t->cancellable);   /* and drain until the end */
      g_async_queue_push (t->free_q, b);
    }
  if (!ok)
    {
      if (out != NULL)
        ta_out_abandon (out);
      return FALSE;
    }
  return ta_out_commit_file (out, error);
}

/* ---- the small files -------------------------------------------------- */

static gboolean
write_text (const char *dir,
            const char *name,
            const char *text,
            GError    **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents (path, text, -1, error);
}

/* The server port an attack's ground-truth rows name ("0": any) */
static const char *
gt_port (guint attack)
{
  switch (attack)
    {
    case TA_DEMO_SYNFLOOD: return "80";
    case TA_DEMO_SSH_BRUTE: return "22";
    case TA_DEMO_C2:
    case TA_DEMO_EXFIL: return "443";
    case TA_DEMO_SPAM: return "25";
    default: return "0";
    }
}

static char *
ground_truth_csv (TaDemoGen   *gen,
                  TaDemoTally *tally,
                  guint       *n_rows)
{
  g_autoptr(GPtrArray) pairs = ta_demo_tally_sorted_pairs (tally);
  GString *s = g_string_new ("Event Type,C2S ID,Source,Source Port(s),Destination,"
                             "Destination Port(s),Start Time (UTC),Stop Time (UTC)\n");

  for (guint i = 0; i < pairs->len; i++)
    {
      const TaDemoPair *p = pairs->pdata[i];
      g_autofree char *start = ta_format_minute_as (p->first_min, "%Y-%m-%d %H:%M:%S", "");
      g_autofree char *stop = ta_format_minute_as (p->last_min, "%Y-%m-%d %H:%M:%S", "");

      g_string_append_printf (s, "%s,%u,%s,0,%s,%s,%s,%s\n", ta_demo_attack_label (p->attack), i + 1,
                              ta_demo_gen_get_host (gen, p->attacker)->addr,
                              ta_demo_gen_get_host (gen, p->victim)->addr, gt_port (p->attack),
                              start, stop);
    }
  *n_rows = pairs->len;
  return g_string_free (s, FALSE);
}

static char *
mappings_json (gboolean colors)
{
  GString *s = g_string_new ("{\n  \"normal\": ");

  g_string_append (s, colors ? "\"#4B4B4B\"" : "-1");
  for (guint i = 0; i < TA_DEMO_N_ATTACKS; i++)
    {
      g_string_append (s, ",\n  ");
      ta_json_append_string (s, ta_demo_attack_label (i));
      if (colors)
        g_string_append_printf (s, ": \"%s\"", attack_colors[i]);
      else
        g_string_append_printf (s, ": %u", i);
    }
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

static const char group_mapping[] =
  "{\n  \"normal\": -1,\n  \"spambot - client compromise\": 0,\n  \"ddos\": 1,\n"
  "  \"c2-based\": 2,\n  \"post-phishing c2\": 3,\n  \"other\": 4\n}\n";
static const char group_colors[] =
  "{\n  \"normal\": \"#4B4B4B\",\n  \"spambot - client compromise\": \"#e7298a\",\n"
  "  \"ddos\": \"#7570b3\",\n  \"c2-based\": \"#d95f02\",\n  \"post-phishing c2\": \"#1b9e77\",\n"
  "  \"other\": \"#66a61e\"\n}\n";

static gboolean
write_small_files (TaDemoJob   *self,
                   const char  *dir,
                   TaDemoTally *tally,
                   GError     **error)
{
  TaDemoConfig config = config_of (&self->options);
  g_autoptr(TaDemoGen) gen = ta_demo_gen_new (&config);
  g_autofree char *ip_map = ta_demo_ip_map_json (gen);
  g_autofree char *gt = ground_truth_csv (gen, tally, &self->result.gt_rows);
  g_autofree char *events = mappings_json (FALSE);
  g_autofree char *colors = mappings_json (TRUE);

  return write_text (dir, "demo_ip_map.json", ip_map, error) &&
         write_text (dir, "ground_truth.csv", gt, error) &&
         write_text (dir, "event_type_mapping_demo.json", events, error) &&
         write_text (dir, "attack_group_mapping_demo.json", group_mapping, error) &&
         write_text (dir, "color_mapping.json", colors, error) &&
         write_text (dir, "attack_group_color_mapping.json", group_colors, error);
}

/* ---- the attacks job -------------------------------------------------- */

static void
cancel_attacks (GCancellable *cancellable,
                gpointer      job)
{
  ta_job_cancel (job);
}

static gboolean
run_attacks (TaDemoJob    *self,
             const char   *dir,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr(TaAttacksOptions) o = ta_attacks_options_new ();
  g_autoptr(TaAttacksJob) job = NULL;
  gulong id;
  gboolean ok;

  o->inputs = g_new0 (char *, 2);
  o->inputs[0] = g_build_filename (dir, "decoded_demo.csv.gz", NULL);
  o->ip_map = g_build_filename (dir, "demo_ip_map.json", NULL);
  o->out = g_build_filename (dir, TA_DEMO_ATTACK_FILE, NULL);
  o->grouped_out = g_build_filename (dir, "demo_grouped_attacks.csv", NULL);
  o->ground_truth = g_build_filename (dir, "ground_truth.csv", NULL);
  o->event_mapping = g_build_filename (dir, "event_type_mapping_demo.json", NULL);
  o->group_mapping = g_build_filename (dir, "attack_group_mapping_demo.json", NULL);
  o->force = TRUE;   /* the folder is this run's own, new */
  job = ta_attacks_job_new (o);
  id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_attacks), job, NULL);
  ok = ta_job_run (TA_JOB (job), error);
  g_cancellable_disconnect (cancellable, id);
  if (ok)
    self->result.attack_rows = ta_attacks_job_get_result (job)->rows;
  return ok;
}

/* ---- the run ---------------------------------------------------------- */

gboolean
ta_demo_write_pair (const TaDemoConfig *config,
                    const char         *csv_path,
                    const char         *capture_path,
                    TaDemoTally        *tally,
                    TaJob              *job,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(GCancellable) csv_cancel = g_cancellable_new ();
  Pipe t = { 0, };
  GThread *thread;
  gboolean ok;

  t.job = job;
  t.config = *config;
  t.path = (char *) csv_path;
  t.cancellable = csv_cancel;
  t.free_q = g_async_queue_new ();
  t.full_q = g_async_queue_new ();
  for (guint i = 0; i < N_BATCHES; i++)
    {
      t.batches[i].pkts = g_new (TaDemoPacket, TA_DEMO_BATCH);
      g_async_queue_push (t.free_q, &t.batches[i]);
    }
  ta_demo_tally_init (&t.tally);
  thread = g_thread_new ("demo-csv", csv_thread, &t);
  ok = write_capture (&t, capture_path, cancellable, error);
  g_thread_join (thread);
  if (ok && !t.ok)
    {
      if (t.error != NULL)
        g_propagate_error (error, g_steal_pointer (&t.error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      ok = FALSE;
    }
  g_clear_error (&t.error);
  if (ok && tally != NULL)
    {
      ta_demo_tally_clear (tally);
      *tally = t.tally;
    }
  else
    ta_demo_tally_clear (&t.tally);
  for (guint i = 0; i < N_BATCHES; i++)
    g_free (t.batches[i].pkts);
  g_async_queue_unref (t.free_q);
  g_async_queue_unref (t.full_q);
  return ok;
}

static gboolean
generate (TaDemoJob    *self,
          const char   *tmp,
          GCancellable *cancellable,
          GError      **error)
{
  g_autofree char *cap_path = g_build_filename (tmp, "demo.pcapng.gz", NULL);
  g_autofree char *csv_path = g_build_filename (tmp, "decoded_demo.csv.gz", NULL);
  TaDemoConfig config = config_of (&self->options);
  TaDemoTally tally;
  gboolean ok;

  ta_demo_tally_init (&tally);
  ok = ta_demo_write_pair (&config, csv_path, cap_path, &tally, TA_JOB (self), cancellable, error);
  if (ok)
    {
      memcpy (self->result.attack_packets, tally.packets, sizeof tally.packets);
      self->result.normal_packets = tally.normal;
      self->result.packets = self->options.packets;
      ok = write_small_files (self, tmp, &tally, error);
    }
  ta_demo_tally_clear (&tally);
  return ok;
}

static gboolean
write_marker (TaDemoJob  *self,
              const char *tmp,
              GError    **error)
{
  g_autofree char *text = g_strdup_printf (
    "{\n  \"generator\": \"timearcs-cli demo\",\n  \"version\": \"%s\",\n  \"seed\": %" G_GUINT64_FORMAT ",\n"
    "  \"packets\": %" G_GUINT64_FORMAT ",\n  \"start_us\": %" G_GINT64_FORMAT ",\n"
    "  \"duration_us\": %" G_GINT64_FORMAT ",\n  \"attack_file\": \"%s\"\n}\n",
    PACKAGE_VERSION, self->options.seed, self->options.packets, self->options.start_us,
    config_of (&self->options).duration_us, TA_DEMO_ATTACK_FILE);

  return write_text (tmp, TA_DEMO_MARKER, text, error);
}

static gboolean
ta_demo_job_run (TaJob         *job,
                 GCancellable  *cancellable,
                 GError       **error)
{
  TaDemoJob *self = TA_DEMO_JOB (job);
  const char *dir = self->options.dir;
  g_autofree char *tmp = NULL;
  gboolean ok;

  if (!ta_out_target_check_demo_folder (dir, self->options.force, error))
    return FALSE;
  if ((tmp = ta_out_make_partial_dir (dir, error)) == NULL)
    return FALSE;
  ta_job_report (job, 0, self->options.packets, 0, _("Generating packets"));
  ok = generate (self, tmp, cancellable, error);
  if (ok)
    {
      ta_job_report (job, self->options.packets, self->options.packets, 0.85, _("Labelling the attacks"));
      ok = run_attacks (self, tmp, cancellable, error);
    }
  ok = ok && write_marker (self, tmp, error) &&
       ta_out_target_check_demo_folder (dir, self->options.force, error) &&
       ta_out_move_folder_into_place (tmp, dir, error);
  if (!ok)
    {
      ta_out_remove_tree (tmp);
      return FALSE;
    }
  self->result.dir = g_strdup (dir);
  self->result.attack_file = g_build_filename (dir, TA_DEMO_ATTACK_FILE, NULL);
  self->has_result = TRUE;
  ta_job_report (job, self->options.packets, self->options.packets, 1.0, _("Done"));
  return TRUE;
}

static void
ta_demo_job_finalize (GObject *object)
{
  TaDemoJob *self = TA_DEMO_JOB (object);

  g_free (self->options.dir);
  g_free (self->result.dir);
  g_free (self->result.attack_file);
  G_OBJECT_CLASS (ta_demo_job_parent_class)->finalize (object);
}

static void
ta_demo_job_class_init (TaDemoJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ta_demo_job_finalize;
  TA_JOB_CLASS (klass)->run = ta_demo_job_run;
}

static void
ta_demo_job_init (TaDemoJob *self)
{
}

TaDemoJob *
ta_demo_job_new (const TaDemoOptions *options)
{
  TaDemoJob *self = g_object_new (TA_TYPE_DEMO_JOB, NULL);

  self->options = *options;
  self->options.dir = g_strdup (options->dir);
  if (self->options.packets == 0)
    self->options.packets = TA_DEMO_DEFAULT_PACKETS;
  if (self->options.start_us == 0)
    self->options.start_us = TA_DEMO_DEFAULT_START_US;
  return self;
}

const TaDemoResult *
ta_demo_job_get_result (TaDemoJob *self)
{
  return self->has_result ? &self->result : NULL;
}
