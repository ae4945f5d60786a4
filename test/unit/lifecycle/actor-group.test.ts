import { describe, expect, it } from 'vitest';
import { ActorGroup, type Actor, type Finish } from '../../../src/lifecycle/actor-group.js';

/** An actor that runs until interrupt() or until the test ends it. */
function controllable(name: string): Actor<string> & { end(value: string): void; fail(error: Error): void; interrupts: Finish<string>[] } {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const running = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  const interrupts: Finish<string>[] = [];
  return {
    name,
    interrupts,
    run: () => running,
    interrupt(reason) {
      interrupts.push(reason);
      resolve(`${name} interrupted`);
    },
    end: resolve,
    fail: reject,
  };
}

describe('ActorGroup', () => {
  it('returns the first actor to finish and interrupts every other one with its outcome', async () => {
    const [a, b, c] = [controllable('a'), controllable('b'), controllable('c')];
    const result = new ActorGroup<string>().add(a).add(b).add(c).run();
    b.end('b is done');
    const first = await result;
    expect(first).toEqual({ actor: 'b', ok: true, value: 'b is done' });
    expect(a.interrupts).toEqual([first]);
    expect(c.interrupts).toEqual([first]);
    expect(b.interrupts).toEqual([]);
  });

  it('takes a rejection as the first reason, with its error', async () => {
    const [a, b] = [controllable('a'), controllable('b')];
    const result = new ActorGroup<string>().add(a).add(b).run();
    const boom = new Error('boom');
    a.fail(boom);
    expect(await result).toEqual({ actor: 'a', ok: false, error: boom });
    expect(b.interrupts).toHaveLength(1);
  });

  it('counts a run() that throws synchronously as a rejection', async () => {
    const b = controllable('b');
    const boom = new Error('sync');
    const thrower: Actor<string> = { name: 'thrower', run: () => { throw boom; }, interrupt: () => {} };
    expect(await new ActorGroup<string>().add(b).add(thrower).run()).toEqual({ actor: 'thrower', ok: false, error: boom });
  });

  it('resolves only after every interrupted actor has stopped', async () => {
    const a = controllable('a');
    let stopSlow!: () => void;
    const slow: Actor<string> = {
      name: 'slow',
      run: () => new Promise((resolve) => (stopSlow = () => resolve('slow stopped'))),
      interrupt: () => {}, // acknowledges, but takes its time to stop
    };
    let settled = false;
    const result = new ActorGroup<string>().add(a).add(slow).run().then((finish) => ((settled = true), finish));
    a.end('a is done');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    stopSlow();
    expect(await result).toMatchObject({ actor: 'a', value: 'a is done' });
  });

  it('ignores how the interrupted actors end, even a rejection', async () => {
    const a = controllable('a');
    const angry: Actor<string> = {
      name: 'angry',
      run: () => new Promise((_resolve, reject) => (angry.interrupt = () => reject(new Error('interrupted badly')))),
      interrupt: () => {},
    };
    const result = new ActorGroup<string>().add(a).add(angry).run();
    a.end('first');
    expect(await result).toEqual({ actor: 'a', ok: true, value: 'first' });
  });

  it('runs once, and refuses an empty group', async () => {
    const a = controllable('a');
    const group = new ActorGroup<string>().add(a);
    const result = group.run();
    await expect(group.run()).rejects.toThrow(/once/);
    expect(() => group.add(controllable('late'))).toThrow(/after the group started/);
    a.end('x');
    await result;
    await expect(new ActorGroup<string>().run()).rejects.toThrow(/at least one/);
  });
});
