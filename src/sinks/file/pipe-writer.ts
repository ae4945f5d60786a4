// Writes to a FIFO without ever blocking a thread, so that a reader that stops reading can
// stall a write but never the process's exit.
//
// Why not the FileHandle that regular files use: its write(2) runs on a libuv threadpool thread,
// and on a full pipe that call blocks until someone reads. Exiting the process waits for the
// threadpool, so one stuck write kept `sluice run` alive forever after its drain deadline. Here
// the FIFO is opened O_NONBLOCK and written through a net.Socket, which waits for room in the
// pipe on the event loop (epoll) instead; a write that cannot finish can then be aborted.
// (fs.createWriteStream would not do: it writes through the same threadpool.)

import { close, constants, open } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';

const openFd = promisify(open);
const closeFd = promisify(close);

// O_NONBLOCK also keeps open(2) itself from waiting for a reader: with none it fails (ENXIO).
const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK;

export class PipeWriter {
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
    // Every failure also reaches the callback of the write that met it, which reports it;
    // without a listener, the 'error' event emitted besides would crash the process.
    socket.on('error', () => undefined);
  }

  /** Opens the FIFO at `path` for writing; rejects with ENXIO when nobody has it open for reading. */
  static async open(path: string): Promise<PipeWriter> {
    const fd = await openFd(path, FLAGS);
    try {
      // The socket owns the fd from here: destroying it closes the fd.
      return new PipeWriter(new Socket({ fd, readable: false, writable: true }));
    } catch (error) {
      // Not a pipe after all (it was replaced since it was looked at): ERR_INVALID_FD_TYPE.
      await closeFd(fd);
      throw error;
    }
  }

  /**
   * Resolves once the pipe has taken all of `buffer`. An abort rejects with the signal's reason
   * and destroys the writer: the bytes it has not passed on yet are dropped, as the caller takes
   * the whole buffer as unwritten.
   */
  write(buffer: Buffer, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        // Rejected before destroying: after a destroy, Node calls the write's callback with no error.
        reject(signal?.reason);
        this.close();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#socket.write(buffer, (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined || error === null) resolve();
        else reject(error);
      });
    });
  }

  /**
   * Closes the fd at once; idempotent. Call it with no write pending (a pending write would
   * resolve as if written). Bytes of an aborted or failed write are dropped, not waited for.
   */
  close(): void {
    this.#socket.destroy();
  }
}
