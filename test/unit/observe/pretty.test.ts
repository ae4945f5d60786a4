import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observe/logger.js';
import { colorAllowed, prettyLines } from '../../../src/observe/pretty.js';

const ESC = '\u001b';
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`);

function capture(colorize: boolean): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: prettyLines({ write: (line: string) => void lines.push(line) }, { colorize }) });
  return { lines, log };
}

describe('pretty log lines (a terminal)', () => {
  it('shows time, level, message and the fields on one line, without the pid and name every line repeats', () => {
    const { lines, log } = capture(false);
    log.info({ shard: 3, records: 120 }, 'drained and stopped');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: drained and stopped \{"shard":3,"records":120\}\n$/);
    expect(lines[0]).not.toMatch(/pid|sluice/);
  });

  it('writes only the configured level and above, and shows an error with its stack', () => {
    const { lines, log } = capture(false);
    log.debug('hidden');
    log.error({ err: new Error('disk full') }, 'the run failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR: the run failed/);
    expect(lines[0]).toContain('Error: disk full');
    expect(lines[0]).toContain('pretty.test.ts');
  });

  it('still censors access keys', () => {
    const { lines, log } = capture(false);
    log.info({ source: { accessKeySecret: 'very-secret' } }, 'config');
    expect(lines.join('')).not.toContain('very-secret');
  });

  it('colours the level only when asked', () => {
    const plain = capture(false);
    const coloured = capture(true);
    for (const { log } of [plain, coloured]) log.warn('slow');
    expect(plain.lines[0]).not.toMatch(ANSI);
    expect(coloured.lines[0]).toMatch(ANSI);
  });
});

describe('colorAllowed', () => {
  it('follows NO_COLOR: set and not empty turns colours off', () => {
    expect(colorAllowed({})).toBe(true);
    expect(colorAllowed({ NO_COLOR: '' })).toBe(true);
    expect(colorAllowed({ NO_COLOR: '1' })).toBe(false);
  });
});
