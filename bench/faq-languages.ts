import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { buildFaqIndex, textTerms, type FaqEntryText } from '../analysis/faq/faq-index.js';
import { rankFaqEntries } from '../analysis/faq/rank-faq-entries.js';
import { termSenses } from '../analysis/text/term-senses.js';
import { createSeededRandom } from '../analysis/topics/seeded-random.js';
import { findDatasets } from './bench-machine.js';

// Cross-language FAQ matching on support-zh, the rows of `bench:faq` alone, with a diagnosis of the misses:
// `node dist/bench/faq-languages.js [--diagnose]`.
const datasets = findDatasets();
if (!datasets) {
  console.log('bench:faq (languages) needs ../shared/datasets/support-zh; not found, nothing measured.');
  process.exit(0);
}
const read = (file: string): Map<string, string[]> => {
  const rows = Papa.parse<Record<string, string>>(readFileSync(join(datasets, 'support-zh', file), 'utf8').replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: true,
  }).data;
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(row.intent ?? '', [...(map.get(row.intent ?? '') ?? []), row.text ?? '']);
  return map;
};
const zhByIntent = read('support_zh-CN.csv');
const enByIntent = read('support_en.csv');
const shared = [...zhByIntent.keys()].filter((intent) => enByIntent.has(intent)).sort();
const diagnose = process.argv.includes('--diagnose');

for (const [entryLanguage, entryTexts, questionTexts] of [
  ['English', enByIntent, zhByIntent],
  ['Chinese', zhByIntent, enByIntent],
] as const) {
  const random = createSeededRandom(7);
  const entries: FaqEntryText[] = [];
  const same: { text: string; gold: number }[] = [];
  const across: { text: string; gold: number }[] = [];
  for (const intent of shared) {
    const texts = [...entryTexts.get(intent)!];
    for (let i = texts.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [texts[i], texts[j]] = [texts[j]!, texts[i]!];
    }
    const gold = entries.length;
    entries.push({ title: texts[0]!, question: texts.slice(1, 3).join(' '), body: '' });
    for (const text of texts.slice(3)) same.push({ text, gold });
    for (const text of questionTexts.get(intent)!) across.push({ text, gold });
  }
  const index = buildFaqIndex(entries);
  const entrySenses = new Set<string>();
  for (const entry of entries) for (const term of textTerms(`${entry.title} ${entry.question}`)) for (const sense of termSenses(term)) entrySenses.add(sense);
  const questionSenses = new Set<string>();
  const unknown = new Map<string, number>();
  const unmet = new Map<string, number>();
  for (const [label, list] of [
    ['same language', same],
    ['across', across],
  ] as const) {
    let hits = 0;
    let reciprocal = 0;
    for (const query of list) {
      const ranked = rankFaqEntries(index, query.text, { limit: 10 });
      if (ranked[0]?.entry === query.gold) hits++;
      const found = ranked.findIndex((entry) => entry.entry === query.gold);
      if (found >= 0) reciprocal += 1 / (found + 1);
      if (label !== 'across') continue;
      const terms = textTerms(query.text);
      for (const term of terms) for (const sense of termSenses(term)) questionSenses.add(sense);
      if (!diagnose || ranked[0]?.entry === query.gold) continue;
      const described = terms.map((term) => {
        const senses = termSenses(term).slice(1);
        if (/\p{Script=Han}/u.test(term) && senses.length === 0) unknown.set(term, (unknown.get(term) ?? 0) + 1);
        const met = termSenses(term).filter((sense) => entrySenses.has(sense));
        if (met.length === 0) unmet.set(term, (unmet.get(term) ?? 0) + 1);
        return senses.length === 0 ? `${term}[-]` : `${term}[${senses.map((s) => (entrySenses.has(s) ? s.toUpperCase() : s)).join(' ')}]`;
      });
      const rank = ranked.findIndex((entry) => entry.entry === query.gold);
      console.log(`  ${query.text}  ->  ${described.join(' ')}  | gold rank ${rank < 0 ? '>10' : rank + 1}, first: ${entries[ranked[0]?.entry ?? 0]!.title}`);
    }
    console.log(
      `${entryLanguage} entries, ${label}: P@1 ${(hits / list.length).toFixed(3)}, MRR@10 ${(reciprocal / list.length).toFixed(3)} (${list.length} questions, ${entries.length} entries)`,
    );
  }
  if (diagnose) {
    const top = (map: Map<string, number>): string =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40)
        .map(([word, count]) => `${word} ${count}`)
        .join(', ');
    console.log(`  question words in misses with no sense: ${top(unknown)}`);
    console.log(`  question words in misses whose senses meet no entry: ${top(unmet)}`);
    const never = new Map<string, number>();
    for (const entry of entries)
      for (const term of textTerms(`${entry.title} ${entry.question}`))
        if (!termSenses(term).some((sense) => questionSenses.has(sense))) never.set(term, (never.get(term) ?? 0) + 1);
    console.log(`  entry words that never meet a question sense: ${top(never)}`);
  }
}
