// Node's Buffer has per-encoding methods (utf8Slice, latin1Slice, utf8Write, ...) that skip the
// encoding lookup and argument checks of toString() and write(); on the short values of logs
// those checks cost as much as the copy itself. They date from Node's early days and protobufjs
// and undici rely on them, but they are undocumented: should a Node release drop them, each
// falls back to its documented (slower) form instead of breaking.

interface PerEncodingMethods {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  utf8Write(value: string, offset: number, length: number): number;
  latin1Write(value: string, offset: number, length: number): number;
}

const methods = Buffer.prototype as unknown as Partial<PerEncodingMethods>;
const fast = (buffer: Buffer): PerEncodingMethods => buffer as unknown as PerEncodingMethods;

/** buffer.toString('utf8', start, end). */
export const utf8Slice: (buffer: Buffer, start: number, end: number) => string =
  typeof methods.utf8Slice === 'function' ? (buffer, start, end) => fast(buffer).utf8Slice(start, end) : (buffer, start, end) => buffer.toString('utf8', start, end);

/** buffer.toString('latin1', start, end): one character per byte. */
export const latin1Slice: (buffer: Buffer, start: number, end: number) => string =
  typeof methods.latin1Slice === 'function' ? (buffer, start, end) => fast(buffer).latin1Slice(start, end) : (buffer, start, end) => buffer.toString('latin1', start, end);

/** buffer.write(value, offset, length, 'utf8'); returns the bytes written. */
export const utf8Write: (buffer: Buffer, value: string, offset: number, length: number) => number =
  typeof methods.utf8Write === 'function' ? (buffer, value, offset, length) => fast(buffer).utf8Write(value, offset, length) : (buffer, value, offset, length) => buffer.write(value, offset, length, 'utf8');

/** buffer.write(value, offset, length, 'latin1'): one byte per character, cheaper than UTF-8 for ASCII. */
export const latin1Write: (buffer: Buffer, value: string, offset: number, length: number) => number =
  typeof methods.latin1Write === 'function' ? (buffer, value, offset, length) => fast(buffer).latin1Write(value, offset, length) : (buffer, value, offset, length) => buffer.write(value, offset, length, 'latin1');
