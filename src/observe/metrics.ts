// The Prometheus metrics of a run (`GET /metrics`). Almost all of them are read at scrape
// time from the snapshots the pipeline and the source already keep (stats(), breakdown()),
// so the hot path carries no metrics code at all; only the commit latency histogram is fed
// as commits happen, once per commit. The README's "Observability" section lists every
// metric; nothing here may carry a secret (labels are shard ids, sink types, error codes).

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One shard's run totals (the pipeline's ShardFlow). */
export interface ShardFlowView {
  shard: number;
  pulledRecords: number;
  pulledBytes: number;
  writtenRecords: number;
  writtenBytes: number;
  deadLettered: number;
}

/** What the metrics read, at scrape time: the pipeline and the source of the run, as they are. */
export interface RunView {
  pipeline: {
    stats(): { inFlightRecords: number; activeWorkers: number };
    breakdown(): { shards: readonly ShardFlowView[]; failuresByCode: { sink: Record<string, number>; deadLetter: Record<string, number> } };
  };
  source: {
    readonly paused: boolean;
    stats(): {
      heldShards: readonly number[];
      errorsByCode: Record<string, number>;
      heartbeatFailures: number;
      shards: ReadonlyArray<{ shard: number; lagSeconds: number; checkpointAgeSeconds: number | undefined }>;
    };
    cursorLag(): Promise<ReadonlyArray<{ shard: number; logGroups: number }>>;
  };
}

export interface RunMetricsOptions {
  /** The sink type, the `sink` label. */
  sink: string;
  queueCapacity: number;
}

/** Commit latency buckets: a small file append takes milliseconds, a large COPY seconds, a retried one minutes. */
const COMMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** One reading of the run, taken once per scrape so every metric of a scrape agrees. */
interface Reading {
  pipeline: ReturnType<RunView['pipeline']['stats']>;
  flows: ReturnType<RunView['pipeline']['breakdown']>;
  source: ReturnType<RunView['source']['stats']>;
  paused: boolean;
  cursorLag: Awaited<ReturnType<RunView['source']['cursorLag']>>;
}

type Labels<Name extends string> = Partial<Record<Name, string>>;

export class RunMetrics {
  readonly #registry = new Registry();
  readonly #options: RunMetricsOptions;
  readonly #commits: Histogram<'sink'>;
  #view: RunView | undefined;
  #reading: Reading | undefined;

