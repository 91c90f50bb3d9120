/**
 * Node APIs for the `*.node.test.ts` files, typed here instead of through @types/node so that the
 * Workers program (tsconfig.json: src and test) never sees Node globals. These files run in Node
 * only (see test/openapi-lint.node.test.ts); inside workerd they are skipped.
 */

interface NodeProcess {
  versions: { node?: string };
  env: Record<string, string | undefined>;
  cwd(): string;
}

/** What a finished child process printed, and its exit code (0 on success). */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const nodeProcess = (globalThis as { process?: NodeProcess }).process;

/** True in Node; false in workerd, which may emulate `process` but always has `WebSocketPair`. */
export const inNode = typeof nodeProcess?.versions?.node === 'string' && !('WebSocketPair' in globalThis);

// Specifiers are passed as strings so that neither tsc nor the Workers bundler resolves them.
const load = <T>(specifier: string): Promise<T> => import(/* @vite-ignore */ specifier) as Promise<T>;

/** Runs `file` with `args` in `cwd` (default: the package directory) and collects its output; never throws on a non-zero exit. */
export async function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  type ExecFile = (
    file: string,
    args: readonly string[],
    options: { cwd?: string; env?: Record<string, string | undefined>; maxBuffer?: number },
    callback: (error: { code?: number | string } | null, stdout: string, stderr: string) => void,
  ) => void;
  const { execFile } = await load<{ execFile: ExecFile }>('node:child_process');
  const env = { ...nodeProcess!.env, ...options.env };
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd ?? packageDir(), env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The package directory (apps/worker): vitest runs with it as the working directory. */
export function packageDir(): string {
  return nodeProcess!.cwd();
}

/** A path inside the package directory. */
export function packagePath(...parts: string[]): string {
  return [packageDir(), ...parts].join('/');
}

/** Calls `use` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const fs = await load<{
    mkdtemp(prefix: string): Promise<string>;
    rm(path: string, options: { recursive: boolean; force: boolean }): Promise<void>;
  }>('node:fs/promises');
  const { tmpdir } = await load<{ tmpdir(): string }>('node:os');
  const dir = await fs.mkdtemp(`${tmpdir()}/edgerec-`);
  try {
    return await use(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Writes a text file. */
export async function writeText(path: string, text: string): Promise<void> {
  const fs = await load<{ writeFile(path: string, text: string): Promise<void> }>('node:fs/promises');
  await fs.writeFile(path, text);
}

/** Reads a text file. */
export async function readText(path: string): Promise<string> {
  const fs = await load<{ readFile(path: string, encoding: 'utf8'): Promise<string> }>('node:fs/promises');
  return fs.readFile(path, 'utf8');
}

/** Copies a directory tree. */
export async function copyTree(from: string, to: string): Promise<void> {
  const fs = await load<{ cp(from: string, to: string, options: { recursive: boolean }): Promise<void> }>(
    'node:fs/promises',
  );
  await fs.cp(from, to, { recursive: true });
}

/** Creates a symbolic link at `path` to `target`. */
export async function symlink(target: string, path: string): Promise<void> {
  const fs = await load<{ symlink(target: string, path: string): Promise<void> }>('node:fs/promises');
  await fs.symlink(target, path);
}

/** The size of a file's contents once gzipped at level 9, in bytes. */
export async function gzippedSize(path: string): Promise<number> {
  const fs = await load<{ readFile(path: string): Promise<Uint8Array> }>('node:fs/promises');
  const { gzipSync } = await load<{ gzipSync(data: Uint8Array, options: { level: number }): Uint8Array }>('node:zlib');
  return gzipSync(await fs.readFile(path), { level: 9 }).length;
}

/** Creates a directory and its parents. */
export async function makeDir(path: string): Promise<void> {
  const fs = await load<{ mkdir(path: string, options: { recursive: boolean }): Promise<unknown> }>('node:fs/promises');
  await fs.mkdir(path, { recursive: true });
}
