// The `HOST:PORT` of the metrics and admin endpoint, as `--listen` (sluice run) and
// `--address` (sluice ctl) take it: an IPv4 address, a host name or a bracketed IPv6
// address, then a port (0 asks the system for a free one). Both commands read it here, so
// an address that one accepts the other accepts too.

import { isIP } from 'node:net';

export interface ListenAddress {
  /** As Node's listen() and a URL take it: IPv6 without brackets. */
  host: string;
  port: number;
}

/** The default `sluice ctl --address`: where the container (and the README) listen. */
export const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:9464';

const SHAPE = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** The address `text` names, or a sentence saying what is wrong with it (no throw: the config schema reports it). */
export function parseListenAddress(text: string): ListenAddress | string {
  const match = SHAPE.exec(text.trim());
  if (match === null) return `expected HOST:PORT, e.g. 127.0.0.1:9464, 0.0.0.0:9464 or [::1]:9464, got ${JSON.stringify(text)}`;
  const [, ipv6, name, portText] = match as unknown as [string, string | undefined, string | undefined, string];
  const port = Number(portText);
  if (port > 65_535) return `port ${port} is out of range: use 0 to 65535 (0 picks a free port)`;
  if (ipv6 !== undefined) return isIP(ipv6) === 6 ? { host: ipv6, port } : `${JSON.stringify(ipv6)} in brackets is not an IPv6 address`;
  const host = name as string;
  // Digits and dots only is meant as an IPv4 address (999.0.0.1 is none), never a host name.
  if (isIP(host) === 0 && (/^[\d.]+$/.test(host) || !HOST_NAME.test(host))) return `${JSON.stringify(host)} is not an IP address or a host name`;
  return { host, port };
}

/** `127.0.0.1:9464`, `[::1]:9464`: the address as written. */
export function hostPort(address: ListenAddress): string {
  return `${isIP(address.host) === 6 ? `[${address.host}]` : address.host}:${address.port}`;
}

/** `http://127.0.0.1:9464`: the base URL of the endpoint at `address`. */
export function addressUrl(address: ListenAddress): string {
  return `http://${hostPort(address)}`;
}
