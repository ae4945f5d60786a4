import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hideCredentials, resolveCredentials } from '../../../src/sls/signing/credentials.js';
import { thrown as failure } from '../../helpers/sls-failure.js';

const ENV = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'env-id',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret-value',
  ALIBABA_CLOUD_SECURITY_TOKEN: 'env-token-value',
};

describe('resolveCredentials', () => {
  it('prefers the config over the environment, and takes no token from the environment then', () => {
    const c = resolveCredentials({ accessKeyId: 'cfg-id', accessKeySecret: 'cfg-secret' }, ENV);
    expect([c.accessKeyId, c.accessKeySecret, c.securityToken]).toEqual(['cfg-id', 'cfg-secret', undefined]);
  });

  it('falls back to the environment, token included', () => {
    const c = resolveCredentials({}, ENV);
    expect([c.accessKeyId, c.accessKeySecret, c.securityToken]).toEqual(['env-id', 'env-secret-value', 'env-token-value']);
  });

  it('treats blank values as absent', () => {
    const c = resolveCredentials({ accessKeyId: ' ', accessKeySecret: '' }, { ...ENV, ALIBABA_CLOUD_SECURITY_TOKEN: '' });
    expect([c.accessKeyId, c.securityToken]).toEqual(['env-id', undefined]);
  });

  it('names both ways to configure a key when none is given', () => {
    const error = failure(() => resolveCredentials(undefined, {}));
    expect(error.code).toBe('MissingCredentials');
    expect(error.retryable).toBe(false);
    for (const name of ['accessKeyId', 'accessKeySecret', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET']) {
      expect(error.message).toContain(name);
    }
  });

  it('says which half is missing, without showing the half that is there', () => {
    const fromConfig = failure(() => resolveCredentials({ accessKeySecret: 'lonely-secret' }, ENV));
    expect(fromConfig.message).toContain('the config or flags set the secret but not the access key id');
    expect(fromConfig.message).not.toContain('lonely-secret');
    const fromEnv = failure(() => resolveCredentials({}, { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'lonely-secret' }));
    expect(fromEnv.message).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not');
    expect(fromEnv.message).not.toContain('lonely-secret');
  });
});

describe('the secret stays hidden', () => {
  const views = (value: unknown): string[] => [
    JSON.stringify(value),
    inspect(value, { showHidden: true, depth: 5 }),
    String(value),
    `${JSON.stringify({ ...(value as object) })}`,
  ];

  it.each([
    ['resolved from the environment', () => resolveCredentials({}, ENV)],
    ['wrapped plain credentials', () => hideCredentials({ accessKeyId: 'env-id', accessKeySecret: 'env-secret-value', securityToken: 'env-token-value' })],
  ])('%s: not in JSON, inspect, String or a spread', (_name, make) => {
    const c = make();
    expect(c.accessKeySecret).toBe('env-secret-value');
    for (const view of views(c)) {
      expect(view).not.toContain('env-secret-value');
      expect(view).not.toContain('env-token-value');
    }
    // The id shows as much as tells keys apart, which for a short one is nothing.
    expect(inspect(c)).not.toContain('env-id');
    expect(inspect(c)).toContain('********');
  });

  it('shows the last 4 characters of a real-length access key id', () => {
    expect(JSON.stringify(hideCredentials({ accessKeyId: 'LTAI5tQx7wKcYp3nB9mR7Q2Z', accessKeySecret: 's' }))).toContain('"accessKeyId":"****7Q2Z"');
  });

  it('nor inside an object that holds the credentials', () => {
    const holder = { endpoint: 'x', credentials: resolveCredentials({}, ENV) };
    for (const view of views(holder)) expect(view).not.toContain('env-secret-value');
  });
});
