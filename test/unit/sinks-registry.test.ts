import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { NullSink } from '../../src/sinks/null/sink.js';
import { DEFAULT_SINK, SINK_TYPES, createSink, sinkConfigSchema } from '../../src/sinks/registry.js';
import { StdoutSink } from '../../src/sinks/stdout/sink.js';
import { ndjson } from '../helpers/sink-file.js';

const log = pino({ level: 'silent' });
const context = { log, origin: { project: 'demo', logstore: 'access' }, fields: 'all' as const };

function issues(input: unknown): { path: PropertyKey[]; message: string }[] {
  const result = sinkConfigSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues ?? [];
}

describe('sink config schema', () => {
  it('lists the sink types', () => {
    expect(SINK_TYPES).toEqual(['file', 'stdout', 'null', 'postgres']);
  });

  it('defaults to the file sink at ./data/requests.ndjson when the section is absent', () => {
    expect(sinkConfigSchema.parse(undefined)).toEqual({ type: 'file', path: './data/requests.ndjson' });
    expect(DEFAULT_SINK).toEqual({ type: 'file', path: './data/requests.ndjson' });
  });

  it('takes a section without a type as the file sink, with the default path', () => {
    expect(sinkConfigSchema.parse({})).toEqual({ type: 'file', path: './data/requests.ndjson' });
    expect(sinkConfigSchema.parse({ path: '/var/x.ndjson' })).toEqual({ type: 'file', path: '/var/x.ndjson' });
  });

  it('parses rotation sizes and durations with their units', () => {
    const config = sinkConfigSchema.parse({ type: 'file', path: 'a.ndjson', rotate: { maxBytes: '64MiB', interval: '1h' } });
    expect(config).toEqual({ type: 'file', path: 'a.ndjson', rotate: { maxBytes: 64 * 1024 * 1024, interval: 3_600_000 } });
  });

  it('parses stdout and null', () => {
    expect(sinkConfigSchema.parse({ type: 'stdout' })).toEqual({ type: 'stdout' });
    expect(sinkConfigSchema.parse({ type: 'null' })).toEqual({ type: 'null' });
  });

  it('names the valid types when the type is unknown', () => {
    const [issue] = issues({ type: 'mysql' });
    expect(issue?.path).toEqual(['type']);
    expect(issue?.message).toBe('unknown sink type "mysql": use one of file, stdout, null, postgres');
  });

  it('says what a sink section must be when it is not an object', () => {
    expect(issues('file')[0]?.message).toMatch(/expected object/);
  });

  it('refuses keys a sink type does not have', () => {
    expect(issues({ type: 'stdout', path: 'x' })[0]?.message).toMatch(/Unrecognized key: "path"/);
    expect(issues({ type: 'file', rotate: { maxSize: 10 } })[0]).toMatchObject({ path: ['rotate'] });
  });

  it('names the rotation option that is wrong', () => {
    expect(issues({ rotate: { maxBytes: '12 apples' } })[0]).toMatchObject({
      path: ['rotate', 'maxBytes'],
      message: expect.stringContaining("12 apples"),
    });
    expect(issues({ rotate: { interval: '0s' } })[0]).toMatchObject({
      path: ['rotate', 'interval'],
      message: 'interval must be more than 0',
    });
    expect(issues({ path: '' })[0]).toMatchObject({ path: ['path'], message: 'must not be empty' });
  });
});

describe('createSink', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('builds the sink the type names', async () => {
    expect(await createSink({ type: 'null' }, context)).toBeInstanceOf(NullSink);
    expect(await createSink({ type: 'stdout' }, context)).toBeInstanceOf(StdoutSink);
  });

  it('builds a file sink that writes to the configured path', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-registry-'));
    const path = join(dir, 'out.ndjson');
    const sink = await createSink(sinkConfigSchema.parse({ path }), context);
    await sink.open();
    expect(sink.input).toBe('ndjson');
    if (sink.input === 'ndjson') await sink.write(ndjson([{ shard: 0, cursor: 'MTA=', index: 0, time: '2026-11-21T10:15:00Z' }]));
    await sink.close();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ shard: 0, cursor: 'MTA=' });
  });
});
