// What a user meets when something is wrong: bad keys, a skewed clock, missing resources,
// server faults and cut connections, each an SlsError with a stable code and the right
// retry verdict, and never the secret.

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { SlsClient, type SlsClientOptions } from '../../../src/sls/client.js';
import { rejection as failure } from '../../helpers/sls-failure.js';

const KEY = { accessKeyId: 'it-access-key', accessKeySecret: 'it-access-secret' };
const WRONG_SECRET = 'wrong-secret-must-not-leak';

let emulator: RunningEmulator;
const clients: SlsClient[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ ...KEY, shards: 1, generate: 50 });
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await emulator.close();
});

function clientWith(options: Partial<SlsClientOptions> = {}): SlsClient {
  const client = new SlsClient({ endpoint: emulator.url, project: emulator.project, credentials: KEY, ...options });
  clients.push(client);
  return client;
}

describe('SlsClient errors', () => {
  it.each([
    ['v1', {}],
    ['v4', { signatureVersion: 'v4' as const, region: 'cn-hangzhou' }],
  ])('a wrong secret is 401 SignatureNotMatch (%s), not retryable, and the secret is nowhere', async (_v, signing) => {
    const client = clientWith({ credentials: { ...KEY, accessKeySecret: WRONG_SECRET }, ...signing });
    const error = await failure(client.listShards(emulator.logstore));
    expect([error.code, error.status, error.retryable]).toEqual(['SignatureNotMatch', 401, false]);
    expect(error.message).toContain('check the access key secret');
    for (const view of [error.message, error.stack ?? '', inspect(error), JSON.stringify(error), inspect(client), JSON.stringify(client)]) {
      expect(view).not.toContain(WRONG_SECRET);
    }
  });

  it('an unknown access key id is 401 InvalidAccessKeyId', async () => {
    const error = await failure(clientWith({ credentials: { ...KEY, accessKeyId: 'nobody' } }).listShards(emulator.logstore));
    expect([error.code, error.status]).toEqual(['InvalidAccessKeyId', 401]);
  });

  it('a clock 20 minutes behind is 400 RequestTimeExpired, with advice about the clock', async () => {
    const client = clientWith({ now: () => new Date(Date.now() - 20 * 60_000) });
    const error = await failure(client.listShards(emulator.logstore));
    expect([error.code, error.status, error.retryable]).toEqual(['RequestTimeExpired', 400, false]);
    expect(error.message).toContain('synchronize it');
  });

  it('a missing logstore is 404 LogStoreNotExist naming the call', async () => {
    const error = await failure(clientWith().getCursor('no-such-store', 0, 'begin'));
    expect([error.code, error.status, error.retryable]).toEqual(['LogStoreNotExist', 404, false]);
    expect(error.message).toMatch(/^GetCursor no-such-store\/0: HTTP 404, request id \S+, LogStoreNotExist: /);
    expect(error.requestId).toMatch(/\S/);
  });

  it('a cursor the shard no longer keeps is 400 InvalidCursor; a garbled one ParameterInvalid', async () => {
    const client = clientWith();
    const begin = await client.getCursor(emulator.logstore, 0, 'begin');
    const admin = await fetch(`${emulator.url}/_emulator/expire`, { method: 'POST', body: JSON.stringify({ shard: 0, groups: 1 }) });
    expect(admin.status).toBe(200);
    expect(await failure(client.pullLogs(emulator.logstore, 0, { cursor: begin }))).toMatchObject({ code: 'InvalidCursor', status: 400 });
    expect(await failure(client.pullLogs(emulator.logstore, 0, { cursor: '@@@' }))).toMatchObject({ code: 'ParameterInvalid', status: 400 });
  });

  it('refuses a count outside 1..1000 and a time that is not whole seconds before sending anything', async () => {
    const client = clientWith();
    const before = emulator.stats();
    await expect(client.pullLogs(emulator.logstore, 0, { cursor: 'MA==', count: 1001 })).rejects.toMatchObject({ code: 'ParameterInvalid', retryable: false });
    await expect(client.getCursor(emulator.logstore, 0, 1.5)).rejects.toMatchObject({ code: 'ParameterInvalid' });
    expect(emulator.stats()).toEqual(before);
  });

  it('v4 without a region and an endpoint that names none fails at construction', () => {
    expect(() => clientWith({ signatureVersion: 'v4' })).toThrow(/set region/);
  });

  describe('server and network faults', () => {
    let client: SlsClient;
    let cursor: string;

    beforeAll(async () => {
      client = clientWith();
      cursor = await client.getCursor(emulator.logstore, 0, 'end');
      await client.putLogs(emulator.logstore, { logs: [{ time: 1_767_322_000, contents: [['k', 'v']] }] });
    });
    afterAll(() => emulator.setFaults(''));

    it.each([
      ['PullLogs:503=1x', 'ServerBusy', 503, true, false],
      ['PullLogs:500=1x', 'InternalServerError', 500, true, false],
      ['PullLogs:403=1x', 'ShardReadQuotaExceed', 403, true, true],
    ])('%s is %s (HTTP %i), retryable %s, throttled %s', async (spec, code, status, retryable, throttled) => {
      emulator.setFaults(spec);
      const error = await failure(client.pullLogs(emulator.logstore, 0, { cursor }));
      expect([error.code, error.status, error.retryable, error.throttled]).toEqual([code, status, retryable, throttled]);
      expect((await client.pullLogs(emulator.logstore, 0, { cursor })).count).toBe(1);
    });

    it.each(['truncate', 'reset'])('a connection %s during PullLogs is a retryable NetworkError, and the next pull works', async (action) => {
      emulator.setFaults(`PullLogs:${action}=1x`);
      const error = await failure(client.pullLogs(emulator.logstore, 0, { cursor }));
      expect([error.code, error.retryable]).toEqual(['NetworkError', true]);
      expect((await client.pullLogs(emulator.logstore, 0, { cursor })).count).toBe(1);
    });

    it('a server that answers too slowly is a retryable timeout', async () => {
      const impatient = clientWith({ requestTimeoutMs: 150 });
      emulator.setFaults('ListShards:latency=2s');
      const error = await failure(impatient.listShards(emulator.logstore));
      expect([error.code, error.retryable]).toEqual(['NetworkError', true]);
      expect(error.message).toContain('within 150 ms');
    });
  });
});

describe('an endpoint that is not SLS', () => {
  it('answering 200 with a web page to everything: the errors say to check the endpoint', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>welcome</html>'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = new SlsClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, project: 'demo', credentials: KEY });
    try {
      for (const call of [client.listShards('access'), client.pullLogs('access', 0, { cursor: 'MA==' })]) {
        const error = await failure(call);
        expect(error.code).toBe('CorruptResponse');
        expect(error.message).toContain('check that the endpoint is an SLS endpoint');
      }
    } finally {
      client.close();
      server.close();
    }
  });
});
