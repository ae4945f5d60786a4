import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observe/logger.js';

function capture(level: 'info' | 'warn'): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level, destination: { write: (line: string) => void lines.push(line) } }) };
}

describe('createLogger', () => {
  it('writes one JSON object per line at the configured level and above', () => {
    const { lines, log } = capture('warn');
    log.info('not shown');
    log.warn({ shard: 3 }, 'shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, name: 'sluice', shard: 3, msg: 'shown' });
  });

  it('censors access keys even when a whole config object is logged', () => {
    const { lines, log } = capture('info');
    log.info({ source: { endpoint: 'http://x', accessKeyId: 'LTAIkey', accessKeySecret: 'very-secret', securityToken: 'sts' } }, 'config');
    log.info({ accessKeySecret: 'top-level-secret' }, 'oops');
    const text = lines.join('');
    for (const secret of ['LTAIkey', 'very-secret', 'sts"', 'top-level-secret']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!).source).toMatchObject({ endpoint: 'http://x', accessKeySecret: '[redacted]' });
  });

  it('censors database passwords and a logged PostgreSQL sink url', () => {
    const { lines, log } = capture('info');
    log.info({ password: 'pg-pass-1', connection: { password: 'pg-pass-2', connectionString: 'postgres://u:pg-pass-3@db/x' } }, 'pg');
    log.info({ sink: { type: 'postgres', url: 'postgres://u:pg-pass-4@db/x', table: 'requests' } }, 'config');
    log.info({ config: { sink: { url: 'postgres://u:pg-pass-5@db/x' } } }, 'nested config');
    const text = lines.join('');
    for (const secret of ['pg-pass-1', 'pg-pass-2', 'pg-pass-3', 'pg-pass-4', 'pg-pass-5']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[1]!).sink).toEqual({ type: 'postgres', url: '[redacted]', table: 'requests' });
  });
});
