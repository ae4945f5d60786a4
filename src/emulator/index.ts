// startEmulator: a wire-compatible local SLS in one call, the single entry point of the
// CLI's `sluice emulator`, the demo, the tests and the benchmarks.
//
// Authentication: with accessKeyId and accessKeySecret the emulator verifies v1 and v4
// signatures strictly, as SLS does; without them it is permissive and takes any key, any
// signature and any request time (for trying configs offline).

import { loadCodec } from '../sls/codec/compression.js';
import { handleAdmin } from './admin.js';
import { Authenticator, type AccessKey } from './auth.js';
import type { EmulatorContext } from './context.js';
import { FaultPlan } from './faults.js';
import { Traffic, type AppendSummary } from './generation.js';
import type { Logstore } from './logstore.js';
import { PullCache } from './pull-cache.js';
import { PullResponder } from './pull-logs.js';
import { ADMIN_PREFIX, EmulatorServer } from './server.js';
import { emptyStats, type EmulatorStats } from './stats.js';
import { EmulatorStore } from './store.js';

export interface EmulatorOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (a free one, see RunningEmulator.port). */
  port?: number;
  /** Project created at start, and the one a Host without a project label addresses; default `demo`. */
  project?: string;
  /** Logstore created at start; default `access`. */
  logstore?: string;
  /** Its shards, splitting the hash space evenly; default 4. */
  shards?: number;
  /** With accessKeySecret: verify signatures strictly. Without: accept anything. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Nginx access logs generated before serving, received over the past (one second per `rate` logs, else per 1000). */
  generate?: number;
  /** Nginx access logs appended per second while serving. */
  rate?: number;
  /** Faults to inject from the start; the spec language is documented in faults.ts. */
  faults?: string;
  /** Server time in milliseconds since the epoch (default Date.now): receive times, consumer timeouts, the signature time check. */
  clock?: () => number;
  /** Seed of the generated logs; default 1. */
  seed?: number;
  /** Bytes of compressed PullLogs bodies kept for reuse; default 1 GiB. */
  cacheBytes?: number;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: use it as the endpoint. */
  url: string;
  port: number;
  project: string;
  logstore: string;
  /** What `generate` wrote before serving, and how long it took. */
  generated: AppendSummary & { shards: number; millis: number };
  /**
   * Resolves once the PullLogs answers for the generated logs are compressed ahead (done in
   * the background after start; until then the first read of each range compresses it).
   */
  warmed: Promise<void>;
  /** Replaces the fault rules (`''` clears them); a bad spec throws and leaves the current rules in force. */
  setFaults(spec: string): void;
  stats(): EmulatorStats;
  /** Stops the rate generator and the server, ending keep-alive connections. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_LOGS_PER_SECOND = 1000;
const DEFAULT_CACHE_BYTES = 1024 * 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const project = options.project ?? 'demo';
  const logstoreName = options.logstore ?? 'access';
  const clock = options.clock ?? Date.now;
  let clockOffset = 0;
  const now = (): number => clock() + clockOffset;
  const nowSeconds = (): number => Math.floor(now() / 1000);
  // Everything that can refuse the options does so before the (long) generation.
  const faults = new FaultPlan(options.faults);
  const auth = new Authenticator(accessKey(options), now);
  // Any client may send or ask for zstd bodies, which are coded synchronously: load its codec now.
  await loadCodec('zstd');
  const stats = emptyStats();
  const store = new EmulatorStore(now);
  store.createProject(project);
  const logstore = store.createLogstore(project, logstoreName, { ttl: 30, shardCount: options.shards ?? 4 });
  const pulls = new PullResponder(new PullCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES), stats);
  const ctx: EmulatorContext = { store, now, stats, pulls };

  const logs = options.generate ?? 0;
  const logsPerSecond = options.rate || DEFAULT_LOGS_PER_SECOND;
  const traffic = new Traffic({ seed: options.seed ?? 1, startTime: nowSeconds() - Math.ceil(logs / logsPerSecond), logsPerSecond }, stats);
  const started = performance.now();
  // Pre-generated logs arrived as they were produced: each group when its last log was written.
  const written = traffic.append(logstore, logs, (lastLogTime) => Math.min(lastLogTime, nowSeconds()));
  const generated = { ...written, shards: logstore.shards().length, millis: Math.round(performance.now() - started) };

  const adminParts = {
    ctx,
    faults,
    defaultProject: project,
    defaultLogstore: logstoreName,
    generate: (target: Logstore, count: number) => traffic.append(target, count, nowSeconds),
    advanceClock: (ms: number) => void (clockOffset += ms),
  };
  const server = new EmulatorServer({ ctx, auth, faults, defaultProject: project, admin: (req) => handleAdmin(req, adminParts, ADMIN_PREFIX) });
  const host = options.host ?? '127.0.0.1';
  const port = await server.listen(host, options.port ?? 0);
  const stopFeeding = options.rate ? traffic.feed(logstore, options.rate, now) : () => {};
  const warming = new AbortController();
  const warmed = pulls.prewarm(logstore.shards(), warming.signal);

  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    project,
    logstore: logstoreName,
    generated,
    warmed,
    setFaults(spec) {
      faults.replace(spec);
    },
    stats: () => structuredClone(stats),
    async close() {
      warming.abort();
      stopFeeding();
      await server.close();
    },
  };
}

function accessKey(options: EmulatorOptions): AccessKey | undefined {
  const { accessKeyId: id, accessKeySecret: secret } = options;
  if ((id === undefined) !== (secret === undefined)) {
    throw new Error('accessKeyId and accessKeySecret go together: give both to verify signatures, or neither to accept any key');
  }
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

/** The address a client on this machine reaches a listener on `host` by. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
