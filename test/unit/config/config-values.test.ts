import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { SluiceConfig } from '../../../src/config/schema.js';
import { REQUIRED_SOURCE, configError, configFolder } from './config-fixture.js';

const folder = configFolder();
let files = 0;

/** Loads the required source plus `yaml` (more source keys indented by two, or whole sections). */
function load(yaml: string): Promise<SluiceConfig> {
  files += 1;
  return loadConfig({ file: folder.write(`values-${files}.yaml`, `${REQUIRED_SOURCE}${yaml}`), env: {} });
}

/** The message of the one issue loading `yaml` fails with. */
async function problem(yaml: string): Promise<string> {
  const error = await configError(load(yaml));
  expect(error.issues).toHaveLength(1);
  return error.message;
}

describe('durations and sizes', () => {
  it.each([
    ['25s', 25_000],
    ['100ms', 100],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['250', 250], // a bare number is milliseconds
  ])('drainTimeout: %s is %i ms', async (written, ms) => {
    expect((await load(`pipeline:\n  drainTimeout: ${written}\n`)).pipeline.drainTimeout).toBe(ms);
  });

  it.each([
    ['64MiB', 64 * 1024 * 1024],
    ['512kb', 512_000],
    ['1GB', 1_000_000_000],
    ['4096', 4096],
  ])('batch.maxBytes: %s is %i bytes', async (written, bytes) => {
    expect((await load(`pipeline:\n  batch:\n    maxBytes: ${written}\n`)).pipeline.batch.maxBytes).toBe(bytes);
  });

  it('names a duration without a unit it knows, and a size of nothing', async () => {
    expect(await problem('pipeline:\n  batch:\n    linger: 2 weeks\n')).toBe(
      'pipeline.batch.linger: expected a duration such as 500ms, 25s, 5m or 1h, got "2 weeks"',
    );
    expect(await problem('pipeline:\n  batch:\n    maxBytes: 0\n')).toBe('pipeline.batch.maxBytes: must be more than 0');
    expect(await problem('  heartbeatInterval: -1s\n')).toBe('source.heartbeatInterval: expected a duration such as 500ms, 25s, 5m or 1h, got "-1s"');
  });
});

describe('numbers, booleans, choices and lists', () => {
  it.each([
    ['0', 'expected a whole number from 1 to 256, got 0'],
    ['257', 'expected a whole number from 1 to 256, got 257'],
    ['2.5', 'expected a whole number from 1 to 256, got 2.5'],
    ['null', 'expected a whole number from 1 to 256, got null'],
  ])('workers: %s is refused', async (written, message) => {
    expect(await problem(`pipeline:\n  workers: ${written}\n`)).toBe(`pipeline.workers: ${message}`);
  });

  it('reads whole numbers and booleans written as text', async () => {
    const config = await load('  inOrder: "true"\npipeline:\n  queueCapacity: "500"\n');
    expect([config.source.inOrder, config.pipeline.queueCapacity]).toEqual([true, 500]);
    expect(await problem('  inOrder: yes\n')).toBe('source.inOrder: expected true or false, got "yes"');
  });

  it('names the choices of a key that has them', async () => {
    expect(await problem('log:\n  level: loud\n')).toBe(
      'log.level: expected "fatal" or "error" or "warn" or "info" or "debug" or "trace" or "silent", got "loud"',
    );
    expect(await problem('sink:\n  type: kafka\n')).toBe('sink.type: unknown sink type "kafka": use one of file, stdout, null, postgres');
  });

  it('takes parse.fields as all, a list, or a comma-separated text', async () => {
    expect((await load('parse:\n  fields: all\n')).parse.fields).toBe('all');
    expect((await load('parse:\n  fields: [request_id, status]\n')).parse.fields).toEqual(['request_id', 'status']);
    expect((await load('parse:\n  fields: "request_id, status"\n')).parse.fields).toEqual(['request_id', 'status']);
    expect((await load('parse:\n  fields: []\n')).parse.fields).toEqual([]);
    expect(await problem('parse:\n  fields: 7\n')).toBe('parse.fields: expected all or a list of SLS keys');
  });

  it('refuses an endpoint or a project the SLS client would refuse', async () => {
    const source = (endpoint: string, project: string): string => `source:\n  endpoint: ${endpoint}\n  project: ${project}\n  logstore: access\n`;
    const error = await configError(loadConfig({ file: folder.write('refused.yaml', source('ftp://example.com', 'Not_A_Project')), env: {} }));
    expect(error.message).toMatch(/^source\.endpoint: SLS endpoint "ftp:\/\/example.com" is not usable: only http:\/\/ and https:\/\/ are supported/);
    expect(error.message).toMatch(/\nsource\.project: SLS project "Not_A_Project" is not a valid project name/);
    expect((await loadConfig({ file: folder.write('bare.yaml', source('cn-hangzhou.log.aliyuncs.com', 'demo')), env: {} })).source.endpoint).toBe(
      'cn-hangzhou.log.aliyuncs.com',
    );
  });

  it('needs a region for v4 signatures unless the endpoint names one', async () => {
    expect(await problem('  signatureVersion: v4\n')).toBe('source.region: required for v4 signatures when the endpoint does not name one, e.g. cn-hangzhou');
    expect((await load('  signatureVersion: v4\n  region: cn-hangzhou\n')).source.region).toBe('cn-hangzhou');
    const standard = 'source:\n  endpoint: https://cn-beijing.log.aliyuncs.com\n  project: demo\n  logstore: access\n  signatureVersion: v4\n';
    const config = await loadConfig({ file: folder.write('v4.yaml', standard), env: {} });
    expect(config.source.signatureVersion).toBe('v4');
  });
});

