/**
 * @deeprec/webmodel: a saved network in a web page. The browser side (../browser, built
 * to plain ES modules in dist/browser) is `recommend(user, k)`; this side packs a model's
 * artifacts for it: the report's "Try it" panel inlines a pack, `deeprec export` writes one
 * as a folder.
 */
export { packWebModel, networkDir, networkBytes, HIGHEST_SHOWN, type WebModelPack } from './pack';
export { browserModule, tfjsSource, tfjsWasm, tfjsFileName, tfjsVersion, tryItScript, type BrowserModule, type TfjsBuild } from './assets';
export { writeWebExport, exportFiles, EXPORT_MARKER, EXPORT_FORMAT, type ExportInfo } from './exportFolder';
export type { WebModelData, UserRecommendations, RecommendedItem } from '../dist/browser/recommender.js';
