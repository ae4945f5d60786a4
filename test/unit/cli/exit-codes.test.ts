import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../../src/cli/exit-codes.js';
import { SlsError, networkError } from '../../../src/sls/errors.js';

const answer = (status: number, code: string): SlsError => new SlsError({ status, code, message: code });

describe('exitCodeFor', () => {
  it.each([
    ['a wrong secret', answer(401, 'SignatureNotMatch'), ExitCode.NoPermission],
    ['an unknown key', answer(401, 'InvalidAccessKeyId.NotFound'), ExitCode.NoPermission],
    ['an expired STS token', answer(401, 'SecurityToken.Expired'), ExitCode.NoPermission],
    ['an unknown logstore', answer(404, 'LogStoreNotExist'), ExitCode.Config],
    ['an unknown project (old spelling)', answer(404, 'ProjectNotExists'), ExitCode.Config],
    ['no access key', new SlsError({ code: 'MissingCredentials', message: 'm' }), ExitCode.Config],
    ['an endpoint that is not SLS', new SlsError({ code: 'BadResponse', status: 404, message: 'm' }), ExitCode.Config],
    ['a 5xx page from a proxy', new SlsError({ code: 'BadResponse', status: 502, message: 'm' }), ExitCode.Unavailable],
    ['a refused connection', networkError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'ListShards'), ExitCode.Unavailable],
    ['a busy server', answer(503, 'ServerBusy'), ExitCode.Unavailable],
    ['throttling', answer(403, 'ShardReadQuotaExceed'), ExitCode.Unavailable],
    ['a plain bug', new TypeError('x is undefined'), ExitCode.Internal],
  ])('%s', (_what, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});
