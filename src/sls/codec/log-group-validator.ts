// Strict structural validation of one LogGroup, as a PutLogs body must be before it is stored.
//
// Stricter than the decoder on purpose: the decoder reads whatever a server sends as well as it
// can, while whatever the emulator accepts is served back later to every SDK, and Go's
// generated code rejects a whole response for one missing required field (§12). Values are
// never checked for UTF-8: SLS carries arbitrary bytes.

import { ProtoReader, WIRE_FIXED32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf-reader.js';

const LOG_GROUP_FIELDS: Readonly<Record<number, number>> = {
  1: WIRE_LENGTH_DELIMITED, // Logs
  2: WIRE_LENGTH_DELIMITED, // Reserved
  3: WIRE_LENGTH_DELIMITED, // Topic
  4: WIRE_LENGTH_DELIMITED, // Source
  5: WIRE_LENGTH_DELIMITED, // MachineUUID
  6: WIRE_LENGTH_DELIMITED, // LogTags
};
const LOG_FIELDS: Readonly<Record<number, number>> = { 1: WIRE_VARINT, 2: WIRE_LENGTH_DELIMITED, 4: WIRE_FIXED32 };
const PAIR_FIELDS: Readonly<Record<number, number>> = { 1: WIRE_LENGTH_DELIMITED, 2: WIRE_LENGTH_DELIMITED };

/** Validates one serialized LogGroup and returns its number of logs (at least 1). Throws CorruptDataError. */
export function countLogsInGroup(serializedGroup: Uint8Array): number {
  const reader = new ProtoReader(serializedGroup, 'LogGroup');
  let logs = 0;
  readMessage(reader, serializedGroup.length, LOG_GROUP_FIELDS, (field, end) => {
    if (field === 1) {
      readLog(reader, end);
      logs++;
    } else if (field === 6) readPair(reader, end, 'LogTag');
    else reader.pos = end;
  });
  if (logs === 0) reader.fail('the LogGroup holds no logs', 0);
  return logs;
}

function readLog(reader: ProtoReader, end: number): void {
  const start = reader.pos;
  let hasTime = false;
  readMessage(reader, end, LOG_FIELDS, (field, fieldEnd) => {
    if (field === 1) hasTime = true;
    else if (field === 2) readPair(reader, fieldEnd, 'Log.Content');
  });
  if (!hasTime) reader.fail('a Log has no Time (a required field)', start);
}

function readPair(reader: ProtoReader, end: number, what: string): void {
  const start = reader.pos;
  let seen = 0;
  readMessage(reader, end, PAIR_FIELDS, (field, fieldEnd) => {
    seen |= field; // Key = 1 and Value = 2 double as bit flags
    reader.pos = fieldEnd;
  });
  if (seen !== 3) reader.fail(`a ${what} lacks its ${seen & 1 ? 'Value' : 'Key'} (a required field)`, start);
}

/**
 * Walks the fields of a message that ends at `end`. A known field must have its schema's wire
 * type; its value is consumed by `onField` (length-delimited: given the value's end, positioned
 * at its start) or here (varint, fixed32). Unknown fields are skipped.
 */
function readMessage(
  reader: ProtoReader,
  end: number,
  schema: Readonly<Record<number, number>>,
  onField: (field: number, fieldEnd: number) => void,
): void {
  while (reader.pos < end) {
    const tagStart = reader.pos;
    const tag = reader.tag(end);
    const field = tag >>> 3;
    const wireType = schema[field];
    if (wireType === undefined) {
      reader.skip(tag, end);
      continue;
    }
    if ((tag & 7) !== wireType) reader.fail(`field ${field} has wire type ${tag & 7}, expected ${wireType}`, tagStart);
    if (wireType === WIRE_LENGTH_DELIMITED) {
      const fieldEnd = reader.lengthEnd(end);
      onField(field, fieldEnd);
      reader.pos = fieldEnd;
    } else {
      reader.skip(tag, end);
      onField(field, reader.pos);
    }
  }
}
