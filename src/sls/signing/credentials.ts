// Access keys: where they come from, and keeping the secret out of sight. The secret and
// the STS token live in private fields behind getters, so they appear neither in
// JSON.stringify, util.inspect, console.log nor in an object spread of the credentials.

import { inspect } from 'node:util';
import { SlsError } from '../errors.js';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token, sent as `x-acs-security-token`. */
  securityToken?: string;
}

export const ENV_ACCESS_KEY_ID = 'ALIBABA_CLOUD_ACCESS_KEY_ID';
export const ENV_ACCESS_KEY_SECRET = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET';
export const ENV_SECURITY_TOKEN = 'ALIBABA_CLOUD_SECURITY_TOKEN';

const HIDDEN = '<hidden>';
/** Real access key ids have 24 characters; a shorter one shows none of them (its tail would be most of it). */
const SHORTEST_WITH_TAIL = 16;
const TAIL_SHOWN = 4;

/**
 * An access key id as sluice shows it: `****` and its last 4 characters (enough to tell which
 * key is configured, as consoles do), or nothing of it for an id shorter than 16 characters.
 */
export function maskedAccessKeyId(id: string): string {
  return id.length >= SHORTEST_WITH_TAIL ? `****${id.slice(-TAIL_SHOWN)}` : '********';
}

/** Credentials whose secret parts never show when the object is printed or serialized; the id shows masked. */
class HiddenCredentials implements Credentials {
  readonly accessKeyId: string;
  readonly #secret: string;
  readonly #token: string | undefined;

  constructor(accessKeyId: string, secret: string, token: string | undefined) {
    this.accessKeyId = accessKeyId;
    this.#secret = secret;
    this.#token = token;
  }

  get accessKeySecret(): string {
    return this.#secret;
  }

  get securityToken(): string | undefined {
    return this.#token;
  }

  toJSON(): Record<string, string> {
    const shown: Record<string, string> = { accessKeyId: maskedAccessKeyId(this.accessKeyId), accessKeySecret: HIDDEN };
    if (this.#token !== undefined) shown.securityToken = HIDDEN;
    return shown;
  }

  [inspect.custom](): string {
    return `Credentials ${inspect(this.toJSON())}`;
  }
}

/** The same credentials, with the secret and token hidden from printing and serialization. */
export function hideCredentials(credentials: Credentials): Credentials {
  if (credentials instanceof HiddenCredentials) return credentials;
  return new HiddenCredentials(credentials.accessKeyId, credentials.accessKeySecret, present(credentials.securityToken));
}

/**
 * The access key to sign with: the config's when it names one, else the environment's
 * (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, optional
 * `ALIBABA_CLOUD_SECURITY_TOKEN`). The two sources are never mixed: an id from one and a
 * secret (or STS token) from the other would only fail later as a signature mismatch.
 */
export function resolveCredentials(fromConfig?: Partial<Credentials>, env: NodeJS.ProcessEnv = process.env): Credentials {
  const configId = present(fromConfig?.accessKeyId);
  const configSecret = present(fromConfig?.accessKeySecret);
  if (configId !== undefined || configSecret !== undefined) {
    if (configId === undefined) throw missing('the config or flags set the secret but not the access key id');
    if (configSecret === undefined) throw missing('the config or flags set the access key id but not the secret');
    return new HiddenCredentials(configId, configSecret, present(fromConfig?.securityToken));
  }
  const envId = present(env[ENV_ACCESS_KEY_ID]);
  const envSecret = present(env[ENV_ACCESS_KEY_SECRET]);
  if (envId === undefined && envSecret === undefined) throw missing('none is configured');
  if (envId === undefined) throw missing(`${ENV_ACCESS_KEY_SECRET} is set but ${ENV_ACCESS_KEY_ID} is not`);
  if (envSecret === undefined) throw missing(`${ENV_ACCESS_KEY_ID} is set but ${ENV_ACCESS_KEY_SECRET} is not`);
  return new HiddenCredentials(envId, envSecret, present(env[ENV_SECURITY_TOKEN]));
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function missing(why: string): SlsError {
  return new SlsError({
    code: 'MissingCredentials',
    retryable: false,
    message:
      `No complete SLS access key (${why}). Set accessKeyId and accessKeySecret in the config (flags --access-key-id and --access-key-secret), ` +
      `or the environment variables ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET} ` +
      `(plus ${ENV_SECURITY_TOKEN} for STS credentials).`,
  });
}
