// The one table that maps why sluice stopped to the code the process exits with. The README's
// "Exit codes" section shows the same table; scripts and cron wrappers branch on these numbers.
// The values follow sysexits.h where one fits, so they mean the same as in other Unix tools.

import { SlsError, sameCode } from '../sls/errors.js';

export const ExitCode = {
  /** Finished what it was asked to do. */
  Ok: 0,
  /** An unexpected internal error; the message says where (please report it). */
  Internal: 1,
  /** A flag or argument is wrong (commander's usage errors). */
  Usage: 2,
  /** The SLS endpoint could not be reached or kept failing (sysexits EX_UNAVAILABLE). */
  Unavailable: 69,
  /** SLS refused the credentials or their permissions (sysexits EX_NOPERM). */
  NoPermission: 77,
  /** The configuration names something that does not exist or is incomplete (sysexits EX_CONFIG). */
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

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (!(error instanceof SlsError)) return ExitCode.Internal;
  if (PERMISSION_CODES.some((code) => sameCode(error.code, code))) return ExitCode.NoPermission;
  // Before the config codes: a 5xx `BadResponse` is the server failing, not a wrong endpoint.
  if (error.code === 'NetworkError' || error.retryable) return ExitCode.Unavailable;
  if (CONFIG_CODES.some((code) => sameCode(error.code, code))) return ExitCode.Config;
  return ExitCode.Internal;
}
