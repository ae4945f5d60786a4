// The ceilings the sinks are measured against, on the bytes the emulator serves them: PullLogs
// answers pulled once as the emulator sent them (lz4), then, in memory on this one thread,
// (a) decompressed and decoded to records (decodeLogGroupList), and (b) decompressed and
// transcoded to the file sink's NDJSON by the project's own protobuf-to-NDJSON transcoder.
// Nothing else happens in a pass: no network, no queue, no sink.

import { Agent } from 'node:http';
import { createNdjsonTranscoder } from '../src/pipeline/batch-transcoder.js';
import { DEFAULT_CHUNK_RECORDS } from '../src/pipeline/pipeline.js';
import { decompress } from '../src/sls/codec/compression.js';
import { decodeLogGroupList } from '../src/sls/codec/log-group-list-decoder.js';
import { pullShard, type RawPull } from './raw-pulls.js';
import { medianSeconds } from './report.js';

/** Passes per sample, after a warm-up pass; a sample is their median. */
const PASSES = 3;

export interface CeilingData {
  pulls: RawPull[];
  logs: number;
}

/** The answers to pulling every shard of the emulator at `port` from begin, round robin, until at least `logs` logs. */
export async function pullCeilingData(port: number, shards: number, logs: number): Promise<CeilingData> {
  const agent = new Agent({ keepAlive: true, maxSockets: shards });
  const perShard = Math.ceil(logs / shards);
  const pulls: RawPull[] = [];
  let pulled = 0;
  try {
    for (let shard = 0; shard < shards; shard++) {
      let shardLogs = 0;
      await pullShard(port, agent, shard, true, (pull) => {
        const count = decodeLogGroupList(decompress('lz4', pull.body, pull.rawSize)).length;
        pulls.push(pull);
        shardLogs += count;
        return shardLogs < perShard;
      });
      pulled += shardLogs;
    }
  } finally {
    agent.destroy();
  }
  return { pulls, logs: pulled };
}

/** Records/s of ceiling (a): lz4 decompression and LogGroupList decoding to records. */
export function decodeCeiling(data: CeilingData): number {
  return data.logs / medianSeconds(PASSES, () => {
    for (const pull of data.pulls) decodeLogGroupList(decompress('lz4', pull.body, pull.rawSize));
  });
}

/** Records/s of ceiling (b): lz4 decompression and transcoding to NDJSON (parse.fields: all, the default). */
export function ndjsonCeiling(data: CeilingData): number {
  const transcoder = createNdjsonTranscoder({ fields: 'all' });
  return data.logs / medianSeconds(PASSES, () => {
    for (const pull of data.pulls) {
      const logGroupList = decompress('lz4', pull.body, pull.rawSize);
      const batch = { shard: pull.shard, cursor: pull.cursor, nextCursor: pull.nextCursor, logGroupList, logGroups: pull.logGroups, rawSize: pull.rawSize };
      if (transcoder.transcode(batch, DEFAULT_CHUNK_RECORDS).logs === 0) throw new Error(`the transcoder decoded nothing of shard ${pull.shard} at ${pull.cursor}`);
    }
  });
}
