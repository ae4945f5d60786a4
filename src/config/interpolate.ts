// `${VAR}` and `${VAR:-default}` in the string values of a parsed config document. This
// runs on the parsed YAML, not on its text, so a variable's value is always one string
// value: it cannot add keys or change the document's structure (a secret containing `: ` or
// a newline stays a secret). `$${` is a literal `${`.
//
// A value that names an unset variable without a default is removed, key and all, so the
// key's default applies (`consumer: ${HOSTNAME}` falls back to the host name when HOSTNAME is
// not exported). What was removed is reported, so a key that turns out to be required can
// say which variable it was waiting for. As in the shell, `:-` also replaces an empty value.

import { ConfigError, type ConfigIssue } from './config-error.js';

export interface Interpolated {
  /** The document with every reference replaced and every value naming an unset variable removed. */
  value: unknown;
  /** Dotted key -> the variables its value names, for keys whose value came (partly) from the environment. */
  references: ReadonlyMap<string, readonly string[]>;
  /** Dotted key -> the unset variable that made the key absent. */
  unset: ReadonlyMap<string, string>;
}

// `$${` (escape) | `${NAME}` or `${NAME:-default}` | any other `${` (malformed)
const TOKEN = /\$(\$\{)|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

type Substitution = { text: string; names: string[] } | { unset: string } | { malformed: true };

/** Replaces the references in every string of `document`; throws a ConfigError for malformed ones. */
export function interpolate(document: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const references = new Map<string, string[]>();
  const unset = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const ABSENT = Symbol('absent');

  const visit = (node: unknown, path: readonly (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const key = path.join('.');
      const result = substitute(node, env);
      if ('malformed' in result) {
        issues.push({ key, message: 'a "${" starts no valid reference: write ${NAME} or ${NAME:-default}, or $${ for a literal "${"' });
        return node;
      }
      if ('unset' in result) {
        unset.set(key, result.unset);
        return ABSENT;
      }
      if (result.names.length > 0) references.set(key, result.names);
      return result.text;
    }
    if (Array.isArray(node)) {
      return node.map((item, index) => visit(item, [...path, index])).filter((item) => item !== ABSENT);
    }
    if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node).map(([name, child]) => [name, visit(child, [...path, name])] as const);
      return Object.fromEntries(entries.filter(([, child]) => child !== ABSENT));
    }
    return node;
  };

  const value = visit(document, []);
  if (issues.length > 0) throw new ConfigError(issues);
  return { value, references, unset };
}

function substitute(text: string, env: NodeJS.ProcessEnv): Substitution {
  const names: string[] = [];
  let unsetName: string | undefined;
  let malformed = false;
  const replaced = text.replace(TOKEN, (whole, escape: string | undefined, name: string | undefined, fallback: string | undefined) => {
    if (escape !== undefined) return escape;
    if (name === undefined) {
      malformed = true;
      return whole;
    }
    names.push(name);
    const set = env[name];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set === undefined) unsetName ??= name;
    return set ?? '';
  });
  if (malformed) return { malformed: true };
  if (unsetName !== undefined) return { unset: unsetName };
  return { text: replaced, names };
}
