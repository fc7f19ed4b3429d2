/* ta-packet-reader.c — packet CSV or capture, told apart by magic bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "ta-capture-reader.h"
#include "ta-csv-reader.h"
#include "ta-error.h"
#include "ta-packet-reader.h"

struct _TaPacketReader
{
  TaInputKind      kind;
  TaCsvReader     *csv;
  TaCaptureReader *capture;
  TaPacketFilter  *filter;      /* borrowed */
  TaReadStats     *stats;       /* borrowed */
  gint64           last_ts;     /* capture path: for the early stop */
  guint            tick_rows;
  guint            ordered : 1;
  guint            stopped_early : 1;
};

TaPacketReader *
ta_packet_reader_open (const char           *path,
                       const TaReaderConfig *config,
                       GError              **error)
{
  g_autoptr(TaPacketReader) self = NULL;
  TaInput *input;
  const guint8 *head;
  gsize avail;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (config != NULL && config->addrs != NULL && config->stats != NULL, NULL);

  input = ta_input_open (path, error);
  if (input == NULL)
    return NULL;
  head = ta_input_peek (input, 4, &avail, error);
  if (head == NULL)
    {
      ta_input_free (input);
      return NULL;
    }

  self = g_new0 (TaPacketReader, 1);
  self->stats = config->stats;
  self->ordered = TRUE;
  self->last_ts = G_MININT64;
  if (ta_capture_sniff (head, avail, &self->kind))
    {
      self->capture = ta_capture_reader_new (input, config, error);
      if (self->capture == NULL)
        return NULL;
    }
  else
    {
      self->kind = TA_INPUT_KIND_CSV;
      self->csv = ta_csv_reader_new (input, config, error);
      if (self->csv == NULL)
        return NULL;
    }
  return g_steal_pointer (&self);
}

void
ta_packet_reader_set_filter (TaPacketReader *self,
                             TaPacketFilter *filter)
{
  self->filter = filter;
  if (self->csv != NULL)
    ta_csv_reader_set_filter (self->csv, filter);
}

gboolean
ta_packet_reader_get_stopped_early (TaPacketReader *self)
{
  if (self->csv != NULL)
    return ta_csv_reader_get_stopped_early (self->csv);
  return self->stopped_early;
}

static gboolean
capture_next (TaPacketReader  *self,
              TaPacket        *pkt,
              GError         **error)
{
  TaPacketFilter *f = self->filter;

  if (self->stopped_early)
    return FALSE;
  while (ta_capture_reader_next (self->capture, pkt, error))
    {
      if (f == NULL)
        return TRUE;
      if (G_UNLIKELY (++self->tick_rows == TA_PACKET_FILTER_TICK_ROWS))
        {
          self->tick_rows = 0;
          if (f->tick != NULL && !f->tick (f->tick_data))
            {
              self->stats->packets--;
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
              return FALSE;
            }
        }
      if (f->has_time_end && pkt->ts > f->time_end_us && self->ordered)
        {
          f->rejected_time++;
          self->stopped_early = TRUE;
          /* the capture reader counted it as delivered */
          self->stats->packets--;
          return FALSE;
        }
      if (pkt->ts < self->last_ts)
        self->ordered = FALSE;
      self->last_ts = pkt->ts;
      if (!ta_packet_filter_time_ok (f, pkt->ts))
        f->rejected_time++;
      else if (!ta_packet_filter_addrs_ok (f, pkt->src, pkt->dst))
        f->rejected_addr++;
      else
        return TRUE;
      self->stats->packets--;
    }
  return FALSE;
}

gboolean
ta_packet_reader_next (TaPacketReader  *self,
                       TaPacket        *pkt,
                       GError         **error)
{
  if (self->csv != NULL)
    return ta_csv_reader_next (self->csv, pkt, error);
  return capture_next (self, pkt, error);
}

TaInputKind
ta_packet_reader_get_kind (TaPacketReader *self)
{
  return self->kind;
}

gboolean
ta_packet_reader_has_label_column (TaPacketReader *self)
{
  return self->csv != NULL && ta_csv_reader_has_label_column (self->csv);
}

static TaInput *
get_input (TaPacketReader *self)
{
  if (self->csv != NULL)
    return ta_csv_reader_get_input (self->csv);
  if (self->capture != NULL)
    return ta_capture_reader_get_input (self->capture);
  return NULL;
}

guint64
ta_packet_reader_get_file_position (TaPacketReader *self)
{
  TaInput *input = get_input (self);

  return input ? ta_input_get_file_position (input) : 0;
}

guint64
ta_packet_reader_get_file_size (TaPacketReader *self)
{
  TaInput *input = get_input (self);

  return input ? ta_input_get_file_size (input) : 0;
}

void
ta_packet_reader_free (TaPacketReader *self)
{
  if (self == NULL)
    return;
  ta_csv_reader_free (self->csv);
  ta_capture_reader_free (self->capture);
  g_free (self);
}
