import type { Migration } from '#kysely';
import * as m0001 from './0001_create_core_tables.js';
import * as m0002 from './0002_create_analysis_runs.js';
import * as m0003 from './0003_create_response_facts.js';
import * as m0004 from './0004_create_topics.js';
import * as m0005 from './0005_create_faq_matches.js';
import * as m0006 from './0006_create_job_runs.js';
import * as m0007 from './0007_cluster_messages_by_conversation.js';
import * as m0008 from './0008_key_analysis_results_by_run.js';
import * as m0009 from './0009_add_faq_match_language.js';
import * as m0010 from './0010_add_conversation_team_csat.js';
import * as m0011 from './0011_index_conversation_lists.js';
import * as m0012 from './0012_create_alerts_events_deliveries.js';
import * as m0013 from './0013_create_feed_pending.js';

/**
 * Every migration, in order. Listed statically (not read from a folder) so the compiled package
 * needs no file-system lookup and a bundler could follow the imports.
 */
export const migrations: Record<string, Migration> = {
  '0001_create_core_tables': m0001,
  '0002_create_analysis_runs': m0002,
  '0003_create_response_facts': m0003,
  '0004_create_topics': m0004,
  '0005_create_faq_matches': m0005,
  '0006_create_job_runs': m0006,
  '0007_cluster_messages_by_conversation': m0007,
  '0008_key_analysis_results_by_run': m0008,
  '0009_add_faq_match_language': m0009,
  '0010_add_conversation_team_csat': m0010,
  '0011_index_conversation_lists': m0011,
  '0012_create_alerts_events_deliveries': m0012,
  '0013_create_feed_pending': m0013,
};
