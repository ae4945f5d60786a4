// The source registry and the sls type's setup: a config section becomes a running source
// with its own client; an existing consumer group is brought in line with the config.

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import type { SlsClient } from '../../../src/sls/client.js';
import { createSource, SOURCE_TYPES } from '../../../src/sources/registry.js';
import type { SlsSourceConfig } from '../../../src/sources/sls/index.js';
import { captureLog, expectExactlyOnce, KEY, type SourceRig, startSetup } from './harness.js';
import { RecordingPipeline } from './recording-pipeline.js';

let emulator: RunningEmulator;
let client: SlsClient;
let rig: SourceRig;

beforeAll(async () => ({ emulator, client, rig } = await startSetup({ shards: 2, generate: 5000 })));
afterAll(() => rig.stop());

function config(changes: Partial<SlsSourceConfig> = {}): SlsSourceConfig {
  return {
    type: 'sls',
    endpoint: emulator.url,
    project: emulator.project,
    logstore: emulator.logstore,
    ...KEY,
    signatureVersion: 'v1',
    consumerGroup: 'registry',
    consumer: 'c1',
    from: { kind: 'begin' },
    until: { kind: 'end' },
    heartbeatInterval: 50,
    groupTimeout: 2000,
    inOrder: false,
    checkpointInterval: 100,
    ...changes,
  };
}

describe('createSource', () => {
  it('builds an sls source from its config section; it reads the logstore and closes its own client', async () => {
    expect(SOURCE_TYPES).toEqual(['sls']);
    const pipeline = new RecordingPipeline();
    const source = createSource(config(), { intake: pipeline, acks: pipeline, log: pino({ level: 'silent' }) });
    await expect(source.run()).resolves.toBe('end');
    await source.commitCheckpoints();
    await source.close();
    expectExactlyOnce(pipeline.requestIds, await rig.allStoredIds());
    expect(await client.listConsumerGroups(emulator.logstore)).toContainEqual({ name: 'registry', timeout: 2, order: false });
  });

  it('refuses a config without an access key before anything is sent', () => {
    const deps = { intake: new RecordingPipeline(), acks: new RecordingPipeline(), log: pino({ level: 'silent' }) };
    const noKey = config({ accessKeyId: undefined, accessKeySecret: undefined });
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', undefined);
    vi.stubEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', undefined);
    try {
      expect(() => createSource(noKey, deps)).toThrow(expect.objectContaining({ code: 'MissingCredentials' }));
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('the consumer group at start', () => {
  it('an existing group with another timeout or order is updated to the config, and says so', async () => {
    await client.createConsumerGroup(emulator.logstore, { name: 'existing', timeout: 60, order: false });
    const { log, entries } = captureLog();
    const source = rig.source(new RecordingPipeline(), { group: 'existing', groupTimeoutSeconds: 5, inOrder: true, until: { kind: 'end' }, log });
    await expect(source.run()).resolves.toBe('end');
    expect(await client.listConsumerGroups(emulator.logstore)).toContainEqual({ name: 'existing', timeout: 5, order: true });
    expect(entries.find((entry) => /existed with other settings/.test(entry.msg))).toMatchObject({ was: { timeout: 60, order: false }, now: { timeout: 5, order: true } });
  });
});
