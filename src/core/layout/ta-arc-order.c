/* ta-arc-order.c — TimeArcs row order: rows placed so that arcs are short
 * (components, barycentre sweeps, adjacent swaps)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ta-arc-layout.h"

typedef struct
{
  guint    n;
  guint   *start;    /* n + 1 */
  guint32 *nbr;
  guint32 *w;
} Csr;

static void
csr_build (Csr             *csr,
           guint            n_nodes,
           const TaRowEdge *edges,
           guint            n_edges)
{
  guint *fill;

  csr->n = n_nodes;
  csr->start = g_new0 (guint, n_nodes + 1);
  for (guint i = 0; i < n_edges; i++)
    if (edges[i].u != edges[i].v)
      {
        csr->start[edges[i].u + 1]++;
        csr->start[edges[i].v + 1]++;
      }
  for (guint i = 0; i < n_nodes; i++)
    csr->start[i + 1] += csr->start[i];
  csr->nbr = g_new (guint32, MAX (1, csr->start[n_nodes]));
  csr->w = g_new (guint32, MAX (1, csr->start[n_nodes]));
  fill = g_memdup2 (csr->start, sizeof (guint) * n_nodes);
  for (guint i = 0; i < n_edges; i++)
    {
      guint32 u = edges[i].u, v = edges[i].v;

      if (u == v)
        continue;
      csr->nbr[fill[u]] = v;
      csr->w[fill[u]++] = MAX (1, edges[i].weight);
      csr->nbr[fill[v]] = u;
      csr->w[fill[v]++] = MAX (1, edges[i].weight);
    }
  g_free (fill);
}

static void
csr_clear (Csr *csr)
{
  g_free (csr->start);
  g_free (csr->nbr);
  g_free (csr->w);
}

static guint32
uf_find (guint32 *parent,
         guint32  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

typedef struct
{
  double  key;
  double  key2;
  gint64  key3;
  guint32 node;
} SortItem;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const SortItem *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  if (x->key2 != y->key2)
    return x->key2 < y->key2 ? -1 : 1;
  if (x->key3 != y->key3)
    return x->key3 < y->key3 ? -1 : 1;
  return x->node < y->node ? -1 : (x->node > y->node);
}

static double
component_cost (const Csr      *csr,
                const guint32  *nodes,
                guint           n,
                const double   *pos)
{
  double cost = 0;

  for (guint i = 0; i < n; i++)
    {
      guint32 u = nodes[i];

      for (guint k = csr->start[u]; k < csr->start[u + 1]; k++)
        cost += csr->w[k] * fabs (pos[u] - pos[csr->nbr[k]]);
    }
  return cost / 2;
}

/* Seed order: components (largest first, then earliest activity, then
 * smallest id), inside each its members by first activity and id. Each
 * item's key is its component's rank. */
static void
seed_order (guint            n_nodes,
            const TaRowEdge *edges,
            guint            n_edges,
            const gint64    *first_activity,
            const gint64    *node_ids,
            SortItem        *items)
{
  g_autofree guint32 *parent = g_new (guint32, n_nodes);
  g_autofree guint32 *comp_size = g_new0 (guint32, n_nodes);
  g_autofree gint64 *comp_first = g_new (gint64, n_nodes);
  g_autofree gint64 *comp_minid = g_new (gint64, n_nodes);
  g_autofree SortItem *comps = NULL;
  g_autofree guint *rank = NULL;
  guint n_comps = 0;

  for (guint i = 0; i < n_nodes; i++)
    parent[i] = i;
  for (guint i = 0; i < n_edges; i++)
    {
      guint32 a = uf_find (parent, edges[i].u), b = uf_find (parent, edges[i].v);

      if (a != b)
        parent[MAX (a, b)] = MIN (a, b);
    }

  for (guint i = 0; i < n_nodes; i++)
    {
      comp_first[i] = G_MAXINT64;
      comp_minid[i] = G_MAXINT64;
    }
  for (guint i = 0; i < n_nodes; i++)
    {
      guint32 r = uf_find (parent, i);
      gint64 fa = first_activity ? first_activity[i] : 0;
      gint64 id = node_ids ? node_ids[i] : i;

      if (comp_size[r]++ == 0)
        n_comps++;
      comp_first[r] = MIN (comp_first[r], fa);
      comp_minid[r] = MIN (comp_minid[r], id);
    }

  /* components: largest first, then earliest activity, then smallest id */
  comps = g_new (SortItem, n_comps);
  n_comps = 0;
  for (guint i = 0; i < n_nodes; i++)
    if (parent[i] == i)
      comps[n_comps++] = (SortItem) { -(double) comp_size[i], (double) comp_first[i], comp_minid[i], i };
  qsort (comps, n_comps, sizeof (SortItem), compare_items);

  /* members of each component in seed order (first activity, id) */
  for (guint i = 0; i < n_nodes; i++)
    items[i] = (SortItem) { 0, first_activity ? (double) first_activity[i] : 0,
                            node_ids ? node_ids[i] : i, i };
  rank = g_new (guint, n_nodes);
  for (guint c = 0; c < n_comps; c++)
    rank[comps[c].node] = c;
  for (guint i = 0; i < n_nodes; i++)
    items[i].key = rank[uf_find (parent, i)];
  qsort (items, n_nodes, sizeof (SortItem), compare_items);
}

