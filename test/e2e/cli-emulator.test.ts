// The CLI as a user runs it: `sluice emulator` in one process, `sluice shards` against it.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliProcess } from '../helpers/cli.js';

const KEYS = ['--access-key-id', 'e2e-id', '--access-key-secret', 'e2e-secret'];
let running: CliProcess | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

async function startEmulator(extra: readonly string[] = []): Promise<string> {
  running = spawnCli(['emulator', '--port', '0', '--shards', '3', '--generate', '3000', ...KEYS, ...extra]);
  const [url] = await running.waitForOutput(/http:\/\/127\.0\.0\.1:\d+/);
  return url;
}

describe('sluice emulator + sluice shards', () => {
  it('prints its endpoint when ready, serves shards, and stops cleanly on SIGTERM', async () => {
    const url = await startEmulator();
    const shards = await runCli(['shards', '--endpoint', url, '--project', 'demo', '--logstore', 'access', '--json', ...KEYS]);
    // Nothing has read the logstore yet: the default consumer group has no checkpoints to show.
    expect(shards.stderr).toBe('sluice: consumer group sluice does not exist in logstore access, so no shard has a checkpoint; the first run creates it\n');
    expect(shards.code).toBe(0);
    const rows = JSON.parse(shards.stdout) as Array<{ shardID: number; status: string; beginCursor: string; endCursor: string }>;
    expect(rows.map((r) => r.shardID)).toEqual([0, 1, 2]);
    expect(rows.every((r) => r.status === 'readwrite')).toBe(true);
    // 3000 generated logs went somewhere: at least one shard's end is past its begin.
    expect(rows.some((r) => r.beginCursor !== r.endCursor)).toBe(true);

    running!.child.kill('SIGTERM');
    expect(await running!.exited).toBe(0);
  });

  it('stops cleanly on SIGINT too', async () => {
    await startEmulator();
    running!.child.kill('SIGINT');
    expect(await running!.exited).toBe(0);
  });

  it('exits 77 with a clear message when the secret is wrong, and never prints the secret', async () => {
    const url = await startEmulator();
    const result = await runCli([
      'shards', '--endpoint', url, '--project', 'demo', '--logstore', 'access',
      '--access-key-id', 'e2e-id', '--access-key-secret', 'not-the-secret',
    ]);
    expect(result.code).toBe(77);
    expect(result.stderr).toMatch(/SignatureNotMatch|signature/i);
    expect(result.stdout + result.stderr).not.toContain('not-the-secret');
  });

  it('exits 78 naming the logstore when it does not exist', async () => {
    const url = await startEmulator();
    const result = await runCli(['shards', '--endpoint', url, '--project', 'demo', '--logstore', 'nope', ...KEYS]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('nope');
  });

  it('exits 69 when the endpoint cannot be reached', async () => {
    const result = await runCli(['shards', '--endpoint', 'http://127.0.0.1:1', '--project', 'demo', '--logstore', 'access', ...KEYS]);
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/ECONNREFUSED|refused/i);
  });

  it.each([
    [['--port', 'eighty'], /--port/],
    [['--faults', 'PullLogs:teapot'], /PullLogs:teapot/],
    [['--access-key-id', 'only-the-id'], /--access-key-secret/],
  ])('exits 2 naming the mistake for emulator %j', async (flags, message) => {
    const result = await runCli(['emulator', '--port', '0', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
