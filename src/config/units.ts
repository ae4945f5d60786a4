// Values as people write them in a config file, an environment variable or a flag, as zod
// schemas that turn them into what the code uses: durations (`25s`, `100ms`) into
// milliseconds, sizes (`64MiB`) into bytes, and whole numbers and booleans also from their
// text (`"4"`, `"true"`), since `${ENV_VAR}` interpolation and flags only ever give strings.
// A bare number is taken in the base unit (milliseconds, bytes) so flags such as
// `--drain-timeout 25000` also work. Every message says what was expected and what was given.

import { z } from 'zod';

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Size units as a size is written back, largest first; read in any case (`16mib`). */
const SIZE_NAMES: readonly (readonly [name: string, bytes: number])[] = [
  ['GiB', 1024 ** 3],
  ['GB', 1000 ** 3],
  ['MiB', 1024 ** 2],
  ['MB', 1000 ** 2],
  ['KiB', 1024],
  ['kB', 1000],
  ['B', 1],
];
const SIZE_UNITS: Readonly<Record<string, number>> = Object.fromEntries(SIZE_NAMES.map(([name, bytes]) => [name.toLowerCase(), bytes]));
const QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;
const WHOLE_NUMBER = /^\s*-?\d+\s*$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false };
const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/** How a given value appears in a message: text quoted, lists and mappings by kind, the rest as written. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}

/**
 * A schema for a value written as `base` types (or as text), turned into `T` by `convert`,
 * which returns undefined for a value it cannot take. `expected` completes the message
 * "expected ..., got ...". A missing value is left to zod, so that it reads as required.
 */
function written<T>(base: z.ZodType<string | number | boolean>, expected: string, convert: (value: string | number | boolean) => T | undefined) {
  // A number given as text (a flag, a `${VAR}`) reads as the number it is: `got 0`, not `got "0"`.
  const given = (value: unknown): string => (typeof value === 'string' && NUMERIC.test(value.trim()) ? value.trim() : shownValue(value));
  const message = (value: unknown): string => `expected ${expected}, got ${given(value)}`;
  return z.union([base, z.string()], { error: (issue) => (issue.input === undefined ? undefined : message(issue.input)) }).transform((value, ctx) => {
    const converted = convert(value);
    if (converted === undefined) {
      ctx.addIssue({ code: 'custom', message: message(value) });
      return z.NEVER;
    }
    return converted;
  });
}

function quantity(value: string | number | boolean, units: Readonly<Record<string, number>>): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value);
  if (match === null) return undefined;
  const unit = match[2] === '' ? 1 : units[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

// The `unit` metadata tells schema-doc.ts (and so `sluice config print`) how to write a parsed value back.

/** `25s`, `100ms`, `5m`, `1h`, or a number of milliseconds; parsed to milliseconds. */
export const duration = written(z.number(), 'a duration such as 500ms, 25s, 5m or 1h', (value) => quantity(value, DURATION_UNITS)).meta({ unit: 'duration' });

/** `64MiB`, `1GB`, `512kb`, or a number of bytes; parsed to bytes. */
export const size = written(z.number(), 'a size such as 512KiB, 64MiB or 1GB', (value) => quantity(value, SIZE_UNITS)).meta({ unit: 'size' });

/** A whole number within [min, max], written as a number or as its text (`"4"`). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  return written(z.number(), `a whole number ${range}`, (value) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && WHOLE_NUMBER.test(value) ? Number(value) : Number.NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  });
}

/** `true` or `false`, written as a boolean or as its text (`"true"`). */
export const boolean = written(z.boolean(), 'true or false', (value) =>
  typeof value === 'boolean' ? value : typeof value === 'string' ? BOOLEANS[value.trim().toLowerCase()] : undefined,
);

/** A duration as people write it: `25s` when it is whole seconds, else `1500ms`. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A size as people write it, in the largest unit that holds it exactly: `16MiB`, `1MB`, `1500B`. */
export function formatSize(bytes: number): string {
  const fit = SIZE_NAMES.find(([, unit]) => bytes > 0 && bytes % unit === 0);
  return fit === undefined ? `${bytes}B` : `${bytes / fit[1]}${fit[0]}`;
}
