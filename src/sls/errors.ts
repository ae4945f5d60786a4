// Every error the SLS layer raises, as values with stable codes and a retry verdict.
//
// The verdict follows what the official SDKs do (sls-protocol.md §4.3), taken in its most
// useful form for a long-running consumer: anything the server may answer differently a
// moment later (5xx, throttling, a dropped connection, a corrupt body) is retryable; a
// request the server understood and refused (4xx) is not, because repeating it cannot help.

/** Codes the official SDKs or old docs spell two ways, mapped to one spelling (§4.2 "typo alert", and the codes Python knows). */
const CODE_ALIASES: Readonly<Record<string, string>> = {
  consumernotexsit: 'ConsumerNotExist',
  shardnotexsit: 'ShardNotExist',
  projectnotexists: 'ProjectNotExist',
  readquotaexceed: 'ReadQuotaExceed',
  requesttimetooskewed: 'RequestTimeExpired',
  'securitytoken.expired': 'SecurityTokenExpired',
};

/** Server codes that mean "try again later" whatever their HTTP status. */
const RETRYABLE_CODES = new Set([
  'InternalServerError',
  'ServerBusy',
  'RequestTimeout',
  'ReadQuotaExceed',
  'ShardReadQuotaExceed',
  'WriteQuotaExceed',
  'ShardWriteQuotaExceed',
]);

/** Socket-level error codes that a retry can cure. ENOTFOUND is absent on purpose: a
 * misspelt endpoint does not heal, and retrying it forever would hide the mistake. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** Advice for an answer that cannot have come from SLS. */
export const CHECK_ENDPOINT = 'check that the endpoint is an SLS endpoint';

/** What to check, for the socket errors a wrong endpoint causes. */
const NETWORK_HINTS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name does not resolve: check the endpoint. A DNS name is dialled as <project>.<endpoint>; an IP address or localhost is dialled as is',
  ECONNREFUSED: "nothing accepts connections there: check the endpoint's host and port, and that SLS or the emulator is running there",
  EPROTO: 'the TLS handshake failed: if the server speaks plain HTTP there (the emulator does), use http:// in the endpoint',
};

/** The documented spelling of an SLS error code, whatever spelling the server or an SDK used. */
export function normalizeCode(code: string): string {
  return CODE_ALIASES[code.toLowerCase()] ?? code;
}

/** True when `code` names the same SLS error as `expected`, ignoring case and known misspellings. */
export function sameCode(code: string, expected: string): boolean {
  return normalizeCode(code).toLowerCase() === normalizeCode(expected).toLowerCase();
}

export interface SlsErrorInit {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  retryable?: boolean;
  cause?: unknown;
}

/** An error answered by SLS (or the emulator), or met while talking to it. */
export class SlsError extends Error {
  override readonly name: string = 'SlsError';
  /** The documented SLS error code, e.g. `ShardReadQuotaExceed`, or one of ours (`NetworkError`, `CorruptResponse`, ...). */
  readonly code: string;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** `x-log-requestid` of the answer, for support tickets. */
  readonly requestId: string | undefined;
  /** Whether repeating the same request later may succeed. */
  readonly retryable: boolean;

  constructor(init: SlsErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = normalizeCode(init.code);
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? isRetryableAnswer(init.status, this.code);
  }

  /** Quota errors ask for a longer pause than other retryable errors (the SDKs sleep 5 s). */
  get throttled(): boolean {
    return this.status === 429 || /QuotaExceed$/i.test(this.code);
  }
}

/** Bytes that are not a valid LogGroupList / LogGroup, or a body that fails to decompress. */
export class CorruptDataError extends SlsError {
  override readonly name = 'CorruptDataError';
  /** Byte offset in the decompressed body where decoding failed, when known. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    // Retryable: a corrupt response is most often a transfer problem; asking again is the cure.
    super({ code: 'CorruptResponse', message, retryable: true });
    this.offset = offset;
  }
}

/** The verdict of §4.3 for an answer the server gave. */
export function isRetryableAnswer(status: number | undefined, code: string): boolean {
  if (RETRYABLE_CODES.has(normalizeCode(code))) return true;
  if (status === undefined) return false;
  return status >= 500 || status === 429;
}

/** Wraps a socket-level failure (reset, refused, timeout) as an SlsError. */
export function networkError(cause: unknown, what: string): SlsError {
  const sysCode = (cause as { code?: unknown } | null)?.code;
  const code = typeof sysCode === 'string' ? sysCode : 'NetworkError';
  // trim: OpenSSL's messages end with a newline.
  const detail = (cause instanceof Error ? cause.message : String(cause)).trim();
  const hint = NETWORK_HINTS[code];
  const why = typeof sysCode !== 'string' ? '' : hint === undefined ? ` (${sysCode})` : ` (${sysCode}; ${hint})`;
  return new SlsError({
    code: 'NetworkError',
    message: `${what}: ${detail}${why}`,
    retryable: RETRYABLE_NETWORK_CODES.has(code) || code === 'NetworkError',
    cause,
  });
}
