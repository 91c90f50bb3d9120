// Runs the built CLI (dist/cli.js) as a user would: exit codes, messages, and files left behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from './test-utils/temp-files.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs edgerec with args; `onStderr` may react to output (e.g. send a signal). */
function edgerec(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each case spawns the CLI (a Node process loading TensorFlow.js), several in turn: on a loaded 2-core
// machine with other packages' tests alongside, that outlasts vitest's 5 s default.
describe('edgerec CLI', { timeout: 30_000 }, () => {
  const tempDir = useTempDirs();

  it('prints help for the program and for each command', async () => {
    const top = await edgerec(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['synth', 'train', 'predict', 'recommend']) expect(top.stdout).toContain(command);
    const train = await edgerec(['train', '--help']);
    expect(train.code).toBe(0);
    for (const flag of [
      '--ratings',
      '--out',
      '--test',
      '--dim',
      '--activation',
      '--backend',
      '--table-encoding',
      'Examples:',
    ]) {
      expect(train.stdout).toContain(flag);
    }
  });

  it('rejects bad flag values with the flag named, the range and the value, and exit status 2', async () => {
    const dim = await edgerec(['train', '--ratings', 'x.tsv', '--dim', '-3']);
    expect(dim.code).toBe(2);
    expect(dim.stderr).toBe('edgerec: error: --dim must be an integer from 1 to 1024 (got -3)\n');
    const activation = await edgerec(['train', '--ratings', 'x.tsv', '--activation', 'relu']);
    expect(activation.code).toBe(2);
    expect(activation.stderr).toMatch(/relu.*Allowed choices are tanh, sigmoid, linear/);
    const missing = await edgerec(['train']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '-r, --ratings <file>' not specified/);
    const unknown = await edgerec(['train', '--ratings', 'x.tsv', '--dimm', '8']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--dimm'/);
  });

  it('reports malformed input with file, line and field, and writes nothing', async () => {
    const dir = await tempDir();
    const ratings = join(dir, 'bad.tsv');
    await writeFile(ratings, 'user\titem\trating\nu1\ti1\t4\nu2\ti2\tfive\n');
    const out = join(dir, 'model.json');
    const run = await edgerec(['train', '--ratings', ratings, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.tsv:3: rating: .*"five"/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
    expect(await readdir(dir)).toEqual(['bad.tsv']);
  });

  it('says which file is missing', async () => {
    const run = await edgerec(['train', '--ratings', '/nonexistent/ratings.tsv']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\/nonexistent\/ratings\.tsv/);
  });

  it('synth -> train -> predict / recommend, with unknown ids refused', async () => {
    const dir = await tempDir();
    const ratings = join(dir, 'r.tsv');
    const model = join(dir, 'm.json');
    expect(
      (await edgerec(['synth', '--users', '40', '--items', '30', '--ratings', '900', '--out', ratings])).code,
    ).toBe(0);
    const train = await edgerec([
      'train',
      '--ratings',
      ratings,
      '--out',
      model,
      '--epochs',
      '2',
      '--backend',
      'cpu',
      '--json',
    ]);
    expect(train.code).toBe(0);
    const summary = JSON.parse(train.stdout) as { epochs: number; backend: string; out: string };
    expect(summary).toMatchObject({ epochs: 2, backend: 'cpu', out: model });
    expect(train.stderr).toMatch(/backend: cpu/);
    expect(train.stderr).toMatch(/epoch 1\/2 .*val_loss/);
    const predict = await edgerec(['predict', '--model', model, '--user', 'u1', '--item', 'i2', '--json']);
    expect(predict.code).toBe(0);
    const p = JSON.parse(predict.stdout) as { rating: number; recommend: boolean };
    expect(p.rating).toBeGreaterThanOrEqual(1);
    expect(p.rating).toBeLessThanOrEqual(5);
    const unknown = await edgerec(['predict', '--model', model, '--user', 'ghost', '--item', 'i2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown user "ghost"/);
    const recommend = await edgerec(['recommend', '--model', model, '--user', 'u1', '-k', '3', '--json']);
    expect(JSON.parse(recommend.stdout).items).toHaveLength(3);
  }, 60_000);

  it('refuses a corrupt model with the reason', async () => {
    const dir = await tempDir();
    const model = join(dir, 'm.json');
    await writeFile(model, '{"format":"edgerec-model","version":1,"model":');
    const run = await edgerec(['predict', '--model', model, '--user', 'u', '--item', 'i']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/m\.json is not valid JSON \(truncated or corrupt\?\)/);
  });

  it('leaves no artifact (and no temp file) when training is interrupted with Ctrl-C', async () => {
    const dir = await tempDir();
    const ratings = join(dir, 'r.tsv');
    const model = join(dir, 'm.json');
    await edgerec(['synth', '--users', '200', '--items', '100', '--ratings', '20000', '--out', ratings]);
    let sent = false;
    const run = await edgerec(
      ['train', '--ratings', ratings, '--out', model, '--batch-size', '64', '--backend', 'cpu'],
      (text, child) => {
        if (!sent && /epoch +1\//.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/cancelled.*no model was written/);
    expect(await readdir(dir)).toEqual(['r.tsv']);
  }, 60_000);
});
