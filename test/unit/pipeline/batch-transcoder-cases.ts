// Hostile LogGroupLists for the transcoder's differential test: content that every special case
// of the fast path must either get right or hand to the reference path. Mostly built with the
// real encoder; a small raw protobuf writer adds what no encoder writes (invalid UTF-8 keys,
// fields out of order or repeated, unknown fields, long varints) and corrupts bodies.

import type { SeededRandom } from '../../../src/emulator/seeded-random.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import type { LogGroupInput, LogInput } from '../../../src/sls/types.js';

type Value = string | Uint8Array;

export const KEYS = [
  'remote_addr', 'method', 'request_uri', 'status', 'request_id', 'host', 'http_user_agent',
  'time', 'path', 'query', 'topic', 'source', 'tags', 'shard', 'cursor', 'index',
  '123', '0', '01', '4294967294', '4294967295', '-1', '1.5', '__proto__', 'constructor', 'toString',
  '', 'ключ', '键', '😀', 'a"b', 'a\\b', 'tab\tkey', 'nul\u0000', 'é', 'x'.repeat(70), 'y'.repeat(200),
  // Same lengths, differing only past the last whole 4-byte word.
  'key-1', 'key-2', 'ab', 'ac',
];

const TEXTS = [
  '', '-', 'GET', 'café', '中文日志', 'emoji 😀 here', 'quote"back\\slash', 'ctl\u0001\u001f\u007f', '\b\f\n\r\t',
  'line\u2028sep\u2029', '\uFFFD', '\ud800', '</script>', 'ü'.repeat(40),
];

/** Byte sequences the lenient UTF-8 decoder has rules for: invalid, encoded surrogates, truncated, overlong. */
const INVALID = [[0xff], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf, 0xed, 0xa0], [0xe4, 0xb8], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xfe, 0x41]];

const PATHS = [
  '/', '/a/b', '/caf%C3%A9', '/%E4%B8%AD', '/plus+path', '/ü', '/q"uote\\', '/\u0001ctl', '', '/%25', '/%2F%3F', '/%c3%a9',
  '/%F0%9F%98%80', '/%00',
];
/** Percent-encoding that decodeURIComponent rejects (the parser's MalformedRequestUri). */
const BAD_PATHS = ['/bad%zz', '/trail%', '/x%4', '/%ED%A0%80', '/%C3'];

const QUERY_PAIRS = [
  'a=1', 'a=2', 'b', '=x', '', 'k=v=w', 'q=red+shoes', 'q=%E4%B8%AD', '1=one', '%31=two', '01=z', '__proto__=p',
  'constructor=c', 'tag=x', 'tag=y', 'é=ü', 'sp%20ace=1', 'amp%26=and%3D', 'x=%00', 'ctl=\u0001', 'quote="', 'bs=\\',
  'a+b=c+d', '?=?', 'emoji=😀', 'plus=%2B+', 'long=' + 'v'.repeat(150),
];
const BAD_QUERY_PAIRS = ['q=%zz', 'n=%', 'bad=%C3', '%E4=1'];

const STATUSES = ['200', '404', '599', '100'];
/** What the parser's BadStatus rejects. */
const BAD_STATUSES = ['600', '099', '99', 'abc', '', '2000', ' 20', '1e2', '２００'];
const METHODS = ['GET', 'POST', '', 'g"et', 'DELETE\n', '中'];

export function hostileText(random: SeededRandom): string {
  const kind = random.below(4);
  if (kind === 0) return random.pick(TEXTS);
  // Every ASCII byte, control characters and escapes included, at every offset of a 4-byte word.
  const length = kind === 1 ? random.below(9) : kind === 2 ? random.below(80) : 100 + random.below(300);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random.below(8) === 0 ? random.below(0x20) : 0x20 + random.below(0x60));
  return text;
}

export function hostileValue(random: SeededRandom): Value {
  const kind = random.below(10);
  if (kind === 0) return random.bytes(random.below(40));
  if (kind === 1) return mixed(random);
  return hostileText(random);
}

/** Text and invalid bytes interleaved. */
function mixed(random: SeededRandom): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = random.below(5); i >= 0; i--) {
    parts.push(random.below(2) === 0 ? Buffer.from(hostileText(random)) : Uint8Array.from(random.pick(INVALID)));
  }
  return Buffer.concat(parts);
}

