// Shapes shared by the SLS client, the codec and the emulator.

/** One log as sluice hands it on: flat, with its log group's metadata by reference. */
export interface LogRecord {
  /** Unix seconds (Log.Time). */
  time: number;
  /** Nanosecond part (Log.TimeNs), when the producer sent one. */
  timeNs?: number;
  topic: string;
  source: string;
  /** The log group's tags (shared by every record of the group: do not mutate). */
  tags: Record<string, string>;
  /** The log's contents; a key seen twice keeps its last value. */
  fields: Record<string, string>;
  /** Index of the record's log group within the LogGroupList it came from. */
  group: number;
}

/** A log to write (PutLogs, emulator generator). Values may be raw bytes (e.g. invalid UTF-8). */
export interface LogInput {
  time: number;
  timeNs?: number;
  contents: ReadonlyArray<readonly [string, string | Uint8Array]>;
}

/** A log group to write. */
export interface LogGroupInput {
  topic?: string;
  source?: string;
  machineUuid?: string;
  tags?: ReadonlyArray<readonly [string, string]>;
  logs: readonly LogInput[];
}

/** Compression of a request or response body, as named by `x-log-compresstype`. */
export type CompressType = 'lz4' | 'zstd' | 'deflate' | 'none';

export type ShardStatus = 'readwrite' | 'readonly';

/** One entry of ListShards (§8). */
export interface ShardInfo {
  shardID: number;
  status: ShardStatus;
  inclusiveBeginKey: string;
  exclusiveEndKey: string;
  createTime: number;
}

/** One entry of GetCheckPoint (§14.7). */
export interface CheckpointInfo {
  shard: number;
  checkpoint: string;
  updateTime: number;
  consumer: string;
}

/** One entry of ListConsumerGroup (§14.2). */
export interface ConsumerGroupInfo {
  name: string;
  timeout: number;
  order: boolean;
}
