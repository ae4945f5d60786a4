// Writing config files for loadConfig and catching the ConfigError a load must fail with.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { rejectionOf } from '../../helpers/rejection.js';

/** The three keys every config needs, as YAML. */
export const REQUIRED_SOURCE = 'source:\n  endpoint: http://127.0.0.1:9800\n  project: demo\n  logstore: access\n';

/** A temporary folder, removed after the test file; `write` puts a config file in it. */
export function configFolder(): { dir: string; write(name: string, yaml: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, yaml) {
      const file = join(dir, name);
      writeFileSync(file, yaml);
      return file;
    },
  };
}

/** The ConfigError `promise` rejects with. */
export function configError(promise: Promise<unknown>): Promise<ConfigError> {
  return rejectionOf(promise, ConfigError);
}
