import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeTopics } from '../../../analysis/topics/analyze-topics.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';

describe('analyzeTopics on small or odd input', () => {
  test.each([
    ['no questions', []],
    ['one question', ['where is my deposit']],
    ['two questions', ['where is my deposit', '提现没到账']],
    ['only placeholders and punctuation', ['ann@example.com', '???', '']],
    ['identical questions', Array.from({ length: 30 }, () => 'reset my 2FA please')],
  ])('%s', async (_name, bodies) => {
    const analysis = await analyzeTopics(
      { keys: bodies.map((_, i) => i), channels: bodies.map(() => 'chat'), subjects: bodies.map(() => null), bodies },
      { ...DEFAULT_TOPICS_CONFIG, workers: 0 },
    );
    expect(analysis.texts).toHaveLength(bodies.length);
    expect(analysis.assignment).toHaveLength(bodies.length);
    const assigned = [...analysis.assignment].filter((topic) => topic >= 0).length;
    expect(analysis.topics.reduce((sum, topic) => sum + topic.size, 0)).toBe(assigned);
    expect(analysis.texts.join(' ')).not.toContain('ann@example.com');
  });
});

describe('natural is imported by submodule only', () => {
  test('no file imports the natural package index', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) files.push(join(dir, entry.name));
      }
    };
    for (const dir of ['analysis', 'cli', 'db', 'ingest', 'bench']) walk(dir);
    const offenders = files.filter((file) => /from ['"]natural['"]|require\(['"]natural['"]\)|import\(['"]natural['"]\)/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
