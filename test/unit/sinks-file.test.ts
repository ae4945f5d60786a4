import { chmod, mkdir, mkdtemp, open, readFile, readdir, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../src/parse/request-record.js';
import type { FileIo } from '../../src/sinks/file/append-file.js';
import { FileSink } from '../../src/sinks/file/sink.js';
import { ioError, realWrite, rejection, tornWrite } from '../helpers/sink-failure.js';
import { ndjson } from '../helpers/sink-file.js';

const log = pino({ level: 'silent' });

function record(index: number, extra: Record<string, unknown> = {}): RequestRecord {
  return {
    time: '2026-11-21T10:15:00.123456789Z',
    method: 'GET',
    path: '/api/items',
    query: { q: ['a b', 'c'] },
    status: 200,
    request_id: `req-${index}`,
    topic: '',
    source: '10.0.0.1',
    tags: { host: 'web-1' },
    shard: 1,
    cursor: 'MTU0NDE3NjY3OTM4NTk0Nzg5NQ==',
    index,
    ...extra,
  };
}

function records(from: number, count: number): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => record(from + i));
}

/** The file's NDJSON lines, parsed; fails unless the file ends with a complete line. */
async function lines(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-file-sink-'));
});
afterEach(async () => {
  await chmod(dir, 0o755);
  await rm(dir, { recursive: true, force: true });
});

