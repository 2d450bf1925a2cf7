/**
 * The data section of an experiment page: where the ratings came from, how they
 * were split, size and density, importer statistics, every split's (or fold's)
 * counts and cold-start ratings, then the rating histogram and the long tail.
 */
import { portableConfig, type ExperimentConfig } from '@deeprec/config';
import { escapeHtml } from '../assets';
import { fixed, int } from '../format';
import { chartDiv, table } from '../html';
import type { ExperimentReportInput } from '../types';

/** Share as a percentage, two significant digits below 10% so small shares stay non-zero: 0.0631 -> "6.3%", 0.00012 -> "0.012%". */
export function share(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0%';
  const pct = x * 100;
  const digits = pct >= 10 ? 1 : Math.min(4, Math.max(1, 1 - Math.floor(Math.log10(pct))));
  return `${pct.toFixed(digits)}%`;
}

/** How the ratings were split, in words, from the resolved config. */
export function splitDescription(split: ExperimentConfig['split']): string {
  const valid = split.valid > 0 ? `; ${share(split.valid)} of each training set held out for validation` : '; no validation split';
  switch (split.method) {
    case 'predefined':
      return `predefined files <code>${escapeHtml(split.train ?? '?')}</code> (train) and <code>${escapeHtml(String(split.test))}</code> (test)${valid}`;
    case 'k-fold':
      return `${split.folds}-fold cross-validation: every rating is in exactly one test fold${valid}`;
    case 'temporal':
      return `temporal (${split.cutoff === 'user' ? "each user's latest" : 'global time cut-off'}), ${share(Number(split.test))} test${valid}`;
    default:
      return `${escapeHtml(split.method)}, ${share(Number(split.test))} test${valid}`;
  }
}

/** How many rows data.csv.invalidRows: skip left out, and where the first few were (files as the manifest names them). */
function malformedRows(invalid: NonNullable<ExperimentReportInput['data']['invalidRows']>): string {
  const shown = invalid.first.slice(0, 3).map((r) => `<code>${escapeHtml(`${r.file}:${r.line}`)}</code> ${escapeHtml(r.reason)}`);
  const more = invalid.count > shown.length ? ` · ${int(invalid.count - shown.length)} more in the data manifest` : '';
  return `${int(invalid.count)} left out (<code>data.csv.invalidRows: skip</code>)${shown.length > 0 ? ` · ${shown.join(' · ')}` : ''}${more}`;
}

function facts(input: ExperimentReportInput): string {
  const { info, longTail: lt } = input.data;
  const { counts } = info;
  const total = counts.train + counts.valid + counts.test;
  const scaleStep = input.data.test.step;
  const dataPath = portableConfig(input.config).data.path;
  const source = dataPath ? `${escapeHtml(info.source)} · <code>${escapeHtml(dataPath)}</code>` : escapeHtml(info.source);
  const rows: Array<[string, string]> = [
    ['Source', source],
    ['Split', splitDescription(input.config.split)],
    ['Users × items', `${int(info.numUsers)} × ${int(info.numItems)}`],
    [input.implicit ? 'Interactions' : 'Ratings', `${int(total)} · ${fixed(total / Math.max(1, info.numUsers), 1)} per user, ${fixed(total / Math.max(1, info.numItems), 1)} per item on average`],
    ['Density', `${share(total / Math.max(1, info.numUsers * info.numItems))} of all user–item pairs ${input.implicit ? 'have an interaction' : 'are rated'}`],
    input.implicit
      ? [
          'Feedback',
          `implicit: ${
            input.config.data.threshold === undefined ? 'every rating' : `every rating of ${fixed(input.config.data.threshold, 1)} or more`
          } became an interaction; models rank items rather than predict ratings${info.negatives > 0 ? ` · ${int(info.negatives)} sampled negatives per test interaction` : ''}`,
        ]
      : ['Rating scale', `${fixed(info.scale.min, scaleStep < 1 ? 1 : 0)} to ${fixed(info.scale.max, scaleStep < 1 ? 1 : 0)} in steps of ${scaleStep}${scaleStep === 0.25 ? ' (continuous, binned)' : ''}`],
  ];
  if (info.stats) rows.push(['Importer', `${int(info.stats.rows)} rows read · ${int(info.stats.duplicates)} duplicate (user, item) pairs merged`]);
  if (input.data.invalidRows) rows.push(['Malformed rows', malformedRows(input.data.invalidRows)]);
  rows.push(
    [
      'Item popularity',
      `the top 20% of items hold ${share(lt.top20)} of the training ratings · Gini ${fixed(lt.gini, 2)} (0 = every item rated equally)` +
        (lt.unrated > 0 ? ` · ${int(lt.unrated)} item${lt.unrated === 1 ? ' has' : 's have'} no training rating` : ''),
    ],
    ['Short head', `${int(lt.head.items)} items (${share(lt.head.itemShare)} of all) hold half of the training ratings`],
  );
  return table(
    [{ label: 'Data' }, { label: '' }],
    rows.map(([label, value]) => ({ cells: [`<strong>${escapeHtml(label)}</strong>`, value] })),
    'facts',
  );
}

function splits(input: ExperimentReportInput): string {
  const { folds } = input.data.info;
  const kFold = folds.length > 1;
  // Implicit data: every rating is 1, so the train mean says nothing.
  const mean = !input.implicit;
  return table(
    [
      { label: kFold ? 'Fold' : 'Split' },
      { label: 'Train', num: true },
      { label: 'Valid', num: true },
      { label: 'Test', num: true },
      { label: 'Test share', num: true },
      ...(mean ? [{ label: 'Train mean', num: true }] : []),
      { label: input.implicit ? 'Cold-start test interactions' : 'Cold-start test ratings', num: true },
      { label: 'Cold users', num: true },
      { label: 'Cold items', num: true },
    ],
    folds.map((f, k) => {
      const total = f.counts.train + f.counts.valid + f.counts.test;
      return {
        cells: [
          kFold ? `fold ${k + 1}` : 'all',
          int(f.counts.train),
          int(f.counts.valid),
          int(f.counts.test),
          share(f.counts.test / Math.max(1, total)),
          ...(mean ? [fixed(f.trainMean, 3)] : []),
          `${int(f.coldStart.ratings)} (${share(f.coldStart.ratings / Math.max(1, f.counts.test))})`,
          int(f.coldStart.users),
          int(f.coldStart.items),
        ],
      };
    }),
  );
}

export function dataSection(input: ExperimentReportInput): string {
  const k = input.data.info.folds.length;
  const foldNote = k > 1 ? ` The histogram and the long tail are drawn from <strong>fold 1</strong>'s ratings (of ${k}); every fold is a re-partition of the same ratings, so the others look alike.` : '';
  return `<section id="data">
<h2>Data</h2>
<p class="note">What the models were trained and tested on, from the data artifacts. Cold-start test ratings have a user or an item with no training rating: a model can only fall back on what it learnt about the other side, or on the mean.${foldNote}</p>
${facts(input)}
${splits(input)}
${input.implicit ? '' : chartDiv('data', 'Rating histogram, train vs test')}
<p class="note">The long tail: a few popular items collect most ratings, and most items have few. Models learn the head well; the tail and the items without training ratings are where they fall back on biases.</p>
${chartDiv('long-tail', 'Item popularity: the long tail')}
</section>`;
}
