// Counters of what the emulator served, for tests, benchmarks and the admin API.

export interface EmulatorStats {
  /** Requests received, the admin API's excluded. */
  requests: number;
  /** Requests per API name (PullLogs, Heartbeat, ...). */
  calls: Record<string, number>;
  /** Faults injected, per API name. */
  faults: Record<string, number>;
  /** PullLogs: log groups and logs returned, LogGroupList bytes before and after compression. */
  pulledGroups: number;
  pulledLogs: number;
  pulledRawBytes: number;
  pulledWireBytes: number;
  /** Log groups and logs stored, by PutLogs and by the generator. */
  writtenGroups: number;
  writtenLogs: number;
}

export function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    calls: {},
    faults: {},
    pulledGroups: 0,
    pulledLogs: 0,
    pulledRawBytes: 0,
    pulledWireBytes: 0,
    writtenGroups: 0,
    writtenLogs: 0,
  };
}

export function countCall(counters: Record<string, number>, call: string): void {
  counters[call] = (counters[call] ?? 0) + 1;
}
