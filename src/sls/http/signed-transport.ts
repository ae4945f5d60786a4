// One SLS call on the wire: the common headers (sls-protocol.md §2), the signature, the
// send, and a non-200 answer turned into an SlsError. Everything above it deals in SLS
// operations; everything below it in bytes.

import { CHECK_ENDPOINT, CorruptDataError } from '../errors.js';
import type { Credentials } from '../signing/credentials.js';
import type { SignableRequest } from '../signing/request.js';
import { signV1 } from '../signing/v1.js';
import { signV4 } from '../signing/v4.js';
import type { Endpoint } from './endpoint.js';
import { errorFromResponse } from './response-error.js';
import { HttpTransport, type HttpResponse, type TransportOptions } from './transport.js';

export type SignatureVersion = 'v1' | 'v4';

export interface SlsCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  /** Extra headers, lower-case names. */
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Body size before compression (`x-log-bodyrawsize`); defaults to the body's size, 0 without one. */
  rawSize?: number;
  /** Names the call in errors, e.g. `PullLogs nginx/0`. */
  what: string;
}

export interface SignedTransportOptions extends TransportOptions {
  endpoint: Endpoint;
  credentials: Credentials;
  signatureVersion: SignatureVersion;
  /** Required for v4. */
  region?: string;
  userAgent: string;
  now: () => Date;
}

export class SignedTransport {
  readonly #transport: HttpTransport;
  readonly #credentials: Credentials;
  readonly #sign: (req: SignableRequest) => void;
  readonly #userAgent: string;
  readonly #hostHeader: string;

  constructor(options: SignedTransportOptions) {
    this.#transport = new HttpTransport(options.endpoint, options);
    this.#credentials = options.credentials;
    this.#userAgent = options.userAgent;
    this.#hostHeader = options.endpoint.hostHeader;
    const { region, now } = options;
    this.#sign =
      options.signatureVersion === 'v4'
        ? (req) => signV4(req, this.#credentials, region ?? '', now())
        : (req) => signV1(req, this.#credentials, now());
  }

  /** Sends a signed call; resolves with a 200 answer, rejects with an SlsError otherwise. */
  async call(call: SlsCall): Promise<HttpResponse> {
    const req: SignableRequest = {
      method: call.method,
      path: call.path,
      query: call.query ?? {},
      headers: {
        'user-agent': this.#userAgent,
        'x-log-bodyrawsize': String(call.rawSize ?? call.body?.byteLength ?? 0),
        ...call.headers,
        host: this.#hostHeader,
      },
      ...(call.body === undefined ? {} : { body: call.body }),
    };
    this.#sign(req);
    const response = await this.#transport.send(req, call.what);
    if (response.status !== 200) throw errorFromResponse(response, call.what, this.#credentials.accessKeyId);
    return response;
  }

  /** Sends a call whose answer is JSON; an empty body parses as `undefined`. */
  async callJson(call: SlsCall): Promise<unknown> {
    const { body } = await this.call(call);
    if (body.byteLength === 0) return undefined;
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new CorruptDataError(`${call.what}: the answer is not valid JSON (${CHECK_ENDPOINT})`);
    }
  }

  close(): void {
    this.#transport.close();
  }
}
