/**
 * LightGCN's propagation (He et al. 2020, eq. 3-4) over the symmetric-normalised
 * user-item graph of the training interactions:
 *
 *   e_u^(k+1) = sum_{i in N(u)} e_i^(k) / sqrt(|N(u)| |N(i)|), and the same for items;
 *   final embedding = mean of layers 0..K.
 *
 * Each layer is a gather of neighbour rows and an unsorted segment sum into each node,
 * over the edge list: memory grows with the number of interactions, never users x items.
 * The gather and the segment sum are fused into one loop over the edges (meanOfLayers)
 * rather than composed from tfjs's gather and UnsortedSegmentSum kernels: as tfjs ops,
 * every layer materialised E x d gathered rows forward and backward, and the gather's
 * gradient adds transposes and masks; a first ML-100k run that way took about 9 s a step
 * at batch 2048 on this (heavily loaded) shared machine, the fused JavaScript loop about
 * 0.2 s of CPU, and the wasm SIMD loop (lightgcnSimd.ts) propagates about 6x faster again.
 */
import * as tf from '@tensorflow/tfjs';
import { simdHop, type SimdEdges } from './lightgcnSimd';

/** The interaction graph: one edge per training (user, item) pair, and each node's 1/sqrt(degree). */
export interface PropagationGraph {
  numUsers: number;
  numItems: number;
  edgeUser: Int32Array;
  edgeItem: Int32Array;
  /** 1/sqrt(|N(u)|); 0 for a user without training interactions (it keeps only its layer 0). */
  userScale: Float32Array;
  itemScale: Float32Array;
}

function inverseSqrtDegrees(ids: Int32Array, count: number, what: string): Float32Array {
  const degree = new Float32Array(count);
  for (const id of ids) {
    if (id < 0 || id >= count) throw new RangeError(`lightgcn: ${what} id ${id} outside [0, ${count})`);
    degree[id] = (degree[id] as number) + 1;
  }
  return degree.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
}

/** The graph of `interactions` (pairs assumed distinct: the data stage rejects or merges duplicates). */
export function propagationGraph(interactions: { user: Int32Array; item: Int32Array }, numUsers: number, numItems: number): PropagationGraph {
  if (interactions.user.length !== interactions.item.length) {
    throw new RangeError(`lightgcn: ${interactions.user.length} user ids against ${interactions.item.length} item ids`);
  }
  return {
    numUsers,
    numItems,
    edgeUser: interactions.user,
    edgeItem: interactions.item,
    userScale: inverseSqrtDegrees(interactions.user, numUsers, 'user'),
    itemScale: inverseSqrtDegrees(interactions.item, numItems, 'item'),
  };
}

/**
 * The mean of layers 0..K of propagation from x, the users' rows (numUsers x dim) then the
 * items' rows. One pass over the edges per layer does each edge's gather and segment sum
 * in both directions at once (wasm SIMD where it can, lightgcnSimd.ts), so the working
 * memory is a few N x d layers (N = users + items), never an E x d buffer of gathered rows.
 */
export function meanOfLayers(x: Float32Array, graph: PropagationGraph, layers: number, dim: number): Float32Array {
  const sum = Float32Array.from(x);
  let current = x;
  for (let k = 0; k < layers; k += 1) {
    const next = simdHop(simdEdges(graph, dim), current, dim) ?? hop(graph, current, dim);
    for (let j = 0; j < sum.length; j += 1) sum[j] = (sum[j] as number) + (next[j] as number);
    current = next;
  }
  const mean = 1 / (layers + 1);
  for (let j = 0; j < sum.length; j += 1) sum[j] = (sum[j] as number) * mean;
  return sum;
}

/** One propagation step in plain JavaScript (where wasm SIMD is unavailable or dim is not a multiple of 4). */
export function hop(graph: PropagationGraph, current: Float32Array, dim: number): Float32Array {
  const { numUsers, edgeUser, edgeItem, userScale, itemScale } = graph;
  const itemBase = numUsers * dim;
  const next = new Float32Array(current.length);
  for (let e = 0; e < edgeUser.length; e += 1) {
    const u = edgeUser[e] as number;
    const i = edgeItem[e] as number;
    const w = (userScale[u] as number) * (itemScale[i] as number);
    const ur = u * dim;
    const ir = itemBase + i * dim;
    for (let j = 0; j < dim; j += 1) {
      next[ur + j] = (next[ur + j] as number) + w * (current[ir + j] as number);
      next[ir + j] = (next[ir + j] as number) + w * (current[ur + j] as number);
    }
  }
  return next;
}

const simdEdgesOf = new WeakMap<PropagationGraph, { dim: number; edges: SimdEdges }>();

/** Each edge's row byte offsets and weight, for simdHop (kept per graph and row size). */
function simdEdges(graph: PropagationGraph, dim: number): SimdEdges {
  const kept = simdEdgesOf.get(graph);
  if (kept && kept.dim === dim) return kept.edges;
  const { numUsers, edgeUser, edgeItem, userScale, itemScale } = graph;
  const rowBytes = dim * 4;
  const edges: SimdEdges = {
    userRow: edgeUser.map((u) => u * rowBytes),
    itemRow: edgeItem.map((i) => (numUsers + i) * rowBytes),
    weight: Float32Array.from(edgeUser, (u, e) => (userScale[u] as number) * (itemScale[edgeItem[e] as number] as number)),
  };
  simdEdgesOf.set(graph, { dim, edges });
  return edges;
}

/**
 * The final embeddings from the layer-0 tables, as one op with its gradient. The
 * propagation matrix A (users and items as one node set, entries 1/sqrt(|N(u)| |N(i)|))
 * is symmetric, so P = (I + A + ... + A^K) / (K + 1) is too, and the gradient of
 * P x is P dy: backward runs the same passes as forward. Call inside tf.tidy or a
 * gradient function.
 */
export function propagate(users: tf.Tensor2D, items: tf.Tensor2D, graph: PropagationGraph, layers: number): { users: tf.Tensor2D; items: tf.Tensor2D } {
  if (layers === 0) return { users, items };
  const dim = users.shape[1];
  const shape: [number, number] = [graph.numUsers + graph.numItems, dim];
  const op = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.tensor2d(meanOfLayers(x.dataSync() as Float32Array, graph, layers, dim), shape),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.tensor2d(meanOfLayers((dy as tf.Tensor).dataSync() as Float32Array, graph, layers, dim), shape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  const final = op(tf.concat([users, items], 0)) as tf.Tensor2D;
  const [u, i] = tf.split(final, [graph.numUsers, graph.numItems], 0) as [tf.Tensor2D, tf.Tensor2D];
  return { users: u, items: i };
}
