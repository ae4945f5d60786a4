// Plain node:http requests to a running emulator, signed with sluice's own signers, so the
// tests see exactly what crosses the wire: status, header names as sent, body bytes, a reset
// socket or a body cut short.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Credentials } from '../../../src/sls/signing/credentials.js';
import type { SignableRequest } from '../../../src/sls/signing/request.js';
import { signV1 } from '../../../src/sls/signing/v1.js';
import { signV4 } from '../../../src/sls/signing/v4.js';

export const KEY: Credentials = { accessKeyId: 'test-ak', accessKeySecret: 'test-secret' };

export interface RawRequest {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Project label in front of the endpoint host; '' sends a bare `127.0.0.1:PORT`. Default `demo`. */
  project?: string;
  /** Sign with these credentials (v1 unless `region` is set, then v4); false to send unsigned. */
  sign?: Credentials | false;
  region?: string;
  /** The time to sign with; default now. */
  now?: Date;
  /** Changes the signed request before it is sent (to break or strip things). */
  tamper?: (req: SignableRequest) => void;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names exactly as the server wrote them. */
  headerNames: string[];
  body: Buffer;
  /** Set when the connection dropped in the middle of the body. */
  bodyError?: Error;
  json(): unknown;
}

/** Sends one request on a fresh connection to `port`; rejects only when no response arrives at all. */
export function send(port: number, spec: RawRequest): Promise<RawResponse> {
  const project = spec.project ?? 'demo';
  const host = project === '' ? `127.0.0.1:${port}` : `${project}.127.0.0.1:${port}`;
  const body = typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body;
  const req: SignableRequest = {
    method: spec.method ?? 'GET',
    path: spec.path,
    query: spec.query ?? {},
    // Bodiless calls carry x-log-bodyrawsize: 0 out of SDK habit; calls with a body say what they mean.
    headers: { host, ...(body === undefined ? { 'x-log-bodyrawsize': '0' } : {}), ...spec.headers },
    body,
  };
  const credentials = spec.sign === undefined ? KEY : spec.sign;
  if (credentials) {
    if (spec.region) signV4(req, credentials, spec.region, spec.now ?? new Date());
    else signV1(req, credentials, spec.now ?? new Date());
  }
  spec.tamper?.(req);
  const search = new URLSearchParams(req.query).toString();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: search ? `${req.path}?${search}` : req.path, headers: req.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const done = (bodyError?: Error): void => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            headerNames: res.rawHeaders.filter((_, i) => i % 2 === 0),
            body: bytes,
            bodyError,
            json: () => JSON.parse(bytes.toString('utf8')) as unknown,
          });
        };
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done());
        res.on('aborted', () => done(new Error('response aborted')));
        res.on('error', (error) => done(error));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** The `{errorCode, errorMessage}` of an error answer, with its status. */
export function errorOf(res: RawResponse): { status: number; code: string; message: string; contentType: string | undefined } {
  const body = res.json() as { errorCode: string; errorMessage: string };
  return { status: res.status, code: body.errorCode, message: body.errorMessage, contentType: res.headers['content-type'] };
}

/** Resolves once `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
