// A failure of `pg` (a SQLSTATE from the server, a socket error, or one of pg's own
// connection errors) as a SinkError: a stable code, the retry verdict the batcher acts on, and
// a message naming the database (password masked), the table, the server's own words and
// what to do.
//
// Three kinds of failure matter to the batcher:
// - transient (`retryable`): the database is unreachable, restarting, overloaded, or picked
//   this transaction as a deadlock victim. Writing the same batch again later may succeed.
// - RejectedData (permanent): the data of this batch is at fault, a value the column type or a
//   constraint refuses. Splitting the batch isolates the record; the others can be written.
// - every other permanent code: the sink itself is broken (bad password, missing table,
//   permission denied). No record can be written until someone changes something.

import type { DatabaseError } from 'pg';
import type { RecordPosition } from '../../parse/request-record.js';
import { REJECTED_DATA, SinkError } from '../sink-error.js';

export interface ErrorScene {
  /** `open` (connecting, preparing the table) or `write` (a commit). */
  phase: 'open' | 'write';
  /** The database as messages may name it (see connection-target.ts). */
  target: string;
  /** The table, quoted as in SQL. */
  table: string;
  /** The records of the commit, in COPY line order, to name the one a COPY error points at. */
  batch?: readonly RecordPosition[];
}

interface Verdict {
  code: string;
  retryable: boolean;
  /** What went wrong, in words. */
  reason: string;
  advice: string;
}

const UNAVAILABLE_ADVICE = 'sluice retries the commit until the database is back';
/** A run does not start without its database: at open, the same failures end the run (exit 74). */
const UNAVAILABLE_AT_OPEN = 'sluice does not start without its database: start it, or fix sink.url (or PGHOST/PGPORT), and run again';

const UNAVAILABLE: Verdict = { code: 'Unavailable', retryable: true, reason: 'database unreachable', advice: UNAVAILABLE_ADVICE };

const REJECTED: Verdict = {
  code: REJECTED_DATA,
  retryable: false,
  reason: 'data rejected by the database',
  advice: 'a record of this batch holds a value the table cannot take; it belongs in the dead-letter file, the rest of the batch can be written',
};

/** Verdicts by SQLSTATE: exact codes first, then their two-character class. */
const BY_SQLSTATE: Readonly<Record<string, Verdict>> = {
  '08': { ...UNAVAILABLE, reason: 'connection to the database failed' },
  '57P01': { ...UNAVAILABLE, reason: 'the database server is shutting down' },
  '57P02': { ...UNAVAILABLE, reason: 'the database server crashed and is restarting' },
  '57P03': { ...UNAVAILABLE, reason: 'the database server is starting up and cannot take connections yet' },
  '57014': { ...UNAVAILABLE, code: 'Cancelled', reason: 'the statement was cancelled', advice: `a statement_timeout or an administrator cancelled it; ${UNAVAILABLE_ADVICE}` },
  '40001': { code: 'TransactionConflict', retryable: true, reason: 'serialization failure', advice: 'another transaction conflicted; sluice retries the commit' },
  '40P01': { code: 'TransactionConflict', retryable: true, reason: 'deadlock', advice: 'another transaction deadlocked with this one; sluice retries the commit' },
  '53300': { code: 'TooManyConnections', retryable: true, reason: 'too many connections', advice: `raise max_connections on the server or lower the commits in flight; ${UNAVAILABLE_ADVICE}` },
  '53': { code: 'InsufficientResources', retryable: true, reason: 'the database server is out of resources', advice: `free disk or memory on the server; ${UNAVAILABLE_ADVICE}` },
  '25006': { ...UNAVAILABLE, code: 'ReadOnly', reason: 'the database is read-only', advice: 'the URL leads to a standby (or a server in recovery): point it at the primary' },
  '22': REJECTED,
  '23': REJECTED,
  '54000': REJECTED, // e.g. a value too large for an index row
  '28': { code: 'AuthFailed', retryable: false, reason: 'authentication failed', advice: 'check the user and password (sink.url, or PGUSER/PGPASSWORD) and the server\'s pg_hba.conf' },
  '3D000': { code: 'DatabaseNotFound', retryable: false, reason: 'no such database', advice: 'create the database, or fix the database name in sink.url (or PGDATABASE)' },
  '42501': { code: 'PermissionDenied', retryable: false, reason: 'permission denied', advice: 'grant the user USAGE and CREATE on the schema and INSERT on the table, or have an administrator create the table' },
  '3F000': { code: 'TableMismatch', retryable: false, reason: 'no such schema', advice: 'create the schema or fix sink.schema' },
  '42': { code: 'TableMismatch', retryable: false, reason: 'the table does not match what sluice writes', advice: 'fix the table, or sink.table/sink.columns, and restart' },
};

