// The request as the signers see it: everything that goes into a signature and nothing
// about how it travels. The client builds one, a signer adds its headers to it, and the
// transport sends it; the emulator rebuilds one from what it received to verify it.

import { createHash } from 'node:crypto';

export interface SignableRequest {
  method: string;
  /** URL path as sent, e.g. `/logstores/nginx/shards/0`. */
  path: string;
  /** Query parameters, decoded (the signers encode them as each version requires). */
  query: Record<string, string>;
  /** Header names in lower case; the signers add theirs in lower case too. */
  headers: Record<string, string>;
  /** The body bytes as sent (after compression), if any. */
  body?: Uint8Array;
}

/** Upper-case hex MD5 of the body, as `Content-MD5` carries it in SLS (not base64). */
export function contentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex').toUpperCase();
}

/** Whether a request carries body bytes (an empty body counts as none, as in every SDK). */
export function hasBody(req: SignableRequest): req is SignableRequest & { body: Uint8Array } {
  return req.body !== undefined && req.body.byteLength > 0;
}

/** The headers that `signed` picks, names lower-cased, values trimmed, sorted by name in byte
 * order: the part both signature versions canonicalize the same way. */
export function sortedHeaders(headers: Record<string, string>, signed: (name: string) => boolean): Array<readonly [string, string]> {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .filter(([name]) => signed(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `name:value\n` per header, as both signature versions write them into their strings. */
export function headerLines(headers: ReadonlyArray<readonly [string, string]>): string {
  return headers.map(([name, value]) => `${name}:${value}\n`).join('');
}
