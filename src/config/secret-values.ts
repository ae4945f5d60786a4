// The secret values a configuration holds or reads (access keys, the STS token, a database
// password), for the few outputs that show text sluice does not write itself, such as an
// error's message in `--summary`: masked there, they cannot leak even when a library puts
// a credential in a message.

import { secretParameterValues } from '../sinks/postgres/connection-target.js';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN } from '../sls/signing/credentials.js';
import type { SluiceConfig } from './schema.js';

const MASKED = '[redacted]';

/** Every secret `config` holds or would read from `env`, longest first (one that contains another is masked whole). */
export function secretValues(config: SluiceConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const { accessKeyId, accessKeySecret, securityToken } = config.source;
  const values = [
    accessKeyId ?? env[ENV_ACCESS_KEY_ID],
    accessKeySecret ?? env[ENV_ACCESS_KEY_SECRET],
    securityToken ?? env[ENV_SECURITY_TOKEN],
    env.PGPASSWORD,
    ...(config.sink.type === 'postgres' ? urlPasswords(config.sink.url) : []),
  ];
  return values.filter((value): value is string => value !== undefined && value !== '').sort((a, b) => b.length - a.length);
}

/** `text` with every one of `secrets` replaced by MASKED. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((masked, secret) => masked.replaceAll(secret, MASKED), text);
}

/** The secrets of a connection URL, as written and decoded: its password and its `password` and `sslpassword` parameters. */
function urlPasswords(url: string | undefined): string[] {
  if (url === undefined) return [];
  const written = url.trim();
  // Decoded the way `pg` reads a parameter: as URLSearchParams does.
  const parameters = secretParameterValues(written).flatMap((value) => [value, new URLSearchParams(`v=${value}`).get('v') ?? '']);
  return [...userInfoPasswords(written), ...parameters];
}

function userInfoPasswords(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
