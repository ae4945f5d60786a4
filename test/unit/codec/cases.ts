// Random LogGroups for round-trip tests, and the records a correct decoder makes of them.

import type { LogGroupInput, LogInput, LogRecord } from '../../../src/sls/types.js';
import type { PbLogGroup } from './sls-proto.js';
import type { SeededRandom } from '../../../src/emulator/seeded-random.js';

const KEYS = ['', 'k', 'status', 'request_uri', '__proto__', 'constructor', '123', 'ключ', '键', 'a'.repeat(70), 'x y'];
const SAMPLES = ['', '-', '200', 'GET', '中文日志', 'café', 'emoji 😀 here', 'tab\tnew\nline', '\u0000nul', 'ü'.repeat(40)];
/** Lone surrogates, short enough (< 40 chars) that every protobufjs writer keeps them as ED A0..BF xx. */
const LONE_SURROGATES = ['\ud800', 'a\udc00b', 'end\udbff', '\udfff\ud800x'];

export interface CaseOptions {
  /** Include strings with lone surrogates (only protobufjs writes them back faithfully). */
  loneSurrogates?: boolean;
}

export function randomString(random: SeededRandom, options: CaseOptions = {}): string {
  const kind = random.below(options.loneSurrogates ? 5 : 4);
  if (kind === 0) return random.pick(SAMPLES);
  if (kind === 4) return random.pick(LONE_SURROGATES);
  const length = kind === 1 ? random.below(8) : kind === 2 ? random.below(120) : 200 + random.below(400);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(32 + random.below(95));
  return text;
}

export function randomGroup(random: SeededRandom, options: CaseOptions = {}): LogGroupInput {
  const logs: LogInput[] = [];
  const logCount = 1 + random.below(6);
  for (let i = 0; i < logCount; i++) {
    const contents: Array<[string, string]> = [];
    const fields = random.below(8);
    for (let f = 0; f < fields; f++) contents.push([random.pick(KEYS), randomString(random, options)]);
    const log: LogInput = random.below(2) === 0
      ? { time: random.uint32(), contents }
      : { time: random.uint32(), timeNs: random.below(1_000_000_000), contents };
    logs.push(log);
  }
  const group: { -readonly [K in keyof LogGroupInput]: LogGroupInput[K] } = { logs };
  if (random.below(3) > 0) group.topic = randomString(random, options);
  if (random.below(3) > 0) group.source = random.pick(['127.0.0.1', '10.0.0.1', '']);
  if (random.below(4) === 0) group.machineUuid = 'machine-uuid-1';
  if (random.below(2) === 0) {
    group.tags = Array.from({ length: 1 + random.below(3) }, () => [random.pick(KEYS), randomString(random, options)] as const);
  }
  return group;
}

/** What decodeLogGroupList must return for `groups` (later keys win, tags shared per group). */
export function expectedRecords(groups: readonly LogGroupInput[]): LogRecord[] {
  return groups.flatMap((group, index) => {
    const tags = asObject(group.tags ?? []);
    return group.logs.map((log) => ({
      time: log.time,
      timeNs: log.timeNs,
      topic: group.topic ?? '',
      source: group.source ?? '',
      tags,
      fields: asObject(log.contents as ReadonlyArray<readonly [string, string]>),
      group: index,
    }));
  });
}

/** The same group in protobufjs's shape. */
export function toProtobufjs(group: LogGroupInput): PbLogGroup {
  const pb: PbLogGroup = {
    Logs: group.logs.map((log) => ({
      Time: log.time,
      ...(log.timeNs === undefined ? {} : { TimeNs: log.timeNs }),
      Contents: log.contents.map(([Key, Value]) => ({ Key, Value: Value as string })),
    })),
    LogTags: (group.tags ?? []).map(([Key, Value]) => ({ Key, Value })),
  };
  if (group.topic !== undefined) pb.Topic = group.topic;
  if (group.source !== undefined) pb.Source = group.source;
  if (group.machineUuid !== undefined) pb.MachineUUID = group.machineUuid;
  return pb;
}

function asObject(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const object: Record<string, string> = {};
  for (const [key, value] of pairs) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}
