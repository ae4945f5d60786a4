// The HTTP side: node:http, one request at a time through route -> faults -> authentication
// -> handler -> reply. Handlers return replies instead of writing them, so a fault can still
// cut the answer short (truncate) after the handler ran, as a real network would.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { SlsError } from '../sls/errors.js';
import type { Authenticator } from './auth.js';
import type { EmulatorContext } from './context.js';
import type { Failure, FaultPlan } from './faults.js';
import { projectFromHost } from './host.js';
import type { EmulatorRequest } from './request.js';
import { asSlsError, errorReply, RequestIds, type Reply } from './responses.js';
import { findRoute } from './routes.js';
import { countCall } from './stats.js';

/** Bodies above this are refused before they are read whole (PutLogs allows 10 MiB raw). */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** How long close() lets requests in flight finish before it cuts their connections. */
const CLOSE_GRACE_MS = 1000;
const KEEP_ALIVE_MS = 65_000;
export const ADMIN_PREFIX = '/_emulator/';

export interface ServerParts {
  ctx: EmulatorContext;
  auth: Authenticator;
  faults: FaultPlan;
  defaultProject: string;
  /** Answers `/_emulator/...` requests (no signature needed). */
  admin: (req: EmulatorRequest) => Reply;
}

export class EmulatorServer {
  readonly #parts: ServerParts;
  readonly #server: Server;
  readonly #ids = new RequestIds();
  /** Aborted by close(): ends the waits of latency faults, whose timers would outlive the server. */
  readonly #closing = new AbortController();

  constructor(parts: ServerParts) {
    this.#parts = parts;
    this.#server = createServer((req, res) => {
      this.#serve(req, res).catch((error: unknown) => this.#send(res, errorReply(asSlsError(error))));
    });
    // Longer than the clients' idle timeouts, so a client never reuses a connection the
    // emulator is just closing (close() ends idle connections itself).
    this.#server.keepAliveTimeout = KEEP_ALIVE_MS;
  }

  /** Starts listening; resolves with the port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  /** Stops accepting, ends idle keep-alive connections at once and busy ones after a grace period. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    const cut = setTimeout(() => this.#server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(cut);
  }

  async #serve(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://emulator');
    const req: EmulatorRequest = {
      method: incoming.method ?? 'GET',
      path: safeDecode(url.pathname),
      query: Object.fromEntries(url.searchParams),
      headers: flatHeaders(incoming),
      body: await readBody(incoming),
      project: projectFromHost(incoming.headers.host, this.#parts.defaultProject),
    };
    if (req.path.startsWith(ADMIN_PREFIX)) return this.#send(res, this.#attempt(() => this.#parts.admin(req)));
    const route = findRoute(req.method, req.path, req.query);
    const call = route?.call ?? 'Unknown';
    const { stats } = this.#parts.ctx;
    stats.requests += 1;
    countCall(stats.calls, call);
    const { latencyMs, failure } = this.#parts.faults.decide(call);
    if (failure !== undefined) countCall(stats.faults, call);
    // A request still held back when the server closes is dropped unanswered, as a stopping server would.
    const heldPastClose = latencyMs > 0 && (await delay(latencyMs, false, { signal: this.#closing.signal }).catch(() => true));
    if (failure === 'reset' || heldPastClose) return void res.socket?.destroy();
    const reply =
      failure instanceof SlsError
        ? errorReply(failure)
        : this.#attempt(() => {
            if (route === undefined) throw unknownApi(req);
            this.#parts.auth.verify(req);
            return route.handle(req, this.#parts.ctx);
          });
    this.#send(res, reply, failure);
  }

  #attempt(answer: () => Reply): Reply {
    try {
      return answer();
    } catch (error) {
      return errorReply(asSlsError(error));
    }
  }

  #send(res: ServerResponse, reply: Reply, failure?: Failure): void {
    if (res.headersSent || res.destroyed) return;
    // Headers promise the whole body; half of it arrives, then the connection drops. Under a
    // Content-Length of 0 an empty answer would arrive whole, so it goes out chunked instead
    // and the connection drops before the last chunk.
    const truncated = failure === 'truncate';
    const length = truncated && reply.body.byteLength === 0 ? {} : { 'content-length': String(reply.body.byteLength) };
    res.writeHead(reply.status, { ...reply.headers, 'x-log-requestid': this.#ids.next(), ...length, server: 'sluice-emulator' });
    if (!truncated) return void res.end(reply.body);
    res.write(reply.body.subarray(0, Math.floor(reply.body.byteLength / 2)), () => res.socket?.destroy());
  }
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) throw tooLarge(declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_REQUEST_BYTES) throw tooLarge(size);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function unknownApi(req: EmulatorRequest): SlsError {
  const type = req.query.type === undefined ? '' : ` (type=${req.query.type})`;
  return new SlsError({ code: 'InvalidMethod', status: 405, message: `${req.method} ${req.path}${type} is not an SLS API the emulator serves` });
}

function tooLarge(size: number): SlsError {
  return new SlsError({ code: 'PostBodyTooLarge', status: 413, message: `request body of ${size} bytes is over the ${MAX_REQUEST_BYTES}-byte limit` });
}
