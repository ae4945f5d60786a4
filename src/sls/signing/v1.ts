// Signature version 1 (`Authorization: LOG <id>:<signature>`), sls-protocol.md §5: what
// every consumer library sends by default. The same functions serve the client (signV1)
// and the emulator, which rebuilds the string from the headers it received.

import { createHmac } from 'node:crypto';
import type { Credentials } from './credentials.js';
import { contentMd5, hasBody, headerLines, sortedHeaders, type SignableRequest } from './request.js';

export type V1Algorithm = 'hmac-sha1' | 'hmac-sha256';

export const API_VERSION = '0.6.0';

/**
 * The v1 string to sign, from the request's own headers: Content-MD5, Content-Type, the
 * date line (`dateLine`, else the Date header), the `x-log-*`/`x-acs-*` headers except
 * `x-log-date` (added after signing by Python, never signed), and the resource with its
 * decoded query sorted by key.
 */
export function v1StringToSign(req: SignableRequest, dateLine?: string): string {
  const h = req.headers;
  const lines = [req.method.toUpperCase(), h['content-md5'] ?? '', h['content-type'] ?? '', dateLine ?? h.date ?? ''];
  // Each canonical header line ends with "\n", then the resource follows: the same bytes as
  // the spec's join-plus-newline whenever a header is present (always: x-log-apiversion).
  return `${lines.join('\n')}\n${canonicalHeaders(h)}${canonicalResource(req.path, req.query)}`;
}

/** base64 HMAC of the string to sign; SHA-1 unless the request asked for `hmac-sha256`. */
export function v1Signature(stringToSign: string, secret: string, algorithm: V1Algorithm = 'hmac-sha1'): string {
  const hash = algorithm === 'hmac-sha256' ? 'sha256' : 'sha1';
  return createHmac(hash, secret).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Signs `req` in place: sets date, x-log-date, x-log-apiversion, x-log-signaturemethod
 * (keeps an `hmac-sha256` already asked for), content-md5 when there is a body,
 * x-acs-security-token for STS credentials, and authorization.
 */
export function signV1(req: SignableRequest, credentials: Credentials, now: Date): void {
  const h = req.headers;
  const algorithm: V1Algorithm = h['x-log-signaturemethod'] === 'hmac-sha256' ? 'hmac-sha256' : 'hmac-sha1';
  h.date = now.toUTCString();
  h['x-log-apiversion'] = API_VERSION;
  h['x-log-signaturemethod'] = algorithm;
  if (hasBody(req)) h['content-md5'] = contentMd5(req.body);
  else delete h['content-md5'];
  if (credentials.securityToken) h['x-acs-security-token'] = credentials.securityToken;
  const signature = v1Signature(v1StringToSign(req), credentials.accessKeySecret, algorithm);
  h.authorization = `LOG ${credentials.accessKeyId}:${signature}`;
  // Unsigned copy of Date, as Python sends it: the service then checks the time against it,
  // which keeps working behind proxies that rewrite or drop Date.
  h['x-log-date'] = h.date;
}

function canonicalHeaders(headers: Record<string, string>): string {
  return headerLines(sortedHeaders(headers, (name) => (name.startsWith('x-log-') || name.startsWith('x-acs-')) && name !== 'x-log-date'));
}

function canonicalResource(path: string, query: Record<string, string>): string {
  const keys = Object.keys(query).sort();
  if (keys.length === 0) return path;
  return `${path}?${keys.map((key) => `${key}=${query[key]}`).join('&')}`;
}
