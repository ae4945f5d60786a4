import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../../../src/sls/http/response-error.js';

function answer(status: number, body: string, headers: Record<string, string> = {}) {
  return { status, headers, body: Buffer.from(body) };
}

describe('errorFromResponse', () => {
  it('masks the access key id where the server repeats it', () => {
    const id = 'LTAI5tQx7wKcYp3nB9mR7Q2Z';
    const error = errorFromResponse(answer(401, JSON.stringify({ errorCode: 'InvalidAccessKeyId', errorMessage: `AccessKeyId not found: ${id}` })), 'ListShards nginx', id);
    expect(error.message).not.toContain(id);
    expect(error.message).toContain('AccessKeyId not found: ****7Q2Z');
  });

  it('carries the server code, status, request id and message, and says what to do', () => {
    const error = errorFromResponse(
      answer(401, '{"errorCode":"SignatureNotMatch","errorMessage":"signature mismatch"}', { 'x-log-requestid': '5AEECE6B1FFC0366B2553FB5' }),
      'ListShards nginx',
    );
    expect([error.code, error.status, error.requestId, error.retryable]).toEqual(['SignatureNotMatch', 401, '5AEECE6B1FFC0366B2553FB5', false]);
    expect(error.message).toBe(
      'ListShards nginx: HTTP 401, request id 5AEECE6B1FFC0366B2553FB5, SignatureNotMatch: signature mismatch ' +
        '(check the access key secret, and the region for v4 signatures)',
    );
  });

  it('normalizes misspelled codes and keeps the retry verdict of the code', () => {
    expect(errorFromResponse(answer(404, '{"errorCode":"ConsumerNotExsit","errorMessage":"x"}'), 'w').code).toBe('ConsumerNotExist');
    const quota = errorFromResponse(answer(403, '{"errorCode":"ShardReadQuotaExceed","errorMessage":"slow down"}'), 'w');
    expect([quota.retryable, quota.throttled]).toEqual([true, true]);
  });

  it('turns a body that is not an SLS error into BadResponse, retryable for 5xx only', () => {
    const gateway = errorFromResponse(answer(502, '<html><body>Bad Gateway</body></html>'), 'PullLogs x/0');
    expect([gateway.code, gateway.status, gateway.retryable]).toEqual(['BadResponse', 502, true]);
    expect(gateway.message).toContain('a body that is not an SLS error: <html><body>Bad Gateway</body></html>');
    const forbidden = errorFromResponse(answer(403, ''), 'PullLogs x/0');
    expect([forbidden.code, forbidden.retryable]).toEqual(['BadResponse', false]);
    expect(forbidden.message).toContain('an empty body');
  });

  it.each([
    ['InvalidAccessKeyId.NotFound', 401, 'check the access key id'],
    ['SecurityTokenExpired', 401, 'the STS token has expired'],
    ['SecurityToken.Expired', 401, 'the STS token has expired'],
    ['ShardNotExist', 400, 'sluice shards'],
  ])('says what to do about %s', (code, status, advice) => {
    const error = errorFromResponse(answer(status, JSON.stringify({ errorCode: code, errorMessage: 'm' })), 'PullLogs nginx/7');
    expect(error.message).toContain(advice);
  });

  it('says what to check when the answer is not from SLS at all (a wrong endpoint, a proxy page)', () => {
    const error = errorFromResponse(answer(404, '<html><body>Not Found</body></html>'), 'ListShards nginx');
    expect(error.message).toBe(
      'ListShards nginx: HTTP 404, with a body that is not an SLS error: <html><body>Not Found</body></html> ' +
        '(check that the endpoint is an SLS endpoint, and any proxy on the way)',
    );
  });

  it('keeps a long or binary body out of the message but for a printable start', () => {
    const error = errorFromResponse(answer(500, `\u0000\u0001${'y'.repeat(1000)}`), 'w');
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).not.toContain('\u0000');
  });
});
