// protobufjs helpers for the codec tests: an independent encoder/decoder to check ours against.

import protobuf from 'protobufjs';
import { LogGroupType, type PbLogGroup } from '../../../bench/sls-protobufjs.js';

export { LogGroupListType, type PbLogGroup } from '../../../bench/sls-protobufjs.js';

/** Encodes with protobufjs. `plainWriter` forces its pure-JS writer, which encodes every string
 * with its own UTF-8 code (lone surrogates as ED A0..BF xx); the default Node writer does so
 * only for strings under 40 characters and uses Buffer for longer ones. */
export function protobufjsEncodeGroup(group: PbLogGroup, plainWriter = false): Uint8Array {
  const writer = plainWriter ? new protobuf.Writer() : protobuf.Writer.create();
  return LogGroupType.encode(LogGroupType.fromObject(group), writer).finish();
}

export function protobufjsDecodeGroup(bytes: Uint8Array): PbLogGroup {
  return LogGroupType.toObject(LogGroupType.decode(bytes), { arrays: true }) as PbLogGroup;
}
