// What every source integration test needs: an emulator, a client, sources with small
// intervals that are closed after each test, the emulator's admin calls, a log that can be
// inspected, and the ground truth read back from the emulator.

import pino, { type Logger } from 'pino';
import { afterEach, expect, vi } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { SlsClient } from '../../../src/sls/client.js';
import { decodeCursor } from '../../../src/sls/cursor.js';
import { ConsumerGroupSource, type ConsumerGroupSourceOptions } from '../../../src/sources/sls/consumer-group-source.js';
import { RecordingPipeline } from './recording-pipeline.js';

export const KEY = { accessKeyId: 'source-test-ak', accessKeySecret: 'source-test-secret' };

/**
 * Waits for `check` to pass. Longer than vi.waitFor's 1 s default: reading tens of
 * thousands of logs on a loaded 2-core machine can take a few seconds.
 */
export function eventually<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 10_000, interval: 20 });
}

export function clientFor(emulator: RunningEmulator): SlsClient {
  return new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: KEY });
}

/** An emulator, a client for it and a rig over both: what each test file starts with. */
export interface SourceSetup {
  emulator: RunningEmulator;
  client: SlsClient;
  rig: SourceRig;
}

/** Starts an emulator with `options`; `rig.stop()` closes the rig's sources, the client and the emulator. */
export async function startSetup(options: Parameters<typeof startEmulator>[0]): Promise<SourceSetup> {
  const emulator = await startEmulator(options);
  const client = clientFor(emulator);
  return { emulator, client, rig: new SourceRig(emulator, client) };
}

/**
 * For a file whose tests each need an emulator of their own (their options differ): call it
 * at the top of the file; each test awaits `start(options)` for its setup, which is stopped
 * after the test.
 */
export function setupPerTest(): (options: Parameters<typeof startEmulator>[0]) => Promise<SourceSetup> {
  let current: SourceSetup | undefined;
  afterEach(async () => {
    await current?.rig.stop();
    current = undefined;
  });
  return async (options) => (current = await startSetup(options));
}

/** Log lines as objects, for tests that check what was said. */
export interface CapturedLog {
  log: Logger;
  entries: Array<Record<string, unknown> & { level: number; msg: string }>;
}

export function captureLog(): CapturedLog {
  const entries: CapturedLog['entries'] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void entries.push(JSON.parse(line) as CapturedLog['entries'][number]) });
  return { log, entries };
}

/** Builds sources with test-sized intervals and closes them all in `closeAll`. */
export class SourceRig {
  readonly #sources: ConsumerGroupSource[] = [];

  constructor(
    readonly emulator: RunningEmulator,
    readonly client: SlsClient,
  ) {}

  source(pipeline: RecordingPipeline, options: Partial<ConsumerGroupSourceOptions> = {}): ConsumerGroupSource {
    const source = new ConsumerGroupSource({
      client: this.client,
      logstore: this.emulator.logstore,
      group: 'g',
      consumer: 'c1',
      from: { kind: 'begin' },
      until: null,
      heartbeatIntervalMs: 50,
      groupTimeoutSeconds: 2,
      inOrder: false,
      checkpointIntervalMs: 100,
      intake: pipeline,
      acks: pipeline,
      log: pino({ level: 'silent' }),
      idleWaitMs: 20,
      shardListMaxAgeMs: 50,
      backoff: { initialMs: 5, maxMs: 50, throttledMs: 20 },
      retryTimeoutMs: 10_000,
      ...options,
    });
    this.#sources.push(source);
    return source;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#sources.splice(0).map((source) => source.close()));
  }

  /** Sources first: they still talk to the emulator through the client while closing. */
  async stop(): Promise<void> {
    await this.closeAll();
    this.client.close();
    await this.emulator.close();
  }

  /** An admin call (`/_emulator/<path>`); resolves with its JSON answer. */
  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.emulator.url}/_emulator/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const answer: unknown = await response.json();
    expect(response.status, JSON.stringify(answer)).toBe(200);
    return answer;
  }

  generate(logs: number): Promise<unknown> {
    return this.admin('POST', 'generate', { logs });
  }

  /** The request_ids stored in `shard` between two cursors (or begin/end now). */
  async storedIds(shard: number, from: string = 'begin', to: string = 'end'): Promise<string[]> {
    const { client } = this;
    const logstore = this.emulator.logstore;
    const ids: string[] = [];
    let cursor = from === 'begin' || from === 'end' ? await client.getCursor(logstore, shard, from) : from;
    const end = to === 'begin' || to === 'end' ? await client.getCursor(logstore, shard, to) : to;
    while (decodeCursor(cursor) < decodeCursor(end)) {
      const pulled = await client.pullRecords(logstore, shard, { cursor, endCursor: end });
      for (const record of pulled.records) ids.push(record.fields.request_id ?? '');
      cursor = pulled.nextCursor;
    }
    return ids;
  }

  /** Every request_id stored in the logstore now, readonly shards included. */
  async allStoredIds(): Promise<string[]> {
    const shards = await this.client.listShards(this.emulator.logstore);
    return (await Promise.all(shards.map(({ shardID }) => this.storedIds(shardID)))).flat();
  }

  async checkpoints(group = 'g'): Promise<Map<number, string>> {
    const entries = await this.client.getCheckpoints(this.emulator.logstore, group);
    return new Map(entries.map((entry) => [entry.shard, entry.checkpoint]));
  }

  async endCursors(): Promise<Map<number, string>> {
    const logstore = this.emulator.logstore;
    const shards = await this.client.listShards(logstore);
    return new Map(await Promise.all(shards.map(async ({ shardID }) => [shardID, await this.client.getCursor(logstore, shardID, 'end')] as const)));
  }
}

/** Every id once: no duplicate, none missing, nothing else (sorted copies compared, so a failure shows the difference). */
export function expectExactlyOnce(delivered: readonly string[], stored: readonly string[]): void {
  expect(new Set(delivered).size, 'duplicates among the delivered request_ids').toBe(delivered.length);
  expect([...delivered].sort()).toEqual([...stored].sort());
}
