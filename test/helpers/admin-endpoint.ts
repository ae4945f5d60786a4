// Talking to the metrics and admin endpoint of a `sluice run --listen 127.0.0.1:0`: finding
// the address it logged, scraping and reading /metrics, asking /readyz.

import type { CliProcess } from './cli.js';

/** The endpoint's base URL, from the line the run logs once it listens (port 0: the port picked). */
export async function endpointOf(run: CliProcess): Promise<string> {
  const line = await run.waitForLog((entry) => typeof entry.listen === 'string');
  return line.listen as string;
}

/** One sample of the metrics text: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** GET /metrics, parsed; the raw text too (to search it). */
export async function scrape(url: string): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text}`);
  return { text, samples: parseMetrics(text) };
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none). */
export function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const sample of samples) {
    if (sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) sum += sample.value;
  }
  return sum;
}

/** Per shard (its `shard` label), the value of `name`. */
export function byShard(samples: readonly Sample[], name: string): Record<number, number> {
  const values: Record<number, number> = {};
  for (const sample of samples) if (sample.name === name) values[Number(sample.labels.shard)] = sample.value;
  return values;
}

/** GET `path` (e.g. /readyz): its status and body text. */
export async function get(url: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: await response.text() };
}

/** POST `path` (/pause, /resume): its status and body text. */
export async function post(url: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${path}`, { method: 'POST' });
  return { status: response.status, body: await response.text() };
}
