import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { calibrateCoveredThreshold, type CalibrationMethod } from '../analysis/faq/calibrate-covered-threshold.js';
import { buildFaqIndex, type FaqEntryText, textTerms } from '../analysis/faq/faq-index.js';
import { prepareRankingQuestion, rankFaqEntries } from '../analysis/faq/rank-faq-entries.js';
import { hideThirdOfEntries, type Prf, prf } from './detection-metrics.js';
import { describeMachine, findDatasets } from './bench-machine.js';

// Why "not covered" separates badly on StackFAQ, and per-question signals of coverage other than the best entry's
// score, each split by a rule that reads no label (Otsu or a two-component mixture over the run's own values).
// Run by `npm run bench:faq` after bench/faq.ts (whose tables hold the product's decision, same seeds and splits);
// `node dist/bench/faq-coverage.js --verbose` prints the distributions of every seed. Rows marked "uses the labels"
// are ceilings for the report, not settings.
const datasets = findDatasets();
if (!datasets) {
  console.log('bench:faq coverage diagnostics need ../shared/datasets/stackfaq beside the project; not found, nothing measured.');
  process.exit(0);
}
const readCsv = (path: string) =>
  Papa.parse<Record<string, string>>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
const byFaq = new Map<string, { question: string; answers: string[] }>();
for (const row of readCsv(join(datasets, 'stackfaq/faq_entries_flat.csv'))) {
  const entry = byFaq.get(row.faq_id ?? '') ?? { question: row.faq_question ?? '', answers: [] };
  if (row.answer) entry.answers.push(row.answer);
  byFaq.set(row.faq_id ?? '', entry);
}
const queryRows = readCsv(join(datasets, 'stackfaq/rephrasings_flat.csv'));
for (const row of queryRows) if (!byFaq.has(row.faq_id ?? '')) byFaq.set(row.faq_id ?? '', { question: row.faq_question ?? '', answers: [] });
const faqIds = [...byFaq.keys()];
const position = new Map(faqIds.map((id, i) => [id, i]));
const entries: FaqEntryText[] = faqIds.map((id) => ({ title: byFaq.get(id)!.question, body: byFaq.get(id)!.answers.join('\n\n') }));
const queries = queryRows.map((row) => ({ text: row.user_query ?? '', gold: position.get(row.faq_id ?? '')! }));
const n = queries.length;
const verbose = process.argv.includes('--verbose');
console.log(`\ncoverage diagnostics (bench/faq-coverage.ts), ${describeMachine()}`);

// Each rephrasing against every other (all rephrasings indexed as titles, as decideArticleCoverage compares a topic's
// questions), independent of the split; identical texts are not neighbours.
const sameText = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
const questionIndex = buildFaqIndex(queries.map((query) => ({ title: query.text, body: '' })));
const neighbours = queries.map((query, i) =>
  rankFaqEntries(questionIndex, query.text, { limit: 12 }).filter((r) => r.entry !== i && !sameText(queries[r.entry]!.text, query.text)),
);
// Document frequency of each term over the run's questions (the traffic), for containment weighted by the traffic.
const questionTerms = queries.map((query) => [...new Set(textTerms(query.text))]);
const trafficDf = new Map<string, number>();
for (const terms of questionTerms) for (const term of terms) trafficDf.set(term, (trafficDf.get(term) ?? 0) + 1);
const trafficIdf = (term: string): number => Math.log(n / (trafficDf.get(term) ?? 1));
const titleIndex = buildFaqIndex(entries.map((entry) => ({ title: entry.title, body: '' })));

const results = new Map<string, Prf[]>();
const record = (name: string, notCovered: readonly boolean[], truth: readonly boolean[]): void => {
  results.set(name, [...(results.get(name) ?? []), prf(notCovered, truth)]);
};
const ceilings = new Map<string, number[]>();
const recordCeiling = (name: string, f1: number): void => {
  ceilings.set(name, [...(ceilings.get(name) ?? []), f1]);
};
const seeds = [1, 2, 3, 4, 5];

