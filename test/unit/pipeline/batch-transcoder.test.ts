// The NDJSON transcoder against its reference: for any body, its chunks must be byte for byte
// what parseBatch + encodeNdjson write, cut at the same records, with the same dead letters.
// Generated nginx logs check the fast path on realistic data; seeded hostile bodies check every
// case it must get right or hand over to the parser.

import { describe, expect, it } from 'vitest';
import { NginxLogGenerator } from '../../../src/emulator/generator.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';
import { createNdjsonTranscoder, type NdjsonTranscoder } from '../../../src/pipeline/batch-transcoder.js';
import { createRequestParser, type RequestParser, type RequestParserOptions } from '../../../src/parse/request-parser.js';
import { parseBatch } from '../../../src/pipeline/batch-parser.js';
import type { PulledBatch } from '../../../src/pipeline/pulled-batch.js';
import { encodeNdjson } from '../../../src/sinks/ndjson.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import { encodeCursor } from '../../../src/sls/cursor.js';
import type { LogInput } from '../../../src/sls/types.js';
import { corrupted, hostileBody, KEYS, uriThenHexDigit } from './batch-transcoder-cases.js';

function batchOf(body: Uint8Array, firstGroup = 1_540_984_000_000_000n, shard = 3): PulledBatch {
  return {
    shard,
    cursor: encodeCursor(firstGroup),
    nextCursor: encodeCursor(firstGroup + 100n),
    logGroupList: body,
    logGroups: 0,
    rawSize: body.length,
  };
}

/** A transcoder and the parser it must agree with, for one `fields` setting. */
interface Subject {
  transcoder: NdjsonTranscoder;
  parser: RequestParser;
  fields: RequestParserOptions['fields'];
}

function subject(fields: RequestParserOptions['fields']): Subject {
  return { transcoder: createNdjsonTranscoder({ fields }), parser: createRequestParser({ fields }), fields };
}

/** Asserts that the transcoder gives what parseBatch + encodeNdjson give for `batch`; returns the records written. */
function expectReference({ transcoder, parser }: Subject, batch: PulledBatch, chunkRecords: number, what: string): number {
  const want = parseBatch(batch, parser, chunkRecords);
  const got = transcoder.transcode(batch, chunkRecords);
  expect(got.logs, what).toBe(want.logs);
  expect(got.chunks.map((chunk) => chunk.records), what).toEqual(want.chunks.map((chunk) => chunk.length));
  got.chunks.forEach((chunk, index) => {
    const expected = encodeNdjson(want.chunks[index] ?? []);
    // latin1 maps bytes to characters one to one: equal strings are equal bytes, and a diff is readable.
    if (!chunk.ndjson.equals(expected)) expect(chunk.ndjson.toString('latin1'), `${what}, chunk ${index}`).toBe(expected.toString('latin1'));
  });
  expect(got.dead, what).toEqual(want.dead);
  return got.chunks.reduce((sum, chunk) => sum + chunk.records, 0);
}

/** A few distinct field lists, derived keys, repeats, odd names and absent keys included. */
function fieldList(random: SeededRandom): string[] {
  return Array.from({ length: 1 + random.below(7) }, () => (random.below(8) === 0 ? 'absent' : random.pick(KEYS)));
}