/** Mostly a URI the parser accepts; one in eight is malformed somewhere. */
export function hostileUri(random: SeededRandom): Value {
  const bad = random.below(8) === 0 ? random.below(2) : -1;
  let uri = random.pick(bad === 0 ? BAD_PATHS : PATHS);
  if (random.below(5) > 0 || bad === 1) {
    const pairs = random.below(20) === 0 ? 40 : random.below(7);
    const query: string[] = [];
    for (let i = 0; i < pairs; i++) query.push(random.pick(QUERY_PAIRS));
    if (bad === 1) query.splice(random.below(pairs + 1), 0, random.pick(BAD_QUERY_PAIRS));
    uri += `?${query.join(random.below(6) === 0 ? '&&' : '&')}`;
  }
  if (random.below(25) === 0) return Buffer.concat([Buffer.from(uri), Uint8Array.from(random.pick(INVALID)), Buffer.from('&z=1')]);
  return uri;
}

function contentValue(random: SeededRandom, key: string): Value {
  if (key === 'request_uri') return hostileUri(random);
  if (key === 'status') return random.below(8) === 0 ? random.pick(BAD_STATUSES) : random.pick(STATUSES);
  if (key === 'method' && random.below(4) > 0) return random.pick(METHODS);
  return hostileValue(random);
}

function hostileLog(random: SeededRandom): LogInput {
  const contents: Array<[string, Value]> = [];
  for (let i = random.below(11); i > 0; i--) {
    const key = random.below(3) === 0 ? random.pick(['method', 'request_uri', 'status']) : random.pick(KEYS);
    contents.push([key, contentValue(random, key)]);
  }
  const time = random.below(4) === 0 ? random.uint32() : 1_700_000_000 + random.below(5);
  // (A TimeNs of a second or more, which the encoder refuses, comes from rawLog().)
  const ns = random.below(10);
  if (ns < 4) return { time, contents };
  const timeNs = ns === 4 ? 0 : ns === 5 ? 999_999_999 : random.below(1_000_000_000);
  return { time, timeNs, contents };
}

function hostileGroupInput(random: SeededRandom): LogGroupInput {
  const group: { -readonly [K in keyof LogGroupInput]: LogGroupInput[K] } = {
    logs: Array.from({ length: random.below(7) }, () => hostileLog(random)),
  };
  if (random.below(3) > 0) group.topic = random.below(2) === 0 ? 'nginx' : hostileText(random);
  if (random.below(3) > 0) group.source = random.below(2) === 0 ? '10.0.0.1' : hostileText(random);
  if (random.below(4) === 0) group.machineUuid = 'machine-uuid-1';
  if (random.below(2) === 0) {
    group.tags = Array.from({ length: 1 + random.below(4) }, () => [random.pick(KEYS), hostileText(random)] as const);
  }
  return group;
}

/** A LogGroup: encoded by the real encoder, sometimes followed by raw fields no encoder writes. */
export function hostileGroup(random: SeededRandom): Uint8Array {
  const parts: Uint8Array[] = [encodeLogGroup(hostileGroupInput(random))];
  for (let i = random.below(4) === 0 ? 1 + random.below(3) : 0; i > 0; i--) parts.push(rawGroupField(random));
  return Buffer.concat(parts);
}

export function hostileBody(random: SeededRandom): Uint8Array {
  const groups = Array.from({ length: random.below(5) }, () => hostileGroup(random));
  const body = encodeLogGroupList(groups);
  // An unknown field between groups, which the decoder skips.
  return random.below(10) === 0 ? Buffer.concat([body, Uint8Array.from([0x10, 0x07]), encodeLogGroupList([hostileGroup(random)])]) : body;
}

/** The body with one kind of damage: cut short, a byte changed, or a byte inserted. */
export function corrupted(random: SeededRandom, body: Uint8Array): Uint8Array {
  const bytes = Buffer.from(body);
  const at = random.below(Math.max(1, bytes.length));
  const kind = random.below(3);
  if (kind === 0) return bytes.subarray(0, at);
  if (kind === 1) {
    bytes[at] = random.below(2) === 0 ? random.uint32() & 0xff : (bytes[at] as number) ^ (1 << random.below(8));
    return bytes;
  }
  return Buffer.concat([bytes.subarray(0, at), Uint8Array.from([random.uint32() & 0xff]), bytes.subarray(at)]);
}

// A raw protobuf writer for what no encoder writes.

