// Our v1 signature must equal the one the official Node SDK (@alicloud/log) computes. The
// SDK builds Date, Content-MD5 and its headers internally, so it is driven for real against
// a throwaway server that only records what arrives; the recorded request is then signed
// again with our code. (The recorder is not an SLS stand-in: it answers `{}` to everything.)

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignableRequest } from '../../../src/sls/signing/request.js';
import { signV1, v1Signature, v1StringToSign } from '../../../src/sls/signing/v1.js';

interface OfficialClient {
  postLogStoreLogs(project: string, logstore: string, data: object): Promise<unknown>;
  getLogs(project: string, logstore: string, from: Date, to: Date, data?: object): Promise<unknown>;
  createLogStore(project: string, logstore: string, data?: object): Promise<unknown>;
  getLogStore(project: string, logstore: string): Promise<unknown>;
}
type OfficialClientClass = new (config: object) => OfficialClient;
const OfficialClient = createRequire(import.meta.url)('@alicloud/log') as OfficialClientClass;

const KEY = { accessKeyId: 'sdk-ak-id', accessKeySecret: 'sdk-ak-secret/with+chars=' };

let server: Server;
let endpoint: string;
const received: SignableRequest[] = [];

function record(req: IncomingMessage, body: Buffer): SignableRequest {
  const url = new URL(req.url ?? '/', 'http://recorder');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  return { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(record(req, Buffer.concat(chunks)));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

/** Runs one SDK call and returns the request the recorder saw. */
async function capture(call: (client: OfficialClient) => Promise<unknown>, credentials: object = KEY): Promise<SignableRequest> {
  const before = received.length;
  await call(new OfficialClient({ ...credentials, endpoint }));
  expect(received).toHaveLength(before + 1);
  return received[before] as SignableRequest;
}

function expectSameSignature(req: SignableRequest, secret = KEY.accessKeySecret): void {
  const expected = req.headers.authorization;
  expect(expected).toMatch(/^LOG sdk-ak-id:/);
  expect(`LOG sdk-ak-id:${v1Signature(v1StringToSign(req), secret)}`).toBe(expected);
  // And signing the same request from scratch at the same second gives the same header.
  const fresh: SignableRequest = { ...req, headers: { ...req.headers } };
  delete fresh.headers.authorization;
  delete fresh.headers['content-md5'];
  signV1(fresh, { ...KEY, accessKeySecret: secret, securityToken: req.headers['x-acs-security-token'] }, new Date(req.headers.date ?? ''));
  expect(fresh.headers.authorization).toBe(expected);
}

describe('v1 signature equals @alicloud/log', () => {
  it('PutLogs with a protobuf body, tags, topic and source', async () => {
    const req = await capture((c) =>
      c.postLogStoreLogs('', 'my-logstore', {
        logs: [{ timestamp: 1700000000, content: { path: '/index.html?a=1', status: '200', 'ünïcode': 'värde' } }],
        tags: [{ __pack_id__: 'ABC-1' }],
        topic: 'nginx',
        source: '10.0.0.1',
      }),
    );
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(req.headers['content-md5']).toMatch(/^[0-9A-F]{32}$/);
    expectSameSignature(req);
  });

  it('a GET whose query values need percent-encoding on the wire', async () => {
    const req = await capture((c) =>
      c.getLogs('', 'my-logstore', new Date(1_700_000_000_000), new Date(1_700_000_600_000), {
        query: 'status: 500 and uri: "/a b?c=d&e"',
        line: 100,
      }),
    );
    expect(req.query.query).toBe('status: 500 and uri: "/a b?c=d&e"');
    expectSameSignature(req);
  });

  it('a JSON body and a bodiless GET', async () => {
    expectSameSignature(await capture((c) => c.createLogStore('', 'my-logstore', { ttl: 30, shardCount: 2 })));
    expectSameSignature(await capture((c) => c.getLogStore('', 'my-logstore')));
  });

  it('STS credentials sign x-acs-security-token', async () => {
    const req = await capture((c) => c.getLogStore('', 'my-logstore'), { ...KEY, securityToken: 'sts+token/value==' });
    expect(req.headers['x-acs-security-token']).toBe('sts+token/value==');
    expectSameSignature(req);
  });
});
