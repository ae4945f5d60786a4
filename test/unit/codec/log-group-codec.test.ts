import { describe, expect, it } from 'vitest';
import { encodeLogGroup, encodeLogGroupList, countLogsInGroup } from '../../../src/sls/codec/log-group-encoder.js';
import { countLogGroups, decodeLogGroupList } from '../../../src/sls/codec/log-group-list-decoder.js';
import { CorruptDataError, SlsError } from '../../../src/sls/errors.js';
import type { LogGroupInput } from '../../../src/sls/types.js';
import { expectedRecords, randomGroup, toProtobufjs } from './cases.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';
import { LogGroupListType, protobufjsDecodeGroup, protobufjsEncodeGroup } from './sls-proto.js';

// §12 test vector: Topic "t", Source "127.0.0.1", tag __pack_id__=ABC-1, one log {Time 1700000000, TimeNs 5, k: "v"}.
const VECTOR_GROUP = '0a130880e2cfaa0612060a016b12017625050000001a017422093132372e302e302e3132140a0b5f5f7061636b5f69645f5f12054142432d31';
const VECTOR_INPUT: LogGroupInput = {
  topic: 't',
  source: '127.0.0.1',
  tags: [['__pack_id__', 'ABC-1']],
  logs: [{ time: 1_700_000_000, timeNs: 5, contents: [['k', 'v']] }],
};

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('the §12 test vector', () => {
  it('encodes to the exact bytes', () => {
    expect(hex(encodeLogGroup(VECTOR_INPUT))).toBe(VECTOR_GROUP);
    expect(hex(encodeLogGroupList([fromHex(VECTOR_GROUP)]))).toBe(`0a39${VECTOR_GROUP}`);
  });

  it('decodes to the record it describes', () => {
    const records = decodeLogGroupList(fromHex(`0a39${VECTOR_GROUP}`));
    expect(records).toEqual([
      { time: 1_700_000_000, timeNs: 5, topic: 't', source: '127.0.0.1', tags: { __pack_id__: 'ABC-1' }, fields: { k: 'v' }, group: 0 },
    ]);
    expect(countLogGroups(fromHex(`0a39${VECTOR_GROUP}`))).toBe(1);
    expect(countLogsInGroup(fromHex(VECTOR_GROUP))).toBe(1);
  });
});