for (const seed of seeds) {
  const { hidden, visible } = split(seed);
  const index = buildFaqIndex(visible.map((i) => entries[i]!));
  const truth = queries.map((query) => hidden.has(query.gold));
  const ranked = queries.map((query) => rankFaqEntries(index, query.text, { limit: 2 }));
  const best = ranked.map((r) => r[0]?.score ?? 0);
  const second = ranked.map((r) => r[1]?.score ?? 0);
  const bestEntry = ranked.map((r) => r[0]?.entry ?? -1);
  const byEntry = new Map<number, number[]>();
  bestEntry.forEach((entry, i) => {
    if (entry >= 0) byEntry.set(entry, [...(byEntry.get(entry) ?? []), i]);
  });

  // Asymmetric containment: how much of the question the entry answers (BM25F over title and answer, on the
  // product's own scale: divided by what a question whose every term appears once in an average title scores).
  const containment = queries.map((query, i) => {
    const prepared = prepareRankingQuestion(index, query.text);
    return bestEntry[i]! < 0 || prepared.ideal <= 0 ? 0 : Math.min(1, prepared.sums.bm25[bestEntry[i]!]! / prepared.ideal);
  });
  // The same with the traffic's idf: the share of the question's idf mass (over the run's questions) that the best
  // entry's title holds; generic words of the traffic (facebook, google) weigh little.
  const visibleTitleTerms = visible.map((v) => new Set(textTerms(entries[v]!.title)));
  const trafficContainment = questionTerms.map((terms, i) => {
    const entry = bestEntry[i]!;
    let all = 0;
    let held = 0;
    for (const term of terms) {
      all += trafficIdf(term);
      if (entry >= 0 && visibleTitleTerms[entry]!.has(term)) held += trafficIdf(term);
    }
    return all > 0 ? held / all : 0;
  });
  // Per-entry calibration: the best score relative to the best of the questions matched to the same entry.
  const entryTop = new Map([...byEntry].map(([entry, list]) => [entry, Math.max(...list.map((i) => best[i]!))]));
  const relativeToEntry = best.map((score, i) => ((entryTop.get(bestEntry[i]!) ?? 0) > 0 ? score / entryTop.get(bestEntry[i]!)! : 0));
  // Reciprocal: the entry's title, as a question, ranks the rephrasings; is this one within the first half of the
  // rephrasings matched to that entry?
  const entryNearest = visible.map((v, e) => {
    const k = Math.max(1, Math.ceil((byEntry.get(e)?.length ?? 0) / 2));
    return new Set(
      rankFaqEntries(questionIndex, entries[v]!.title, { limit: 200 })
        .map((r) => r.entry)
        .filter((i) => bestEntry[i] === e)
        .slice(0, k),
    );
  });
  const reciprocal = queries.map((_, i) => bestEntry[i]! >= 0 && entryNearest[bestEntry[i]!]!.has(i));
  const nearestQuestion = neighbours.map((list) => list[0]?.score ?? 0);
  const signals: [string, number[]][] = [
    ['best entry score', best],
    ['margin to the second entry', best.map((s, i) => s - second[i]!)],
    ['best - nearest other question', best.map((s, i) => s - nearestQuestion[i]!)],
    ['containment (BM25F, entry idf)', containment],
    ['containment of the title (traffic idf)', trafficContainment],
    ['best / best of the same entry', relativeToEntry],
  ];

  if (seed === 1 || verbose) {
    const hiddenRows = truth.flatMap((t, i) => (t ? [i] : []));
    const visibleRows = truth.flatMap((t, i) => (t ? [] : [i]));
    const right = visibleRows.filter((i) => visible[bestEntry[i]!] === queries[i]!.gold).length;
    console.log(`\nseed ${seed}: ${hiddenRows.length} rephrasings of hidden entries, ${visibleRows.length} of visible ones (best entry right for ${right})`);
    console.log('quantiles p10 / p25 / median / p75 / p90 for hidden-entry vs visible-entry rephrasings; oracle cut uses the labels');
    const rows = signals.map(([name, values]) => {
      const cut = oracleCut(values, truth);
      return [
        name,
        quantiles(hiddenRows.map((i) => values[i]!)),
        quantiles(visibleRows.map((i) => values[i]!)),
        `${cut.cut.toFixed(2)} -> F1 ${cut.f1.toFixed(3)}`,
      ];
    });
    console.log(formatRows(['signal', 'hidden entry', 'visible entry', 'oracle cut (labels)'], rows));
    // Label noise: is the best visible entry of a hidden entry's rephrasing a near duplicate of the hidden entry?
    const titleScore = hiddenRows.map((i) => {
      const hit = rankFaqEntries(titleIndex, entries[queries[i]!.gold]!.title, { limit: 30 }).find((r) => r.entry === visible[bestEntry[i]!]);
      return hit?.score ?? 0;
    });
    console.log(
      `label noise: hidden entry's title scored against the title of its rephrasings' best visible entry: ${quantiles(titleScore)}; at least 0.5 (a near duplicate): ${titleScore.filter((s) => s >= 0.5).length} of ${titleScore.length}`,
    );
    console.log('the hidden-entry rephrasings that score highest, with their hidden entry and the visible entry they find:');
    for (const i of [...hiddenRows].sort((a, b) => best[b]! - best[a]!).slice(0, 8)) {
      console.log(
        `  ${best[i]!.toFixed(2)}  ${clip(queries[i]!.text, 60)} | hidden: ${clip(entries[queries[i]!.gold]!.title, 45)} | found: ${clip(entries[visible[bestEntry[i]!]!]!.title, 45)}`,
      );
    }
  }

  for (const [name, values] of signals) recordCeiling(`oracle cut on ${name}`, oracleCut(values, truth).f1);
  recordCeiling('logistic regression on all the signals above, fitted on the labels in-sample', logisticCeiling(signals, truth));
  const cutOf = (values: number[], method: CalibrationMethod): number =>
    calibrateCoveredThreshold(
      values.map((score) => ({ score, count: 1 })),
      'auto',
      0.4,
      method,
    ).value;
  const below = (values: number[], cut: number): boolean[] => values.map((v) => v < cut);
  const runCut = cutOf(best, 'otsu');
  record('best entry score, Otsu (the run threshold today)', below(best, runCut), truth);
  record('best entry score, two-component mixture', below(best, cutOf(best, 'mixture')), truth);
  record('containment (BM25F), Otsu', below(containment, cutOf(containment, 'otsu')), truth);
  record('containment (BM25F), mixture', below(containment, cutOf(containment, 'mixture')), truth);
  record('containment of the title (traffic idf), Otsu', below(trafficContainment, cutOf(trafficContainment, 'otsu')), truth);
  record('containment of the title (traffic idf), mixture', below(trafficContainment, cutOf(trafficContainment, 'mixture')), truth);
  const average = best.map((s, i) => (s + containment[i]!) / 2);
  record('(best + containment) / 2, Otsu', below(average, cutOf(average, 'otsu')), truth);
  record('best / best of the same entry, Otsu', below(relativeToEntry, cutOf(relativeToEntry, 'otsu')), truth);
  record('best / best of the same entry, mixture', below(relativeToEntry, cutOf(relativeToEntry, 'mixture')), truth);
  record(
    'reciprocal: in the first half of its entry`s nearest',
    reciprocal.map((r) => !r),
    truth,
  );
  record(
    'best >= Otsu cut OR reciprocal',
    best.map((s, i) => s < runCut && !reciprocal[i]),
    truth,
  );
  // Per-entry mixture: each entry's matched rephrasings split in two by a mixture of their own scores (at least
  // MIN_CALIBRATION_QUESTIONS would be the product's rule; an entry has ~15 here, so the run's cut caps it).
  const perEntry = new Array<boolean>(n).fill(false);
  for (const list of byEntry.values()) {
    const scores = list.map((i) => best[i]!);
    const own = list.length >= 6 ? mixtureOnScale(scores) : runCut;
    for (const i of list) perEntry[i] = best[i]! < Math.min(own, runCut);
  }
  record('per-entry mixture of its own scores (capped by the run cut)', perEntry, truth);
  // Per-entry groups: the rephrasings matched to one entry linked to their nearest such rephrasing (first-neighbour
  // groups); the entry claims the group holding its best-scoring rephrasing; the other groups are covered when their
  // median reaches the Otsu cut of all such groups' medians.
  const { claimed, groupMedian, medians } = claimGroups(byEntry, best, bestEntry, neighbours);
  const medianCut = cutOf(medians, 'otsu');
  if (process.argv.includes('--variants')) {
    record(
      'V claimed group only',
      claimed.map((c) => !c),
      truth,
    );
    record(
      'V median >= Otsu only',
      groupMedian.map((m) => m < medianCut),
      truth,
    );
    const mixCut = cutOf(medians, 'mixture');
    record(
      'V claimed OR median >= mixture',
      claimed.map((c, i) => !c && groupMedian[i]! < mixCut),
      truth,
    );
    record(
      'V claimed OR median >= run cut',
      claimed.map((c, i) => !c && groupMedian[i]! < runCut),
      truth,
    );
    record(
      'V claimed OR best >= run cut',
      claimed.map((c, i) => !c && best[i]! < runCut),
      truth,
    );
    for (const k of [1, 3, 5]) {
      const { claimed: claimedK, groupMedian: medK, medians: meds } = claimGroups(byEntry, best, bestEntry, neighbours, k);
      const c = cutOf(meds, 'otsu');
      record(
        `V k=${k} claimed OR median >= Otsu`,
        claimedK.map((x, i) => !x && medK[i]! < c),
        truth,
      );
    }
  }
  record(
    'per-entry groups: claimed group OR median >= Otsu',
    claimed.map((c, i) => !c && groupMedian[i]! < medianCut),
    truth,
  );
}

