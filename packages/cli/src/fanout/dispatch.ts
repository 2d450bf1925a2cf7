/**
 * The queue side's bookkeeping, pure: which jobs may be enqueued (everything they wait
 * for is done), what the progress line says, and when the fan-out is over. The I/O loop
 * (queue.ts) feeds it the states BullMQ reports.
 */
import type { QueueJobSpec } from './taskGraph';

/** A job's state as the queue command sees it. `blocked`: not enqueued yet, waiting for other jobs. */
export type DispatchState = 'blocked' | 'waiting' | 'running' | 'done' | 'failed';

export interface Progress {
  done: number;
  running: number;
  waiting: number;
  /** Of `waiting`: not enqueued yet, behind other jobs. */
  blocked: number;
  failed: number;
}

export class Dispatch {
  private readonly states = new Map<string, DispatchState>();

  constructor(private readonly specs: readonly QueueJobSpec[]) {
    const known = new Set(specs.map((s) => s.taskId));
    for (const spec of specs) {
      for (const dep of spec.after) if (!known.has(dep)) throw new RangeError(`job ${spec.taskId} waits for ${dep}, which is not a job`);
      this.states.set(spec.taskId, 'blocked');
    }
  }

  state(taskId: string): DispatchState {
    const state = this.states.get(taskId);
    if (state === undefined) throw new RangeError(`not a job of this fan-out: ${taskId}`);
    return state;
  }

  /** Blocked jobs whose every upstream job is done: enqueue them now. */
  ready(): string[] {
    return this.specs.filter((s) => this.state(s.taskId) === 'blocked' && s.after.every((d) => this.state(d) === 'done')).map((s) => s.taskId);
  }

  /** Jobs in the queue (waiting or running): the ones to ask BullMQ about. */
  inQueue(): string[] {
    return this.specs.filter((s) => ['waiting', 'running'].includes(this.state(s.taskId))).map((s) => s.taskId);
  }

  /** Records a state; a finished job never goes back (a late report of an old attempt changes nothing). */
  set(taskId: string, state: DispatchState): void {
    const old = this.state(taskId);
    if (old === 'done' || old === 'failed') return;
    this.states.set(taskId, state);
  }

  progress(): Progress {
    const p: Progress = { done: 0, running: 0, waiting: 0, blocked: 0, failed: 0 };
    for (const state of this.states.values()) {
      if (state === 'blocked') {
        p.blocked += 1;
        p.waiting += 1;
      } else p[state] += 1;
    }
    return p;
  }

  failed(): string[] {
    return this.specs.filter((s) => this.state(s.taskId) === 'failed').map((s) => s.taskId);
  }

  /** Every job done, or nothing can move any more (a failure blocks what waits for it, and nothing runs). */
  finished(): boolean {
    const p = this.progress();
    if (p.done === this.specs.length) return true;
    return p.failed > 0 && p.running === 0 && this.ready().length === 0 && this.inQueue().length === 0;
  }
}

export function formatProgress(p: Progress): string {
  return `done ${p.done} / running ${p.running} / waiting ${p.waiting}${p.blocked > 0 ? ` (${p.blocked} behind other jobs)` : ''} / failed ${p.failed}`;
}

/** BullMQ's job states, as the dispatch sees them; null for a job BullMQ does not know (removed). */
export function dispatchStateOf(bullState: string): DispatchState | null {
  switch (bullState) {
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'active':
      return 'running';
    case 'waiting':
    case 'waiting-children':
    case 'delayed':
    case 'prioritized':
      return 'waiting';
    default:
      return null;
  }
}
