import type { Kysely } from '#kysely';
import type { Database } from './schema.js';

const HASH_LOOKUP_CHUNK = 500;

/** Which of these SHA-256 hashes belong to files ingest has loaded (looked up 500 at a time). */
export async function listLoadedFileHashes(db: Kysely<Database>, hashes: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let start = 0; start < hashes.length; start += HASH_LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('ingest_files')
      .select('sha256')
      .distinct()
      .where('status', '=', 'loaded')
      .where('sha256', 'in', hashes.slice(start, start + HASH_LOOKUP_CHUNK))
      .execute();
    for (const row of rows) if (row.sha256 !== null) known.add(row.sha256);
  }
  return known;
}
