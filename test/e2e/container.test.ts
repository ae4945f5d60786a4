// The container image runs the same `sluice run` these tests run. No Docker engine runs here,
// so nothing is built: the Dockerfile's last stage is read, its ENTRYPOINT + CMD are mapped
// onto this checkout (the image's /app is the repository, tini's job is done by the test
// sending the signal itself) and run against the emulator; its HEALTHCHECK command then asks
// the running process, and SIGTERM drains it as Kubernetes would.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../src/cli/node-flags.js';
import { spawnCli } from '../helpers/cli.js';
import { execForm, lastArgs, readStages, type Stage } from '../helpers/dockerfile.js';
import { RunRig } from '../helpers/run-rig.js';
import { readSink, requestIds, waitForSinkLines } from '../helpers/sink-file.js';

const DOCKERFILE = fileURLToPath(new URL('../../Dockerfile', import.meta.url));
const stages = readStages(DOCKERFILE);
const image = stages.at(-1) as Stage;
const LOGS = 4000;

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start({ generate: LOGS });
});
afterAll(() => rig.close());

/** The `--listen` value in `args`, and its port. */
function listenPort(args: readonly string[]): string {
  const value = args[args.indexOf('--listen') + 1] ?? '';
  return value.slice(value.lastIndexOf(':') + 1);
}

/** Polls a readiness endpoint until it answers 200 (Kubernetes' readiness probe, faster). */
async function untilReady(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(url).then((response) => response.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Dockerfile', () => {
  it('builds in one stage and runs node 22 slim as a non-root user in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(image.from).toBe('node:22-slim');
    const user = lastArgs(image, 'USER');
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    // The runtime stage takes the compiled CLI from the build stage, not from the build context.
    expect(lastArgs(image, 'COPY')).toMatch(new RegExp(`^--from=${stages[0]?.name} /app/dist/src `));
  });

  it('starts node through an init, in exec form, with the CLI and the node flags the tests run', () => {
    const entrypoint = execForm(lastArgs(image, 'ENTRYPOINT'), 'ENTRYPOINT');
    expect(entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(entrypoint.slice(2)).toEqual(['node', ...NODE_FLAGS, `${lastArgs(image, 'WORKDIR')}/dist/src/cli/main.js`]);
    expect(execForm(lastArgs(image, 'CMD'), 'CMD').slice(0, 3)).toEqual(['run', '--config', '/etc/sluice/sluice.yaml']);
  });

  it("runs the image's command against the emulator: healthy, ready, and drained by SIGTERM with every record written", { timeout: 60_000 }, async () => {
    const command = execForm(lastArgs(image, 'CMD'), 'CMD');
    const port = listenPort(command);
    // The same arguments, with the config file the image mounts replaced by the rig's and the
    // fixed port by a free one (tests run side by side).
    const args = command.map((arg, i) => (command[i - 1] === '--config' ? rig.writeConfig() : command[i - 1] === '--listen' ? arg.replace(/:\d+$/, ':0') : arg));
    const run = spawnCli(args, {}, rig.dir);
    const started = await run.waitForLog((line) => typeof line.listen === 'string');
    const bound = listenPort(['--listen', String(started.listen)]);

    const healthcheck = execForm(lastArgs(image, 'HEALTHCHECK')?.replace(/^.*?CMD\s+/, ''), 'HEALTHCHECK');
    expect(healthcheck[0]).toBe('node');
    const probe = spawnSync(process.execPath, healthcheck.slice(1).map((arg) => arg.replaceAll(`:${port}/`, `:${bound}/`)), { encoding: 'utf8', timeout: 10_000 });
    expect(probe.status, probe.stderr).toBe(0);
    await untilReady(`http://127.0.0.1:${bound}/readyz`);

    // A daemon: it has read everything there is and waits for more, until Kubernetes stops it.
    await waitForSinkLines(rig.path('requests.ndjson'), LOGS, 30_000);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(0);
    expect(new Set(requestIds(readSink(rig.path('requests.ndjson')))).size).toBe(LOGS);
  });
});
