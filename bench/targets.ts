// The targets, checked against what a run measured: each one a figure, a bound and
// whether the figure keeps it. A target whose figure was not measured (a case skipped, a
// database unreachable) is neither met nor missed, and the summary says so.

import type { BenchRow } from './report.js';

export interface Target {
  name: string;
  /** NaN when not measured. */
  measured: number;
  unit: string;
  /** `>=`: at least `bound`; `<=`: at most. */
  comparison: '>=' | '<=';
  bound: number;
  /** How the figure was taken, or why it is missing. */
  note?: string;
}

type Verdict = 'met' | 'missed' | 'not measured';

export function verdict(target: Target): Verdict {
  if (!Number.isFinite(target.measured) || !Number.isFinite(target.bound)) return 'not measured';
  const met = target.comparison === '>=' ? target.measured >= target.bound : target.measured <= target.bound;
  return met ? 'met' : 'missed';
}

/** The targets as report rows: the figure, with the bound and the verdict in the note. */
export function targetRows(targets: readonly Target[]): BenchRow[] {
  return targets.map((target) => {
    const bound = `target ${target.comparison} ${formatBound(target.bound)}`;
    const note = [`${bound}: ${verdict(target).toUpperCase()}`, target.note].filter((part) => part !== undefined).join('; ');
    return { name: target.name, value: target.measured, unit: target.unit, note };
  });
}

function formatBound(bound: number): string {
  if (!Number.isFinite(bound)) return 'n/a';
  return Number.isInteger(bound) ? bound.toLocaleString('en-US') : bound.toFixed(2);
}
