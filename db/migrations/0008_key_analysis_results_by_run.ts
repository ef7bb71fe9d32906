import { sql, type Kysely } from '#kysely';

// Frozen in time: never import application code here.
//
// The results that every analysis run overwrote in place (response-time facts, their per-day aggregates, the
// redacted questions) become keyed by the run that computed them, like topics and FAQ matches already are: a run
// writes beside the results of the last succeeded one, readers pick the latest succeeded run, and a run killed
// half-way leaves rows that nobody reads. Rows without a run (written outside `analyze`) are dropped.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversation_facts_by_run')
    // No foreign key on purpose: a run's facts are deleted together, and SQLite deletes faster without one.
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('conversation_id', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('start_at', 'integer', (c) => c.notNull())
    .addColumn('initiated_by', 'text', (c) => c.notNull())
    .addColumn('first_customer_message_at', 'integer')
    .addColumn('clock_start_at', 'integer')
    .addColumn('first_response_at', 'integer')
    .addColumn('first_response_ms', 'integer')
    .addColumn('first_response_business_ms', 'integer')
    .addColumn('first_responder_id', 'text')
    .addColumn('agent', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_count', 'integer', (c) => c.notNull())
    .addColumn('reply_times_ms', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_business_times_ms', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reply_median_ms', 'real')
    .addColumn('reply_business_median_ms', 'real')
    .addColumn('resolution_count', 'integer', (c) => c.notNull())
    .addColumn('first_resolved_at', 'integer')
    .addColumn('last_resolved_at', 'integer')
    .addColumn('first_resolution_ms', 'integer')
    .addColumn('first_resolution_business_ms', 'integer')
    .addColumn('resolution_ms', 'integer')
    .addColumn('resolution_business_ms', 'integer')
    .addColumn('is_resolved', 'integer', (c) => c.notNull())
    .addColumn('reopen_count', 'integer', (c) => c.notNull())
    .addColumn('unanswered', 'integer', (c) => c.notNull())
    .addColumn('awaiting_reply_since_at', 'integer')
    .addPrimaryKeyConstraint('conversation_facts_pk', ['run_id', 'conversation_id'])
    .execute();
  await sql`
    insert into conversation_facts_by_run
    select run_id, conversation_id, channel, start_at, initiated_by, first_customer_message_at, clock_start_at,
      first_response_at, first_response_ms, first_response_business_ms, first_responder_id, agent, tags, reply_count,
      reply_times_ms, reply_business_times_ms, reply_median_ms, reply_business_median_ms, resolution_count,
      first_resolved_at, last_resolved_at, first_resolution_ms, first_resolution_business_ms, resolution_ms,
      resolution_business_ms, is_resolved, reopen_count, unanswered, awaiting_reply_since_at
    from conversation_facts
    where run_id is not null
  `.execute(db);
  await db.schema.dropTable('conversation_facts').execute();
  await db.schema.alterTable('conversation_facts_by_run').renameTo('conversation_facts').execute();
  await db.schema.createIndex('conversation_facts_run_start_at_idx').on('conversation_facts').columns(['run_id', 'start_at']).execute();

  await db.schema
    .createTable('response_time_daily_by_run')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('conversations', 'integer', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('unanswered', 'integer', (c) => c.notNull())
    .addColumn('waiting', 'integer', (c) => c.notNull())
    .addColumn('reopened', 'integer', (c) => c.notNull())
    .addColumn('first_response_ms', 'blob', (c) => c.notNull())
    .addColumn('first_response_business_ms', 'blob', (c) => c.notNull())
    .addColumn('reply_ms', 'blob', (c) => c.notNull())
    .addColumn('reply_business_ms', 'blob', (c) => c.notNull())
    .addColumn('resolution_ms', 'blob', (c) => c.notNull())
    .addColumn('resolution_business_ms', 'blob', (c) => c.notNull())
    .addColumn('unanswered_since_at', 'blob', (c) => c.notNull())
    .addColumn('open_since_at', 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_time_daily_pk', ['run_id', 'time_zone', 'day', 'channel'])
    .execute();
  await sql`
    insert into response_time_daily_by_run
    select run_id, time_zone, day, channel, conversations, answered, unanswered, waiting, reopened, first_response_ms,
      first_response_business_ms, reply_ms, reply_business_ms, resolution_ms, resolution_business_ms,
      unanswered_since_at, open_since_at
    from response_time_daily
    where run_id is not null
  `.execute(db);
  await db.schema.dropTable('response_time_daily').execute();
  await db.schema.alterTable('response_time_daily_by_run').renameTo('response_time_daily').execute();

  await db.schema
    .createTable('conversation_questions_by_run')
    .addColumn('analysis_run_id', 'integer', (c) => c.notNull().references('analysis_runs.id'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_questions_pk', ['analysis_run_id', 'conversation_id'])
    .execute();
  // Questions were rewritten only when they changed, so a row's run may be older than the latest: every row is the
  // text the latest succeeded run read, so it is filed under that run.
  await sql`
    insert into conversation_questions_by_run (analysis_run_id, conversation_id, question, language)
    select coalesce((select max(id) from analysis_runs where status = 'succeeded'), analysis_run_id), conversation_id, question, language
    from conversation_questions
  `.execute(db);
  await db.schema.dropTable('conversation_questions').execute();
  await db.schema.alterTable('conversation_questions_by_run').renameTo('conversation_questions').execute();
}

// Back to one row per conversation, keeping the rows of the latest run that has any.
export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, key, runColumn] of [
    ['conversation_facts', 'conversation_id', 'run_id'],
    ['response_time_daily', 'time_zone, day, channel', 'run_id'],
    ['conversation_questions', 'conversation_id', 'analysis_run_id'],
  ] as const) {
    const columns = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null }>`
      select name, type, "notnull", dflt_value from pragma_table_info(${table})
    `.execute(db);
    const definitions = columns.rows.map(
      (column) =>
        `${column.name} ${column.type}${column.notnull && column.name !== runColumn ? ' not null' : ''}${column.dflt_value === null ? '' : ` default ${column.dflt_value}`}`,
    );
    const names = columns.rows.map((column) => column.name).join(', ');
    await sql.raw(`create table ${table}_by_conversation (${definitions.join(', ')}, primary key (${key}))`).execute(db);
    await sql
      .raw(`insert into ${table}_by_conversation (${names}) select ${names} from ${table} where ${runColumn} = (select max(${runColumn}) from ${table})`)
      .execute(db);
    await sql.raw(`drop table ${table}`).execute(db);
    await sql.raw(`alter table ${table}_by_conversation rename to ${table}`).execute(db);
  }
  await db.schema.createIndex('conversation_facts_start_at_idx').on('conversation_facts').columns(['start_at']).execute();
}
