/** The README.md inside an export folder: how to use it, written for the model it holds. */
import { tfjsFileName, tfjsVersion } from './assets';
import type { ExportInfo } from './exportFolder';
import type { WebModelPack } from './pack';

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} kB`;
}

/** `loadBytes`: what the first call downloads (the module, tfjs, the network and the JSON). */
export function exportReadme(pack: WebModelPack, info: ExportInfo, loadBytes: number): string {
  const { data } = pack;
  const example = data.userIds.find((_, u) => (data.seen[u]?.length ?? 0) > 0) ?? data.userIds[0] ?? '1';
  return `# ${data.model}: recommendations in the browser

Exported by \`deeprec export\` from experiment \`${info.experiment}\`: the ${info.type} network
\`${data.model}\` (${data.userIds.length} users, ${data.itemIds.length} items), with everything
a web page needs to compute a user's top-K in the browser: no server code, no network
access beyond these files, no build step.

## Use

Copy this folder into your site (here as \`recommender/\`) and import the module:

\`\`\`html
<script type="module">
  import { recommend } from './recommender/recommend.js';
  const list = await recommend('${example}', 10);
  // { user: '${example}', model: '${data.model}', k: 10, fallback: false,
  //   items: [{ rank: 1, item: '<raw item id>', title: '<title>', score: 0.93 }, ...] }
</script>
\`\`\`

\`recommend(user, k = 10)\` returns a promise of the user's \`k\` best items that the user
did not rate in training, best first: the same list, in the same order and with the same
scores (within 1e-4), as \`deeprec recommend <config> --model ${data.model} --user <id> --json\`.
Ties go to the lower item index. A user id the model never saw (or one with no
training ratings) gets the most popular items instead, \`fallback: true\`, the score being
the item's number of training ratings. \`item\` is the raw item id of your data;
\`title\` is there when the data has titles.

The first call loads tfjs, the network and the JSON files (${kb(loadBytes)} in all); later calls
reuse them. To load ahead of time or pick a backend, call \`load\` first:

\`\`\`js
import { load } from './recommender/recommend.js';
const recommender = await load({ backend: 'cpu' }); // then recommender.recommend(user, k)
\`\`\`

\`backend\` is \`'cpu'\` by default (float32, the lists equal the command line's);
\`'webgl'\` is faster on large catalogues, but a GPU's lower precision can swap items whose
scores nearly tie.

Browsers do not let modules fetch files from a page opened as \`file://\`: serve the site
over http(s), even locally (\`npx http-server\`, \`python3 -m http.server\`).

## Files

| file | what |
| --- | --- |
| \`recommend.js\` | the entry: \`recommend(user, k)\` and \`load(options)\` |
| \`recommender.js\` | scoring, exclusion and top-K (no imports; \`createRecommender(tf, network, data)\` to wire it yourself) |
| \`${tfjsFileName('esm')}\` | TensorFlow.js ${tfjsVersion()} as one ES module (Apache-2.0) |
| \`model.json\`, \`weights.bin\` | the trained network, tfjs layers format (${kb(Buffer.byteLength(pack.weights))} of weights); loads with \`tf.loadLayersModel('model.json')\` |
| \`users.json\` | \`ids\`: raw user id per dense index; \`seen\`: each user's training items (dense item indices) |
| \`items.json\` | \`ids\`: raw item id per dense index; \`titles\` (when known); \`counts\`: training ratings per item |
| \`export.json\` | what was exported (experiment, model, sizes, tfjs version) |

The network's inputs are dense indices, \`[user, item]\`, each an int32 tensor of shape
\`[n, 1]\`; \`users.json\` and \`items.json\` map them to and from your ids.
`;
}
