// Which project a request addresses: sls-protocol.md §1.1. Every SDK puts the project in
// front of the endpoint host (`Host: demo.127.0.0.1:9800`, `demo.localhost`,
// `demo.cn-hangzhou.log.aliyuncs.com`); a Host that is only the endpoint (a plain
// `127.0.0.1:9800`, Java's CNAME mode) addresses the default project.

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

/** The project named by `host` (a Host header value), or `defaultProject` when it names none. */
export function projectFromHost(host: string | undefined, defaultProject: string): string {
  const name = stripPort((host ?? '').trim().toLowerCase());
  if (name === '' || name === 'localhost' || IPV4.test(name) || name.startsWith('[')) return defaultProject;
  const dot = name.indexOf('.');
  if (dot < 0) return defaultProject;
  const rest = name.slice(dot + 1);
  // `<project>.<local endpoint>`: everything before the endpoint; a public endpoint
  // (`<project>.<region>.log.aliyuncs.com`) has the project as its first label too.
  return rest === 'localhost' || IPV4.test(rest) || rest.includes('.') ? name.slice(0, dot) : defaultProject;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
