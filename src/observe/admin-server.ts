// The HTTP endpoint of a run (`--listen HOST:PORT`): Prometheus metrics, liveness, readiness,
// and pause/resume of pulling for operators and `sluice ctl`. node:http, no framework: five
// routes. It is the last thing a drain closes, so the drain itself stays observable (not
// ready, metrics still moving) until the checkpoints are committed.
//
//   GET  /metrics   the metrics, Prometheus text format
//   GET  /healthz   200 while the process lives
//   GET  /readyz    200 when ready, 503 with the reason (starting, draining, an output not ready)
//   POST /pause     pause pulling: {"paused": true}
//   POST /resume    resume pulling: {"paused": false}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { addressUrl, type ListenAddress } from './listen-address.js';
import { ListenError } from './listen-error.js';
import type { ReadyAnswer } from './readiness.js';

export interface AdminServerOptions {
  address: ListenAddress;
  metrics: { readonly contentType: string; text(): Promise<string> };
  readiness: { check(): ReadyAnswer };
  /** What POST /pause and /resume act on: the source's pulling. */
  pulling: { readonly paused: boolean; pause(): void; resume(): void };
  log: Logger;
}

const TEXT = 'text/plain; charset=utf-8';

type Handler = (response: ServerResponse) => void | Promise<void>;
type Route = Readonly<Partial<Record<'GET' | 'POST', Handler>>>;

export class AdminServer {
  readonly #server: Server;
  readonly #routes: ReadonlyMap<string, Route>;
  readonly #options: AdminServerOptions;
  #closing: Promise<void> | undefined;

  private constructor(options: AdminServerOptions) {
    this.#options = options;
    this.#routes = this.#table();
    this.#server = createServer((request, response) => void this.#serve(request, response));
  }

  /** Listens at `options.address`; rejects with a ListenError saying what to change when it cannot. */
  static async start(options: AdminServerOptions): Promise<AdminServer> {
    const admin = new AdminServer(options);
    const { host, port } = options.address;
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => reject(new ListenError(options.address, error));
      admin.#server.once('error', failed);
      admin.#server.listen({ host, port }, () => {
        admin.#server.off('error', failed);
        resolve();
      });
    });
    // Past the start, a server error (a socket that failed) is worth a line, never the run.
    admin.#server.on('error', (error) => options.log.warn({ err: error }, 'the admin endpoint failed'));
    return admin;
  }

  /** The bound address as a URL: with port 0, the port the system picked. */
  get url(): string {
    const bound = this.#server.address() as AddressInfo;
    return addressUrl({ host: bound.address, port: bound.port });
  }

  /** Stops listening, lets answers in progress finish and drops idle keep-alive connections; idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
    return this.#closing;
  }

  #table(): ReadonlyMap<string, Route> {
    const { metrics, readiness } = this.#options;
    const json = (status: number, body: unknown) => (response: ServerResponse) => send(response, status, 'application/json', `${JSON.stringify(body)}\n`);
    return new Map<string, Route>([
      ['/metrics', { GET: async (response) => send(response, 200, metrics.contentType, await metrics.text()) }],
      ['/healthz', { GET: json(200, { status: 'ok' }) }],
      [
        '/readyz',
        {
          GET: (response) => {
            const answer = readiness.check();
            json(answer.ready ? 200 : 503, answer)(response);
          },
        },
      ],
      ['/pause', { POST: (response) => this.#setPaused(true, response) }],
      ['/resume', { POST: (response) => this.#setPaused(false, response) }],
    ]);
  }

  #setPaused(paused: boolean, response: ServerResponse): void {
    const { pulling, log } = this.#options;
    if (paused && !pulling.paused) {
      pulling.pause();
      log.info({ via: 'POST /pause' }, 'paused pulling (in-flight records still complete; POST /resume resumes)');
    } else if (!paused && pulling.paused) {
      pulling.resume();
      log.info({ via: 'POST /resume' }, 'resumed pulling');
    }
    send(response, 200, 'application/json', `${JSON.stringify({ paused: pulling.paused })}\n`);
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.resume(); // a body, if any, is not read: no route takes one
    const path = new URL(request.url ?? '/', 'http://sluice').pathname;
    const route = this.#routes.get(path);
    if (route === undefined) {
      send(response, 404, TEXT, `no ${path} here: try GET /metrics, /healthz, /readyz, or POST /pause, /resume\n`);
      return;
    }
    // HEAD is GET without the body (node:http leaves the body out by itself).
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const handler = method === 'GET' || method === 'POST' ? route[method] : undefined;
    if (handler === undefined) {
      const allowed = Object.keys(route).flatMap((name) => (name === 'GET' ? ['GET', 'HEAD'] : [name]));
      response.setHeader('allow', allowed.join(', '));
      send(response, 405, TEXT, `${path} takes ${allowed.join(' or ')}, not ${request.method ?? ''}\n`);
      return;
    }
    try {
      await handler(response);
    } catch (error) {
      this.#options.log.warn({ err: error, path }, `the admin endpoint could not answer ${path}`);
      if (!response.headersSent) send(response, 500, TEXT, `${path} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}
