// `edgerec synth --json`: one JSON document on stdout, nothing else there.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSynthetic } from '../data/synth.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { synthCommand } from './synth.js';

const runSynth = (args: string[]) => runCommand(synthCommand(), args);

describe('edgerec synth --json', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  it('prints the ratings written and the planted truth as JSON', async () => {
    const out = join(await tempDir(), 'r.tsv');
    const run = await runSynth([
      '--users',
      '30',
      '--items',
      '20',
      '--ratings',
      '200',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    const { truth, table } = generateSynthetic({ users: 30, items: 20, ratings: 200, seed: 3 });
    expect(JSON.parse(run.stdout)).toEqual({
      out,
      kind: 'ratings',
      rows: 200,
      users: table.userIds.length,
      items: table.itemIds.length,
      rank: 8,
      noiseFloorRmse: truth.noiseFloorRmse,
      globalMeanRmse: truth.globalMeanRmse,
      seed: 3,
    });
    expect(run.stderr).toBe('');
    expect((await readFile(out, 'utf8')).split('\n')).toHaveLength(202);
  });

  it('prints the interactions written and their taste groups as JSON, also with --quiet', async () => {
    const out = join(await tempDir(), 'clicks.tsv');
    const run = await runSynth([
      '--users',
      '40',
      '--items',
      '30',
      '--interactions',
      '300',
      '--rank',
      '3',
      '--out',
      out,
      '--json',
      '--quiet',
    ]);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      out,
      kind: 'interactions',
      rows: 300,
      users: 40,
      items: 30,
      tasteGroups: 3,
      affinity: 0.7,
      seed: 42,
    });
    expect(json.inGroupShare).toBeGreaterThan(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('}');
  });
});
