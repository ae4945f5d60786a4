// The delivery guarantees, checked on what a run wrote against what SLS holds. Failures
// report counts and a few examples rather than diffing hundreds of thousands of ids.

import { expect } from 'vitest';
import { decodeCursor } from '../../src/sls/cursor.js';
import type { CheckpointInfo } from '../../src/sls/types.js';
import type { SinkLine } from './sink-file.js';

const EXAMPLES = 5;

interface DeliveryReport {
  missing: number;
  duplicated: number;
  unexpected: number;
  examples: { missing: string[]; duplicated: string[]; unexpected: string[] };
}

/** Every id of `stored` delivered exactly once, and nothing else delivered. */
export function expectExactlyOnce(delivered: Iterable<string>, stored: Iterable<string>): void {
  const report = compare(delivered, stored);
  expect(report, 'delivered vs stored request_ids').toEqual(clean(report, { allowDuplicates: false }));
}

/** Every id of `stored` delivered at least once, and nothing else delivered. */
export function expectAtLeastOnce(delivered: Iterable<string>, stored: Iterable<string>): void {
  const report = compare(delivered, stored);
  expect(report, 'delivered vs stored request_ids').toEqual(clean(report, { allowDuplicates: true }));
}

/**
 * Duplicates come only from records a checkpoint did not yet cover: every copy of a record
 * delivered twice sits at or after the checkpoint its shard had when the first run died
 * (a copy before it would mean a checkpoint passed a record that was then read again).
 */
export function expectDuplicatesNotCheckpointed(lines: readonly SinkLine[], checkpoints: readonly CheckpointInfo[]): void {
  const committed = new Map(checkpoints.map((c) => [c.shard, c.checkpoint === '' ? undefined : decodeCursor(c.checkpoint)]));
  const copies = new Map<string, number>();
  for (const line of lines) copies.set(positionKey(line), (copies.get(positionKey(line)) ?? 0) + 1);
  const belowCheckpoint = lines.filter((line) => {
    if ((copies.get(positionKey(line)) ?? 0) < 2) return false;
    const checkpoint = committed.get(line.shard);
    return checkpoint !== undefined && decodeCursor(line.cursor) < checkpoint;
  });
  expect(belowCheckpoint.slice(0, EXAMPLES).map(positionKey), 'duplicated records below the checkpoint committed before the kill').toEqual([]);
}

function positionKey(line: SinkLine): string {
  return `${line.shard}/${line.cursor}/${line.index}`;
}

function compare(delivered: Iterable<string>, stored: Iterable<string>): DeliveryReport {
  const expected = new Set(stored);
  const seen = new Map<string, number>();
  for (const id of delivered) seen.set(id, (seen.get(id) ?? 0) + 1);
  const missing = [...expected].filter((id) => !seen.has(id));
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const unexpected = [...seen.keys()].filter((id) => !expected.has(id));
  return {
    missing: missing.length,
    duplicated: duplicated.length,
    unexpected: unexpected.length,
    examples: { missing: missing.slice(0, EXAMPLES), duplicated: duplicated.slice(0, EXAMPLES), unexpected: unexpected.slice(0, EXAMPLES) },
  };
}

/** What `report` must look like to pass: same shape, so a failure diff shows only what is wrong. */
function clean(report: DeliveryReport, { allowDuplicates }: { allowDuplicates: boolean }): DeliveryReport {
  const duplicated = allowDuplicates ? report.duplicated : 0;
  const examples = { missing: [], duplicated: allowDuplicates ? report.examples.duplicated : [], unexpected: [] };
  return { missing: 0, duplicated, unexpected: 0, examples };
}
