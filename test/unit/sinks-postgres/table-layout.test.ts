import { describe, expect, it } from 'vitest';
import { matchTable, type TableColumn } from '../../../src/sinks/postgres/existing-table.js';
import { tableLayout, type LayoutColumn } from '../../../src/sinks/postgres/table-layout.js';
import { SinkError } from '../../../src/sinks/sink-error.js';

const TABLE = '"public"."requests"';

function failure(run: () => unknown): SinkError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SinkError);
    return error as SinkError;
  }
  throw new Error('expected a SinkError, but nothing was thrown');
}

function column(name: string, type: string, more: Partial<TableColumn> = {}): TableColumn {
  return { name, type, nullable: true, hasDefault: false, ...more };
}

/** The columns of the table sluice would create for `layout`, as information_schema shows them. */
function createdColumns(layout: readonly LayoutColumn[]): TableColumn[] {
  const types = { time: 'timestamptz', text: 'text', integer: 'int4', json: 'jsonb' } as const;
  return layout.map((entry) => column(entry.name, types[entry.kind]));
}

describe('tableLayout', () => {
  it('with fields all: the standard columns, one jsonb `fields` for the kept keys, the position and the origin', () => {
    expect(tableLayout({ fields: 'all' }).map(({ name, kind, from }) => `${name} ${kind} ${from}`)).toEqual([
      'time time record', 'method text record', 'path text record', 'query json record', 'status integer record', 'fields json extras',
      'topic text record', 'source text record', 'tags json record', 'shard integer record', 'cursor text record', 'index integer record',
      'project text origin', 'logstore text origin',
    ]);
  });

  it('with a field list: one text column per kept field, in order, without repeats or standard keys', () => {
    const names = tableLayout({ fields: ['request_id', 'status', 'host', 'request_id'] }).map((entry) => entry.name);
    expect(names).toEqual(['time', 'method', 'path', 'query', 'status', 'request_id', 'host', 'topic', 'source', 'tags', 'shard', 'cursor', 'index', 'project', 'logstore']);
  });

  it('renames columns with sink.columns, and with fields all gives a named key a column of its own', () => {
    const layout = tableLayout({ fields: 'all', columns: { time: 'logged_at', request_id: 'req_id', fields: 'extra' } });
    expect(layout.find((entry) => entry.key === 'time')?.name).toBe('logged_at');
    expect(layout.find((entry) => entry.key === 'request_id')).toEqual({ key: 'request_id', name: 'req_id', kind: 'text', from: 'record' });
    expect(layout.find((entry) => entry.from === 'extras')?.name).toBe('extra');
  });

  it('refuses names that collide or that PostgreSQL would cut short', () => {
    expect(failure(() => tableLayout({ fields: ['project'] })).message).toMatch(/parse.fields keeps "project", the name of a column sluice fills itself/);
    expect(failure(() => tableLayout({ fields: 'all', columns: { method: 'path' } })).message).toMatch(/"method" and "path" would both go to column "path"/);
    expect(failure(() => tableLayout({ fields: ['a'], columns: { b: 'bee' } })).message).toMatch(/sink.columns names "b", which records do not have/);
    expect(failure(() => tableLayout({ fields: ['x'.repeat(64)] })).code).toBe('InvalidConfig');
  });
});

describe('matchTable', () => {
  const layout = tableLayout({ fields: ['request_id', 'body_bytes_sent'] });

  it('takes a table with the created layout as it is, json types as JSON', () => {
    const match = matchTable(TABLE, layout, createdColumns(layout), true);
    expect(match.dropped).toEqual([]);
    expect(match.columns.map((entry) => `${entry.name}:${entry.encoding}`)).toContain('query:json');
    expect(match.columns).toHaveLength(layout.length);
  });

  it('maps keys to columns of other compatible types, and drops the keys the table has no column for', () => {
    const existing = [
      column('time', 'timestamp'), column('status', 'int2'), column('body_bytes_sent', 'int8'), column('query', 'text'), column('tags', 'json'),
      column('shard', 'int8'), column('cursor', 'varchar'), column('index', 'numeric'), column('id', 'int8', { nullable: false, hasDefault: true }),
    ];
    const match = matchTable(TABLE, layout, existing, false);
    expect(match.columns.map((entry) => `${entry.key}->${entry.name}:${entry.encoding}`)).toEqual([
      'time->time:text', 'query->query:text', 'status->status:text', 'body_bytes_sent->body_bytes_sent:text', 'tags->tags:json',
      'shard->shard:text', 'cursor->cursor:text', 'index->index:text',
    ]);
    expect(match.dropped.map((entry) => entry.key)).toEqual(['method', 'path', 'request_id', 'topic', 'source', 'project', 'logstore']);
  });

  it('refuses a table without a column every row needs, naming table, column and the fix', () => {
    const existing = createdColumns(layout).filter((entry) => entry.name !== 'cursor');
    expect(failure(() => matchTable(TABLE, layout, existing, false))).toMatchObject({
      code: 'TableMismatch',
      retryable: false,
      message: 'postgres sink: table "public"."requests" has no column "cursor" for cursor (every row needs it): add it, or name the column that holds it in sink.columns',
    });
  });

  it('with dedupe, also needs the project and logstore columns', () => {
    const existing = createdColumns(layout).filter((entry) => entry.name !== 'logstore');
    expect(matchTable(TABLE, layout, existing, false).dropped.map((entry) => entry.key)).toEqual(['logstore']);
    expect(failure(() => matchTable(TABLE, layout, existing, true)).message).toMatch(/no column "logstore" for logstore \(sink.dedupe needs it\)/);
  });

  it('refuses a column whose type cannot hold the value', () => {
    const existing = createdColumns(layout).map((entry) => (entry.name === 'time' ? column('time', 'int4') : entry));
    expect(failure(() => matchTable(TABLE, layout, existing, false)).message).toBe(
      'postgres sink: table "public"."requests" column "time" has type int4, which cannot hold time (time): ' +
        'change its type to one of timestamptz, timestamp, text, varchar, or map time to another column in sink.columns',
    );
  });

  it('refuses NOT NULL columns without a default that sluice does not fill', () => {
    const existing = [...createdColumns(layout), column('tenant', 'text', { nullable: false })];
    expect(failure(() => matchTable(TABLE, layout, existing, false)).message).toMatch(/has NOT NULL column\(s\) "tenant" without a default/);
  });
});
