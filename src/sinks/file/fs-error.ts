// A failed file-system call as a SinkError: a stable code from the errno, the retry verdict
// the pipeline acts on, and a message that names the path and what the user can do.

import { dirname } from 'node:path';
import { SinkError } from '../sink-error.js';

/** Where the failing path came from, so the advice can name the config key to change. */
export interface FileRole {
  /** What the file is, for messages: `file sink`, `dead-letter file`. */
  what: string;
  /** The config key that sets the path: `sink.path`, `deadLetter.path`. */
  setting: string;
}

interface Verdict {
  code: string;
  /** What went wrong, in words. */
  reason: string;
  retryable: boolean;
  advice: string;
}

function verdict(errno: string | undefined, path: string, role: FileRole): Verdict {
  const elsewhere = `or point ${role.setting} elsewhere`;
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { code: 'PermissionDenied', reason: 'permission denied', retryable: false, advice: `give sluice write access to ${dirname(path)} ${elsewhere}` };
    case 'ENOENT':
      return { code: 'NotFound', reason: 'no such directory', retryable: false, advice: `a directory of the path is missing: fix ${role.setting}` };
    case 'ENOTDIR':
    case 'EEXIST': // mkdir -p, when a part of the path is a file
      return { code: 'NotFound', reason: 'not a directory', retryable: false, advice: `a part of the path is a file, not a directory: fix ${role.setting}` };
    case 'EISDIR':
      return { code: 'IsADirectory', reason: 'is a directory', retryable: false, advice: `${role.setting} must name a file, not a directory` };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'DiskFull', reason: 'disk full', retryable: true, advice: `free space ${elsewhere}` };
    case 'EFBIG':
      return { code: 'FileTooLarge', reason: 'file too large', retryable: false, advice: 'the file reached the size limit of its file system or process: set sink.rotate.maxBytes' };
    case 'ENXIO': // opening a FIFO (non-blocking) that no process has open for reading
    case 'EPIPE': // writing a FIFO whose reader has gone
      return { code: 'NoReader', reason: 'no process is reading the pipe', retryable: true, advice: `start the program that reads ${path} ${elsewhere}` };
    case 'EMFILE':
    case 'ENFILE':
      return { code: 'TooManyOpenFiles', reason: 'too many open files', retryable: true, advice: 'raise the open-files limit (ulimit -n)' };
    default:
      return { code: 'IoError', reason: 'I/O error', retryable: true, advice: `check the disk holding ${dirname(path)} ${elsewhere}` };
  }
}

/** `error` (from node:fs) met while `action`-ing `path`, as a SinkError. */
export function fileError(error: unknown, action: string, path: string, role: FileRole): SinkError {
  if (error instanceof SinkError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const { code, reason, retryable, advice } = verdict(errno, path, role);
  const detail = errno === undefined ? ` (${(error as Error | undefined)?.message ?? String(error)})` : ` (${errno})`;
  return new SinkError({ code, retryable, message: `${reason}${detail} ${action} ${path}: ${advice}`, cause: error });
}
