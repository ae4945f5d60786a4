import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/config/interpolate.js';
import { loadConfig } from '../../../src/config/load.js';
import { REQUIRED_SOURCE, configError, configFolder } from './config-fixture.js';

const folder = configFolder();

describe('${VAR} in config values', () => {
  it('substitutes set variables, anywhere in a string', async () => {
    const file = folder.write('env.yaml', 'source:\n  endpoint: http://${EMU_HOST}:${EMU_PORT}\n  project: demo\n  logstore: ${LOGSTORE}\n');
    const config = await loadConfig({ file, env: { EMU_HOST: '127.0.0.1', EMU_PORT: '9800', LOGSTORE: 'access' } });
    expect([config.source.endpoint, config.source.logstore]).toEqual(['http://127.0.0.1:9800', 'access']);
  });

  it('uses the :- default when the variable is unset or empty, and the value when it is set', () => {
    const document = { a: '${X:-fallback}', b: '${Y:-fallback}', c: '${Z:-fallback}', d: '${E:-}' };
    const { value } = interpolate(document, { Y: '', Z: 'set' });
    expect(value).toEqual({ a: 'fallback', b: 'fallback', c: 'set', d: '' });
  });

  it('leaves a key out when its variable is unset, so the key default applies', async () => {
    const file = folder.write('unset.yaml', `${REQUIRED_SOURCE}  consumer: \${HOSTNAME}\npipeline:\n  workers: \${WORKERS}\n`);
    const config = await loadConfig({ file, env: {} });
    expect(config.source.consumer).toBe(hostname());
    expect(config.pipeline.workers).toBe(16);
  });

  it('keeps an empty value of a set variable (only :- replaces it), and the schema judges it', async () => {
    const file = folder.write('empty.yaml', `${REQUIRED_SOURCE}  consumer: \${CONSUMER}\n`);
    const error = await configError(loadConfig({ file, env: { CONSUMER: '' } }));
    expect(error.message).toBe('source.consumer: must not be empty (the value comes from ${CONSUMER})');
  });

  it('names the unset variable a required key was waiting for', async () => {
    const file = folder.write('required.yaml', 'source:\n  endpoint: ${SLS_ENDPOINT}\n  project: demo\n  logstore: access\n');
    const error = await configError(loadConfig({ file, env: {} }));
    expect(error.issues).toEqual([{ key: 'source.endpoint', message: 'required; it comes from ${SLS_ENDPOINT}, which is not set' }]);
  });

  it('says which variable a bad value came from', async () => {
    const file = folder.write('bad-number.yaml', `${REQUIRED_SOURCE}pipeline:\n  workers: \${WORKERS}\n`);
    const error = await configError(loadConfig({ file, env: { WORKERS: 'lots' } }));
    expect(error.message).toBe('pipeline.workers: expected a whole number from 1 to 256, got "lots" (the value comes from ${WORKERS})');
  });

  it('reads numbers, booleans and null from variables, whose values are always text', async () => {
    const file = folder.write('typed.yaml', `${REQUIRED_SOURCE}  inOrder: \${IN_ORDER}\n  until: \${UNTIL:-null}\npipeline:\n  workers: \${WORKERS}\n`);
    const config = await loadConfig({ file, env: { IN_ORDER: 'true', WORKERS: '16' } });
    expect([config.source.inOrder, config.source.until, config.pipeline.workers]).toEqual([true, null, 16]);
  });

  it('writes $${ as a literal ${ and substitutes nothing in it', () => {
    expect(interpolate({ a: 'cost: $${PRICE} and ${PRICE}' }, { PRICE: '5' }).value).toEqual({ a: 'cost: ${PRICE} and 5' });
  });

  it('cannot inject YAML: a value stays one string whatever it contains', async () => {
    const file = folder.write('inject.yaml', `${REQUIRED_SOURCE}  consumer: \${CONSUMER}\n`);
    const config = await loadConfig({ file, env: { CONSUMER: 'a\npipeline:\n  workers: 200' } });
    expect(config.source.consumer).toBe('a\npipeline:\n  workers: 200');
    expect(config.pipeline.workers).toBe(16);
  });

  it('drops a list item whose variable is unset', () => {
    const { value, unset } = interpolate({ parse: { fields: ['request_id', '${EXTRA}', 'status'] } }, {});
    expect(value).toEqual({ parse: { fields: ['request_id', 'status'] } });
    expect(unset).toEqual(new Map([['parse.fields.1', 'EXTRA']]));
  });

  it('refuses a ${ that starts no valid reference, without showing the value', async () => {
    const file = folder.write('malformed.yaml', `${REQUIRED_SOURCE}  accessKeySecret: abc\${1SECRET}xyz\n`);
    const error = await configError(loadConfig({ file, env: {} }));
    expect(error.issues.map((issue) => issue.key)).toEqual(['source.accessKeySecret']);
    expect(error.message).toContain('write ${NAME} or ${NAME:-default}, or $${ for a literal "${"');
    expect(error.message).not.toContain('abc');
  });
});
