import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, offsetCursor } from '../../../src/sls/cursor.js';
import { thrown } from '../../helpers/sls-failure.js';

describe('cursor', () => {
  it('decodes the documented example and its unpadded form (§7)', () => {
    expect(decodeCursor('MTcyOTA3MDYxODQyODA0NDY1NQ==')).toBe(1729070618428044655n);
    expect(decodeCursor('MTcyOTA3MDYxODQyODA0NDY1NQ')).toBe(1729070618428044655n);
    expect(decodeCursor('MA==')).toBe(0n);
  });

  it('encodes padded base64 of the decimal integer, beyond the safe-integer range', () => {
    const position = 9_007_199_254_740_993n; // 2^53 + 1: a Number would round it
    const cursor = encodeCursor(position);
    expect(Buffer.from(cursor, 'base64').toString('ascii')).toBe('9007199254740993');
    expect(cursor.length % 4).toBe(0);
    expect(decodeCursor(cursor)).toBe(position);
  });

  it('moves by whole log groups', () => {
    const cursor = encodeCursor(1_700_000_000_000_000_000n);
    expect(decodeCursor(offsetCursor(cursor, 3))).toBe(1_700_000_000_000_000_003n);
    expect(decodeCursor(offsetCursor(cursor, -1))).toBe(1_699_999_999_999_999_999n);
  });

  it.each(['', 'not base64!', Buffer.from('12a4').toString('base64'), Buffer.from('1'.repeat(25)).toString('base64')])(
    'rejects %j with ParameterInvalid',
    (bad) => {
      expect(thrown(() => decodeCursor(bad))).toMatchObject({ code: 'ParameterInvalid', status: 400, retryable: false });
    },
  );
});
