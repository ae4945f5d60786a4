// How many log groups a puller asks for. PullLogs counts log groups, but memory is bytes, and
// a log group holds anything from one log to thousands (a busy Logtail agent ships ~550, about
// 270 KB): at the usual count of 1000, one pull would be whatever the server caps it at (SLS
// answers up to several MiB), held once compressed and once decompressed, per shard. So each
// pull asks for the groups that fit `targetBytes` at the group size of the shard's last pull,
// between 1 and `maxCount`; the first pull, with nothing seen yet, asks for one group.

export class PullSizer {
  readonly #maxCount: number;
  readonly #targetBytes: number;
  #count = 1;

  /** `maxCount` 1..1000 (the count SLS accepts); `targetBytes` the decompressed bytes a pull aims at. */
  constructor(maxCount: number, targetBytes: number) {
    this.#maxCount = maxCount;
    this.#targetBytes = targetBytes;
  }

  /** Log groups to ask for in the next pull. */
  get count(): number {
    return this.#count;
  }

  /** A pull returned `groups` log groups in `rawSize` decompressed bytes; an empty one teaches nothing. */
  pulled(groups: number, rawSize: number): void {
    if (groups === 0) return;
    const bytesPerGroup = Math.max(1, rawSize / groups);
    this.#count = Math.min(this.#maxCount, Math.max(1, Math.floor(this.#targetBytes / bytesPerGroup)));
  }
}
