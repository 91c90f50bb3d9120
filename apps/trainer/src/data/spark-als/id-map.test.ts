import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test-utils/rejection.js';
import { useTempDirs, useTempFile } from '../../test-utils/temp-files.js';
import { UserError } from '../../user-error.js';
import { DataError } from '../data-error.js';
import { readSparkIdMap } from './id-map.js';

const tempFile = useTempFile();
const tempDir = useTempDirs();

describe('readSparkIdMap', () => {
  it('reads kind, Spark id and raw id per line, with a header, blank lines, CRLF and StringIndexer doubles', async () => {
    const path = await tempFile(
      'ids.tsv',
      'kind\tsparkId\trawId\r\nuser\t0\talice\r\n\nuser\t1.0\tbob smith\nitem\t0\tmovie:42\nitem\t7\t0\nuser\t0\talice\n',
    );
    const map = await readSparkIdMap(path);
    expect([...map.user]).toEqual([
      [0, 'alice'],
      [1, 'bob smith'],
    ]);
    expect([...map.item]).toEqual([
      [0, 'movie:42'],
      [7, '0'],
    ]);
  });

  it('reads the folder of part files Spark’s df.write.csv(path, sep="\\t") leaves', async () => {
    const dir = join(await tempDir(), 'ids');
    await mkdir(dir);
    await writeFile(join(dir, 'part-00000-5c1e-c000.csv'), 'user\t3\tu3\n');
    await writeFile(join(dir, 'part-00001-5c1e-c000.csv'), 'item\t4\ti4\n');
    await writeFile(join(dir, '.part-00000-5c1e-c000.csv.crc'), 'crc');
    await writeFile(join(dir, '_SUCCESS'), '');
    const map = await readSparkIdMap(dir);
    expect(map.user.get(3)).toBe('u3');
    expect(map.item.get(4)).toBe('i4');
  });

  it('refuses malformed lines with file, line and field', async () => {
    const cases: [string, RegExp][] = [
      ['user\t0\n', /ids\.tsv:1: expected 3 tab-separated fields \(kind, Spark id, raw id\), found 2/],
      ['user\t0\ta\nitems\t1\tb\n', /ids\.tsv:2: kind: must be user or item \(got "items"\)/],
      ['item\tx7\tb\n', /ids\.tsv:1: sparkId: must be one of Spark's 32-bit integer ids \(got "x7"\)/],
      ['item\t3000000000\tb\n', /sparkId: must be one of Spark's 32-bit integer ids \(got "3000000000"\)/],
      ['user\t1\t\n', /ids\.tsv:1: rawId: empty/],
      [`user\t1\t${'x'.repeat(300)}\n`, /rawId: id is 300 characters long, more than the 256 the Worker serves/],
      ['user\t1\ta\nuser\t1\tb\n', /ids\.tsv:2: rawId: user Spark id 1 is mapped twice, to "a" and \(got "b"\)/],
      [
        'item\t1\ta\nitem\t2\ta\n',
        /ids\.tsv:2: rawId: raw item id already maps another Spark id \(.*ids\.tsv:1\) \(got "a"\)/,
      ],
    ];
    for (const [text, message] of cases) {
      const error = await rejectionOf(readSparkIdMap(await tempFile('ids.tsv', text)), DataError);
      expect(error.message).toMatch(message);
    }
  });

  it('lets a user and an item share a raw id, and refuses a missing file', async () => {
    const map = await readSparkIdMap(await tempFile('ids.tsv', 'user\t1\tx\nitem\t1\tx\n'));
    expect([map.user.get(1), map.item.get(1)]).toEqual(['x', 'x']);
    const missing = await rejectionOf(readSparkIdMap(join(await tempDir(), 'nope.tsv')), UserError);
    expect(missing.message).toMatch(/cannot read id mapping .*nope\.tsv: no such file/);
  });
});
