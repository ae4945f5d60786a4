// Request authentication, sls-protocol.md §5.2 (v1) and §6 (v4), with the quirks of the
// official SDKs: the v1 string is rebuilt from the headers as received (Content-Type
// included whatever it is), `x-log-date` is never part of the v1 string but, when present,
// is the time that gets checked, `hmac-sha256` is honoured, and a v1 signature made over
// `x-log-date` instead of a missing or rewritten `Date` is accepted.
//
// Without a configured access key the emulator is permissive: any key, any signature, any
// time (for trying configs offline and for protocol tests that are not about signing).

import { createHash, timingSafeEqual } from 'node:crypto';
import { SlsError } from '../sls/errors.js';
import { contentMd5 } from '../sls/signing/request.js';
import { API_VERSION, v1Signature, v1StringToSign, type V1Algorithm } from '../sls/signing/v1.js';
import { v4Signature } from '../sls/signing/v4.js';
import type { EmulatorRequest } from './request.js';

export interface AccessKey {
  id: string;
  secret: string;
}

const MAX_SKEW_MS = 15 * 60 * 1000;
const V1 = /^LOG ([^:\s]*):(\S+)$/;
const V4 = /^SLS4-HMAC-SHA256 Credential=([^/\s]*)\/(\d{8})\/([^/\s]+)\/sls\/aliyun_v4_request,\s*Signature=([0-9a-f]{64})$/;
const V4_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const RFC_1123 = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

export class Authenticator {
  readonly #key: AccessKey | undefined;
  readonly #clock: () => number;

  /** Strict with `key`, permissive without; `clock` (ms) is the server time requests must be near. */
  constructor(key: AccessKey | undefined, clock: () => number) {
    this.#key = key;
    this.#clock = clock;
  }

  get strict(): boolean {
    return this.#key !== undefined;
  }

  /** Throws the SlsError the real service answers when `req` is not properly signed. */
  verify(req: EmulatorRequest): void {
    const key = this.#key;
    if (key === undefined) return;
    const authorization = req.headers.authorization ?? '';
    if (authorization === '') throw fail(401, 'Unauthorized', 'the request carries no Authorization header');
    const v1 = V1.exec(authorization);
    if (v1) return this.#verifyV1(req, key, v1[1] ?? '', v1[2] ?? '');
    const v4 = V4.exec(authorization);
    if (v4) return this.#verifyV4(req, key, v4[1] ?? '', v4[3] ?? '', v4[4] ?? '');
    throw fail(401, 'Unauthorized', 'Authorization is neither "LOG <id>:<signature>" nor "SLS4-HMAC-SHA256 Credential=...,Signature=..."');
  }

  #verifyV1(req: EmulatorRequest, key: AccessKey, id: string, signature: string): void {
    const h = req.headers;
    checkKeyId(id, key);
    checkApiVersion(h['x-log-apiversion']);
    const method = h['x-log-signaturemethod'];
    if (method === undefined) throw fail(400, 'MissingSignatureMethod', 'x-log-signaturemethod is required with a v1 signature');
    if (method !== 'hmac-sha1' && method !== 'hmac-sha256') {
      throw fail(400, 'InvalidSignatureMethod', `x-log-signaturemethod ${method} is not hmac-sha1 or hmac-sha256`);
    }
    const dateLines = [h.date, h['x-log-date']].filter((line): line is string => line !== undefined && line !== '');
    const checked = h['x-log-date'] ?? h.date;
    if (checked === undefined || checked === '') throw fail(400, 'MissingDate', 'the request has neither a Date nor an x-log-date header');
    if (!RFC_1123.test(checked)) throw fail(400, 'InvalidDateFormat', `date ${checked} is not an RFC 1123 GMT date`);
    this.#checkTime(Date.parse(checked), checked);
    checkContentMd5(req);
    const matches = dateLines.some((line) => sameText(v1Signature(v1StringToSign(req, line), key.secret, method as V1Algorithm), signature));
    if (!matches) throw mismatch();
  }

  #verifyV4(req: EmulatorRequest, key: AccessKey, id: string, region: string, signature: string): void {
    const h = req.headers;
    checkKeyId(id, key);
    checkApiVersion(h['x-log-apiversion']);
    const logDate = h['x-log-date'];
    if (logDate === undefined) throw fail(400, 'MissingDate', 'x-log-date is required with a v4 signature');
    const parts = V4_DATE.exec(logDate);
    if (!parts) throw fail(400, 'InvalidDateFormat', `x-log-date ${logDate} is not yyyyMMddTHHmmssZ`);
    const [, y, mo, d, hh, mi, ss] = parts;
    this.#checkTime(Date.parse(`${y}-${mo}-${d}T${hh}:${mi}:${ss}Z`), logDate);
    const bodyHash = createHash('sha256').update(req.body).digest('hex');
    if (h['x-log-content-sha256'] !== bodyHash) throw mismatch('x-log-content-sha256 is not the SHA-256 of the body');
    if (!sameText(v4Signature(req, key.secret, region), signature)) throw mismatch();
  }

  #checkTime(time: number, text: string): void {
    if (Number.isNaN(time)) throw fail(400, 'InvalidDateFormat', `date ${text} cannot be parsed`);
    if (Math.abs(time - this.#clock()) > MAX_SKEW_MS) {
      throw fail(400, 'RequestTimeExpired', `request time ${text} is more than 15 minutes away from the server time ${new Date(this.#clock()).toUTCString()}; check the client's clock`);
    }
  }
}

function checkKeyId(id: string, key: AccessKey): void {
  if (id === '') throw fail(400, 'MissAccessKeyId', 'the Authorization header names no access key id');
  if (id !== key.id) throw fail(401, 'InvalidAccessKeyId', `access key id ${id} does not exist`);
}

function checkApiVersion(version: string | undefined): void {
  if (version === undefined) throw fail(400, 'MissingAPIVersion', 'x-log-apiversion is required');
  if (version !== API_VERSION) throw fail(400, 'InvalidAPIVersion', `x-log-apiversion ${version} is not ${API_VERSION}`);
}

function checkContentMd5(req: EmulatorRequest): void {
  const declared = req.headers['content-md5'];
  if (declared === undefined || req.body.byteLength === 0) return;
  if (declared.toUpperCase() !== contentMd5(req.body)) throw mismatch('Content-MD5 is not the MD5 of the body');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function mismatch(detail = 'the signature does not match the request; check the access key secret'): SlsError {
  return fail(401, 'SignatureNotMatch', detail);
}

function fail(status: number, code: string, message: string): SlsError {
  return new SlsError({ code, status, message });
}
