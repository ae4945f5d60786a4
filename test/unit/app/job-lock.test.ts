// The job lock on a real file system: a second run of the same job is refused while the
// first is alive, a lock left by a dead run is taken over, and a run only ever removes its
// own lock.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { JobLock, LockHeldError, jobLockPath, type Job, type LockHolder } from '../../../src/app/job-lock.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { rejectionOf } from '../../helpers/rejection.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const job: Job = { endpoint: 'http://127.0.0.1:9800', project: 'demo', logstore: 'access', consumerGroup: 'g', consumer: 'c' };

/** A logger whose lines the test reads. */
function capturingLog(): { log: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void written.push(line) });
  return { log, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** A pid that existed and is gone now: a process that already exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not start a process to take its pid');
  return pid;
}

function holderFile(name: string, holder: Partial<LockHolder>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ startedAt: '2024-05-01T00:00:00.000Z', job, ...holder }));
  return path;
}

describe('jobLockPath', () => {
  it('names the same file in the temp directory for the same job, and another for another consumer or group', () => {
    const auto = jobLockPath('auto', job);
    expect(dirname(auto!)).toBe(tmpdir());
    expect(jobLockPath('auto', { ...job })).toBe(auto);
    expect(jobLockPath('auto', { ...job, consumer: 'c2' })).not.toBe(auto);
    expect(jobLockPath('auto', { ...job, consumerGroup: 'g2' })).not.toBe(auto);
  });

  it('takes a path as given (absolute), and none for off', () => {
    expect(jobLockPath('/var/lock/sluice.lock', job)).toBe('/var/lock/sluice.lock');
    expect(jobLockPath('off', job)).toBeUndefined();
  });
});

describe('JobLock', () => {
  it('writes who holds it, refuses a second taker while held, and is gone once released', async () => {
    const path = join(dir, 'held.lock');
    const { log } = capturingLog();
    const lock = await JobLock.take(path, job, log);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname(), job });

    const refused = await rejectionOf(JobLock.take(path, job, log), LockHeldError);
    expect(refused.code).toBe('LockHeld');
    expect(refused.holder?.pid).toBe(process.pid);
    expect(refused.message).toContain(`pid ${process.pid}`);
    expect(refused.message).toContain(path);
    expect(refused.message).toMatch(/wait for it to end, or delete .* if you are sure no run of this job is alive/);

    await lock.release();
    expect(existsSync(path)).toBe(false);
    await (await JobLock.take(path, job, log)).release();
  });

  it('takes over a lock whose holder on this host is gone, with a warning', async () => {
    const pid = deadPid();
    const path = holderFile('stale.lock', { pid, hostname: hostname() });
    const { log, lines } = capturingLog();
    const lock = await JobLock.take(path, job, log);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    expect(lines().find((line) => line.level === 40)?.msg).toMatch(new RegExp(`left by a run that is gone \\(pid ${pid},.*taking it over`));
    await lock.release();
  });

  it('counts a lock held on another host, which it cannot check, as held', async () => {
    const path = holderFile('other-host.lock', { pid: deadPid(), hostname: 'another-host' });
    const refused = await rejectionOf(JobLock.take(path, job, capturingLog().log), LockHeldError);
    expect(refused.message).toContain('on host another-host');
  });

  it('counts a lock file that names no holder as held (its run may be writing it)', async () => {
    const path = join(dir, 'empty.lock');
    writeFileSync(path, '');
    const refused = await rejectionOf(JobLock.take(path, job, capturingLog().log), LockHeldError);
    expect(refused.holder).toBeUndefined();
    expect(refused.message).toContain('does not say which run');
  });

  it('does not remove a lock that another run has taken since', async () => {
    const path = join(dir, 'replaced.lock');
    const lock = await JobLock.take(path, job, capturingLog().log);
    writeFileSync(path, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'later', job }));
    await lock.release();
    expect(existsSync(path)).toBe(true);
  });

  it('fails as a config error on run.lock when the file cannot be created', async () => {
    const error = await rejectionOf(JobLock.take(join(dir, 'no-such-dir', 'x.lock'), job, capturingLog().log), ConfigError);
    expect(error.issues).toEqual([{ key: 'run.lock', message: expect.stringMatching(/cannot create the lock file .*x\.lock \(ENOENT\).*--lock off/) }]);
  });
});
