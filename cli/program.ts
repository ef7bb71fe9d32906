import { Command } from 'commander';
import { ingestCommand } from './commands/ingest-command.js';
import { rejectsCommand } from './commands/rejects-command.js';

/** Every subcommand, each with its own --help. */
export function buildProgram(): Command {
  const program = new Command('supportlens')
    .description('Support analytics: load tickets and chats, measure response times, find topics and FAQ gaps')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(ingestCommand());
  program.addCommand(rejectsCommand());
  for (const command of program.commands) command.exitOverride();
  return program;
}
