// Decode threads for the NDJSON path: the transcoder, the heaviest per-record work sluice does,
// runs off the main thread, which keeps pulling, writing and acking meanwhile. A batch goes to
// the thread with the fewest batches in hand. Bytes move both ways by transfer, not by copy:
// the pulled body to the thread (the batch no longer holds it afterwards), its NDJSON chunks
// back (bytes, not object graphs: a structured clone of records would cost more than decoding
// them), and chunks the sink has written back again with a later batch, for the thread's
// transcoder to fill anew. A thread that throws hands the body back with the error.
//
// A thread holding BATCHES_PER_THREAD batches has enough to stay busy until the next arrives;
// the pool is then `saturated`, and the caller decodes a further batch itself (on a 2-core
// machine the main thread would otherwise sit idle while one thread decodes).
//
// Threads are unref'd while idle, so an idle pool never keeps the process alive, and ref'd
// while they hold a batch, so a pending decode always does.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RequestParserOptions } from '../parse/request-parser.js';
import type { TranscodedBatch } from './batch-transcoder.js';
import type { PulledBatch } from './pulled-batch.js';

export interface DecodeRequest {
  id: number;
  batch: PulledBatch;
  chunkRecords: number;
  /** The ArrayBuffers of written chunks, for the transcoder to fill again (see JsonBytes.recycle()). */
  spares: ArrayBuffer[];
}

export type DecodeReply = { id: number; decoded: TranscodedBatch } | { id: number; error: string; bytes: Uint8Array };

/** Batches a thread holds (one decoding, one waiting) before it counts as busy enough. */
export const BATCHES_PER_THREAD = 2;

interface Job {
  batch: PulledBatch;
  resolve(decoded: TranscodedBatch): void;
  reject(error: Error): void;
}

class DecodeThread {
  readonly worker: Worker;
  readonly jobs = new Map<number, Job>();
  /** Why the thread is gone; every later job fails with it at once. */
  #failure: Error | undefined;

  constructor(script: URL, parse: RequestParserOptions) {
    this.worker = new Worker(script, { workerData: parse });
    this.worker.unref();
    this.worker.on('message', (reply: DecodeReply) => this.#settle(reply));
    this.worker.on('error', (error) => this.#failAll(error));
    this.worker.on('exit', (code) => this.#failAll(new Error(`the decode thread exited (code ${code})`)));
  }

  run(id: number, request: DecodeRequest): Promise<TranscodedBatch> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<TranscodedBatch>((resolve, reject) => {
      if (this.jobs.size === 0) this.worker.ref();
      this.jobs.set(id, { batch: request.batch, resolve, reject });
      const body = ownBuffer(request.batch.logGroupList);
      this.worker.postMessage(request, body === undefined ? request.spares : [body, ...request.spares]);
    });
  }

  #settle(reply: DecodeReply): void {
    const job = this.jobs.get(reply.id);
    if (job === undefined) return;
    this.jobs.delete(reply.id);
    if (this.jobs.size === 0) this.worker.unref();
    if ('error' in reply) {
      job.batch.logGroupList = reply.bytes;
      job.reject(new Error(`the decode thread failed: ${reply.error}`));
    } else job.resolve(withBuffers(reply.decoded));
  }

  #failAll(error: Error): void {
    this.#failure ??= error;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}

export class DecodePool {
  readonly #threads: DecodeThread[];
  #nextId = 0;

  /** `threads` >= 1; `script` is the compiled decode-worker.js (found next to this file by default). */
  constructor(options: { threads: number; parse: RequestParserOptions; script?: URL }) {
    const script = options.script ?? workerScript();
    this.#threads = Array.from({ length: options.threads }, () => new DecodeThread(script, options.parse));
  }

  /** Every thread holds BATCHES_PER_THREAD batches: a further one is better decoded by the caller. */
  get saturated(): boolean {
    return this.#threads.every((thread) => thread.jobs.size >= BATCHES_PER_THREAD);
  }

  /**
   * What the transcoder makes of `batch`, made on a decode thread; `batch.logGroupList` moves
   * to the thread, and so do `spares` (see DecodeRequest). Rejects only if the thread fails:
   * when it threw, the bytes are back in `batch`; when it died, they are gone.
   */
  decode(batch: PulledBatch, chunkRecords: number, spares: ArrayBuffer[] = []): Promise<TranscodedBatch> {
    let thread = this.#threads[0] as DecodeThread;
    for (const candidate of this.#threads) if (candidate.jobs.size < thread.jobs.size) thread = candidate;
    const id = this.#nextId++;
    return thread.run(id, { id, batch, chunkRecords, spares });
  }

  async close(): Promise<void> {
    // Ref'd while they end, so that the wait for their exit keeps the process alive: an unref'd
    // thread's exit need not, and a caller with nothing else pending could see the process leave.
    await Promise.all(
      this.#threads.map((thread) => {
        thread.worker.ref();
        return thread.worker.terminate();
      }),
    );
  }
}

/** The ArrayBuffer behind `bytes` when they fill it alone, so that transferring it moves nothing else. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer | undefined {
  const { buffer } = bytes;
  // Node's shared pool backs many small Buffers at once; a SharedArrayBuffer cannot be transferred.
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || buffer.byteLength !== bytes.byteLength) return undefined;
  return buffer;
}

/** A transferred chunk arrives as a Uint8Array: make it a Buffer again, without a copy. */
function withBuffers(decoded: TranscodedBatch): TranscodedBatch {
  for (const chunk of decoded.chunks) {
    const bytes = chunk.ndjson as Uint8Array;
    chunk.ndjson = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return decoded;
}

/**
 * decode-worker.js beside this module. Run from the TypeScript sources (the tests), there is
 * none: Node cannot start a thread on a .ts file, so the compiled one in dist/ is used, which
 * the test setup builds before any test runs.
 */
function workerScript(): URL {
  const beside = new URL('./decode-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const compiled = new URL('../../dist/src/pipeline/decode-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return compiled;
  throw new Error(`no compiled decode thread at ${fileURLToPath(beside)} or ${fileURLToPath(compiled)}: run npm run build`);
}
