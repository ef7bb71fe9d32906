import { Command } from 'commander';
import { ingestCommand } from './commands/ingest-command.js';
import { rejectsCommand } from './commands/rejects-command.js';
import { demoCommand } from './commands/demo-command.js';
import { demoDataCommand } from './commands/demo-data-command.js';

/** Every subcommand, each with its own --help. */
export function buildProgram(): Command {
  const program = new Command('supportlens')
    .description('Support analytics: load tickets and chats, measure response times, find topics and FAQ gaps')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(ingestCommand());
  program.addCommand(rejectsCommand());
  program.addCommand(demoDataCommand());
  program.addCommand(demoCommand());
  for (const command of program.commands) command.exitOverride();
  return program;
}
