// request_uri (`/path?query`) to a decoded path and a query object, as browsers and servers
// read them: the path is percent-decoded; in the query `+` is a space, `a=1&a=2` keeps both
// values in order, and a key without `=` has the value "".
//
// Hand-written rather than URLSearchParams, which costs an object per URI and a string per
// pair before anything is stored; and decoding runs only when a `%` or `+` is present at all.

import { ParseError, quoted } from './parse-error.js';

/** A decoded query: one string per key, or the values of a repeated key in their order. */
export type Query = Record<string, string | string[]>;

/** Writes `path` and `query` of `uri` into `target`. Throws ParseError on malformed percent-encoding. */
export function splitRequestUri(uri: string, target: Record<string, unknown>): void {
  const mark = uri.indexOf('?');
  const path = mark < 0 ? uri : uri.slice(0, mark);
  target.path = path.includes('%') ? decode(path, uri, 'path') : path;
  target.query = mark < 0 ? {} : parseQuery(uri, mark + 1);
}

function parseQuery(uri: string, start: number): Query {
  const query: Query = {};
  const end = uri.length;
  // One scan of the whole query decides whether any part needs decoding.
  const raw = uri.slice(start);
  const encoded = raw.includes('%') || raw.includes('+');
  let from = start;
  // The next `=` at or after `from` (`end` when none): kept across pairs, so that keys without
  // a value do not make every pair scan to the end of the URI again.
  let equals = -1;
  while (from <= end) {
    let to = uri.indexOf('&', from);
    if (to < 0) to = end;
    if (to > from) {
      if (equals < from) {
        equals = uri.indexOf('=', from);
        if (equals < 0) equals = end;
      }
      const split = equals < to;
      let key = uri.slice(from, split ? equals : to);
      let value = split ? uri.slice(equals + 1, to) : '';
      if (encoded) {
        key = decodeQueryPart(key, uri);
        value = decodeQueryPart(value, uri);
      }
      add(query, key, value);
    }
    from = to + 1;
  }
  return query;
}

function add(query: Query, key: string, value: string): void {
  const previous = query[key];
  // Typeof, not `!== undefined`: an inherited name such as `constructor` is not a previous value.
  if (typeof previous === 'string') setOwn(query, key, [previous, value]);
  else if (Array.isArray(previous)) previous.push(value);
  else setOwn(query, key, value);
}

/** Sets an own property, `__proto__` included (a plain assignment would try to set the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function decodeQueryPart(part: string, uri: string): string {
  const spaced = part.includes('+') ? part.replaceAll('+', ' ') : part;
  return spaced.includes('%') ? decode(spaced, uri, 'query') : spaced;
}

function decode(text: string, uri: string, where: 'path' | 'query'): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ParseError(
      'MalformedRequestUri',
      `request_uri ${quoted(uri)} has malformed percent-encoding in its ${where} (a % must start a UTF-8 byte as two hex digits)`,
    );
  }
}
