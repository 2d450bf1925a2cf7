/**
 * The I/O edge of the report stage: resolve paths through the catalogue, load,
 * render, and write the report folder atomically (DESIGN section 3), so an
 * interrupted run never leaves a half-written page that looks complete.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ArtifactCatalogue, indexReport, makeManifest, writeArtifactDir, writeManifest } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { type ExperimentConfig } from '@deeprec/config';
import { networkDir } from '@deeprec/webmodel';
import { experimentCharts } from './charts';
import { loadExperimentReportInput } from './load';
import { renderExperimentReport, renderIndexReport } from './run';
import type { ExperimentReportInput } from './types';

/** The artifact files an experiment page is built from, for the manifest's input hashes. */
function inputFiles(catalogue: ArtifactCatalogue, config: ExperimentConfig, folds: number, samples: boolean, tryItModel: string | undefined): Record<string, string> {
  const data = catalogue.data();
  // Fold 1's data only: the charts show it; every other figure comes from metrics.json.
  const first = folds > 1 ? data.fold(0) : data;
  const files = [data.manifest, first.ratings('train'), first.ratings('test')];
  // Sample recommendations list the users' training, validation and test items by raw id or title.
  if (samples) for (const file of [first.ratings('valid'), data.users, data.items]) if (existsSync(file)) files.push(file);
  for (const model of Object.keys(config.models)) {
    const m = catalogue.model(model);
    const e = catalogue.evaluation(model);
    files.push(m.manifest, m.history, e.metrics);
    // Optional inputs: predictions (explicit data), per-user ranking values, the sample users' lists, an evaluate manifest.
    for (const optional of [e.predictions, e.ranking, ...(samples ? [e.samples] : []), e.manifest]) if (existsSync(optional)) files.push(optional);
  }
  // The "Try it" panel inlines one network: its files are inputs of the page.
  if (tryItModel !== undefined) {
    const dir = networkDir(catalogue, tryItModel, folds);
    files.push(join(dir, 'model.json'), join(dir, 'weights.bin'));
  }
  return Object.fromEntries(files.map((f) => [relative(catalogue.root, f), f]));
}

/**
 * Writes artifacts/<config.name>/report/ (index.html + manifest.json) and returns
 * the page's path. Needs the data, train and evaluate artifacts of every model in
 * the config; a missing one is an ArtifactError naming the file.
 */
export async function writeExperimentReport(root: string, config: ExperimentConfig): Promise<string> {
  const started = Date.now();
  const catalogue = new ArtifactCatalogue(root, config.name);
  const input = loadExperimentReportInput(catalogue, config);
  const html = renderExperimentReport(input);
  const paths = catalogue.report();
  await writeArtifactDir(paths.dir, (dir) => {
    writeFileSync(join(dir, 'index.html'), html);
    writeManifest(
      join(dir, 'manifest.json'),
      makeManifest({
        stage: 'report',
        experiment: config.name,
        seed: config.seed,
        configSection: config.report,
        inputFiles: inputFiles(catalogue, config, input.data.info.folds.length, input.recommendations !== undefined, input.tryIt?.payload ? input.tryIt.model : undefined),
        wallSeconds: (Date.now() - started) / 1000,
        details: { models: Object.keys(config.models), charts: Object.keys(experimentCharts(input)), bytes: Buffer.byteLength(html) },
      }),
    );
  });
  return paths.html;
}

/**
 * Writes artifacts/report/index.html comparing the given experiments and returns
 * its path. It links to each experiment's page but does not write them: run
 * writeExperimentReport for each first (the links are relative paths).
 */
export async function writeIndexReport(root: string, configs: readonly ExperimentConfig[]): Promise<string> {
  const seen = new Set<string>();
  for (const config of configs) {
    if (seen.has(config.name)) throw new ConfigError(`report --all: two configs name the experiment '${config.name}'; names must be unique`);
    seen.add(config.name);
  }
  // The index shows means only: no bootstrap or tests (seconds per experiment on real data).
  const inputs: ExperimentReportInput[] = configs.map((config) => loadExperimentReportInput(new ArtifactCatalogue(root, config.name), config, { statistics: false, samples: false, tryIt: false }));
  const html = renderIndexReport(inputs);
  const paths = indexReport(root);
  await writeArtifactDir(paths.dir, (dir) => writeFileSync(join(dir, 'index.html'), html));
  return paths.html;
}
