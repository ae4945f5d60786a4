// The flags that override config file keys, in one table. The CLI adds them to `sluice run`
// and `sluice demo` by looping over CONFIG_FLAGS and hands the values back to
// loadConfig(): it never needs to know which key a flag sets. Flag values stay strings
// here; the schema reads numbers, durations and lists (`--fields a,b`) from text, as it
// does for `${VAR}` values. Help texts come from the schema's own descriptions (flag-help.ts);
// this table does not load the schema, so every command can declare the flags at no cost.

import { POSTGRES_URL } from '../sinks/postgres/connection-target.js';

export interface ConfigFlag {
  /** Commander syntax, e.g. `--workers <n>`. */
  flags: string;
  /** The dotted config key it overrides, e.g. `pipeline.workers`. */
  key: string;
}

const TABLE: readonly (readonly [flags: string, key: string])[] = [
  ['--endpoint <url>', 'source.endpoint'],
  ['--project <name>', 'source.project'],
  ['--logstore <name>', 'source.logstore'],
  ['--access-key-id <id>', 'source.accessKeyId'],
  ['--access-key-secret <secret>', 'source.accessKeySecret'],
  ['--signature-version <v>', 'source.signatureVersion'],
  ['--region <id>', 'source.region'],
  ['--consumer-group <name>', 'source.consumerGroup'],
  ['--consumer <name>', 'source.consumer'],
  ['--from <position>', 'source.from'],
  ['--until <position>', 'source.until'],
  ['--fields <keys>', 'parse.fields'],
  ['--workers <n>', 'pipeline.workers'],
  ['--queue-capacity <records>', 'pipeline.queueCapacity'],
  ['--decode-threads <n>', 'pipeline.decodeThreads'],
  ['--drain-timeout <duration>', 'pipeline.drainTimeout'],
  ['--sink <type>', 'sink.type'],
  ['--output <path>', 'sink.path'],
  ['--dead-letter <path>', 'deadLetter.path'],
  ['--max-runtime <duration>', 'run.maxRuntime'],
  ['--summary <file>', 'run.summary'],
  ['--lock <file>', 'run.lock'],
  ['--log-level <level>', 'log.level'],
  ['--listen <host:port>', 'observe.listen'],
];

export const CONFIG_FLAGS: readonly ConfigFlag[] = TABLE.map(([flags, key]) => ({ flags, key }));

/** `--workers <n>` -> `--workers`. */
function flagName(flags: string): string {
  return flags.split(' ')[0] ?? flags;
}

/** The name commander stores a flag's value under: `--queue-capacity` -> `queueCapacity`. */
function attributeName(flags: string): string {
  return flagName(flags)
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The flag that overrides `key`, e.g. `--workers` for `pipeline.workers`. */
export function flagForKey(key: string): string | undefined {
  const entry = TABLE.find(([, flagKey]) => flagKey === key);
  return entry === undefined ? undefined : flagName(entry[0]);
}

/**
 * The key a flag's value sets. `--output` says where the records go for every sink that writes
 * somewhere: a file's path, or a `postgres://` URL, which is the PostgreSQL sink's `url`.
 */
function keyFor(key: string, value: string): string {
  return key === 'sink.path' && POSTGRES_URL.test(value.trim()) ? 'sink.url' : key;
}

/** The flags that were given, by the key they set: `pipeline.workers` -> `--workers`. */
export function givenFlags(values: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const given = new Map<string, string>();
  for (const [flags, key] of TABLE) {
    const value = values[attributeName(flags)];
    if (value !== undefined) given.set(keyFor(key, value), flagName(flags));
  }
  return given;
}

/**
 * The config keys the given flags set, as a partial config (`{ pipeline: { workers: '8' } }`),
 * from the values commander parsed (`opts()`, keyed by attribute name); other values are ignored.
 */
export function overridesFromFlags(values: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const [flags, key] of TABLE) {
    const value = values[attributeName(flags)];
    if (value !== undefined) setKey(overrides, keyFor(key, value), value);
  }
  return overrides;
}

/** Sets the dotted `key` of a partial config to `value`, making the sections on the way. */
export function setKey(config: Record<string, unknown>, key: string, value: unknown): void {
  const path = key.split('.');
  let section = config;
  for (const name of path.slice(0, -1)) section = (section[name] ??= {}) as Record<string, unknown>;
  section[path[path.length - 1]!] = value;
}

/** The value at `path` of a config (or a partial one), undefined where a section on the way is missing. */
export function valueAt(config: unknown, path: readonly PropertyKey[]): unknown {
  let node = config;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}
