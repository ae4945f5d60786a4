// Fault injection: make chosen calls fail the ways real SLS and real networks fail.
//
// A fault spec is a comma-separated list of rules:
//
//   rule   := CALL ':' ACTION [ '=' AMOUNT ]        |  'seed=' N
//   CALL   := an API name (PullLogs, PutLogs, GetCursor, GetCursorTime, ListShards, Heartbeat,
//             UpdateCheckPoint, GetCheckPoint, CreateConsumerGroup, ...) or '*' for every call
//   ACTION := 500 | 503 | 403          InternalServerError / ServerBusy / the call's quota error
//                                       (ShardReadQuotaExceed; ShardWriteQuotaExceed for PutLogs)
//           | an error code            InternalServerError, ServerBusy, RequestTimeout,
//                                       ReadQuotaExceed, ShardReadQuotaExceed, WriteQuotaExceed,
//                                       ShardWriteQuotaExceed (each with its SLS status)
//           | reset                    close the connection without answering
//           | truncate                 send the headers with the full Content-Length, half the
//                                       body, then close the connection (an empty body goes out
//                                       chunked, cut before its last chunk)
//           | latency                  delay the answer (AMOUNT is a duration: 50ms, 1.5s)
//   AMOUNT := a probability (0.2, 20%) | Nx, which fails the next N matching calls (3x)
//             Default 1: every matching call.
//
// e.g. "PullLogs:503=0.2,PullLogs:latency=50ms,Heartbeat:500=3x,PutLogs:403=10%,seed=7".
// Probabilities draw from a seeded PRNG (seed 1 unless given), so a run is reproducible.
// Latency rules add up; of the failure rules the first that fires wins.

import { SlsError } from '../sls/errors.js';
import { SeededRandom } from './seeded-random.js';

export type Failure = SlsError | 'reset' | 'truncate';

export interface FaultDecision {
  latencyMs: number;
  failure?: Failure;
}

type Action = { kind: 'error'; status: number; code: string | 'quota' } | { kind: 'reset' | 'truncate' } | { kind: 'latency'; ms: number };
type Amount = { rate: number } | { remaining: number };

interface Rule {
  call: string;
  action: Action;
  amount: Amount;
  text: string;
}

const ERROR_CODES: Readonly<Record<string, number>> = {
  InternalServerError: 500,
  ServerBusy: 503,
  RequestTimeout: 500,
  ReadQuotaExceed: 403,
  ShardReadQuotaExceed: 403,
  WriteQuotaExceed: 403,
  ShardWriteQuotaExceed: 403,
};
const STATUS_CODES: Readonly<Record<string, string>> = { '500': 'InternalServerError', '503': 'ServerBusy', '403': 'quota' };
const WRITE_CALLS = new Set(['PutLogs']);

export class FaultPlan {
  #rules: Rule[] = [];
  #random = new SeededRandom(1);

  constructor(spec = '') {
    this.add(spec);
  }

  /**
   * Adds the rules of `spec` after the current ones. A bad rule throws a ParameterInvalid
   * naming it and changes nothing: the whole spec is parsed before any of it applies.
   */
  add(spec: string): void {
    const { rules, seed } = parseSpec(spec);
    if (seed !== undefined) this.#random = new SeededRandom(seed);
    this.#rules.push(...rules);
  }

  /** Replaces all the rules with those of `spec`; a bad rule throws and the current ones stay. */
  replace(spec: string): void {
    const { rules, seed } = parseSpec(spec);
    if (seed !== undefined) this.#random = new SeededRandom(seed);
    this.#rules = rules;
  }

  /** Removes the rules for `call` (exactly as written, `*` included), or all rules. */
  clear(call?: string): void {
    this.#rules = call === undefined ? [] : this.#rules.filter((rule) => rule.call !== call);
  }

  /** The rules in force, as spec text. */
  describe(): string[] {
    return this.#rules.map((rule) => rule.text);
  }

  /** What happens to this call of `call`. Consumes probability draws and counted faults. */
  decide(call: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of this.#rules) {
      if (rule.call !== '*' && rule.call !== call) continue;
      if (rule.action.kind !== 'latency' && decision.failure !== undefined) continue;
      if (!this.#fires(rule)) continue;
      if (rule.action.kind === 'latency') decision.latencyMs += rule.action.ms;
      else decision.failure = failureOf(rule.action, call);
    }
    this.#rules = this.#rules.filter((rule) => !('remaining' in rule.amount) || rule.amount.remaining > 0);
    return decision;
  }

  #fires(rule: Rule): boolean {
    if ('remaining' in rule.amount) return rule.amount.remaining-- > 0;
    return rule.amount.rate >= 1 || this.#random.next() < rule.amount.rate;
  }
}

function failureOf(action: Exclude<Action, { kind: 'latency' }>, call: string): Failure {
  if (action.kind !== 'error') return action.kind;
  const code = action.code === 'quota' ? (WRITE_CALLS.has(call) ? 'ShardWriteQuotaExceed' : 'ShardReadQuotaExceed') : action.code;
  return new SlsError({ code, status: action.status, message: `injected fault: ${code} on ${call}` });
}

function parseSpec(spec: string): { rules: Rule[]; seed?: number } {
  const rules: Rule[] = [];
  let seed: number | undefined;
  for (const text of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const seedRule = /^seed=(\d+)$/.exec(text);
    if (seedRule) seed = Number(seedRule[1]);
    else rules.push(parseRule(text));
  }
  return seed === undefined ? { rules } : { rules, seed };
}

function parseRule(text: string): Rule {
  const match = /^([A-Za-z*]+):([A-Za-z0-9]+)(?:=(.+))?$/.exec(text);
  if (!match) throw bad(text, 'expected CALL:ACTION[=AMOUNT]');
  const [, call = '', actionText = '', amountText] = match;
  if (actionText === 'latency') {
    if (amountText === undefined) throw bad(text, 'latency needs a duration, e.g. latency=50ms');
    return { call, action: { kind: 'latency', ms: parseDuration(text, amountText) }, amount: { rate: 1 }, text };
  }
  return { call, action: parseAction(text, actionText), amount: parseAmount(text, amountText ?? '1'), text };
}

function parseAction(text: string, action: string): Action {
  if (action === 'reset' || action === 'truncate') return { kind: action };
  const named = STATUS_CODES[action];
  if (named !== undefined) return { kind: 'error', status: Number(action), code: named };
  const status = ERROR_CODES[action];
  if (status !== undefined) return { kind: 'error', status, code: action };
  throw bad(text, `unknown action ${action}: use 500, 503, 403, an error code, reset, truncate or latency`);
}

function parseAmount(text: string, amount: string): Amount {
  const times = /^(\d+)x$/.exec(amount);
  if (times) return { remaining: Number(times[1]) };
  const percent = amount.endsWith('%');
  const value = Number(percent ? amount.slice(0, -1) : amount) / (percent ? 100 : 1);
  if (!(value >= 0 && value <= 1)) throw bad(text, `amount ${amount} is neither a probability (0.2, 20%) nor a count (3x)`);
  return { rate: value };
}

function parseDuration(text: string, duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(duration);
  if (!match) throw bad(text, `duration ${duration} needs a unit: 50ms, 1.5s`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

function bad(rule: string, why: string): SlsError {
  return new SlsError({ code: 'ParameterInvalid', status: 400, message: `fault rule "${rule}" is invalid: ${why}` });
}
