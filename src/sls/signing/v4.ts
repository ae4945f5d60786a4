// Signature version 4 (`SLS4-HMAC-SHA256`), sls-protocol.md §6. Unlike v1 it signs the
// Host header, the body hash and a date-scoped key derived from the secret and region.

import { createHash, createHmac } from 'node:crypto';
import type { Credentials } from './credentials.js';
import { headerLines, sortedHeaders, type SignableRequest } from './request.js';
import { API_VERSION } from './v1.js';

const ALGORITHM = 'SLS4-HMAC-SHA256';
const SERVICE = 'sls';
const TERMINATOR = 'aliyun_v4_request';

/**
 * Hex v4 signature of `req`, whose headers must already hold `host`, `x-log-date`
 * (`yyyyMMdd'T'HHmmss'Z'`) and `x-log-content-sha256`.
 */
export function v4Signature(req: SignableRequest, secret: string, region: string): string {
  const logDate = req.headers['x-log-date'] ?? '';
  const day = logDate.slice(0, 8);
  const stringToSign = [ALGORITHM, logDate, scope(day, region), sha256Hex(canonicalRequest(req))].join('\n');
  let key = hmac(`aliyun_v4${secret}`, day);
  for (const part of [region, SERVICE, TERMINATOR]) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Signs `req` in place: sets x-log-date, x-log-content-sha256, x-log-apiversion,
 * x-acs-security-token for STS credentials, and authorization. `req.headers.host` must be
 * set (it is signed).
 */
export function signV4(req: SignableRequest, credentials: Credentials, region: string, now: Date): void {
  const h = req.headers;
  h['x-log-date'] = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  h['x-log-content-sha256'] = sha256Hex(req.body ?? new Uint8Array(0));
  h['x-log-apiversion'] = API_VERSION;
  if (credentials.securityToken) h['x-acs-security-token'] = credentials.securityToken;
  const signature = v4Signature(req, credentials.accessKeySecret, region);
  const credential = `${credentials.accessKeyId}/${scope(h['x-log-date'].slice(0, 8), region)}`;
  h.authorization = `${ALGORITHM} Credential=${credential},Signature=${signature}`;
}

function canonicalRequest(req: SignableRequest): string {
  const signed = sortedHeaders(req.headers, isSignedHeader);
  return [
    req.method.toUpperCase(),
    req.path,
    canonicalQuery(req.query),
    headerLines(signed),
    signed.map(([name]) => name).join(';'),
    req.headers['x-log-content-sha256'] ?? '',
  ].join('\n');
}

function isSignedHeader(name: string): boolean {
  if (name === 'host' || name === 'content-type' || name.startsWith('x-acs-')) return true;
  return name.startsWith('x-log-') && !name.startsWith('x-log-meta-');
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((key) => {
      const value = query[key] ?? '';
      return value === '' ? rfc3986(key) : `${rfc3986(key)}=${rfc3986(value)}`;
    })
    .join('&');
}

/** RFC 3986 percent-encoding: encodeURIComponent leaves `!'()*` as they are, RFC 3986 escapes them. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function scope(day: string, region: string): string {
  return `${day}/${region}/${SERVICE}/${TERMINATOR}`;
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
