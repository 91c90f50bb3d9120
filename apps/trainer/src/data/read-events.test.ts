import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../test-utils/rejection.js';
import { useTempFile } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { DataError } from './data-error.js';
import { readEventFiles } from './read-events.js';

const line = (e: Record<string, unknown>) => `${JSON.stringify(e)}\n`;

describe('readEventFiles', () => {
  const tempFile = useTempFile();

  it("reads the Worker's export lines, each (user, id) once across files", async () => {
    const exported = {
      seq: 3,
      id: 'e1',
      user: 'u1',
      item: 'i1',
      weight: 5,
      type: 'purchase',
      timestamp: 1764500000000,
      received: 1764500000100,
    };
    const a = await tempFile('a.ndjson', line(exported) + '\n' + line({ id: 'e2', user: 'u1', item: 'i2' }));
    const b = await tempFile(
      'b.ndjson',
      line({ ...exported, seq: 9 }) + line({ id: 'e1', user: 'u2', item: 'i1', weight: 2 }),
    );
    const read = await readEventFiles([a, b]);
    expect(read.events).toEqual([
      { id: 'e1', user: 'u1', item: 'i1', weight: 5, timestamp: 1764500000000 },
      { id: 'e2', user: 'u1', item: 'i2', weight: 1 },
      { id: 'e1', user: 'u2', item: 'i1', weight: 2 },
    ]);
    expect(read).toMatchObject({ lines: 4, duplicates: 1, files: [a, b] });
  });

  it.each([
    ['a line that is not JSON', '{"id": "e1",', /bad\.ndjson:2: not a JSON object/],
    ['a JSON array', '["e1", "u1", "i1"]', /bad\.ndjson:2: not a JSON object/],
    ['a missing user', line({ id: 'e1', item: 'i1' }), /bad\.ndjson:2: user: must be a non-empty string/],
    ['an empty item', line({ id: 'e1', user: 'u1', item: '' }), /bad\.ndjson:2: item: must be a non-empty string/],
    ['an over-long id', line({ id: 'x'.repeat(129), user: 'u1', item: 'i1' }), /bad\.ndjson:2: id: .*at most 128/],
    [
      'a zero weight',
      line({ id: 'e1', user: 'u1', item: 'i1', weight: 0 }),
      /bad\.ndjson:2: weight: must be a number above 0/,
    ],
    [
      'a string weight',
      line({ id: 'e1', user: 'u1', item: 'i1', weight: '3' }),
      /bad\.ndjson:2: weight: .*\(got "\\"3\\""\)/,
    ],
    [
      'an ISO timestamp',
      line({ id: 'e1', user: 'u1', item: 'i1', timestamp: '2026-12-01' }),
      /bad\.ndjson:2: timestamp: must be epoch milliseconds/,
    ],
  ])('refuses %s, naming the file, line and field', async (_name, bad, message) => {
    const path = await tempFile('bad.ndjson', line({ id: 'ok', user: 'u1', item: 'i1' }) + bad);
    const error = await rejectionOf(readEventFiles([path]), DataError);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(2);
  });

  it('says so when the files hold no event, or a file cannot be read', async () => {
    const empty = await tempFile('empty.ndjson', '\n\n');
    expect((await rejectionOf(readEventFiles([empty]), UserError)).message).toMatch(/no events in .*empty\.ndjson/);
    const missing = `${empty}.nope`;
    expect((await rejectionOf(readEventFiles([missing]), UserError)).message).toMatch(
      /cannot read events file .*\.nope: no such file/,
    );
  });
});
