// The effective configuration as YAML, for `sluice config print`: every key the validated
// config holds (file, `${VAR}`s, flags and defaults already merged), written back the way a
// config file writes it (`25s`, `16MiB`, `begin`), in schema order, with no secret in it.
// Keys that are not set and have no default are left out.

import { stringify } from 'yaml';
import { maskedUrl, POSTGRES_URL } from '../sinks/postgres/connection-target.js';
import { maskedAccessKeyId } from '../sls/signing/credentials.js';
import { setKey, valueAt } from './flags.js';
import { formatPosition, type StartPosition, type StopPosition } from './positions.js';
import type { SluiceConfig } from './schema.js';
import { documentedKeys, type DocumentedKey } from './schema-doc.js';
import { formatDuration, formatSize } from './units.js';

const MASK = '********';

type Mapping = Record<string, unknown>;

/** `config` as a YAML document, secrets masked. */
export function printedConfig(config: SluiceConfig): string {
  const printed: Mapping = {};
  const sinkType = config.sink.type;
  for (const entry of documentedKeys()) {
    if (entry.variant !== undefined && entry.variant !== sinkType) continue;
    const value = valueAt(config, entry.key.split('.'));
    if (value !== undefined) setKey(printed, entry.key, shown(entry, value));
  }
  return stringify(printed, { lineWidth: 0 });
}

/** A secret as it may be printed: a URL with its password masked, an access key id by its last characters, anything else not at all. */
function maskedSecret(value: string, partlyShown: boolean): string {
  if (POSTGRES_URL.test(value.trim())) return maskedUrl(value.trim());
  return partlyShown ? maskedAccessKeyId(value) : MASK;
}

function shown(entry: DocumentedKey, value: unknown): unknown {
  if (entry.secret) return typeof value === 'string' ? maskedSecret(value, entry.partlyShown) : MASK;
  switch (entry.unit) {
    case 'duration':
      return formatDuration(value as number);
    case 'size':
      return formatSize(value as number);
    case 'position':
      return formatPosition(value as StartPosition | StopPosition | null);
    default:
      return value;
  }
}
