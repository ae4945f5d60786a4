// zod's issues, turned into messages that name the key and say what is wrong in the words of
// the config file: `pipeline.workers: expected a whole number from 1 to 256, got 0`, a
// required key names the flag that can also set it or the unset `${VAR}` it was waiting for,
// an unknown key suggests the key that was probably meant. A secret's value is never shown.

import type { z } from 'zod';
import type { ConfigIssue } from './config-error.js';
import { flagForKey, valueAt } from './flags.js';
import { documentedKey, documentedKeys } from './schema-doc.js';
import { shownValue } from './units.js';

export interface IssueContext {
  /** The document that was validated: file values with flag overrides merged in. */
  input: unknown;
  /** Dotted key -> the flag (or variable, see env-overrides.ts) that set it. */
  flags: ReadonlyMap<string, string>;
  /** Dotted key -> the variables its value came from (see interpolate.ts). */
  references: ReadonlyMap<string, readonly string[]>;
  /** Dotted key -> the unset variable that made it absent. */
  unset: ReadonlyMap<string, string>;
}

type Issue = z.core.$ZodIssue;

const TYPE_NAMES: Readonly<Record<string, string>> = { string: 'text', object: 'a mapping', array: 'a list', boolean: 'true or false' };

/** One ConfigIssue per problem (an unknown-keys issue becomes one per key), in zod's order. */
export function configIssues(issues: readonly Issue[], context: IssueContext): ConfigIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((name) => unknownKey([...issue.path.map(String), name], context));
    const key = issue.path.map(String).join('.');
    if (isMissing(issue, context.input)) return required(key, context);
    const described = describe(issue, key);
    const from = context.references.get(key);
    const message = from === undefined ? described : `${described} (the value comes from ${from.map((name) => `\${${name}}`).join(', ')})`;
    return [attributed(key, message, context)];
  });
}

function isMissing(issue: Issue, input: unknown): boolean {
  const kinds: readonly string[] = ['invalid_type', 'invalid_union', 'invalid_value'];
  return kinds.includes(issue.code ?? '') && valueAt(input, issue.path) === undefined;
}

function describe(issue: Issue, key: string): string {
  const secret = documentedKey(key)?.secret === true;
  const got = (value: unknown): string => (secret ? kindOf(value) : shownValue(value));
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}, got ${got(input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => shownValue(value)).join(' or ')}, got ${got(input)}`;
    default:
      return issue.message;
  }
}

/** A required key is missing; a missing section stands for every required key in it. */
function required(key: string, context: IssueContext): ConfigIssue[] {
  const below = documentedKeys().filter((entry) => entry.required && entry.key.startsWith(`${key}.`));
  if (below.length > 0) return below.flatMap((entry) => required(entry.key, context));
  const variable = context.unset.get(key);
  if (variable !== undefined) return [{ key, message: `required; it comes from \${${variable}}, which is not set` }];
  const flag = flagForKey(key);
  return [{ key, message: `required (set it in the config file${flag === undefined ? '' : ` or with ${flag}`})` }];
}

function unknownKey(path: readonly string[], context: IssueContext): ConfigIssue {
  const key = path.join('.');
  const parent = path.slice(0, -1).join('.');
  const name = path[path.length - 1] ?? '';
  const prefix = parent === '' ? '' : `${parent}.`;
  const below = documentedKeys().filter((entry) => entry.key.startsWith(prefix));
  const known = [...new Set(below.map((entry) => entry.key.slice(prefix.length).split('.')[0] ?? ''))];
  if (known.includes(name)) {
    // Another variant takes this key (sink.path is an option of the file sink, not of stdout).
    const type = valueAt(context.input, [...path.slice(0, -1), 'type']);
    return attributed(key, `not an option of ${parent}.type ${shownValue(type)}`, context);
  }
  const meant = closest(name, known);
  const hint = meant === undefined ? `${parent === '' ? 'the sections are' : `${parent} takes`} ${known.join(', ')}` : `did you mean ${meant}?`;
  return attributed(key, `unknown key; ${hint}`, context);
}

function attributed(key: string, message: string, context: IssueContext): ConfigIssue {
  for (const [flagKey, flag] of context.flags) {
    if (key === flagKey || key.startsWith(`${flagKey}.`)) return { key, flag, message };
  }
  return { key, message };
}

/** The known name closest to `name`, ignoring case, `_` and `-` (queue_capacity -> queueCapacity), within 2 edits. */
function closest(name: string, known: readonly string[]): string | undefined {
  const plain = (text: string): string => text.toLowerCase().replace(/[-_]/g, '');
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(plain(name), plain(candidate));
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** What a secret's value is, without the value: `text`, `a number`, ... */
function kindOf(value: unknown): string {
  if (typeof value === 'string') return 'text';
  return typeof value === 'number' ? 'a number' : shownValue(value);
}
