/* ta-demo-write.c — frames, CSV rows and the tally of the synthetic
 * network's packets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ta-demo-write.h"
#include "ta-json.h"
#include "ta-packet.h"

#define MIN_US G_GINT64_CONSTANT (60000000)

gboolean
ta_demo_format_for_name (const char   *path,
                         TaDemoFormat *format)
{
  g_autofree char *name = g_ascii_strdown (path, -1);
  gsize len = strlen (name);

  if (len > 3 && g_str_has_suffix (name, ".gz"))
    name[len - 3] = '\0';
  if (g_str_has_suffix (name, ".csv"))
    *format = TA_DEMO_FORMAT_CSV;
  else if (g_str_has_suffix (name, ".pcapng"))
    *format = TA_DEMO_FORMAT_PCAPNG;
  else if (g_str_has_suffix (name, ".pcap"))
    *format = TA_DEMO_FORMAT_PCAP;
  else
    return FALSE;
  return TRUE;
}

/* ---- the tally -------------------------------------------------------- */

static guint
pair_hash (gconstpointer p)
{
  const TaDemoPair *a = p;

  return (a->attacker * 2654435761u) ^ (a->victim * 40503u) ^ a->attack;
}

static gboolean
pair_equal (gconstpointer x, gconstpointer y)
{
  const TaDemoPair *a = x, *b = y;

  return a->attack == b->attack && a->attacker == b->attacker && a->victim == b->victim;
}

void
ta_demo_tally_init (TaDemoTally *tally)
{
  memset (tally, 0, sizeof *tally);
  tally->pairs = g_hash_table_new_full (pair_hash, pair_equal, g_free, NULL);
}

void
ta_demo_tally_clear (TaDemoTally *tally)
{
  g_clear_pointer (&tally->pairs, g_hash_table_unref);
}

static gint
pair_order (gconstpointer x, gconstpointer y)
{
  const TaDemoPair *a = *(TaDemoPair **) x, *b = *(TaDemoPair **) y;

  if (a->attack != b->attack)
    return a->attack - b->attack;
  if (a->first_min != b->first_min)
    return a->first_min < b->first_min ? -1 : 1;
  if (a->attacker != b->attacker)
    return a->attacker < b->attacker ? -1 : 1;
  return a->victim < b->victim ? -1 : a->victim > b->victim;
}

GPtrArray *
ta_demo_tally_sorted_pairs (TaDemoTally *tally)
{
  GPtrArray *pairs = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, tally->pairs);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (pairs, key);

  g_ptr_array_sort (pairs, pair_order);
  return pairs;
}

static void
tally_add (TaDemoTally        *tally,
           const TaDemoPacket *p)
{
  TaDemoPair key, *pair;
  gint64 minute = p->ts / MIN_US;

  if (p->attack < 0)
    {
      tally->normal++;
      return;
    }
  tally->packets[p->attack]++;
  key.attack = (guint8) p->attack;
  key.attacker = p->from_client ? p->src : p->dst;
  key.victim = p->from_client ? p->dst : p->src;
  pair = g_hash_table_lookup (tally->pairs, &key);
  if (pair == NULL)
    {
      pair = g_memdup2 (&key, sizeof key);
      pair->first_min = pair->last_min = minute;
      g_hash_table_add (tally->pairs, pair);
    }
  pair->last_min = MAX (pair->last_min, minute);
}

/* ---- CSV -------------------------------------------------------------- */

static const char csv_header[] =
  "timestamp,length,protocol,src_port,dst_port,src_ip,dst_ip,flags,seq_num,ack_num\n";

