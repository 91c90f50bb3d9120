// Shared by the root package.json scripts `edgerec` and `demo` (edgerec-built.mjs, demo-built.mjs): runs `turbo run build` for the packages a command needs,
// without printing anything when it succeeds (turbo's banner and task lines would otherwise land on
// stdout, in front of the command's own output, e.g. `pnpm -s edgerec … --json | jq`). When the
// build fails, turbo's whole output goes to stderr and the process exits with turbo's status.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Builds `filter` (a turbo package filter; its workspace dependencies are built first) quietly.
 * @param {string} filter e.g. '@edgerec/trainer'
 */
export function buildQuietly(filter) {
  const turbo = fileURLToPath(
    new URL(`../../../node_modules/.bin/turbo${process.platform === 'win32' ? '.cmd' : ''}`, import.meta.url),
  );
  if (!existsSync(turbo)) {
    process.stderr.write(`edgerec: ${turbo} not found: run \`pnpm install\` at the repository root first\n`);
    process.exit(1);
  }
  const result = spawnSync(turbo, ['run', 'build', `--filter=${filter}`, '--output-logs=errors-only', '--ui=stream'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
    env: { TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', ...process.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status === 0) return;
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  process.stderr.write(
    `edgerec: the build failed (${result.error?.message ?? `turbo exited with ${result.status ?? result.signal}`}); nothing was run\n`,
  );
  process.exit(result.status || 1);
}
