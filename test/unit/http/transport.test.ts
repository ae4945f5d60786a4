// The transport against servers that misbehave at the HTTP level (cut bodies, resets,
// silence). These are socket-level faults, not SLS behaviour, so plain node servers
// stand in for the network here; SLS semantics are tested against the emulator.

import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../../src/sls/http/endpoint.js';
import { HttpTransport, type TransportOptions } from '../../../src/sls/http/transport.js';
import { rejection as failure } from '../../helpers/sls-failure.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen<T extends HttpServer | NetServer>(server: T): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
  return (server.address() as AddressInfo).port;
}

function transportTo(url: string, options?: TransportOptions): HttpTransport {
  const transport = new HttpTransport(resolveEndpoint(url, 'demo'), options);
  cleanups.push(() => transport.close());
  return transport;
}

const GET = { method: 'GET', path: '/logstores/x/shards', query: {}, headers: {} };

/** A raw TCP server that answers each connection with `write(socket)`. */
async function rawServer(write: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => write(socket));
  });
  cleanups.push(() => sockets.forEach((s) => s.destroy()));
  return listen(server);
}

describe('HttpTransport', () => {
  it('sends the project Host to the endpoint address and reuses one kept-alive connection', async () => {
    const seen: Array<{ host: string | undefined; port: number | undefined; url: string | undefined }> = [];
    const server = createHttpServer((req: IncomingMessage, res) => {
      seen.push({ host: req.headers.host, port: req.socket.remotePort, url: req.url });
      res.end(Buffer.from([0, 1, 2, 255]));
    });
    const port = await listen(server);
    const transport = transportTo(`http://127.0.0.1:${port}`);
    const query = { cursor: 'MTcw+/==', q: 'a b&c' };
    const first = await transport.send({ ...GET, query }, 'test');
    await transport.send(GET, 'test');
    expect(first.status).toBe(200);
    expect([...first.body]).toEqual([0, 1, 2, 255]);
    expect(seen[0]?.host).toBe(`demo.127.0.0.1:${port}`);
    expect(new URL(seen[0]?.url ?? '', 'http://x').searchParams.get('q')).toBe('a b&c');
    expect(new URL(seen[0]?.url ?? '', 'http://x').searchParams.get('cursor')).toBe('MTcw+/==');
    expect(seen[1]?.port).toBe(seen[0]?.port);
  });

  it('resolves any status with its body, leaving its meaning to the caller', async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(404, { 'x-log-requestid': 'R1' }).end('{}')));
    const response = await transportTo(`http://127.0.0.1:${port}`).send(GET, 'test');
    expect([response.status, response.headers['x-log-requestid'], response.body.toString()]).toEqual([404, 'R1', '{}']);
  });

  it('rejects a body shorter than its Content-Length as a retryable network error', async () => {
    const port = await rawServer((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/x-protobuf\r\n\r\n' + 'x'.repeat(400));
    });
    const error = await failure(transportTo(`http://127.0.0.1:${port}`).send(GET, 'PullLogs x/0'));
    expect(error.code).toBe('NetworkError');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^PullLogs x\/0: /);
  });

  it('rejects a connection reset in the middle of a body', async () => {
    const port = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(5000), () => socket.resetAndDestroy());
    });
    const error = await failure(transportTo(`http://127.0.0.1:${port}`).send(GET, 'test'));
    expect(error.retryable).toBe(true);
  });

  it('rejects a chunked body that never reaches its last chunk', async () => {
    const port = await rawServer((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
    });
    const error = await failure(transportTo(`http://127.0.0.1:${port}`).send(GET, 'test'));
    expect(error.retryable).toBe(true);
  });

  it('gives up on a server that goes silent in the middle of a body (idle timeout)', async () => {
    const port = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const error = await failure(transportTo(`http://127.0.0.1:${port}`, { idleTimeoutMs: 200 }).send(GET, 'test'));
    expect(error.message).toContain('idle for 200 ms');
    expect(error.retryable).toBe(true);
  });

  it('bounds a whole request that trickles forever (total timeout)', async () => {
    const port = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
      const timer = setInterval(() => socket.write('x'), 20);
      socket.on('close', () => clearInterval(timer));
    });
    const error = await failure(transportTo(`http://127.0.0.1:${port}`, { requestTimeoutMs: 300, idleTimeoutMs: 10_000 }).send(GET, 'test'));
    expect(error.message).toContain('within 300 ms');
  });

  it('bounds connection setup: a TLS endpoint that accepts TCP but never handshakes (connect timeout)', async () => {
    const port = await rawServer(() => undefined);
    const error = await failure(transportTo(`https://127.0.0.1:${port}`, { connectTimeoutMs: 200 }).send(GET, 'test'));
    expect(error.message).toContain('could not connect within 200 ms');
    expect(error.retryable).toBe(true);
  });

  it('refuses an answer larger than maxResponseBytes as soon as Content-Length announces it', async () => {
    const port = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n'));
    const error = await failure(transportTo(`http://127.0.0.1:${port}`, { maxResponseBytes: 1000 }).send(GET, 'PullLogs x/0'));
    expect([error.code, error.retryable]).toEqual(['ResponseTooLarge', false]);
    expect(error.message).toMatch(/^PullLogs x\/0: the answer is larger than 1000 bytes/);
  });

  it('stops buffering an endless chunked answer at maxResponseBytes instead of growing until the timeout', async () => {
    const port = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      socket.on('error', () => undefined);
      pump();
    });
    const transport = transportTo(`http://127.0.0.1:${port}`, { maxResponseBytes: 256 * 1024, requestTimeoutMs: 10_000 });
    const error = await failure(transport.send(GET, 'PullLogs x/0'));
    expect(error.code).toBe('ResponseTooLarge');
  });

  it('tells a user who dials https:// to a plain-HTTP server (the emulator) to use http://', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end()));
    const error = await failure(transportTo(`https://127.0.0.1:${port}`).send(GET, 'ListShards x'));
    expect(error.message).toContain('use http://');
    expect(error.retryable).toBe(false);
  });

  it('refuses calls after close instead of opening a new connection, and closes twice', async () => {
    let requests = 0;
    const port = await listen(createHttpServer((_req, res) => res.end(String(++requests))));
    const transport = transportTo(`http://127.0.0.1:${port}`);
    await transport.send(GET, 'ListShards x');
    transport.close();
    transport.close();
    const error = await failure(transport.send(GET, 'ListShards x'));
    expect([error.code, error.retryable, error.message]).toEqual(['ClientClosed', false, 'ListShards x: the SLS client is closed']);
    expect(requests).toBe(1);
  });

  it('reports a refused connection as retryable', async () => {
    const server = createNetServer();
    const port = await listen(server);
    server.close();
    await once(server, 'close');
    const error = await failure(transportTo(`http://127.0.0.1:${port}`).send(GET, 'test'));
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.retryable).toBe(true);
  });
});
