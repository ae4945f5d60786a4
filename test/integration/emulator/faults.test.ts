// Injected faults as a client sees them on the wire: an SLS error answer, a socket reset
// with no answer, a body cut short under a full Content-Length, a slow answer. Faults are
// set through the admin API, as a test of another component would.

import { Agent, request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { errorOf, send, waitFor, type RawResponse } from './raw-http.js';

let emulator: RunningEmulator;
const LIST = { path: '/logstores/access/shards' };

beforeAll(async () => {
  emulator = await startEmulator({ generate: 2000 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.setFaults(''));

function admin(method: string, path: string, body?: unknown): Promise<RawResponse> {
  return send(emulator.port, { method, path: `/_emulator/${path}`, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body), sign: false });
}

async function pullFromBegin(): Promise<RawResponse> {
  const begin = (await send(emulator.port, { path: '/logstores/access/shards/0', query: { type: 'cursor', from: 'begin' } })).json() as { cursor: string };
  return send(emulator.port, { path: '/logstores/access/shards/0', query: { type: 'log', cursor: begin.cursor, count: '1000' }, headers: { 'accept-encoding': 'lz4' } });
}

describe('fault injection', () => {
  it('answers SLS errors with their status and code for the calls named, and for the next N calls only', async () => {
    await admin('PUT', 'faults', { spec: 'ListShards:503=2x,PutLogs:403' });
    expect(errorOf(await send(emulator.port, LIST))).toMatchObject({ status: 503, code: 'ServerBusy', contentType: 'application/json' });
    expect(errorOf(await send(emulator.port, LIST))).toMatchObject({ status: 503, code: 'ServerBusy' });
    expect((await send(emulator.port, LIST)).status).toBe(200);
    const put = await send(emulator.port, { method: 'POST', path: '/logstores/access/shards/lb', body: Uint8Array.from([0x0a, 0x00]) });
    expect(errorOf(put)).toMatchObject({ status: 403, code: 'ShardWriteQuotaExceed' });
  });

  it('answers 403 ShardReadQuotaExceed on PullLogs', async () => {
    await admin('PUT', 'faults', { spec: 'PullLogs:403' });
    expect(errorOf(await pullFromBegin())).toMatchObject({ status: 403, code: 'ShardReadQuotaExceed' });
  });

  it('resets the connection without an answer', async () => {
    await admin('PUT', 'faults', 'PullLogs:reset');
    await expect(pullFromBegin()).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('cuts the body short after promising all of it in Content-Length', async () => {
    await admin('PUT', 'faults', 'PullLogs:truncate');
    const res = await pullFromBegin();
    expect(res.status).toBe(200);
    expect(res.bodyError).toBeDefined();
    expect(res.body.byteLength).toBeLessThan(Number(res.headers['content-length']));
  });

  it('cuts an answer without a body short too: a group creation or a caught-up read never completes', async () => {
    await admin('PUT', 'faults', 'CreateConsumerGroup:truncate,PullLogs:truncate');
    const body = JSON.stringify({ consumerGroup: 'cut', timeout: 60, order: false });
    const created = await send(emulator.port, { method: 'POST', path: '/logstores/access/consumergroups', headers: { 'content-type': 'application/json' }, body });
    expect(created.bodyError).toBeDefined();
    const end = (await send(emulator.port, { path: '/logstores/access/shards/0', query: { type: 'cursor', from: 'end' } })).json() as { cursor: string };
    const caughtUp = await send(emulator.port, { path: '/logstores/access/shards/0', query: { type: 'log', cursor: end.cursor, count: '1000' } });
    expect(caughtUp.bodyError).toBeDefined();
  });

  it('delays answers by the latency asked for', async () => {
    await admin('PUT', 'faults', 'ListShards:latency=120ms');
    const started = performance.now();
    expect((await send(emulator.port, LIST)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('lists, adds and clears rules through the admin API, and counts injected faults', async () => {
    expect((await admin('PUT', 'faults', { spec: 'Heartbeat:500=0.5' })).json()).toEqual({ rules: ['Heartbeat:500=0.5'] });
    expect((await admin('POST', 'faults', { spec: 'GetCursor:reset' })).json()).toEqual({ rules: ['Heartbeat:500=0.5', 'GetCursor:reset'] });
    expect((await admin('DELETE', 'faults?call=Heartbeat')).json()).toEqual({ rules: ['GetCursor:reset'] });
    expect(errorOf(await admin('PUT', 'faults', { spec: 'GetCursor:boom' }))).toMatchObject({ status: 400, code: 'ParameterInvalid' });
    const before = emulator.stats().faults.ListShards ?? 0;
    await admin('PUT', 'faults', 'ListShards:500=1x');
    await send(emulator.port, LIST);
    expect(emulator.stats().faults.ListShards).toBe(before + 1);
  });

  it('keeps the rules in force when a replacement or addition holds a bad rule', async () => {
    await admin('PUT', 'faults', { spec: 'Heartbeat:500' });
    for (const method of ['PUT', 'POST']) {
      expect(errorOf(await admin(method, 'faults', { spec: 'ListShards:503,GetCursor:boom' }))).toMatchObject({ status: 400, code: 'ParameterInvalid' });
      expect((await admin('GET', 'faults')).json()).toEqual({ rules: ['Heartbeat:500'] });
    }
    expect((await send(emulator.port, LIST)).status).toBe(200);
    expect(() => emulator.setFaults('ListShards:503,GetCursor:boom')).toThrow(/GetCursor:boom/);
    expect((await admin('GET', 'faults')).json()).toEqual({ rules: ['Heartbeat:500'] });
  });
});

describe('lifecycle', () => {
  it('describes what it generated, warms up, and counts what it served', async () => {
    expect(emulator.generated).toMatchObject({ logs: 2000, groups: 4, shards: 4 });
    await expect(emulator.warmed).resolves.toBeUndefined();
    const before = emulator.stats().pulledLogs;
    const res = await pullFromBegin();
    expect(emulator.stats().pulledLogs - before).toBe(Number(res.headers['x-log-count']) * 550);
  });

  it('stops warming up when closed early', async () => {
    const big = await startEmulator({ generate: 20_000 });
    await big.close();
    await expect(big.warmed).resolves.toBeUndefined();
  });

  it('appends logs continuously at the rate asked for, and stops on close', async () => {
    const feeding = await startEmulator({ rate: 5000 });
    await waitFor(() => feeding.stats().writtenLogs >= 1000);
    await feeding.close();
    const written = feeding.stats().writtenLogs;
    await new Promise((resolve) => setTimeout(resolve, 300)); // longer than a tick: nothing more may arrive
    expect(feeding.stats().writtenLogs).toBe(written);
  });

  it('closes promptly while a keep-alive connection is open, and refuses connections after', async () => {
    const other = await startEmulator();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request({ port: other.port, path: '/logstores/access/shards', agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
    });
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(500);
    await expect(send(other.port, LIST)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    agent.destroy();
  });

  it('closes promptly while an answer is held back by a latency fault, cutting that request', async () => {
    const slow = await startEmulator({ faults: 'CreateConsumerGroup:latency=60s' });
    const body = JSON.stringify({ consumerGroup: 'late', timeout: 60, order: false });
    const answer = send(slow.port, { method: 'POST', path: '/logstores/access/consumergroups', headers: { 'content-type': 'application/json' }, body });
    await waitFor(() => slow.stats().requests === 1);
    const started = performance.now();
    await slow.close();
    expect(performance.now() - started).toBeLessThan(500);
    await expect(answer).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
