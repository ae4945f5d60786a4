// The SLS consumer-group source: several sluice processes with one consumer group share a
// logstore's shards, and SLS itself balances them (sls-protocol.md §14-§15). This class
// ties the parts together: the group setup, the heartbeat that says which shards are ours,
// one puller per held shard, the checkpoint loop, and the drain steps in their order.
//
// The order is the point. The official consumers lose or duplicate data at the edges: they
// checkpoint when a batch is handed over rather than when it is durable, stop
// heart-beating before their final checkpoint, and never release a readonly shard they
// finished. Here a checkpoint is only ever an acked watermark; a shard taken away is
// stopped, its acks awaited and committed while it is still reported, and only then given
// back; heartbeats go on through the whole drain until close().
//
// Ownership, the one rule every part follows: a shard is ours to read from the heartbeat
// answer that grants it (#take) until the source decides otherwise: an answer that no longer
// grants it (#release), a checkpoint write the server refuses or this consumer's expiry
// (#drop), or the end of pulling (stopPulling). Each of these stops the shard's puller
// before it awaits anything, so the puller's signal says whether the shard may be read: it
// aborts the moment that ends. Answers can arrive later (a checkpoint read, a cursor, a pull
// sent just before), and nothing acts on them: Retrier.call drops an answer to an aborted
// call, and the puller checks its signal once more before it starts reading. A shard's acks
// are committed only while it is held (reported) and once its puller has `started`, i.e.
// read the group's checkpoint in this hold: before that, a watermark the pipeline still has
// from an earlier hold of the shard (before another consumer moved the checkpoint on) would
// be written over the newer checkpoint.

import type { Logger } from 'pino';
import type { BackoffOptions } from '../../pipeline/backoff.js';
import type { AckView, BatchIntake } from '../../pipeline/pulled-batch.js';
import type { SlsClient } from '../../sls/client.js';
import type { CompressType } from '../../sls/types.js';
import type { CursorLag, Source, SourceEnd, SourceStats } from '../source.js';
import { abortable, repeat } from './abortable.js';
import { Checkpointer, type CommitOutcome } from './checkpointer.js';
import { EndCursors } from './end-cursors.js';
import { ensureConsumerGroup } from './group-setup.js';
import { Heartbeat } from './heartbeat.js';
import { PauseGate } from './pause-gate.js';
import { Retrier } from './retry.js';
import { RunBounds, type RunUntil, type StartFrom } from './run-bounds.js';
import { ShardList } from './shard-list.js';
import { ShardPuller, type PullCounters, type PullerContext } from './shard-puller.js';

/** What a PullLogs aims at, decompressed: a few thousand typical logs (see pull-sizer.ts). */
const DEFAULT_PULL_BYTES = 1024 * 1024;

export type { RunUntil, StartFrom } from './run-bounds.js';

export interface ConsumerGroupSourceOptions {
  client: SlsClient;
  logstore: string;
  group: string;
  /** This consumer's name in the group; keep it stable across restarts (default in config: the hostname). */
  consumer: string;
  /** Where a shard without a checkpoint starts. */
  from: StartFrom;
  /** Where the run ends; null: it runs until stopped. */
  until: RunUntil;
  heartbeatIntervalMs: number;
  /** The group's timeout: a consumer silent this long loses its shards. */
  groupTimeoutSeconds: number;
  /** In-order group: children of a split or merge wait until their parents are read to the end. */
  inOrder: boolean;
  checkpointIntervalMs: number;
  intake: BatchIntake;
  acks: AckView;
  log: Logger;
  /** Pause between pulls of a caught-up shard; default 500 ms (the Go consumer's). */
  idleWaitMs?: number;
  /** Log groups per PullLogs at most, 1..1000; default 1000. */
  pullCount?: number;
  /** Decompressed bytes a PullLogs aims at (the count follows the shard's log group size); default 1 MiB. */
  pullBytes?: number;
  backoff?: BackoffOptions;
  /** A call that keeps failing (retryably) this long becomes fatal; default 120 s. */
  retryTimeoutMs?: number;
  compression?: CompressType;
  /** How old the shard list may be when a caught-up puller asks whether its shard is readonly; default 5 s. */
  shardListMaxAgeMs?: number;
  /** close() also closes `client` (set when the source created it). */
  closeClient?: boolean;
  /** Milliseconds clock (lag, a future `until` time); default Date.now. */
  now?: () => number;
}

