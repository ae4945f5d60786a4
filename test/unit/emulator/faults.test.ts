import { describe, expect, it } from 'vitest';
import { SlsError } from '../../../src/sls/errors.js';
import { FaultPlan } from '../../../src/emulator/faults.js';
import { projectFromHost } from '../../../src/emulator/host.js';

function failures(plan: FaultPlan, call: string, times: number): string[] {
  return Array.from({ length: times }, () => {
    const { failure } = plan.decide(call);
    return failure instanceof SlsError ? `${failure.status} ${failure.code}` : (failure ?? 'ok');
  });
}

describe('fault spec', () => {
  it('fails exactly the next N matching calls with a count', () => {
    const plan = new FaultPlan('Heartbeat:500=2x');
    expect(failures(plan, 'PullLogs', 2)).toEqual(['ok', 'ok']);
    expect(failures(plan, 'Heartbeat', 3)).toEqual(['500 InternalServerError', '500 InternalServerError', 'ok']);
    expect(plan.describe()).toEqual([]);
  });

  it('maps 403 to the read or write quota error of the call', () => {
    const plan = new FaultPlan('*:403');
    expect(failures(plan, 'PullLogs', 1)).toEqual(['403 ShardReadQuotaExceed']);
    expect(failures(plan, 'PutLogs', 1)).toEqual(['403 ShardWriteQuotaExceed']);
    expect(failures(new FaultPlan('PutLogs:WriteQuotaExceed'), 'PutLogs', 1)).toEqual(['403 WriteQuotaExceed']);
    expect(failures(new FaultPlan('PullLogs:503'), 'PullLogs', 1)).toEqual(['503 ServerBusy']);
  });

  it('draws rates from a seeded generator: the same seed fails the same calls, near the rate', () => {
    const run = (spec: string): string[] => failures(new FaultPlan(spec), 'PullLogs', 2000);
    const first = run('PullLogs:reset=0.2,seed=7');
    expect(run('PullLogs:reset=20%,seed=7')).toEqual(first);
    expect(run('PullLogs:reset=0.2,seed=8')).not.toEqual(first);
    const resets = first.filter((f) => f === 'reset').length;
    expect(resets).toBeGreaterThan(300);
    expect(resets).toBeLessThan(500);
  });

  it('adds latencies up and lets the first failure that fires win', () => {
    const plan = new FaultPlan('PullLogs:latency=50ms,*:latency=0.5s,PullLogs:truncate,PullLogs:503');
    expect(plan.decide('PullLogs')).toEqual({ latencyMs: 550, failure: 'truncate' });
    expect(plan.decide('GetCursor')).toEqual({ latencyMs: 500 });
  });

  it('clears the rules of one call or all of them', () => {
    const plan = new FaultPlan('PullLogs:503,Heartbeat:500');
    plan.clear('PullLogs');
    expect(plan.describe()).toEqual(['Heartbeat:500']);
    plan.clear();
    expect(plan.describe()).toEqual([]);
  });

  it.each(['PullLogs', 'PullLogs:explode', 'PullLogs:503=1.5', 'PullLogs:latency=50', 'PullLogs:latency'])(
    'rejects %j with a message naming the rule',
    (spec) => {
      expect(() => new FaultPlan(spec)).toThrow(new RegExp(`fault rule "${spec}" is invalid`));
    },
  );
});

describe('project from the Host header (§1.1)', () => {
  it.each([
    ['demo.127.0.0.1:9800', 'demo'],
    ['Demo.LOCALHOST', 'demo'],
    ['logs.cn-hangzhou.log.aliyuncs.com', 'logs'],
    ['127.0.0.1:9800', 'default'],
    ['localhost', 'default'],
    ['[::1]:9800', 'default'],
    [undefined, 'default'],
  ])('%s -> %s', (host, project) => {
    expect(projectFromHost(host, 'default')).toBe(project);
  });
});
