// Errors a sink raises, as values with stable codes and a retry verdict (as SlsError is for
// SLS): the pipeline retries a retryable commit and stops the run on a permanent one.

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
