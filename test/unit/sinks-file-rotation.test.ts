import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/parse/request-record.js';
import { rotationStamp } from '../../src/sinks/file/rotation.js';
import { FileSink } from '../../src/sinks/file/sink.js';
import { ndjson } from '../helpers/sink-file.js';

const log = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 10, 21, 10, 15, 0);

function record(index: number): RequestRecord {
  return { time: '2026-11-21T10:15:00Z', request_id: `req-${index}`, shard: 0, cursor: 'MTA=', index };
}

const LINE_BYTES = JSON.stringify(record(10)).length + 1;

function records(from: number, count: number): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => record(from + i));
}

async function lines(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

let dir: string;
let now: number;
const clock = (): number => now;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-rotation-'));
  now = T0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file sink rotation', () => {
  it('stamps rotated names with the UTC time, to the second', () => {
    expect(rotationStamp(T0 + 999)).toBe('20261121T101500Z');
  });

  it('by size: starts a new file before a batch would pass maxBytes, and never splits a batch', async () => {
    const path = join(dir, 'requests.ndjson');
    // Room for 5 lines of these records: a batch of 3 after a batch of 3 goes to a new file.
    const sink = new FileSink({ path, log, now: clock, rotate: { maxBytes: LINE_BYTES * 5 } });
    await sink.open();
    await sink.write(ndjson(records(10, 3)));
    await sink.write(ndjson(records(13, 2)));
    now += 1000;
    await sink.write(ndjson(records(15, 3)));
    now += 1000;
    // Bigger than maxBytes on its own: it goes whole into a file of its own.
    await sink.write(ndjson(records(18, 7)));
    await sink.write(ndjson(records(25, 1)));
    await sink.close();

    expect((await readdir(dir)).sort()).toEqual([
      'requests.20261121T101501Z.ndjson',
      'requests.20261121T101502Z.ndjson',
      'requests.20261121T101502Z.1.ndjson',
      'requests.ndjson',
    ].sort());
    expect(await lines(join(dir, 'requests.20261121T101501Z.ndjson'))).toEqual(records(10, 5));
    expect(await lines(join(dir, 'requests.20261121T101502Z.ndjson'))).toEqual(records(15, 3));
    expect(await lines(join(dir, 'requests.20261121T101502Z.1.ndjson'))).toEqual(records(18, 7));
    expect(await lines(path)).toEqual(records(25, 1));
  });

  it('by interval: starts a new file once the current one has been open that long', async () => {
    const path = join(dir, 'requests.ndjson');
    const sink = new FileSink({ path, log, now: clock, rotate: { interval: 60_000 } });
    await sink.open();
    await sink.write(ndjson(records(0, 2)));
    now = T0 + 59_999;
    await sink.write(ndjson(records(2, 1)));
    expect(await readdir(dir)).toEqual(['requests.ndjson']);
    now = T0 + 60_000;
    await sink.write(ndjson(records(3, 1)));
    now = T0 + 90_000;
    await sink.write(ndjson(records(4, 1)));
    now = T0 + 120_000;
    await sink.write(ndjson(records(5, 1)));
    await sink.close();

    expect((await readdir(dir)).sort()).toEqual(
      ['requests.20261121T101600Z.ndjson', 'requests.20261121T101700Z.ndjson', 'requests.ndjson'].sort(),
    );
    expect(await lines(join(dir, 'requests.20261121T101600Z.ndjson'))).toEqual(records(0, 3));
    expect(await lines(join(dir, 'requests.20261121T101700Z.ndjson'))).toEqual(records(3, 2));
    expect(await lines(path)).toEqual(records(5, 1));
  });

  it('counts the age of a continued file from when this run opened it', async () => {
    const path = join(dir, 'requests.ndjson');
    await writeFile(path, `${JSON.stringify(record(0))}\n`);
    now = T0 + 3_600_000;
    const sink = new FileSink({ path, log, now: clock, rotate: { interval: 60_000, maxBytes: 1 << 20 } });
    await sink.open();
    await sink.write(ndjson(records(1, 1)));
    await sink.close();
    expect(await readdir(dir)).toEqual(['requests.ndjson']);
    expect(await lines(path)).toEqual(records(0, 2));
  });

  it('does not rotate an empty file, however old', async () => {
    const path = join(dir, 'requests.ndjson');
    const sink = new FileSink({ path, log, now: clock, rotate: { interval: 1000 } });
    await sink.open();
    now += 10_000;
    await sink.write(ndjson(records(0, 1)));
    await sink.close();
    expect(await readdir(dir)).toEqual(['requests.ndjson']);
  });

  it('keeps a name without an extension readable', async () => {
    const path = join(dir, 'requests');
    const sink = new FileSink({ path, log, now: clock, rotate: { maxBytes: 1 } });
    await sink.open();
    await sink.write(ndjson(records(0, 1)));
    await sink.write(ndjson(records(1, 1)));
    await sink.close();
    expect((await readdir(dir)).sort()).toEqual(['requests', 'requests.20261121T101500Z']);
  });
});
