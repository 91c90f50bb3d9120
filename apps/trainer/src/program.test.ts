import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataError } from './data/data-error.js';
import { FlagValueError } from './options.js';
import { exitCodeFor, runCli, USAGE_EXIT_CODE } from './program.js';
import { UserError } from './user-error.js';

describe('exit status', () => {
  afterEach(() => vi.restoreAllMocks());
  const quietly = () => {
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((text += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return () => text;
  };

  it('is 2 for usage errors, 1 for failures, 0 for help, 130 for Ctrl-C', () => {
    const stderr = quietly();
    expect(USAGE_EXIT_CODE).toBe(2);
    expect(exitCodeFor(new FlagValueError('--dim must be an integer from 1 to 1024 (got 0)'))).toBe(2);
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeFor(new UserError('no'))).toBe(1);
    expect(exitCodeFor(new DataError('f.tsv', 'bad', { line: 2 }))).toBe(1);
    expect(exitCodeFor(Object.assign(new Error('cancelled'), { name: 'AbortError' }))).toBe(130);
    expect(stderr()).toBe(
      'edgerec: error: --dim must be an integer from 1 to 1024 (got 0)\nedgerec: error: no\nedgerec: error: f.tsv:2: bad\nedgerec: cancelled\n',
    );
  });

  it('runs the CLI in-process and returns its status', async () => {
    const stderr = quietly();
    expect(await runCli(['--version'])).toBe(0);
    expect(await runCli(['recommend', '--model', 'm.json', '--user', 'u', '-k', '1000'])).toBe(2);
    expect(await runCli(['no-such-command'])).toBe(2);
    expect(stderr()).toMatch(/--k must be an integer from 1 to 100 \(got 1000\)/);
  });
});
