import { describe, expect, it } from 'vitest';
import { NginxLogGenerator } from '../../../src/emulator/generator.js';
import { encodeLogGroup } from '../../../src/sls/codec/log-group-encoder.js';
import type { LogInput } from '../../../src/sls/types.js';

const FIELDS = [
  'remote_addr', 'method', 'request_uri', 'status', 'body_bytes_sent', 'request_time', 'http_referer',
  'http_user_agent', 'host', 'upstream_response_time', 'http_x_forwarded_for', 'request_id',
];

function logs(generator: NginxLogGenerator, count: number): Array<Record<string, string>> {
  return generator.nextGroup(count).logs.map((log: LogInput) => Object.fromEntries(log.contents) as Record<string, string>);
}

describe('NginxLogGenerator', () => {
  it('gives the same logs for the same seed, and other logs for another seed', () => {
    const first = new NginxLogGenerator({ seed: 42 }).nextGroup(200);
    expect(new NginxLogGenerator({ seed: 42 }).nextGroup(200)).toEqual(first);
    expect(new NginxLogGenerator({ seed: 43 }).nextGroup(200).logs).not.toEqual(first.logs);
  });

  it('writes the twelve nginx fields on every log', () => {
    for (const log of logs(new NginxLogGenerator(), 1000)) expect(Object.keys(log)).toEqual(FIELDS);
  });

  it('gives request ids that never repeat, within a generator and across seeds', () => {
    const ids = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const generator = new NginxLogGenerator({ seed });
      for (let group = 0; group < 10; group++) for (const log of logs(generator, 1000)) ids.add(log['request_id'] ?? '');
    }
    expect(ids.size).toBe(30_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('makes logs of about 500 bytes', () => {
    const group = new NginxLogGenerator({ seed: 4 }).nextGroup(2000);
    const contentBytes = group.logs.reduce((sum, log) => sum + log.contents.reduce((s, [k, v]) => s + Buffer.byteLength(k) + Buffer.byteLength(v as string), 0), 0);
    const serializedBytes = encodeLogGroup(group).length;
    expect(contentBytes / 2000).toBeGreaterThan(380);
    expect(serializedBytes / 2000).toBeGreaterThan(450);
    expect(serializedBytes / 2000).toBeLessThan(650);
  });

  it('looks like real traffic: mostly 200 and GET, some errors, hundreds of paths, query strings', () => {
    const sample = logs(new NginxLogGenerator({ seed: 5 }), 20_000);
    const share = (predicate: (log: Record<string, string>) => boolean): number => sample.filter(predicate).length / sample.length;
    expect(share((log) => log['status'] === '200')).toBeGreaterThan(0.7);
    expect(share((log) => log['method'] === 'GET')).toBeGreaterThan(0.6);
    expect(share((log) => log['status']?.startsWith('4') === true)).toBeGreaterThan(0.02);
    expect(share((log) => log['status']?.startsWith('5') === true)).toBeGreaterThan(0.005);
    expect(share((log) => log['request_uri']?.includes('?') === true)).toBeGreaterThan(0.4);
    expect(share((log) => /%[0-9A-F]{2}/.test(log['request_uri'] ?? ''))).toBeGreaterThan(0.02);
    expect(share((log) => /[?&](tag)=.*&tag=/.test(log['request_uri'] ?? ''))).toBeGreaterThan(0.02);
    const paths = new Set(sample.map((log) => log['request_uri']?.split('?')[0]));
    expect(paths.size).toBeGreaterThan(200);
    expect(paths.size).toBeLessThan(1000);
    for (const log of sample.slice(0, 500)) expect(log['remote_addr']).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
  });

  it('spaces Log.Time by logsPerSecond from startTime, with TimeNs inside the second', () => {
    const group = new NginxLogGenerator({ startTime: 1_600_000_000, logsPerSecond: 4 }).nextGroup(9);
    expect(group.logs.map((log) => log.time)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2].map((s) => 1_600_000_000 + s));
    expect(group.logs.slice(0, 4).map((log) => log.timeNs)).toEqual([0, 250_000_000, 500_000_000, 750_000_000]);
  });

  it('tags each group with a unique pack id, a hostname and the log path', () => {
    const generator = new NginxLogGenerator({ seed: 6 });
    const packIds = Array.from({ length: 5 }, () => new Map(generator.nextGroup(1).tags).get('__pack_id__'));
    expect(new Set(packIds).size).toBe(5);
    expect(new Map(generator.nextGroup(1).tags).get('__path__')).toBe('/var/log/nginx/access.log');
  });
});
