/* ta-detect-private.h — what the detector's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ta-detect.h"

G_BEGIN_DECLS

#define TA_DET_MINUTE_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

/* What a window, pair or finding is keyed by */
typedef enum
{
  KIND_SRC,         /* a = source: network scan */
  KIND_SRC_SMTP,    /* a = source, SMTP only: spam */
  KIND_PAIR,        /* a, b: port scan */
  KIND_PAIR_SVC,    /* a, b, port: brute force */
  KIND_DST_PROTO,   /* a = destination, proto: DDoS */
  KIND_DST_ECHO,    /* a = destination: ping flood */
  KIND_BEACON,      /* a, b, proto, port */
  KIND_ALPHA,       /* a, b, proto, port, and the connection id in win */
  N_KINDS
} DetKind;

typedef struct
{
  guint32 a;
  guint32 b;
  guint16 port;
  guint8  proto;
  guint8  kind;
} DetKey;

/* One attack-CSV row being counted */
typedef struct
{
  gint64  minute;
  guint32 src;
  guint32 dst;
  guint32 length;
  guint8  proto;
  guint64 count;
} DetRow;

typedef struct
{
  TaFinding   pub;            /* first: the public view */
  DetKey      key;
  gint64      last_win;       /* the window (or id) last merged in */
  GHashTable *srcs;           /* addr + 1 */
  GHashTable *dsts;
  GHashTable *ports;          /* port + 1 */
  GHashTable *rows;           /* DetRow* set */
} DetFinding;

guint       det_key_hash        (gconstpointer a);
gboolean    det_key_equal       (gconstpointer a,
                                 gconstpointer b);
GHashTable *det_rows_new        (void);
/* Counts @c's packets as rows, spread evenly over the minutes it spans,
 * each direction with its sender as source; beyond TA_DETECT_MAX_ROWS
 * distinct rows the packets are counted in *dropped */
void        det_rows_add_conn   (GHashTable   *rows,
                                 const TaConn *c,
                                 guint64      *dropped);
void        det_rows_merge      (GHashTable   *into,
                                 GHashTable   *from);
GHashTable *det_set_new         (void);
void        det_set_add         (GHashTable   *set,
                                 guint32       value);
void        det_set_merge       (GHashTable   *into,
                                 GHashTable   *from);
void        det_finding_free    (gpointer      finding);

/* Takes @f: merged into the finding of the same type and key from the
 * window before (or the same one), else kept as a new finding */
void        det_detector_emit   (TaDetector   *self,
                                 DetFinding   *f);
DetFinding *det_finding_new     (TaFindingType type,
                                 const DetKey *key,
                                 gint64        win);

/* ta-detect-series.c: beaconing (per pair gap statistics) and alpha flows */
typedef struct _DetSeries DetSeries;

DetSeries  *det_series_new      (const TaDetectOptions *options,
                                 TaDetector            *detector);
void        det_series_free     (DetSeries    *self);
void        det_series_add      (DetSeries    *self,
                                 const TaConn *c);
/* Judges and forgets the pairs idle for beacon_idle_us (all with @all) */
void        det_series_sweep    (DetSeries    *self,
                                 gint64        now,
                                 gboolean      all);
/* Judges the alpha-flow candidates against the byte distribution */
void        det_series_finish   (DetSeries    *self);
guint       det_series_get_n_keys (DetSeries  *self);

/* ta-detect-write.c: the files of ta_detector_finish() */
gboolean    det_write_files     (GPtrArray    *findings,
                                 TaAddrTable  *addrs,
                                 const char   *dir,
                                 GError      **error);

G_END_DECLS
