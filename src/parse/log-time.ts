// Log.Time (Unix seconds) and Log.TimeNs to ISO 8601 UTC, once per record on the hot path.
// Logs arrive in time order, many per second, so the date-and-time part is formatted once per
// second and reused: Date#toISOString per record would cost more than the rest of the parse.

import { ParseError } from './parse-error.js';

export class IsoTimeFormatter {
  #second = Number.NaN;
  /** `YYYY-MM-DDTHH:MM:SS` of #second. */
  #prefix = '';

  /** `2026-11-21T10:15:00Z`, or with TimeNs `2026-11-21T10:15:00.000000123Z` (always 9 digits). */
  format(time: number, timeNs: number | undefined): string {
    if (time !== this.#second) {
      this.#prefix = new Date(time * 1000).toISOString().slice(0, 19);
      this.#second = time;
    }
    if (timeNs === undefined) return `${this.#prefix}Z`;
    if (!(timeNs >= 0 && timeNs < 1e9)) {
      throw new ParseError('BadTime', `TimeNs ${timeNs} is not a nanosecond part of a second (0..999999999)`);
    }
    // 1e9 + ns has exactly ten digits: dropping the leading 1 leaves ns zero-padded to nine.
    return `${this.#prefix}.${String(1e9 + timeNs).slice(1)}Z`;
  }
}
