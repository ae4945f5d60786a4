// Durations and sizes as people write them in a config file (`25s`, `100ms`, `64MiB`),
// as zod schemas that turn them into milliseconds and bytes. A bare number is taken in the
// base unit (milliseconds, bytes) so flags such as `--drain-timeout 25000` also work.

import { z } from 'zod';

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

function parseQuantity(value: string | number, units: Readonly<Record<string, number>>): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = QUANTITY.exec(value);
  if (match === null) return undefined;
  const unit = match[2] === '' ? 1 : units[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

/** `25s`, `100ms`, `5m`, `1h`, or a number of milliseconds; parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseQuantity(value, DURATION_UNITS);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration: write e.g. 500ms, 25s, 5m or 1h` });
    return z.NEVER;
  }
  return ms;
});

/** `64MiB`, `1GB`, `512kb`, or a number of bytes; parsed to bytes. */
export const size = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseQuantity(value, SIZE_UNITS);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size: write e.g. 512KiB, 64MiB or 1GB` });
    return z.NEVER;
  }
  return bytes;
});