  constructor(options: RunMetricsOptions) {
    this.#options = options;
    collectDefaultMetrics({ register: this.#registry });
    this.#commits = new Histogram({
      name: 'sluice_commit_duration_seconds',
      help: 'Time from a sink commit\'s first write until it was durable (retries included).',
      labelNames: ['sink'],
      buckets: COMMIT_BUCKETS,
      registers: [this.#registry],
    });
  }

  /** The pipeline's commit observer: one observation per durable sink commit. */
  readonly observeCommit = ({ seconds }: { seconds: number }): void => {
    this.#commits.observe({ sink: this.#options.sink }, seconds);
  };

  /** Starts reading `view` at every scrape (the run's parts exist only after the commit observer was handed to the pipeline). */
  watch(view: RunView): void {
    if (this.#view !== undefined) throw new Error('RunMetrics.watch() called twice');
    this.#view = view;
    this.#define();
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  /** The exposition text of every metric, from one fresh reading of the run. */
  async text(): Promise<string> {
    const view = this.#view;
    if (view !== undefined) {
      this.#reading = {
        pipeline: view.pipeline.stats(),
        flows: view.pipeline.breakdown(),
        source: view.source.stats(),
        paused: view.source.paused,
        cursorLag: await view.source.cursorLag(),
      };
    }
    return this.#registry.metrics();
  }

  #define(): void {
    const sink = this.#options.sink;
    const perShard = (read: (flow: ShardFlowView) => number, labels: Labels<'sink'> = {}) => (reading: Reading) =>
      reading.flows.shards.map((flow) => ({ labels: { shard: String(flow.shard), ...labels }, value: read(flow) }));
    this.#counter('sluice_pulled_records_total', 'Logs pulled per shard (records and dead letters), counted once decoded.', ['shard'], perShard((f) => f.pulledRecords));
    this.#counter('sluice_pulled_bytes_total', 'LogGroupList bytes (uncompressed) pulled per shard.', ['shard'], perShard((f) => f.pulledBytes));
    this.#counter('sluice_written_records_total', 'Records durably written to the sink, per shard.', ['shard', 'sink'], perShard((f) => f.writtenRecords, { sink }));
    this.#counter(
      'sluice_written_bytes_total',
      'Pulled bytes whose records are durably written to the sink (a pull\'s size spread over its logs), per shard.',
      ['shard', 'sink'],
      perShard((f) => f.writtenBytes, { sink }),
    );
    this.#counter('sluice_dead_lettered_records_total', 'Entries durably written to the dead-letter file, per shard.', ['shard'], perShard((f) => f.deadLettered));
    this.#counter('sluice_errors_total', 'Failed SLS calls and sink or dead-letter writes (each attempt), by error code.', ['component', 'code'], (reading) => [
      ...byCode('sls', reading.source.errorsByCode),
      ...byCode('sink', reading.flows.failuresByCode.sink),
      ...byCode('dead-letter', reading.flows.failuresByCode.deadLetter),
    ]);
    this.#counter('sluice_heartbeat_failures_total', 'Heartbeat calls that failed (each attempt).', [], (reading) => [{ labels: {}, value: reading.source.heartbeatFailures }]);
    this.#gauge('sluice_queue_depth_records', 'Records pulled and not yet written (what queueCapacity bounds).', [], (reading) => [{ labels: {}, value: reading.pipeline.inFlightRecords }]);
    this.#gauge('sluice_queue_capacity_records', 'pipeline.queueCapacity: pullers wait while the queue depth is at it.', [], () => [{ labels: {}, value: this.#options.queueCapacity }]);
    this.#gauge('sluice_active_tasks', 'Workers holding records (most of them waiting for their commit).', [], (reading) => [{ labels: {}, value: reading.pipeline.activeWorkers }]);
    this.#gauge('sluice_held_shards', 'Shards this consumer holds.', [], (reading) => [{ labels: {}, value: reading.source.heldShards.length }]);
    this.#gauge('sluice_paused', '1 while pulling is paused (SIGUSR2, POST /pause), else 0.', [], (reading) => [{ labels: {}, value: reading.paused ? 1 : 0 }]);
    const heldShard = (read: (shard: Reading['source']['shards'][number]) => number | undefined) => (reading: Reading) =>
      reading.source.shards.flatMap((shard) => {
        const value = read(shard);
        return value === undefined ? [] : [{ labels: { shard: String(shard.shard) }, value }];
      });
    this.#gauge('sluice_lag_seconds', 'Per held shard, seconds between now and the receive time of what was last read; 0 when caught up.', ['shard'], heldShard((s) => s.lagSeconds));
    this.#gauge(
      'sluice_lag_log_groups',
      'Per held shard, log groups between the next pull\'s cursor and the shard\'s end (its end cursor asked at scrape time, at most every 5 s).',
      ['shard'],
      (reading) => reading.cursorLag.map(({ shard, logGroups }) => ({ labels: { shard: String(shard) }, value: logGroups })),
    );
    this.#gauge(
      'sluice_checkpoint_age_seconds',
      'Per held shard, seconds since the group\'s checkpoint last covered every written record; grows while checkpoints cannot be written.',
      ['shard'],
      heldShard((s) => s.checkpointAgeSeconds),
    );
  }

  #counter<Name extends string>(name: string, help: string, labelNames: Name[], values: (reading: Reading) => Sample<Name>[]): void {
    // A counter is set from the run's own total: reset, then count up to it.
    const collect = this.#collector(values, (counter: Counter<Name>, { labels, value }) => counter.inc(labels, value));
    new Counter<Name>({ name, help, labelNames, registers: [this.#registry], collect });
  }

  #gauge<Name extends string>(name: string, help: string, labelNames: Name[], values: (reading: Reading) => Sample<Name>[]): void {
    // Reset too: shards given back disappear from the gauges rather than keep their last value.
    const collect = this.#collector(values, (gauge: Gauge<Name>, { labels, value }) => gauge.set(labels, value));
    new Gauge<Name>({ name, help, labelNames, registers: [this.#registry], collect });
  }

  /** A collect() that sets its metric from the scrape's reading: reset, then `apply` every sample. */
  #collector<Name extends string, M extends { reset(): void }>(
    values: (reading: Reading) => Sample<Name>[],
    apply: (metric: M, sample: Sample<Name>) => void,
  ): (this: M) => void {
    const read = (): Reading | undefined => this.#reading;
    return function collect(this: M): void {
      const reading = read();
      if (reading === undefined) return;
      this.reset();
      for (const sample of values(reading)) apply(this, sample);
    };
  }
}

interface Sample<Name extends string> {
  labels: Labels<Name>;
  value: number;
}

function byCode(component: string, counts: Record<string, number>): Sample<'component' | 'code'>[] {
  return Object.entries(counts).map(([code, value]) => ({ labels: { component, code }, value }));
}
