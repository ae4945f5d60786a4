import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresError, type ErrorScene } from '../../../src/sinks/postgres/errors.js';
import { REJECTED_DATA, SinkError } from '../../../src/sinks/sink-error.js';

const TARGET = 'postgres://sluice:***@db.example:5432/logs';
const TABLE = '"public"."requests"';
const write: ErrorScene = { phase: 'write', target: TARGET, table: TABLE };
const open: ErrorScene = { phase: 'open', target: TARGET, table: TABLE };

/** An error as the server sends it, through pg's own class. */
function serverError(code: string, message: string, fields: Partial<DatabaseError> = {}): DatabaseError {
  return Object.assign(new DatabaseError(message, message.length, 'error'), { code, severity: 'ERROR' }, fields);
}

function socketError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 10.0.0.9:5432`), { code, errno: -1, syscall: 'connect' });
}

describe('postgresError: the retry verdict', () => {
  it.each([
    ['08006', 'Unavailable'], ['08001', 'Unavailable'], ['57P01', 'Unavailable'], ['57P02', 'Unavailable'], ['57P03', 'Unavailable'],
    ['40001', 'TransactionConflict'], ['40P01', 'TransactionConflict'], ['53300', 'TooManyConnections'], ['53100', 'InsufficientResources'],
    ['53200', 'InsufficientResources'], ['57014', 'Cancelled'], ['25006', 'ReadOnly'],
  ])('SQLSTATE %s is transient: %s', (sqlstate, code) => {
    const error = postgresError(serverError(sqlstate, 'boom'), write);
    expect(error).toMatchObject({ code, retryable: true });
  });

  it.each([['22P02'], ['22001'], ['22021'], ['22P05'], ['23502'], ['23505'], ['23514'], ['54000']])('SQLSTATE %s is rejected data: permanent, and the batch is to blame', (sqlstate) => {
    expect(postgresError(serverError(sqlstate, 'bad value'), write)).toMatchObject({ code: REJECTED_DATA, retryable: false });
  });

  it.each([
    ['28P01', 'AuthFailed'], ['28000', 'AuthFailed'], ['3D000', 'DatabaseNotFound'], ['42501', 'PermissionDenied'], ['42P01', 'TableMismatch'],
    ['42703', 'TableMismatch'], ['3F000', 'TableMismatch'], ['XX000', 'DatabaseError'], ['0A000', 'DatabaseError'],
  ])('SQLSTATE %s means the sink is broken: %s, permanent', (sqlstate, code) => {
    const error = postgresError(serverError(sqlstate, 'nope'), write);
    expect(error).toMatchObject({ code, retryable: false });
    expect(error.code).not.toBe(REJECTED_DATA);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])('socket error %s is transient', (errno) => {
    expect(postgresError(socketError(errno), write)).toMatchObject({ code: 'Unavailable', retryable: true });
    expect(postgresError(socketError(errno), open)).toMatchObject({ code: 'Unavailable', retryable: true });
  });

  it('takes a host that does not resolve as a typo at open, and as a DNS outage later', () => {
    expect(postgresError(socketError('ENOTFOUND'), open)).toMatchObject({ code: 'HostNotFound', retryable: false });
    expect(postgresError(socketError('ENOTFOUND'), write)).toMatchObject({ code: 'Unavailable', retryable: true });
  });

  it("takes pg's own connection errors as transient", () => {
    for (const message of ['Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'timeout exceeded when trying to connect', 'Client has encountered a connection error and is not queryable']) {
      expect(postgresError(new Error(message), write)).toMatchObject({ code: 'Unavailable', retryable: true });
    }
  });

  it('takes anything else as a permanent failure, and passes a SinkError through', () => {
    expect(postgresError(new TypeError('x is not a function'), write)).toMatchObject({ code: 'DatabaseError', retryable: false });
    const own = new SinkError({ code: 'TableMismatch', retryable: false, message: 'm' });
    expect(postgresError(own, write)).toBe(own);
  });
});

describe('postgresError: the message', () => {
  it("names the database, the table, the server's words, the SQLSTATE and what to do", () => {
    const cause = serverError('28P01', 'password authentication failed for user "sluice"');
    const error = postgresError(cause, open);
    expect(error.message).toBe(
      'authentication failed (SQLSTATE 28P01) preparing "public"."requests" at postgres://sluice:***@db.example:5432/logs: ' +
        'password authentication failed for user "sluice": check the user and password (sink.url, or PGUSER/PGPASSWORD) and the server\'s pg_hba.conf',
    );
    expect(error.cause).toBe(cause);
  });

  it('gives the COPY context of a rejected value and the record it came from', () => {
    const cause = serverError('22P02', 'invalid input syntax for type integer: "abc"', { where: 'COPY requests, line 2, column body_bytes: "abc"' });
    const batch = [{ shard: 1, cursor: 'MA==', index: 0 }, { shard: 1, cursor: 'MA==', index: 1 }];
    const error = postgresError(cause, { ...write, batch });
    expect(error.message).toBe(
      'data rejected by the database (SQLSTATE 22P02) writing to "public"."requests" at postgres://sluice:***@db.example:5432/logs: ' +
        'invalid input syntax for type integer: "abc"; at COPY requests, line 2, column body_bytes: "abc", record 2 of the batch (shard 1, cursor MA==, index 1): ' +
        'a record of this batch holds a value the table cannot take; it belongs in the dead-letter file, the rest of the batch can be written',
    );
  });

  it("adds the server's detail and hint", () => {
    const cause = serverError('23505', 'duplicate key value violates unique constraint "u"', { detail: 'Key (request_id)=(r-1) already exists.', hint: 'none' });
    expect(postgresError(cause, write).message).toContain('duplicate key value violates unique constraint "u"; Key (request_id)=(r-1) already exists.; hint: none:');
  });

  it('names a socket error by its errno, and says a run does not start without its database', () => {
    expect(postgresError(socketError('ECONNREFUSED'), open).message).toBe(
      `connection refused (ECONNREFUSED) preparing "public"."requests" at ${TARGET}: connect ECONNREFUSED 10.0.0.9:5432: ` +
        'is PostgreSQL running and listening there? sluice does not start without its database: start it, or fix sink.url (or PGHOST/PGPORT), and run again',
    );
  });

  it('promises a retry only while the run writes', () => {
    expect(postgresError(socketError('ECONNREFUSED'), write).message).toMatch(/sluice retries the commit until the database is back$/);
    expect(postgresError(serverError('57P03', 'starting up'), open).message).not.toContain('retries');
  });
});
