import { hostname } from 'node:os';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addConfigFlags } from '../../../src/cli/options.js';
import { flagHelp } from '../../../src/config/flag-help.js';
import { CONFIG_FLAGS } from '../../../src/config/flags.js';
import { loadConfig } from '../../../src/config/load.js';
import { REQUIRED_SOURCE, configError, configFolder } from './config-fixture.js';

const folder = configFolder();

/** The flag values commander gives for `argv`, with CONFIG_FLAGS added the way the CLI adds them. */
function parsedFlags(argv: readonly string[]): Record<string, string | undefined> {
  const command = addConfigFlags(new Command().exitOverride());
  return command.parse([...argv], { from: 'user' }).opts();
}

function valueAt(config: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, name) => (node as Record<string, unknown>)[name], config);
}

describe('loadConfig defaults', () => {
  it('fills every key but the three required ones with its documented default', async () => {
    const config = await loadConfig({ file: folder.write('minimal.yaml', REQUIRED_SOURCE), env: {} });
    expect(config).toEqual({
      source: {
        type: 'sls',
        endpoint: 'http://127.0.0.1:9800',
        project: 'demo',
        logstore: 'access',
        signatureVersion: 'v1',
        consumerGroup: 'sluice',
        consumer: hostname(),
        from: { kind: 'begin' },
        until: null,
        heartbeatInterval: 5_000,
        groupTimeout: 30_000,
        inOrder: false,
        checkpointInterval: 10_000,
      },
      parse: { fields: 'all' },
      pipeline: { workers: 16, queueCapacity: 8000, decodeThreads: 1, drainTimeout: 25_000, batch: { maxRecords: 10_000, maxBytes: 16 * 1024 * 1024, linger: 100, maxInFlight: 1 } },
      sink: { type: 'file', path: './data/requests.ndjson' },
      deadLetter: { path: './data/dead-letter.ndjson' },
      run: { maxRuntime: null, summary: null, lock: 'auto' },
      log: { level: 'info' },
      observe: { listen: null },
    });
  });

  it('needs no file when flags give the required keys, and treats an empty file as all defaults', async () => {
    const flags = parsedFlags(['--endpoint', 'http://127.0.0.1:9800', '--project', 'demo', '--logstore', 'access']);
    const withoutFile = await loadConfig({ flags, env: {} });
    expect(await loadConfig({ file: folder.write('empty.yaml', ''), flags, env: {} })).toEqual(withoutFile);
    expect(withoutFile.source.project).toBe('demo');
  });

  it('takes a section whose keys are all commented out for its defaults', async () => {
    const file = folder.write('empty-sections.yaml', `${REQUIRED_SOURCE}pipeline:\n  # workers: 8\nsink:\nlog:\n`);
    const config = await loadConfig({ file, env: {} });
    expect([config.pipeline.workers, config.sink, config.log.level]).toEqual([16, { type: 'file', path: './data/requests.ndjson' }, 'info']);
  });

  it('names each missing required key and the flag that can set it', async () => {
    const error = await configError(loadConfig({ env: {} }));
    expect(error.code).toBe('InvalidConfig');
    expect(error.message.split('\n')).toEqual([
      'source.endpoint: required (set it in the config file or with --endpoint)',
      'source.project: required (set it in the config file or with --project)',
      'source.logstore: required (set it in the config file or with --logstore)',
    ]);
  });
});

