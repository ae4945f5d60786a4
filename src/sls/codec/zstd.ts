// zstd frames (§10.4): decoded from PullLogs responses, encoded by the emulator for clients that
// ask for zstd. Node >= 22.15 has zstd in node:zlib; older Nodes use @bokuweb/zstd-wasm, which
// bench/codec.ts measured about three times faster than the pure-JS fzstd at decoding (and
// fzstd cannot encode). The wasm module needs one asynchronous initialisation, done here by a
// top-level await, so that every call after import is synchronous; compression.ts imports
// this module only when a zstd body comes (loadCodec), as that takes a tenth of a second.

import zlib from 'node:zlib';
import { CorruptDataError } from '../errors.js';

export interface ZstdCodec {
  readonly name: string;
  compress(raw: Uint8Array): Uint8Array;
  /** Throws CorruptDataError when the frame is malformed or does not decompress to exactly rawSize bytes. */
  decompress(frame: Uint8Array, rawSize: number): Uint8Array;
}

/** Go's SLS SDK uses its fastest level and Python level 1: speed over ratio. */
const LEVEL = 1;
const MAGIC = 0xfd2fb528;

/** node:zlib's zstd functions, which @types/node 20 does not declare. */
interface NativeZstd {
  zstdCompressSync(data: Uint8Array, options?: { params?: Record<number, number> }): Buffer;
  zstdDecompressSync(data: Uint8Array, options?: { maxOutputLength?: number }): Buffer;
}

export const zstd: ZstdCodec = 'zstdDecompressSync' in zlib ? nativeCodec(zlib as unknown as NativeZstd) : await wasmCodec();

function nativeCodec(native: NativeZstd): ZstdCodec {
  const levelParam = (zlib.constants as unknown as Record<string, number>)['ZSTD_c_compressionLevel'] as number;
  return {
    name: 'node:zlib',
    compress: (raw) => native.zstdCompressSync(raw, { params: { [levelParam]: LEVEL } }),
    decompress(frame, rawSize) {
      // maxOutputLength bounds the allocation by the declared size, whatever the frame claims.
      const raw = guard(() => native.zstdDecompressSync(frame, { maxOutputLength: Math.max(1, rawSize) }));
      return checkSize(raw, rawSize);
    },
  };
}

async function wasmCodec(): Promise<ZstdCodec> {
  const wasm = await import('@bokuweb/zstd-wasm');
  await wasm.init();
  return {
    name: '@bokuweb/zstd-wasm',
    compress: (raw) => wasm.compress(raw, LEVEL),
    decompress(frame, rawSize) {
      // The wasm binding sizes its output from the frame header; check that header first so a
      // corrupt one cannot make it allocate (and keep, wasm memory never shrinks) a huge buffer.
      const contentSize = frameContentSize(frame);
      if (contentSize !== undefined && contentSize !== rawSize) {
        throw corrupt(`the frame declares ${contentSize} bytes, but ${rawSize} were declared beside it`);
      }
      return checkSize(guard(() => wasm.decompress(frame, { defaultHeapSize: rawSize })), rawSize);
    },
  };
}

/** Frame_Content_Size from a zstd frame header (RFC 8878 §3.1.1.1), or undefined when absent. */
export function frameContentSize(frame: Uint8Array): number | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 5 || view.getUint32(0, true) !== MAGIC) throw corrupt('not a zstd frame (bad magic number)');
  const descriptor = frame[4] as number;
  const singleSegment = (descriptor & 0x20) !== 0;
  const sizeFlag = descriptor >> 6;
  if (sizeFlag === 0 && !singleSegment) return undefined;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3] as number;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  const sizeBytes = [1, 2, 4, 8][sizeFlag] as number;
  if (frame.length < at + sizeBytes) throw corrupt('the frame header is truncated');
  switch (sizeBytes) {
    case 1:
      return view.getUint8(at);
    case 2:
      return view.getUint16(at, true) + 256; // the 2-byte form is offset by 256
    case 4:
      return view.getUint32(at, true);
    default:
      return Number(view.getBigUint64(at, true));
  }
}

function guard(decode: () => Uint8Array): Uint8Array {
  try {
    return decode();
  } catch (error) {
    throw corrupt((error as Error).message);
  }
}

function checkSize(raw: Uint8Array, rawSize: number): Uint8Array {
  if (raw.length !== rawSize) throw corrupt(`the frame decompresses to ${raw.length} bytes, but ${rawSize} were declared`);
  return raw;
}

function corrupt(reason: string): CorruptDataError {
  return new CorruptDataError(`zstd body is corrupt: ${reason}`);
}
