// The whole `sluice run` configuration as one zod schema: validation, defaults, the
// documentation of every key (README's reference table and the flags' help are generated
// from the `.describe()` texts) and the types the code receives. Unknown keys are errors,
// so a misspelt key fails at start instead of being ignored. Values that are converted
// (durations, sizes, numbers, positions) take their defaults as written (`prefault`), so the
// reference shows `25s`, not 25000.

import { hostname } from 'node:os';
import { z } from 'zod';
import { parseListenAddress } from '../observe/listen-address.js';
import { resolveEndpoint } from '../sls/http/endpoint.js';
import { SlsError } from '../sls/errors.js';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN } from '../sls/signing/credentials.js';
import { sinkConfigSchema } from '../sinks/registry.js';
import { isoTime, startPosition, stopPosition } from './positions.js';
import { boolean, duration, formatDuration, size, wholeNumber } from './units.js';

// Besides `description`, three metadata keys (read by schema-doc.ts): `shownDefault`, the
// default in words when it is computed at run time, `secret`, a value no message shows, and
// `partlyShown`, a secret whose last characters `sluice config print` shows (an access key id).

const text = z.string().min(1, { message: 'must not be empty', abort: true });
const positive = (ms: number): boolean => ms > 0;

/** One of the SLS client's own checks as a refinement, so the config accepts exactly what the client will. */
function slsCheck(check: (value: string) => unknown) {
  return (value: string, ctx: z.RefinementCtx): void => {
    try {
      check(value);
    } catch (error) {
      if (!(error instanceof SlsError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  };
}

/** Whether a v4 signature can find its region: set, or read from a standard endpoint. */
function hasRegion(source: { endpoint: string; region?: string | undefined }): boolean {
  try {
    return source.region !== undefined || resolveEndpoint(source.endpoint, 'sluice').region !== undefined;
  } catch {
    return true; // the endpoint is refused on its own key; a region would not help
  }
}

const sourceSchema = z
  .strictObject({
    type: z.literal('sls').default('sls').describe('Where logs come from: `sls`, an Alibaba Cloud SLS logstore read through a consumer group.'),
    // Each of the two is checked with a known-good stand-in for the other: resolveEndpoint checks both.
    endpoint: text
      .superRefine(slsCheck((endpoint) => resolveEndpoint(endpoint, 'sluice')))
      .describe('SLS endpoint of the project\'s region, e.g. `https://cn-hangzhou.log.aliyuncs.com`, or `http://127.0.0.1:9800` for the emulator.'),
    project: text.superRefine(slsCheck((project) => resolveEndpoint('localhost', project))).describe('SLS project.'),
    logstore: text.describe('SLS logstore to read.'),
    accessKeyId: z
      .string()
      .optional()
      .meta({
        description: 'Access key id; without it, the environment\'s access key is used.',
        shownDefault: `\`$${ENV_ACCESS_KEY_ID}\``,
        secret: true,
        partlyShown: true,
      }),
    accessKeySecret: z
      .string()
      .optional()
      .meta({ description: 'Access key secret (write `${VAR}` rather than the secret itself).', shownDefault: `\`$${ENV_ACCESS_KEY_SECRET}\``, secret: true }),
    securityToken: z
      .string()
      .optional()
      .meta({ description: 'STS security token, for temporary credentials.', shownDefault: `\`$${ENV_SECURITY_TOKEN}\``, secret: true }),
    signatureVersion: z.enum(['v1', 'v4']).default('v1').describe('Request signature: `v1` (HMAC-SHA1, as the official consumers) or `v4` (needs a region).'),
    region: z.string().min(1, 'must not be empty').optional().meta({
      description: 'Region id for v4 signatures, e.g. `cn-hangzhou`.',
      shownDefault: 'read from a standard endpoint',
    }),
    consumerGroup: text.default('sluice').describe('Consumer group; processes in one group share the shards. Created if missing.'),
    consumer: text
      .default(() => hostname())
      .meta({ description: 'This consumer\'s name in the group; keep it stable across restarts so the shards come back to it.', shownDefault: 'the host name' }),
    from: startPosition.prefault('begin').describe('Where a shard without a checkpoint starts: `begin`, `end` or an ISO 8601 time.'),
    until: stopPosition
      .prefault(null)
      .describe('Where the run stops: null runs until stopped; `end` stops at the end each shard had at start; or an ISO 8601 time.'),
    heartbeatInterval: duration.refine(positive, 'must be longer than 0').prefault('5s').describe('How often the consumer tells the group which shards it holds.'),
    groupTimeout: duration
      .prefault('30s')
      .describe('Consumer timeout the group is created with: a consumer silent this long loses its shards. Whole seconds, at least twice heartbeatInterval.'),
    inOrder: boolean.prefault(false).describe('Create the group in-order: a split or merged shard\'s children wait until their parent is finished.'),
    checkpointInterval: duration.refine(positive, 'must be longer than 0').prefault('10s').describe('How often acked positions are written to the group (and once more at drain).'),
  })
  .superRefine((source, ctx) => {
    const issue = (key: string, message: string): void => ctx.addIssue({ code: 'custom', path: [key], message });
    // This runs even when a key of its own has failed a refinement: it must not trust them.
    if (source.signatureVersion === 'v4' && !hasRegion(source)) {
      issue('region', 'required for v4 signatures when the endpoint does not name one, e.g. cn-hangzhou');
    }
    if (source.groupTimeout % 1000 !== 0) {
      issue('groupTimeout', `must be whole seconds (SLS takes the timeout in seconds), got ${formatDuration(source.groupTimeout)}`);
    } else if (source.groupTimeout < 2 * source.heartbeatInterval) {
      issue(
        'groupTimeout',
        `${formatDuration(source.groupTimeout)} is less than twice source.heartbeatInterval (${formatDuration(source.heartbeatInterval)}): ` +
          'one late heartbeat would cost the consumer its shards',
      );
    }
    const { from, until } = source;
    if (from.kind === 'time' && until?.kind === 'time' && until.unixSeconds <= from.unixSeconds) {
      issue('until', `must be later than source.from (${isoTime(from.unixSeconds)}), got ${isoTime(until.unixSeconds)}`);
    }
  })
  .describe('The SLS logstore to read and the consumer group to read it with.');

const fieldsSchema = z
  .union([z.string(), z.array(text)], { error: (issue) => (issue.input === undefined ? undefined : 'expected all or a list of SLS keys') })
  .transform((fields) => {
    if (Array.isArray(fields)) return fields;
    // A flag or `${VAR}` gives the list as one comma-separated string.
    return fields.trim().toLowerCase() === 'all' ? ('all' as const) : fields.split(',').map((field) => field.trim()).filter((field) => field !== '');
  });

export const configSchema = z.strictObject({
  source: sourceSchema,
  parse: z
    .strictObject({
      fields: fieldsSchema.prefault('all').describe('SLS keys kept in each record besides the standard ones: `all`, or a list (a flag takes `a,b,c`).'),
    })
    .prefault({})
    .describe('How an SLS log becomes a request record.'),
  pipeline: z
    .strictObject({
      workers: wholeNumber(1, 256).prefault(16).describe('Tasks handing records to the sink at once.'),
      queueCapacity: wholeNumber(1).prefault(8000).describe('Records pulled but not yet written; pullers wait for room beyond it.'),
      decodeThreads: wholeNumber(0, 16)
        .prefault(1)
        .describe('Threads that turn pulled logs into NDJSON for the file, stdout and null sinks; the main thread decodes a batch itself while each holds two; 0 decodes on the main thread only.'),
      drainTimeout: duration.prefault('25s').describe('On SIGINT/SIGTERM, how long to finish in-flight records before stopping anyway.'),
      batch: z
        .strictObject({
          maxRecords: wholeNumber(1).prefault(10_000).describe('Records in one sink commit at most.'),
          maxBytes: size.refine((bytes) => bytes > 0, 'must be more than 0').prefault('16MiB').describe('Bytes of records in one sink commit at most.'),
          linger: duration.prefault('100ms').describe('How long a commit waits for more records before it is written anyway.'),
          maxInFlight: wholeNumber(1, 64).prefault(1).describe('Commits written at once by the null sink; the file and stdout sinks append one at a time, and the postgres sink takes its own sink.batch.maxInFlight.'),
        })
        .prefault({})
        .describe('How the records of many workers are combined into one sink commit.'),
    })
    .prefault({})
    .describe('The queue between pullers and the sink, and its drain.'),
  sink: sinkConfigSchema,
  deadLetter: z
    .strictObject({
      path: text.default('./data/dead-letter.ndjson').describe('NDJSON file for records that cannot be parsed or written, each with the reason.'),
    })
    .prefault({})
    .describe('Where records go that cannot be delivered.'),
  run: z
    .strictObject({
      maxRuntime: duration
        .refine(positive, 'must be longer than 0')
        .nullable()
        .prefault(null)
        .describe(
          'How long a run may read before it drains as on SIGTERM and exits 3, e.g. `50m` for an hourly cron job; records not yet pulled are left for the next run. null: no limit.',
        ),
      summary: text
        .nullable()
        .default(null)
        .describe('JSON file written (atomically) when the run ends, however it ends: reason, exit code, counts, duration, each shard\'s checkpoint. null: none.'),
      lock: text
        .default('auto')
        .describe(
          'Lock file that keeps two runs of the same job (endpoint, project, logstore, group and consumer) from overlapping; the second exits 73. `auto`: one in the temp directory named after the job; `off`; or a path.',
        ),
    })
    .prefault({})
    .describe('One run of sluice: its time limit, its summary file and its lock.'),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe('Least severe log level written (to stderr); the variable `SLUICE_LOG_LEVEL` sets it too, under the flag and over the file.'),
    })
    .prefault({})
    .describe('sluice\'s own log.'),
  observe: z
    .strictObject({
      listen: z
        .string()
        .nullable()
        .superRefine((listen, ctx) => {
          const address = listen === null ? null : parseListenAddress(listen);
          if (typeof address === 'string') ctx.addIssue({ code: 'custom', message: address });
        })
        .default(null)
        .describe(
          'HOST:PORT of the HTTP endpoint for /metrics, /healthz, /readyz, POST /pause and POST /resume, e.g. `127.0.0.1:9464` (port 0 picks a free one); null: no endpoint.',
        ),
    })
    .prefault({})
    .describe('The metrics, health and admin HTTP endpoint.'),
});

export type SluiceConfig = z.output<typeof configSchema>;
