import { MAX_BODY_CHARS, MAX_ID_CHARS, MAX_TEXT_FIELD_CHARS } from './limits.js';
import { describe, type NormalizeResult, type RecordIssue } from './normalize.js';
import type { FaqEntryInput } from './faq-entry-store.js';
import { parseTimestamp } from './timestamps.js';
import { FAQ_FIELD_NAMES } from './format-signs.js';

const NAMES = FAQ_FIELD_NAMES;

export const FAQ_REQUIRED_HINT = 'an FAQ entry needs an id, a title (or question) and a body (or answer)';

/**
 * Validates one FAQ entry from any FAQ source (Markdown front matter plus body, a CSV row, a JSON object).
 * `fallbackId` names the entry when the source has no id (a Markdown file's name).
 */
export function normalizeFaqEntry(
  input: Record<string, unknown>,
  options: { timezone: string; sourcePath: string; fallbackId?: string },
): NormalizeResult<FaqEntryInput> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) fields[key.toLowerCase()] = value;
  const pick = (names: readonly string[]): unknown => {
    for (const name of names) if (fields[name] !== undefined && fields[name] !== null && fields[name] !== '') return fields[name];
    return undefined;
  };
  const issues: RecordIssue[] = [];

  const rawId = pick(NAMES.id) ?? options.fallbackId;
  if (rawId === undefined) return { ok: false, reason: `missing field "id" (${FAQ_REQUIRED_HINT})` };
  if (typeof rawId !== 'string' && typeof rawId !== 'number') return { ok: false, reason: `"id" must be text or a number, got ${describe(rawId)}` };
  const externalId = String(rawId).trim();
  if (externalId === '' || externalId.length > MAX_ID_CHARS) return { ok: false, reason: `"id" must be 1 to ${MAX_ID_CHARS} characters` };

  const title = pick(NAMES.title);
  if (typeof title !== 'string' || title.trim() === '') return { ok: false, reason: `missing field "title" (${FAQ_REQUIRED_HINT})` };
  const body = pick(NAMES.body);
  if (typeof body !== 'string' || body.trim() === '') return { ok: false, reason: `missing field "body" (${FAQ_REQUIRED_HINT})` };
  const question = pick(NAMES.question);

  let updatedAt: number | null = null;
  const rawUpdated = pick(NAMES.updatedAt);
  if (rawUpdated !== undefined) {
    const value = rawUpdated instanceof Date ? rawUpdated.getTime() : rawUpdated;
    const parsed = parseTimestamp(value, { timezone: options.timezone });
    if (parsed.ok) updatedAt = parsed.value;
    else issues.push({ kind: 'warning', reason: `entry "${externalId}": "updated_at": ${parsed.reason}; the ingest time is used`, raw: String(rawUpdated) });
  }

  let tags: string[] = [];
  const rawTags = pick(NAMES.tags);
  if (Array.isArray(rawTags)) tags = rawTags.map((t) => String(t).trim().toLowerCase()).filter(Boolean);
  else if (typeof rawTags === 'string')
    tags = rawTags
      .split(/[;,|]/)
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
  tags = [...new Set(tags)].sort();

  const language = pick(NAMES.language);
  let text = body.trim();
  if (text.length > MAX_BODY_CHARS) {
    issues.push({
      kind: 'warning',
      reason: `entry "${externalId}": body of ${text.length} characters truncated to ${MAX_BODY_CHARS}`,
      raw: text.slice(0, 200),
    });
    text = text.slice(0, MAX_BODY_CHARS);
  }
  return {
    ok: true,
    issues,
    value: {
      externalId,
      title: title.trim().slice(0, MAX_TEXT_FIELD_CHARS),
      question: typeof question === 'string' && question.trim() !== title.trim() ? question.trim().slice(0, MAX_TEXT_FIELD_CHARS) : null,
      body: text,
      tags,
      language: typeof language === 'string' && language.trim() !== '' ? language.trim().toLowerCase() : null,
      updatedAt,
      sourcePath: options.sourcePath,
    },
  };
}
