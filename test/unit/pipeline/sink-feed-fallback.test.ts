// Bad data never ends a run: should the NDJSON transcoder itself fail on a batch (a bug of its
// own; bad data becomes dead letters), the batch is written the reference way instead, the
// same lines parsing each log and JSON.stringify give.

import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import type { DeadLetterEntry } from '../../../src/pipeline/dead-letter.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import type { SinkTarget } from '../../../src/sinks/sink.js';
import { ControlledTarget, group, pulled } from './doubles.js';

vi.mock('../../../src/pipeline/batch-transcoder.js', () => ({
  createNdjsonTranscoder: () => ({
    transcode: () => {
      throw new Error('a transcoder bug (test double)');
    },
  }),
}));

function pipelineInto(sink: SinkTarget): Pipeline {
  return new Pipeline({
    sink,
    deadLetter: new ControlledTarget<DeadLetterEntry>(),
    parse: { fields: 'all' },
    workers: 2,
    queueCapacity: 10_000,
    batch: { maxRecords: 10_000, maxBytes: 100_000_000, lingerMs: 60_000 },
    chunkRecords: 4,
    log: pino({ level: 'silent' }),
  });
}

describe('the NDJSON feed when its transcoder fails', () => {
  it('writes the batch by parsing each log: the same lines, the watermark moved', async () => {
    const records = new ControlledTarget<RequestRecord>();
    const written: Buffer[] = [];
    const ndjsonSink: SinkTarget = { input: 'ndjson', write: async (lines) => void written.push(...lines) };
    const batch = pulled(1, 5n, [group('a', 6), group('b', 3)]);
    const reference = pipelineInto(records);
    const pipeline = pipelineInto(ndjsonSink);
    reference.accept(batch);
    expect(() => pipeline.accept(batch)).not.toThrow();
    await Promise.all([reference.drain(), pipeline.drain()]);
    expect(Buffer.concat(written).toString()).toBe(records.written.map((record) => `${JSON.stringify(record)}\n`).join(''));
    expect(pipeline.watermark(1)).toBe(batch.nextCursor);
  });
});
