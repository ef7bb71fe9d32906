import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DateTime } from 'luxon';
import Papa from 'papaparse';

/** One event as the team wrote it, validated. */
export interface TeamEvent {
  id: string;
  startsAt: number;
  endsAt: number | null;
  title: string;
  tags: string[];
  sourcePath: string;
  line: number;
}

/** A line that could not be read, named by file and line; the other lines are kept. */
export interface EventProblem {
  path: string;
  line: number;
  reason: string;
}

export interface ReadEventsResult {
  events: TeamEvent[];
  problems: EventProblem[];
}

const EVENT_FILE_EXTENSIONS = new Set(['.jsonl', '.ndjson', '.json', '.csv']);
/** A title longer than this is cut: it is shown on charts and in messages. */
export const MAX_EVENT_TITLE_LENGTH = 200;
const MAX_TAGS = 20;

/**
 * Reads the events file, or every `.jsonl`, `.json` and `.csv` file of the events folder (recursively, hidden entries
 * skipped). Each event has `time` (ISO 8601; without an offset it is read in `timeZone`), `title`, and optional `end`,
 * `tags` (a list, or `;`-separated in CSV) and `id`. A bad line is a problem naming the file and line; nothing valid is lost.
 *
 * @example
 * const { events, problems } = readEvents('./events', 'Asia/Shanghai');
 */
export function readEvents(path: string, timeZone: string): ReadEventsResult {
  const result: ReadEventsResult = { events: [], problems: [] };
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? listEventFiles(path) : [path];
  } catch (error) {
    result.problems.push({ path, line: 0, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return result;
  }
  for (const file of files) readEventFile(file, timeZone, result);
  const seen = new Map<string, TeamEvent>();
  for (const event of result.events) {
    const earlier = seen.get(event.id);
    if (earlier)
      result.problems.push({
        path: event.sourcePath,
        line: event.line,
        reason: `duplicate id "${event.id}" (first at ${earlier.sourcePath}:${earlier.line}); the first is kept`,
      });
    else seen.set(event.id, event);
  }
  result.events = [...seen.values()].sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  return result;
}

function listEventFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return listEventFiles(path);
      return EVENT_FILE_EXTENSIONS.has(extname(name).toLowerCase()) ? [path] : [];
    });
}

function readEventFile(path: string, timeZone: string, result: ReadEventsResult): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    result.problems.push({ path, line: 0, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return;
  }
  const extension = extname(path).toLowerCase();
  const add = (record: unknown, line: number): void => {
    const read = validateEvent(record, timeZone);
    if (typeof read === 'string') result.problems.push({ path, line, reason: read });
    else result.events.push({ ...read, sourcePath: path, line });
  };
  if (extension === '.csv') {
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy' });
    for (const error of parsed.errors) result.problems.push({ path, line: (error.row ?? 0) + 2, reason: error.message });
    const failedRows = new Set(parsed.errors.map((error) => error.row));
    parsed.data.forEach((row, index) => {
      if (failedRows.has(index)) return;
      add(
        {
          ...row,
          tags: row['tags']
            ? row['tags']
                .split(';')
                .map((tag) => tag.trim())
                .filter(Boolean)
            : [],
          end: row['end'] || undefined,
          id: row['id'] || undefined,
        },
        index + 2,
      );
    });
    return;
  }
  if (extension === '.json' && text.trimStart().startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (error) {
      result.problems.push({ path, line: 1, reason: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    (list as unknown[]).forEach((record, index) => {
      add(record, index + 1);
    });
    return;
  }
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      result.problems.push({ path, line: index + 1, reason: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    add(record, index + 1);
  });
}

function validateEvent(record: unknown, timeZone: string): Omit<TeamEvent, 'sourcePath' | 'line'> | string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'expected an object with time and title';
  const fields = record as Record<string, unknown>;
  const title = fields['title'];
  if (typeof title !== 'string' || title.trim() === '') return 'missing title';
  const startsAt = parseEventTime(fields['time'], timeZone);
  if (startsAt === undefined) return fields['time'] === undefined ? 'missing time' : `time ${JSON.stringify(fields['time'])} is not an ISO 8601 date or time`;
  let endsAt: number | null = null;
  if (fields['end'] !== undefined && fields['end'] !== null) {
    const end = parseEventTime(fields['end'], timeZone);
    if (end === undefined) return `end ${JSON.stringify(fields['end'])} is not an ISO 8601 date or time`;
    if (end < startsAt) return 'end is before time';
    endsAt = end;
  }
  const rawTags = fields['tags'] ?? [];
  if (!Array.isArray(rawTags) || rawTags.some((tag) => typeof tag !== 'string')) return 'tags must be a list of strings';
  const tags = (rawTags as string[]).slice(0, MAX_TAGS);
  const cleanTitle = title
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, MAX_EVENT_TITLE_LENGTH);
  const id =
    typeof fields['id'] === 'string' && fields['id'] !== ''
      ? fields['id']
      : createHash('sha256').update(`${startsAt}\u0000${cleanTitle}`).digest('hex').slice(0, 16);
  return { id, startsAt, endsAt, title: cleanTitle, tags };
}

function parseEventTime(value: unknown, timeZone: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = DateTime.fromISO(value.trim(), { zone: timeZone, setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}
