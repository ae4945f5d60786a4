// An append-only file whose appends are durable: the one implementation of "write, fdatasync,
// and on failure cut the file back" that the file sink and the dead-letter file share.
//
// An append is one write of the whole buffer (looping on short writes) followed by fdatasync,
// and resolves only then: that is what lets the pipeline ack, and checkpoint, the records in
// it. A failed append truncates the file back to its length before the append, so the retry
// of the same batch does not follow a torn half line (NDJSON readers would reject the file).
//
// The path may also name a FIFO or a device (/dev/null, /dev/full). Nothing written to those
// may ever block a thread: exit waits for the threadpool, so a stuck write(2) there would keep
// the process alive past its drain deadline, forever. A FIFO is written through a PipeWriter,
// and everything else is opened O_NONBLOCK.

import { constants } from 'node:fs';
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { abortedError, closedError, notOpenError } from '../lifecycle-errors.js';
import { Serial } from '../serial.js';
import type { SinkHealth } from '../sink.js';
import { fileError, type FileRole } from './fs-error.js';
import { PipeWriter } from './pipe-writer.js';
import { rotatedPath, rotationDue, type RotationPolicy } from './rotation.js';

/** The two calls whose failures matter most and that the kernel will not fail on demand. */
export interface FileIo {
  /** One write(2) of `buffer[offset, offset + length)`; resolves with the bytes written. */
  write(handle: FileHandle, buffer: Buffer, offset: number, length: number): Promise<number>;
  /** ftruncate(2). */
  truncate(handle: FileHandle, length: number): Promise<void>;
}

const NODE_IO: FileIo = {
  write: async (handle, buffer, offset, length) => (await handle.write(buffer, offset, length, null)).bytesWritten,
  truncate: (handle, length) => handle.truncate(length),
};

// 'a', plus O_NONBLOCK: ignored for regular files, it turns a write that would block on a device
// (a terminal stopped with ^S) into an error (EAGAIN) instead of a thread blocked for good.
const FILE_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;

export interface AppendFileOptions extends FileRole {
  path: string;
  log: Logger;
  /** Start new files by size or age; absent = one file forever. */
  rotate?: RotationPolicy;
  /** Clock for rotation by interval and rotated names (ms since the epoch); default Date.now. */
  now?: () => number;
  /** Seam for tests that need a short write, or a failing write or truncate, on a regular file. */
  io?: Partial<FileIo>;
}

export class AppendFile {
  readonly path: string;
  readonly #role: FileRole;
  readonly #log: Logger;
  readonly #rotate: RotationPolicy | undefined;
  readonly #now: () => number;
  readonly #io: FileIo;
  readonly #serial = new Serial();
  #state: 'new' | 'open' | 'closed' = 'new';
  #closing: Promise<void> | undefined;
  #output: FileHandle | PipeWriter | undefined;
  #size = 0;
  #openedAt = 0;
  /**
   * Regular files are synced and can be cut back after a failed append. Devices and pipes
   * (/dev/null, a FIFO) have nothing to sync (fdatasync fails with EINVAL) nor a length to restore.
   */
  #regular = false;
  /** Length to cut the file back to before anything else, when cutting back after a failure failed too. */
  #tornAt: number | undefined;
  /** Why the last append failed; cleared by the next one that succeeds. */
  #failure: string | undefined;

  constructor(options: AppendFileOptions) {
    this.path = options.path;
    this.#role = { what: options.what, setting: options.setting };
    this.#log = options.log;
    this.#rotate = options.rotate;
    this.#now = options.now ?? Date.now;
    this.#io = { ...NODE_IO, ...options.io };
  }

  /** Creates missing directories and opens the file for appending (an existing file is continued). */
  async open(): Promise<void> {
    if (this.#state === 'closed') throw closedError(this.#name);
    if (this.#state === 'open') return;
    await this.#openOutput();
    this.#openedAt = this.#now();
    this.#state = 'open';
  }

  /** Appends `buffers`, in order, durably and as one; appends run one at a time, in call order. */
  append(buffers: readonly Buffer[], signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'open') {
      return Promise.reject(this.#state === 'new' ? notOpenError(this.#name) : closedError(this.#name));
    }
    return this.#serial.run(() => this.#commit(buffers, signal));
  }

  /** Closes the file once the appends already asked for are done; idempotent, fine without open(). */
  close(): Promise<void> {
    // Refuse new appends at once; the ones queued before still complete.
    this.#state = 'closed';
    this.#closing ??= this.#serial.run(async () => {
      const output = this.#output;
      if (output !== undefined) await this.#closeOutput(output);
    });
    return this.#closing;
  }

  health(): SinkHealth {
    return this.#failure === undefined ? { ok: true } : { ok: false, detail: this.#failure };
  }

