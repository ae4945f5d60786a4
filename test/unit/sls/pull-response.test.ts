// Reading PullLogs answers: a body that does not add up must never pass as data.

import { describe, expect, it } from 'vitest';
import { compress } from '../../../src/sls/codec/compression.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import { encodeCursor } from '../../../src/sls/cursor.js';
import { CorruptDataError } from '../../../src/sls/errors.js';
import type { HttpResponse } from '../../../src/sls/http/transport.js';
import { readPullResponse } from '../../../src/sls/pull-response.js';
import { thrown } from '../../helpers/sls-failure.js';

const LIST = encodeLogGroupList([
  encodeLogGroup({ topic: 'a', logs: [{ time: 1, contents: [['k', 'v']] }] }),
  encodeLogGroup({ topic: 'b', logs: [{ time: 2, contents: [['k', 'w']] }] }),
]);
const NEXT = encodeCursor(1_700_000_000_000_000_002n);

function answer(headers: Record<string, string>, body: Uint8Array): HttpResponse {
  return { status: 200, headers, body: Buffer.from(body) };
}

function lz4Answer(overrides: Record<string, string> = {}, body: Uint8Array = compress('lz4', LIST)): HttpResponse {
  return answer(
    {
      'x-log-cursor': NEXT,
      'x-log-count': '2',
      'x-log-bodyrawsize': String(LIST.byteLength),
      'x-log-compresstype': 'lz4',
      'x-log-read-last-cursor': '1700000000000000001',
      'x-log-end-of-cursor': '1',
      'x-log-cursor-time': '1700000000',
      ...overrides,
    },
    body,
  );
}

function corruption(response: HttpResponse): CorruptDataError {
  const error = thrown(() => readPullResponse(response, 'PullLogs x/0'));
  expect(error).toBeInstanceOf(CorruptDataError);
  expect(error.retryable).toBe(true);
  expect(error.message).toMatch(/^PullLogs x\/0: /);
  return error as CorruptDataError;
}

describe('readPullResponse', () => {
  it('decompresses the body and reads every header', () => {
    const { logGroupList, ...headers } = readPullResponse(lz4Answer(), 'w');
    expect(Buffer.from(logGroupList).equals(Buffer.from(LIST))).toBe(true);
    expect(headers).toEqual({
      count: 2,
      nextCursor: NEXT,
      readLastCursor: encodeCursor(1_700_000_000_000_000_001n),
      endOfCursor: true,
      cursorTime: 1_700_000_000,
      rawSize: LIST.byteLength,
    });
  });

  it('takes a body without x-log-compresstype as raw bytes', () => {
    const raw = answer({ 'x-log-cursor': NEXT, 'x-log-count': '2', 'x-log-bodyrawsize': String(LIST.byteLength) }, LIST);
    const read = readPullResponse(raw, 'w');
    expect([read.count, read.endOfCursor, read.readLastCursor, read.cursorTime]).toEqual([2, false, undefined, undefined]);
    expect(Buffer.from(read.logGroupList).equals(Buffer.from(LIST))).toBe(true);
  });

  it('rejects an x-log-count that differs from the groups in the body', () => {
    expect(corruption(lz4Answer({ 'x-log-count': '3' })).message).toContain('x-log-count says 3 log groups but the body holds 2');
  });

  it('rejects a body that does not decompress to x-log-bodyrawsize bytes', () => {
    corruption(lz4Answer({ 'x-log-bodyrawsize': String(LIST.byteLength + 1) }));
    corruption(lz4Answer({}, compress('lz4', LIST).subarray(0, 10)));
  });

  it('rejects missing cursors and counters, and compressions it does not know', () => {
    corruption(lz4Answer({ 'x-log-cursor': '' }));
    corruption(lz4Answer({ 'x-log-count': 'many' }));
    expect(corruption(lz4Answer({ 'x-log-compresstype': 'snappy' })).message).toContain('snappy');
  });
});
