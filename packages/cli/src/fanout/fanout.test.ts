import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@deeprec/base';
import { Dispatch, dispatchStateOf, formatProgress } from './dispatch';
import { tasksOfNxOutput } from './nxRun';
import { configFingerprint, parseJobData, redisConnection, requireRemoteCache } from './protocol';
import { experimentConfigOf } from './queue';
import { jobIdOf, jobsOf, parseTaskGraph } from './taskGraph';

/** The shape `nx run E-report:report --graph=file.json` writes: an experiment with a searched model (tpe: trial 2 after 0 and 1). */
const GRAPH = {
  graph: {},
  tasks: {
    roots: ['deeprec:compile'],
    tasks: Object.fromEntries(
      ['deeprec:compile', 'E-data:datagen', 'E-a:train', 'E-a:evaluate', 'E-b-trial-0:trial', 'E-b-trial-1:trial', 'E-b-trial-2:trial', 'E-b-search:search', 'E-b:train', 'E-b:evaluate', 'E-report:report'].map(
        (id) => {
          const [project, target] = id.split(':') as [string, string];
          return [id, { id, target: { project, target }, outputs: [] }];
        },
      ),
    ),
    dependencies: {
      'deeprec:compile': [],
      'E-data:datagen': [{ id: 'deeprec:compile' }],
      'E-a:train': [{ id: 'deeprec:compile' }, { id: 'E-data:datagen' }],
      'E-a:evaluate': [{ id: 'E-a:train' }],
      'E-b-trial-0:trial': [{ id: 'E-data:datagen' }],
      'E-b-trial-1:trial': [{ id: 'E-data:datagen' }],
      'E-b-trial-2:trial': [{ id: 'E-b-trial-0:trial' }, { id: 'E-b-trial-1:trial' }],
      'E-b-search:search': [{ id: 'E-b-trial-0:trial' }, { id: 'E-b-trial-1:trial' }, { id: 'E-b-trial-2:trial' }],
      'E-b:train': [{ id: 'E-b-search:search' }, { id: 'E-data:datagen' }],
      'E-b:evaluate': [{ id: 'E-b:train' }],
      'E-report:report': [{ id: 'E-a:evaluate' }, { id: 'E-b:evaluate' }],
    },
  },
};

