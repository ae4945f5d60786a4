// SLS log -> request record: every rule of the record shape a sink and its users rely on.

import { beforeAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/parse/parse-error.js';
import { createRequestParser as createCompiled, type RequestParser, type RequestParserOptions } from '../../../src/parse/request-parser.js';
import type { RecordPosition } from '../../../src/parse/request-record.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import { decodeLogGroupList } from '../../../src/sls/codec/log-group-list-decoder.js';
import type { LogRecord } from '../../../src/sls/types.js';

const TIME = Date.UTC(2026, 10, 21, 10, 15, 0) / 1000;
const AT: RecordPosition = { shard: 3, cursor: 'MTU0MDk4NDAwMDAwMDAwMA==', index: 7 };

function log(fields: Record<string, string>, extra: Partial<LogRecord> = {}): LogRecord {
  return { time: TIME, timeNs: undefined, topic: 'nginx', source: '10.0.0.1', tags: {}, fields, group: 0, ...extra };
}

/** Which way records are built: by compiled constructors (the default), or key by key. */
let uncompiled = false;

function createRequestParser(options: RequestParserOptions): RequestParser {
  return createCompiled({ ...options, uncompiled });
}

function parse(fields: Record<string, string>, extra: Partial<LogRecord> = {}, parser = createRequestParser({ fields: 'all' })) {
  return parser.parse(log(fields, extra), AT);
}

function parseError(run: () => unknown): ParseError {
  let error: unknown = new Error('expected a ParseError, but the parse succeeded');
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ParseError);
  return error as ParseError;
}

