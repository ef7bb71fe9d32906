import { openSync, writeSync, closeSync } from 'node:fs';

/** Writes a canonical messages CSV of `rows` rows, 5 messages a conversation; returns the file's path. */
export function writeMessagesCsv(path: string, rows: number): string {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'conversation_id,message_id,channel,author_role,author_id,created_at,body\n');
    const base = Date.UTC(2024, 4, 1);
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      const conversation = Math.floor(i / 5);
      const role = i % 5 === 0 ? 'customer' : i % 2 === 0 ? 'agent' : 'customer';
      chunk += `c${conversation},m${i},chat,${role},u${conversation % 1000},${new Date(base + i * 1000).toISOString()},"Message ${i}, about withdrawal ${conversation}"\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return path;
}
