// Where a client connects and what it calls the host. SLS routes by the Host header, whose
// left-most label is the project (sls-protocol.md §1.1). For a DNS endpoint we connect to
// `<project>.<endpoint>` like every official SDK: the service may resolve projects to
// different front ends, and over https the certificate and SNI are per project name. For
// an IP literal or `localhost` (the emulator, a tunnel) no such name resolves, so we
// connect to the address itself and still send `Host: <project>.<address>[:port]`, as the
// Python SDK does for IP endpoints.

import { isIP } from 'node:net';
import { SlsError } from '../errors.js';

export interface Endpoint {
  protocol: 'http:' | 'https:';
  /** Host name or address to open the connection to. */
  connectHost: string;
  port: number;
  /** Value of the Host header: the project's host name, with the port when it is not the default. */
  hostHeader: string;
  /** TLS server name (SNI) for https to a DNS name; absent for addresses. */
  servername?: string;
  /** Region id read from a standard endpoint (`cn-hangzhou.log.aliyuncs.com`), for v4 signatures. */
  region?: string;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** `<region>[-intranet|-share|-vpc].log.aliyuncs.com` */
const STANDARD_ENDPOINT = /^([a-z0-9-]+?)(?:-intranet|-share|-vpc)?\.log\.aliyuncs\.com$/i;

/**
 * Parses an endpoint such as `cn-hangzhou.log.aliyuncs.com`, `https://cn-hangzhou.log.aliyuncs.com`
 * or `http://127.0.0.1:9800`. Without a scheme it is plain http, as in every official SDK.
 */
export function resolveEndpoint(endpoint: string, project: string): Endpoint {
  if (!PROJECT_NAME.test(project)) {
    throw invalid('InvalidProject', `SLS project "${project}" is not a valid project name (3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit).`);
  }
  const url = parseUrl(endpoint);
  const address = url.hostname.replace(/^\[|\]$/g, '');
  const direct = isIP(address) !== 0 || address.toLowerCase() === 'localhost';
  const projectHost = `${project}.${url.hostname}`;
  const protocol = url.protocol as Endpoint['protocol'];
  const region = STANDARD_ENDPOINT.exec(url.hostname)?.[1]?.toLowerCase();
  return {
    protocol,
    connectHost: direct ? address : projectHost,
    port: url.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(url.port),
    hostHeader: url.port === '' ? projectHost : `${projectHost}:${url.port}`,
    ...(direct || protocol === 'http:' ? {} : { servername: projectHost }),
    ...(region === undefined ? {} : { region }),
  };
}

function parseUrl(endpoint: string): URL {
  const trimmed = endpoint.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw badEndpoint(endpoint, 'it is not a host name or URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badEndpoint(endpoint, 'only http:// and https:// are supported');
  if (url.username !== '' || url.password !== '') throw badEndpoint(endpoint, 'it must not carry credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
    throw badEndpoint(endpoint, 'it must be a host without a path or query (the project is configured separately)');
  }
  return url;
}

function badEndpoint(endpoint: string, why: string): SlsError {
  return invalid(
    'InvalidEndpoint',
    `SLS endpoint "${withoutUserinfo(endpoint)}" is not usable: ${why}. Use e.g. https://cn-hangzhou.log.aliyuncs.com or http://127.0.0.1:9800.`,
  );
}

/** The endpoint as an error may show it: a `user:password@` before the host (an access key, at worst) hidden. */
function withoutUserinfo(endpoint: string): string {
  return endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1<hidden>@');
}

function invalid(code: string, message: string): SlsError {
  return new SlsError({ code, message, retryable: false });
}
