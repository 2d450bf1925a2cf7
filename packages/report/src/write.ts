/**
 * The I/O edge of the report stage: resolve paths through the catalogue, load,
 * render, and write the report folder atomically (DESIGN section 3), so an
 * interrupted run never leaves a half-written page that looks complete.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { ArtifactCatalogue, indexReport, makeManifest, writeArtifactDir, writeJson } from '@deeprec/artifacts';
import { ConfigError } from '@deeprec/base';
import { initBackend } from '@deeprec/compute';
import { type ExperimentConfig } from '@deeprec/config';
import { experimentCharts } from './charts';
import { loadExperimentReportInput } from './load';
import { sampleRecommendations } from './recommendations';
import { renderExperimentReport, renderIndexReport } from './run';
import type { ExperimentReportInput } from './types';

/** The artifact files an experiment page is built from, for the manifest's input hashes. */
function inputFiles(catalogue: ArtifactCatalogue, config: ExperimentConfig, folds: number, networks: boolean): Record<string, string> {
  const data = catalogue.data();
  const files = [data.manifest];
  for (let k = 0; k < folds; k += 1) {
    const paths = folds > 1 ? data.fold(k) : data;
    files.push(paths.ratings('train'), paths.ratings('test'));
  }
  for (const model of Object.keys(config.models)) {
    const m = catalogue.model(model);
    const e = catalogue.evaluation(model);
    files.push(m.manifest, m.history, e.metrics);
    // Optional inputs: predictions (explicit data), per-user ranking values, and the networks sample recommendations score.
    for (const optional of [e.predictions, e.ranking]) if (existsSync(optional)) files.push(optional);
    if (networks) {
      const dir = folds > 1 ? m.fold(0) : m.dir;
      for (const file of ['model.json', 'weights.bin']) if (existsSync(join(dir, file))) files.push(join(dir, file));
    }
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
  if (input.ranking && (config.report?.sampleUsers ?? 3) > 0) {
    // Sample recommendations score every item with the saved networks.
    await initBackend();
    const recommendations = await sampleRecommendations(catalogue, config, input);
    if (recommendations) input.recommendations = recommendations;
  }
  const html = renderExperimentReport(input);
  const paths = catalogue.report();
  await writeArtifactDir(paths.dir, (dir) => {
    writeFileSync(join(dir, 'index.html'), html);
    writeJson(
      join(dir, 'manifest.json'),
      makeManifest({
        stage: 'report',
        experiment: config.name,
        seed: config.seed,
        configSection: config.report,
        inputFiles: inputFiles(catalogue, config, input.data.info.folds.length, input.recommendations !== undefined),
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
  const inputs: ExperimentReportInput[] = configs.map((config) => loadExperimentReportInput(new ArtifactCatalogue(root, config.name), config, { statistics: false }));
  const html = renderIndexReport(inputs);
  const paths = indexReport(root);
  await writeArtifactDir(paths.dir, (dir) => writeFileSync(join(dir, 'index.html'), html));
  return paths.html;
}
