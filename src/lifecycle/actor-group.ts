// A group of actors, after oklog/run: each actor has a run() that settles when it stops and
// an interrupt() that asks it to stop. The first actor to finish, by resolving or rejecting,
// decides why the group stops: every other actor is interrupted with that reason, and the
// group resolves with it once all of them have stopped. Nothing here knows what the actors
// are; the ingest composition (src/app) gives them their meaning.

export interface Actor<T> {
  /** Names the actor in the group's result (and in logs). */
  name: string;
  /** Runs until the actor stops by itself or after interrupt(); may reject. */
  run(): Promise<T>;
  /** Asks run() to settle soon. Called at most once, possibly just after run() settled: it must be harmless then. */
  interrupt(reason: Finish<T>): void;
}

/** How the first actor to stop ended: the group's reason for stopping. */
export type Finish<T> = { actor: string; ok: true; value: T } | { actor: string; ok: false; error: unknown };

export class ActorGroup<T> {
  readonly #actors: Actor<T>[] = [];
  #started = false;

  add(actor: Actor<T>): this {
    if (this.#started) throw new Error(`actor "${actor.name}" added after the group started`);
    this.#actors.push(actor);
    return this;
  }

  /**
   * Starts every actor; when the first one settles, interrupts the others with its outcome,
   * waits for all of them to settle (their own outcomes are ignored: they are stopping
   * because they were asked to) and resolves with the first outcome.
   */
  async run(): Promise<Finish<T>> {
    if (this.#started) throw new Error('an actor group runs once');
    this.#started = true;
    if (this.#actors.length === 0) throw new Error('an actor group needs at least one actor');
    let first: Finish<T> | undefined;
    const settled = this.#actors.map((actor) =>
      settle(actor).then((finish) => {
        if (first !== undefined) return;
        first = finish;
        for (const other of this.#actors) if (other !== actor) other.interrupt(finish);
      }),
    );
    await Promise.all(settled);
    return first!;
  }
}

/** run() as a value that never rejects; a synchronous throw counts as a rejection. */
async function settle<T>(actor: Actor<T>): Promise<Finish<T>> {
  try {
    return { actor: actor.name, ok: true, value: await actor.run() };
  } catch (error) {
    return { actor: actor.name, ok: false, error };
  }
}