describe('flags over the file', () => {
  // key -> [the file's value as YAML, the flag's argument, the value the flag must produce]
  const CASES: Record<string, [string, string, unknown]> = {
    'source.endpoint': ['http://127.0.0.1:9800', 'https://cn-shanghai.log.aliyuncs.com', 'https://cn-shanghai.log.aliyuncs.com'],
    'source.project': ['demo', 'other', 'other'],
    'source.logstore': ['access', 'errors', 'errors'],
    'source.accessKeyId': ['file-id', 'flag-id', 'flag-id'],
    'source.accessKeySecret': ['file-secret', 'flag-secret', 'flag-secret'],
    'source.signatureVersion': ['v1', 'v4', 'v4'],
    'source.region': ['cn-hangzhou', 'cn-shanghai', 'cn-shanghai'],
    'source.consumerGroup': ['g1', 'g2', 'g2'],
    'source.consumer': ['c1', 'c2', 'c2'],
    'source.from': ['begin', '2024-05-01T00:00:00Z', { kind: 'time', unixSeconds: 1_714_521_600 }],
    'source.until': ['end', '2024-05-02', { kind: 'time', unixSeconds: 1_714_608_000 }],
    'parse.fields': ['[request_id]', 'status, method', ['status', 'method']],
    'pipeline.workers': ['2', '8', 8],
    'pipeline.queueCapacity': ['100', '5000', 5000],
    'pipeline.decodeThreads': ['0', '2', 2],
    'pipeline.drainTimeout': ['10s', '1m', 60_000],
    'sink.type': ['"null"', 'file', 'file'],
    'sink.path': ['a.ndjson', 'b.ndjson', 'b.ndjson'],
    'deadLetter.path': ['dead-a.ndjson', 'dead-b.ndjson', 'dead-b.ndjson'],
    'run.maxRuntime': ['10m', '1h', 3_600_000],
    'run.summary': ['a.json', 'b.json', 'b.json'],
    'run.lock': ['auto', 'off', 'off'],
    'log.level': ['info', 'debug', 'debug'],
    'observe.listen': ['127.0.0.1:9464', '0.0.0.0:0', '0.0.0.0:0'],
  };

  it('covers every flag', () => {
    expect(Object.keys(CASES).sort()).toEqual(CONFIG_FLAGS.map((flag) => flag.key).sort());
  });

  it('each flag overrides its key in the file', async () => {
    // One section per key prefix, built from CASES so the file sets every key a flag can.
    const sections = new Map<string, string[]>();
    for (const [key, [yaml]] of Object.entries(CASES)) {
      const [section = '', ...rest] = key.split('.');
      if (key === 'sink.path') continue; // the file's sink is `null`, which has no path
      sections.set(section, [...(sections.get(section) ?? []), `  ${rest.join('.')}: ${yaml}`]);
    }
    const file = folder.write('all-keys.yaml', [...sections].map(([name, lines]) => `${name}:\n${lines.join('\n')}`).join('\n'));
    const argv = CONFIG_FLAGS.flatMap((flag) => [flag.flags.split(' ')[0]!, CASES[flag.key]![1]]);

    const fromFile = await loadConfig({ file, env: {} });
    const overridden = await loadConfig({ file, flags: parsedFlags(argv), env: {} });
    for (const [key, [, , expected]] of Object.entries(CASES)) {
      expect(valueAt(overridden, key), key).toEqual(expected);
      expect(valueAt(fromFile, key), key).not.toEqual(expected);
    }
  });

  it('says in the help of --output that a postgres:// URL sets sink.url', () => {
    expect(flagHelp('sink.path')).toContain('A postgres:// URL sets sink.url instead.');
  });

  it('replaces a section whose type the flag changes, rather than mixing two types', async () => {
    const file = folder.write('file-sink.yaml', `${REQUIRED_SOURCE}sink:\n  type: file\n  path: out.ndjson\n`);
    const config = await loadConfig({ file, flags: parsedFlags(['--sink', 'stdout']), env: {} });
    expect(config.sink).toEqual({ type: 'stdout' });
  });

  it('names the flag and the key of a bad flag value', async () => {
    const error = await configError(loadConfig({ file: folder.write('ok.yaml', REQUIRED_SOURCE), flags: parsedFlags(['--workers', '0']), env: {} }));
    expect(error.message).toBe('--workers (pipeline.workers): expected a whole number from 1 to 256, got 0');
    expect(error.issues).toEqual([{ key: 'pipeline.workers', flag: '--workers', message: 'expected a whole number from 1 to 256, got 0' }]);
  });

  it('says when a flag sets a key the chosen sink type does not take', async () => {
    const flags = parsedFlags(['--sink', 'stdout', '--output', 'x.ndjson']);
    const error = await configError(loadConfig({ file: folder.write('ok2.yaml', REQUIRED_SOURCE), flags, env: {} }));
    expect(error.message).toBe('--output (sink.path): not an option of sink.type "stdout"');
  });

  it('clears source.until with --until null', async () => {
    const file = folder.write('until-end.yaml', `${REQUIRED_SOURCE}  until: end\n`);
    expect((await loadConfig({ file, flags: parsedFlags(['--until', 'null']), env: {} })).source.until).toBeNull();
  });
});

describe('SLUICE_LOG_LEVEL', () => {
  const file = folder.write('log-info.yaml', `${REQUIRED_SOURCE}log:\n  level: info\n`);

  it('sets log.level over the file, and under --log-level', async () => {
    const env = { SLUICE_LOG_LEVEL: 'warn' };
    expect((await loadConfig({ file, env })).log.level).toBe('warn');
    expect((await loadConfig({ file, flags: parsedFlags(['--log-level', 'debug']), env })).log.level).toBe('debug');
  });

  it('counts as unset when empty', async () => {
    expect((await loadConfig({ file, env: { SLUICE_LOG_LEVEL: '' } })).log.level).toBe('info');
  });

  it('is named, with the key, when its value is refused', async () => {
    const error = await configError(loadConfig({ file, env: { SLUICE_LOG_LEVEL: 'verbose' } }));
    expect(error.issues).toEqual([
      {
        key: 'log.level',
        flag: 'SLUICE_LOG_LEVEL',
        message: 'expected "fatal" or "error" or "warn" or "info" or "debug" or "trace" or "silent", got "verbose"',
      },
    ]);
    expect(error.message).toMatch(/^SLUICE_LOG_LEVEL \(log\.level\): expected/);
  });
});

