import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeadLetterFile, type DeadLetterEntry, type RefusedRecordEntry } from '../../src/sinks/dead-letter.js';
import type { FileIo } from '../../src/sinks/file/append-file.js';
import { SinkError } from '../../src/sinks/sink-error.js';
import { ioError, realWrite, tornWrite } from '../helpers/sink-failure.js';

const log = pino({ level: 'silent' });
const NOW = Date.UTC(2026, 10, 21, 10, 15, 0, 250);

function entry(index: number, reason = 'status "abc" is not a number'): DeadLetterEntry {
  return {
    reason,
    position: { shard: 3, cursor: 'MTU0NDE3NjY3OTM4NTk0Nzg5NQ==', index },
    log: {
      time: 1_763_720_100,
      timeNs: 123_456_789,
      topic: 'nginx',
      source: '10.0.0.1',
      tags: { __hostname__: 'web-1' },
      fields: { request_id: `req-${index}`, status: 'abc', request_uri: '/%zz' },
    },
  };
}

async function lines(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-dead-letter-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dead-letter file', () => {
  it('writes one line per entry with the time, reason, position and the log as it arrived', async () => {
    const path = join(dir, 'data', 'dead-letter.ndjson');
    const file = new DeadLetterFile({ path, log, now: () => NOW });
    await file.open();
    await file.write([entry(0), entry(1, 'request_uri cannot be decoded')]);
    // Durable once write() resolves: read back before close().
    expect(await lines(path)).toEqual([
      {
        at: '2026-11-21T10:15:00.250Z',
        reason: 'status "abc" is not a number',
        shard: 3,
        cursor: 'MTU0NDE3NjY3OTM4NTk0Nzg5NQ==',
        index: 0,
        log: entry(0).log,
      },
      {
        at: '2026-11-21T10:15:00.250Z',
        reason: 'request_uri cannot be decoded',
        shard: 3,
        cursor: 'MTU0NDE3NjY3OTM4NTk0Nzg5NQ==',
        index: 1,
        log: entry(1).log,
      },
    ]);
    await file.close();
    await file.close();
  });

  it('writes a record the sink refused with the record in place of the log', async () => {
    const path = join(dir, 'dead-letter.ndjson');
    const file = new DeadLetterFile({ path, log, now: () => NOW });
    const position = { shard: 1, cursor: 'MTU0NDE3NjY3OTM4NTk0Nzg5Ng==', index: 4 };
    const record = { time: '2025-11-21T10:15:00.123456789Z', method: 'GET', path: '/', status: 200, request_id: 'req-4', ...position };
    const refused: RefusedRecordEntry = { reason: 'data rejected by the database (SQLSTATE 22P02): invalid input syntax', position, record };
    await file.open();
    await file.write([entry(0), refused]);
    await file.close();
    const [, line] = await lines(path);
    expect(line).toEqual({ at: '2026-11-21T10:15:00.250Z', reason: refused.reason, shard: 1, cursor: position.cursor, index: 4, record });
    expect(Object.keys(line as object)).toEqual(['at', 'reason', 'shard', 'cursor', 'index', 'record']);
  });

  it('appends to an existing file and keeps concurrent writes whole and in order', async () => {
    const path = join(dir, 'dead-letter.ndjson');
    const first = new DeadLetterFile({ path, log });
    await first.open();
    await first.write([entry(0)]);
    await first.close();
    const second = new DeadLetterFile({ path, log });
    await second.open();
    await Promise.all([second.write([entry(1), entry(2)]), second.write([entry(3)])]);
    await second.close();
    expect((await lines(path)).map((line) => (line as { index: number }).index)).toEqual([0, 1, 2, 3]);
  });

  it('names deadLetter.path in its errors', async () => {
    const full = new DeadLetterFile({ path: '/dev/full', log });
    await full.open();
    const error = await full.write([entry(0)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect(error).toMatchObject({ code: 'DiskFull', retryable: true });
    expect((error as SinkError).message).toBe('disk full (ENOSPC) writing /dev/full: free space or point deadLetter.path elsewhere');
    expect(full.health().ok).toBe(false);
    await full.close();
    const closed = await full.write([entry(0)]).catch((e: unknown) => e);
    expect(closed).toMatchObject({ code: 'Closed', message: expect.stringContaining('dead-letter file /dev/full') });
  });

  // The shared append: a failed write (failed through the seam, as the kernel will not
  // tear a write on demand) is cut back, so the retry's lines are the only copy.
  it('leaves no torn line after a failed write and its retry', async () => {
    const path = join(dir, 'dead-letter.ndjson');
    let fail = false;
    const io: Partial<FileIo> = {
      write: async (handle, buffer, offset, length) => {
        if (!fail) return realWrite(handle, buffer, offset, length);
        fail = false;
        return tornWrite(handle, buffer, offset, 10, ioError('EIO'));
      },
    };
    const file = new DeadLetterFile({ path, log, io });
    await file.open();
    fail = true;
    await expect(file.write([entry(0)])).rejects.toMatchObject({ code: 'IoError', retryable: true });
    await file.write([entry(0)]);
    await file.close();
    expect(await lines(path)).toHaveLength(1);
  });
});
