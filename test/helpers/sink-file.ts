// Reading what `sluice run` wrote: NDJSON sink files, one JSON object per record.

import { existsSync, readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { encodeNdjson } from '../../src/sinks/ndjson.js';

/** One line of the file sink: the record's fields, with its position. */
export type SinkLine = { shard: number; cursor: string; index: number; request_id?: string } & Record<string, unknown>;

/**
 * The records in the sink files (missing files hold none). A line cut short by a kill -9 at
 * the very end of a file is left out: its commit never finished, so it was never acked.
 */
export function readSink(...paths: string[]): SinkLine[] {
  const lines: SinkLine[] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) if (line !== '') lines.push(JSON.parse(line) as SinkLine);
  }
  return lines;
}

/** The request_ids of the lines, one per line (a duplicated record appears twice). */
export function requestIds(lines: readonly SinkLine[]): string[] {
  return lines.map((line, i) => {
    if (typeof line.request_id !== 'string') throw new Error(`sink line ${i} has no request_id: ${JSON.stringify(line).slice(0, 200)}`);
    return line.request_id;
  });
}

/** Complete lines in the files, counted without parsing (cheap enough to poll). */
export function countLines(...paths: string[]): number {
  let lines = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/** Resolves with the line count once the files together hold at least `atLeast` lines. */
export function waitForSinkLines(paths: string | readonly string[], atLeast: number, timeoutMs = 15_000): Promise<number> {
  const files = typeof paths === 'string' ? [paths] : [...paths];
  return vi.waitFor(
    () => {
      const lines = countLines(...files);
      if (lines < atLeast) throw new Error(`the sink holds ${lines} lines, waiting for ${atLeast} (${files.join(', ')})`);
      return lines;
    },
    { timeout: timeoutMs, interval: 25 },
  );
}

/** What an NDJSON sink's write() takes for `records`: their lines, in one buffer. */
export function ndjson(records: readonly object[]): Buffer[] {
  return [encodeNdjson(records)];
}
