// Errors a sink raises, as values with stable codes and a retry verdict (as SlsError is for
// SLS): the pipeline retries a retryable commit and stops the run on a permanent one, unless
// the data is at fault (REJECTED_DATA).

/**
 * The code of a permanent failure caused by the data of the batch (a value the table refuses),
 * not by the sink: the pipeline splits the commit to write every other record and sends each
 * record still rejected on its own to the dead-letter file. Any other permanent code means the
 * sink itself is broken (bad password, missing table) and stops the run.
 */
export const REJECTED_DATA = 'RejectedData';

export interface SinkErrorInit {
  /** Stable code, e.g. `DiskFull`, `PermissionDenied`, `Unavailable`. */
  code: string;
  message: string;
  retryable: boolean;
  cause?: unknown;
}

export class SinkError extends Error {
  override readonly name = 'SinkError';
  readonly code: string;
  /** Whether writing the same batch again later may succeed. */
  readonly retryable: boolean;

  constructor(init: SinkErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.retryable = init.retryable;
  }
}