static inline void
put_csv (TaOut              *o,
         const TaDemoPacket *p,
         guint               label_column)
{
  char *q = ta_out_reserve (o, 192);
  gboolean is_tcp = p->proto == 6;

  q = ta_put_i64 (q, p->ts);
  *q++ = ',';
  q = ta_put_u32 (q, p->length);
  *q++ = ',';
  q = ta_put_u32 (q, p->proto);
  *q++ = ',';
  q = ta_put_u32 (q, p->sport);
  *q++ = ',';
  q = ta_put_u32 (q, p->dport);
  *q++ = ',';
  q = ta_put_u32 (q, p->src + 1);
  *q++ = ',';
  q = ta_put_u32 (q, p->dst + 1);
  *q++ = ',';
  q = ta_put_u32 (q, is_tcp ? p->flags : 0);
  *q++ = ',';
  q = ta_put_u32 (q, is_tcp ? p->seq : 0);
  *q++ = ',';
  q = ta_put_u32 (q, is_tcp ? p->ack : 0);
  if (label_column == TA_DEMO_LABEL_CODE)
    {
      *q++ = ',';
      q = ta_put_i64 (q, p->attack);
    }
  else if (label_column == TA_DEMO_LABEL_NAME)
    {
      *q++ = ',';
      q = ta_put_str (q, p->attack < 0 ? "normal" : ta_demo_attack_label (p->attack));
    }
  *q++ = '\n';
  ta_out_commit (o, q);
}

/* ---- frames ----------------------------------------------------------- */

static inline void
be16 (guint8 *p, guint v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) v;
}

static inline void
be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static inline void
le32 (guint8 *p, guint32 v)
{
  memcpy (p, &v, 4);   /* the capture is written in this machine's order */
}

static guint16
checksum (const guint8 *p, guint len)
{
  guint32 sum = 0;

  for (guint i = 0; i + 1 < len; i += 2)
    sum += (guint32) (p[i] << 8 | p[i + 1]);
  if (len & 1)
    sum += (guint32) p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/* The first bytes of a message as its protocol starts it */
static const char *
app_start (const TaDemoPacket *p,
           gsize              *len)
{
  static const char http_req[] = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n"
                                 "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\n\r\n";
  static const char http_resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                                  "Server: nginx\r\n\r\n<!doctype html><html><head><title>";
  static const char tls_hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
  static const char tls_data[] = "\x17\x03\x03\x05\xa8";
  static const char smtp_srv[] = "220 mail.example.org ESMTP Postfix\r\n";
  static const char smtp_cli[] = "EHLO client.example.net\r\n";
  static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
  gboolean client = p->from_client;

  switch (p->app)
    {
    case TA_DEMO_APP_HTTP:
      *len = client ? sizeof http_req - 1 : sizeof http_resp - 1;
      return client ? http_req : http_resp;
    case TA_DEMO_APP_TLS:
      *len = p->first ? sizeof tls_hello - 1 : sizeof tls_data - 1;
      return p->first ? tls_hello : tls_data;
    case TA_DEMO_APP_SMTP:
      *len = client ? sizeof smtp_cli - 1 : sizeof smtp_srv - 1;
      return client ? smtp_cli : smtp_srv;
    case TA_DEMO_APP_SSH:
      *len = sizeof ssh - 1;
      return ssh;
    default:
      *len = 0;
      return NULL;
    }
}

static void
put_payload (guint8             *d,
             guint               n,
             const TaDemoPacket *p)
{
  static const guint8 q_name[] = "\x03www\x07" "example\x03" "com\x00\x00\x01\x00\x01";
  gsize len = 0, k = 0;
  const char *start = NULL;

  if (p->app == TA_DEMO_APP_DNS)
    {
      guint8 dns[49] = { 0, };
      gboolean answer = p->payload > 33;

      be16 (dns, p->session & 0xffff);
      be16 (dns + 2, answer ? 0x8180 : 0x0100);
      be16 (dns + 4, 1);
      be16 (dns + 6, answer ? 1 : 0);
      memcpy (dns + 12, q_name, 21);
      if (answer)
        {
          static const guint8 rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 215, 14 };

          memcpy (dns + 33, rr, sizeof rr);
        }
      memcpy (d, dns, MIN (n, sizeof dns));
      return;
    }
  if (p->app == TA_DEMO_APP_ICMP)
    {
      for (guint i = 0; i < n; i++)
        d[i] = (guint8) (0x10 + i);
      return;
    }
  if (p->first || p->app == TA_DEMO_APP_TLS)
    start = app_start (p, &len);
  if (start != NULL)
    {
      k = MIN (len, n);
      memcpy (d, start, k);
    }
  for (guint i = (guint) k; i < n; i++)
    d[i] = (guint8) ("TimeArcs synthetic payload "[(i + p->session) % 27]);
}

