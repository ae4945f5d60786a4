// End-to-end tests spawn the compiled CLI; compile it once before any test runs so they
// never exercise a stale dist/. Type errors do not stop the emit (`npm run typecheck`
// reports them); only a missing output does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (result.status !== 0) process.stderr.write(`tsc reported errors while building dist/ for the tests:\n${result.stdout}`);
  if (!existsSync('dist/src/cli/main.js')) throw new Error('tsc did not produce dist/src/cli/main.js');
}
