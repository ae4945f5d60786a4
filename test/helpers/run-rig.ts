// One end-to-end scene: an emulator in the test process, a temp directory, config files
// written into it, and `sluice run` children spawned against them. close() tears it all
// down (children first, by SIGKILL, so a failed test leaves nothing running).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { SlsClient } from '../../src/sls/client.js';
import { spawnCli, type CliProcess } from './cli.js';

const KEY = { accessKeyId: 'e2e-id', accessKeySecret: 'e2e-secret' };

/** An access key the emulator checks and the configs carry. */
export type AccessKey = typeof KEY;

/** Keys to set in each section of the config file, over the rig's defaults. */
export interface ConfigOverrides {
  source?: Record<string, unknown>;
  parse?: Record<string, unknown>;
  pipeline?: Record<string, unknown>;
  sink?: Record<string, unknown>;
  deadLetter?: Record<string, unknown>;
  run?: Record<string, unknown>;
  log?: Record<string, unknown>;
}

export class RunRig {
  readonly emulator: RunningEmulator;
  readonly client: SlsClient;
  readonly dir: string;
  readonly #key: AccessKey;
  readonly #children: CliProcess[] = [];

  private constructor(emulator: RunningEmulator, dir: string, key: AccessKey) {
    this.emulator = emulator;
    this.dir = dir;
    this.#key = key;
    this.client = new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: key });
  }

  /** Starts an emulator (4 shards unless told) that checks the rig's access key (`key`, or the rig's own), and makes a temp directory. */
  static async start(options: EmulatorOptions = {}, key: AccessKey = KEY): Promise<RunRig> {
    const emulator = await startEmulator({ port: 0, shards: 4, ...options, ...key });
    return new RunRig(emulator, mkdtempSync(join(tmpdir(), 'sluice-e2e-')), key);
  }

  get logstore(): string {
    return this.emulator.logstore;
  }

  /** A path in the rig's temp directory. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /**
   * Writes a config file for `sluice run` against the emulator and returns its path. The
   * defaults keep the intervals short (heartbeats every 150 ms, checkpoints every 200 ms) so
   * that tests wait for events in milliseconds, not seconds. The group timeout is long (10 s):
   * on a loaded 2-core machine a run can miss heartbeats for a few seconds, and an expired
   * consumer re-reads from its checkpoint, duplicates that at-least-once allows but that an
   * exactly-once assertion would report. Tests that wait for a timeout set a shorter one.
   */
  writeConfig(overrides: ConfigOverrides = {}, name = 'sluice.yaml'): string {
    const config = {
      source: {
        type: 'sls',
        endpoint: this.emulator.url,
        project: this.emulator.project,
        logstore: this.emulator.logstore,
        ...this.#key,
        consumerGroup: 'e2e',
        consumer: 'e2e-1',
        from: 'begin',
        heartbeatInterval: '150ms',
        groupTimeout: '10s',
        checkpointInterval: '200ms',
        ...overrides.source,
      },
      ...(overrides.parse === undefined ? {} : { parse: overrides.parse }),
      pipeline: { workers: 2, queueCapacity: 5000, drainTimeout: '5s', ...overrides.pipeline },
      // Another sink type replaces the file sink's section, as a flag would (its `path` would be an unknown key).
      sink: overrides.sink?.type === undefined || overrides.sink.type === 'file' ? { type: 'file', path: this.path('requests.ndjson'), ...overrides.sink } : overrides.sink,
      deadLetter: { path: this.path('dead-letter.ndjson'), ...overrides.deadLetter },
      ...(overrides.run === undefined ? {} : { run: overrides.run }),
      log: { level: 'info', ...overrides.log },
    };
    const file = this.path(name);
    writeFileSync(file, stringify(config));
    return file;
  }

  /** Writes `text` as a file in the temp directory (a hand-written, possibly broken, config). */
  writeFile(name: string, text: string): string {
    const file = this.path(name);
    writeFileSync(file, text);
    return file;
  }

  /** Spawns `sluice run --config <config> ...flags`; close() kills it if it is still running. */
  run(config: string, flags: readonly string[] = []): CliProcess {
    const child = spawnCli(['run', '--config', config, ...flags], {}, this.dir);
    this.#children.push(child);
    return child;
  }

  /** Calls the emulator's admin API (`/_emulator/<path>`), failing on a non-2xx answer. */
  async admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.emulator.url}/_emulator/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async close(): Promise<void> {
    for (const child of this.#children) {
      if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
      await child.exited;
    }
    this.client.close();
    await this.emulator.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resident memory of a live process in KiB, now (VmRSS of /proc/<pid>/status) or at its peak (VmHWM). */
export function residentKb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  if (kb === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb);
}
