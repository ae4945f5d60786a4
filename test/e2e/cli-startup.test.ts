// What a command loads at start: `--version` nothing of sluice's work, a run only the config,
// the sink, the compression and the observability it uses. Loading modules is most of the
// CLI's start-up time, and a static import in the wrong file would bring the rest back
// unnoticed; a help still shows each config flag with its text from the schema.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';

/** Module resolution hooks that append every module URL resolved to the file $SLUICE_TEST_LOADED. */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.SLUICE_TEST_LOADED, resolved.url + '\\n');
  return resolved;
}`;
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
)}`;

/** What no command needs until it uses it. */
const ON_DEMAND = ['/node_modules/pg/', '/node_modules/prom-client/', '/node_modules/pino-pretty/', '/node_modules/@bokuweb/zstd-wasm/', '/dist/src/emulator/index.js', '/dist/src/config/flag-help.js'];

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 2000 });
});
afterAll(() => rig.close());

/** Runs the CLI with `args` to its end; resolves with its exit code and the URLs of the modules it loaded. */
async function loadedBy(args: readonly string[]): Promise<{ code: number | null; stderr: string; loaded: string[] }> {
  const file = rig.path(`loaded-${Math.random().toString(36).slice(2)}.txt`);
  const child = spawn(process.execPath, ['--import', PRELOAD, CLI_PATH, ...args], { env: { ...process.env, SLUICE_TEST_LOADED: file } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, loaded: [...new Set(readFileSync(file, 'utf8').split('\n').filter((url) => url !== ''))] };
}

function loadedAny(loaded: readonly string[], parts: readonly string[]): string[] {
  return loaded.filter((url) => parts.some((part) => url.includes(part)));
}

describe('what a command loads at start', () => {
  it('--version loads none of the config, logging, SLS or sink modules', async () => {
    const { code, loaded } = await loadedBy(['--version']);
    expect(code).toBe(0);
    expect(loaded.some((url) => url.endsWith('/dist/src/cli/main.js'))).toBe(true);
    const work = ['/node_modules/zod/', '/node_modules/yaml/', '/node_modules/pino/', '/dist/src/config/schema.js', '/dist/src/sls/client.js', '/dist/src/sinks/registry.js'];
    expect(loadedAny(loaded, [...work, ...ON_DEMAND])).toEqual([]);
  });

  it('a run into the null sink, configured by flags, without --listen or a terminal, loads neither a config file reader, pg, prom-client, pino-pretty, zstd nor the emulator', async () => {
    const source = ['--endpoint', rig.emulator.url, '--project', rig.emulator.project, '--logstore', rig.logstore, '--access-key-id', 'e2e-id', '--access-key-secret', 'e2e-secret'];
    const run = ['--sink', 'null', '--until', 'end', '--consumer-group', 'startup', '--lock', 'off', '--dead-letter', rig.path('dead.ndjson')];
    const { code, stderr, loaded } = await loadedBy(['run', ...source, ...run]);
    expect(code, stderr).toBe(0);
    expect(loaded.some((url) => url.includes('/node_modules/zod/'))).toBe(true);
    expect(loadedAny(loaded, ['/node_modules/yaml/', ...ON_DEMAND])).toEqual([]);
  });
});

describe('help', () => {
  it('shows each config flag with its key, description and default, for `run --help` and `help run` alike', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' '); // commander wraps the texts at 80 columns
    const { workers } = configSchema.shape.pipeline.parse(undefined);
    expect(text).toContain(`--workers <n> pipeline.workers: Tasks handing records to the sink at once. (default: ${workers})`);
    expect(text).toContain('A postgres:// URL sets sink.url instead.');
    expect((await runCli(['help', 'run'])).stdout).toBe(help.stdout);
  });

  it('shows demo without the source flags the emulator sets', async () => {
    const help = await runCli(['demo', '-h']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--until <position> source.until: Where the run stops');
    expect(help.stdout).not.toContain('--endpoint');
  });
});
