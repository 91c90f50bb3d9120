import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { cvCommand } from './commands/cv.js';
import { dataCommand } from './commands/data.js';
import { evaluateCommand } from './commands/evaluate.js';
import { importCommand } from './commands/import.js';
import { indexCommand } from './commands/index-build.js';
import { eventsCommand } from './commands/events.js';
import { exportCommand } from './commands/export.js';
import { plotCommand } from './commands/plot.js';
import { predictCommand } from './commands/predict.js';
import { recommendCommand } from './commands/recommend.js';
import { keygenCommand, signCommand, verifyCommand } from './commands/signing.js';
import { splitCommand } from './commands/split.js';
import { synthCommand } from './commands/synth.js';
import { trainCommand } from './commands/train.js';
import { tuneCommand } from './commands/tune.js';
import { DataError } from './data/data-error.js';
import { FlagValueError } from './options.js';
import { UserError } from './user-error.js';

/** Exit status of a usage error: an unknown option, a missing argument, a flag value out of range. */
export const USAGE_EXIT_CODE = 2;

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** A fresh `edgerec` program with every command; parse it once (commander keeps state). */
export function createProgram(): Command {
  const program = new Command('edgerec')
    .description('Train collaborative-filtering models offline and export them for the edge.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addCommand(synthCommand())
    .addCommand(dataCommand())
    .addCommand(splitCommand())
    .addCommand(trainCommand())
    .addCommand(predictCommand())
    .addCommand(recommendCommand())
    .addCommand(plotCommand())
    .addCommand(exportCommand())
    .addCommand(indexCommand())
    .addCommand(evaluateCommand())
    .addCommand(cvCommand())
    .addCommand(tuneCommand())
    .addCommand(importCommand())
    .addCommand(eventsCommand())
    .addCommand(keygenCommand())
    .addCommand(signCommand())
    .addCommand(verifyCommand());
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(add --help for usage)');
  return program;
}

/**
 * Runs the CLI on `args` (the words after `edgerec`) and returns the exit status: 0, 1 for a
 * failure (printed as one `edgerec: error: …` line), 2 for a usage error, 130 after Ctrl-C.
 * @example process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(args: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    return exitCodeFor(error);
  }
}

/** Prints what went wrong (unless commander already did) and returns the exit status for it. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof FlagValueError) {
    process.stderr.write(`edgerec: error: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  // commander printed these already; exit code 0 is --help or --version.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  if (error instanceof UserError || error instanceof DataError) {
    process.stderr.write(`edgerec: error: ${error.message}\n`);
    return 1;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    process.stderr.write(`edgerec: ${error.message}\n`);
    return 130;
  }
  if (error instanceof Error && error.name === 'DivergedError') {
    process.stderr.write(`edgerec: error: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(
    `edgerec: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}
