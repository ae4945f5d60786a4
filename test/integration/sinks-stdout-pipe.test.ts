// The stdout sink against a real pipe whose reader exits (`sluice run --sink stdout | head -n1`):
// the kernel answers EPIPE, and the sink must fail with OutputClosed instead of crashing.

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/parse/request-record.js';
import { SinkError } from '../../src/sinks/sink-error.js';
import { StdoutSink } from '../../src/sinks/stdout/sink.js';
import { ndjson } from '../helpers/sink-file.js';

const log = pino({ level: 'silent' });

function records(from: number, count: number): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ time: '2026-11-21T10:15:00Z', shard: 0, cursor: 'MTA=', index: from + i }));
}

describe('stdout sink into a pipe', () => {
  it('fails with OutputClosed once the reader (head -n1) has exited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-pipe-'));
    try {
      // A named pipe rather than the child's stdin: ChildProcess destroys its stdin stream when
      // the child exits, which would hide the EPIPE the kernel answers a real `| head`.
      const fifo = join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const head = spawn('sh', ['-c', 'head -n1 < "$0"', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
      let firstLine = '';
      head.stdout.setEncoding('utf8').on('data', (text: string) => (firstLine += text));
      const exited = once(head, 'exit');
      const sink = new StdoutSink({ log, stream: createWriteStream(fifo) });
      await sink.open();
      await sink.write(ndjson(records(0, 3)));
      await exited;
      expect(JSON.parse(firstLine)).toEqual(records(0, 1)[0]);

      const error = await sink.write(ndjson(records(3, 3))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SinkError);
      expect(error).toMatchObject({ code: 'OutputClosed', retryable: false });
      expect((error as SinkError).message).toMatch(/\(EPIPE\)/);
      await sink.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
