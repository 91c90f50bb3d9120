#!/usr/bin/env node
// `pnpm demo`: synthetic ratings and interactions -> train -> artifacts -> wrangler dev on 127.0.0.1 -> real requests.
// Keeps serving until Ctrl-C; `pnpm demo --exit` (or EDGEREC_DEMO_EXIT=1) stops after the requests.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalServer } from './local-server.mjs';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(dirname(fileURLToPath(import.meta.resolve('@edgerec/trainer'))), 'cli.js');
const USAGE = `usage: pnpm demo [--exit] [--port N] [--users N] [--items N] [--ratings N]

Generates synthetic ratings, trains a rating model (with its interaction head for ranking),
serves it with wrangler dev on 127.0.0.1 and sends a few requests; then does the same for an
interaction (implicit-feedback) model on synthetic clicks, served on port N+1. Without --exit it
keeps serving both until Ctrl-C. EDGEREC_DEMO_EXIT=1 also stops early.`;

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
const step = (text) => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);

/** Runs the edgerec CLI with inherited output; rejects on a non-zero exit. */
function edgerec(args) {
  console.log(`$ edgerec ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`edgerec ${args[0]} exited with ${code}`))));
  });
}

/** Sends a request, prints it curl-style with the JSON answer, and returns the parsed body. */
async function request(base, method, path, body) {
  const curl = body
    ? `curl -s -X ${method} ${base}${path} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`
    : `curl -s '${base}${path}'`;
  console.log(`$ ${curl}`);
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const json = await response.json();
  console.log(`${response.status} ${JSON.stringify(json, null, 2)}`);
  return json;
}

await mkdir(dir, { recursive: true });
process.chdir(REPO);

step('1/7 Generate synthetic ratings (planted low-rank structure, known noise floor; users rate more of what they like)');
await edgerec([
  'synth', '--users', values.users, '--items', values.items, '--ratings', values.ratings, '--selection', '4', '--seed', '42', '--out', show(ratingsFile),
]);

step('2/7 Train the rating model (and its iALS ranking head) and export the artifact');
await edgerec(['train', '--ratings', show(ratingsFile), '--out', show(modelFile)]);

step(`3/7 Serve it at the edge, locally: wrangler dev on 127.0.0.1:${values.port}`);
const servers = [await startLocalServer({ model: modelFile, port: Number(values.port) })];
const [server] = servers;
let stopping = false;
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  // One at a time, newest first: a wrangler dev watching its folder rebuilds (and esbuild may
  // print a panic) when another one removes its run folder next to it at the same moment.
  for (const s of [...servers].reverse()) await s.stop();
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  step('4/7 Ask it things: model info, recommendations, scores, similar items, a new user, cold start');
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

  step('5/7 Generate synthetic clicks (implicit feedback: users pick mostly from their taste group)');
  await edgerec([
    'synth', '--users', values.users, '--items', values.items, '--interactions', String(Math.round(Number(values.ratings) * 0.8)),
    '--rank', '10', '--weights', '--seed', '42', '--out', show(clicksFile),
  ]);
  step('6/7 Train an interaction model (iALS) for top-K, next to popularity');
  await edgerec(['train', '--objective', 'interaction', '--ratings', show(clicksFile), '--out', show(rankerFile)]);
  const interactionPort = Number(values.port) + 1;
  step(`7/7 Serve it on 127.0.0.1:${interactionPort}: scores (not ratings), recommendations, a new user from their clicks`);
  const ranker = await startLocalServer({ model: rankerFile, port: interactionPort });
  servers.push(ranker);
  const model = await request(ranker.url, 'GET', '/v1/model');
  console.log(`(objective ${model.objective}; cold start ${model.coldStart}; fold-in ${model.foldIn})`);
  const clicks = await request(ranker.url, 'GET', '/v1/users/u1/recommendations?k=5');
  const first = clicks.items?.[0]?.item ?? 'i1';
  await request(ranker.url, 'GET', `/v1/score?user=u1&item=${encodeURIComponent(first)}`);
  // A visitor the model has never seen: the items they clicked, folded in by the closed-form iALS solve.
  await request(ranker.url, 'POST', '/v1/recommendations', { items: clicks.items.slice(0, 3).map((r) => r.item), k: 5 });
  await request(ranker.url, 'GET', '/v1/users/nobody/recommendations?k=3');
} catch (error) {
  console.error(`demo request failed: ${error.message}`);
  await shutdown(1);
}

if (values.exit) {
  console.log('\nDemo done (--exit): stopping the local workers.');
  await shutdown(0);
} else {
  const ranker = servers[1];
  console.log(`\nThe workers keep serving: the rating model at ${server.url}, the interaction model at ${ranker.url} — try:
  curl -s '${server.url}/v1/users/u7/recommendations?k=3'
  curl -s '${server.url}/v1/score?user=u7&item=i42'
  curl -s '${ranker.url}/v1/users/u7/recommendations?k=3'
  open ${server.url}/docs (API docs) or ${server.url}/openapi.json
Press Ctrl-C to stop.`);
  const code = await Promise.race(servers.map((s) => s.exited));
  if (!stopping) {
    console.error(`the local worker stopped unexpectedly (exit ${code})`);
    process.exit(1);
  }
}
