/**
 * One propagation step of lightgcn (lightgcnGraph.ts) as a WebAssembly SIMD loop: for each
 * edge (u, i) with weight w, next[u] += w * cur[i] and next[i] += w * cur[u], four floats
 * at a time. The plain JavaScript loop did the same work about 5.5x slower than PyTorch's
 * torch.sparse.mm (50 ms against 9 ms of CPU for three layers on ML-100k u1.base, 64-d);
 * tfjs has no sparse product on wasm, and node has no SIMD for JavaScript.
 *
 * The module is 150 bytes, written out below with the opcode of each instruction (the
 * WebAssembly core and fixed-width SIMD specifications), so nothing is compiled at
 * install time. Rows must be a whole number of 4-float lanes; lightgcnGraph.ts keeps the
 * JavaScript loop for other sizes. The sums are float32 (the JavaScript loop rounds each
 * product-and-add once, in float64), deterministic either way: edges in a fixed order.
 */

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_LT_U = 0x49;
const I32_LOAD = [0x28, 2, 0];
const V128_LOAD = [0xfd, 0x00, 4, 0];
const V128_STORE = [0xfd, 0x0b, 4, 0];
const V128_LOAD32_SPLAT = [0xfd, 0x09, 2, 0];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];
const i32Const = (v: number) => [0x41, v]; // v < 64: one signed LEB128 byte

// Parameters: 0 userRows, 1 itemRows (byte offsets of each edge's rows, i32 arrays), 2 weights
// (f32 array), 3 edge count (> 0), 4 cur, 5 next (byte addresses), 6 row bytes.
// Locals: 7 j, 8 user row, 9 item row, 10 scratch address, 11 the edge weight in all four lanes.
const [USER_ROWS, ITEM_ROWS, WEIGHTS, EDGES, CUR, NEXT, ROW_BYTES, J, UR, IR, ADDR, W] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/** next[to + j] += w * cur[from + j], one lane group. */
const accumulate = (to: number, from: number) => [
  ...get(NEXT), ...get(to), I32_ADD, ...get(J), I32_ADD, ...tee(ADDR),
  ...get(ADDR), ...V128_LOAD,
  ...get(W),
  ...get(CUR), ...get(from), I32_ADD, ...get(J), I32_ADD, ...V128_LOAD,
  ...F32X4_MUL, ...F32X4_ADD, ...V128_STORE,
];

const advance = (p: number) => [...get(p), ...i32Const(4), I32_ADD, ...set(p)];

const body = [
  2, 4, I32, 1, V128, // locals: four i32, one v128
  0x03, 0x40, // loop over edges
  ...get(USER_ROWS), ...I32_LOAD, ...set(UR),
  ...get(ITEM_ROWS), ...I32_LOAD, ...set(IR),
  ...get(WEIGHTS), ...V128_LOAD32_SPLAT, ...set(W),
  ...i32Const(0), ...set(J),
  0x03, 0x40, // loop over the row's lane groups
  ...accumulate(UR, IR),
  ...accumulate(IR, UR),
  ...get(J), ...i32Const(16), I32_ADD, ...tee(J), ...get(ROW_BYTES), I32_LT_U, 0x0d, 0, // br_if: next lane group
  0x0b,
  ...advance(USER_ROWS), ...advance(ITEM_ROWS), ...advance(WEIGHTS),
  ...get(EDGES), ...i32Const(1), I32_SUB, ...tee(EDGES), 0x0d, 0, // br_if: next edge
  0x0b,
  0x0b, // end of function
];

const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0x00, 1]),
  ...section(7, [2, ...name('hop'), 0x00, 0, ...name('memory'), 0x02, 0]),
  ...section(10, [1, ...leb(body.length), ...body]),
]);

interface Instance {
  hop: (userRows: number, itemRows: number, weights: number, edges: number, cur: number, next: number, rowBytes: number) => void;
  memory: WebAssembly.Memory;
}

let instance: Instance | null | undefined;
/** The edges now in the module's memory: a training step propagates over the same graph every call. */
let resident: SimdEdges | null = null;

/** The compiled module, or null where the runtime has no wasm SIMD (the caller keeps its JavaScript loop). */
function simd(): Instance | null {
  if (instance === undefined) {
    try {
      const exports = new WebAssembly.Instance(new WebAssembly.Module(MODULE)).exports as unknown as Instance;
      instance = exports;
    } catch {
      instance = null;
    }
  }
  return instance;
}

export interface SimdEdges {
  userRow: Int32Array;
  itemRow: Int32Array;
  weight: Float32Array;
}

/**
 * next = A cur for the N x dim layer `cur` (users' rows, then items'), where the edges give
 * each row's byte offset and weight; null when SIMD is unavailable or dim is not a multiple of 4.
 */
export function simdHop(edges: SimdEdges, cur: Float32Array, dim: number): Float32Array | null {
  const wasm = dim % 4 === 0 && edges.weight.length > 0 ? simd() : null;
  if (!wasm) return null;
  const e = edges.weight.length;
  const layerBytes = cur.length * 4;
  const need = 3 * e * 4 + 2 * layerBytes;
  const have = wasm.memory.buffer.byteLength;
  if (need > have) wasm.memory.grow(Math.ceil((need - have) / 65536));
  const buffer = wasm.memory.buffer;
  const [userRows, itemRows, weights, curAt, nextAt] = [0, e * 4, 2 * e * 4, 3 * e * 4, 3 * e * 4 + layerBytes];
  if (resident !== edges || need > have) {
    new Int32Array(buffer, userRows, e).set(edges.userRow);
    new Int32Array(buffer, itemRows, e).set(edges.itemRow);
    new Float32Array(buffer, weights, e).set(edges.weight);
    resident = edges;
  }
  new Float32Array(buffer, curAt, cur.length).set(cur);
  new Float32Array(buffer, nextAt, cur.length).fill(0);
  wasm.hop(userRows, itemRows, weights, e, curAt, nextAt, dim * 4);
  return new Float32Array(buffer, nextAt, cur.length).slice();
}
