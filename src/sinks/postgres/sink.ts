// The PostgreSQL sink: records into a table, each write() one transaction with one COPY (see
// copy-commit.ts), on a pool of sink.batch.maxInFlight connections so that the batcher can commit
// several batches at once. The sink commits and classifies failures (errors.ts); retrying and
// splitting batches is the batcher's job.

import pg, { type Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { RequestRecord } from '../../parse/request-record.js';
import { abortedError, closedError, notOpenError } from '../lifecycle-errors.js';
import { REJECTED_DATA, SinkError } from '../sink-error.js';
import type { RecordSink, SinkHealth } from '../sink.js';
import type { PostgresSinkConfig } from './config.js';
import { connectionOptions, describeTarget } from './connection-target.js';
import { commitBatch, commitStatements, rollback, type CommitStatements } from './copy-commit.js';
import { CopyTextEncoder, type Origin } from './copy-text.js';
import { postgresError, stalledError, type ErrorScene } from './errors.js';
import { prepareTable, qualifiedName, tableSpec, type PreparedTable } from './table-setup.js';

export interface PostgresSinkOptions {
  config: Omit<PostgresSinkConfig, 'type'>;
  /** parse.fields: decides the columns of a created table. */
  fields: 'all' | readonly string[];
  /** The SLS project and logstore the records come from (columns `project`, `logstore`). */
  origin: Origin;
  log: Logger;
}

const NAME = 'postgres sink';

/** Failures that say nothing about whether the database can be reached. */
const NOT_CONNECTION_FAILURES: ReadonlySet<string> = new Set([REJECTED_DATA, 'TransactionConflict']);

/** What ends a write early: the caller's abort or the commit timeout, and the error that says which. */
interface Stop {
  signal: AbortSignal;
  error(): SinkError;
}

interface Writer {
  encoder: CopyTextEncoder;
  statements: CommitStatements;
}

export class PostgresSink implements RecordSink {
  readonly input = 'records';
  readonly #options: PostgresSinkOptions;
  /** The database as messages name it: never the password. */
  readonly #target: string;
  readonly #table: string;
  #state: 'new' | 'open' | 'closed' = 'new';
  #pool: Pool | undefined;
  #writer: Writer | undefined;
  #closing: Promise<void> | undefined;
  /** Why the database cannot be reached, since the last failed connection or commit; cleared by the next success. */
  #failure: string | undefined;

  constructor(options: PostgresSinkOptions) {
    this.#options = options;
    this.#target = describeTarget(options.config.url);
    this.#table = qualifiedName(options.config);
  }

  /** Connects, and creates or checks the table; a failure names the database (password masked) and what to do. */
  async open(): Promise<void> {
    if (this.#state === 'closed') throw closedError(NAME);
    if (this.#state === 'open') return;
    const { config, origin, log } = this.#options;
    const pool = (this.#pool ??= this.#createPool());
    const prepared = await this.#prepare(pool);
    const stored = new Set(prepared.columns.map((column) => column.key));
    const extras = prepared.columns.find((column) => column.from === 'extras');
    const lost = prepared.dropped.filter((column) => !stored.has(column.key)).map((column) => column.key);
    if (lost.length > 0) {
      const where = extras === undefined ? 'are not stored' : `go into its column ${JSON.stringify(extras.name)}`;
      log.warn({ table: this.#table, keys: lost }, `postgres sink: table ${this.#table} has no column for ${lost.join(', ')}: these record keys ${where}`);
    }
    this.#writer = { encoder: new CopyTextEncoder(prepared.columns, origin), statements: commitStatements(this.#table, prepared.columns, config.dedupe) };
    // close() may have been called while opening: it ended the pool, so stay closed.
    if (this.#closing !== undefined) throw closedError(NAME);
    this.#state = 'open';
    log.info(
      { database: this.#target, table: this.#table, created: prepared.created, dedupe: config.dedupe },
      `postgres sink: ${prepared.created ? 'created' : 'writing to'} table ${this.#table} at ${this.#target}`,
    );
  }

  /**
   * Commits `records` in one transaction; resolves once they are committed. A commit still
   * unfinished after commitTimeout is abandoned as the caller's abort is: a connection that
   * stalls without failing (a network that drops packets) must not hold up the pipeline.
   */
  async write(records: readonly RequestRecord[], signal?: AbortSignal): Promise<void> {
    const pool = this.#pool;
    const writer = this.#writer;
    if (this.#state !== 'open' || pool === undefined || writer === undefined) {
      throw this.#state === 'closed' ? closedError(NAME) : notOpenError(NAME);
    }
    if (signal?.aborted) throw abortedError(NAME, signal);
    if (records.length === 0) return;
    const timeout = this.#options.config.commitTimeout;
    const deadline = AbortSignal.timeout(timeout);
    const stop: Stop = {
      signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
      error: () => (signal?.aborted === true ? abortedError(NAME, signal) : this.#noted(stalledError(timeout, this.#scene('write')))),
    };
    const client = await this.#checkout(pool, 'write', stop);
    try {
      await this.#commitOn(client, writer, records, stop);
    } catch (error) {
      if (error instanceof SinkError) throw error; // stopped: the client is gone already
      const usable = await rollback(client);
      client.release(!usable);
      throw this.#noted(postgresError(error, this.#scene('write', records)));
    }
    client.release();
    this.#failure = undefined;
  }

  /** Ends the pool once its connections are back; idempotent, fine without open(). */
  close(): Promise<void> {
    this.#state = 'closed';
    this.#closing ??= this.#pool === undefined ? Promise.resolve() : this.#pool.end();
    return this.#closing;
  }

  health(): SinkHealth {
    return this.#failure === undefined ? { ok: true } : { ok: false, detail: this.#failure };
  }

  /** Creates the table or matches the existing one, on a connection of its own. */
  async #prepare(pool: Pool): Promise<PreparedTable> {
    const { config, fields } = this.#options;
    const spec = tableSpec(config, fields);
    const client = await this.#checkout(pool, 'open');
    try {
      const prepared = await prepareTable(client, spec);
      client.release();
      return prepared;
    } catch (error) {
      client.release(true);
      throw postgresError(error, this.#scene('open'));
    }
  }

  #createPool(): Pool {
    const { config, log } = this.#options;
    const pool = new pg.Pool({
      ...connectionOptions(config),
      // One connection per commit in flight: the batcher writes at most this many at once.
      max: config.batch.maxInFlight,
      keepAlive: true,
    });
    // An idle connection that fails (the server restarted) is dropped by the pool; without a
    // listener, its 'error' event would end the process.
    pool.on('error', (error) => {
      const failure = this.#noted(postgresError(error, this.#scene('write')));
      log.warn({ err: failure }, 'postgres sink: an idle connection failed');
    });
    // A connection checked out of the pool has no listener of the pool's: one that breaks
    // mid-commit (a reset network) emits 'error' on its client too, which would end the
    // process. The commit's query fails with that error anyway, and is retried from there.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  }

  /** A connection from the pool; a stop while waiting for it rejects at once and hands it back when it comes. */
  async #checkout(pool: Pool, phase: ErrorScene['phase'], stop?: Stop): Promise<PoolClient> {
    const connecting = pool.connect();
    const client = await new Promise<PoolClient>((resolve, reject) => {
      const onStop = (): void => {
        connecting.then((late) => late.release(), () => undefined);
        reject(stop?.error());
      };
      stop?.signal.addEventListener('abort', onStop, { once: true });
      connecting.then(
        (connected) => {
          stop?.signal.removeEventListener('abort', onStop);
          resolve(connected);
        },
        (error: unknown) => {
          stop?.signal.removeEventListener('abort', onStop);
          reject(this.#noted(postgresError(error, this.#scene(phase))));
        },
      );
    });
    this.#failure = undefined;
    return client;
  }

  /**
   * Runs the commit on `client`. A stop rejects at once and destroys the connection in flight:
   * the server then rolls the transaction back, so nothing of the batch is written, and the
   * drain deadline does not wait for a database that hangs.
   */
  #commitOn(client: PoolClient, writer: Writer, records: readonly RequestRecord[], stop: Stop): Promise<void> {
    const committing = commitBatch(client, writer.statements, writer.encoder, records);
    return new Promise<void>((resolve, reject) => {
      const onStop = (): void => {
        committing.catch(() => undefined); // fails with the destroyed connection; the stop is the answer
        client.release(true);
        reject(stop.error());
      };
      stop.signal.addEventListener('abort', onStop, { once: true });
      committing.then(
        () => {
          stop.signal.removeEventListener('abort', onStop);
          resolve();
        },
        (error: unknown) => {
          stop.signal.removeEventListener('abort', onStop);
          reject(error as Error);
        },
      );
    });
  }

  /** Keeps a connection failure for health(); other failures leave it as it is. */
  #noted(error: SinkError): SinkError {
    if (!NOT_CONNECTION_FAILURES.has(error.code)) this.#failure = error.message;
    return error;
  }

  #scene(phase: ErrorScene['phase'], batch?: readonly RequestRecord[]): ErrorScene {
    return { phase, target: this.#target, table: this.#table, ...(batch === undefined ? {} : { batch }) };
  }
}