export class ConsumerGroupSource implements Source {
  readonly #options: ConsumerGroupSourceOptions;
  readonly #log: Logger;
  readonly #retrier: Retrier;
  readonly #gate = new PauseGate();
  /** Aborted by close(): heartbeats, checkpoint commits, everything. */
  readonly #lifetime = new AbortController();
  /** Aborted by stopPulling() (and a fatal error): the setup before the first heartbeat. */
  readonly #pulling = new AbortController();
  readonly #checkpointer: Checkpointer;
  readonly #heartbeat: Heartbeat;
  readonly #endCursors: EndCursors;
  readonly #counters: PullCounters = { pulls: 0, pulledLogGroups: 0, pulledBytes: 0 };
  readonly #pullerContext: PullerContext;
  /** The shards we hold, each with its puller (running, done or stopped): what every heartbeat reports. */
  readonly #held = new Map<number, ShardPuller>();
  /** Held shards being given back: stopped, waiting for their acks and last commit. */
  readonly #releasing = new Set<number>();
  /** The last heartbeat's answer. */
  #assigned: ReadonlySet<number> = new Set();
  #answers = 0;
  #setupDone = false;
  #result: Promise<SourceEnd> | undefined;
  #settle: { resolve(end: SourceEnd): void; reject(error: unknown): void } | undefined;
  readonly #loops: Promise<void>[] = [];
  #closing: Promise<void> | undefined;

  constructor(options: ConsumerGroupSourceOptions) {
    this.#options = options;
    const { client, logstore, group, consumer, acks } = options;
    const log = options.log.child({ logstore, group, consumer });
    this.#log = log;
    const now = options.now ?? Date.now;
    const signal = this.#lifetime.signal;
    this.#retrier = new Retrier({ log, backoff: options.backoff, timeoutMs: options.retryTimeoutMs ?? 120_000 });
    const retrier = this.#retrier;
    this.#checkpointer = new Checkpointer({ client, logstore, group, consumer, acks, retrier, log, signal, now, onLost: (shard) => this.#drop(shard) });
    this.#endCursors = new EndCursors({ client, logstore, log, now });
    const shardList = new ShardList({ client, logstore, retrier, maxAgeMs: options.shardListMaxAgeMs ?? 5000, signal });
    const bounds = new RunBounds({ client, logstore, from: options.from, until: options.until, checkpointer: this.#checkpointer, shardList, retrier, now });
    this.#pullerContext = {
      client,
      logstore,
      intake: options.intake,
      gate: this.#gate,
      retrier,
      bounds,
      shardList,
      log,
      idleWaitMs: options.idleWaitMs ?? 500,
      pullCount: options.pullCount ?? 1000,
      pullBytes: options.pullBytes ?? DEFAULT_PULL_BYTES,
      compression: options.compression,
      counters: this.#counters,
      now,
      finishReadonly: (shard, end, pullerSignal) => this.#finishReadonly(shard, end, pullerSignal),
    };
    this.#heartbeat = new Heartbeat({
      client,
      logstore,
      group,
      consumer,
      intervalMs: options.heartbeatIntervalMs,
      retrier,
      log,
      reported: () => [...this.#held.keys()],
      assigned: (shards) => this.#assign(shards),
      expired: () => this.#dropAll(),
    });
  }

