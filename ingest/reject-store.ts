import { prepareCompiled, slot, type PreparedCompiled } from '../db/compiled-statement.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { NewReject, RejectKind } from '../db/schema.js';
import { MAX_REJECT_RAW_CHARS } from './limits.js';

/** A reject or warning as ingest reports it; its raw text is cut to MAX_REJECT_RAW_CHARS when stored. */
export type RejectInput = Pick<NewReject, 'path' | 'line' | 'kind' | 'reason' | 'raw'> & { line: number | null; kind: RejectKind };

const REJECT_SLOTS = ['run_id', 'path', 'line', 'kind', 'reason', 'raw', 'raw_truncated', 'created_at'] as const;

/** The rejects table as ingest writes it, one prepared insert. */
export class RejectWrites {
  private readonly insertStatement: PreparedCompiled<(typeof REJECT_SLOTS)[number]>;

  constructor(
    handle: DatabaseHandle,
    private readonly runId: number,
  ) {
    this.insertStatement = prepareCompiled(
      handle.sqlite,
      handle.db.insertInto('rejects').values({
        run_id: slot<number>('run_id'),
        path: slot('path'),
        line: slot<number>('line'),
        kind: slot<RejectKind>('kind'),
        reason: slot('reason'),
        raw: slot('raw'),
        raw_truncated: slot<number>('raw_truncated'),
        created_at: slot<number>('created_at'),
      }),
      REJECT_SLOTS,
    );
  }

  insert(reject: RejectInput): void {
    const truncated = reject.raw.length > MAX_REJECT_RAW_CHARS;
    this.insertStatement.run({
      run_id: this.runId,
      path: reject.path,
      line: reject.line,
      kind: reject.kind,
      reason: reject.reason,
      raw: truncated ? reject.raw.slice(0, MAX_REJECT_RAW_CHARS) : reject.raw,
      raw_truncated: truncated ? 1 : 0,
      created_at: Date.now(),
    });
  }
}
