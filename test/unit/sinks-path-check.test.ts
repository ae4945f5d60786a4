// checkAppendPath (`sluice validate` for the file sink and the dead-letter file): what open()
// would meet at a path, found without creating or writing anything.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAppendPath } from '../../src/sinks/file/path-check.js';
import { SinkError } from '../../src/sinks/sink-error.js';
import { rejectionOf } from '../helpers/rejection.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-path-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROLE = { what: 'file sink', setting: 'sink.path' };

describe('checkAppendPath', () => {
  it('says an existing file is appended to, and a missing one created, leaving the directory as it was', async () => {
    writeFileSync(join(dir, 'existing.ndjson'), '{"a":1}\n');
    expect(await checkAppendPath(join(dir, 'existing.ndjson'), ROLE)).toBe(`${join(dir, 'existing.ndjson')} exists (8 bytes) and is writable; records are appended to it`);
    expect(await checkAppendPath(join(dir, 'new.ndjson'), ROLE)).toBe(`${join(dir, 'new.ndjson')} will be created; ${dir} is writable`);
    expect(await checkAppendPath(join(dir, 'a/b/new.ndjson'), ROLE)).toContain(`will be created with the directories it needs under ${dir}`);
    expect(readdirSync(dir)).toEqual(['existing.ndjson']);
  });

  it('refuses a directory, and a path through a file, with the errors open() raises', async () => {
    mkdirSync(join(dir, 'folder'));
    const directory = await rejectionOf(checkAppendPath(join(dir, 'folder'), ROLE), SinkError);
    expect([directory.code, directory.retryable]).toEqual(['IsADirectory', false]);
    expect(directory.message).toContain('sink.path must name a file, not a directory');

    writeFileSync(join(dir, 'plain'), '');
    const throughFile = await rejectionOf(checkAppendPath(join(dir, 'plain/sub/x.ndjson'), { what: 'dead-letter file', setting: 'deadLetter.path' }), SinkError);
    expect(throughFile.code).toBe('NotFound');
    expect(throughFile.message).toContain('a part of the path is a file, not a directory: fix deadLetter.path');
  });
});
