// sluice's logger: pino, one JSON object per line on stderr (stdout belongs to data: the
// stdout sink writes NDJSON there for jq), or lines for a person on a terminal (pretty.ts). Writes are synchronous, so the last lines before
// the CLI exits are never lost.

import { pino, type Level, type Logger } from 'pino';
import { prettyLines, type PrettyOptions } from './pretty.js';

/** Where log lines go: anything with write(); stderr by default, or the progress line's pass-through. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level: Level | 'silent';
  destination?: LogDestination;
  /** Lines formatted for a person (a terminal) instead of JSON; see pretty.ts. */
  pretty?: PrettyOptions;
}

/**
 * Key names that hold secrets, censored wherever they appear at the top or one level down:
 * the access key, and a database's password (as `pg` and its URL parameters name it, and
 * the PostgreSQL sink's `url`, which may hold one). The code never logs them (messages name
 * the database by its masked URL); this catches the day someone logs a whole config object.
 */
const SECRET_KEYS = ['accessKeyId', 'accessKeySecret', 'securityToken', 'password', 'sslpassword', 'connectionString'];
const REDACT_PATHS = [...SECRET_KEYS, 'sink.url'].flatMap((key) => [key, `*.${key}`]);

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  return pino(
    {
      name: 'sluice',
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.pretty === undefined ? destination : prettyLines(destination, options.pretty),
  );
}
