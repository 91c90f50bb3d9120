#!/usr/bin/env node
// `pnpm --filter @edgerec/worker dev` / `deploy`: checks the bundled model (scripts/check-model.mjs:
// a clear message instead of esbuild's "Could not resolve" when none is bundled), then runs
// `wrangler <dev|deploy> …` with the rest of the arguments. Ctrl-C stops wrangler and exits 0, so
// pnpm prints no error banner (package.json runs this with `exec`, so no shell sits in between
// to die of the SIGINT first).
//   node scripts/run-wrangler.mjs dev --ip 127.0.0.1 [wrangler dev args]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WRANGLER = fileURLToPath(new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url));
const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));

let child;
let interrupted = false;
// Ctrl-C reaches wrangler directly (it is in the terminal's foreground process group, like this
// process; once its dev session is up it reads Ctrl-C as a key and exits 0 by itself). So the
// first SIGINT is not forwarded: pnpm passes its own copy on to this process, and a second SIGINT
// could cut wrangler's shutdown short. Only if wrangler is still running a few seconds later (the
// signal came from `kill`, not the terminal) is it passed on. SIGTERM and SIGHUP are passed on.
process.on('SIGINT', () => {
  if (interrupted) return;
  interrupted = true;
  setTimeout(() => child?.kill('SIGINT'), 3000).unref();
});
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = true;
    child?.kill(signal);
  });
}

await import('./check-model.mjs');
if (interrupted) process.exit(0);

child = spawn(process.execPath, [WRANGLER, ...process.argv.slice(2)], { cwd: WORKER_DIR, stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`cannot start wrangler: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  // Stopped on purpose: a clean exit, whatever wrangler's own status on the way out.
  if (interrupted) process.exit(0);
  process.exit(code ?? (signal ? 1 : 0));
});
