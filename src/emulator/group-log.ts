// The log groups of one shard, append-only. Each group is kept already framed as a
// LogGroupList entry (0x0A, varint length, the LogGroup bytes as received), packed into
// large chunks, so that a run of consecutive groups is a ready LogGroupList body: PullLogs
// slices it instead of re-encoding anything (sls-protocol.md §10.6).

import { varintSize, writeVarint } from '../sls/codec/protobuf-writer.js';

const CHUNK_BYTES = 16 * 1024 * 1024;
const LOG_GROUP_LIST_FIELD = 0x0a; // field 1 (LogGroups), wire type 2

export class GroupLog {
  readonly #chunks: Buffer[] = [];
  #used = CHUNK_BYTES; // forces a first chunk on the first append
  /** Per group: chunk index, byte offset in that chunk, framed length, logs, receive time (Unix s). */
  readonly #chunkOf: number[] = [];
  readonly #offsets: number[] = [];
  readonly #lengths: number[] = [];
  readonly #logCounts: number[] = [];
  readonly #receiveTimes: number[] = [];

  /** Number of groups ever appended (the end index). */
  get length(): number {
    return this.#lengths.length;
  }

  append(group: Uint8Array, logCount: number, receiveTime: number): void {
    const framed = 1 + varintSize(group.byteLength) + group.byteLength;
    let chunk = this.#chunks.at(-1);
    if (chunk === undefined || this.#used + framed > chunk.byteLength) {
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, framed));
      this.#chunks.push(chunk);
      this.#used = 0;
    }
    this.#chunkOf.push(this.#chunks.length - 1);
    this.#offsets.push(this.#used);
    this.#lengths.push(framed);
    this.#logCounts.push(logCount);
    // Receive times never go back, even if the clock does, so time lookups can bisect.
    this.#receiveTimes.push(Math.max(receiveTime, this.#receiveTimes.at(-1) ?? receiveTime));
    chunk[this.#used] = LOG_GROUP_LIST_FIELD;
    chunk.set(group, writeVarint(chunk, this.#used + 1, group.byteLength));
    this.#used += framed;
  }

  /** Receive time (Unix seconds) of group `index`. */
  receiveTime(index: number): number {
    return this.#receiveTimes[index] as number;
  }

  /** Logs held by groups [start, end). */
  logCount(start: number, end: number): number {
    let logs = 0;
    for (let i = start; i < end; i++) logs += this.#logCounts[i] as number;
    return logs;
  }

  /**
   * End of the longest run from `start` that stops at `stop` and fits `maxBytes` of
   * LogGroupList, but always holds at least one group when `start < stop`.
   */
  rangeEnd(start: number, stop: number, maxBytes: number): number {
    let end = start;
    let bytes = 0;
    while (end < stop) {
      bytes += this.#lengths[end] as number;
      if (bytes > maxBytes && end > start) break;
      end++;
    }
    return end;
  }

  /** The LogGroupList holding groups [start, end); shares memory with the log when it can. */
  body(start: number, end: number): Buffer {
    if (start >= end) return Buffer.alloc(0);
    const pieces: Buffer[] = [];
    let i = start;
    while (i < end) {
      const chunkIndex = this.#chunkOf[i] as number;
      const from = this.#offsets[i] as number;
      let to = from;
      while (i < end && this.#chunkOf[i] === chunkIndex) to += this.#lengths[i++] as number;
      pieces.push((this.#chunks[chunkIndex] as Buffer).subarray(from, to));
    }
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
  }

  /** Index of the first group at or after `from` received at or after `time`, else `length`. */
  firstReceivedAt(time: number, from: number): number {
    let low = from;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#receiveTimes[mid] as number) < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
