// The official Node SDK (`@alicloud/log`), unchanged, as a peer of the emulator in tests.
// It ships no types: load it as CommonJS and describe the few methods the tests call.

import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';

export interface SdkLog {
  timestamp: number;
  timestampNsPart?: number;
  content: Record<string, string>;
}

export interface SdkLogGroup {
  logs: SdkLog[];
  topic?: string;
  source?: string;
  tags?: Array<Record<string, string>>;
}

export interface SdkClient {
  createLogStore(project: string, logstore: string, data: { ttl: number; shardCount: number }, options: object): Promise<unknown>;
  postLogStoreLogs(project: string, logstore: string, data: SdkLogGroup, options: object): Promise<unknown>;
  listLogStore(project: string, data: object, options: object): Promise<{ logstores: string[] }>;
}

export interface SdkError extends Error {
  code: string;
}

const Client = createRequire(import.meta.url)('@alicloud/log') as new (config: {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
}) => SdkClient;

/** The SDK dials `<project>.<endpoint>`: resolve every name to this machine. */
const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) (callback as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** An HTTP agent for the SDK's request options: every name it dials reaches this machine. */
export function loopbackAgent(): Agent {
  return new Agent({ lookup: toLoopback });
}

/** The official SDK client for an emulator on `port` (pass `{ agent: loopbackAgent() }` as each call's options). */
export function officialClient(port: number, key: { accessKeyId: string; accessKeySecret: string }): SdkClient {
  return new Client({ ...key, endpoint: `http://127.0.0.1:${port}` });
}