describe.each([
  ['compiled per key sequence', false],
  ['built key by key', true],
])('createRequestParser, records %s', (_, keyByKey) => {
  beforeAll(() => {
    uncompiled = keyByKey;
  });
  const all = { parse: (entry: LogRecord, position: RecordPosition) => createRequestParser({ fields: 'all' }).parse(entry, position) };

  it('builds the record in the documented key order, as one NDJSON-ready object', () => {
    const record = parse(
      { remote_addr: '1.2.3.4', status: '404', request_uri: '/a/b?x=1', method: 'GET', request_id: 'r-1' },
      { timeNs: 5, tags: { __hostname__: 'web-01' } },
    );
    expect(Object.keys(record)).toEqual([
      'time', 'method', 'path', 'query', 'status', 'remote_addr', 'request_uri', 'request_id',
      'topic', 'source', 'tags', 'shard', 'cursor', 'index',
    ]);
    expect(JSON.stringify(record)).toBe(
      '{"time":"2026-11-21T10:15:00.000000005Z","method":"GET","path":"/a/b","query":{"x":"1"},"status":404,' +
        '"remote_addr":"1.2.3.4","request_uri":"/a/b?x=1","request_id":"r-1","topic":"nginx","source":"10.0.0.1",' +
        '"tags":{"__hostname__":"web-01"},"shard":3,"cursor":"MTU0MDk4NDAwMDAwMDAwMA==","index":7}',
    );
  });

  describe('time', () => {
    it('is ISO 8601 UTC to the second without TimeNs', () => {
      expect(parse({}).time).toBe('2026-11-21T10:15:00Z');
    });

    it('carries TimeNs as nine digits, zero-padded', () => {
      expect(parse({}, { timeNs: 123_456_789 }).time).toBe('2026-11-21T10:15:00.123456789Z');
      expect(parse({}, { timeNs: 42 }).time).toBe('2026-11-21T10:15:00.000000042Z');
      expect(parse({}, { timeNs: 0 }).time).toBe('2026-11-21T10:15:00.000000000Z');
    });

    it('is right for every log when seconds alternate', () => {
      const parser = createRequestParser({ fields: 'all' });
      const times = [TIME, TIME + 1, TIME, TIME + 86_400, 0].map((time) => parser.parse(log({}, { time }), AT).time);
      expect(times).toEqual([
        '2026-11-21T10:15:00Z', '2026-11-21T10:15:01Z', '2026-11-21T10:15:00Z', '2026-11-22T10:15:00Z', '1970-01-01T00:00:00Z',
      ]);
    });

    it('refuses a TimeNs that is not a part of a second', () => {
      const error = parseError(() => parse({}, { timeNs: 1_000_000_000 }));
      expect(error.code).toBe('BadTime');
      expect(error.reason).toContain('1000000000');
    });
  });

  describe('path and query from request_uri', () => {
    it('splits at the first ? and percent-decodes the path, leaving + as it is there', () => {
      const record = parse({ request_uri: '/caf%C3%A9/a+b%2Fc?next=/x?y' });
      expect(record.path).toBe('/café/a+b/c');
      expect(record.query).toEqual({ next: '/x?y' });
    });

    it('decodes the query with + as a space and %2B as a plus', () => {
      expect(parse({ request_uri: '/s?q=red+shoes&t=gift%2Bcard&w=hello%20world' }).query).toEqual({
        q: 'red shoes', t: 'gift+card', w: 'hello world',
      });
    });

    it('keeps the values of a repeated key as an array, in order', () => {
      expect(parse({ request_uri: '/?tag=new&in_stock=1&tag=sale&tag=eco' }).query).toEqual({
        tag: ['new', 'sale', 'eco'], in_stock: '1',
      });
    });

    it('gives a key without = the value "", and skips empty pairs', () => {
      expect(parse({ request_uri: '/p?debug&&a=1&=v&b=&' }).query).toEqual({ debug: '', a: '1', '': 'v', b: '' });
    });

    it('decodes keys too, and keeps non-ASCII text', () => {
      expect(parse({ request_uri: '/?na%C3%AFve+key=%E4%B8%AD%E6%96%87&%D0%BF=1' }).query).toEqual({ 'naïve key': '中文', п: '1' });
    });

    it('gives an empty query when there is none, and no path or query without request_uri', () => {
      expect(parse({ request_uri: '/plain' })).toMatchObject({ path: '/plain', query: {} });
      expect(parse({ request_uri: '/trailing?' }).query).toEqual({});
      const record = parse({ status: '200' });
      expect(record).not.toHaveProperty('path');
      expect(record).not.toHaveProperty('query');
    });

    it('stores hostile query keys as own values without touching prototypes', () => {
      const query = parse({ request_uri: '/?__proto__=x&constructor=y&__proto__=z&toString' }).query as Record<string, unknown>;
      expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
      expect(Object.entries(query)).toEqual([['__proto__', ['x', 'z']], ['constructor', 'y'], ['toString', '']]);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it.each([
      ['a malformed escape in the path', '/bad%zz/path', 'path'],
      ['a truncated escape at the end of the path', '/bad%4', 'path'],
      ['an incomplete UTF-8 sequence in the query', '/ok?q=%E4%B8', 'query'],
      ['a lone % in a query key', '/ok?a%=1', 'query'],
    ])('refuses %s, naming the URI', (_, uri, where) => {
      const error = parseError(() => parse({ request_uri: uri }));
      expect(error.code).toBe('MalformedRequestUri');
      expect(error.reason).toContain(JSON.stringify(uri));
      expect(error.reason).toContain(`in its ${where}`);
    });
  });

  describe('status', () => {
    it('is a number', () => {
      expect(parse({ status: '200' }).status).toBe(200);
      expect(parse({ status: '599' }).status).toBe(599);
      expect(parse({ status: '100' }).status).toBe(100);
    });

    it.each(['abc', '', '99', '600', '2000', '20x', ' 200', '200.0', '-20'])('refuses %j as not an HTTP status', (status) => {
      const error = parseError(() => parse({ status }));
      expect(error.code).toBe('BadStatus');
      expect(error.reason).toBe(`status ${JSON.stringify(status)} is not an HTTP status`);
    });

    it('is absent, like method, when the log has none', () => {
      const record = parse({ request_uri: '/' });
      expect(record).not.toHaveProperty('status');
      expect(record).not.toHaveProperty('method');
    });
  });

  describe('kept fields', () => {
    it('keeps only the listed fields, in the order of the list, skipping absent ones', () => {
      const parser = createRequestParser({ fields: ['request_id', 'missing', 'host', 'request_uri', 'toString'] });
      const record = parser.parse(log({ host: 'h', status: '200', request_uri: '/x', request_id: 'r', other: 'o' }), AT);
      expect(Object.keys(record)).toEqual(['time', 'path', 'query', 'status', 'request_id', 'host', 'request_uri', 'topic', 'source', 'shard', 'cursor', 'index']);
      expect(record).toMatchObject({ request_id: 'r', host: 'h', request_uri: '/x', status: 200 });
    });

    it('derives method, path, query and status even when those fields are not listed', () => {
      const parser = createRequestParser({ fields: [] });
      expect(parser.parse(log({ method: 'PUT', status: '201', request_uri: '/a?b=c' }), AT)).toEqual({
        time: '2026-11-21T10:15:00Z', method: 'PUT', path: '/a', query: { b: 'c' }, status: 201,
        topic: 'nginx', source: '10.0.0.1', ...AT,
      });
    });

    it.each([
      ['all', 'all' as const],
      ['a list naming them', ['time', 'path', 'query', 'status', 'shard', 'cursor', 'index', 'topic', 'source', 'tags', 'method', 'request_uri']],
    ])('never lets a field overwrite a derived key (%s)', (_, fields) => {
      const parser = createRequestParser({ fields });
      const record = parser.parse(
        log({
          time: 'field-time', path: 'field-path', query: 'field-query', status: '503', method: 'POST', shard: 'field-shard',
          cursor: 'field-cursor', index: 'field-index', topic: 'field-topic', source: 'field-source', tags: 'field-tags', request_uri: '/real?q=1',
        }),
        AT,
      );
      expect(record).toEqual({
        time: '2026-11-21T10:15:00Z', method: 'POST', path: '/real', query: { q: '1' }, status: 503, request_uri: '/real?q=1',
        topic: 'nginx', source: '10.0.0.1', ...AT,
      });
    });

    it('keeps a field named __proto__ as an own value', () => {
      const fields: Record<string, string> = {};
      Object.defineProperty(fields, '__proto__', { value: 'p', enumerable: true });
      const record = all.parse(log(fields), AT);
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('p');
    });
  });

  describe('topic, source, tags and position', () => {
    it('leaves out tags when the group has none, whatever the previous group had', () => {
      const parser = createRequestParser({ fields: 'all' });
      expect(parser.parse(log({}, { tags: { a: '1' } }), AT).tags).toEqual({ a: '1' });
      expect(parser.parse(log({}, { tags: {} }), AT)).not.toHaveProperty('tags');
      expect(parser.parse(log({}, { tags: { b: '2' } }), AT).tags).toEqual({ b: '2' });
    });

    it('keeps an empty topic and source', () => {
      expect(parse({}, { topic: '', source: '' })).toMatchObject({ topic: '', source: '' });
    });

    it('copies the position, so a caller may reuse the object', () => {
      const position = { ...AT };
      const first = all.parse(log({}), position);
      position.index = 8;
      position.cursor = 'other';
      expect(first).toMatchObject({ shard: 3, cursor: AT.cursor, index: 7 });
      expect(all.parse(log({}), position).index).toBe(8);
    });
  });

  it('parses logs as the decoder delivers them, non-ASCII keys and values included', () => {
    const body = encodeLogGroupList([
      encodeLogGroup({
        topic: 'web',
        tags: [['__pack_id__', 'P-1']],
        logs: [{
          time: TIME,
          timeNs: 9,
          contents: [['request_uri', '/caf%C3%A9?q=%E4%B8%AD%E6%96%87&q=ü'], ['status', '200'], ['城市', '杭州'], ['ua', 'Müller/1.0']],
        }],
      }),
    ]);
    const [decoded] = decodeLogGroupList(body);
    expect(all.parse(decoded as LogRecord, AT)).toEqual({
      time: '2026-11-21T10:15:00.000000009Z', path: '/café', query: { q: ['中文', 'ü'] }, status: 200,
      request_uri: '/caf%C3%A9?q=%E4%B8%AD%E6%96%87&q=ü', 城市: '杭州', ua: 'Müller/1.0',
      topic: 'web', source: '', tags: { __pack_id__: 'P-1' }, ...AT,
    });
  });
});

describe('compiled record shapes', () => {
  const compiled = (fields: RequestParserOptions['fields']) => createCompiled({ fields });
  const keyByKey = (fields: RequestParserOptions['fields']) => createCompiled({ fields, uncompiled: true });

  /** The records both ways, as JSON (key order included) and prototypes. */
  function both(logs: readonly LogRecord[], fields: RequestParserOptions['fields'] = 'all') {
    const [a, b] = [compiled(fields), keyByKey(fields)];
    return logs.map((entry, index) => {
      const position = { ...AT, index };
      const fast = a.parse(entry, position);
      const reference = b.parse(entry, position);
      expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
      return [JSON.stringify(fast), JSON.stringify(reference)];
    });
  }

  const shapes: Array<Record<string, string>> = [
    { method: 'GET', request_uri: '/a?x=1', status: '200', host: 'h' },
    { request_uri: '/b', host: 'h2', extra: 'e' },
    { status: '500' },
    {},
    { host: 'only', '7': 'integer-like', path: 'field path' },
    { method: 'PUT', status: '204', a: '1', b: '2', c: '3', d: '4', e: '5', f: '6', g: '7', h: '8', i: '9', j: '10', k: '11', l: '12', m: '13', n: '14', o: '15', p: '16', q: '17', r: '18', s: '19', t: '20' },
  ];

  it('builds the same records as the key-by-key path, whatever the order shapes come in', () => {
    const logs = Array.from({ length: 60 }, (_, i) =>
      log(shapes[(i * 7) % shapes.length] as Record<string, string>, { tags: i % 3 === 0 ? {} : { g: String(i % 2) }, timeNs: i }),
    );
    for (const [fast, reference] of both(logs)) expect(fast).toBe(reference);
    for (const [fast, reference] of both(logs, ['host', 'extra', 'k', '7', 'status'])) expect(fast).toBe(reference);
  });

  it('stores keys that look like code as plain keys, and runs none of it', () => {
    const hostile = ['a"];globalThis.sluicePwned=1;//', "b'];globalThis.sluicePwned=1;//", 'c\\', 'd\u2028e', 'f\u2029', '\ud800', 'g\nh'];
    const fields = Object.fromEntries(hostile.map((key, i) => [key, `v${i}`]));
    const record = compiled('all').parse(log(fields), AT);
    for (const [i, key] of hostile.entries()) expect(record[key]).toBe(`v${i}`);
    expect((globalThis as Record<string, unknown>).sluicePwned).toBeUndefined();
    expect(both([log(fields)])[0]?.[0]).toBe(both([log(fields)])[0]?.[1]);
  });

  it('builds a __proto__ field key by key, as an own value', () => {
    const fields: Record<string, string> = { host: 'h' };
    Object.defineProperty(fields, '__proto__', { value: 'p', enumerable: true });
    const record = compiled('all').parse(log(fields), AT);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('p');
  });

  it('still parses logs of more shapes than it compiles', () => {
    const logs = Array.from({ length: 300 }, (_, i) => log({ [`key_${i}`]: String(i), status: '200' }));
    for (const [fast, reference] of both([...logs, ...logs])) expect(fast).toBe(reference);
  });
});
