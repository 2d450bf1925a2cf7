/** The pipeline table's checks at load: a broken pipeline.json fails naming the field and what was expected. */
import pipelineJson from './pipeline.json';
import { PIPELINE_STAGES, STAGE_NAMES, WORKSPACE_STAGE, configSliceOf, outputsOf, parsePipeline, stageOrder } from './pipeline';

type Table = { stages: Array<Record<string, unknown>>; workspace: Record<string, unknown> };

/** A deep copy of the shipped table, changed by `edit`. */
function edited(edit: (t: Table) => void): Table {
  const table = JSON.parse(JSON.stringify(pipelineJson)) as Table;
  edit(table);
  return table;
}

const stage = (t: Table, name: string) => t.stages.find((s) => s.name === name) as Record<string, unknown>;

describe('pipeline table', () => {
  it('loads the shipped pipeline.json as it is, in its order', () => {
    expect(stageOrder()).toEqual(pipelineJson.stages.map((s) => s.name));
    expect([...stageOrder()].sort()).toEqual([...STAGE_NAMES].sort());
    expect(PIPELINE_STAGES).toEqual(parsePipeline(pipelineJson).stages);
    expect(WORKSPACE_STAGE.name).toBe(pipelineJson.workspace.name);
  });

  it('fills the model into per-model config keys and outputs', () => {
    const train = pipelineJson.stages.find((s) => s.name === 'train')?.config as string[];
    expect(configSliceOf('train', 'm-1').keys).toEqual(train.map((k) => k.replace('<model>', 'm-1')));
    expect(outputsOf('evaluate', 'm-1')).toEqual(['eval/m-1']);
    expect(configSliceOf('report')).toEqual({ keys: '*', atRun: [] });
  });

  it.each<[string, (t: Table) => void, RegExp]>([
    ['a stage before one of its inputs', (t) => t.stages.reverse(), /stages\.0\.inputs\.0: expected a stage listed before report \(the order is the run order\), found datagen/],
    ['a missing stage', (t) => (t.stages.splice(3, 1), (stage(t, 'report').inputs = ['datagen', 'train'])), /stages: expected every stage of STAGE_NAMES, missing evaluate/],
    ['a stage listed twice', (t) => t.stages.push(t.stages[0] as Record<string, unknown>), /stages\.5\.name: stage datagen is listed twice/],
    ['an unknown stage', (t) => ((t.stages[0] as Record<string, unknown>).name = 'import'), /stages\.0\.name: Invalid option/],
    ['a key the config does not have', (t) => (stage(t, 'train').config = ['name', 'seed', 'trian']), /stages\.2\.config\.2: expected a key of the experiment config \(name, seed, data, split, train, search, models, evaluate/],
    ['a per-model output without <model>', (t) => (stage(t, 'train').outputs = ['models']), /stages\.2\.outputs\.0: a per-model stage writes one folder per model: expected <model> in models/],
    ['<model> in an experiment stage', (t) => (stage(t, 'datagen').config = ['models.<model>']), /stages\.0\.config\.0: <model> only in the config of per-model stages/],
    ['a key both in config and configAtRun', (t) => (stage(t, 'evaluate').configAtRun = ['seed']), /stages\.3\.configAtRun\.0: seed is already in config/],
    ['a data path outside the hashed keys', (t) => (stage(t, 'datagen').config = ['name', 'seed', 'split']), /stages\.0\.dataFiles\.0: the path in data\.path changes the results too/],
    ['an unknown field', (t) => (stage(t, 'report').cache = true), /stages\.4: Unrecognized key: "cache"/],
  ])('rejects %s, naming pipeline.json and the field', (_what, edit, message) => {
    expect(() => parsePipeline(edited(edit))).toThrow(message);
    expect(() => parsePipeline(edited(edit))).toThrow(/^packages\/config\/src\/pipeline\.json: /);
  });
});
