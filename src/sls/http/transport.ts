// HTTP/1.1 with a keep-alive connection pool, on node:http. Chosen by measurement over
// undici (bench/http.ts): on loopback with 256 KiB bodies node:http with a keep-alive
// agent moved as many or more bytes per second, and it needs no dependency.
//
// Bodies are bytes in and bytes out; nothing here decodes text, because a PullLogs body
// is protobuf. A response is complete or it is an error: a body cut short (the
// connection closed before Content-Length bytes arrived) rejects as a retryable network
// error, never resolves as a short buffer.

import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { CHECK_ENDPOINT, SlsError, networkError } from '../errors.js';
import type { SignableRequest } from '../signing/request.js';
import type { Endpoint } from './endpoint.js';

export interface TransportOptions {
  /** Longest wait for a new connection (TCP, and TLS for https). Default 10 s. */
  connectTimeoutMs?: number;
  /** Longest silence on a connection while a request is in flight. Default 30 s. */
  idleTimeoutMs?: number;
  /** Longest time for a whole request, from sending to the last body byte. Default 60 s. */
  requestTimeoutMs?: number;
  /** Most connections open at once. Default 64. */
  maxSockets?: number;
  /** Largest answer body buffered; a larger one is refused, not collected. Default 1 GiB + 1 MiB. */
  maxResponseBytes?: number;
}

/** What is sent is exactly what was signed: path as sent, decoded query, lower-case headers with `host`. */
export type HttpRequest = SignableRequest;

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How long an idle pooled connection is kept when the server gives no keep-alive hint. */
const FREE_SOCKET_TIMEOUT_MS = 15_000;
/** The codec refuses raw bodies over 1 GiB (MAX_RAW_SIZE); compressed, one is at most a little larger. */
const MAX_RESPONSE_BYTES = 1024 * 1024 * 1024 + 1024 * 1024;

export class HttpTransport {
  readonly #endpoint: Endpoint;
  readonly #agent: http.Agent;
  readonly #connectTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #maxResponseBytes: number;
  #closed = false;

  constructor(endpoint: Endpoint, options: TransportOptions = {}) {
    this.#endpoint = endpoint;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    // `timeout` is the idle time of a pooled connection; node lowers it to just under the
    // server's `Keep-Alive: timeout=` hint, so we rarely reuse a socket the server is closing.
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const, timeout: FREE_SOCKET_TIMEOUT_MS };
    this.#agent = endpoint.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** Sends one request and resolves with the whole response, whatever its status. `what` names the call in errors. */
  send(req: HttpRequest, what: string): Promise<HttpResponse> {
    // The agent would open fresh connections after destroy(): refuse, so a call racing a shutdown cannot.
    if (this.#closed) return Promise.reject(new SlsError({ code: 'ClientClosed', retryable: false, message: `${what}: the SLS client is closed` }));
    return new Promise((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      let settled = false;
      const finish = (error: Error | undefined, response?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        timers.forEach(clearTimeout);
        if (error) {
          outgoing.destroy();
          reject(error instanceof SlsError ? error : networkError(error, what));
        } else if (response) resolve(response);
      };
      const outgoing = this.#open(req);
      timers.push(setTimeout(() => finish(timeoutError(`no complete answer within ${this.#requestTimeoutMs} ms`)), this.#requestTimeoutMs));
      outgoing.setTimeout(this.#idleTimeoutMs, () => finish(timeoutError(`connection idle for ${this.#idleTimeoutMs} ms`)));
      outgoing.on('socket', (socket) => this.#watchConnect(socket, timers, finish));
      outgoing.on('error', (error) => finish(error));
      outgoing.on('response', (incoming) => readBody(incoming, this.#maxResponseBytes, what, finish));
      outgoing.end(req.body);
    });
  }

  /** Closes every pooled connection; requests in flight fail, later ones are refused. */
  close(): void {
    this.#closed = true;
    this.#agent.destroy();
  }

  #open(req: HttpRequest): http.ClientRequest {
    const e = this.#endpoint;
    const headers: Record<string, string | number> = { ...req.headers, host: e.hostHeader };
    if (req.body !== undefined) headers['content-length'] = req.body.byteLength;
    const options: https.RequestOptions = {
      protocol: e.protocol,
      host: e.connectHost,
      port: e.port,
      method: req.method,
      path: pathWithQuery(req.path, req.query),
      headers,
      agent: this.#agent,
      ...(e.servername === undefined ? {} : { servername: e.servername }),
    };
    return e.protocol === 'https:' ? https.request(options) : http.request(options);
  }

  /** Bounds the connection setup of a fresh socket; a pooled one is already connected. */
  #watchConnect(socket: Socket, timers: NodeJS.Timeout[], finish: (error: Error) => void): void {
    if (!socket.connecting) return;
    const timer = setTimeout(() => finish(timeoutError(`could not connect within ${this.#connectTimeoutMs} ms`)), this.#connectTimeoutMs);
    timers.push(timer);
    socket.once(this.#endpoint.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
  }
}

/** Collects the body; rejects unless every byte that Content-Length announced arrived, or when it exceeds `maxBytes`. */
function readBody(incoming: IncomingMessage, maxBytes: number, what: string, finish: (error: Error | undefined, response?: HttpResponse) => void): void {
  const tooLarge = (): SlsError =>
    new SlsError({
      code: 'ResponseTooLarge',
      status: incoming.statusCode,
      retryable: false,
      message: `${what}: the answer is larger than ${maxBytes} bytes, more than sluice buffers for one answer; ${CHECK_ENDPOINT}`,
    });
  const chunks: Buffer[] = [];
  let received = 0;
  incoming.on('data', (chunk: Buffer) => {
    received += chunk.byteLength;
    if (received > maxBytes) finish(tooLarge());
    else chunks.push(chunk);
  });
  incoming.on('error', (error) => finish(error));
  incoming.on('close', () => {
    // Node reports a cut body as an 'error' today; checking here as well keeps the
    // no-short-buffer guarantee independent of how a Node version signals it.
    const expected = incoming.headers['content-length'];
    if (!incoming.complete || (expected !== undefined && Number(expected) !== received)) {
      finish(resetError(`connection closed after ${received} of ${expected ?? 'unknown'} body bytes`));
      return;
    }
    finish(undefined, { status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks, received) });
  });
  if (Number(incoming.headers['content-length'] ?? 0) > maxBytes) finish(tooLarge());
}

function pathWithQuery(path: string, query: Record<string, string>): string {
  const pairs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;
}

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ETIMEDOUT' });
}

function resetError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}