describe('source.from and source.until', () => {
  it.each([
    ['begin', { kind: 'begin' }],
    ['END', { kind: 'end' }],
    ['2024-05-01', { kind: 'time', unixSeconds: 1_714_521_600 }],
    ['2024-05-01T08:00:00Z', { kind: 'time', unixSeconds: 1_714_550_400 }],
    ['2024-05-01T16:00:00+08:00', { kind: 'time', unixSeconds: 1_714_550_400 }],
    ['2024-05-01 02:30:00.750-0530', { kind: 'time', unixSeconds: 1_714_550_400 }],
  ])('from: %s', async (written, position) => {
    expect((await load(`  from: ${written}\n`)).source.from).toEqual(position);
  });

  it.each([
    ['null', null],
    ['end', { kind: 'end' }],
    ['2024-05-01T08:00Z', { kind: 'time', unixSeconds: 1_714_550_400 }],
  ])('until: %s', async (written, position) => {
    expect((await load(`  until: ${written}\n`)).source.until).toEqual(position);
  });

  it('says what a position may be', async () => {
    expect(await problem('  until: yesterday\n')).toBe(
      'source.until: "yesterday" is not "end" or an ISO 8601 time (e.g. 2024-05-01, 2024-05-01T08:00:00Z or 2024-05-01T16:00:00+08:00)',
    );
    expect(await problem('  from: 1714521600\n')).toMatch(/^source\.from: 1714521600 is not "begin", "end" or an ISO 8601 time/);
  });

  it('refuses a time of day without a zone, and a date that does not exist', async () => {
    expect(await problem('  from: 2024-05-01T08:00:00\n')).toBe(
      'source.from: "2024-05-01T08:00:00" has no time zone: add Z for UTC or an offset such as +08:00',
    );
    expect(await problem('  from: 2024-02-30\n')).toBe('source.from: "2024-02-30" is not a valid date and time');
  });

  it('needs until later than from', async () => {
    expect(await problem('  from: 2024-05-02\n  until: 2024-05-01T23:59:59Z\n')).toBe(
      'source.until: must be later than source.from (2024-05-02T00:00:00Z), got 2024-05-01T23:59:59Z',
    );
    expect((await load('  from: 2024-05-01\n  until: 2024-05-01T00:00:01Z\n')).source.until).toEqual({ kind: 'time', unixSeconds: 1_714_521_601 });
  });
});

describe('source.groupTimeout', () => {
  it('is whole seconds', async () => {
    expect(await problem('  groupTimeout: 30500ms\n')).toBe('source.groupTimeout: must be whole seconds (SLS takes the timeout in seconds), got 30500ms');
  });

  it('is at least twice the heartbeat interval', async () => {
    expect(await problem('  heartbeatInterval: 10s\n  groupTimeout: 15s\n')).toBe(
      'source.groupTimeout: 15s is less than twice source.heartbeatInterval (10s): one late heartbeat would cost the consumer its shards',
    );
    expect((await load('  heartbeatInterval: 10s\n  groupTimeout: 20s\n')).source.groupTimeout).toBe(20_000);
  });
});

describe('observe.listen', () => {
  it('is off unless given, and takes HOST:PORT with an IPv4 address, a host name or a bracketed IPv6 address', async () => {
    expect((await load('')).observe.listen).toBeNull();
    for (const address of ['127.0.0.1:9464', '0.0.0.0:0', 'localhost:9464', '[::1]:9464']) {
      expect((await load(`observe:\n  listen: "${address}"\n`)).observe.listen).toBe(address);
    }
  });

  it.each([
    ['9464', /observe\.listen: expected HOST:PORT, e\.g\. 127\.0\.0\.1:9464/],
    ['127.0.0.1:70000', /observe\.listen: port 70000 is out of range: use 0 to 65535/],
    ['999.1.1.1:9464', /observe\.listen: "999\.1\.1\.1" is not an IP address or a host name/],
    ['[::g]:9464', /observe\.listen: "::g" in brackets is not an IPv6 address/],
    ['::1:9464', /observe\.listen: expected HOST:PORT/],
  ])('refuses %s, saying what an address looks like', async (address, message) => {
    expect(await problem(`observe:\n  listen: "${address}"\n`)).toMatch(message);
  });
});
