// The body of a decode thread (see decode-pool.ts): pulled batches in, NDJSON chunks out.
// Each thread keeps one transcoder, whose key tables warm up across batches. The chunks'
// bytes are transferred back, not copied: the transcoder hands out each buffer it fills and
// never touches it again.

import { parentPort, workerData } from 'node:worker_threads';
import type { RequestParserOptions } from '../parse/request-parser.js';
import { createNdjsonTranscoder, type TranscodedBatch } from './batch-transcoder.js';
import { ownBuffer, type DecodeReply, type DecodeRequest } from './decode-pool.js';

const port = parentPort;
if (port === null) throw new Error('decode-worker.js runs as a worker thread (see decode-pool.ts), not on its own');

const transcoder = createNdjsonTranscoder(workerData as RequestParserOptions);

port.on('message', ({ id, batch, chunkRecords }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const decoded = transcoder.transcode(batch, chunkRecords);
    reply = { id, decoded };
    port.postMessage(reply, transferable(decoded));
  } catch (error) {
    // The bytes go back with the error, so the main thread can decode them itself.
    const bytes = batch.logGroupList;
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error), bytes };
    port.postMessage(reply, ownBuffer(bytes) === undefined ? [] : [bytes.buffer as ArrayBuffer]);
  }
});

/** The chunks' own ArrayBuffers (a small chunk may sit in Node's shared buffer pool: that one is copied). */
function transferable(decoded: TranscodedBatch): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const { ndjson } of decoded.chunks) {
    const own = ownBuffer(ndjson);
    if (own !== undefined) buffers.push(own);
  }
  return buffers;
}
