import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamp-value.js';

describe('parseTimestamp', () => {
  it.each([
    ['881250949', 881250949],
    [' 1700000000 ', 1700000000],
    ['1700000000.25', 1700000000.25],
    ['1.7e9', 1.7e9],
    ['0', 0],
    ['-86400', -86400],
  ])('reads epoch seconds %j', (text, seconds) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, value: seconds });
  });

  it.each([
    ['2024-01-02', '2024-01-02T00:00:00Z'],
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z'],
    ['2024-01-02 03:04:05', '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04', '2024-01-02T03:04:00Z'],
    ['2024-01-02T03:04:05.250+02:00', '2024-01-02T01:04:05.250Z'],
    ['2024-01-02t03:04:05-0530', '2024-01-02T08:34:05Z'],
    ['2024-02-29T23:59:59+01', '2024-02-29T22:59:59Z'],
    ['1969-12-31T23:59:59Z', '1969-12-31T23:59:59Z'],
    ['0099-03-01', '0099-03-01T00:00:00Z'],
  ])('reads the ISO-8601 time %j as UTC seconds (no zone means UTC)', (text, utc) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, value: Date.parse(utc) / 1000 });
  });

  it.each([
    ['', 'missing value'],
    ['   ', 'missing value'],
    ['yesterday', 'not epoch seconds or an ISO-8601 date/time'],
    ['01/02/2024', 'not epoch seconds or an ISO-8601 date/time'],
    ['0x10', 'not epoch seconds or an ISO-8601 date/time'],
    ['NaN', 'not epoch seconds or an ISO-8601 date/time'],
    ['1e999', 'overflows: more than a 64-bit float holds'],
    ['2023-02-29', 'not a valid date/time'],
    ['2024-13-01', 'not a valid date/time'],
    ['2024-04-31', 'not a valid date/time'],
    ['2024-01-01T24:00:00', 'not a valid date/time'],
    ['2024-01-01T10:60', 'not a valid date/time'],
    ['2024-01-01T10:00+24:00', 'not a valid time zone offset'],
  ])('rejects %j: %s', (text, problem) => {
    expect(parseTimestamp(text)).toEqual({ ok: false, problem });
  });
});
