// Runs an emulator in its own process for the benchmarks (bench/emulator.ts, and the sluice
// runs of sluice-process.ts), so that they measure the emulator serving, or sluice pulling,
// not a client sharing the emulator's event loop. Arguments: logs to generate, shards. Prints
// one JSON line (url, port, what was generated) once it listens and its responses are
// compressed ahead; stops on SIGTERM or when its parent closes stdin.

import { startEmulator } from '../src/emulator/index.js';

/** Bytes of cache per generated log: above the ~500 B a log takes raw, so every compressed answer stays cached. */
const CACHE_BYTES_PER_LOG = 1024;

const [logs = '1000000', shards = '4'] = process.argv.slice(2);
// The default cache (1 GiB) would not hold 10M logs' answers: readers going from begin to end
// would then evict each answer before it is asked again, and every pull would be compressed anew.
const cacheBytes = Math.max(2 ** 30, Number(logs) * CACHE_BYTES_PER_LOG);
const emulator = await startEmulator({ generate: Number(logs), shards: Number(shards), cacheBytes });
// Measure serving from a warm cache, as a long-running emulator serves.
const warming = performance.now();
await emulator.warmed;
const warmMillis = Math.round(performance.now() - warming);
process.stdout.write(`${JSON.stringify({ url: emulator.url, port: emulator.port, generated: emulator.generated, warmMillis })}\n`);

// Stdin is read only to notice the parent going away; it must be let go too, or the open
// pipe would keep this process alive after the server closed.
const stop = (): void => {
  process.stdin.destroy();
  void emulator.close();
};
process.once('SIGTERM', stop);
process.stdin.resume().once('end', stop);
