import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { MAX_ID_LENGTH } from '@edgerec/core';
import { errnoCode, readFailureReason } from '../io/errno.js';
import { UserError } from '../user-error.js';
import { DataError } from './data-error.js';

/** One event of an events file, as `GET /admin/events` exports it (the fields training uses). */
export interface EventRow {
  id: string;
  user: string;
  item: string;
  weight: number;
  /** Epoch milliseconds, when the event has one. */
  timestamp?: number;
}

/** Events read from NDJSON files, each (user, id) once. */
export interface EventsRead {
  events: EventRow[];
  /** Lines (events) read over all files. */
  lines: number;
  /** Events whose (user, id) was already read (exported twice, or files that overlap). */
  duplicates: number;
  files: string[];
}

/** Largest weight an event may carry (the Worker's MAX_INTERACTION_WEIGHT). */
const MAX_WEIGHT = 1e6;

/**
 * Reads events from NDJSON files: one JSON object a line, `{ id, user, item, weight, timestamp? }`
 * (what the Worker's `GET /admin/events` exports; `edgerec events pull` writes such files), blank
 * lines skipped. A bad line is a DataError naming the file, line and field. An event whose
 * (user, id) was read before counts as a duplicate and is dropped.
 */
export async function readEventFiles(paths: readonly string[]): Promise<EventsRead> {
  const seen = new Set<string>();
  const events: EventRow[] = [];
  let lines = 0;
  let duplicates = 0;
  for (const path of paths) {
    let n = 0;
    try {
      const input = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
      for await (const text of input) {
        n++;
        if (text.trim() === '') continue;
        lines++;
        const event = parseEventLine(text, path, n);
        const key = `${event.user.length}:${event.user}\u0000${event.id}`;
        if (seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        events.push(event);
      }
    } catch (error) {
      if (error instanceof DataError) throw error;
      if (errnoCode(error) !== undefined)
        throw new UserError(`cannot read events file ${path}: ${readFailureReason(error)}`);
      throw error;
    }
  }
  if (events.length === 0) {
    throw new UserError(`no events in ${paths.join(', ')}: each line must be an event { id, user, item, weight, ... }`);
  }
  return { events, lines, duplicates, files: [...paths] };
}

/** One NDJSON line as an event, or a DataError naming the line and field. */
function parseEventLine(text: string, file: string, line: number): EventRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataError(file, 'not a JSON object (each line of an events file is one event)', { line, value: text });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError(file, 'not a JSON object (each line of an events file is one event)', { line, value: text });
  }
  const record = value as Record<string, unknown>;
  const id = (field: 'id' | 'user' | 'item', max: number): string => {
    const v = record[field];
    if (typeof v !== 'string' || v === '' || v.length > max) {
      throw new DataError(file, `must be a non-empty string of at most ${max} characters`, {
        line,
        field,
        value: JSON.stringify(v) ?? 'undefined',
      });
    }
    return v;
  };
  const event: EventRow = {
    id: id('id', 128),
    user: id('user', MAX_ID_LENGTH),
    item: id('item', MAX_ID_LENGTH),
    weight: 1,
  };
  const weight = record.weight;
  if (weight !== undefined) {
    if (typeof weight !== 'number' || !(weight > 0 && weight <= MAX_WEIGHT)) {
      throw new DataError(file, `must be a number above 0 and at most ${MAX_WEIGHT}`, {
        line,
        field: 'weight',
        value: JSON.stringify(weight),
      });
    }
    event.weight = weight;
  }
  const timestamp = record.timestamp;
  if (timestamp !== undefined) {
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) {
      throw new DataError(file, 'must be epoch milliseconds (a positive integer)', {
        line,
        field: 'timestamp',
        value: JSON.stringify(timestamp),
      });
    }
    event.timestamp = timestamp;
  }
  return event;
}
