// What a run prints on stderr, by where stderr goes: at a terminal, log lines for a person
// with the progress line below them; into a file (or a pipe, journald), JSON lines only. And
// the level, from the config, SLUICE_LOG_LEVEL or --log-level.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { CLI_NODE_ARGS, runCli, runCliInTerminal, type LogLine } from '../helpers/cli.js';
import { RunRig } from '../helpers/run-rig.js';

const ESC = '\u001b';
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
/** The progress line as ProgressLine draws it: back to the line's start, clear it, the counters. */
const PROGRESS = new RegExp(`\r${ESC}\\[K\\d[\\d,]* records \\| `);

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: 2000, shards: 2 });
});
afterAll(() => rig.close());

function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogLine);
}

describe('sluice run at a terminal', () => {
  it('prints log lines for a person, with the progress line below them', async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'terminal' } }, 'terminal.yaml');
    // A daemon run that the max runtime ends: long enough for the progress line to be drawn.
    const { code, output } = await runCliInTerminal(['run', '--config', config, '--max-runtime', '2s'], {}, rig.dir);
    expect(code, output).toBe(ExitCode.MaxRuntime);
    expect(output).toMatch(PROGRESS);
    const text = output.replace(ANSI, '');
    expect(text).toMatch(/\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: sluice run: /);
    expect(text).toMatch(/INFO: reached the max runtime and drained .*: 2000 records written/);
    expect(text).not.toContain('{"level"');
  });
});

describe('sluice run with stderr in a file', () => {
  it('writes JSON lines only, and no progress line', async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'file' } }, 'file.yaml');
    const stderrPath = rig.path('stderr.log');
    const fd = openSync(stderrPath, 'w');
    const child = spawn(process.execPath, [...CLI_NODE_ARGS, 'run', '--config', config, '--max-runtime', '2s'], { cwd: rig.dir, stdio: ['ignore', 'ignore', fd] });
    closeSync(fd);
    const [code] = (await once(child, 'exit')) as [number | null];
    const written = readFileSync(stderrPath, 'utf8');
    expect(code, written).toBe(ExitCode.MaxRuntime);
    expect(written).not.toContain(`${ESC}[K`);
    // Every line but the CLI's own closing `sluice: ...` line is one of pino's.
    const [closing, ...logs] = written.trimEnd().split('\n').reverse();
    expect(closing).toMatch(/^sluice: --max-runtime reached/);
    const lines = jsonLines(logs.reverse().join('\n'));
    expect(lines[0]).toMatchObject({ level: 30, msg: expect.stringMatching(/^sluice run: /) });
    expect(lines.at(-1)).toMatchObject({ reason: 'max-runtime', records: 2000 });
  });
});

describe('SLUICE_LOG_LEVEL', () => {
  it('set to warn, hides the info lines that the config file would show', async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'quiet' }, log: { level: 'info' } }, 'quiet.yaml');
    const { code, stderr } = await runCli(['run', '--config', config, '--until', 'end'], { SLUICE_LOG_LEVEL: 'warn' }, rig.dir);
    expect(code, stderr).toBe(ExitCode.Ok);
    expect(stderr).toBe('');
    // The flag still wins over the variable.
    const loud = await runCli(['run', '--config', config, '--until', 'end', '--log-level', 'info'], { SLUICE_LOG_LEVEL: 'warn' }, rig.dir);
    expect(jsonLines(loud.stderr)[0]).toMatchObject({ level: 30, msg: expect.stringMatching(/^sluice run: /) });
  });

  it('with a bad value, fails at start with the config exit code, naming the variable', async () => {
    const config = rig.writeConfig({ source: { consumerGroup: 'bad-level' } }, 'bad-level.yaml');
    const { code, stderr } = await runCli(['run', '--config', config, '--until', 'end'], { SLUICE_LOG_LEVEL: 'verbose' }, rig.dir);
    expect(code, stderr).toBe(ExitCode.Config);
    expect(stderr).toMatch(/SLUICE_LOG_LEVEL \(log\.level\): expected .*"warn".*got "verbose"/);
  });
});
