// The config flags' help texts: each key's description and default, read from the config
// schema. Apart from flags.ts because they need the schema (zod) loaded and its JSON Schema
// made, which only a help shows: `sluice run` and `sluice --version` do without.

import { documentedKey } from './schema-doc.js';

/** The help text of the flag that overrides `key`: the key, its description and, unless required, its default. */
export function flagHelp(key: string): string {
  const documented = documentedKey(key);
  // A key missing from the schema is a mistake in the flag table; fail, not with a silent empty help.
  if (documented === undefined) throw new Error(`config flag table names ${key}, which the config schema does not have`);
  const shown = documented.required || documented.shownDefault === '' ? '' : ` (default: ${documented.shownDefault})`;
  // --output sets sink.url too (flags.ts's keyFor); the schema's sink.path text cannot say so.
  const also = key === 'sink.path' ? ' A postgres:// URL sets sink.url instead.' : '';
  // The texts are Markdown for the README; help is plain text.
  return `${key}: ${documented.description}${also}${shown}`.replaceAll('`', '');
}
