// The body of a decode thread (see decode-pool.ts): pulled batches in, NDJSON chunks out.
// Each thread keeps one transcoder, whose key tables warm up across batches. The chunks'
// bytes are transferred back, not copied: the transcoder hands out each buffer it fills and
// never touches it again, unless it comes back as a spare.

import { parentPort, workerData } from 'node:worker_threads';
import type { RequestParserOptions } from '../parse/request-parser.js';
import { createNdjsonTranscoder } from './batch-transcoder.js';
import { ownBuffer, type DecodeReply, type DecodeRequest } from './decode-pool.js';

const port = parentPort;
if (port === null) throw new Error('decode-worker.js runs as a worker thread (see decode-pool.ts), not on its own');

const transcoder = createNdjsonTranscoder(workerData as RequestParserOptions);

port.on('message', ({ id, batch, chunkRecords, spares }: DecodeRequest) => {
  for (const spare of spares) transcoder.recycle(spare);
  let reply: DecodeReply;
  try {
    const decoded = transcoder.transcode(batch, chunkRecords);
    reply = { id, decoded };
    // Each chunk starts an ArrayBuffer of its own (see JsonBytes.take()): it moves whole.
    port.postMessage(reply, decoded.chunks.map((chunk) => chunk.ndjson.buffer as ArrayBuffer));
  } catch (error) {
    // The bytes go back with the error, so the main thread can decode them itself.
    const bytes = batch.logGroupList;
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error), bytes };
    port.postMessage(reply, ownBuffer(bytes) === undefined ? [] : [bytes.buffer as ArrayBuffer]);
  }
});

