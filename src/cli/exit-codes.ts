// The one table that maps why sluice stopped to the code the process exits with. The README's
// "Exit codes" section shows the same table; scripts and cron wrappers branch on these numbers.
// The values follow sysexits.h where one fits, so they mean the same as in other Unix tools.

import { LockHeldError } from '../app/job-lock.js';
import type { RunOutcome } from '../app/run-outcome.js';
import { ConfigError } from '../config/config-error.js';
import { maskSecrets } from '../config/secret-values.js';
import { ListenError } from '../observe/listen-error.js';
import { SinkError } from '../sinks/sink-error.js';
import { SlsError, sameCode } from '../sls/errors.js';
import { ConsumersLiveError } from '../sources/sls/checkpoint-reset.js';
import { AdminUnavailableError } from './ctl.js';

export const ExitCode = {
  /** Finished what it was asked to do. */
  Ok: 0,
  /** An unexpected internal error; the message says where (please report it). */
  Internal: 1,
  /** A flag or argument is wrong (commander's usage errors). */
  Usage: 2,
  /**
   * `--max-runtime` reached: drained cleanly; records not yet pulled are left for the next run,
   * which resumes from the checkpoint. (A drain that then passes its deadline is Interrupted.)
   */
  MaxRuntime: 3,
  /** The SLS endpoint could not be reached or kept failing; `ctl`: the run's admin endpoint could not be reached (sysexits EX_UNAVAILABLE). */
  Unavailable: 69,
  /** Another run of the same job holds its lock (sysexits EX_CANTCREAT); this one did nothing. */
  Locked: 73,
  /**
   * The sink failed in a way retrying cannot cure: permission denied, a database that refuses
   * the credentials or lacks the table (sysexits EX_IOERR). An unavailable sink (disk full,
   * database down) is retried until it recovers or the run is stopped (Interrupted).
   */
  SinkFailed: 74,
  /**
   * Stopped before everything pulled was written: the drain deadline passed or a second signal
   * came (sysexits EX_TEMPFAIL). Only written records were checkpointed: running again resumes.
   */
  Interrupted: 75,
  /**
   * `checkpoints reset` refused: consumers are live in the group (sysexits EX_TEMPFAIL, as
   * Interrupted: running it again once they have stopped, or with --force, is the cure).
   */
  ConsumersLive: 75,
  /** SLS refused the credentials or their permissions (sysexits EX_NOPERM). */
  NoPermission: 77,
  /**
   * The configuration is invalid (the message names the key), names something that does not
   * exist, or an address observe.listen cannot bind (sysexits EX_CONFIG).
   */
  Config: 78,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const PERMISSION_CODES = [
  'SignatureNotMatch',
  'Unauthorized',
  'InvalidAccessKeyId',
  'InvalidAccessKeyId.NotFound',
  'SecurityTokenExpired',
  'ProjectForbidden',
  'MissAccessKeyId',
];
/** Mistakes in what the user configured: a name that does not exist, a malformed endpoint,
 * or an endpoint that answers but is not SLS (`BadResponse` on a non-5xx answer). */
const CONFIG_CODES = [
  'ProjectNotExist',
  'LogStoreNotExist',
  'ShardNotExist',
  'ConsumerGroupNotExist',
  'MissingCredentials',
  'MissingRegion',
  'InvalidEndpoint',
  'InvalidProject',
  'BadResponse',
];

/**
 * A run that did not end cleanly, thrown by `run` and `demo` so that main.ts maps it to its exit
 * code; its message, printed on stderr, has `secrets` masked in a fatal error's message.
 */
export class OutcomeError extends Error {
  override readonly name = 'OutcomeError';
  readonly outcome: RunOutcome;

  constructor(outcome: RunOutcome, secrets: readonly string[]) {
    super(maskSecrets(describeOutcome(outcome), secrets), outcome.error === undefined ? undefined : { cause: outcome.error });
    this.outcome = outcome;
  }
}

function describeOutcome({ reason, error }: RunOutcome): string {
  const resume = 'only records already written were checkpointed, so the next run resumes with the rest';
  if (reason === 'drain-timeout') return `stopped at the drain deadline (pipeline.drainTimeout) before every pulled record was written; ${resume}`;
  if (reason === 'second-signal') return `stopped at once by a second signal; ${resume}`;
  if (reason === 'max-runtime') {
    return '--max-runtime reached: drained cleanly; records not yet pulled are left for the next run, which resumes from the checkpoint';
  }
  if (reason === 'fatal') return error instanceof Error ? error.message : String(error);
  return `the run ended: ${reason}`;
}

/** A command that has printed what failed itself and says which exit code that means (`sluice validate`). */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The exit code for how a run ended: its reason, and for a fatal end, its error. */
export function exitCodeForOutcome(outcome: Pick<RunOutcome, 'reason' | 'error'>): ExitCodeValue {
  switch (outcome.reason) {
    case 'end':
    case 'drained':
      return ExitCode.Ok;
    case 'max-runtime':
      return ExitCode.MaxRuntime;
    case 'drain-timeout':
    case 'second-signal':
      return ExitCode.Interrupted;
    case 'fatal':
      return exitCodeFor(outcome.error);
  }
}

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof OutcomeError) return exitCodeForOutcome(error.outcome);
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof ConsumersLiveError) return ExitCode.ConsumersLive;
  if (error instanceof ConfigError || error instanceof ListenError) return ExitCode.Config;
  if (error instanceof AdminUnavailableError) return ExitCode.Unavailable;
  if (error instanceof LockHeldError) return ExitCode.Locked;
  if (error instanceof SinkError) return ExitCode.SinkFailed;
  if (!(error instanceof SlsError)) return ExitCode.Internal;
  if (PERMISSION_CODES.some((code) => sameCode(error.code, code))) return ExitCode.NoPermission;
  // Before the config codes: a 5xx `BadResponse` is the server failing, not a wrong endpoint.
  if (error.code === 'NetworkError' || error.retryable) return ExitCode.Unavailable;
  if (CONFIG_CODES.some((code) => sameCode(error.code, code))) return ExitCode.Config;
  return ExitCode.Internal;
}
