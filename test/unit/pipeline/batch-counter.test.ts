// The count feed (the null sink's) against the decoder: as many logs, in the same chunks, for
// any body the decoder reads; for a body that cannot be walked, the one dead letter of parseBatch.

import { describe, expect, it } from 'vitest';
import { NginxLogGenerator } from '../../../src/emulator/generator.js';
import { SeededRandom } from '../../../src/emulator/seeded-random.js';
import { createRequestParser } from '../../../src/parse/request-parser.js';
import { countBatch } from '../../../src/pipeline/batch-counter.js';
import { parseBatch } from '../../../src/pipeline/batch-parser.js';
import type { PulledBatch } from '../../../src/pipeline/pulled-batch.js';
import { encodeLogGroup, encodeLogGroupList } from '../../../src/sls/codec/log-group-encoder.js';
import { decodeLogGroupList } from '../../../src/sls/codec/log-group-list-decoder.js';
import { encodeCursor } from '../../../src/sls/cursor.js';
import { hostileBody } from './batch-transcoder-cases.js';

const parser = createRequestParser({ fields: 'all' });

function batchOf(body: Uint8Array): PulledBatch {
  return { shard: 1, cursor: encodeCursor(1000n), nextCursor: encodeCursor(1100n), logGroupList: body, logGroups: 0, rawSize: body.length };
}

describe('countBatch', () => {
  it('counts the logs of generated nginx bodies in chunks of at most chunkRecords', () => {
    const generator = new NginxLogGenerator({ seed: 3, logsPerSecond: 50 });
    const body = encodeLogGroupList([150, 1, 99].map((logs) => encodeLogGroup(generator.nextGroup(logs))));
    expect(countBatch(batchOf(body), parser, 100)).toEqual({ logs: 250, chunks: [100, 100, 50], dead: [] });
    expect(countBatch(batchOf(body), parser, 1000)).toEqual({ logs: 250, chunks: [250], dead: [] });
    expect(countBatch(batchOf(new Uint8Array(0)), parser, 100)).toEqual({ logs: 0, chunks: [], dead: [] });
  });

  it('counts what the decoder decodes on 500 seeded hostile bodies', () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 500; i++) {
      const body = hostileBody(random);
      expect(countBatch(batchOf(body), parser, 7).logs, `body ${i}`).toBe(decodeLogGroupList(body).length);
    }
  });

  it('gives the dead letter of parseBatch for a body cut short', () => {
    const generator = new NginxLogGenerator({ seed: 4, logsPerSecond: 50 });
    const body = encodeLogGroupList([encodeLogGroup(generator.nextGroup(20))]);
    const cut = batchOf(body.subarray(0, body.length - 2));
    const counted = countBatch(cut, parser, 10);
    expect(counted).toEqual({ logs: 0, chunks: [], dead: parseBatch(cut, parser, 10).dead });
    expect(counted.dead[0]?.reason).toMatch(/could not be decoded, so its logs were skipped/);
  });
});
