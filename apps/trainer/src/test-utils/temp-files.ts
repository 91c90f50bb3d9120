import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** Absolute path of a file in apps/trainer/test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
}

/** Registers cleanup and returns a function that creates a fresh temp directory for the current test. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgerec-data-'));
    dirs.push(dir);
    return dir;
  };
}

/** Writes `text` to `name` in a new temp directory and returns the file's path. */
export function useTempFile(): (name: string, text: string | Uint8Array) => Promise<string> {
  const tempDir = useTempDirs();
  return async (name, text) => {
    const path = join(await tempDir(), name);
    await writeFile(path, text);
    return path;
  };
}
