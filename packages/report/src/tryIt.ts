/**
 * The "Try it" panel: a user's top-10 computed live in the page by a saved tfjs network.
 * The network (model.json + weights.bin, base64), the ids, titles and training items are
 * inlined with tfjs's browser build and @deeprec/webmodel's recommender, so the page still
 * needs no network. Which network: report.tryIt.model, or the best network model by the
 * page's main metric (test RMSE; the primary ranking metric on implicit data). A network
 * larger than report.tryIt.maxBytes, or none at all, leaves a note instead.
 *
 * The report still runs no network in Node: it reads files and inlines them.
 */
import { type ArtifactCatalogue, type Dataset } from '@deeprec/artifacts';
import { portableConfig, type ExperimentConfig } from '@deeprec/config';
import { networkBytes, networkDir, packWebModel, tfjsSource, tfjsVersion, tfjsWasm, tryItScript } from '@deeprec/webmodel';
import { escapeHtml, escapeScript, scriptJson } from './assets';
import { fixed, int } from './format';
import { primaryMean } from './ranking';
import type { ExperimentReportInput, TryItInput } from './types';

/** List length in the panel: the CLI's default K. */
export const TRY_IT_K = 10;

/** The model the panel runs and why, among the models with a saved network. */
function chooseModel(input: ExperimentReportInput, networks: readonly string[]): { model: string; reason: string } | undefined {
  const models = input.models.filter((m) => networks.includes(m.name));
  if (models.length === 0) return undefined;
  if (input.implicit && input.ranking) {
    const report = input.ranking;
    const scored = models.map((m) => ({ m, v: primaryMean(report, m.name) })).filter((x): x is { m: (typeof models)[number]; v: number } => x.v !== null);
    // Ties: the first in config order (reduce keeps the earlier one).
    const best = scored.reduce<(typeof scored)[number] | undefined>((b, x) => (!b || x.v > b.v ? x : b), undefined);
    if (best) return { model: best.m.name, reason: `the best network model by ${report.primary} (${fixed(best.v, 4)})` };
  }
  const rated = models.filter((m) => Number.isFinite(m.metrics.rmse));
  const best = rated.reduce<(typeof rated)[number] | undefined>((b, m) => (!b || m.metrics.rmse < b.metrics.rmse ? m : b), undefined);
  if (best && !input.implicit) return { model: best.name, reason: `the best network model by test RMSE (${fixed(best.metrics.rmse, 4)})` };
  const first = models[0] as (typeof models)[number];
  return { model: first.name, reason: 'the first network model of the config (no metric to choose by)' };
}

/** What the panel shows: the payload, or a note saying why there is none. Reads the chosen network and the data. */
export function loadTryIt(catalogue: ArtifactCatalogue, config: ExperimentConfig, input: ExperimentReportInput, dataset: Dataset): TryItInput {
  const settings = config.report.tryIt;
  const folds = dataset.info.folds.length;
  const bytes = new Map<string, number>();
  for (const m of input.models) {
    const size = networkBytes(networkDir(catalogue, m.name, folds));
    if (size !== undefined) bytes.set(m.name, size);
  }
  let choice: { model: string; reason: string } | undefined;
  if (settings.model !== undefined) {
    choice = { model: settings.model, reason: 'chosen by report.tryIt.model' };
    if (!bytes.has(settings.model)) return { ...choice, note: `report.tryIt.model names ${settings.model}, which has no saved tfjs network (a classic model, or not trained): nothing to run in the page.` };
  } else {
    choice = chooseModel(input, [...bytes.keys()]);
    if (!choice) return { reason: 'no network model', note: 'No model of this experiment has a saved tfjs network (models/<name>/model.json): classic models run in Node only, so there is nothing to run in the page.' };
  }
  const size = bytes.get(choice.model) as number;
  if (size > settings.maxBytes) {
    return { ...choice, bytes: size, note: `${choice.model}’s saved network is ${int(size)} bytes, above report.tryIt.maxBytes (${int(settings.maxBytes)}), so the page does not inline it. Raise report.tryIt.maxBytes to include it, or use deeprec export for a folder that loads the weights as a file.` };
  }
  const pack = packWebModel(catalogue, config, choice.model, dataset);
  const payload = {
    data: pack.data,
    network: { modelTopology: pack.modelJson.modelTopology, weightSpecs: pack.modelJson.weightsManifest.flatMap((g) => g.weights), weightsBase64: pack.weights.toString('base64') },
    highest: pack.highest,
    k: TRY_IT_K,
    wasmSimdBase64: tfjsWasm().simdBase64,
  };
  return { ...choice, bytes: size, payload };
}

/** The panel's section; empty without a TryItInput (the index page). */
export function tryItSection(input: ExperimentReportInput): string {
  const tryIt = input.tryIt;
  if (!tryIt) return '';
  if (!tryIt.payload) {
    return `<section id="try-it">
<h2>Try it</h2>
<p class="note">The panel that runs a saved network in this page is left out. ${escapeHtml(tryIt.note ?? '')}</p>
</section>`;
  }
  const model = escapeHtml(tryIt.model ?? '');
  const type = escapeHtml(input.models.find((m) => m.name === tryIt.model)?.type ?? '');
  const { configFile } = portableConfig(input.config);
  const folds = input.data.info.folds.length;
  return `<section id="try-it" data-state="loading" data-model="${model}">
<h2>Try it</h2>
<p class="note">Type or choose a user: the saved <strong>${model}</strong> network (${type}; ${escapeHtml(tryIt.reason)}) scores every item in this page, with TensorFlow.js ${escapeHtml(tfjsVersion())} (WebAssembly backend, or CPU where WebAssembly SIMD is missing) and the weights inlined (${int(tryIt.bytes ?? 0)} bytes), and lists the ${TRY_IT_K} best the user did not rate in training${
    folds > 1 ? ' (fold 1’s network and data)' : ''
  }: the list <code>deeprec recommend ${escapeHtml(configFile)} --model ${model} --user &lt;id&gt;</code> prints. A user with no training ratings gets the most popular items. Choose another model with <code>report.tryIt.model</code>.</p>
<form id="try-it-form"><label>User <input id="try-it-user" list="try-it-users" autocomplete="off" size="16"></label> <button type="submit">Recommend</button></form>
<datalist id="try-it-users"></datalist>
<p id="try-it-status" class="note">Loading the network…</p>
<div class="rec-grid">
<div><h4>Top ${TRY_IT_K} for this user</h4><ol id="try-it-list" class="rated try-it"></ol></div>
<div><h4>${input.implicit ? 'Some of the user’s training items' : 'Rated highest in training'}</h4><ul id="try-it-rated" class="rated"></ul></div>
</div>
<script type="application/json" id="try-it-data">${scriptJson(tryIt.payload)}</script>
<script data-bundle="@tensorflow/tfjs@${escapeHtml(tfjsVersion())}">
${escapeScript(tfjsSource('umd'))}
</script>
<script data-bundle="@tensorflow/tfjs-backend-wasm@${escapeHtml(tfjsWasm().version)}">
${escapeScript(tfjsWasm().script)}
</script>
<script type="module">
${escapeScript(tryItScript())}
</script>
</section>`;
}
