// Runs async tasks one after another, in call order. A sink's commits must not interleave
// (two appends racing would interleave their bytes, and a failed one's truncation would cut
// the other's lines); the pipeline's batcher already commits one batch at a time, this guards
// every other caller, such as workers writing dead letters at once.

export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task run before it has settled; its result is the task's. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // A failed task must not stop the ones queued after it: the next one sees a settled tail.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