describe('fan-out: jobs from the Nx task graph', () => {
  it('makes train tasks and trials jobs, each after the nearest jobs upstream (through the search selection)', () => {
    expect(jobsOf(parseTaskGraph(GRAPH, 'graph.json'))).toEqual([
      { taskId: 'E-a:train', after: [] },
      { taskId: 'E-b-trial-0:trial', after: [] },
      { taskId: 'E-b-trial-1:trial', after: [] },
      { taskId: 'E-b-trial-2:trial', after: ['E-b-trial-0:trial', 'E-b-trial-1:trial'] },
      { taskId: 'E-b:train', after: ['E-b-trial-0:trial', 'E-b-trial-1:trial', 'E-b-trial-2:trial'] },
    ]);
  });

  it('refuses a file that is not a task graph, naming where', () => {
    expect(() => parseTaskGraph({ tasks: { tasks: {} } }, 'g.json')).toThrow(/g\.json: not an Nx task graph \(at tasks\.dependencies/);
  });

  it('job ids: the task id without the colon BullMQ refuses, with the config fingerprint', () => {
    expect(jobIdOf('E-b-trial-2:trial', '0123456789abcdef')).toBe('E-b-trial-2/trial@0123456789abcdef');
  });
});

describe('fan-out: the dispatch', () => {
  const specs = jobsOf(parseTaskGraph(GRAPH, 'graph.json'));

  it('releases a job once everything it waits for is done, and counts progress', () => {
    const d = new Dispatch(specs);
    expect(d.ready()).toEqual(['E-a:train', 'E-b-trial-0:trial', 'E-b-trial-1:trial']);
    for (const t of d.ready()) d.set(t, 'waiting');
    d.set('E-b-trial-0:trial', 'done');
    expect(d.ready()).toEqual([]);
    d.set('E-b-trial-1:trial', 'running');
    expect(formatProgress(d.progress())).toBe('done 1 / running 1 / waiting 3 (2 behind other jobs) / failed 0');
    d.set('E-b-trial-1:trial', 'done');
    expect(d.ready()).toEqual(['E-b-trial-2:trial']);
    d.set('E-b-trial-1:trial', 'running'); // a late report of an old attempt
    expect(d.state('E-b-trial-1:trial')).toBe('done');
    expect(d.finished()).toBe(false);
  });

  it('is finished when all are done, or when a failure leaves nothing that can move', () => {
    const ok = new Dispatch(specs);
    for (const s of specs) ok.set(s.taskId, 'done');
    expect(ok.finished()).toBe(true);
    const bad = new Dispatch(specs);
    bad.set('E-a:train', 'done');
    bad.set('E-b-trial-0:trial', 'failed');
    bad.set('E-b-trial-1:trial', 'running');
    expect(bad.finished()).toBe(false);
    bad.set('E-b-trial-1:trial', 'done');
    expect(bad.finished()).toBe(true);
    expect(bad.failed()).toEqual(['E-b-trial-0:trial']);
  });

  it('maps BullMQ states, and knows a removed job from a waiting one', () => {
    expect(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized', 'unknown'].map(dispatchStateOf)).toEqual(['done', 'failed', 'running', 'waiting', 'waiting', 'waiting', null]);
  });
});

describe('fan-out: what queue and worker check at the edge', () => {
  it('parses redis URLs and refuses others with exit 2', () => {
    expect(redisConnection('redis://:s%40cret@10.0.0.2:6380/3')).toMatchObject({ host: '10.0.0.2', port: 6380, db: 3, password: 's@cret', maxRetriesPerRequest: null });
    expect(redisConnection('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(() => redisConnection('http://x:1')).toThrow(ConfigError);
    expect(() => redisConnection('redis//nope')).toThrow(/--redis: expected a URL like redis:\/\/127\.0\.0\.1:6379/);
  });

  it('needs the shared Nx cache, the config under configs/experiments, and well-formed job data', () => {
    expect(() => requireRemoteCache('deeprec queue', {})).toThrow(/NX_SELF_HOSTED_REMOTE_CACHE_SERVER is not set/);
    expect(requireRemoteCache('deeprec queue', { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://h:3000' })).toBe('http://h:3000');
    expect(experimentConfigOf('/ws', 'configs/experiments/a.yaml')).toBe('configs/experiments/a.yaml');
    expect(experimentConfigOf('/ws', '/ws/configs/experiments/b.yml')).toBe('configs/experiments/b.yml');
    expect(() => experimentConfigOf('/ws', 'configs/examples/movielens-100k.yaml')).toThrow(/expected an experiment of the Nx pipeline/);
    expect(() => parseJobData({ taskId: 'E-a:train', config: 'c.yaml' }, 'j1')).toThrow(/job j1: unexpected data/);
  });

  it('fingerprints the config file by its bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprec-fingerprint-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'name: a\n');
      const first = configFingerprint(join(dir, 'a.yaml'));
      expect(first).toMatch(/^[0-9a-f]{16}$/);
      writeFileSync(join(dir, 'a.yaml'), 'name: a # edited\n');
      expect(configFingerprint(join(dir, 'a.yaml'))).not.toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads which tasks Nx ran and which it restored from its static output", () => {
    const out = '\n> nx run E-data:datagen  [remote cache]\n\n> nx run E-a:train\n\n> nx run deeprec:compile  [local cache]\n> nx run E-b:train  [existing outputs match the cache, left as is]\n';
    expect(tasksOfNxOutput(out)).toEqual({ ran: ['E-a:train'], cached: ['E-b:train', 'E-data:datagen', 'deeprec:compile'], remote: ['E-data:datagen'] });
  });
});
