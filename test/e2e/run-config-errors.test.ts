// A bad configuration fails at start, before anything is read, with the config exit code and
// a message that names the key at fault.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { RunRig, type ConfigOverrides } from '../helpers/run-rig.js';

let rig: RunRig;

beforeAll(async () => {
  rig = await RunRig.start();
});
afterAll(() => rig.close());

describe('sluice run with a bad config', () => {
  it.each<[string, ConfigOverrides, RegExp]>([
    ['an unknown key', { pipeline: { wrokers: 2 } }, /pipeline\.wrokers/],
    ['workers: 0', { pipeline: { workers: 0 } }, /pipeline\.workers/],
    ['a missing endpoint', { source: { endpoint: undefined } }, /source\.endpoint/],
  ])('%s: exits 78 naming the key', async (name, overrides, key) => {
    const config = rig.writeConfig(overrides, `${name.replaceAll(/\W+/g, '-')}.yaml`);
    const result = await runCli(['run', '--config', config], {}, rig.dir);
    expect(result.code, result.stderr).toBe(ExitCode.Config);
    expect(result.stderr).toMatch(key);
    // Nothing was read: the emulator saw no request at all.
    expect(rig.emulator.stats().requests).toBe(0);
  });
});