function varint(value: number | bigint): number[] {
  let rest = BigInt(value);
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

/** A length-delimited field. */
function field(number: number, payload: Uint8Array | readonly number[], longLength = false): Uint8Array {
  const length = longLength ? [0x80 | (payload.length & 0x7f), payload.length >> 7] : varint(payload.length);
  return Uint8Array.from([...varint((number << 3) | 2), ...length, ...payload]);
}

const UNKNOWN_FIELDS = [
  [0x18, 0x05], // field 3, varint
  [0x39, 1, 2, 3, 4, 5, 6, 7, 8], // field 7, fixed64
  [0x45, 1, 2, 3, 4], // field 8, fixed32
  [0x4a, 0x02, 0x61, 0x62], // field 9, bytes
];

function rawKey(random: SeededRandom): Uint8Array {
  const kind = random.below(3);
  if (kind === 0) return Uint8Array.from(random.pick(INVALID));
  if (kind === 1) return Buffer.concat([Buffer.from(random.pick(['status', 'a', 'request_uri'])), Uint8Array.from(random.pick(INVALID))]);
  return Buffer.from(random.pick(KEYS));
}

function rawValue(random: SeededRandom): Uint8Array {
  const value = hostileValue(random);
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** A Log.Content message laid out as no encoder does. */
function rawContent(random: SeededRandom): Uint8Array {
  const key = (): Uint8Array => field(1, random.below(3) === 0 ? rawKey(random) : Buffer.from(random.pick(['status', 'method', 'request_uri', 'k'])));
  const value = (): Uint8Array => {
    const kind = random.below(3);
    return field(2, kind === 0 ? rawValue(random) : Buffer.from(kind === 1 ? random.pick([...STATUSES, ...BAD_STATUSES]) : random.pick([...PATHS, ...BAD_PATHS])));
  };
  const unknown = (): Uint8Array => Uint8Array.from(random.pick(UNKNOWN_FIELDS));
  const layouts: Array<() => Uint8Array[]> = [
    () => [key(), value()],
    () => [value(), key()],
    () => [key(), key(), value()],
    () => [key(), value(), value()],
    () => [key()],
    () => [value()],
    () => [],
    () => [key(), unknown(), value()],
    // Bytes right after the value that a read past its end would see (0x39 is '9').
    () => [key(), value(), unknown()],
    () => [field(1, Buffer.from('method'), true), field(2, Buffer.from('PUT'), true)],
  ];
  return field(2, Buffer.concat(random.pick(layouts)()));
}

/** A Log message with raw contents and the odd Time, TimeNs or unknown field. */
function rawLog(random: SeededRandom): Uint8Array {
  const parts: Uint8Array[] = [];
  const time = (): Uint8Array =>
    Uint8Array.from([0x08, ...varint(random.below(3) === 0 ? (1n << 40n) + BigInt(random.uint32()) : BigInt(random.uint32()))]);
  const timeNs = (): Uint8Array => {
    const ns = random.below(2) === 0 ? random.below(1_000_000_000) : random.uint32();
    return Uint8Array.from([0x25, ns & 0xff, (ns >>> 8) & 0xff, (ns >>> 16) & 0xff, ns >>> 24]);
  };
  for (let i = 1 + random.below(6); i > 0; i--) {
    const kind = random.below(10);
    if (kind < 6) parts.push(rawContent(random));
    else if (kind < 8) parts.push(random.below(2) === 0 ? time() : timeNs());
    else if (kind === 8) parts.push(Uint8Array.from(random.pick(UNKNOWN_FIELDS)));
    else parts.push(field(2, Buffer.concat([field(1, Buffer.from('status')), field(2, Buffer.from('200'))])));
  }
  return Buffer.concat(parts);
}

function rawGroupField(random: SeededRandom): Uint8Array {
  const kind = random.below(5);
  if (kind <= 2) return field(1, rawLog(random));
  if (kind === 3) return field(3, Buffer.from(hostileText(random)));
  return Uint8Array.from(random.pick(UNKNOWN_FIELDS));
}

/** A LogGroup of one log whose request_uri value is followed by an unknown field whose first byte is '9' (0x39). */
export function uriThenHexDigit(uri: string): Uint8Array {
  const content = Buffer.concat([field(1, Buffer.from('request_uri')), field(2, Buffer.from(uri)), Uint8Array.from(UNKNOWN_FIELDS[1] as number[])]);
  return field(1, Buffer.concat([Uint8Array.from([0x08, 0x01]), field(2, content)]));
}
