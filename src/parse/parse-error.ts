// Why one log could not become a request record. The pipeline catches it, writes the log to
// the dead-letter file with `reason`, and acks it: bad input never stops a run.

export type ParseErrorCode = 'BadStatus' | 'MalformedRequestUri' | 'BadTime';

export class ParseError extends Error {
  override readonly name = 'ParseError';
  /** Stable code: `BadStatus`, `MalformedRequestUri` or `BadTime`. */
  readonly code: ParseErrorCode;

  constructor(code: ParseErrorCode, reason: string) {
    super(reason);
    this.code = code;
  }

  /** What was wrong with the log, as the dead-letter file records it. */
  get reason(): string {
    return this.message;
  }
}

/** `value` cut to a length that keeps an error message readable. */
export function quoted(value: string, max = 200): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}...` : value);
}
