// LZ4 through lz4-napi (Rust lz4_flex, prebuilt per platform): measured in bench/codec.ts at
// several times the speed of the JS codec in both directions, so it serves the hot path
// whenever its binary loads; lz4.ts stays the codec of platforms without one.
//
// lz4-napi only speaks "size-prefixed" blocks (4 bytes LE of the raw size, then the raw block),
// which is exactly what SLS sends minus the prefix: decoding prepends one, encoding drops it.
// Only the synchronous calls are used: an async call per body peaked near 1 GB RSS in a probe.

import { CorruptDataError } from '../errors.js';
import { checkLz4RawSize, type Lz4BlockCodec } from './lz4.js';

interface Lz4Napi {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
}

/** The native codec, or undefined when lz4-napi has no binary for this platform. */
export const nativeLz4: Lz4BlockCodec | undefined = await import('lz4-napi').then(
  (module: Lz4Napi) => createCodec(module),
  () => undefined,
);

function createCodec(lz4: Lz4Napi): Lz4BlockCodec {
  return {
    name: 'lz4-napi',
    compress(raw) {
      return lz4.compressSync(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)).subarray(4);
    },
    decompress(block, rawSize) {
      checkLz4RawSize(block, rawSize); // lz4_flex allocates the declared size up front
      const prefixed = Buffer.allocUnsafe(block.length + 4);
      prefixed.writeUInt32LE(rawSize, 0);
      prefixed.set(block, 4);
      let raw: Buffer;
      try {
        raw = lz4.uncompressSync(prefixed);
      } catch (error) {
        throw new CorruptDataError(`LZ4 block is corrupt: ${(error as Error).message}`);
      }
      // lz4_flex returns what the block holds when that is less than the declared size.
      if (raw.length !== rawSize) {
        throw new CorruptDataError(`LZ4 block decompresses to ${raw.length} bytes, but ${rawSize} were declared`);
      }
      return raw;
    },
  };
}