/* Barycentre sweeps over one component of @n members (in @members, their
 * positions in @pos); the shortest order seen goes to @best */
static void
barycentre_sweeps (const Csr     *csr,
                   SortItem      *it,
                   guint32       *members,
                   guint32       *best,
                   double        *pos,
                   guint          n,
                   const gint64  *node_ids,
                   guint          sweeps)
{
  double best_cost = component_cost (csr, members, n, pos);
  double key = it[0].key;

  for (guint s = 0; s < sweeps; s++)
    {
      double cost;

      for (guint i = 0; i < n; i++)
        {
          guint32 u = members[i];
          double sum = 0, wsum = 0;

          for (guint k = csr->start[u]; k < csr->start[u + 1]; k++)
            {
              sum += csr->w[k] * pos[csr->nbr[k]];
              wsum += csr->w[k];
            }
          it[i] = (SortItem) { wsum > 0 ? sum / wsum : pos[u], pos[u],
                               node_ids ? node_ids[u] : u, u };
        }
      qsort (it, n, sizeof (SortItem), compare_items);
      for (guint i = 0; i < n; i++)
        {
          members[i] = it[i].node;
          pos[it[i].node] = i;
        }
      cost = component_cost (csr, members, n, pos);
      if (cost < best_cost - 1e-9)
        {
          best_cost = cost;
          memcpy (best, members, n * sizeof (guint32));
        }
      /* keep the items' key (component rank) intact for the caller */
      for (guint i = 0; i < n; i++)
        it[i].key = key;
    }
}

/* Adjacent swaps on @best while they shorten the arcs (barycentres alone
 * can stall on chains) */
static void
adjacent_swaps (const Csr *csr,
                guint32   *best,
                double    *pos,
                guint      n,
                guint      sweeps)
{
  for (guint i = 0; i < n; i++)
    pos[best[i]] = i;
  for (guint pass = 0; sweeps > 0 && pass < 4 * sweeps; pass++)
    {
      gboolean improved = FALSE;

      for (guint i = 0; i + 1 < n; i++)
        {
          guint32 u = best[i], v = best[i + 1];
          double before = 0, after = 0;

          for (guint k = csr->start[u]; k < csr->start[u + 1]; k++)
            if (csr->nbr[k] != v)
              {
                before += csr->w[k] * fabs (pos[u] - pos[csr->nbr[k]]);
                after += csr->w[k] * fabs (pos[u] + 1 - pos[csr->nbr[k]]);
              }
          for (guint k = csr->start[v]; k < csr->start[v + 1]; k++)
            if (csr->nbr[k] != u)
              {
                before += csr->w[k] * fabs (pos[v] - pos[csr->nbr[k]]);
                after += csr->w[k] * fabs (pos[v] - 1 - pos[csr->nbr[k]]);
              }
          if (after < before - 1e-9)
            {
              best[i] = v;
              best[i + 1] = u;
              pos[v] = i;
              pos[u] = i + 1;
              improved = TRUE;
            }
        }
      if (!improved)
        break;
    }
}

void
ta_arc_order_rows (guint            n_nodes,
                   const TaRowEdge *edges,
                   guint            n_edges,
                   const gint64    *first_activity,
                   const gint64    *node_ids,
                   guint            sweeps,
                   guint32         *order)
{
  g_autofree SortItem *items = NULL;
  g_autofree guint32 *members = NULL;
  g_autofree guint32 *best = NULL;
  g_autofree double *pos = NULL;
  guint out = 0;
  Csr csr;

  if (n_nodes == 0)
    return;

  items = g_new (SortItem, n_nodes);
  seed_order (n_nodes, edges, n_edges, first_activity, node_ids, items);

  csr_build (&csr, n_nodes, edges, n_edges);
  pos = g_new (double, n_nodes);
  members = g_new (guint32, n_nodes);
  best = g_new (guint32, n_nodes);

  while (out < n_nodes)
    {
      guint begin = out, n;

      while (out < n_nodes && items[out].key == items[begin].key)
        out++;
      n = out - begin;
      for (guint i = 0; i < n; i++)
        {
          members[begin + i] = items[begin + i].node;
          pos[items[begin + i].node] = i;
        }
      memcpy (best + begin, members + begin, n * sizeof (guint32));
      if (n <= 2)
        continue;

      barycentre_sweeps (&csr, items + begin, members + begin, best + begin, pos, n,
                         node_ids, sweeps);
      adjacent_swaps (&csr, best + begin, pos, n, sweeps);
    }

  memcpy (order, best, n_nodes * sizeof (guint32));
  csr_clear (&csr);
}

double
ta_arc_total_length (guint            n_nodes,
                     const TaRowEdge *edges,
                     guint            n_edges,
                     const guint32   *order)
{
  g_autofree guint *pos = g_new (guint, MAX (1, n_nodes));
  double cost = 0;

  for (guint i = 0; i < n_nodes; i++)
    pos[order[i]] = i;
  for (guint i = 0; i < n_edges; i++)
    cost += (double) MAX (1, edges[i].weight) * fabs ((double) pos[edges[i].u] - (double) pos[edges[i].v]);
  return cost;
}

