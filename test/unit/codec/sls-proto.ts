// The §12 schema as protobufjs sees it: an independent encoder/decoder to check ours against.

import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto2";
message Log {
  required uint32  Time     = 1;
  repeated Content Contents = 2;
  optional fixed32 TimeNs   = 4;
  message Content {
    required string Key   = 1;
    required string Value = 2;
  }
}
message LogTag {
  required string Key   = 1;
  required string Value = 2;
}
message LogGroup {
  repeated Log    Logs        = 1;
  optional string Reserved    = 2;
  optional string Topic       = 3;
  optional string Source      = 4;
  optional string MachineUUID = 5;
  repeated LogTag LogTags     = 6;
}
message LogGroupList {
  repeated LogGroup LogGroups = 1;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
export const LogGroupType = root.lookupType('LogGroup');
export const LogGroupListType = root.lookupType('LogGroupList');

export interface PbLogGroup {
  Logs: Array<{ Time: number; TimeNs?: number; Contents: Array<{ Key: string; Value: string }> }>;
  Topic?: string;
  Source?: string;
  MachineUUID?: string;
  LogTags: Array<{ Key: string; Value: string }>;
}

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
