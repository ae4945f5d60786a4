// The lock that keeps two runs of the same job from overlapping. Cron starts the next run on
// the clock, whether the last one is still draining or not; two processes with the same
// consumer name in one group are one consumer to SLS, so both would read the same shards and
// each would write what the other wrote. "The same job" is the same endpoint, project,
// logstore, consumer group and consumer: other consumers of a group are meant to run beside
// each other, and other groups are other jobs.
//
// The lock is a file created exclusively (`wx`) that names its holder. A holder that died
// without releasing it (kill -9, a crash, a reboot) leaves the file behind; on the same host a
// pid that no longer exists proves that, and the next run takes the lock over. A holder on
// another host (a lock file on a shared volume) cannot be checked, so it always counts.

import { createHash } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';

/** What makes two runs the same job. */
export interface Job {
  endpoint: string;
  project: string;
  logstore: string;
  consumerGroup: string;
  consumer: string;
}

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  job: Job;
}

/** Another run of the same job holds the lock; the CLI exits 73 (EX_CANTCREAT). */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  readonly code = 'LockHeld';
  readonly path: string;
  readonly holder: LockHolder | undefined;

  constructor(path: string, holder: LockHolder | undefined) {
    super(heldMessage(path, holder));
    this.path = path;
    this.holder = holder;
  }
}

/** The lock file for the `run.lock` setting: `auto` names one after the job in the temp directory; `off` has none. */
export function jobLockPath(setting: string, job: Job): string | undefined {
  if (setting === 'off') return undefined;
  if (setting !== 'auto') return resolve(setting);
  const { endpoint, project, logstore, consumerGroup, consumer } = job;
  const hash = createHash('sha256').update(JSON.stringify([endpoint, project, logstore, consumerGroup, consumer])).digest('hex');
  return join(tmpdir(), `sluice-${hash.slice(0, 16)}.lock`);
}

export class JobLock {
  readonly #path: string;
  readonly #holder: LockHolder;
  readonly #log: Logger;

  private constructor(path: string, holder: LockHolder, log: Logger) {
    this.#path = path;
    this.#holder = holder;
    this.#log = log;
  }

  /**
   * Takes the lock at `path`, taking over one whose holder is gone; rejects with a
   * LockHeldError when a run that may be alive holds it, or a ConfigError when the file
   * cannot be created at all.
   */
  static async take(path: string, job: Job, log: Logger): Promise<JobLock> {
    const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), job };
    // Twice at most: once more after a stale lock was removed, or after its holder released it
    // between our create and our read.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await createLockFile(path, holder)) return new JobLock(path, holder, log);
      const current = await readHolder(path);
      if (current === 'gone') continue;
      if (current === undefined || !isGone(current)) throw new LockHeldError(path, current);
      log.warn(
        { lock: path, holder: current },
        `the lock ${path} was left by a run that is gone (pid ${current.pid}, started ${current.startedAt}): taking it over`,
      );
      // Two runs that find the same stale lock at the same instant could both remove it and
      // one of them the other's new lock; it takes a dead run and two simultaneous starts.
      await unlink(path).catch(unlessMissing);
    }
    throw new LockHeldError(path, undefinedIfGone(await readHolder(path)));
  }

  /** Removes the lock file if it is still this run's. Never throws: the run has ended, whatever happens here. */
  async release(): Promise<void> {
    try {
      const current = await readHolder(this.#path);
      if (current !== 'gone' && current?.pid === this.#holder.pid && current.startedAt === this.#holder.startedAt) await unlink(this.#path);
    } catch (error) {
      this.#log.warn({ err: error, lock: this.#path }, `could not remove the lock ${this.#path}: the next run will find it stale and take it over`);
    }
  }
}

/** Runs `run` holding the job's lock, released however `run` ends; without a lock (`off`), just runs it. */
export async function holdingJobLock<T>(path: string | undefined, job: Job, log: Logger, run: () => Promise<T>): Promise<T> {
  if (path === undefined) return run();
  const lock = await JobLock.take(path, job, log);
  try {
    return await run();
  } finally {
    await lock.release();
  }
}

/** Creates the lock file holding `holder`; false when it exists already. */
async function createLockFile(path: string, holder: LockHolder): Promise<boolean> {
  try {
    await writeFile(path, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new ConfigError([
      {
        key: 'run.lock',
        message: `cannot create the lock file ${path} (${code ?? String(error)}): give a path in a writable directory with --lock, or --lock off`,
      },
    ]);
  }
}

/** The holder the lock file names; 'gone' when there is no file; undefined when it names none (being written, or not sluice's). */
async function readHolder(path: string): Promise<LockHolder | 'gone' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return Number.isSafeInteger(holder.pid) && typeof holder.hostname === 'string' ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder is provably gone: it ran on this host, and its pid no longer exists. */
function isGone(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function undefinedIfGone(holder: LockHolder | 'gone' | undefined): LockHolder | undefined {
  return holder === 'gone' ? undefined : holder;
}

function unlessMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

function heldMessage(path: string, holder: LockHolder | undefined): string {
  const remedy = `wait for it to end, or delete ${path} if you are sure no run of this job is alive`;
  if (holder === undefined) return `another sluice run of this job holds the lock ${path}, which does not say which run (it may be just starting): ${remedy}`;
  const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname} (sluice cannot tell from here whether it is alive)`;
  return `another sluice run of this job holds the lock ${path}: pid ${holder.pid}${where}, running since ${holder.startedAt}; ${remedy}`;
}
