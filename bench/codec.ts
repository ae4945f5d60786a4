// The consumer's hot path, measured on the same bytes for every candidate: nginx logs from the
// generator, 550 per LogGroup, packed into LogGroupList bodies of a PullLogs-like size and
// compressed as the service sends them. Each figure is the median of several runs.
//
// Sluice's decoder is compared with protobufjs decode + flatten (the generic alternative); the
// LZ4 and zstd codecs sluice uses with the other candidates, which are why it uses them.

import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import * as zstdWasm from '@bokuweb/zstd-wasm';
import * as fzstd from 'fzstd';
import { NginxLogGenerator } from '../src/emulator/generator.js';
import { codecNames, decompress } from '../src/sls/codec/compression.js';
import { encodeLogGroup, encodeLogGroupList } from '../src/sls/codec/log-group-encoder.js';
import { decodeLogGroupList } from '../src/sls/codec/log-group-list-decoder.js';
import { nativeLz4 } from '../src/sls/codec/lz4-native.js';
import { jsLz4 } from '../src/sls/codec/lz4.js';
import { zstd } from '../src/sls/codec/zstd.js';
import type { LogGroupInput } from '../src/sls/types.js';
import { medianSeconds, timeOnce, type BenchRow } from './report.js';
import { protobufjsDecodeAndFlatten } from './sls-protobufjs.js';

export interface CodecBenchOptions {
  /** Logs to generate (550 per group). */
  logs: number;
  /** LogGroups per LogGroupList body; 10 groups of nginx logs is ~2.9 MB raw, a typical PullLogs answer. */
  groupsPerBody?: number;
  /** Runs per figure; the median is reported. */
  runs?: number;
}

interface Lz4js {
  decompressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, dstIndex: number): number;
}

const LOGS_PER_GROUP = 550;
/** Groups generated and encoded again for the warm per-call figures. */
const SAMPLE_GROUPS = 20;

