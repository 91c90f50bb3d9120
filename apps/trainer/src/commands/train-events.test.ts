// `edgerec train --events`: the Worker's exported events merged into the training file.
import { parseArtifact, seenBy } from '@edgerec/core';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateInteractions } from '../data/synth-interactions.js';
import type { InteractionTrainSummary } from '../pipeline/train-interactions.js';
import { writeInteractions } from '../test-utils/interaction-fixtures.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { trainCommand } from './train.js';

const QUICK = ['--iterations', '3', '--threads', '1', '--validation', '0', '--test-fraction', '0', '--quiet'];

describe('edgerec train --events', () => {
  const tempDir = useTempDirs();

  async function setup() {
    const dir = await tempDir();
    const clicks = await writeInteractions(
      join(dir, 'clicks.tsv'),
      generateInteractions({ users: 60, items: 40, interactions: 900, clusters: 3, seed: 5 }),
    );
    const line = (e: object) => `${JSON.stringify(e)}\n`;
    const events = join(dir, 'events.ndjson');
    // A new user with three items, and the same export line twice (an overlapping pull).
    const exported = {
      seq: 1,
      id: 'n1',
      user: 'new-visitor',
      item: 'i1',
      weight: 2,
      timestamp: 1764500000000,
      received: 1,
    };
    await writeFile(
      events,
      line(exported) +
        line(exported) +
        line({ id: 'n2', user: 'new-visitor', item: 'i2', weight: 1, timestamp: 1764500000001 }) +
        line({ id: 'n3', user: 'new-visitor', item: 'i3', weight: 1, timestamp: 1764500000002 }),
    );
    return { dir, clicks, events, out: join(dir, 'model.json') };
  }

  it('trains on the file plus the events: the new user is in the model, and the artifact names the event files', async () => {
    const { clicks, events, out } = await setup();
    const run = await runCommand(trainCommand(), [
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--events',
      events,
      '--out',
      out,
      '--json',
      ...QUICK,
    ]);
    const summary = JSON.parse(run.stdout) as InteractionTrainSummary;
    expect(summary.events).toEqual({ events: 3, newPairs: 3, newUsers: 1, newItems: 0, files: 1, duplicates: 1 });
    const { model, meta } = await parseArtifact(await readFile(out, 'utf8'));
    const u = model.users.indexOf('new-visitor');
    expect(u).toBeDefined();
    const seen = Array.from(seenBy(model.seen!, u!), (i) => model.items.ids[i]).sort();
    expect(seen).toEqual(['i1', 'i2', 'i3']);
    expect(meta.training.data.events).toEqual({ files: ['events.ndjson'], count: 3 });
  });

  it('refuses --events for a rating model, before any work', async () => {
    const { clicks, events, out } = await setup();
    const error = await rejectionOf(
      runCommand(trainCommand(), ['--ratings', clicks, '--events', events, '--out', out, '--quiet']),
      UserError,
    );
    expect(error.message).toMatch(/--events applies to --objective interaction/);
  });

  it('names the event file and line of a bad event, and writes no model', async () => {
    const { clicks, dir, out } = await setup();
    const bad = join(dir, 'bad.ndjson');
    await writeFile(bad, '{"id": "a", "user": "u", "item": "i", "weight": -1}\n');
    const run = runCommand(trainCommand(), [
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--events',
      bad,
      '--out',
      out,
      ...QUICK,
    ]);
    await expect(run).rejects.toThrow(/bad\.ndjson:1: weight: must be a number above 0/);
    await expect(readFile(out)).rejects.toThrow();
  });
});
