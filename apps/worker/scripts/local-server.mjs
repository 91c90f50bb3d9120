// Starts `serve-model.mjs` (wrangler dev on a given artifact) as a child process and waits until it
// answers; used by the demo and the end-to-end test. Always binds to a loopback address.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { removeServeRunDirs } from './run-config.mjs';

const SERVE_MODEL = fileURLToPath(new URL('./serve-model.mjs', import.meta.url));

/** Finds a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** How many times a quiet start is tried when wrangler reports a port another process took first. */
const ATTEMPTS = 3;

/**
 * Serves `model` with wrangler dev on 127.0.0.1:`port` and resolves once GET /health answers 200.
 * Aborting `signal` while it starts stops the server and rejects with the signal's reason.
 *
 * Ports are picked free (`freePort`, and wrangler's own inspector port) but bound only when
 * workerd starts a few seconds later, so on a busy machine another process can take one first:
 * with `quiet`, where the output is read, an "Address already in use" start is retried (on a new
 * free port unless `port` was given), up to 3 attempts.
 *
 * `vars` become `--var NAME:value` (secrets such as EVENTS_TOKEN included: a local run reads both
 * the same way); `persistTo` keeps the Durable Object state in a folder of the caller's, so a
 * restart on the same folder finds it. `stop()` ends wrangler with SIGINT; `kill()` ends its whole
 * process tree (wrangler, workerd, esbuild) with SIGKILL, as a crash would.
 * @param {{ model: string, port?: number, quiet?: boolean, timeoutMs?: number, wranglerArgs?: string[], vars?: Record<string, string>, persistTo?: string, signal?: AbortSignal }} options
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void>, kill: () => Promise<void>, exited: Promise<number | null> }>}
 */
export async function startLocalServer(options) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(options) {
  options.signal?.throwIfAborted();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      SERVE_MODEL,
      '--model',
      options.model,
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      ...(options.persistTo ? ['--persist-to', options.persistTo] : []),
      '--',
      ...(options.wranglerArgs ?? ['--log-level', 'warn']),
      ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
    { stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let running = true;
  exited.then(() => (running = false));

  const stop = async () => {
    if (!running) return;
    child.kill('SIGINT');
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      signalGroup(child.pid, 'SIGKILL');
    }
  };

  // The child leads its own process group (detached), so -pid reaches wrangler and workerd too.
  const kill = async () => {
    signalGroup(child.pid, 'SIGKILL');
    await exited;
    await groupGone(child.pid, 10_000);
    // serve-model had no chance to delete its run folder.
    await removeServeRunDirs(child.pid);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (options.signal?.aborted) {
      await stop();
      throw options.signal.reason;
    }
    if (!running) {
      const message = `the local worker exited before it was ready:\n${output}`;
      throw /Address already in use/.test(output) ? new PortTakenError(message) : new Error(message);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return { url, pid: child.pid, stop, kill, exited };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(
    `the local worker did not answer ${url}/health within ${options.timeoutMs ?? 120_000} ms:\n${output}`,
  );
}

/** Sends `signal` to every process of group `pgid`; false when none is left. */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until process group `pgid` is empty (its killed processes reaped); throws after `ms`. */
async function groupGone(pgid, ms) {
  const deadline = Date.now() + ms;
  while (signalGroup(pgid, 0)) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} still has processes ${ms} ms after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
