// A PostgresSink on the test database, in the suite's own schema, and ways to read back what
// it wrote. Every sink a test makes is closed after the test, whatever happened.

import pino from 'pino';
import { afterEach } from 'vitest';
import { postgresSinkConfig, type PostgresSinkConfig } from '../../../src/sinks/postgres/config.js';
import { PostgresSink, type PostgresSinkOptions } from '../../../src/sinks/postgres/sink.js';
import { TEST_URL, type PostgresFixture } from '../../helpers/postgres.js';

export const ORIGIN = { project: 'demo', logstore: 'access' };

export interface RigOptions extends Partial<Omit<PostgresSinkConfig, 'type'>> {
  fields?: PostgresSinkOptions['fields'];
  origin?: PostgresSinkOptions['origin'];
  log?: PostgresSinkOptions['log'];
}

export interface SinkRig {
  /** The application_name of the sessions of this suite's sinks (the suite's schema name): other suites run at the same time. */
  readonly session: string;
  /** A new sink writing to `table` (default `requests`) in the suite's schema; closed after the test. */
  sink(options?: RigOptions): PostgresSink;
  /** `"schema"."table"` of the suite's schema. */
  table(name?: string): string;
}

export function sinkRig(db: PostgresFixture): SinkRig {
  const made: PostgresSink[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((sink) => sink.close()));
  });
  return {
    session: db.schema,
    sink: (options = {}) => {
      const { fields = 'all', origin = ORIGIN, log = pino({ level: 'silent' }), ...config } = options;
      const sink = new PostgresSink({
        config: postgresSinkConfig.parse({ type: 'postgres', url: `${TEST_URL}?application_name=${db.schema}`, schema: db.schema, connectTimeout: '5s', ...config }),
        fields,
        origin,
        log,
      });
      made.push(sink);
      return sink;
    },
    table: (name = 'requests') => `"${db.schema}"."${name}"`,
  };
}
