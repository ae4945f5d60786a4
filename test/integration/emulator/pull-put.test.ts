// PutLogs, cursors and PullLogs over real HTTP, checked against sls-protocol.md §7–§11 and
// the §16 checklist.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress } from '../../../src/sls/codec/compression.js';
import { countLogGroups } from '../../../src/sls/codec/log-group-list-decoder.js';
import { decodeCursor } from '../../../src/sls/cursor.js';
import type { CompressType } from '../../../src/sls/types.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { errorOf, KEY, send, type RawResponse } from './raw-http.js';
import { numberedGroup, rawBody, records } from './wire.js';

let emulator: RunningEmulator;
let clockMs = Date.now();

beforeAll(async () => {
  emulator = await startEmulator({ shards: 2, accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret, clock: () => clockMs });
});
afterAll(() => emulator.close());

const SHARDS = '/logstores/access/shards';

function put(route: 'lb' | 'bare' | 'route', group: Uint8Array, type: CompressType = 'lz4', key = '0'.repeat(32)): Promise<RawResponse> {
  const path = route === 'bare' ? '/logstores/access' : `${SHARDS}/${route}`;
  const body = compress(type, group);
  const headers: Record<string, string> = { 'content-type': 'application/x-protobuf', 'x-log-bodyrawsize': String(group.byteLength) };
  if (type !== 'none') headers['x-log-compresstype'] = type;
  return send(emulator.port, { method: 'POST', path, query: route === 'route' ? { key } : {}, headers, body });
}

async function cursor(shard: number, from: string): Promise<string> {
  const res = await send(emulator.port, { path: `${SHARDS}/${shard}`, query: { type: 'cursor', from } });
  expect(res.status).toBe(200);
  return (res.json() as { cursor: string }).cursor;
}

function pull(shard: number, at: string, extra: Record<string, string> = {}, encoding = 'lz4'): Promise<RawResponse> {
  return send(emulator.port, {
    path: `${SHARDS}/${shard}`,
    query: { type: 'log', cursor: at, count: '1000', ...extra },
    headers: { accept: 'application/x-protobuf', 'accept-encoding': encoding },
  });
}

