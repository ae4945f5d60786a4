// PutLogs, sls-protocol.md §11: one LogGroup per request, maybe compressed, validated and
// stored as received. Three routes reach it: `/shards/lb` (Java, Python, Node), the bare
// `/logstores/{ls}` (Go) and `/shards/route?key=` (hash routed).

import { countLogsInGroup } from '../sls/codec/log-group-encoder.js';
import { decompress, parseCompressType } from '../sls/codec/compression.js';
import { SlsError } from '../sls/errors.js';
import type { EmulatorContext } from './context.js';
import type { Logstore } from './logstore.js';
import { requiredParam, type EmulatorRequest } from './request.js';
import { emptyReply, type Reply } from './responses.js';

/** The SDKs' own limit on a LogGroup's raw size; the service rejects larger bodies. */
export const MAX_PUT_BYTES = 10 * 1024 * 1024;

export function putLogs(req: EmulatorRequest, ctx: EmulatorContext, logstore: Logstore, routed: boolean): Reply {
  const group = decodedBody(req);
  const logs = countLogs(group);
  const shard = routed ? logstore.shardForKey(requiredParam(req.query, 'key')) : logstore.nextWritableShard();
  shard.groups.append(group, logs, Math.floor(ctx.now() / 1000));
  ctx.stats.writtenGroups += 1;
  ctx.stats.writtenLogs += logs;
  return emptyReply();
}

function decodedBody(req: EmulatorRequest): Uint8Array {
  const h = req.headers;
  if ((h['content-type'] ?? '').startsWith('application/json')) {
    throw new SlsError({ code: 'InvalidContentType', status: 415, message: 'the emulator takes PutLogs bodies as application/x-protobuf only' });
  }
  if (req.body.byteLength === 0) throw postBodyInvalid('the body is empty: send one LogGroup');
  const type = parseCompressType(h['x-log-compresstype']);
  if (type === undefined) {
    throw new SlsError({ code: 'InvalidCompressType', status: 400, message: `x-log-compresstype ${h['x-log-compresstype']} is not lz4, zstd or deflate` });
  }
  if (type === 'none') return checkSize(req.body);
  const declared = h['x-log-bodyrawsize'];
  if (declared === undefined) throw new SlsError({ code: 'MissingBodyRawSize', status: 400, message: 'a compressed body needs x-log-bodyrawsize' });
  if (!/^\d{1,10}$/.test(declared)) throw new SlsError({ code: 'InvalidBodyRawSize', status: 400, message: `x-log-bodyrawsize ${declared} is not a size` });
  checkSize({ byteLength: Number(declared) });
  try {
    return decompress(type, req.body, Number(declared));
  } catch (error) {
    throw postBodyInvalid(
      `the ${type} body does not decompress to x-log-bodyrawsize ${declared} bytes (${diagnosis(error)}): ` +
        `send the size of the LogGroup before compression in x-log-bodyrawsize, and the body compressed as x-log-compresstype says`,
    );
  }
}

function countLogs(group: Uint8Array): number {
  let logs: number;
  try {
    logs = countLogsInGroup(group);
  } catch (error) {
    throw postBodyInvalid(`the body is not a LogGroup (${diagnosis(error)}): send one serialized LogGroup (sls-protocol.md §12) per request`);
  }
  if (logs === 0) throw postBodyInvalid('the LogGroup holds no log');
  return logs;
}

function checkSize<T extends { byteLength: number }>(raw: T): T {
  if (raw.byteLength > MAX_PUT_BYTES) {
    throw new SlsError({ code: 'PostBodyTooLarge', status: 413, message: `the LogGroup is ${raw.byteLength} bytes raw, over the ${MAX_PUT_BYTES}-byte limit` });
  }
  return raw;
}

/** The codec's finding (it says what is wrong, not what to do). */
function diagnosis(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function postBodyInvalid(message: string): SlsError {
  return new SlsError({ code: 'PostBodyInvalid', status: 400, message });
}
