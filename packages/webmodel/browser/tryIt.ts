/**
 * The report's "Try it" panel: the page holds the saved network (weights as base64)
 * and the data in <script type="application/json" id="try-it-data">, loads it with the
 * page's inlined tfjs (the global `tf`), and shows a typed or chosen user's top K next
 * to what that user rated highest in training. The report inlines this file after
 * recommender.js, in one module script (the import below is dropped there), so the page
 * needs no network.
 *
 * The panel's state is on the section for scripts and tests: data-state = loading |
 * ready | busy | done | error, data-user = the user of the list shown.
 */
import { createRecommender, loadInlineNetwork, type InlineNetwork, type Tfjs, type UserRecommendations, type WebModelData } from './recommender.js';

/** The page's tfjs, with the WebAssembly backend's global when its script was inlined. */
declare const tf: Tfjs & { wasm?: { setWasmPaths(paths: Record<string, string>): void } };

/** What the report writes into #try-it-data. */
export interface TryItPayload {
  data: WebModelData;
  network: InlineNetwork;
  /** Per dense user: the training items rated highest, [item index, rating], best first. */
  highest: Array<Array<[number, number]>>;
  /** List length. */
  k: number;
  /** tfjs-backend-wasm-simd.wasm as base64, when the page inlines the WebAssembly backend. */
  wasmSimdBase64?: string;
}

/**
 * The WebAssembly backend when the page carries it and the browser runs it (SIMD,
 * every current browser), the CPU backend otherwise. Both compute in float32 like the
 * CLI, so the lists equal `deeprec recommend`. The binary comes from the page as a data:
 * URL; the plain and threaded names point at it too, so a browser that would want
 * another build fails to start it and falls back to CPU instead of fetching a file.
 */
async function chooseBackend(payload: TryItPayload): Promise<string> {
  if (payload.wasmSimdBase64 && tf.wasm) {
    const url = `data:application/wasm;base64,${payload.wasmSimdBase64}`;
    tf.wasm.setWasmPaths({ 'tfjs-backend-wasm-simd.wasm': url, 'tfjs-backend-wasm.wasm': url, 'tfjs-backend-wasm-threaded-simd.wasm': url });
    try {
      if (await tf.setBackend('wasm')) return 'WebAssembly';
    } catch {
      // falls through to the CPU backend
    }
  }
  await tf.setBackend('cpu');
  return 'CPU';
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Try it: the page has no #${id}`);
  return found as T;
}

function row(parent: HTMLElement, tag: string, text: string, attributes: Record<string, string> = {}): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  parent.appendChild(el);
  return el;
}

async function mount(): Promise<void> {
  const section = element<HTMLElement>('try-it');
  const status = element<HTMLElement>('try-it-status');
  try {
    const payload = JSON.parse(element<HTMLScriptElement>('try-it-data').textContent ?? '') as TryItPayload;
    const { data } = payload;
    const backend = await chooseBackend(payload);
    const recommender = createRecommender(tf, await loadInlineNetwork(tf, payload.network), data);
    const users = element<HTMLDataListElement>('try-it-users');
    for (const id of data.userIds.slice(0, 5000)) row(users, 'option', '', { value: id });
    const input = element<HTMLInputElement>('try-it-user');
    const list = element<HTMLOListElement>('try-it-list');
    const rated = element<HTMLUListElement>('try-it-rated');
    const label = (i: number) => data.titles?.[i] || `item ${data.itemIds[i]}`;

    const show = (result: UserRecommendations, millis: number) => {
      list.replaceChildren();
      for (const item of result.items) {
        const li = row(list, 'li', item.title || `item ${item.item}`, { 'data-item': item.item, 'data-score': String(item.score) });
        row(li, 'span', item.score.toFixed(4), { class: 'score' });
      }
      rated.replaceChildren();
      const u = recommender.userIndex(result.user);
      for (const [i, rating] of u === undefined ? [] : (payload.highest[u] ?? [])) row(rated, 'li', `${label(i)} (${rating})`);
      status.textContent = result.fallback
        ? `User ${result.user} has no training ratings: the ${result.k} most popular items (score = training interactions).`
        : `Top ${result.k} of ${data.itemIds.length} items for user ${result.user}, scored in this page in ${millis.toFixed(0)} ms (${backend} backend).`;
    };

    const run = async () => {
      section.dataset.state = 'busy';
      const started = performance.now();
      const result = await recommender.recommend(input.value.trim(), payload.k);
      show(result, performance.now() - started);
      section.dataset.user = result.user;
      section.dataset.state = 'done';
    };
    element<HTMLFormElement>('try-it-form').addEventListener('submit', (event) => {
      event.preventDefault();
      run().catch(fail);
    });
    input.value = data.userIds[0] ?? '';
    section.dataset.state = 'ready';
    await run();
  } catch (error) {
    fail(error);
  }

  function fail(error: unknown): void {
    section.dataset.state = 'error';
    status.textContent = `Try it failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

void mount();
