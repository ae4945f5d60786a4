// PullLogs over plain node:http, the way the official consumers ask (count=1000,
// Accept-Encoding lz4) and without sluice's client: the bodies stay as the emulator sent them,
// compressed. The emulator case counts them; the ceilings keep them to decode in memory.

import type { Agent } from 'node:http';
import { request } from 'node:http';

interface Answer {
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  body: Buffer;
}

/** One PullLogs answer, its body still compressed. */
export interface RawPull {
  shard: number;
  /** The cursor it was read at, and the one after it. */
  cursor: string;
  nextCursor: string;
  /** The body as sent (lz4), empty unless kept. */
  body: Buffer;
  bytes: number;
  rawSize: number;
  logGroups: number;
}

/**
 * Pulls `shard` of the emulator's `access` logstore from begin, handing each non-empty answer
 * to `take`, until the cursor stops moving or `take` returns false. With `keep` the bodies are
 * kept, else only counted.
 */
export async function pullShard(port: number, agent: Agent, shard: number, keep: boolean, take: (pull: RawPull) => boolean): Promise<void> {
  const path = `/logstores/access/shards/${shard}`;
  let cursor = (JSON.parse((await get(port, agent, `${path}?type=cursor&from=begin`)).body.toString()) as { cursor: string }).cursor;
  for (;;) {
    const answer = await get(port, agent, `${path}?type=log&count=1000&cursor=${encodeURIComponent(cursor)}`, !keep);
    const nextCursor = String(answer.headers['x-log-cursor']);
    if (nextCursor === cursor) return;
    const pull = {
      shard,
      cursor,
      nextCursor,
      body: answer.body,
      bytes: answer.bytes,
      rawSize: Number(answer.headers['x-log-bodyrawsize']),
      logGroups: Number(answer.headers['x-log-count']),
    };
    if (!take(pull)) return;
    cursor = nextCursor;
  }
}

/** Characters of an unexpected answer's body quoted in the error. */
const BODY_SNIPPET_CHARS = 200;

/** One GET; with `countOnly` the body is counted and dropped. Rejects unless the status is 200. */
export function get(port: number, agent: Agent, path: string, countOnly = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { accept: 'application/x-protobuf', 'accept-encoding': 'lz4', 'x-log-apiversion': '0.6.0' };
    request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      // An error's body is kept whatever `countOnly` says, to quote it.
      const keep = !countOnly || res.statusCode !== 200;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (keep) chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode === 200) resolve({ headers: res.headers, bytes, body });
        else reject(new Error(`GET ${path} answered ${res.statusCode}: ${body.toString('utf8', 0, BODY_SNIPPET_CHARS)}`));
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