describe('file sink: writing', () => {
  it('writes each record as one JSON line, exactly as given', async () => {
    const path = join(dir, 'out.ndjson');
    const sink = new FileSink({ path, log });
    await sink.open();
    const batch = [record(0), record(1, { note: 'line\nbreak "quoted" ☃' }), record(2)];
    await sink.write(ndjson(batch));
    // Read back before close(): the batch is in the file as soon as write() resolves.
    expect(await lines(path)).toEqual(batch);
    await sink.close();
  });

  it('syncs the data (fdatasync) before a write resolves', async () => {
    const path = join(dir, 'out.ndjson');
    const probe = await open(join(dir, 'probe'), 'w');
    const FileHandlePrototype = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const datasync = vi.spyOn(FileHandlePrototype, 'datasync');
    try {
      const sink = new FileSink({ path, log });
      await sink.open();
      await sink.write(ndjson(records(0, 2)));
      await sink.write(ndjson(records(2, 2)));
      expect(datasync).toHaveBeenCalledTimes(2);
      await sink.close();
    } finally {
      datasync.mockRestore();
    }
  });

  it('creates missing directories', async () => {
    const path = join(dir, 'a', 'b', 'out.ndjson');
    const sink = new FileSink({ path, log });
    await sink.open();
    await sink.write(ndjson([record(0)]));
    await sink.close();
    expect(await lines(path)).toEqual([record(0)]);
  });

  it('continues an existing file after a restart instead of replacing it', async () => {
    const path = join(dir, 'out.ndjson');
    const first = new FileSink({ path, log });
    await first.open();
    await first.write(ndjson(records(0, 2)));
    await first.close();
    const second = new FileSink({ path, log });
    await second.open();
    await second.write(ndjson(records(2, 2)));
    await second.close();
    expect(await lines(path)).toEqual(records(0, 4));
  });

  it('writes concurrent batches one after the other, in call order', async () => {
    const path = join(dir, 'out.ndjson');
    const sink = new FileSink({ path, log });
    await sink.open();
    await Promise.all([sink.write(ndjson(records(0, 500))), sink.write(ndjson(records(500, 500))), sink.write(ndjson(records(1000, 500)))]);
    await sink.close();
    expect(await lines(path)).toEqual(records(0, 1500));
  });

  it('accepts an empty batch without touching the file', async () => {
    const path = join(dir, 'out.ndjson');
    const sink = new FileSink({ path, log });
    await sink.open();
    await sink.write(ndjson([]));
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('encodes NDJSON with a clear error for a record that is not JSON, naming the record', async () => {
    const error = await rejection(Promise.resolve().then(() => ndjson([record(0), record(1, { big: 1n })])));
    expect(error).toMatchObject({ code: 'Unencodable', retryable: false });
    expect(error.message).toMatch(/record 1 of the batch/);
  });

  it('does not write a batch whose signal has aborted', async () => {
    const path = join(dir, 'out.ndjson');
    const sink = new FileSink({ path, log });
    await sink.open();
    const error = await rejection(sink.write(ndjson([record(0)]), AbortSignal.abort()));
    expect(error).toMatchObject({ code: 'Aborted', retryable: false });
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });
});

describe('file sink: lifecycle', () => {
  it('closes twice, and without having been opened', async () => {
    const path = join(dir, 'out.ndjson');
    const never = new FileSink({ path, log });
    await never.close();
    await never.close();
    const sink = new FileSink({ path, log });
    await sink.open();
    await Promise.all([sink.close(), sink.close()]);
    await sink.close();
  });

  it('refuses a write before open() and after close()', async () => {
    const sink = new FileSink({ path: join(dir, 'out.ndjson'), log });
    expect(await rejection(sink.write(ndjson([record(0)])))).toMatchObject({ code: 'NotOpen', retryable: false });
    await sink.open();
    await sink.close();
    const error = await rejection(sink.write(ndjson([record(0)])));
    expect(error).toMatchObject({ code: 'Closed', retryable: false });
    expect(error.message).toContain(join(dir, 'out.ndjson'));
    expect(await rejection(sink.open())).toMatchObject({ code: 'Closed' });
  });

  it('finishes a write already asked for before close() completes', async () => {
    const path = join(dir, 'out.ndjson');
    const sink = new FileSink({ path, log });
    await sink.open();
    const written = sink.write(ndjson(records(0, 100)));
    await sink.close();
    await written;
    expect(await lines(path)).toEqual(records(0, 100));
  });
});

describe('file sink: open errors', () => {
  it('names the path and the fix when a part of the path is not a directory', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    const path = join(dir, 'plain', 'out.ndjson');
    const error = await rejection(new FileSink({ path, log }).open());
    expect(error).toMatchObject({ code: 'NotFound', retryable: false });
    expect(error.message).toContain(path);
    expect(error.message).toContain('sink.path');
  });

  it('says when the path is a directory', async () => {
    const error = await rejection(new FileSink({ path: dir, log }).open());
    expect(error).toMatchObject({ code: 'IsADirectory', retryable: false });
    expect(error.message).toContain('sink.path must name a file');
  });

  it('reports PermissionDenied where the file cannot be created', async () => {
    // sysfs refuses new files even to root, so this runs the same as root and as a user.
    const error = await rejection(new FileSink({ path: '/sys/sluice-test.ndjson', log }).open());
    expect(error).toMatchObject({ code: 'PermissionDenied', retryable: false });
    expect(error.message).toBe(
      'permission denied (EACCES) opening /sys/sluice-test.ndjson: give sluice write access to /sys or point sink.path elsewhere',
    );
  });

  it.skipIf(process.getuid?.() === 0)('reports PermissionDenied for a read-only directory (not as root, who may write anyway)', async () => {
    const readonly = join(dir, 'readonly');
    await mkdir(readonly);
    await chmod(readonly, 0o555);
    const error = await rejection(new FileSink({ path: join(readonly, 'out.ndjson'), log }).open());
    expect(error).toMatchObject({ code: 'PermissionDenied', retryable: false });
    expect(error.message).toContain(readonly);
  });
});

describe('file sink: write errors', () => {
  it('reports a full disk as DiskFull, retryable, and unhealthy until a write succeeds', async () => {
    // /dev/full opens like a file and fails every write with ENOSPC; it cannot be truncated
    // (EINVAL), which must not hide the ENOSPC.
    const sink = new FileSink({ path: '/dev/full', log });
    await sink.open();
    expect(sink.health()).toEqual({ ok: true });
    const error = await rejection(sink.write(ndjson([record(0)])));
    expect(error).toMatchObject({ code: 'DiskFull', retryable: true });
    expect(error.message).toBe('disk full (ENOSPC) writing /dev/full: free space or point sink.path elsewhere');
    expect(sink.health()).toEqual({ ok: false, detail: error.message });
    expect(await rejection(sink.write(ndjson([record(1)])))).toMatchObject({ code: 'DiskFull' });
    await sink.close();
  });

  // The kernel does not produce a short write followed by an error on demand, so these tests
  // fail write(2) and ftruncate(2) through the AppendFile seam; every other call is real.
  it('removes the part of a failed batch that reached the file, so a retry leaves no torn line', async () => {
    const path = join(dir, 'out.ndjson');
    let failNext = false;
    const io: Partial<FileIo> = {
      write: async (handle, buffer, offset, length) => {
        if (!failNext) return realWrite(handle, buffer, offset, length);
        if (offset === 0) return realWrite(handle, buffer, 0, Math.ceil(length / 2));
        failNext = false;
        throw ioError('EIO', 'EIO: i/o error, write');
      },
    };
    const sink = new FileSink({ path, log, io });
    await sink.open();
    await sink.write(ndjson(records(0, 3)));
    failNext = true;
    const error = await rejection(sink.write(ndjson(records(3, 3))));
    expect(error).toMatchObject({ code: 'IoError', retryable: true });
    expect(error.message).toContain(path);
    expect(await lines(path)).toEqual(records(0, 3));
    expect(sink.health().ok).toBe(false);
    await sink.write(ndjson(records(3, 3)));
    expect(sink.health()).toEqual({ ok: true });
    await sink.close();
    expect(await lines(path)).toEqual(records(0, 6));
  });

  it('takes a batch in several buffers as one commit: a failure in the last leaves none of them in the file', async () => {
    const path = join(dir, 'out.ndjson');
    const [first, last] = [...ndjson(records(0, 2)), ...ndjson(records(2, 2))] as [Buffer, Buffer];
    let failLast = true;
    const io: Partial<FileIo> = {
      write: async (handle, buffer, offset, length) => {
        if (buffer !== last || !failLast) return realWrite(handle, buffer, offset, length);
        failLast = false;
        throw ioError('EIO', 'EIO: i/o error, write');
      },
    };
    const sink = new FileSink({ path, log, io });
    await sink.open();
    expect(await rejection(sink.write([first, last]))).toMatchObject({ code: 'IoError', retryable: true });
    expect(await readFile(path, 'utf8')).toBe('');
    await sink.write([first, last]);
    await sink.close();
    expect(await lines(path)).toEqual(records(0, 4));
  });

  it('reports the write error, not a failing truncate, and cuts the torn line before the next write', async () => {
    const path = join(dir, 'out.ndjson');
    let failWrites = 0;
    let failTruncates = 0;
    const io: Partial<FileIo> = {
      write: async (handle, buffer, offset, length) => {
        if (failWrites === 0) return realWrite(handle, buffer, offset, length);
        failWrites -= 1;
        return tornWrite(handle, buffer, offset, Math.ceil(length / 2), ioError('ENOSPC', 'ENOSPC: no space left on device, write'));
      },
      truncate: async (handle, length) => {
        if (failTruncates === 0) return handle.truncate(length);
        failTruncates -= 1;
        throw ioError('EIO', 'EIO: i/o error, ftruncate');
      },
    };
    const sink = new FileSink({ path, log, io });
    await sink.open();
    await sink.write(ndjson(records(0, 2)));

    failWrites = 1;
    failTruncates = 2;
    expect(await rejection(sink.write(ndjson(records(2, 2))))).toMatchObject({ code: 'DiskFull', retryable: true });
    // The torn half line is still there; the next write must not append after it.
    const repairFailed = await rejection(sink.write(ndjson(records(2, 2))));
    expect(repairFailed).toMatchObject({ code: 'IoError', retryable: true });
    expect(repairFailed.message).toContain('removing a partial line from');
    await sink.write(ndjson(records(2, 2)));
    await sink.close();
    expect(await lines(path)).toEqual(records(0, 4));
  });

  it('cuts a torn line that stopped a rotation, then rotates', async () => {
    const path = join(dir, 'out.ndjson');
    let fail = true;
    const io: Partial<FileIo> = {
      write: async (handle, buffer, offset, length) => {
        if (!fail) return realWrite(handle, buffer, offset, length);
        return tornWrite(handle, buffer, offset, 7, ioError('EIO'));
      },
      truncate: async (handle, length) => {
        if (!fail) return handle.truncate(length);
        throw ioError('EIO');
      },
    };
    let now = 0;
    const rotating = new FileSink({ path, log, io, rotate: { interval: 1000 }, now: () => now });
    await rotating.open();
    fail = false;
    await rotating.write(ndjson(records(0, 1)));
    fail = true;
    await rejection(rotating.write(ndjson(records(1, 1))));
    now = 5000;
    // The rotation closes the file: it cannot cut the torn line (truncate still fails), so it
    // stops before renaming, and the write fails.
    expect((await rejection(rotating.write(ndjson(records(1, 1))))).message).toContain('removing a partial line from');
    fail = false;
    // Opened again: still due for rotation, the torn line is cut and the full file rotated away.
    await rotating.write(ndjson(records(1, 1)));
    await rotating.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['out.19700101T000005Z.ndjson', 'out.ndjson']);
    expect(await lines(join(dir, 'out.19700101T000005Z.ndjson'))).toEqual(records(0, 1));
    expect(await lines(path)).toEqual(records(1, 1));
  });
});
