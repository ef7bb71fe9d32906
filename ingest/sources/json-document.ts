import { readFile, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { MAX_DOCUMENT_BYTES } from '../limits.js';
import type { SourceContext } from '../source-record.js';
import { parseJson } from './parse-json.js';

/**
 * A whole JSON document read into memory: limited to `MAX_DOCUMENT_BYTES`, so bigger exports belong in JSON Lines
 * (one ticket or conversation a line). A document that cannot be read at all fails the file with the reason.
 */
export async function readJsonDocument(context: SourceContext): Promise<unknown> {
  // Checked before reading: a document far beyond the limit is never loaded.
  const { size } = await stat(context.path);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new Error(`JSON document is ${size} bytes, larger than the ${MAX_DOCUMENT_BYTES}-byte limit; write it as JSON Lines (one record a line)`);
  }
  const bytes = await readFile(context.path);
  context.onChunk(bytes);
  if (!isUtf8(bytes)) throw new Error('invalid UTF-8 in a JSON document; nothing in it could be read');
  try {
    return parseJson(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`broken JSON document: ${(error as Error).message}`);
  }
}

