// The official Node SDK (`@alicloud/log`, unchanged) against a strict emulator: it signs
// with its own v1 code, sends Content-Type application/json on every call and writes
// uncompressed protobuf to /shards/lb. The emulator must accept all of it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { loopbackAgent, officialClient, type SdkClient, type SdkError } from '../../helpers/official-sdk.js';
import { send } from './raw-http.js';
import { records } from './wire.js';

let emulator: RunningEmulator;
let clockOffsetMs = 0;

beforeAll(async () => {
  emulator = await startEmulator({ accessKeyId: 'sdk-ak', accessKeySecret: 'sdk-secret', clock: () => Date.now() + clockOffsetMs });
});
afterAll(async () => {
  agent.destroy();
  await emulator.close();
});

const agent = loopbackAgent();
const options = { agent };

function client(secret = 'sdk-secret'): SdkClient {
  return officialClient(emulator.port, { accessKeyId: 'sdk-ak', accessKeySecret: secret });
}

describe('@alicloud/log against the emulator', () => {
  it('creates a logstore and writes logs that a PullLogs reader then gets back', async () => {
    await client().createLogStore('demo', 'sdk', { ttl: 1, shardCount: 1 }, options);
    expect((await client().listLogStore('demo', {}, options)).logstores).toContain('sdk');
    await client().postLogStoreLogs(
      'demo',
      'sdk',
      {
        topic: 'checkout',
        source: '10.1.2.3',
        tags: [{ env: 'test' }],
        logs: [
          { timestamp: 1_700_000_000, content: { path: '/a', status: '200' } },
          { timestamp: 1_700_000_001, content: { path: '/b', status: '500' } },
        ],
      },
      options,
    );
    const begin = (await send(emulator.port, { path: '/logstores/sdk/shards/0', query: { type: 'cursor', from: 'begin' }, sign: { accessKeyId: 'sdk-ak', accessKeySecret: 'sdk-secret' } })).json() as { cursor: string };
    const res = await send(emulator.port, {
      path: '/logstores/sdk/shards/0',
      query: { type: 'log', cursor: begin.cursor, count: '10' },
      headers: { 'accept-encoding': 'lz4' },
      sign: { accessKeyId: 'sdk-ak', accessKeySecret: 'sdk-secret' },
    });
    expect(records(res)).toMatchObject([
      { time: 1_700_000_000, topic: 'checkout', source: '10.1.2.3', tags: { env: 'test' }, fields: { path: '/a', status: '200' } },
      { time: 1_700_000_001, fields: { path: '/b', status: '500' } },
    ]);
  });

  it('gets SignatureNotMatch with a wrong secret', async () => {
    const error = await client('not-the-secret').listLogStore('demo', {}, options).catch((e: SdkError) => e);
    expect(error).toMatchObject({ code: 'SignatureNotMatch' });
  });

  it('gets RequestTimeExpired when its clock is 20 minutes off the server', async () => {
    clockOffsetMs = 20 * 60 * 1000;
    try {
      const error = await client().listLogStore('demo', {}, options).catch((e: SdkError) => e);
      expect(error).toMatchObject({ code: 'RequestTimeExpired' });
    } finally {
      clockOffsetMs = 0;
    }
  });
});
