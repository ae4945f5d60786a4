// sluice's SLS client: the data-plane calls of sls-protocol.md §8-§11 and the consumer-group
// calls of §14, one signed HTTP request each. It never retries: every error it throws is
// an SlsError whose `retryable` verdict lets the caller's loop decide (the consumer loops
// own the retry policy, because only they know whether a repeat is safe and useful).

import { inspect } from 'node:util';
import { VERSION } from '../version.js';
import { compress, loadCodec, parseCompressType } from './codec/compression.js';
import { decodeLogGroupList } from './codec/log-group-list-decoder.js';
import { encodeLogGroup } from './codec/log-group-encoder.js';
import { SlsError } from './errors.js';
import { resolveEndpoint } from './http/endpoint.js';
import { headerValue } from './http/response-error.js';
import { SignedTransport, type SignatureVersion, type SlsCall } from './http/signed-transport.js';
import * as answers from './json-answers.js';
import { readPullResponse, type PullResult } from './pull-response.js';
import { hideCredentials, type Credentials } from './signing/credentials.js';
import type { CheckpointInfo, CompressType, ConsumerGroupInfo, LogGroupInput, LogRecord, ShardInfo } from './types.js';

export type { PullResult } from './pull-response.js';

export interface SlsClientOptions {
  /** e.g. `https://cn-hangzhou.log.aliyuncs.com` or `http://127.0.0.1:9800` (see http/endpoint.ts). */
  endpoint: string;
  project: string;
  credentials: Credentials;
  /** Default v1, what every consumer library sends. */
  signatureVersion?: SignatureVersion;
  /** Region id for v4 signatures; read from a standard endpoint when absent. */
  region?: string;
  connectTimeoutMs?: number;
  /** Longest time for one whole call. */
  requestTimeoutMs?: number;
  /** Longest silence on the connection during a call. */
  idleTimeoutMs?: number;
  /** Default `sluice/<version>`. */
  userAgent?: string;
  /** The clock that dates signatures; for tests. */
  now?: () => Date;
}

export interface PullOptions {
  /** Where to read from (inclusive). */
  cursor: string;
  /** Most log groups to return, 1..1000. Default 1000. */
  count?: number;
  /** Exclusive upper bound, for reading a time range. */
  endCursor?: string;
  /** How the server should compress its answer (`Accept-Encoding`). Default lz4; 'none' asks for raw bytes. */
  compression?: CompressType;
}

export interface PullRecordsResult extends PullResult {
  records: LogRecord[];
}

export interface PutLogsOptions {
  /** 32 hex chars: routes the group to the shard whose key range holds it; else any writable shard. */
  hashKey?: string;
  /** Default lz4. */
  compression?: CompressType;
}

export interface CheckpointUpdate {
  shard: number;
  checkpoint: string;
  consumer: string;
  /** Write even if this consumer does not hold the shard. Default true, as the Go and Python consumers. */
  forceSuccess?: boolean;
}

/** SDKs refuse raw PutLogs bodies over 10 MiB client-side (§11). */
const MAX_PUT_RAW_BYTES = 10 * 1024 * 1024;
const HASH_KEY = /^[0-9a-fA-F]{32}$/;
const JSON_TYPE = { 'content-type': 'application/json' };

export class SlsClient {
  readonly #transport: SignedTransport;
  readonly #project: string;
  readonly #endpoint: string;

