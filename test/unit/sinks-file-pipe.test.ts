// The append file on a FIFO or a device. A FIFO nobody reads must never hold the process: its
// write can be aborted and close() returns at once (a write blocked in a threadpool thread
// used to keep `sluice run` from exiting after its drain deadline). A FIFO that is read gets
// every byte, and devices, which cannot be synced, are written without fdatasync.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendFile } from '../../src/sinks/file/append-file.js';
import { rejection } from '../helpers/sink-failure.js';

const log = pino({ level: 'silent' });
/** Far beyond a pipe's 64 KiB buffer: a write of it cannot finish unless someone reads. */
const BIG = Buffer.alloc(4 << 20, 'x\n');

let dir: string;
const fds: number[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-pipe-'));
});
afterEach(async () => {
  for (const fd of fds.splice(0)) closeSync(fd);
  await rm(dir, { recursive: true, force: true });
});

function fifo(): string {
  const path = join(dir, 'out.fifo');
  execFileSync('mkfifo', [path]);
  return path;
}

/** Opens the FIFO's read end without blocking; the test closes it, or afterEach does. */
function readEnd(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  fds.push(fd);
  return fd;
}

function appendFile(path: string): AppendFile {
  return new AppendFile({ path, log, what: 'file sink', setting: 'sink.path' });
}

/** Whether a byte has reached the read end (EAGAIN: nothing yet). */
function byteArrived(fd: number): boolean {
  try {
    return readSync(fd, Buffer.alloc(1)) > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
    throw error;
  }
}

/** Everything written into the FIFO until its last writer closes it. */
function drain(fd: number): Promise<string> {
  fds.splice(fds.indexOf(fd), 1); // the socket owns the fd now
  const reader = new Socket({ fd, readable: true, writable: false });
  const chunks: Buffer[] = [];
  reader.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    reader.on('end', () => resolve(Buffer.concat(chunks).toString()));
    reader.on('error', reject);
  });
}

describe('append file: a FIFO', () => {
  it('aborts a write the reader never takes, and closes at once', async () => {
    const path = fifo();
    const reader = readEnd(path);
    const file = appendFile(path);
    await file.open();
    const controller = new AbortController();
    let settled = false;
    const write = file.append([BIG], controller.signal).finally(() => {
      settled = true;
    });
    // The write has begun (a byte arrived) and cannot finish: nobody reads the other 4 MB.
    await expect.poll(() => byteArrived(reader), { timeout: 5000, interval: 10 }).toBe(true);
    expect(settled).toBe(false);
    controller.abort(new Error('drain deadline'));
    expect(await rejection(write)).toMatchObject({ code: 'Aborted', retryable: false });
    // Within the test's timeout: close() does not wait for the bytes nobody reads.
    await file.close();
  });

  it('delivers every byte to a reader, a write resolving once the pipe has taken it', async () => {
    const path = fifo();
    const received = drain(readEnd(path));
    const file = appendFile(path);
    await file.open();
    await file.append([Buffer.from('{"a":1}\n')]);
    await file.append([BIG]);
    await file.append([Buffer.from('{"a":2}\n')]);
    await file.close();
    expect(await received).toBe(`{"a":1}\n${BIG.toString()}{"a":2}\n`);
  });

  it('reports NoReader, without waiting, when nobody has the FIFO open for reading', async () => {
    const path = fifo();
    const error = await rejection(appendFile(path).open());
    expect(error).toMatchObject({ code: 'NoReader', retryable: true });
    expect(error.message).toBe(
      `no process is reading the pipe (ENXIO) opening ${path}: start the program that reads ${path} or point sink.path elsewhere`,
    );
  });

  it('reports NoReader when the reader goes away, and writes again to the next reader', async () => {
    const path = fifo();
    const first = readEnd(path);
    const file = appendFile(path);
    await file.open();
    const write = file.append([BIG]);
    await expect.poll(() => byteArrived(first), { timeout: 5000, interval: 10 }).toBe(true);
    closeSync(fds.splice(fds.indexOf(first), 1)[0] as number);
    expect(await rejection(write)).toMatchObject({ code: 'NoReader', retryable: true });
    expect(file.health().ok).toBe(false);

    const received = drain(readEnd(path));
    await file.append([Buffer.from('{"a":1}\n')]);
    expect(file.health()).toEqual({ ok: true });
    await file.close();
    expect(await received).toBe('{"a":1}\n');
  });
});

describe('append file: a device', () => {
  it('writes to /dev/null, which cannot be synced (fdatasync fails with EINVAL there)', async () => {
    const file = appendFile('/dev/null');
    await file.open();
    await file.append([Buffer.from('{"a":1}\n')]);
    expect(file.health()).toEqual({ ok: true });
    await file.close();
  });
});