console.log('\nper-question signals of "not covered", split without labels; F1 per seed, then mean P / R / F1');
console.log(
  formatRows(
    ['method', ...seeds.map((s) => `seed ${s}`), 'mean P / R / F1'],
    [...results].map(([name, list]) => [
      name,
      ...list.map((r) => r.f1.toFixed(3)),
      (['precision', 'recall', 'f1'] as const).map((key) => (list.reduce((sum, r) => sum + r[key], 0) / list.length).toFixed(3)).join(' / '),
    ]),
  ),
);
console.log('\nceilings (use the hidden answers; for the report only, not settings): F1 per seed, mean');
console.log(
  formatRows(
    ['ceiling', ...seeds.map((s) => `seed ${s}`), 'mean F1'],
    [...ceilings].map(([name, list]) => [name, ...list.map((f) => f.toFixed(3)), (list.reduce((a, b) => a + b, 0) / list.length).toFixed(3)]),
  ),
);

function split(seed: number): { hidden: Set<number>; visible: number[] } {
  // The same split as bench/faq.ts: the same third of the entries is hidden for each seed.
  return hideThirdOfEntries(entries.length, seed);
}

/** The mixture cut of scores on any scale: rescaled to 0..1, cut, scaled back (the product's bounds do not apply). */
function mixtureOnScale(values: readonly number[]): number {
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (high <= low) return low;
  const scaled = values.map((v) => ({ score: (v - low) / (high - low), count: 1 }));
  // Fewer than 50 values fall back: repeat each one so the calibration runs (weights, not new data).
  const weight = Math.ceil(50 / values.length);
  const cut = calibrateCoveredThreshold(
    scaled.map((s) => ({ ...s, count: weight })),
    'auto',
    0.5,
    'mixture',
  );
  return low + cut.value * (high - low);
}

