// Where `sluice run` gets its configuration: the YAML file, `${VAR}`s from the environment,
// the variables that set a key themselves (SLUICE_LOG_LEVEL), then flags over all of them,
// validated at once by the one schema. Every problem found becomes a ConfigError naming its
// key (and flag or variable), so a bad config fails at start with everything to fix, before
// any connection is opened.

import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';
import { overridesFromEnv } from './env-overrides.js';
import { givenFlags, overridesFromFlags } from './flags.js';
import { interpolate } from './interpolate.js';
import { configIssues } from './issues.js';
import { configSchema, type SluiceConfig } from './schema.js';
import { documentedKeys } from './schema-doc.js';
import { shownValue } from './units.js';

export interface LoadOptions {
  /** YAML config file; without one, flags must give the required keys. */
  file?: string;
  /** Flag values as commander parsed them (`opts()`); see CONFIG_FLAGS. */
  flags?: Readonly<Record<string, string | undefined>>;
  /** Environment for `${VAR}` references and SLUICE_LOG_LEVEL; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

type Mapping = Record<string, unknown>;

/** The validated configuration; rejects with a ConfigError listing every problem. */
export async function loadConfig(options: LoadOptions = {}): Promise<SluiceConfig> {
  const document = options.file === undefined ? {} : await readDocument(options.file);
  const env = options.env ?? process.env;
  const { value: fromFile, references, unset } = interpolate(document, env);
  const flags = options.flags ?? {};
  const fromEnv = overridesFromEnv(env);
  const input = merge(merge(withoutEmptySections(fromFile, ''), fromEnv.overrides), overridesFromFlags(flags));
  const result = configSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  // A key both set is named by its flag: the flag's value is the one that was refused.
  const given = new Map([...fromEnv.given, ...givenFlags(flags)]);
  throw new ConfigError(configIssues(result.error.issues, { input, flags: given, references, unset }));
}

async function readDocument(file: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? String(error)})`;
    throw fileError(`config file ${file} ${why}`);
  }
  // Loaded only for a file: a run configured by flags alone does without (a twentieth of a second).
  const { LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  const parsed = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (parsed.errors.length > 0) {
    throw new ConfigError(
      parsed.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { key: '', message: `config file ${file}, line ${line}, column ${col}: ${error.message}` };
      }),
    );
  }
  const document: unknown = parsed.toJS();
  if (document === null || document === undefined) return {}; // an empty file: all defaults
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw fileError(`config file ${file} must be a mapping of sections (source:, pipeline:, ...), not ${shownValue(document)}`);
  }
  return document as Mapping;
}

function fileError(message: string): ConfigError {
  return new ConfigError([{ key: '', message }]);
}

/**
 * `override` over `base`, section by section. A section whose `type` changes is replaced,
 * not merged: `--sink stdout` over a file sink must not keep the file sink's `path`.
 */
function merge(base: unknown, override: unknown): unknown {
  if (!isMapping(base) || !isMapping(override)) return override === undefined ? base : override;
  if ('type' in override && 'type' in base && override.type !== base.type) return override;
  const merged: Mapping = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = merge(base[key], value);
  return merged;
}

/**
 * A section left empty (`sink:` with every key below commented out) is null in YAML; it
 * means the section's defaults, as if it were absent, not a section that is not a mapping.
 */
function withoutEmptySections(node: unknown, path: string): unknown {
  if (!isMapping(node)) return node;
  const entries = Object.entries(node).flatMap(([name, child]) => {
    const key = path === '' ? name : `${path}.${name}`;
    // Only a null asks the schema's documentation (whose JSON Schema takes a while to make).
    const section = child === null && documentedKeys().some((entry) => entry.key.startsWith(`${key}.`));
    return section ? [] : [[name, withoutEmptySections(child, key)] as const];
  });
  return Object.fromEntries(entries);
}

function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