export async function benchCodec(options: CodecBenchOptions): Promise<BenchRow[]> {
  const runs = options.runs ?? 5;
  const groupsPerBody = options.groupsPerBody ?? 10;
  const groupCount = Math.max(1, Math.round(options.logs / LOGS_PER_GROUP));
  const logs = groupCount * LOGS_PER_GROUP;
  const rows: BenchRow[] = [];
  const perSecond = (count: number, seconds: number): number => Math.round(count / seconds);
  const mbPerSecond = (bytes: number, seconds: number): number => bytes / seconds / 1e6;

  // As the emulator pre-generates: group by group, keeping only the encoded bytes.
  const generator = new NginxLogGenerator({ seed: 1 });
  const groups: Uint8Array[] = [];
  const pipeline = timeOnce(() => {
    for (let g = 0; g < groupCount; g++) groups.push(encodeLogGroup(generator.nextGroup(LOGS_PER_GROUP)));
  });
  rows.push({ name: 'generate + encode, streaming', value: perSecond(logs, pipeline), unit: 'logs/s', note: 'one run, as the emulator pre-generates' });
  const sample: LogGroupInput[] = [];
  const generate = medianSeconds(runs, () => {
    sample.length = 0;
    for (let g = 0; g < SAMPLE_GROUPS; g++) sample.push(generator.nextGroup(LOGS_PER_GROUP));
  });
  const encode = medianSeconds(runs, () => sample.forEach((group) => encodeLogGroup(group)));
  rows.push(
    { name: 'generator nextGroup', value: perSecond(SAMPLE_GROUPS * LOGS_PER_GROUP, generate), unit: 'logs/s', note: `${SAMPLE_GROUPS} groups` },
    { name: 'encodeLogGroup', value: perSecond(SAMPLE_GROUPS * LOGS_PER_GROUP, encode), unit: 'logs/s', note: `the same ${SAMPLE_GROUPS} groups again` },
  );

  const bodies: Uint8Array[] = [];
  for (let g = 0; g < groups.length; g += groupsPerBody) bodies.push(encodeLogGroupList(groups.slice(g, g + groupsPerBody)));
  groups.length = 0;
  const rawBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  const bodyNote = `${bodies.length} bodies of ${groupsPerBody} groups, ${(rawBytes / logs).toFixed(0)} B/log`;

  const sluice = medianSeconds(runs, () => bodies.forEach((body) => decodeLogGroupList(body)));
  const generic = medianSeconds(runs, () => bodies.forEach((body) => protobufjsDecodeAndFlatten(body)));
  rows.push(
    { name: 'decode: sluice decodeLogGroupList', value: perSecond(logs, sluice), unit: 'records/s', note: bodyNote },
    { name: 'decode: protobufjs decode + flatten', value: perSecond(logs, generic), unit: 'records/s' },
    { name: 'decode: sluice / protobufjs', value: generic / sluice, unit: 'x', note: 'target >= 2.5' },
  );

  const lz4Bodies = bodies.map((body) => jsLz4.compress(body));
  const lz4Bytes = lz4Bodies.reduce((sum, body) => sum + body.length, 0);
  const lz4js = createRequire(import.meta.url)('lz4js') as Lz4js;
  const lz4Decoders: Array<[string, (block: Uint8Array, rawSize: number) => unknown]> = [
    ['sluice JS', (block, rawSize) => jsLz4.decompress(block, rawSize)],
    ['lz4js', (block, rawSize) => lz4js.decompressBlock(block, new Uint8Array(rawSize), 0, block.length, 0)],
  ];
  if (nativeLz4) lz4Decoders.push(['lz4-napi (sync, size prefix prepended)', (block, rawSize) => nativeLz4?.decompress(block, rawSize)]);
  for (const [name, decode] of lz4Decoders) {
    const seconds = medianSeconds(runs, () => lz4Bodies.forEach((block, i) => decode(block, (bodies[i] as Uint8Array).length)));
    rows.push({ name: `lz4 decode: ${name}`, value: mbPerSecond(rawBytes, seconds), unit: 'MB/s', note: name.startsWith('lz4-napi') ? 'used' : undefined });
  }
  for (const codec of nativeLz4 ? [jsLz4, nativeLz4] : [jsLz4]) {
    let compressed = 0;
    const seconds = medianSeconds(runs, () => {
      compressed = bodies.reduce((sum, body) => sum + codec.compress(body).length, 0);
    });
    rows.push({ name: `lz4 compress: ${codec.name}`, value: mbPerSecond(rawBytes, seconds), unit: 'MB/s', note: `ratio ${(rawBytes / compressed).toFixed(2)}` });
  }

  // zstd.ts initialised the wasm module unless node:zlib has zstd; initialising twice would race.
  if (zstd.name !== '@bokuweb/zstd-wasm') await zstdWasm.init();
  const zstdBodies = bodies.map((body) => zstd.compress(body));
  const zstdBytes = zstdBodies.reduce((sum, body) => sum + body.length, 0);
  const zstdDecoders: Array<[string, (frame: Uint8Array) => unknown]> = [
    ['@bokuweb/zstd-wasm', (frame) => zstdWasm.decompress(frame)],
    ['fzstd', (frame) => fzstd.decompress(frame)],
  ];
  if ('zstdDecompressSync' in zlib) zstdDecoders.push(['node:zlib', (frame) => (zlib as unknown as { zstdDecompressSync(data: Uint8Array): Buffer }).zstdDecompressSync(frame)]);
  for (const [name, decode] of zstdDecoders) {
    const seconds = medianSeconds(runs, () => zstdBodies.forEach((frame) => decode(frame)));
    rows.push({ name: `zstd decode: ${name}`, value: mbPerSecond(rawBytes, seconds), unit: 'MB/s', note: name === zstd.name ? 'used' : undefined });
  }
  const zstdCompress = medianSeconds(runs, () => bodies.forEach((body) => zstd.compress(body)));
  rows.push({ name: `zstd compress: ${zstd.name}`, value: mbPerSecond(rawBytes, zstdCompress), unit: 'MB/s', note: `level 1, ratio ${(rawBytes / zstdBytes).toFixed(2)}` });

  const pull = medianSeconds(runs, () => lz4Bodies.forEach((block, i) => decodeLogGroupList(decompress('lz4', block, (bodies[i] as Uint8Array).length))));
  rows.push(
    { name: `pull path: lz4 (${codecNames.lz4}) + decode`, value: perSecond(logs, pull), unit: 'records/s', note: `lz4 ratio ${(rawBytes / lz4Bytes).toFixed(2)}` },
    { name: 'peak RSS', value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MB', note: 'this process, holding every body raw, lz4 and zstd at once' },
  );
  return rows;
}