  get #name(): string {
    return `${this.#role.what} ${this.path}`;
  }

  async #commit(buffers: readonly Buffer[], signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw abortedError(this.#name, signal);
    let length = 0;
    for (const buffer of buffers) length += buffer.length;
    if (length === 0) return;
    try {
      // No output here means a rotation failed half way, or a pipe write failed: open the file
      // again and, as its age still counts from when it was first opened, retry the rotation.
      let output = this.#output ?? (await this.#openOutput());
      const now = this.#now();
      const current = { size: this.#size, openedAt: this.#openedAt };
      if (this.#rotate !== undefined && rotationDue(this.#rotate, current, length, now)) {
        output = await this.#rotateTo(output, now);
      }
      if (output instanceof PipeWriter) await this.#appendToPipe(output, buffers, signal);
      else await this.#appendDurably(output, buffers);
      this.#failure = undefined;
    } catch (error) {
      this.#failure = (error as Error).message;
      throw error;
    }
  }

  async #openOutput(): Promise<FileHandle | PipeWriter> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      // Looked at before opening, as a FileHandle cannot hand its fd over to a PipeWriter. A
      // path that changes kind in between is still never written blocking: see FILE_FLAGS.
      const output = (await isFifo(this.path)) ? await this.#openPipe() : await this.#openFile();
      this.#output = output;
      return output;
    } catch (error) {
      throw fileError(error, 'opening', this.path, this.#role);
    }
  }

  async #openPipe(): Promise<PipeWriter> {
    const pipe = await PipeWriter.open(this.path);
    this.#regular = false;
    this.#size = 0;
    return pipe;
  }

  async #openFile(): Promise<FileHandle> {
    const handle = await open(this.path, FILE_FLAGS, 0o666);
    try {
      const stats = await handle.stat();
      // A new file's name is durable only once its directory is synced: without this, a
      // crash could lose the whole file even though every append in it was fdatasync'd.
      if (stats.isFile() && stats.size === 0) await syncDirectory(dirname(this.path));
      this.#regular = stats.isFile();
      this.#size = stats.size;
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  // Every append was fdatasync'd (or taken by the pipe) before it resolved, so closing has
  // nothing left to flush.
  async #closeOutput(output: FileHandle | PipeWriter): Promise<void> {
    this.#output = undefined;
    if (output instanceof PipeWriter) {
      output.close();
      return;
    }
    try {
      await this.#repair(output);
    } finally {
      // Released even when the repair failed: #tornAt stays set, and the next open retries it.
      await output.close().catch((error: unknown) => {
        throw fileError(error, 'closing', this.path, this.#role);
      });
    }
  }

  /** Closes the full file, renames it aside, and opens a new, empty one under the same path. */
  async #rotateTo(output: FileHandle | PipeWriter, now: number): Promise<FileHandle | PipeWriter> {
    await this.#closeOutput(output);
    try {
      const target = await rotatedPath(this.path, now);
      await rename(this.path, target);
      // The rename is durable before records go to the new file, so a crash leaves no
      // rotated data under the live name.
      await syncDirectory(dirname(this.path));
      this.#log.info({ path: this.path, rotatedTo: target }, 'rotated the sink file');
    } catch (error) {
      throw fileError(error, 'rotating', this.path, this.#role);
    }
    const fresh = await this.#openOutput();
    this.#openedAt = now;
    return fresh;
  }

  // The buffers are written one by one rather than joined first: a commit's worth of NDJSON
  // is megabytes, and copying it cost more than the writes.
  async #appendDurably(handle: FileHandle, buffers: readonly Buffer[]): Promise<void> {
    await this.#repair(handle);
    const before = this.#size;
    let size = before;
    try {
      for (const buffer of buffers) {
        for (let offset = 0; offset < buffer.length; ) {
          const written = await this.#io.write(handle, buffer, offset, buffer.length - offset);
          if (written <= 0) throw Object.assign(new Error('write() made no progress'), { code: 'EIO' });
          offset += written;
        }
        size += buffer.length;
      }
      if (this.#regular) await handle.datasync();
    } catch (error) {
      await this.#cutBack(handle, before);
      throw fileError(error, 'writing', this.path, this.#role);
    }
    this.#size = size;
  }

  /** A pipe's append is done once the pipe has taken it; unlike a file's, a drain deadline can abort it. */
  async #appendToPipe(pipe: PipeWriter, buffers: readonly Buffer[], signal: AbortSignal | undefined): Promise<void> {
    try {
      for (const buffer of buffers) {
        await pipe.write(buffer, signal);
        this.#size += buffer.length;
      }
    } catch (error) {
      // The writer is destroyed: the next append opens the FIFO again (a new reader starts
      // afresh). What part of the buffer the reader got cannot be taken back from a pipe.
      await this.#closeOutput(pipe);
      if (signal?.aborted === true) throw abortedError(this.#name, signal);
      throw fileError(error, 'writing', this.path, this.#role);
    }
  }

  /** After a failed append: remove whatever part of it reached the file. */
  async #cutBack(handle: FileHandle, length: number): Promise<void> {
    // A device or pipe has no length to restore; the append's own error is the one to report.
    if (!this.#regular) return;
    try {
      await this.#io.truncate(handle, length);
      this.#size = length;
    } catch (error) {
      // Not reported in place of the append's error, which says what actually went wrong.
      this.#tornAt = length;
      this.#log.warn(
        { path: this.path, err: error },
        'could not remove the partial line of a failed write; retrying before the next write',
      );
    }
  }

  /** Finishes a cut-back that failed earlier; nothing may be appended after a torn line. */
  async #repair(handle: FileHandle): Promise<void> {
    if (this.#tornAt === undefined) return;
    try {
      await this.#io.truncate(handle, this.#tornAt);
    } catch (error) {
      throw fileError(error, 'removing a partial line from', this.path, this.#role);
    }
    this.#size = this.#tornAt;
    this.#tornAt = undefined;
  }
}

async function isFifo(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFIFO();
  } catch (error) {
    // Not there yet: open() creates a regular file.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
