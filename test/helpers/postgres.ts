// The real PostgreSQL the tests run against: 127.0.0.1:5432, database `test`, trust auth (or
// PGHOST/PGPORT/PGUSER). describePostgres() runs a suite there in a schema of its own, dropped
// at the end; when the database cannot be reached, the suite is skipped with how to run it,
// except under CI=true, where it fails: CI has PostgreSQL, so not reaching it is a bug.

import pg from 'pg';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';

const HOST = process.env.PGHOST ?? '127.0.0.1';
const PORT = Number(process.env.PGPORT ?? 5432);
const USER = process.env.PGUSER ?? 'postgres';
export const TEST_DATABASE = 'test';

/** The test database's URL (no password: the test server trusts local connections). */
export const TEST_URL = `postgres://${encodeURIComponent(USER)}@${HOST}:${PORT}/${TEST_DATABASE}`;

/** Where the test database is, for a proxy in front of it (test/helpers/tcp-proxy.ts). */
export const TEST_SERVER = { host: HOST, port: PORT };

/** The test database's URL through a proxy listening on 127.0.0.1:`port`. */
export function testUrlVia(port: number): string {
  return `postgres://${encodeURIComponent(USER)}@127.0.0.1:${port}/${TEST_DATABASE}`;
}

const UNREACHABLE = `PostgreSQL not reachable at ${HOST}:${PORT} (database ${TEST_DATABASE}): start it, or set PGHOST/PGPORT, to run these tests`;

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const probeFailure = await reachable();

export interface PostgresFixture {
  /** This suite's own schema (created before its tests, dropped with everything in it after). */
  readonly schema: string;
  /** Runs SQL as the test user; resolves with the rows. */
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** A name for another schema a test creates, `<schema><suffix>`; dropped after the suite too. */
  otherSchema(suffix: string): string;
  /** `"schema"."name"` of a table in this suite's schema, quoted for SQL. */
  table(name: string): string;
  /**
   * Takes an ACCESS EXCLUSIVE lock on `table` in a transaction of its own, and resolves once it
   * is granted: every transaction that wrote into the table has ended by then, and every later
   * write waits. Call the returned function to roll the lock's transaction back.
   */
  lock(table: string): Promise<() => Promise<void>>;
}

let suites = 0;

/** A describe() whose tests need PostgreSQL: see the top of this file. */
export function describePostgres(name: string, tests: (db: PostgresFixture) => void): void {
  if (probeFailure !== undefined) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        it('reaches PostgreSQL (CI=true requires it)', () => {
          throw new Error(`${UNREACHABLE} (${probeFailure})`);
        });
      });
    } else {
      // Skipped suites' names are not shown by the default reporter: say it where it is seen.
      console.warn(`${name}: skipped: ${UNREACHABLE}`);
      describe.skipIf(true)(`${name} [skipped: ${UNREACHABLE}]`, () => tests(unreachableFixture));
    }
    return;
  }
  suites += 1;
  const schema = `sluice_test_${process.pid}_${suites}_${Math.random().toString(36).slice(2, 8)}`;
  const pool = new pg.Pool({ connectionString: TEST_URL, max: 2 });
  const schemas = [schema];
  const fixture: PostgresFixture = {
    schema,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    otherSchema: (suffix) => {
      schemas.push(schema + suffix);
      return schema + suffix;
    },
    table: (name) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`,
    lock: async (table) => {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN; LOCK TABLE ${fixture.table(table)} IN ACCESS EXCLUSIVE MODE`);
      } catch (error) {
        client.release(true);
        throw error;
      }
      return async () => {
        await client.query('ROLLBACK');
        client.release();
      };
    },
  };
  describe(name, () => {
    beforeAll(async () => {
      await pool.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    });
    afterAll(async () => {
      for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(name)} CASCADE`);
      await pool.end();
    });
    tests(fixture);
  });
}

const unreachableFixture: PostgresFixture = {
  schema: 'unreachable',
  query: () => Promise.reject(new Error(UNREACHABLE)),
  otherSchema: (suffix) => `unreachable${suffix}`,
  table: (name) => `unreachable.${name}`,
  lock: () => Promise.reject(new Error(UNREACHABLE)),
};

/** Rows in `table` of the suite's schema. */
export async function countRows(db: PostgresFixture, table: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${db.table(table)}`);
  return row?.n ?? 0;
}

/**
 * Resolves with the row count once `table` holds at least `atLeast` rows; a table that does
 * not exist yet (the run under test creates it) holds none.
 */
export function waitForRows(db: PostgresFixture, table: string, atLeast: number, timeoutMs = 15_000): Promise<number> {
  return vi.waitFor(
    async () => {
      const rows = await countRows(db, table).catch((error: unknown) => {
        if ((error as { code?: string }).code === '42P01') return 0; // undefined_table
        throw error;
      });
      if (rows < atLeast) throw new Error(`${db.table(table)} holds ${rows} rows, waiting for ${atLeast}`);
      return rows;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** The values of `column` (a record key's column, `request_id` by default), one per row of `table`. */
export async function columnValues(db: PostgresFixture, table: string, column = 'request_id'): Promise<string[]> {
  const rows = await db.query<{ value: string }>(`SELECT ${pg.escapeIdentifier(column)} AS value FROM ${db.table(table)}`);
  return rows.map((row) => row.value);
}
