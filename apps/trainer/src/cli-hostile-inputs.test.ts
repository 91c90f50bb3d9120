// A corpus of hostile inputs and flags run through the whole CLI in-process: every one must fail
// with one clear line naming the right thing and the right exit status, never a stack trace or an
// "unexpected error", and must leave the files it was pointed at as they were.
import { serializeArtifact } from '@edgerec/core';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './program.js';
import { handMadeMetadata, randomModel } from './test-utils/interaction-fixtures.js';

/** What one CLI run printed and returned. */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `edgerec args` in this process, capturing stdout and stderr. */
async function edgerec(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The files the corpus points at, all in one temp directory. */
interface Files {
  dir: string;
  ratings: string;
  test: string;
  model: string;
  folder: string;
  fifo: string;
  socket: string;
  deviceLink: string;
  random: string;
  gzip: string;
  longUser: string;
  longItem: string;
  overflow: string;
  empty: string;
  notADir: string;
}

/** One hostile run: the words after `edgerec`, the exit status, and what the message must say. */
interface Case {
  name: string;
  args: (f: Files) => string[];
  code: 1 | 2;
  message: RegExp | ((f: Files) => RegExp);
  /** Linux only (/proc). */
  linux?: boolean;
}

const LINUX = process.platform === 'linux';
const HAS_MKFIFO = LINUX || process.platform === 'darwin';
const ID_10K = 'x'.repeat(10_000);

const RATINGS = `user\titem\trating\n${Array.from({ length: 40 }, (_, k) => `u${k % 8}\ti${k % 5}\t${1 + (k % 5)}`).join('\n')}\n`;

const train = (f: Files, ...more: string[]) => [
  'train',
  '--ratings',
  f.ratings,
  '--out',
  join(f.dir, 'never.json'),
  ...more,
];

const FLAG_CASES: Case[] = [
  {
    name: 'a huge --dim',
    args: (f) => train(f, '--dim', '1e9'),
    code: 2,
    message: /^edgerec: error: --dim must be an integer from 1 to 1024 \(got 1e9\)$/,
  },
  {
    name: '--dim 3000000',
    args: (f) => train(f, '--dim', '3000000'),
    code: 2,
    message: /--dim must be an integer from 1 to 1024 \(got 3000000\)/,
  },
  {
    name: '--dim 1e300',
    args: (f) => train(f, '--dim', '1e300'),
    code: 2,
    message: /--dim must be an integer from 1 to 1024 \(got 1e300\)/,
  },
  {
    name: 'an overflowing --dim',
    args: (f) => train(f, '--dim', '1e400'),
    code: 2,
    message: /--dim .*\(got 1e400, which overflows a 64-bit float\)/,
  },
  { name: 'a fractional --dim', args: (f) => train(f, '--dim', '2.5'), code: 2, message: /--dim must be an integer/ },
  {
    name: 'hex for --epochs',
    args: (f) => train(f, '--epochs', '0x10'),
    code: 2,
    message: /--epochs must be an integer from 1 to 10000 \(got "0x10"\)/,
  },
  {
    name: '--epochs 0',
    args: (f) => train(f, '--epochs', '0'),
    code: 2,
    message: /--epochs must be an integer from 1 to 10000 \(got 0\)/,
  },
  {
    name: '--learning-rate 0',
    args: (f) => train(f, '--learning-rate', '0'),
    code: 2,
    message: /--learning-rate must be a number above 0 and at most 10 \(got 0\)/,
  },
  {
    name: 'a negative --batch-size',
    args: (f) => train(f, '--batch-size', '-1'),
    code: 2,
    message: /--batch-size must be an integer from 1 to 65536/,
  },
  {
    name: 'a 64-bit --seed',
    args: (f) => train(f, '--seed', '1e20'),
    code: 2,
    message: /--seed must be an integer from 0 to 4294967295 \(got 1e20\)/,
  },
  {
    name: 'NaN --dropout',
    args: (f) => train(f, '--dropout', 'NaN'),
    code: 2,
    message: /--dropout must be a number from 0 to 0\.95 \(got "NaN"\)/,
  },
  {
    name: 'an empty --l2',
    args: (f) => train(f, '--l2', ''),
    code: 2,
    message: /--l2 must be a number from 0 to 100 \(got ""\)/,
  },
  {
    name: '--validation 2',
    args: (f) => train(f, '--validation', '2'),
    code: 2,
    message: /--validation must be a number from 0 to 0\.9 \(got 2\)/,
  },
  {
    name: '--rating-min 1e300',
    args: (f) => train(f, '--rating-min', '1e300'),
    code: 2,
    message: /--rating-min must be a number from -1000000000 to 1000000000 \(got 1e300\)/,
  },
  {
    name: '--threshold Infinity',
    args: (f) => train(f, '--threshold', 'Infinity'),
    code: 2,
    message: /--threshold must be a number .*\(got "Infinity"\)/,
  },
  {
    name: '--threads 100000',
    args: (f) => train(f, '--objective', 'interaction', '--threads', '100000'),
    code: 2,
    message: /--threads must be an integer from 1 to 256/,
  },
  {
    name: '--ranking-dim 0',
    args: (f) => train(f, '--ranking-dim', '0'),
    code: 2,
    message: /--ranking-dim must be an integer from 1 to 1024/,
  },
  {
    name: 'synth --users 0',
    args: (f) => ['synth', '--users', '0', '--out', join(f.dir, 'never.tsv')],
    code: 2,
    message: /--users must be an integer from 1 to 100000000 \(got 0\)/,
  },
  {
    name: 'synth --ratings 1e12',
    args: (f) => ['synth', '--ratings', '1e12', '--out', join(f.dir, 'never.tsv')],
    code: 2,
    message: /--ratings must be an integer from 1 to 500000000/,
  },
  {
    name: 'synth --noise 1e400',
    args: (f) => ['synth', '--noise', '1e400', '--out', join(f.dir, 'never.tsv')],
    code: 2,
    message: /--noise .*overflows/,
  },
  {
    name: 'synth --format xml',
    args: (f) => ['synth', '--format', 'xml', '--out', join(f.dir, 'never.tsv')],
    code: 2,
    message: /Allowed choices are tsv, csv/,
  },
  {
    name: 'split --random 1.5',
    args: (f) => ['split', f.ratings, '--random', '1.5', '--out-dir', join(f.dir, 'never')],
    code: 2,
    message: /--random must be a number above 0 and below 1 \(got 1\.5\)/,
  },
  {
    name: 'split --last 1e9',
    args: (f) => ['split', f.ratings, '--last', '1e9', '--out-dir', join(f.dir, 'never')],
    code: 2,
    message: /--last must be an integer from 1 to 1000000/,
  },
  {
    name: 'cv --folds 1000',
    args: (f) => ['cv', '--ratings', f.ratings, '--folds', '1000'],
    code: 2,
    message: /--folds must be an integer from 1 to 100 \(got 1000\)/,
  },
  {
    name: 'tune --trials 0',
    args: (f) => ['tune', '--ratings', f.ratings, '--trials', '0'],
    code: 2,
    message: /--trials must be an integer from 1 to 1000/,
  },
  {
    name: 'tune --dim 8,1e9',
    args: (f) => ['tune', '--ratings', f.ratings, '--dim', '8,1e9'],
    code: 2,
    message: /--dim: "1e9" must be an integer from 1 to 1024/,
  },
  {
    name: 'recommend -k 0',
    args: (f) => ['recommend', '--model', f.model, '--user', 'u1', '-k', '0'],
    code: 2,
    message: /--k must be an integer from 1 to 100 \(got 0\)/,
  },
  {
    name: 'recommend -k 101',
    args: (f) => ['recommend', '--model', f.model, '--user', 'u1', '-k', '101'],
    code: 2,
    message: /--k must be an integer from 1 to 100 \(got 101\)/,
  },
  {
    name: 'evaluate -k 1e9',
    args: (f) => ['evaluate', '--model', f.model, '--ratings', f.ratings, '-k', '1e9'],
    code: 2,
    message: /--k must be an integer from 1 to 100/,
  },
  {
    name: 'predict --threshold abc',
    args: (f) => ['predict', '--model', f.model, '--user', 'u1', '--item', 'i1', '--threshold', 'abc'],
    code: 2,
    message: /--threshold must be a number .*\(got "abc"\)/,
  },
  { name: 'an unknown option', args: (f) => train(f, '--dimm', '8'), code: 2, message: /unknown option '--dimm'/ },
  {
    name: 'a missing option argument',
    args: () => ['train', '--ratings'],
    code: 2,
    message: /option '-r, --ratings <file>' argument missing/,
  },
  {
    name: 'a missing required option',
    args: () => ['train'],
    code: 2,
    message: /required option '-r, --ratings <file>' not specified/,
  },
];

const readTrain = (path: (f: Files) => string) => (f: Files) => [
  'train',
  '--ratings',
  path(f),
  '--out',
  join(f.dir, 'never.json'),
];

const INPUT_CASES: Case[] = [
  {
    name: 'a missing ratings file',
    args: readTrain((f) => join(f.dir, 'missing.tsv')),
    code: 1,
    message: /missing\.tsv: cannot read ratings: no such file/,
  },
  {
    name: 'a directory as input',
    args: readTrain((f) => f.folder),
    code: 1,
    message: /folder: cannot read ratings: this is a directory, not a file/,
  },
  {
    name: '/dev/null as input',
    args: readTrain(() => '/dev/null'),
    code: 1,
    message: /\/dev\/null: cannot read ratings: this is a character device, not a regular file/,
  },
  {
    name: '/dev/zero as input',
    args: readTrain(() => '/dev/zero'),
    code: 1,
    message: /\/dev\/zero: cannot read ratings: this is a character device/,
  },
  {
    name: 'a FIFO as input',
    args: readTrain((f) => f.fifo),
    code: 1,
    message: /fifo: cannot read ratings: this is a named pipe \(FIFO\), not a regular file/,
  },
  {
    name: 'a socket as input',
    args: readTrain((f) => f.socket),
    code: 1,
    message: /sock: cannot read ratings: this is a socket, not a regular file/,
  },
  {
    name: 'a /proc file as input',
    args: readTrain(() => '/proc/self/status'),
    code: 1,
    message: /^edgerec: error: \/proc\/self\/status:1: (?!.*empty)/,
    linux: true,
  },
  {
    name: 'random bytes',
    args: readTrain((f) => f.random),
    code: 1,
    message: /random\.bin: not a text file: it starts with ".*/,
  },
  {
    name: 'a gzip file',
    args: readTrain((f) => f.gzip),
    code: 1,
    message:
      /ratings\.tsv\.gz: not a text file: it starts with "\\u001f\\u008b\\b.*\(gzip-compressed\? decompress it first\)/,
  },
  {
    name: 'a 10,000-character user id',
    args: readTrain((f) => f.longUser),
    code: 1,
    message:
      /long-user\.tsv:3: user: id is 10000 characters long, more than the 256 the Worker serves \(--skip-long-ids/,
  },
  {
    name: 'a 300-character item id',
    args: readTrain((f) => f.longItem),
    code: 1,
    message: /long-item\.tsv:1: item: id is 300 characters long/,
  },
  {
    name: 'an overflowing rating',
    args: readTrain((f) => f.overflow),
    code: 1,
    message: /overflow\.tsv:3: rating: overflows: values are stored as 32-bit floats.*\(got "1e300"\)/,
  },
  { name: 'an empty file', args: readTrain((f) => f.empty), code: 1, message: /empty\.tsv: file is empty/ },
  {
    name: 'a FIFO as interactions',
    args: (f) => [...readTrain((g) => g.fifo)(f), '--objective', 'interaction'],
    code: 1,
    message: /cannot read interactions: this is a named pipe \(FIFO\)/,
  },
  {
    name: 'a FIFO as --test',
    args: (f) => train(f, '--test', f.fifo),
    code: 1,
    message: /fifo: cannot read ratings: this is a named pipe/,
  },
  {
    name: 'a FIFO as --config',
    args: (f) => train(f, '--config', f.fifo),
    code: 1,
    message: /cannot read config .*fifo: this is a named pipe \(FIFO\)/,
  },
  {
    name: 'a FIFO as --model',
    args: (f) => ['predict', '--model', f.fifo, '--user', 'u', '--item', 'i'],
    code: 1,
    message: /cannot read model .*fifo: this is a named pipe \(FIFO\)/,
  },
  {
    name: '/dev/zero as --model',
    args: () => ['recommend', '--model', '/dev/zero', '--user', 'u'],
    code: 1,
    message: /cannot read model \/dev\/zero: this is a character device/,
  },
  {
    name: 'a directory as --model',
    args: (f) => ['plot', '--model', f.folder, '--out', join(f.dir, 'never.svg')],
    code: 1,
    message: /cannot read model .*folder: this is a directory/,
  },
  {
    name: 'a long id in evaluate',
    args: (f) => ['evaluate', '--model', f.model, '--ratings', f.longUser],
    code: 1,
    message: /long-user\.tsv:3: user: id is 10000 characters long/,
  },
  {
    name: 'a long id in split',
    args: (f) => ['split', f.longUser, '--random', '0.5', '--out-dir', join(f.dir, 'never')],
    code: 1,
    message: /long-user\.tsv:3: user: id is 10000/,
  },
  {
    name: '/dev/zero in cv',
    args: () => ['cv', '--ratings', '/dev/zero'],
    code: 1,
    message: /\/dev\/zero: cannot read ratings: this is a character device/,
  },
  {
    name: 'a FIFO in tune',
    args: (f) => ['tune', '--ratings', f.fifo, '--out', join(f.dir, 'never.json')],
    code: 1,
    message: /cannot read ratings: this is a named pipe/,
  },
];

const OUTPUT_CASES: Case[] = [
  {
    name: '--out the input',
    args: (f) => ['train', '--ratings', f.ratings, '--out', f.ratings],
    code: 1,
    message: (f) =>
      new RegExp(`the --out file ${esc(f.ratings)} is the input file ${esc(f.ratings)}; choose another output`),
  },
  {
    name: '--out the --test file',
    args: (f) => ['train', '--ratings', f.ratings, '--test', f.test, '--out', f.test],
    code: 1,
    message: /the --out file .*test\.tsv is the input file/,
  },
  {
    name: '--out a directory',
    args: (f) => ['train', '--ratings', f.ratings, '--out', f.folder],
    code: 1,
    message: /the --out file .*folder is a directory; give a file name/,
  },
  {
    name: '--out a link to a device',
    args: (f) => ['train', '--ratings', f.ratings, '--out', f.deviceLink],
    code: 1,
    message: /the --out file .*device-link is a character device, not a regular file/,
  },
  {
    name: '--out a FIFO',
    args: (f) => ['train', '--ratings', f.ratings, '--out', f.fifo],
    code: 1,
    message: /the --out file .*fifo is a named pipe \(FIFO\), not a regular file/,
  },
  {
    name: '--out a socket',
    args: (f) => ['train', '--ratings', f.ratings, '--out', f.socket],
    code: 1,
    message: /the --out file .*sock is a socket/,
  },
  {
    name: '--out a /proc file',
    args: (f) => ['train', '--ratings', f.ratings, '--out', '/proc/self/status'],
    code: 1,
    message: /the --out file \/proc\/self\/status is on the proc pseudo file system/,
    linux: true,
  },
  {
    name: '--out under a file',
    args: (f) => ['train', '--ratings', f.ratings, '--out', join(f.notADir, 'model.json')],
    code: 1,
    message: /cannot write the --out file into .*not-a-dir: .*not-a-dir is not a directory/,
  },
  {
    name: '--plot the input',
    args: (f) => ['train', '--ratings', f.ratings, '--out', join(f.dir, 'never.json'), '--plot', f.ratings],
    code: 1,
    message: /the --plot file .* is the input file/,
  },
  {
    name: '--plot the --out file',
    args: (f) => ['train', '--ratings', f.ratings, '--out', join(f.dir, 'm.json'), '--plot', join(f.dir, 'm.json')],
    code: 1,
    message: /the --out file and the --plot file are the same file/,
  },
  {
    name: 'tune --out the input',
    args: (f) => ['tune', '--ratings', f.ratings, '--out', f.ratings],
    code: 1,
    message: /the --out file .* is the input file/,
  },
  {
    name: 'tune --out a directory',
    args: (f) => ['tune', '--ratings', f.ratings, '--out', f.folder],
    code: 1,
    message: /the --out file .*folder is a directory/,
  },
  {
    name: 'synth --out a directory',
    args: (f) => ['synth', '--out', f.folder],
    code: 1,
    message: /the --out file .*folder is a directory/,
  },
  {
    name: 'synth --out a device',
    args: (f) => ['synth', '--out', f.deviceLink],
    code: 1,
    message: /the --out file .*device-link is a character device/,
  },
  {
    name: 'synth --out a /proc file',
    args: () => ['synth', '--out', '/proc/self/status'],
    code: 1,
    message: /is on the proc pseudo file system/,
    linux: true,
  },
  {
    name: 'plot --out the model',
    args: (f) => ['plot', '--model', f.model, '--out', f.model],
    code: 1,
    message: /the --out file .*model\.json is the input file/,
  },
  {
    name: 'plot --out a FIFO',
    args: (f) => ['plot', '--model', f.model, '--out', f.fifo],
    code: 1,
    message: /the --out file .*fifo is a named pipe/,
  },
  {
    name: 'split --train-out the input',
    args: (f) => [
      'split',
      f.ratings,
      '--random',
      '0.5',
      '--train-out',
      f.ratings,
      '--test-out',
      join(f.dir, 'never.tsv'),
    ],
    code: 1,
    message: /the train output .* is the input file/,
  },
  {
    name: 'data fetch into a file',
    args: (f) => ['data', 'fetch', 'ml-100k', '--dir', f.notADir, '--quiet'],
    code: 1,
    message: /the datasets folder .*not-a-dir is a file, not a directory/,
  },
  {
    name: 'sign with a missing key',
    args: (f) => ['sign', '--model', f.model, '--key', join(f.dir, 'no-key')],
    code: 1,
    message: /cannot read signing key .*no-key: no such file/,
  },
  {
    name: 'sign with a directory as key',
    args: (f) => ['sign', '--model', f.model, '--key', f.folder],
    code: 1,
    message: /cannot read signing key .*: it is a directory/,
  },
  {
    name: 'sign with a FIFO as key',
    args: (f) => ['sign', '--model', f.model, '--key', f.fifo],
    code: 1,
    message: /cannot read signing key .*fifo: it is not a regular file/,
  },
  {
    name: 'sign with the ratings as key',
    args: (f) => ['sign', '--model', f.model, '--key', f.ratings],
    code: 1,
    message: /is not a PEM "PRIVATE KEY" block/,
  },
  {
    name: 'sign a binary model',
    args: (f) => ['sign', '--model', f.random, '--key', f.ratings],
    code: 1,
    message: /signing key|not valid JSON/,
  },
  {
    name: 'verify with a random public key file',
    args: (f) => ['verify', '--model', f.model, '--public-key', f.ratings],
    code: 1,
    message: /public key .* (is neither a PEM public key nor base64|is not an Ed25519 public key)/,
  },
  {
    name: 'train --signing-key missing',
    args: (f) => [
      'train',
      '--ratings',
      f.ratings,
      '--out',
      join(f.dir, 'never.json'),
      '--signing-key',
      join(f.dir, 'no-key'),
    ],
    code: 1,
    message: /cannot read signing key .*no-key: no such file/,
  },
  {
    name: 'keygen into a directory',
    args: (f) => ['keygen', '--out', f.folder],
    code: 1,
    message: /the private key .* is a directory/,
  },
];

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('edgerec on hostile inputs', () => {
  let files: Files;
  let server: Server;

  beforeAll(async () => {
    // One directory for the whole corpus (created once: the FIFO and the socket are slow to set up per test).
    const dir = await mkdtemp(join(tmpdir(), 'edgerec-hostile-'));
    const at = (name: string) => join(dir, name);
    files = {
      dir,
      ratings: at('ratings.tsv'),
      test: at('test.tsv'),
      model: at('model.json'),
      folder: at('folder'),
      fifo: at('fifo'),
      socket: at('sock'),
      deviceLink: at('device-link'),
      random: at('random.bin'),
      gzip: at('ratings.tsv.gz'),
      longUser: at('long-user.tsv'),
      longItem: at('long-item.tsv'),
      overflow: at('overflow.tsv'),
      empty: at('empty.tsv'),
      notADir: at('not-a-dir'),
    };
    await writeFile(files.ratings, RATINGS);
    await writeFile(files.test, RATINGS);
    const model = randomModel({ users: 4, items: 3, dim: 2, seed: 1 });
    await writeFile(files.model, await serializeArtifact(model, handMadeMetadata(model)));
    await mkdir(files.folder);
    if (HAS_MKFIFO) execFileSync('mkfifo', [files.fifo]);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(files.socket, resolve));
    await symlink('/dev/null', files.deviceLink);
    // Seeded pseudo-random bytes: binary data with no particular magic number.
    let x = 12345;
    await writeFile(
      files.random,
      Uint8Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24)),
    );
    await writeFile(files.gzip, gzipSync(RATINGS));
    await writeFile(files.longUser, `user\titem\trating\nu1\ti1\t4\n${ID_10K}\ti2\t3\nu2\ti1\t5\n`);
    await writeFile(files.longItem, `u1\t${'y'.repeat(300)}\t4\nu2\ti1\t5\n`);
    await writeFile(files.overflow, 'user,item,rating\nu1,i1,4\nu2,i2,1e300\n');
    await writeFile(files.empty, '');
    await writeFile(files.notADir, 'a file');
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(files.dir, { recursive: true, force: true });
  });

  const cases = [...FLAG_CASES, ...INPUT_CASES, ...OUTPUT_CASES].filter(
    (c) => (!c.linux || LINUX) && (HAS_MKFIFO || !c.args.toString().includes('fifo')),
  );

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: one clear line, the right status, no stack trace',
    async (_name, c) => {
      const before = await snapshot(files);
      const run = await edgerec(c.args(files));
      const output = run.stdout + run.stderr;
      expect(output).not.toMatch(/unexpected error/);
      expect(output).not.toMatch(/^\s+at /m);
      expect(run.code).toBe(c.code);
      const message = typeof c.message === 'function' ? c.message(files) : c.message;
      // One error line (after any progress lines), followed at most by commander's usage hints.
      const lines = run.stderr.trimEnd().split('\n');
      const errors = lines.filter((line) => /^(edgerec: )?error:/.test(line));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      const after = lines.slice(lines.indexOf(errors[0]!) + 1);
      for (const line of after) expect(line).toMatch(/^\((add|run with) --help for usage\)$|^\(Did you mean .*\?\)$/);
      expect(await snapshot(files)).toEqual(before);
    },
  );

  it('leaves the input byte-identical after --out == --ratings, and writes no temp file', async () => {
    const bytes = await readFile(files.ratings);
    const listing = await readdir(files.dir);
    const run = await edgerec(['train', '--ratings', files.ratings, '--out', files.ratings, '--epochs', '1']);
    expect(run.code).toBe(1);
    expect(await readFile(files.ratings)).toEqual(bytes);
    expect(await readdir(files.dir)).toEqual(listing);
  });

  it('--skip-long-ids trains without the rows the Worker could not serve, with one warning even when --quiet', async () => {
    const path = join(files.dir, 'some-long.tsv');
    const out = join(files.dir, 'skipped.json');
    await writeFile(path, `${RATINGS}${ID_10K}\ti1\t3\nu1\t${'z'.repeat(257)}\t4\n`);
    const args = [
      'train',
      '--ratings',
      path,
      '--out',
      out,
      '--skip-long-ids',
      '--epochs',
      '1',
      '--dim',
      '2',
      '--ranking-head',
      'none',
      '--backend',
      'cpu',
      '--quiet',
    ];
    const run = await edgerec(args);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `warning: ${path}: skipped 2 rows whose user or item id is longer than 256 characters, which the Worker cannot serve (--skip-long-ids)\n`,
    );
    const interaction = await edgerec([
      'train',
      '--objective',
      'interaction',
      '--ratings',
      path,
      '--out',
      out,
      '--skip-long-ids',
      '--iterations',
      '1',
      '--quiet',
    ]);
    expect(interaction.code).toBe(0);
    expect(interaction.stderr).toMatch(/^warning: .*skipped 2 rows/);
    await rm(path);
    await rm(out);
  }, 20_000);

  it('shows at most 40 characters of a binary file, escaped', async () => {
    for (const path of [files.random, files.gzip]) {
      const run = await edgerec(['train', '--ratings', path, '--out', join(files.dir, 'never.json')]);
      const quoted = /it starts with ("(?:[^"\\]|\\.)*"…?)/.exec(run.stderr)?.[1];
      expect(quoted).toBeDefined();
      expect(quoted!.length).toBeLessThanOrEqual(40);
      expect(quoted!.replace(/…$/, '')).toMatch(/^"[\x20-\x7e]*"$/); // printable ASCII only: every other byte is escaped
    }
  });

  it('did not touch the devices it was pointed at', () => {
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync(files.deviceLink).isSymbolicLink()).toBe(true);
    if (HAS_MKFIFO) expect(lstatSync(files.fifo).isFIFO()).toBe(true);
    expect(existsSync(join(files.dir, 'never.json'))).toBe(false);
  });
});

/** Each corpus file's kind and (for regular files) bytes, to show a failed run changed nothing. */
async function snapshot(f: Files): Promise<Record<string, string>> {
  const entries = await readdir(f.dir);
  const result: Record<string, string> = {};
  for (const name of entries.sort()) {
    const info = lstatSync(join(f.dir, name));
    result[name] = info.isFile()
      ? (await readFile(join(f.dir, name))).toString('base64')
      : info.isDirectory()
        ? 'dir'
        : info.isFIFO()
          ? 'fifo'
          : info.isSocket()
            ? 'socket'
            : 'link';
  }
  return result;
}
