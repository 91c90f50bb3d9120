import { isDecimal } from './rating-value.js';

/** The outcome of reading one timestamp field: seconds since the Unix epoch, or why the text is not a time. */
export type TimestampParse = { ok: true; value: number } | { ok: false; problem: string };

/** YYYY-MM-DD, optionally followed by `T` or a space, hh:mm[:ss[.fff]] and `Z` or an offset (±hh[:mm]). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})([.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const SECONDS_PER_DAY = 86_400;

/**
 * Parses a timestamp field: epoch seconds (`881250949`, `1.7e9`, `1700000000.25`) or an ISO-8601
 * date or date-time (`2024-01-02`, `2024-01-02T03:04:05.5+01:00`; no zone means UTC), as seconds.
 */
export function parseTimestamp(raw: string): TimestampParse {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'missing value' };
  if (isDecimal(text)) {
    const value = Number(text);
    return Number.isFinite(value)
      ? { ok: true, value }
      : { ok: false, problem: 'overflows: more than a 64-bit float holds' };
  }
  const match = ISO_8601.exec(text);
  if (match === null) return { ok: false, problem: 'not epoch seconds or an ISO-8601 date/time' };
  return isoSeconds(match);
}

/** Seconds since the epoch of a matched ISO-8601 text, or a problem when a part is out of range (2024-02-30). */
function isoSeconds(match: RegExpExecArray): TimestampParse {
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, problem: 'not a valid date/time' };
  }
  const offset = zoneOffsetSeconds(zone);
  if (offset === undefined) return { ok: false, problem: 'not a valid time zone offset' };
  const fractionSeconds = fraction === undefined ? 0 : Number(`0.${fraction.slice(1)}`);
  const value =
    daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second + fractionSeconds - offset;
  return { ok: true, value };
}

/** Seconds east of UTC for `Z`, `+hh`, `+hhmm` or `+hh:mm` (0 without a zone); undefined when out of range. */
function zoneOffsetSeconds(zone: string | undefined): number | undefined {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a Gregorian date (Howard Hinnant's days_from_civil), valid for years 0000–9999. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
