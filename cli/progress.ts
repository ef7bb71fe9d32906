import type { IngestProgress } from '../ingest/run-ingest.js';

/**
 * One self-overwriting status line on a terminal; nothing at all when the stream is not a terminal.
 */
export function createProgressLine(stream: NodeJS.WriteStream, enabled: boolean) {
  const active = enabled && stream.isTTY === true;
  let shown = false;
  return {
    update(progress: IngestProgress): void {
      if (!active) return;
      const seconds = Math.max(progress.elapsedMs / 1000, 0.001);
      const rate = Math.round(progress.records / seconds);
      const percent = progress.fileBytes > 0 ? Math.min(100, Math.round((progress.bytes / progress.fileBytes) * 100)) : 100;
      const name = progress.path.length > 50 ? `…${progress.path.slice(-49)}` : progress.path;
      stream.write(
        `\r\x1b[2K[${progress.fileIndex + 1}/${progress.fileCount}] ${name}  ${percent}%  ${progress.records.toLocaleString('en-US')} records  ${rate.toLocaleString('en-US')}/s`,
      );
      shown = true;
    },
    clear(): void {
      if (active && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
