#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { DatabaseError, databaseErrorFrom } from '../db/database-error.js';
import { EnvironmentError, EXIT_ENVIRONMENT, EXIT_INTERNAL, EXIT_USAGE, UsageError } from './options.js';

// A reader that stops early (`supportlens export … | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(): Promise<void> {
  try {
    await (await buildProgram(process.argv)).parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`supportlens: ${error.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const environment = error instanceof EnvironmentError || error instanceof DatabaseError ? error : databaseErrorFrom(error);
    if (environment !== undefined) {
      process.stderr.write(`supportlens: ${environment.message}\n`);
      process.exitCode = EXIT_ENVIRONMENT;
      return;
    }
    process.stderr.write(`supportlens: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}

await main();
