// A request as the emulator's handlers see it, and the parsing of its parameters into the
// 400 errors SLS answers for bad ones.

import { SlsError } from '../sls/errors.js';
import type { SignableRequest } from '../sls/signing/request.js';

export interface EmulatorRequest extends SignableRequest {
  /** The body as received (empty when there is none). */
  body: Uint8Array;
  /** The project named by the Host header. */
  project: string;
}

/** A required query parameter. */
export function requiredParam(query: Record<string, string>, name: string): string {
  const value = query[name];
  if (value === undefined || value === '') throw invalid(`query parameter ${name} is required`);
  return value;
}

/** An integer in [min, max] from a query parameter or path segment. */
export function integerParam(value: string | undefined, name: string, min: number, max: number): number {
  const parsed = value !== undefined && /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= min && parsed <= max)) throw invalid(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  return parsed;
}

/** The body parsed as JSON; `code` (e.g. JsonInfoInvalid) when it is not JSON. */
export function jsonBody(req: EmulatorRequest, code: string): unknown {
  try {
    return JSON.parse(Buffer.from(req.body).toString('utf8')) as unknown;
  } catch {
    throw new SlsError({ code, status: 400, message: 'request body is not valid JSON' });
  }
}

/** A JSON object body; `code` when it is anything else. */
export function jsonObjectBody(req: EmulatorRequest, code: string): Record<string, unknown> {
  const body = jsonBody(req, code);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SlsError({ code, status: 400, message: 'request body must be a JSON object' });
  }
  return body as Record<string, unknown>;
}

export function invalid(message: string): SlsError {
  return new SlsError({ code: 'ParameterInvalid', status: 400, message });
}
