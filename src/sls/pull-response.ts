// Reading a PullLogs answer (sls-protocol.md §10.2-§10.4): the cursors and counters from
// the headers, the body decompressed to a LogGroupList of exactly `x-log-bodyrawsize`
// bytes, and `x-log-count` checked against the groups really in it. Anything that does
// not add up is a CorruptDataError (retryable): the same request usually succeeds again.

import { decompress, parseCompressType } from './codec/compression.js';
import { countLogGroups } from './codec/log-group-list-decoder.js';
import { encodeCursor } from './cursor.js';
import { CHECK_ENDPOINT, CorruptDataError } from './errors.js';
import { headerValue } from './http/response-error.js';
import type { HttpResponse } from './http/transport.js';

export interface PullResult {
  /** The decompressed LogGroupList (empty when nothing was returned). */
  logGroupList: Uint8Array;
  /** Log groups in `logGroupList` (`x-log-count`, verified). */
  count: number;
  /** Where the next read starts (`x-log-cursor`). Equal to the requested cursor when caught up. */
  nextCursor: string;
  /** Cursor of the last returned log group (`x-log-read-last-cursor`), when the server sent it. */
  readLastCursor?: string;
  /** The read reached the shard's current end (`x-log-end-of-cursor: 1`). */
  endOfCursor: boolean;
  /** Unix seconds, a server receive time near the cursor (`x-log-cursor-time`), when sent. */
  cursorTime?: number;
  /** Size of the LogGroupList before compression (`x-log-bodyrawsize`). */
  rawSize: number;
}

const DECIMAL = /^-?\d+$/;
/** What a reader can do about a body that does not add up (the codec only says what is wrong). */
const DAMAGED = 'the answer was damaged on the way or by the server; asking again usually cures it';

export function readPullResponse(response: HttpResponse, what: string): PullResult {
  const header = (name: string): string | undefined => headerValue(response, name);
  const nextCursor = header('x-log-cursor');
  if (!nextCursor) throw new CorruptDataError(`${what}: the answer has no x-log-cursor header (${CHECK_ENDPOINT})`);
  const count = counter(header('x-log-count'), 'x-log-count', what);
  const rawSize = counter(header('x-log-bodyrawsize') ?? String(response.body.byteLength), 'x-log-bodyrawsize', what);
  const logGroupList = rawSize === 0 ? new Uint8Array(0) : decompressBody(response, rawSize, what);
  const groups = inContext(what, () => countLogGroups(logGroupList));
  if (groups !== count) {
    throw new CorruptDataError(`${what}: x-log-count says ${count} log groups but the body holds ${groups} (${DAMAGED})`);
  }
  const readLast = header('x-log-read-last-cursor');
  const cursorTime = header('x-log-cursor-time');
  return {
    logGroupList,
    count,
    nextCursor,
    ...(readLast !== undefined && DECIMAL.test(readLast) ? { readLastCursor: encodeCursor(BigInt(readLast)) } : {}),
    endOfCursor: header('x-log-end-of-cursor') === '1',
    ...(cursorTime !== undefined && DECIMAL.test(cursorTime) ? { cursorTime: Number(cursorTime) } : {}),
    rawSize,
  };
}

function decompressBody(response: HttpResponse, rawSize: number, what: string): Uint8Array {
  const declared = headerValue(response, 'x-log-compresstype');
  const type = parseCompressType(declared);
  if (type === undefined) throw new CorruptDataError(`${what}: the answer is compressed with unknown "${declared}"`);
  return inContext(what, () => decompress(type, response.body, rawSize));
}

function counter(value: string | undefined, name: string, what: string): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new CorruptDataError(`${what}: ${name} is "${value ?? ''}", not a count`);
  return Number(value);
}

/** Runs a codec step; its CorruptDataError gains the call's name and what the reader can do. */
function inContext<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof CorruptDataError) throw new CorruptDataError(`${what}: ${error.message} (${DAMAGED})`, error.offset);
    throw error;
  }
}
