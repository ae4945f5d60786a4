// LogGroup and LogGroupList encoding (§12), for PutLogs and for the emulator's generated data.
//
// Two passes over the group: the first measures every string and message (protobuf needs each
// message's length before its bytes), the second writes into one exactly sized Buffer. The
// sizes from the first pass are kept in a reused scratch array so the second never re-measures.
// Required fields (Log.Time, Key, Value) are always written, empty or not: Go's generated
// decoder rejects a whole response when one is missing.

import { SlsError } from '../errors.js';
import type { LogGroupInput, LogInput } from '../types.js';
import { byteSize, varintSize, writeBytes, writeFixed32, writeVarint } from './protobuf-writer.js';

export { countLogsInGroup } from './log-group-validator.js';

const TAG_LOG = 0x0a; // LogGroup.Logs = 1, length-delimited (also LogGroupList.LogGroups)
const TAG_TOPIC = 0x1a; // 3
const TAG_SOURCE = 0x22; // 4
const TAG_MACHINE_UUID = 0x2a; // 5
const TAG_LOG_TAG = 0x32; // 6
const TAG_TIME = 0x08; // Log.Time = 1, varint
const TAG_CONTENT = 0x12; // Log.Contents = 2
const TAG_TIME_NS = 0x25; // Log.TimeNs = 4, fixed32
const TAG_KEY = 0x0a; // Content.Key / LogTag.Key = 1
const TAG_VALUE = 0x12; // Content.Value / LogTag.Value = 2

/** Byte sizes from the measuring pass, in writing order: per log its size, then key, value, ... */
let sizes: Int32Array = new Int32Array(4096);

/** Serializes one LogGroup (the body of PutLogs, before compression). */
export function encodeLogGroup(group: LogGroupInput): Uint8Array {
  let total = measureLogs(group.logs);
  total += optionalStringSize(group.topic) + optionalStringSize(group.source) + optionalStringSize(group.machineUuid);
  for (const [key, value] of group.tags ?? []) total += fieldSize(pairSize(byteSize(key), byteSize(value)));

  const out = Buffer.allocUnsafe(total);
  let pos = writeLogs(out, group.logs);
  pos = writeOptionalString(out, pos, TAG_TOPIC, group.topic);
  pos = writeOptionalString(out, pos, TAG_SOURCE, group.source);
  pos = writeOptionalString(out, pos, TAG_MACHINE_UUID, group.machineUuid);
  for (const [key, value] of group.tags ?? []) pos = writePair(out, pos, TAG_LOG_TAG, key, value, byteSize(key), byteSize(value));
  return out;
}

/** A LogGroupList of already serialized LogGroups: each wrapped as field 1, no re-encoding. */
export function encodeLogGroupList(serializedGroups: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const group of serializedGroups) total += fieldSize(group.length);
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const group of serializedGroups) {
    out[pos] = TAG_LOG;
    pos = writeVarint(out, pos + 1, group.length);
    out.set(group, pos);
    pos += group.length;
  }
  return out;
}

/** Measures every log into `sizes`; returns the bytes the Logs fields take. */
function measureLogs(logs: readonly LogInput[]): number {
  let total = 0;
  let next = 0;
  for (const log of logs) {
    checkTime(log);
    const needed = next + 1 + 2 * log.contents.length;
    if (needed > sizes.length) sizes = growSizes(sizes, needed);
    const logSlot = next++;
    let logSize = 1 + varintSize(log.time) + (log.timeNs === undefined ? 0 : 5);
    for (const [key, value] of log.contents) {
      const keySize = byteSize(key);
      const valueSize = byteSize(value);
      sizes[next++] = keySize;
      sizes[next++] = valueSize;
      logSize += fieldSize(pairSize(keySize, valueSize));
    }
    sizes[logSlot] = logSize;
    total += fieldSize(logSize);
  }
  return total;
}

function writeLogs(out: Buffer, logs: readonly LogInput[]): number {
  let pos = 0;
  let next = 0;
  for (const log of logs) {
    out[pos] = TAG_LOG;
    pos = writeVarint(out, pos + 1, sizes[next++] as number);
    out[pos] = TAG_TIME;
    pos = writeVarint(out, pos + 1, log.time);
    for (const [key, value] of log.contents) {
      const keySize = sizes[next++] as number;
      const valueSize = sizes[next++] as number;
      pos = writePair(out, pos, TAG_CONTENT, key, value, keySize, valueSize);
    }
    if (log.timeNs !== undefined) {
      out[pos] = TAG_TIME_NS;
      pos = writeFixed32(out, pos + 1, log.timeNs);
    }
  }
  return pos;
}

/** Writes a Content or LogTag message as field `tag`. */
function writePair(out: Buffer, pos: number, tag: number, key: string, value: string | Uint8Array, keySize: number, valueSize: number): number {
  out[pos] = tag;
  pos = writeVarint(out, pos + 1, pairSize(keySize, valueSize));
  out[pos] = TAG_KEY;
  pos = writeBytes(out, writeVarint(out, pos + 1, keySize), key, keySize);
  out[pos] = TAG_VALUE;
  return writeBytes(out, writeVarint(out, pos + 1, valueSize), value, valueSize);
}

function writeOptionalString(out: Buffer, pos: number, tag: number, value: string | undefined): number {
  if (value === undefined) return pos;
  const size = byteSize(value);
  out[pos] = tag;
  return writeBytes(out, writeVarint(out, pos + 1, size), value, size);
}

/** Size of a Content / LogTag message body. */
function pairSize(keySize: number, valueSize: number): number {
  return 2 + varintSize(keySize) + keySize + varintSize(valueSize) + valueSize;
}

/** Size of a length-delimited field with a one-byte tag and a body of `size` bytes. */
function fieldSize(size: number): number {
  return 1 + varintSize(size) + size;
}

function optionalStringSize(value: string | undefined): number {
  return value === undefined ? 0 : fieldSize(byteSize(value));
}

function growSizes(old: Int32Array, needed: number): Int32Array {
  const grown = new Int32Array(Math.max(needed, old.length * 2));
  grown.set(old);
  return grown;
}

function checkTime(log: LogInput): void {
  if (!Number.isInteger(log.time) || log.time < 0 || log.time > 0xffffffff) {
    throw new SlsError({ code: 'ParameterInvalid', message: `log time ${log.time} is not whole Unix seconds (0 .. 4294967295)`, retryable: false });
  }
  if (log.timeNs !== undefined && !(Number.isInteger(log.timeNs) && log.timeNs >= 0 && log.timeNs <= 999_999_999)) {
    throw new SlsError({ code: 'ParameterInvalid', message: `log timeNs ${log.timeNs} is not a nanosecond part (0 .. 999999999)`, retryable: false });
  }
}
