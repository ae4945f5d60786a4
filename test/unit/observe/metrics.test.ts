// The metrics text: every sluice_ metric read from one snapshot of the run per scrape, in the
// Prometheus text format, with the process metrics beside them.

import { describe, expect, it } from 'vitest';
import { RunMetrics, type RunView, type ShardFlowView } from '../../../src/observe/metrics.js';

type SourceStats = ReturnType<RunView['source']['stats']>;

/** A run as the metrics see it; the test changes its numbers between scrapes. */
function run() {
  const state = {
    inFlightRecords: 120,
    activeWorkers: 3,
    flows: [
      { shard: 0, pulledRecords: 1000, pulledBytes: 500_000, writtenRecords: 900, writtenBytes: 450_000, deadLettered: 2 },
      { shard: 1, pulledRecords: 10, pulledBytes: 5_000, writtenRecords: 10, writtenBytes: 5_000, deadLettered: 0 },
    ] as ShardFlowView[],
    failures: { sink: { Unavailable: 4 } as Record<string, number>, deadLetter: {} as Record<string, number> },
    source: {
      heldShards: [0, 1],
      errorsByCode: { ServerBusy: 2, InternalServerError: 1 },
      heartbeatFailures: 1,
      shards: [
        { shard: 0, lagSeconds: 42, checkpointAgeSeconds: 3.5 },
        { shard: 1, lagSeconds: 0, checkpointAgeSeconds: undefined },
      ],
    } as SourceStats,
    paused: false,
    cursorLag: [{ shard: 0, logGroups: 17 }],
  };
  const view: RunView = {
    pipeline: {
      stats: () => ({ inFlightRecords: state.inFlightRecords, activeWorkers: state.activeWorkers }),
      breakdown: () => ({ shards: state.flows, failuresByCode: state.failures }),
    },
    source: {
      get paused() {
        return state.paused;
      },
      stats: () => state.source,
      cursorLag: () => Promise.resolve(state.cursorLag),
    },
  };
  return { state, view };
}

/** The samples of the text whose name starts with `name`: `{labels} value` lines, keyed by `name{labels}`. */
function samples(text: string, name: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const at = line.lastIndexOf(' ');
    found[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return found;
}

function watched(): { metrics: RunMetrics; state: ReturnType<typeof run>['state'] } {
  const { state, view } = run();
  const metrics = new RunMetrics({ sink: 'file', queueCapacity: 5000 });
  metrics.watch(view);
  return { metrics, state };
}

describe('RunMetrics', () => {
  it('reads per-shard counters, labelled by shard and sink', async () => {
    const text = await watched().metrics.text();
    expect(samples(text, 'sluice_pulled_records_total')).toEqual({ 'sluice_pulled_records_total{shard="0"}': 1000, 'sluice_pulled_records_total{shard="1"}': 10 });
    expect(samples(text, 'sluice_pulled_bytes_total')).toEqual({ 'sluice_pulled_bytes_total{shard="0"}': 500_000, 'sluice_pulled_bytes_total{shard="1"}': 5_000 });
    expect(samples(text, 'sluice_written_records_total')).toEqual({
      'sluice_written_records_total{shard="0",sink="file"}': 900,
      'sluice_written_records_total{shard="1",sink="file"}': 10,
    });
    expect(samples(text, 'sluice_written_bytes_total')).toEqual({
      'sluice_written_bytes_total{shard="0",sink="file"}': 450_000,
      'sluice_written_bytes_total{shard="1",sink="file"}': 5_000,
    });
    expect(samples(text, 'sluice_dead_lettered_records_total')).toEqual({
      'sluice_dead_lettered_records_total{shard="0"}': 2,
      'sluice_dead_lettered_records_total{shard="1"}': 0,
    });
    expect(text).toContain('# TYPE sluice_written_records_total counter');
  });

  it('counts errors by component and code, and heartbeat failures', async () => {
    const text = await watched().metrics.text();
    expect(samples(text, 'sluice_errors_total')).toEqual({
      'sluice_errors_total{component="sls",code="ServerBusy"}': 2,
      'sluice_errors_total{component="sls",code="InternalServerError"}': 1,
      'sluice_errors_total{component="sink",code="Unavailable"}': 4,
    });
    expect(samples(text, 'sluice_heartbeat_failures_total')).toEqual({ sluice_heartbeat_failures_total: 1 });
  });

  it('reads the queue, the workers, the shards held and the pause as gauges', async () => {
    const { metrics, state } = watched();
    const text = await metrics.text();
    expect(samples(text, 'sluice_queue_')).toEqual({ sluice_queue_depth_records: 120, sluice_queue_capacity_records: 5000 });
    expect(samples(text, 'sluice_active_tasks')).toEqual({ sluice_active_tasks: 3 });
    expect(samples(text, 'sluice_held_shards')).toEqual({ sluice_held_shards: 2 });
    expect(samples(text, 'sluice_paused')).toEqual({ sluice_paused: 0 });
    state.paused = true;
    expect(samples(await metrics.text(), 'sluice_paused')).toEqual({ sluice_paused: 1 });
  });

  it('gives lag in seconds and log groups, and checkpoint age, per held shard; a shard without a value has no sample', async () => {
    const text = await watched().metrics.text();
    expect(samples(text, 'sluice_lag_seconds')).toEqual({ 'sluice_lag_seconds{shard="0"}': 42, 'sluice_lag_seconds{shard="1"}': 0 });
    expect(samples(text, 'sluice_lag_log_groups')).toEqual({ 'sluice_lag_log_groups{shard="0"}': 17 });
    expect(samples(text, 'sluice_checkpoint_age_seconds')).toEqual({ 'sluice_checkpoint_age_seconds{shard="0"}': 3.5 });
  });

  it('takes a fresh reading at every scrape: counters follow the run, a shard given back leaves the gauges', async () => {
    const { metrics, state } = watched();
    await metrics.text();
    state.flows = [{ ...state.flows[0]!, writtenRecords: 1000 }, state.flows[1]!];
    state.source = { ...state.source, heldShards: [1], shards: [state.source.shards[1]!] };
    const text = await metrics.text();
    expect(samples(text, 'sluice_written_records_total{shard="0"')).toEqual({ 'sluice_written_records_total{shard="0",sink="file"}': 1000 });
    expect(Object.keys(samples(text, 'sluice_lag_seconds'))).toEqual(['sluice_lag_seconds{shard="1"}']);
  });

  it('observes each commit in the latency histogram, by sink', async () => {
    const { metrics } = watched();
    metrics.observeCommit({ seconds: 0.02 });
    metrics.observeCommit({ seconds: 3 });
    const text = await metrics.text();
    expect(samples(text, 'sluice_commit_duration_seconds_count')).toEqual({ 'sluice_commit_duration_seconds_count{sink="file"}': 2 });
    expect(samples(text, 'sluice_commit_duration_seconds_bucket{le="0.025"')).toEqual({ 'sluice_commit_duration_seconds_bucket{le="0.025",sink="file"}': 1 });
    expect(samples(text, 'sluice_commit_duration_seconds_bucket{le="5"')).toEqual({ 'sluice_commit_duration_seconds_bucket{le="5",sink="file"}': 2 });
  });

  it('has the process and Node.js metrics beside its own', async () => {
    const text = await watched().metrics.text();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });
});
