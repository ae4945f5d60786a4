// Signature verification (sls-protocol.md §5.2, §6) over real HTTP: what a strict emulator
// accepts, and the errors a client gets for what it refuses.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { errorOf, KEY, send } from './raw-http.js';

let strict: RunningEmulator;
let permissive: RunningEmulator;
const LIST = { path: '/logstores/access/shards' };

beforeAll(async () => {
  strict = await startEmulator({ accessKeyId: KEY.accessKeyId, accessKeySecret: KEY.accessKeySecret });
  permissive = await startEmulator();
});
afterAll(async () => {
  await strict.close();
  await permissive.close();
});

describe('strict authentication', () => {
  it('accepts v1 signatures, with a query and with a JSON body', async () => {
    expect((await send(strict.port, LIST)).status).toBe(200);
    const res = await send(strict.port, { path: '/logstores/access/shards/0', query: { type: 'cursor', from: 'begin' } });
    expect(res.status).toBe(200);
    const created = await send(strict.port, {
      method: 'POST',
      path: '/logstores/access/consumergroups',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consumerGroup: 'signed', timeout: 60, order: false }),
    });
    expect(created.status).toBe(200);
  });

  it('accepts v4 signatures', async () => {
    expect((await send(strict.port, { ...LIST, region: 'cn-hangzhou' })).status).toBe(200);
  });

  it('accepts hmac-sha256 v1 signatures (the OpenAPI gateway)', async () => {
    expect((await send(strict.port, { ...LIST, headers: { 'x-log-signaturemethod': 'hmac-sha256' } })).status).toBe(200);
  });

  it('checks the time against x-log-date and accepts a signature over it when Date is missing', async () => {
    const res = await send(strict.port, { ...LIST, tamper: (req) => delete req.headers.date });
    expect(res.status).toBe(200);
  });

  it('answers 401 SignatureNotMatch for a wrong secret, as JSON with a request id', async () => {
    const res = await send(strict.port, { ...LIST, sign: { accessKeyId: KEY.accessKeyId, accessKeySecret: 'wrong' } });
    expect(errorOf(res)).toMatchObject({ status: 401, code: 'SignatureNotMatch', contentType: 'application/json' });
    expect(res.headers['x-log-requestid']).toMatch(/^[0-9A-F]{24}$/);
  });

  it('answers 401 SignatureNotMatch when the body differs from its Content-MD5', async () => {
    const res = await send(strict.port, {
      method: 'POST',
      path: '/logstores/access/consumergroups',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consumerGroup: 'x', timeout: 60, order: false }),
      tamper: (req) => (req.body = Buffer.from(JSON.stringify({ consumerGroup: 'y', timeout: 60, order: false }))),
    });
    expect(errorOf(res)).toMatchObject({ status: 401, code: 'SignatureNotMatch' });
  });

  it('answers 401 InvalidAccessKeyId for an unknown key id', async () => {
    const res = await send(strict.port, { ...LIST, sign: { accessKeyId: 'someone-else', accessKeySecret: KEY.accessKeySecret } });
    expect(errorOf(res)).toMatchObject({ status: 401, code: 'InvalidAccessKeyId' });
  });

  it('answers 400 RequestTimeExpired for a request signed 20 minutes ago (v1 and v4)', async () => {
    const now = new Date(Date.now() - 20 * 60 * 1000);
    expect(errorOf(await send(strict.port, { ...LIST, now }))).toMatchObject({ status: 400, code: 'RequestTimeExpired' });
    expect(errorOf(await send(strict.port, { ...LIST, now, region: 'cn-hangzhou' }))).toMatchObject({ status: 400, code: 'RequestTimeExpired' });
  });

  it('answers 400 MissingDate without Date and x-log-date, 401 Unauthorized without Authorization', async () => {
    const undated = await send(strict.port, { ...LIST, tamper: (req) => (delete req.headers.date, delete req.headers['x-log-date']) });
    expect(errorOf(undated)).toMatchObject({ status: 400, code: 'MissingDate' });
    expect(errorOf(await send(strict.port, { ...LIST, sign: false }))).toMatchObject({ status: 401, code: 'Unauthorized' });
  });
});

describe('permissive authentication', () => {
  it('accepts unsigned requests, any key and any time', async () => {
    expect((await send(permissive.port, { ...LIST, sign: false })).status).toBe(200);
    expect((await send(permissive.port, { ...LIST, sign: { accessKeyId: 'any', accessKeySecret: 'thing' }, now: new Date(0) })).status).toBe(200);
  });

  it('takes the default project from a Host without a project label', async () => {
    expect((await send(permissive.port, { ...LIST, project: '' })).status).toBe(200);
  });
});
