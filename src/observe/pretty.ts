// Log lines for a person at a terminal: `[12:00:01.234] INFO: drained and stopped {"records":...}`
// instead of pino's JSON, coloured unless NO_COLOR is set. Only on a TTY: files, pipes and
// journald keep the JSON, which is what tools read. pino-pretty's formatter runs in this
// thread, line by line, so a line is written before the next one is logged, in order with
// the progress line, and the last lines before an exit are never lost (no worker transport).
// The CLI imports this module only for a terminal: pino-pretty takes a twentieth of a second
// to load.

import { prettyFactory } from 'pino-pretty';
import type { LogDestination } from './logger.js';

export interface PrettyOptions {
  colorize: boolean;
}

/** A destination that writes each of pino's JSON lines to `destination` formatted for a person. */
export function prettyLines(destination: LogDestination, options: PrettyOptions): LogDestination {
  const format = prettyFactory({
    colorize: options.colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The same on every line of a run: noise on a terminal.
    ignore: 'pid,hostname,name',
  });
  return { write: (line: string) => destination.write(format(line)) };
}

/** Whether a terminal's output may be coloured: the NO_COLOR convention (https://no-color.org). */
export function colorAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}
