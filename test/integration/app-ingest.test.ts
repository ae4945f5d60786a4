// runIngest, the composition of `sluice run`, against the emulator in this process: signals
// are emitted on an EventEmitter, so SIGTERM lands exactly where the test wants it.

import { EventEmitter } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runIngest } from '../../src/app/ingest.js';
import { configSchema, type SluiceConfig } from '../../src/config/schema.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { ProgressSnapshot } from '../../src/observe/progress.js';
import { SlsClient } from '../../src/sls/client.js';
import { expectExactlyOnce } from '../helpers/delivery.js';
import { ManualTimers } from '../unit/lifecycle/manual-timers.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';
import { storedRequestIds } from '../helpers/sls-readback.js';
import { StuckSink } from '../helpers/stuck-sink.js';

const KEY = { accessKeyId: 'app-id', accessKeySecret: 'app-secret' };
const log = pino({ level: 'silent' });
let emulator: RunningEmulator;
let client: SlsClient;
let stored: string[];
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, shards: 3, generate: 20_000, ...KEY });
  client = new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: KEY });
  stored = await storedRequestIds(client, emulator.logstore);
  dir = mkdtempSync(join(tmpdir(), 'sluice-app-'));
});

afterAll(async () => {
  client.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Appends `logs` generated logs to the emulator's logstore. */
async function generate(logs: number): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/generate`, { method: 'POST', body: JSON.stringify({ logs }) });
  expect(response.ok, await response.text()).toBe(true);
}

/** A config against the emulator with short intervals, writing into `name`.ndjson of the temp directory. */
function config(name: string, source: Record<string, unknown> = {}): SluiceConfig {
  return configSchema.parse({
    source: {
      endpoint: emulator.url,
      project: emulator.project,
      logstore: emulator.logstore,
      ...KEY,
      consumerGroup: name,
      consumer: 'app-test',
      heartbeatInterval: '100ms',
      groupTimeout: '2s',
      checkpointInterval: '200ms',
      ...source,
    },
    pipeline: { workers: 2, queueCapacity: 4000, drainTimeout: '10s' },
    sink: { type: 'file', path: join(dir, `${name}.ndjson`) },
    deadLetter: { path: join(dir, `${name}.dead.ndjson`) },
  });
}

describe('runIngest', () => {
  it('with until end, delivers every stored request exactly once and ends with reason "end"', async () => {
    const outcome = await runIngest({ config: config('until-end', { until: 'end' }), signals: new EventEmitter(), log });
    expect(outcome.reason, String(outcome.error)).toBe('end');
    expect(outcome.stats).toMatchObject({ ackedRecords: stored.length, deadLetteredRecords: 0, inFlightRecords: 0 });
    expectExactlyOnce(requestIds(readSink(join(dir, 'until-end.ndjson'))), stored);
  });

  it('drains on SIGTERM mid-run; a second run of the same group delivers the rest, exactly once overall', async () => {
    const signals = new EventEmitter();
    const output = join(dir, 'sigterm.ndjson');
    // Slow pulls and logs still arriving when the signal comes: it lands while pulling goes on.
    emulator.setFaults('PullLogs:latency=40ms');
    try {
      const running = runIngest({ config: config('sigterm'), signals, log });
      await waitForSinkLines(output, 1);
      for (let i = 0; i < 5; i++) await generate(550);
      signals.emit('SIGTERM', 'SIGTERM');
      const first = await running;
      expect(first.reason, String(first.error)).toBe('drained');
      expect(first.stats.inFlightRecords).toBe(0);
      expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGUSR2')).toBe(0);
    } finally {
      emulator.setFaults('');
    }
    // Arrived while no consumer ran: only the checkpoint of the drain says where the rest begins.
    await generate(1000);
    const second = await runIngest({ config: config('sigterm', { until: 'end' }), signals: new EventEmitter(), log });
    expect(second.reason, String(second.error)).toBe('end');
    expect(second.stats.ackedRecords).toBeGreaterThan(0);
    expectExactlyOnce(requestIds(readSink(output)), await storedRequestIds(client, emulator.logstore));
  });

  it('hears SIGTERM sent as it starts, before its job lock is taken, and ends "drained" having pulled nothing', async () => {
    const signals = new EventEmitter();
    const running = runIngest({ config: config('at-start', { until: 'end' }), signals, log });
    signals.emit('SIGTERM', 'SIGTERM');
    const outcome = await running;
    expect(outcome.reason, String(outcome.error)).toBe('drained');
    expect(outcome.stats.acceptedRecords).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('drains when run.maxRuntime passes on its timers, ends with reason "max-runtime" and reports the checkpoints it left', async () => {
    const timers = new ManualTimers();
    const output = join(dir, 'max-runtime.ndjson');
    const hour = 3_600_000;
    const limited = { ...config('max-runtime'), run: { maxRuntime: hour, summary: null, lock: 'off' } };
    const running = runIngest({ config: limited, signals: new EventEmitter(), log, timers });
    await waitForSinkLines(output, 1);
    timers.advance(hour);
    const first = await running;
    expect(first.reason, String(first.error)).toBe('max-runtime');
    expect(first.stats.inFlightRecords).toBe(0);
    const committed = await client.getCheckpoints(emulator.logstore, 'max-runtime');
    expect(first.stats.checkpoints).toEqual(committed.map(({ shard, checkpoint }) => ({ shard, checkpoint })).sort((a, b) => a.shard - b.shard));
    expect(first.stats.checkpoints).toHaveLength(3);

    await generate(1000);
    const second = await runIngest({ config: { ...limited, source: { ...limited.source, until: { kind: 'end' } } }, signals: new EventEmitter(), log });
    expect(second.reason, String(second.error)).toBe('end');
    expectExactlyOnce(requestIds(readSink(output)), await storedRequestIds(client, emulator.logstore));
  });

  it('ends "drain-timeout" when run.maxRuntime passes and the drain then outlasts pipeline.drainTimeout, checkpointing nothing unwritten', async () => {
    const timers = new ManualTimers();
    const sink = new StuckSink(join(dir, 'max-runtime-stuck.fifo'));
    const hour = 3_600_000;
    const drainTimeout = 10_000;
    const base = config('max-runtime-stuck');
    const limited = { ...base, sink: { type: 'file' as const, path: sink.path }, run: { maxRuntime: hour, summary: null, lock: 'off' } };
    expect(limited.pipeline.drainTimeout).toBe(drainTimeout);
    try {
      let ended = false;
      const running = runIngest({ config: limited, signals: new EventEmitter(), log, timers }).finally(() => (ended = true));
      await expect.poll(() => sink.started(), { timeout: 10_000, interval: 20 }).toBe(true);
      timers.advance(hour);
      // Only the max runtime arms the deadline (no signal came): the drain, which cannot finish, ends when it passes.
      await vi.waitFor(
        () => {
          timers.advance(drainTimeout);
          expect(ended).toBe(true);
        },
        { timeout: 10_000, interval: 50 },
      );
      const outcome = await running;
      expect(outcome.reason, String(outcome.error)).toBe('drain-timeout');
      expect(outcome.stats.ackedRecords).toBe(0);
      expect(outcome.stats.inFlightRecords).toBeGreaterThan(0);
      const begins = await Promise.all([0, 1, 2].map((shard) => client.getCursor(emulator.logstore, shard, 'begin')));
      for (const { shard, checkpoint } of await client.getCheckpoints(emulator.logstore, 'max-runtime-stuck')) {
        expect(['', begins[shard]], `shard ${shard}`).toContain(checkpoint);
      }
    } finally {
      sink.close();
    }
  });

  it('reports progress while it runs', async () => {
    const total = (await storedRequestIds(client, emulator.logstore)).length;
    const snapshots: ProgressSnapshot[] = [];
    const signals = new EventEmitter();
    const running = runIngest({ config: config('progress'), signals, log, onProgress: (snapshot) => snapshots.push(snapshot) });
    await vi.waitFor(() => expect(snapshots.at(-1)?.ackedRecords).toBe(total), { timeout: 10_000, interval: 50 });
    expect(snapshots.at(-1)).toMatchObject({ heldShards: 3, inFlightRecords: 0, paused: false });
    signals.emit('SIGINT', 'SIGINT');
    expect((await running).reason).toBe('drained');
  });

  it('fails at start, before reading anything, when the sink cannot be opened', async () => {
    const blocked = join(dir, 'a-directory');
    mkdirSync(blocked);
    const broken = { ...config('broken'), sink: { type: 'file' as const, path: blocked } };
    const outcome = await runIngest({ config: broken, signals: new EventEmitter(), log });
    expect(outcome.reason).toBe('fatal');
    expect(outcome.error).toMatchObject({ name: 'SinkError', code: 'IsADirectory' });
    expect(outcome.stats.acceptedRecords).toBe(0);
  });
});
