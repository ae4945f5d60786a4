// The README's configuration reference, rendered from the schema: every key with its default
// and description. A unit test compares it with README.md, so the docs cannot drift from
// what is validated.

import { CONFIG_FLAGS } from './flags.js';
import { documentedKeys, type DocumentedKey } from './schema-doc.js';

/** The reference as a Markdown table: key, flag, default, description. */
export function configReference(): string {
  const rows = documentedKeys().map((entry) => `| ${cells(entry).join(' | ')} |`);
  return ['| key | flag | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function cells(entry: DocumentedKey): string[] {
  const key = entry.variant === undefined ? `\`${entry.key}\`` : `\`${entry.key}\` (${entry.variant})`;
  const flag = CONFIG_FLAGS.find((candidate) => candidate.key === entry.key)?.flags;
  const shown = entry.shownDefault === '' ? '' : entry.defaultIsValue ? `\`${entry.shownDefault}\`` : entry.shownDefault;
  return [key, flag === undefined ? '' : `\`${flag}\``, shown, entry.description.replaceAll('|', '\\|')].map((cell) => cell.replaceAll('\n', ' '));
}
