// Whether a run is ready (`GET /readyz`): not while it starts (the sink connects, the
// dead-letter file opens), not from the moment its drain begins (a signal, the end of an
// `--until` run, a fatal error) until the process exits, and not while an output cannot be
// written (a database that cannot be reached). An orchestrator reads 503 as "do not count
// this one": a rollout waits for it, and a drain is visible from its first instant.

/** An output whose health decides readiness: the sink, the dead-letter file. */
export interface WatchedOutput {
  /** Names it in the answer, e.g. `sink` or `dead-letter file`. */
  name: string;
  health(): { ok: boolean; detail?: string };
}

/** The answer of /readyz, as its JSON body. `detail` is an output's own message, which never holds a secret (the sinks mask them). */
export type ReadyAnswer = { ready: true } | { ready: false; reason: string; detail?: string };

export class Readiness {
  readonly #outputs: readonly WatchedOutput[];
  #phase: 'starting' | 'running' | 'draining' = 'starting';

  constructor(outputs: readonly WatchedOutput[]) {
    this.#outputs = outputs;
  }

  /** The outputs are open and pulling starts; a drain already begun stays a drain. */
  running(): void {
    if (this.#phase === 'starting') this.#phase = 'running';
  }

  /** The drain has begun: not ready again, whatever happens next. */
  draining(): void {
    this.#phase = 'draining';
  }

  check(): ReadyAnswer {
    if (this.#phase !== 'running') return { ready: false, reason: this.#phase };
    for (const output of this.#outputs) {
      const health = output.health();
      if (!health.ok) return { ready: false, reason: `${output.name} not ready`, ...(health.detail === undefined ? {} : { detail: health.detail }) };
    }
    return { ready: true };
  }
}
