// `npm run bench` (or `node dist/bench/run.js [case ...]` after a build). Without arguments:
// the benchmark (throughput.ts): the ceilings and every sink, a table per case, then
// the targets with their verdicts; the figures go to bench/results/bench-<time>.json. With
// arguments: only the sinks named (the ceilings always run, for the ratios), and/or the
// component benchmarks named, each with its own table and JSON file.

import { benchCodec } from './codec.js';
import { benchEmulator } from './emulator.js';
import { benchHttp } from './http.js';
import { benchPostgres } from './postgres.js';
import { formatTable, writeResults, type BenchRow } from './report.js';
import { benchThroughput, SINK_CASES, type SinkCase } from './throughput.js';

interface ComponentCase {
  name: string;
  title: string;
  run: () => Promise<BenchRow[]>;
}

const COMPONENTS: ComponentCase[] = [
  { name: 'codec', title: 'Codec: LogGroupList decoding, LZ4 and zstd (nginx logs, 550 per group)', run: () => benchCodec({ logs: 550_000 }) },
  { name: 'http', title: 'HTTP transport: node:http keep-alive (ours) vs undici request(), loopback', run: benchHttp },
  { name: 'emulator', title: 'Emulator: PullLogs served to a counting client (child process, 4M nginx logs)', run: benchEmulator },
  {
    name: 'postgres-vs-copy',
    title: 'PostgreSQL: emulator -> sluice run --until end -> file / postgres sink, beside the server\'s own COPY (500k nginx logs)',
    run: benchPostgres,
  },
];

const wanted = process.argv.slice(2);
const sinkNames: readonly string[] = SINK_CASES;
const known = [...SINK_CASES, 'postgres', ...COMPONENTS.map((entry) => entry.name)];
const unknown = wanted.filter((name) => !known.includes(name));
if (unknown.length > 0) throw new Error(`unknown benchmark case(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);

const sinks = wanted.flatMap((name) => (name === 'postgres' ? ['postgres-off', 'postgres-on'] : sinkNames.includes(name) ? [name] : [])) as SinkCase[];
if (wanted.length === 0 || sinks.length > 0) {
  const started = performance.now();
  const { cases, targets } = await benchThroughput(sinks.length === 0 ? SINK_CASES : sinks);
  for (const [name, rows] of Object.entries(cases)) console.log(`${formatTable(name, rows)}\n`);
  console.log(formatTable('Targets (issue 6), this run', targets));
  const minutes = (performance.now() - started) / 60_000;
  console.log(`  -> ${writeResults('bench', { minutes: Math.round(minutes * 10) / 10, cases, targets })} (${minutes.toFixed(1)} minutes)\n`);
}
for (const entry of COMPONENTS) {
  if (!wanted.includes(entry.name)) continue;
  const rows = await entry.run();
  if (rows.length === 0) continue; // skipped: the case said why
  console.log(`${formatTable(entry.title, rows)}\n  -> ${writeResults(entry.name, { rows })}\n`);
}
