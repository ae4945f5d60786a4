// The metrics and admin endpoint could not listen where it was told to. The run fails at
// start (before anything is read) with a message that names the address and what to change;
// the CLI maps it to the configuration exit code, as the address is configuration.

import { hostPort, type ListenAddress } from './listen-address.js';

const ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use (another sluice, or another program): choose another port, or 0 for a free one',
  EADDRNOTAVAIL: 'no network interface of this host has that address: use 127.0.0.1, 0.0.0.0 (every interface) or an address of this host',
  EACCES: 'listening there needs privileges this process lacks (ports below 1024 do): use a port from 1024 up',
  ENOTFOUND: 'the host name does not resolve: use an IP address, or a name this host resolves',
  EAI_AGAIN: 'the host name could not be resolved now: use an IP address',
};

export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code = 'ListenFailed';

  constructor(address: ListenAddress, cause: NodeJS.ErrnoException) {
    const advice = (cause.code === undefined ? undefined : ADVICE[cause.code]) ?? `${cause.message}: check the address`;
    super(`cannot listen on ${hostPort(address)} (observe.listen, --listen): ${advice}`, { cause });
  }
}
