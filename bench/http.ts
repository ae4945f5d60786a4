// Why the SLS transport is node:http: this case serves 256 KiB bodies (a typical
// compressed PullLogs answer) and tiny JSON bodies (heartbeat, checkpoint) on loopback
// and measures sluice's HttpTransport against undici's request() doing the same work.
// The server runs in a worker thread, so it does not share the clients' event loop.

import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { resolveEndpoint } from '../src/sls/http/endpoint.js';
import { HttpTransport } from '../src/sls/http/transport.js';
import { median, type BenchRow } from './report.js';

const BIG = 256 * 1024;
const CONCURRENCY = 4;
const ROUND_MS = 1_500;
const ROUNDS = 3;

const SERVER_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const big = require('node:crypto').randomBytes(workerData.big);
const small = Buffer.from('[0,1]');
const server = http.createServer((req, res) => {
  const body = req.url.startsWith('/big') ? big : small;
  res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

type Fetch = (path: string) => Promise<number>;

interface Measured {
  mbPerSecond: number;
  requestsPerSecond: number;
}

/** Runs `fetch` from CONCURRENCY loops for one round; returns bytes and requests per second. */
async function round(fetch: Fetch, path: string): Promise<Measured> {
  let bytes = 0;
  let requests = 0;
  const started = performance.now();
  const deadline = started + ROUND_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        bytes += await fetch(path);
        requests += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { mbPerSecond: bytes / 1e6 / seconds, requestsPerSecond: requests / seconds };
}

/** Alternates the clients round by round, so machine noise falls on both alike. */
async function compare(clients: Record<string, Fetch>, path: string): Promise<Record<string, Measured>> {
  const samples: Record<string, Measured[]> = {};
  for (const fetch of Object.values(clients)) await round(fetch, path); // warm-up: connections, JIT
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, fetch] of Object.entries(clients)) (samples[name] ??= []).push(await round(fetch, path));
  }
  const result: Record<string, Measured> = {};
  for (const [name, list] of Object.entries(samples)) {
    result[name] = { mbPerSecond: median(list.map((m) => m.mbPerSecond)), requestsPerSecond: median(list.map((m) => m.requestsPerSecond)) };
  }
  return result;
}

export async function benchHttp(): Promise<BenchRow[]> {
  // execArgv: [] keeps the eval'd server CommonJS even when the parent runs with --input-type=module.
  const server = new Worker(SERVER_SOURCE, { eval: true, execArgv: [], workerData: { big: BIG } });
  const port = await new Promise<number>((resolve, reject) => server.once('message', resolve).once('error', reject));
  const base = `http://127.0.0.1:${port}`;
  const transport = new HttpTransport(resolveEndpoint(base, 'bench'), { maxSockets: CONCURRENCY });
  const dispatcher = new Agent({ connections: CONCURRENCY });
  const clients: Record<string, Fetch> = {
    'node:http': async (path) => (await transport.send({ method: 'GET', path, query: {}, headers: {} }, 'bench')).body.byteLength,
    'undici': async (path) => {
      const { body } = await request(`${base}${path}`, { dispatcher });
      return Buffer.from(await body.arrayBuffer()).byteLength;
    },
  };
  try {
    const big = await compare(clients, '/big');
    const small = await compare(clients, '/small');
    const rows: BenchRow[] = [];
    for (const name of Object.keys(clients)) {
      rows.push({ name: `http ${name} 256 KiB bodies`, value: round1(big[name]?.mbPerSecond), unit: 'MB/s', note: `${CONCURRENCY} concurrent, keep-alive` });
      rows.push({ name: `http ${name} round trips`, value: Math.round(small[name]?.requestsPerSecond ?? 0), unit: 'req/s', note: '5-byte bodies' });
    }
    return rows;
  } finally {
    transport.close();
    await dispatcher.close();
    await server.terminate();
  }
}

function round1(value: number | undefined): number {
  return Math.round((value ?? 0) * 10) / 10;
}
