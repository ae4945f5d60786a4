import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_FLAGS } from '../../../src/config/flags.js';
import { configReference } from '../../../src/config/reference.js';
import { documentedKeys } from '../../../src/config/schema-doc.js';

const START = '<!-- config-reference:start -->';
const END = '<!-- config-reference:end -->';

describe('the configuration reference', () => {
  it('in README.md is the one the schema renders', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, `README.md has no ${START} marker`).toBeGreaterThanOrEqual(0);
    const section = readme.slice(start + START.length, end);
    const expected = `\n${configReference()}\n`;
    expect(section, `README.md's config reference is out of date; put this between its markers:\n${expected}`).toBe(expected);
  });

  it('describes every key, and every flag sets a documented key', () => {
    const keys = documentedKeys();
    expect(keys.filter((entry) => entry.description === '').map((entry) => entry.key)).toEqual([]);
    expect(CONFIG_FLAGS.filter((flag) => !keys.some((entry) => entry.key === flag.key))).toEqual([]);
  });

  it('shows a default computed at run time in words, not the value of the machine it was rendered on', () => {
    expect(configReference()).toContain('| `source.consumer` | `--consumer <name>` | the host name |');
  });
});
