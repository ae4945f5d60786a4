// The SinkErrors of a sink used out of order (before open, after close) or given up on by the
// drain deadline: one wording for every sink, so logs read the same whichever one failed.

import { SinkError } from './sink-error.js';

/** write() before open(): a bug in the caller, not something a retry cures. */
export function notOpenError(what: string): SinkError {
  return new SinkError({ code: 'NotOpen', retryable: false, message: `${what} is not open: call open() before write()` });
}

/** write() after close(): the run is stopping, so the batch cannot be taken any more. */
export function closedError(what: string): SinkError {
  return new SinkError({ code: 'Closed', retryable: false, message: `${what} is closed: write() after close() is refused` });
}

/** The caller's signal aborted the write (the drain deadline passed): nothing of the batch may be taken as written. */
export function abortedError(what: string, signal: AbortSignal): SinkError {
  return new SinkError({
    code: 'Aborted',
    retryable: false,
    message: `write to ${what} aborted before it was durable: the batch is not written`,
    cause: signal.reason,
  });
}
