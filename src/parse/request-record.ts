// The record sluice delivers: one SLS log turned into a flat, JSON-ready request record.
// Sinks receive these and nothing SLS-specific; the NDJSON line of a record is exactly
// JSON.stringify(record).

/** Where a record came from: unique per record, so a sink can dedupe on it. */
export interface RecordPosition {
  shard: number;
  /** Cursor of the record's log group. */
  cursor: string;
  /** Index of the log within its log group. */
  index: number;
}

/**
 * A request record: `time` (ISO 8601 with the nanoseconds SLS kept), `method`, `path`,
 * `query`, `status` (a number), the kept SLS fields under their own names, `topic`,
 * `source`, `tags`, and the position keys `shard`, `cursor`, `index`.
 */
export type RequestRecord = RecordPosition & { time: string } & Record<string, unknown>;
