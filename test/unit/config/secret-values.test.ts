import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { maskSecrets, secretValues } from '../../../src/config/secret-values.js';

const source = { endpoint: 'http://127.0.0.1:9800', project: 'demo', logstore: 'access' };

describe('secretValues', () => {
  it("takes the config's keys over the environment's, and a database URL's password as written and decoded", () => {
    const config = configSchema.parse({
      source: { ...source, accessKeyId: 'LTAIconfig', accessKeySecret: 'config-secret' },
      sink: { type: 'postgres', url: 'postgres://ingest:p%40ss-word@db:5432/logs' },
    });
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenv', ALIBABA_CLOUD_SECURITY_TOKEN: 'sts-token', PGPASSWORD: 'pg-env-pw' };
    expect(new Set(secretValues(config, env))).toEqual(new Set(['LTAIconfig', 'config-secret', 'sts-token', 'pg-env-pw', 'p%40ss-word', 'p@ss-word']));
  });

  it("takes a database URL's password and sslpassword parameters as written and decoded", () => {
    const config = configSchema.parse({
      source,
      sink: { type: 'postgres', url: 'postgres://ingest@db:5432/logs?sslmode=require&sslpassword=x1%2By&password=pw+2#frag' },
    });
    expect(new Set(secretValues(config, {}))).toEqual(new Set(['x1%2By', 'x1+y', 'pw+2', 'pw 2']));
  });

  it('reads the keys from the environment when the config has none', () => {
    const config = configSchema.parse({ source });
    expect(secretValues(config, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenv', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret' })).toEqual(['env-secret', 'LTAIenv']);
  });
});

describe('maskSecrets', () => {
  it('masks each secret wherever it appears, a longer one whole before a shorter one inside it', () => {
    expect(maskSecrets('key abc, secret abcdef, abc again', ['abcdef', 'abc'])).toBe('key [redacted], secret [redacted], [redacted] again');
  });
});
