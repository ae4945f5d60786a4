// How far behind the reading of each shard is, in log groups: from the next pull's cursor to
// the shard's end cursor (a cursor counts log groups, sls-protocol.md §7). The metrics ask at
// scrape time, not the pullers, and a shard's end cursor is asked for at most once every
// `maxAgeMs`: however often a scraper comes, this adds at most one GetCursor per held shard
// per interval, and nothing without a scraper. (The last pull's "caught up" is no answer: a
// paused shard's last pull may be long ago.)

import type { Logger } from 'pino';
import type { SlsClient } from '../../sls/client.js';
import { decodeCursor } from '../../sls/cursor.js';
import type { CursorLag } from '../source.js';
import type { ShardProgress } from './shard-puller.js';

export interface EndCursorsOptions {
  client: SlsClient;
  logstore: string;
  log: Logger;
  /** How old a shard's end cursor may be before it is asked for again; default 5 s. */
  maxAgeMs?: number;
  /** A GetCursor not answered in this long leaves its shard out of this reading; default 2 s. */
  timeoutMs?: number;
  /** Milliseconds clock; default Date.now. */
  now?: () => number;
}

export class EndCursors {
  readonly #options: EndCursorsOptions;
  readonly #now: () => number;
  /** Per shard, the end cursor asked for (in flight or answered) and when. */
  readonly #asked = new Map<number, { at: number; end: Promise<string | undefined> }>();

  constructor(options: EndCursorsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The distances of `shards` that have started reading; a shard whose end cannot be had now is left out. */
  async distances(shards: readonly ShardProgress[]): Promise<CursorLag[]> {
    const reading = shards.filter((shard) => shard.cursor !== '');
    const lags = await Promise.all(reading.map(async ({ shard, cursor, done }) => {
      if (done) return { shard, logGroups: 0 };
      const end = await this.#end(shard);
      return end === undefined ? undefined : { shard, logGroups: Math.max(0, Number(decodeCursor(end) - decodeCursor(cursor))) };
    }));
    return lags.filter((lag) => lag !== undefined);
  }

  #end(shard: number): Promise<string | undefined> {
    const asked = this.#asked.get(shard);
    if (asked !== undefined && this.#now() - asked.at < (this.#options.maxAgeMs ?? 5000)) return asked.end;
    const end = this.#fetch(shard);
    this.#asked.set(shard, { at: this.#now(), end });
    return end;
  }

  async #fetch(shard: number): Promise<string | undefined> {
    const { client, logstore, log } = this.#options;
    const timeoutMs = this.#options.timeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs).unref()));
    try {
      return await Promise.race([client.getCursor(logstore, shard, 'end'), late]);
    } catch (error) {
      // A metric left out for one scrape; the pullers' own calls report SLS failures.
      log.debug({ err: error, shard }, `shard ${shard}: its end cursor could not be read for the lag metric`);
      this.#asked.delete(shard);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
