/**
 * The I/O edge of the report stage: resolve paths through the catalogue, load,
 * render, and write the report folder atomically (DESIGN section 3), so an
 * interrupted run never leaves a half-written page that looks complete.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  ArtifactCatalogue,
  ConfigError,
  indexReport,
  makeManifest,
  writeArtifactDir,
  writeJson,
  type ExperimentConfig,
} from '@deeprec/core';
import { experimentCharts } from './charts';
import { loadExperimentReportInput } from './load';
import { renderExperimentReport, renderIndexReport } from './run';
import type { ExperimentReportInput } from './types';

/** The artifact files an experiment page is built from, for the manifest's input hashes. */
function inputFiles(catalogue: ArtifactCatalogue, config: ExperimentConfig, folds: number): Record<string, string> {
  const data = catalogue.data();
  const files = [data.manifest];
  for (let k = 0; k < folds; k += 1) {
    const paths = folds > 1 ? data.fold(k) : data;
    files.push(paths.ratings('train'), paths.ratings('test'));
  }
  for (const model of Object.keys(config.models)) {
    const m = catalogue.model(model);
    const e = catalogue.evaluation(model);
    files.push(m.manifest, m.history, e.metrics, e.predictions);
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
    writeJson(
      join(dir, 'manifest.json'),
      makeManifest({
        stage: 'report',
        experiment: config.name,
        seed: config.seed,
        configSection: config.report,
        inputFiles: inputFiles(catalogue, config, input.data.info.folds.length),
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
  const inputs: ExperimentReportInput[] = configs.map((config) => loadExperimentReportInput(new ArtifactCatalogue(root, config.name), config));
  const html = renderIndexReport(inputs);
  const paths = indexReport(root);
  await writeArtifactDir(paths.dir, (dir) => writeFileSync(join(dir, 'index.html'), html));
  return paths.html;
}