describe('round trips', () => {
  it('decodes what it encodes, for many random groups', () => {
    const random = new SeededRandom(1);
    for (let round = 0; round < 200; round++) {
      const groups = Array.from({ length: 1 + random.below(4) }, () => randomGroup(random));
      const list = encodeLogGroupList(groups.map(encodeLogGroup));
      expect(decodeLogGroupList(list)).toEqual(expectedRecords(groups));
      expect(countLogGroups(list)).toBe(groups.length);
    }
  });

  it('decodes what protobufjs encodes, lone surrogates included, with both of its writers', () => {
    const random = new SeededRandom(2);
    for (let round = 0; round < 200; round++) {
      const groups = Array.from({ length: 1 + random.below(4) }, () => randomGroup(random, { loneSurrogates: true }));
      const plainWriter = round % 2 === 0;
      const list = LogGroupListType.encode({ LogGroups: groups.map(toProtobufjs) }).finish();
      const perGroup = encodeLogGroupList(groups.map((group) => protobufjsEncodeGroup(toProtobufjs(group), plainWriter)));
      expect(decodeLogGroupList(list)).toEqual(expectedRecords(groups));
      expect(decodeLogGroupList(perGroup)).toEqual(expectedRecords(groups));
    }
  });

  it('writes what protobufjs decodes to the same group', () => {
    const random = new SeededRandom(3);
    for (let round = 0; round < 200; round++) {
      const group = randomGroup(random);
      const expected = LogGroupListType.toObject(LogGroupListType.fromObject({ LogGroups: [toProtobufjs(group)] }), { arrays: true });
      expect(protobufjsDecodeGroup(encodeLogGroup(group))).toEqual(expected['LogGroups'][0]);
    }
  });

  it('decodes a list wherever it sits inside a larger buffer', () => {
    const groups = [randomGroup(new SeededRandom(4)), { logs: [{ time: 5, contents: [['ascii', 'plain text value'], ['utf8', 'café 中文']] as const }] }];
    const list = encodeLogGroupList(groups.map(encodeLogGroup));
    for (let offset = 0; offset < 8; offset++) {
      const host = new Uint8Array(list.length + 16).fill(0xff);
      host.set(list, offset);
      expect(decodeLogGroupList(host.subarray(offset, offset + list.length))).toEqual(expectedRecords(groups));
    }
  });

  it('always writes required fields, even empty', () => {
    const bytes = encodeLogGroup({ logs: [{ time: 0, contents: [['', '']] }] });
    // Logs { Time: 0, Contents { Key: "", Value: "" } }
    expect(hex(bytes)).toBe('0a08080012040a001200');
    expect(countLogsInGroup(bytes)).toBe(1);
  });

  it('writes raw bytes as given, and decodes invalid UTF-8 as the WHATWG decoder does', () => {
    const invalid = [[0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80, 0x41], [0xed, 0xa0], [0xc0, 0xaf], [0xf5, 0x80, 0x80, 0x80]];
    for (const raw of invalid) {
      const value = new Uint8Array([0x61, ...raw, 0x62]);
      const [record] = decodeLogGroupList(encodeLogGroupList([encodeLogGroup({ logs: [{ time: 1, contents: [['v', value]] }] })]));
      expect(record?.fields['v']).toBe(new TextDecoder().decode(value));
    }
  });

  it('gives every record of a group the same tags object and the group index', () => {
    const groups = [
      { tags: [['t', '1']] as const, logs: [{ time: 1, contents: [] }, { time: 2, contents: [] }] },
      { tags: [['t', '2']] as const, logs: [{ time: 3, contents: [] }] },
    ];
    const records = decodeLogGroupList(encodeLogGroupList(groups.map(encodeLogGroup)));
    expect(records.map((record) => record.group)).toEqual([0, 0, 1]);
    expect(records[0]?.tags).toBe(records[1]?.tags);
    expect(records[2]?.tags).toEqual({ t: '2' });
  });

  it('keeps the last value of a repeated key and stores __proto__ as a plain field', () => {
    const bytes = encodeLogGroupList([encodeLogGroup({ logs: [{ time: 1, contents: [['a', '1'], ['__proto__', 'x'], ['a', '2']] }] })]);
    const fields = decodeLogGroupList(bytes)[0]?.fields ?? {};
    expect(fields['a']).toBe('2');
    expect(Object.keys(fields)).toEqual(['a', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
  });

  it('refuses log times that are not whole uint32 seconds or a nanosecond part', () => {
    for (const log of [{ time: -1 }, { time: 1.5 }, { time: 2 ** 32 }, { time: 1, timeNs: 1e9 }, { time: 1, timeNs: -1 }]) {
      expect(() => encodeLogGroup({ logs: [{ ...log, contents: [] }] })).toThrow(SlsError);
    }
  });
});

describe('unknown fields', () => {
  // Hand-built messages: tag bytes, lengths and values spelled out.
  const bytes = (...parts: number[][]): number[] => parts.flat();
  const varint = (value: number): number[] => (value < 0x80 ? [value] : [(value & 0x7f) | 0x80, ...varint(value >>> 7)]);
  const lengthDelimited = (tag: number, body: number[]): number[] => [tag, ...varint(body.length), ...body];
  const unknownOfEveryWireType = [
    [0x78, 0x96, 0x01], // field 15, varint 150
    [0x79, 1, 2, 3, 4, 5, 6, 7, 8], // field 15, fixed64
    [0x7a, 2, 0xff, 0xfe], // field 15, 2 bytes of length-delimited garbage
    [0x7d, 1, 2, 3, 4], // field 15, fixed32
    [0x80, 0x01, 0x01], // field 16 (a two-byte tag), varint 1
  ].flat();

  it('skips unknown fields of wire types 0, 1, 2 and 5 at every level', () => {
    const content = bytes(unknownOfEveryWireType, lengthDelimited(0x0a, [0x6b]), unknownOfEveryWireType, lengthDelimited(0x12, [0x76]));
    const log = bytes(unknownOfEveryWireType, [0x08, 0x01], lengthDelimited(0x12, content), unknownOfEveryWireType);
    const tag = bytes(lengthDelimited(0x0a, [0x74]), unknownOfEveryWireType, lengthDelimited(0x12, [0x31]));
    const group = bytes(lengthDelimited(0x0a, log), unknownOfEveryWireType, lengthDelimited(0x32, tag), lengthDelimited(0x12, [0x72]));
    const list = new Uint8Array(bytes(unknownOfEveryWireType, lengthDelimited(0x0a, group), unknownOfEveryWireType));
    expect(decodeLogGroupList(list)).toEqual([{ time: 1, timeNs: undefined, topic: '', source: '', tags: { t: '1' }, fields: { k: 'v' }, group: 0 }]);
    expect(countLogGroups(list)).toBe(1);
    expect(countLogsInGroup(new Uint8Array(group))).toBe(1);
  });
});

describe('countLogsInGroup (PutLogs validation)', () => {
  const invalid: Record<string, string> = {
    'no logs': '1a0174', // Topic "t" only
    'a log without Time': '0a06' + '12040a001200',
    'a content without Value': '0a07' + '0801' + '12030a016b',
    'a tag without Key': '0a020801' + '3203120131',
    'Logs with a varint wire type': '0801',
    'Time with a length-delimited wire type': '0a02' + '0a00',
    'a log cut short': '0a05' + '0801',
  };

  it.each(Object.entries(invalid))('rejects %s', (_name, body) => {
    expect(() => countLogsInGroup(fromHex(body))).toThrow(CorruptDataError);
  });

  it('counts the logs of a valid group', () => {
    const group = encodeLogGroup({ logs: Array.from({ length: 7 }, (_, i) => ({ time: i, contents: [['k', String(i)]] })) });
    expect(countLogsInGroup(group)).toBe(7);
  });
});
