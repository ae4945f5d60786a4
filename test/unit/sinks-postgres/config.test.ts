import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addConfigFlags } from '../../../src/cli/options.js';
import { loadConfig } from '../../../src/config/load.js';
import { sinkConfigSchema } from '../../../src/sinks/registry.js';
import { describeTarget, maskedUrl } from '../../../src/sinks/postgres/connection-target.js';

const SOURCE = ['--endpoint', 'http://127.0.0.1:9800', '--project', 'demo', '--logstore', 'access'];

function flags(argv: readonly string[]): Record<string, string | undefined> {
  const command = addConfigFlags(new Command().exitOverride());
  return command.parse([...SOURCE, ...argv], { from: 'user' }).opts();
}

describe('postgres sink config', () => {
  it('has defaults for everything but the type', () => {
    expect(sinkConfigSchema.parse({ type: 'postgres' })).toEqual({ type: 'postgres', schema: 'public', table: 'requests', dedupe: false, connectTimeout: 10_000, commitTimeout: 60_000, batch: { maxInFlight: 2 } });
  });

  it('reads every option, durations and booleans also as text', () => {
    const config = sinkConfigSchema.parse({
      type: 'postgres', url: 'postgresql://u:p@h/db', schema: 'logs', table: 'nginx', dedupe: 'true', columns: { time: 'ts' }, connectTimeout: '2s', commitTimeout: '5m', batch: { maxRecords: '500', linger: '1s', maxInFlight: '3' },
    });
    expect(config).toEqual({ type: 'postgres', url: 'postgresql://u:p@h/db', schema: 'logs', table: 'nginx', dedupe: true, columns: { time: 'ts' }, connectTimeout: 2000, commitTimeout: 300_000, batch: { maxRecords: 500, linger: 1000, maxInFlight: 3 } });
  });

  it('refuses a url that is not postgres:// without repeating it (it may hold a password)', () => {
    const bad = sinkConfigSchema.safeParse({ type: 'postgres', url: 'mysql://root:hunter2@h/db' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['url'], message: 'expected a URL such as postgres://user:password@host:5432/database' });
    expect(JSON.stringify(bad.error?.issues[0]?.message)).not.toContain('hunter2');
    expect(sinkConfigSchema.safeParse({ type: 'postgres', table: '' }).error?.issues[0]).toMatchObject({ path: ['table'], message: 'must not be empty' });
    expect(sinkConfigSchema.safeParse({ type: 'postgres', tabel: 'x' }).success).toBe(false);
  });

  it('refuses a commit of 0 bytes, as pipeline.batch.maxBytes does', () => {
    expect(sinkConfigSchema.safeParse({ type: 'postgres', batch: { maxBytes: '0' } }).error?.issues[0]).toMatchObject({ path: ['batch', 'maxBytes'], message: 'must be more than 0' });
    expect(sinkConfigSchema.parse({ type: 'postgres', batch: { maxBytes: '1MiB' } })).toMatchObject({ batch: { maxBytes: 1_048_576 } });
  });

  it('takes --sink postgres --output postgres://... from flags alone, the URL as sink.url', async () => {
    const config = await loadConfig({ flags: flags(['--sink', 'postgres', '--output', 'postgres://u:secret@db:5432/logs']), env: {} });
    expect(config.sink).toEqual({ type: 'postgres', url: 'postgres://u:secret@db:5432/logs', schema: 'public', table: 'requests', dedupe: false, connectTimeout: 10_000, commitTimeout: 60_000, batch: { maxInFlight: 2 } });
  });

  it('still takes --output as the file sink path when it is not a postgres:// URL', async () => {
    const config = await loadConfig({ flags: flags(['--output', 'out.ndjson']), env: {} });
    expect(config.sink).toEqual({ type: 'file', path: 'out.ndjson' });
  });
});

describe('connection target in messages', () => {
  it('masks the password of a URL, and keeps the rest', () => {
    expect(maskedUrl('postgres://sluice:s3cret@db.example:5432/logs?sslmode=require')).toBe('postgres://sluice:***@db.example:5432/logs?sslmode=require');
    expect(maskedUrl('postgresql://sluice@db/logs')).toBe('postgresql://sluice@db/logs');
    expect(maskedUrl('postgres://db/logs')).toBe('postgres://db/logs');
    expect(maskedUrl('postgres://u:pa@ss/w?rd@db/logs')).toBe('postgres://u:***@db/logs');
    expect(maskedUrl('postgres://u@db/logs?password=s3cret&application_name=x')).toBe('postgres://u@db/logs?password=***&application_name=x');
    expect(maskedUrl('mysql://u:s3cret@db/logs')).toBe('***');
  });

  it('names what the PG* variables point at, never PGPASSWORD', () => {
    const env = { PGHOST: 'db.internal', PGPORT: '6432', PGUSER: 'ingest', PGDATABASE: 'logs', PGPASSWORD: 's3cret' };
    expect(describeTarget(undefined, env)).toBe('postgres://ingest@db.internal:6432/logs (from the PG* environment variables)');
    expect(describeTarget(undefined, { USER: 'me' })).toBe('postgres://me@localhost:5432/me (from the PG* environment variables)');
    expect(describeTarget('postgres://a:b@c/d', env)).toBe('postgres://a:***@c/d');
  });
});
