// The live progress line on a terminal: one line on stderr, rewritten in place, saying how fast
// records flow and how much is waiting. Only for a TTY; elsewhere (files, pipes, journald) the
// JSON logs are the record and a line full of carriage returns would only be noise.

import type { LogDestination } from './logger.js';

/** One reading of the run's counters (see runIngest's onProgress). */
export interface ProgressSnapshot {
  /** Milliseconds since the run started. */
  elapsedMs: number;
  /** Records durably written (sink or dead-letter file). */
  ackedRecords: number;
  deadLetteredRecords: number;
  /** Records accepted and not yet acked: the queue depth. */
  inFlightRecords: number;
  heldShards: number;
  /** How far behind the newest log the source reads, if known. */
  lagSeconds?: number;
  paused: boolean;
}

/** What the line is written to: stderr, or a test double. */
export interface LineStream {
  write(text: string): unknown;
  readonly columns?: number;
}

/** The rate is measured over this many snapshots (2 s at the 500 ms tick), so it does not jitter. */
const RATE_WINDOW = 4;
const CLEAR_LINE = '\r\x1b[K';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `42s`, `3m05s`, `2h07m`: short enough for a status line. */
export function formatLag(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The line's text for `current`, with the rate measured since `earlier` (none yet without it). */
export function formatProgress(current: ProgressSnapshot, earlier?: ProgressSnapshot): string {
  const parts = [`${count(current.ackedRecords)} records`];
  const ms = earlier === undefined ? 0 : current.elapsedMs - earlier.elapsedMs;
  if (earlier !== undefined && ms > 0) parts.push(`${count(((current.ackedRecords - earlier.ackedRecords) * 1000) / ms)}/s`);
  parts.push(`in flight ${count(current.inFlightRecords)}`);
  if (current.lagSeconds !== undefined) parts.push(`lag ${formatLag(current.lagSeconds)}`);
  parts.push(`${current.heldShards} ${current.heldShards === 1 ? 'shard' : 'shards'}`);
  if (current.deadLetteredRecords > 0) parts.push(`${count(current.deadLetteredRecords)} dead-lettered`);
  if (current.paused) parts.push('PAUSED (SIGUSR2 resumes)');
  return parts.join(' | ');
}

export class ProgressLine {
  readonly #stream: LineStream;
  readonly #recent: ProgressSnapshot[] = [];
  #text = '';

  constructor(stream: LineStream) {
    this.#stream = stream;
  }

  /** Redraws the line for a new snapshot. */
  update(snapshot: ProgressSnapshot): void {
    this.#recent.push(snapshot);
    if (this.#recent.length > RATE_WINDOW + 1) this.#recent.shift();
    const earlier = this.#recent.length > 1 ? this.#recent[0] : undefined;
    const text = formatProgress(snapshot, earlier);
    // Wider than the terminal, the line would wrap and \r would only rewrite its last part.
    const columns = this.#stream.columns;
    this.#text = columns !== undefined && columns > 1 && text.length >= columns ? text.slice(0, columns - 1) : text;
    this.#stream.write(CLEAR_LINE + this.#text);
  }

  /** A destination for log lines: each is written above the progress line, which is redrawn below it. */
  passThrough(): LogDestination {
    return {
      write: (line: string) => {
        this.#stream.write(this.#text === '' ? line : CLEAR_LINE + line + this.#text);
      },
    };
  }

  /** Removes the line (at exit), leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.#text === '') return;
    this.#stream.write(CLEAR_LINE);
    this.#text = '';
  }
}
