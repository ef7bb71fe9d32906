import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI } from '../helpers.js';
import { conversationLines } from '../analysis/topics/conversation-fixtures.js';
import { testDatabaseLocation } from '../support/test-database.js';

const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { maxBuffer: 32 * 2 ** 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

interface JsonReport {
  analysisRunId: number;
  topics: {
    topicId: number;
    label: string;
    conversations: number;
    previousConversations: number;
    growth: number | null;
    medianFirstResponseMs: number | null;
    channels: { channel: string; conversations: number }[];
    examples: { conversationId: string; question: string }[];
  }[];
}

describe('supportlens analyze + report topics (built CLI)', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'supportlens-topics-'));
    db = await testDatabaseLocation(join(dir, 'test.db'));
    writeFileSync(join(dir, 'conversations.jsonl'), conversationLines({ days: 14, perDay: 40 }));
    expect((await cli('ingest', '--db', db, '--quiet', join(dir, 'conversations.jsonl'))).code).toBe(0);
    const analyzed = await cli('analyze', '--db', db);
    expect(analyzed.stderr).toBe('');
    expect(analyzed.stdout).toMatch(/topics\s+questions\s+560\n/);
    expect(analyzed.stdout).toMatch(/analysis run 1 succeeded/);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('json: topics by volume with growth, median first response, channels, examples', async () => {
    const { stdout, code } = await cli('report', 'topics', '--db', db, '--from', '2024-05-08', '--to', '2024-05-14', '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.analysisRunId).toBe(1);
    const volumes = report.topics.map((t) => t.conversations);
    expect(volumes).toEqual([...volumes].sort((a, b) => b - a));
    expect(volumes.reduce((a, b) => a + b, 0)).toBe(7 * 40);
    expect(report.topics.reduce((sum, t) => sum + t.previousConversations, 0)).toBe(7 * 40);
    for (const topic of report.topics) {
      expect(topic.growth).toBeCloseTo((topic.conversations - topic.previousConversations) / topic.previousConversations, 6);
      expect(topic.medianFirstResponseMs).toBeGreaterThan(0);
      expect(topic.channels.reduce((sum, c) => sum + c.conversations, 0)).toBe(topic.conversations);
      expect(topic.examples.length).toBeGreaterThan(0);
      for (const example of topic.examples) expect(example.conversationId).toMatch(/^c-\d+-\d+$/);
    }
    expect(stdout).not.toMatch(/0x[0-9a-f]{64}/);
  });

  test('channel filter and csv', async () => {
    const { stdout, code } = await cli('report', 'topics', '--db', db, '--from', '2024-05-01', '--to', '2024-05-14', '--channel', 'email', '--format', 'csv');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\r\n');
    expect(lines[0]).toBe('topic,label,conversations,previous,growth,median_first_response,unanswered,channels,languages,examples');
    expect(stdout).not.toMatch(/chat \d/);
    expect(stdout).toMatch(/email \d+/);
  });

  test("the conversation export gains each conversation's topic id and label", async () => {
    const { stdout, code } = await cli('export', 'conversations', '--db', db, '--format', 'jsonl');
    expect(code).toBe(0);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { topic_id: number | null; topic_label: string | null });
    expect(rows).toHaveLength(560);
    for (const row of rows) {
      expect(row.topic_id).toEqual(expect.any(Number));
      expect(row.topic_label).toEqual(expect.any(String));
    }
  });

  test('table by default', async () => {
    const { stdout, code } = await cli('report', 'topics', '--db', db);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^topics, 2024-04-15T00:00:00.000Z .. 2024-05-15T00:00:00.000Z \(analysis run 1\)/);
    expect(stdout).toMatch(/topic\s+label\s+conversations/);
  });

  test.each([
    [['--from', 'yesterday'], /--from: "yesterday" is not a date/],
    [['--from', '2024-05-10', '--to', '2024-05-01'], /--to: "2024-05-01" is not after --from "2024-05-10"/],
    [['--from', '2024-06-10'], /--from: "2024-06-10" is not before --to/],
    [['--format', 'xml'], /Allowed choices are table, csv, json/],
  ])('bad arguments %j exit 2', async (args, message) => {
    const { stderr, code } = await cli('report', 'topics', '--db', db, ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