describe('createNdjsonTranscoder', () => {
  it('writes the reference bytes for generated nginx logs, with every field and with a field list', () => {
    const generator = new NginxLogGenerator({ seed: 7, logsPerSecond: 50 });
    const bodies = Array.from({ length: 4 }, () =>
      encodeLogGroupList(Array.from({ length: 3 }, () => encodeLogGroup(generator.nextGroup(150)))),
    );
    const lists: Array<RequestParserOptions['fields']> = ['all', ['request_id', 'status', 'request_uri', 'host', 'missing', 'request_id']];
    for (const fields of lists) {
      const tested = subject(fields);
      bodies.forEach((body, index) => {
        for (const chunkRecords of [1000, 37]) {
          const written = expectReference(tested, batchOf(body, BigInt(index * 3)), chunkRecords, `body ${index}`);
          expect(written).toBe(450);
        }
      });
    }
  });

  it('matches the reference on 2 000 seeded hostile bodies, with every field and with field lists', () => {
    const random = new SeededRandom(2026);
    const all = subject('all');
    const listed = Array.from({ length: 20 }, () => subject(fieldList(random)));
    let records = 0;
    for (let i = 0; i < 2000; i++) {
      const body = hostileBody(random);
      const batch = batchOf(body, BigInt(random.uint32()), random.below(4));
      const chunkRecords = 1 + random.below(5);
      records += expectReference(all, batch, chunkRecords, `case ${i} (all)`);
      const list = random.pick(listed);
      expectReference(list, batch, chunkRecords, `case ${i} (${JSON.stringify(list.fields)})`);
    }
    // The cases must mostly decode and parse, or they would test little but the dead-letter path.
    expect(records).toBeGreaterThan(3000);
  });

  it('matches the reference on corrupted bodies: what still decodes, and otherwise the one dead letter for the batch', () => {
    const random = new SeededRandom(404);
    const all = subject('all');
    let undecodable = 0;
    for (let i = 0; i < 1000; i++) {
      const batch = batchOf(corrupted(random, hostileBody(random)));
      expectReference(all, batch, 3, `case ${i}`);
      if (all.transcoder.transcode(batch, 3).logs === 0) undecodable += 1;
    }
    expect(undecodable).toBeGreaterThan(100);
  });

  it('turns a log the parser rejects into a dead letter at its position, and writes the logs around it', () => {
    const contents = (status: string): LogInput['contents'] => [['status', status], ['request_id', `r-${status}`]];
    const body = encodeLogGroupList([
      encodeLogGroup({ topic: 'nginx', logs: [{ time: 1_700_000_000, contents: contents('200') }] }),
      encodeLogGroup({ logs: [{ time: 1_700_000_000, contents: contents('200') }, { time: 1_700_000_001, contents: contents('abc') }, { time: 1_700_000_002, contents: contents('404') }] }),
    ]);
    const batch = batchOf(body, 10n);
    const got = createNdjsonTranscoder({ fields: 'all' }).transcode(batch, 2);
    expect(got.logs).toBe(4);
    expect(got.chunks.map((chunk) => chunk.records)).toEqual([2, 1]);
    expect(got.dead).toHaveLength(1);
    expect(got.dead[0]?.reason).toBe('status "abc" is not an HTTP status');
    expect(got.dead[0]?.position).toEqual({ shard: 3, cursor: encodeCursor(11n), index: 1 });
    expect(got.dead[0]?.log.fields).toEqual({ status: 'abc', request_id: 'r-abc' });
    const lines = Buffer.concat(got.chunks.map((chunk) => chunk.ndjson)).toString().split('\n');
    expect(lines.slice(0, 3).map((line) => (JSON.parse(line) as { request_id: string }).request_id)).toEqual(['r-200', 'r-200', 'r-404']);
    expectReference(subject('all'), batch, 2, 'dead letter');
  });

  it('gives one dead letter naming the flaw for a body or cursor that cannot be decoded, as parseBatch does', () => {
    const body = encodeLogGroupList([encodeLogGroup({ logs: [{ time: 1, contents: [['a', 'b']] }] })]);
    const all = subject('all');
    const cut = all.transcoder.transcode(batchOf(body.subarray(0, body.length - 2)), 10);
    expect(cut.logs).toBe(0);
    expect(cut.chunks).toEqual([]);
    expect(cut.dead).toHaveLength(1);
    expect(cut.dead[0]?.reason).toMatch(/could not be decoded, so its logs were skipped: LogGroupList is corrupt at byte/);
    expectReference(all, batchOf(body.subarray(0, body.length - 2)), 10, 'cut');
    expectReference(all, { ...batchOf(body), cursor: 'not a cursor' }, 10, 'cursor');
    expect(all.transcoder.transcode(batchOf(new Uint8Array(0)), 10)).toEqual({ logs: 0, chunks: [], dead: [] });
  });

  it('reads no byte past a request_uri value, even where the next field starts with a hex digit', () => {
    const all = subject('all');
    for (const uri of ['/x%4', '/x%', '/p?a=%4', '/p?a=1&%4']) expectReference(all, batchOf(encodeLogGroupList([uriThenHexDigit(uri)])), 10, uri);
  });

  it('splits a request_uri with invalid UTF-8 as the parser splits its decoded text (different bytes, one repeated key)', () => {
    const uri = Buffer.concat([Buffer.from('/p?a'), Uint8Array.from([0xff]), Buffer.from('=1&a'), Uint8Array.from([0xfe]), Buffer.from('=2')]);
    const body = encodeLogGroupList([encodeLogGroup({ logs: [{ time: 1, contents: [['request_uri', uri]] }] })]);
    const got = subject('all');
    expectReference(got, batchOf(body), 10, 'invalid UTF-8 keys');
    const line = JSON.parse(got.transcoder.transcode(batchOf(body), 10).chunks[0]?.ndjson.toString() ?? '') as { query: unknown };
    expect(line.query).toEqual({ 'a\uFFFD': ['1', '2'] });
  });

  it('leaves the chunks it returned untouched by later calls', () => {
    const generator = new NginxLogGenerator({ seed: 11 });
    const all = subject('all');
    const held: Array<{ batch: PulledBatch; chunkRecords: number; chunks: Buffer[] }> = [];
    for (const chunkRecords of [37, 150, 160, 170, 400, 550, 1000, 1000]) {
      const batch = batchOf(encodeLogGroupList([encodeLogGroup(generator.nextGroup(1100))]));
      held.push({ batch, chunkRecords, chunks: all.transcoder.transcode(batch, chunkRecords).chunks.map((chunk) => chunk.ndjson) });
    }
    for (const { batch, chunkRecords, chunks } of held) {
      const expected = parseBatch(batch, all.parser, chunkRecords).chunks.map((chunk) => encodeNdjson(chunk));
      expect(chunks.length).toBe(expected.length);
      chunks.forEach((chunk, index) => expect(chunk.equals(expected[index] as Buffer), `chunks of ${chunkRecords}, chunk ${index}`).toBe(true));
    }
  });

  it('hands out each chunk at the start of an ArrayBuffer of its own, and fills recycled ones again with the right bytes', () => {
    const generator = new NginxLogGenerator({ seed: 12 });
    const all = subject('all');
    const nextBatch = (): PulledBatch => batchOf(encodeLogGroupList([encodeLogGroup(generator.nextGroup(1000))]));
    const chunks = all.transcoder.transcode(nextBatch(), 300).chunks.map((chunk) => chunk.ndjson);
    const memory = new Set(chunks.map((chunk) => chunk.buffer));
    // Own buffers: a transfer to another thread moves each whole, and nothing else with it.
    expect(memory.size).toBe(chunks.length);
    for (const chunk of chunks) expect([chunk.byteOffset, chunk.buffer instanceof ArrayBuffer]).toEqual([0, true]);
    for (const buffer of memory) all.transcoder.recycle(buffer as ArrayBuffer);
    const batch = nextBatch();
    const again = all.transcoder.transcode(batch, 300).chunks.map((chunk) => chunk.ndjson);
    // The three full chunks fit the recycled memory (the 100-record tail would waste the larger ones).
    expect(again.filter((chunk) => memory.has(chunk.buffer)).length).toBeGreaterThanOrEqual(3);
    const expected = parseBatch(batch, all.parser, 300).chunks.map((records) => encodeNdjson(records).toString('latin1'));
    expect(again.map((chunk) => chunk.toString('latin1'))).toEqual(expected);
  });

  it('keeps matching when logs bring ever new keys (the key table starts afresh) and repeat them within a log', () => {
    // Every 7th log repeats its new key; every 5th repeats request_id, at a varying place.
    const repeats = (i: number): Array<readonly [string, string]> => [
      ...(i % 7 === 0 ? [[`key-${i}`, 'b'] as const] : []),
      ...(i % 5 === 0 ? [...Array.from({ length: i % 3 }, (_, n) => [`pad-${n}`, 'p'] as const), ['request_id', 'again'] as const] : []),
    ];
    const logs: LogInput[] = Array.from({ length: 6000 }, (_, i) => ({
      time: 1_700_000_000,
      contents: [['status', '200'], [`key-${i}`, 'a'], ['request_id', `r-${i}`], ...repeats(i)],
    }));
    const body = encodeLogGroupList([encodeLogGroup({ logs: logs.slice(0, 3000) }), encodeLogGroup({ logs: logs.slice(3000) })]);
    const all = subject('all');
    expect(expectReference(all, batchOf(body), 1000, 'first pass')).toBe(6000);
    expect(expectReference(all, batchOf(body), 1000, 'second pass')).toBe(6000);
  });
});
