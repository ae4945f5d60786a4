// When a sink file is full or old enough, and the name it is kept under afterwards:
// `<dir>/<base>.<UTC yyyymmddThhmmssZ>[.n]<ext>`, e.g. requests.20261121T101500Z.ndjson.
// Names sort by time, and keep the extension so tools still recognise the format.

import { lstat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

export interface RotationPolicy {
  /** Start a new file before a batch would take the current one past this many bytes. */
  maxBytes?: number;
  /** Start a new file once the current one has been open this many milliseconds. */
  interval?: number;
}

export interface FileState {
  /** Bytes in the current file. */
  size: number;
  /** When the current file was opened (ms since the epoch, on the sink's clock). */
  openedAt: number;
}

/** Whether to rotate before appending `bytes`. An empty file is never rotated away: a batch
 * bigger than maxBytes goes whole into a file of its own, since a batch is never split. */
export function rotationDue(policy: RotationPolicy, file: FileState, bytes: number, now: number): boolean {
  if (file.size === 0) return false;
  if (policy.maxBytes !== undefined && file.size + bytes > policy.maxBytes) return true;
  return policy.interval !== undefined && now - file.openedAt >= policy.interval;
}

/** `20261121T101500Z` for 2026-11-21 10:15:00 UTC. */
export function rotationStamp(time: number): string {
  return `${new Date(time).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The first free name for `path` rotated at `time`: a second rotation within the same
 * second gets `.1`, `.2`, ... rather than replacing the first one's file. */
export async function rotatedPath(path: string, time: number): Promise<string> {
  const ext = extname(path);
  const stem = join(dirname(path), `${basename(path, ext)}.${rotationStamp(time)}`);
  for (let n = 0; ; n += 1) {
    const candidate = n === 0 ? `${stem}${ext}` : `${stem}.${n}${ext}`;
    if (!(await exists(candidate))) return candidate;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
