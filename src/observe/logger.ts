// sluice's logger: pino, one JSON object per line on stderr (stdout belongs to data: the
// stdout sink writes NDJSON there for jq), or lines for a person on a terminal when the
// destination is pretty.ts's. Writes are synchronous, so the last lines before the CLI exits
// are never lost.

import { pino, type Level, type Logger } from 'pino';

/** Where log lines go: anything with write(); stderr by default, or pretty.ts's lines for a person above the progress line. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level: Level | 'silent';
  destination?: LogDestination;
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
    destination,
  );
}
