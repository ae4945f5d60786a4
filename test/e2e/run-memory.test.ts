// Bounded memory: a long run through a small queue keeps the process's resident memory flat.
// The records in flight are asserted through the pipeline's own counters in-process; here the
// user-visible outcome: RSS late in the run is about what it was early on, although four
// times as many records have gone through.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { BATCHES_PER_THREAD } from '../../src/pipeline/decode-pool.js';
import { endpointOf, scrape, total } from '../helpers/admin-endpoint.js';
import { RunRig, residentKb } from '../helpers/run-rig.js';
import { countLines } from '../helpers/sink-file.js';

const LOGS = 300_000;
const SAMPLE_EVERY_MS = 20;
/** A pull of ~1 MiB: ~2100 of these ~500-byte logs, plus at most one more log group (~550 logs). */
const PULL_LOGS = 2100 + 550;
/** The README's bound at the defaults: queueCapacity, plus one pull per shard (4) and per batch the decode threads may hold. */
const { queueCapacity, decodeThreads } = configSchema.shape.pipeline.parse(undefined);
const DEFAULT_BOUND = queueCapacity + (4 + BATCHES_PER_THREAD * decodeThreads) * PULL_LOGS;
/** Generous: V8 grows its heap in steps and collects when it likes; a leak of ~500 B per record is 150 MB. */
const ALLOWED_GROWTH_KB = 64 * 1024;

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS });
}, 30_000);
afterAll(() => rig.close());

interface Sample {
  sinkBytes: number;
  rssKb: number;
}

describe('sluice run: memory stays flat', () => {
  it('RSS over the last 20% of 300k records peaks within 64 MiB of its peak over 20-40%', async () => {
    const output = rig.path('requests.ndjson');
    const run = rig.run(rig.writeConfig({ pipeline: { queueCapacity: 2000 } }), ['--until', 'end']);
    const samples: Sample[] = [];
    // Progress is read from the sink's size (a stat, cheap at any size), matched to the final
    // size once the run is over.
    const sampler = setInterval(() => {
      try {
        samples.push({ sinkBytes: statSync(output, { throwIfNoEntry: false })?.size ?? 0, rssKb: residentKb(run.child.pid!) });
      } catch {
        // The process ended between two samples: /proc has no entry for it any more.
      }
    }, SAMPLE_EVERY_MS);
    const code = await run.exited.finally(() => clearInterval(sampler));
    expect(code, run.stderr()).toBe(0);
    expect(countLines(output)).toBe(LOGS);

    // Peaks, not single samples: RSS saws up and down with each collection, so compare the
    // high-water mark of a stretch early in the run with that of a stretch late in it.
    const total = statSync(output).size;
    const peakBetween = (from: number, to: number): number =>
      Math.max(...samples.filter((s) => s.sinkBytes >= total * from && s.sinkBytes < total * to).map((s) => s.rssKb));
    const early = peakBetween(0.2, 0.4);
    const late = peakBetween(0.8, 1);
    expect([early, late].every(Number.isFinite), `${samples.length} samples`).toBe(true);
    expect(late - early).toBeLessThan(ALLOWED_GROWTH_KB);
  });

  it('at the default settings, keeps records in flight within queueCapacity + one ~1 MiB pull per shard and per batch a decode thread may hold', async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'defaults' }, sink: { path: rig.path('defaults.ndjson') } }, 'defaults.yaml');
    // The rig's own pipeline settings go: every key of the section takes its default.
    const { pipeline: _rigs, ...rest } = parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    writeFileSync(config, stringify(rest));
    const run = rig.run(config, ['--until', 'end', '--listen', '127.0.0.1:0']);
    const url = await endpointOf(run);
    let deepest = 0;
    let running = true;
    const exited = run.exited.finally(() => (running = false));
    while (running) {
      // Polled while the run lasts; a scrape that meets the endpoint closing ends the polling.
      const depth = await scrape(url).then(({ samples }) => total(samples, 'sluice_queue_depth_records'), () => 0);
      deepest = Math.max(deepest, depth);
    }
    expect(await exited, run.stderr()).toBe(0);
    expect(countLines(rig.path('defaults.ndjson'))).toBe(LOGS);
    expect(deepest).toBeGreaterThan(0);
    expect(deepest).toBeLessThanOrEqual(DEFAULT_BOUND);
  });
});
