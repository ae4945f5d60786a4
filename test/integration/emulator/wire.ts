// Reading PullLogs bodies with decoders independent of sluice's codec (lz4js, zlib, fzstd),
// and writing LogGroups, for the emulator's protocol tests.

import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { encodeLogGroup } from '../../../src/sls/codec/log-group-encoder.js';
import { decodeLogGroupList } from '../../../src/sls/codec/log-group-list-decoder.js';
import type { LogRecord } from '../../../src/sls/types.js';
import type { RawResponse } from './raw-http.js';

const lz4js = createRequire(import.meta.url)('lz4js') as {
  decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
};

/** The LogGroupList bytes of a PullLogs answer, decompressed as its headers say. */
export function rawBody(res: RawResponse): Uint8Array {
  const rawSize = Number(res.headers['x-log-bodyrawsize']);
  switch (res.headers['x-log-compresstype']) {
    case 'lz4': {
      const out = new Uint8Array(rawSize);
      const written = lz4js.decompressBlock(res.body, out, 0, res.body.byteLength, 0);
      if (written !== rawSize) throw new Error(`lz4 body decompressed to ${written} bytes, x-log-bodyrawsize says ${rawSize}`);
      return out;
    }
    case 'zstd':
      return zstdDecompress(res.body);
    case 'deflate':
      return inflateSync(res.body);
    case undefined:
    case '':
      return res.body;
    default:
      throw new Error(`unexpected x-log-compresstype ${String(res.headers['x-log-compresstype'])}`);
  }
}

export function records(res: RawResponse): LogRecord[] {
  return decodeLogGroupList(rawBody(res));
}

/** A LogGroup of `count` logs whose `n` fields number them from `first`. */
export function numberedGroup(first: number, count: number, topic = 'test'): Uint8Array {
  return encodeLogGroup({
    topic,
    source: '10.0.0.1',
    tags: [['__pack_id__', `P-${first}`]],
    logs: Array.from({ length: count }, (_, i) => ({ time: 1_700_000_000 + first + i, contents: [['n', String(first + i)]] })),
  });
}
