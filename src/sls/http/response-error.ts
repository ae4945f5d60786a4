// Turns a non-200 answer into an SlsError: the server's code and message when the body is
// the documented `{errorCode, errorMessage}` JSON (sls-protocol.md §4.1), a clear
// `BadResponse` otherwise (a proxy's HTML page, an empty 502), plus what the user can do
// about the common ones.

import { CHECK_ENDPOINT, SlsError, normalizeCode } from '../errors.js';
import { maskedAccessKeyId } from '../signing/credentials.js';
import type { HttpResponse } from './transport.js';

/** What to do, for the errors a user causes and can fix. */
const HINTS: Readonly<Record<string, string>> = {
  SignatureNotMatch: 'check the access key secret, and the region for v4 signatures',
  InvalidAccessKeyId: 'check the access key id',
  'InvalidAccessKeyId.NotFound': 'check the access key id',
  SecurityTokenExpired: 'the STS token has expired; give sluice a fresh one (ALIBABA_CLOUD_SECURITY_TOKEN)',
  Unauthorized: 'check that the access key (or STS token) is valid and allowed to use this project',
  RequestTimeExpired: "the local clock differs from the server's by more than 15 minutes; synchronize it (NTP)",
  ProjectNotExist: 'check the project name and that the endpoint is in its region',
  LogStoreNotExist: 'check the logstore name',
  ShardNotExist: 'check the shard id; `sluice shards` lists the shards of a logstore',
  ConsumerGroupNotExist: 'create the consumer group first, or check its name',
  InvalidCursor: 'the cursor is outside the data the shard still keeps (expired by TTL?); start from a fresh cursor',
};

const SNIPPET_LENGTH = 200;

/**
 * The SlsError for a non-200 answer. `accessKeyId`, the key the request was signed with, is
 * masked wherever the server's message repeats it (an unknown key's message does).
 */
export function errorFromResponse(response: HttpResponse, what: string, accessKeyId?: string): SlsError {
  const status = response.status;
  const requestId = headerValue(response, 'x-log-requestid');
  const where = `${what}: HTTP ${status}${requestId ? `, request id ${requestId}` : ''}`;
  const answer = parseErrorBody(response.body);
  if (answer === undefined) {
    const text = snippet(response.body);
    // A 5xx page is a passing fault upstream; anything else means we are not talking to SLS.
    const advice = status >= 500 ? '' : ` (${CHECK_ENDPOINT}, and any proxy on the way)`;
    return new SlsError({
      code: 'BadResponse',
      status,
      ...(requestId ? { requestId } : {}),
      message: `${where}, with ${text === '' ? 'an empty body' : `a body that is not an SLS error: ${text}`}${advice}`,
    });
  }
  const code = normalizeCode(answer.errorCode);
  const hint = HINTS[code];
  return new SlsError({
    code,
    status,
    ...(requestId ? { requestId } : {}),
    message: `${where}, ${code}: ${masked(answer.errorMessage, accessKeyId)}${hint ? ` (${hint})` : ''}`,
  });
}

function masked(text: string, accessKeyId: string | undefined): string {
  return accessKeyId === undefined || accessKeyId === '' ? text : text.replaceAll(accessKeyId, maskedAccessKeyId(accessKeyId));
}

export function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseErrorBody(body: Buffer): { errorCode: string; errorMessage: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const { errorCode, errorMessage } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof errorCode !== 'string' || errorCode === '') return undefined;
    return { errorCode, errorMessage: typeof errorMessage === 'string' ? errorMessage : '' };
  } catch {
    return undefined;
  }
}

/** The start of a body as printable text, for a message. */
function snippet(body: Buffer): string {
  const text = body.subarray(0, SNIPPET_LENGTH).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim();
  return body.byteLength > SNIPPET_LENGTH ? `${text}...` : text;
}
