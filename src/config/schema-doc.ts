// What the config schema says about its keys, as a flat list: the README's reference table,
// the flags' help texts and the error messages are all read from here, so none of them can
// disagree with what is validated. It reads the schema's JSON Schema (zod's public
// `toJSONSchema`, as input: durations as written, `25s`), not zod's internals.

import { z } from 'zod';
import { configSchema } from './schema.js';

export interface DocumentedKey {
  /** Dotted key, e.g. `pipeline.batch.maxBytes`. */
  key: string;
  /** For a key of one variant of a section chosen by `type` (the sink): that type, e.g. `file`. */
  variant?: string;
  /** `required`, a value as written (`25s`), or words for a computed default (`the host name`); '' when none. */
  shownDefault: string;
  /** Whether shownDefault is a value (shown as code) rather than words. */
  defaultIsValue: boolean;
  required: boolean;
  description: string;
  /** No message may show this key's value. */
  secret: boolean;
  /** A secret whose last characters may be shown to tell which one is configured (an access key id). */
  partlyShown: boolean;
  /** How a parsed value is written back (`sluice config print`): durations and sizes in their units, positions as words or times. */
  unit?: ValueUnit;
}

export type ValueUnit = 'duration' | 'size' | 'position';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  shownDefault?: string;
  secret?: boolean;
  partlyShown?: boolean;
  unit?: ValueUnit;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
}

let documented: readonly DocumentedKey[] | undefined;

/** Every leaf key of the config, in schema order; sections chosen by `type` list `type` first, then each variant's keys. */
export function documentedKeys(): readonly DocumentedKey[] {
  documented ??= sectionKeys(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, []);
  return documented;
}

/** The documentation of one key, or undefined for a key the schema does not have. */
export function documentedKey(key: string): DocumentedKey | undefined {
  return documentedKeys().find((entry) => entry.key === key);
}

function sectionKeys(node: JsonSchema, path: readonly string[], variant?: string): DocumentedKey[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const childPath = [...path, name];
    if (child.properties !== undefined) return sectionKeys(child, childPath, variant);
    if (child.oneOf !== undefined) return variantKeys(child, childPath);
    // The discriminator of a variant is documented once, by variantKeys.
    if (variant !== undefined && name === 'type') return [];
    return [leaf(child, childPath.join('.'), required.has(name), variant)];
  });
}

/** A section whose keys depend on its `type` (the sink): one `type` row, then each variant's own keys. */
function variantKeys(node: JsonSchema, path: readonly string[]): DocumentedKey[] {
  const variants = node.oneOf ?? [];
  const typeOf = (variant: JsonSchema): string => String(variant.properties?.type?.const);
  const defaultType = variants.find((variant) => variant.properties?.type?.default !== undefined);
  const types = variants.map((variant) => `\`${typeOf(variant)}\`: ${variant.description ?? ''}`.trim());
  const typeKey: DocumentedKey = {
    key: [...path, 'type'].join('.'),
    shownDefault: defaultType === undefined ? 'required' : typeOf(defaultType),
    defaultIsValue: defaultType !== undefined,
    required: defaultType === undefined,
    description: [node.description ?? '', ...types].filter((part) => part !== '').join(' '),
    secret: false,
    partlyShown: false,
  };
  return [typeKey, ...variants.flatMap((variant) => sectionKeys(variant, path, typeOf(variant)))];
}

function leaf(node: JsonSchema, key: string, required: boolean, variant: string | undefined): DocumentedKey {
  const words = node.shownDefault;
  const value = node.default;
  const shownDefault = words ?? (value !== undefined ? writtenValue(value) : required ? 'required' : '');
  return {
    key,
    ...(variant === undefined ? {} : { variant }),
    shownDefault,
    defaultIsValue: words === undefined && value !== undefined,
    required,
    description: node.description ?? '',
    secret: node.secret === true,
    partlyShown: node.partlyShown === true,
    ...(node.unit === undefined ? {} : { unit: node.unit }),
  };
}

/** A default as a user writes it in YAML: text bare, the rest as JSON (`null`, `false`, `[]`). */
function writtenValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
