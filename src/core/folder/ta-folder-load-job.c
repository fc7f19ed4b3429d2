/* ta-folder-load-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-folder-load-job.h"

struct _TaFolderLoadJob
{
  TaJob           parent_instance;

  GFile          *file;
  TaSubsetFolder *folder;
};

G_DEFINE_FINAL_TYPE (TaFolderLoadJob, ta_folder_load_job, TA_TYPE_JOB)

static void
report_cb (double      fraction,
           const char *message,
           gpointer    data)
{
  ta_job_report (TA_JOB (data), 0, 0, MAX (fraction, 0), message);
}

static gboolean
ta_folder_load_job_run (TaJob         *job,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TaFolderLoadJob *self = TA_FOLDER_LOAD_JOB (job);

  self->folder = ta_subset_folder_load (self->file, cancellable, report_cb, self, error);
  return self->folder != NULL;
}

static void
ta_folder_load_job_finalize (GObject *object)
{
  TaFolderLoadJob *self = (TaFolderLoadJob *) object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->folder, ta_subset_folder_unref);

  G_OBJECT_CLASS (ta_folder_load_job_parent_class)->finalize (object);
}

static void
ta_folder_load_job_class_init (TaFolderLoadJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ta_folder_load_job_finalize;
  TA_JOB_CLASS (klass)->run = ta_folder_load_job_run;
}

static void
ta_folder_load_job_init (TaFolderLoadJob *self)
{
}

TaFolderLoadJob *
ta_folder_load_job_new (GFile *folder)
{
  TaFolderLoadJob *self;

  g_return_val_if_fail (G_IS_FILE (folder), NULL);

  self = g_object_new (TA_TYPE_FOLDER_LOAD_JOB, NULL);
  self->file = g_object_ref (folder);
  return self;
}

GFile *
ta_folder_load_job_get_file (TaFolderLoadJob *self)
{
  g_return_val_if_fail (TA_IS_FOLDER_LOAD_JOB (self), NULL);
  return self->file;
}

TaSubsetFolder *
ta_folder_load_job_get_folder (TaFolderLoadJob *self)
{
  g_return_val_if_fail (TA_IS_FOLDER_LOAD_JOB (self), NULL);
  return self->folder;
}
