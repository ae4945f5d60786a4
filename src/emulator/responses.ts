// What the emulator answers, before it goes on the wire: a status, lower-case headers
// (the Python SDK only finds `x-log-*` headers in lower or exact Title case, §3) and bytes.
// Errors are `{errorCode, errorMessage}` with `Content-Type: application/json` (§4.1):
// `@alicloud/log` parses a body as JSON only with that content type.

import { randomBytes } from 'node:crypto';
import { SlsError } from '../sls/errors.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** 200 with a JSON body (bare arrays stay bare arrays, §14). */
export function jsonReply(value: unknown): Reply {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) };
}

/** 200 with no body and no content type: `@alicloud/log` would try to parse an empty JSON body. */
export function emptyReply(): Reply {
  return { status: 200, headers: {}, body: EMPTY };
}

export function errorReply(error: SlsError): Reply {
  const body = Buffer.from(JSON.stringify({ errorCode: error.code, errorMessage: error.message }));
  return { status: error.status ?? 500, headers: { 'content-type': 'application/json' }, body };
}

/** Anything thrown while handling a request, as the error SLS would answer. */
export function asSlsError(error: unknown): SlsError {
  if (error instanceof SlsError && error.status !== undefined) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new SlsError({ code: 'InternalServerError', status: 500, message: `emulator failure: ${detail}` });
}

/** Request ids like the real service's: 24 upper-case hex digits, unique per process. */
export class RequestIds {
  readonly #prefix = randomBytes(6).toString('hex').toUpperCase();
  #counter = 0;

  next(): string {
    this.#counter = (this.#counter + 1) % 0x1_0000_0000_0000;
    return this.#prefix + this.#counter.toString(16).toUpperCase().padStart(12, '0');
  }
}
