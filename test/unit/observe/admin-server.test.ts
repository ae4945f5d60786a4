// The admin endpoint's routes over real HTTP on a free port: what each answers, to which
// methods, and how a bind failure reads.

import { createServer, type Server } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminServer, type AdminServerOptions } from '../../../src/observe/admin-server.js';
import { ListenError } from '../../../src/observe/listen-error.js';
import { Readiness } from '../../../src/observe/readiness.js';
import { rejectionOf } from '../../helpers/rejection.js';

const log = pino({ level: 'silent' });
const servers: AdminServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** Pulling as the source has it: paused or not. */
function pulling(): AdminServerOptions['pulling'] & { calls: string[] } {
  let paused = false;
  const calls: string[] = [];
  return {
    calls,
    get paused() {
      return paused;
    },
    pause: () => {
      calls.push('pause');
      paused = true;
    },
    resume: () => {
      calls.push('resume');
      paused = false;
    },
  };
}

async function start(overrides: Partial<AdminServerOptions> = {}): Promise<AdminServer> {
  const server = await AdminServer.start({
    address: { host: '127.0.0.1', port: 0 },
    metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: () => Promise.resolve('sluice_up 1\n') },
    readiness: new Readiness([]),
    pulling: pulling(),
    log,
    ...overrides,
  });
  servers.push(server);
  return server;
}

describe('AdminServer', () => {
  it('serves the metrics text with the Prometheus content type', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toBe('sluice_up 1\n');
  });

  it('answers 500 with the reason when the metrics cannot be read, and keeps serving', async () => {
    const server = await start({ metrics: { contentType: 'text/plain', text: () => Promise.reject(new Error('no reading')) } });
    const response = await fetch(`${server.url}/metrics`);
    expect([response.status, await response.text()]).toEqual([500, '/metrics failed: no reading\n']);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('/healthz answers 200 whatever the readiness', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('/readyz answers 503 with the reason until ready, 200 then, and 503 again once draining', async () => {
    const readiness = new Readiness([]);
    const server = await start({ readiness });
    const ready = async (): Promise<[number, unknown]> => {
      const response = await fetch(`${server.url}/readyz`);
      return [response.status, await response.json()];
    };
    expect(await ready()).toEqual([503, { ready: false, reason: 'starting' }]);
    readiness.running();
    expect(await ready()).toEqual([200, { ready: true }]);
    readiness.draining();
    expect(await ready()).toEqual([503, { ready: false, reason: 'draining' }]);
  });

  it('POST /pause and /resume act on pulling and answer whether it is paused; repeating one changes nothing', async () => {
    const target = pulling();
    const server = await start({ pulling: target });
    const post = async (path: string): Promise<unknown> => (await fetch(`${server.url}${path}`, { method: 'POST' })).json();
    expect(await post('/pause')).toEqual({ paused: true });
    expect(await post('/pause')).toEqual({ paused: true });
    expect(await post('/resume')).toEqual({ paused: false });
    expect(await post('/resume')).toEqual({ paused: false });
    expect(target.calls).toEqual(['pause', 'resume']);
  });

  it('answers 405 with the allowed methods to another method, and 404 to an unknown path', async () => {
    const target = pulling();
    const server = await start({ pulling: target });
    const get = await fetch(`${server.url}/pause`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect(target.calls).toEqual([]);
    const unknown = await fetch(`${server.url}/admin`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/try GET \/metrics, \/healthz, \/readyz, or POST \/pause, \/resume/);
  });

  it('answers HEAD like GET, and ignores a query string', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${server.url}/metrics?name[]=sluice_up`)).status).toBe(200);
  });

  it('fails to start with a ListenError naming the address and what to do when the port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const error = await rejectionOf(start({ address: { host: '127.0.0.1', port } }), ListenError);
      expect(error.message).toBe(
        `cannot listen on 127.0.0.1:${port} (observe.listen, --listen): the port is already in use (another sluice, or another program): choose another port, or 0 for a free one`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('fails to start with a ListenError when no interface of this host has the address', async () => {
    // 192.0.2.0/24 is reserved for documentation: never a local address.
    const error = await rejectionOf(start({ address: { host: '192.0.2.1', port: 0 } }), ListenError);
    expect(error.message).toMatch(/^cannot listen on 192\.0\.2\.1:0 \(observe\.listen, --listen\): no network interface of this host has that address/);
  });

  it('close() stops listening, also with a keep-alive connection open, and can be called twice', async () => {
    const server = await start();
    const { url } = server;
    expect((await fetch(`${url}/healthz`, { keepalive: true })).status).toBe(200);
    await server.close();
    await server.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