/** Node socket errors (and DNS) by errno. A host that does not resolve at start is a typo; later, a DNS outage. */
function errnoVerdict(errno: string, phase: ErrorScene['phase']): Verdict | undefined {
  switch (errno) {
    case 'ENOTFOUND':
      return phase === 'open'
        ? { code: 'HostNotFound', retryable: false, reason: 'the database host name does not resolve', advice: 'fix the host in sink.url (or PGHOST)' }
        : { ...UNAVAILABLE, reason: 'the database host name no longer resolves' };
    case 'ECONNREFUSED':
      return { ...UNAVAILABLE, reason: 'connection refused', advice: `is PostgreSQL running and listening there? ${UNAVAILABLE_ADVICE}` };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return { ...UNAVAILABLE, reason: 'connection lost' };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
      return { ...UNAVAILABLE, reason: 'the database host cannot be reached' };
    default:
      return undefined;
  }
}

/** pg's own connection errors have no code, only these messages. */
const PG_CONNECTION_FAILURE = /connection terminated|timeout exceeded when trying to connect|not queryable|connection timeout/i;

function verdictOf(error: unknown, phase: ErrorScene['phase']): Verdict {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    const verdict = isSqlState(code) ? (BY_SQLSTATE[code] ?? BY_SQLSTATE[code.slice(0, 2)]) : errnoVerdict(code, phase);
    if (verdict !== undefined) return verdict;
  }
  if (error instanceof Error && PG_CONNECTION_FAILURE.test(error.message)) return { ...UNAVAILABLE, reason: 'connection lost' };
  return { code: 'DatabaseError', retryable: false, reason: 'unexpected database error', advice: 'see the database\'s message; sluice cannot go on writing' };
}

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E');
}

/** `error`, thrown by `pg` during `scene`, as a SinkError. A SinkError is returned as it is. */
export function postgresError(error: unknown, scene: ErrorScene): SinkError {
  if (error instanceof SinkError) return error;
  const { code, retryable, reason, advice: retryAdvice } = verdictOf(error, scene.phase);
  const advice = scene.phase === 'open' ? retryAdvice.replace(UNAVAILABLE_ADVICE, UNAVAILABLE_AT_OPEN) : retryAdvice;
  const raw = error as Partial<DatabaseError> | undefined;
  const id = typeof raw?.code === 'string' ? (isSqlState(raw.code) ? ` (SQLSTATE ${raw.code})` : ` (${raw.code})`) : '';
  const action = scene.phase === 'open' ? 'preparing' : 'writing to';
  const said = [raw?.message ?? String(error), raw?.detail, raw?.hint === undefined ? undefined : `hint: ${raw.hint}`, whereOf(raw?.where, scene.batch)]
    .filter((part) => part !== undefined && part !== '')
    .join('; ');
  return new SinkError({ code, retryable, message: `${reason}${id} ${action} ${scene.table} at ${scene.target}: ${said}: ${advice}`, cause: error });
}

/** A commit that did not finish within `timeoutMs`, abandoned with its connection: as transient as a lost connection. */
export function stalledError(timeoutMs: number, scene: ErrorScene): SinkError {
  return new SinkError({
    code: UNAVAILABLE.code,
    retryable: true,
    message:
      `commit did not finish within ${timeoutMs} ms ${scene.phase === 'open' ? 'preparing' : 'writing to'} ${scene.table} at ${scene.target}: ` +
      `the database or the network stalled; the connection was closed, so the database rolls the transaction back, and ${UNAVAILABLE_ADVICE} (sink.commitTimeout sets the limit)`,
  });
}

/** The server's context (`COPY requests, line 3, column status: "abc"`), and the record of that line. */
function whereOf(where: string | undefined, batch: readonly RecordPosition[] | undefined): string | undefined {
  if (where === undefined || where === '') return undefined;
  const line = /\bCOPY [^,]+, line (\d+)/.exec(where)?.[1];
  const record = line === undefined ? undefined : batch?.[Number(line) - 1];
  if (record === undefined) return `at ${where}`;
  return `at ${where}, record ${line} of the batch (shard ${record.shard}, cursor ${record.cursor}, index ${record.index})`;
}
