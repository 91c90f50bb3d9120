#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { cvCommand } from './commands/cv.js';
import { dataCommand } from './commands/data.js';
import { evaluateCommand } from './commands/evaluate.js';
import { plotCommand } from './commands/plot.js';
import { predictCommand } from './commands/predict.js';
import { recommendCommand } from './commands/recommend.js';
import { splitCommand } from './commands/split.js';
import { synthCommand } from './commands/synth.js';
import { trainCommand } from './commands/train.js';
import { tuneCommand } from './commands/tune.js';
import { DataError } from './data/data-error.js';
import { UserError } from './user-error.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

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
  .addCommand(evaluateCommand())
  .addCommand(cvCommand())
  .addCommand(tuneCommand());

for (const command of program.commands) command.exitOverride().showHelpAfterError('(add --help for usage)');

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode; // commander already printed it
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
  process.stderr.write(`edgerec: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
