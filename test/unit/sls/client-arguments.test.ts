// Arguments SLS would refuse are refused before anything is sent: the client points at a
// closed port, so a request that went out would fail as a NetworkError instead.
import { describe, expect, it } from 'vitest';
import { SlsClient } from '../../../src/sls/client.js';

const client = new SlsClient({ endpoint: 'http://127.0.0.1:1', project: 'demo', credentials: { accessKeyId: 'id', accessKeySecret: 'secret' } });

describe('SlsClient argument checks', () => {
  it.each([1.5, -1, Number.NaN])('rejects shard id %s', async (shard) => {
    await expect(client.getCursor('access', shard, 'begin')).rejects.toMatchObject({ code: 'ParameterInvalid', retryable: false });
  });

  it.each([1e21, -5, 1.5])('rejects GetCursor from %s', async (from) => {
    await expect(client.getCursor('access', 0, from)).rejects.toMatchObject({ code: 'ParameterInvalid', retryable: false });
  });
});