  constructor(options: SlsClientOptions) {
    const endpoint = resolveEndpoint(options.endpoint, options.project);
    const signatureVersion = options.signatureVersion ?? 'v1';
    const region = options.region ?? endpoint.region;
    if (signatureVersion === 'v4' && region === undefined) {
      throw new SlsError({
        code: 'MissingRegion',
        retryable: false,
        message: `v4 signatures need the region id (e.g. cn-hangzhou); the endpoint "${options.endpoint}" does not name one, so set region.`,
      });
    }
    this.#project = options.project;
    this.#endpoint = options.endpoint;
    this.#transport = new SignedTransport({
      endpoint,
      credentials: hideCredentials(options.credentials),
      signatureVersion,
      ...(region === undefined ? {} : { region }),
      userAgent: options.userAgent ?? `sluice/${VERSION}`,
      now: options.now ?? (() => new Date()),
      connectTimeoutMs: options.connectTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
    });
  }

  async listShards(logstore: string): Promise<ShardInfo[]> {
    const what = `ListShards ${logstore}`;
    return answers.shardsFrom(await this.#json({ method: 'GET', path: `${logstorePath(logstore)}/shards`, what }), what);
  }

  /** The cursor at the shard's oldest data, its end (next write), or the first group received at or after `from` (Unix seconds). */
  async getCursor(logstore: string, shard: number, from: 'begin' | 'end' | number): Promise<string> {
    if (typeof from === 'number' && !(Number.isSafeInteger(from) && from >= 0)) {
      throw invalidArgument(`GetCursor needs "begin", "end" or whole Unix seconds, not ${from}`);
    }
    const what = `GetCursor ${logstore}/${shard}`;
    const query = { type: 'cursor', from: String(from) };
    return answers.cursorFrom(await this.#json({ method: 'GET', path: shardPath(logstore, shard), query, what }), what);
  }

  /** Server receive time (Unix seconds) of the log group at `cursor`. */
  async getCursorTime(logstore: string, shard: number, cursor: string): Promise<number> {
    const what = `GetCursorTime ${logstore}/${shard}`;
    const query = { type: 'cursor_time', cursor };
    return answers.cursorTimeFrom(await this.#json({ method: 'GET', path: shardPath(logstore, shard), query, what }), what);
  }

  /** Reads up to `count` log groups from `cursor`; the body comes back decompressed and verified. */
  async pullLogs(logstore: string, shard: number, options: PullOptions): Promise<PullResult> {
    const what = `PullLogs ${logstore}/${shard}`;
    const count = options.count ?? 1000;
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw invalidArgument(`${what}: count must be 1..1000, not ${count}`);
    const query: Record<string, string> = { type: 'log', cursor: options.cursor, count: String(count) };
    if (options.endCursor !== undefined) query.end_cursor = options.endCursor;
    const compression = options.compression ?? 'lz4';
    // Always explicit: an HTTP stack's default (gzip, deflate) would get a deflate body back.
    const headers = { accept: 'application/x-protobuf', 'accept-encoding': compression === 'none' ? '' : compression };
    const response = await this.#transport.call({ method: 'GET', path: shardPath(logstore, shard), query, headers, what });
    // The body is decompressed as the answer says it is compressed, whatever was asked.
    await loadCodec(parseCompressType(headerValue(response, 'x-log-compresstype')));
    return readPullResponse(response, what);
  }

  /** pullLogs, with the log groups decoded to records. */
  async pullRecords(logstore: string, shard: number, options: PullOptions): Promise<PullRecordsResult> {
    const pulled = await this.pullLogs(logstore, shard, options);
    return { ...pulled, records: decodeLogGroupList(pulled.logGroupList) };
  }

  /** Writes one log group; an empty one is not sent (as in every SDK). */
  async putLogs(logstore: string, group: LogGroupInput, options: PutLogsOptions = {}): Promise<void> {
    const what = `PutLogs ${logstore}`;
    if (group.logs.length === 0) return;
    if (options.hashKey !== undefined && !HASH_KEY.test(options.hashKey)) {
      throw invalidArgument(`${what}: the hash key must be 32 hex characters, not "${options.hashKey}"`);
    }
    const raw = encodeLogGroup(group);
    if (raw.byteLength > MAX_PUT_RAW_BYTES) {
      throw new SlsError({ code: 'PostBodyTooLarge', retryable: false, message: `${what}: the log group is ${raw.byteLength} bytes, over the 10 MiB SLS accepts; split it` });
    }
    const compression = options.compression ?? 'lz4';
    const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
    if (compression !== 'none') headers['x-log-compresstype'] = compression;
    const [path, query] =
      options.hashKey === undefined
        ? [`${logstorePath(logstore)}/shards/lb`, {}]
        : [`${logstorePath(logstore)}/shards/route`, { key: options.hashKey.toLowerCase() }];
    await loadCodec(compression);
    await this.#transport.call({ method: 'POST', path, query, headers, body: compress(compression, raw), rawSize: raw.byteLength, what });
  }

  /** Creates a consumer group; an existing name fails with code `ConsumerGroupAlreadyExist`, which callers may take as success. */
  async createConsumerGroup(logstore: string, group: ConsumerGroupInfo): Promise<void> {
    const body = { consumerGroup: group.name, timeout: group.timeout, order: group.order };
    await this.#json({ method: 'POST', path: groupsPath(logstore), ...jsonBody(body), what: `CreateConsumerGroup ${logstore}/${group.name}` });
  }

  async listConsumerGroups(logstore: string): Promise<ConsumerGroupInfo[]> {
    const what = `ListConsumerGroup ${logstore}`;
    return answers.consumerGroupsFrom(await this.#json({ method: 'GET', path: groupsPath(logstore), what }), what);
  }

  async updateConsumerGroup(logstore: string, name: string, changes: { timeout?: number; order?: boolean }): Promise<void> {
    // JSON.stringify leaves out the keys that are undefined: only what changes is sent.
    const body = { order: changes.order, timeout: changes.timeout };
    await this.#json({ method: 'PUT', path: groupPath(logstore, name), ...jsonBody(body), what: `UpdateConsumerGroup ${logstore}/${name}` });
  }

  async deleteConsumerGroup(logstore: string, name: string): Promise<void> {
    await this.#json({ method: 'DELETE', path: groupPath(logstore, name), what: `DeleteConsumerGroup ${logstore}/${name}` });
  }

  /** Reports the shards `consumer` holds; resolves with the shards the server assigns it (§14.5). */
  async heartbeat(logstore: string, group: string, consumer: string, heldShards: readonly number[]): Promise<number[]> {
    const what = `ConsumerGroupHeartBeat ${logstore}/${group}/${consumer}`;
    const query = { type: 'heartbeat', consumer };
    const answer = await this.#json({ method: 'POST', path: groupPath(logstore, group), query, ...jsonBody(heldShards), what });
    return answers.shardIdsFrom(answer, what);
  }

  /** The group's checkpoints: every shard's, or only `shard`'s. */
  async getCheckpoints(logstore: string, group: string, shard?: number): Promise<CheckpointInfo[]> {
    const what = `GetCheckPoint ${logstore}/${group}`;
    const query: Record<string, string> = shard === undefined ? {} : { shard: String(shard) };
    return answers.checkpointsFrom(await this.#json({ method: 'GET', path: groupPath(logstore, group), query, what }), what);
  }

  async updateCheckpoint(logstore: string, group: string, update: CheckpointUpdate): Promise<void> {
    const query = { type: 'checkpoint', consumer: update.consumer, forceSuccess: String(update.forceSuccess ?? true) };
    const body = { shard: update.shard, checkpoint: update.checkpoint };
    const what = `ConsumerGroupUpdateCheckPoint ${logstore}/${group}/${update.shard}`;
    await this.#json({ method: 'POST', path: groupPath(logstore, group), query, ...jsonBody(body), what });
  }

  /** Closes pooled connections. Calls in flight fail; the client is not usable afterwards. */
  close(): void {
    this.#transport.close();
  }

  [inspect.custom](): string {
    return `SlsClient { endpoint: ${inspect(this.#endpoint)}, project: ${inspect(this.#project)} }`;
  }

  #json(call: SlsCall): Promise<unknown> {
    return this.#transport.callJson(call);
  }
}

function logstorePath(logstore: string): string {
  return `/logstores/${encodeURIComponent(logstore)}`;
}

function shardPath(logstore: string, shard: number): string {
  if (!(Number.isSafeInteger(shard) && shard >= 0)) throw invalidArgument(`a shard id is a whole number >= 0, not ${shard}`);
  return `${logstorePath(logstore)}/shards/${shard}`;
}

function groupsPath(logstore: string): string {
  return `${logstorePath(logstore)}/consumergroups`;
}

function groupPath(logstore: string, group: string): string {
  return `${groupsPath(logstore)}/${encodeURIComponent(group)}`;
}

function jsonBody(value: unknown): Pick<SlsCall, 'headers' | 'body'> {
  return { headers: JSON_TYPE, body: Buffer.from(JSON.stringify(value), 'utf8') };
}

function invalidArgument(message: string): SlsError {
  return new SlsError({ code: 'ParameterInvalid', retryable: false, message });
}
