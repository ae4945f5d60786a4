// A TCP proxy between a process under test and a server (PostgreSQL), so that a test can take
// the server away and give it back without touching the server itself: cut() breaks every
// connection through the proxy and refuses new ones until restore(). The server never notices
// more than clients that vanished, which is what a network outage looks like to it.

import net from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

export class TcpProxy {
  readonly #server: net.Server;
  readonly #target: ProxyTarget;
  /** Both ends of every live connection, to break them all at once. */
  readonly #sockets = new Set<net.Socket>();
  #cut = false;

  private constructor(server: net.Server, target: ProxyTarget) {
    this.#server = server;
    this.#target = target;
    server.on('connection', (client) => this.#accept(client));
  }

  /** Listens on a free port of 127.0.0.1, forwarding each connection to `target`. */
  static async start(target: ProxyTarget): Promise<TcpProxy> {
    const server = net.createServer({ noDelay: true });
    const proxy = new TcpProxy(server, target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /**
   * The outage: resets every connection (both ends, so the server rolls back what its clients
   * had in flight) and resets each new one as soon as it is accepted. The proxy keeps its port,
   * so restore() cannot find it taken.
   */
  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
  }

  /** Ends the outage: new connections are forwarded again (broken ones stay broken). */
  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    if (this.#cut) {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect({ ...this.#target, noDelay: true });
    this.#sockets.add(client).add(server);
    // Either end failing or closing takes the other with it, as a broken network path would.
    const end = (socket: net.Socket, other: net.Socket): void => {
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.#sockets.delete(socket);
        other.destroy();
      });
    };
    end(client, server);
    end(server, client);
    client.pipe(server);
    server.pipe(client);
  }
}