  run(): Promise<SourceEnd> {
    this.#result ??= new Promise<SourceEnd>((resolve, reject) => {
      this.#settle = { resolve, reject };
      void this.#start();
    });
    return this.#result;
  }

  stopPulling(): void {
    if (!this.#pulling.signal.aborted) this.#log.info('stopping pulling; heartbeats and checkpoints continue');
    this.#pulling.abort(new Error('pulling stopped'));
    for (const puller of this.#held.values()) puller.stop();
    this.#checkDone();
  }

  get paused(): boolean {
    return this.#gate.paused;
  }

  pause(): void {
    if (!this.#gate.paused) this.#log.info('pulling paused');
    this.#gate.pause();
  }

  resume(): void {
    if (this.#gate.paused) this.#log.info('pulling resumed');
    this.#gate.resume();
  }

  async commitCheckpoints(): Promise<void> {
    const results = await Promise.allSettled([...this.#held.keys()].map((shard) => this.#commitAcked(shard)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  stats(): SourceStats {
    const shards = [...this.#held.values()]
      .sort((a, b) => a.shard - b.shard)
      .map((puller) => ({ ...puller.progress(), checkpointAgeSeconds: this.#checkpointer.ageSeconds(puller.shard) }));
    return {
      heldShards: shards.map(({ shard }) => shard),
      ...this.#counters,
      lagSeconds: Math.max(0, ...shards.map((shard) => shard.lagSeconds)),
      retries: this.#retrier.retries,
      errorsByCode: this.#retrier.errorsByCode(),
      heartbeatFailures: this.#heartbeat.failures,
      shards,
      checkpoints: this.#checkpointer.left(),
    };
  }

  cursorLag(): Promise<CursorLag[]> {
    return this.#endCursors.distances([...this.#held.values()].map((puller) => puller.progress()));
  }

  async #start(): Promise<void> {
    const { client, logstore, group, groupTimeoutSeconds, inOrder } = this.#options;
    const signal = this.#pulling.signal;
    try {
      await ensureConsumerGroup(client, logstore, { name: group, timeout: groupTimeoutSeconds, order: inOrder }, this.#retrier, this.#log, signal);
      await this.#pullerContext.bounds.capture(signal);
    } catch (error) {
      if (!signal.aborted) this.#fail(error);
    }
    this.#setupDone = true;
    // Stopped before the first heartbeat: never register, or the group would assign shards nobody reads.
    if (!signal.aborted) {
      const lifetime = this.#lifetime.signal;
      this.#loops.push(
        this.#heartbeat.run(lifetime).catch((error: unknown) => this.#fail(error)),
        repeat(this.#options.checkpointIntervalMs, lifetime, () => this.#commitChanged()).catch((error: unknown) => this.#fail(error)),
      );
    }
    this.#checkDone();
  }

  /** Applies a heartbeat answer: start pullers for new shards, give back the ones taken away. */
  #assign(shards: readonly number[]): void {
    this.#assigned = new Set(shards);
    this.#answers += 1;
    const taking = !this.#pulling.signal.aborted;
    for (const shard of shards) {
      if (taking && !this.#held.has(shard)) this.#take(shard);
    }
    for (const shard of [...this.#held.keys()]) {
      if (!this.#assigned.has(shard)) void this.#release(shard);
    }
    this.#checkDone();
  }

  #take(shard: number): void {
    this.#log.info({ shard }, `shard ${shard} assigned to this consumer`);
    const puller = new ShardPuller(shard, this.#pullerContext);
    this.#held.set(shard, puller);
    puller.finished.then(
      () => this.#checkDone(),
      (error: unknown) => this.#fail(error),
    );
  }

  /**
   * Gives a shard back, in the order that loses and duplicates nothing: stop pulling it (no
   * batch is accepted after that), wait until every accepted batch is acked, commit the
   * watermark while the shard is still reported (a forceSuccess=false write is refused
   * once the server has moved it), and only then stop reporting it, which lets the server
   * hand it to its new owner (§14.5).
   */
  async #release(shard: number): Promise<void> {
    const puller = this.#held.get(shard);
    if (puller === undefined || this.#releasing.has(shard)) return;
    this.#releasing.add(shard);
    puller.stop();
    this.#log.info({ shard }, `shard ${shard} is assigned elsewhere now: committing what was acked, then giving it back`);
    try {
      await abortable(this.#options.acks.settled(shard), this.#lifetime.signal);
      await this.#commitAcked(shard);
    } catch (error) {
      if (!this.#lifetime.signal.aborted) this.#fail(error);
    } finally {
      this.#releasing.delete(shard);
      if (this.#held.get(shard) === puller) this.#forget(shard);
      this.#checkDone();
    }
  }

  /** A readonly shard read to its end: once its batches are acked, commit the end cursor, which marks it over for the group (§15). */
  async #finishReadonly(shard: number, end: string, signal: AbortSignal): Promise<void> {
    await abortable(this.#options.acks.settled(shard), signal);
    // The hold may have ended in the moment between the acks settling and this step running.
    signal.throwIfAborted();
    // Written even when nothing was ever read from the shard: without it the group never releases it.
    if ((await this.#checkpointer.commit(shard, end, true)) === 'committed') {
      this.#log.info({ shard, checkpoint: end }, `shard ${shard} is readonly and read to its end: committed its end cursor, so the group releases it`);
    }
  }

  async #commitChanged(): Promise<void> {
    await Promise.all([...this.#held.keys()].map((shard) => this.#commitAcked(shard)));
  }

  /** Commits the acked watermark of a held shard, once its puller has started (see the ownership rule above). */
  #commitAcked(shard: number): Promise<CommitOutcome> {
    if (this.#held.get(shard)?.started !== true) return Promise.resolve('unchanged');
    return this.#checkpointer.commitWatermark(shard);
  }

  /** The server says a shard is not ours: stop it and stop reporting it, without a commit (it would be refused). */
  #drop(shard: number): void {
    this.#held.get(shard)?.stop();
    this.#forget(shard);
    this.#checkDone();
  }

  /** This consumer expired from the group: every shard goes (heartbeat.ts logs why). */
  #dropAll(): void {
    for (const shard of [...this.#held.keys()]) this.#drop(shard);
  }

  #forget(shard: number): void {
    this.#held.delete(shard);
    this.#checkpointer.forget(shard);
  }

  /**
   * Settles run() when its end has come. After stopPulling(): once the setup is over and
   * every puller has stopped. With `until`: once the server has answered at least one
   * heartbeat, every shard held and every shard that answer assigned is read to its stop,
   * and no shard is being given back. A consumer assigned nothing ends at the first answer:
   * the others in the group hold every shard. A shard assigned later (another consumer
   * expired, a rebalance) starts a puller and keeps the run going; one assigned after the
   * end was announced is not taken (pulling has stopped by then).
   */
  #checkDone(): void {
    if (this.#settle === undefined) return;
    const pullers = [...this.#held.values()];
    if (this.#pulling.signal.aborted) {
      if (this.#setupDone && pullers.every((puller) => !puller.running)) this.#end('stopped');
      return;
    }
    const allDone = pullers.every((puller) => puller.done) && [...this.#assigned].every((shard) => this.#held.get(shard)?.done === true);
    if (this.#options.until !== null && this.#answers > 0 && this.#releasing.size === 0 && allDone) {
      this.#log.info({ shards: [...this.#held.keys()] }, 'every held shard reached the end of this run');
      this.#pulling.abort(new Error('run reached its end'));
      this.#end('end');
    }
  }

  #end(end: SourceEnd): void {
    this.#settle?.resolve(end);
    this.#settle = undefined;
  }

  /** A fatal error: run() rejects with it and pulling stops; heartbeats go on until close(), for the drain's commits. */
  #fail(error: unknown): void {
    if (this.#settle === undefined) {
      if (!this.#lifetime.signal.aborted) this.#log.error({ err: error }, 'the source failed after its run ended');
      return;
    }
    const settle = this.#settle;
    this.#settle = undefined;
    this.stopPulling();
    settle.reject(error);
  }

  async #shutdown(): Promise<void> {
    this.stopPulling();
    this.#lifetime.abort(new Error('source closed'));
    if (this.#options.closeClient) this.#options.client.close();
    await Promise.allSettled([...this.#loops, ...[...this.#held.values()].map((puller) => puller.finished)]);
    this.#log.info('source closed');
  }
}
