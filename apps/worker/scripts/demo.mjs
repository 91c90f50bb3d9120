#!/usr/bin/env node
// `pnpm demo`: synthetic ratings and interactions -> train -> artifacts -> wrangler dev on 127.0.0.1 -> real requests,
// ending with a new visitor whose recommendations change after three events (POST /v1/events).
// Keeps serving until Ctrl-C; `pnpm demo --exit` (or EDGEREC_DEMO_EXIT=1) stops after the requests.
// Ctrl-C at any point stops what is running (the CLI, the local workers) and exits 0. Headings are
// bold only on a terminal (FORCE_COLOR forces colour, NO_COLOR turns it off).
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalServer } from './local-server.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(import.meta.resolve('@edgerec/trainer/cli'));
const USAGE = `usage: pnpm demo [--exit] [--port N] [--users N] [--items N] [--ratings N]

Generates synthetic ratings, trains a rating model (with its interaction head for ranking),
serves it with wrangler dev on 127.0.0.1 and sends a few requests; then does the same for an
interaction (implicit-feedback) model on synthetic clicks, served on port N+1, where a new visitor
posts three events and gets recommendations made from them. Without --exit it
keeps serving both until Ctrl-C. EDGEREC_DEMO_EXIT=1 also stops early. Headings are bold on a
terminal only; NO_COLOR=1 turns that off, FORCE_COLOR=1 forces it.`;

