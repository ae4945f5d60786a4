import { describe, expect, it } from 'vitest';
import { CorruptDataError, SlsError, networkError, normalizeCode, sameCode } from '../../../src/sls/errors.js';

describe('SlsError verdicts (§4.3)', () => {
  it.each([
    [500, 'InternalServerError', true],
    [503, 'ServerBusy', true],
    [502, 'BadGateway', true],
    [403, 'ShardReadQuotaExceed', true],
    [403, 'ReadQuotaExceed', true],
    [403, 'WriteQuotaExceed', true],
    [429, 'TooManyRequests', true],
    [400, 'InvalidCursor', false],
    [401, 'SignatureNotMatch', false],
    [404, 'LogStoreNotExist', false],
    [400, 'ParameterInvalid', false],
    [403, 'ProjectForbidden', false],
  ])('status %i %s is retryable: %s', (status, code, retryable) => {
    expect(new SlsError({ status, code, message: 'm' }).retryable).toBe(retryable);
  });

  it('marks quota errors as throttled and others not', () => {
    expect(new SlsError({ status: 403, code: 'ShardReadQuotaExceed', message: 'm' }).throttled).toBe(true);
    expect(new SlsError({ status: 503, code: 'ServerBusy', message: 'm' }).throttled).toBe(false);
  });

  it('accepts the SDKs misspelled codes as the documented ones', () => {
    expect(normalizeCode('ConsumerNotExsit')).toBe('ConsumerNotExist');
    expect(normalizeCode('ShardNotExsit')).toBe('ShardNotExist');
    expect(new SlsError({ status: 404, code: 'consumernotexsit', message: 'm' }).code).toBe('ConsumerNotExist');
    expect(sameCode('SHARDNOTEXSIT', 'ShardNotExist')).toBe(true);
    expect(sameCode('RequestTimeTooSkewed', 'RequestTimeExpired')).toBe(true);
    expect(sameCode('ShardNotExist', 'ConsumerNotExist')).toBe(false);
  });

  it('retries resets and refusals but not an unknown host', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
    expect(networkError(reset, 'PullLogs').retryable).toBe(true);
    expect(networkError(unknownHost, 'PullLogs').retryable).toBe(false);
    expect(networkError(unknownHost, 'PullLogs').message).toContain('ENOTFOUND');
  });

  it('says what to check when the endpoint does not resolve or nothing listens there', () => {
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND demo.sls-emulator'), { code: 'ENOTFOUND' });
    expect(networkError(unknownHost, 'ListShards access').message).toBe(
      'ListShards access: getaddrinfo ENOTFOUND demo.sls-emulator (ENOTFOUND; the host name does not resolve: check the endpoint. ' +
        'A DNS name is dialled as <project>.<endpoint>; an IP address or localhost is dialled as is)',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9800'), { code: 'ECONNREFUSED' });
    expect(networkError(refused, 'ListShards access').message).toBe(
      'ListShards access: connect ECONNREFUSED 127.0.0.1:9800 (ECONNREFUSED; nothing accepts connections there: ' +
        "check the endpoint's host and port, and that SLS or the emulator is running there)",
    );
  });

  it('treats corrupt data as retryable and keeps the offset', () => {
    const error = new CorruptDataError('truncated varint', 17);
    expect(error).toBeInstanceOf(SlsError);
    expect(error).toMatchObject({ code: 'CorruptResponse', retryable: true, offset: 17 });
  });
});
