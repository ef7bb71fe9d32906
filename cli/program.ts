import { Command } from 'commander';
import { analyzeCommand } from './commands/analyze-command.js';
import { exportCommand } from './commands/export-command.js';
import { ingestCommand } from './commands/ingest-command.js';
import { rejectsCommand } from './commands/rejects-command.js';
import { reportCommand } from './commands/report-command.js';
import { demoCommand } from './commands/demo-command.js';
import { demoDataCommand } from './commands/demo-data-command.js';
import { runNowCommand } from './commands/run-now-command.js';
import { scheduleCommand } from './commands/schedule-command.js';
import { serveCommand } from './commands/serve-command.js';

/** Every subcommand, each with its own --help. */
export function buildProgram(): Command {
  const program = new Command('supportlens')
    .description('Support analytics: load tickets and chats, measure response times, find topics and FAQ gaps')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(ingestCommand());
  program.addCommand(rejectsCommand());
  program.addCommand(analyzeCommand());
  program.addCommand(reportCommand());
  program.addCommand(exportCommand());
  program.addCommand(scheduleCommand());
  program.addCommand(runNowCommand());
  program.addCommand(demoDataCommand());
  program.addCommand(demoCommand());
  program.addCommand(serveCommand());
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}
