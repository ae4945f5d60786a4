// The node flags that keep sluice's memory down (src/cli/node-flags.ts) reach node however
// sluice is started as documented: the bin's shebang and the image's ENTRYPOINT (the container
// test) carry them, and the node running the tests accepts them.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../../src/cli/node-flags.js';

function firstLine(relative: string): string {
  return readFileSync(new URL(relative, import.meta.url), 'utf8').split('\n', 1)[0] as string;
}

describe('node flags', () => {
  it('are what the bin passes to node, in the source and in the compiled script', () => {
    // `env -S` splits the rest of the line into arguments: without it, Linux would look for a
    // program named "node --max-semi-space-size=1 ...".
    const shebang = `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`;
    expect(firstLine('../../../src/cli/main.ts')).toBe(shebang);
    expect(firstLine('../../../dist/src/cli/main.js')).toBe(shebang);
  });

  it('are accepted by this node, and keep its young generation small under load', () => {
    // Objects that survive a while, as records in flight do: V8's defaults grow the young
    // generation to 16 MB per semi-space under this; the flags keep it at 1.
    const load = `let held = []; for (let i = 0; i < 3e6; i++) { held.push({ i }); if (held.length > 2e5) held = []; }
      console.log(require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size)`;
    const run = spawnSync(process.execPath, [...NODE_FLAGS, '-e', load], { encoding: 'utf8' });
    // An unknown flag would stop sluice before it starts.
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Number(run.stdout)).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
