// Failing sinks on purpose: catching the SinkError a call must fail with, and the pieces of a
// FileIo seam that make write(2) fail part way (the kernel will not tear a write on demand).

import type { FileHandle } from 'node:fs/promises';
import { SinkError } from '../../src/sinks/sink-error.js';
import { rejectionOf } from './rejection.js';

/** The SinkError `promise` rejects with. */
export function rejection(promise: Promise<unknown>): Promise<SinkError> {
  return rejectionOf(promise, SinkError);
}

/** An error as node:fs reports a failed system call, e.g. `ioError('EIO', 'EIO: i/o error, write')`. */
export function ioError(code: string, message: string = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** One real write(2), as FileIo.write does when the test lets it through. */
export async function realWrite(handle: FileHandle, buffer: Buffer, offset: number, length: number): Promise<number> {
  return (await handle.write(buffer, offset, length, null)).bytesWritten;
}

/** Writes the first `bytes` of the chunk for real, then fails with `error`: a torn line on disk. */
export async function tornWrite(handle: FileHandle, buffer: Buffer, offset: number, bytes: number, error: Error): Promise<never> {
  await handle.write(buffer, offset, bytes, null);
  throw error;
}
