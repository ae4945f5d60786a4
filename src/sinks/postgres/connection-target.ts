// Where the sink connects, and how logs and error messages name the database: the connection
// URL with its password masked, or, without a URL, what the PG* environment variables point at.
// Nothing printed by the sink may carry the password, so every message goes through here.
// It loads neither pg nor zod: the flags tell a `postgres://` URL by it before either is needed.

import type { ClientConfig } from 'pg';
import type { PostgresSinkConfig } from './config.js';

/** `postgres://` and `postgresql://`, the two schemes libpq and `pg` take. */
export const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

const MASK = '***';
/** Query parameters that `pg` reads as secrets: the name with its `=`, then the value. */
const SECRET_PARAMETERS = /([?&](?:password|sslpassword)=)([^&#]*)/gi;

/** How the sink and `sluice validate` connect: the URL, else the PG* variables, as `pg` reads them. */
export function connectionOptions(config: Pick<PostgresSinkConfig, 'url' | 'connectTimeout'>): ClientConfig {
  return {
    connectionString: config.url?.trim(),
    connectionTimeoutMillis: config.connectTimeout,
    // What pg_stat_activity shows, unless the URL or PGAPPNAME names the session otherwise.
    fallback_application_name: 'sluice',
  };
}

/** The values of `url`'s secret query parameters (`password`, `sslpassword`), as written. */
export function secretParameterValues(url: string): string[] {
  return [...url.matchAll(SECRET_PARAMETERS)].map(([, , value = '']) => value);
}

/** `postgres://user:secret@host/db` -> `postgres://user:***@host/db`; the rest is kept as written. */
export function maskedUrl(url: string): string {
  const scheme = POSTGRES_URL.exec(url)?.[0];
  if (scheme === undefined) return MASK; // not a URL we take: show nothing of it
  const rest = url.slice(scheme.length);
  // The user info ends at an `@`; the last one, so that a password holding an unencoded `@`,
  // `/` or `?` is still masked whole (a URL with an `@` further on is masked too much, never
  // too little).
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  const authority = colon >= 0 && colon < at ? `${rest.slice(0, colon)}:${MASK}${rest.slice(at)}` : rest;
  return scheme + authority.replace(SECRET_PARAMETERS, `$1${MASK}`);
}

/** The database as messages name it: the masked URL, or the target of the PG* variables. */
export function describeTarget(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (url !== undefined) return maskedUrl(url.trim());
  // The defaults `pg` applies when a variable is not set.
  const user = env.PGUSER ?? env.USER ?? 'postgres';
  const host = env.PGHOST ?? 'localhost';
  const port = env.PGPORT ?? '5432';
  const database = env.PGDATABASE ?? user;
  return `postgres://${user}@${host}:${port}/${database} (from the PG* environment variables)`;
}
