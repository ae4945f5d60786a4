// Backpressure against the emulator: a test loop stands in for the source (it awaits room()
// before every PullLogs, as the source does) and feeds a deliberately slow sink. Records in
// flight must stay within capacity plus one pull per shard, every request_id must arrive
// exactly once, and the heap must not grow with the number of records processed.

import { setTimeout as delay } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import type { DeadLetterEntry } from '../../../src/pipeline/dead-letter.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { SlsClient } from '../../../src/sls/client.js';

const KEY = { accessKeyId: 'bp-access-key', accessKeySecret: 'bp-access-secret' };
const SHARDS = 2;
const LOGS = 100_000;
const CAPACITY = 3000;
/** Log groups per PullLogs: with the emulator's 550-log groups, up to 1100 records per pull. */
const PULL_GROUPS = 2;

let emulator: RunningEmulator;
let client: SlsClient;

beforeAll(async () => {
  emulator = await startEmulator({ ...KEY, shards: SHARDS, generate: LOGS });
  // Its background compression would otherwise churn the heap while the test measures it.
  await emulator.warmed;
  client = new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: KEY });
});
afterAll(async () => {
  client.close();
  await emulator.close();
});

/** A sink that takes a moment per commit and counts each request_id in a bitmap (a Set would itself grow the heap). */
class SlowSink {
  readonly input = 'records';
  readonly seen = new Uint8Array(LOGS);
  duplicates = 0;
  foreign = 0;

  async write(records: readonly RequestRecord[]): Promise<void> {
    await delay(1);
    for (const record of records) {
      // The generator's ids are the seed's 8 hex digits, then the log's index in 24 hex digits.
      const index = Number.parseInt(String(record.request_id).slice(8), 16);
      if (!(index >= 0 && index < LOGS)) this.foreign += 1;
      else if (this.seen[index] === 1) this.duplicates += 1;
      else this.seen[index] = 1;
    }
  }
}

/** The source's loop, reduced: per shard, room() then PullLogs then accept(), until `stop` says so. */
class TestReader {
  readonly cursors = new Map<number, string>();
  readonly ends = new Map<number, string>();
  /** The most records one accepted pull carried, per shard. */
  readonly largestPull = new Map<number, number>();
  accepted = 0;

  constructor(readonly pipeline: Pipeline) {}

  async open(): Promise<void> {
    for (let shard = 0; shard < SHARDS; shard++) {
      this.cursors.set(shard, await client.getCursor(emulator.logstore, shard, 'begin'));
      this.ends.set(shard, await client.getCursor(emulator.logstore, shard, 'end'));
    }
  }

  /** Reads every shard until `limit` records were accepted overall, or to its end. */
  read(limit: number): Promise<void[]> {
    return Promise.all([...this.cursors.keys()].map((shard) => this.#readShard(shard, limit)));
  }

  async #readShard(shard: number, limit: number): Promise<void> {
    const signal = new AbortController().signal;
    while (this.accepted < limit && this.cursors.get(shard) !== this.ends.get(shard)) {
      await this.pipeline.room(signal);
      const cursor = this.cursors.get(shard) as string;
      const pull = await client.pullLogs(emulator.logstore, shard, { cursor, count: PULL_GROUPS });
      const before = this.pipeline.stats().acceptedRecords;
      this.pipeline.accept({ shard, cursor, nextCursor: pull.nextCursor, logGroupList: pull.logGroupList, logGroups: pull.count, rawSize: pull.rawSize });
      const records = this.pipeline.stats().acceptedRecords - before;
      this.accepted += records;
      this.largestPull.set(shard, Math.max(this.largestPull.get(shard) ?? 0, records));
      this.cursors.set(shard, pull.nextCursor);
    }
  }
}

function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

it('keeps records in flight within capacity + one pull per shard, delivers each request_id once, and does not grow the heap', async () => {
  const sink = new SlowSink();
  const noDeadLetters = { write: async (entries: readonly DeadLetterEntry[]) => expect(entries).toEqual([]) };
  const pipeline = new Pipeline({
    sink,
    deadLetter: noDeadLetters,
    parse: { fields: 'all' },
    workers: 4,
    queueCapacity: CAPACITY,
    batch: { maxRecords: 500, maxBytes: 4 * 1024 * 1024, lingerMs: 20 },
    chunkRecords: 250,
    log: pino({ level: 'silent' }),
  });
  const reader = new TestReader(pipeline);
  await reader.open();

  // Phase 1 warms everything up (JIT, caches, p-queue); phase 2 processes as many records again.
  await reader.read(LOGS / 2);
  await pipeline.drain();
  const heapAfterFirstHalf = heapAfterGc();
  await reader.read(LOGS);
  await pipeline.drain();
  const heapAfterSecondHalf = heapAfterGc();

  const onePullPerShard = [...reader.largestPull.values()].reduce((sum, records) => sum + records, 0);
  const stats = pipeline.stats();
  expect(stats.peakInFlightRecords).toBeGreaterThan(CAPACITY / 2);
  expect(stats.peakInFlightRecords).toBeLessThanOrEqual(CAPACITY + onePullPerShard);
  expect(stats).toMatchObject({ acceptedRecords: LOGS, ackedRecords: LOGS, deadLetteredRecords: 0, inFlightRecords: 0 });
  expect({ duplicates: sink.duplicates, foreign: sink.foreign, missing: sink.seen.indexOf(0) }).toEqual({ duplicates: 0, foreign: 0, missing: -1 });
  for (const [shard, end] of reader.ends) expect(pipeline.watermark(shard)).toBe(end);
  // ~50k parsed records retained would be tens of MB; 8 MB leaves room for noise, not for a leak.
  expect(heapAfterSecondHalf - heapAfterFirstHalf).toBeLessThan(8 * 1024 * 1024);
});
