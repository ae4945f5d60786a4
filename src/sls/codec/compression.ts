// Body compression as SLS names it in x-log-compresstype (§10.4, §11), one entry point per
// direction. Each codec is the fastest synchronous one measured in bench/codec.ts: native LZ4
// when its binary loads (else the JS one), zstd from node:zlib or wasm, deflate from node:zlib.
// zstd's codec is loaded on first use, by loadCodec('zstd'), before its first body.

import zlib from 'node:zlib';
import { CorruptDataError } from '../errors.js';
import type { CompressType } from '../types.js';
import { jsLz4 } from './lz4.js';
import { nativeLz4 } from './lz4-native.js';
import type { ZstdCodec } from './zstd.js';

/** A declared size above this is refused before anything is allocated: no PullLogs body comes
 * near it, and a corrupt or hostile header must not make the process reserve gigabytes. */
export const MAX_RAW_SIZE = 1024 * 1024 * 1024;

const lz4 = nativeLz4 ?? jsLz4;
/** Set by loadCodec('zstd'). */
let zstd: ZstdCodec | undefined;

/**
 * Loads the codec of `type` unless it is loaded; compress() and decompress() of `type` work
 * once this resolved. Only zstd's needs it: on Node < 22.15 it is a wasm module, whose loading
 * and asynchronous compilation (a tenth of a second) a run reading lz4, the compression sluice
 * asks for, should not pay at its start. Any other type, or undefined (one not known), needs nothing.
 */
export async function loadCodec(type: CompressType | undefined): Promise<void> {
  if (type === 'zstd') zstd ??= (await import('./zstd.js')).zstd;
}

function loadedZstd(): ZstdCodec {
  // A caller that skipped loadCodec: a mistake in sluice, not in the data.
  if (zstd === undefined) throw new Error('the zstd codec was used before loadCodec("zstd") loaded it');
  return zstd;
}

/** Compresses a body; 'none' returns `raw` itself. */
export function compress(type: CompressType, raw: Uint8Array): Uint8Array {
  switch (type) {
    case 'lz4':
      return lz4.compress(raw);
    case 'zstd':
      return loadedZstd().compress(raw);
    case 'deflate':
      return zlib.deflateSync(raw);
    case 'none':
      return raw;
  }
}

/** Decompresses a body that must come out exactly `rawSize` bytes long (x-log-bodyrawsize). Throws CorruptDataError. */
export function decompress(type: CompressType, body: Uint8Array, rawSize: number): Uint8Array {
  if (!Number.isSafeInteger(rawSize) || rawSize < 0 || rawSize > MAX_RAW_SIZE) {
    throw new CorruptDataError(`declared raw size ${rawSize} is not a size between 0 and ${MAX_RAW_SIZE} bytes`);
  }
  // An empty answer (caught up) may still name a compression; every SDK skips decoding it.
  if (rawSize === 0 && body.length === 0) return body;
  switch (type) {
    case 'lz4':
      return lz4.decompress(body, rawSize);
    case 'zstd':
      return loadedZstd().decompress(body, rawSize);
    case 'deflate':
      return inflate(body, rawSize);
    case 'none':
      if (body.length !== rawSize) {
        throw new CorruptDataError(`uncompressed body has ${body.length} bytes, but ${rawSize} were declared`);
      }
      return body;
  }
}

/** The compression an x-log-compresstype header names: absent or empty is 'none', an unknown name undefined. */
export function parseCompressType(header: string | undefined): CompressType | undefined {
  const name = header?.trim().toLowerCase() ?? '';
  if (name === '') return 'none';
  return name === 'lz4' || name === 'zstd' || name === 'deflate' ? name : undefined;
}

/** The names of the codecs in use, for diagnostics and the benchmark; zstd's is zstd.ts's `zstd.name`. */
export const codecNames: Readonly<Record<Exclude<CompressType, 'none' | 'zstd'>, string>> = {
  lz4: lz4.name,
  deflate: 'node:zlib',
};

/** zlib-wrapped deflate (RFC 1950), despite the name. */
function inflate(body: Uint8Array, rawSize: number): Uint8Array {
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(body, { maxOutputLength: Math.max(1, rawSize) });
  } catch (error) {
    throw new CorruptDataError(`deflate body is corrupt: ${(error as Error).message}`);
  }
  if (raw.length !== rawSize) {
    throw new CorruptDataError(`deflate body decompresses to ${raw.length} bytes, but ${rawSize} were declared`);
  }
  return raw;
}
