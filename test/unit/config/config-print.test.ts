// printedConfig (what `sluice config print` shows): a config file that loads back into the same
// configuration, secrets aside, with every duration, size and position written in its unit.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { printedConfig } from '../../../src/config/printed-config.js';
import { formatSize } from '../../../src/config/units.js';
import { REQUIRED_SOURCE, configFolder } from './config-fixture.js';

const folder = configFolder();

const FULL = `${REQUIRED_SOURCE}  accessKeyId: LTAI5tRoundTripKeyId00AB
  accessKeySecret: round-trip-secret
  consumer: worker-3
  from: 2024-05-01T16:00:00+08:00
  until: end
  heartbeatInterval: 1500ms
  groupTimeout: 2m
parse:
  fields: [status, request_id]
pipeline:
  queueCapacity: 500
  batch:
    maxBytes: 1000000
    linger: 250ms
sink:
  type: file
  path: out/requests.ndjson
  rotate:
    maxBytes: 1GiB
    interval: 1h
`;

describe('printedConfig', () => {
  it('loads back into the configuration it was printed from, but for the masked secrets', async () => {
    const config = await loadConfig({ file: folder.write('full.yaml', FULL), env: {} });
    const printed = printedConfig(config);
    const reloaded = await loadConfig({ file: folder.write('printed.yaml', printed), env: {} });
    expect(reloaded).toEqual({ ...config, source: { ...config.source, accessKeyId: '****00AB', accessKeySecret: '********' } });
  });

  it('writes durations, sizes and positions as a config file does', async () => {
    const config = await loadConfig({ file: folder.write('units.yaml', FULL), env: {} });
    const printed = printedConfig(config);
    for (const line of ['heartbeatInterval: 1500ms', 'groupTimeout: 120s', 'from: 2024-05-01T08:00:00Z', 'until: end', 'maxBytes: 1MB', 'linger: 250ms', 'maxBytes: 1GiB', 'interval: 3600s']) {
      expect(printed).toContain(line);
    }
    expect(printed).not.toContain('round-trip-secret');
  });

  it('masks a postgres URL\'s password and leaves out keys that are not set', async () => {
    const file = folder.write('pg.yaml', `${REQUIRED_SOURCE}sink:\n  type: postgres\n  url: postgres://u:p%40ss@db/logs?sslpassword=x1\n`);
    const printed = printedConfig(await loadConfig({ file, env: {} }));
    expect(printed).toContain('url: postgres://u:***@db/logs?sslpassword=***');
    expect(printed).not.toContain('p%40ss');
    expect(printed).not.toMatch(/accessKeyId|columns|region/);
  });
});

describe('formatSize', () => {
  it.each([
    [16 * 1024 * 1024, '16MiB'],
    [1_000_000, '1MB'],
    [2_048_000, '2000KiB'],
    [3 * 1024 ** 3, '3GiB'],
    [1500, '1500B'],
    [0, '0B'],
  ])('%d -> %s', (bytes, shown) => {
    expect(formatSize(bytes)).toBe(shown);
  });
});
