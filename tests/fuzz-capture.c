/* fuzz-capture.c — libFuzzer harness for the capture reader
 *
 * Built with -Dfuzzing=true and CC=clang (see .ci/fuzz.sh). Each input is
 * read from memory through TaInput (ta_input_new_from_data: the same window
 * and gzip code as a file), so plain and gzip captures, pcap and pcapng are
 * all reached without a file per execution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "ta-addr-table.h"
#include "ta-capture-reader.h"
#include "ta-input.h"
#include "ta-read-stats.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* One address table for many inputs: creating one costs an 8 MiB
 * directory allocation, which under ASan dominated each execution. It is
 * replaced once it holds many addresses, so memory stays bounded. */
static TaAddrTable *addrs;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  TaReadStats stats;
  TaReaderConfig cfg = { 0, };
  TaCaptureReader *rd;
  TaInput *in;
  TaPacket pkt;
  GError *error = NULL;
  guint64 delivered = 0;

  if (addrs != NULL && ta_addr_table_get_size (addrs) > 100000)
    g_clear_pointer (&addrs, ta_addr_table_free);
  if (addrs == NULL)
    addrs = ta_addr_table_new ();
  ta_read_stats_init (&stats);
  cfg.addrs = addrs;
  cfg.stats = &stats;

  in = ta_input_new_from_data (data, size, "fuzz-input");
  rd = ta_capture_reader_new (in, &cfg, &error);
  if (rd != NULL)
    {
      while (ta_capture_reader_next (rd, &pkt, &error))
        {
          /* every delivered packet names two interned addresses */
          if (ta_addr_table_get_name (addrs, pkt.src) == NULL ||
              ta_addr_table_get_name (addrs, pkt.dst) == NULL)
            abort ();
          delivered++;
        }
      /* a reader that ended stays ended */
      if (ta_capture_reader_next (rd, &pkt, NULL))
        abort ();
      if (delivered > ta_capture_reader_get_records (rd) || delivered != stats.packets)
        abort ();
      ta_capture_reader_free (rd);
    }
  g_clear_error (&error);
  ta_read_stats_clear (&stats);
  return 0;
}
