// The metrics and admin endpoint of one run (`observe.listen`, `--listen`): the metrics read
// from the run's pipeline and source, the readiness of its phase and outputs, and the HTTP
// server that serves both and pauses pulling. runIngest starts it before the outputs open
// (so /readyz says "starting" while a database connects), marks it draining the moment the
// run starts to stop (it is one of the actors), and closes it last, after the checkpoints.

import type { Logger } from 'pino';
import { AdminServer } from '../observe/admin-server.js';
import { parseListenAddress, type ListenAddress } from '../observe/listen-address.js';
import type { RunMetrics, RunView } from '../observe/metrics.js';
import { Readiness } from '../observe/readiness.js';
import type { Sink } from '../sinks/sink.js';
import type { Source } from '../sources/source.js';

export interface RunEndpointOptions {
  /** observe.listen, validated by the config schema. */
  listen: string;
  /** Already handed to the pipeline as its commit observer. */
  metrics: RunMetrics;
  pipeline: RunView['pipeline'];
  source: Source;
  sink: Pick<Sink, 'health'>;
  deadLetter: Pick<Sink, 'health'>;
  log: Logger;
}

export class RunEndpoint {
  readonly #options: RunEndpointOptions;
  readonly #address: ListenAddress;
  readonly #readiness: Readiness;
  #server: AdminServer | undefined;

  constructor(options: RunEndpointOptions) {
    this.#options = options;
    const address = parseListenAddress(options.listen);
    // Only reachable with a config that skipped the schema, which refuses such an address.
    if (typeof address === 'string') throw new Error(`observe.listen: ${address}`);
    this.#address = address;
    const { metrics, pipeline, source, sink, deadLetter } = options;
    metrics.watch({ pipeline, source });
    this.#readiness = new Readiness([
      { name: 'sink', health: () => sink.health() },
      { name: 'dead-letter file', health: () => deadLetter.health() },
    ]);
  }

  /** Starts listening and logs the bound address (the port the system picked, for port 0); rejects with a ListenError. */
  async listen(): Promise<void> {
    const { metrics, source, log } = this.#options;
    this.#server = await AdminServer.start({ address: this.#address, metrics, readiness: this.#readiness, pulling: source, log });
    const url = this.#server.url;
    log.info({ listen: url }, `metrics and admin endpoint on ${url}: GET /metrics, /healthz, /readyz; POST /pause, /resume`);
  }

  /** The outputs are open and pulling starts: ready, while the outputs are healthy. */
  running(): void {
    this.#readiness.running();
  }

  /** The run has started to stop: not ready from now until the process exits. */
  draining(): void {
    this.#readiness.draining();
  }

  /** Stops serving; fine before listen(). */
  async close(): Promise<void> {
    await this.#server?.close();
  }
}
