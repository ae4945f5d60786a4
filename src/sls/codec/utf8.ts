// Lenient UTF-8 decoding of SLS values: a value is never rejected for its bytes.
//
// Two kinds of "invalid" bytes occur in real data, and they are treated differently:
// - Lone surrogates written by protobufjs (and so by the official `@alicloud/log`): its UTF-8
//   writer encodes an unpaired UTF-16 surrogate as the 3-byte sequence ED A0..BF xx. Decoding
//   those back to the same surrogate code unit gives the writer's JS string back exactly.
// - Anything else that is not UTF-8 becomes U+FFFD, one per maximal invalid subpart, exactly as
//   the WHATWG decoder (TextDecoder, Buffer#toString) does.

import { utf8Slice } from './native-buffer.js';

const REPLACEMENT = 0xfffd;
/** Code units per String.fromCharCode call: well below any engine's argument limit. */
const CHUNK = 8192;

/** Decodes `buffer[start, end)` leniently; as fast as Node's own decoder for well-formed UTF-8. */
export function decodeUtf8(buffer: Buffer, start: number, end: number): string {
  const text = utf8Slice(buffer, start, end);
  // A U+FFFD in the result means invalid bytes (or a real U+FFFD, which the slow path keeps).
  return text.indexOf('\uFFFD') === -1 ? text : decodeUtf8Lenient(buffer, start, end);
}

/** The WHATWG UTF-8 decoder, except that a whole ED A0..BF 80..BF sequence decodes to a surrogate code unit. */
export function decodeUtf8Lenient(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let text = '';
  let needed = 0;
  let seen = 0;
  let codePoint = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (needed === 0) {
      if (byte <= 0x7f) units.push(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        codePoint = byte & 0x1f;
      } else if (byte === 0xed && isEncodedSurrogate(bytes, i, end)) {
        units.push(0xd000 | (((bytes[i + 1] as number) & 0x3f) << 6) | ((bytes[i + 2] as number) & 0x3f));
        i += 2;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f; // an incomplete surrogate is invalid, as in WHATWG
        needed = 2;
        codePoint = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = byte & 0x07;
      } else units.push(REPLACEMENT);
    } else if (byte < lower || byte > upper) {
      // The sequence so far is one maximal invalid subpart; this byte starts afresh.
      needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(REPLACEMENT);
      i--;
    } else {
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (byte & 0x3f);
      if (++seen === needed) {
        if (codePoint > 0xffff) {
          codePoint -= 0x10000;
          units.push(0xd800 | (codePoint >> 10), 0xdc00 | (codePoint & 0x3ff));
        } else units.push(codePoint);
        needed = seen = 0;
      }
    }
    if (units.length >= CHUNK) text += String.fromCharCode(...units.splice(0));
  }
  if (needed !== 0) units.push(REPLACEMENT);
  return text + String.fromCharCode(...units);
}

/** ED A0..BF 80..BF: a UTF-16 surrogate code unit encoded like a character (as protobufjs does). */
function isEncodedSurrogate(bytes: Uint8Array, at: number, end: number): boolean {
  if (end - at < 3) return false;
  const second = bytes[at + 1] as number;
  const third = bytes[at + 2] as number;
  return second >= 0xa0 && second <= 0xbf && third >= 0x80 && third <= 0xbf;
}
