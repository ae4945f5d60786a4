// `npm run bench` (or `node dist/bench/run.js [case ...]` after a build): runs the benchmark
// cases, prints each one's table and keeps its figures in bench/results/.

import { benchCodec } from './codec.js';
import { benchEndToEnd } from './e2e.js';
import { benchEmulator } from './emulator.js';
import { benchHttp } from './http.js';
import { benchPostgres } from './postgres.js';
import { formatTable, writeResults, type BenchRow } from './report.js';

interface BenchCase {
  name: string;
  title: string;
  run: () => Promise<BenchRow[]>;
}

const CASES: BenchCase[] = [
  { name: 'codec', title: 'Codec: LogGroupList decoding, LZ4 and zstd (nginx logs, 550 per group)', run: () => benchCodec({ logs: 550_000 }) },
  { name: 'http', title: 'HTTP transport: node:http keep-alive (ours) vs undici request(), loopback', run: benchHttp },
  { name: 'emulator', title: 'Emulator: PullLogs served to a counting client (child process, 4M nginx logs)', run: benchEmulator },
  { name: 'e2e', title: 'End to end: emulator -> sluice run --until end -> sink, beside the decode-only ceiling (1M nginx logs)', run: benchEndToEnd },
  { name: 'postgres', title: 'PostgreSQL: emulator -> sluice run --until end -> file / postgres sink, beside the server\'s own COPY (500k nginx logs)', run: benchPostgres },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !CASES.some((entry) => entry.name === name));
if (unknown.length > 0) throw new Error(`unknown benchmark case(s) ${unknown.join(', ')}; known: ${CASES.map((entry) => entry.name).join(', ')}`);

for (const entry of CASES) {
  if (wanted.length > 0 && !wanted.includes(entry.name)) continue;
  const rows = await entry.run();
  if (rows.length === 0) continue; // skipped: the case said why
  console.log(`${formatTable(entry.title, rows)}\n  -> ${writeResults(entry.name, rows)}\n`);
}
