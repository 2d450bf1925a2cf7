/**
 * Which Nx tasks of an experiment become queue jobs, and in what order (`deeprec queue`).
 *
 * Nx writes its task graph with `nx run <target> --graph=<file>.json`; we read it through
 * zod (it is another tool's file). The jobs are the expensive tasks, train and search
 * trials; everything else runs where Nx puts it (datagen once before the fan-out, the
 * search selection inside its train job, evaluate and report after the drain). A job may
 * start once every job it depends on, directly or through non-job tasks, is done: then
 * the worker's `nx run` finds all it needs in the shared cache and computes only its own
 * task.
 */
import { z } from 'zod';
import { ArtifactError } from '@deeprec/base';

const TaskGraphFile = z.object({
  tasks: z.object({
    tasks: z.record(z.string(), z.object({ id: z.string(), target: z.object({ project: z.string(), target: z.string() }) })),
    dependencies: z.record(z.string(), z.array(z.union([z.string(), z.object({ id: z.string() })]))),
  }),
});

export interface NxTask {
  id: string;
  project: string;
  target: string;
  /** Direct dependencies (task ids). */
  deps: string[];
}

/** The tasks of `nx run ... --graph=file.json`, in a stable order (by id). */
export function parseTaskGraph(json: unknown, source: string): NxTask[] {
  const parsed = TaskGraphFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArtifactError(`${source}: not an Nx task graph (at ${issue?.path.join('.') || 'the top'}: ${issue?.message ?? 'invalid'})`);
  }
  const { tasks, dependencies } = parsed.data.tasks;
  return Object.values(tasks)
    .map((t) => ({
      id: t.id,
      project: t.target.project,
      target: t.target.target,
      deps: (dependencies[t.id] ?? []).map((d) => (typeof d === 'string' ? d : d.id)).sort(),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The targets fanned out to workers. */
export const JOB_TARGETS: readonly string[] = ['train', 'trial'];

export interface QueueJobSpec {
  /** The Nx task id, e.g. `E-ncf:train` or `E-ncf-trial-3:trial`. */
  taskId: string;
  /** Jobs that must be done first: the nearest job tasks upstream of it. */
  after: string[];
}

/** The job tasks and, for each, the nearest job tasks upstream (seen through non-job tasks such as a search selection). */
export function jobsOf(tasks: readonly NxTask[], isJob: (task: NxTask) => boolean = (t) => JOB_TARGETS.includes(t.target)): QueueJobSpec[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const nearest = new Map<string, Set<string>>();
  const upstreamJobs = (id: string, trail: string[]): Set<string> => {
    const known = nearest.get(id);
    if (known) return known;
    if (trail.includes(id)) throw new ArtifactError(`Nx task graph: a cycle through ${[...trail, id].join(' -> ')}`);
    const task = byId.get(id);
    if (!task) throw new ArtifactError(`Nx task graph: a dependency on '${id}', which is not a task of the graph`);
    const found = new Set<string>();
    for (const dep of task.deps) {
      const depTask = byId.get(dep);
      if (depTask && isJob(depTask)) found.add(dep);
      else for (const j of upstreamJobs(dep, [...trail, id])) found.add(j);
    }
    nearest.set(id, found);
    return found;
  };
  return tasks.filter(isJob).map((t) => ({ taskId: t.id, after: [...upstreamJobs(t.id, [])].sort() }));
}

/** BullMQ refuses ':' in job ids; the job id is the Nx task id with ':' as '/', plus the config's fingerprint (see queue.ts). */
export function jobIdOf(taskId: string, configFingerprint: string): string {
  return `${taskId.replace(/:/g, '/')}@${configFingerprint}`;
}
