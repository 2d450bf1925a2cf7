/**
 * The contract of classic (non-network) models: fitted by their own algorithm on the
 * training interactions, saved as typed arrays (Arrow files, see DESIGN notes in the
 * README: "Saved classic models"), and scored from what was saved plus the interactions
 * they were fitted on (a user's history is the query of itemknn, EASE, RP3beta and
 * PureSVD). The network models' contract is in contract.ts; MODEL_TRAITS in the config
 * says which kind each type is.
 */
import type { Feedback, ModelType, ResolvedModelConfig } from '@deeprec/config';
import type { SavedColumns } from './classic/columns';
import type { Csr, Interactions } from './classic/sparse';
import type { ItemRepresentation } from './itemRepresentation';

/** Facts from the data a fit needs beyond the interactions. */
export interface ClassicContext {
  feedback: Feedback;
  seed: number;
}

/** A fitted classic model: what is saved, and how it scores. */
export interface FittedClassic {
  readonly type: ModelType;
  readonly numUsers: number;
  readonly numItems: number;
  /** JSON-safe facts the arrays need to be read back (sizes, options that change scoring). */
  readonly meta: Record<string, unknown>;
  /** The saved arrays, row-major (each model's file documents its layout). */
  readonly arrays: Record<string, Int32Array | Float32Array>;
  /** Full-catalogue scores of `users`, user-major (users.length x numItems); `history`: the fit's interactions by user. */
  scoreUsers(history: Csr, users: ArrayLike<number>): Float32Array;
  /** Scores of (users[k], items[k]): predicted ratings for explicit data where the model has a rating form, else ranking scores. */
  scorePairs(history: Csr, users: Int32Array, items: Int32Array): Float32Array;
  /** Item factors or item-item weights, for similar items; absent when the model has neither (userknn). */
  readonly items?: ItemRepresentation;
}

export interface ClassicFactory<T extends ModelType> {
  readonly type: T;
  readonly kind: 'classic';
  /** Full reference of the paper the algorithm follows. */
  readonly paper: string;
  fit(config: ResolvedModelConfig<T>, data: Interactions, context: ClassicContext): FittedClassic;
  /** Checks that can be made from the data's size alone (validate runs them): a ConfigError when the fit would be refused. */
  checkSize?(config: ResolvedModelConfig<T>, numUsers: number, numItems: number): void;
  /** The fitted model back from its saved meta (unchecked JSON) and arrays; an ArtifactError when they do not fit together. */
  load(meta: unknown, arrays: SavedColumns): FittedClassic;
}

/**
 * A FittedClassic from what every classic model has: its type, sizes and meta, the
 * arrays it saves and its full-row scores. `scorePairs` where the model has a rating form
 * or a cheaper pair score; otherwise pair scores are read off the full rows.
 */
export function fittedClassic<M extends { readonly numUsers: number; readonly numItems: number }>(
  type: ModelType,
  meta: M,
  arrays: Record<string, Int32Array | Float32Array>,
  scoreUsers: FittedClassic['scoreUsers'],
  scorePairs?: FittedClassic['scorePairs'],
  items?: ItemRepresentation,
): FittedClassic {
  const { numUsers, numItems } = meta;
  return {
    type,
    numUsers,
    numItems,
    meta: { ...meta },
    arrays,
    scoreUsers,
    scorePairs: scorePairs ?? ((history, users, items) => pairsFromRows((u) => scoreUsers(history, u), numItems, users, items)),
    ...(items ? { items } : {}),
  };
}

/** Stored numbers: the architecture chart's "parameters" of a classic model. */
export function storedValues(fitted: FittedClassic): number {
  return Object.values(fitted.arrays).reduce((n, a) => n + a.length, 0);
}

/** Users per block when scoring pairs through full rows: bounds the block to about 2^20 scores. */
function usersPerBlock(numItems: number): number {
  return Math.max(1, Math.floor((1 << 20) / numItems));
}

/**
 * Pair scores read off full-catalogue rows, for models whose ranking score has no cheaper
 * pair form: the distinct users are scored in blocks, each row once.
 */
export function pairsFromRows(
  scoreUsers: (users: ArrayLike<number>) => Float32Array,
  numItems: number,
  users: Int32Array,
  items: Int32Array,
): Float32Array {
  const out = new Float32Array(users.length);
  const distinct = Array.from(new Set(users)).sort((a, b) => a - b);
  const rowOf = new Map<number, number>();
  const perBlock = usersPerBlock(numItems);
  for (let start = 0; start < distinct.length; start += perBlock) {
    const block = distinct.slice(start, start + perBlock);
    rowOf.clear();
    block.forEach((u, r) => rowOf.set(u, r));
    const scores = scoreUsers(block);
    for (let k = 0; k < users.length; k += 1) {
      const r = rowOf.get(users[k] as number);
      if (r !== undefined) out[k] = scores[r * numItems + (items[k] as number)] as number;
    }
  }
  return out;
}
