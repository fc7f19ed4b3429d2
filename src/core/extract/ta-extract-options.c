/* ta-extract-options.c — TaExtractOptions: new, copy, free
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ta-extract-job.h"
#include "ta-flow-tracker.h"

TaExtractOptions *
ta_extract_options_new (void)
{
  TaExtractOptions *o = g_new0 (TaExtractOptions, 1);

  o->flow_timeout_s = TA_FLOW_TIMEOUT_DEFAULT_S;
  o->chunk_size = TA_CHUNK_SIZE_DEFAULT;
  return o;
}

TaExtractOptions *
ta_extract_options_copy (const TaExtractOptions *options)
{
  TaExtractOptions *o = g_new0 (TaExtractOptions, 1);

  *o = *options;
  o->data_files = g_strdupv (options->data_files);
  o->ip_map_path = g_strdup (options->ip_map_path);
  o->output_dir = g_strdup (options->output_dir);
  o->filter_ips = g_strdupv (options->filter_ips);
  o->attack_context = g_strdup (options->attack_context);
  o->profile.local_nets = g_strdup (options->profile.local_nets);
  o->profile.relays = g_strdup (options->profile.relays);
  o->profile.pseudonymise = g_strdup (options->profile.pseudonymise);
  o->preset = g_strdup (options->preset);
  return o;
}

void
ta_extract_options_free (TaExtractOptions *options)
{
  if (options == NULL)
    return;
  g_strfreev (options->data_files);
  g_free (options->ip_map_path);
  g_free (options->output_dir);
  g_strfreev (options->filter_ips);
  g_free (options->attack_context);
  g_free ((char *) options->profile.local_nets);
  g_free ((char *) options->profile.relays);
  g_free ((char *) options->profile.pseudonymise);
  g_free (options->preset);
  g_free (options);
}

