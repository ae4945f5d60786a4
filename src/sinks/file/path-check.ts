// What `sluice validate` asks of a path sluice will append to (the file sink's, the dead-letter
// file's), without creating or writing anything: an existing file must be writable and not a
// directory; a missing one needs its nearest existing directory to be writable, as open()
// creates the rest. Failures are the SinkErrors open() would raise, with the same advice.

import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileError, type FileRole } from './fs-error.js';

/** Resolves with what was found at `path`; rejects with the SinkError opening it would raise. */
export async function checkAppendPath(path: string, role: FileRole): Promise<string> {
  try {
    const found = await statOf(path);
    if (found !== undefined) return await checkExisting(path, found);
    const parent = await nearestExisting(dirname(path));
    if (!parent.stats.isDirectory()) throw errno('ENOTDIR');
    await access(parent.path, constants.W_OK | constants.X_OK);
    return parent.path === dirname(path)
      ? `${path} will be created; ${parent.path} is writable`
      : `${path} will be created with the directories it needs under ${parent.path}, which is writable`;
  } catch (error) {
    throw fileError(error, 'checking', path, role);
  }
}

async function checkExisting(path: string, stats: Stats): Promise<string> {
  if (stats.isDirectory()) throw errno('EISDIR');
  await access(path, constants.W_OK);
  if (stats.isFIFO()) return `${path} is a named pipe: a program must be reading it while sluice runs`;
  return stats.isFile() ? `${path} exists (${stats.size} bytes) and is writable; records are appended to it` : `${path} exists and is writable`;
}

/** The closest of `directory` and its parents that exists. */
async function nearestExisting(directory: string): Promise<{ path: string; stats: Stats }> {
  for (let path = directory; ; path = dirname(path)) {
    const stats = await statOf(path);
    if (stats !== undefined) return { path, stats };
    // The root always exists; reaching it without a stat means something stranger than a missing directory.
    if (dirname(path) === path) throw errno('ENOENT');
  }
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}
