// SLS cursors: base64 (standard alphabet, padded) of the decimal form of a signed 64-bit
// integer that grows by exactly one per log group (sls-protocol.md §7). BigInt because
// real values have 19 digits, beyond Number.MAX_SAFE_INTEGER.

import { SlsError } from './errors.js';

const DECIMAL = /^-?\d{1,19}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Encodes a cursor position as SLS does (padded base64). */
export function encodeCursor(position: bigint): string {
  return Buffer.from(position.toString(), 'ascii').toString('base64');
}

/** Decodes a cursor (padded or not) to its position; `ParameterInvalid` when it is not one. */
export function decodeCursor(cursor: string): bigint {
  const text = BASE64.test(cursor) ? Buffer.from(cursor, 'base64').toString('latin1') : '';
  if (!DECIMAL.test(text)) {
    throw new SlsError({ code: 'ParameterInvalid', status: 400, message: `cursor is not valid: ${cursor}` });
  }
  return BigInt(text);
}

/** The cursor `delta` log groups after `cursor` (negative to go back). */
export function offsetCursor(cursor: string, delta: number): string {
  return encodeCursor(decodeCursor(cursor) + BigInt(delta));
}
