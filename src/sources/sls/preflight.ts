// What `sluice validate` asks of SLS before a run: that the endpoint answers, the access key
// is accepted, the project and logstore exist (one ListShards), and what becomes of the
// consumer group. A failure is an SlsError with the code that picks the exit code, and a
// message that says which of the likely mistakes it is: an access key id SLS does not know,
// a wrong secret, an endpoint that cannot be reached.

import type { SlsClient } from '../../sls/client.js';
import { SlsError, sameCode } from '../../sls/errors.js';
import { resolveEndpoint } from '../../sls/http/endpoint.js';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, maskedAccessKeyId } from '../../sls/signing/credentials.js';
import { sourceCredentials } from './connect.js';
import type { SlsSourceConfig } from './index.js';

/** Lists the logstore's shards: resolves with what SLS said, rejects with an explained SlsError. */
export async function checkLogstore(client: SlsClient, source: SlsSourceConfig): Promise<string> {
  try {
    const shards = await client.listShards(source.logstore);
    const readwrite = shards.filter((shard) => shard.status === 'readwrite').length;
    return (
      `${source.endpoint}: project ${source.project}, logstore ${source.logstore} with ${shards.length} shards ` +
      `(${readwrite} readwrite); access key ${maskedAccessKeyId(sourceCredentials(source).accessKeyId)} accepted`
    );
  } catch (error) {
    throw explained(error, source);
  }
}

/** Says whether the consumer group exists, and what a run would change about it. */
export async function checkConsumerGroup(client: SlsClient, source: SlsSourceConfig): Promise<string> {
  const wanted = { timeout: Math.max(1, Math.round(source.groupTimeout / 1000)), order: source.inOrder };
  const settings = (group: { timeout: number; order: boolean }): string => `timeout ${group.timeout} s, in order: ${group.order ? 'yes' : 'no'}`;
  let groups;
  try {
    groups = await client.listConsumerGroups(source.logstore);
  } catch (error) {
    throw explained(error, source);
  }
  const existing = groups.find((group) => group.name === source.consumerGroup);
  if (existing === undefined) return `consumer group ${source.consumerGroup} does not exist yet; the first run creates it (${settings(wanted)})`;
  if (existing.timeout === wanted.timeout && existing.order === wanted.order) return `consumer group ${source.consumerGroup} exists (${settings(existing)})`;
  return `consumer group ${source.consumerGroup} exists with ${settings(existing)}; a run changes that to ${settings(wanted)}`;
}

/** `error` with a message that names the likely mistake, for the failures a user causes most. */
function explained(error: unknown, source: SlsSourceConfig): unknown {
  if (!(error instanceof SlsError)) return error;
  const rewritten = (message: string): SlsError =>
    new SlsError({ code: error.code, ...(error.status === undefined ? {} : { status: error.status }), retryable: error.retryable, message, cause: error });
  const fromConfig = source.accessKeyId !== undefined;
  const id = `${maskedAccessKeyId(sourceCredentials(source).accessKeyId)} from ${fromConfig ? 'source.accessKeyId' : `$${ENV_ACCESS_KEY_ID}`}`;
  if (sameCode(error.code, 'InvalidAccessKeyId') || sameCode(error.code, 'InvalidAccessKeyId.NotFound')) {
    return rewritten(`SLS does not know the access key id ${id} (${error.code}): check the id, and that the key has not been deleted or disabled`);
  }
  if (sameCode(error.code, 'SignatureNotMatch')) {
    const secret = fromConfig ? 'source.accessKeySecret' : `$${ENV_ACCESS_KEY_SECRET}`;
    const region = source.signatureVersion === 'v4' ? ' (with v4 signatures, also check source.region)' : '';
    return rewritten(
      `the access key secret is wrong: SLS knows the access key id ${id}, but the signature made with the secret from ${secret} does not match (SignatureNotMatch); ` +
        `check the secret${region}`,
    );
  }
  if (error.code === 'NetworkError') {
    const { connectHost, port } = resolveEndpoint(source.endpoint, source.project);
    return rewritten(`cannot reach SLS at ${connectHost}:${port}: check source.endpoint (${source.endpoint}) and the network (DNS, firewalls, proxies). ${error.message}`);
  }
  return error;
}
