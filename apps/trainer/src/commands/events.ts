import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { isMissing } from '../io/errno.js';
import { checkOutputPaths } from '../io/output-paths.js';
import { UserError } from '../user-error.js';

interface PullFlags {
  url: string;
  out: string;
  cursor: string;
  tokenEnv: string;
  force: boolean;
  json: boolean;
  quiet: boolean;
}

/** One page of the Worker's `GET /admin/events`. */
interface EventsPage {
  events: unknown[];
  next: string;
  more: boolean;
}

/** Most pages one pull reads (a million events at the Worker's 1,000 a page). */
const MAX_PAGES = 1000;

/** `edgerec events`: move the events the Worker collected into files for the next training run. */
export function eventsCommand(): Command {
  return new Command('events')
    .description('Events the Worker collected (POST /v1/events): pull them into NDJSON for `train --events`.')
    .addCommand(pullCommand());
}

/** `edgerec events pull`: the events stored since the last pull, as NDJSON, and the cursor to continue from. */
function pullCommand(): Command {
  return new Command('pull')
    .description(
      'Page through GET /admin/events from the saved cursor, write the events to --out (NDJSON, one event a line), then save the new cursor.',
    )
    .requiredOption('--url <origin>', 'the Worker, e.g. https://edgerec.example.workers.dev or http://127.0.0.1:8787')
    .requiredOption('-o, --out <file>', 'NDJSON file to write (one event per line)')
    .requiredOption('--cursor <file>', 'where the position is kept: read if it exists, written after --out')
    .option('--token-env <name>', 'environment variable holding the admin token', 'ADMIN_TOKEN')
    .option('--force', 'replace an existing --out file', false)
    .option('--json', 'print a JSON summary', false)
    .option('-q, --quiet', 'no progress on stderr', false)
    .addHelpText(
      'after',
      `
The token is read from an environment variable, never from a flag (flags show in ps). Each pull
writes the events stored after the saved cursor, so pulls can run on a schedule:

Example:
  ADMIN_TOKEN=... edgerec events pull --url https://edgerec.example.workers.dev \\
    --out events/2026-12-02.ndjson --cursor events/cursor.txt
  edgerec train --objective interaction --ratings clicks.tsv --events events/*.ndjson --out model.json`,
    )
    .action(async (flags: PullFlags) => {
      const token = (process.env[flags.tokenEnv] ?? '').trim();
      if (token === '') throw new UserError(`no admin token: set the ${flags.tokenEnv} environment variable`);
      const origin = parseOrigin(flags.url);
      if (resolve(flags.out) === resolve(flags.cursor))
        throw new UserError('--out and --cursor must be different files');
      await checkOutputPaths([{ label: 'events output', path: flags.out }], { inputs: [], force: flags.force });
      await checkOutputPaths([{ label: 'cursor', path: flags.cursor }], { inputs: [], force: true });
      const since = await readCursor(flags.cursor);
      const lines: string[] = [];
      let cursor = since;
      let pages = 0;
      for (;;) {
        const page = await fetchPage(origin, token, cursor);
        pages++;
        for (const event of page.events) lines.push(JSON.stringify(event));
        cursor = page.next;
        if (!flags.quiet) process.stderr.write(`\rpulled ${lines.length} events (${pages} pages)`);
        if (!page.more) break;
        if (pages >= MAX_PAGES) break;
      }
      if (!flags.quiet) process.stderr.write('\n');
      await writeFileAtomic(flags.out, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      await writeFileAtomic(flags.cursor, `${cursor}\n`);
      const complete = pages < MAX_PAGES;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ events: lines.length, pages, out: flags.out, cursor, complete })}\n`);
      } else {
        process.stdout.write(
          `wrote ${lines.length} events to ${flags.out}; cursor ${flags.cursor} now ${cursor}` +
            `${complete ? '' : ` (stopped after ${MAX_PAGES} pages: pull again for the rest)`}\n`,
        );
      }
    });
}

/** The Worker's origin from --url. */
function parseOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http');
    return parsed.origin;
  } catch {
    throw new UserError(`--url: "${url}" is not an http(s) URL of the Worker`);
  }
}

/** The saved cursor, or undefined before the first pull. */
async function readCursor(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new UserError(
      `cannot read the cursor file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** One export page, or a UserError naming the status and the Worker's message. */
async function fetchPage(origin: string, token: string, since: string | undefined): Promise<EventsPage> {
  const url = new URL('/admin/events', origin);
  if (since !== undefined) url.searchParams.set('since', since);
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new UserError(`cannot reach ${origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not the API's error shape: show the text
    }
    throw new UserError(`GET ${url.pathname} answered ${response.status}: ${message}`);
  }
  const page = JSON.parse(text) as Partial<EventsPage>;
  if (!Array.isArray(page.events) || typeof page.next !== 'string' || typeof page.more !== 'boolean') {
    throw new UserError(`GET ${url.pathname} did not answer an events page (is --url an edgerec Worker?)`);
  }
  return page as EventsPage;
}
