// The §12 schema through protobufjs: the generic decoder that sluice's hand-written one is
// measured against (bench) and checked against (tests).

import protobuf from 'protobufjs';
import type { LogRecord } from '../src/sls/types.js';

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

interface Pair {
  Key: string;
  Value: string;
}
export interface PbLogGroup {
  Logs: Array<{ Time: number; TimeNs?: number; Contents: Pair[] }>;
  Topic?: string;
  Source?: string;
  MachineUUID?: string;
  LogTags: Pair[];
}

/** What a consumer built on protobufjs does: decode the list, then flatten it into records. */
export function protobufjsDecodeAndFlatten(bytes: Uint8Array): LogRecord[] {
  const list = LogGroupListType.decode(bytes) as unknown as { LogGroups: PbLogGroup[] };
  const records: LogRecord[] = [];
  list.LogGroups.forEach((group, index) => {
    const tags: Record<string, string> = {};
    for (const tag of group.LogTags) tags[tag.Key] = tag.Value;
    for (const log of group.Logs) {
      const fields: Record<string, string> = {};
      for (const content of log.Contents) fields[content.Key] = content.Value;
      records.push({ time: log.Time, timeNs: log.TimeNs, topic: group.Topic ?? '', source: group.Source ?? '', tags, fields, group: index });
    }
  });
  return records;
}
