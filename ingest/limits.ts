/** Longest message body kept, in characters; longer bodies are truncated and flagged. */
export const MAX_BODY_CHARS = 100_000;
/** Longest subject, title or other free-text field kept, in characters. */
export const MAX_TEXT_FIELD_CHARS = 2_000;
/** Longest id accepted; a longer "id" is a column mix-up, not an id. */
export const MAX_ID_CHARS = 256;
/** Longest input line (JSON Lines) or CSV record read; longer ones are rejected without being held in memory. */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** Longest raw text stored with a reject. */
export const MAX_REJECT_RAW_CHARS = 64 * 1024;
/** Largest Markdown FAQ entry read into memory (JSON documents are streamed, whatever their size). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
