import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/parse/request-record.js';
import { CopyTextEncoder, copyTextField } from '../../../src/sinks/postgres/copy-text.js';
import type { PlannedColumn } from '../../../src/sinks/postgres/existing-table.js';
import { tableLayout } from '../../../src/sinks/postgres/table-layout.js';

const ORIGIN = { project: 'demo', logstore: 'access' };

/** The layout as a created table stores it. */
function created(fields: 'all' | readonly string[]): PlannedColumn[] {
  return tableLayout({ fields }).map((column) => ({ ...column, encoding: column.kind === 'json' ? 'json' : 'text' }));
}

function rows(encoder: CopyTextEncoder, records: readonly RequestRecord[]): string[][] {
  const text = Buffer.concat([...encoder.chunks(records)]).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => line.split('\t'));
}

/** A COPY text field read back as PostgreSQL does; null for \N. */
function unescape(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(.)/g, (_, char: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[char] ?? char);
}

const record: RequestRecord = {
  time: '2026-11-21T10:15:00.123456789Z',
  method: 'GET',
  path: '/a\tb',
  query: { q: ['x\\y', 'line\nbreak'] },
  status: 200,
  request_id: 'r-1',
  note: 'tab\there',
  topic: '',
  source: '10.0.0.1',
  tags: { host: 'web-1' },
  shard: 3,
  cursor: 'MTA=',
  index: 7,
};

describe('copyTextField', () => {
  it('escapes backslash, newline, carriage return and tab, and nothing else', () => {
    expect(copyTextField('plain ☃ 😀 "quoted" \\N')).toBe('plain ☃ 😀 "quoted" \\\\N');
    expect(copyTextField('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
    expect(copyTextField('\\\\\n\n')).toBe('\\\\\\\\\\n\\n');
    expect(copyTextField('')).toBe('');
  });

  it('round-trips every nasty value through PostgreSQL\'s unescaping', () => {
    const nasty = ['\t', '\n', '\r\n', '\\', '\\N', '\\t', 'a\u0001b\u007f', '\u2028\u2029', '😀', 'end\\'];
    for (const value of nasty) {
      const field = copyTextField(value);
      expect(field).not.toMatch(/[\t\n\r]/);
      expect(unescape(field)).toBe(value);
    }
  });
});

describe('CopyTextEncoder', () => {
  it('writes one line per record in the layout\'s column order, NULL for absent keys', () => {
    const fields = ['request_id', 'missing'];
    const encoder = new CopyTextEncoder(created(fields), ORIGIN);
    const [row] = rows(encoder, [record]);
    expect(tableLayout({ fields }).map((column) => column.name)).toEqual([
      'time', 'method', 'path', 'query', 'status', 'request_id', 'missing', 'topic', 'source', 'tags', 'shard', 'cursor', 'index', 'project', 'logstore',
    ]);
    expect(row?.map(unescape)).toEqual([
      '2026-11-21T10:15:00.123456789Z', 'GET', '/a\tb', '{"q":["x\\\\y","line\\nbreak"]}', '200', 'r-1', null, '', '10.0.0.1', '{"host":"web-1"}', '3', 'MTA=', '7', 'demo', 'access',
    ]);
  });

  it('puts the keys without a column of their own into `fields` as one JSON object (fields all)', () => {
    const encoder = new CopyTextEncoder(created('all'), ORIGIN);
    const [first, second] = rows(encoder, [record, JSON.parse('{"time":"2026-11-21T10:15:00Z","note":"a\\"b\\\\c\\n","__proto__":"x","shard":0,"cursor":"MA==","index":0}') as RequestRecord]);
    expect(JSON.parse(unescape(first?.[5] ?? '') ?? '')).toEqual({ request_id: 'r-1', note: 'tab\there' });
    // A key named __proto__ stays an ordinary key of the object, as JSON.parse reads it back.
    expect(JSON.parse(unescape(second?.[5] ?? '') ?? '')).toEqual(JSON.parse('{"note":"a\\"b\\\\c\\n","__proto__":"x"}'));
    const [bare] = rows(encoder, [{ time: '2026-11-21T10:15:00Z', shard: 0, cursor: 'MA==', index: 0 }]);
    expect(bare?.[5]).toBe('\\N');
  });

  it('gives each record the JSON of its own tags, even when records share one tags object', () => {
    const encoder = new CopyTextEncoder(created([]), ORIGIN);
    const shared = { host: 'a' };
    const got = rows(encoder, [{ ...record, tags: shared }, { ...record, tags: shared }, { ...record, tags: { host: 'b' } }, { ...record, tags: undefined }]);
    expect(got.map((row) => row[7])).toEqual(['{"host":"a"}', '{"host":"a"}', '{"host":"b"}', '\\N']);
  });

  it('writes values into an existing table\'s columns as their type reads them: JSON for json/jsonb, text for the rest', () => {
    const columns: PlannedColumn[] = [
      { key: 'status', name: 'status', kind: 'integer', from: 'record', encoding: 'json' },
      { key: 'request_id', name: 'rid', kind: 'text', from: 'record', encoding: 'json' },
      { key: 'query', name: 'query', kind: 'json', from: 'record', encoding: 'text' },
      { key: 'project', name: 'project', kind: 'text', from: 'origin', encoding: 'json' },
    ];
    const [row] = rows(new CopyTextEncoder(columns, ORIGIN), [record]);
    expect(row?.map(unescape)).toEqual(['200', '"r-1"', '{"q":["x\\\\y","line\\nbreak"]}', '"demo"']);
  });

  it('streams a large batch in chunks of whole rows', () => {
    const encoder = new CopyTextEncoder(created('all'), ORIGIN);
    const records = Array.from({ length: 2000 }, (_, index) => ({ ...record, index }));
    const chunks = [...encoder.chunks(records)];
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThan(128 * 1024);
      expect(chunk.at(-1)).toBe(0x0a);
    }
    const all = rows(encoder, records);
    expect(all.map((row) => row[11])).toEqual(records.map((_, index) => String(index)));
  });
});
