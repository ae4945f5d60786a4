import { describe, expect, it } from 'vitest';
import { Readiness } from '../../../src/observe/readiness.js';

/** An output whose health the test sets. */
function output(name: string): { name: string; healthy: boolean; detail?: string; health(): { ok: boolean; detail?: string } } {
  return {
    name,
    healthy: true,
    health() {
      return this.healthy ? { ok: true } : { ok: false, ...(this.detail === undefined ? {} : { detail: this.detail }) };
    },
  };
}

describe('Readiness', () => {
  it('is not ready while starting, ready once running, and never again once draining', () => {
    const readiness = new Readiness([output('sink')]);
    expect(readiness.check()).toEqual({ ready: false, reason: 'starting' });
    readiness.running();
    expect(readiness.check()).toEqual({ ready: true });
    readiness.draining();
    expect(readiness.check()).toEqual({ ready: false, reason: 'draining' });
    readiness.running();
    expect(readiness.check()).toEqual({ ready: false, reason: 'draining' });
  });

  it('a drain that begins during the start stays a drain', () => {
    const readiness = new Readiness([]);
    readiness.draining();
    readiness.running();
    expect(readiness.check()).toEqual({ ready: false, reason: 'draining' });
  });

  it('is not ready while an output is unhealthy, naming it and its reason, and ready again once it recovers', () => {
    const sink = output('sink');
    const deadLetter = output('dead-letter file');
    const readiness = new Readiness([sink, deadLetter]);
    readiness.running();
    deadLetter.healthy = false;
    deadLetter.detail = 'disk full writing /data/dead.ndjson';
    expect(readiness.check()).toEqual({ ready: false, reason: 'dead-letter file not ready', detail: 'disk full writing /data/dead.ndjson' });
    sink.healthy = false;
    expect(readiness.check()).toEqual({ ready: false, reason: 'sink not ready' });
    sink.healthy = true;
    deadLetter.healthy = true;
    expect(readiness.check()).toEqual({ ready: true });
  });
});