describe('PutLogs and PullLogs', () => {
  let begin: string;
  let sent = 0;

  beforeAll(async () => {
    begin = await cursor(0, 'begin');
    // Four groups routed to shard 0 by key, each compressed differently, one second apart.
    for (const type of ['lz4', 'zstd', 'deflate', 'none'] as const) {
      expect((await put('route', numberedGroup(sent, 3), type)).status).toBe(200);
      sent += 3;
      clockMs += 1000;
    }
  });

  it('returns the stored groups as an lz4 LogGroupList with every header consumers read (type=log)', async () => {
    const res = await pull(0, begin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.headers['x-log-compresstype']).toBe('lz4');
    expect(res.headers['x-log-count']).toBe('4');
    const raw = rawBody(res);
    expect(Number(res.headers['x-log-bodyrawsize'])).toBe(raw.byteLength);
    expect(countLogGroups(raw)).toBe(4);
    expect(records(res).map((r) => r.fields.n)).toEqual(Array.from({ length: sent }, (_, i) => String(i)));
    const start = decodeCursor(begin);
    expect(decodeCursor(String(res.headers['x-log-cursor']))).toBe(start + 4n);
    expect(res.headers['x-log-read-last-cursor']).toBe(String(start + 3n));
    expect(res.headers['x-log-end-of-cursor']).toBe('1');
    expect(Number(res.headers['x-log-cursor-time'])).toBe(Math.floor((clockMs - 1000) / 1000));
    // Python finds x-log-* headers only in lower case or exact Title-Case (§3).
    const slsHeaders = res.headerNames.filter((name) => /^x-log-/i.test(name));
    expect(slsHeaders).toHaveLength(8);
    for (const name of slsHeaders) expect(name).toBe(name.toLowerCase());
  });

  it('serves type=logs (Go) the same way, and honours count', async () => {
    const res = await send(emulator.port, {
      path: `${SHARDS}/0`,
      query: { type: 'logs', cursor: begin, count: '2' },
      headers: { 'accept-encoding': 'lz4' },
    });
    expect(res.headers['x-log-count']).toBe('2');
    expect(res.headers['x-log-end-of-cursor']).toBe('0');
    expect(records(res).map((r) => r.fields.n)).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it.each([
    ['zstd', 'zstd'],
    ['deflate', 'deflate'],
    ['', undefined],
    ['gzip, deflate', 'deflate'],
  ])('compresses as Accept-Encoding %j asks', async (encoding, expected) => {
    const res = await pull(0, begin, {}, encoding);
    expect(res.headers['x-log-compresstype']).toBe(expected);
    expect(records(res)).toHaveLength(sent);
  });

  it('answers a caught-up read with next == requested, no groups and no compression', async () => {
    const end = await cursor(0, 'end');
    const res = await pull(0, end);
    expect(res.headers['x-log-cursor']).toBe(end);
    expect(res.headers['x-log-count']).toBe('0');
    expect(res.headers['x-log-bodyrawsize']).toBe('0');
    expect(res.headers['x-log-compresstype']).toBeUndefined();
    expect(res.body.byteLength).toBe(0);
  });

  it('stops at end_cursor', async () => {
    const stop = String((await pull(0, begin, { count: '1' })).headers['x-log-cursor']);
    const res = await pull(0, begin, { end_cursor: stop });
    expect(res.headers['x-log-count']).toBe('1');
    expect(res.headers['x-log-cursor']).toBe(stop);
  });

  it('finds cursors by server receive time, and the receive time of a cursor', async () => {
    const second = (await pull(0, begin, { count: '1' })).headers['x-log-cursor'] as string;
    const secondTime = (await send(emulator.port, { path: `${SHARDS}/0`, query: { type: 'cursor_time', cursor: second } })).json() as { cursor_time: number };
    expect(await cursor(0, String(secondTime.cursor_time))).toBe(second);
    expect(await cursor(0, '0')).toBe(begin);
    expect(await cursor(0, String(Math.floor(clockMs / 1000) + 10))).toBe(await cursor(0, 'end'));
  });

  it('writes with a hash key go to the shard whose range holds it', async () => {
    const before = await cursor(1, 'end');
    expect((await put('route', numberedGroup(0, 1), 'lz4', `f${'0'.repeat(31)}`)).status).toBe(200);
    expect(decodeCursor(await cursor(1, 'end'))).toBe(decodeCursor(before) + 1n);
  });

  it('answers PutLogs with 200, an empty body and a request id, on all three routes', async () => {
    for (const route of ['lb', 'bare'] as const) {
      const res = await put(route, numberedGroup(1000, 1, 'other'));
      expect(res.status).toBe(200);
      expect(res.body.byteLength).toBe(0);
      expect(res.headers['x-log-requestid']).toMatch(/^[0-9A-F]{24}$/);
    }
  });
});

describe('PullLogs limits', () => {
  it('caps a response at a few MB raw and continues from the next cursor', async () => {
    await send(emulator.port, { method: 'POST', path: '/_emulator/generate', body: JSON.stringify({ logs: 80 * 550 }), sign: false });
    let at = await cursor(1, 'begin');
    const end = await cursor(1, 'end');
    let groups = 0;
    let responses = 0;
    while (at !== end) {
      const res = await pull(1, at);
      expect(Number(res.headers['x-log-bodyrawsize'])).toBeLessThanOrEqual(8 * 1024 * 1024);
      groups += Number(res.headers['x-log-count']);
      at = String(res.headers['x-log-cursor']);
      responses += 1;
    }
    expect(responses).toBeGreaterThan(1);
    expect(BigInt(groups)).toBe(decodeCursor(end) - decodeCursor(await cursor(1, 'begin')));
  });

  it.each([
    [{ count: '0' }, 400, 'ParameterInvalid'],
    [{ count: '1001' }, 400, 'ParameterInvalid'],
    [{ cursor: 'bm9wZQ==' }, 400, 'ParameterInvalid'],
    [{ cursor: Buffer.from('9'.repeat(18)).toString('base64') }, 400, 'InvalidCursor'],
  ])('rejects %j with %i %s', async (query, status, code) => {
    const res = await pull(0, await cursor(0, 'begin'), query);
    expect(errorOf(res)).toMatchObject({ status, code, contentType: 'application/json' });
  });

  it('answers InvalidCursor for a cursor the TTL expired', async () => {
    const old = await cursor(0, 'begin');
    const expired = await send(emulator.port, { method: 'POST', path: '/_emulator/expire', body: JSON.stringify({ shard: 0, groups: 1 }), sign: false });
    expect(expired.status).toBe(200);
    expect(errorOf(await pull(0, old))).toMatchObject({ status: 400, code: 'InvalidCursor' });
    expect(decodeCursor(await cursor(0, 'begin'))).toBe(decodeCursor(old) + 1n);
  });

  it('answers ShardNotExist (400), LogStoreNotExist and ProjectNotExist (404)', async () => {
    expect(errorOf(await pull(9, 'MA=='))).toMatchObject({ status: 400, code: 'ShardNotExist' });
    expect(errorOf(await send(emulator.port, { path: '/logstores/nope/shards' }))).toMatchObject({ status: 404, code: 'LogStoreNotExist' });
    expect(errorOf(await send(emulator.port, { path: SHARDS, project: 'nope' }))).toMatchObject({ status: 404, code: 'ProjectNotExist' });
  });
});

describe('PutLogs validation (§11)', () => {
  const group = numberedGroup(0, 2);

  it.each([
    ['an unknown compress type', { 'x-log-compresstype': 'snappy', 'x-log-bodyrawsize': String(group.byteLength) }, group, 'InvalidCompressType'],
    ['a compressed body without its raw size', { 'x-log-compresstype': 'lz4' }, compress('lz4', group), 'MissingBodyRawSize'],
    ['a raw size that does not match', { 'x-log-compresstype': 'lz4', 'x-log-bodyrawsize': '3' }, compress('lz4', group), 'PostBodyInvalid'],
    ['bytes that are not a LogGroup', {}, Uint8Array.from([0xff, 0xff, 0xff]), 'PostBodyInvalid'],
    ['a LogGroup without logs', {}, Uint8Array.from([0x1a, 0x01, 0x74]), 'PostBodyInvalid'],
  ])('rejects %s with 400', async (_what, headers, body, code) => {
    const res = await send(emulator.port, {
      method: 'POST',
      path: `${SHARDS}/lb`,
      headers: { 'content-type': 'application/x-protobuf', ...headers },
      body,
    });
    expect(errorOf(res)).toMatchObject({ status: 400, code });
  });

  it('says what to fix in a body it refuses, and not to retry: the same request fails the same way', async () => {
    const refuse = async (headers: Record<string, string>, body: Uint8Array): Promise<string> => {
      const res = await send(emulator.port, { method: 'POST', path: `${SHARDS}/lb`, headers: { 'content-type': 'application/x-protobuf', ...headers }, body });
      return errorOf(res).message;
    };
    const wrongSize = await refuse({ 'x-log-compresstype': 'lz4', 'x-log-bodyrawsize': '3' }, compress('lz4', group));
    expect(wrongSize).toMatch(/x-log-bodyrawsize.*size of the LogGroup before compression/);
    const notAGroup = await refuse({}, Uint8Array.from([0xff, 0xff, 0xff]));
    expect(notAGroup).toMatch(/LogGroup is corrupt at byte \d+.*send one serialized LogGroup/);
    for (const message of [wrongSize, notAGroup]) expect(message).not.toMatch(/retry/i);
  });
});