const { values } = parseArgs({
  options: {
    exit: { type: 'boolean', default: process.env.EDGEREC_DEMO_EXIT === '1' },
    port: { type: 'string', default: process.env.EDGEREC_DEMO_PORT ?? '8787' },
    users: { type: 'string', default: '1000' },
    items: { type: 'string', default: '500' },
    ratings: { type: 'string', default: '50000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const dir = join(REPO, '.edgerec', 'demo');
const ratingsFile = join(dir, 'ratings.tsv');
const modelFile = join(dir, 'model.json');
const clicksFile = join(dir, 'clicks.tsv');
const rankerFile = join(dir, 'ranker.json');
const show = (path) => relative(process.cwd(), path) || path;

/**
 * Whether to print ANSI colour: FORCE_COLOR decides when set (0 or false: never), else only on a
 * terminal, where Node's hasColors() also honours NO_COLOR, NODE_DISABLE_COLORS and TERM=dumb.
 */
function colourWanted(stream) {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force.toLowerCase());
  return Boolean(stream.isTTY && stream.hasColors?.());
}
const bold = colourWanted(process.stdout) ? (text) => `\x1b[1m${text}\x1b[0m` : (text) => text;
const step = (text) => console.log(`\n${bold(`▶ ${text}`)}`);
/** The writer token of POST /v1/events on the interaction model's local worker (a local var, not a secret). */
const EVENTS_TOKEN = 'demo-events-token';

/** Aborted by Ctrl-C (SIGINT) or SIGTERM: the running step stops, nothing new starts. */
const interrupt = new AbortController();
/** The local workers started so far. */
const servers = [];
/** The edgerec CLI process running now, if any. */
let cli;
/** True once every step is done and the demo only waits (until Ctrl-C). */
let serving = false;

/** Runs the edgerec CLI with inherited output; rejects on a non-zero exit or an interrupt. */
function edgerec(args) {
  interrupt.signal.throwIfAborted();
  console.log(`$ edgerec ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    cli = child;
    child.on('exit', (code, signal) => {
      cli = undefined;
      if (interrupt.signal.aborted) reject(interrupt.signal.reason);
      else if (code === 0) resolve();
      else reject(new Error(`edgerec ${args[0]} exited with ${code ?? signal}`));
    });
  });
}

/** Sends a request, prints it curl-style with the JSON answer, and returns the parsed body. */
async function request(base, method, path, body, headers = {}) {
  const extra = Object.entries(headers)
    .map(([name, value]) => ` -H '${name}: ${value}'`)
    .join('');
  const curl = body
    ? `curl -s -X ${method} ${base}${path}${extra} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`
    : `curl -s${extra} '${base}${path}'`;
  console.log(`$ ${curl}`);
  const response = await fetch(`${base}${path}`, {
    method,
    signal: interrupt.signal,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await response.json();
  console.log(`${response.status} ${JSON.stringify(json, null, 2)}`);
  return json;
}

let stopping = false;
/** Stops the local workers, then exits with `code` (a second call waits for the first). */
async function shutdown(code) {
  if (stopping) return new Promise(() => {});
  stopping = true;
  // One at a time, newest first: a wrangler dev watching its folder rebuilds (and esbuild may
  // print a panic) when another one removes its run folder next to it at the same moment.
  for (const s of [...servers].reverse()) await s.stop();
  process.exit(code);
}

// Ctrl-C: the terminal sends SIGINT to the CLI child too (same process group), and pnpm passes a
// second copy on to this process; the local workers run in process groups of their own and are
// stopped by shutdown(). Each step ends on the abort: a CLI run stops by itself (training stops
// cleanly without writing a model), a starting server is stopped, a request is cancelled; then the
// catch below shuts down. A clean stop exits 0, so pnpm prints no ELIFECYCLE banner.
function onSignal(signal) {
  if (interrupt.signal.aborted) return;
  console.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping the demo.`);
  interrupt.abort(new Error(`interrupted (${signal})`));
  if (signal === 'SIGINT') {
    // Only if the SIGINT did not come from the terminal (e.g. `kill -INT`) is the CLI still running.
    setTimeout(() => cli?.kill('SIGINT'), 3000).unref();
  } else {
    cli?.kill(signal);
  }
  if (serving) void shutdown(0);
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

await mkdir(dir, { recursive: true });
process.chdir(REPO);

try {
  step(
    '1/8 Generate synthetic ratings (planted low-rank structure, known noise floor; users rate more of what they like)',
  );
  await edgerec([
    'synth',
    '--users',
    values.users,
    '--items',
    values.items,
    '--ratings',
    values.ratings,
    '--selection',
    '4',
    '--seed',
    '42',
    '--out',
    show(ratingsFile),
  ]);

  step('2/8 Train the rating model (and its iALS ranking head) and export the artifact');
  await edgerec(['train', '--ratings', show(ratingsFile), '--out', show(modelFile)]);

  step(`3/8 Serve it at the edge, locally: wrangler dev on 127.0.0.1:${values.port}`);
  const server = await startLocalServer({ model: modelFile, port: Number(values.port), signal: interrupt.signal });
  servers.push(server);

  step('4/8 Ask it things: model info, recommendations, scores, similar items, a new user, cold start');
  const base = server.url;
  await request(base, 'GET', '/v1/model');
  const recs = await request(base, 'GET', '/v1/users/u1/recommendations?k=5');
  const top = recs.items?.[0]?.item ?? 'i1';
  await request(base, 'GET', `/v1/score?user=u1&item=${encodeURIComponent(top)}`);
  await request(base, 'POST', '/v1/score', {
    pairs: [
      { user: 'u2', item: top },
      { user: 'u3', item: 'i2' },
      { user: 'nobody', item: 'i2' },
    ],
  });
  await request(base, 'GET', `/v1/items/${encodeURIComponent(top)}/similar?k=3`);
  // A user the model has never seen: fold in a few ratings, then rank (no retraining).
  await request(base, 'POST', '/v1/recommendations', {
    ratings: [
      { item: top, rating: 5 },
      { item: 'i2', rating: 2 },
      { item: 'i3', rating: 4 },
    ],
    k: 3,
  });
  // An unknown user on the GET route gets the most popular items, flagged coldStart.
  await request(base, 'GET', '/v1/users/nobody/recommendations?k=3');

  step('5/8 Generate synthetic clicks (implicit feedback: users pick mostly from their taste group)');
  await edgerec([
    'synth',
    '--users',
    values.users,
    '--items',
    values.items,
    '--interactions',
    String(Math.round(Number(values.ratings) * 0.8)),
    '--rank',
    '10',
    '--weights',
    '--seed',
    '42',
    '--out',
    show(clicksFile),
  ]);
  step('6/8 Train an interaction model (iALS) for top-K, next to popularity');
  await edgerec(['train', '--objective', 'interaction', '--ratings', show(clicksFile), '--out', show(rankerFile)]);
  const interactionPort = Number(values.port) + 1;
  step(
    `7/8 Serve it on 127.0.0.1:${interactionPort}: scores (not ratings), recommendations, a new user from their clicks`,
  );
  const ranker = await startLocalServer({
    model: rankerFile,
    port: interactionPort,
    vars: { EVENTS_TOKEN },
    wranglerArgs: ['--log-level', 'warn'],
    signal: interrupt.signal,
  });
  servers.push(ranker);
  const model = await request(ranker.url, 'GET', '/v1/model');
  console.log(`(objective ${model.objective}; cold start ${model.coldStart}; fold-in ${model.foldIn})`);
  const clicks = await request(ranker.url, 'GET', '/v1/users/u1/recommendations?k=5');
  const first = clicks.items?.[0]?.item ?? 'i1';
  await request(ranker.url, 'GET', `/v1/score?user=u1&item=${encodeURIComponent(first)}`);
  // A visitor the model has never seen: the items they clicked, folded in by the closed-form iALS solve.
  await request(ranker.url, 'POST', '/v1/recommendations', {
    items: clicks.items.slice(0, 3).map((r) => r.item),
    k: 5,
  });
  await request(ranker.url, 'GET', '/v1/users/nobody/recommendations?k=3');

  step('8/8 Learn from every click: a new visitor sends 3 events, and their next recommendations follow them');
  const visitor = 'visitor-1';
  const before = await request(ranker.url, 'GET', `/v1/users/${visitor}/recommendations?k=5`);
  const clicked = clicks.items.slice(0, 3).map((r) => r.item);
  await request(
    ranker.url,
    'POST',
    '/v1/events',
    {
      events: clicked.map((item, j) => ({
        id: `${visitor}-${j + 1}`,
        user: visitor,
        item,
        type: j === 2 ? 'cart' : 'click',
      })),
    },
    { authorization: `Bearer ${EVENTS_TOKEN}` },
  );
  const after = await request(ranker.url, 'GET', `/v1/users/${visitor}/recommendations?k=5`);
  const top5 = (recs) => recs.items.map((r) => r.item).join(', ');
  console.log(`top-5 for ${visitor} before: ${top5(before)} (cold start: ${before.fallback ?? 'no'})`);
  console.log(`top-5 after ${after.events?.stored ?? 0} events (${clicked.join(', ')}): ${top5(after)}`);
} catch (error) {
  if (interrupt.signal.aborted) await shutdown(0);
  else {
    console.error(`demo failed: ${error.message}`);
    await shutdown(1);
  }
}

if (values.exit) {
  console.log('\nDemo done (--exit): stopping the local workers.');
  await shutdown(0);
} else {
  const [server, ranker] = servers;
  serving = true;
  if (interrupt.signal.aborted) await shutdown(0);
  console.log(`\nThe workers keep serving: the rating model at ${server.url}, the interaction model at ${ranker.url} — try:
  curl -s '${server.url}/v1/users/u7/recommendations?k=3'
  curl -s '${server.url}/v1/score?user=u7&item=i42'
  curl -s '${ranker.url}/v1/users/u7/recommendations?k=3'
  curl -s -X POST ${ranker.url}/v1/events -H 'authorization: Bearer ${EVENTS_TOKEN}' -H 'content-type: application/json' \\
    -d '{"events":[{"id":"e1","user":"u7","item":"i42","type":"click"}]}'
  open ${server.url}/docs (API docs) or ${server.url}/openapi.json
Press Ctrl-C to stop.`);
  const code = await Promise.race(servers.map((s) => s.exited));
  if (!stopping && !interrupt.signal.aborted) {
    console.error(`the local worker stopped unexpectedly (exit ${code})`);
    await shutdown(1);
  }
}