/* The frame's first TA_DEMO_SNAPLEN bytes into @d; returns how many */
static guint
put_frame (TaDemoGen          *gen,
           guint8             *d,
           const TaDemoPacket *p)
{
  const TaDemoHost *s = ta_demo_gen_get_host (gen, p->src);
  const TaDemoHost *t = ta_demo_gen_get_host (gen, p->dst);
  guint ip = s->v6 ? 40 : 20, l4 = p->proto == 6 ? p->hdr : 8;
  guint cap = MIN (p->length, TA_DEMO_SNAPLEN);
  guint8 *h = d + 14, *l = d + 14 + ip;

  memcpy (d, t->mac, 6);
  memcpy (d + 6, s->mac, 6);
  be16 (d + 12, s->v6 ? 0x86dd : 0x0800);
  if (s->v6)
    {
      be32 (h, 0x60000000u | (p->session & 0xfffff));
      be16 (h + 4, l4 + p->payload);
      h[6] = p->proto;
      h[7] = s->internal ? 64 : 52;
      memcpy (h + 8, s->ip, 16);
      memcpy (h + 24, t->ip, 16);
    }
  else
    {
      h[0] = 0x45;
      h[1] = 0;
      be16 (h + 2, ip + l4 + p->payload);
      be16 (h + 4, (p->session * 7 + (guint32) p->ts) & 0xffff);
      be16 (h + 6, 0x4000);
      h[8] = s->internal ? 64 : 52;
      h[9] = p->proto;
      h[10] = h[11] = 0;
      memcpy (h + 12, s->ip, 4);
      memcpy (h + 16, t->ip, 4);
      be16 (h + 10, checksum (h, 20));
    }
  be16 (l, p->sport);
  be16 (l + 2, p->dport);
  if (p->proto == 6)
    {
      be32 (l + 4, p->seq);
      be32 (l + 8, p->ack);
      l[12] = (guint8) ((l4 / 4) << 4);
      l[13] = p->flags;
      be16 (l + 14, s->internal ? 64240 : 65535);
      be32 (l + 16, 0);   /* checksum (not computed: payloads are cut), urgent */
      if (l4 == 24)
        be32 (l + 20, 0x020405b4);   /* MSS 1460 */
    }
  else if (p->proto == 17)
    {
      be16 (l + 4, 8 + p->payload);
      be16 (l + 6, 0);
    }
  else
    {
      /* ICMP echo: type, code, checksum, identifier, sequence */
      l[0] = p->flags;
      l[1] = 0;
      be16 (l + 2, 0);
      be32 (l + 4, p->seq);
    }
  if (cap > 14 + ip + l4)
    put_payload (l + l4, cap - 14 - ip - l4, p);
  if (p->proto == 1)
    be16 (l + 2, checksum (l, MIN (cap - 14 - ip, l4 + p->payload)));
  return cap;
}

static void
put_pcapng_header (TaOut *o)
{
  guint8 b[48] = { 0, };

  /* section header block, little or big endian as the machine is */
  le32 (b, 0x0A0D0D0A);
  le32 (b + 4, 28);
  le32 (b + 8, 0x1A2B3C4D);
  *(guint16 *) (b + 12) = 1;   /* version 1.0, in the block's byte order */
  memset (b + 16, 0xff, 8);   /* section length unknown */
  le32 (b + 24, 28);
  /* interface description block: Ethernet, snapshot length, µs */
  le32 (b + 28, 1);
  le32 (b + 32, 20);
  *(guint16 *) (b + 36) = 1;
  le32 (b + 40, TA_DEMO_SNAPLEN);
  le32 (b + 44, 20);
  ta_out_write (o, b, 48);
}

static void
put_pcap_header (TaOut *o)
{
  guint8 b[24] = { 0, };

  le32 (b, 0xa1b2c3d4);
  *(guint16 *) (b + 4) = 2;
  *(guint16 *) (b + 6) = 4;
  le32 (b + 16, TA_DEMO_SNAPLEN);
  le32 (b + 20, 1);
  ta_out_write (o, b, 24);
}