describe('run', () => {
  it('refuses a max runtime of 0, naming the flag', async () => {
    const error = await configError(loadConfig({ file: folder.write('run.yaml', REQUIRED_SOURCE), flags: parsedFlags(['--max-runtime', '0']), env: {} }));
    expect(error.message).toBe('--max-runtime (run.maxRuntime): must be longer than 0');
  });
});

describe('config file problems', () => {
  it('names an unknown key and the key probably meant', async () => {
    const file = folder.write('typo.yaml', `${REQUIRED_SOURCE}pipeline:\n  worker: 4\n  queue_capacity: 10\nsinks: {}\n`);
    const error = await configError(loadConfig({ file, env: {} }));
    expect(error.message.split('\n')).toEqual([
      'pipeline.worker: unknown key; did you mean workers?',
      'pipeline.queue_capacity: unknown key; did you mean queueCapacity?',
      'sinks: unknown key; did you mean sink?',
    ]);
  });

  it('lists the keys a section takes when nothing is close to the unknown one', async () => {
    const error = await configError(loadConfig({ file: folder.write('unknown.yaml', `${REQUIRED_SOURCE}log:\n  colour: red\n`), env: {} }));
    expect(error.message).toBe('log.colour: unknown key; log takes level');
  });

  it('reports every problem at once, one per line', async () => {
    const file = folder.write('many.yaml', 'source:\n  endpoint: ftp://x\n  project: demo\n  logstore: a\npipeline:\n  workers: many\n  drainTimeout: soon\n');
    const error = await configError(loadConfig({ file, env: {} }));
    expect(error.issues.map((issue) => issue.key)).toEqual(['source.endpoint', 'pipeline.workers', 'pipeline.drainTimeout']);
    expect(error.message.split('\n')).toHaveLength(3);
    expect(error.message).toContain('pipeline.drainTimeout: expected a duration such as 500ms, 25s, 5m or 1h, got "soon"');
  });

  it('gives the line and column of a YAML syntax error', async () => {
    const file = folder.write('broken.yaml', `${REQUIRED_SOURCE}pipeline:\n  workers: a: b\n  queueCapacity: 10\n`);
    const error = await configError(loadConfig({ file, env: {} }));
    expect(error.message).toBe(`config file ${file}, line 6, column 12: Nested mappings are not allowed in compact mappings`);
  });

  it('refuses a key given twice', async () => {
    const error = await configError(loadConfig({ file: folder.write('twice.yaml', `${REQUIRED_SOURCE}  project: other\n`), env: {} }));
    expect(error.message).toMatch(/line 5, column 3: Map keys must be unique/);
  });

  it('says when the file is missing', async () => {
    const error = await configError(loadConfig({ file: './no-such-config.yaml', env: {} }));
    expect(error.message).toBe('config file ./no-such-config.yaml not found');
  });

  it('refuses a file that is not a mapping of sections', async () => {
    const error = await configError(loadConfig({ file: folder.write('list.yaml', '- source\n- pipeline\n'), env: {} }));
    expect(error.message).toMatch(/must be a mapping of sections .* not a list/);
  });

  it('never shows a secret in a message', async () => {
    const file = folder.write('secret.yaml', `${REQUIRED_SOURCE}  accessKeySecret: 918273645\n  securityToken: [tok-918273645]\n`);
    const error = await configError(loadConfig({ file, env: {} }));
    expect(error.message.split('\n')).toEqual(['source.accessKeySecret: expected text, got a number', 'source.securityToken: expected text, got a list']);
  });
});

describe('config.example.yaml', () => {
  it('loads, with its ${VAR}s unset and set', async () => {
    const unset = await loadConfig({ file: 'config.example.yaml', env: {} });
    expect(unset.source).toMatchObject({ project: 'demo', logstore: 'access', consumer: hostname() });
    expect(unset.source.accessKeyId).toBeUndefined();
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret', HOSTNAME: 'worker-1' };
    const set = await loadConfig({ file: 'config.example.yaml', env });
    expect(set.source).toMatchObject({ accessKeyId: 'id', accessKeySecret: 'secret', consumer: 'worker-1' });
  });

  it('shows every documented default', async () => {
    const example = await loadConfig({ file: 'config.example.yaml', env: {} });
    const defaults = await loadConfig({ flags: { endpoint: example.source.endpoint, project: 'demo', logstore: 'access' }, env: {} });
    expect(example).toEqual(defaults);
  });
});
