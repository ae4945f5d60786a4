// Spawning the compiled CLI the way a user runs it, and waiting for what it prints.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';

export const CLI_PATH = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
/** What node is given to run the CLI as its bin runs it: the node flags of its shebang, then the script. */
export const CLI_NODE_ARGS: readonly string[] = [...NODE_FLAGS, CLI_PATH];

/** One pino log line from the CLI's stderr. */
export type LogLine = { level?: number; msg?: string } & Record<string, unknown>;

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** The JSON lines of stderr so far (pino's logs), skipping any line that is not JSON. */
  logs: () => LogLine[];
  /** Resolves with the first stdout match of `pattern`; rejects after `timeoutMs` or if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the first log line on stderr that `test` accepts; rejects after `timeoutMs` or if the process exits first. */
  waitForLog(test: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): CliProcess {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], { env: { ...process.env, ...env }, cwd });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const parsed = new LogLines();
  const logs = (): LogLine[] => parsed.update(err);
  const describe = (): string => `stdout: ${out}; stderr: ${err}`;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    waitForOutput(pattern, timeoutMs = 15_000) {
      return waitOn(child, child.stdout, () => out.match(pattern) ?? undefined, `${pattern}`, describe, timeoutMs);
    },
    waitForLog(test, timeoutMs = 15_000) {
      return waitOn(child, child.stderr, () => logs().find(test), `a log line passing ${test.toString()}`, describe, timeoutMs);
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = spawnCli(args, env, cwd);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** The JSON lines of a growing text, parsed once each (a long run logs a lot, and waiters re-read on every chunk). */
class LogLines {
  readonly #lines: LogLine[] = [];
  #parsedUpTo = 0;

  update(text: string): LogLine[] {
    for (let end = text.indexOf('\n', this.#parsedUpTo); end !== -1; end = text.indexOf('\n', this.#parsedUpTo)) {
      const line = text.slice(this.#parsedUpTo, end);
      this.#parsedUpTo = end + 1;
      if (!line.startsWith('{')) continue;
      try {
        this.#lines.push(JSON.parse(line) as LogLine);
      } catch {
        // Not pino's (a stray write): only JSON lines are logs.
      }
    }
    return this.#lines;
  }
}

/** Re-runs `find` on every chunk of `stream` until it returns something, the child exits, or the time is up. */
function waitOn<T>(
  child: ChildProcessWithoutNullStreams,
  stream: Readable,
  find: () => T | undefined,
  what: string,
  describe: () => string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const found = find();
      if (found !== undefined) finish(() => resolve(found));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms; ${describe()}`))), timeoutMs);
    // 'close', not 'exit': the last output may still be in the pipe when the process exits.
    const onClose = (): void => {
      check();
      finish(() => reject(new Error(`exited before printing ${what}; ${describe()}`)));
    };
    let done = false;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.off('data', check);
      child.off('close', onClose);
      settle();
    };
    stream.on('data', check);
    child.once('close', onClose);
    check();
    if (stream.readableEnded) onClose();
  });
}

/** The exit code (or signal), or a rejection that shows the output when the process is still running after `timeoutMs`. */
export function exitWithin(cli: CliProcess, timeoutMs: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms later; stderr: ${cli.stderr()}`)), timeoutMs);
  });
  return Promise.race([cli.exited, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs the CLI to completion under a pseudo-terminal (util-linux `script`), as a user at a
 * terminal runs it: stdout and stderr are one TTY, so `output` holds both as the terminal got
 * them, colours, carriage returns and all. `script -e` exits with the CLI's exit code.
 */
export async function runCliInTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ code: number | string; output: string }> {
  const command = [process.execPath, ...CLI_NODE_ARGS, ...args].map(shellQuoted).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code: code ?? signal ?? 'unknown', output };
}

function shellQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
