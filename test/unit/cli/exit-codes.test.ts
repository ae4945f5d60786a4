import { describe, expect, it } from 'vitest';
import { LockHeldError } from '../../../src/app/job-lock.js';
import type { RunOutcome, RunStats } from '../../../src/app/run-outcome.js';
import { AdminUnavailableError } from '../../../src/cli/ctl.js';
import { ExitCode, exitCodeFor, exitCodeForOutcome, OutcomeError, ReportedFailure } from '../../../src/cli/exit-codes.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { ListenError } from '../../../src/observe/listen-error.js';
import { SinkError } from '../../../src/sinks/sink-error.js';
import { SlsError, networkError } from '../../../src/sls/errors.js';
import { ConsumersLiveError } from '../../../src/sources/sls/checkpoint-reset.js';

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
    ['a config the schema refuses', new ConfigError([{ key: 'pipeline.workers', message: 'expected a whole number' }]), ExitCode.Config],
    ['a sink that gave up', new SinkError({ code: 'DiskFull', retryable: true, message: 'disk full' }), ExitCode.SinkFailed],
    ['a checkpoint reset refused for live consumers', new ConsumersLiveError('g', [{ consumer: 'c', shards: [0] }], 30), 75],
    ['validate, whose first failure was the credentials', new ReportedFailure('validation failed: sls', ExitCode.NoPermission), ExitCode.NoPermission],
    ['another run of the job holding the lock', new LockHeldError('/tmp/x.lock', undefined), ExitCode.Locked],
    ['a --listen port already taken', new ListenError({ host: '127.0.0.1', port: 9464 }, Object.assign(new Error('in use'), { code: 'EADDRINUSE' })), ExitCode.Config],
    ['sluice ctl finding no run to call', new AdminUnavailableError('cannot reach the admin endpoint'), ExitCode.Unavailable],
  ])('%s', (_what, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});

describe('exitCodeForOutcome', () => {
  const stats = {} as RunStats;
  const outcome = (reason: RunOutcome['reason'], error?: unknown): RunOutcome => ({ reason, stats, ...(error === undefined ? {} : { error }) });

  it.each([
    ['the end of an --until run', outcome('end'), ExitCode.Ok],
    ['a clean drain', outcome('drained'), ExitCode.Ok],
    ['the max runtime, drained', outcome('max-runtime'), ExitCode.MaxRuntime],
    ['the lock held by another run', outcome('fatal', new LockHeldError('/tmp/x.lock', undefined)), ExitCode.Locked],
    ['the drain deadline', outcome('drain-timeout'), ExitCode.Interrupted],
    ['a second signal', outcome('second-signal'), ExitCode.Interrupted],
    ['a sink failure', outcome('fatal', new SinkError({ code: 'PermissionDenied', retryable: false, message: 'm' })), ExitCode.SinkFailed],
    ['credentials refused mid-run', outcome('fatal', answer(401, 'SignatureNotMatch')), ExitCode.NoPermission],
    ['the logstore deleted mid-run', outcome('fatal', answer(404, 'LogStoreNotExist')), ExitCode.Config],
    ['SLS failing for too long', outcome('fatal', answer(503, 'ServerBusy')), ExitCode.Unavailable],
    ['a bug', outcome('fatal', new TypeError('oops')), ExitCode.Internal],
  ])('%s', (_what, ended, code) => {
    expect(exitCodeForOutcome(ended)).toBe(code);
    // What main.ts sees when `run` throws the outcome: the same code.
    expect(exitCodeFor(new OutcomeError(ended, []))).toBe(code);
  });

  it('says, for an interrupted run, that the next run resumes; for a fatal one, what failed', () => {
    expect(new OutcomeError(outcome('drain-timeout'), []).message).toMatch(/drain deadline.*next run resumes/);
    expect(new OutcomeError(outcome('max-runtime'), []).message).toMatch(/--max-runtime reached: drained cleanly.*left for the next run/);
    expect(new OutcomeError(outcome('fatal', new SinkError({ code: 'DiskFull', retryable: true, message: 'disk full writing x' })), []).message).toBe(
      'disk full writing x',
    );
  });

  it("masks the secrets in a fatal error's message, which main.ts prints on stderr", () => {
    const error = new SinkError({ code: 'PermissionDenied', retryable: false, message: 'refused for user LTAIkey with s3cret-pw at db' });
    expect(new OutcomeError(outcome('fatal', error), ['s3cret-pw', 'LTAIkey']).message).toBe('refused for user [redacted] with [redacted] at db');
  });
});
