import { Command } from 'commander';

/**
 * Every subcommand, each loaded only when needed: `supportlens ingest` does not pay for loading the dashboard,
 * the topic model and the scheduler (about a quarter of a second before the first row is read).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  ingest: async () => (await import('./commands/ingest-command.js')).ingestCommand(),
  rejects: async () => (await import('./commands/rejects-command.js')).rejectsCommand(),
  analyze: async () => (await import('./commands/analyze-command.js')).analyzeCommand(),
  report: async () => (await import('./commands/report-command.js')).reportCommand(),
  export: async () => (await import('./commands/export-command.js')).exportCommand(),
  schedule: async () => (await import('./commands/schedule-command.js')).scheduleCommand(),
  'run-now': async () => (await import('./commands/run-now-command.js')).runNowCommand(),
  'demo-data': async () => (await import('./commands/demo-data-command.js')).demoDataCommand(),
  demo: async () => (await import('./commands/demo-command.js')).demoCommand(),
  serve: async () => (await import('./commands/serve-command.js')).serveCommand(),
  digest: async () => (await import('./commands/digest-command.js')).digestCommand(),
  'copy-database': async () => (await import('./commands/copy-database-command.js')).copyDatabaseCommand(),
};

/**
 * The program for these arguments: when they name a subcommand, only that one is loaded (its --help, options and
 * errors are complete); otherwise every subcommand, for the overview help and for suggestions on a typo.
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('supportlens')
    .description('Support analytics: load tickets and chats, measure response times, find topics and FAQ gaps')
    .showHelpAfterError()
    .exitOverride();
  const requested = argv[2];
  const names = requested !== undefined && Object.hasOwn(COMMANDS, requested) ? [requested] : Object.keys(COMMANDS);
  for (const name of names) program.addCommand(await COMMANDS[name]!());
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}