function oracleCut(values: readonly number[], truth: readonly boolean[]): { cut: number; f1: number } {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(sorted.length / 300));
  let found = { cut: 0, f1: 0 };
  for (let k = 0; k < sorted.length; k += step) {
    const cut = sorted[k]!;
    const { f1 } = prf(
      values.map((v) => v < cut),
      truth,
    );
    if (f1 > found.f1) found = { cut, f1 };
  }
  return found;
}

/** Logistic regression on the standardized signals, fitted and scored on the same labels (gradient descent). */
function logisticCeiling(signals: readonly [string, number[]][], truth: readonly boolean[]): number {
  const standardized = signals.map(([, values]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
    return values.map((v) => (v - mean) / spread);
  });
  const features = truth.map((_, i) => [1, ...standardized.map((values) => values[i]!)]);
  const weights = new Array<number>(features[0]!.length).fill(0);
  for (let iteration = 0; iteration < 300; iteration++) {
    const gradient = new Array<number>(weights.length).fill(0);
    features.forEach((row, i) => {
      const p = 1 / (1 + Math.exp(-row.reduce((sum, x, k) => sum + x * weights[k]!, 0)));
      for (let k = 0; k < row.length; k++) gradient[k]! += (p - (truth[i] ? 1 : 0)) * row[k]!;
    });
    for (let k = 0; k < weights.length; k++) weights[k]! -= (0.5 * gradient[k]!) / features.length;
  }
  const covered = features.map((row) => row.reduce((sum, x, k) => sum + x * weights[k]!, 0));
  return oracleCut(
    covered.map((v) => -v),
    truth,
  ).f1;
}

/**
 * Per-entry groups: the rephrasings matched to one entry, each linked to its nearest such rephrasing among its first
 * `within` neighbours (all by default); a group is claimed when it holds the entry's best-scoring rephrasing. Returns
 * per rephrasing whether its group is claimed and its group's median score, and every group's median.
 */
function claimGroups(
  byEntry: ReadonlyMap<number, number[]>,
  best: readonly number[],
  bestEntry: readonly number[],
  neighbours: readonly (readonly { entry: number }[])[],
  within?: number,
): { claimed: boolean[]; groupMedian: number[]; medians: number[] } {
  const claimed = new Array<boolean>(best.length).fill(false);
  const groupMedian = new Array<number>(best.length).fill(0);
  const medians: number[] = [];
  for (const list of byEntry.values()) {
    const parent = new Map(list.map((i) => [i, i]));
    const find = (i: number): number => (parent.get(i) === i ? i : find(parent.get(i)!));
    for (const i of list) {
      const nearest = neighbours[i]!.slice(0, within).find((r) => bestEntry[r.entry] === bestEntry[i]);
      if (nearest !== undefined) parent.set(find(i), find(nearest.entry));
    }
    const groups = new Map<number, number[]>();
    for (const i of list) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
    const top = list.reduce((a, b) => (best[b]! > best[a]! ? b : a));
    for (const group of groups.values()) {
      const median = quantile(
        group.map((i) => best[i]!),
        0.5,
      );
      medians.push(median);
      for (const i of group) {
        claimed[i] = group.includes(top);
        groupMedian[i] = median;
      }
    }
  }
  return { claimed, groupMedian, medians };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function quantiles(values: readonly number[]): string {
  return [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => quantile(values, q).toFixed(2)).join(' / ');
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

function formatRows(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  return [head, ...body].map((row) => row.map((cell, i) => (i >= 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
