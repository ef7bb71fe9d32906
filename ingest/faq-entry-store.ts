import { createHash } from 'node:crypto';
import { prepareCompiled, slot } from '../db/compiled-statement.js';
import type { Kysely } from '#kysely';
import type { DatabaseHandle } from '../db/connection.js';
import type { Database, FaqEntryRow, FaqEntryVersionRow } from '../db/schema.js';
import { type IdsSeenInFile, NOT_SEEN, repeats } from './ids-seen-in-file.js';
import type { Outcome } from './ingest-store.js';

export interface FaqEntryInput {
  externalId: string;
  title: string;
  question: string | null;
  body: string;
  tags: string[];
  language: string | null;
  /** Null when the source does not say: the ingest time is used for a new version. */
  updatedAt: number | null;
  sourcePath: string;
}

/** The FAQ entries an ingest run writes: a new entry, or a new version of an entry whose text changed. */
export class FaqEntryStore {
  private readonly statements: ReturnType<typeof prepareFaqStatements>;

  constructor(
    handle: Pick<DatabaseHandle, 'db' | 'sqlite'>,
    readonly runId: number,
    private readonly seenInFile: IdsSeenInFile,
  ) {
    this.statements = prepareFaqStatements(handle);
  }

  /**
   * A FAQ entry whose text changed becomes a new version of the same entry. An id the file showed before is rejected
   * when its text differs (the first is kept), as a repeated conversation is: else every ingest of the file would
   * store two new versions.
   */
  save(entry: FaqEntryInput, now: number, line: number | null = null): Outcome | { rejected: string } {
    const first = firstSeenFaqEntry(this.seenInFile, entry, line);
    const contentHash = faqContentHash(entry);
    const existing = this.statements.find.get<StoredFaqEntry>({ external_id: entry.externalId });
    const decided = decideFaqEntry(entry, contentHash, existing, first);
    if (decided !== 'write') return decided;
    let entryId: number;
    let version: number;
    if (existing) {
      entryId = existing.id;
      version = existing.current_version + 1;
      this.statements.bump.run({ id: entryId, current_version: version, run_id: this.runId });
    } else {
      version = 1;
      entryId = Number(this.statements.insertEntry.run({ external_id: entry.externalId, current_version: version, run_id: this.runId }).lastInsertRowid);
    }
    this.statements.insertVersion.run(versionRow(entry, entryId, version, contentHash, now, this.runId));
    return existing ? 'updated' : 'inserted';
  }
}

type StoredFaqEntry = Pick<FaqEntryRow, 'id' | 'current_version'> & Pick<FaqEntryVersionRow, 'content_hash'>;

/** Notes the entry's id as seen in the file: the line it was first seen on, or NOT_SEEN. */
export function firstSeenFaqEntry(seenInFile: IdsSeenInFile, entry: FaqEntryInput, line: number | null): number {
  return seenInFile.begin().add('faq').add(entry.externalId).note(line);
}

function faqContentHash(entry: FaqEntryInput): string {
  return createHash('sha256')
    .update(JSON.stringify([entry.title, entry.question, entry.body, entry.tags, entry.language]))
    .digest('hex');
}

/** Unchanged, rejected (a repeat in the file with other content), or to be written as a new entry or version. */
function decideFaqEntry(
  entry: FaqEntryInput,
  contentHash: string,
  existing: StoredFaqEntry | undefined,
  first: number,
): 'unchanged' | { rejected: string } | 'write' {
  if (existing && existing.content_hash === contentHash) return 'unchanged';
  if (first !== NOT_SEEN) return { rejected: `FAQ entry "${entry.externalId}" ${repeats(first)} with different content; the first was kept` };
  return 'write';
}

function versionRow(entry: FaqEntryInput, entryId: number, version: number, contentHash: string, now: number, runId: number) {
  return {
    entry_id: entryId,
    version,
    title: entry.title,
    question: entry.question,
    body: entry.body,
    tags: JSON.stringify(entry.tags),
    language: entry.language,
    updated_at: entry.updatedAt ?? now,
    content_hash: contentHash,
    source_path: entry.sourcePath,
    run_id: runId,
  };
}

/**
 * `FaqEntryStore.save` through Kysely on any engine (PostgreSQL's ingest: the few FAQ entries of a file, written in
 * the file's transaction): the same decisions, the same rows. `first` comes from `firstSeenFaqEntry`, taken in file order.
 */
export async function saveFaqEntryVia(
  db: Kysely<Database>,
  runId: number,
  entry: FaqEntryInput,
  now: number,
  first: number,
): Promise<Outcome | { rejected: string }> {
  const contentHash = faqContentHash(entry);
  const existing = await db
    .selectFrom('faq_entries as e')
    .innerJoin('faq_entry_versions as v', (join) => join.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
    .select(['e.id', 'e.current_version', 'v.content_hash'])
    .where('e.external_id', '=', entry.externalId)
    .executeTakeFirst();
  const decided = decideFaqEntry(entry, contentHash, existing, first);
  if (decided !== 'write') return decided;
  let entryId: number;
  let version: number;
  if (existing) {
    entryId = existing.id;
    version = existing.current_version + 1;
    await db.updateTable('faq_entries').set({ current_version: version, last_run_id: runId }).where('id', '=', entryId).execute();
  } else {
    version = 1;
    const inserted = await db
      .insertInto('faq_entries')
      .values({ external_id: entry.externalId, current_version: version, first_run_id: runId, last_run_id: runId })
      .returning('id')
      .executeTakeFirstOrThrow();
    entryId = Number(inserted.id);
  }
  await db
    .insertInto('faq_entry_versions')
    .values(versionRow(entry, entryId, version, contentHash, now, runId))
    .execute();
  return existing ? 'updated' : 'inserted';
}

function prepareFaqStatements({ db, sqlite }: Pick<DatabaseHandle, 'db' | 'sqlite'>) {
  const n = (name: string) => slot<number>(name);
  return {
    find: prepareCompiled(
      sqlite,
      db
        .selectFrom('faq_entries as e')
        .innerJoin('faq_entry_versions as v', (join) => join.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.current_version'))
        .select(['e.id', 'e.current_version', 'v.content_hash'])
        .where('e.external_id', '=', slot('external_id')),
      ['external_id'],
    ),
    bump: prepareCompiled(
      sqlite,
      db
        .updateTable('faq_entries')
        .set({ current_version: n('current_version'), last_run_id: n('run_id') })
        .where('id', '=', n('id')),
      ['id', 'current_version', 'run_id'],
    ),
    insertEntry: prepareCompiled(
      sqlite,
      db
        .insertInto('faq_entries')
        .values({ external_id: slot('external_id'), current_version: n('current_version'), first_run_id: n('run_id'), last_run_id: n('run_id') }),
      ['external_id', 'current_version', 'run_id'],
    ),
    insertVersion: prepareCompiled(
      sqlite,
      db.insertInto('faq_entry_versions').values({
        entry_id: n('entry_id'),
        version: n('version'),
        title: slot('title'),
        question: slot('question'),
        body: slot('body'),
        tags: slot('tags'),
        language: slot('language'),
        updated_at: n('updated_at'),
        content_hash: slot('content_hash'),
        source_path: slot('source_path'),
        run_id: n('run_id'),
      }),
      ['entry_id', 'version', 'title', 'question', 'body', 'tags', 'language', 'updated_at', 'content_hash', 'source_path', 'run_id'],
    ),
  };
}
