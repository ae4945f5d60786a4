// Where a run starts reading a shard that has no checkpoint (`source.from`) and where it
// stops (`source.until`). Times are ISO 8601; a time of day must carry its zone (`Z` or an
// offset such as `+08:00`): a cron job and the laptop that wrote its config rarely share a
// time zone, and guessing one would move the range silently. A date alone means 00:00 UTC.

import { z } from 'zod';
import { shownValue } from './units.js';

/** A log time, in the unit GetCursor takes. */
export interface TimePosition {
  kind: 'time';
  unixSeconds: number;
}
/** Where to start a shard that has no checkpoint: its first log, its end, or a log time. */
export type StartPosition = { kind: 'begin' } | { kind: 'end' } | TimePosition;
/** Where to stop a shard: the end it had when the run started, or a log time. */
export type StopPosition = { kind: 'end' } | TimePosition;

// date, then an optional time of day with optional fraction and zone
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EXAMPLE = 'e.g. 2024-05-01, 2024-05-01T08:00:00Z or 2024-05-01T16:00:00+08:00';

type TimeReading = { unixSeconds: number } | { problem: string };

/** Reads an ISO 8601 date or time with zone; a fraction of a second is dropped. */
function readTime(text: string): TimeReading | undefined {
  const match = ISO_8601.exec(text.trim());
  if (match === null) return undefined;
  const [, year = '', month = '', day = '', hour = '', minute = '', second = '', zone = ''] = match;
  if (hour !== '' && zone === '') return { problem: 'has no time zone: add Z for UTC or an offset such as +08:00' };
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)] as const;
  const utc = new Date(Date.UTC(...fields));
  // Date.UTC rolls 2024-02-30 over into March; a date that does not come back as written does not exist.
  const exists = utc.getUTCFullYear() === fields[0] && utc.getUTCMonth() === fields[1] && utc.getUTCDate() === fields[2];
  if (!exists || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return { problem: 'is not a valid date and time' };
  return { unixSeconds: Math.floor(utc.getTime() / 1000) - offsetSeconds(zone) };
}

/** `Z`, `+08:00`, `-0530` -> seconds east of UTC. */
function offsetSeconds(zone: string): number {
  if (zone === '' || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60;
  return zone.startsWith('-') ? -seconds : seconds;
}

/**
 * A schema for one of `words` or an ISO 8601 time. A word that stands for null is not
 * offered in messages; it is there because a flag or `${VAR}` can only say null as text.
 */
function position<W>(words: Readonly<Record<string, W>>) {
  const offered = Object.keys(words).filter((word) => words[word] !== null);
  const expected = `${offered.map((word) => `"${word}"`).join(', ')} or an ISO 8601 time (${EXAMPLE})`;
  const schema = z.unknown().transform((value, ctx): W | TimePosition => {
    const word = value === null ? 'null' : typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (word !== undefined && Object.hasOwn(words, word)) return words[word]!;
    const reading = typeof value === 'string' ? readTime(value) : undefined;
    if (reading !== undefined && 'unixSeconds' in reading) return { kind: 'time', unixSeconds: reading.unixSeconds };
    ctx.addIssue({ code: 'custom', message: `${shownValue(value)} ${reading?.problem ?? `is not ${expected}`}` });
    return z.NEVER;
  });
  // Tells schema-doc.ts (and so `sluice config print`) to write a parsed value back with formatPosition.
  return schema.meta({ unit: 'position' });
}

/** A parsed position as it is written in a config file: `begin`, `end`, an ISO 8601 time, or null. */
export function formatPosition(position: StartPosition | StopPosition | null): string | null {
  if (position === null) return null;
  return position.kind === 'time' ? isoTime(position.unixSeconds) : position.kind;
}

/** `2024-05-01T08:00:00Z`: a log time in UTC, without the milliseconds it never has. */
export function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** `begin`, `end` or an ISO 8601 time. */
export const startPosition = position({ begin: { kind: 'begin' }, end: { kind: 'end' } } as const);

/** null (run until stopped), `end` or an ISO 8601 time. */
export const stopPosition = position({ end: { kind: 'end' }, null: null } as const);
