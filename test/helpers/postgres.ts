// The real PostgreSQL the tests run against: 127.0.0.1:5432, database `test`, trust auth (or
// PGHOST/PGPORT/PGUSER). describePostgres() runs a suite there in a schema of its own, dropped
// at the end; when the database cannot be reached, the suite is skipped with how to run it,
// except under CI=true, where it fails: CI has PostgreSQL, so not reaching it is a bug.

import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';

const HOST = process.env.PGHOST ?? '127.0.0.1';
const PORT = Number(process.env.PGPORT ?? 5432);
const USER = process.env.PGUSER ?? 'postgres';
export const TEST_DATABASE = 'test';

/** The test database's URL (no password: the test server trusts local connections). */
export const TEST_URL = `postgres://${encodeURIComponent(USER)}@${HOST}:${PORT}/${TEST_DATABASE}`;

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
};
