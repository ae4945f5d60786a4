import { describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../../src/sls/http/endpoint.js';
import { thrown } from '../../helpers/sls-failure.js';

describe('resolveEndpoint', () => {
  it('connects to an IP endpoint itself while naming the project in Host', () => {
    expect(resolveEndpoint('http://127.0.0.1:9800', 'demo')).toEqual({
      protocol: 'http:',
      connectHost: '127.0.0.1',
      port: 9800,
      hostHeader: 'demo.127.0.0.1:9800',
    });
  });

  it('treats localhost and IPv6 literals like addresses', () => {
    expect(resolveEndpoint('localhost:9800', 'demo')).toMatchObject({ connectHost: 'localhost', hostHeader: 'demo.localhost:9800' });
    expect(resolveEndpoint('http://[::1]:9800', 'demo')).toMatchObject({ connectHost: '::1', port: 9800 });
  });

  it('connects to <project>.<endpoint> for a DNS name, with SNI over https and the region read from the name', () => {
    expect(resolveEndpoint('https://cn-hangzhou.log.aliyuncs.com', 'my-project')).toEqual({
      protocol: 'https:',
      connectHost: 'my-project.cn-hangzhou.log.aliyuncs.com',
      port: 443,
      hostHeader: 'my-project.cn-hangzhou.log.aliyuncs.com',
      servername: 'my-project.cn-hangzhou.log.aliyuncs.com',
      region: 'cn-hangzhou',
    });
  });

  it('defaults to plain http without a scheme, as the official SDKs do, and reads intranet regions', () => {
    expect(resolveEndpoint('cn-shanghai-intranet.log.aliyuncs.com', 'p01')).toMatchObject({ protocol: 'http:', port: 80, region: 'cn-shanghai' });
  });

  it.each([
    ['ftp://example.com', 'only http:// and https://'],
    ['http://example.com/some/path', 'without a path'],
    ['http://user:pw@example.com', 'must not carry credentials'],
    ['http://', 'not a host name'],
  ])('rejects %s with a message that says why and shows an example', (endpoint, why) => {
    const error = thrown(() => resolveEndpoint(endpoint, 'demo'));
    expect(error.code).toBe('InvalidEndpoint');
    expect(error.message).toContain(why);
    expect(error.message).toContain('http://127.0.0.1:9800');
  });

  it.each(['https://LTAIexample:TopSecret42@cn-hangzhou.log.aliyuncs.com', 'LTAIexample:TopSecret42@cn-hangzhou.log.aliyuncs.com'])(
    'refuses credentials in the endpoint %s without repeating them',
    (endpoint) => {
      const error = thrown(() => resolveEndpoint(endpoint, 'demo'));
      expect(error.message).toContain('must not carry credentials');
      expect(error.message).toContain('cn-hangzhou.log.aliyuncs.com');
      expect(error.message).not.toContain('TopSecret42');
      expect(error.message).not.toContain('LTAIexample');
    },
  );

  it('rejects a project name that cannot be a host label', () => {
    expect(() => resolveEndpoint('http://127.0.0.1:9800', 'My.Project')).toThrow(/not a valid project name/);
  });

  it.each(['ab', 'demo-', '-demo', 'a'.repeat(64)])('rejects %s: 3-63 characters that start and end with a letter or digit, as the message states', (project) => {
    expect(thrown(() => resolveEndpoint('http://127.0.0.1:9800', project)).code).toBe('InvalidProject');
  });

  it.each(['abc', 'p01', 'a'.repeat(63)])('accepts %s', (project) => {
    expect(resolveEndpoint('http://127.0.0.1:9800', project).hostHeader).toBe(`${project}.127.0.0.1:9800`);
  });
});
