// What installing the Worker brings: @edgerec/core's pure entry point, and no TensorFlow.js
// (core's training entry takes it as optional peer dependencies, which only the trainer installs).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One package in `pnpm list --json` output. */
interface ListedPackage {
  dependencies?: Record<string, ListedPackage>;
  optionalDependencies?: Record<string, ListedPackage>;
}

/** Every package name in the tree below `pkg`, at any depth. */
function packageNames(pkg: ListedPackage, names = new Set<string>()): Set<string> {
  for (const children of [pkg.dependencies, pkg.optionalDependencies]) {
    for (const [name, child] of Object.entries(children ?? {})) {
      names.add(name);
      packageNames(child, names);
    }
  }
  return names;
}

describe("the Worker's production dependency graph", () => {
  it('has @edgerec/core and no @tensorflow/* package', async () => {
    const { stdout } = await run(
      'pnpm',
      ['--filter', '@edgerec/worker', 'list', '--prod', '--depth', 'Infinity', '--json'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const [worker] = JSON.parse(stdout) as ListedPackage[];
    const names = [...packageNames(worker ?? {})];
    expect(names).toContain('@edgerec/core');
    expect(names).toContain('zod');
    expect(names.filter((name) => name.startsWith('@tensorflow/'))).toEqual([]);
  });
});