static inline void
put_record (TaOut              *o,
            TaDemoGen          *gen,
            TaDemoFormat        format,
            const TaDemoPacket *p)
{
  guint8 *b = (guint8 *) ta_out_reserve (o, 32 + TA_DEMO_SNAPLEN + 8);
  guint64 ts = (guint64) p->ts;

  if (format == TA_DEMO_FORMAT_PCAPNG)
    {
      guint cap = put_frame (gen, b + 28, p);
      guint padded = (cap + 3) & ~3u;

      memset (b + 28 + cap, 0, padded - cap);
      le32 (b, 6);
      le32 (b + 4, 32 + padded);
      le32 (b + 8, 0);
      le32 (b + 12, (guint32) (ts >> 32));
      le32 (b + 16, (guint32) ts);
      le32 (b + 20, cap);
      le32 (b + 24, p->length);
      le32 (b + 28 + padded, 32 + padded);
      ta_out_commit (o, (char *) b + 32 + padded);
    }
  else
    {
      guint cap = put_frame (gen, b + 16, p);

      le32 (b, (guint32) (ts / G_USEC_PER_SEC));
      le32 (b + 4, (guint32) (ts % G_USEC_PER_SEC));
      le32 (b + 8, cap);
      le32 (b + 12, p->length);
      ta_out_commit (o, (char *) b + 16 + cap);
    }
}

void
ta_demo_write_header (const TaDemoConfig *config,
                      TaDemoFormat        format,
                      TaOut              *out)
{
  if (format == TA_DEMO_FORMAT_CSV)
    {
      ta_out_write (out, csv_header, sizeof csv_header - 2);
      ta_out_puts (out, config->label_column != TA_DEMO_LABEL_NONE ? ",attack\n" : "\n");
    }
  else if (format == TA_DEMO_FORMAT_PCAPNG)
    put_pcapng_header (out);
  else
    put_pcap_header (out);
}

void
ta_demo_write_packets (TaDemoGen          *hosts,
                       TaDemoFormat        format,
                       guint               label_column,
                       TaOut              *out,
                       const TaDemoPacket *pkts,
                       guint               n)
{
  if (format == TA_DEMO_FORMAT_CSV)
    for (guint i = 0; i < n; i++)
      put_csv (out, &pkts[i], label_column);
  else
    for (guint i = 0; i < n; i++)
      put_record (out, hosts, format, &pkts[i]);
}

gboolean
ta_demo_write_stream (const TaDemoConfig *config,
                      TaDemoFormat        format,
                      TaOut              *out,
                      TaDemoTally        *tally,
                      TaDemoProgress      progress,
                      gpointer            user_data,
                      TaDemoTee           tee,
                      gpointer            tee_data,
                      GCancellable       *cancellable,
                      GError            **error)
{
  g_autoptr(TaDemoGen) gen = ta_demo_gen_new (config);
  g_autofree TaDemoPacket *batch = g_new (TaDemoPacket, TA_DEMO_BATCH);
  guint64 n = 0;
  guint k;

  ta_demo_write_header (config, format, out);
  do
    {
      for (k = 0; k < TA_DEMO_BATCH && ta_demo_gen_next (gen, &batch[k]); k++)
        ;
      ta_demo_write_packets (gen, format, config->label_column, out, batch, k);
      if (tally != NULL)
        for (guint i = 0; i < k; i++)
          tally_add (tally, &batch[i]);
      if (tee != NULL && k > 0 && !tee (batch, k, tee_data))
        return !g_cancellable_set_error_if_cancelled (cancellable, error);
      n += k;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (progress != NULL)
        progress (n, user_data);
    }
  while (k == TA_DEMO_BATCH);
  return TRUE;
}

char *
ta_demo_ip_map_json (TaDemoGen *gen)
{
  GString *s = g_string_new ("{");

  for (guint i = 0; i < ta_demo_gen_get_n_hosts (gen); i++)
    {
      g_string_append (s, i ? ",\n  " : "\n  ");
      ta_json_append_string (s, ta_demo_gen_get_host (gen, i)->addr);
      g_string_append_printf (s, ": %u", i + 1);
    }
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}
